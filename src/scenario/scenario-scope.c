/*
 * The scopes thresholds and grades name, resolved against the scenario:
 * a request or a flow, a phase, a stage, a group, a process, a scraped
 * metric, and what each takes: a stream request or a connections phase
 * its streams' metrics, of the sort it has.
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

/* phase:ws.connect.p95: the stream latency ("connect") the unknown name
 * of a scope other than a request's ends in, or NULL. */
static const char *
stream_latency_of(const struct threshold *t)
{
	size_t n = strlen(t->scope_name), k;
	const char *name;
	int st;

	if (!threshold_is_latency_metric(t->metric) ||
	    t->scope == THR_SCOPE_REQUEST)
		return NULL;
	for (st = THR_STREAM_NONE + 1; st <= THR_STREAM_SESSION; st++) {
		name = threshold_stream_name((enum thr_stream)st);
		k = strlen(name);
		if (n > k + 1 && t->scope_name[n - k - 1] == '.' &&
		    strcmp(t->scope_name + n - k, name) == 0)
			return name;
	}
	return NULL;
}

/* The index of the request, phase, stage or group named like t's
 * scope, or -1 with *why saying so. */
static int
scope_index(const struct scenario *scn, const struct threshold *t,
    char **why)
{
	int i = find_scope(scn, t->scope, t->scope_name);
	const char *latency;

	if (i >= 0)
		return i;
	if ((latency = stream_latency_of(t)) != NULL) {
		xasprintf(why, "a stream's latency is judged per stream request, "
		    "as NAME.%s.%s, not per %s", latency,
		    threshold_metric_name(t->metric), scope_what[t->scope]);
		return -1;
	}
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

/* "a websocket", "an sse stream": a request's sort of stream; NULL. */
static const char *
stream_sort(const struct scn_request *r)
{
	return r->websocket != NULL ? "a websocket" : r->sse != NULL ?
	    "an sse stream" : NULL;
}

/* What t judges of a stream, as written: "connect" or "events". */
static const char *
stream_what(const struct threshold *t)
{
	return t->stream != THR_STREAM_NONE ? threshold_stream_name(t->stream) :
	    threshold_metric_name(t->metric);
}

static bool
is_stream_threshold(const struct threshold *t)
{
	return t->stream != THR_STREAM_NONE ||
	    threshold_is_stream_metric(t->metric);
}

/* A stream's latencies, "NAME.connect, NAME.rtt, ...", for its sort. */
static char *
stream_latencies(const char *name, bool sse)
{
	struct threshold probe = { .metric = THR_P95 };
	char *list = xstrdup(""), *next;
	int st;

	for (st = THR_STREAM_NONE + 1; st <= THR_STREAM_SESSION; st++) {
		probe.stream = (enum thr_stream)st;
		if (!threshold_stream_fits(&probe, sse))
			continue;
		xasprintf(&next, "%s%s%s.%s.p95", list, *list != '\0' ? ", " :
		    "", name, threshold_stream_name(probe.stream));
		free(list);
		list = next;
	}
	return list;
}

/* A stream request takes a stream's metrics and latencies, those of its
 * sort; any other request the rest. */
static int
request_streams(const struct scenario *scn, const struct threshold *t,
    size_t i, char **why)
{
	const struct scn_request *r = &scn->requests[i];
	const char *sort = stream_sort(r), *name = t->scope_name;
	char *list;

	if (sort == NULL && is_stream_threshold(t))
		xasprintf(why, "request %s is no stream (it has neither "
		    "'websocket' nor 'sse'): '%s' %s", scenario_quote(name),
		    stream_what(t), t->stream != THR_STREAM_NONE ? "is a "
		    "stream's latency" : "counts streams");
	else if (sort != NULL && !is_stream_threshold(t)) {
		list = stream_latencies(name, r->sse != NULL);
		xasprintf(why, "request %s is %s: '%s' measures HTTP requests; "
		    "a stream's latencies are %s, its counts %s.connect_errors "
		    "and the like", scenario_quote(name), sort,
		    threshold_metric_name(t->metric), list, name);
		free(list);
	} else if (sort != NULL && !threshold_stream_fits(t, r->sse != NULL))
		xasprintf(why, "request %s is %s, which has no '%s' (%s's)",
		    scenario_quote(name), sort, stream_what(t), r->sse != NULL ?
		    "a websocket" : "an sse stream");
	else
		return 0;
	return -1;
}

/* NAME.connect.p95 of a request named NAME.connect (no stream): the
 * request's own latency.  Returns its index, or -1. */
static int
dotted_request(const struct scenario *scn, struct threshold *t)
{
	char *name;
	int i;

	xasprintf(&name, "%s.%s", t->scope_name, threshold_stream_name(t->stream));
	if ((i = find_scope(scn, THR_SCOPE_REQUEST, name)) < 0) {
		free(name);
		return -1;
	}
	free(t->scope_name);
	t->scope_name = name;
	t->stream = THR_STREAM_NONE;
	return i;
}

/* A bare NAME. names a request, else a flow; request:NAME a request. */
static int
request_scope(const struct scenario *scn, struct threshold *t, char **why)
{
	const char *e = t->expr + strspn(t->expr, " \t");
	int i = find_scope(scn, THR_SCOPE_REQUEST, t->scope_name), f;
	bool bare = strncmp(e, "request:", 8) != 0 && t->metric != THR_OUTCOME;

	/* A stream's latency, unless NAME is no stream and an HTTP request
	 * is named NAME.connect: that one's own latency, as ever. */
	if (t->stream != THR_STREAM_NONE && (i < 0 ||
	    stream_sort(&scn->requests[i]) == NULL) && (f = dotted_request(scn,
	    t)) >= 0)
		i = f;
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
	if (request_streams(scn, t, (size_t)i, why) != 0)
		return -1;
	if (t->metric == THR_CHECKS && scn->requests[i].nchecks == 0) {
		xasprintf(why, "request %s has no checks (of its own or of the "
		    "defaults)", scenario_quote(t->scope_name));
		return -1;
	}
	t->scope_index = (size_t)i;
	return 0;
}

/* Whether a stream of the phase's (of the run's: ph NULL) has what t
 * counts. */
static bool
streams_fit(const struct scenario *scn, const struct scn_phase *ph,
    const struct threshold *t)
{
	const struct scn_request *r;
	size_t k, n = ph != NULL && ph->use != NULL ? ph->nuse : scn->nrequests;

	for (k = 0; k < n; k++) {
		r = &scn->requests[ph != NULL && ph->use != NULL ? ph->use[k] : k];
		if (stream_sort(r) != NULL && threshold_stream_fits(t,
		    r->sse != NULL))
			return true;
	}
	return false;
}

/* A run without streams has none to count. */
static int
run_streams(const struct scenario *scn, const struct threshold *t, char **why)
{
	if (!is_stream_threshold(t) || streams_fit(scn, NULL, t))
		return 0;
	xasprintf(why, "no request is %s, whose '%s' it counts",
	    threshold_stream_fits(t, true) && threshold_stream_fits(t, false) ?
	    "a stream (websocket or sse)" : threshold_stream_fits(t, true) ?
	    "an sse stream" : "a websocket", stream_what(t));
	return -1;
}

/* A connections phase is judged by its streams, and only it has any. */
static int
phase_streams(const struct scenario *scn, const struct threshold *t,
    size_t i, char **why)
{
	const struct scn_phase *ph = &scn->phases[i];
	bool conn = ph->kind == SCN_CONNECTIONS;

	if (is_stream_threshold(t) && !conn)
		xasprintf(why, "phase %s is a %s phase: '%s' counts the streams "
		    "of a connections phase", scenario_quote(ph->name),
		    kinds_phase_name(ph->kind), stream_what(t));
	else if (is_stream_threshold(t) && !streams_fit(scn, ph, t))
		xasprintf(why, "phase %s opens no %s, whose '%s' it counts",
		    scenario_quote(ph->name), threshold_stream_fits(t, true) ?
		    "sse stream" : "websocket", stream_what(t));
	else if (!is_stream_threshold(t) && conn &&
	    !threshold_is_target_metric(t->metric))
		xasprintf(why, "phase %s is a connections phase, which sends no "
		    "HTTP requests for '%s' to measure; its streams are judged "
		    "by phase:%s.connect_errors, NAME.connect.p95 and the like",
		    scenario_quote(ph->name), threshold_metric_name(t->metric),
		    ph->name);
	else
		return 0;
	return -1;
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
	if (t->scope == THR_SCOPE_ALL)
		return run_streams(scn, t, why);
	if (t->scope == THR_SCOPE_CLASS)
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
	if (t->scope == THR_SCOPE_PHASE && phase_streams(scn, t, (size_t)i,
	    why) != 0)
		return -1;
	t->scope_index = (size_t)i;
	return 0;
}
