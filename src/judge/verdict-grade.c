/*
 * Grades: a metric read as excellent, good, acceptable or poor, by the
 * first of its bounds it meets (below them, or above them for a metric
 * where more is better), as teams grade endpoints.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "util.h"
#include "verdict-int.h"

static enum scn_grade_level
grade_of(const struct scn_grade *g, double actual)
{
	int i;

	for (i = 0; i < SCN_GRADE_BOUNDS; i++)
		if (g->higher_better ? actual > g->bound[i] :
		    actual < g->bound[i])
			return (enum scn_grade_level)i;
	return GRADE_POOR;
}

static void
eval_grade(const struct snapshot *s, const struct scn_grade *g,
    struct verdict_grade *out)
{
	struct verdict_row r;

	memset(out, 0, sizeof *out);
	out->g = g;
	out->level = GRADE__COUNT;
	verdict_eval_row(s, &g->t, &r);
	out->known = r.known;
	out->actual = r.actual;
	if (r.status == VERDICT_NOT_EVALUATED || !r.known) {
		out->status = r.status == VERDICT_NOT_EVALUATED ?
		    VERDICT_NOT_EVALUATED : g->fail_below == GRADE__COUNT ?
		    VERDICT_PASS : VERDICT_UNKNOWN;
		snprintf(out->why, sizeof out->why, "%s", r.why);
		return;
	}
	out->level = grade_of(g, r.actual);
	out->status = out->level > g->fail_below ? VERDICT_FAIL : VERDICT_PASS;
}

void
verdict_eval_grades(const struct snapshot *s, struct verdict *v)
{
	const struct scenario *scn = s->scn;
	size_t i;

	v->ngrades = scn->ngrades;
	v->grades = xcalloc(v->ngrades + 1, sizeof *v->grades);
	for (i = 0; i < v->ngrades; i++) {
		eval_grade(s, &scn->grades[i], &v->grades[i]);
		if (v->grades[i].status == VERDICT_FAIL ||
		    v->grades[i].status == VERDICT_UNKNOWN)
			v->grades_failed++;
	}
}

char *
verdict_format_grade(const struct verdict_grade *vg, char *buf, size_t len)
{
	if (!vg->known) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	return threshold_format_value(vg->g->t.metric, vg->actual, buf, len);
}

char *
verdict_format_bound(const struct verdict_grade *vg, int i, char *buf,
    size_t len)
{
	const struct scn_grade *g = vg->g;
	char v[48];

	threshold_format_value(g->t.metric, g->bound[i], v, sizeof v);
	snprintf(buf, len, "%s%s", g->higher_better ? ">" : "<", v);
	return buf;
}
