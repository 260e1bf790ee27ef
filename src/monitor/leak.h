/*
 * Memory leak fit: is the resident set of the target growing?
 *
 * Input is a series of points (time, RSS, completed requests).  The first
 * warm_up share of the points is dropped.  On the rest:
 *
 *   raw     least squares of every RSS point against time, for display;
 *   cycles  the saw-tooth of a collected heap (leak-cycles.h): the falls
 *           of RSS larger than its noise that give back most of what it
 *           gained since the last one, their period and depth;
 *   floor   the trend the verdict is taken on, against time and against
 *           requests: with min_cycles (3) collections or more, the
 *           troughs after them (the heap after each collection); with
 *           none, every point; with fewer, none yet;
 *   plateau a floor (or, with fewer collections, every point) that rose
 *           and then stayed flat (leak-plateau.h).
 *
 * Verdict, with the defaults of leak_params_default():
 *   inconclusive  fewer than min_points (8) points after warm-up; a span
 *                 under min_span_us (5 s); 1 or 2 collections (a
 *                 saw-tooth too slow for the span: it takes 3 to see
 *                 where the troughs go); a floor that levelled off too
 *                 recently to tell a plateau (under plateau_share, a
 *                 third, of the span); a floor that grew by at least
 *                 min_growth but whose fit explains it poorly (R^2 <
 *                 min_r2, 0.5).  need_s says how long the series must
 *                 run for a verdict, when that can be told;
 *   stable        a plateau after a warm-up, or a floor that grew by
 *                 less than min_growth (4 MB), or more but below every
 *                 rate below;
 *   leak          the floor grew by >= min_growth with R^2 >= min_r2 and
 *                 one of: growth >= max_growth (50 MB), slope >=
 *                 max_kb_per_min (1024 KB/min, ~1.4 GB/day), slope >=
 *                 max_bytes_per_request (1024 B) when requests are known.
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
	size_t min_points;
	int64_t min_span_us;
	int64_t min_growth;		/* bytes */
	int64_t max_growth;		/* bytes */
	double max_kb_per_min;
	double max_bytes_per_request;
	double min_r2;
	int64_t min_drop;		/* bytes: no smaller fall is a collection */
	double drop_noise;		/* ... nor one under this many noises */
	double min_give_back;		/* share of the gain a collection frees */
	unsigned min_cycles;		/* collections to fit the troughs */
	double plateau_slope;		/* flat: this share of the rise's slope */
	double plateau_share;		/* a plateau lasts this share of the span */
};

/* For a run's series: 4 samples a second or so, 10% warm-up. */
void	 leak_params_default(struct leak_params *);
/*
 * For a leak phase's points, one after each batch has settled, the first
 * before any request: no warm-up, 3 batches and no minimum span (each
 * point is already the settled memory of a batch).
 */
void	 leak_params_batches(struct leak_params *);
/* Least squares of y on x; n may be anything. */
void	 leak_line_fit(const double *x, const double *y, size_t n,
	     struct leak_line *);
void	 leak_fit(const struct leak_point *, size_t n,
	     const struct leak_params *, struct leak_fit *);

#endif
