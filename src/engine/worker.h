/*
 * A load worker: one thread, one libcurl multi handle driven by
 * curl_multi_poll and curl_multi_perform, its own connection slots and
 * its own statistics.  The engine hands it plans (one per phase, or per leak
 * batch) and merges its statistics; nothing on the request path locks.
 */
#ifndef LT_WORKER_H
#define LT_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

#include "request.h"
#include "pace.h"
#include "stats.h"

/* What every worker shares, read-only during the run. */
struct worker_env {
	const struct scenario *scn;
	const struct preq *preqs;
	size_t npreq;
	CURLSH *share;
	uint64_t *seq;			/* ${seq}, atomic */
	uint64_t *order;		/* start order within a phase, atomic */
	int http_version;		/* 11 or 20 */
	bool insecure_tls;
	bool all_raw;			/* no request goes by libcurl */
	bool keeps_headers;		/* some inspection reads a header */
	char **binds;			/* "host!ADDR": source_addresses */
	size_t nbinds;
	pthread_mutex_t *lock;		/* signalled on cond when a plan ends */
	pthread_cond_t *cond;
	/* The intervals' grid: bucket k is [origin + k step, + step). */
	int64_t grid_origin_ns;
	int64_t grid_step_ns;
};

enum plan_mode {
	PLAN_CLOSED,			/* N loops: users, concurrency */
	PLAN_OPEN,			/* starts on a schedule */
	PLAN_STREAMS,			/* long-lived connections held */
};

/* A connections phase's plan: its streams over time (the pace's rate is
 * their number, the whole phase's), this worker's part of them (the
 * part-th of parts), how fast they may open and whether a dropped one
 * opens again. */
struct worker_streams_plan {
	struct pace count;
	unsigned part, parts;
	double connect_rate;		/* the phase's, a second; 0: at once */
	bool reconnect;
	int64_t reconnect_delay_ns;
};

struct worker_plan {
	uint64_t id;			/* > 0 */
	size_t phase;
	enum plan_mode mode;
	uint64_t count;			/* requests to start; 0 = unbounded */
	int64_t end_ns;			/* no start at or after; INT64_MAX none */
	unsigned slots;			/* users, concurrency or pool size */
	struct pace users;		/* closed ramp: users over time */
	bool users_ramp;
	bool user_loops;		/* its loops are the scenario's users */
	struct pace sched;		/* open model */
	int64_t think_ns;		/* at least */
	int64_t think_max_ns;		/* at most: drawn uniformly between */
	bool track_order;		/* rate_limit: note start order */
	/* A flow its users run (closed), or its schedule starts (open);
	 * think_ns is then between iterations.  NULL: use's requests. */
	const struct scn_flow *flow;
	size_t flow_index;
	const size_t *use;		/* request indexes and weights */
	const unsigned *weights;
	size_t nuse;
	struct worker_streams_plan streams;	/* PLAN_STREAMS */
};

struct worker;

struct worker *worker_new(const struct worker_env *, unsigned index,
	     char **cause);
int	 worker_start(struct worker *, char **cause);
/* Stop the thread, abandoning in-flight requests, and free it. */
void	 worker_free(struct worker *);

/* Controls, safe from any thread. */
void	 worker_post(struct worker *, const struct worker_plan *);
void	 worker_end_plan(struct worker *);	/* stop starting; drain */
void	 worker_pause(struct worker *, bool paused);
void	 worker_scale(struct worker *, double factor);

/*
 * Add to classes, and to latency (LT_HDR_DETAIL_SIGFIGS), the transfers
 * that finished, by their own end time, in the grid's buckets from to
 * to - 1: an interval's figures, however late the engine reads them.
 * False when the worker no longer holds them all (the oldest is more
 * than WORKER_GRID_KEEP - 1 buckets back); what was added is then
 * partial.
 */
#define WORKER_GRID_KEEP 3
bool	 worker_grid_read(const struct worker *, int64_t from, int64_t to,
	     uint64_t *classes, struct hdr *latency);

/*
 * The worker's load, as of the last turn of its loop: closed-model users
 * (the loops, busy or thinking, of a plan of user_loops; not those of a
 * burst) and requests in flight now, their integrals
 * over time (user- and request-microseconds), and the most users at once
 * since the last call, which it takes.  Cheap, and from any one thread.
 */
struct worker_load {
	unsigned users;
	unsigned inflight;
	uint64_t users_us;
	uint64_t inflight_us;
	unsigned users_peak;
};
void	 worker_load_take(struct worker *, struct worker_load *);

/* The id of the last plan this worker finished (drained), 0 if none. */
uint64_t worker_done_plan(const struct worker *);
const struct stats *worker_stats(const struct worker *);
/* Phase facts, valid once the phase's plan is done. */
void	 worker_phase_stats(const struct worker *, struct stats_phase *);

#endif
