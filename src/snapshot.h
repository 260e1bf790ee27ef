/*
 * Published snapshots: the one interface between the engine and everything
 * that shows or keeps its results (the dashboard, the headless printer, the
 * reports).  The engine builds a new immutable snapshot every interval and
 * swaps it in; readers take a reference, read at leisure, and release it.
 * Latencies are in milliseconds, times in seconds since the run started.
 *
 * What did not change since the last snapshot is shared with it, not
 * copied: the series (append-only blocks, see struct snap_shared), the
 * histograms (hdr_hold) and the processes' series while no sample came.
 * Shared or not, nothing a published snapshot points to ever changes.
 */
#ifndef LT_SNAPSHOT_H
#define LT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kinds.h"
#include "monitor-view.h"

struct hdr;
struct scenario;

/*
 * Memory that snapshots share, freed (free()) with its last holder.  A
 * series lives in one: the engine appends points past what any published
 * snapshot shows, never changes one shown, and moves to a new block when
 * the old is full or its points are folded.
 */
struct snap_shared {
	unsigned refs;
	void *data;
};

enum engine_state {
	ENGINE_STARTING,
	ENGINE_RUNNING,
	ENGINE_PAUSED,
	ENGINE_FINISHING,		/* draining in-flight requests */
	ENGINE_DONE,
};

enum end_reason {
	END_NONE,			/* still running */
	END_COMPLETED,
	END_USER_QUIT,
	END_SIGNAL,
	END_THRESHOLD_ABORT,
	END_TARGET_EXITED,
	END_ERROR,
};

struct snap_lat {
	uint64_t count;
	double min, mean, p50, p75, p90, p95, p99, p999, max;
};

#define SNAP_HTTPV_COUNT 4
/* "1.0", "1.1", "2", "3": the index of snap_counts.http_versions. */
extern const char *const snap_http_versions[SNAP_HTTPV_COUNT];

struct snap_counts {
	uint64_t started;		/* requests sent */
	uint64_t completed;		/* finished, any outcome */
	uint64_t responses;		/* finished with an HTTP status */
	uint64_t errors;		/* neither ok nor rate limited */
	uint64_t classes[CLS__COUNT];
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t scheduled;		/* open model: started on a schedule */
	uint64_t late_starts;		/* of those, late */
	uint64_t skipped;
	uint64_t connects;
	/* Answers by the HTTP version they came in (snap_http_versions). */
	uint64_t http_versions[SNAP_HTTPV_COUNT];
};

struct snap_block {
	struct snap_counts n;
	struct snap_lat latency;	/* from the planned start */
	struct snap_lat service;	/* from the actual start */
	double seconds;			/* span the block covers */
	double rps;			/* completed / seconds */
};

struct snap_status {
	int code;
	uint64_t count;
};

/* Why transfers failed, as libcurl put it. */
struct snap_failure {
	int code;			/* CURLcode */
	const char *what;		/* curl_easy_strerror, static */
	uint64_t count;
};

/*
 * A value an outcome took, and how often.  A request's outcomes hold
 * every distinct value the engine kept count of (up to SNAP_OUTCOMES_KEEP
 * a request), largest first, then, with value NULL, the responses whose
 * value came past those.  Readers show SNAP_OUTCOMES_TOP and fold the
 * rest into "other".  A response without the value counts as "(none)".
 */
#define SNAP_OUTCOMES_TOP 20
#define SNAP_OUTCOMES_KEEP 256
struct snap_outcome {
	const char *value;		/* owned by the snapshot */
	uint64_t count;
};

struct snap_request {
	const char *name;
	const char *transport;		/* "raw" or "curl" */
	const char *group;		/* NULL: none */
	struct snap_block total;
	struct snap_block interval;
	/* The statuses it got, largest first (owned by the snapshot);
	 * code 0 last: the codes past the 16 it keeps apart. */
	struct snap_status *status;
	size_t nstatus;
	uint64_t checks_passed;		/* its checks' evaluations, summed */
	uint64_t checks_failed;
	bool has_outcome;		/* the scenario asks for one */
	struct snap_outcome *outcomes;	/* largest first, "other" last */
	size_t noutcomes;
};

/* A check's evaluations.  Checks run on responses of an expected
 * status; one that fails makes its response check_failed. */
struct snap_check {
	const char *name;		/* the scenario's */
	size_t request;			/* index into requests */
	uint64_t passed;
	uint64_t failed;
};

/* One of the distinct reasons requests failed (SNAP_REASONS_TOP, most
 * frequent first), as Locust's failures table: the status and the
 * check, or the transport's error, with the start of one body. */
#define SNAP_REASONS_TOP 10
#define SNAP_SAMPLE_MAX 200
struct snap_reason {
	size_t request;			/* index into requests */
	enum lt_class cls;
	int status;			/* 0: no HTTP status */
	const char *check;		/* the check that failed; NULL */
	int curl_code;			/* CURLcode; 0 with a status */
	const char *what;		/* curl_easy_strerror; NULL */
	uint64_t count;
	/* The first bytes of one such body, secrets replaced by
	 * "[redacted]"; NUL-terminated; sample_len 0: none was kept. */
	char sample[SNAP_SAMPLE_MAX + 1];
	size_t sample_len;
	bool sample_cut;		/* the body went on */
};

/* A flow's iterations: started; finished without an error (completed)
 * or with one (failed: a request erred, or a missing capture ended it
 * early); iteration: the durations of those that ran every step. */
struct snap_flow {
	const char *name;
	uint64_t started;
	uint64_t completed;
	uint64_t failed;
	struct snap_lat iteration;	/* whole iterations, ms */
};

/*
 * A stream request's connections (connections phases): WebSocket, or
 * SSE.  Counts are of the run; rates of the last interval.  Every
 * message sent, received, matched or not is counted: received =
 * matched + unmatched + pushed (a message when none was awaited).
 */
struct snap_stream {
	const char *name;		/* its request's */
	size_t request;
	bool sse;			/* else a WebSocket */
	uint64_t open;			/* now */
	uint64_t connecting;		/* now: connect or handshake */
	uint64_t attempts;		/* connects begun */
	uint64_t opened;		/* handshakes done */
	uint64_t closed;		/* closed by loadtop, cleanly */
	uint64_t drops[DROP__COUNT];	/* failed or ended otherwise */
	uint64_t reconnects;
	uint64_t resumed;		/* SSE reconnects with Last-Event-ID */
	/* Statuses of refused upgrades, and the server's close codes,
	 * largest first (owned by the snapshot). */
	struct snap_status *handshake_status;
	size_t nhandshake_status;
	struct snap_status *close_codes;
	size_t nclose_codes;
	uint64_t sent, received;	/* messages (WebSocket) */
	uint64_t matched, unmatched, pushed;
	uint64_t pings, pongs;
	uint64_t events;		/* SSE */
	uint64_t bytes_in, bytes_out;	/* payload bytes */
	struct snap_lat connect, rtt, ping, first_event, gap, session;
	double sent_rate, received_rate, events_rate;	/* per second */
};

/* The requests of one group, merged: group:NAME. */
struct snap_group {
	const char *name;
	struct snap_block total;
	struct snap_block interval;
};

enum phase_state {
	PHASE_PENDING,
	PHASE_RUNNING,
	PHASE_DONE,
	PHASE_SKIPPED,			/* never ran: the run ended before it */
	PHASE_CUT_SHORT,		/* ended early: stopped, or skipped on */
};

/* A phase that ran and is over, whole or cut short. */
static inline bool
snapshot_phase_ended(enum phase_state s)
{
	return s == PHASE_DONE || s == PHASE_CUT_SHORT;
}

struct snap_rate_limit {
	uint64_t allowed;		/* answered, not rate limited */
	uint64_t limited;
	int64_t first_limited_at;	/* 1-based request index; -1 none */
	uint64_t retry_after_count;
	int64_t retry_after_min;	/* seconds; -1 none seen */
	int64_t retry_after_max;
	int64_t expect_allowed;		/* -1 when not expected */
	int64_t expect_limited;
	bool checked;			/* the phase ended: passed is final */
	bool passed;
};

struct snap_leak_point {
	double t;			/* seconds since start */
	uint64_t requests;		/* completed in the phase so far */
	int64_t rss_bytes;		/* -1 when the target is not watched */
};

struct snap_phase {
	const char *name;
	enum scn_phase_kind kind;
	enum phase_state state;
	double started;			/* -1 when not yet */
	double ended;
	double progress;		/* 0..1 */
	double target_rate;		/* now, open model; 0 otherwise */
	unsigned target_users;		/* now, closed model */
	struct snap_block block;
	uint64_t checks_passed;		/* check evaluations in the phase */
	uint64_t checks_failed;
	struct snap_rate_limit rl;	/* rate_limit phases */
	struct snap_leak_point *leak;	/* leak phases */
	size_t nleak;
	struct hdr *histogram;		/* the phase's latency; NULL if pending */
};

/*
 * A stage of a ramp, by the requests that completed between its start
 * and its end (its stats are differences at those times, as a phase's).
 * Every ramp's stages, phase by phase, in the scenario's order.
 */
struct snap_stage {
	const char *name;		/* NULL when the scenario names none */
	size_t phase;			/* its phase's index */
	size_t index;			/* within the phase, from 0 */
	enum phase_state state;
	double started;			/* -1 when not yet */
	double ended;
	struct snap_block block;
};

/* A watched process, as its monitor saw it. */
struct snap_process {
	const char *name;		/* the scenario's, process:NAME */
	bool may_exit;			/* its exit neither fails nor ends */
	struct monitor_view view;
	struct mseries_point *series;
	size_t nseries;
	struct snap_shared *series_owner;	/* NULL: series is its own */
};

/* One interval of the run, for graphs and the time series. */
struct snap_point {
	double t;			/* end of the interval */
	double seconds;			/* its length */
	bool partial;			/* cut short by the end of the run */
	size_t phase;
	double rps;
	double p50, p95, p99, max;
	uint64_t requests;		/* completed in the interval */
	uint64_t errors;
	uint64_t rate_limited;
	uint64_t classes[CLS__COUNT];
	uint64_t late_starts;
	uint64_t checks_passed;		/* evaluations in the interval */
	uint64_t checks_failed;
	/* Streams: open and connecting at the end of the interval; drops,
	 * messages and events in it. */
	uint64_t streams_open, streams_connecting, streams_dropped;
	uint64_t messages_in, messages_out, events;
	/* At the end of the interval: closed-model users (-1 when the
	 * phase has none: open model, burst) and requests in flight. */
	int64_t users;
	uint64_t in_flight;
	/* The target at the end of the interval; -1 when not watched. */
	double cpu;			/* 100 = one core */
	double rss_mb;
};

/*
 * How much load was going: closed-model users (the loops of phases with
 * users, busy or thinking) and requests in flight, now and so far.
 */
struct snap_load {
	int64_t users;			/* now; -1 in a phase without users */
	uint64_t in_flight;		/* now */
	int64_t users_peak;		/* most at once; -1: no closed model */
	double users_avg;		/* over the closed model's time */
	uint64_t in_flight_peak;	/* most at a whole interval's end */
	double in_flight_avg;		/* over the run */
};

/* An alert (judge/alerts.h raises them), as the readers see it. */
enum alert_kind {
	/* Levels: raised and ended. */
	ALERT_TARGET_CPU,
	ALERT_MEM_GROWTH,
	ALERT_ERROR_RATE,
	ALERT_P95,
	ALERT_GENERATOR_CPU,
	ALERT_LATE_STARTS,
	ALERT_HEALTH_DOWN,
	/* Events: t_end == t_start. */
	ALERT_TARGET_EXITED,
	ALERT_PID_REUSED,
	ALERT_WORKER_EXITED,
	ALERT_PROC_ERROR,
	ALERT__COUNT
};
#define ALERT__LEVELS (ALERT_HEALTH_DOWN + 1)

enum alert_level {
	ALERT_CRITICAL,
	ALERT_WARNING,
};

struct alert {
	enum alert_kind kind;
	enum alert_level level;
	double t_start;			/* seconds since the run started */
	double t_end;			/* -1 while active */
	char msg[160];			/* one line, with the numbers; those
					 * of the worst reading, if rated */
	bool rated;			/* a level rule's: the two below hold */
	double worst;			/* its worst reading, in the unit of
					 * alerts_kind_unit() */
	double worst_t;			/* when that was read */
	unsigned proc;			/* 1 + the index of the watched
					 * process it is about; 0: the run's */
};

struct snapshot {
	unsigned refs;
	uint64_t seq;
	bool interval_end;		/* closes an interval (not a boundary) */
	bool interval_partial;		/* the last one, cut short by the end */
	int64_t wall_start_us;		/* when the run started */
	int64_t mono_start_us;		/* the same, CLOCK_MONOTONIC */
	int64_t wall_us;		/* when this was taken */
	double elapsed;
	enum engine_state state;
	enum end_reason end_reason;
	double factor;			/* live rate or users scaling */
	unsigned threads;
	const struct scenario *scn;
	/* A session without load (only idle phases, as loadtop monitor
	 * runs): the readers show the watched processes alone. */
	bool watch_only;

	size_t phase;			/* current, or nphases when over */
	double phase_elapsed;
	double phase_remaining;		/* -1 when unknown */
	double remaining;		/* whole run; -1 when unknown */

	struct snap_block total;
	struct snap_block interval;
	double rps_peak;		/* of the whole intervals */
	size_t whole_intervals;		/* closed so far; none: no peak */
	struct snap_load load;
	struct snap_lat timing[TIM__COUNT];
	struct snap_lat by_class[CLS__COUNT];	/* latency of each class */
	struct snap_status *status;	/* by count, largest first */
	size_t nstatus;
	struct snap_failure *failures;	/* by count, largest first */
	size_t nfailures;
	struct snap_request *requests;
	size_t nrequests;
	struct snap_check *checks;	/* the scenario's, in its order */
	size_t nchecks;
	uint64_t checks_passed;		/* over all checks */
	uint64_t checks_failed;
	struct snap_reason *reasons;	/* the failures list */
	size_t nreasons;
	struct snap_flow *flows;	/* the scenario's, in its order */
	size_t nflows;
	struct snap_group *groups;	/* scenario.groups' order */
	size_t ngroups;
	struct snap_stream *streams;	/* the stream requests, in order */
	size_t nstreams;
	struct snap_phase *phases;
	size_t nphases;
	struct snap_stage *stages;
	size_t nstages;
	struct snap_point *series;
	size_t nseries;
	struct snap_shared *series_owner;	/* NULL: series is its own */
	struct hdr *histogram;		/* whole run's latency, microseconds */

	/*
	 * The processes watched, in the scenario's order; has_target is
	 * false when none is.  target and target_series are the first one's
	 * (shared with processes[0], not owned), for the readers that show
	 * one.  Times are CLOCK_MONOTONIC microseconds (see mono_start_us).
	 */
	struct snap_process *processes;
	size_t nprocesses;
	bool has_target;
	struct monitor_view target;
	struct mseries_point *target_series;
	size_t ntarget_series;

	/* Alerts (alerts.h): every record so far, oldest first, with the
	 * number not kept; how many are active; and what to show now (the
	 * active ones and recent events), worst first. */
	struct alert *alerts;
	size_t nalerts;
	size_t alerts_dropped;
	size_t alerts_active;
	struct alert *alerts_live;
	size_t nalerts_live;
};

/* The processes watched, each as its view, name and series: processes[],
 * or the target alone in a snapshot made with that only. */
static inline size_t
snapshot_nprocs(const struct snapshot *s)
{
	return s->nprocesses > 0 ? s->nprocesses : s->has_target ? 1 : 0;
}

static inline const struct monitor_view *
snapshot_proc_view(const struct snapshot *s, size_t i)
{
	return s->nprocesses > 0 ? &s->processes[i].view : &s->target;
}

static inline const char *
snapshot_proc_name(const struct snapshot *s, size_t i)
{
	return s->nprocesses > 0 ? s->processes[i].name : "target";
}

static inline const struct mseries_point *
snapshot_proc_series(const struct snapshot *s, size_t i, size_t *n)
{
	*n = s->nprocesses > 0 ? s->processes[i].nseries : s->ntarget_series;
	return s->nprocesses > 0 ? s->processes[i].series : s->target_series;
}


void	 snapshot_hold(struct snapshot *);
void	 snapshot_release(struct snapshot *);

/* A block of shared memory that takes data over, with one holder. */
struct snap_shared *snapshot_shared_new(void *data);
struct snap_shared *snapshot_shared_hold(struct snap_shared *);
void	 snapshot_shared_release(struct snap_shared *);

const char *snapshot_state_name(enum engine_state);
const char *snapshot_end_reason_name(enum end_reason);
const char *snapshot_phase_state_name(enum phase_state);
/*
 * The leak verdict of a leak phase on its own points (one per settled
 * batch, leak_params_batches), beside the whole run's in target.leak;
 * false, with an empty fit, for another phase or one without RSS.
 */
bool	 snapshot_phase_leak(const struct snap_phase *, struct leak_fit *);

#endif
