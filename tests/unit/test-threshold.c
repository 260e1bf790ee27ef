#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "kinds.h"
#include "threshold.h"
#include "util.h"

static struct threshold
parse_ok(const char *expr)
{
	struct threshold t;
	size_t off = 999;
	char *cause = NULL;

	ck_assert_msg(threshold_parse(expr, &t, &off, &cause) == 0,
	    "'%s' refused at %zu: %s", expr, off, cause ? cause : "?");
	ck_assert_ptr_null(cause);
	ck_assert_str_eq(t.expr, expr);
	ck_assert_int_eq(t.line, 0);
	ck_assert_int_eq(t.col, 0);
	ck_assert(!t.abort_on_fail);
	ck_assert_uint_eq(t.scope_index, 0);
	return t;
}

/* Parse expr and compare all of metric, op, value and scope. */
static void
expect(const char *expr, enum thr_metric m, enum thr_op op, double value,
    enum thr_scope scope, const char *name)
{
	struct threshold t = parse_ok(expr);

	ck_assert_msg(t.metric == m, "'%s': metric %s, not %s", expr,
	    threshold_metric_name(t.metric), threshold_metric_name(m));
	ck_assert_msg(t.op == op, "'%s': op %s", expr, threshold_op_name(t.op));
	ck_assert_msg(fabs(t.value - value) <= 1e-9 * fabs(value),
	    "'%s': value %.17g, not %.17g", expr, t.value, value);
	ck_assert_msg(t.scope == scope, "'%s': scope %d", expr, (int)t.scope);
	if (name == NULL)
		ck_assert_ptr_null(t.scope_name);
	else
		ck_assert_str_eq(t.scope_name, name);
	threshold_clear(&t);
	ck_assert_ptr_null(t.expr);
}

#define ALL THR_SCOPE_ALL, NULL

static void
expect_err(const char *expr, size_t want_off, const char *needle)
{
	struct threshold t;
	size_t off = 999;
	char *cause = NULL;

	ck_assert_msg(threshold_parse(expr, &t, &off, &cause) == -1,
	    "'%s' was accepted", expr);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(off == want_off, "'%s': offset %zu, not %zu (%s)", expr,
	    off, want_off, cause);
	ck_assert_msg(strstr(cause, needle) != NULL,
	    "'%s': message '%s' lacks '%s'", expr, cause, needle);
	ck_assert_ptr_null(t.expr);
	ck_assert_ptr_null(t.scope_name);
	free(cause);
}

START_TEST(latency_metrics)
{
	expect("p50 < 10ms", THR_P50, THR_LT, 10, ALL);
	expect("median < 10ms", THR_P50, THR_LT, 10, ALL);
	expect("p75 < 20ms", THR_P75, THR_LT, 20, ALL);
	expect("p90 < 30ms", THR_P90, THR_LT, 30, ALL);
	expect("p95 < 50ms", THR_P95, THR_LT, 50, ALL);
	expect("p99 < 1.5s", THR_P99, THR_LT, 1500, ALL);
	expect("p999 < 2s", THR_P999, THR_LT, 2000, ALL);
	expect("p99.9 < 2s", THR_P999, THR_LT, 2000, ALL);
	expect("min > 500us", THR_MIN, THR_GT, 0.5, ALL);
	expect("mean < 7", THR_MEAN, THR_LT, 7, ALL);
	expect("avg < 7.25", THR_MEAN, THR_LT, 7.25, ALL);
	expect("max <= 1m", THR_MAX, THR_LE, 60000, ALL);
	expect("P95 < 50ms", THR_P95, THR_LT, 50, ALL);
	expect("p95 < 0", THR_P95, THR_LT, 0, ALL);
}
END_TEST

START_TEST(other_metrics)
{
	expect("rps > 80", THR_RPS, THR_GT, 80, ALL);
	expect("rps > 80/s", THR_RPS, THR_GT, 80, ALL);
	expect("rps >= 4800/m", THR_RPS, THR_GE, 80, ALL);
	expect("rps > 0", THR_RPS, THR_GT, 0, ALL);
	expect("rps > 0.0/s", THR_RPS, THR_GT, 0, ALL);
	expect("requests >= 1000", THR_REQUESTS, THR_GE, 1000, ALL);
	expect("errors == 0", THR_ERRORS, THR_EQ, 0, ALL);
	expect("rate_limited <= 5", THR_RATE_LIMITED, THR_LE, 5, ALL);
	expect("late_starts < 10", THR_LATE_STARTS, THR_LT, 10, ALL);
	expect("error_rate < 1%", THR_ERROR_RATE, THR_LT, 1, ALL);
	expect("error_rate < 0.5%", THR_ERROR_RATE, THR_LT, 0.5, ALL);
	expect("rate_limited_rate < 10%", THR_RATE_LIMITED_RATE, THR_LT, 10,
	    ALL);
	expect("mem_growth < 50MB", THR_MEM_GROWTH, THR_LT, 52428800, ALL);
	expect("rss_max < 1.5GB", THR_RSS_MAX, THR_LT, 1610612736, ALL);
	expect("rss_max < 4096", THR_RSS_MAX, THR_LT, 4096, ALL);
	expect("cpu_max < 80%", THR_CPU_MAX, THR_LT, 80, ALL);
	expect("cpu_avg < 80", THR_CPU_AVG, THR_LT, 80, ALL);
	expect("cpu_max < 250%", THR_CPU_MAX, THR_LT, 250, ALL);
	expect("leak_slope < 1KB/req", THR_LEAK_SLOPE_REQ, THR_LT, 1024, ALL);
	expect("leak_slope < 1KB/request", THR_LEAK_SLOPE_REQ, THR_LT, 1024,
	    ALL);
	expect("leak_slope < 100KB/min", THR_LEAK_SLOPE_MIN, THR_LT, 102400,
	    ALL);
	expect("leak_slope < 100KB / m", THR_LEAK_SLOPE_MIN, THR_LT, 102400,
	    ALL);
}
END_TEST

/* A rate under 1 is not 0, whatever zeros it starts with. */
START_TEST(fractional_rates)
{
	static const struct {
		const char *expr;
		double value;
	} cases[] = {
		{ "rps > 0.5", 0.5 }, { "rps > 00.50/s", 0.5 }, { "rps > 0", 0 },
		{ "rps > 0.0", 0 }, { "rps > 0/s", 0 }, { "rps_peak >= 0.25", 0.25 },
	};
	struct threshold t;
	size_t off, i;
	char *cause = NULL;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_msg(threshold_parse(cases[i].expr, &t, &off,
		    &cause) == 0, "%s: %s", cases[i].expr, cause);
		ck_assert_msg(t.value == cases[i].value, "%s: %g",
		    cases[i].expr, t.value);
		threshold_clear(&t);
	}
}
END_TEST

/* Scopes: requests, phases, stages and scraped metrics. */
START_TEST(new_scopes)
{
	struct threshold t;
	size_t off;
	char *cause = NULL;

	ck_assert_int_eq(threshold_parse("stage:warm.p95 < 1s", &t, &off,
	    &cause), 0);
	ck_assert_int_eq(t.scope, THR_SCOPE_STAGE);
	ck_assert_str_eq(t.scope_name, "warm");
	threshold_clear(&t);
	ck_assert_int_eq(threshold_parse("metric:up{job=\"a.b\"}.max < 2",
	    &t, &off, &cause), 0);
	ck_assert_int_eq(t.scope, THR_SCOPE_METRIC);
	ck_assert_int_eq(t.metric, THR_M_MAX);
	ck_assert_str_eq(t.scope_name, "up{job=\"a.b\"}");
	threshold_clear(&t);
	ck_assert_int_eq(threshold_parse("metric:up.p95 < 2", &t, &off,
	    &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "one of first, last, delta"));
	free(cause);
	ck_assert_int_eq(threshold_parse("stage:.p95 < 1s", &t, &off,
	    &cause), -1);
	ck_assert_str_eq(cause, "missing stage name after 'stage:'");
	free(cause);
}
END_TEST

START_TEST(operators)
{
	expect("p95<50ms", THR_P95, THR_LT, 50, ALL);
	expect("p95<=50ms", THR_P95, THR_LE, 50, ALL);
	expect("p95>50ms", THR_P95, THR_GT, 50, ALL);
	expect("p95>=50ms", THR_P95, THR_GE, 50, ALL);
	expect("p95==50ms", THR_P95, THR_EQ, 50, ALL);
	expect("p95!=50ms", THR_P95, THR_NE, 50, ALL);
	expect("  p95   !=   50ms  ", THR_P95, THR_NE, 50, ALL);
	expect("p95\t<\t50ms", THR_P95, THR_LT, 50, ALL);
	ck_assert_str_eq(threshold_op_name(THR_LT), "<");
	ck_assert_str_eq(threshold_op_name(THR_LE), "<=");
	ck_assert_str_eq(threshold_op_name(THR_GT), ">");
	ck_assert_str_eq(threshold_op_name(THR_GE), ">=");
	ck_assert_str_eq(threshold_op_name(THR_EQ), "==");
	ck_assert_str_eq(threshold_op_name(THR_NE), "!=");
}
END_TEST

START_TEST(scopes)
{
	expect("buy-signal.p95 < 20ms", THR_P95, THR_LT, 20, THR_SCOPE_REQUEST,
	    "buy-signal");
	expect("request:buy-signal.p95 < 20ms", THR_P95, THR_LT, 20,
	    THR_SCOPE_REQUEST, "buy-signal");
	expect("phase:burst.p99 < 200ms", THR_P99, THR_LT, 200,
	    THR_SCOPE_PHASE, "burst");
	expect("api.p99.9 < 5ms", THR_P999, THR_LT, 5, THR_SCOPE_REQUEST,
	    "api");
	expect("phase:warm up.p99.9 < 5ms", THR_P999, THR_LT, 5,
	    THR_SCOPE_PHASE, "warm up");
	expect("v1.users.p95 < 20ms", THR_P95, THR_LT, 20, THR_SCOPE_REQUEST,
	    "v1.users");
	expect("GET /api/v1.errors == 0", THR_ERRORS, THR_EQ, 0,
	    THR_SCOPE_REQUEST, "GET /api/v1");
	expect("list items . p95 < 20ms", THR_P95, THR_LT, 20,
	    THR_SCOPE_REQUEST, "list items");
	expect("phase: burst .rps > 10", THR_RPS, THR_GT, 10,
	    THR_SCOPE_PHASE, "burst");
	expect("a.b.c.error_rate < 2%", THR_ERROR_RATE, THR_LT, 2,
	    THR_SCOPE_REQUEST, "a.b.c");
	/* Only a scope's leading word is a kind. */
	expect("phases.p95 < 1s", THR_P95, THR_LT, 1000, THR_SCOPE_REQUEST,
	    "phases");
}
END_TEST

START_TEST(errors_with_offsets)
{
	/*             0123456789012345678901234 */
	expect_err("", 0, "empty");
	expect_err("   ", 3, "empty");
	expect_err("p95 50ms", 8, "missing comparison after 'p95 50ms'");
	expect_err("p96 < 50ms", 0, "unknown metric 'p96'; did you mean");
	expect_err("api.latency < 5ms", 4, "unknown metric 'latency'");
	expect_err("errros == 0", 0, "did you mean 'errors'?");
	expect_err("api.xp99.9 < 1ms", 4, "did you mean 'p99.9'?");
	expect_err("  banana < 5", 2, "expected p50, p75");
	expect_err("< 5ms", 0, "missing metric before '<'");
	expect_err("p95 = 5ms", 4, "unknown operator '='");
	expect_err("p95 =< 5ms", 4, "unknown operator '=<'");
	expect_err("p95 <> 5ms", 4, "unknown operator '<>'");
	expect_err("p95 === 5ms", 4, "unknown operator '==='");
	expect_err("p95 ! 5ms", 4, "unknown operator '!'");
	expect_err("p95 <", 5, "missing value after '<'");
	expect_err("p95 <=   ", 6, "missing value after '<='");
	expect_err("p95 < 5ms < 9ms", 10, "one comparison");
	expect_err("p95 < 5x", 6, "unknown unit 'x'");
	expect_err("p95 < -5ms", 6, "negative");
	expect_err("rps > 80/x", 6, "unknown period");
	expect_err("rps > fast", 6, "not valid");
	expect_err("errors < 1.5", 9, "is a count");
	expect_err("errors < -1", 9, "is a count");
	expect_err("error_rate < 1", 13, "needs a % sign, such as 1%");
	expect_err("error_rate < 0.5", 13, "such as 0.5%");
	expect_err("error_rate < 150%", 13, "more than 100%");
	expect_err("mem_growth < 50XB", 13, "unknown unit 'XB'");
	expect_err("cpu_max < lots", 10, "not valid");
	expect_err("leak_slope < 1KB", 13, "such as 1KB/req");
	expect_err("leak_slope < 1KB/hour", 17, "not per 'hour'");
	expect_err("leak_slope < 1KB/", 17, "'req' or 'min' after '/'");
	expect_err("leak_slope < 1XB/req", 13, "unknown unit");
	expect_err(".p95 < 5ms", 0, "missing request or phase name");
	expect_err("phase:.p95 < 5ms", 6, "missing phase name");
	expect_err("request: .p95 < 5ms", 8, "missing request name");
	expect_err("api. < 5ms", 4, "missing metric after '.'");
}
END_TEST

START_TEST(check_ops)
{
	struct threshold t = parse_ok("p95 < 50ms");

	ck_assert(threshold_check(&t, 49.9));
	ck_assert(!threshold_check(&t, 50));
	ck_assert(!threshold_check(&t, NAN));
	t.op = THR_LE;
	ck_assert(threshold_check(&t, 50));
	ck_assert(!threshold_check(&t, 50.1));
	t.op = THR_GT;
	ck_assert(threshold_check(&t, 50.1));
	ck_assert(!threshold_check(&t, 50));
	t.op = THR_GE;
	ck_assert(threshold_check(&t, 50));
	ck_assert(!threshold_check(&t, 49));
	t.op = THR_EQ;
	ck_assert(threshold_check(&t, 50));
	ck_assert(!threshold_check(&t, 51));
	t.op = THR_NE;
	ck_assert(threshold_check(&t, 51));
	ck_assert(!threshold_check(&t, 50));
	threshold_clear(&t);
}
END_TEST

START_TEST(names_and_units)
{
	static const char *const units[THR__COUNT] = {
		"ms", "ms", "ms", "ms", "ms", "ms", "ms", "ms", "ms", "req/s",
		"", "", "%", "", "%", "", "B", "B", "%", "%", "B/req", "B/min",
		"", "", "req/s", "", "", "", "/s", "", "", "%", "",
		"", "%", "", "", "", "", "", "/s", "",
	};
	struct threshold t;
	size_t off, i;
	char *cause, expr[64];

	/* Every metric's name parses back to that metric. */
	for (i = 0; i < THR__COUNT; i++) {
		ck_assert_str_eq(threshold_metric_unit((enum thr_metric)i), units[i]);
		if (i == THR_LEAK_SLOPE_REQ || i == THR_LEAK_SLOPE_MIN)
			continue;
		/* A scraped figure names its series, an outcome its request
		 * and value. */
		snprintf(expr, sizeof expr, "%s%s%s >= 1%s",
		    threshold_is_series_metric((enum thr_metric)i) ?
		    "metric:up." : i == THR_OUTCOME ? "r." : "",
		    threshold_metric_name((enum thr_metric)i),
		    i == THR_OUTCOME ? ":ok" : "",
		    units[i][0] == '%' ? "%" : "");
		cause = NULL;
		ck_assert_msg(threshold_parse(expr, &t, &off, &cause) == 0,
		    "%s: %s", expr, cause);
		ck_assert_uint_eq(t.metric, i);
		threshold_clear(&t);
	}
	ck_assert_str_eq(threshold_metric_name(THR_LEAK_SLOPE_MIN), "leak_slope");
	ck_assert_str_eq(threshold_metric_name(THR__COUNT), "?");
}
END_TEST

START_TEST(format_values)
{
	char buf[64];

	ck_assert_str_eq(threshold_format_value(THR_P95, 50, buf, sizeof buf),
	    "50ms");
	ck_assert_str_eq(threshold_format_value(THR_P99, 1500, buf, sizeof buf),
	    "1.5s");
	ck_assert_str_eq(threshold_format_value(THR_MIN, 0.5, buf, sizeof buf),
	    "500us");
	ck_assert_str_eq(threshold_format_value(THR_MEAN, 12.345, buf, sizeof buf),
	    "12.35ms");
	ck_assert_str_eq(threshold_format_value(THR_ERROR_RATE, 1, buf, sizeof buf),
	    "1%");
	ck_assert_str_eq(threshold_format_value(THR_ERROR_RATE, 0.5, buf,
	    sizeof buf), "0.5%");
	ck_assert_str_eq(threshold_format_value(THR_MEM_GROWTH, 52428800, buf,
	    sizeof buf), "50MB");
	ck_assert_str_eq(threshold_format_value(THR_MEM_GROWTH, -1536, buf,
	    sizeof buf), "-1.5KB");
	ck_assert_str_eq(threshold_format_value(THR_RPS, 80, buf, sizeof buf),
	    "80 req/s");
	ck_assert_str_eq(threshold_format_value(THR_RPS, 79.456, buf, sizeof buf),
	    "79.46 req/s");
	ck_assert_str_eq(threshold_format_value(THR_ERRORS, 3, buf, sizeof buf),
	    "3");
	ck_assert_str_eq(threshold_format_value(THR_CPU_AVG, 80, buf, sizeof buf),
	    "80%");
	ck_assert_str_eq(threshold_format_value(THR_LEAK_SLOPE_REQ, 1024, buf,
	    sizeof buf), "1KB/req");
	ck_assert_str_eq(threshold_format_value(THR_LEAK_SLOPE_MIN, 102400, buf,
	    sizeof buf), "100KB/min");
}
END_TEST

/* A scraped metric may be NaN: it prints as one, whatever the unit, and
 * is never turned into an integer (undefined; UBSan stops there). */
START_TEST(format_nan)
{
	char buf[64];

	ck_assert_str_eq(threshold_format_value(THR_M_LAST, NAN, buf,
	    sizeof buf), "nan");
	ck_assert_str_eq(threshold_format_value(THR_RSS_MAX, NAN, buf,
	    sizeof buf), "nan");
	ck_assert_str_eq(threshold_format_value(THR_LEAK_SLOPE_REQ, NAN, buf,
	    sizeof buf), "nan/req");
	ck_assert_str_eq(threshold_format_value(THR_P95, NAN, buf, sizeof buf),
	    "nanms");
	ck_assert_str_eq(threshold_format_value(THR_M_LAST, 12, buf,
	    sizeof buf), "12");
}
END_TEST

START_TEST(format_parses_back)
{
	static const char *const exprs[] = {
		"p95 < 50ms", "max < 1.5s", "min > 500us", "rps > 80",
		"rps > 4800/m", "errors == 3", "error_rate < 0.5%",
		"mem_growth < 50MB", "rss_max < 1.5GB", "cpu_max < 80",
		"leak_slope < 1KB/req", "leak_slope < 100KB/min",
	};
	struct threshold a, b;
	char buf[64], again[128], *cause = NULL, *p;
	size_t i, off;

	for (i = 0; i < LT_NELEM(exprs); i++) {
		ck_assert_int_eq(threshold_parse(exprs[i], &a, &off, &cause), 0);
		threshold_format_value(a.metric, a.value, buf, sizeof buf);
		/* "80 req/s" is for people; the grammar writes 80/s. */
		if ((p = strstr(buf, " req/s")) != NULL)
			strcpy(p, "/s");
		snprintf(again, sizeof again, "%s %s %s",
		    threshold_metric_name(a.metric), threshold_op_name(a.op), buf);
		ck_assert_msg(threshold_parse(again, &b, &off, &cause) == 0,
		    "%s: %s", again, cause);
		ck_assert_uint_eq(a.metric, b.metric);
		ck_assert_uint_eq(a.op, b.op);
		ck_assert_msg(a.value == b.value, "%s", again);
		threshold_clear(&a);
		threshold_clear(&b);
	}
}
END_TEST

/* checks: a percentage over the run, a request, a group or a phase. */
START_TEST(checks_metric)
{
	expect("checks > 99%", THR_CHECKS, THR_GT, 99, ALL);
	expect("signal.checks > 99%", THR_CHECKS, THR_GT, 99,
	    THR_SCOPE_REQUEST, "signal");
	expect("group:gateway.checks >= 99.5%", THR_CHECKS, THR_GE, 99.5,
	    THR_SCOPE_GROUP, "gateway");
	expect("phase:steady.checks == 100%", THR_CHECKS, THR_EQ, 100,
	    THR_SCOPE_PHASE, "steady");
	expect("group:gateway.p95 < 50ms", THR_P95, THR_LT, 50,
	    THR_SCOPE_GROUP, "gateway");
	expect("group: edge api .error_rate < 1%", THR_ERROR_RATE, THR_LT, 1,
	    THR_SCOPE_GROUP, "edge api");
	/*          0123456789012345678901 */
	expect_err("checks > 99", 9, "needs a % sign, such as 99%");
	expect_err("checks > 101%", 9, "more than 100%");
	expect_err("stage:warm.checks > 99%", 11, "checks are counted over the run");
	expect_err("process:api.checks > 9%", 12, "checks are counted");
	expect_err("group:.p95 < 1s", 6, "missing group name after 'group:'");
}
END_TEST

/* NAME.outcome:VALUE: the count of responses with that outcome. */
static void
expect_outcome(const char *expr, const char *name, const char *arg,
    enum thr_op op, double value)
{
	struct threshold t = parse_ok(expr);

	ck_assert_int_eq(t.metric, THR_OUTCOME);
	ck_assert_int_eq(t.scope, THR_SCOPE_REQUEST);
	ck_assert_str_eq(t.scope_name, name);
	ck_assert_str_eq(t.arg, arg);
	ck_assert_int_eq(t.op, op);
	ck_assert(t.value == value);
	ck_assert(!t.iteration);
	threshold_clear(&t);
	ck_assert_ptr_null(t.arg);
}

START_TEST(outcome_metric)
{
	expect_outcome("signal.outcome:rate_limited == 32", "signal",
	    "rate_limited", THR_EQ, 32);
	expect_outcome("signal.outcome:'two words' >= 1", "signal",
	    "two words", THR_GE, 1);
	expect_outcome("signal.outcome:\"a < b\" < 5", "signal", "a < b",
	    THR_LT, 5);
	expect_outcome("signal.outcome:a=b != 0", "signal", "a=b", THR_NE, 0);
	expect_outcome("v1.api.outcome:v1.2 > 0", "v1.api", "v1.2", THR_GT, 0);
	expect_outcome("request:x.iteration.outcome:(none) == 0",
	    "x.iteration", "(none)", THR_EQ, 0);
	expect_outcome("  GET /x.outcome:ok   ==   7  ", "GET /x", "ok", THR_EQ,
	    7);
	/*          0123456789012345678901234567 */
	/* The value runs to a blank. */
	expect_err("signal.outcome:a=b!=0", 21, "missing comparison");
	expect_err("signal.outcome: == 1", 15, "missing value after 'outcome:'");
	expect_err("signal.outcome:'a == 1", 15, "unterminated '");
	expect_err("signal.outcome:two words == 1", 18, "quote one that has "
	    "blanks");
	expect_err("signal.outcome:'' == 1", 15, "empty outcome value");
	expect_err("signal.outcome:ok == 1.5", 21, "outcome is a count");
	expect_err("signal.outcome:ok == 5%", 21, "outcome is a count");
	expect_err(".outcome:ok == 1", 0, "missing request name before "
	    "'.outcome:'");
	expect_err("phase:a.outcome:ok == 1", 0, "counted per request, "
	    "NAME.outcome:VALUE, not per phase");
	expect_err("outcome:ok == 1", 0, "write NAME.outcome:VALUE");
	expect_err("signal.outcome == 1", 7, "write NAME.outcome:VALUE");
}
END_TEST

/* FLOW.iteration.METRIC: whole iterations' latency. */
START_TEST(flow_iteration)
{
	struct threshold t = parse_ok("session.iteration.p95 < 2s");

	ck_assert_int_eq(t.metric, THR_P95);
	ck_assert_int_eq(t.scope, THR_SCOPE_FLOW);
	ck_assert_str_eq(t.scope_name, "session");
	ck_assert(t.iteration);
	ck_assert(t.value == 2000);
	threshold_clear(&t);
	ck_assert(!t.iteration);
	t = parse_ok("a.b.iteration.p99.9 < 1s");
	ck_assert_int_eq(t.scope, THR_SCOPE_FLOW);
	ck_assert_str_eq(t.scope_name, "a.b");
	ck_assert_int_eq(t.metric, THR_P999);
	threshold_clear(&t);
	/* Counts of iterations name the flow alone; the scenario tells a
	 * flow from a request. */
	expect("session.errors == 0", THR_ERRORS, THR_EQ, 0, THR_SCOPE_REQUEST,
	    "session");
	expect("iteration.p95 < 1s", THR_P95, THR_LT, 1000, THR_SCOPE_REQUEST,
	    "iteration");
	expect("request:x.iteration.p95 < 1s", THR_P95, THR_LT, 1000,
	    THR_SCOPE_REQUEST, "x.iteration");
	/*          0123456789012345678901 */
	expect_err("session.iteration.errors == 0", 18, "FLOW.iteration takes "
	    "a latency metric");
	expect_err("session.iteration.rps > 1", 18, "FLOW.errors");
}
END_TEST

/* class:NAME: latency by response class, and its count. */
START_TEST(class_scope)
{
	struct threshold t;
	size_t off = 999, i;
	char *cause = NULL, expr[96];

	ck_assert_int_eq(threshold_parse("class:rate_limited.p95 < 20ms", &t,
	    &off, &cause), 0);
	ck_assert_int_eq(t.scope, THR_SCOPE_CLASS);
	ck_assert_str_eq(t.scope_name, "rate_limited");
	ck_assert_uint_eq(t.scope_index, CLS_RATE_LIMITED);
	ck_assert_int_eq(t.metric, THR_P95);
	threshold_clear(&t);
	/* Every class by its name. */
	for (i = 0; i < CLS__COUNT; i++) {
		snprintf(expr, sizeof expr, "class:%s.requests >= 0",
		    kinds_class_name((enum lt_class)i));
		ck_assert_msg(threshold_parse(expr, &t, &off, &cause) == 0,
		    "%s: %s", expr, cause);
		ck_assert_uint_eq(t.scope_index, i);
		ck_assert_int_eq(t.metric, THR_REQUESTS);
		threshold_clear(&t);
	}
	ck_assert_int_eq(threshold_parse_metric("class:check_failed.max", &t,
	    &off, &cause), 0);
	ck_assert_uint_eq(t.scope_index, CLS_CHECK_FAILED);
	threshold_clear(&t);
	/*          0123456789012345678901 */
	expect_err("class:banana.p95 < 1s", 6, "unknown class 'banana'; "
	    "expected ok, rate_limited, client_error");
	expect_err("class:banana.p95 < 1s", 6, "check_failed or "
	    "capture_missing");
	expect_err("class:rate_limted.p95 < 1s", 6, "did you mean "
	    "'rate_limited'?");
	expect_err("class:ok.errors == 0", 9, "latency metrics (p50 to p999, "
	    "min, mean, max) and requests, not 'errors'");
	expect_err("class:ok.checks > 1%", 9, "not 'checks'");
	expect_err("class:.p95 < 1s", 6, "missing class name after 'class:'");
}
END_TEST

/* Grades name the same metrics without a comparison. */
START_TEST(metric_forms_for_grades)
{
	static const struct {
		const char *spec;
		enum thr_metric metric;
		enum thr_scope scope;
		const char *name;
		const char *arg;
		bool iteration;
	} cases[] = {
		{ "checks", THR_CHECKS, THR_SCOPE_ALL, NULL, NULL, false },
		{ "group:gateway.p95", THR_P95, THR_SCOPE_GROUP, "gateway", NULL,
		  false },
		{ "session.iteration.p95", THR_P95, THR_SCOPE_FLOW, "session",
		  NULL, true },
		{ "signal.outcome:ignored", THR_OUTCOME, THR_SCOPE_REQUEST,
		  "signal", "ignored", false },
		{ " signal.outcome:'x y' ", THR_OUTCOME, THR_SCOPE_REQUEST,
		  "signal", "x y", false },
		{ "class:ok.p99", THR_P99, THR_SCOPE_CLASS, "ok", NULL, false },
	};
	struct threshold t;
	size_t off, i;
	char *cause = NULL;

	for (i = 0; i < LT_NELEM(cases); i++) {
		ck_assert_msg(threshold_parse_metric(cases[i].spec, &t, &off,
		    &cause) == 0, "%s: %s", cases[i].spec, cause);
		ck_assert_int_eq(t.metric, cases[i].metric);
		ck_assert_int_eq(t.scope, cases[i].scope);
		if (cases[i].name != NULL)
			ck_assert_str_eq(t.scope_name, cases[i].name);
		if (cases[i].arg != NULL)
			ck_assert_str_eq(t.arg, cases[i].arg);
		else
			ck_assert_ptr_null(t.arg);
		ck_assert(t.iteration == cases[i].iteration);
		threshold_clear(&t);
	}
	ck_assert_int_eq(threshold_parse_metric("signal.outcome:", &t, &off,
	    &cause), -1);
	ck_assert_uint_eq(off, 15);
	free(cause);
}
END_TEST

/* NAME.connect.p95 and the stream counts; which stream has which. */
START_TEST(stream_metrics)
{
	static const struct {
		const char *expr;
		enum thr_stream stream;
		enum thr_metric metric;
		const char *name;
		bool ws, sse;
	} cases[] = {
		{ "prices.connect.p95 < 500ms", THR_STREAM_CONNECT, THR_P95,
		  "prices", true, true },
		{ "prices.rtt.p99 < 100ms", THR_STREAM_RTT, THR_P99, "prices",
		  true, false },
		{ "request:prices.ping.max < 1s", THR_STREAM_PING, THR_MAX,
		  "prices", true, false },
		{ "ticks.first_event.p95 < 100ms", THR_STREAM_FIRST_EVENT,
		  THR_P95, "ticks", false, true },
		{ "a.b.gap.p99.9 < 2s", THR_STREAM_GAP, THR_P999, "a.b", false,
		  true },
		{ "ticks.session.min > 1m", THR_STREAM_SESSION, THR_MIN, "ticks",
		  true, true },
		{ "prices.connect_errors == 0", THR_STREAM_NONE,
		  THR_CONNECT_ERRORS, "prices", true, true },
		{ "connect_success > 99%", THR_STREAM_NONE, THR_CONNECT_SUCCESS,
		  NULL, true, true },
		{ "phase:ws.messages_unmatched == 0", THR_STREAM_NONE,
		  THR_MESSAGES_UNMATCHED, "ws", true, false },
		{ "ticks.events_rate >= 9.5/s", THR_STREAM_NONE, THR_EVENTS_RATE,
		  "ticks", false, true },
		{ "reconnects < 3", THR_STREAM_NONE, THR_RECONNECTS, NULL, true,
		  true },
		/* No stream word: an HTTP request named like one. */
		{ "connect.p95 < 1s", THR_STREAM_NONE, THR_P95, "connect", false,
		  false },
	};
	struct threshold t;
	size_t off, i;
	char *cause = NULL, buf[64];

	for (i = 0; i < LT_NELEM(cases); i++) {
		t = parse_ok(cases[i].expr);
		ck_assert_msg(t.stream == cases[i].stream && t.metric ==
		    cases[i].metric, "%s: stream %d metric %d", cases[i].expr,
		    t.stream, t.metric);
		if (cases[i].name != NULL)
			ck_assert_str_eq(t.scope_name, cases[i].name);
		else
			ck_assert_int_eq(t.scope, THR_SCOPE_ALL);
		ck_assert(threshold_stream_fits(&t, false) == cases[i].ws);
		ck_assert(threshold_stream_fits(&t, true) == cases[i].sse);
		threshold_clear(&t);
	}
	ck_assert_int_eq(threshold_parse_metric("prices.rtt.p95", &t, &off,
	    &cause), 0);
	ck_assert_int_eq(t.stream, THR_STREAM_RTT);
	threshold_clear(&t);
	ck_assert_str_eq(threshold_stream_name(THR_STREAM_FIRST_EVENT),
	    "first_event");
	ck_assert_str_eq(threshold_stream_name((enum thr_stream)99), "?");
	ck_assert(threshold_is_stream_metric(THR_EVENTS));
	ck_assert(!threshold_is_stream_metric(THR_ERRORS));
	ck_assert(threshold_is_latency_metric(THR_P999));
	ck_assert(!threshold_is_latency_metric(THR_EVENTS_RATE));
	ck_assert_str_eq(threshold_format_value(THR_EVENTS_RATE, 12.5, buf,
	    sizeof buf), "12.5/s");
	ck_assert_str_eq(threshold_format_value(THR_CONNECT_SUCCESS, 99.5, buf,
	    sizeof buf), "99.5%");
	/*          0         1         2 */
	/*          012345678901234567890123456 */
	expect_err("prices.connect.errors == 0", 15, "NAME.connect takes a "
	    "latency metric");
	expect_err("prices.rtt.connect_errors == 0", 11, "NAME.rtt takes a "
	    "latency metric");
	expect_err("group:g.events > 1", 8, "events is counted over the run's "
	    "streams, a stream request (NAME.events) or a connections phase");
	expect_err("stage:s.reconnects < 1", 8, "reconnects is counted over");
	expect_err("class:ok.connect_errors == 0", 9, "class:NAME takes the "
	    "latency metrics");
	expect_err("connect_success > 99", 18, "connect_success is a "
	    "percentage and needs a % sign");
	expect_err("messages_sent > 1.5", 16, "messages_sent is a count");
	expect_err("s.iteration.events > 1", 12, "FLOW.iteration takes a "
	    "latency metric");
}
END_TEST

static Suite *
threshold_suite(void)
{
	Suite *s = suite_create("threshold");
	TCase *tc = tcase_create("threshold");

	tcase_add_test(tc, latency_metrics);
	tcase_add_test(tc, other_metrics);
	tcase_add_test(tc, operators);
	tcase_add_test(tc, fractional_rates);
	tcase_add_test(tc, new_scopes);
	tcase_add_test(tc, scopes);
	tcase_add_test(tc, errors_with_offsets);
	tcase_add_test(tc, check_ops);
	tcase_add_test(tc, names_and_units);
	tcase_add_test(tc, format_values);
	tcase_add_test(tc, format_nan);
	tcase_add_test(tc, format_parses_back);
	tcase_add_test(tc, checks_metric);
	tcase_add_test(tc, outcome_metric);
	tcase_add_test(tc, flow_iteration);
	tcase_add_test(tc, class_scope);
	tcase_add_test(tc, metric_forms_for_grades);
	tcase_add_test(tc, stream_metrics);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(threshold_suite)
