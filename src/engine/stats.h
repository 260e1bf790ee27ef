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

struct stats_req {
	uint64_t started;
	uint64_t classes[CLS__COUNT];
	uint64_t bytes;
	uint64_t http_versions[LT_HTTPV_COUNT];
	struct hdr *latency;		/* from the planned start */
	struct hdr *service;		/* from the actual start */
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

void	 stats_phase_reset(struct stats_phase *);
void	 stats_phase_merge(struct stats_phase *dst, const struct stats_phase *);


#endif
