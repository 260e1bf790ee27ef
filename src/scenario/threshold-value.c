/* The values of thresholds: one parser per kind of metric. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threshold-int.h"
#include "units.h"
#include "util.h"

/* Only digits and at most one dot: a number written without a unit. */
static bool
threshold_bare_number(const char *s)
{
	size_t n = strspn(s, "0123456789.");

	return n > 0 && s[n] == '\0' && isdigit((unsigned char)s[0]);
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
int
threshold_parse_value(enum thr_metric *m, const char *v, size_t voff,
    double *value, size_t *err_off, char **cause)
{
	*err_off = voff;
	return threshold_value_parsers[threshold_metrics[*m].kind](m, v, voff, value,
	    err_off, cause);
}

int
threshold_parse_bound(enum thr_metric *m, const char *v, double *value,
    char **cause)
{
	size_t off;

	return threshold_parse_value(m, v, 0, value, &off, cause);
}

