/*
 * Per-thread request statistics.  A worker thread is the only writer of its
 * own block; the engine merges the blocks of all workers when it builds a
 * snapshot.  Counters are bumped with relaxed atomic load+store (a plain
 * increment on x86), so the hot path takes no lock and no bus lock.
 */
#ifndef LT_STATS_H
#define LT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hdr.h"
#include "kinds.h"

#define LT_STATUS_MAX 1000		/* every three-digit code is counted */
#define LT_CURLE_MAX 128		/* libcurl's error codes, counted */

/* The timing breakdown and each request's own histograms are read at 2
 * digits.  A histogram holds the pages its values touch, and the same
 * values touch far fewer bytes at 2 digits: 100 latencies of 0.7 to 1.3
 * ms take 3 KB, against 13 KB at 3.  That counts with every request kept
 * in every worker and in each of the engine's copies. */
#define LT_HDR_DETAIL_SIGFIGS 2

/* Answers by the HTTP version they came in: 1.0, 1.1, 2, 3. */
#define LT_HTTPV_COUNT 4
static inline unsigned
stats_version_index(int v)
{
	return v >= 30 ? 3 : v >= 20 ? 2 : v >= 11 ? 1 : 0;
}

/* A status a request got, and how often; code 0: a free entry. */
#define STATS_REQ_STATUSES 16
struct stats_status {
	uint32_t code;
	uint64_t count;
};

/* An outcome's values: filled in order, each entry whole before n
 * counts it (a release store), so that a reader sees only whole ones. */
#define STATS_OUTCOME_MAX 64
#define STATS_OUTCOMES_KEEP 256
struct stats_outcome {
	uint64_t count;
	size_t len;
	char v[STATS_OUTCOME_MAX];
};
struct stats_outcomes {
	unsigned n;
	uint64_t none;			/* responses without the value */
	uint64_t overflow;		/* values past the table */
	struct stats_outcome v[STATS_OUTCOMES_KEEP];
};

/* A distinct reason requests failed, with the start of one body. */
#define STATS_REASONS 32
#define STATS_SAMPLE_MAX 200
struct stats_reason {
	uint64_t count;
	size_t req;
	int cls;
	int status;			/* 0: none */
	int check;			/* the request's check; -1 none */
	int curl;			/* CURLcode; 0 none */
	char sample[STATS_SAMPLE_MAX + 1];
	size_t sample_len;
	bool cut;
};
struct stats_reasons {
	unsigned n;
	uint64_t dropped;		/* failures of reasons past the table */
	struct stats_reason v[STATS_REASONS];
};

/* A flow's iterations (snapshot.h's snap_flow says what each is). */
struct stats_flow {
	uint64_t started;
	uint64_t completed;
	uint64_t failed;
	struct hdr *iteration;		/* of those that ran every step */
};

/* Codes a stream got (refused upgrades' statuses, close codes), as the
 * statuses of a request are kept; code 0: a free entry. */
#define STATS_CODES 16
struct stats_codes {
	unsigned n;
	struct stats_status v[STATS_CODES];
	uint64_t other;			/* codes past the table */
};

/* A stream request's latencies (snapshot.h's snap_stream). */
enum stats_stream_lat {
	SLAT_CONNECT,			/* connect and handshake */
	SLAT_RTT,			/* a message to its reply */
	SLAT_PING,			/* a ping to its pong */
	SLAT_FIRST_EVENT,		/* SSE: the request to its first event */
	SLAT_GAP,			/* SSE: between events */
	SLAT_SESSION,			/* a connection, open to close */
	SLAT__COUNT
};

/* A stream request's connections: snapshot.h's snap_stream says what
 * each count is.  open and connecting are now, not counts. */
struct stats_stream {
	size_t req;
	bool sse;
	uint64_t open, connecting;
	uint64_t attempts, opened, closed, reconnects, resumed;
	uint64_t aborted;		/* connects given up at a close */
	uint64_t drops[DROP__COUNT];
	uint64_t sent, received, matched, unmatched, pushed;
	uint64_t pings, pongs, events, bytes_in, bytes_out;
	struct hdr *lat[SLAT__COUNT];
	struct stats_codes handshake, close_codes;	/* totals */
};

struct stats_req {
	uint64_t started;
	uint64_t classes[CLS__COUNT];
	uint64_t bytes;
	uint64_t http_versions[LT_HTTPV_COUNT];
	struct hdr *latency;		/* from the planned start */
	struct hdr *service;		/* from the actual start */
	unsigned nstatus;
	struct stats_status status[STATS_REQ_STATUSES];
	uint64_t status_other;		/* codes past the table */
	struct stats_outcomes *outcomes;	/* NULL: no outcome */
};

struct stats {
	uint64_t started;		/* transfers begun */
	uint64_t classes[CLS__COUNT];	/* transfers finished, by class */
	uint64_t status[LT_STATUS_MAX];
	uint64_t curl_errors[LT_CURLE_MAX];	/* why transfers failed */
	uint64_t bytes_in;		/* response body bytes */
	uint64_t bytes_out;		/* request body bytes */
	uint64_t scheduled;		/* open model: started on a schedule */
	uint64_t late_starts;		/* open model: started late */
	uint64_t skipped;		/* open model: planned, never sent */
	uint64_t connects;		/* new connections opened */
	uint64_t http_versions[LT_HTTPV_COUNT];	/* answers, by version */
	struct hdr *latency;		/* from the planned start */
	struct hdr *service;		/* from the actual start */
	struct hdr *timing[TIM__COUNT];
	struct hdr *by_class[CLS__COUNT];	/* latency, by class */
	size_t nreq;
	struct stats_req *req;
	/* Set up by stats_shape: the scenario's checks (by check_base +
	 * index), the failures list and the flows.  The tables (statuses,
	 * outcomes, reasons) are totals: stats_sub leaves them empty. */
	size_t nchecks;
	uint64_t *check_pass;
	uint64_t *check_fail;
	struct stats_reasons *reasons;
	size_t nflows;
	struct stats_flow *flow;
	/* The stream requests (websocket, sse), in request order. */
	size_t nstreams;
	struct stats_stream *streams;
};

/* Facts only the current phase cares about; reset at each phase start. */
struct stats_phase {
	uint64_t first_limited_seq;	/* UINT64_MAX: none limited yet */
	uint64_t retry_after_count;
	int64_t retry_after_min;	/* seconds */
	int64_t retry_after_max;
};

#define STATS_INC(p, n) \
	__atomic_store_n((p), __atomic_load_n((p), __ATOMIC_RELAXED) + (n), \
	    __ATOMIC_RELAXED)
#define STATS_GET(p) __atomic_load_n((p), __ATOMIC_RELAXED)

struct stats *stats_new(size_t nreq);
void	 stats_free(struct stats *);
struct scenario;
/* Room for what the scenario inspects: checks, outcomes, flows. */
void	 stats_shape(struct stats *, const struct scenario *);
/* Count a status of request rq. */
void	 stats_count_status(struct stats_req *, long status);
/* Count an outcome value of request rq (len SIZE_MAX: none). */
void	 stats_count_outcome(struct stats_req *, const char *v, size_t len);
/* The reason's entry, made when new (its sample left for the caller
 * to fill before the count is published); NULL when the table is full. */
struct stats_reason *stats_reason_find(struct stats_reasons *, size_t req,
	     int cls, int status, int check, int curl, bool *fresh);
void	 stats_reason_publish(struct stats_reasons *);
void	 stats_reset(struct stats *);
/* dst += src, reading src with relaxed loads (src may be live). */
void	 stats_add(struct stats *dst, const struct stats *src);
/* dst = a - b (cumulative deltas). */
void	 stats_sub(struct stats *dst, const struct stats *a,
	     const struct stats *b);
void	 stats_copy(struct stats *dst, const struct stats *src);

uint64_t stats_completed(const struct stats *);
/* Of counts by class: finished, had an HTTP status, neither ok nor 429. */
uint64_t stats_classes_completed(const uint64_t *classes);
uint64_t stats_classes_responses(const uint64_t *classes);
uint64_t stats_classes_errors(const uint64_t *classes);

/* The stream of request req, NULL if it is none. */
struct stats_stream *stats_stream_of(struct stats *, size_t req);
void	 stats_stream_count_code(struct stats_codes *, int code);
/* The sum of the streams' counts, which only grow: the same sum, the
 * same counts (the gauges move with them). */
uint64_t stats_stream_activity(const struct stats *);

void	 stats_phase_reset(struct stats_phase *);
void	 stats_phase_merge(struct stats_phase *dst, const struct stats_phase *);


#endif
