/* The engine's own state, shared by engine*.c and nothing else. */
#ifndef LT_ENGINE_INT_H
#define LT_ENGINE_INT_H

#include <pthread.h>

#include <curl/curl.h>

#include "alerts.h"
#include "engine.h"
#include "monitor.h"
#include "scenario.h"
#include "request.h"
#include "stats.h"
#include "worker.h"

struct phase_run {
	size_t *use;
	unsigned *weights;
	size_t nuse;
	enum phase_state state;
	double started;			/* seconds since the run started */
	double ended;
	int64_t start_ns;
	int64_t paused_ns;		/* time spent paused in this phase */
	int64_t duration_ns;		/* timed phases; 0 otherwise */
	int64_t hold_ns;		/* the least it lasts, pauses apart */
	uint64_t count;			/* counted phases; 0 otherwise */
	struct stats *base;		/* cumulative stats at the phase start */
	struct snap_block block;	/* final, once done */
	uint64_t checks_passed;		/* evaluations in the phase */
	uint64_t checks_failed;
	struct hdr *histogram;		/* the phase's latency so far */
	struct stats_phase facts;
	struct snap_rate_limit rl;
	struct snap_leak_point *leak;
	size_t nleak;
	double target_rate;
	unsigned target_users;
	struct pace rate_curve;		/* timed and paced phases; owns its
					 * segments, which plans share */
	bool ramp;
	bool cut_short;			/* a stop or next ended it early */
	bool closed;			/* its plans' loops are users */
	size_t stage0;			/* its first in engine.stages */
	size_t stage;			/* the current one, from 0 */
	int64_t stage_start_ns;
	struct stats *stage_base;	/* cumulative stats at its start */
};

/* The series of past intervals, in shared append-only blocks. */
struct engine_series {
	struct snap_shared *block;	/* its points; NULL before any */
	size_t n;
	size_t cap;
};

struct engine {
	const struct scenario *scn;
	struct engine_opts opts;
	unsigned nthreads;
	struct preq *preqs;
	size_t npreq;
	CURLSH *share;
	pthread_mutex_t share_lock[CURL_LOCK_DATA_LAST];
	struct worker_env env;
	struct worker **w;
	uint64_t seq;
	uint64_t order;

	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;		/* controls below, and worker signals */
	pthread_cond_t cond;
	bool stop;
	bool stop_now;			/* and wait for nothing in flight */
	enum end_reason reason;
	bool paused;
	double factor;
	bool next;
	bool done;
	bool refresh;			/* a control changed what snapshots say */

	/* Engine thread only. */
	bool applied_paused;
	double applied_factor;
	int64_t paused_at;
	enum engine_state state;
	int64_t t0_ns;
	int64_t wall0_us;
	int64_t next_tick;
	size_t cur;
	uint64_t plan_id;
	bool *has_plan;			/* per worker, for the current plan */
	struct phase_run *ph;
	/* cum: the workers' merged stats; prev: cum when the interval
	 * began, the same stats while nothing was merged since (the other
	 * is spare then); delta: scratch. */
	struct stats *cum, *prev, *spare, *delta;
	struct stats *groups;		/* scratch: a stats_req per group */
	uint64_t interval_checks_passed;	/* in the last delta */
	uint64_t interval_checks_failed;
	uint64_t activity;		/* the workers' counters at the merge */
	bool settled;			/* the same at the merge before it */
	int64_t prev_ns;
	double rps_peak;
	size_t whole_intervals;
	int64_t grid_from;		/* the first bucket of the open interval */
	struct hdr *grid_latency;	/* scratch for the workers' buckets */
	struct snap_load load;		/* its peaks and means so far */
	struct engine_series series;
	uint64_t snap_seq;
	uint64_t completed;
	struct alerts *alerts;
	struct snap_stage *stages;	/* every ramp's, phase by phase */
	size_t nstages;
	int64_t next_stage_ns;		/* the current stage's end; a wake */

	pthread_mutex_t snap_lock;
	struct snapshot *snap;
};

/* The live factor's bounds. */
#define ENGINE_FACTOR_MIN 0.01
#define ENGINE_FACTOR_MAX 100.0

void	*engine_main(void *);
/* Total requests completed so far (cheap; for the monitor's fit). */
uint64_t engine_completed(struct engine *);
/* Stop early: the current phase drains (briefly) and the run ends. */
void	 engine_stop(struct engine *, enum end_reason);

/* engine-block.c: a block from (delta) statistics covering seconds. */
/* engine-stage.c: the stages of ramps, as scopes of their own. */
void	 engine_stages_init(struct engine *);
/* In update_phase, for the current phase. */
void	 engine_stages_update(struct engine *, struct phase_run *, int64_t now);
void	 engine_stages_fill(const struct engine *, struct snapshot *);

void	 engine_block_fill(struct snap_block *, const struct stats *,
	     double seconds);
void	 engine_request_block_fill(struct snap_block *,
	     const struct stats_req *, double seconds);
void	 engine_lat_fill(struct snap_lat *, const struct hdr *);
void	 engine_status_fill(struct snapshot *, const struct stats *);
void	 engine_failures_fill(struct snapshot *, const struct stats *);
/* Checks, statuses, outcomes, failures, flows, groups (engine-inspect.c);
 * secs: the interval's length. */
void	 engine_inspect_fill(struct engine *, struct snapshot *, double secs);
/* Streams (engine-streams.c): each stream request's figures, secs the
 * interval's length; their share of the interval's point. */
void	 engine_streams_fill(const struct engine *, struct snapshot *,
	     double secs);
void	 engine_streams_point(const struct engine *, struct snap_point *);
/* A phase's check evaluations, from its stats since it began. */
void	 engine_phase_checks(struct phase_run *, const struct stats *);
/*
 * Merge the workers' statistics and publish a snapshot.  A regular tick
 * closes an interval (a point of the series); others, at phase
 * boundaries and at the end, only refresh what is shown.
 */
void	 engine_tick(struct engine *, int64_t now, bool regular);
/* What engine_tick keeps between snapshots: statistics and the series. */
void	 engine_snap_clear(struct engine *);

/* engine-series.c: the series, and the interval just closed as a point. */
void	 engine_series_append(struct engine_series *, const struct snap_point *);
/* The series as a snapshot shows it: a hold on its block, not a copy. */
void	 engine_series_share(struct engine_series *, struct snapshot *);
void	 engine_series_clear(struct engine_series *);
void	 engine_series_point(struct engine *, const struct snapshot *,
	     int64_t now);

#endif
