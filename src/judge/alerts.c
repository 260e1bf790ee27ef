/* The alert engine: rules and target events into records (alerts.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "alerts-int.h"
#include "scenario.h"
#include "snapshot.h"
#include "units.h"
#include "util.h"

/* loadtop's own CPU is measured over at least this many seconds. */
#define SELF_CPU_SPAN 0.2

/* Late starts: an interval with more than one late start and over
 * LATE_SOME percent of its scheduled starts late counts against the
 * schedule; LATE_RUN such intervals in a row, or one over LATE_MANY
 * percent with LATE_FEW late starts at least, raise the alert, and
 * LATE_RUN intervals without end it. */
#define LATE_SOME 1.0
#define LATE_MANY 10.0
#define LATE_FEW 3
#define LATE_RUN 3

/* unit: what a record's worst reading is in; NULL when unrated. */
static const struct {
	const char *name;
	enum alert_level level;
	const char *unit;
} kinds[ALERT__COUNT] = {
	[ALERT_TARGET_CPU] = { "target_cpu", ALERT_WARNING, "%" },
	[ALERT_MEM_GROWTH] = { "mem_growth", ALERT_WARNING, "bytes" },
	[ALERT_ERROR_RATE] = { "error_rate", ALERT_CRITICAL, "%" },
	[ALERT_P95] = { "p95", ALERT_WARNING, "ms" },
	[ALERT_GENERATOR_CPU] = { "generator_cpu", ALERT_WARNING, "%" },
	[ALERT_LATE_STARTS] = { "late_starts", ALERT_WARNING, "%" },
	[ALERT_HEALTH_DOWN] = { "health_down", ALERT_CRITICAL },
	[ALERT_TARGET_EXITED] = { "target_exited", ALERT_CRITICAL },
	[ALERT_PID_REUSED] = { "pid_reused", ALERT_CRITICAL },
	[ALERT_WORKER_EXITED] = { "worker_exited", ALERT_CRITICAL },
	[ALERT_PROC_ERROR] = { "proc_error", ALERT_WARNING },
};

const char *
alerts_kind_name(enum alert_kind k)
{
	return (size_t)k < ALERT__COUNT ? kinds[k].name : "unknown";
}

const char *
alerts_kind_unit(enum alert_kind k)
{
	return (size_t)k < ALERT__COUNT ? kinds[k].unit : NULL;
}

const char *
alerts_level_name(enum alert_level l)
{
	return l == ALERT_CRITICAL ? "critical" : "warning";
}

struct alerts *
alerts_new(void)
{
	struct alerts *a = xcalloc(1, sizeof *a);
	size_t i;

	for (i = 0; i < ALERTS_PROCS; i++)
		a->procs[i].cpu_over_since = a->procs[i].cpu_prev_t = -1;
	return a;
}

void
alerts_free(struct alerts *a)
{
	free(a);
}

static long
keep(struct alerts *a, const struct alert *al)
{
	if (a->n == ALERTS_MAX) {
		a->dropped++;
		return -1;
	}
	a->hist[a->n] = *al;
	return (long)a->n++;
}

static void
fill(const struct alerts *a, struct alert *al, enum alert_kind k, double t,
    const char *msg)
{
	memset(al, 0, sizeof *al);
	al->proc = a->proc;
	al->kind = k;
	al->level = kinds[k].level;
	al->t_start = t;
	al->t_end = -1;
	snprintf(al->msg, sizeof al->msg, "%s", msg);
}

/* A level alert rises at t, its worst reading value read at worst_t. */
static void
level_raise(struct alerts *a, struct alert_level_state *l, enum alert_kind k,
    double t, double value, double worst_t, const char *msg)
{
	l->active = true;
	fill(a, &l->cur, k, t, msg);
	l->cur.rated = kinds[k].unit != NULL;
	l->cur.worst = value;
	l->cur.worst_t = worst_t;
	l->at = keep(a, &l->cur);
}

/* A reading at t while it is raised: the message follows the worst. */
static void
level_reading(struct alerts *a, struct alert_level_state *l, double t,
    double value, const char *msg)
{
	if (value < l->cur.worst)
		return;
	if (value > l->cur.worst)
		l->cur.worst_t = t;
	l->cur.worst = value;
	snprintf(l->cur.msg, sizeof l->cur.msg, "%s", msg);
	if (l->at >= 0)
		a->hist[l->at] = l->cur;
}

static void
level_end(struct alerts *a, struct alert_level_state *l, double t)
{
	l->active = false;
	l->cur.t_end = LT_MAX(t, l->cur.t_start);
	if (l->at >= 0)
		a->hist[l->at] = l->cur;
}

/*
 * A level rule's reading at time t: holds is 1 or 0, or -1 when there is
 * nothing to judge by (no requests in the interval, no sample), which
 * changes nothing.  value is the reading, in the kind's unit.
 */
void
alerts_level_in(struct alerts *a, struct alert_level_state *l, enum alert_kind k,
    double t, int holds, double value, const char *msg)
{
	if (holds < 0)
		return;
	if (holds && !l->active)
		level_raise(a, l, k, t, value, t, msg);
	else if (holds)
		level_reading(a, l, t, value, msg);
	else if (l->active)
		level_end(a, l, t);
}

/* A rule of the run's: error rate, p95, loadtop's CPU. */
static void
level(struct alerts *a, enum alert_kind k, double t, int holds, double value,
    const char *msg)
{
	alerts_level_in(a, &a->lv[k], k, t, holds, value, msg);
}

void
alerts_event(struct alerts *a, enum alert_kind k, double t, const char *msg)
{
	struct alert al;

	fill(a, &al, k, t, msg);
	al.t_end = t;
	keep(a, &al);
	if (a->nrecent == RECENT_MAX) {
		memmove(a->recent, a->recent + 1,
		    (RECENT_MAX - 1) * sizeof *a->recent);
		a->nrecent--;
	}
	a->recent[a->nrecent++] = al;
}

double
alerts_since_start(const struct snapshot *s, int64_t mono_us)
{
	return (double)(mono_us - s->mono_start_us) / 1e6;
}

const char *
alerts_pct(double v, char *buf, size_t len)
{
	return units_format_number(v, v < 10 ? 1 : 0, buf, len);
}

const char *
alerts_secs(double v, char *buf, size_t len)
{
	return units_format_duration((int64_t)(v * 1e6 + 0.5), buf, len);
}

/* loadtop's own CPU, percent of one core, since the last measure. */
static int
self_cpu(struct alerts *a, const struct snapshot *s, double *out)
{
	int64_t ns = util_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	double cpu_s = (double)ns / 1e9, span;

	if (ns < 0)
		return -1;
	if (!a->self_init) {
		a->self_init = true;
		a->self_t = s->elapsed;
		a->self_cpu_s = cpu_s;
		return -1;
	}
	if ((span = s->elapsed - a->self_t) < SELF_CPU_SPAN)
		return -1;
	*out = 100.0 * (cpu_s - a->self_cpu_s) / span;
	a->self_t = s->elapsed;
	a->self_cpu_s = cpu_s;
	return 0;
}

/* A late interval: the streak grows, and rises once long or bad
 * enough; once raised, the record's worst reading follows it. */
static void
late_over(struct alerts *a, const struct snapshot *s, double v,
    const char *msg)
{
	struct late_state *l = &a->late;
	double t = s->elapsed;

	if (l->over++ == 0 && !a->lv[ALERT_LATE_STARTS].active) {
		l->over_since = t - s->interval.seconds;
		l->worst = -1;
	}
	l->over_until = t;
	l->quiet = 0;
	if (a->lv[ALERT_LATE_STARTS].active) {
		level_reading(a, &a->lv[ALERT_LATE_STARTS], t, v, msg);
		return;
	}
	if (v > l->worst) {
		l->worst = v;
		l->worst_t = t;
		snprintf(l->msg, sizeof l->msg, "%s", msg);
	}
	if (l->over >= LATE_RUN || (v > LATE_MANY &&
	    s->interval.n.late_starts >= LATE_FEW))
		level_raise(a, &a->lv[ALERT_LATE_STARTS], ALERT_LATE_STARTS,
		    l->over_since, l->worst,
		    l->worst_t, l->msg);
}

/*
 * Late starts, judged on whole intervals against the starts that had a
 * schedule: a late start now and then is the scheduler's noise, and a
 * phase with no schedule (a burst) is never late.  The alert spans the
 * intervals that were over, from the start of the first to the end of
 * the last.
 */
static void
late_rule(struct alerts *a, const struct snapshot *s)
{
	const struct snap_counts *n = &s->interval.n;
	struct late_state *l = &a->late;
	char msg[160], b[32];
	double v;

	v = n->scheduled ? 100.0 * (double)n->late_starts /
	    (double)n->scheduled : 0;
	if (v > LATE_SOME && n->late_starts > 1) {
		snprintf(msg, sizeof msg, "%" PRIu64 " of %" PRIu64 " scheduled "
		    "starts late (%s%%) in an interval: the open-model schedule "
		    "was not kept", n->late_starts, n->scheduled,
		    units_format_number(v, 1, b, sizeof b));
		late_over(a, s, v, msg);
		return;
	}
	l->over = 0;
	if (a->lv[ALERT_LATE_STARTS].active && ++l->quiet >= LATE_RUN)
		level_end(a, &a->lv[ALERT_LATE_STARTS], l->over_until);
}

/* The rules on the interval the snapshot closes. */
static void
interval_rules(struct alerts *a, const struct scn_alerts *cfg,
    const struct snapshot *s)
{
	const struct snap_counts *n = &s->interval.n;
	const struct snap_lat *lat = &s->interval.latency;
	char msg[160], b1[32], b2[32];
	double t = s->elapsed, v;

	if (cfg->error_rate >= 0 && n->completed > 0) {
		v = 100.0 * (double)n->errors / (double)n->completed;
		snprintf(msg, sizeof msg, "error rate %s%% (%" PRIu64 " of %"
		    PRIu64 " requests in an interval; over %s%%)",
		    alerts_pct(v, b1, sizeof b1), n->errors, n->completed,
		    alerts_pct(cfg->error_rate, b2, sizeof b2));
		level(a, ALERT_ERROR_RATE, t, v > cfg->error_rate, v, msg);
	}
	if (cfg->p95_us >= 0 && lat->count > 0) {
		v = lat->p95 * 1000;
		snprintf(msg, sizeof msg, "p95 %s in an interval (over %s)",
		    units_format_duration(v < 10000 ? (int64_t)v :
		    (int64_t)(v / 1000 + 0.5) * 1000, b1, sizeof b1),
		    units_format_duration(cfg->p95_us, b2, sizeof b2));
		level(a, ALERT_P95, t, v > (double)cfg->p95_us, v / 1000, msg);
	}
	if (cfg->late_starts && !s->interval_partial)
		late_rule(a, s);
	if (cfg->generator_cpu >= 0 && self_cpu(a, s, &v) == 0) {
		snprintf(msg, sizeof msg, "loadtop used %s%% of a core (over "
		    "%s%%): its figures may be low", alerts_pct(v, b1, sizeof b1),
		    alerts_pct(cfg->generator_cpu, b2, sizeof b2));
		level(a, ALERT_GENERATOR_CPU, t, v > cfg->generator_cpu, v, msg);
	}
}

/* Worst first: critical before warning, then the newest. */
static int
worse(const void *x, const void *y)
{
	const struct alert *p = x, *q = y;

	if (p->level != q->level)
		return p->level < q->level ? -1 : 1;
	if (p->t_start != q->t_start)
		return p->t_start > q->t_start ? -1 : 1;
	return (int)p->kind - (int)q->kind;
}

static void
publish(struct alerts *a, struct snapshot *s)
{
	struct alert *live;
	size_t i, k, n = 0;

	s->nalerts = a->n;
	s->alerts = xcalloc(LT_MAX(a->n, 1), sizeof *s->alerts);
	memcpy(s->alerts, a->hist, a->n * sizeof *s->alerts);
	s->alerts_dropped = a->dropped;
	for (i = 0; i < ALERT__LEVELS; i++) {
		n += a->lv[i].active;
		for (k = 0; k < ALERTS_PROCS; k++)
			n += a->procs[k].lv[i].active;
	}
	live = xcalloc(n + RECENT_MAX + 1, sizeof *live);
	n = 0;
	for (i = 0; i < ALERT__LEVELS; i++)
		if (a->lv[i].active)
			live[n++] = a->lv[i].cur;
	for (k = 0; k < ALERTS_PROCS; k++)
		for (i = 0; i < ALERT__LEVELS; i++)
			if (a->procs[k].lv[i].active)
				live[n++] = a->procs[k].lv[i].cur;
	s->alerts_active = n;
	for (i = 0; i < a->nrecent; i++) {
		const struct alert *r = &a->recent[i];

		/* The target stays gone: its exit stays in view. */
		if (r->kind == ALERT_TARGET_EXITED ||
		    r->kind == ALERT_PID_REUSED ||
		    s->elapsed - r->t_start <= ALERTS_RECENT)
			live[n++] = *r;
	}
	qsort(live, n, sizeof *live, worse);
	s->alerts_live = live;
	s->nalerts_live = n;
}

void
alerts_update(struct alerts *a, const struct scn_alerts *cfg,
    struct snapshot *s)
{
	if (s->has_target)
		alerts_target_rules(a, cfg, s);
	if (s->interval_end)
		interval_rules(a, cfg, s);
	/* The run over, and its last bit on time: the alert ended at the
	 * last late interval, though fewer than LATE_RUN came to say so. */
	if (s->state == ENGINE_DONE && a->lv[ALERT_LATE_STARTS].active &&
	    s->interval.n.late_starts <= 1)
		level_end(a, &a->lv[ALERT_LATE_STARTS], a->late.over_until);
	publish(a, s);
}
