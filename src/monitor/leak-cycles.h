/*
 * The saw-tooth of a collected heap, found in an RSS series: the falls
 * of the resident set that are larger than its noise (collections), the
 * lowest point after each (the troughs the leak fit anchors on), their
 * period and their depth.
 *
 * The series is followed as a zig-zag: a turn is taken when RSS moves
 * against the current direction by at least a threshold, the larger of
 * min_drop and drop_noise times the noise (the robust spread of the
 * steps between samples).  A fall shallower than minor_drop times the
 * deepest one is a partial release, not a collection: it is not counted
 * and its trough is not a floor.
 */
#ifndef LT_LEAK_CYCLES_H
#define LT_LEAK_CYCLES_H

#include <stddef.h>
#include <stdint.h>

#include "leak.h"

struct leak_cycles {
	size_t *trough;			/* index of the low after each fall */
	int64_t *depth;			/* bytes each fall gave back */
	size_t n;			/* collections: the falls counted */
	double period_s;		/* median time between them; 0 if < 2 */
	int64_t median_depth;		/* bytes */
	int64_t threshold;		/* bytes: smaller moves are noise */
};

void	 leak_cycles_find(const struct leak_point *, size_t n,
	     const struct leak_params *, struct leak_cycles *);
void	 leak_cycles_free(struct leak_cycles *);

#endif
