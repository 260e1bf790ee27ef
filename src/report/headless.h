/* Headless output, read from snapshots only. */
#ifndef LT_HEADLESS_H
#define LT_HEADLESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "snapshot.h"

/* What the progress lines have shown so far; zero it to begin. */
struct headless_seen {
	bool any;			/* an interval was shown */
	double t;			/* the end of the last one shown */
	size_t alerts;
};

/* A line for each interval closed since the last call (its end, phase,
 * rps, p50/p95/p99, errors, 429s, each watched process's CPU and RSS;
 * in a connections phase, streams open, connecting and dropped, and
 * messages and events a second; the last, partial one marked), or in a
 * session without load a line per process and interval; then one for
 * each alert raised since. */
void	 headless_progress(FILE *, const struct snapshot *,
	     struct headless_seen *);
/* The final table; without load, the watched processes' health alone. */
void	 headless_summary(FILE *, const struct snapshot *);

/* headless-checks.c: each request's statuses, the groups, the flows,
 * the checks, the outcomes and the failures list, as far as the run has
 * any. */
void	 headless_checks_print(FILE *, const struct snapshot *);

/* headless-checks.c: a count with its thousands apart ("9,800"). */
const char *headless_thousands(uint64_t, char *buf, size_t len);

/* headless-streams.c: the summary's block of each stream request; the
 * progress line of an interval of a connections phase (no newline). */
void	 headless_streams_print(FILE *, const struct snapshot *);
void	 headless_streams_point(FILE *, const struct snapshot *,
	     const struct snap_point *);

/* headless-target.c: the block of watched process proc in the summary,
 * labelled by its name when there are several; a table of all of them,
 * a row each. */
void	 headless_target_print(FILE *, const struct snapshot *, size_t proc);
void	 headless_target_table(FILE *, const struct snapshot *);

#endif
