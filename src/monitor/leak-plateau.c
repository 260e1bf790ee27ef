#include "config.h"

#include <float.h>
#include <string.h>

#include "leak-plateau.h"
#include "util.h"

/* Candidate knees tried at most; more points are stepped over. */
#define KNEES 128

/* The squared distance of y[0..n) from the line l over x. */
static double
residue(const double *x, const double *y, size_t n,
    const struct leak_line *l)
{
	double sum = 0, e;
	size_t i;

	for (i = 0; i < n; i++) {
		e = y[i] - (l->slope * x[i] + l->intercept);
		sum += e * e;
	}
	return sum;
}

static double
highest(const double *v, size_t n)
{
	double hi = v[0];
	size_t i;

	for (i = 1; i < n; i++)
		hi = LT_MAX(hi, v[i]);
	return hi;
}

/*
 * From k on, RSS never rises tol above its level at k, and its last
 * quarter comes back to within tol of it: a fall there refilled to the
 * same level, unlike a heap just collected and filling again.
 */
static bool
level_from(const struct leak_series *s, size_t k, double tol)
{
	double tail_from = s->t[k] + 0.75 * (s->t[s->n - 1] - s->t[k]);
	size_t tail = s->n - 1;

	while (tail > k && s->t[tail - 1] >= tail_from)
		tail--;
	return highest(s->rss + k, s->n - k) - s->rss[k] < tol &&
	    highest(s->rss + tail, s->n - tail) > s->rss[k] - tol;
}

/*
 * Does the series level off at point k?  Returns the residue of the two
 * lines, before and after k, or -1 when it does not.
 */
static double
flat_from(const struct leak_series *s, size_t k, const struct leak_params *lp,
    double *rise)
{
	struct leak_line before, after;
	double span_before = s->t[k] - s->t[0];
	double span_after = s->t[s->n - 1] - s->t[k];
	double rate_before, rate_after;

	if (span_before <= 0 || span_after < lp->min_span_us / 1e6 ||
	    !level_from(s, k, (double)lp->min_growth))
		return -1;
	leak_line_fit(s->t, s->rss, k + 1, &before);
	leak_line_fit(s->t + k, s->rss + k, s->n - k, &after);
	if (!before.valid || !after.valid || before.slope <= 0 ||
	    before.slope * span_before < (double)lp->min_growth ||
	    after.slope * span_after >= (double)lp->min_growth ||
	    after.slope > lp->plateau_slope * before.slope)
		return -1;
	if (s->req_known) {
		rate_before = (s->req[k] - s->req[0]) / span_before;
		rate_after = (s->req[s->n - 1] - s->req[k]) / span_after;
		if (rate_after < 0.5 * rate_before)
			return -1;
	}
	*rise = before.slope * span_before;
	return residue(s->t, s->rss, k + 1, &before) +
	    residue(s->t + k, s->rss + k, s->n - k, &after);
}

/* Of the knees where it levels off, the one the two lines fit best. */
void
leak_plateau_find(const struct leak_series *s, const struct leak_params *lp,
    struct leak_plateau *pl)
{
	size_t k, step = LT_MAX(s->n / KNEES, (size_t)1);
	double best = DBL_MAX, res, rise = 0;

	memset(pl, 0, sizeof *pl);
	/* Two points before the knee at least, three after it. */
	for (k = 1; k + 3 <= s->n; k += step) {
		res = flat_from(s, k, lp, &rise);
		if (res < 0 || res >= best)
			continue;
		best = res;
		pl->found = true;
		pl->at = k;
		pl->rise = (int64_t)rise;
	}
	if (!pl->found)
		return;
	pl->flat_s = s->t[s->n - 1] - s->t[pl->at];
	pl->ceiling = (int64_t)highest(s->rss + pl->at, s->n - pl->at);
}
