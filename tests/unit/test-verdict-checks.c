/* Verdicts on checks, outcomes, groups, flows and classes, judged on
 * snapshots made here. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "scenario.h"
#include "snapshot.h"
#include "util.h"
#include "verdict.h"

static const char base_yaml[] =
	"name: vc\n"
	"target: {base_url: 'http://127.0.0.1:1'}\n"
	"requests:\n"
	"  - {name: fast, path: /ok}\n"
	"  - {name: slow, path: /slow}\n"
	"phases:\n"
	"  - {name: steady, kind: sustained, rate: 10, duration: 10s}\n";

/* A threshold as the scenario's parser makes it. */
struct hand {
	const char *expr;
	enum thr_metric metric;
	enum thr_op op;
	double value;
	enum thr_scope scope;
	const char *scope_name;
	size_t scope_index;
	const char *arg;
	bool iteration;
	bool abort_on_fail;
};

static struct scenario *
scenario_hand(const struct hand *h)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;
	struct threshold *t;

	if (scenario_load_buffer("vc.yaml", base_yaml, strlen(base_yaml), &scn,
	    &errs) != 0) {
		scenario_errors_print(stderr, &errs);
		ck_abort_msg("scenario refused");
	}
	ck_assert_uint_eq(scn->nthresholds, 0);
	scn->thresholds = xcalloc(1, sizeof *scn->thresholds);
	scn->nthresholds = 1;
	t = &scn->thresholds[0];
	t->expr = xstrdup(h->expr);
	t->metric = h->metric;
	t->op = h->op;
	t->value = h->value;
	t->scope = h->scope;
	t->scope_name = h->scope_name ? xstrdup(h->scope_name) : NULL;
	t->scope_index = h->scope_index;
	t->arg = h->arg ? xstrdup(h->arg) : NULL;
	t->iteration = h->iteration;
	t->abort_on_fail = h->abort_on_fail;
	return scn;
}

static void
lat(struct snap_lat *l, uint64_t n, double p50, double p95, double max)
{
	l->count = n;
	l->min = p50 / 2;
	l->mean = p50;
	l->p50 = p50;
	l->p75 = p50;
	l->p90 = p95;
	l->p95 = p95;
	l->p99 = max;
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
	b->n.completed = b->n.started = b->n.responses = ok + limited +
	    server_errors;
	b->n.errors = server_errors;
	b->seconds = seconds;
	b->rps = (double)b->n.completed / seconds;
}

static void
outcomes(struct snap_request *rq, const char *const *values,
    const uint64_t *n, size_t count)
{
	size_t i;

	rq->has_outcome = true;
	rq->noutcomes = count;
	rq->outcomes = xcalloc(count, sizeof *rq->outcomes);
	for (i = 0; i < count; i++) {
		rq->outcomes[i].value = values[i] ? xstrdup(values[i]) : NULL;
		rq->outcomes[i].count = n[i];
	}
}

/*
 * 1000 requests in 10 s: fast (500 ok) and slow (480 ok, 10 429s, 10
 * 500s), both in group api; group spare sent nothing.  Checks: 1990
 * passed, 10 failed, all slow's.  fast's outcome kept every value,
 * slow's saw 90 responses past those it kept.  Flow session: 120
 * iterations started, 100 completed, 5 failed; flow idle never started.
 */
static struct snapshot *
snap_make(const struct scenario *scn, bool done)
{
	static const char *const fast_v[] = { "dry_run", "rate_limited",
	    "invalid_signature" };
	static const uint64_t fast_n[] = { 400, 90, 10 };
	static const char *const slow_v[] = { "ok", NULL };
	static const uint64_t slow_n[] = { 410, 90 };
	struct snapshot *s = xcalloc(1, sizeof *s);

	s->refs = 1;
	s->scn = scn;
	s->state = done ? ENGINE_DONE : ENGINE_RUNNING;
	s->end_reason = done ? END_COMPLETED : END_NONE;
	s->elapsed = 10;
	counts(&s->total, 980, 10, 10, 10);
	lat(&s->total.latency, 1000, 12, 40, 250);
	lat(&s->by_class[CLS_OK], 980, 12, 41, 250);
	lat(&s->by_class[CLS_RATE_LIMITED], 10, 1, 2, 3);
	lat(&s->by_class[CLS_SERVER_ERROR], 10, 100, 200, 240);
	s->nrequests = 2;
	s->requests = xcalloc(2, sizeof *s->requests);
	s->requests[0].name = "fast";
	s->requests[0].group = "api";
	counts(&s->requests[0].total, 500, 0, 0, 10);
	lat(&s->requests[0].total.latency, 500, 2, 5, 9);
	s->requests[0].checks_passed = 1000;
	outcomes(&s->requests[0], fast_v, fast_n, 3);
	s->requests[1].name = "slow";
	s->requests[1].group = "api";
	counts(&s->requests[1].total, 480, 10, 10, 10);
	lat(&s->requests[1].total.latency, 500, 30, 90, 250);
	s->requests[1].checks_passed = 990;
	s->requests[1].checks_failed = 10;
	outcomes(&s->requests[1], slow_v, slow_n, 2);
	s->checks_passed = 1990;
	s->checks_failed = 10;
	s->ngroups = 2;
	s->groups = xcalloc(2, sizeof *s->groups);
	s->groups[0].name = "api";
	s->groups[0].total = s->total;
	s->groups[1].name = "spare";
	s->nflows = 2;
	s->flows = xcalloc(2, sizeof *s->flows);
	s->flows[0] = (struct snap_flow){ .name = "session", .started = 120,
	    .completed = 100, .failed = 5 };
	lat(&s->flows[0].iteration, 100, 800, 1500, 2100);
	s->flows[1] = (struct snap_flow){ .name = "idle" };
	s->nphases = 1;
	s->phases = xcalloc(1, sizeof *s->phases);
	s->phases[0].name = scn->phases[0].name;
	s->phases[0].kind = scn->phases[0].kind;
	s->phases[0].state = done ? PHASE_DONE : PHASE_RUNNING;
	s->phases[0].block = s->total;
	s->phases[0].checks_passed = s->checks_passed;
	s->phases[0].checks_failed = s->checks_failed;
	return s;
}

/* Judge h on the finished run (or the running one); check the row. */
static void
judge(const struct hand *h, bool done, enum verdict_status want,
    double actual, const char *why)
{
	struct scenario *scn = scenario_hand(h);
	struct snapshot *s = snap_make(scn, done);
	struct verdict v;
	const struct verdict_row *r;

	verdict_eval(s, &v);
	ck_assert_uint_eq(v.n, 1);
	r = &v.rows[0];
	ck_assert_msg(r->status == want, "'%s': status %s, want %s (%s)",
	    h->expr, verdict_status_name(r->status), verdict_status_name(want),
	    r->why);
	if (want == VERDICT_PASS || want == VERDICT_FAIL) {
		ck_assert_msg(r->known, "'%s' unknown: %s", h->expr, r->why);
		ck_assert_msg(fabs(r->actual - actual) < 1e-9, "'%s': actual "
		    "%g, want %g", h->expr, r->actual, actual);
	} else
		ck_assert_msg(!r->known && !r->passed, "'%s' known", h->expr);
	if (why != NULL)
		ck_assert_msg(strstr(r->why, why) != NULL, "'%s': why '%s', "
		    "want '%s'", h->expr, r->why, why);
	ck_assert(v.passed == (want == VERDICT_PASS ||
	    want == VERDICT_NOT_EVALUATED));
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}

#define CHECKS(expr, op, value, scope, name, index) \
	(&(struct hand){ expr, THR_CHECKS, op, value, scope, name, index, \
	    NULL, false, false })

START_TEST(checks_by_scope)
{
	judge(CHECKS("checks > 99%", THR_GT, 99, THR_SCOPE_ALL, NULL, 0),
	    true, VERDICT_PASS, 99.5, NULL);
	judge(CHECKS("checks > 99.6%", THR_GT, 99.6, THR_SCOPE_ALL, NULL, 0),
	    true, VERDICT_FAIL, 99.5, NULL);
	judge(CHECKS("fast.checks == 100%", THR_EQ, 100, THR_SCOPE_REQUEST,
	    "fast", 0), true, VERDICT_PASS, 100, NULL);
	judge(CHECKS("slow.checks > 99.5%", THR_GT, 99.5, THR_SCOPE_REQUEST,
	    "slow", 1), true, VERDICT_FAIL, 99, NULL);
	/* A phase's: the evaluations while it ran (here, the run's). */
	judge(CHECKS("phase:steady.checks > 99%", THR_GT, 99, THR_SCOPE_PHASE,
	    "steady", 0), true, VERDICT_PASS, 99.5, NULL);
	/* A group's: its requests' evaluations, summed. */
	judge(CHECKS("group:api.checks >= 99.5%", THR_GE, 99.5,
	    THR_SCOPE_GROUP, "api", 0), true, VERDICT_PASS, 99.5, NULL);
}
END_TEST

START_TEST(checks_unknown)
{
	judge(CHECKS("session.checks > 99%", THR_GT, 99, THR_SCOPE_FLOW,
	    "session", 0), true, VERDICT_UNKNOWN, 0,
	    "checks are counted for the run, a phase, a request and a group");
	/* A group whose requests were never sent was not evaluated. */
	judge(CHECKS("group:spare.checks > 99%", THR_GT, 99, THR_SCOPE_GROUP,
	    "spare", 1), true, VERDICT_NOT_EVALUATED, 0, "never ran");
	/* ... but while the run goes on, nothing evaluated is unknown. */
	judge(CHECKS("group:spare.checks > 99%", THR_GT, 99, THR_SCOPE_GROUP,
	    "spare", 1), false, VERDICT_UNKNOWN, 0,
	    "no check was evaluated in group 'spare'");
	judge(CHECKS("group:gone.checks > 99%", THR_GT, 99, THR_SCOPE_GROUP,
	    "gone", 5), true, VERDICT_UNKNOWN, 0,
	    "group 'gone' is not in this run");
}
END_TEST

#define OUTCOME(expr, op, value, name, index, arg) \
	(&(struct hand){ expr, THR_OUTCOME, op, value, THR_SCOPE_REQUEST, \
	    name, index, arg, false, false })

START_TEST(outcome_counts)
{
	judge(OUTCOME("fast.outcome:rate_limited == 90", THR_EQ, 90, "fast", 0,
	    "rate_limited"), true, VERDICT_PASS, 90, NULL);
	judge(OUTCOME("fast.outcome:dry_run > 450", THR_GT, 450, "fast", 0,
	    "dry_run"), true, VERDICT_FAIL, 400, NULL);
	/* Every value was kept: one not among them was not seen. */
	judge(OUTCOME("fast.outcome:low_confidence == 0", THR_EQ, 0, "fast", 0,
	    "low_confidence"), true, VERDICT_PASS, 0, NULL);
	/* A kept value is exact, though others came past the kept ones. */
	judge(OUTCOME("slow.outcome:ok >= 400", THR_GE, 400, "slow", 1, "ok"),
	    true, VERDICT_PASS, 410, NULL);
}
END_TEST

/* A value the engine did not keep, with values past the kept ones: its
 * count is not known, and the verdict does not claim 0. */
START_TEST(outcome_count_unknown)
{
	judge(OUTCOME("slow.outcome:late == 0", THR_EQ, 0, "slow", 1, "late"),
	    true, VERDICT_UNKNOWN, 0, "count unknown: 'late' is not among the "
	    "1 values kept of request 'slow', and 90 responses had others");
	judge(OUTCOME("slow.outcome:late < 5", THR_LT, 5, "slow", 1, "late"),
	    true, VERDICT_UNKNOWN, 0, "count unknown");
}
END_TEST

START_TEST(outcome_needs_one)
{
	struct hand h = { "fast.outcome:x == 0", THR_OUTCOME, THR_EQ, 0,
	    THR_SCOPE_REQUEST, "fast", 0, "x", false, false };
	struct scenario *scn = scenario_hand(&h);
	struct snapshot *s = snap_make(scn, true);
	struct verdict v;

	s->requests[0].has_outcome = false;
	verdict_eval(s, &v);
	ck_assert(v.rows[0].status == VERDICT_UNKNOWN);
	ck_assert_str_eq(v.rows[0].why, "request 'fast' has no outcome");
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

#define SCOPED(expr, m, op, value, scope, name, index, iter) \
	(&(struct hand){ expr, m, op, value, scope, name, index, NULL, iter, \
	    false })

START_TEST(group_metrics)
{
	judge(SCOPED("group:api.p95 < 50ms", THR_P95, THR_LT, 50,
	    THR_SCOPE_GROUP, "api", 0, false), true, VERDICT_PASS, 40, NULL);
	judge(SCOPED("group:api.error_rate < 0.5%", THR_ERROR_RATE, THR_LT,
	    0.5, THR_SCOPE_GROUP, "api", 0, false), true, VERDICT_FAIL, 1,
	    NULL);
	judge(SCOPED("group:api.requests == 1000", THR_REQUESTS, THR_EQ, 1000,
	    THR_SCOPE_GROUP, "api", 0, false), true, VERDICT_PASS, 1000, NULL);
	judge(SCOPED("group:api.rps > 90", THR_RPS, THR_GT, 90,
	    THR_SCOPE_GROUP, "api", 0, false), true, VERDICT_PASS, 100, NULL);
	judge(SCOPED("group:api.rate_limited == 10", THR_RATE_LIMITED, THR_EQ,
	    10, THR_SCOPE_GROUP, "api", 0, false), true, VERDICT_PASS, 10,
	    NULL);
	/* Found by its name when the index is not the snapshot's. */
	judge(SCOPED("group:api.requests == 1000", THR_REQUESTS, THR_EQ, 1000,
	    THR_SCOPE_GROUP, "api", 1, false), true, VERDICT_PASS, 1000, NULL);
	judge(SCOPED("group:spare.p95 < 50ms", THR_P95, THR_LT, 50,
	    THR_SCOPE_GROUP, "spare", 1, false), true, VERDICT_NOT_EVALUATED,
	    0, "group 'spare' never ran");
	judge(SCOPED("group:api.rps_peak > 1", THR_RPS_PEAK, THR_GT, 1,
	    THR_SCOPE_GROUP, "api", 0, false), true, VERDICT_UNKNOWN, 0,
	    "kept for the run and its phases");
}
END_TEST

START_TEST(flow_metrics)
{
	judge(SCOPED("session.iteration.p95 < 2s", THR_P95, THR_LT, 2000,
	    THR_SCOPE_FLOW, "session", 0, true), true, VERDICT_PASS, 1500,
	    NULL);
	judge(SCOPED("session.iteration.max < 2s", THR_MAX, THR_LT, 2000,
	    THR_SCOPE_FLOW, "session", 0, true), true, VERDICT_FAIL, 2100,
	    NULL);
	judge(SCOPED("session.requests >= 100", THR_REQUESTS, THR_GE, 100,
	    THR_SCOPE_FLOW, "session", 0, false), true, VERDICT_PASS, 100,
	    NULL);
	judge(SCOPED("session.errors == 0", THR_ERRORS, THR_EQ, 0,
	    THR_SCOPE_FLOW, "session", 0, false), true, VERDICT_FAIL, 5, NULL);
	/* Failed of the iterations that ended: 5 of 105. */
	judge(SCOPED("session.error_rate < 5%", THR_ERROR_RATE, THR_LT, 5,
	    THR_SCOPE_FLOW, "session", 0, false), true, VERDICT_PASS,
	    500.0 / 105, NULL);
	judge(SCOPED("session.iteration.rps > 1", THR_RPS, THR_GT, 1,
	    THR_SCOPE_FLOW, "session", 0, true), true, VERDICT_UNKNOWN, 0,
	    "latency figures only");
	judge(SCOPED("session.rps > 1", THR_RPS, THR_GT, 1, THR_SCOPE_FLOW,
	    "session", 0, false), true, VERDICT_UNKNOWN, 0,
	    "counts requests, errors and error_rate");
	judge(SCOPED("idle.iteration.p95 < 2s", THR_P95, THR_LT, 2000,
	    THR_SCOPE_FLOW, "idle", 1, true), true, VERDICT_NOT_EVALUATED, 0,
	    "flow 'idle' never ran");
	judge(SCOPED("idle.iteration.p95 < 2s", THR_P95, THR_LT, 2000,
	    THR_SCOPE_FLOW, "idle", 1, true), false, VERDICT_UNKNOWN, 0,
	    "no iteration of flow 'idle' ran every step");
	judge(SCOPED("idle.error_rate < 1%", THR_ERROR_RATE, THR_LT, 1,
	    THR_SCOPE_FLOW, "idle", 1, false), false, VERDICT_UNKNOWN, 0,
	    "no iteration of flow 'idle' ended");
}
END_TEST

START_TEST(class_metrics)
{
	judge(SCOPED("class:rate_limited.p95 < 20ms", THR_P95, THR_LT, 20,
	    THR_SCOPE_CLASS, "rate_limited", CLS_RATE_LIMITED, false), true,
	    VERDICT_PASS, 2, NULL);
	judge(SCOPED("class:server_error.p95 < 100ms", THR_P95, THR_LT, 100,
	    THR_SCOPE_CLASS, "server_error", CLS_SERVER_ERROR, false), true,
	    VERDICT_FAIL, 200, NULL);
	judge(SCOPED("class:rate_limited.requests == 10", THR_REQUESTS, THR_EQ,
	    10, THR_SCOPE_CLASS, "rate_limited", CLS_RATE_LIMITED, false),
	    true, VERDICT_PASS, 10, NULL);
	/* No timeout: a count of 0, and no latency to judge. */
	judge(SCOPED("class:timeout.requests == 0", THR_REQUESTS, THR_EQ, 0,
	    THR_SCOPE_CLASS, "timeout", CLS_TIMEOUT, false), true,
	    VERDICT_PASS, 0, NULL);
	judge(SCOPED("class:timeout.p95 < 1s", THR_P95, THR_LT, 1000,
	    THR_SCOPE_CLASS, "timeout", CLS_TIMEOUT, false), true,
	    VERDICT_UNKNOWN, 0, "no timeout response in the run");
	judge(SCOPED("class:ok.error_rate < 1%", THR_ERROR_RATE, THR_LT, 1,
	    THR_SCOPE_CLASS, "ok", CLS_OK, false), true, VERDICT_UNKNOWN, 0,
	    "class ok has latency figures and requests only");
}
END_TEST

/* Mid-run, with abort_on_fail: what can already be trusted. */
static bool
aborts(struct hand h, void (*tweak)(struct snapshot *))
{
	struct scenario *scn;
	struct snapshot *s;
	struct verdict v;
	bool r;

	h.abort_on_fail = true;
	scn = scenario_hand(&h);
	s = snap_make(scn, false);
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
few_checks(struct snapshot *s)
{
	s->checks_passed = 90;
	s->checks_failed = 9;
}

static void
few_iterations(struct snapshot *s)
{
	s->flows[0].completed = 60;
	s->flows[0].failed = 39;
}

START_TEST(live_abort)
{
	/* A pass rate under its bound, over 2000 evaluations: trusted. */
	ck_assert(aborts(*CHECKS("checks > 99.9%", THR_GT, 99.9, THR_SCOPE_ALL,
	    NULL, 0), NULL));
	/* Under 100 evaluations, it may still come back. */
	ck_assert(!aborts(*CHECKS("checks > 99.9%", THR_GT, 99.9,
	    THR_SCOPE_ALL, NULL, 0), few_checks));
	ck_assert(!aborts(*CHECKS("checks > 99%", THR_GT, 99, THR_SCOPE_ALL,
	    NULL, 0), NULL));
	/* An outcome's count only grows. */
	ck_assert(aborts(*OUTCOME("fast.outcome:rate_limited < 50", THR_LT, 50,
	    "fast", 0, "rate_limited"), NULL));
	ck_assert(!aborts(*OUTCOME("fast.outcome:rate_limited > 100", THR_GT,
	    100, "fast", 0, "rate_limited"), NULL));
	/* A flow's error rate, once 100 iterations ended. */
	ck_assert(aborts(*SCOPED("session.error_rate < 1%", THR_ERROR_RATE,
	    THR_LT, 1, THR_SCOPE_FLOW, "session", 0, false), NULL));
	ck_assert(!aborts(*SCOPED("session.error_rate < 1%", THR_ERROR_RATE,
	    THR_LT, 1, THR_SCOPE_FLOW, "session", 0, false), few_iterations));
	/* A class's p95 over 980 responses; not over 10. */
	ck_assert(aborts(*SCOPED("class:ok.p95 < 20ms", THR_P95, THR_LT, 20,
	    THR_SCOPE_CLASS, "ok", CLS_OK, false), NULL));
	ck_assert(!aborts(*SCOPED("class:rate_limited.p95 < 1ms", THR_P95,
	    THR_LT, 1, THR_SCOPE_CLASS, "rate_limited", CLS_RATE_LIMITED,
	    false), NULL));
}
END_TEST

/* Grades read the same metrics. */
START_TEST(graded_checks)
{
	struct hand h = { "checks", THR_CHECKS, THR_LT, 0, THR_SCOPE_ALL,
	    NULL, 0, NULL, false, false };
	struct scenario *scn = scenario_hand(&h);
	struct snapshot *s;
	struct verdict v;

	/* A grade in place of the threshold: more is better. */
	scn->grades = xcalloc(1, sizeof *scn->grades);
	scn->ngrades = 1;
	scn->grades[0].t = scn->thresholds[0];
	scn->grades[0].t.expr = xstrdup("checks");
	scn->grades[0].t.scope_name = NULL;
	scn->grades[0].t.arg = NULL;
	scn->grades[0].higher_better = true;
	scn->grades[0].bound[0] = 99.9;
	scn->grades[0].bound[1] = 99;
	scn->grades[0].bound[2] = 95;
	scn->grades[0].fail_below = GRADE_ACCEPTABLE;
	s = snap_make(scn, true);
	verdict_eval(s, &v);
	ck_assert_uint_eq(v.ngrades, 1);
	ck_assert(v.grades[0].known);
	ck_assert(v.grades[0].level == GRADE_GOOD);
	ck_assert(v.grades[0].status == VERDICT_PASS);
	verdict_clear(&v);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

static Suite *
verdict_checks_suite(void)
{
	Suite *s = suite_create("verdict-checks");
	TCase *tc = tcase_create("verdict-checks");

	tcase_add_test(tc, checks_by_scope);
	tcase_add_test(tc, checks_unknown);
	tcase_add_test(tc, outcome_counts);
	tcase_add_test(tc, outcome_count_unknown);
	tcase_add_test(tc, outcome_needs_one);
	tcase_add_test(tc, group_metrics);
	tcase_add_test(tc, flow_metrics);
	tcase_add_test(tc, class_metrics);
	tcase_add_test(tc, live_abort);
	tcase_add_test(tc, graded_checks);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(verdict_checks_suite)
