/* loadtop compare: two reports side by side, and whether NEW regressed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cmd.h"
#include "cmd-compare-int.h"
#include "util.h"

static json_t *
cmd_compare_load(const char *arg, char **path)
{
	struct stat st;
	json_error_t err;
	json_t *j;

	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		xasprintf(path, "%s/report.json", arg);
	else
		*path = xstrdup(arg);
	if ((j = json_load_file(*path, 0, &err)) == NULL) {
		if (err.line > 0)
			fprintf(stderr, "loadtop: %s:%d:%d: %s\n", *path,
			    err.line, err.column, err.text);
		else
			fprintf(stderr, "loadtop: %s: %s\n", *path, err.text);
		return NULL;
	}
	if (!json_is_object(j) || !json_is_object(json_object_get(j,
	    "totals")) || !json_is_object(json_object_get(j, "tool"))) {
		fprintf(stderr, "loadtop: %s: not a loadtop report (no 'tool' "
		    "and 'totals')\n", *path);
		json_decref(j);
		return NULL;
	}
	return j;
}

/* Every metric's limit: its --limit, else the tolerance's.  A second
 * --limit on one metric is refused rather than silently replacing the
 * first. */
static int
cmd_compare_limits(struct cmd_compare *c, const struct cmd_opts *o)
{
	const char *first[CMD_COMPARE__NMETRICS] = { NULL };
	struct cmd_compare_limit l;
	enum cmd_compare_id id;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < CMD_COMPARE__NMETRICS; i++)
		cmd_compare_metric_default((enum cmd_compare_id)i,
		    c->tolerance_given ? c->tolerance : -1, &c->limits[i]);
	for (i = 0; i < o->compare_limits.n; i++) {
		const char *s = o->compare_limits.v[i];

		if (cmd_compare_args_limit(s, &id, &l, &cause) != 0) {
			fprintf(stderr, "loadtop: --limit '%s': %s\n", s, cause);
			free(cause);
			return -1;
		}
		if (first[id] != NULL) {
			fprintf(stderr, "loadtop: --limit '%s': %s has a limit "
			    "already, '%s'\n", s, cmd_compare_metrics[id].name,
			    first[id]);
			return -1;
		}
		first[id] = s;
		c->limits[id] = l;
	}
	return 0;
}

/* What the command line asks, short of the reports. */
static int
cmd_compare_setup(struct cmd_compare *c, const struct cmd_opts *o)
{
	size_t i;

	memset(c, 0, sizeof *c);
	c->tolerance_given = o->given[O_TOLERANCE];
	c->tolerance = o->tolerance_pct / 100;
	if (o->compare_names != NULL) {
		char *names[CMD_COMPARE__NSIDES];

		cmd_compare_args_names(o->compare_names, names);
		c->named = true;
		c->sides[CMD_COMPARE_BASE].name = names[CMD_COMPARE_BASE];
		c->sides[CMD_COMPARE_NEW].name = names[CMD_COMPARE_NEW];
	} else {
		c->sides[CMD_COMPARE_BASE].name = xstrdup("base");
		c->sides[CMD_COMPARE_NEW].name = xstrdup("new");
	}
	for (i = 0; i < o->compare_by.n; i++)
		c->by |= cmd_compare_args_by(o->compare_by.v[i]);
	return cmd_compare_limits(c, o);
}

static const char *
cmd_compare_scenario(const struct cmd_compare_side *s)
{
	const char *name = json_string_value(json_object_get(
	    json_object_get(s->report, "scenario"), "name"));

	return name != NULL ? name : "?";
}

/* Runs of different scenarios are compared all the same, with a word. */
static void
cmd_compare_warn(struct cmd_compare *c)
{
	const struct cmd_compare_side *b = &c->sides[CMD_COMPARE_BASE];
	const struct cmd_compare_side *n = &c->sides[CMD_COMPARE_NEW];

	if (strcmp(cmd_compare_scenario(b), cmd_compare_scenario(n)) == 0)
		return;
	xasprintf(&c->warning, "%s is a run of scenario '%s', %s of '%s': "
	    "they may not measure the same thing", b->name,
	    cmd_compare_scenario(b), n->name, cmd_compare_scenario(n));
	fprintf(stderr, "loadtop: warning: %s\n", c->warning);
}

static void
cmd_compare_free(struct cmd_compare *c)
{
	int s;

	for (s = 0; s < CMD_COMPARE__NSIDES; s++) {
		json_decref(c->sides[s].report);
		free(c->sides[s].path);
		free(c->sides[s].name);
	}
	cmd_compare_rows_free(c);
	cmd_compare_grades_free(c);
	free(c->warning);
}

int
cmd_compare(struct cmd_opts *o)
{
	struct cmd_compare c;
	int s, rc = LT_EXIT_USAGE;

	if (cmd_compare_setup(&c, o) != 0)
		goto out;
	for (s = 0; s < CMD_COMPARE__NSIDES; s++)
		if ((c.sides[s].report = cmd_compare_load(o->args.operands[s],
		    &c.sides[s].path)) == NULL)
			goto out;
	cmd_compare_warn(&c);
	cmd_compare_rows_build(&c);
	cmd_compare_grades_build(&c);
	cmd_compare_print(&c, o->format);
	rc = c.nregressed > 0 ? LT_EXIT_THRESHOLD : LT_EXIT_OK;
out:
	cmd_compare_free(&c);
	return rc;
}
