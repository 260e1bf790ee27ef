/* The alert engine: rules and target events into records (alerts.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "scenario.h"
#include "snapshot.h"
#include "units.h"
#include "util.h"

/* Events kept for the dashboard, newest last. */
#define RECENT_MAX 8
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

/* One level rule: whether it holds, and its record while it does. */
struct alert_level_state {
	bool active;
	long at;			/* index in the history; -1 not kept */
	struct alert cur;
};

/* The late-start rule's streaks, of whole intervals. */
struct late_state {
	unsigned over;			/* in a row over LATE_SOME */
	unsigned quiet;			/* in a row not, while raised */
	double over_since;		/* the start of the first over */
	double over_until;		/* the end of the last over */
	double worst;			/* the streak's, before it rises */
	double worst_t;
	char msg[160];
};

/* What the rules keep of one watched process. */
struct target_state {
	struct alert_level_state lv[ALERT__LEVELS];	/* its own kinds */
	size_t events_seen;		/* of the monitor's, dropped ones too */

	/* target_cpu: the samples read so far and the current streak. */
	int64_t cpu_seen_us;
	double cpu_prev_t;		/* end of the sample before */
	double cpu_over_since;		/* -1 when under the bound */
	double cpu_over_peak;
	double cpu_t;			/* end of the latest sample */
};

struct alerts {
	struct alert hist[ALERTS_MAX];
	size_t n;
	size_t dropped;
	struct alert_level_state lv[ALERT__LEVELS];	/* the run's kinds */
	struct late_state late;
	struct alert recent[RECENT_MAX];
	size_t nrecent;

	struct target_state procs[ALERTS_PROCS];

	/* generator_cpu: our own CPU time at the last measure. */
	bool self_init;
	double self_t;
	double self_cpu_s;
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
fill(struct alert *al, enum alert_kind k, double t, const char *msg)
{
	memset(al, 0, sizeof *al);
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
	fill(&l->cur, k, t, msg);
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
static void
level_in(struct alerts *a, struct alert_level_state *l, enum alert_kind k,
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
	level_in(a, &a->lv[k], k, t, holds, value, msg);
}

static void
event(struct alerts *a, enum alert_kind k, double t, const char *msg)
{
	struct alert al;

	fill(&al, k, t, msg);
	al.t_end = t;
	keep(a, &al);
	if (a->nrecent == RECENT_MAX) {
		memmove(a->recent, a->recent + 1,
		    (RECENT_MAX - 1) * sizeof *a->recent);
		a->nrecent--;
	}
	a->recent[a->nrecent++] = al;
}

static double
since_start(const struct snapshot *s, int64_t mono_us)
{
	return (double)(mono_us - s->mono_start_us) / 1e6;
}

static const char *
pct(double v, char *buf, size_t len)
{
	return units_format_number(v, v < 10 ? 1 : 0, buf, len);
}

static const char *
secs(double v, char *buf, size_t len)
{
	return units_format_duration((int64_t)(v * 1e6 + 0.5), buf, len);
}

/* One watched process: its view and series, what the rules keep of it,
 * and how its messages begin ("api: " when there are several). */
struct target_ctx {
	const struct monitor_view *v;
	const struct mseries_point *series;
	size_t nseries;
	struct target_state *ts;
	char who[48];
};

static void
say(const struct target_ctx *tc, char *buf, size_t len, const char *msg)
{
	snprintf(buf, len, "%s%s", tc->who, msg);
}

/* The monitor's events not yet turned into alerts; oldest first. */
static void
target_events(struct alerts *a, const struct snapshot *s,
    struct target_ctx *tc)
{
	/* The events that are alerts; 0, a level's kind, for the rest. */
	static const enum alert_kind as[] = {
		[MON_EV_EXIT] = ALERT_TARGET_EXITED,
		[MON_EV_PID_REUSED] = ALERT_PID_REUSED,
		[MON_EV_WORKER_EXIT] = ALERT_WORKER_EXITED,
		[MON_EV_PROC_ERROR] = ALERT_PROC_ERROR,
	};
	const struct monitor_view *v = tc->v;
	struct target_state *ts = tc->ts;
	size_t first = v->events_dropped, i;
	char msg[sizeof a->hist[0].msg];

	if (ts->events_seen < first) {
		/* Gone from the monitor's list before we read them. */
		a->dropped += first - ts->events_seen;
		ts->events_seen = first;
	}
	for (i = ts->events_seen - first; i < v->nevents; i++) {
		const struct monitor_event *ev = &v->events[i];
		double t = since_start(s, ev->t_us);

		say(tc, msg, sizeof msg, ev->msg);
		if (ev->kind == MON_EV_HEALTH_DOWN || ev->kind == MON_EV_HEALTH_UP)
			level_in(a, &ts->lv[ALERT_HEALTH_DOWN], ALERT_HEALTH_DOWN,
			    t, ev->kind == MON_EV_HEALTH_DOWN, 0, msg);
		else if ((size_t)ev->kind < LT_NELEM(as) && as[ev->kind] != 0)
			event(a, as[ev->kind], t, msg);
	}
	ts->events_seen = first + v->nevents;
}

static void
health(struct alerts *a, const struct snapshot *s, struct target_ctx *tc)
{
	const struct health_view *h = &tc->v->health;
	char msg[sizeof a->hist[0].msg], line[sizeof a->hist[0].msg];

	if (!h->enabled || !h->checked)
		return;
	snprintf(line, sizeof line, "health check down: %.120s",
	    h->error[0] != '\0' ? h->error : "failing");
	say(tc, msg, sizeof msg, line);
	level_in(a, &tc->ts->lv[ALERT_HEALTH_DOWN], ALERT_HEALTH_DOWN,
	    s->elapsed, !h->up, 0, msg);
}

/* One target sample: CPU averaged over (t_prev, t]. */
static void
cpu_sample(struct target_state *ts, const struct scn_alerts *cfg, double t,
    double cpu)
{
	if (ts->cpu_prev_t < 0)
		ts->cpu_prev_t = t;
	if (cpu > cfg->target_cpu) {
		if (ts->cpu_over_since < 0) {
			ts->cpu_over_since = ts->cpu_prev_t;
			ts->cpu_over_peak = 0;
		}
		ts->cpu_over_peak = LT_MAX(ts->cpu_over_peak, cpu);
	} else
		ts->cpu_over_since = -1;
	ts->cpu_prev_t = ts->cpu_t = t;
}

static void
target_cpu(struct alerts *a, const struct scn_alerts *cfg,
    const struct snapshot *s, struct target_ctx *tc)
{
	const struct monitor_view *v = tc->v;
	struct target_state *ts = tc->ts;
	char msg[160], line[160], b1[32], b2[32], b3[32];
	double over, span;
	size_t i;

	if (cfg->target_cpu < 0 || !v->have_sample)
		return;
	/* The series has the samples between snapshots; last the newest. */
	for (i = 0; i < tc->nseries; i++) {
		const struct mseries_point *p = &tc->series[i];

		if (p->t_last_us <= ts->cpu_seen_us)
			continue;
		cpu_sample(ts, cfg, since_start(s, p->t_last_us), p->cpu);
		ts->cpu_seen_us = p->t_last_us;
	}
	if (v->last.t_us > ts->cpu_seen_us) {
		cpu_sample(ts, cfg, since_start(s, v->last.t_us), v->last.cpu);
		ts->cpu_seen_us = v->last.t_us;
	}
	over = ts->cpu_over_since >= 0 ? ts->cpu_t - ts->cpu_over_since : -1;
	span = (double)cfg->target_cpu_for_us / 1e6;
	snprintf(line, sizeof line, "target CPU %s%% for %s (over %s%%)",
	    pct(ts->cpu_over_peak, b1, sizeof b1), secs(LT_MAX(over, 0.0), b2,
	    sizeof b2), pct(cfg->target_cpu, b3, sizeof b3));
	say(tc, msg, sizeof msg, line);
	level_in(a, &ts->lv[ALERT_TARGET_CPU], ALERT_TARGET_CPU, ts->cpu_t,
	    over >= 0 && over >= span - 1e-6, ts->cpu_over_peak, msg);
}

static void
target_growth(struct alerts *a, const struct scn_alerts *cfg,
    const struct snapshot *s, struct target_ctx *tc)
{
	const struct monitor_stats *st = &tc->v->stats;
	char msg[160], line[160], b1[32], b2[32];

	if (cfg->mem_growth < 0 || st->nsamples == 0)
		return;
	snprintf(line, sizeof line, "target RSS grew %s since the start "
	    "(over %s)", units_format_size(st->growth, b1, sizeof b1),
	    units_format_size(cfg->mem_growth, b2, sizeof b2));
	say(tc, msg, sizeof msg, line);
	level_in(a, &tc->ts->lv[ALERT_MEM_GROWTH], ALERT_MEM_GROWTH,
	    s->elapsed, st->growth > cfg->mem_growth, (double)st->growth, msg);
}

/* Every watched process, each alerted on on its own. */
static void
target_rules(struct alerts *a, const struct scn_alerts *cfg,
    const struct snapshot *s)
{
	size_t i, n = LT_MIN(snapshot_nprocs(s), (size_t)ALERTS_PROCS);
	struct target_ctx tc;

	for (i = 0; i < n; i++) {
		tc.v = snapshot_proc_view(s, i);
		tc.series = snapshot_proc_series(s, i, &tc.nseries);
		tc.ts = &a->procs[i];
		tc.who[0] = '\0';
		if (n > 1)
			snprintf(tc.who, sizeof tc.who, "%.40s: ",
			    snapshot_proc_name(s, i));
		target_events(a, s, &tc);
		health(a, s, &tc);
		target_cpu(a, cfg, s, &tc);
		target_growth(a, cfg, s, &tc);
	}
}

/* loadtop's own CPU, percent of one core, since the last measure. */
static int
self_cpu(struct alerts *a, const struct snapshot *s, double *out)
{
	struct timespec ts;
	double cpu_s, span;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return -1;
	cpu_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
		    pct(v, b1, sizeof b1), n->errors, n->completed,
		    pct(cfg->error_rate, b2, sizeof b2));
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
		    "%s%%): its figures may be low", pct(v, b1, sizeof b1),
		    pct(cfg->generator_cpu, b2, sizeof b2));
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
		target_rules(a, cfg, s);
	if (s->interval_end)
		interval_rules(a, cfg, s);
	/* The run over, and its last bit on time: the alert ended at the
	 * last late interval, though fewer than LATE_RUN came to say so. */
	if (s->state == ENGINE_DONE && a->lv[ALERT_LATE_STARTS].active &&
	    s->interval.n.late_starts <= 1)
		level_end(a, &a->lv[ALERT_LATE_STARTS], a->late.over_until);
	publish(a, s);
}
