#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "check-tap.h"
#include "hdr.h"
#include "util.h"

#define LOWEST		1
#define HIGHEST		INT64_C(60000000)
#define SIGFIGS		3
#define NVALUES		200000

static uint64_t rng_state;

static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

static int64_t
gen_uniform(void)
{
	return 1 + (int64_t)(rng_next() % 1000000);
}

static int64_t
gen_exponential(void)
{
	return 1 + (int64_t)(-5000.0 * log(1.0 - rng_unit()));
}

/* Fast answers around 1 ms, a slow mode around 200 ms. */
static int64_t
gen_bimodal(void)
{
	if (rng_next() % 10 < 7)
		return 950 + (int64_t)(rng_next() % 100);
	return 195000 + (int64_t)(rng_next() % 10000);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static struct hdr *
new_default(void)
{
	struct hdr *h = hdr_new(LOWEST, HIGHEST, SIGFIGS);

	ck_assert_ptr_nonnull(h);
	return h;
}

/* Fill v[] from gen and record every value in a new histogram. */
static struct hdr *
fill(int64_t (*gen)(void), int64_t *v, size_t n, uint64_t seed)
{
	struct hdr *h = new_default();

	rng_state = seed;
	for (size_t i = 0; i < n; i++) {
		v[i] = gen();
		hdr_record(h, v[i]);
	}
	return h;
}

/* Every count, by index, as the iterator finds them; free() it. */
static uint64_t *
dense_counts(const struct hdr *h)
{
	uint64_t *c = xcalloc((size_t)h->counts_len, sizeof *c);
	struct hdr_iter it;

	hdr_iter_init(&it, h);
	while (hdr_iter_next(&it))
		c[it.index] = it.count;
	return c;
}

static void
assert_same_counts(const struct hdr *a, const struct hdr *b)
{
	uint64_t *ca = dense_counts(a), *cb = dense_counts(b);

	ck_assert_int_eq(a->counts_len, b->counts_len);
	for (int32_t i = 0; i < a->counts_len; i++) {
		if (ca[i] != cb[i])
			ck_abort_msg("bucket %d: %llu != %llu", (int)i,
			    (unsigned long long)ca[i],
			    (unsigned long long)cb[i]);
	}
	free(ca);
	free(cb);
	ck_assert_uint_eq(hdr_count(a), hdr_count(b));
	ck_assert_uint_eq(a->overflow, b->overflow);
}

static void
assert_same(const struct hdr *a, const struct hdr *b)
{
	assert_same_counts(a, b);
	ck_assert_int_eq(hdr_min(a), hdr_min(b));
	ck_assert_int_eq(hdr_max(a), hdr_max(b));
	ck_assert_double_eq(a->sum, b->sum);
}

START_TEST(test_layout)
{
	struct hdr *h = new_default();

	ck_assert_int_eq(h->sub_bucket_count, 2048);
	ck_assert_int_eq(h->sub_bucket_half_count, 1024);
	ck_assert_int_eq(h->unit_magnitude, 0);
	ck_assert_int_eq(h->counts_len,
	    (h->bucket_count + 1) * h->sub_bucket_half_count);
	/* Just enough buckets: the last covers highest, one fewer would not. */
	ck_assert_int_gt((int64_t)h->sub_bucket_count << (h->bucket_count - 1),
	    HIGHEST);
	ck_assert_int_le((int64_t)h->sub_bucket_count << (h->bucket_count - 2),
	    HIGHEST);
	ck_assert_int_ge(h->counts_len, 16000);
	ck_assert_int_le(h->counts_len, 18000);
	/* Empty: the header and a table of NULL pages. */
	ck_assert_uint_le(hdr_size(h), 2048);
	ck_assert_uint_eq(hdr_count(h), 0);
	ck_assert_int_eq(hdr_percentile(h, 50), 0);
	ck_assert_int_eq(hdr_min(h), 0);
	ck_assert_int_eq(hdr_max(h), 0);
	hdr_free(h);

	ck_assert_ptr_null(hdr_new(0, 1000, 3));
	ck_assert_ptr_null(hdr_new(1, 1, 3));
	ck_assert_ptr_null(hdr_new(1, 1000, 0));
	ck_assert_ptr_null(hdr_new(1, 1000, 6));
	ck_assert_ptr_null(hdr_new(INT64_MAX / 2, INT64_MAX, 3));
	h = hdr_new(1, INT64_MAX, 2);
	ck_assert_ptr_nonnull(h);
	hdr_record(h, INT64_MAX);
	ck_assert_int_eq(hdr_max(h), INT64_MAX);
	ck_assert_int_eq(hdr_percentile(h, 50), INT64_MAX);
	hdr_free(h);
}
END_TEST

START_TEST(test_equivalents)
{
	struct hdr *h = new_default();
	int64_t v, lo, hi;

	for (v = 1; v <= HIGHEST; v += 1 + v / 37) {
		lo = hdr_lowest_equivalent(h, v);
		hi = hdr_highest_equivalent(h, v);
		ck_assert_int_le(lo, v);
		ck_assert_int_ge(hi, v);
		/* Exact below 2048, then never wider than 1/1024 of lo. */
		if (v < h->sub_bucket_count)
			ck_assert_int_eq(lo, hi);
		else
			ck_assert_int_le((hi - lo + 1) * 1024, lo);
		ck_assert_int_eq(hdr_lowest_equivalent(h, hi + 1), hi + 1);
		ck_assert_int_eq(hdr_highest_equivalent(h, lo - 1), lo - 1);
	}
	hdr_free(h);
}
END_TEST

static void
check_percentiles(int64_t (*gen)(void), const char *name)
{
	static const int hundredths[] = { 1, 100, 1000, 2500, 5000, 7500,
	    9000, 9500, 9900, 9990, 9999 };
	int64_t *v = xmalloc(NVALUES * sizeof *v), got, want;
	struct hdr *h = fill(gen, v, NVALUES, 42);
	double err, worst = 0, mean = 0, var = 0;
	size_t rank;
	int p;

	qsort(v, NVALUES, sizeof *v, cmp_i64);
	ck_assert_int_eq(hdr_percentile(h, 0), v[0]);
	ck_assert_int_eq(hdr_percentile(h, 100), v[NVALUES - 1]);
	ck_assert_int_eq(hdr_min(h), v[0]);
	ck_assert_int_eq(hdr_max(h), v[NVALUES - 1]);

	/* The listed percentiles, then every tenth of a percent. */
	for (size_t k = 0; k < LT_NELEM(hundredths) + 1000; k++) {
		p = k < LT_NELEM(hundredths) ? hundredths[k] :
		    (int)(k - LT_NELEM(hundredths)) * 10;
		if (p == 0)
			continue;
		/* Nearest rank, in integers: ceil(p% of N). */
		rank = ((size_t)p * NVALUES + 9999) / 10000;
		want = v[rank - 1];
		got = hdr_percentile(h, p / 100.0);
		err = fabs((double)(got - want)) / (double)want;
		if (err > worst)
			worst = err;
		if (err > 0.001)
			ck_abort_msg("%s p%.2f: got %lld want %lld", name,
			    p / 100.0, (long long)got, (long long)want);
	}
	/* The midpoint keeps the error under half a bucket: 1/2048. */
	ck_assert_double_le(worst, 1.0 / 2048 + 1e-9);

	for (size_t i = 0; i < NVALUES; i++)
		mean += (double)v[i];
	mean /= NVALUES;
	for (size_t i = 0; i < NVALUES; i++)
		var += ((double)v[i] - mean) * ((double)v[i] - mean);
	ck_assert_uint_eq(hdr_count(h), NVALUES);
	ck_assert_double_eq_tol(hdr_mean(h), mean, mean * 1e-12);
	ck_assert_double_eq_tol(hdr_stddev(h), sqrt(var / NVALUES),
	    sqrt(var / NVALUES) * 0.001);
	free(v);
	hdr_free(h);
}

/* The one-walk form gives what the single calls give. */
START_TEST(test_percentiles_at_once)
{
	static const double ps[] = { 0, 1, 50, 75, 90, 99, 99.9, 99.99, 100,
	    150 };
	struct hdr *h = hdr_new(1, 60000000, 3);
	int64_t many[sizeof ps / sizeof ps[0]];
	size_t i;

	hdr_percentiles(h, ps, 3, many);
	ck_assert_int_eq(many[0], 0);
	ck_assert_int_eq(many[2], 0);
	for (i = 0; i < 100000; i++)
		hdr_record(h, (int64_t)(1 + (i * 7919) % 250000));
	hdr_percentiles(h, ps, sizeof ps / sizeof ps[0], many);
	for (i = 0; i < sizeof ps / sizeof ps[0]; i++)
		ck_assert_int_eq(many[i], hdr_percentile(h, ps[i]));
	ck_assert_int_eq(many[0], hdr_min(h));
	ck_assert_int_eq(many[8], hdr_max(h));
	hdr_free(h);
}
END_TEST

START_TEST(test_percentile_uniform)
{
	check_percentiles(gen_uniform, "uniform");
}
END_TEST

START_TEST(test_percentile_exponential)
{
	check_percentiles(gen_exponential, "exponential");
}
END_TEST

START_TEST(test_percentile_bimodal)
{
	check_percentiles(gen_bimodal, "bimodal");
}
END_TEST

START_TEST(test_constant)
{
	struct hdr *h = new_default();

	for (int i = 0; i < 1000; i++)
		hdr_record(h, 5000);
	ck_assert_int_eq(hdr_percentile(h, 50), 5000);
	ck_assert_int_eq(hdr_percentile(h, 99.9), 5000);
	ck_assert_double_eq(hdr_mean(h), 5000);
	ck_assert_double_eq(hdr_stddev(h), 0);
	hdr_free(h);
}
END_TEST

START_TEST(test_record_n)
{
	struct hdr *a = new_default(), *b = new_default();

	for (int i = 0; i < 7; i++) {
		hdr_record(a, 123456);
		hdr_record(a, 17);
	}
	hdr_record_n(b, 123456, 7);
	hdr_record_n(b, 17, 7);
	hdr_record_n(b, 999, 0);
	assert_same(a, b);
	ck_assert_int_eq(hdr_min(b), 17);
	ck_assert_int_eq(hdr_max(b), 123456);
	ck_assert_double_eq(hdr_mean(b), (123456.0 + 17) / 2);
	hdr_free(a);
	hdr_free(b);
}
END_TEST

START_TEST(test_clamping)
{
	struct hdr *h = new_default(), *k;
	struct hdr_iter it;

	hdr_record(h, -5);
	hdr_record(h, 0);
	hdr_record(h, INT64_MIN);
	ck_assert_uint_eq(hdr_count(h), 3);
	ck_assert_int_eq(hdr_min(h), LOWEST);
	ck_assert_int_eq(hdr_max(h), LOWEST);
	hdr_iter_init(&it, h);
	ck_assert(hdr_iter_next(&it));
	ck_assert_int_eq(it.index, 1);
	ck_assert_uint_eq(it.count, 3);
	ck_assert_uint_eq(h->overflow, 0);

	hdr_record(h, HIGHEST);
	ck_assert_uint_eq(h->overflow, 0);
	hdr_record(h, HIGHEST + 1);
	hdr_record_n(h, INT64_MAX, 2);
	ck_assert_uint_eq(hdr_count(h), 7);
	ck_assert_uint_eq(h->overflow, 3);
	ck_assert_int_eq(hdr_max(h), HIGHEST);
	ck_assert_int_eq(hdr_percentile(h, 100), HIGHEST);
	ck_assert_int_eq(hdr_percentile(h, 90), HIGHEST);
	ck_assert_double_eq(hdr_mean(h), (3.0 + 4 * HIGHEST) / 7);

	/* Below a lowest above 1: recorded as lowest. */
	k = hdr_new(1000, HIGHEST, 2);
	ck_assert_ptr_nonnull(k);
	hdr_record(k, 5);
	ck_assert_int_eq(hdr_min(k), 1000);
	ck_assert_int_eq(hdr_percentile(k, 50), 1000);
	hdr_free(k);

	hdr_reset(h);
	ck_assert_uint_eq(hdr_count(h), 0);
	ck_assert_uint_eq(h->overflow, 0);
	ck_assert_int_eq(hdr_percentile(h, 99), 0);
	hdr_iter_init(&it, h);
	ck_assert(!hdr_iter_next(&it));
	hdr_free(h);
}
END_TEST

START_TEST(test_merge)
{
	struct hdr *all = new_default(), *a = new_default(), *b = new_default();
	struct hdr *other = hdr_new(LOWEST, HIGHEST, 2);
	int64_t v;

	rng_state = 7;
	for (int i = 0; i < NVALUES; i++) {
		v = i % 2 ? gen_exponential() : gen_bimodal();
		hdr_record(all, v);
		hdr_record(rng_next() % 3 ? a : b, v);
	}
	hdr_record(a, HIGHEST * 2);
	hdr_record(all, HIGHEST * 2);
	ck_assert_int_eq(hdr_add(a, b), 0);
	assert_same(a, all);
	ck_assert_int_eq(hdr_percentile(a, 99.9), hdr_percentile(all, 99.9));

	ck_assert_int_eq(hdr_add(other, a), -1);
	ck_assert_int_eq(hdr_copy(other, a), -1);
	ck_assert_int_eq(hdr_sub(other, a, b), -1);
	ck_assert_int_eq(hdr_sub(a, other, b), -1);
	ck_assert_uint_eq(hdr_count(other), 0);

	/* Merging an empty histogram changes nothing. */
	hdr_reset(b);
	ck_assert_int_eq(hdr_add(a, b), 0);
	assert_same(a, all);
	hdr_free(all);
	hdr_free(a);
	hdr_free(b);
	hdr_free(other);
}
END_TEST

START_TEST(test_sub_copy)
{
	struct hdr *a = new_default(), *b = new_default();
	struct hdr *sum = new_default(), *delta = new_default();

	rng_state = 9;
	for (int i = 0; i < NVALUES; i++)
		hdr_record(a, gen_exponential());
	for (int i = 0; i < NVALUES / 2; i++)
		hdr_record(b, gen_bimodal());
	hdr_record(b, HIGHEST + 5);

	ck_assert_int_eq(hdr_copy(sum, a), 0);
	assert_same(sum, a);
	ck_assert_int_eq(hdr_add(sum, b), 0);
	ck_assert_int_eq(hdr_sub(delta, sum, b), 0);
	assert_same_counts(delta, a);
	ck_assert_double_eq(delta->sum, a->sum);
	/* min and max are recomputed from the counts left. */
	ck_assert_int_eq(hdr_lowest_equivalent(a, hdr_min(delta)),
	    hdr_lowest_equivalent(a, hdr_min(a)));
	ck_assert_int_eq(hdr_lowest_equivalent(a, hdr_max(delta)),
	    hdr_lowest_equivalent(a, hdr_max(a)));

	ck_assert_int_eq(hdr_sub(delta, sum, a), 0);
	assert_same_counts(delta, b);
	ck_assert_int_eq(hdr_max(delta), HIGHEST);

	ck_assert_int_eq(hdr_sub(delta, a, a), 0);
	ck_assert_uint_eq(hdr_count(delta), 0);
	ck_assert_int_eq(hdr_min(delta), 0);
	ck_assert_int_eq(hdr_max(delta), 0);
	ck_assert_double_eq(hdr_mean(delta), 0);
	hdr_free(a);
	hdr_free(b);
	hdr_free(sum);
	hdr_free(delta);
}
END_TEST

START_TEST(test_iterator)
{
	int64_t *v = xmalloc(NVALUES * sizeof *v), prev = -1;
	struct hdr *h = fill(gen_bimodal, v, NVALUES, 3), *again = new_default();
	struct hdr_iter it;
	uint64_t total = 0;
	int buckets = 0, nonempty = 0;
	int64_t bucket = -1;

	hdr_iter_init(&it, h);
	while (hdr_iter_next(&it)) {
		ck_assert_uint_gt(it.count, 0);
		ck_assert_int_gt(it.value_from, prev);
		ck_assert_int_le(it.value_from, it.value_to);
		ck_assert_int_eq(it.value_from,
		    hdr_lowest_equivalent(h, it.value_from));
		ck_assert_int_eq(it.value_to,
		    hdr_highest_equivalent(h, it.value_from));
		prev = it.value_to;
		total += it.count;
		buckets++;
		hdr_record_n(again, it.value_from, it.count);
	}
	ck_assert(!hdr_iter_next(&it));
	/* As many buckets as the distinct buckets of the values recorded. */
	qsort(v, NVALUES, sizeof *v, cmp_i64);
	for (size_t i = 0; i < NVALUES; i++) {
		if (hdr_lowest_equivalent(h, v[i]) != bucket)
			nonempty++;
		bucket = hdr_lowest_equivalent(h, v[i]);
	}
	ck_assert_int_eq(buckets, nonempty);
	ck_assert_uint_eq(total, NVALUES);
	assert_same_counts(again, h);

	hdr_reset(h);
	hdr_iter_init(&it, h);
	ck_assert(!hdr_iter_next(&it));
	free(v);
	hdr_free(h);
	hdr_free(again);
}
END_TEST

static void
check_round_trip(const struct hdr *h)
{
	char *text = hdr_encode(h), *again, *cause = NULL;
	struct hdr *d = hdr_decode(text, &cause), *merged = new_default();

	ck_assert_msg(d != NULL, "decode failed: %s", cause);
	ck_assert_int_eq(d->lowest, h->lowest);
	ck_assert_int_eq(d->highest, h->highest);
	ck_assert_int_eq(d->sigfigs, h->sigfigs);
	assert_same(d, h);
	again = hdr_encode(d);
	ck_assert_str_eq(again, text);

	/* Decoded histograms merge like the originals. */
	if (h->counts_len == merged->counts_len) {
		uint64_t *cm, *ch;

		ck_assert_int_eq(hdr_add(merged, d), 0);
		ck_assert_int_eq(hdr_add(merged, h), 0);
		ck_assert_uint_eq(hdr_count(merged), 2 * hdr_count(h));
		cm = dense_counts(merged);
		ch = dense_counts(h);
		for (int32_t i = 0; i < h->counts_len; i++)
			ck_assert_uint_eq(cm[i], 2 * ch[i]);
		free(cm);
		free(ch);
	}
	free(text);
	free(again);
	hdr_free(d);
	hdr_free(merged);
}

START_TEST(test_encode_round_trip)
{
	int64_t *v = xmalloc(NVALUES * sizeof *v);
	struct hdr *h = new_default(), *k;
	char *text;

	check_round_trip(h);
	hdr_record(h, 1);
	check_round_trip(h);
	hdr_record_n(h, HIGHEST * 3, 4);
	check_round_trip(h);
	hdr_free(h);

	h = fill(gen_exponential, v, NVALUES, 11);
	hdr_record_n(h, 17, UINT64_C(1) << 40);
	check_round_trip(h);
	text = hdr_encode(h);
	/* Compact: far smaller than the counts themselves. */
	ck_assert_uint_lt(strlen(text), 20000);
	free(text);
	hdr_free(h);

	k = hdr_new(1000, INT64_C(3600000000), 5);
	ck_assert_ptr_nonnull(k);
	for (int i = 0; i < 1000; i++)
		hdr_record(k, 1000 + i * 7919);
	check_round_trip(k);
	hdr_free(k);
	free(v);
}
END_TEST

static void
assert_rejected(const char *text)
{
	char *cause = NULL;
	struct hdr *h = hdr_decode(text, &cause);

	if (h != NULL)
		ck_abort_msg("accepted \"%s\"", text);
	ck_assert_ptr_nonnull(cause);
	ck_assert_uint_gt(strlen(cause), 0);
	free(cause);
}

START_TEST(test_decode_rejects)
{
	struct hdr *h = new_default(), *d;
	char *text, *bad, *cause;
	size_t len;

	hdr_record(h, 100);
	hdr_record(h, 5000);
	text = hdr_encode(h);
	len = strlen(text);

	assert_rejected("");
	assert_rejected("HDR1");
	assert_rejected("HDR1 ");
	assert_rejected("hello world");
	assert_rejected("HDR2 1 60000000 3 0 0 9223372036854775807 0 0 AA==");
	assert_rejected("HDR1 0 60000000 3 0 0 9223372036854775807 0 0 AA==");
	assert_rejected("HDR1 1 1 3 0 0 9223372036854775807 0 0 AA==");
	assert_rejected("HDR1 1 60000000 0 0 0 9223372036854775807 0 0 AA==");
	assert_rejected("HDR1 1 60000000 9 0 0 9223372036854775807 0 0 AA==");
	assert_rejected("HDR1 1 60000000 3 0 0 9223372036854775807 0 0 AA");
	assert_rejected("HDR1 1 60000000 3 0 0 9223372036854775807 0 0 A*==");
	assert_rejected("HDR1 1 60000000 3 0 0 9223372036854775807 0 nan AA==");
	assert_rejected("HDR1 1 60000000 3 -1 0 9223372036854775807 0 0 AA==");
	assert_rejected("HDR1 1 60000000 3 0 0 99999999999999999999 0 0 AA==");
	assert_rejected("HDR1  1 60000000 3 0 0 9223372036854775807 0 0 AA==");

	/* Every field altered on its own must be caught. */
	xasprintf(&bad, "HDR1 1 60000000 3 3 0 100 5000 5100 %s",
	    strrchr(text, ' ') + 1);
	assert_rejected(bad);
	free(bad);
	xasprintf(&bad, "HDR1 1 60000000 3 2 3 100 5000 5100 %s",
	    strrchr(text, ' ') + 1);
	assert_rejected(bad);
	free(bad);
	xasprintf(&bad, "HDR1 1 60000000 3 2 0 99 5000 5100 %s",
	    strrchr(text, ' ') + 1);
	assert_rejected(bad);
	free(bad);
	xasprintf(&bad, "HDR1 1 60000000 3 2 0 100 6000 5100 %s",
	    strrchr(text, ' ') + 1);
	assert_rejected(bad);
	free(bad);
	xasprintf(&bad, "HDR1 1 80000000 3 2 0 100 5000 5100 %s",
	    strrchr(text, ' ') + 1);
	assert_rejected(bad);
	free(bad);
	xasprintf(&bad, "HDR1 1 60000000 3 2 0 100 5000 5.1e3 %s",
	    strrchr(text, ' ') + 1);
	assert_rejected(bad);
	free(bad);
	xasprintf(&bad, "HDR1 1 60000000 3 2 0 100 5000 5100,0 %s",
	    strrchr(text, ' ') + 1);
	assert_rejected(bad);
	free(bad);
	xasprintf(&bad, "%s extra", text);
	assert_rejected(bad);
	free(bad);
	xasprintf(&bad, "%sAAAA", text);
	assert_rejected(bad);
	free(bad);

	/* The pristine text is fine, with or without a newline. */
	xasprintf(&bad, "%s\n", text);
	cause = NULL;
	d = hdr_decode(bad, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	assert_same(d, h);
	hdr_free(d);
	free(bad);

	/* Every truncation fails. */
	bad = xstrdup(text);
	for (size_t n = 0; n < len; n++) {
		bad[n] = '\0';
		assert_rejected(bad);
		bad[n] = text[n];
	}
	free(bad);
	free(text);
	hdr_free(h);
}
END_TEST

START_TEST(test_decode_junk)
{
	static const char charset[] = "HDR1 0123456789+/=AZaz-.e\n\x01\xff";
	struct hdr *h = new_default(), *d;
	char junk[256], *text, *cause;
	size_t len, n, accepted = 0;
	uint64_t total;
	struct hdr_iter it;

	rng_state = 99;
	/* Random bytes, then random strings of plausible characters. */
	for (int i = 0; i < 20000; i++) {
		n = 1 + rng_next() % (sizeof junk - 1);
		for (size_t j = 0; j < n; j++) {
			junk[j] = i % 2 ? (char)(1 + rng_next() % 255) :
			    charset[rng_next() % (sizeof charset - 1)];
		}
		junk[n] = '\0';
		if (i % 4 == 0)
			memcpy(junk, "HDR1 1 60000000 3 ", LT_MIN(n, 18));
		assert_rejected(junk);
	}

	/* Mutations of a valid text: rejected or self-consistent. */
	for (int i = 0; i < 200; i++)
		hdr_record(h, gen_exponential());
	text = hdr_encode(h);
	len = strlen(text);
	for (int i = 0; i < 20000; i++) {
		char *m = xstrdup(text);

		for (int k = 0; k <= i % 3; k++)
			m[rng_next() % len] = charset[rng_next() % 18];
		cause = NULL;
		if ((d = hdr_decode(m, &cause)) != NULL) {
			total = 0;
			hdr_iter_init(&it, d);
			while (hdr_iter_next(&it))
				total += it.count;
			ck_assert_uint_eq(total, hdr_count(d));
			accepted++;
			hdr_free(d);
		} else {
			ck_assert_ptr_nonnull(cause);
			free(cause);
		}
		free(m);
	}
	ck_assert_uint_lt(accepted, 20000);
	free(text);
	hdr_free(h);
}
END_TEST

#define CONCURRENT_VALUES	10000000

struct shared {
	struct hdr *h;
	int done;
	uint64_t snapshots;
	int failed;
};

static int64_t
concurrent_value(uint64_t i)
{
	/* A cheap spread over 1us..~17s with a few overflows. */
	uint64_t x = i * UINT64_C(2654435761);

	return (int64_t)((x >> 7) & ((UINT64_C(1) << (i % 27)) - 1)) +
	    (i % 100003 == 0 ? HIGHEST * 2 : 0);
}

static int
writer(void *arg)
{
	struct shared *s = arg;

	for (uint64_t i = 0; i < CONCURRENT_VALUES; i++)
		hdr_record(s->h, concurrent_value(i));
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return 0;
}

static int
reader(void *arg)
{
	struct shared *s = arg;
	struct hdr *snap = new_default(), *prev = new_default();
	struct hdr *delta = new_default();
	uint64_t last = 0, n;
	int64_t p99;

	while (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE)) {
		if ((n = hdr_count(s->h)) < last)
			s->failed = 1;
		last = n;
		hdr_copy(snap, s->h);
		if (hdr_count(snap) < hdr_count(prev))
			s->failed = 2;
		/* Deltas of live snapshots are whole and non-negative. */
		hdr_sub(delta, snap, prev);
		if (hdr_count(delta) != hdr_count(snap) - hdr_count(prev))
			s->failed = 3;
		p99 = hdr_percentile(s->h, 99);
		if (hdr_count(snap) > 0 && (p99 < LOWEST || p99 > HIGHEST))
			s->failed = 4;
		hdr_copy(prev, snap);
		s->snapshots++;
	}
	hdr_free(snap);
	hdr_free(prev);
	hdr_free(delta);
	return 0;
}

/* A held histogram lives until its last holder frees it. */
START_TEST(test_hold)
{
	struct hdr *h = hdr_new(1, 60000000, 3), *same;

	hdr_record(h, 42);
	same = hdr_hold(h);
	ck_assert_ptr_eq(same, h);
	hdr_free(h);
	/* Still readable (AddressSanitizer and valgrind would tell). */
	ck_assert_uint_eq(hdr_count(same), 1);
	ck_assert_int_eq(hdr_max(same), 42);
	hdr_free(same);
	hdr_free(NULL);
}
END_TEST

START_TEST(test_concurrent)
{
	struct shared s = { .h = new_default() };
	struct hdr *merged = new_default(), *want = new_default();
	thrd_t w, r;

	/* C11 threads: the engine's pthreads underneath. */
	ck_assert_int_eq(thrd_create(&r, reader, &s), thrd_success);
	ck_assert_int_eq(thrd_create(&w, writer, &s), thrd_success);
	thrd_join(w, NULL);
	thrd_join(r, NULL);
	ck_assert_int_eq(s.failed, 0);
	ck_assert_uint_gt(s.snapshots, 0);

	for (uint64_t i = 0; i < CONCURRENT_VALUES; i++)
		hdr_record(want, concurrent_value(i));
	ck_assert_int_eq(hdr_add(merged, s.h), 0);
	assert_same(merged, want);
	ck_assert_uint_eq(hdr_count(merged), CONCURRENT_VALUES);
	hdr_free(s.h);
	hdr_free(merged);
	hdr_free(want);
}
END_TEST

static Suite *
hdr_suite(void)
{
	Suite *s = suite_create("hdr");
	TCase *tc;

	tc = tcase_create("layout");
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_equivalents);
	suite_add_tcase(s, tc);

	tc = tcase_create("percentiles");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_percentiles_at_once);
	tcase_add_test(tc, test_percentile_uniform);
	tcase_add_test(tc, test_percentile_exponential);
	tcase_add_test(tc, test_percentile_bimodal);
	tcase_add_test(tc, test_constant);
	suite_add_tcase(s, tc);

	tc = tcase_create("recording");
	tcase_add_test(tc, test_record_n);
	tcase_add_test(tc, test_clamping);
	tcase_add_test(tc, test_iterator);
	suite_add_tcase(s, tc);

	tc = tcase_create("merging");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_sub_copy);
	suite_add_tcase(s, tc);

	tc = tcase_create("encoding");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_encode_round_trip);
	tcase_add_test(tc, test_decode_rejects);
	tcase_add_test(tc, test_decode_junk);
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrency");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_hold);
	tcase_add_test(tc, test_concurrent);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(hdr_suite)
