/*
 * A high dynamic range histogram: log-linear buckets covering
 * [lowest, highest] with a fixed number of significant decimal digits, so
 * any recorded value is reported within 10^-sigfigs of itself.  Latencies
 * are recorded in microseconds, 1us to 60s at 3 digits: 17408 counts.
 * The counts live in pages, each allocated when a value first lands in
 * it, so a histogram holds what its values need: a few KB for latencies
 * in a narrow band, 139 KB at most.
 *
 * One thread writes (hdr_record); others may read and merge at any time.
 * Counts are updated with relaxed atomic stores, never locked.
 */
#ifndef LT_HDR_H
#define LT_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hdr {
	int64_t lowest;			/* lowest discernible value, >= 1 */
	int64_t highest;		/* highest trackable value */
	int sigfigs;			/* 1..5 */
	int unit_magnitude;		/* log2(lowest) */
	int sub_bucket_half_count_magnitude;
	int32_t sub_bucket_count;
	int32_t sub_bucket_half_count;
	int page_shift;			/* counts per page: 1 << page_shift */
	int64_t sub_bucket_mask;
	int32_t bucket_count;
	int32_t counts_len;
	int32_t page_count;		/* entries of pages[] */
	int32_t page_mask;
	uint64_t total;			/* recorded values */
	uint64_t overflow;		/* values above highest, clamped */
	int64_t min;			/* INT64_MAX when empty */
	int64_t max;			/* 0 when empty */
	double sum;			/* of recorded values, for the mean */
	unsigned refs;			/* holders; hdr_free drops one */
	size_t page_bytes;		/* of the pages allocated so far */
	uint64_t *pages[];		/* NULL: all of its counts are zero */
};

struct hdr *hdr_new(int64_t lowest, int64_t highest, int sigfigs);
/* One more holder of a histogram that no longer changes, so that readers
 * share it instead of copying; each holder calls hdr_free. */
struct hdr *hdr_hold(struct hdr *);
void	 hdr_free(struct hdr *);
/* Zero the counts; the pages stay, for readers and the next values. */
void	 hdr_reset(struct hdr *);
size_t	 hdr_size(const struct hdr *);	/* bytes in memory, pages included */

/* Record a value (clamped into [lowest, highest]); hot path, no locks,
 * and no allocation but the first time a value lands in a page. */
void	 hdr_record(struct hdr *, int64_t value);
void	 hdr_record_n(struct hdr *, int64_t value, uint64_t n);

/* dst += src; both must have the same layout.  Returns 0 or -1.  These
 * three write dst, so its one writer is the thread that calls them. */
int	 hdr_add(struct hdr *dst, const struct hdr *src);
/* dst = a - b, for interval deltas of cumulative histograms. */
int	 hdr_sub(struct hdr *dst, const struct hdr *a, const struct hdr *b);
/* dst = src (same layout), read with relaxed loads. */
int	 hdr_copy(struct hdr *dst, const struct hdr *src);

uint64_t hdr_count(const struct hdr *);
int64_t	 hdr_min(const struct hdr *);
int64_t	 hdr_max(const struct hdr *);
double	 hdr_mean(const struct hdr *);
double	 hdr_stddev(const struct hdr *);
/* Value at percentile p (0..100); 0 when empty. */
int64_t	 hdr_percentile(const struct hdr *, double p);
/* Several at once, in one walk: ps ascending, np values into out. */
void	 hdr_percentiles(const struct hdr *, const double *ps, size_t np,
	     int64_t *out);

/* Values that share a bucket with v: [lowest_equivalent, next_non_eq). */
int64_t	 hdr_lowest_equivalent(const struct hdr *, int64_t v);
int64_t	 hdr_highest_equivalent(const struct hdr *, int64_t v);

/* Walk non-empty buckets in value order. */
struct hdr_iter {
	const struct hdr *h;
	int32_t index;
	int64_t value_from;		/* bucket's lowest value */
	int64_t value_to;		/* bucket's highest value */
	uint64_t count;
	const uint64_t *page;		/* the page index is in, or NULL */
	int32_t page_end;		/* the index after that page */
};
void	 hdr_iter_init(struct hdr_iter *, const struct hdr *);
bool	 hdr_iter_next(struct hdr_iter *);

/*
 * Compact text form (base64 of run-length varints, with a header line of
 * layout and totals) that merges exactly.  Returns an allocated string.
 */
char	*hdr_encode(const struct hdr *);
/* Returns NULL with *cause set when the text is not a valid encoding. */
struct hdr *hdr_decode(const char *text, char **cause);

#endif
