/* The threshold module's own tables and helpers, shared by its parser,
 * its scopes, its value parsers and its table of metrics (threshold.c,
 * threshold-scope.c, threshold-value.c, threshold-table.c). */
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

/* The streams a stream metric or latency is of. */
#define THR_S_WS	0x1		/* websocket */
#define THR_S_SSE	0x2

struct threshold_metric_def {
	const char	*name;
	const char	*unit;
	enum thr_kind	 kind;
	bool		 target;	/* of the target process, not requests */
	bool		 series;	/* of a scraped metric: metric:NAME. */
	unsigned	 streams;	/* THR_S_*: a stream's; 0: a request's */
};

/* A stream's latencies: NAME.connect.p95. */
struct threshold_stream_def {
	const char	*name;		/* "connect" */
	unsigned	 streams;	/* THR_S_*: the streams that have it */
};
#define THR__STREAM_COUNT (THR_STREAM_SESSION + 1)

struct threshold_name {
	const char		*name;
	enum thr_metric		 metric;
};

#define THR__OP_COUNT (THR_NE + 1)

extern const struct threshold_metric_def threshold_metrics[THR__COUNT];
extern const struct threshold_stream_def threshold_streams[THR__STREAM_COUNT];
/* Every name a metric may be written as; leak_slope's unit picks its kind. */
extern const struct threshold_name threshold_names[];
extern const size_t threshold_nnames;
extern const char *const threshold_ops[THR__OP_COUNT];

static inline bool
threshold_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The words a scope may start with (threshold-scope.c). */
struct threshold_scope_word {
	const char	*word;			/* "phase:" */
	enum thr_scope	 scope;
};

/* Set *cause and *err_off; returns -1. */
int	 threshold_fail(size_t *err_off, size_t off, char **cause,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Parse value v (at offset voff of the expression) for metric *m. */
int	 threshold_parse_value(enum thr_metric *m, const char *v, size_t voff,
	     double *value, size_t *err_off, char **cause);

/* threshold-scope.c: the scope word expr[ls, se) starts with, or NULL. */
const struct threshold_scope_word *threshold_scope_word(const char *expr,
	     size_t ls, size_t se);
/* The scope expr[ls, se) into scope and scope_name; *name_off: where
 * the name starts. */
int	 threshold_parse_scope(const char *expr, size_t ls, size_t se,
	     const struct threshold_scope_word *, struct threshold *out,
	     size_t *name_off, size_t *err_off, char **cause);
/* FLOW.iteration: the scope of a flow's whole iterations. */
void	 threshold_iteration_scope(struct threshold *out);
/* NAME.connect and the like: a stream request's latency, into stream. */
void	 threshold_stream_scope(struct threshold *out);
/*
 * What a scope takes beyond its name: a class is latency and a count of
 * requests; a flow's iterations, latency; checks are counted over the
 * run, a request, a group and a phase.  off: the scope name's offset,
 * ms the metric's.
 */
int	 threshold_scope_rules(struct threshold *out, size_t off, size_t ms,
	     size_t *err_off, char **cause);

#endif
