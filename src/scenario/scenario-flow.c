/*
 * The scenario's flows: the steps a virtual user runs in order, an
 * iteration at a time, each step a request of the scenario.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"
#include "suggest.h"
#include "util.h"

static void
h_flow_think_time(struct scn_parser *p, const struct scn_key *k,
    yaml_node_t *v, void *obj)
{
	struct scn_flow *f = obj;

	scenario_think_time(p, k, v, &f->think_time_us, &f->think_time_max_us);
}

static void
h_step_think_time(struct scn_parser *p, const struct scn_key *k,
    yaml_node_t *v, void *obj)
{
	struct scn_step *st = obj;

	scenario_think_time(p, k, v, &st->think_time_us, &st->think_time_max_us);
}

static const struct scn_key flow_keys[] = {
	{ .name = "name", .fn = scenario_h_str,
	  .off = offsetof(struct scn_flow, name) },
	{ .name = "steps" },
	{ .name = "think_time", .fn = h_flow_think_time, .min = 0,
	  .max = SCN_MAX_DURATION_US },
};

static const struct scn_key step_keys[] = {
	{ .name = "request" },
	{ .name = "repeat", .fn = scenario_h_uint,
	  .off = offsetof(struct scn_step, repeat), .min = 1,
	  .max = SCN_MAX_REPEAT },
	{ .name = "think_time", .fn = h_step_think_time, .min = 0,
	  .max = SCN_MAX_DURATION_US },
};

/* The mappings this part reads, for loadtop --list-keys. */
const struct scn_key_table scenario_flow_tables[] = {
	{ "flows[]", flow_keys, LT_NELEM(flow_keys) },
	{ "flows[].steps[]", step_keys, LT_NELEM(step_keys) },
	{ NULL, NULL, 0 }
};

/* The request a step names: its index, or SIZE_MAX after an error. */
static size_t
step_request(struct scn_parser *p, yaml_node_t *v)
{
	const struct scenario *scn = p->scn;
	const char **names, *s, *near;
	size_t i;

	if ((s = scenario_scalar(p, v, "request", "a request name")) == NULL)
		return SIZE_MAX;
	names = xcalloc(scn->nrequests + 1, sizeof *names);
	for (i = 0; i < scn->nrequests; i++) {
		names[i] = scn->requests[i].name != NULL ?
		    scn->requests[i].name : "";
		if (strcmp(names[i], s) == 0)
			break;
	}
	if (i == scn->nrequests) {
		near = suggest_closest(s, names, scn->nrequests);
		if (near != NULL)
			scenario_err(p, v, "step names unknown request %s %s (did "
			    "you mean '%s'?)", scenario_quote(s), p->where, near);
		else
			scenario_err(p, v, "step names unknown request %s %s",
			    scenario_quote(s), p->where);
		i = SIZE_MAX;
	} else if (scn->requests[i].websocket != NULL ||
	    scn->requests[i].sse != NULL) {
		scenario_err(p, v, "step names %s, %s stream, %s; a flow sends "
		    "HTTP requests, and streams are opened by connections "
		    "phases", scenario_quote(s), scn->requests[i].websocket !=
		    NULL ? "a websocket" : "an sse", p->where);
		i = SIZE_MAX;
	}
	free(names);
	return i;
}

/* A step: a request's name, or {request, repeat, think_time}; 0 when
 * it is one. */
static int
parse_step(struct scn_parser *p, yaml_node_t *item, const struct scn_flow *f,
    size_t index, struct scn_step *st)
{
	struct scn_map m;
	yaml_node_t *rv;
	char *where;

	memset(st, 0, sizeof *st);
	st->repeat = 1;
	st->think_time_us = f->think_time_us;
	st->think_time_max_us = f->think_time_max_us;
	st->pos = scenario_pos_of(item);
	if (item->type == YAML_SCALAR_NODE)
		return (st->request = step_request(p, item)) == SIZE_MAX ? -1 : 0;
	if (item->type != YAML_MAPPING_NODE) {
		scenario_err(p, item, "each step must be a request name or a "
		    "mapping {request, repeat, think_time}, got %s %s",
		    scenario_describe(item), p->where);
		return -1;
	}
	xasprintf(&where, "in step %zu %s", index + 1, p->where);
	scenario_walk(p, item, step_keys, LT_NELEM(step_keys), st, where, -1,
	    &m);
	if ((rv = scenario_get(&m, "request")) == NULL)
		scenario_err(p, item, "a step needs 'request', the name of the "
		    "request it sends, %s", where);
	free(where);
	if (rv == NULL)
		return -1;
	return (st->request = step_request(p, rv)) == SIZE_MAX ? -1 : 0;
}

static void
parse_steps(struct scn_parser *p, yaml_node_t *node, struct scn_flow *f)
{
	yaml_node_item_t *it;
	size_t n;

	if ((n = scenario_list_len(p, node, "steps")) == 0)
		return;
	f->steps = xcalloc(n, sizeof *f->steps);
	for (it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++)
		if (parse_step(p, scenario_node(p, *it), f, (size_t)(it -
		    node->data.sequence.items.start), &f->steps[f->nsteps]) == 0)
			f->nsteps++;
}

static void
parse_flow(struct scn_parser *p, yaml_node_t *node, struct scn_flow *f)
{
	yaml_node_t *steps;
	struct scn_map m;

	f->pos = scenario_pos_of(node);
	scenario_walk(p, node, flow_keys, LT_NELEM(flow_keys), f, p->where, -1,
	    &m);
	if (scenario_get(&m, "name") == NULL)
		scenario_err(p, node, "flow needs 'name' (its scope in "
		    "thresholds, as in NAME.iteration.p95) %s", p->where);
	if ((steps = scenario_get(&m, "steps")) == NULL)
		scenario_err(p, node, "flow needs 'steps', the requests it sends "
		    "in order, %s", p->where);
	else
		parse_steps(p, steps, f);
}

static bool
request_captures(const struct scn_request *r, size_t var)
{
	size_t i;

	for (i = 0; i < r->ncaptures; i++)
		if (r->captures[i].var_index == var)
			return true;
	return false;
}

static bool
tmpl_uses(const struct tmpl *t, size_t var)
{
	size_t idx[SCN_MAX_VARS], n;

	if (t == NULL)
		return false;
	for (n = template_vars(t, idx, LT_NELEM(idx)); n > 0; n--)
		if (idx[n - 1] == var)
			return true;
	return false;
}

/* Whether request r's URL, headers or body use variable var. */
static bool
request_uses(const struct scn_request *r, size_t var)
{
	size_t i;

	if (tmpl_uses(r->url_tmpl, var) || tmpl_uses(r->body_tmpl, var))
		return true;
	for (i = 0; i < r->headers.n; i++)
		if (tmpl_uses(r->headers.v[i].tmpl, var))
			return true;
	return false;
}

/*
 * A step's variables are set by a step before it: they are cleared as
 * each iteration starts, so a request that uses one no earlier step
 * captures would never be sent.
 */
static void
check_captured(struct scn_parser *p, const struct scn_flow *f)
{
	const struct scenario *scn = p->scn;
	const struct scn_request *r;
	size_t i, j, v, by;

	for (i = 0; i < f->nsteps; i++) {
		r = &scn->requests[f->steps[i].request];
		for (v = 0; v < scn->nvars && r->name != NULL; v++) {
			if (!request_uses(r, v))
				continue;
			for (j = 0; j < i && !request_captures(&scn->requests[
			    f->steps[j].request], v); j++)
				/* nothing */;
			if (j < i)
				continue;
			for (by = 0; !request_captures(&scn->requests[by], v);
			    by++)
				/* nothing */;
			scenario_errors_add(p->errs, p->file, f->steps[i].pos.line,
			    f->steps[i].pos.col, "step %zu of flow '%s' sends "
			    "'%s', which uses ${var:%s}, but no step before it "
			    "captures it; put a step of '%s' first", i + 1,
			    f->name, r->name, scn->vars[v], scn->requests[by].name);
		}
	}
}

/* A flow's name is a scope: one flow each, and no request's. */
static void
check_names(struct scn_parser *p, size_t i)
{
	const struct scenario *scn = p->scn;
	const struct scn_flow *f = &scn->flows[i];
	size_t j;

	for (j = 0; j < i; j++)
		if (scn->flows[j].name != NULL &&
		    strcmp(scn->flows[j].name, f->name) == 0) {
			scenario_errors_add(p->errs, p->file, f->pos.line,
			    f->pos.col, "duplicate flow name %s (first used on "
			    "line %d)", scenario_quote(f->name),
			    scn->flows[j].pos.line);
			return;
		}
	for (j = 0; j < scn->nrequests; j++)
		if (scn->requests[j].name != NULL &&
		    strcmp(scn->requests[j].name, f->name) == 0) {
			scenario_errors_add(p->errs, p->file, f->pos.line,
			    f->pos.col, "flow name %s is a request's name too "
			    "(line %d); a scope names one or the other, so give "
			    "the flow its own", scenario_quote(f->name),
			    scn->requests[j].pos.line);
			return;
		}
}

void
scenario_parse_flows(struct scn_parser *p, yaml_node_t *node)
{
	struct scenario *scn = p->scn;
	yaml_node_item_t *it;
	yaml_node_t *item;
	const char *name;
	char *where;
	size_t i, n;

	if ((n = scenario_list_len(p, node, "flows")) == 0)
		return;
	scn->flows = xcalloc(n, sizeof *scn->flows);
	for (it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++) {
		if ((item = scenario_list_mapping(p, *it, "flow")) == NULL)
			continue;
		if ((name = scenario_text_of(scenario_peek(p, item, "name"))) != NULL)
			xasprintf(&where, "in flow %s", scenario_quote(name));
		else
			xasprintf(&where, "in flow %zu",
			    (size_t)(it - node->data.sequence.items.start) + 1);
		p->where = where;
		parse_flow(p, item, &scn->flows[scn->nflows++]);
		p->where = NULL;
		free(where);
	}
	for (i = 0; i < scn->nflows; i++)
		if (scn->flows[i].name != NULL) {
			check_names(p, i);
			check_captured(p, &scn->flows[i]);
		}
}
