/* Headless output, read from snapshots only. */
#ifndef LT_HEADLESS_H
#define LT_HEADLESS_H

#include <stdio.h>

#include "snapshot.h"

/* One line: elapsed, phase, rps, p50/p95/p99, errors, 429s; then a line
 * for each alert raised since *alerts_shown, which it advances. */
void	 headless_progress(FILE *, const struct snapshot *,
	     size_t *alerts_shown);
/* The final table. */
void	 headless_summary(FILE *, const struct snapshot *);

#endif
