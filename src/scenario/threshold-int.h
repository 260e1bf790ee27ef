/* The threshold module's own tables and helpers, shared by its parser,
 * its value parsers and its table of metrics (threshold.c,
 * threshold-value.c, threshold-table.c). */
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

static inline bool
threshold_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Set *cause and *err_off; returns -1. */
int	 threshold_fail(size_t *err_off, size_t off, char **cause,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Parse value v (at offset voff of the expression) for metric *m. */
int	 threshold_parse_value(enum thr_metric *m, const char *v, size_t voff,
	     double *value, size_t *err_off, char **cause);

#endif
