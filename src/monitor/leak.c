#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leak-cycles.h"
#include "leak-plateau.h"
#include "leak.h"
#include "units.h"
#include "util.h"

#define MB (1024 * 1024)

void
leak_params_default(struct leak_params *p)
{
	p->warm_up = 0.10;
	p->min_points = 8;
	p->min_span_us = 5 * 1000000LL;
	p->min_growth = 4 * MB;
	p->max_growth = 50 * MB;
	p->max_kb_per_min = 1024;
	p->max_bytes_per_request = 1024;
	p->min_r2 = 0.5;
	p->min_drop = 1 * MB;
	p->drop_noise = 5;
	p->min_give_back = 0.5;
	p->min_cycles = 3;
	p->plateau_slope = 0.2;
	p->plateau_share = 1.0 / 3;
}

void
leak_params_batches(struct leak_params *p)
{
	leak_params_default(p);
	p->warm_up = 0;
	p->min_points = 4;
	p->min_span_us = 0;
}

const char *
leak_verdict_name(enum leak_verdict v)
{
	switch (v) {
	case LEAK_LEAK:
		return "leak";
	case LEAK_STABLE:
		return "stable";
	case LEAK_INCONCLUSIVE:
		break;
	}
	return "inconclusive";
}

void
leak_line_fit(const double *x, const double *y, size_t n,
    struct leak_line *l)
{
	double mx = 0, my = 0, sxx = 0, sxy = 0, syy = 0;
	size_t i;

	memset(l, 0, sizeof *l);
	l->n = n;
	if (n < 2)
		return;
	for (i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= n;
	my /= n;
	/* Centred sums: no cancellation with large timestamps or RSS. */
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (sxx <= 0)
		return;
	l->valid = true;
	l->slope = sxy / sxx;
	l->intercept = my - l->slope * mx;
	if (syy <= 0)
		l->r2 = 1;
	else
		l->r2 = (sxy * sxy) / (sxx * syy);
}

/*
 * The n points the floor is fitted on, p[idx[i]] (p[i] without idx), in
 * seconds from t0_us.
 */
static void
series_of(const struct leak_point *p, const size_t *idx, size_t n,
    int64_t t0_us, struct leak_series *s)
{
	const struct leak_point *q;
	size_t i;

	s->t = xcalloc(n + 1, sizeof *s->t);
	s->rss = xcalloc(n + 1, sizeof *s->rss);
	s->req = xcalloc(n + 1, sizeof *s->req);
	s->n = n;
	for (i = 0; i < n; i++) {
		q = &p[idx != NULL ? idx[i] : i];
		s->t[i] = (double)(q->t_us - t0_us) / 1e6;
		s->rss[i] = (double)q->rss;
		s->req[i] = (double)q->requests;
	}
	s->req_known = n > 1 && s->req[n - 1] > s->req[0];
}

static void
series_free(struct leak_series *s)
{
	free(s->t);
	free(s->rss);
	free(s->req);
	memset(s, 0, sizeof *s);
}

/* Least squares of every used RSS point against time, for display. */
static void
fit_raw(const struct leak_point *p, size_t n, struct leak_fit *f)
{
	struct leak_series s;

	series_of(p, NULL, n, p[0].t_us, &s);
	leak_line_fit(s.t, s.rss, n, &f->raw);
	series_free(&s);
}

/*
 * The floor: s's points from `from` on, against time and, when the
 * engine counted requests, against requests; span_s is what its growth
 * is told over.
 */
static void
fit_floor(const struct leak_series *s, size_t from, double span_s,
    struct leak_fit *f)
{
	leak_line_fit(s->t + from, s->rss + from, s->n - from, &f->floor);
	if (s->req_known && s->req[s->n - 1] > s->req[from]) {
		leak_line_fit(s->req + from, s->rss + from, s->n - from,
		    &f->per_request);
		if (f->per_request.valid)
			f->bytes_per_request = f->per_request.slope;
	}
	f->kb_per_min = f->floor.slope * 60 / 1024;
	f->floor_growth = (int64_t)(f->floor.slope * span_s);
}

/*
 * How long the whole series must last for its used part (after the
 * warm-up, which grows with it) to span used_s; whole seconds.
 */
static double
run_for(const struct leak_params *lp, double used_s)
{
	double keep = 1 - LT_MAX(0.0, LT_MIN(lp->warm_up, 0.9));

	return ceil(used_s / keep);
}

static const char *
fmt_size(double bytes, char *buf, size_t len)
{
	return units_format_size((int64_t)llround(bytes), buf, len);
}

/* The floor grew by min_growth, steadily: fast enough to be a leak? */
static void
judge_rates(struct leak_fit *f, const struct leak_params *lp,
    const char *over)
{
	char a[32], b[32], rate[80];
	bool per_req = f->per_request.valid;

	if (per_req)
		snprintf(rate, sizeof rate, "%s/min, %s/request",
		    fmt_size(f->kb_per_min * 1024, a, sizeof a),
		    fmt_size(f->bytes_per_request, b, sizeof b));
	else
		snprintf(rate, sizeof rate, "%s/min",
		    fmt_size(f->kb_per_min * 1024, a, sizeof a));
	f->verdict = LEAK_LEAK;
	if (f->floor_growth >= lp->max_growth)
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grew %s (>= %s)%s, %s",
		    fmt_size((double)f->floor_growth, a, sizeof a),
		    fmt_size((double)lp->max_growth, b, sizeof b), over, rate);
	else if (f->kb_per_min >= lp->max_kb_per_min)
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grows %s%s (>= %s/min)", rate, over,
		    fmt_size(lp->max_kb_per_min * 1024, a, sizeof a));
	else if (per_req && f->bytes_per_request >= lp->max_bytes_per_request)
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grows %s%s (>= %s/request)", rate, over,
		    fmt_size(lp->max_bytes_per_request, a, sizeof a));
	else {
		f->verdict = LEAK_STABLE;
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grew %s%s, below the rate thresholds",
		    fmt_size((double)f->floor_growth, a, sizeof a), over);
	}
}

/* The verdict on the floor's fit. */
static void
judge_floor(struct leak_fit *f, const struct leak_params *lp)
{
	char over[48] = "", a[32], b[32];

	if (f->troughs)
		snprintf(over, sizeof over, " over %u collections", f->cycles);
	if (!f->floor.valid) {
		snprintf(f->reason, sizeof f->reason, "no floor to fit");
		return;
	}
	fmt_size((double)f->floor_growth, a, sizeof a);
	if (f->floor_growth < lp->min_growth) {
		f->verdict = LEAK_STABLE;
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grew %s%s (< %s)", a, over,
		    fmt_size((double)lp->min_growth, b, sizeof b));
		return;
	}
	if (f->floor.r2 < lp->min_r2) {
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grew %s%s but not steadily (R^2 %.2f)", a, over,
		    f->floor.r2);
		return;
	}
	judge_rates(f, lp, over);
}

/*
 * The floor levelled off: stable when it has stayed flat long enough,
 * else how much longer to run.  The floor's fit is the flat part's.
 */
static void
judge_plateau(struct leak_fit *f, const struct leak_params *lp,
    const struct leak_series *s, const struct leak_plateau *pl)
{
	double share = LT_MIN(lp->plateau_share, 0.9), more;
	const char *what = f->troughs ? "RSS troughs" : "RSS";
	char a[32], b[32];

	memset(&f->per_request, 0, sizeof f->per_request);
	f->bytes_per_request = 0;
	/* Across a collection a line says nothing: no floor then. */
	if (f->cycles == 0 || f->troughs)
		fit_floor(s, pl->at, pl->flat_s, f);
	f->plateau = true;
	f->plateau_s = pl->flat_s;
	f->plateau_rss = pl->ceiling;
	fmt_size((double)pl->ceiling, a, sizeof a);
	if (pl->flat_s >= share * f->span_s) {
		f->verdict = LEAK_STABLE;
		snprintf(f->reason, sizeof f->reason, "%s stayed under %s for "
		    "the last %.0fs, after growing %s", what, a, pl->flat_s,
		    fmt_size((double)pl->rise, b, sizeof b));
		return;
	}
	/* Flat for (flat + more) of (span + more) at the least. */
	more = (share * f->span_s - pl->flat_s) / (1 - share);
	f->need_s = run_for(lp, f->span_s + more);
	snprintf(f->reason, sizeof f->reason, "%s stayed under %s for only "
	    "%.0fs: run at least %.0fs to tell a plateau", what, a, pl->flat_s,
	    f->need_s);
}

/*
 * One or two collections: too few to see where the troughs go.  Run
 * until min_cycles have been seen, at the period seen so far; with one,
 * the period is at least as long as either side of it.
 */
static void
judge_few_cycles(struct leak_fit *f, const struct leak_params *lp,
    const struct leak_point *p, const struct leak_cycles *cy)
{
	double last = (double)(p[cy->trough[cy->n - 1]].t_us - p[0].t_us) /
	    1e6, period = cy->period_s, used;

	if (cy->n == 1)
		period = LT_MAX(last, f->span_s - last);
	used = LT_MAX(lp->min_cycles * period,
	    last + (lp->min_cycles - cy->n) * period);
	if (used <= f->span_s)
		used = f->span_s + period;
	f->need_s = run_for(lp, used);
	if (cy->n == 1)
		snprintf(f->reason, sizeof f->reason, "one collection in "
		    "%.0fs, a saw-tooth of %.0fs or more: run at least %.0fs",
		    f->span_s, period, f->need_s);
	else
		snprintf(f->reason, sizeof f->reason, "%zu collections, a "
		    "saw-tooth of about %.0fs: run at least %.0fs", cy->n,
		    period, f->need_s);
}

/*
 * The floor's points: the troughs after enough collections, else every
 * point.  With too few collections only a plateau can be told.
 */
static void
judge_series(struct leak_fit *f, const struct leak_params *lp,
    const struct leak_point *p, size_t n, const struct leak_cycles *cy)
{
	bool few = cy->n > 0 && cy->n < lp->min_cycles;
	struct leak_plateau pl;
	struct leak_series s;

	f->troughs = cy->n >= lp->min_cycles && cy->n > 0;
	if (f->troughs)
		series_of(p, cy->trough, cy->n, p[0].t_us, &s);
	else
		series_of(p, NULL, n, p[0].t_us, &s);
	if (!few)
		fit_floor(&s, 0, f->span_s, f);
	if (f->span_s < lp->min_span_us / 1e6) {
		f->need_s = run_for(lp, lp->min_span_us / 1e6);
		snprintf(f->reason, sizeof f->reason, "span %.1fs is shorter "
		    "than %.1fs: run at least %.0fs", f->span_s,
		    lp->min_span_us / 1e6, f->need_s);
		series_free(&s);
		return;
	}
	leak_plateau_find(&s, lp, &pl);
	if (pl.found && (!few || pl.flat_s >= lp->plateau_share * f->span_s))
		judge_plateau(f, lp, &s, &pl);
	else if (few)
		judge_few_cycles(f, lp, p, cy);
	else
		judge_floor(f, lp);
	series_free(&s);
}

void
leak_fit(const struct leak_point *pts, size_t n, const struct leak_params *lp,
    struct leak_fit *f)
{
	const struct leak_point *p;
	struct leak_cycles cy;
	size_t skip;

	memset(f, 0, sizeof *f);
	f->verdict = LEAK_INCONCLUSIVE;
	f->npoints = n;
	if (n > 0)
		f->growth = pts[n - 1].rss - pts[0].rss;

	skip = (size_t)(n * LT_MAX(0.0, LT_MIN(lp->warm_up, 0.9)));
	p = pts + skip;
	f->nused = n - skip;
	if (f->nused < 2 || f->nused < lp->min_points) {
		snprintf(f->reason, sizeof f->reason,
		    "%zu points after warm-up, need %zu", f->nused,
		    lp->min_points);
		return;
	}
	f->span_s = (double)(p[f->nused - 1].t_us - p[0].t_us) / 1e6;
	fit_raw(p, f->nused, f);
	leak_cycles_find(p, f->nused, lp, &cy);
	f->cycles = (unsigned)cy.n;
	f->cycle_period_s = cy.period_s;
	f->cycle_depth = cy.median_depth;
	judge_series(f, lp, p, f->nused, &cy);
	leak_cycles_free(&cy);
}
