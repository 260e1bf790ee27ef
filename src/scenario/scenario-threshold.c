/* The scenario's thresholds: expressions, and the request or phase each
 * one is scoped to. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"
#include "suggest.h"
#include "util.h"

static const char *const target_metrics[] = {
	"mem_growth", "rss_max", "cpu_max", "cpu_avg", "leak_slope"
};

static bool
is_target_metric(enum thr_metric m)
{
	return m == THR_MEM_GROWTH || m == THR_RSS_MAX || m == THR_CPU_MAX ||
	    m == THR_CPU_AVG || m == THR_LEAK_SLOPE_REQ ||
	    m == THR_LEAK_SLOPE_MIN;
}

/* Find the request or phase a threshold is scoped to. */
static int
resolve_scope(struct scn_parser *p, yaml_node_t *node, struct threshold *t)
{
	struct scenario *scn = p->scn;
	const char **names, *near, *what, *at;
	size_t i, n, off;

	if (t->scope == THR_SCOPE_ALL)
		return 0;
	at = strstr(t->expr, t->scope_name);
	off = at != NULL ? (size_t)(at - t->expr) : 0;
	if (t->scope == THR_SCOPE_REQUEST && is_target_metric(t->metric)) {
		scenario_err_in(p, node, off, "threshold %s: '%s' is a target metric "
		    "(one of %s, %s, %s, %s, %s) and cannot be scoped to a "
		    "request", scenario_quote(t->expr), threshold_metric_name(t->metric),
		    target_metrics[0], target_metrics[1], target_metrics[2],
		    target_metrics[3], target_metrics[4]);
		return -1;
	}
	n = t->scope == THR_SCOPE_REQUEST ? scn->nrequests : scn->nphases;
	what = t->scope == THR_SCOPE_REQUEST ? "request" : "phase";
	names = xcalloc(n + 1, sizeof *names);
	for (i = 0; i < n; i++) {
		names[i] = t->scope == THR_SCOPE_REQUEST ?
		    scn->requests[i].name : scn->phases[i].name;
		if (names[i] == NULL)
			names[i] = "";
		if (strcmp(names[i], t->scope_name) == 0)
			break;
	}
	if (i < n) {
		t->scope_index = i;
		free(names);
		return 0;
	}
	near = suggest_closest(t->scope_name, names, n);
	if (near != NULL)
		scenario_err_in(p, node, off, "threshold %s: unknown %s %s (did you "
		    "mean '%s'?)", scenario_quote(t->expr), what,
		    scenario_quote(t->scope_name), near);
	else
		scenario_err_in(p, node, off, "threshold %s: unknown %s %s",
		    scenario_quote(t->expr), what, scenario_quote(t->scope_name));
	free(names);
	return -1;
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
	if (resolve_scope(p, ex, &t) != 0) {
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
