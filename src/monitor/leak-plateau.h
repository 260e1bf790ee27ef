/*
 * A plateau after a warm-up: RSS (or its troughs) grew, then stopped.
 *
 * The series is cut in two at a knee; the part after the knee is flat
 * when it never rises min_growth above the knee and ends back within
 * that of it (a saw-tooth that fills back to the same level is flat, a
 * heap still filling after a collection is not), its fit grows by less
 * than min_growth, at most plateau_slope times as steeply as the part
 * before, which itself grew by at least min_growth, and, when requests
 * are counted, while they kept coming at least half as fast as before (a
 * leak that stops with the load is not a plateau).  Of such knees, the
 * one where the two lines fit best is the plateau's start.
 */
#ifndef LT_LEAK_PLATEAU_H
#define LT_LEAK_PLATEAU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leak.h"

/* The points a fit is made on, as plain numbers. */
struct leak_series {
	double *t;			/* seconds from the first used point */
	double *rss;			/* bytes */
	double *req;			/* requests completed */
	size_t n;
	bool req_known;			/* requests grew over the points */
};

struct leak_plateau {
	bool found;
	size_t at;			/* index of its first point */
	double flat_s;			/* from there to the last point */
	int64_t ceiling;		/* the highest RSS there, bytes */
	int64_t rise;			/* what the fit before it grew, bytes */
};

void	 leak_plateau_find(const struct leak_series *,
	     const struct leak_params *, struct leak_plateau *);

#endif
