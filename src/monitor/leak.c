#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leak.h"
#include "util.h"

#define MB (1024 * 1024)

void
leak_params_default(struct leak_params *p)
{
	p->warm_up = 0.10;
	p->windows = 8;
	p->min_points = 8;
	p->min_span_us = 5 * 1000000LL;
	p->min_growth = 4 * MB;
	p->max_growth = 50 * MB;
	p->max_kb_per_min = 1024;
	p->max_bytes_per_request = 1024;
	p->min_r2 = 0.5;
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

/* Keep the lowest point of each of nw equal spans of time. */
static size_t
leak_floors(const struct leak_point *p, size_t n, size_t nw,
    struct leak_point *out)
{
	int64_t t0 = p[0].t_us, span = p[n - 1].t_us - p[0].t_us;
	size_t i, w, nout = 0, cur = (size_t)-1;

	for (i = 0; i < n; i++) {
		w = span > 0 ? (size_t)((double)(p[i].t_us - t0) * nw / span) : 0;
		if (w >= nw)
			w = nw - 1;
		if (w != cur) {
			out[nout++] = p[i];
			cur = w;
		} else if (p[i].rss < out[nout - 1].rss)
			out[nout - 1] = p[i];
	}
	return nout;
}

/* Least squares of every used RSS point against time, for display. */
static void
leak_fit_raw(const struct leak_point *p, size_t n, struct leak_fit *f)
{
	double *x = xcalloc(n, sizeof *x), *y = xcalloc(n, sizeof *y);
	double t0 = p[0].t_us / 1e6;
	size_t i;

	for (i = 0; i < n; i++) {
		x[i] = p[i].t_us / 1e6 - t0;
		y[i] = (double)p[i].rss;
	}
	leak_line_fit(x, y, n, &f->raw);
	free(x);
	free(y);
}

/*
 * Least squares of the window floors against time and, when the engine
 * counted requests, against requests; returns whether it did.
 */
static bool
leak_fit_floor(const struct leak_point *p, size_t n, size_t windows,
    struct leak_fit *f)
{
	size_t nw = LT_MAX(windows, (size_t)2), nfl, i;
	struct leak_point *fl = xcalloc(nw, sizeof *fl);
	double *x = xcalloc(nw, sizeof *x), *y = xcalloc(nw, sizeof *y);
	double t0 = p[0].t_us / 1e6;
	bool req_known;

	nfl = leak_floors(p, n, nw, fl);
	for (i = 0; i < nfl; i++) {
		x[i] = fl[i].t_us / 1e6 - t0;
		y[i] = (double)fl[i].rss;
	}
	leak_line_fit(x, y, nfl, &f->floor);
	req_known = fl[nfl - 1].requests > fl[0].requests;
	if (req_known) {
		for (i = 0; i < nfl; i++)
			x[i] = (double)fl[i].requests;
		leak_line_fit(x, y, nfl, &f->per_request);
		if (f->per_request.valid)
			f->bytes_per_request = f->per_request.slope;
	}
	free(fl);
	free(x);
	free(y);
	return req_known;
}

/* The floor grew by min_growth, steadily: fast enough to be a leak? */
static void
leak_judge_growth(struct leak_fit *f, const struct leak_params *lp,
    bool req_known)
{
	double mb = f->floor_growth / (double)MB;

	f->verdict = LEAK_LEAK;
	if (f->floor_growth >= lp->max_growth)
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grew %.1fMB (>= %.1fMB)", mb,
		    lp->max_growth / (double)MB);
	else if (f->kb_per_min >= lp->max_kb_per_min)
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grows %.0fKB/min (>= %.0fKB/min)",
		    f->kb_per_min, lp->max_kb_per_min);
	else if (req_known && f->bytes_per_request >= lp->max_bytes_per_request)
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grows %.0fB/request (>= %.0fB/request)",
		    f->bytes_per_request, lp->max_bytes_per_request);
	else {
		f->verdict = LEAK_STABLE;
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grew %.1fMB, below the rate thresholds", mb);
	}
}

/* The verdict on the floor fit over span_us, and one line saying why. */
static void
leak_judge(struct leak_fit *f, const struct leak_params *lp, int64_t span_us,
    bool req_known)
{
	double mb = f->floor_growth / (double)MB;

	if (span_us < lp->min_span_us) {
		snprintf(f->reason, sizeof f->reason,
		    "span %.1fs is shorter than %.1fs", f->span_s,
		    lp->min_span_us / 1e6);
		return;
	}
	if (!f->floor.valid) {
		snprintf(f->reason, sizeof f->reason, "no floor to fit");
		return;
	}
	if (f->floor_growth < lp->min_growth) {
		f->verdict = LEAK_STABLE;
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grew %.1fMB (< %.1fMB)", mb,
		    lp->min_growth / (double)MB);
		return;
	}
	if (f->floor.r2 < lp->min_r2) {
		snprintf(f->reason, sizeof f->reason,
		    "RSS floor grew %.1fMB but not steadily (R^2 %.2f)", mb,
		    f->floor.r2);
		return;
	}
	leak_judge_growth(f, lp, req_known);
}

void
leak_fit(const struct leak_point *pts, size_t n, const struct leak_params *lp,
    struct leak_fit *f)
{
	const struct leak_point *p;
	int64_t span_us;
	bool req_known;
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
	span_us = p[f->nused - 1].t_us - p[0].t_us;
	f->span_s = span_us / 1e6;

	leak_fit_raw(p, f->nused, f);
	req_known = leak_fit_floor(p, f->nused, lp->windows, f);
	f->kb_per_min = f->floor.slope * 60 / 1024;
	f->floor_growth = (int64_t)(f->floor.slope * f->span_s);
	leak_judge(f, lp, span_us, req_known);
}
