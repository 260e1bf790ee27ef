/* The scenario's thresholds and grades: expressions and bounds, their
 * scopes resolved by scenario-scope.c. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"
#include "util.h"

/* scenario_scope_resolve, with the error at the node that wrote t. */
static int
resolve_scope(struct scn_parser *p, yaml_node_t *node, struct threshold *t,
    const char *kind)
{
	char *why = NULL;
	size_t off;

	if (scenario_scope_resolve(p->scn, t, &off, &why) == 0)
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
		    scenario_scope_resolve(scn, &t, &off, &why) != 0) {
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

/* The mappings this part reads, for loadtop --list-keys. */
const struct scn_key_table scenario_threshold_tables[] = {
	{ "thresholds[]", threshold_keys, LT_NELEM(threshold_keys) },
	{ "grades[]", grade_keys, LT_NELEM(grade_keys) },
	{ NULL, NULL, 0 }
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
