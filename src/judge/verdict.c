/* Thresholds and rate-limit expectations judged against a snapshot. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "leak.h"
#include "scenario.h"
#include "util.h"
#include "verdict-int.h"

void
verdict_unknown(struct verdict_row *r, const char *fmt, ...)
{
	va_list ap;

	r->known = false;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
}

static double
pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

void
verdict_eval_lat(const struct snap_lat *l, const struct threshold *t,
    struct verdict_row *r, const char *none)
{
	if (l->count == 0) {
		verdict_unknown(r, "%s", none);
		return;
	}
	r->known = true;
	switch (t->metric) {
	case THR_P50: r->actual = l->p50; break;
	case THR_P90: r->actual = l->p90; break;
	case THR_P95: r->actual = l->p95; break;
	case THR_P99: r->actual = l->p99; break;
	case THR_P999: r->actual = l->p999; break;
	case THR_MIN: r->actual = l->min; break;
	case THR_MEAN: r->actual = l->mean; break;
	case THR_MAX: r->actual = l->max; break;
	case THR_P75: r->actual = l->p75; break;
	default:
		break;
	}
}

/* A latency figure of a block. */
static void
eval_latency(const struct vscope *sc, const struct threshold *t,
    struct verdict_row *r)
{
	char none[160];

	snprintf(none, sizeof none, "no request completed in %s", sc->label);
	verdict_eval_lat(&sc->b->latency, t, r, none);
}

/* The best whole interval of a phase, or of the run. */
static void
eval_rps_peak(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	double peak = 0;
	size_t i, n = 0;

	if (t->scope != THR_SCOPE_ALL && t->scope != THR_SCOPE_PHASE) {
		verdict_unknown(r, "rps_peak is kept for the run and its phases");
		return;
	}
	if (t->scope == THR_SCOPE_ALL) {
		peak = s->rps_peak;
		n = s->whole_intervals;
	} else
		for (i = 0; i < s->nseries; i++)
			if (s->series[i].phase == sc->index &&
			    !s->series[i].partial) {
				peak = LT_MAX(peak, s->series[i].rps);
				n++;
			}
	if (n == 0) {
		verdict_unknown(r, "no whole interval in %s yet", sc->label);
		return;
	}
	r->known = true;
	r->actual = peak;
}

static void
eval_counts(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	const struct snap_counts *n = &sc->b->n;

	r->known = true;
	switch (t->metric) {
	case THR_RPS_PEAK:
		eval_rps_peak(s, sc, t, r);
		break;
	case THR_RPS:
		if (sc->b->seconds <= 0)
			verdict_unknown(r, "%s has not started", sc->label);
		r->actual = sc->b->rps;
		break;
	case THR_REQUESTS:
		r->actual = (double)n->completed;
		break;
	case THR_ERRORS:
		r->actual = (double)n->errors;
		break;
	case THR_RATE_LIMITED:
		r->actual = (double)n->classes[CLS_RATE_LIMITED];
		break;
	case THR_LATE_STARTS:
		r->actual = (double)n->late_starts;
		break;
	case THR_ERROR_RATE:
	case THR_RATE_LIMITED_RATE:
		if (n->completed == 0) {
			verdict_unknown(r, "no request completed in %s", sc->label);
			return;
		}
		r->actual = pct(t->metric == THR_ERROR_RATE ? n->errors :
		    n->classes[CLS_RATE_LIMITED], n->completed);
		break;
	default:
		break;
	}
}

/* The metric over the scope: the streams', the checks and outcomes, a
 * flow's or a class's figures, the target's, a scraped series', or the
 * block's. */
static void
eval_metric(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	if (verdict_is_stream(t))
		verdict_eval_stream(s, sc, t, r);
	else if (verdict_stream_misnamed(s, sc, t, r))
		return;
	else if (t->metric == THR_CHECKS)
		verdict_eval_checks(s, sc, t, r);
	else if (t->metric == THR_OUTCOME)
		verdict_eval_outcome(s, sc, t, r);
	else if (t->scope == THR_SCOPE_FLOW)
		verdict_eval_flow(sc, t, r);
	else if (t->scope == THR_SCOPE_CLASS)
		verdict_eval_class(s, sc, t, r);
	else if (threshold_is_series_metric(t->metric))
		verdict_eval_series(s, sc, t, r);
	else if (threshold_is_target_metric(t->metric))
		verdict_eval_target(s, sc, t, r);
	else if (t->metric <= THR_MAX)
		eval_latency(sc, t, r);
	else
		eval_counts(s, sc, t, r);
}

void
verdict_eval_row(const struct snapshot *s, const struct threshold *t,
    struct verdict_row *r)
{
	struct vscope sc;
	bool found;

	memset(r, 0, sizeof *r);
	r->t = t;
	verdict_scope_of(s, t, &sc);
	r->final = sc.over;
	found = verdict_scope_found(&sc);
	if (!found)
		verdict_unknown(r, "%s is not in this run", sc.label);
	else
		eval_metric(s, &sc, t, r);
	r->passed = r->known && threshold_check(t, r->actual);
	if (found && !sc.ran) {
		/* Nothing of it was measured, whatever its empty block says. */
		r->known = r->passed = false;
		r->status = VERDICT_NOT_EVALUATED;
		snprintf(r->why, sizeof r->why, "%s never ran", sc.label);
	} else if (r->status == VERDICT_NOT_EVALUATED)
		r->passed = false;	/* too little of it to judge: why says */
	else if (r->passed)
		r->status = VERDICT_PASS;
	else
		r->status = r->known ? VERDICT_FAIL : VERDICT_UNKNOWN;
}

void
verdict_eval(const struct snapshot *s, struct verdict *v)
{
	const struct scenario *scn = s->scn;
	size_t i;

	memset(v, 0, sizeof *v);
	v->n = scn->nthresholds;
	v->rows = xcalloc(v->n + 1, sizeof *v->rows);
	for (i = 0; i < v->n; i++) {
		verdict_eval_row(s, &scn->thresholds[i], &v->rows[i]);
		if (v->rows[i].status == VERDICT_NOT_EVALUATED)
			v->not_evaluated++;
		else if (v->rows[i].status != VERDICT_PASS)
			v->failed++;
	}
	for (i = 0; i < s->nphases; i++)
		if (s->phases[i].rl.checked && !s->phases[i].rl.passed)
			v->rl_failed++;
	verdict_eval_grades(s, v);
	v->passed = v->failed == 0 && v->rl_failed == 0 &&
	    v->grades_failed == 0;
}

void
verdict_clear(struct verdict *v)
{
	free(v->rows);
	free(v->grades);
	memset(v, 0, sizeof *v);
}

char *
verdict_format_actual(const struct verdict_row *r, char *buf, size_t len)
{
	if (!r->known) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	return threshold_format_value(r->t->metric, r->actual, buf, len);
}

static const struct {
	const char *word;		/* in tables */
	const char *name;		/* in report.json */
} verdict_statuses[] = {
	[VERDICT_PASS] = { "PASS", "pass" },
	[VERDICT_FAIL] = { "FAIL", "fail" },
	[VERDICT_UNKNOWN] = { "UNKNOWN", "unknown" },
	[VERDICT_NOT_EVALUATED] = { "NOT EVALUATED", "not_evaluated" },
};

const char *
verdict_status_word(const struct verdict_row *r)
{
	return verdict_statuses[r->status].word;
}

const char *
verdict_status_name(enum verdict_status st)
{
	return (unsigned)st < LT_NELEM(verdict_statuses) ?
	    verdict_statuses[st].name : "?";
}

/* The grades: what each got, against its bounds and its bar. */
static void
print_grades(FILE *f, const struct verdict *v)
{
	char actual[48], b[SCN_GRADE_BOUNDS][48];
	size_t i;

	if (v->ngrades == 0)
		return;
	fprintf(f, "\n  %-28s %12s  %-10s  %-30s\n", "grade", "actual", "",
	    "excellent / good / acceptable");
	for (i = 0; i < v->ngrades; i++) {
		const struct verdict_grade *vg = &v->grades[i];
		const char *word = vg->level < GRADE__COUNT ?
		    scenario_grade_name(vg->level) : verdict_statuses[
		    vg->status].word;
		int k;

		for (k = 0; k < SCN_GRADE_BOUNDS; k++)
			verdict_format_bound(vg, k, b[k], sizeof b[k]);
		fprintf(f, "  %-28s %12s  %-10s  %s / %s / %s", vg->g->t.expr,
		    verdict_format_grade(vg, actual, sizeof actual), word,
		    b[0], b[1], b[2]);
		if (vg->status == VERDICT_FAIL)
			fprintf(f, "  FAIL (below %s)",
			    scenario_grade_name(vg->g->fail_below));
		else if (vg->status != VERDICT_PASS)
			fprintf(f, "  %s (%s)", verdict_statuses[vg->status].word,
			    vg->why);
		fputc('\n', f);
	}
}

void
verdict_print(FILE *f, const struct snapshot *s, const struct verdict *v)
{
	char actual[48];
	size_t i;

	if (v->n > 0) {
		fprintf(f, "\n  %-36s %14s  %s\n", "threshold", "actual",
		    "status");
		for (i = 0; i < v->n; i++) {
			const struct verdict_row *r = &v->rows[i];
			char expr[64];

			snprintf(expr, sizeof expr, "%s%s", r->t->expr,
			    r->t->by_default ? " (default)" : "");
			fprintf(f, "  %-36s %14s  %s", expr,
			    verdict_format_actual(r, actual, sizeof actual),
			    verdict_status_word(r));
			if (r->status != VERDICT_PASS && r->why[0] != '\0')
				fprintf(f, " (%s)", r->why);
			fputc('\n', f);
		}
	}
	print_grades(f, v);
	for (i = 0; i < s->nphases; i++) {
		const struct snap_rate_limit *rl = &s->phases[i].rl;

		if (rl->checked && !rl->passed)
			fprintf(f, "  rate limit '%s' did not meet its "
			    "expectations\n", s->phases[i].name);
	}
	if (v->n == 0 && v->rl_failed == 0 && v->ngrades == 0)
		return;
	if (v->passed && v->not_evaluated > 0)
		fprintf(f, "\n  verdict    PASS on what ran: %zu of %zu "
		    "thresholds not evaluated\n", v->not_evaluated, v->n);
	else if (v->passed)
		fprintf(f, "\n  verdict    PASS\n");
	else {
		fprintf(f, "\n  verdict    FAIL:");
		if (v->failed > 0)
			fprintf(f, " %zu of %zu thresholds failed%s", v->failed,
			    v->n, v->grades_failed || v->rl_failed ? "," : "");
		if (v->grades_failed > 0)
			fprintf(f, " %zu of %zu grades below their bar%s",
			    v->grades_failed, v->ngrades, v->rl_failed ? "," : "");
		if (v->rl_failed > 0)
			fprintf(f, " a rate limit did not behave as expected");
		fputc('\n', f);
	}
	fflush(f);
}
