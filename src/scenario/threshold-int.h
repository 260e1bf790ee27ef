/* The threshold module's own tables, shared by its parser and its
 * table of metrics (threshold.c, threshold-table.c). */
#ifndef LT_THRESHOLD_INT_H
#define LT_THRESHOLD_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "threshold.h"

/* How a metric's value is written. */
enum thr_kind {
	THR_K_LATENCY,		/* a duration, or a bare number of ms */
	THR_K_RATE,		/* requests per second */
	THR_K_COUNT,		/* a whole number */
	THR_K_RATIO,		/* a percentage of requests, with its % */
	THR_K_SIZE,		/* bytes */
	THR_K_CPU,		/* percent of one core, % optional */
	THR_K_LEAK,		/* bytes per request or per minute */
	THR_K_NUMBER,		/* a plain number, as a metric exposes it */
};

struct threshold_metric_def {
	const char	*name;
	const char	*unit;
	enum thr_kind	 kind;
	bool		 target;	/* of the target process, not requests */
	bool		 series;	/* of a scraped metric: metric:NAME. */
};

struct threshold_name {
	const char		*name;
	enum thr_metric		 metric;
};

#define THR__OP_COUNT (THR_NE + 1)

extern const struct threshold_metric_def threshold_metrics[THR__COUNT];
/* Every name a metric may be written as; leak_slope's unit picks its kind. */
extern const struct threshold_name threshold_names[];
extern const size_t threshold_nnames;
extern const char *const threshold_ops[THR__OP_COUNT];

#endif
