/* Thresholds on the target process: resources, leaks, exits. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leak.h"
#include "util.h"
#include "verdict-int.h"

/* The leak slope a threshold reads from a fit. */
static void
leak_actual(const struct leak_fit *f, const struct threshold *t,
    struct verdict_row *r)
{
	if (t->metric == THR_LEAK_SLOPE_REQ) {
		if (!f->per_request.valid) {
			verdict_unknown(r, "no per-request fit: %s", f->reason[0] ?
			    f->reason : "no requests between the samples");
			return;
		}
		r->actual = f->bytes_per_request;
	} else {
		if (!f->floor.valid) {
			verdict_unknown(r, "no fit: %s", f->reason);
			return;
		}
		r->actual = f->kb_per_min * 1024;
	}
	r->known = true;
}

/* Fit the leak slope over a scope's own samples of the target. */
static void
fit_points(const struct leak_point *p, size_t n, const struct threshold *t,
    struct verdict_row *r)
{
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, n, &lp, &f);
	leak_actual(&f, t, r);
}

/*
 * Which process a target metric reads: the one its process: scope
 * names, else the first; an exit or a worker's death counts in every
 * process that may not exit, for the crash rule.
 */
struct target_ref {
	const struct monitor_view *v;
	const struct mseries_point *series;
	size_t nseries;
	bool every;			/* exits: of every such process */
};

static bool
target_ref(const struct snapshot *s, const struct threshold *t,
    struct target_ref *ref, struct verdict_row *r)
{
	size_t i = 0, n = snapshot_nprocs(s);

	if (t->scope == THR_SCOPE_PROCESS) {
		for (i = 0; i < n; i++)
			if (strcmp(snapshot_proc_name(s, i), t->scope_name) == 0)
				break;
		if (i == n) {
			verdict_unknown(r, "no process named '%s' is watched",
			    t->scope_name);
			return false;
		}
	}
	ref->v = snapshot_proc_view(s, i);
	ref->series = snapshot_proc_series(s, i, &ref->nseries);
	ref->every = t->scope != THR_SCOPE_PROCESS;
	return true;
}

/* Counted for the crash rule: not a process that may exit. */
static bool
counts(const struct snapshot *s, size_t i)
{
	return s->nprocesses == 0 || !s->processes[i].may_exit;
}

static double
count_events(const struct monitor_view *v, enum thr_metric m, int64_t from,
    int64_t to)
{
	enum monitor_event_kind kind = m == THR_TARGET_EXITS ? MON_EV_EXIT :
	    MON_EV_WORKER_EXIT;
	size_t i, n = 0;

	for (i = 0; i < v->nevents; i++) {
		const struct monitor_event *ev = &v->events[i];

		if ((ev->kind == kind || (m == THR_TARGET_EXITS &&
		    ev->kind == MON_EV_PID_REUSED)) && ev->t_us >= from &&
		    ev->t_us <= to)
			n++;
	}
	return (double)n;
}

/* Exits of the target (or of its tree's workers) between two times. */
static double
count_exits(const struct snapshot *s, const struct target_ref *ref,
    enum thr_metric m, int64_t from, int64_t to)
{
	double n = 0;
	size_t i;

	if (!ref->every)
		return count_events(ref->v, m, from, to);
	for (i = 0; i < snapshot_nprocs(s); i++)
		if (counts(s, i))
			n += count_events(snapshot_proc_view(s, i), m, from, to);
	return n;
}

/* Over the run: processes gone, and workers gone from their trees. */
static double
run_exits(const struct snapshot *s, const struct target_ref *ref,
    enum thr_metric m)
{
	const struct monitor_view *v;
	double n = 0;
	size_t i;

	for (i = 0; i < snapshot_nprocs(s); i++) {
		v = snapshot_proc_view(s, i);
		if ((ref->every && !counts(s, i)) || (!ref->every && v != ref->v))
			continue;
		n += m == THR_TARGET_EXITS ? !v->alive : v->stats.workers_exited;
	}
	return n;
}

/* A CPU threshold is judged on this much of samples, or not at all: a
 * share over less says more of the scheduler than of the target. */
#define CPU_MIN_SECONDS 2.0

/* Too little to judge, which does not fail the run. */
static void __attribute__((format(printf, 2, 3)))
not_evaluated(struct verdict_row *r, const char *fmt, ...)
{
	va_list ap;

	r->known = false;
	r->status = VERDICT_NOT_EVALUATED;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
}

/* Whether a CPU threshold lacks the samples to be judged; says so. */
static bool
cpu_too_short(const struct threshold *t, double seconds, const char *label,
    struct verdict_row *r)
{
	if ((t->metric != THR_CPU_MAX && t->metric != THR_CPU_AVG) ||
	    seconds >= CPU_MIN_SECONDS)
		return false;
	not_evaluated(r, "%s needs %.0fs of CPU samples, %s had %.1fs",
	    threshold_metric_name(t->metric), CPU_MIN_SECONDS, label, seconds);
	return true;
}

/* A leak threshold on a leak phase: the fit of its own batches. */
static bool
eval_leak_phase(const struct snap_phase *ph, const struct threshold *t,
    struct verdict_row *r)
{
	struct leak_fit fit;

	/* A leak phase is judged on its batches, as its own verdict is. */
	if ((t->metric != THR_LEAK_SLOPE_REQ &&
	    t->metric != THR_LEAK_SLOPE_MIN) || ph == NULL ||
	    !snapshot_phase_leak(ph, &fit))
		return false;
	leak_actual(&fit, t, r);
	return true;
}

/* What the monitor's series holds of the target between two times. */
struct span_figures {
	struct leak_point *lp;		/* the points, for a leak fit */
	size_t n;
	double cpu_sum, cpu_n, cpu_max;
	int64_t rss_first, rss_last, rss_max;
	int64_t t_first, t_last;	/* of the samples in it */
};

static void
span_figures(const struct target_ref *ref, int64_t from, int64_t to,
    struct span_figures *sf)
{
	size_t i;

	memset(sf, 0, sizeof *sf);
	sf->rss_first = sf->rss_last = sf->rss_max = -1;
	sf->lp = xcalloc(ref->nseries + 1, sizeof *sf->lp);
	for (i = 0; i < ref->nseries; i++) {
		const struct mseries_point *p = &ref->series[i];

		if (p->t_us < from || p->t_us > to)
			continue;
		if (sf->n == 0) {
			sf->rss_first = p->rss;
			sf->t_first = p->t_first_us;
		}
		sf->rss_last = p->rss;
		sf->t_last = p->t_last_us;
		sf->rss_max = LT_MAX(sf->rss_max, p->rss_max);
		sf->cpu_sum += p->cpu * p->nsamples;
		sf->cpu_n += p->nsamples;
		sf->cpu_max = LT_MAX(sf->cpu_max, p->cpu_max);
		sf->lp[sf->n].t_us = p->t_us;
		sf->lp[sf->n].rss = p->rss;
		sf->lp[sf->n++].requests = p->requests;
	}
}

/* The target's figures over one phase, from the monitor's series. */
static void
eval_target_phase(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, const struct target_ref *ref,
    struct verdict_row *r)
{
	struct span_figures sf;
	int64_t from, to;

	if (sc->started < 0) {
		verdict_unknown(r, "%s has not started", sc->label);
		return;
	}
	if (eval_leak_phase(sc->phase, t, r))
		return;
	from = s->mono_start_us + (int64_t)(sc->started * 1e6);
	to = sc->ended >= 0 ? s->mono_start_us + (int64_t)(sc->ended * 1e6) :
	    INT64_MAX;
	if (t->metric == THR_TARGET_EXITS || t->metric == THR_WORKER_DEATHS) {
		r->known = true;
		r->actual = count_exits(s, ref, t->metric, from, to);
		return;
	}
	span_figures(ref, from, to, &sf);
	if (sf.n == 0)
		verdict_unknown(r, "no sample of the target during %s",
		    sc->label);
	else if (!cpu_too_short(t, (double)(sf.t_last - sf.t_first) / 1e6,
	    sc->label, r)) {
		r->known = true;
		switch (t->metric) {
		case THR_MEM_GROWTH:
			r->actual = (double)(sf.rss_last - sf.rss_first);
			break;
		case THR_RSS_MAX: r->actual = (double)sf.rss_max; break;
		case THR_CPU_MAX: r->actual = sf.cpu_max; break;
		case THR_CPU_AVG: r->actual = sf.cpu_sum / sf.cpu_n; break;
		default:
			fit_points(sf.lp, sf.n, t, r);
			break;
		}
	}
	free(sf.lp);
}

void
verdict_eval_target(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	const struct monitor_stats *st;
	const struct leak_fit *lf;
	struct target_ref ref;

	if (!s->has_target) {
		verdict_unknown(r, "no target process is watched (give --pid, "
		    "--proc-name or --exec, or target.process)");
		return;
	}
	if (!target_ref(s, t, &ref, r))
		return;
	st = &ref.v->stats;
	lf = &ref.v->leak;
	/* An exit is known even of a target that was never sampled. */
	if (st->nsamples == 0 && t->metric != THR_TARGET_EXITS &&
	    t->metric != THR_WORKER_DEATHS) {
		verdict_unknown(r, "the target process was never sampled");
		return;
	}
	if (t->scope == THR_SCOPE_PHASE || t->scope == THR_SCOPE_STAGE) {
		eval_target_phase(s, sc, t, &ref, r);
		return;
	}
	if (cpu_too_short(t, st->cpu_seconds, "the run", r))
		return;
	r->known = true;
	switch (t->metric) {
	case THR_MEM_GROWTH: r->actual = (double)st->growth; break;
	case THR_RSS_MAX: r->actual = (double)st->rss_max; break;
	case THR_CPU_MAX: r->actual = st->cpu_max; break;
	case THR_CPU_AVG: r->actual = st->cpu_avg; break;
	case THR_TARGET_EXITS:
	case THR_WORKER_DEATHS:
		r->actual = run_exits(s, &ref, t->metric);
		break;
	case THR_LEAK_SLOPE_REQ:
		if (!lf->per_request.valid)
			verdict_unknown(r, "no per-request leak fit: %s", lf->reason);
		r->actual = lf->bytes_per_request;
		break;
	case THR_LEAK_SLOPE_MIN:
		if (!lf->floor.valid)
			verdict_unknown(r, "no leak fit: %s", lf->reason);
		r->actual = lf->kb_per_min * 1024;
		break;
	default:
		break;
	}
}

/* The series a metric: threshold names: that one, or the only one of
 * that name when it gives no labels. */
static const struct prom_value *
find_series(const struct health_view *h, const char *name, size_t *n)
{
	const struct prom_value *found = NULL;
	size_t i, len = strcspn(name, "{");

	*n = 0;
	for (i = 0; i < h->nmetrics; i++) {
		const char *s = h->metrics[i].series;

		if (strcmp(s, name) == 0) {
			*n = 1;
			return &h->metrics[i];
		}
		if (name[len] == '\0' && strncmp(s, name, len) == 0 &&
		    s[len] == '{') {
			found = &h->metrics[i];
			(*n)++;
		}
	}
	return *n == 1 ? found : NULL;
}

void
verdict_eval_series(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	const struct health_view *h = &s->target.health;
	const struct prom_value *m;
	size_t n;

	if (!s->has_target || !h->metrics_enabled) {
		verdict_unknown(r, "no metrics were scraped (they need a "
		    "watched target and target.metrics_url)");
		return;
	}
	if ((m = find_series(h, t->scope_name, &n)) == NULL) {
		if (n > 1)
			verdict_unknown(r, "%zu series are named '%s': give "
			    "the labels of one", n, t->scope_name);
		else
			verdict_unknown(r, "'%s' was never scraped%s%s",
			    t->scope_name, h->metrics_error[0] ? ": " : "",
			    h->metrics_error);
		return;
	}
	if (!m->valid) {
		verdict_unknown(r, "'%s' has no value yet", t->scope_name);
		return;
	}
	r->known = true;
	switch (t->metric) {
	case THR_M_FIRST: r->actual = m->first; break;
	case THR_M_LAST: r->actual = m->last; break;
	case THR_M_DELTA: r->actual = m->delta; break;
	case THR_M_RATE: r->actual = m->rate; break;
	case THR_M_MIN: r->actual = m->min; break;
	case THR_M_MAX: r->actual = m->max; break;
	default: r->known = false; break;
	}
}
