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

#include "threshold-int.h"

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

	for (i = 0; i < threshold_nnames; i++) {
		if (strlen(threshold_names[i].name) == len &&
		    strncasecmp(threshold_names[i].name, name, len) == 0) {
			*out = threshold_names[i].metric;
			return 0;
		}
	}
	return -1;
}

/* "p50, p75, ... or leak_slope": every metric once, from the table. */
static char *
threshold_metric_list(void)
{
	char *list = xstrdup(""), *next;
	size_t m;

	for (m = 0; m < THR__COUNT; m++) {
		if ((m > 0 && strcmp(threshold_metrics[m].name,
		    threshold_metrics[m - 1].name) == 0) ||
		    threshold_metrics[m].series)
			continue;
		xasprintf(&next, "%s%s%s", list, m == 0 ? "" : m + 1 ==
		    THR__COUNT ? " or " : ", ", threshold_metrics[m].name);
		free(list);
		list = next;
	}
	return list;
}

/* A figure of a scraped metric, by its name; -1 when none. */
static int
threshold_find_series_metric(const char *name, enum thr_metric *out)
{
	size_t m;

	for (m = 0; m < THR__COUNT; m++)
		if (threshold_metrics[m].series &&
		    strcmp(threshold_metrics[m].name, name) == 0) {
			*out = (enum thr_metric)m;
			return 0;
		}
	return -1;
}

static void
threshold_unknown_metric(const char *name, char **cause)
{
	const char **cand = xcalloc(threshold_nnames, sizeof *cand), *best;
	char *list;
	size_t i;

	for (i = 0; i < threshold_nnames; i++)
		cand[i] = threshold_names[i].name;
	best = suggest_closest(name, cand, threshold_nnames);
	free(cand);
	if (best != NULL) {
		xasprintf(cause, "unknown metric '%s'; did you mean '%s'?",
		    name, best);
		return;
	}
	list = threshold_metric_list();
	xasprintf(cause, "unknown metric '%s'; expected %s", name, list);
	free(list);
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

	if (n == 0)
		return 0;
	/* 0.0 is zero; 0.5 is not. */
	if (v[n] == '.') {
		f = strspn(v + n + 1, "0");
		return isdigit((unsigned char)v[n + 1 + f]) ? 0 : n + 1 + f;
	}
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
		    threshold_metrics[*m].name, v);
	return 0;
}

/* A share of the requests: the % is required and 100% the most. */
static int
threshold_value_ratio(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	const char *name = threshold_metrics[*m].name;
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

/* A scraped figure: any real number; a rate may say its /s. */
static int
threshold_value_number(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	char *end;

	*value = strtod(v, &end);
	if (*m == THR_M_RATE && end != v && strcmp(end, "/s") == 0)
		end += 2;
	if (end == v || *end != '\0' || *value != *value)
		return threshold_fail(err_off, voff, cause, "%s of a metric is "
		    "a number, such as 32 or 0.5, not '%s'",
		    threshold_metrics[*m].name, v);
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
	[THR_K_NUMBER] = threshold_value_number,
};

/* Parse value v (offset voff in the expression) for metric *m. */
static int
threshold_parse_value(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	*err_off = voff;
	return threshold_value_parsers[threshold_metrics[*m].kind](m, v, voff, value,
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
	bool series;

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
	series = dot != SIZE_MAX && le - ls >= 7 &&
	    strncmp(expr + ls, "metric:", 7) == 0;
	metric = xstrndup(expr + ms, le - ms);
	if ((series ? threshold_find_series_metric(metric, &out->metric) :
	    threshold_find_metric(metric, le - ms, &out->metric)) != 0) {
		if (series)
			xasprintf(cause, "a metric's figure is one of first, "
			    "last, delta, rate, min or max, not '%s'", metric);
		else
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
	if (series) {
		out->scope = THR_SCOPE_METRIC;
		kind = "metric";
		ss += 7;
	} else if (se - ss >= 8 && strncmp(expr + ss, "process:", 8) == 0) {
		out->scope = THR_SCOPE_PROCESS;
		kind = "process";
		ss += 8;
	} else if (se - ss >= 6 && strncmp(expr + ss, "stage:", 6) == 0) {
		out->scope = THR_SCOPE_STAGE;
		kind = "stage";
		ss += 6;
	} else if (se - ss >= 6 && strncmp(expr + ss, "phase:", 6) == 0) {
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
threshold_parse_metric(const char *spec, struct threshold *out,
    size_t *err_off, char **cause)
{
	size_t len = strlen(spec), ls, le;

	memset(out, 0, sizeof *out);
	for (ls = 0; threshold_blank(spec[ls]); ls++)
		/* nothing */;
	for (le = len; le > ls && threshold_blank(spec[le - 1]); le--)
		/* nothing */;
	if (ls == le)
		return threshold_fail(err_off, ls, cause, "missing metric");
	if (threshold_parse_left(spec, ls, le, out, err_off, cause) != 0) {
		threshold_clear(out);
		return -1;
	}
	out->expr = xstrndup(spec + ls, le - ls);
	return 0;
}

int
threshold_parse_bound(enum thr_metric *m, const char *v, double *value,
    char **cause)
{
	size_t off;

	return threshold_parse_value(m, v, 0, value, &off, cause);
}

/* Where the comparison starts: the first of < > = ! outside a metric's
 * labels, {job="a"}, whose quoted values may hold anything. */
static size_t
threshold_find_op(const char *expr, size_t from)
{
	size_t i;
	int depth = 0;
	bool quoted = false;

	for (i = from; expr[i] != '\0'; i++) {
		if (quoted) {
			if (expr[i] == '\\' && expr[i + 1] != '\0')
				i++;
			else if (expr[i] == '"')
				quoted = false;
		} else if (expr[i] == '"' && depth > 0)
			quoted = true;
		else if (expr[i] == '{')
			depth++;
		else if (expr[i] == '}' && depth > 0)
			depth--;
		else if (depth == 0 && strchr(THR_OP_CHARS, expr[i]) != NULL)
			return i;
	}
	return i;
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

	os = threshold_find_op(expr, ls);
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
		    "'%s'", threshold_ops[out->op]);
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
	free(t->arg);
	memset(t, 0, sizeof *t);
}

