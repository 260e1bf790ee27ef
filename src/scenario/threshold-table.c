/* The metrics thresholds know: names, units, and how values read. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threshold-int.h"
#include "units.h"
#include "util.h"

const struct threshold_metric_def threshold_metrics[THR__COUNT] = {
	[THR_P50] = { "p50", "ms", THR_K_LATENCY },
	[THR_P75] = { "p75", "ms", THR_K_LATENCY },
	[THR_P90] = { "p90", "ms", THR_K_LATENCY },
	[THR_P95] = { "p95", "ms", THR_K_LATENCY },
	[THR_P99] = { "p99", "ms", THR_K_LATENCY },
	[THR_P999] = { "p999", "ms", THR_K_LATENCY },
	[THR_MIN] = { "min", "ms", THR_K_LATENCY },
	[THR_MEAN] = { "mean", "ms", THR_K_LATENCY },
	[THR_MAX] = { "max", "ms", THR_K_LATENCY },
	[THR_RPS] = { "rps", "req/s", THR_K_RATE },
	[THR_REQUESTS] = { "requests", "", THR_K_COUNT },
	[THR_ERRORS] = { "errors", "", THR_K_COUNT },
	[THR_ERROR_RATE] = { "error_rate", "%", THR_K_RATIO },
	[THR_RATE_LIMITED] = { "rate_limited", "", THR_K_COUNT },
	[THR_RATE_LIMITED_RATE] = { "rate_limited_rate", "%", THR_K_RATIO },
	[THR_LATE_STARTS] = { "late_starts", "", THR_K_COUNT },
	[THR_MEM_GROWTH] = { "mem_growth", "B", THR_K_SIZE,
	    .target = true },
	[THR_RSS_MAX] = { "rss_max", "B", THR_K_SIZE,
	    .target = true },
	[THR_CPU_MAX] = { "cpu_max", "%", THR_K_CPU,
	    .target = true },
	[THR_CPU_AVG] = { "cpu_avg", "%", THR_K_CPU,
	    .target = true },
	[THR_LEAK_SLOPE_REQ] = { "leak_slope", "B/req", THR_K_LEAK,
	    .target = true },
	[THR_LEAK_SLOPE_MIN] = { "leak_slope", "B/min", THR_K_LEAK,
	    .target = true },
	[THR_TARGET_EXITS] = { "target_exits", "", THR_K_COUNT,
	    .target = true },
	[THR_WORKER_DEATHS] = { "worker_deaths", "", THR_K_COUNT,
	    .target = true },
	[THR_RPS_PEAK] = { "rps_peak", "req/s", THR_K_RATE },
	[THR_M_FIRST] = { "first", "", THR_K_NUMBER, .series = true },
	[THR_M_LAST] = { "last", "", THR_K_NUMBER, .series = true },
	[THR_M_DELTA] = { "delta", "", THR_K_NUMBER, .series = true },
	[THR_M_RATE] = { "rate", "/s", THR_K_NUMBER, .series = true },
	[THR_M_MIN] = { "min", "", THR_K_NUMBER, .series = true },
	[THR_M_MAX] = { "max", "", THR_K_NUMBER, .series = true },
	[THR_CHECKS] = { "checks", "%", THR_K_RATIO },
	[THR_OUTCOME] = { "outcome", "", THR_K_COUNT },
	[THR_CONNECT_ERRORS] = { "connect_errors", "", THR_K_COUNT,
	    .streams = THR_S_WS | THR_S_SSE },
	[THR_CONNECT_SUCCESS] = { "connect_success", "%", THR_K_RATIO,
	    .streams = THR_S_WS | THR_S_SSE },
	[THR_MESSAGES_SENT] = { "messages_sent", "", THR_K_COUNT,
	    .streams = THR_S_WS },
	[THR_MESSAGES_RECEIVED] = { "messages_received", "", THR_K_COUNT,
	    .streams = THR_S_WS },
	[THR_MESSAGES_PUSHED] = { "messages_pushed", "", THR_K_COUNT,
	    .streams = THR_S_WS },
	[THR_MESSAGES_UNMATCHED] = { "messages_unmatched", "", THR_K_COUNT,
	    .streams = THR_S_WS },
	[THR_EVENTS] = { "events", "", THR_K_COUNT, .streams = THR_S_SSE },
	[THR_EVENTS_RATE] = { "events_rate", "/s", THR_K_RATE,
	    .streams = THR_S_SSE },
	[THR_RECONNECTS] = { "reconnects", "", THR_K_COUNT,
	    .streams = THR_S_WS | THR_S_SSE },
};

const struct threshold_stream_def threshold_streams[THR__STREAM_COUNT] = {
	[THR_STREAM_NONE] = { "", 0 },
	[THR_STREAM_CONNECT] = { "connect", THR_S_WS | THR_S_SSE },
	[THR_STREAM_RTT] = { "rtt", THR_S_WS },
	[THR_STREAM_PING] = { "ping", THR_S_WS },
	[THR_STREAM_FIRST_EVENT] = { "first_event", THR_S_SSE },
	[THR_STREAM_GAP] = { "gap", THR_S_SSE },
	[THR_STREAM_SESSION] = { "session", THR_S_WS | THR_S_SSE },
};

const struct threshold_name threshold_names[] = {
	{ "p50", THR_P50 }, { "median", THR_P50 }, { "p75", THR_P75 },
	{ "p90", THR_P90 }, { "p95", THR_P95 }, { "p99", THR_P99 },
	{ "p999", THR_P999 }, { "p99.9", THR_P999 }, { "min", THR_MIN },
	{ "mean", THR_MEAN }, { "avg", THR_MEAN }, { "max", THR_MAX },
	{ "rps", THR_RPS }, { "requests", THR_REQUESTS },
	{ "errors", THR_ERRORS }, { "error_rate", THR_ERROR_RATE },
	{ "rate_limited", THR_RATE_LIMITED },
	{ "rate_limited_rate", THR_RATE_LIMITED_RATE },
	{ "late_starts", THR_LATE_STARTS }, { "mem_growth", THR_MEM_GROWTH },
	{ "rss_max", THR_RSS_MAX }, { "cpu_max", THR_CPU_MAX },
	{ "cpu_avg", THR_CPU_AVG }, { "leak_slope", THR_LEAK_SLOPE_REQ },
	{ "target_exits", THR_TARGET_EXITS },
	{ "worker_deaths", THR_WORKER_DEATHS }, { "rps_peak", THR_RPS_PEAK },
	{ "checks", THR_CHECKS }, { "connect_errors", THR_CONNECT_ERRORS },
	{ "connect_success", THR_CONNECT_SUCCESS },
	{ "messages_sent", THR_MESSAGES_SENT },
	{ "messages_received", THR_MESSAGES_RECEIVED },
	{ "messages_pushed", THR_MESSAGES_PUSHED },
	{ "messages_unmatched", THR_MESSAGES_UNMATCHED },
	{ "events", THR_EVENTS }, { "events_rate", THR_EVENTS_RATE },
	{ "reconnects", THR_RECONNECTS },
};
const size_t threshold_nnames = LT_NELEM(threshold_names);

const char *const threshold_ops[THR__OP_COUNT] = {
	[THR_LT] = "<", [THR_LE] = "<=", [THR_GT] = ">", [THR_GE] = ">=",
	[THR_EQ] = "==", [THR_NE] = "!=",
};


bool
threshold_check(const struct threshold *t, double actual)
{
	if (actual != actual)
		return false;
	switch (t->op) {
	case THR_LT:
		return actual < t->value;
	case THR_LE:
		return actual <= t->value;
	case THR_GT:
		return actual > t->value;
	case THR_GE:
		return actual >= t->value;
	case THR_EQ:
		return actual == t->value;
	case THR_NE:
		return actual != t->value;
	}
	return false;
}

bool
threshold_is_target_metric(enum thr_metric m)
{
	return (unsigned)m < THR__COUNT && threshold_metrics[m].target;
}

bool
threshold_is_series_metric(enum thr_metric m)
{
	return (unsigned)m < THR__COUNT && threshold_metrics[m].series;
}

bool
threshold_is_latency_metric(enum thr_metric m)
{
	return (unsigned)m < THR__COUNT &&
	    threshold_metrics[m].kind == THR_K_LATENCY;
}

bool
threshold_is_stream_metric(enum thr_metric m)
{
	return (unsigned)m < THR__COUNT && threshold_metrics[m].streams != 0;
}

bool
threshold_stream_fits(const struct threshold *t, bool sse)
{
	unsigned want = sse ? THR_S_SSE : THR_S_WS;

	if ((unsigned)t->stream >= THR__STREAM_COUNT ||
	    (unsigned)t->metric >= THR__COUNT)
		return false;
	if (t->stream != THR_STREAM_NONE)
		return (threshold_streams[t->stream].streams & want) != 0;
	return (threshold_metrics[t->metric].streams & want) != 0;
}

const char *
threshold_stream_name(enum thr_stream st)
{
	return (unsigned)st < THR__STREAM_COUNT ? threshold_streams[st].name :
	    "?";
}

char *
threshold_target_metric_list(void)
{
	char *list = NULL, *next;
	size_t m;

	for (m = 0; m < THR__COUNT; m++) {
		if (!threshold_metrics[m].target || (m > 0 &&
		    strcmp(threshold_metrics[m].name,
		    threshold_metrics[m - 1].name) == 0))
			continue;
		xasprintf(&next, "%s%s%s", list ? list : "", list ? ", " : "",
		    threshold_metrics[m].name);
		free(list);
		list = next;
	}
	return list;
}

const char *
threshold_metric_name(enum thr_metric m)
{
	if ((unsigned)m >= THR__COUNT)
		return "?";
	return threshold_metrics[m].name;
}

const char *
threshold_metric_unit(enum thr_metric m)
{
	if ((unsigned)m >= THR__COUNT)
		return "";
	return threshold_metrics[m].unit;
}

const char *
threshold_op_name(enum thr_op op)
{
	if ((unsigned)op >= THR__OP_COUNT)
		return "?";
	return threshold_ops[op];
}

/* NaN (a scraped metric may be one) has no integer: callers print it. */
static int64_t
threshold_round(double v)
{
	if (v != v)
		return 0;
	if (v >= 9.2e18)
		return INT64_MAX;
	if (v <= -9.2e18)
		return -INT64_MAX;
	return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

char *
threshold_format_value(enum thr_metric m, double value, char *buf, size_t len)
{
	char num[64];

	if (len == 0)
		return buf;
	if ((unsigned)m >= THR__COUNT) {
		snprintf(buf, len, "%s", units_format_number(value, 2, num,
		    sizeof num));
		return buf;
	}
	switch (threshold_metrics[m].kind) {
	case THR_K_LATENCY:
		if (value != value || value > 9e15 || value < -9e15)
			snprintf(buf, len, "%sms", units_format_number(value, 0,
			    num, sizeof num));
		else
			units_format_duration(threshold_round(value * 1000), buf, len);
		break;
	case THR_K_RATE:
		/* "80 req/s", but events a second are "12.5/s". */
		snprintf(buf, len, "%s%s%s", units_format_number(value, 2, num,
		    sizeof num), threshold_metrics[m].unit[0] == '/' ? "" : " ",
		    threshold_metrics[m].unit);
		break;
	case THR_K_COUNT:
		snprintf(buf, len, "%s", units_format_number(value, 0, num,
		    sizeof num));
		break;
	case THR_K_RATIO:
	case THR_K_CPU:
		snprintf(buf, len, "%s%%", units_format_number(value, 2, num,
		    sizeof num));
		break;
	case THR_K_SIZE:
		if (value != value)
			snprintf(buf, len, "nan");
		else
			units_format_size(threshold_round(value), buf, len);
		break;
	case THR_K_LEAK:
		snprintf(buf, len, "%s/%s", value != value ? "nan" :
		    units_format_size(threshold_round(value), num, sizeof num),
		    m == THR_LEAK_SLOPE_REQ ? "req" : "min");
		break;
	case THR_K_NUMBER:
		/* As a metric exposes it: whole numbers in full. */
		if (value == (double)threshold_round(value) && value < 1e15 &&
		    value > -1e15)
			snprintf(buf, len, "%.0f%s", value, threshold_metrics[m].unit);
		else
			snprintf(buf, len, "%.3g%s", value, threshold_metrics[m].unit);
		break;
	}
	return buf;
}
