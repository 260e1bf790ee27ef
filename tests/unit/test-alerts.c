/* Unit tests for the alert engine, driven by synthetic snapshots. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "check-tap.h"

#include "alerts.h"
#include "scenario.h"
#include "snapshot.h"
#include "util.h"

#define MONO0 5000000000LL		/* the run's start, monotonic us */

static struct alerts *a;
static struct scn_alerts cfg;

static void
setup(void)
{
	a = alerts_new();
	scenario_alerts_default(&cfg);
}

static void
teardown(void)
{
	alerts_free(a);
}

static struct snapshot *
snap_at(double t, bool interval_end)
{
	struct snapshot *s = xcalloc(1, sizeof *s);

	s->refs = 1;
	s->elapsed = t;
	s->interval_end = interval_end;
	s->mono_start_us = MONO0;
	return s;
}

/* An interval of n requests, errors of them failed, with this p95. */
static struct snapshot *
interval(double t, uint64_t n, uint64_t errors, double p95_ms)
{
	struct snapshot *s = snap_at(t, true);

	s->interval.n.started = s->interval.n.completed = n;
	s->interval.n.errors = errors;
	s->interval.latency.count = n;
	s->interval.latency.p95 = p95_ms;
	return s;
}

/* Update with s, check the counts, release it. */
static void
step(struct snapshot *s, size_t nalerts, size_t active)
{
	alerts_update(a, &cfg, s);
	ck_assert_uint_eq(s->nalerts, nalerts);
	ck_assert_uint_eq(s->alerts_active, active);
	snapshot_release(s);
}

static struct alert
last_alert(void)
{
	struct snapshot *s = snap_at(1e6, false);
	struct alert al;

	alerts_update(a, &cfg, s);
	ck_assert_uint_gt(s->nalerts, 0);
	al = s->alerts[s->nalerts - 1];
	snapshot_release(s);
	return al;
}

START_TEST(raise_clear_reraise)
{
	struct snapshot *s;
	struct alert al;

	step(interval(1, 50, 0, 20), 0, 0);
	s = interval(2, 50, 0, 612);
	alerts_update(a, &cfg, s);
	ck_assert_uint_eq(s->nalerts, 1);
	ck_assert_uint_eq(s->alerts_active, 1);
	ck_assert_uint_eq(s->nalerts_live, 1);
	ck_assert_str_eq(alerts_kind_name(s->alerts[0].kind), "p95");
	ck_assert_str_eq(alerts_level_name(s->alerts[0].level), "warning");
	ck_assert_double_eq(s->alerts[0].t_start, 2);
	ck_assert_double_eq(s->alerts[0].t_end, -1);
	ck_assert_str_eq(s->alerts[0].msg, "p95 612ms in an interval "
	    "(over 500ms)");
	snapshot_release(s);
	/* Still over, and worse: one record, its message the worst. */
	step(interval(3, 50, 0, 900), 1, 1);
	step(interval(4, 50, 0, 700), 1, 1);
	/* A boundary's partial interval judges nothing. */
	s = snap_at(4.5, false);
	s->interval.latency.count = 10;
	s->interval.latency.p95 = 10;
	step(s, 1, 1);
	/* No requests in the interval: nothing to judge by either. */
	step(interval(5, 0, 0, 0), 1, 1);
	step(interval(6, 50, 0, 100), 1, 0);
	al = last_alert();
	ck_assert_double_eq(al.t_start, 2);
	ck_assert_double_eq(al.t_end, 6);
	ck_assert_str_eq(al.msg, "p95 900ms in an interval (over 500ms)");
	/* A new raise is a new record. */
	step(interval(7, 50, 0, 501), 2, 1);
	al = last_alert();
	ck_assert_double_eq(al.t_start, 7);
	ck_assert_double_eq(al.t_end, -1);
}
END_TEST

START_TEST(error_rate_and_late_starts)
{
	struct snapshot *s;

	step(interval(1, 100, 5, 1), 0, 0);		/* 5% is not over */
	s = interval(2, 40, 4, 1);
	s->interval.n.scheduled = 40;
	s->interval.n.late_starts = 5;
	alerts_update(a, &cfg, s);
	ck_assert_uint_eq(s->nalerts, 2);
	ck_assert_str_eq(alerts_kind_name(s->alerts[0].kind), "error_rate");
	ck_assert_str_eq(alerts_level_name(s->alerts[0].level), "critical");
	ck_assert_str_eq(s->alerts[0].msg, "error rate 10% (4 of 40 requests "
	    "in an interval; over 5%)");
	ck_assert(s->alerts[0].rated);
	ck_assert_double_eq(s->alerts[0].worst, 10);
	ck_assert_str_eq(alerts_kind_name(s->alerts[1].kind), "late_starts");
	ck_assert_ptr_nonnull(strstr(s->alerts[1].msg, "5 of 40 scheduled "
	    "starts late (12.5%)"));
	/* Live: the critical one first. */
	ck_assert_uint_eq(s->nalerts_live, 2);
	ck_assert_int_eq(s->alerts_live[0].kind, ALERT_ERROR_RATE);
	ck_assert_int_eq(s->alerts_live[1].kind, ALERT_LATE_STARTS);
	snapshot_release(s);
	/* The error rate ends at once; late starts after three intervals
	 * without. */
	step(interval(3, 40, 0, 1), 2, 1);
	/* One late start in 200 is noise, not a schedule falling behind. */
	s = interval(4, 200, 0, 1);
	s->interval.n.scheduled = 200;
	s->interval.n.late_starts = 1;
	step(s, 2, 1);
	step(interval(5, 40, 0, 1), 2, 0);
}
END_TEST

START_TEST(disabled_rules)
{
	struct snapshot *s;

	cfg.p95_us = -1;
	cfg.error_rate = -1;
	cfg.late_starts = false;
	cfg.mem_growth = -1;
	cfg.target_cpu = -1;
	s = interval(1, 10, 10, 5000);
	s->interval.n.late_starts = 10;
	s->has_target = true;
	s->target.have_sample = true;
	s->target.last.t_us = MONO0 + 1000000;
	s->target.last.cpu = 400;
	s->target.stats.nsamples = 4;
	s->target.stats.growth = 1LL << 40;
	step(s, 0, 0);
	/* The same figures with the default rules raise all five. */
	scenario_alerts_default(&cfg);
	s = interval(2, 10, 10, 5000);
	s->interval.n.scheduled = 10;
	s->interval.n.late_starts = 10;
	s->has_target = true;
	s->target.have_sample = true;
	s->target.last.t_us = MONO0 + 2000000;
	s->target.last.cpu = 400;
	s->target.stats.nsamples = 4;
	s->target.stats.growth = 1LL << 40;
	cfg.target_cpu_for_us = 0;
	step(s, 5, 5);
}
END_TEST

/* An interval of 1s ending at t: n starts on a schedule, late of them
 * late (none failed, all fast). */
static struct snapshot *
scheduled(double t, uint64_t n, uint64_t late)
{
	struct snapshot *s = interval(t, n, 0, 1);

	s->interval.seconds = 1;
	s->interval.n.scheduled = n;
	s->interval.n.late_starts = late;
	return s;
}

START_TEST(late_starts_need_a_streak)
{
	struct alert al;
	int t;

	/* 2% late, every other interval, for a long while: the noise that
	 * made one record an interval raises none. */
	for (t = 1; t <= 40; t++)
		step(scheduled(t, 100, t % 2 ? 2 : 0), 0, 0);
	/* Two intervals over 1% in a row are not enough; three are. */
	step(scheduled(41, 100, 2), 0, 0);
	step(scheduled(42, 100, 3), 0, 0);
	step(scheduled(43, 100, 2), 1, 1);
	al = last_alert();
	ck_assert_str_eq(alerts_kind_name(al.kind), "late_starts");
	/* From the start of the first interval over, its worst reading
	 * the one with 3%. */
	ck_assert_double_eq(al.t_start, 40);
	ck_assert(al.rated);
	ck_assert_double_eq(al.worst, 3);
	ck_assert_double_eq(al.worst_t, 42);
	ck_assert_ptr_nonnull(strstr(al.msg, "3 of 100 scheduled starts late "
	    "(3%)"));
	ck_assert_str_eq(alerts_kind_unit(al.kind), "%");
	/* Two quiet intervals and it is still raised; a late one carries
	 * on the same record, and the worst follows. */
	step(scheduled(44, 100, 0), 1, 1);
	step(scheduled(45, 100, 0), 1, 1);
	step(scheduled(46, 100, 40), 1, 1);
	/* Three quiet ones end it, at the end of the last late one. */
	step(scheduled(47, 100, 0), 1, 1);
	step(scheduled(48, 100, 1), 1, 1);
	step(scheduled(49, 100, 0), 1, 0);
	al = last_alert();
	ck_assert_double_eq(al.t_start, 40);
	ck_assert_double_eq(al.t_end, 46);
	ck_assert_double_eq(al.worst, 40);
	ck_assert_double_eq(al.worst_t, 46);
}
END_TEST

START_TEST(late_starts_at_once)
{
	struct snapshot *s;
	struct alert al;

	/* Over 10% rises at once, but two late starts are still noise. */
	step(scheduled(1, 10, 2), 0, 0);
	step(scheduled(2, 10, 0), 0, 0);
	step(scheduled(3, 100, 12), 1, 1);
	al = last_alert();
	ck_assert_double_eq(al.t_start, 2);
	ck_assert_double_eq(al.worst, 12);
	/* A burst has no schedule: its interval is a quiet one, however
	 * many it started. */
	s = scheduled(4, 0, 0);
	s->interval.n.started = 5000;
	step(s, 1, 1);
	/* One late start alone is noise, at any rate. */
	step(scheduled(5, 20, 1), 1, 1);
	/* A partial interval judges nothing: late to the end, the run
	 * ends with the alert still raised. */
	s = scheduled(5.2, 10, 10);
	s->interval_partial = true;
	s->state = ENGINE_DONE;
	step(s, 1, 1);
}
END_TEST

START_TEST(late_starts_end_with_the_run)
{
	struct snapshot *s;
	struct alert al;

	step(scheduled(1, 100, 50), 1, 1);
	step(scheduled(2, 100, 50), 1, 1);
	/* The run ends after a partial interval on time: the alert ends
	 * at the end of the last late interval. */
	s = scheduled(2.3, 30, 0);
	s->interval_partial = true;
	s->state = ENGINE_DONE;
	step(s, 1, 0);
	al = last_alert();
	ck_assert_double_eq(al.t_start, 0);
	ck_assert_double_eq(al.t_end, 2);
}
END_TEST

START_TEST(spans_list_each_kind_once)
{
#define P95(t0, t1, w, wt) { .kind = ALERT_P95, .level = ALERT_WARNING, \
	.t_start = (t0), .t_end = (t1), .msg = "p95 " #w "ms", .rated = true, \
	.worst = (w), .worst_t = (wt) }
	struct alert v[5] = {
		P95(2, 4, 600, 3),
		{ .kind = ALERT_TARGET_EXITED, .level = ALERT_CRITICAL,
		    .t_start = 5, .t_end = 5, .msg = "exited" },
		P95(7, 9, 900, 8),
		P95(11, -1, 700, 11),
		{ .kind = ALERT_HEALTH_DOWN, .level = ALERT_CRITICAL,
		    .t_start = 6, .t_end = 6.5, .msg = "down" },
	};
#undef P95
	struct alert_span sp[ALERT__COUNT];
	char buf[256];

	ck_assert_uint_eq(alerts_spans(v, 5, sp), 3);
	ck_assert_int_eq(sp[0].kind, ALERT_P95);
	ck_assert_uint_eq(sp[0].count, 3);
	ck_assert_str_eq(alerts_span_format(&sp[0], buf, sizeof buf),
	    "from 2.0s, still active at the end (3 times), worst at 8.0s: "
	    "p95 900ms");
	v[3].t_end = 12;
	alerts_spans(v, 5, sp);
	ck_assert_str_eq(alerts_span_format(&sp[0], buf, sizeof buf),
	    "from 2.0s to 12.0s (3 times), worst at 8.0s: p95 900ms");
	ck_assert_str_eq(alerts_span_format(&sp[1], buf, sizeof buf),
	    "at 5.0s: exited");
	ck_assert_str_eq(alerts_span_format(&sp[2], buf, sizeof buf),
	    "from 6.0s to 6.5s: down");
	ck_assert_uint_eq(alerts_spans(v, 0, sp), 0);
}
END_TEST

/* A target sample at second t with this CPU. */
static void
cpu_at(double t, double cpu, size_t nalerts, size_t active)
{
	struct snapshot *s = snap_at(t, false);

	s->has_target = true;
	s->target.have_sample = true;
	s->target.last.t_us = MONO0 + (int64_t)(t * 1e6);
	s->target.last.cpu = cpu;
	step(s, nalerts, active);
}

START_TEST(cpu_for_a_while)
{
	struct alert al;
	int t;

	/* Defaults: over 80% for 10s.  Over since the sample at 1s (its
	 * CPU covers 1s to 2s). */
	cpu_at(1, 10, 0, 0);
	for (t = 2; t <= 10; t++)
		cpu_at(t, 95, 0, 0);
	/* A dip starts the count again. */
	cpu_at(11, 50, 0, 0);
	for (t = 12; t <= 20; t++)
		cpu_at(t, 93, 0, 0);
	cpu_at(21, 97, 1, 1);
	al = last_alert();
	ck_assert_str_eq(alerts_kind_name(al.kind), "target_cpu");
	ck_assert_double_eq(al.t_start, 21);
	ck_assert_str_eq(al.msg, "target CPU 97% for 10s (over 80%)");
	cpu_at(22, 90, 1, 1);
	cpu_at(23, 80, 1, 0);
	al = last_alert();
	ck_assert_double_eq(al.t_end, 23);
	ck_assert_str_eq(al.msg, "target CPU 97% for 11s (over 80%)");
}
END_TEST

/* The series carries the samples between two snapshots: a dip between
 * them counts even though both snapshots' last samples are over. */
START_TEST(cpu_reads_the_series)
{
	struct snapshot *s;
	struct mseries_point *p;
	int i;

	cfg.target_cpu_for_us = 2000000;
	cpu_at(0, 95, 0, 0);
	s = snap_at(3, false);
	s->has_target = true;
	s->target.have_sample = true;
	s->target.last.t_us = MONO0 + 3000000;
	s->target.last.cpu = 95;
	s->ntarget_series = 3;
	s->target_series = p = xcalloc(3, sizeof *p);
	for (i = 0; i < 3; i++) {
		p[i].t_us = p[i].t_first_us = p[i].t_last_us =
		    MONO0 + (i + 1) * 1000000;
		p[i].cpu = i == 1 ? 20 : 95;
	}
	step(s, 0, 0);
	cpu_at(4, 95, 1, 1);
}
END_TEST

START_TEST(memory_growth)
{
	struct snapshot *s;

	cfg.mem_growth = 10 * 1048576;
	s = snap_at(1, false);
	s->has_target = true;
	s->target.stats.nsamples = 5;
	s->target.stats.growth = 12 * 1048576;
	alerts_update(a, &cfg, s);
	ck_assert_uint_eq(s->alerts_active, 1);
	ck_assert_str_eq(alerts_kind_name(s->alerts[0].kind), "mem_growth");
	ck_assert_str_eq(s->alerts[0].msg, "target RSS grew 12MB since the "
	    "start (over 10MB)");
	snapshot_release(s);
}
END_TEST

static void
add_event(struct monitor_view *v, enum monitor_event_kind k, double t,
    const char *msg)
{
	struct monitor_event *ev;

	v->events = xreallocarray(v->events, v->nevents + 1, sizeof *ev);
	ev = &v->events[v->nevents++];
	memset(ev, 0, sizeof *ev);
	ev->kind = k;
	ev->t_us = MONO0 + (int64_t)(t * 1e6);
	ev->status = -1;
	snprintf(ev->msg, sizeof ev->msg, "%s", msg);
}

static struct snapshot *
target_snap(double t, size_t dropped)
{
	struct snapshot *s = snap_at(t, false);

	s->has_target = true;
	s->target.alive = true;
	s->target.events_dropped = dropped;
	return s;
}

START_TEST(events_once_each)
{
	struct snapshot *s;

	/* Absolute events: 0 start, 1 worker, 2 proc, 3 worker, 4 exit,
	 * 5 pid reused (never seen), 6 and 7 workers. */
	s = target_snap(1, 0);
	add_event(&s->target, MON_EV_START, 0, "watching");
	add_event(&s->target, MON_EV_WORKER_EXIT, 0.5, "worker 7 exited");
	add_event(&s->target, MON_EV_PROC_ERROR, 0.75, "cannot read");
	alerts_update(a, &cfg, s);
	ck_assert_uint_eq(s->nalerts, 2);
	ck_assert_uint_eq(s->alerts_active, 0);
	ck_assert_str_eq(alerts_kind_name(s->alerts[0].kind), "worker_exited");
	ck_assert_double_eq(s->alerts[0].t_start, 0.5);
	ck_assert_double_eq(s->alerts[0].t_end, 0.5);
	ck_assert_str_eq(s->alerts[0].msg, "worker 7 exited");
	ck_assert_str_eq(alerts_kind_name(s->alerts[1].kind), "proc_error");
	ck_assert_uint_eq(s->nalerts_live, 2);
	snapshot_release(s);

	/* The same list again: nothing new. */
	s = target_snap(2, 0);
	add_event(&s->target, MON_EV_START, 0, "watching");
	add_event(&s->target, MON_EV_WORKER_EXIT, 0.5, "worker 7 exited");
	add_event(&s->target, MON_EV_PROC_ERROR, 0.75, "cannot read");
	step(s, 2, 0);

	/* Three dropped by the monitor, all seen already. */
	s = target_snap(3, 3);
	add_event(&s->target, MON_EV_WORKER_EXIT, 2.5, "worker 8 exited");
	add_event(&s->target, MON_EV_EXIT, 2.75, "target 9 killed by "
	    "signal 15");
	alerts_update(a, &cfg, s);
	ck_assert_uint_eq(s->nalerts, 4);
	ck_assert_uint_eq(s->alerts_dropped, 0);
	ck_assert_str_eq(alerts_kind_name(s->alerts[3].kind), "target_exited");
	ck_assert_str_eq(s->alerts[3].msg, "target 9 killed by signal 15");
	snapshot_release(s);

	/* Event 5 went before it was read: counted, not invented. */
	s = target_snap(30, 6);
	add_event(&s->target, MON_EV_WORKER_EXIT, 29, "worker 10 exited");
	add_event(&s->target, MON_EV_WORKER_EXIT, 29.5, "worker 11 exited");
	alerts_update(a, &cfg, s);
	ck_assert_uint_eq(s->nalerts, 6);
	ck_assert_uint_eq(s->alerts_dropped, 1);
	/* Live: the exit stays, the old events are gone, both recent
	 * worker exits show, newest first. */
	ck_assert_uint_eq(s->nalerts_live, 3);
	ck_assert_int_eq(s->alerts_live[0].kind, ALERT_WORKER_EXITED);
	ck_assert_double_eq(s->alerts_live[0].t_start, 29.5);
	ck_assert_int_eq(s->alerts_live[2].kind, ALERT_TARGET_EXITED);
	snapshot_release(s);
}
END_TEST

START_TEST(health_between_snapshots)
{
	struct snapshot *s;
	struct alert al;

	/* Down and up again between two snapshots: one record, its times
	 * the events'. */
	s = target_snap(2, 0);
	s->target.health.enabled = s->target.health.checked = true;
	s->target.health.up = true;
	add_event(&s->target, MON_EV_HEALTH_DOWN, 1.25, "health check down: "
	    "503");
	add_event(&s->target, MON_EV_HEALTH_UP, 1.75, "health check up");
	step(s, 1, 0);
	al = last_alert();
	ck_assert_str_eq(alerts_kind_name(al.kind), "health_down");
	ck_assert_str_eq(alerts_level_name(al.level), "critical");
	ck_assert_double_eq(al.t_start, 1.25);
	ck_assert_double_eq(al.t_end, 1.75);
	/* Down as the view says, whatever the events: raised now. */
	s = target_snap(3, 2);
	s->target.health.enabled = s->target.health.checked = true;
	snprintf(s->target.health.error, sizeof s->target.health.error,
	    "connection refused");
	step(s, 2, 1);
	al = last_alert();
	ck_assert_double_eq(al.t_start, 3);
	ck_assert_str_eq(al.msg, "health check down: connection refused");
}
END_TEST

static double
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* loadtop's own CPU is measured, not told: burn some and see it. */
START_TEST(generator_cpu_measured)
{
	volatile unsigned long spin = 0;
	double t0;

	step(interval(1, 10, 0, 1), 0, 0);		/* the first measure */
	/* Idle: a tenth of a millisecond of CPU per second is not 90%. */
	step(interval(2, 10, 0, 1), 0, 0);
	t0 = cpu_seconds();
	while (cpu_seconds() - t0 < 0.3)
		spin++;
	/* 0.3s of CPU in 0.3s of the run: a whole core. */
	step(interval(2.3, 10, 0, 1), 1, 1);
	ck_assert_str_eq(alerts_kind_name(last_alert().kind), "generator_cpu");
	step(interval(12.3, 10, 0, 1), 1, 0);
	/* Off: the same burn says nothing. */
	cfg.generator_cpu = -1;
	t0 = cpu_seconds();
	while (cpu_seconds() - t0 < 0.3)
		spin++;
	step(interval(12.6, 10, 0, 1), 1, 0);
}
END_TEST

START_TEST(bounded_history)
{
	struct snapshot *s;
	int i;

	for (i = 0; i < 300; i++) {
		s = interval(2 * i + 1, 10, 0, 900);
		alerts_update(a, &cfg, s);
		ck_assert_uint_eq(s->alerts_active, 1);
		ck_assert_uint_eq(s->nalerts_live, 1);
		snapshot_release(s);
		step(interval(2 * i + 2, 10, 0, 1), LT_MIN(i + 1, ALERTS_MAX),
		    0);
	}
	s = interval(1000, 10, 0, 900);
	alerts_update(a, &cfg, s);
	ck_assert_uint_eq(s->nalerts, ALERTS_MAX);
	ck_assert_uint_eq(s->alerts_dropped, 301 - ALERTS_MAX);
	/* The first ones are kept, whole. */
	ck_assert_double_eq(s->alerts[0].t_start, 1);
	ck_assert_double_eq(s->alerts[0].t_end, 2);
	ck_assert_double_eq(s->alerts[ALERTS_MAX - 1].t_start,
	    2 * (ALERTS_MAX - 1) + 1);
	/* One not kept is still shown while active. */
	ck_assert_uint_eq(s->nalerts_live, 1);
	ck_assert_double_eq(s->alerts_live[0].t_start, 1000);
	snapshot_release(s);
}
END_TEST

static struct scenario *
load(const char *extra)
{
	struct scenario *scn = NULL;
	struct scn_errors errs = { 0 };
	char *yaml;

	xasprintf(&yaml, "name: a\ntarget: {base_url: http://127.0.0.1:1}\n"
	    "requests: [{path: /}]\nphases: [{kind: burst, requests: 1}]\n%s",
	    extra);
	if (scenario_load_buffer("a.yaml", yaml, strlen(yaml), &scn,
	    &errs) != 0) {
		scenario_errors_print(stderr, &errs);
		scenario_errors_clear(&errs);
	}
	free(yaml);
	return scn;
}

START_TEST(scenario_rules)
{
	struct scenario *scn;

	scn = load("");
	ck_assert_ptr_nonnull(scn);
	ck_assert_double_eq(scn->alerts.target_cpu, 80);
	ck_assert_int_eq(scn->alerts.target_cpu_for_us, 10000000);
	ck_assert_int_eq(scn->alerts.mem_growth, 50 * 1048576);
	ck_assert_double_eq(scn->alerts.error_rate, 5);
	ck_assert_int_eq(scn->alerts.p95_us, 500000);
	ck_assert_double_eq(scn->alerts.generator_cpu, 90);
	ck_assert(scn->alerts.late_starts);
	scenario_free(scn);

	scn = load("alerts:\n  target_cpu: 150%\n  target_cpu_for: 0\n"
	    "  mem_growth: 1GB\n  error_rate: off\n  p95: 2s\n"
	    "  late_starts: off\n");
	ck_assert_ptr_nonnull(scn);
	ck_assert_double_eq(scn->alerts.target_cpu, 150);
	ck_assert_int_eq(scn->alerts.target_cpu_for_us, 0);
	ck_assert_int_eq(scn->alerts.mem_growth, 1LL << 30);
	ck_assert_double_lt(scn->alerts.error_rate, 0);
	ck_assert_int_eq(scn->alerts.p95_us, 2000000);
	ck_assert_double_eq(scn->alerts.generator_cpu, 90);
	ck_assert(!scn->alerts.late_starts);
	ck_assert_int_eq(scn->alerts.pos.line, 6);
	scenario_free(scn);

	scn = load("alerts: off\n");
	ck_assert_ptr_nonnull(scn);
	ck_assert_double_lt(scn->alerts.target_cpu, 0);
	ck_assert_int_lt(scn->alerts.mem_growth, 0);
	ck_assert_int_lt(scn->alerts.p95_us, 0);
	ck_assert_double_lt(scn->alerts.generator_cpu, 0);
	ck_assert(!scn->alerts.late_starts);
	scenario_free(scn);

	ck_assert_ptr_null(load("alerts: {error_rate: 120%}\n"));
	ck_assert_ptr_null(load("alerts: [p95]\n"));
}
END_TEST

static Suite *
alerts_suite(void)
{
	Suite *s = suite_create("alerts");
	TCase *tc = tcase_create("alerts");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, raise_clear_reraise);
	tcase_add_test(tc, error_rate_and_late_starts);
	tcase_add_test(tc, disabled_rules);
	tcase_add_test(tc, late_starts_need_a_streak);
	tcase_add_test(tc, late_starts_at_once);
	tcase_add_test(tc, late_starts_end_with_the_run);
	tcase_add_test(tc, spans_list_each_kind_once);
	tcase_add_test(tc, cpu_for_a_while);
	tcase_add_test(tc, cpu_reads_the_series);
	tcase_add_test(tc, memory_growth);
	tcase_add_test(tc, events_once_each);
	tcase_add_test(tc, health_between_snapshots);
	tcase_add_test(tc, generator_cpu_measured);
	tcase_add_test(tc, bounded_history);
	tcase_add_test(tc, scenario_rules);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(alerts_suite)
