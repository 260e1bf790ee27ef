/*
 * Log-linear latency histogram.
 *
 * Values are split into buckets that each cover twice the range of the one
 * before; every bucket holds sub_bucket_count linear slots, so the relative
 * width of a slot never exceeds 1 / sub_bucket_half_count.  Bucket 0 uses
 * all of its slots; every later bucket only its upper half (the lower half
 * would duplicate the previous bucket), which gives the flat counts array
 * (bucket_count + 1) * sub_bucket_half_count long.
 *
 * That array is cut into pages, and a page is only allocated when its
 * writer first puts a count in it: latencies cluster, so most pages of
 * most histograms stay NULL.  A page, once there, stays until hdr_free
 * (hdr_reset only zeroes it), so that a reader holding its pointer never
 * reads freed memory, and recording stops allocating once the pages a
 * workload touches exist.
 *
 * Exactly one thread calls hdr_record on a histogram.  Every shared field
 * is read and written with relaxed atomics: with a single writer a load
 * plus a store is enough and costs what a plain increment costs on x86.
 * Readers may see counts, total, min and max from slightly different
 * moments, so everything that reads derives the total from the counts it
 * actually saw.
 */

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "hdr-int.h"
#include "util.h"

/*
 * Counts per page, as a power of two, by significant digits: the sizes
 * that held the fewest bytes for latencies from a narrow band to a long
 * tail, with a hundred values and with 100,000 (bench/RESULTS.md): 32
 * counts at 2 digits, a quarter of a half bucket, and 128 at 3, an
 * eighth.
 */
static const int page_shift_by_digits[] = {
	[1] = 4, [2] = 5, [3] = 7, [4] = 8, [5] = 8,
};

/* Fill in the layout fields; -1 when the parameters cannot be honoured. */
int
hdr_layout(struct hdr *h, int64_t lowest, int64_t highest, int sigfigs)
{
	int64_t single_unit, untrackable;
	int magnitude, buckets;

	if (lowest < 1 || lowest > INT64_MAX / 2 || highest < 2 * lowest)
		return -1;
	if (sigfigs < 1 || sigfigs > 5)
		return -1;

	/* Values up to 2 * 10^sigfigs must be told apart one unit at a time. */
	single_unit = 2;
	for (int i = 0; i < sigfigs; i++)
		single_unit *= 10;
	magnitude = 0;
	while ((INT64_C(1) << magnitude) < single_unit)
		magnitude++;

	memset(h, 0, sizeof *h);
	h->lowest = lowest;
	h->highest = highest;
	h->sigfigs = sigfigs;
	h->unit_magnitude = 63 - __builtin_clzll((unsigned long long)lowest);
	if (h->unit_magnitude + magnitude > 62)
		return -1;
	h->sub_bucket_half_count_magnitude = magnitude - 1;
	h->sub_bucket_count = INT32_C(1) << magnitude;
	h->sub_bucket_half_count = h->sub_bucket_count / 2;
	h->sub_bucket_mask = (int64_t)(h->sub_bucket_count - 1) <<
	    h->unit_magnitude;

	untrackable = (int64_t)h->sub_bucket_count << h->unit_magnitude;
	buckets = 1;
	while (untrackable <= highest) {
		if (untrackable > INT64_MAX / 2) {
			buckets++;
			break;
		}
		untrackable <<= 1;
		buckets++;
	}
	h->bucket_count = buckets;
	h->counts_len = (buckets + 1) * h->sub_bucket_half_count;
	h->page_shift = page_shift_by_digits[sigfigs];
	h->page_mask = (INT32_C(1) << h->page_shift) - 1;
	h->page_count = (h->counts_len + h->page_mask) >> h->page_shift;
	h->min = INT64_MAX;
	return 0;
}

/* Lowest value that lands in counts[index]. */
static int64_t
value_at_index(const struct hdr *h, int32_t index)
{
	int bucket = (index >> h->sub_bucket_half_count_magnitude) - 1;
	int32_t sub = (index & (h->sub_bucket_half_count - 1)) +
	    h->sub_bucket_half_count;

	if (bucket < 0) {
		sub -= h->sub_bucket_half_count;
		bucket = 0;
	}
	return (int64_t)sub << (bucket + h->unit_magnitude);
}

static int64_t
range_at_index(const struct hdr *h, int32_t index)
{
	int bucket = (index >> h->sub_bucket_half_count_magnitude) - 1;

	if (bucket < 0)
		bucket = 0;
	return INT64_C(1) << (bucket + h->unit_magnitude);
}

/* Midpoint of counts[index], kept inside the observed [lo, hi]. */
static int64_t
median_at_index(const struct hdr *h, int32_t index, int64_t lo, int64_t hi)
{
	int64_t v = value_at_index(h, index) + range_at_index(h, index) / 2;

	if (lo <= hi) {
		if (v < lo)
			v = lo;
		if (v > hi)
			v = hi;
	}
	return v;
}

/* Pull v into the values counts[index] can hold, for min and max. */
int64_t
hdr_clamp_to_index(const struct hdr *h, int64_t v, int32_t index)
{
	int64_t lo = value_at_index(h, index);
	int64_t hi = lo + (range_at_index(h, index) - 1);

	lo = LT_MAX(lo, h->lowest);
	hi = LT_MIN(hi, h->highest);
	return v < lo ? lo : v > hi ? hi : v;
}

uint64_t *
hdr_page_alloc(struct hdr *h, int32_t k)
{
	size_t bytes = (size_t)hdr_page_len(h, k) * sizeof *h->pages[k];
	uint64_t *p = xcalloc(1, bytes);

	STORE(&h->page_bytes, LOAD(&h->page_bytes) + bytes);
	__atomic_store_n(&h->pages[k], p, __ATOMIC_RELEASE);
	return p;
}

struct hdr *
hdr_new(int64_t lowest, int64_t highest, int sigfigs)
{
	struct hdr layout, *h;

	if (hdr_layout(&layout, lowest, highest, sigfigs) != 0)
		return NULL;
	h = xcalloc(1, sizeof *h + (size_t)layout.page_count *
	    sizeof h->pages[0]);
	memcpy(h, &layout, sizeof *h);
	h->refs = 1;
	return h;
}

struct hdr *
hdr_hold(struct hdr *h)
{
	__atomic_add_fetch(&h->refs, 1, __ATOMIC_ACQ_REL);
	return h;
}

void
hdr_free(struct hdr *h)
{
	if (h == NULL || __atomic_sub_fetch(&h->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (int32_t k = 0; k < h->page_count; k++)
		free(h->pages[k]);
	free(h);
}

void
hdr_reset(struct hdr *h)
{
	uint64_t *p;

	for (int32_t k = 0; k < h->page_count; k++)
		if ((p = LOAD(&h->pages[k])) != NULL)
			hdr_page_zero(p, hdr_page_len(h, k));
	STORE(&h->total, 0);
	STORE(&h->overflow, 0);
	STORE(&h->min, INT64_MAX);
	STORE(&h->max, 0);
	hdr_store_sum(h, 0.0);
}

size_t
hdr_size(const struct hdr *h)
{
	return sizeof *h + (size_t)h->page_count * sizeof h->pages[0] +
	    LOAD(&h->page_bytes);
}

static void record_into_new_page(struct hdr *, int64_t, uint64_t)
    __attribute__((noinline, cold));

/* Both entry points get their own copy, hdr_record's with n = 1. */
static inline __attribute__((always_inline)) void
record(struct hdr *h, int64_t v, uint64_t n)
{
	uint64_t *page, *slot;
	int32_t i;

	if (__builtin_expect(v < h->lowest, 0))
		v = h->lowest;
	if (__builtin_expect(v > h->highest, 0)) {
		v = h->highest;
		STORE(&h->overflow, LOAD(&h->overflow) + n);
	}
	i = hdr_counts_index(h, v);
	page = LOAD(&h->pages[i >> h->page_shift]);
	/* Out of line, so that the common path makes no call and saves no
	 * registers. */
	if (__builtin_expect(page == NULL, 0)) {
		record_into_new_page(h, v, n);
		return;
	}
	slot = &page[i & h->page_mask];
	STORE(slot, LOAD(slot) + n);
	STORE(&h->total, LOAD(&h->total) + n);
	hdr_store_sum(h, hdr_load_sum(h) + (double)v * (double)n);
	if (v < LOAD(&h->min))
		STORE(&h->min, v);
	if (v > LOAD(&h->max))
		STORE(&h->max, v);
}

/* v is clamped already, so the overflow is not counted twice. */
static void
record_into_new_page(struct hdr *h, int64_t v, uint64_t n)
{
	hdr_page_alloc(h, hdr_counts_index(h, v) >> h->page_shift);
	hdr_record_n(h, v, n);
}

void
hdr_record_n(struct hdr *h, int64_t v, uint64_t n)
{
	record(h, v, n);
}

void
hdr_record(struct hdr *h, int64_t v)
{
	record(h, v, 1);
}

uint64_t
hdr_count(const struct hdr *h)
{
	return LOAD(&h->total);
}

/* 0 when empty, like the percentiles. */
int64_t
hdr_min(const struct hdr *h)
{
	int64_t v = LOAD(&h->min);

	return v == INT64_MAX ? 0 : v;
}

int64_t
hdr_max(const struct hdr *h)
{
	return LOAD(&h->max);
}

double
hdr_mean(const struct hdr *h)
{
	uint64_t n = LOAD(&h->total);

	return n == 0 ? 0.0 : hdr_load_sum(h) / (double)n;
}

double
hdr_stddev(const struct hdr *h)
{
	int64_t lo = LOAD(&h->min), hi = LOAD(&h->max);
	double mean = hdr_mean(h), d, var = 0;
	struct hdr_iter it;
	uint64_t n = 0;

	hdr_iter_init(&it, h);
	while (hdr_iter_count(&it)) {
		d = (double)median_at_index(h, it.index, lo, hi) - mean;
		var += d * d * (double)it.count;
		n += it.count;
	}
	return n == 0 ? 0.0 : sqrt(var / (double)n);
}

/* Nearest rank: the smallest count with at least p% at or below it;
 * shave a few ulps so that 99.9% of 200000 is 199800, not 199801. */
static uint64_t
rank_of(double p, uint64_t n)
{
	double want = p * (double)n / 100.0;
	uint64_t target;

	want -= want * 4 * __DBL_EPSILON__;
	target = (uint64_t)want;
	if ((double)target < want)
		target++;
	return target < 1 ? 1 : target;
}

void
hdr_percentiles(const struct hdr *h, const double *ps, size_t np,
    int64_t *out)
{
	uint64_t n = 0, seen = 0, rank;
	struct hdr_iter it;
	int64_t lo, hi;
	int32_t last = -1;
	size_t k = 0;

	hdr_iter_init(&it, h);
	while (hdr_iter_count(&it))
		n += it.count;
	lo = LOAD(&h->min);
	hi = LOAD(&h->max);
	/* The ends, and an empty histogram, need no walk. */
	while (k < np && (n == 0 || !(ps[k] > 0))) {
		out[k] = n == 0 ? 0 : hdr_min(h);
		k++;
	}
	rank = k < np ? rank_of(ps[k], n) : 0;
	hdr_iter_init(&it, h);
	while (k < np && ps[k] < 100 && hdr_iter_count(&it)) {
		last = it.index;
		seen += it.count;
		while (k < np && ps[k] < 100 && seen >= rank) {
			out[k++] = median_at_index(h, it.index, lo, hi);
			rank = k < np ? rank_of(ps[k], n) : 0;
		}
	}
	/* p >= 100, or a histogram reset under us. */
	for (; k < np; k++)
		out[k] = ps[k] >= 100 ? hi :
		    last < 0 ? 0 : median_at_index(h, last, lo, hi);
}

int64_t
hdr_percentile(const struct hdr *h, double p)
{
	int64_t v;

	hdr_percentiles(h, &p, 1, &v);
	return v;
}

int64_t
hdr_lowest_equivalent(const struct hdr *h, int64_t v)
{
	int bucket;

	if (v < 0)
		v = 0;
	bucket = hdr_bucket_index(h, v);
	return (v >> (bucket + h->unit_magnitude)) <<
	    (bucket + h->unit_magnitude);
}

int64_t
hdr_highest_equivalent(const struct hdr *h, int64_t v)
{
	int bucket;

	if (v < 0)
		v = 0;
	bucket = hdr_bucket_index(h, v);
	return hdr_lowest_equivalent(h, v) +
	    ((INT64_C(1) << (bucket + h->unit_magnitude)) - 1);
}

void
hdr_iter_init(struct hdr_iter *it, const struct hdr *h)
{
	memset(it, 0, sizeof *it);
	it->h = h;
	it->index = -1;
}

bool
hdr_iter_page(struct hdr_iter *it)
{
	const struct hdr *h = it->h;
	int32_t k;

	/* page_end is where the next page starts, or counts_len. */
	for (k = it->page_end >> h->page_shift; it->page_end < h->counts_len &&
	    k < h->page_count; k++) {
		if ((it->page = hdr_page_read(h, k)) != NULL) {
			it->index = (k << h->page_shift) - 1;
			it->page_end = it->index + 1 + hdr_page_len(h, k);
			return true;
		}
	}
	it->index = it->page_end = h->counts_len;
	it->page = NULL;
	it->count = 0;
	return false;
}

bool
hdr_iter_next(struct hdr_iter *it)
{
	if (!hdr_iter_count(it))
		return false;
	it->value_from = value_at_index(it->h, it->index);
	it->value_to = it->value_from + (range_at_index(it->h, it->index) - 1);
	return true;
}

