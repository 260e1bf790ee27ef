/* Headless output, read from snapshots only. */
#ifndef LT_HEADLESS_H
#define LT_HEADLESS_H

#include <stdio.h>

#include "snapshot.h"

/* One line: elapsed, phase, rps, p50/p95/p99, errors, 429s. */
void	 headless_progress(FILE *, const struct snapshot *);
/* The final table. */
void	 headless_summary(FILE *, const struct snapshot *);

#endif
