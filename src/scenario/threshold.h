/*
 * Threshold expressions: "[SCOPE.]METRIC OP VALUE", for example
 *   p95 < 50ms     rps > 80     error_rate < 1%     mem_growth < 50MB
 *   buy-signal.p95 < 20ms       phase:burst.p99 < 200ms
 * Values are kept in the metric's canonical unit (see threshold_metric_unit).
 */
#ifndef LT_THRESHOLD_H
#define LT_THRESHOLD_H

#include <stdbool.h>
#include <stddef.h>

enum thr_metric {
	THR_P50, THR_P75, THR_P90, THR_P95, THR_P99, THR_P999,
	THR_MIN, THR_MEAN, THR_MAX,		/* latency, ms */
	THR_RPS,				/* req/s */
	THR_REQUESTS, THR_ERRORS,		/* counts */
	THR_ERROR_RATE,				/* percent */
	THR_RATE_LIMITED,			/* count */
	THR_RATE_LIMITED_RATE,			/* percent */
	THR_LATE_STARTS,			/* count */
	THR_MEM_GROWTH, THR_RSS_MAX,		/* bytes */
	THR_CPU_MAX, THR_CPU_AVG,		/* percent of one core */
	THR_LEAK_SLOPE_REQ,			/* bytes per request */
	THR_LEAK_SLOPE_MIN,			/* bytes per minute */
	THR_TARGET_EXITS, THR_WORKER_DEATHS,	/* counts, of the target */
	THR_RPS_PEAK,				/* req/s, whole intervals */
	/* A scraped metric's figures over the run: metric:NAME.delta. */
	THR_M_FIRST, THR_M_LAST, THR_M_DELTA, THR_M_RATE, THR_M_MIN,
	THR_M_MAX,
	THR_CHECKS,				/* percent of checks passed */
	THR_OUTCOME,				/* count: NAME.outcome:VALUE */
	/* Streams, of a stream request (or the run's streams): */
	THR_CONNECT_ERRORS,			/* count: failed or dropped */
	THR_CONNECT_SUCCESS,			/* percent of attempts opened */
	THR_MESSAGES_SENT, THR_MESSAGES_RECEIVED,	/* counts */
	THR_MESSAGES_PUSHED, THR_MESSAGES_UNMATCHED,	/* counts */
	THR_EVENTS,				/* count, SSE */
	THR_EVENTS_RATE,			/* events per second */
	THR_RECONNECTS,				/* count */
	THR__COUNT
};

enum thr_op { THR_LT, THR_LE, THR_GT, THR_GE, THR_EQ, THR_NE };

/* A stream's latency a latency metric is of: NAME.connect.p95. */
enum thr_stream {
	THR_STREAM_NONE,		/* the request's own latency */
	THR_STREAM_CONNECT,		/* connect and handshake */
	THR_STREAM_RTT,			/* a message to its matched reply */
	THR_STREAM_PING,		/* a ping to its pong */
	THR_STREAM_FIRST_EVENT,		/* SSE: the request to the first event */
	THR_STREAM_GAP,			/* SSE: between events */
	THR_STREAM_SESSION,		/* a connection's life, open to close */
};

enum thr_scope {
	THR_SCOPE_ALL,
	THR_SCOPE_REQUEST,
	THR_SCOPE_PHASE,
	THR_SCOPE_METRIC,		/* scope_name: a Prometheus series */
	THR_SCOPE_STAGE,		/* a named stage of a ramp */
	THR_SCOPE_PROCESS,		/* a watched process, by its name */
	THR_SCOPE_GROUP,		/* group:NAME, its requests merged */
	THR_SCOPE_FLOW,			/* FLOW.iteration.METRIC, FLOW.errors */
	THR_SCOPE_CLASS,		/* class:NAME, latency by class */
};

struct threshold {
	char *expr;			/* as written */
	enum thr_metric metric;
	enum thr_op op;
	double value;			/* canonical unit */
	enum thr_scope scope;
	char *scope_name;		/* request, phase or series name */
	size_t scope_index;		/* resolved by the scenario validator;
					 * THR_SCOPE_CLASS: the enum lt_class */
	char *arg;			/* THR_OUTCOME: the VALUE */
	bool iteration;			/* FLOW.iteration.METRIC: of whole
					 * iterations, not of requests */
	enum thr_stream stream;		/* NAME.connect.p95 and the like */
	bool abort_on_fail;
	bool by_default;		/* loadtop's own, not the scenario's */
	int line, col;
};

/*
 * Parse one expression (syntax, metric, unit; not the scope's existence).
 * On error returns -1 with *err_off the offset of the problem in expr and
 * *cause an allocated message.
 */
int	 threshold_parse(const char *expr, struct threshold *out,
	     size_t *err_off, char **cause);
/* "[SCOPE.]METRIC" alone, as a grade names it; op and value stay 0. */
int	 threshold_parse_metric(const char *spec, struct threshold *out,
	     size_t *err_off, char **cause);
/* A value of the metric, in its canonical unit; leak_slope's unit may
 * change *m.  Returns -1 with *cause on a bad one. */
int	 threshold_parse_bound(enum thr_metric *m, const char *v,
	     double *value, char **cause);
void	 threshold_clear(struct threshold *);

bool	 threshold_check(const struct threshold *, double actual);
const char *threshold_metric_name(enum thr_metric);
/* A metric of the target process (cpu_max, target_exits, ...). */
bool	 threshold_is_target_metric(enum thr_metric);
/* A figure of a scraped metric (THR_M_*), for the metric: scope only. */
bool	 threshold_is_series_metric(enum thr_metric);
/* p50 to p999, min, mean, max: a duration, in ms. */
bool	 threshold_is_latency_metric(enum thr_metric);
/* A count of streams (connect_errors, events, ...): THR_CONNECT_ERRORS on. */
bool	 threshold_is_stream_metric(enum thr_metric);
/* Whether t's stream metric or latency (t->stream) is one an sse stream
 * has (sse), or a websocket: rtt and messages_sent are a websocket's,
 * first_event and events an sse stream's, connect both's. */
bool	 threshold_stream_fits(const struct threshold *, bool sse);
/* "connect", "rtt", ...: a stream's latency as NAME.connect.p95 names it. */
const char *threshold_stream_name(enum thr_stream);
/* "mem_growth, rss_max, ...": every target metric once (free it). */
char	*threshold_target_metric_list(void);
const char *threshold_metric_unit(enum thr_metric);	/* "ms", "req/s", "%", ... */
const char *threshold_op_name(enum thr_op);
/* Human form of a value of this metric: "50ms", "1%", "50MB", "80 req/s". */
char	*threshold_format_value(enum thr_metric, double value, char *buf, size_t len);

#endif
