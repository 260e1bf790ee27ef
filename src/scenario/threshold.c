#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "suggest.h"
#include "threshold.h"
#include "units.h"
#include "util.h"

/* How a metric's value is written. */
enum thr_kind {
	THR_K_LATENCY,		/* a duration, or a bare number of ms */
	THR_K_RATE,		/* requests per second */
	THR_K_COUNT,		/* a whole number */
	THR_K_RATIO,		/* a percentage of requests, with its % */
	THR_K_SIZE,		/* bytes */
	THR_K_CPU,		/* percent of one core, % optional */
	THR_K_LEAK,		/* bytes per request or per minute */
};

static const struct {
	const char	*name;
	const char	*unit;
	enum thr_kind	 kind;
} thr_metrics[THR__COUNT] = {
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
	[THR_MEM_GROWTH] = { "mem_growth", "B", THR_K_SIZE },
	[THR_RSS_MAX] = { "rss_max", "B", THR_K_SIZE },
	[THR_CPU_MAX] = { "cpu_max", "%", THR_K_CPU },
	[THR_CPU_AVG] = { "cpu_avg", "%", THR_K_CPU },
	[THR_LEAK_SLOPE_REQ] = { "leak_slope", "B/req", THR_K_LEAK },
	[THR_LEAK_SLOPE_MIN] = { "leak_slope", "B/min", THR_K_LEAK },
};

/* Every name a metric may be written as; leak_slope's unit picks its kind. */
static const struct {
	const char		*name;
	enum thr_metric		 metric;
} thr_names[] = {
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
};

static const char *const thr_ops[] = {
	[THR_LT] = "<", [THR_LE] = "<=", [THR_GT] = ">", [THR_GE] = ">=",
	[THR_EQ] = "==", [THR_NE] = "!=",
};

#define THR_OP_CHARS "<>=!"

static int
threshold_fail(size_t *err_off, size_t off, char **cause, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
threshold_fail(size_t *err_off, size_t off, char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
	*err_off = off;
	return -1;
}

static bool
threshold_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Only digits and at most one dot: a number written without a unit. */
static bool
threshold_bare_number(const char *s)
{
	size_t n = strspn(s, "0123456789.");

	return n > 0 && s[n] == '\0' && isdigit((unsigned char)s[0]);
}

static int
threshold_find_metric(const char *name, size_t len, enum thr_metric *out)
{
	size_t i;

	for (i = 0; i < LT_NELEM(thr_names); i++) {
		if (strlen(thr_names[i].name) == len &&
		    strncasecmp(thr_names[i].name, name, len) == 0) {
			*out = thr_names[i].metric;
			return 0;
		}
	}
	return -1;
}

static void
threshold_unknown_metric(const char *name, char **cause)
{
	const char *cand[LT_NELEM(thr_names)], *best;
	size_t i;

	for (i = 0; i < LT_NELEM(thr_names); i++)
		cand[i] = thr_names[i].name;
	best = suggest_closest(name, cand, LT_NELEM(cand));
	if (best != NULL)
		xasprintf(cause, "unknown metric '%s'; did you mean '%s'?",
		    name, best);
	else
		xasprintf(cause, "unknown metric '%s'; expected p50, p75, p90, "
		    "p95, p99, p99.9, min, mean, max, rps, requests, errors, "
		    "error_rate, rate_limited, rate_limited_rate, late_starts, "
		    "mem_growth, rss_max, cpu_max, cpu_avg or leak_slope", name);
}

/* A whole, non-negative number that a double holds exactly. */
static int
threshold_parse_count(const char *v, double *out)
{
	uint64_t n = 0;
	const char *p;

	if (*v == '\0')
		return -1;
	for (p = v; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > (UINT64_C(1) << 53))
			return -1;
	}
	*out = (double)n;
	return 0;
}

/* Length of a zero written as 0, 00 or 0.0 at the start of v, or 0. */
static size_t
threshold_zero_len(const char *v)
{
	size_t n = strspn(v, "0"), f;

	if (n > 0 && v[n] == '.' && (f = strspn(v + n + 1, "0")) > 0 &&
	    !isdigit((unsigned char)v[n + 1 + f]))
		return n + 1 + f;
	return isdigit((unsigned char)v[n]) ? 0 : n;
}

/*
 * The value parsers, one per kind of metric: v is the value's text, at
 * offset voff of the expression; leak_slope's unit picks its metric *m.
 */
typedef int threshold_value_fn(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause);

/* A duration, or a bare number of milliseconds; kept in ms. */
static int
threshold_value_latency(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	int64_t us;
	char *tmp;
	int r;

	if (threshold_bare_number(v)) {
		xasprintf(&tmp, "%sms", v);
		r = units_parse_duration(tmp, &us, cause);
		free(tmp);
	} else
		r = units_parse_duration(v, &us, cause);
	if (r != 0)
		return -1;
	*value = (double)us / 1000.0;
	return 0;
}

static int
threshold_value_rate(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	char *tmp, *part = NULL;
	size_t zlen;
	double d;
	int r;

	if ((zlen = threshold_zero_len(v)) != 0) {
		/* "rps > 0" is fair; a rate to send at never is 0. */
		xasprintf(&tmp, "1%s", v + zlen);
		r = units_parse_rate(tmp, &d, &part);
		free(part);
		free(tmp);
		if (r == 0) {
			*value = 0;
			return 0;
		}
	}
	return units_parse_rate(v, value, cause);
}

static int
threshold_value_count(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	if (threshold_parse_count(v, value) != 0)
		return threshold_fail(err_off, voff, cause, "%s is a count; "
		    "expected a whole number such as 0 or 10, not '%s'",
		    thr_metrics[*m].name, v);
	return 0;
}

/* A share of the requests: the % is required and 100% the most. */
static int
threshold_value_ratio(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	const char *name = thr_metrics[*m].name;
	double d;

	if (strchr(v, '%') == NULL)
		return threshold_fail(err_off, voff, cause, "%s is a percentage "
		    "and needs a %% sign, such as %s%%", name,
		    threshold_bare_number(v) ? v : "1");
	if (units_parse_percent(v, &d, cause) != 0)
		return -1;
	if (d > 100)
		return threshold_fail(err_off, voff, cause, "%s cannot be more "
		    "than 100%%", name);
	*value = d;
	return 0;
}

/* Percent of one core: the % may be left out. */
static int
threshold_value_cpu(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	char *tmp;
	int r;

	if (!threshold_bare_number(v))
		return units_parse_percent(v, value, cause);
	xasprintf(&tmp, "%s%%", v);
	r = units_parse_percent(tmp, value, cause);
	free(tmp);
	return r;
}

static int
threshold_value_size(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	int64_t bytes;

	if (units_parse_size(v, &bytes, cause) != 0)
		return -1;
	*value = (double)bytes;
	return 0;
}

/* A size per request or per minute: "1KB/req", "100KB/min". */
static int
threshold_value_leak(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	const char *slash, *per;
	int64_t bytes;
	char *part;
	int r;

	if ((slash = strchr(v, '/')) == NULL)
		return threshold_fail(err_off, voff, cause, "leak_slope needs a "
		    "size per request or per minute, such as 1KB/req or "
		    "100KB/min");
	for (per = slash + 1; threshold_blank(*per); per++)
		/* nothing */;
	if (strcmp(per, "req") == 0 || strcmp(per, "request") == 0)
		*m = THR_LEAK_SLOPE_REQ;
	else if (strcmp(per, "min") == 0 || strcmp(per, "m") == 0)
		*m = THR_LEAK_SLOPE_MIN;
	else if (*per == '\0')
		return threshold_fail(err_off, voff + (size_t)(per - v), cause,
		    "leak_slope needs 'req' or 'min' after '/'");
	else
		return threshold_fail(err_off, voff + (size_t)(per - v), cause,
		    "leak_slope is per 'req' or per 'min', not per '%s'", per);
	part = xstrndup(v, (size_t)(slash - v));
	r = units_parse_size(part, &bytes, cause);
	free(part);
	if (r != 0)
		return -1;
	*value = (double)bytes;
	return 0;
}

static threshold_value_fn *const threshold_value_parsers[] = {
	[THR_K_LATENCY] = threshold_value_latency,
	[THR_K_RATE] = threshold_value_rate,
	[THR_K_COUNT] = threshold_value_count,
	[THR_K_RATIO] = threshold_value_ratio,
	[THR_K_SIZE] = threshold_value_size,
	[THR_K_CPU] = threshold_value_cpu,
	[THR_K_LEAK] = threshold_value_leak,
};

/* Parse value v (offset voff in the expression) for metric *m. */
static int
threshold_parse_value(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	*err_off = voff;
	return threshold_value_parsers[thr_metrics[*m].kind](m, v, voff, value,
	    err_off, cause);
}

/* Split "[SCOPE.]METRIC" in expr[ls, le) and fill scope and metric. */
static int
threshold_parse_left(const char *expr, size_t ls, size_t le, struct threshold *out,
    size_t *err_off, char **cause)
{
	size_t ms, dot = SIZE_MAX, ss, se, i;
	char *metric;
	const char *kind = NULL;

	/* p99.9 holds a dot of its own: split before the metric word. */
	i = le;
	if (le - ls >= 5 && strncasecmp(expr + le - 5, "p99.9", 5) == 0)
		i = le - 5;
	for (; i > ls; i--) {
		if (expr[i - 1] == '.') {
			dot = i - 1;
			break;
		}
	}

	ms = dot == SIZE_MAX ? ls : dot + 1;
	while (ms < le && threshold_blank(expr[ms]))
		ms++;
	if (ms == le)
		return threshold_fail(err_off, ms, cause, "missing metric after '.'");
	metric = xstrndup(expr + ms, le - ms);
	if (threshold_find_metric(metric, le - ms, &out->metric) != 0) {
		threshold_unknown_metric(metric, cause);
		free(metric);
		*err_off = ms;
		return -1;
	}
	free(metric);

	if (dot == SIZE_MAX) {
		out->scope = THR_SCOPE_ALL;
		return 0;
	}
	ss = ls;
	se = dot;
	while (se > ss && threshold_blank(expr[se - 1]))
		se--;
	out->scope = THR_SCOPE_REQUEST;
	if (se - ss >= 6 && strncmp(expr + ss, "phase:", 6) == 0) {
		out->scope = THR_SCOPE_PHASE;
		kind = "phase";
		ss += 6;
	} else if (se - ss >= 8 && strncmp(expr + ss, "request:", 8) == 0) {
		kind = "request";
		ss += 8;
	}
	while (ss < se && threshold_blank(expr[ss]))
		ss++;
	if (ss == se) {
		if (kind != NULL)
			return threshold_fail(err_off, ss, cause, "missing %s name "
			    "after '%s:'", kind, kind);
		return threshold_fail(err_off, ls, cause, "missing request or "
		    "phase name before '.%.*s'", (int)(le - ms), expr + ms);
	}
	out->scope_name = xstrndup(expr + ss, se - ss);
	return 0;
}

int
threshold_parse(const char *expr, struct threshold *out, size_t *err_off,
    char **cause)
{
	size_t len = strlen(expr), ls, le, os, oe, vs, ve, extra;
	char *v;
	int r;

	memset(out, 0, sizeof *out);
	for (ls = 0; threshold_blank(expr[ls]); ls++)
		/* nothing */;
	for (ve = len; ve > ls && threshold_blank(expr[ve - 1]); ve--)
		/* nothing */;
	if (ls == ve)
		return threshold_fail(err_off, ls, cause, "empty threshold; expected "
		    "METRIC OP VALUE, such as p95 < 50ms");

	os = ls + strcspn(expr + ls, THR_OP_CHARS);
	for (le = os; le > ls && threshold_blank(expr[le - 1]); le--)
		/* nothing */;
	if (os == len)
		return threshold_fail(err_off, ve, cause, "missing comparison after "
		    "'%.*s'; expected one of < <= > >= == !=, as in p95 < 50ms",
		    (int)(ve - ls), expr + ls);
	if (le == ls)
		return threshold_fail(err_off, ls, cause, "missing metric before "
		    "'%c'", expr[os]);

	oe = os + 1;
	if (expr[os + 1] == '=')
		oe++;
	if (strchr(THR_OP_CHARS, expr[oe]) != NULL && expr[oe] != '\0') {
		while (expr[oe] != '\0' && strchr(THR_OP_CHARS, expr[oe]))
			oe++;
		return threshold_fail(err_off, os, cause, "unknown operator '%.*s'; "
		    "expected one of < <= > >= == !=", (int)(oe - os),
		    expr + os);
	}
	if (oe - os == 1 && (expr[os] == '=' || expr[os] == '!'))
		return threshold_fail(err_off, os, cause, "unknown operator '%c'; "
		    "expected one of < <= > >= == != (equality is '==')",
		    expr[os]);
	switch (expr[os]) {
	case '<':
		out->op = oe - os == 2 ? THR_LE : THR_LT;
		break;
	case '>':
		out->op = oe - os == 2 ? THR_GE : THR_GT;
		break;
	case '=':
		out->op = THR_EQ;
		break;
	default:
		out->op = THR_NE;
		break;
	}

	for (vs = oe; threshold_blank(expr[vs]); vs++)
		/* nothing */;
	if (vs >= ve)
		return threshold_fail(err_off, ve, cause, "missing value after "
		    "'%s'", thr_ops[out->op]);
	extra = strcspn(expr + vs, THR_OP_CHARS);
	if (vs + extra < ve)
		return threshold_fail(err_off, vs + extra, cause, "unexpected '%c' "
		    "after the value; a threshold has one comparison",
		    expr[vs + extra]);

	if (threshold_parse_left(expr, ls, le, out, err_off, cause) != 0) {
		threshold_clear(out);
		return -1;
	}
	v = xstrndup(expr + vs, ve - vs);
	r = threshold_parse_value(&out->metric, v, vs, &out->value, err_off, cause);
	free(v);
	if (r != 0) {
		threshold_clear(out);
		return -1;
	}
	out->expr = xstrdup(expr);
	return 0;
}

void
threshold_clear(struct threshold *t)
{
	free(t->expr);
	free(t->scope_name);
	memset(t, 0, sizeof *t);
}

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

const char *
threshold_metric_name(enum thr_metric m)
{
	if ((unsigned)m >= THR__COUNT)
		return "?";
	return thr_metrics[m].name;
}

const char *
threshold_metric_unit(enum thr_metric m)
{
	if ((unsigned)m >= THR__COUNT)
		return "";
	return thr_metrics[m].unit;
}

const char *
threshold_op_name(enum thr_op op)
{
	if ((unsigned)op >= LT_NELEM(thr_ops))
		return "?";
	return thr_ops[op];
}

static int64_t
threshold_round(double v)
{
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
	switch (thr_metrics[m].kind) {
	case THR_K_LATENCY:
		if (value != value || value > 9e15 || value < -9e15)
			snprintf(buf, len, "%sms", units_format_number(value, 0,
			    num, sizeof num));
		else
			units_format_duration(threshold_round(value * 1000), buf, len);
		break;
	case THR_K_RATE:
		snprintf(buf, len, "%s req/s", units_format_number(value, 2,
		    num, sizeof num));
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
		units_format_size(threshold_round(value), buf, len);
		break;
	case THR_K_LEAK:
		snprintf(buf, len, "%s/%s", units_format_size(threshold_round(value),
		    num, sizeof num), m == THR_LEAK_SLOPE_REQ ? "req" : "min");
		break;
	}
	return buf;
}
