/* Internal to worker.c and worker-request.c. */
#ifndef LT_WORKER_INT_H
#define LT_WORKER_INT_H

#include <http_parser.h>

#include "inspect.h"
#include "response.h"
#include "worker.h"

/* A start more than this after its planned time counts as late. */
#define LATE_NS 1000000

/* From this many slots on, each takes a small receive buffer. */
#define MANY_SLOTS 256

enum slot_state { SLOT_IDLE, SLOT_BUSY, SLOT_THINK };

/* Where a raw request stands on its connection. */
enum raw_state {
	RAW_NONE,			/* no connection */
	RAW_WAITING,			/* for a handle to connect with */
	RAW_CONNECTING,			/* libcurl is making it */
	RAW_TLS,			/* our handshake */
	RAW_SENDING,
	RAW_READING,
	RAW_KEPT,			/* open, between requests */
};

/* What a finished transfer tells, from either transport. */
struct xfer_end {
	CURLcode res;
	long status;
	int http_version;		/* 10, 11, 20, 30; 0 unknown */
	bool connected;			/* made a new connection */
	int64_t dns_us, connect_us, tls_us;	/* -1: none */
	int64_t ttfb_us, transfer_us;	/* -1: no response */
	int64_t retry_after;		/* seconds; -1 none */
};

/* A slot's connection on the raw transport. */
struct slot_raw {
	enum raw_state st;
	int fd;				/* -1: none */
	struct ssl_st *ssl;
	const char *origin;		/* its preq's, to compare by */
	size_t origin_len;
	bool want_out;			/* EPOLLOUT asked for */
	bool reused;			/* this request on an older connection */
	bool retried;
	bool got_bytes;
	bool done;			/* the parser saw the response end */
	size_t sent;
	http_parser parser;
	int64_t sent_ns, first_ns, tls_start_ns;
	struct xfer_end end;
	char hname[16];			/* Retry-After, as it arrives */
	size_t hname_len;
	bool limited;			/* limited_for is a rate limit's status */
	unsigned limited_for;
	bool in_value;			/* a header's value is arriving */
	bool in_retry_after;
	char retry_after[40];
	size_t retry_after_len;
};

/* The lists a slot can be on, a link each (worker-list.c). */
enum slot_list_id {
	SLOT_IN_FLIGHT,			/* raw requests, by start */
	SLOT_WAITING,			/* RAW_WAITING, in line */
	SLOT__LISTS
};
struct slot_link {
	struct slot *prev, *next;
};
struct slot_list {
	struct slot *head, *tail;
	enum slot_list_id id;
};


struct slot {
	struct worker *w;
	CURL *easy;
	CURLM *multi;			/* its shard's (worker-shard.c) */
	enum slot_state state;
	size_t req;			/* SIZE_MAX: never configured */
	struct preq_buf **bufs;		/* per request, made on first use */
	int64_t planned_ns;
	int64_t started_ns;
	int64_t ready_ns;		/* SLOT_THINK: when to go again */
	uint64_t order;
	uint64_t bytes;
	bool easy_raw;			/* easy set up for raw connects */
	bool head_ended;		/* curl: the last header block ended */
	struct slot_raw raw;
	struct response_view view;
	struct inspect_vars *vars;	/* NULL: the scenario captures none */
	/* Its place in the plan's flow: the step, its repeat, and when
	 * the iteration began. */
	bool in_iteration;
	bool iteration_failed;
	size_t step;
	unsigned repeat;
	int64_t iteration_ns;
	struct slot_link link[SLOT__LISTS];
	struct slot *next;		/* idle list or think queue */
};

/* The transfers that ended in one bucket of the grid: by class, and
 * their latency.  Written by the worker, read by the engine; bucket is
 * -1 while the slot is being reset. */
struct grid_slot {
	int64_t bucket;
	uint64_t classes[CLS__COUNT];
	struct hdr *latency;
};

/* Controls posted by other threads, read by the worker on wake-up. */
struct mailbox {
	pthread_mutex_t lock;
	bool has_plan;
	struct worker_plan plan;
	bool end_plan;
	bool paused;
	double factor;
	bool quit;
};

enum run_state { RUN_IDLE, RUN_ACTIVE, RUN_DRAINING };

#define WORKER_SEQ_BLOCK 64

/* Slots a multi handle holds; past the first, each shard's sockets are
 * in the epoll set, tagged by this bit and the shard's index. */
#define WORKER_SHARD 64
#define WORKER_CURL_TAG ((uint64_t)1 << 63)
/* A stream's descriptor (its index below), and a socket of the streams'
 * multi handle (the descriptor below). */
#define WORKER_STREAM_TAG ((uint64_t)1 << 62)
#define WORKER_STREAM_CURL_TAG ((uint64_t)1 << 61)
/* A multi handle whose sockets are in the worker's epoll set, tagged
 * with tag | index << 32 | fd: a shard of requests or of streams. */
struct curl_shard {
	struct worker *w;
	CURLM *multi;
	uint64_t tag;			/* WORKER_CURL_TAG or WORKER_STREAM_CURL_TAG */
	unsigned index;
	int64_t due;			/* libcurl's timeout; INT64_MAX none */
};

struct worker {
	const struct worker_env *env;
	unsigned index;
	pthread_t thread;
	bool thread_started;
	int evfd;
	CURLM *multi;
	int tfd;			/* timerfd for sub-millisecond wakes */
	int64_t armed;			/* when tfd fires; 0: not armed */
	int epfd;			/* raw connections, evfd and tfd */
	int64_t raw_deadline;		/* the first raw request's timeout */
	struct curl_shard **shards;	/* from the second multi on */
	unsigned nshards;
	int64_t shard_due;		/* the first of their timeouts */
	unsigned curl_busy;		/* handles in the multi */
	struct slot_list in_flight;	/* raw requests, by start */
	struct ssl_ctx_st *tls;		/* raw https, made on first use */
	struct ssl_session_st **tls_sessions;	/* per request, to resume */
	char *rbuf;			/* raw responses are read into this */
	/* Handles raw-only slots borrow to connect (worker-connect.c). */
	CURL **connectors, **free_connectors;
	unsigned nconnectors, nfree_connectors;
	struct slot_list waiting;
	size_t next_bind;		/* source address of the next connect */

	struct mailbox mail;

	/* The plan being run; only this thread touches these. */
	struct worker_plan plan;
	enum run_state run;
	bool paused;
	int64_t paused_at;
	double factor;
	uint64_t started;		/* in this plan */
	int64_t next_due;		/* open model: next planned start */
	unsigned active;		/* closed model: busy + thinking */
	unsigned inflight;
	/* The two above as the engine reads them, stored once a loop,
	 * with their integrals and the peak of active. */
	struct worker_load load;
	int64_t load_t;			/* when load was last brought up */
	int64_t *cw;			/* smooth weighted round robin, per use */
	size_t cw_cap;

	struct slot **slots;
	unsigned nslots;
	struct slot *idle;
	struct slot **think;		/* heap by ready_ns (worker-think.c) */
	unsigned nthink, think_cap;
	uint64_t rng;
	/* ${seq}: a block of the run's numbers, taken WORKER_SEQ_BLOCK at a
	 * time so that threads do not share a cache line per request. */
	uint64_t seq_next, seq_end;

	struct worker_streams *streams;	/* connections phases' */

	struct stats *stats;
	struct inspect *inspect;
	struct stats_phase phase;
	uint64_t done_plan;

	int64_t grid_bucket;		/* of the last transfer that ended */
	int64_t grid_next_ns;		/* when that bucket ends */
	struct grid_slot grid[WORKER_GRID_KEEP];
};

/* The next number of this thread's block of ${seq}, unique in the run. */
static inline uint64_t
worker_next_seq(struct worker *w)
{
	if (w->seq_next == w->seq_end) {
		w->seq_next = __atomic_fetch_add(w->env->seq,
		    WORKER_SEQ_BLOCK, __ATOMIC_RELAXED);
		w->seq_end = w->seq_next + WORKER_SEQ_BLOCK;
	}
	return w->seq_next++;
}
/* The plan's next request by weight (smooth weighted round robin). */
size_t	 worker_pick_request(struct worker *);

void	 worker_grow_slots(struct worker *, unsigned n);
void	 worker_slot_free(struct worker *, struct slot *);
struct slot *worker_idle_pop(struct worker *);
void	 worker_idle_push(struct worker *, struct slot *);
/* Configure the slot's handle for the next request and add it. */
void	 worker_start_request(struct worker *, struct slot *, int64_t planned,
	     int64_t now);
/* Count a finished transfer in the worker's statistics. */
void	 worker_record(struct worker *, struct slot *, const struct xfer_end *,
	     int64_t end);
/* A transfer's end before anything is known of it: no timings. */
void	 worker_xfer_reset(struct xfer_end *, CURLcode);
/* What libcurl tells of the transfer it finished on s. */
void	 worker_curl_end(struct slot *, CURLcode, struct xfer_end *);
/* Users thinking (worker-think.c): the first to go again, or NULL. */
void	 worker_think_push(struct worker *, struct slot *, int64_t ready);
struct slot *worker_think_first(const struct worker *);
struct slot *worker_think_pop(struct worker *);
void	 worker_think_shift(struct worker *, int64_t d);

/* Slots of an open-model flow hold their iteration through its think
 * times: the pool grows as iterations overlap, to this many. */
#define WORKER_FLOW_SLOTS 10000

/* Start what is due now (worker-issue.c). */
void	 worker_issue(struct worker *, int64_t now);
/* A slot whose request finished: next request, thinking or idle. */
void	 worker_after_completion(struct worker *, struct slot *, int64_t now);
/* The plan's think time, or one drawn from [lo, hi]. */
int64_t	 worker_think_time(struct worker *, int64_t lo, int64_t hi);

/* Flows (worker-flow.c): the request slot s sends next, starting an
 * iteration (planned to start then) when it has none; after a request,
 * whether the iteration goes on, and how long to think first. */
size_t	 worker_flow_next(struct worker *, struct slot *, int64_t planned);
bool	 worker_flow_advance(struct worker *, struct slot *, int64_t now,
	     int64_t *think);
/* End s's iteration early (a missing capture, or the plan's end). */
void	 worker_flow_abandon(struct worker *, struct slot *, bool failed);

void	 worker_list_append(struct slot_list *, struct slot *);
void	 worker_list_unlink(struct slot_list *, struct slot *);

/* An easy handle as every slot's is set up; small: a small buffer. */
CURL	*worker_easy_new(struct worker *, bool small);

/* Connects for the raw transport (worker-connect.c). */
void	 worker_connect_start(struct worker *, struct slot *,
	     const struct preq *);
/* The connect ended and its handle left the multi: give it back. */
void	 worker_connect_done(struct worker *, struct slot *);
/* Stop waiting or connecting. */
void	 worker_connect_cancel(struct worker *, struct slot *);
void	 worker_connect_free(struct worker *);

/* Take the finished transfers of one multi handle. */
void	 worker_read_completions(struct worker *, CURLM *);

/* Shards (worker-shard.c): slot's multi handle, made on first use. */
CURLM	*worker_shard_multi(struct worker *, unsigned slot);
/* A shard of tag with its own timer callback, sockets in w's epoll set. */
struct curl_shard *worker_shard_new(struct worker *, uint64_t tag,
	    unsigned index, curl_multi_timer_callback timer);
void	 worker_shard_event(struct worker *, uint64_t tag, uint32_t events);
/* Run the shards whose timeout is due; the next one's. */
int64_t	 worker_shard_timeouts(struct worker *, int64_t now);
void	 worker_shard_free(struct worker *);

/* The raw transport (worker-raw.c). */
#define WORKER_RBUF 65536
#define WORKER_EVENTS 256
void	 worker_raw_start(struct worker *, struct slot *);
/* libcurl finished connecting s (or failed to). */
void	 worker_raw_connected(struct worker *, struct slot *, CURLcode);
void	 worker_raw_event(struct worker *, struct slot *, uint32_t events);
/* Fail the raw requests started before deadline; when the next is due. */
int64_t	 worker_raw_expire(struct worker *, int64_t now);
void	 worker_raw_close(struct slot *);
void	 worker_raw_free(struct worker *);
/*
 * Streams (worker-stream*.c): a connections plan taken, opened and closed
 * to its number now, their timers and descriptors, the plan's end
 * (closing every stream cleanly), whether any is still live, when they
 * next want the loop, and what is left at the worker's end.
 */
void	 worker_streams_plan(struct worker *, int64_t now);
void	 worker_streams_turn(struct worker *, int64_t now);
void	 worker_streams_event(struct worker *, uint64_t tag, uint32_t events);
void	 worker_streams_drain(struct worker *, int64_t now);
bool	 worker_streams_busy(const struct worker *);
int64_t	 worker_streams_wake(const struct worker *, int64_t now);
void	 worker_streams_free(struct worker *);

void	 worker_grid_init(struct worker *);
void	 worker_grid_free(struct worker *);

#endif
