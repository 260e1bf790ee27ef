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
#include "verdict.h"
#include "util.h"

/* What a threshold's scope covers in this snapshot. */
struct vscope {
	const struct snap_block *b;
	const struct snap_phase *phase;	/* phase scope only */
	const char *what;		/* "phase 'x'", "request 'y'", "run" */
	char label[96];
	bool over;			/* the scope's figures are final */
};

static void
unknown(struct verdict_row *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
unknown(struct verdict_row *r, const char *fmt, ...)
{
	va_list ap;

	r->known = false;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
}

static void
scope_of(const struct snapshot *s, const struct threshold *t,
    struct vscope *sc)
{
	bool done = s->state == ENGINE_DONE;

	memset(sc, 0, sizeof *sc);
	switch (t->scope) {
	case THR_SCOPE_REQUEST:
		if (t->scope_index < s->nrequests)
			sc->b = &s->requests[t->scope_index].total;
		snprintf(sc->label, sizeof sc->label, "request '%s'",
		    t->scope_name);
		sc->over = done;
		break;
	case THR_SCOPE_PHASE:
		if (t->scope_index < s->nphases) {
			sc->phase = &s->phases[t->scope_index];
			sc->b = &sc->phase->block;
			sc->over = done || sc->phase->state == PHASE_DONE ||
			    sc->phase->state == PHASE_SKIPPED;
		}
		snprintf(sc->label, sizeof sc->label, "phase '%s'",
		    t->scope_name);
		break;
	default:
		sc->b = &s->total;
		snprintf(sc->label, sizeof sc->label, "the run");
		sc->over = done;
		break;
	}
}

static double
pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* A latency figure of a block. */
static void
eval_latency(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	const struct snap_lat *l = &sc->b->latency;

	if (l->count == 0) {
		unknown(r, "no request completed in %s", sc->label);
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

static void
eval_counts(const struct vscope *sc, const struct threshold *t,
    struct verdict_row *r)
{
	const struct snap_counts *n = &sc->b->n;

	r->known = true;
	switch (t->metric) {
	case THR_RPS:
		if (sc->b->seconds <= 0)
			unknown(r, "%s has not started", sc->label);
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
			unknown(r, "no request completed in %s", sc->label);
			return;
		}
		r->actual = pct(t->metric == THR_ERROR_RATE ? n->errors :
		    n->classes[CLS_RATE_LIMITED], n->completed);
		break;
	default:
		break;
	}
}

/* Fit the leak slope over a phase's own points. */
static void
fit_points(const struct leak_point *p, size_t n, const struct threshold *t,
    struct verdict_row *r)
{
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, n, &lp, &f);
	if (t->metric == THR_LEAK_SLOPE_REQ) {
		if (!f.per_request.valid) {
			unknown(r, "no per-request fit: %s", f.reason[0] ?
			    f.reason : "no requests between the samples");
			return;
		}
		r->actual = f.bytes_per_request;
	} else {
		if (!f.floor.valid) {
			unknown(r, "no fit: %s", f.reason);
			return;
		}
		r->actual = f.kb_per_min * 1024;
	}
	r->known = true;
}

/* The target's figures over one phase, from the monitor's series. */
static void
eval_target_phase(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	const struct snap_phase *ph = sc->phase;
	int64_t from, to;
	struct leak_point *lp;
	double cpu_sum = 0, cpu_n = 0, cpu_max = 0;
	int64_t rss_first = -1, rss_last = -1, rss_max = -1;
	size_t i, n = 0;

	if (ph->started < 0) {
		unknown(r, "%s has not started", sc->label);
		return;
	}
	if ((t->metric == THR_LEAK_SLOPE_REQ ||
	    t->metric == THR_LEAK_SLOPE_MIN) && ph->nleak > 0 &&
	    ph->leak[0].rss_bytes >= 0) {
		lp = xcalloc(ph->nleak, sizeof *lp);
		for (i = 0; i < ph->nleak; i++) {
			lp[i].t_us = (int64_t)(ph->leak[i].t * 1e6);
			lp[i].rss = ph->leak[i].rss_bytes;
			lp[i].requests = ph->leak[i].requests;
		}
		fit_points(lp, ph->nleak, t, r);
		free(lp);
		return;
	}
	from = s->mono_start_us + (int64_t)(ph->started * 1e6);
	to = ph->state == PHASE_DONE ? s->mono_start_us +
	    (int64_t)(ph->ended * 1e6) : INT64_MAX;
	lp = xcalloc(s->ntarget_series + 1, sizeof *lp);
	for (i = 0; i < s->ntarget_series; i++) {
		const struct mseries_point *p = &s->target_series[i];

		if (p->t_us < from || p->t_us > to)
			continue;
		if (rss_first < 0)
			rss_first = p->rss;
		rss_last = p->rss;
		rss_max = LT_MAX(rss_max, p->rss_max);
		cpu_sum += p->cpu * p->nsamples;
		cpu_n += p->nsamples;
		cpu_max = LT_MAX(cpu_max, p->cpu_max);
		lp[n].t_us = p->t_us;
		lp[n].rss = p->rss;
		lp[n++].requests = p->requests;
	}
	if (n == 0) {
		free(lp);
		unknown(r, "no sample of the target during %s", sc->label);
		return;
	}
	r->known = true;
	switch (t->metric) {
	case THR_MEM_GROWTH: r->actual = (double)(rss_last - rss_first); break;
	case THR_RSS_MAX: r->actual = (double)rss_max; break;
	case THR_CPU_MAX: r->actual = cpu_max; break;
	case THR_CPU_AVG: r->actual = cpu_n > 0 ? cpu_sum / cpu_n : 0; break;
	default:
		fit_points(lp, n, t, r);
		break;
	}
	free(lp);
}

static void
eval_target(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	const struct monitor_stats *st = &s->target.stats;
	const struct leak_fit *lf = &s->target.leak;

	if (!s->has_target) {
		unknown(r, "no target process is watched (give --pid, "
		    "--proc-name or --exec, or target.process)");
		return;
	}
	if (st->nsamples == 0) {
		unknown(r, "the target process was never sampled");
		return;
	}
	if (t->scope == THR_SCOPE_PHASE) {
		eval_target_phase(s, sc, t, r);
		return;
	}
	r->known = true;
	switch (t->metric) {
	case THR_MEM_GROWTH: r->actual = (double)st->growth; break;
	case THR_RSS_MAX: r->actual = (double)st->rss_max; break;
	case THR_CPU_MAX: r->actual = st->cpu_max; break;
	case THR_CPU_AVG: r->actual = st->cpu_avg; break;
	case THR_LEAK_SLOPE_REQ:
		if (!lf->per_request.valid)
			unknown(r, "no per-request leak fit: %s", lf->reason);
		r->actual = lf->bytes_per_request;
		break;
	case THR_LEAK_SLOPE_MIN:
		if (!lf->floor.valid)
			unknown(r, "no leak fit: %s", lf->reason);
		r->actual = lf->kb_per_min * 1024;
		break;
	default:
		break;
	}
}

static bool
is_target_metric(enum thr_metric m)
{
	return m == THR_MEM_GROWTH || m == THR_RSS_MAX || m == THR_CPU_MAX ||
	    m == THR_CPU_AVG || m == THR_LEAK_SLOPE_REQ ||
	    m == THR_LEAK_SLOPE_MIN;
}

static void
eval_row(const struct snapshot *s, const struct threshold *t,
    struct verdict_row *r)
{
	struct vscope sc;

	memset(r, 0, sizeof *r);
	r->t = t;
	scope_of(s, t, &sc);
	r->final = sc.over;
	if (sc.b == NULL)
		unknown(r, "%s is not in this run", sc.label);
	else if (is_target_metric(t->metric))
		eval_target(s, &sc, t, r);
	else if (t->metric <= THR_MAX)
		eval_latency(s, &sc, t, r);
	else
		eval_counts(&sc, t, r);
	r->passed = r->known && threshold_check(t, r->actual);
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
		eval_row(s, &scn->thresholds[i], &v->rows[i]);
		if (!v->rows[i].passed)
			v->failed++;
	}
	for (i = 0; i < s->nphases; i++)
		if (s->phases[i].rl.checked && !s->phases[i].rl.passed)
			v->rl_failed++;
	v->passed = v->failed == 0 && v->rl_failed == 0;
}

void
verdict_clear(struct verdict *v)
{
	free(v->rows);
	memset(v, 0, sizeof *v);
}

/* Completed requests in a row's scope. */
static uint64_t
scope_completed(const struct snapshot *s, const struct threshold *t)
{
	struct vscope sc;

	scope_of(s, t, &sc);
	return sc.b != NULL ? sc.b->n.completed : 0;
}

/* Can a failing row be trusted before its scope ends?  See verdict.h. */
static bool
settled(const struct snapshot *s, const struct verdict_row *r)
{
	const struct threshold *t = r->t;
	bool upper = t->op == THR_LT || t->op == THR_LE;

	if (r->final)
		return true;
	if (!r->known)
		return false;
	switch (t->metric) {
	case THR_REQUESTS: case THR_ERRORS: case THR_RATE_LIMITED:
	case THR_LATE_STARTS: case THR_MAX: case THR_RSS_MAX:
	case THR_CPU_MAX:
		/* These only grow: once above the bound, for good. */
		return upper || (t->op == THR_EQ && r->actual > t->value);
	case THR_MIN:
		return t->op == THR_GT || t->op == THR_GE ||
		    (t->op == THR_EQ && r->actual < t->value);
	case THR_P50: case THR_P75: case THR_P90: case THR_P95:
	case THR_P99: case THR_P999: case THR_MEAN: case THR_ERROR_RATE:
	case THR_RATE_LIMITED_RATE:
		return upper && scope_completed(s, t) >= VERDICT_EARLY_MIN;
	default:
		return false;
	}
}

bool
verdict_should_abort(const struct snapshot *s, const struct verdict *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		const struct verdict_row *r = &v->rows[i];

		if (!r->passed && r->t->abort_on_fail && settled(s, r))
			return true;
	}
	return false;
}

void
verdict_watch_snapshot(void *arg, struct snapshot *s)
{
	struct verdict_watch *w = arg;
	struct verdict v;
	char actual[48];
	size_t i;

	if (w->aborted || s->state == ENGINE_DONE || w->control.ops == NULL)
		return;
	for (i = 0; i < s->scn->nthresholds; i++)
		if (s->scn->thresholds[i].abort_on_fail)
			break;
	if (i == s->scn->nthresholds)
		return;
	verdict_eval(s, &v);
	if (verdict_should_abort(s, &v)) {
		for (i = 0; i < v.n; i++) {
			const struct verdict_row *r = &v.rows[i];

			if (!r->passed && r->t->abort_on_fail &&
			    settled(s, r))
				break;
		}
		snprintf(w->why, sizeof w->why, "threshold '%s' failed at "
		    "%.1fs (actual %s)", v.rows[i].t->expr, s->elapsed,
		    verdict_format_actual(&v.rows[i], actual, sizeof actual));
		w->aborted = true;
		control_stop(&w->control, END_THRESHOLD_ABORT);
	}
	verdict_clear(&v);
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

const char *
verdict_status_word(const struct verdict_row *r)
{
	if (!r->known)
		return "UNKNOWN";
	return r->passed ? "PASS" : "FAIL";
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

			fprintf(f, "  %-36s %14s  %s", r->t->expr,
			    verdict_format_actual(r, actual, sizeof actual),
			    verdict_status_word(r));
			if (!r->known)
				fprintf(f, " (%s)", r->why);
			fputc('\n', f);
		}
	}
	for (i = 0; i < s->nphases; i++) {
		const struct snap_rate_limit *rl = &s->phases[i].rl;

		if (rl->checked && !rl->passed)
			fprintf(f, "  rate limit '%s' did not meet its "
			    "expectations\n", s->phases[i].name);
	}
	if (v->n == 0 && v->rl_failed == 0)
		return;
	if (v->passed)
		fprintf(f, "\n  verdict    PASS\n");
	else
		fprintf(f, "\n  verdict    FAIL: %zu of %zu thresholds failed"
		    "%s\n", v->failed, v->n, v->rl_failed ?
		    ", a rate limit did not behave as expected" : "");
	fflush(f);
}

/* Find a request or phase by name; -1 when absent. */
static int
find_scope(const struct scenario *scn, const struct threshold *t)
{
	size_t i;

	if (t->scope == THR_SCOPE_REQUEST) {
		for (i = 0; i < scn->nrequests; i++)
			if (scn->requests[i].name != NULL &&
			    strcmp(scn->requests[i].name, t->scope_name) == 0)
				return (int)i;
	} else {
		for (i = 0; i < scn->nphases; i++)
			if (scn->phases[i].name != NULL &&
			    strcmp(scn->phases[i].name, t->scope_name) == 0)
				return (int)i;
	}
	return -1;
}

int
verdict_add_thresholds(struct scenario *scn, char *const *exprs, size_t n,
    char **cause)
{
	struct threshold t;
	size_t i, off;
	char *why = NULL;
	int idx;

	for (i = 0; i < n; i++) {
		if (threshold_parse(exprs[i], &t, &off, &why) != 0) {
			xasprintf(cause, "--threshold '%s': %s (at column %zu)",
			    exprs[i], why, off + 1);
			free(why);
			return -1;
		}
		if (t.scope != THR_SCOPE_ALL) {
			if (t.scope == THR_SCOPE_REQUEST &&
			    is_target_metric(t.metric)) {
				xasprintf(cause, "--threshold '%s': %s is a "
				    "target metric and cannot be scoped to a "
				    "request", exprs[i],
				    threshold_metric_name(t.metric));
				threshold_clear(&t);
				return -1;
			}
			if ((idx = find_scope(scn, &t)) < 0) {
				xasprintf(cause, "--threshold '%s': the "
				    "scenario has no %s named '%s'", exprs[i],
				    t.scope == THR_SCOPE_REQUEST ? "request" :
				    "phase", t.scope_name);
				threshold_clear(&t);
				return -1;
			}
			t.scope_index = (size_t)idx;
		}
		t.abort_on_fail = scn->abort_on_fail;
		scn->thresholds = xreallocarray(scn->thresholds,
		    scn->nthresholds + 1, sizeof *scn->thresholds);
		scn->thresholds[scn->nthresholds++] = t;
	}
	return 0;
}
