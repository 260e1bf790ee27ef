#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom-watch.h"
#include "units.h"
#include "util.h"

struct prom_series {
	char *key;
	size_t sel;			/* the first selector to pick it */
	bool seen;			/* in the latest scrape */
	bool has_prev;			/* counters: prev is a value to count on from */
	double prev;
	int64_t prev_us;
	int64_t first_us;
	int64_t last_us;
	struct prom_value v;
};

struct prom_watch {
	struct prom_selector *sel;
	size_t nsel;
	struct prom_series *s;
	size_t ns;
	uint64_t scrapes;		/* fed so far */
	int64_t first_us;		/* the first one's time */
	int64_t prev_us;		/* the one before the latest */
};

struct prom_watch *
prom_watch_new(const char *const *selectors, size_t n, char **cause)
{
	struct prom_watch *w = xcalloc(1, sizeof *w);
	size_t i;

	w->sel = xcalloc(n, sizeof *w->sel);
	for (i = 0; i < n; i++) {
		if (prom_selector_parse(selectors[i], &w->sel[i], cause) != 0) {
			prom_watch_free(w);
			return NULL;
		}
		w->nsel++;
	}
	return w;
}

void
prom_watch_free(struct prom_watch *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nsel; i++)
		prom_selector_free(&w->sel[i]);
	for (i = 0; i < w->ns; i++) {
		free(w->s[i].key);
		free(w->s[i].v.series);
	}
	free(w->sel);
	free(w->s);
	free(w);
}

static bool
prom_counter_like(const struct prom_sample *s)
{
	size_t len = strlen(s->name);

	if (s->type == PROM_COUNTER)
		return true;
	if (s->type != PROM_HISTOGRAM && s->type != PROM_SUMMARY)
		return false;
	/* A summary's quantiles are gauges; _sum, _count, _bucket count. */
	return (len > 4 && strcmp(s->name + len - 4, "_sum") == 0) ||
	    (len > 6 && strcmp(s->name + len - 6, "_count") == 0) ||
	    (len > 7 && strcmp(s->name + len - 7, "_bucket") == 0);
}

/* The first selector that picks the sample, or nsel. */
static size_t
prom_watch_selector(const struct prom_watch *w, const struct prom_sample *s)
{
	size_t i;

	for (i = 0; i < w->nsel; i++) {
		if (prom_selector_match(&w->sel[i], s))
			break;
	}
	return i;
}

/* The series of key; a new one goes in the selectors' order, then the
 * series'. */
static struct prom_series *
prom_watch_series(struct prom_watch *w, const char *key, size_t sel)
{
	struct prom_series *s;
	size_t i, at = w->ns;

	for (i = 0; i < w->ns; i++) {
		if (strcmp(w->s[i].key, key) == 0)
			return &w->s[i];
		if (at == w->ns && (w->s[i].sel > sel || (w->s[i].sel == sel &&
		    strcmp(w->s[i].key, key) > 0)))
			at = i;
	}
	w->s = xreallocarray(w->s, w->ns + 1, sizeof *w->s);
	memmove(&w->s[at + 1], &w->s[at], (w->ns - at) * sizeof *w->s);
	w->ns++;
	s = &w->s[at];
	memset(s, 0, sizeof *s);
	s->key = xstrdup(key);
	s->sel = sel;
	return s;
}

/* Add what a counter counted since its previous value. */
static void
prom_fold_counter(const struct prom_watch *w, struct prom_series *s,
    double x, int64_t now_us)
{
	struct prom_value *v = &s->v;
	double inc;

	if (!v->valid && w->scrapes > 1) {
		/* Absent from the scrapes before: it counted from 0. */
		v->first = 0;
		s->first_us = w->first_us;
		s->has_prev = true;
		s->prev = 0;
		s->prev_us = w->prev_us;
	} else if (!v->valid) {
		v->first = x;
		s->first_us = now_us;
	}
	if (s->has_prev) {
		/* Lower than before: reset, and counting from 0 again. */
		inc = x >= s->prev ? x - s->prev : x;
		v->resets += x < s->prev;
		v->delta += inc;
		if (now_us > s->prev_us) {
			v->now_rate = inc / ((double)(now_us - s->prev_us) / 1e6);
			v->has_now_rate = true;
		}
	}
	s->has_prev = true;
	s->prev = x;
	s->prev_us = now_us;
}

static void
prom_fold(const struct prom_watch *w, struct prom_series *s,
    const struct prom_sample *sample, int64_t now_us)
{
	struct prom_value *v = &s->v;
	double x = sample->value;

	s->seen = true;
	v->type = sample->type;
	v->counter = prom_counter_like(sample);
	if (v->counter && !isfinite(x))
		return;			/* counts nothing */
	if (v->counter)
		prom_fold_counter(w, s, x, now_us);
	else if (!v->valid) {
		v->first = x;
		s->first_us = now_us;
	}
	/* fmin and fmax pass over a NaN gauge. */
	v->min = v->valid ? fmin(v->min, x) : x;
	v->max = v->valid ? fmax(v->max, x) : x;
	v->last = x;
	v->valid = v->present = true;
	v->scrapes++;
	s->last_us = now_us;
	if (!v->counter)
		v->delta = x - v->first;
	v->span_s = (double)(s->last_us - s->first_us) / 1e6;
	v->rate = v->span_s > 0 ? v->delta / v->span_s : 0;
}

void
prom_watch_update(struct prom_watch *w, const struct prom_doc *d,
    int64_t now_us)
{
	struct prom_series *s;
	size_t i, sel;
	char *key;

	if (w->scrapes++ == 0)
		w->first_us = now_us;
	for (i = 0; i < w->ns; i++) {
		w->s[i].seen = false;
		w->s[i].v.present = false;
		w->s[i].v.has_now_rate = false;
	}
	for (i = 0; i < d->n; i++) {
		if ((sel = prom_watch_selector(w, &d->v[i])) == w->nsel)
			continue;
		xasprintf(&key, "%s%s", d->v[i].name, d->v[i].labels);
		s = prom_watch_series(w, key, sel);
		free(key);
		/* A series given twice in one exposition: the first counts. */
		if (!s->seen)
			prom_fold(w, s, &d->v[i], now_us);
	}
	w->prev_us = now_us;
}

size_t
prom_watch_values(const struct prom_watch *w, struct prom_value **out)
{
	size_t i;

	*out = xcalloc(w->ns, sizeof **out);
	for (i = 0; i < w->ns; i++) {
		(*out)[i] = w->s[i].v;
		(*out)[i].series = xstrdup(w->s[i].key);
	}
	return w->ns;
}

void
prom_values_free(struct prom_value *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].series);
	free(v);
}

/* Three figures with a power of ten: "1.23e-7", "4.5e15". */
static char *
prom_format_exp(double x, char *buf, size_t len)
{
	char m[32];
	int e = (int)floor(log10(fabs(x)));
	double mant = x / pow(10, e);

	if (fabs(mant) >= 9.995) {
		mant /= 10;
		e++;
	}
	units_format_number(mant, 2, m, sizeof m);
	snprintf(buf, len, "%se%d", m, e);
	return buf;
}

char *
prom_format(double x, char *buf, size_t len)
{
	double a = fabs(x);

	if (isnan(x))
		snprintf(buf, len, "NaN");
	else if (isinf(x))
		snprintf(buf, len, "%sInf", x > 0 ? "+" : "-");
	else if (a != 0 && (a < 1e-6 || a >= 1e15))
		prom_format_exp(x, buf, len);
	else if (a >= 100 || x == trunc(x))
		units_format_number(x, 0, buf, len);
	else
		units_format_number(x, 2 - (int)floor(log10(a)), buf, len);
	return buf;
}

/* The dashboard's short form: "+32, 1.6/s now", "3, min 0, max 7". */
static void
prom_describe_live(const struct prom_value *v, char *buf, size_t len)
{
	char a[32], b[32], c[32];

	if (!v->counter)
		util_appendf(buf, len, "%s, min %s, max %s",
		    prom_format(v->last, a, sizeof a),
		    prom_format(v->min, b, sizeof b),
		    prom_format(v->max, c, sizeof c));
	else {
		util_appendf(buf, len, "+%s", prom_format(v->delta, a,
		    sizeof a));
		if (v->has_now_rate)
			util_appendf(buf, len, ", %s/s now", prom_format(
			    v->now_rate, a, sizeof a));
	}
}

static void
prom_describe_run(const struct prom_value *v, char *buf, size_t len)
{
	char a[32], b[32], c[32], d[32];

	if (!v->counter) {
		util_appendf(buf, len, "last %s, min %s, max %s",
		    prom_format(v->last, a, sizeof a),
		    prom_format(v->min, b, sizeof b),
		    prom_format(v->max, c, sizeof c));
		return;
	}
	util_appendf(buf, len, "delta %s, %s/s, from %s to %s",
	    prom_format(v->delta, a, sizeof a),
	    prom_format(v->rate, b, sizeof b),
	    prom_format(v->first, c, sizeof c),
	    prom_format(v->last, d, sizeof d));
	if (v->resets > 0)
		util_appendf(buf, len, ", %u reset%s", v->resets,
		    v->resets == 1 ? "" : "s");
}

char *
prom_value_describe(const struct prom_value *v, bool live, char *buf,
    size_t len)
{
	buf[0] = '\0';
	if (!v->valid)
		util_appendf(buf, len, "no value yet");
	else if (live)
		prom_describe_live(v, buf, len);
	else
		prom_describe_run(v, buf, len);
	if (v->valid && !v->present)
		util_appendf(buf, len, ", not in the last scrape");
	return buf;
}
