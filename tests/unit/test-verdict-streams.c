/* Verdicts on streams: every stream metric and latency, over a stream
 * request, the run and a connections phase, judged on snapshots made
 * here; and when a failing one stops the run early. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "streams-fixture.h"
#include "verdict.h"

/* A threshold as the scenario's parser makes it. */
struct hand {
	const char *expr;
	enum thr_metric metric;
	enum thr_stream stream;
	enum thr_op op;
	double value;
	enum thr_scope scope;
	const char *scope_name;
	size_t scope_index;
	bool abort_on_fail;
};

static void
set_threshold(struct scenario *scn, const struct hand *h)
{
	struct threshold *t;

	scn->thresholds = xcalloc(1, sizeof *scn->thresholds);
	scn->nthresholds = 1;
	t = &scn->thresholds[0];
	t->expr = xstrdup(h->expr);
	t->metric = h->metric;
	t->stream = h->stream;
	t->op = h->op;
	t->value = h->value;
	t->scope = h->scope;
	t->scope_name = h->scope_name ? xstrdup(h->scope_name) : NULL;
	t->scope_index = h->scope_index;
	t->abort_on_fail = h->abort_on_fail;
}

/* What a test changes of the fixture before judging. */
typedef void (*tweak_fn)(struct scenario *, struct snapshot *);

static void
check_row(const struct hand *h, const struct verdict_row *r,
    enum verdict_status want, double actual, const char *why)
{
	ck_assert_msg(r->status == want, "'%s': status %s, want %s (%s)",
	    h->expr, verdict_status_name(r->status), verdict_status_name(want),
	    r->why);
	if (want == VERDICT_PASS || want == VERDICT_FAIL) {
		ck_assert_msg(r->known, "'%s' unknown: %s", h->expr, r->why);
		ck_assert_msg(fabs(r->actual - actual) < 1e-6, "'%s': actual "
		    "%.9g, want %.9g", h->expr, r->actual, actual);
	} else
		ck_assert_msg(!r->known && !r->passed, "'%s' known", h->expr);
	if (why != NULL)
		ck_assert_msg(strcmp(r->why, why) == 0, "'%s': why\n  '%s', "
		    "want\n  '%s'", h->expr, r->why, why);
}

static void
judge_with(const struct hand *h, tweak_fn tweak, enum verdict_status want,
    double actual, const char *why)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	struct verdict v;

	set_threshold(scn, h);
	if (tweak != NULL)
		tweak(scn, s);
	verdict_eval(s, &v);
	ck_assert_uint_eq(v.n, 1);
	check_row(h, &v.rows[0], want, actual, why);
	ck_assert(v.passed == (want == VERDICT_PASS ||
	    want == VERDICT_NOT_EVALUATED));
	verdict_clear(&v);
	snapshot_release(s);
	streams_scenario_free(scn);
}

static void
judge(const struct hand *h, enum verdict_status want, double actual,
    const char *why)
{
	judge_with(h, NULL, want, actual, why);
}

#define REQ(expr, m, op, v, name, k) \
	(&(struct hand){ expr, m, THR_STREAM_NONE, op, v, THR_SCOPE_REQUEST, \
	    name, k, false })
#define LAT(expr, m, st, op, v, scope, name, k) \
	(&(struct hand){ expr, m, st, op, v, scope, name, k, false })
#define RUN(expr, m, op, v) \
	(&(struct hand){ expr, m, THR_STREAM_NONE, op, v, THR_SCOPE_ALL, \
	    NULL, 0, false })
#define PHASE(expr, m, st, op, v, name, k) \
	(&(struct hand){ expr, m, st, op, v, THR_SCOPE_PHASE, name, k, false })

START_TEST(request_counts)
{
	/* Drops of every cause, a server's close included. */
	judge(REQ("prices.connect_errors == 25", THR_CONNECT_ERRORS, THR_EQ,
	    25, "prices", 0), VERDICT_PASS, 25, NULL);
	judge(REQ("prices.connect_errors == 0", THR_CONNECT_ERRORS, THR_EQ,
	    0, "prices", 0), VERDICT_FAIL, 25, NULL);
	judge(REQ("prices.connect_success > 99%", THR_CONNECT_SUCCESS, THR_GT,
	    99, "prices", 0), VERDICT_FAIL, 100.0 * 510 / 520, NULL);
	judge(REQ("ticks.connect_success == 100%", THR_CONNECT_SUCCESS, THR_EQ,
	    100, "ticks", 1), VERDICT_PASS, 100, NULL);
	judge(REQ("prices.messages_sent == 150000", THR_MESSAGES_SENT, THR_EQ,
	    150000, "prices", 0), VERDICT_PASS, 150000, NULL);
	judge(REQ("prices.messages_received < 149990",
	    THR_MESSAGES_RECEIVED, THR_LT, 149990, "prices", 0), VERDICT_FAIL,
	    149990, NULL);
	judge(REQ("prices.messages_pushed == 6", THR_MESSAGES_PUSHED, THR_EQ,
	    6, "prices", 0), VERDICT_PASS, 6, NULL);
	judge(REQ("prices.messages_unmatched <= 4", THR_MESSAGES_UNMATCHED,
	    THR_LE, 4, "prices", 0), VERDICT_PASS, 4, NULL);
	judge(REQ("prices.reconnects < 10", THR_RECONNECTS, THR_LT, 10,
	    "prices", 0), VERDICT_FAIL, 20, NULL);
	judge(REQ("ticks.events == 60000", THR_EVENTS, THR_EQ, 60000, "ticks",
	    1), VERDICT_PASS, 60000, NULL);
	/* Over the 60 s its phase held it, not the run's 130. */
	judge(REQ("ticks.events_rate >= 1000/s", THR_EVENTS_RATE, THR_GE,
	    1000, "ticks", 1), VERDICT_PASS, 1000, NULL);
	judge(REQ("prices.events == 0", THR_EVENTS, THR_EQ, 0, "prices", 0),
	    VERDICT_PASS, 0, NULL);
}
END_TEST

START_TEST(request_latencies)
{
	judge(LAT("prices.connect.p95 < 500ms", THR_P95, THR_STREAM_CONNECT,
	    THR_LT, 500, THR_SCOPE_REQUEST, "prices", 0), VERDICT_PASS, 8,
	    NULL);
	judge(LAT("prices.rtt.p99 < 3ms", THR_P99, THR_STREAM_RTT, THR_LT, 3,
	    THR_SCOPE_REQUEST, "prices", 0), VERDICT_FAIL, 4, NULL);
	judge(LAT("prices.ping.p50 < 1ms", THR_P50, THR_STREAM_PING, THR_LT,
	    1, THR_SCOPE_REQUEST, "prices", 0), VERDICT_PASS, 0.4, NULL);
	judge(LAT("prices.session.max >= 60s", THR_MAX, THR_STREAM_SESSION,
	    THR_GE, 60000, THR_SCOPE_REQUEST, "prices", 0), VERDICT_PASS,
	    120000, NULL);
	judge(LAT("ticks.first_event.p95 < 100ms", THR_P95,
	    THR_STREAM_FIRST_EVENT, THR_LT, 100, THR_SCOPE_REQUEST, "ticks", 1),
	    VERDICT_PASS, 9, NULL);
	judge(LAT("ticks.gap.mean < 1ms", THR_MEAN, THR_STREAM_GAP, THR_LT, 1,
	    THR_SCOPE_REQUEST, "ticks", 1), VERDICT_FAIL, 1, NULL);
	judge(LAT("ticks.gap.min > 0.4ms", THR_MIN, THR_STREAM_GAP, THR_GT,
	    0.4, THR_SCOPE_REQUEST, "ticks", 1), VERDICT_PASS, 0.5, NULL);
	/* A latency the stream never measured. */
	judge(LAT("prices.first_event.p95 < 100ms", THR_P95,
	    THR_STREAM_FIRST_EVENT, THR_LT, 100, THR_SCOPE_REQUEST, "prices",
	    0), VERDICT_UNKNOWN, 0,
	    "no first_event measured for stream 'prices' yet");
}
END_TEST

START_TEST(run_sums)
{
	judge(RUN("connect_errors == 25", THR_CONNECT_ERRORS, THR_EQ, 25),
	    VERDICT_PASS, 25, NULL);
	judge(RUN("connect_success >= 98%", THR_CONNECT_SUCCESS, THR_GE, 98),
	    VERDICT_PASS, 100.0 * 610 / 620, NULL);
	judge(RUN("messages_sent > 0", THR_MESSAGES_SENT, THR_GT, 0),
	    VERDICT_PASS, 150000, NULL);
	judge(RUN("events > 0", THR_EVENTS, THR_GT, 0), VERDICT_PASS, 60000,
	    NULL);
	judge(RUN("reconnects == 0", THR_RECONNECTS, THR_EQ, 0), VERDICT_FAIL,
	    20, NULL);
	/* Over the 120 s both connections phases ran. */
	judge(RUN("events_rate > 600/s", THR_EVENTS_RATE, THR_GT, 600),
	    VERDICT_FAIL, 500, NULL);
	/* Latencies are a stream's: with two, the run has none. */
	judge(LAT("connect.p95 < 500ms", THR_P95, THR_STREAM_CONNECT, THR_LT,
	    500, THR_SCOPE_ALL, NULL, 0), VERDICT_UNKNOWN, 0, "connect "
	    "latencies are kept per stream request and the run has 2: name "
	    "one, as prices.connect.p95");
}
END_TEST

static void
only_prices(struct scenario *scn, struct snapshot *s)
{
	(void)scn;
	s->nstreams = 1;
	free(s->streams[1].handshake_status);
	free(s->streams[1].close_codes);
	s->streams[1].handshake_status = s->streams[1].close_codes = NULL;
}

START_TEST(run_of_one_stream)
{
	judge_with(LAT("rtt.p95 < 2ms", THR_P95, THR_STREAM_RTT, THR_LT, 2,
	    THR_SCOPE_ALL, NULL, 0), only_prices, VERDICT_PASS, 1.5, NULL);
	/* No event in the 120 s its connections phases ran. */
	judge_with(RUN("events_rate == 0", THR_EVENTS_RATE, THR_EQ, 0),
	    only_prices, VERDICT_PASS, 0, NULL);
}
END_TEST

START_TEST(phase_scope)
{
	judge(PHASE("phase:ws.connect_errors == 25", THR_CONNECT_ERRORS,
	    THR_STREAM_NONE, THR_EQ, 25, "ws", 0), VERDICT_PASS, 25, NULL);
	judge(PHASE("phase:ws.connect.p99 < 50ms", THR_P99, THR_STREAM_CONNECT,
	    THR_LT, 50, "ws", 0), VERDICT_PASS, 20, NULL);
	judge(PHASE("phase:sse.events_rate > 900/s", THR_EVENTS_RATE,
	    THR_STREAM_NONE, THR_GT, 900, "sse", 1), VERDICT_PASS, 1000, NULL);
	judge(PHASE("phase:sse.first_event.p95 < 10ms", THR_P95,
	    THR_STREAM_FIRST_EVENT, THR_LT, 10, "sse", 1), VERDICT_PASS, 9,
	    NULL);
	judge(PHASE("phase:steady.connect_errors == 0", THR_CONNECT_ERRORS,
	    THR_STREAM_NONE, THR_EQ, 0, "steady", 2), VERDICT_UNKNOWN, 0,
	    "phase 'steady' holds no streams");
}
END_TEST

/* Phase sse holds prices' streams too: neither phase has its own. */
static void
shared(struct scenario *scn, struct snapshot *s)
{
	struct scn_phase *p = &scn->phases[1];

	(void)s;
	p->use = xreallocarray(p->use, 2, sizeof *p->use);
	p->use[1] = 0;
	p->nuse = 2;
}

START_TEST(phase_scope_shared)
{
	judge_with(PHASE("phase:ws.messages_sent > 0", THR_MESSAGES_SENT,
	    THR_STREAM_NONE, THR_GT, 0, "ws", 0), shared, VERDICT_UNKNOWN, 0,
	    "streams are counted per request: 'prices' is held by phases "
	    "'ws' and 'sse'; judge prices.METRIC");
	/* A request's figures are the same whoever held it. */
	judge_with(REQ("prices.messages_sent > 0", THR_MESSAGES_SENT, THR_GT,
	    0, "prices", 0), shared, VERDICT_PASS, 150000, NULL);
	/* ... and the time it was held is both phases'. */
	judge_with(REQ("prices.events_rate == 0", THR_EVENTS_RATE, THR_EQ, 0,
	    "prices", 0), shared, VERDICT_PASS, 0, NULL);
}
END_TEST

START_TEST(scopes_without_streams)
{
	judge(REQ("api.connect_errors == 0", THR_CONNECT_ERRORS, THR_EQ, 0,
	    "api", 2), VERDICT_UNKNOWN, 0,
	    "request 'api' is not a stream (websocket: or sse:)");
	judge(LAT("api.connect.p95 < 1s", THR_P95, THR_STREAM_CONNECT, THR_LT,
	    1000, THR_SCOPE_REQUEST, "api", 2), VERDICT_UNKNOWN, 0,
	    "request 'api' is not a stream (websocket: or sse:)");
	judge(&(struct hand){ "class:ok.connect_errors == 0",
	    THR_CONNECT_ERRORS, THR_STREAM_NONE, THR_EQ, 0, THR_SCOPE_CLASS,
	    "ok", CLS_OK, false }, VERDICT_UNKNOWN, 0, "streams are judged "
	    "for a stream request, a connections phase or the run, not for "
	    "class ok");
}
END_TEST

static void
no_streams(struct scenario *scn, struct snapshot *s)
{
	only_prices(scn, s);
	free(s->streams[0].handshake_status);
	free(s->streams[0].close_codes);
	s->streams[0].handshake_status = s->streams[0].close_codes = NULL;
	s->nstreams = 0;
}

START_TEST(run_without_streams)
{
	judge_with(RUN("connect_errors == 0", THR_CONNECT_ERRORS, THR_EQ, 0),
	    no_streams, VERDICT_UNKNOWN, 0, "the run has no streams");
}
END_TEST

/* A request's own figures, asked of a stream request. */
START_TEST(stream_request_figures)
{
	judge(REQ("prices.p95 < 50ms", THR_P95, THR_LT, 50, "prices", 0),
	    VERDICT_UNKNOWN, 0, "request 'prices' sends no requests, it "
	    "holds streams: judge them, as prices.connect_errors or "
	    "prices.connect.p95");
	judge(REQ("prices.errors == 0", THR_ERRORS, THR_EQ, 0, "prices", 0),
	    VERDICT_UNKNOWN, 0, NULL);
	/* The plain request's are as ever. */
	judge(REQ("api.requests == 100", THR_REQUESTS, THR_EQ, 100, "api", 2),
	    VERDICT_PASS, 100, NULL);
}
END_TEST

static void
never_connected(struct scenario *scn, struct snapshot *s)
{
	struct snap_stream *st = &s->streams[1];

	(void)scn;
	st->attempts = st->opened = st->closed = st->events = 0;
	memset(&st->first_event, 0, sizeof st->first_event);
	s->phases[1].state = PHASE_SKIPPED;
	s->phases[1].started = -1;
}

static void
still_connecting(struct scenario *scn, struct snapshot *s)
{
	struct snap_stream *st = &s->streams[1];

	never_connected(scn, s);
	st->attempts = st->connecting = 100;
	s->state = ENGINE_RUNNING;
	s->phases[1].state = PHASE_RUNNING;
	s->phases[1].started = 60;
	s->phases[2].state = PHASE_PENDING;
	s->elapsed = 70;
}

START_TEST(streams_that_never_ran)
{
	/* No phase made an attempt: its thresholds are not evaluated. */
	judge_with(REQ("ticks.events > 0", THR_EVENTS, THR_GT, 0, "ticks", 1),
	    never_connected, VERDICT_NOT_EVALUATED, 0,
	    "request 'ticks' never ran");
	judge_with(PHASE("phase:sse.events > 0", THR_EVENTS, THR_STREAM_NONE,
	    THR_GT, 0, "sse", 1), never_connected, VERDICT_NOT_EVALUATED, 0,
	    "phase 'sse' never ran");
	/* Streams attempted and no request sent: it ran. */
	judge(REQ("prices.connect_errors < 100", THR_CONNECT_ERRORS, THR_LT,
	    100, "prices", 0), VERDICT_PASS, 25, NULL);
	/* Every attempt still connecting: no share to judge yet. */
	judge_with(REQ("ticks.connect_success > 99%", THR_CONNECT_SUCCESS,
	    THR_GT, 99, "ticks", 1), still_connecting, VERDICT_UNKNOWN, 0,
	    "no connection attempt of request 'ticks' has ended yet");
	judge_with(REQ("ticks.events_rate > 0", THR_EVENTS_RATE, THR_GT, 0,
	    "ticks", 1), still_connecting, VERDICT_FAIL, 0, NULL);
}
END_TEST

/* The phases ran no time yet: no rate. */
static void
not_held(struct scenario *scn, struct snapshot *s)
{
	still_connecting(scn, s);
	s->elapsed = s->phases[1].started;
}

START_TEST(rate_before_any_time)
{
	judge_with(REQ("ticks.events_rate > 0", THR_EVENTS_RATE, THR_GT, 0,
	    "ticks", 1), not_held, VERDICT_UNKNOWN, 0,
	    "request 'ticks' has not held streams yet");
}
END_TEST

/* Mid-run, in phase ws: what an abort_on_fail threshold may stop. */
static void
mid_run(struct scenario *scn, struct snapshot *s)
{
	(void)scn;
	s->state = ENGINE_RUNNING;
	s->end_reason = END_NONE;
	s->phase = 0;
	s->elapsed = 30;
	s->phases[0].state = PHASE_RUNNING;
	s->phases[1].state = s->phases[2].state = PHASE_PENDING;
	s->phases[1].started = s->phases[2].started = -1;
}

static void
mid_run_few(struct scenario *scn, struct snapshot *s)
{
	mid_run(scn, s);
	s->streams[0].attempts = 60;
	s->streams[0].opened = 40;
	s->streams[0].connect.count = 40;
}

static bool
aborts(const struct hand *h, tweak_fn tweak)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	struct verdict v;
	bool stop;

	set_threshold(scn, h);
	scn->thresholds[0].abort_on_fail = true;
	tweak(scn, s);
	verdict_eval(s, &v);
	stop = verdict_should_abort(s, &v);
	verdict_clear(&v);
	snapshot_release(s);
	streams_scenario_free(scn);
	return stop;
}

START_TEST(live_abort)
{
	/* Counts only grow: over an upper bound is for good. */
	ck_assert(aborts(REQ("prices.connect_errors < 10", THR_CONNECT_ERRORS,
	    THR_LT, 10, "prices", 0), mid_run));
	ck_assert(aborts(REQ("prices.messages_unmatched == 0",
	    THR_MESSAGES_UNMATCHED, THR_EQ, 0, "prices", 0), mid_run));
	ck_assert(!aborts(REQ("prices.messages_sent > 200000",
	    THR_MESSAGES_SENT, THR_GT, 200000, "prices", 0), mid_run));
	/* A share, either way, once enough attempts ended. */
	ck_assert(aborts(REQ("prices.connect_success > 99%",
	    THR_CONNECT_SUCCESS, THR_GT, 99, "prices", 0), mid_run));
	ck_assert(!aborts(REQ("prices.connect_success > 99%",
	    THR_CONNECT_SUCCESS, THR_GT, 99, "prices", 0), mid_run_few));
	/* A percentile over its bound, once enough were measured. */
	ck_assert(aborts(LAT("prices.connect.p95 < 5ms", THR_P95,
	    THR_STREAM_CONNECT, THR_LT, 5, THR_SCOPE_REQUEST, "prices", 0),
	    mid_run));
	ck_assert(!aborts(LAT("prices.connect.p95 < 5ms", THR_P95,
	    THR_STREAM_CONNECT, THR_LT, 5, THR_SCOPE_REQUEST, "prices", 0),
	    mid_run_few));
	/* A rate waits for its scope's end. */
	ck_assert(!aborts(REQ("ticks.events_rate > 2000/s", THR_EVENTS_RATE,
	    THR_GT, 2000, "ticks", 1), mid_run));
}
END_TEST

/* A grade on a stream's latency, and one on its connect success. */
static void
add_grade(struct scenario *scn, const struct hand *h, double excellent,
    double good, double acceptable, bool higher_better)
{
	struct scn_grade *g;

	scn->grades = xreallocarray(scn->grades, scn->ngrades + 1,
	    sizeof *scn->grades);
	g = &scn->grades[scn->ngrades++];
	memset(g, 0, sizeof *g);
	g->t.expr = xstrdup(h->expr);
	g->t.metric = h->metric;
	g->t.stream = h->stream;
	g->t.scope = h->scope;
	g->t.scope_name = h->scope_name ? xstrdup(h->scope_name) : NULL;
	g->t.scope_index = h->scope_index;
	g->bound[GRADE_EXCELLENT] = excellent;
	g->bound[GRADE_GOOD] = good;
	g->bound[GRADE_ACCEPTABLE] = acceptable;
	g->higher_better = higher_better;
	g->fail_below = GRADE_ACCEPTABLE;
}

START_TEST(grades)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	struct verdict v;

	/* Seed 003's ws_connect: < 500 excellent, < 1000 good. */
	add_grade(scn, LAT("prices.connect.p95", THR_P95, THR_STREAM_CONNECT,
	    THR_LT, 0, THR_SCOPE_REQUEST, "prices", 0), 5, 1000, 2000, false);
	add_grade(scn, REQ("prices.connect_success", THR_CONNECT_SUCCESS,
	    THR_GT, 0, "prices", 0), 99.9, 99.5, 98, true);
	add_grade(scn, LAT("connect.p95", THR_P95, THR_STREAM_CONNECT, THR_LT,
	    0, THR_SCOPE_ALL, NULL, 0), 500, 1000, 2000, false);
	verdict_eval(s, &v);
	ck_assert_uint_eq(v.ngrades, 3);
	ck_assert_int_eq(v.grades[0].level, GRADE_GOOD);
	ck_assert_double_eq_tol(v.grades[0].actual, 8, 1e-9);
	ck_assert_int_eq(v.grades[0].status, VERDICT_PASS);
	ck_assert_int_eq(v.grades[1].level, GRADE_ACCEPTABLE);
	ck_assert_int_eq(v.grades[1].status, VERDICT_PASS);
	/* Two streams: no run latency to grade, and that fails. */
	ck_assert_int_eq(v.grades[2].status, VERDICT_UNKNOWN);
	ck_assert_str_eq(v.grades[2].why, "connect latencies are kept per "
	    "stream request and the run has 2: name one, as "
	    "prices.connect.p95");
	ck_assert(!v.passed);
	verdict_clear(&v);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

static Suite *
verdict_streams_suite(void)
{
	Suite *s = suite_create("verdict-streams");
	TCase *tc = tcase_create("verdict-streams");

	tcase_add_test(tc, request_counts);
	tcase_add_test(tc, request_latencies);
	tcase_add_test(tc, run_sums);
	tcase_add_test(tc, run_of_one_stream);
	tcase_add_test(tc, phase_scope);
	tcase_add_test(tc, phase_scope_shared);
	tcase_add_test(tc, scopes_without_streams);
	tcase_add_test(tc, run_without_streams);
	tcase_add_test(tc, stream_request_figures);
	tcase_add_test(tc, streams_that_never_ran);
	tcase_add_test(tc, rate_before_any_time);
	tcase_add_test(tc, live_abort);
	tcase_add_test(tc, grades);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(verdict_streams_suite)
