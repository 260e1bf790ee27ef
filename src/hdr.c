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
#include "util.h"

#define LOAD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

static double
load_sum(const struct hdr *h)
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
static int
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

static inline int
bucket_index(const struct hdr *h, int64_t v)
{
	int pow2ceiling;

	pow2ceiling = 64 - __builtin_clzll((unsigned long long)v |
	    (unsigned long long)h->sub_bucket_mask);
	return pow2ceiling - h->unit_magnitude -
	    (h->sub_bucket_half_count_magnitude + 1);
}

/* v must be >= 0. */
static inline int32_t
counts_index(const struct hdr *h, int64_t v)
{
	int bucket = bucket_index(h, v);
	int32_t sub = (int32_t)(v >> (bucket + h->unit_magnitude));

	return ((bucket + 1) << h->sub_bucket_half_count_magnitude) +
	    (sub - h->sub_bucket_half_count);
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
static int64_t
clamp_to_index(const struct hdr *h, int64_t v, int32_t index)
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
	memset(h->counts, 0, (size_t)h->counts_len * sizeof h->counts[0]);
	return h;
}

void
hdr_free(struct hdr *h)
{
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
	slot = &h->counts[counts_index(h, v)];
	STORE(slot, LOAD(slot) + n);
	STORE(&h->total, LOAD(&h->total) + n);
	store_sum(h, load_sum(h) + (double)v * (double)n);
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
	store_sum(dst, load_sum(dst) + load_sum(src));
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
		min = clamp_to_index(a, LOAD(&a->min), first);
		max = clamp_to_index(a, LOAD(&a->max), last);
	}
	ovf_a = LOAD(&a->overflow);
	ovf_b = LOAD(&b->overflow);
	sum = load_sum(a) - load_sum(b);
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
	store_sum(dst, total != 0 ? load_sum(src) : 0.0);
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

	return n == 0 ? 0.0 : load_sum(h) / (double)n;
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

int64_t
hdr_percentile(const struct hdr *h, double p)
{
	uint64_t c, n = 0, target, seen = 0;
	int64_t lo, hi;
	int32_t last = -1;
	double want;

	for (int32_t i = 0; i < h->counts_len; i++)
		n += LOAD(&h->counts[i]);
	if (n == 0)
		return 0;
	lo = LOAD(&h->min);
	hi = LOAD(&h->max);
	if (!(p > 0))
		return hdr_min(h);
	if (p >= 100)
		return hi;

	/* Nearest rank: the smallest value with at least p% at or below it;
	 * shave a few ulps so that 99.9% of 200000 is 199800, not 199801. */
	want = p * (double)n / 100.0;
	want -= want * 4 * __DBL_EPSILON__;
	target = (uint64_t)want;
	if ((double)target < want)
		target++;
	if (target < 1)
		target = 1;
	for (int32_t i = 0; i < h->counts_len; i++) {
		if ((c = LOAD(&h->counts[i])) == 0)
			continue;
		last = i;
		seen += c;
		if (seen >= target)
			return median_at_index(h, i, lo, hi);
	}
	/* Only reachable if the histogram was reset under us. */
	return last < 0 ? 0 : median_at_index(h, last, lo, hi);
}

int64_t
hdr_lowest_equivalent(const struct hdr *h, int64_t v)
{
	int bucket;

	if (v < 0)
		v = 0;
	bucket = bucket_index(h, v);
	return (v >> (bucket + h->unit_magnitude)) <<
	    (bucket + h->unit_magnitude);
}

int64_t
hdr_highest_equivalent(const struct hdr *h, int64_t v)
{
	int bucket;

	if (v < 0)
		v = 0;
	bucket = bucket_index(h, v);
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

/*
 * Text form: "HDR1 lowest highest sigfigs total overflow min max sum B64",
 * B64 being base64 of LEB128 varints, one per bucket, zig-zag signed: a
 * positive value is a count, a negative one a run of that many empty
 * buckets.  The whole array is covered, so its length is checked too.
 */
#define HDR_MAGIC	"HDR1"
#define HDR_FIELDS	10

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static uint8_t *
put_varint(uint8_t *p, int64_t v)
{
	uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);

	while (u >= 0x80) {
		*p++ = (uint8_t)(u | 0x80);
		u >>= 7;
	}
	*p++ = (uint8_t)u;
	return p;
}

/* Returns bytes consumed, 0 if the varint is truncated or too long. */
static size_t
get_varint(const uint8_t *p, size_t len, int64_t *v)
{
	uint64_t u = 0;
	size_t i;

	for (i = 0; i < len && i < 10; i++) {
		if (i == 9 && p[i] > 1)
			return 0;
		u |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if ((p[i] & 0x80) == 0) {
			*v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
			return i + 1;
		}
	}
	return 0;
}

static char *
b64_encode(const uint8_t *in, size_t len)
{
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *p = out;
	uint32_t w;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		w = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*p++ = b64_alphabet[w >> 18];
		*p++ = b64_alphabet[(w >> 12) & 63];
		*p++ = b64_alphabet[(w >> 6) & 63];
		*p++ = b64_alphabet[w & 63];
	}
	if (i < len) {
		w = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			w |= (uint32_t)in[i + 1] << 8;
		*p++ = b64_alphabet[w >> 18];
		*p++ = b64_alphabet[(w >> 12) & 63];
		*p++ = i + 1 < len ? b64_alphabet[(w >> 6) & 63] : '=';
		*p++ = '=';
	}
	*p = '\0';
	return out;
}

/* Returns the decoded bytes (allocated) or NULL if s is not base64. */
static uint8_t *
b64_decode(const char *s, size_t len, size_t *outlen)
{
	uint8_t *out, *p;
	const char *c;
	uint32_t w = 0;
	size_t pad = 0;

	if (len == 0 || len % 4 != 0)
		return NULL;
	if (s[len - 1] == '=')
		pad = s[len - 2] == '=' ? 2 : 1;
	p = out = xmalloc(len / 4 * 3);
	for (size_t i = 0; i < len - pad; i++) {
		if (s[i] == '\0' || (c = strchr(b64_alphabet, s[i])) == NULL) {
			free(out);
			return NULL;
		}
		w = w << 6 | (uint32_t)(c - b64_alphabet);
		if (i % 4 == 3) {
			*p++ = (uint8_t)(w >> 16);
			*p++ = (uint8_t)(w >> 8);
			*p++ = (uint8_t)w;
			w = 0;
		}
	}
	if (pad == 2)
		*p++ = (uint8_t)(w >> 4);
	else if (pad == 1) {
		*p++ = (uint8_t)(w >> 10);
		*p++ = (uint8_t)(w >> 2);
	}
	*outlen = (size_t)(p - out);
	return out;
}

char *
hdr_encode(const struct hdr *h)
{
	uint8_t *buf, *p;
	uint64_t c, total = 0, overflow;
	int64_t zeros = 0, min = INT64_MAX, max = 0;
	int32_t first = -1, last = -1;
	double sum = 0;
	char *b64, *out;

	p = buf = xmalloc((size_t)h->counts_len * 10 + 10);
	for (int32_t i = 0; i < h->counts_len; i++) {
		if ((c = LOAD(&h->counts[i])) == 0) {
			zeros++;
			continue;
		}
		if (zeros != 0)
			p = put_varint(p, -zeros);
		zeros = 0;
		p = put_varint(p, (int64_t)LT_MIN(c, (uint64_t)INT64_MAX));
		total += c;
		if (first < 0)
			first = i;
		last = i;
	}
	if (zeros != 0)
		p = put_varint(p, -zeros);

	/* Keep the header true to the counts read, even on a live histogram. */
	overflow = LT_MIN(LOAD(&h->overflow), total);
	if (total != 0) {
		min = clamp_to_index(h, LOAD(&h->min), first);
		max = clamp_to_index(h, LOAD(&h->max), last);
		sum = load_sum(h);
	}
	b64 = b64_encode(buf, (size_t)(p - buf));
	free(buf);
	xasprintf(&out, "%s %" PRId64 " %" PRId64 " %d %" PRIu64 " %" PRIu64
	    " %" PRId64 " %" PRId64 " %.0f %s", HDR_MAGIC, h->lowest,
	    h->highest, h->sigfigs, total, overflow, min, max, sum, b64);
	free(b64);
	return out;
}

/* A decimal number without sign, leading spaces or trailing junk. */
static int
parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * The sum of integer values is integral, so it travels as plain digits:
 * exact, and immune to a locale's decimal comma.
 */
static int
parse_sum(const char *s, size_t len, double *out)
{
	char buf[64];

	if (len == 0 || len >= sizeof buf || strspn(s, "0123456789") < len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return isfinite(*out) ? 0 : -1;
}

/*
 * Walk the varints: check them against the layout, and store the counts
 * when h is not NULL.  Returns NULL or the reason the data is invalid.
 */
static const char *
walk_counts(const struct hdr *layout, struct hdr *h, const uint8_t *p,
    size_t len, uint64_t *total, int32_t *first, int32_t *last)
{
	int32_t index = 0;
	size_t n;
	int64_t v;

	*total = 0;
	*first = *last = -1;
	while (len > 0) {
		if ((n = get_varint(p, len, &v)) == 0)
			return "truncated or oversized varint";
		p += n;
		len -= n;
		if (v == 0)
			return "zero count";
		if (v < 0) {
			if (v < -(int64_t)(layout->counts_len - index))
				return "more buckets than the layout has";
			index += (int32_t)-v;
			continue;
		}
		if (index >= layout->counts_len)
			return "more buckets than the layout has";
		if (*total + (uint64_t)v < *total)
			return "counts overflow";
		*total += (uint64_t)v;
		if (*first < 0)
			*first = index;
		*last = index;
		if (h != NULL)
			h->counts[index] = (uint64_t)v;
		index++;
	}
	if (index != layout->counts_len)
		return "fewer buckets than the layout has";
	return NULL;
}

struct hdr *
hdr_decode(const char *text, char **cause)
{
	const char *field[HDR_FIELDS], *p, *why;
	size_t flen[HDR_FIELDS], nbytes;
	uint64_t num[8], total;
	struct hdr layout, *h;
	int32_t first, last;
	uint8_t *bytes;
	double sum;
	int nf = 0;

	/* Split on single spaces; a trailing newline is allowed. */
	for (p = text; nf < HDR_FIELDS; nf++) {
		field[nf] = p;
		flen[nf] = strcspn(p, " \n");
		p += flen[nf];
		if (*p != ' ')
			break;
		p++;
	}
	if (nf < HDR_FIELDS && *p == '\n')
		p++;
	if (strncmp(text, HDR_MAGIC " ", strlen(HDR_MAGIC) + 1) != 0) {
		xasprintf(cause, "not an %s histogram", HDR_MAGIC);
		return NULL;
	}
	if (nf != HDR_FIELDS - 1 || *p != '\0') {
		xasprintf(cause, "histogram needs %d fields", HDR_FIELDS);
		return NULL;
	}
	for (int i = 1; i < 8; i++) {
		if (parse_u64(field[i], flen[i], &num[i]) != 0 ||
		    num[i] > INT64_MAX) {
			xasprintf(cause, "histogram field %d is not a number",
			    i + 1);
			return NULL;
		}
	}
	if (parse_sum(field[8], flen[8], &sum) != 0) {
		xasprintf(cause, "histogram sum is not a number");
		return NULL;
	}
	if (num[3] > 5 || hdr_layout(&layout, (int64_t)num[1],
	    (int64_t)num[2], (int)num[3]) != 0) {
		xasprintf(cause, "bad histogram layout %" PRIu64 " %" PRIu64
		    " %" PRIu64, num[1], num[2], num[3]);
		return NULL;
	}
	if ((bytes = b64_decode(field[9], flen[9], &nbytes)) == NULL) {
		xasprintf(cause, "histogram counts are not base64");
		return NULL;
	}
	if ((why = walk_counts(&layout, NULL, bytes, nbytes, &total, &first,
	    &last)) != NULL) {
		free(bytes);
		xasprintf(cause, "bad histogram counts: %s", why);
		return NULL;
	}
	why = NULL;
	if (total != num[4])
		why = "counts disagree with the total";
	else if (num[5] > total)
		why = "overflow exceeds the total";
	else if (total == 0 && (num[6] != INT64_MAX || num[7] != 0 || sum != 0))
		why = "empty histogram with a min, max or sum";
	else if (total != 0 && ((int64_t)num[6] < layout.lowest ||
	    (int64_t)num[7] > layout.highest || num[6] > num[7] ||
	    counts_index(&layout, (int64_t)num[6]) != first ||
	    counts_index(&layout, (int64_t)num[7]) != last))
		why = "min or max disagree with the counts";
	if (why != NULL) {
		free(bytes);
		xasprintf(cause, "bad histogram: %s", why);
		return NULL;
	}

	h = hdr_new(layout.lowest, layout.highest, layout.sigfigs);
	walk_counts(&layout, h, bytes, nbytes, &total, &first, &last);
	free(bytes);
	h->total = total;
	h->overflow = num[5];
	h->min = (int64_t)num[6];
	h->max = (int64_t)num[7];
	h->sum = sum;
	return h;
}
