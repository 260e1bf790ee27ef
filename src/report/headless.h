/* Headless output, read from snapshots only. */
#ifndef LT_HEADLESS_H
#define LT_HEADLESS_H

#include <stdbool.h>
#include <stdio.h>

#include "snapshot.h"

/* What the progress lines have shown so far; zero it to begin. */
struct headless_seen {
	bool any;			/* an interval was shown */
	double t;			/* the end of the last one shown */
	size_t alerts;
};

/* A line for each interval closed since the last call (its end, phase,
 * rps, p50/p95/p99, errors, 429s; the last, partial one marked), then
 * one for each alert raised since. */
void	 headless_progress(FILE *, const struct snapshot *,
	     struct headless_seen *);
/* The final table. */
void	 headless_summary(FILE *, const struct snapshot *);

#endif
