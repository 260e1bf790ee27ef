/* The scenario's thresholds and grades: expressions, bounds, and the
 * request, flow, group, phase or stage each one is scoped to. */
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

/*
 * Resolve a threshold's (or a grade's) scope against the scenario: 0, or
 * -1 with *why and *off, where in t->expr the problem is.  A class is
 * resolved by the parser.
 */
static int
scope_resolve(struct scenario *scn, struct threshold *t, size_t *off,
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

/* scope_resolve, with the error at the node that wrote t. */
static int
resolve_scope(struct scn_parser *p, yaml_node_t *node, struct threshold *t,
    const char *kind)
{
	char *why = NULL;
	size_t off;

	if (scope_resolve(p->scn, t, &off, &why) == 0)
		return 0;
	scenario_err_in(p, node, off, "%s %s: %s", kind,
	    scenario_quote(t->expr), why);
	free(why);
	return -1;
}

int
scenario_add_thresholds(struct scenario *scn, char *const *exprs, size_t n,
    char **cause)
{
	struct threshold t;
	char *why = NULL;
	size_t i, off;

	for (i = 0; i < n; i++) {
		if (threshold_parse(exprs[i], &t, &off, &why) != 0 ||
		    scope_resolve(scn, &t, &off, &why) != 0) {
			xasprintf(cause, "--threshold '%s': column %zu: %s",
			    exprs[i], off + 1, why);
			free(why);
			threshold_clear(&t);
			return -1;
		}
		t.abort_on_fail = scn->abort_on_fail;
		scn->thresholds = xreallocarray(scn->thresholds,
		    scn->nthresholds + 1, sizeof *scn->thresholds);
		scn->thresholds[scn->nthresholds++] = t;
	}
	return 0;
}

static const struct scn_key threshold_keys[] = {
	{ .name = "expr" },
	{ .name = "abort_on_fail", .fn = scenario_h_bool,
	  .off = offsetof(struct threshold, abort_on_fail) },
};

static void
parse_threshold(struct scn_parser *p, yaml_node_t *item)
{
	struct scenario *scn = p->scn;
	struct threshold t;
	struct scn_map m;
	yaml_node_t *ex = item;
	const char *expr;
	char *cause = NULL;
	size_t off = 0;
	bool abort_on_fail = scn->abort_on_fail;

	if (item->type == YAML_MAPPING_NODE) {
		memset(&t, 0, sizeof t);
		scenario_walk(p, item, threshold_keys, LT_NELEM(threshold_keys), &t,
		    "in threshold", -1, &m);
		if ((ex = scenario_get(&m, "expr")) == NULL) {
			scenario_err(p, item, "threshold needs 'expr', such as "
			    "'p95 < 50ms'");
			return;
		}
		if (scenario_getkey(&m, "abort_on_fail") != NULL)
			abort_on_fail = t.abort_on_fail;
	} else if (item->type != YAML_SCALAR_NODE) {
		scenario_err(p, item, "each threshold must be an expression such as "
		    "'p95 < 50ms' or a mapping with 'expr', got %s",
		    scenario_describe(item));
		return;
	}
	if ((expr = scenario_scalar(p, ex, "expr", "an expression such as "
	    "'p95 < 50ms'")) == NULL)
		return;
	if (threshold_parse(expr, &t, &off, &cause) != 0) {
		scenario_err_in(p, ex, off, "threshold %s: %s", scenario_quote(expr),
		    cause);
		free(cause);
		return;
	}
	t.line = (int)item->start_mark.line + 1;
	t.col = (int)item->start_mark.column + 1;
	t.abort_on_fail = abort_on_fail;
	if (resolve_scope(p, ex, &t, "threshold") != 0) {
		threshold_clear(&t);
		return;
	}
	scn->thresholds = xreallocarray(scn->thresholds, scn->nthresholds + 1,
	    sizeof *scn->thresholds);
	scn->thresholds[scn->nthresholds++] = t;
}

void
scenario_parse_thresholds(struct scn_parser *p, yaml_node_t *node)
{
	yaml_node_item_t *it;

	if (node->type != YAML_SEQUENCE_NODE) {
		scenario_err(p, node, "'thresholds' must be a list of expressions "
		    "such as 'p95 < 50ms', got %s", scenario_describe(node));
		return;
	}
	for (it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++)
		parse_threshold(p, scenario_node(p, *it));
}

static const char *const grade_names[] = {
	[GRADE_EXCELLENT] = "excellent",
	[GRADE_GOOD] = "good",
	[GRADE_ACCEPTABLE] = "acceptable",
	[GRADE_POOR] = "poor",
	[GRADE__COUNT] = "none",
};

const char *
scenario_grade_name(enum scn_grade_level g)
{
	return (unsigned)g <= GRADE__COUNT ? grade_names[g] : "?";
}

static const struct scn_key grade_keys[] = {
	{ .name = "metric" },
	{ .name = "excellent" },
	{ .name = "good" },
	{ .name = "acceptable" },
	{ .name = "fail_below" },
};

/* The three bounds, each a value of the metric, in one order or the
 * other: down for a metric where more is better. */
static int
grade_bounds(struct scn_parser *p, const struct scn_map *m,
    struct scn_grade *g)
{
	yaml_node_t *v[SCN_GRADE_BOUNDS];
	const char *s;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < SCN_GRADE_BOUNDS; i++) {
		if ((v[i] = scenario_get(m, grade_names[i])) == NULL) {
			scenario_err(p, m->node, "grade %s needs '%s'",
			    scenario_quote(g->t.expr), grade_names[i]);
			return -1;
		}
		if ((s = scenario_scalar(p, v[i], grade_names[i], "a value of "
		    "the metric")) == NULL)
			return -1;
		if (threshold_parse_bound(&g->t.metric, s, &g->bound[i],
		    &cause) != 0) {
			scenario_err(p, v[i], "grade %s: %s: %s",
			    scenario_quote(g->t.expr), grade_names[i], cause);
			free(cause);
			return -1;
		}
	}
	g->higher_better = g->bound[0] > g->bound[2];
	for (i = 1; i < SCN_GRADE_BOUNDS; i++)
		if (g->higher_better ? !(g->bound[i] < g->bound[i - 1]) :
		    !(g->bound[i] > g->bound[i - 1])) {
			scenario_err(p, v[i], "grade %s: the bounds must go one "
			    "way, excellent to acceptable: '%s' is not %s than "
			    "'%s'", scenario_quote(g->t.expr), grade_names[i],
			    g->higher_better ? "lower" : "higher",
			    grade_names[i - 1]);
			return -1;
		}
	return 0;
}

static int
grade_fail_below(struct scn_parser *p, const struct scn_map *m,
    struct scn_grade *g)
{
	yaml_node_t *v = scenario_get(m, "fail_below");
	const char *s;
	size_t i;

	g->fail_below = GRADE_ACCEPTABLE;
	if (v == NULL)
		return 0;
	if ((s = scenario_scalar(p, v, "fail_below", "a grade")) == NULL)
		return -1;
	for (i = 0; i <= GRADE__COUNT; i++)
		if (i != GRADE_POOR && strcmp(s, grade_names[i]) == 0) {
			g->fail_below = (enum scn_grade_level)i;
			return 0;
		}
	scenario_err(p, v, "fail_below %s: expected excellent, good, "
	    "acceptable or none", scenario_quote(s));
	return -1;
}

static void
parse_grade(struct scn_parser *p, yaml_node_t *item)
{
	struct scenario *scn = p->scn;
	struct scn_grade g;
	struct scn_map m;
	yaml_node_t *mv;
	const char *spec;
	char *cause = NULL;
	size_t off = 0;

	memset(&g, 0, sizeof g);
	if (item->type != YAML_MAPPING_NODE) {
		scenario_err(p, item, "each grade must be a mapping such as "
		    "{metric: p95, excellent: 50ms, good: 100ms, acceptable: "
		    "200ms}, got %s", scenario_describe(item));
		return;
	}
	scenario_walk(p, item, grade_keys, LT_NELEM(grade_keys), &g,
	    "in grade", -1, &m);
	if ((mv = scenario_get(&m, "metric")) == NULL) {
		scenario_err(p, item, "grade needs 'metric', such as 'p95' or "
		    "'checkout.p95'");
		return;
	}
	if ((spec = scenario_scalar(p, mv, "metric", "a metric such as "
	    "'p95'")) == NULL)
		return;
	if (threshold_parse_metric(spec, &g.t, &off, &cause) != 0) {
		scenario_err_in(p, mv, off, "grade %s: %s", scenario_quote(spec),
		    cause);
		free(cause);
		return;
	}
	g.t.line = (int)item->start_mark.line + 1;
	g.t.col = (int)item->start_mark.column + 1;
	if (resolve_scope(p, mv, &g.t, "grade") != 0 ||
	    grade_bounds(p, &m, &g) != 0 || grade_fail_below(p, &m, &g) != 0) {
		threshold_clear(&g.t);
		return;
	}
	scn->grades = xreallocarray(scn->grades, scn->ngrades + 1,
	    sizeof *scn->grades);
	scn->grades[scn->ngrades++] = g;
}

void
scenario_parse_grades(struct scn_parser *p, yaml_node_t *node)
{
	yaml_node_item_t *it;

	if (node->type != YAML_SEQUENCE_NODE) {
		scenario_err(p, node, "'grades' must be a list of mappings such "
		    "as {metric: p95, excellent: 50ms, good: 100ms, "
		    "acceptable: 200ms}, got %s", scenario_describe(node));
		return;
	}
	for (it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++)
		parse_grade(p, scenario_node(p, *it));
}
