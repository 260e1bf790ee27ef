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


double
hdr_load_sum(const struct hdr *h)
{
	double v;

	__atomic_load(&h->sum, &v, __ATOMIC_RELAXED);
	return v;
}

static void
store_sum(struct hdr *h, double v)
{
	__atomic_store(&h->sum, &v, __ATOMIC_RELAXED);
}

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

struct hdr *
hdr_new(int64_t lowest, int64_t highest, int sigfigs)
{
	struct hdr layout, *h;

	if (hdr_layout(&layout, lowest, highest, sigfigs) != 0)
		return NULL;
	h = xmalloc(sizeof *h + (size_t)layout.counts_len * sizeof h->counts[0]);
	memcpy(h, &layout, sizeof *h);
	h->refs = 1;
	memset(h->counts, 0, (size_t)h->counts_len * sizeof h->counts[0]);
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
	if (h != NULL && __atomic_sub_fetch(&h->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(h);
}

void
hdr_reset(struct hdr *h)
{
	for (int32_t i = 0; i < h->counts_len; i++)
		STORE(&h->counts[i], 0);
	STORE(&h->total, 0);
	STORE(&h->overflow, 0);
	STORE(&h->min, INT64_MAX);
	STORE(&h->max, 0);
	store_sum(h, 0.0);
}

size_t
hdr_size(const struct hdr *h)
{
	return sizeof *h + (size_t)h->counts_len * sizeof h->counts[0];
}

void
hdr_record_n(struct hdr *h, int64_t v, uint64_t n)
{
	uint64_t *slot;

	if (__builtin_expect(v < h->lowest, 0))
		v = h->lowest;
	if (__builtin_expect(v > h->highest, 0)) {
		v = h->highest;
		STORE(&h->overflow, LOAD(&h->overflow) + n);
	}
	slot = &h->counts[hdr_counts_index(h, v)];
	STORE(slot, LOAD(slot) + n);
	STORE(&h->total, LOAD(&h->total) + n);
	store_sum(h, hdr_load_sum(h) + (double)v * (double)n);
	if (v < LOAD(&h->min))
		STORE(&h->min, v);
	if (v > LOAD(&h->max))
		STORE(&h->max, v);
}

void
hdr_record(struct hdr *h, int64_t v)
{
	hdr_record_n(h, v, 1);
}

static bool
hdr_same_layout(const struct hdr *a, const struct hdr *b)
{
	return a->lowest == b->lowest && a->highest == b->highest &&
	    a->sigfigs == b->sigfigs && a->counts_len == b->counts_len;
}

int
hdr_add(struct hdr *dst, const struct hdr *src)
{
	uint64_t c, added = 0;
	int64_t v;

	if (!hdr_same_layout(dst, src))
		return -1;
	for (int32_t i = 0; i < src->counts_len; i++) {
		if ((c = LOAD(&src->counts[i])) == 0)
			continue;
		STORE(&dst->counts[i], LOAD(&dst->counts[i]) + c);
		added += c;
	}
	/* min and max only widen with time: read them after the counts. */
	if (added != 0) {
		if ((v = LOAD(&src->min)) < LOAD(&dst->min))
			STORE(&dst->min, v);
		if ((v = LOAD(&src->max)) > LOAD(&dst->max))
			STORE(&dst->max, v);
	}
	STORE(&dst->total, LOAD(&dst->total) + added);
	STORE(&dst->overflow, LOAD(&dst->overflow) + LOAD(&src->overflow));
	store_sum(dst, hdr_load_sum(dst) + hdr_load_sum(src));
	return 0;
}

int
hdr_sub(struct hdr *dst, const struct hdr *a, const struct hdr *b)
{
	uint64_t ca, cb, total = 0, ovf_a, ovf_b;
	int32_t first = -1, last = -1;
	int64_t min = INT64_MAX, max = 0;
	double sum;

	if (!hdr_same_layout(dst, a) || !hdr_same_layout(dst, b))
		return -1;
	for (int32_t i = 0; i < a->counts_len; i++) {
		ca = LOAD(&a->counts[i]);
		cb = LOAD(&b->counts[i]);
		ca = ca > cb ? ca - cb : 0;
		STORE(&dst->counts[i], ca);
		if (ca != 0) {
			if (first < 0)
				first = i;
			last = i;
			total += ca;
		}
	}
	if (first >= 0) {
		min = hdr_clamp_to_index(a, LOAD(&a->min), first);
		max = hdr_clamp_to_index(a, LOAD(&a->max), last);
	}
	ovf_a = LOAD(&a->overflow);
	ovf_b = LOAD(&b->overflow);
	sum = hdr_load_sum(a) - hdr_load_sum(b);
	if (total == 0 || sum < 0)
		sum = 0;
	STORE(&dst->total, total);
	STORE(&dst->overflow, ovf_a > ovf_b ? ovf_a - ovf_b : 0);
	STORE(&dst->min, min);
	STORE(&dst->max, max);
	store_sum(dst, sum);
	return 0;
}

int
hdr_copy(struct hdr *dst, const struct hdr *src)
{
	uint64_t c, total = 0;

	if (!hdr_same_layout(dst, src))
		return -1;
	if (dst == src)
		return 0;
	for (int32_t i = 0; i < src->counts_len; i++) {
		c = LOAD(&src->counts[i]);
		STORE(&dst->counts[i], c);
		total += c;
	}
	STORE(&dst->total, total);
	STORE(&dst->overflow, LOAD(&src->overflow));
	STORE(&dst->min, total != 0 ? LOAD(&src->min) : INT64_MAX);
	STORE(&dst->max, total != 0 ? LOAD(&src->max) : 0);
	store_sum(dst, total != 0 ? hdr_load_sum(src) : 0.0);
	return 0;
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
	uint64_t c, n = 0;

	for (int32_t i = 0; i < h->counts_len; i++) {
		if ((c = LOAD(&h->counts[i])) == 0)
			continue;
		d = (double)median_at_index(h, i, lo, hi) - mean;
		var += d * d * (double)c;
		n += c;
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
	uint64_t c, n = 0, seen = 0;
	int64_t lo, hi;
	int32_t i, last = -1;
	size_t k = 0;

	for (i = 0; i < h->counts_len; i++)
		n += LOAD(&h->counts[i]);
	lo = LOAD(&h->min);
	hi = LOAD(&h->max);
	/* The ends, and an empty histogram, need no walk. */
	while (k < np && (n == 0 || !(ps[k] > 0))) {
		out[k] = n == 0 ? 0 : hdr_min(h);
		k++;
	}
	for (i = 0; i < h->counts_len && k < np && ps[k] < 100; i++) {
		if ((c = LOAD(&h->counts[i])) == 0)
			continue;
		last = i;
		seen += c;
		while (k < np && ps[k] < 100 && seen >= rank_of(ps[k], n))
			out[k++] = median_at_index(h, i, lo, hi);
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
hdr_iter_next(struct hdr_iter *it)
{
	const struct hdr *h = it->h;
	uint64_t c;

	while (++it->index < h->counts_len) {
		if ((c = LOAD(&h->counts[it->index])) == 0)
			continue;
		it->count = c;
		it->value_from = value_at_index(h, it->index);
		it->value_to = it->value_from +
		    (range_at_index(h, it->index) - 1);
		return true;
	}
	it->index = h->counts_len;
	it->count = 0;
	return false;
}

