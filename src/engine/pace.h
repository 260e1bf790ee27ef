/*
 * The open model's schedule: when each request is due.  The rate is a
 * piecewise linear function of time (a constant for sustained and soak,
 * linear stages for ramp), integrated exactly, so a ramp from 0 starts
 * gently and a thread never drifts from its share of the global rate.
 */
#ifndef LT_PACE_H
#define LT_PACE_H

#include <stddef.h>
#include <stdint.h>

struct pace_seg {
	int64_t start_ns;		/* relative to the schedule's origin */
	int64_t end_ns;
	double r0, r1;			/* rate at start and end, req/s */
};

/*
 * A copy of a pace shares its segments, read-only; the pace they were
 * added to owns them and frees them with pace_clear once no copy runs.
 */
struct pace {
	int64_t origin_ns;		/* absolute CLOCK_MONOTONIC */
	struct pace_seg *seg;
	size_t nseg;
	size_t cap;
	double share;			/* this thread's fraction of the rate */
	double factor;			/* live scaling, 1.0 by default */
	int64_t cursor_ns;		/* relative time of the last start */
	double need;			/* requests still to accrue before next */
};

/*
 * share: this thread's fraction of the global rate; offset (0..1) staggers
 * the threads' first starts so they interleave.
 */
void	 pace_init(struct pace *, int64_t origin_ns, double share,
	     double offset);
/* Append a segment of the given length going from rate r0 to r1; -1
 * (and nothing added) when the length is not above 0. */
int	 pace_add(struct pace *, int64_t duration_ns, double r0, double r1);
/* Free the segments of a pace that pace_add built. */
void	 pace_clear(struct pace *);
/* The absolute time of the next start, or INT64_MAX when none is left. */
int64_t	 pace_next(struct pace *);
/* Rate (req/s, this thread's share, scaled) at absolute time t. */
double	 pace_rate_at(const struct pace *, int64_t t_ns);
void	 pace_set_factor(struct pace *, double factor);
/* Move the whole schedule later (after a pause). */
void	 pace_shift(struct pace *, int64_t delta_ns);
int64_t	 pace_end(const struct pace *);	/* absolute */

#endif
