#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "monitor-series.h"
#include "util.h"

void
monitor_series_init(struct mseries *s, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->cap = LT_MAX(cap, (size_t)4);
	s->cap += s->cap % 2;
	s->v = xcalloc(s->cap, sizeof *s->v);
	s->stride = 1;
}

void
monitor_series_free(struct mseries *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* Fold b into a, weighting means by sample counts. */
static void
monitor_series_merge(struct mseries_point *a, const struct mseries_point *b)
{
	double wa, wb;

	if (a->nsamples == 0) {
		*a = *b;
		return;
	}
	wa = a->nsamples;
	wb = b->nsamples;
	a->t_us = (int64_t)((a->t_us * wa + b->t_us * wb) / (wa + wb));
	a->cpu = (a->cpu * wa + b->cpu * wb) / (wa + wb);
	a->rss = (int64_t)((a->rss * wa + b->rss * wb) / (wa + wb));
	a->vsz = (int64_t)((a->vsz * wa + b->vsz * wb) / (wa + wb));
	a->cpu_max = LT_MAX(a->cpu_max, b->cpu_max);
	a->rss_min = LT_MIN(a->rss_min, b->rss_min);
	a->rss_max = LT_MAX(a->rss_max, b->rss_max);
	a->threads = LT_MAX(a->threads, b->threads);
	a->fds = LT_MAX(a->fds, b->fds);
	a->t_first_us = LT_MIN(a->t_first_us, b->t_first_us);
	a->t_last_us = LT_MAX(a->t_last_us, b->t_last_us);
	a->nprocs = b->nprocs;
	a->requests = b->requests;
	a->nsamples += b->nsamples;
}

static void
monitor_series_halve(struct mseries *s)
{
	size_t i;

	for (i = 0; i + 1 < s->n; i += 2) {
		s->v[i / 2] = s->v[i];
		monitor_series_merge(&s->v[i / 2], &s->v[i + 1]);
	}
	if (s->n % 2)
		s->v[i / 2] = s->v[i];
	s->n = (s->n + 1) / 2;
	s->stride *= 2;
}

void
monitor_series_add(struct mseries *s, const struct mseries_point *p)
{
	struct mseries_point one = *p;

	one.nsamples = 1;
	one.t_first_us = one.t_last_us = one.t_us;
	one.cpu_max = one.cpu;
	one.rss_min = one.rss_max = one.rss;
	monitor_series_merge(&s->pending, &one);
	if (s->pending.nsamples < s->stride)
		return;
	if (s->n == s->cap)
		monitor_series_halve(s);
	s->v[s->n++] = s->pending;
	memset(&s->pending, 0, sizeof s->pending);
}

size_t
monitor_series_copy(const struct mseries *s, struct mseries_point **out)
{
	size_t n = s->n;

	*out = xcalloc(n + 1, sizeof **out);
	memcpy(*out, s->v, n * sizeof **out);
	if (s->pending.nsamples > 0)
		(*out)[n++] = s->pending;
	return n;
}
