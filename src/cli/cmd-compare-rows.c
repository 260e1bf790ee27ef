/*
 * The rows of loadtop compare: the whole run's, then each phase's and
 * each request's when --by asks, matched by name.  A phase or request in
 * one report only has rows of n/a.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd-compare-int.h"
#include "util.h"

/* Where a kind of group is in a report: an object, or an array of
 * objects with a name each. */
static const char *const cmd_compare_rows_keys[CMD_COMPARE__NKINDS] = {
	[CMD_COMPARE_RUN] = "totals",
	[CMD_COMPARE_PHASE] = "phases",
	[CMD_COMPARE_REQUEST] = "requests",
};

static bool
cmd_compare_rows_lookup(json_t *j, const char *path, double *out)
{
	char *copy = xstrdup(path), *part, *save = NULL;

	for (part = strtok_r(copy, ".", &save); part != NULL && j != NULL;
	    part = strtok_r(NULL, ".", &save))
		j = json_is_object(j) ? json_object_get(j, part) : NULL;
	free(copy);
	if (!json_is_number(j))
		return false;
	*out = json_number_value(j);
	return true;
}

static struct cmd_compare_group *
cmd_compare_rows_add(struct cmd_compare *c, enum cmd_compare_kind kind,
    const char *name, int only)
{
	struct cmd_compare_group *g;

	c->groups = xreallocarray(c->groups, c->ngroups + 1,
	    sizeof *c->groups);
	g = &c->groups[c->ngroups++];
	memset(g, 0, sizeof *g);
	g->kind = kind;
	g->name = name;
	g->only = only;
	return g;
}

/* Each metric of a group, judged; obj[side] is NULL for a missing one.
 * The target's metrics are the whole run's only. */
static void
cmd_compare_rows_fill(struct cmd_compare *c, struct cmd_compare_group *g,
    json_t *const *obj)
{
	size_t i;

	for (i = 0; i < CMD_COMPARE__NMETRICS; i++) {
		const struct cmd_compare_metric *m = &cmd_compare_metrics[i];
		json_t *b = obj[CMD_COMPARE_BASE], *n = obj[CMD_COMPARE_NEW];
		struct cmd_compare_row *r;

		if (m->of_target && g->kind != CMD_COMPARE_RUN)
			continue;
		if (m->of_target) {
			b = c->sides[CMD_COMPARE_BASE].report;
			n = c->sides[CMD_COMPARE_NEW].report;
		}
		r = &g->rows[g->nrows++];
		r->id = (enum cmd_compare_id)i;
		r->has_base = cmd_compare_rows_lookup(b, m->path, &r->base);
		r->has_new = cmd_compare_rows_lookup(n, m->path, &r->new);
		r->known = r->has_base && r->has_new;
		cmd_compare_metric_judge(r, &c->limits[i]);
		if (r->verdict == CMD_COMPARE_REGRESSED)
			c->nregressed++;
	}
}

static const char *
cmd_compare_rows_name(json_t *o)
{
	return json_string_value(json_object_get(o, "name"));
}

static json_t *
cmd_compare_rows_named(json_t *a, const char *name)
{
	size_t i;
	json_t *o;

	json_array_foreach(a, i, o)
		if (cmd_compare_rows_name(o) != NULL &&
		    strcmp(cmd_compare_rows_name(o), name) == 0)
			return o;
	return NULL;
}

/* BASE's phases (or requests) in its order, each with NEW's of that
 * name; then those of NEW alone. */
static void
cmd_compare_rows_by(struct cmd_compare *c, enum cmd_compare_kind kind)
{
	json_t *a[CMD_COMPARE__NSIDES], *obj[CMD_COMPARE__NSIDES], *o;
	const char *name;
	int s, other;
	size_t i;

	for (s = 0; s < CMD_COMPARE__NSIDES; s++)
		a[s] = json_object_get(c->sides[s].report,
		    cmd_compare_rows_keys[kind]);
	for (s = 0; s < CMD_COMPARE__NSIDES; s++) {
		other = 1 - s;
		json_array_foreach(a[s], i, o) {
			if ((name = cmd_compare_rows_name(o)) == NULL)
				continue;
			obj[s] = o;
			obj[other] = cmd_compare_rows_named(a[other], name);
			if (s == CMD_COMPARE_NEW && obj[other] != NULL)
				continue;	/* a pair, done from BASE */
			cmd_compare_rows_fill(c, cmd_compare_rows_add(c, kind,
			    name, obj[other] == NULL ? s : -1), obj);
		}
	}
}

void
cmd_compare_rows_build(struct cmd_compare *c)
{
	json_t *obj[CMD_COMPARE__NSIDES];
	int s, kind;

	for (s = 0; s < CMD_COMPARE__NSIDES; s++)
		obj[s] = json_object_get(c->sides[s].report,
		    cmd_compare_rows_keys[CMD_COMPARE_RUN]);
	cmd_compare_rows_fill(c, cmd_compare_rows_add(c, CMD_COMPARE_RUN,
	    NULL, -1), obj);
	for (kind = CMD_COMPARE_RUN + 1; kind < CMD_COMPARE__NKINDS; kind++)
		if (c->by & (1u << kind))
			cmd_compare_rows_by(c, (enum cmd_compare_kind)kind);
}

void
cmd_compare_rows_free(struct cmd_compare *c)
{
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

char *
cmd_compare_rows_label(const struct cmd_compare_group *g,
    const struct cmd_compare_row *r)
{
	const char *metric = cmd_compare_metrics[r->id].name;
	char *out;

	if (g->kind == CMD_COMPARE_PHASE)
		xasprintf(&out, "phase:%s.%s", g->name, metric);
	else if (g->kind == CMD_COMPARE_REQUEST)
		xasprintf(&out, "%s.%s", g->name, metric);
	else
		out = xstrdup(metric);
	return out;
}
