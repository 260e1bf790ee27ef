#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "hdr.h"
#include "scenario.h"
#include "snapshot.h"
#include "util.h"
#include "verdict.h"

/* Two requests, a burst phase, a sustained phase and a rate_limit phase. */
static const char base_yaml[] =
	"name: v\n"
	"target: {base_url: 'http://127.0.0.1:1'}\n"
	"requests:\n"
	"  - {name: fast, path: /ok}\n"
	"  - {name: slow, path: /slow}\n"
	"phases:\n"
	"  - {name: burst, kind: burst, requests: 100}\n"
	"  - {name: steady, kind: sustained, rate: 10, duration: 10s}\n"
	"  - {name: probe, kind: rate_limit, requests: 20, expect_allowed: 10,"
	" expect_limited: 10}\n";

static struct scenario *
scenario_with(const char *thresholds)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;
	char *y;

	xasprintf(&y, "%sthresholds:\n%s", base_yaml, thresholds);
	if (scenario_load_buffer("t.yaml", y, strlen(y), &scn, &errs) != 0) {
		scenario_errors_print(stderr, &errs);
		scenario_errors_clear(&errs);
		ck_abort_msg("scenario refused");
	}
	free(y);
	return scn;
}

static void
lat(struct snap_lat *l, uint64_t n, double p50, double p95, double max)
{
	l->count = n;
	l->min = p50 / 2;
	l->mean = p50;
	l->p50 = p50;
	l->p75 = (p50 + p95) / 2;
	l->p90 = p95 * 0.9;
	l->p95 = p95;
	l->p99 = max * 0.9;
	l->p999 = max;
	l->max = max;
}

static void
counts(struct snap_block *b, uint64_t ok, uint64_t limited,
    uint64_t server_errors, double seconds)
{
	b->n.classes[CLS_OK] = ok;
	b->n.classes[CLS_RATE_LIMITED] = limited;
	b->n.classes[CLS_SERVER_ERROR] = server_errors;
	b->n.completed = ok + limited + server_errors;
	b->n.started = b->n.completed;
	b->n.responses = b->n.completed;
	b->n.errors = server_errors;
	b->seconds = seconds;
	b->rps = (double)b->n.completed / seconds;
}

/* A finished run: 1000 requests in 10 s, p95 40ms; fast p95 5ms, slow
 * p95 90ms; burst done, steady running (when running), probe done. */
static struct snapshot *
snap_for(const struct scenario *scn, bool done)
{
	struct snapshot *s = xcalloc(1, sizeof *s);
	size_t i;

	s->refs = 1;
	s->scn = scn;
	s->state = done ? ENGINE_DONE : ENGINE_RUNNING;
	s->end_reason = done ? END_COMPLETED : END_NONE;
	s->elapsed = 10;
	counts(&s->total, 980, 10, 10, 10);
	lat(&s->total.latency, 1000, 12, 40, 250);
	s->histogram = hdr_new(LT_HDR_LOWEST, LT_HDR_HIGHEST, LT_HDR_SIGFIGS);
	for (i = 0; i < 1000; i++)
		hdr_record(s->histogram, (int64_t)(1000 + i * 30));
	s->nrequests = 2;
	s->requests = xcalloc(2, sizeof *s->requests);
	s->requests[0].name = "fast";
	counts(&s->requests[0].total, 500, 0, 0, 10);
	lat(&s->requests[0].total.latency, 500, 2, 5, 9);
	s->requests[1].name = "slow";
	counts(&s->requests[1].total, 480, 10, 10, 10);
	lat(&s->requests[1].total.latency, 500, 30, 90, 250);
	s->nphases = 3;
	s->phases = xcalloc(3, sizeof *s->phases);
	for (i = 0; i < 3; i++) {
		s->phases[i].name = scn->phases[i].name;
		s->phases[i].kind = scn->phases[i].kind;
		s->phases[i].rl.expect_allowed = -1;
		s->phases[i].rl.expect_limited = -1;
	}
	s->phases[0].state = PHASE_DONE;
	s->phases[0].started = 0;
	s->phases[0].ended = 1;
	counts(&s->phases[0].block, 100, 0, 0, 1);
	lat(&s->phases[0].block.latency, 100, 20, 80, 100);
	s->phases[1].state = done ? PHASE_DONE : PHASE_RUNNING;
	s->phases[1].started = 1;
	s->phases[1].ended = 9;
	counts(&s->phases[1].block, 80, 0, 0, 8);
	lat(&s->phases[1].block.latency, 80, 10, 30, 50);
	s->phases[2].state = done ? PHASE_DONE : PHASE_PENDING;
	s->phases[2].started = done ? 9 : -1;
	s->phases[2].ended = 10;
	return s;
}

static const struct verdict_row *
eval_one(const char *expr, bool done, struct verdict *v,
    struct scenario **scn, struct snapshot **s)
{
	char *t;

	xasprintf(&t, "  - '%s'\n", expr);
	*scn = scenario_with(t);
	free(t);
	*s = snap_for(*scn, done);
	verdict_eval(*s, v);
	ck_assert_uint_eq(v->n, 1);
	return &v->rows[0];
}

/* Evaluate one expression on the finished run; check actual and verdict. */
static void
expect(const char *expr, double actual, bool passed)
{
	struct scenario *scn;
	struct snapshot *s;
	struct verdict v;
	const struct verdict_row *r = eval_one(expr, true, &v, &scn, &s);

	ck_assert_msg(r->known, "'%s' unknown: %s", expr, r->why);
	ck_assert_msg(fabs(r->actual - actual) < 1e-9 + fabs(actual) * 1e-2,
	    "'%s': actual %g, want %g", expr, r->actual, actual);
	ck_assert_msg(r->passed == passed, "'%s': passed %d", expr, r->passed);
	ck_assert(v.passed == passed);
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}

static void
expect_unknown(const char *expr, const char *why)
{
	struct scenario *scn;
	struct snapshot *s;
	struct verdict v;
	const struct verdict_row *r = eval_one(expr, true, &v, &scn, &s);

	ck_assert_msg(!r->known, "'%s' known", expr);
	ck_assert(!r->passed);
	ck_assert(!v.passed);
	ck_assert_msg(strstr(r->why, why) != NULL, "'%s': why '%s'", expr,
	    r->why);
	ck_assert_str_eq(verdict_status_word(r), "UNKNOWN");
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}

START_TEST(whole_run_metrics)
{
	expect("p95 < 50ms", 40, true);
	expect("p95 < 40ms", 40, false);
	expect("p95 <= 40ms", 40, true);
	expect("p50 > 20ms", 12, false);
	expect("max < 1s", 250, true);
	expect("mean < 5ms", 12, false);
	expect("rps > 80", 100, true);
	expect("rps > 120", 100, false);
	expect("requests == 1000", 1000, true);
	expect("errors == 0", 10, false);
	expect("error_rate < 1%", 1, false);
	expect("error_rate <= 1%", 1, true);
	expect("rate_limited < 20", 10, true);
	expect("rate_limited_rate < 0.5%", 1, false);
	expect("late_starts == 0", 0, true);
	expect("p75 < 30ms", 26, true);
}
END_TEST

START_TEST(scoped_metrics)
{
	expect("fast.p95 < 10ms", 5, true);
	expect("fast.p75 < 3ms", 3.5, false);
	expect("slow.p95 < 10ms", 90, false);
	expect("slow.error_rate < 5%", 2, true);
	expect("request:slow.rate_limited == 10", 10, true);
	expect("phase:burst.p95 < 50ms", 80, false);
	expect("phase:burst.rps >= 100", 100, true);
	expect("phase:steady.requests > 50", 80, true);
}
END_TEST

START_TEST(unknown_fails)
{
	expect_unknown("mem_growth < 50MB", "no target process");
	expect_unknown("cpu_max < 90%", "no target process");
	expect_unknown("leak_slope < 1KB/req", "no target process");
	expect_unknown("phase:probe.p95 < 1s", "no request completed");
	expect_unknown("phase:probe.error_rate < 1%", "no request completed");
}
END_TEST

/* The best whole interval: a partial one's rate is of a moment. */
START_TEST(rps_peak_of_whole_intervals)
{
	struct scenario *scn = scenario_with("  - rps_peak < 50\n"
	    "  - phase:steady.rps_peak < 50\n  - phase:burst.rps_peak > 0\n");
	struct snapshot *s = snap_for(scn, true);
	struct verdict v;
	size_t i;

	s->nseries = 3;
	s->series = xcalloc(3, sizeof *s->series);
	for (i = 0; i < 3; i++) {
		s->series[i].t = (double)(i + 1);
		s->series[i].phase = 1;
		s->series[i].rps = 40 + (double)i;
	}
	s->series[2].partial = true;
	s->series[2].rps = 900;
	s->rps_peak = 41;
	s->whole_intervals = 2;
	verdict_eval(s, &v);
	ck_assert(v.rows[0].known && v.rows[0].passed);
	ck_assert(v.rows[0].actual == 41);
	ck_assert(v.rows[1].known && v.rows[1].passed);
	ck_assert(v.rows[1].actual == 41);
	ck_assert(!v.rows[2].known);
	ck_assert_ptr_nonnull(strstr(v.rows[2].why, "no whole interval"));
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* The target's figures, the whole run's and a phase's own window. */
START_TEST(target_metrics)
{
	struct scenario *scn = scenario_with("  - mem_growth < 50MB\n"
	    "  - rss_max < 20MB\n  - cpu_avg < 50%\n  - cpu_max < 90%\n"
	    "  - phase:steady.mem_growth < 1MB\n"
	    "  - phase:steady.cpu_max < 50\n");
	struct snapshot *s = snap_for(scn, true);
	struct verdict v;
	size_t i;

	s->has_target = true;
	s->target.stats.nsamples = 40;
	s->target.stats.growth = 60 << 20;
	s->target.stats.rss_max = 16 << 20;
	s->target.stats.cpu_avg = 30;
	s->target.stats.cpu_max = 95;
	s->target.stats.cpu_seconds = 10;
	s->mono_start_us = 1000000;
	/* One sample a second; RSS grows 512KB a second, CPU 10..100. */
	s->ntarget_series = 10;
	s->target_series = xcalloc(10, sizeof *s->target_series);
	for (i = 0; i < 10; i++) {
		struct mseries_point *p = &s->target_series[i];

		p->t_us = s->mono_start_us + (int64_t)(i * 1000000 + 500000);
		p->t_first_us = p->t_last_us = p->t_us;
		p->nsamples = 1;
		p->rss = p->rss_min = p->rss_max = (int64_t)(i * 512 * 1024);
		p->cpu = p->cpu_max = 10.0 * (double)(i + 1);
	}
	verdict_eval(s, &v);
	ck_assert_uint_eq(v.n, 6);
	ck_assert(v.rows[0].known && !v.rows[0].passed);
	ck_assert(v.rows[0].actual == 60 << 20);
	ck_assert(v.rows[1].known && v.rows[1].passed);
	ck_assert(v.rows[2].known && v.rows[2].passed);
	ck_assert(v.rows[3].known && !v.rows[3].passed);
	/* steady ran 1s..9s: samples at 1.5 .. 8.5, RSS 1 .. 8 * 512KB. */
	ck_assert(v.rows[4].known);
	ck_assert_double_eq_tol(v.rows[4].actual, 7 * 512 * 1024, 1);
	ck_assert(!v.rows[4].passed);
	ck_assert_double_eq_tol(v.rows[5].actual, 90, 1e-9);
	ck_assert(!v.rows[5].passed);
	ck_assert_uint_eq(v.failed, 4);
	ck_assert(!v.passed);
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/*
 * A CPU threshold needs 2 s of the target's samples: with less it is NOT
 * EVALUATED, saying why, and neither fails the run nor aborts it.
 */
START_TEST(cpu_needs_two_seconds)
{
	struct scenario *scn = scenario_with("  - cpu_max < 100%\n"
	    "  - {expr: 'cpu_avg < 1%', abort_on_fail: true}\n"
	    "  - phase:burst.cpu_max < 1%\n  - phase:steady.cpu_max < 50%\n"
	    "  - rss_max < 1GB\n");
	struct snapshot *s = snap_for(scn, true);
	struct verdict v;
	size_t i;

	s->has_target = true;
	s->target.stats.nsamples = 2;
	s->target.stats.cpu_seconds = 0.036;
	s->target.stats.cpu_avg = s->target.stats.cpu_max = 40;
	s->target.stats.rss_max = 1 << 20;
	s->mono_start_us = 1000000;
	/* Samples every 0.25 s from 0.5 s to 3 s: burst (0..1 s) has
	 * 0.5 s of them, steady (1..9 s) 2 s. */
	s->ntarget_series = 11;
	s->target_series = xcalloc(11, sizeof *s->target_series);
	for (i = 0; i < 11; i++) {
		struct mseries_point *p = &s->target_series[i];

		p->t_us = s->mono_start_us + (int64_t)(500000 + i * 250000);
		p->t_first_us = p->t_last_us = p->t_us;
		p->nsamples = 1;
		p->cpu = p->cpu_max = 40;
	}
	verdict_eval(s, &v);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(v.rows[i].status, VERDICT_NOT_EVALUATED);
	ck_assert_str_eq(v.rows[0].why,
	    "cpu_max needs 2s of CPU samples, the run had 0.0s");
	ck_assert_str_eq(v.rows[1].why,
	    "cpu_avg needs 2s of CPU samples, the run had 0.0s");
	ck_assert_str_eq(v.rows[2].why,
	    "cpu_max needs 2s of CPU samples, phase 'burst' had 0.5s");
	ck_assert_int_eq(v.rows[3].status, VERDICT_PASS);
	ck_assert_double_eq(v.rows[3].actual, 40);
	ck_assert_int_eq(v.rows[4].status, VERDICT_PASS);
	ck_assert_uint_eq(v.not_evaluated, 3);
	ck_assert(v.passed);
	ck_assert(!verdict_should_abort(s, &v));
	verdict_clear(&v);

	/* With 2 s of samples, the same run fails cpu_avg < 1%. */
	s->target.stats.cpu_seconds = 2;
	verdict_eval(s, &v);
	ck_assert_int_eq(v.rows[1].status, VERDICT_FAIL);
	ck_assert(!v.passed);
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* A rate_limit phase that failed its expectations fails the run. */
START_TEST(rate_limit_folded_in)
{
	struct scenario *scn = scenario_with("  - p95 < 1s\n");
	struct snapshot *s = snap_for(scn, true);
	struct verdict v;

	verdict_eval(s, &v);
	ck_assert(v.passed);
	verdict_clear(&v);
	s->phases[2].rl.checked = true;
	s->phases[2].rl.passed = false;
	verdict_eval(s, &v);
	ck_assert(v.rows[0].passed);
	ck_assert_uint_eq(v.rl_failed, 1);
	ck_assert(!v.passed);
	verdict_clear(&v);
	/* Not yet checked (the phase is still running): not a failure. */
	s->phases[2].rl.checked = false;
	verdict_eval(s, &v);
	ck_assert(v.passed);
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

static bool
aborts(const char *expr, bool done, void (*tweak)(struct snapshot *))
{
	struct scenario *scn;
	struct snapshot *s;
	struct verdict v;
	char *t;
	bool r;

	xasprintf(&t, "  - {expr: '%s', abort_on_fail: true}\n", expr);
	scn = scenario_with(t);
	free(t);
	s = snap_for(scn, done);
	if (tweak != NULL)
		tweak(s);
	verdict_eval(s, &v);
	r = verdict_should_abort(s, &v);
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
	return r;
}

static void
few_requests(struct snapshot *s)
{
	counts(&s->total, 50, 0, 10, 1);
}

START_TEST(live_abort)
{
	/* Counts and max only grow: an upper bound crossed is final. */
	ck_assert(aborts("errors < 5", false, NULL));
	ck_assert(aborts("max < 100ms", false, NULL));
	ck_assert(!aborts("errors < 50", false, NULL));
	/* A lower bound on the run's rate may still be met. */
	ck_assert(!aborts("rps > 120", false, NULL));
	ck_assert(!aborts("requests > 5000", false, NULL));
	/* ... but not once its phase is over. */
	ck_assert(aborts("phase:burst.rps > 120", false, NULL));
	ck_assert(!aborts("phase:steady.rps > 120", false, NULL));
	/* Percentiles and rates: upper bounds, given enough requests. */
	ck_assert(aborts("p95 < 10ms", false, NULL));
	ck_assert(aborts("error_rate < 0.5%", false, NULL));
	ck_assert(!aborts("error_rate < 0.5%", false, few_requests));
	ck_assert(!aborts("p95 > 100ms", false, NULL));
	/* A passing threshold never aborts; nor one without abort_on_fail. */
	ck_assert(!aborts("p95 < 1s", false, NULL));
	ck_assert(aborts("rps > 120", true, NULL));
}
END_TEST

START_TEST(abort_needs_the_flag)
{
	struct scenario *scn = scenario_with("  - errors < 1\n");
	struct snapshot *s = snap_for(scn, false);
	struct verdict v;

	verdict_eval(s, &v);
	ck_assert(!v.passed);
	ck_assert(!verdict_should_abort(s, &v));
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* --threshold on a scenario file: parsed, scoped, or refused clearly. */
START_TEST(command_line_thresholds)
{
	struct scenario *scn = scenario_with("  - p95 < 1s\n");
	char e1[] = "phase:steady.p99 < 20ms", e2[] = "slow.errors == 0";
	char e3[] = "phase:nope.p99 < 20ms", e4[] = "p95 <";
	char e5[] = "fast.cpu_max < 50%";
	char *ok[] = { e1, e2 }, *bad1[] = { e3 }, *bad2[] = { e4 };
	char *bad3[] = { e5 };
	char *cause = NULL;

	ck_assert_int_eq(scenario_add_thresholds(scn, ok, 2, &cause), 0);
	ck_assert_uint_eq(scn->nthresholds, 3);
	ck_assert(scn->thresholds[1].scope == THR_SCOPE_PHASE);
	ck_assert_uint_eq(scn->thresholds[1].scope_index, 1);
	ck_assert_uint_eq(scn->thresholds[2].scope_index, 1);
	ck_assert_int_eq(scenario_add_thresholds(scn, bad1, 1, &cause), -1);
	ck_assert_str_eq(cause, "--threshold 'phase:nope.p99 < 20ms': column 7: "
	    "unknown phase 'nope'");
	free(cause);
	ck_assert_int_eq(scenario_add_thresholds(scn, bad2, 1, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "missing value"));
	free(cause);
	ck_assert_int_eq(scenario_add_thresholds(scn, bad3, 1, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "target metric"));
	free(cause);
	ck_assert_uint_eq(scn->nthresholds, 3);
	scenario_free(scn);
}
END_TEST

START_TEST(printed_table)
{
	struct scenario *scn = scenario_with("  - p95 < 50ms\n"
	    "  - cpu_max < 90%\n");
	struct snapshot *s = snap_for(scn, true);
	struct verdict v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	verdict_eval(s, &v);
	verdict_print(f, s, &v);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "p95 < 50ms"));
	ck_assert_ptr_nonnull(strstr(buf, "40ms"));
	ck_assert_ptr_nonnull(strstr(buf, "PASS"));
	ck_assert_ptr_nonnull(strstr(buf, "UNKNOWN (no target process"));
	ck_assert_ptr_nonnull(strstr(buf, "FAIL: 1 of 2 thresholds failed"));
	free(buf);
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

static Suite *
verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("verdict");

	tcase_add_test(tc, whole_run_metrics);
	tcase_add_test(tc, scoped_metrics);
	tcase_add_test(tc, unknown_fails);
	tcase_add_test(tc, rps_peak_of_whole_intervals);
	tcase_add_test(tc, target_metrics);
	tcase_add_test(tc, cpu_needs_two_seconds);
	tcase_add_test(tc, rate_limit_folded_in);
	tcase_add_test(tc, live_abort);
	tcase_add_test(tc, abort_needs_the_flag);
	tcase_add_test(tc, command_line_thresholds);
	tcase_add_test(tc, printed_table);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(verdict_suite)
