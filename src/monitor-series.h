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

struct mseries_point {
	int64_t t_us;			/* mean time of the samples */
	int64_t t_first_us;
	int64_t t_last_us;
	unsigned nsamples;
	double cpu;			/* mean, top style */
	double cpu_max;
	int64_t rss;			/* mean, bytes */
	int64_t rss_min;
	int64_t rss_max;
	int64_t vsz;			/* mean */
	int threads;			/* max */
	int fds;			/* max */
	int nprocs;			/* last */
	uint64_t requests;		/* completed, at the last sample */
};

struct mseries {
	struct mseries_point *v;
	size_t n;
	size_t cap;
	unsigned stride;		/* samples per point */
	struct mseries_point pending;	/* filling up to stride samples */
};

/* cap is rounded up to an even number >= 4. */
void	 mseries_init(struct mseries *, size_t cap);
void	 mseries_free(struct mseries *);
/* Add one sample (its nsamples is taken as 1). */
void	 mseries_add(struct mseries *, const struct mseries_point *);
/* Copy every point, the partly filled one last; returns the count. */
size_t	 mseries_copy(const struct mseries *, struct mseries_point **out);

#endif
