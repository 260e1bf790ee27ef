/* Grades in both reports, side by side. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd-compare-int.h"
#include "util.h"

/* Best first, as loadtop-report(5) names them. */
static const char *const grade_order[] = {
	"excellent", "good", "acceptable", "poor",
};

static int
grade_rank(const char *g)
{
	size_t i;

	for (i = 0; g != NULL && i < LT_NELEM(grade_order); i++)
		if (strcmp(g, grade_order[i]) == 0)
			return (int)i;
	return -1;
}

static json_t *
find_grade(json_t *report, const char *metric)
{
	json_t *a = json_object_get(report, "grades"), *g;
	size_t i;

	json_array_foreach(a, i, g)
		if (json_is_string(json_object_get(g, "metric")) &&
		    strcmp(json_string_value(json_object_get(g, "metric")),
		    metric) == 0)
			return g;
	return NULL;
}

static bool
below_bar(json_t *grade)
{
	const char *st = json_string_value(json_object_get(grade, "status"));

	return st != NULL && strcmp(st, "fail") == 0;
}

static void
judge(struct cmd_compare *c, struct cmd_compare_grade *r)
{
	int b = grade_rank(r->grade[CMD_COMPARE_BASE]);
	int n = grade_rank(r->grade[CMD_COMPARE_NEW]);

	if (b < 0 || n < 0)
		r->verdict = CMD_COMPARE_NA;
	else if (r->fails[CMD_COMPARE_NEW] && !r->fails[CMD_COMPARE_BASE]) {
		r->verdict = CMD_COMPARE_REGRESSED;
		c->nregressed++;
	} else
		r->verdict = n < b ? CMD_COMPARE_BETTER : n > b ?
		    CMD_COMPARE_WORSE : CMD_COMPARE_SAME;
}

/* NEW's grades in its order, then any only BASE has. */
void
cmd_compare_grades_build(struct cmd_compare *c)
{
	json_t *g, *a;
	size_t i;
	int s;

	for (s = CMD_COMPARE__NSIDES - 1; s >= 0; s--) {
		a = json_object_get(c->sides[s].report, "grades");
		json_array_foreach(a, i, g) {
			const char *m = json_string_value(json_object_get(g,
			    "metric"));
			struct cmd_compare_grade *r;
			size_t k;
			int side;

			if (m == NULL)
				continue;
			for (k = 0; k < c->ngrades; k++)
				if (strcmp(c->grades[k].metric, m) == 0)
					break;
			if (k < c->ngrades)
				continue;
			c->grades = xreallocarray(c->grades, c->ngrades + 1,
			    sizeof *c->grades);
			r = &c->grades[c->ngrades++];
			memset(r, 0, sizeof *r);
			r->metric = m;
			for (side = 0; side < CMD_COMPARE__NSIDES; side++) {
				json_t *o = find_grade(c->sides[side].report, m);

				r->grade[side] = json_string_value(
				    json_object_get(o, "grade"));
				r->fails[side] = below_bar(o);
			}
			judge(c, r);
		}
	}
}

void
cmd_compare_grades_free(struct cmd_compare *c)
{
	free(c->grades);
	c->grades = NULL;
	c->ngrades = 0;
}

/* A side's grade, and whether it is below its bar there. */
static char *
side_text(const struct cmd_compare_grade *r, int side, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", r->grade[side] ? r->grade[side] : "-",
	    r->fails[side] ? " (below its bar)" : "");
	return buf;
}

void
cmd_compare_grades_print(const struct cmd_compare *c, int format, json_t *o)
{
	const char *n = c->sides[CMD_COMPARE_NEW].name;
	const char *b = c->sides[CMD_COMPARE_BASE].name;
	json_t *a;
	size_t i;

	if (c->ngrades == 0)
		return;
	if (format == CMD_FORMAT_JSON) {
		a = json_array();
		for (i = 0; i < c->ngrades; i++) {
			const struct cmd_compare_grade *r = &c->grades[i];

			json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:s}",
			    "metric", r->metric, "base", r->grade[0] ?
			    json_string(r->grade[0]) : json_null(), "new",
			    r->grade[1] ? json_string(r->grade[1]) :
			    json_null(), "verdict",
			    cmd_compare_verdict_words[r->verdict]));
		}
		json_object_set_new(o, "grades", a);
		return;
	}
	if (format == CMD_FORMAT_MD)
		printf("\n#### Grades\n\n| Metric | %s | %s | Status |\n"
		    "|---|---|---|---|\n", n, b);
	else
		printf("\ngrades\n  %-28s %-12s %-12s %s\n", "metric", n, b,
		    "status");
	for (i = 0; i < c->ngrades; i++) {
		const struct cmd_compare_grade *r = &c->grades[i];
		char g[CMD_COMPARE__NSIDES][64];
		int s;

		for (s = 0; s < CMD_COMPARE__NSIDES; s++)
			side_text(r, s, g[s], sizeof g[s]);
		if (format == CMD_FORMAT_MD)
			printf("| %s | %s | %s | %s |\n", r->metric, g[1], g[0],
			    cmd_compare_verdict_words[r->verdict]);
		else
			printf("  %-28s %-12s %-12s %s\n", r->metric, g[1], g[0],
			    cmd_compare_verdict_words[r->verdict]);
	}
}
