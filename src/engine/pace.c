/* Exact integration of a piecewise linear request rate. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "pace.h"
#include "util.h"

static double share_of(const struct pace *s);

void
pace_init(struct pace *s, int64_t origin_ns, double share, double offset)
{
	s->origin_ns = origin_ns;
	s->seg = NULL;
	s->nseg = s->cap = 0;
	s->share = share;
	s->factor = 1.0;
	s->cursor_ns = 0;
	/* The first start of a thread with offset o comes after o requests'
	 * worth of its own rate, which interleaves the threads. */
	s->need = offset;
}

static double
share_of(const struct pace *s)
{
	return s->share * s->factor;
}

int
pace_add(struct pace *s, int64_t duration_ns, double r0, double r1)
{
	int64_t start = s->nseg ? s->seg[s->nseg - 1].end_ns : 0;

	if (duration_ns <= 0)
		return -1;
	if (s->nseg == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4;
		s->seg = xreallocarray(s->seg, s->cap, sizeof *s->seg);
	}
	s->seg[s->nseg].start_ns = start;
	s->seg[s->nseg].end_ns = start + duration_ns;
	s->seg[s->nseg].r0 = r0 < 0 ? 0 : r0;
	s->seg[s->nseg].r1 = r1 < 0 ? 0 : r1;
	s->nseg++;
	return 0;
}

void
pace_clear(struct pace *s)
{
	free(s->seg);
	s->seg = NULL;
	s->nseg = s->cap = 0;
}

int64_t
pace_end(const struct pace *s)
{
	return s->nseg ? s->origin_ns + s->seg[s->nseg - 1].end_ns : s->origin_ns;
}

void
pace_set_factor(struct pace *s, double factor)
{
	s->factor = factor;
}

void
pace_shift(struct pace *s, int64_t delta_ns)
{
	s->origin_ns += delta_ns;
}

double
pace_rate_at(const struct pace *s, int64_t t_ns)
{
	int64_t t = t_ns - s->origin_ns;
	size_t i;

	for (i = 0; i < s->nseg; i++) {
		const struct pace_seg *g = &s->seg[i];

		if (t >= g->start_ns && t < g->end_ns) {
			double f = (double)(t - g->start_ns) /
			    (double)(g->end_ns - g->start_ns);

			return share_of(s) * (g->r0 + (g->r1 - g->r0) * f);
		}
	}
	return 0;
}

/*
 * Within segment g, rate r(x) = a + b*x (x in seconds from the segment's
 * start).  Find y >= x0 with integral from x0 to y of r = need, or return
 * -1 when the segment ends first (and reduce *need by what it holds).
 */
static double
solve_in_segment(double a, double b, double x0, double len, double *need)
{
	double avail, c, disc, y;

	avail = a * (len - x0) + b / 2 * (len * len - x0 * x0);
	if (avail < *need) {
		*need -= avail;
		return -1;
	}
	/* b/2 y^2 + a y - (a x0 + b/2 x0^2 + need) = 0 */
	c = a * x0 + b / 2 * x0 * x0 + *need;
	if (fabs(b) < 1e-12)
		y = a > 0 ? c / a : len;
	else {
		disc = a * a + 2 * b * c;
		if (disc < 0)
			disc = 0;
		/* The root that is >= x0 (a + b y = sqrt(disc) >= 0). */
		y = (sqrt(disc) - a) / b;
	}
	if (y < x0)
		y = x0;
	if (y > len)
		y = len;
	*need = 0;
	return y;
}

int64_t
pace_next(struct pace *s)
{
	double need = s->need, k = share_of(s);
	size_t i;

	for (i = 0; i < s->nseg; i++) {
		const struct pace_seg *g = &s->seg[i];
		double len, x0, a, b, y;

		if (s->cursor_ns >= g->end_ns)
			continue;
		len = (double)(g->end_ns - g->start_ns) / 1e9;
		x0 = s->cursor_ns > g->start_ns ?
		    (double)(s->cursor_ns - g->start_ns) / 1e9 : 0;
		a = k * g->r0;
		b = k * (g->r1 - g->r0) / len;
		/* A start that is due at once still needs a rate above 0. */
		if (need < 1e-9)
			need = 1e-9;
		if ((y = solve_in_segment(a, b, x0, len, &need)) < 0)
			continue;
		s->cursor_ns = g->start_ns + (int64_t)llround(y * 1e9);
		if (s->cursor_ns >= g->end_ns && i == s->nseg - 1)
			break;
		s->need = 1.0;
		return s->origin_ns + s->cursor_ns;
	}
	s->cursor_ns = s->nseg ? s->seg[s->nseg - 1].end_ns : 0;
	s->need = need;
	return INT64_MAX;
}
