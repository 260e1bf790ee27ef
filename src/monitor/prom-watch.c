#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "prom-watch.h"
#include "util.h"

struct prom_series {
	char *key;
	enum prom_type type;
	bool seen;			/* present in the latest scrape */
	bool has_prev;
	double prev;
	int64_t prev_us;
	struct prom_value v;
};

struct prom_watch {
	struct prom_selector *sel;
	size_t nsel;
	struct prom_series *s;
	size_t ns;
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

static struct prom_series *
prom_watch_series(struct prom_watch *w, const char *key)
{
	size_t i;

	for (i = 0; i < w->ns; i++) {
		if (strcmp(w->s[i].key, key) == 0)
			return &w->s[i];
	}
	w->s = xreallocarray(w->s, w->ns + 1, sizeof *w->s);
	memset(&w->s[w->ns], 0, sizeof *w->s);
	w->s[w->ns].key = xstrdup(key);
	return &w->s[w->ns++];
}

void
prom_watch_update(struct prom_watch *w, const struct prom_doc *d,
    int64_t now_us)
{
	struct prom_series *s;
	size_t i, j;
	char *key;
	double dt;

	for (i = 0; i < w->ns; i++)
		w->s[i].seen = false;
	for (i = 0; i < d->n; i++) {
		for (j = 0; j < w->nsel; j++) {
			if (prom_selector_match(&w->sel[j], &d->v[i]))
				break;
		}
		if (j == w->nsel)
			continue;
		xasprintf(&key, "%s%s", d->v[i].name, d->v[i].labels);
		s = prom_watch_series(w, key);
		free(key);
		s->seen = true;
		s->type = d->v[i].type;
		s->v.type = s->type;
		s->v.raw = d->v[i].value;
		s->v.is_rate = prom_counter_like(&d->v[i]);
		if (!s->v.is_rate) {
			s->v.value = d->v[i].value;
			s->v.valid = true;
		} else if (s->has_prev && now_us > s->prev_us) {
			dt = (now_us - s->prev_us) / 1e6;
			/* A counter that went down was reset: count from 0. */
			if (d->v[i].value >= s->prev)
				s->v.value = (d->v[i].value - s->prev) / dt;
			else
				s->v.value = d->v[i].value / dt;
			s->v.valid = true;
		}
		s->has_prev = true;
		s->prev = d->v[i].value;
		s->prev_us = now_us;
	}
	/* A series that vanished from the exposition has no value now. */
	for (i = 0; i < w->ns; i++) {
		if (!w->s[i].seen) {
			w->s[i].v.valid = false;
			w->s[i].has_prev = false;
		}
	}
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
