/*
 * Threshold expressions: the comparison, and the left side's scope and
 * metric (NAME.p95, group:NAME.checks, FLOW.iteration.p95,
 * NAME.outcome:VALUE, class:NAME.p95, ...).
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kinds.h"
#include "suggest.h"
#include "threshold.h"
#include "units.h"
#include "util.h"

#include "threshold-int.h"

#define THR_OP_CHARS "<>=!"

int
threshold_fail(size_t *err_off, size_t off, char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
	*err_off = off;
	return -1;
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

/* The dot before the metric in expr[ls, le), or SIZE_MAX. */
static size_t
threshold_metric_dot(const char *expr, size_t ls, size_t le)
{
	size_t i = le;

	/* p99.9 holds a dot of its own: split before the metric word. */
	if (le - ls >= 5 && strncasecmp(expr + le - 5, "p99.9", 5) == 0)
		i = le - 5;
	for (; i > ls; i--)
		if (expr[i - 1] == '.')
			return i - 1;
	return SIZE_MAX;
}

/* The metric word expr[ms, le) into out->metric. */
static int
threshold_lookup_metric(const char *expr, size_t ms, size_t le, bool series,
    struct threshold *out, size_t *err_off, char **cause)
{
	char *metric = xstrndup(expr + ms, le - ms);
	int r = -1;

	if (series ? threshold_find_series_metric(metric, &out->metric) == 0 :
	    threshold_find_metric(metric, le - ms, &out->metric) == 0)
		r = 0;
	else if (series)
		xasprintf(cause, "a metric's figure is one of first, last, "
		    "delta, rate, min or max, not '%s'", metric);
	else if (strncmp(metric, "outcome", 7) == 0)
		xasprintf(cause, "outcome is counted per request and value: "
		    "write NAME.outcome:VALUE, as in signal.outcome:ignored");
	else
		threshold_unknown_metric(metric, cause);
	*err_off = ms;
	free(metric);
	return r;
}

/* Where ".outcome:" starts in expr[ls, le), or SIZE_MAX. */
static size_t
threshold_outcome_at(const char *expr, size_t ls, size_t le)
{
	const char *at = memmem(expr + ls, le - ls, ".outcome:", 9);

	return at != NULL ? (size_t)(at - expr) : SIZE_MAX;
}

/* The end of the value of "NAME.outcome:VALUE" that starts at vs: up to
 * a blank, or past its closing quote; SIZE_MAX when that is missing. */
static size_t
threshold_outcome_end(const char *expr, size_t vs, size_t le)
{
	const char *close;

	if (vs < le && (expr[vs] == '\'' || expr[vs] == '"')) {
		close = memchr(expr + vs + 1, expr[vs], le - vs - 1);
		return close != NULL ? (size_t)(close - expr) + 1 : SIZE_MAX;
	}
	while (vs < le && !threshold_blank(expr[vs]))
		vs++;
	return vs;
}

/* NAME.outcome:VALUE in expr[ls, le), ".outcome:" at d. */
static int
threshold_parse_outcome(const char *expr, size_t ls, size_t le, size_t d,
    struct threshold *out, size_t *err_off, char **cause)
{
	const struct threshold_scope_word *w = threshold_scope_word(expr, ls, d);
	size_t vs = d + 9, ve = threshold_outcome_end(expr, vs, le), name_off;
	bool quoted = vs < le && (expr[vs] == '\'' || expr[vs] == '"');

	out->metric = THR_OUTCOME;
	if (w != NULL && w->scope != THR_SCOPE_REQUEST)
		return threshold_fail(err_off, ls, cause, "outcome is counted "
		    "per request, NAME.outcome:VALUE, not per %.*s",
		    (int)strlen(w->word) - 1, w->word);
	if (vs == le)
		return threshold_fail(err_off, vs, cause, "missing value after "
		    "'outcome:', as in signal.outcome:ignored");
	if (ve == SIZE_MAX)
		return threshold_fail(err_off, vs, cause, "unterminated %c in "
		    "the outcome's value", expr[vs]);
	if (ve != le)
		return threshold_fail(err_off, ve, cause, "an outcome's value "
		    "ends at a blank; quote one that has blanks, as in "
		    "NAME.outcome:'two words'");
	if (quoted && ve - vs == 2)
		return threshold_fail(err_off, vs, cause, "empty outcome value");
	if (threshold_parse_scope(expr, ls, d, w, out, &name_off, err_off,
	    cause) != 0) {
		free(*cause);
		return threshold_fail(err_off, ls, cause, "missing request name "
		    "before '.outcome:'");
	}
	out->arg = quoted ? xstrndup(expr + vs + 1, ve - vs - 2) :
	    xstrndup(expr + vs, ve - vs);
	return 0;
}

/* Split "[SCOPE.]METRIC" in expr[ls, le) and fill scope and metric. */
static int
threshold_parse_left(const char *expr, size_t ls, size_t le, struct threshold *out,
    size_t *err_off, char **cause)
{
	const struct threshold_scope_word *w;
	size_t ms, dot, name_off;

	if ((dot = threshold_outcome_at(expr, ls, le)) != SIZE_MAX)
		return threshold_parse_outcome(expr, ls, le, dot, out, err_off,
		    cause);
	dot = threshold_metric_dot(expr, ls, le);
	ms = dot == SIZE_MAX ? ls : dot + 1;
	while (ms < le && threshold_blank(expr[ms]))
		ms++;
	if (ms == le)
		return threshold_fail(err_off, ms, cause, "missing metric after '.'");
	w = dot != SIZE_MAX ? threshold_scope_word(expr, ls, dot) : NULL;
	if (threshold_lookup_metric(expr, ms, le, w != NULL &&
	    w->scope == THR_SCOPE_METRIC, out, err_off, cause) != 0)
		return -1;
	if (dot == SIZE_MAX) {
		out->scope = THR_SCOPE_ALL;
		return threshold_scope_rules(out, ls, ms, err_off, cause);
	}
	if (threshold_parse_scope(expr, ls, dot, w, out, &name_off, err_off,
	    cause) != 0)
		return -1;
	if (w == NULL)
		threshold_iteration_scope(out);
	if (!out->iteration && (w == NULL || w->scope == THR_SCOPE_REQUEST))
		threshold_stream_scope(out);
	return threshold_scope_rules(out, name_off, ms, err_off, cause);
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

/* Where to look for the comparison: past an outcome's value, which may
 * hold any character. */
static size_t
threshold_op_search_from(const char *expr, size_t ls, size_t len)
{
	size_t d = threshold_outcome_at(expr, ls, len), end;

	if (d == SIZE_MAX || threshold_find_op(expr, ls) < d)
		return ls;
	end = threshold_outcome_end(expr, d + 9, len);
	return end != SIZE_MAX ? end : d + 9;
}

/* The operator at os into *op; *oe: where it ends. */
static int
threshold_parse_op(const char *expr, size_t os, enum thr_op *op, size_t *oe,
    size_t *err_off, char **cause)
{
	size_t e = os + 1;

	if (expr[os + 1] == '=')
		e++;
	if (strchr(THR_OP_CHARS, expr[e]) != NULL && expr[e] != '\0') {
		while (expr[e] != '\0' && strchr(THR_OP_CHARS, expr[e]))
			e++;
		return threshold_fail(err_off, os, cause, "unknown operator '%.*s'; "
		    "expected one of < <= > >= == !=", (int)(e - os), expr + os);
	}
	if (e - os == 1 && (expr[os] == '=' || expr[os] == '!'))
		return threshold_fail(err_off, os, cause, "unknown operator '%c'; "
		    "expected one of < <= > >= == != (equality is '==')",
		    expr[os]);
	if (expr[os] == '<')
		*op = e - os == 2 ? THR_LE : THR_LT;
	else if (expr[os] == '>')
		*op = e - os == 2 ? THR_GE : THR_GT;
	else
		*op = expr[os] == '=' ? THR_EQ : THR_NE;
	*oe = e;
	return 0;
}

int
threshold_parse(const char *expr, struct threshold *out, size_t *err_off,
    char **cause)
{
	size_t len = strlen(expr), ls, le, os, oe = 0, vs, ve, extra;
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

	os = threshold_find_op(expr, threshold_op_search_from(expr, ls, len));
	for (le = os; le > ls && threshold_blank(expr[le - 1]); le--)
		/* nothing */;
	if (os == len)
		return threshold_fail(err_off, ve, cause, "missing comparison after "
		    "'%.*s'; expected one of < <= > >= == !=, as in p95 < 50ms",
		    (int)(ve - ls), expr + ls);
	if (le == ls)
		return threshold_fail(err_off, ls, cause, "missing metric before "
		    "'%c'", expr[os]);
	if (threshold_parse_op(expr, os, &out->op, &oe, err_off, cause) != 0)
		return -1;
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

