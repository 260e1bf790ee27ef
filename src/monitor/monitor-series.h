/*
 * The monitor's time series, in bounded memory.  It holds at most `cap`
 * points; when full, adjacent pairs are merged, halving the resolution,
 * and from then on each point stands for twice as many samples.  A merged
 * point keeps the mean of each figure and the min and max of RSS and the
 * max of CPU, so short peaks survive any amount of merging.
 */
#ifndef LT_MONITOR_SERIES_H
#define LT_MONITOR_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "monitor-view.h"

struct mseries {
	struct mseries_point *v;
	size_t n;
	size_t cap;
	unsigned stride;		/* samples per point */
	struct mseries_point pending;	/* filling up to stride samples */
};

/* cap is rounded up to an even number >= 4. */
void	 monitor_series_init(struct mseries *, size_t cap);
void	 monitor_series_free(struct mseries *);
/* Add one sample (its nsamples is taken as 1). */
void	 monitor_series_add(struct mseries *, const struct mseries_point *);
/* Copy every point, the partly filled one last; returns the count. */
size_t	 monitor_series_copy(const struct mseries *, struct mseries_point **out);

#endif
