/*
 * Memory leak fit: is the resident set of the target growing?
 *
 * Input is a series of points (time, RSS, completed requests).  The first
 * warm_up share of the points is dropped.  Two fits are made on the rest:
 *
 *   raw     least squares of every RSS point against time, for display;
 *   floor   least squares of the per-window minima of RSS (the points are
 *           cut into `windows` equal spans of time and the lowest point
 *           of each span is kept), against time and against requests.
 *
 * The verdict is taken on the floor only, so a garbage-collected heap
 * whose RSS saw-tooths back to the same floor is `stable` as long as each
 * window holds at least one trough (saw-tooth period < span / windows).
 *
 * Verdict, with the defaults of leak_params_default():
 *   inconclusive  fewer than min_points (8) points after warm-up, a span
 *                 under min_span_us (5 s), or a floor that grew by at
 *                 least min_growth but whose fit explains it poorly
 *                 (R^2 < min_r2, 0.5);
 *   leak          the floor grew by >= min_growth (4 MB) with R^2 >=
 *                 min_r2 and one of: growth >= max_growth (50 MB),
 *                 slope >= max_kb_per_min (1024 KB/min, ~1.4 GB/day),
 *                 slope >= max_bytes_per_request (1024 B) when requests
 *                 are known;
 *   stable        otherwise.
 */
#ifndef LT_LEAK_H
#define LT_LEAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor-view.h"

struct leak_point {
	int64_t t_us;			/* monotonic */
	int64_t rss;			/* bytes */
	uint64_t requests;		/* completed so far; 0 if unknown */
};

struct leak_params {
	double warm_up;			/* share of points dropped, 0..0.9 */
	size_t windows;			/* floor windows, >= 2 */
	size_t min_points;
	int64_t min_span_us;
	int64_t min_growth;		/* bytes */
	int64_t max_growth;		/* bytes */
	double max_kb_per_min;
	double max_bytes_per_request;
	double min_r2;
};

void	 leak_params_default(struct leak_params *);
/* Least squares of y on x; n may be anything. */
void	 leak_line_fit(const double *x, const double *y, size_t n,
	     struct leak_line *);
void	 leak_fit(const struct leak_point *, size_t n,
	     const struct leak_params *, struct leak_fit *);

#endif
