/*
 * The scopes thresholds and grades name, resolved against the scenario:
 * a request or a flow, a phase, a stage, a group, a process, a scraped
 * metric, and what each takes.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"
#include "suggest.h"
#include "util.h"

/* A threshold on a scraped metric: the scraper watches that series too. */
static int
watch_series(struct scenario *scn, struct threshold *t, char **why)
{
	struct scn_target *tg = &scn->target;
	size_t i;

	if (tg->metrics_url == NULL) {
		*why = xstrdup("a metric needs target.metrics_url to be scraped "
		    "from");
		return -1;
	}
	for (i = 0; i < tg->nmetrics; i++)
		if (strcmp(tg->metrics[i], t->scope_name) == 0)
			return 0;
	tg->metrics = xreallocarray(tg->metrics, tg->nmetrics + 1,
	    sizeof *tg->metrics);
	tg->metrics[tg->nmetrics++] = xstrdup(t->scope_name);
	return 0;
}

/*
 * A process scope takes target metrics only, and a name of the
 * scenario's processes when it lists some; processes the command line
 * gives are named when the run starts, so the verdict finds them then.
 */
static int
process_scope(const struct scenario *scn, struct threshold *t, char **why)
{
	const struct scn_target *tg = &scn->target;
	size_t i;

	if (!threshold_is_target_metric(t->metric)) {
		xasprintf(why, "'%s' is not a target metric; a process scope "
		    "takes cpu_max, rss_max, target_exits and the like",
		    threshold_metric_name(t->metric));
		return -1;
	}
	for (i = 0; i < tg->nprocesses; i++)
		if (tg->processes[i].label != NULL &&
		    strcmp(tg->processes[i].label, t->scope_name) == 0)
			return 0;
	if (tg->nprocesses == 0)
		return 0;
	xasprintf(why, "unknown process %s", scenario_quote(t->scope_name));
	return -1;
}

/* The names a scope of this kind may take, in index order: the stages'
 * across every ramp, phase by phase (snapshot.h's stages). */
static const char **
scope_names(const struct scenario *scn, enum thr_scope scope, size_t *n)
{
	const char **names;
	size_t i, j, k;

	*n = 0;
	if (scope == THR_SCOPE_REQUEST)
		*n = scn->nrequests;
	else if (scope == THR_SCOPE_PHASE)
		*n = scn->nphases;
	else if (scope == THR_SCOPE_GROUP)
		*n = scn->ngroups;
	else if (scope == THR_SCOPE_FLOW)
		*n = scn->nflows;
	else
		for (i = 0; i < scn->nphases; i++)
			*n += scn->phases[i].nstages;
	names = xcalloc(*n + 1, sizeof *names);
	for (i = 0, j = 0; scope == THR_SCOPE_STAGE && i < scn->nphases; i++)
		for (k = 0; k < scn->phases[i].nstages; k++)
			names[j++] = scn->phases[i].stages[k].name;
	for (i = 0; scope != THR_SCOPE_STAGE && i < *n; i++)
		names[i] = scope == THR_SCOPE_REQUEST ? scn->requests[i].name :
		    scope == THR_SCOPE_PHASE ? scn->phases[i].name :
		    scope == THR_SCOPE_GROUP ? scn->groups[i] :
		    scn->flows[i].name;
	for (i = 0; i < *n; i++)
		if (names[i] == NULL)
			names[i] = "";
	return names;
}

static const char *const scope_what[] = {
	[THR_SCOPE_REQUEST] = "request", [THR_SCOPE_PHASE] = "phase",
	[THR_SCOPE_STAGE] = "stage", [THR_SCOPE_GROUP] = "group",
	[THR_SCOPE_FLOW] = "flow",
};

/* The index of the scope of this kind named name, or -1. */
static int
find_scope(const struct scenario *scn, enum thr_scope scope, const char *name)
{
	size_t i, n;
	const char **names = scope_names(scn, scope, &n);

	for (i = 0; i < n && strcmp(names[i], name) != 0; i++)
		/* nothing */;
	free(names);
	return i < n ? (int)i : -1;
}

/* *why: no scope of this kind (nor of the other, when there is one) is
 * named like t's, with the name meant when one is close. */
static int
unknown_scope(const struct scenario *scn, const struct threshold *t,
    enum thr_scope scope, enum thr_scope other, char **why)
{
	size_t n, m;
	const char **names = scope_names(scn, scope, &n), *near;
	const char **more = scope_names(scn, other, &m);
	char *what;

	names = xreallocarray(names, n + m + 1, sizeof *names);
	memcpy(names + n, more, m * sizeof *names);
	if (other != scope && m > 0)
		xasprintf(&what, "%s or %s", scope_what[scope], scope_what[other]);
	else
		what = xstrdup(scope_what[scope]);
	near = suggest_closest(t->scope_name, names, other != scope ? n + m : n);
	if (near != NULL)
		xasprintf(why, "unknown %s %s (did you mean '%s'?)", what,
		    scenario_quote(t->scope_name), near);
	else
		xasprintf(why, "unknown %s %s", what,
		    scenario_quote(t->scope_name));
	free(what);
	free(more);
	free(names);
	return -1;
}

/* The index of the request, phase, stage or group named like t's
 * scope, or -1 with *why saying so. */
static int
scope_index(const struct scenario *scn, const struct threshold *t,
    char **why)
{
	int i = find_scope(scn, t->scope, t->scope_name);

	if (i >= 0)
		return i;
	if (t->scope == THR_SCOPE_GROUP && scn->ngroups == 0) {
		xasprintf(why, "unknown group %s: no request has a 'group'",
		    scenario_quote(t->scope_name));
		return -1;
	}
	return unknown_scope(scn, t, t->scope, t->scope, why);
}

/* A flow named without .iteration: its iterations counted. */
static int
flow_counts(const struct scenario *scn, struct threshold *t, int f,
    char **why)
{
	if (t->metric != THR_REQUESTS && t->metric != THR_ERRORS &&
	    t->metric != THR_ERROR_RATE) {
		xasprintf(why, "flow %s is judged by %s.iteration.METRIC (the "
		    "latency of its iterations) and by %s.requests, %s.errors "
		    "and %s.error_rate, not by '%s'",
		    scenario_quote(scn->flows[f].name), t->scope_name,
		    t->scope_name, t->scope_name, t->scope_name,
		    threshold_metric_name(t->metric));
		return -1;
	}
	t->scope = THR_SCOPE_FLOW;
	t->scope_index = (size_t)f;
	return 0;
}

/* A bare NAME. names a request, else a flow; request:NAME a request. */
static int
request_scope(const struct scenario *scn, struct threshold *t, char **why)
{
	const char *e = t->expr + strspn(t->expr, " \t");
	int i = find_scope(scn, THR_SCOPE_REQUEST, t->scope_name), f;
	bool bare = strncmp(e, "request:", 8) != 0 && t->metric != THR_OUTCOME;

	f = i < 0 ? find_scope(scn, THR_SCOPE_FLOW, t->scope_name) : -1;
	if (f >= 0 && bare)
		return flow_counts(scn, t, f, why);
	if (f >= 0) {
		xasprintf(why, "%s is a flow, not a request%s",
		    scenario_quote(t->scope_name), t->metric == THR_OUTCOME ?
		    "; an outcome is counted per request" : "");
		return -1;
	}
	if (i < 0)
		return unknown_scope(scn, t, THR_SCOPE_REQUEST, bare ?
		    THR_SCOPE_FLOW : THR_SCOPE_REQUEST, why);
	if (t->metric == THR_OUTCOME && scn->requests[i].outcome == NULL) {
		xasprintf(why, "request %s has no 'outcome' to count the values "
		    "of", scenario_quote(t->scope_name));
		return -1;
	}
	if (t->metric == THR_CHECKS && scn->requests[i].nchecks == 0) {
		xasprintf(why, "request %s has no checks (of its own or of the "
		    "defaults)", scenario_quote(t->scope_name));
		return -1;
	}
	t->scope_index = (size_t)i;
	return 0;
}

/* FLOW.iteration: a flow, or else a request named so (X.iteration). */
static int
iteration_scope(const struct scenario *scn, struct threshold *t, char **why)
{
	char *name;
	int f = find_scope(scn, THR_SCOPE_FLOW, t->scope_name), i;

	if (f >= 0) {
		t->scope_index = (size_t)f;
		return 0;
	}
	xasprintf(&name, "%s.iteration", t->scope_name);
	if ((i = find_scope(scn, THR_SCOPE_REQUEST, name)) >= 0) {
		free(t->scope_name);
		t->scope_name = name;
		t->scope = THR_SCOPE_REQUEST;
		t->iteration = false;
		t->scope_index = (size_t)i;
		return 0;
	}
	free(name);
	if (scn->nflows == 0) {
		xasprintf(why, "unknown flow %s: the scenario has no 'flows'",
		    scenario_quote(t->scope_name));
		return -1;
	}
	return unknown_scope(scn, t, THR_SCOPE_FLOW, THR_SCOPE_FLOW, why);
}

int
scenario_scope_resolve(struct scenario *scn, struct threshold *t, size_t *off,
    char **why)
{
	const char *at;
	char *list;
	int i;

	*off = 0;
	if (t->scope == THR_SCOPE_ALL && t->metric == THR_CHECKS &&
	    scn->nchecks == 0) {
		*why = xstrdup("no request has checks (of its own or of the "
		    "defaults)");
		return -1;
	}
	if (t->scope == THR_SCOPE_ALL || t->scope == THR_SCOPE_CLASS)
		return 0;
	if (t->scope == THR_SCOPE_METRIC)
		return watch_series(scn, t, why);
	if (t->scope == THR_SCOPE_PROCESS)
		return process_scope(scn, t, why);
	at = strstr(t->expr, t->scope_name);
	*off = at != NULL ? (size_t)(at - t->expr) : 0;
	if ((t->scope == THR_SCOPE_REQUEST || t->scope == THR_SCOPE_GROUP ||
	    t->scope == THR_SCOPE_FLOW) && threshold_is_target_metric(t->metric)) {
		list = threshold_target_metric_list();
		xasprintf(why, "'%s' is a target metric (one of %s) and cannot "
		    "be scoped to a %s", threshold_metric_name(t->metric), list,
		    scope_what[t->scope]);
		free(list);
		return -1;
	}
	if (t->scope == THR_SCOPE_REQUEST)
		return request_scope(scn, t, why);
	if (t->scope == THR_SCOPE_FLOW)
		return iteration_scope(scn, t, why);
	if ((i = scope_index(scn, t, why)) < 0)
		return -1;
	t->scope_index = (size_t)i;
	return 0;
}
