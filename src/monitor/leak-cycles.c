#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "leak-cycles.h"
#include "util.h"

/* The falls of the zig-zag: from the crest at peak[i] to the low at low[i]. */
struct zigzag {
	size_t *peak;
	size_t *low;
	size_t n;
};

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n), which it sorts; 0 when n is 0. */
static int64_t
median_i64(int64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_i64);
	return n % 2 ? v[n / 2] : v[n / 2 - 1] / 2 + v[n / 2] / 2;
}

/*
 * The noise of the steps between samples: 1.4826 times their median
 * absolute deviation, the standard deviation were they Gaussian.  The
 * falls of a saw-tooth are too few to move it.
 */
static int64_t
step_noise(const struct leak_point *p, size_t n)
{
	int64_t *d = xcalloc(n, sizeof *d), mid, mad;
	size_t i;

	for (i = 1; i < n; i++)
		d[i - 1] = p[i].rss - p[i - 1].rss;
	mid = median_i64(d, n - 1);
	for (i = 0; i + 1 < n; i++)
		d[i] = llabs(d[i] - mid);
	mad = median_i64(d, n - 1);
	free(d);
	return (int64_t)(1.4826 * (double)mad);
}

static void
zigzag_add(struct zigzag *z, size_t peak, size_t low)
{
	z->peak[z->n] = peak;
	z->low[z->n++] = low;
}

/* Every turn of RSS by at least h, and the falls between the turns. */
static void
zigzag_find(const struct leak_point *p, size_t n, int64_t h,
    struct zigzag *z)
{
	size_t hi = 0, lo = 0, i;
	int dir = 0;			/* 1 rising, -1 falling, 0 not yet known */

	z->peak = xcalloc(n / 2 + 1, sizeof *z->peak);
	z->low = xcalloc(n / 2 + 1, sizeof *z->low);
	z->n = 0;
	for (i = 1; i < n; i++) {
		if (dir <= 0 && p[i].rss < p[lo].rss)
			lo = i;
		if (dir >= 0 && p[i].rss > p[hi].rss)
			hi = i;
		if (dir >= 0 && p[hi].rss - p[i].rss >= h) {
			dir = -1;
			lo = i;
		} else if (dir <= 0 && p[i].rss - p[lo].rss >= h) {
			if (dir < 0)
				zigzag_add(z, hi, lo);
			dir = 1;
			hi = i;
		}
	}
	/* A fall still under way at the end has its low so far. */
	if (dir < 0)
		zigzag_add(z, hi, lo);
}

/* The lowest RSS of p[from..to]. */
static int64_t
lowest(const struct leak_point *p, size_t from, size_t to)
{
	int64_t lo = p[from].rss;

	for (; from <= to; from++)
		lo = LT_MIN(lo, p[from].rss);
	return lo;
}

/*
 * A fall is a collection when it gives back at least min_give_back of
 * what RSS gained since the last collection's trough (or since the
 * lowest point before it): a leak's small dips give back little of a
 * long climb, a collector's falls most of the tooth.
 */
static void
count_collections(const struct leak_point *p, const struct zigzag *z,
    double min_give_back, struct leak_cycles *c)
{
	size_t i, since = 0;
	int64_t gain, depth;

	for (i = 0; i < z->n; i++) {
		gain = p[z->peak[i]].rss - lowest(p, since, z->peak[i]);
		depth = p[z->peak[i]].rss - p[z->low[i]].rss;
		if ((double)depth < min_give_back * (double)gain)
			continue;
		c->trough[c->n] = z->low[i];
		c->depth[c->n++] = depth;
		since = z->low[i];
	}
}

/* The median time between troughs and the median depth of the falls. */
static void
cycle_figures(const struct leak_point *p, struct leak_cycles *c)
{
	int64_t *v = xcalloc(c->n + 1, sizeof *v);
	size_t i;

	for (i = 1; i < c->n; i++)
		v[i - 1] = p[c->trough[i]].t_us - p[c->trough[i - 1]].t_us;
	if (c->n >= 2)
		c->period_s = median_i64(v, c->n - 1) / 1e6;
	memcpy(v, c->depth, c->n * sizeof *v);
	c->median_depth = median_i64(v, c->n);
	free(v);
}

void
leak_cycles_find(const struct leak_point *p, size_t n,
    const struct leak_params *lp, struct leak_cycles *c)
{
	struct zigzag z;

	memset(c, 0, sizeof *c);
	c->trough = xcalloc(n / 2 + 1, sizeof *c->trough);
	c->depth = xcalloc(n / 2 + 1, sizeof *c->depth);
	if (n < 3)
		return;
	c->threshold = LT_MAX(LT_MAX(lp->min_drop, (int64_t)1),
	    (int64_t)(lp->drop_noise * (double)step_noise(p, n)));
	zigzag_find(p, n, c->threshold, &z);
	count_collections(p, &z, lp->min_give_back, c);
	cycle_figures(p, c);
	free(z.peak);
	free(z.low);
}

void
leak_cycles_free(struct leak_cycles *c)
{
	free(c->trough);
	free(c->depth);
	memset(c, 0, sizeof *c);
}
