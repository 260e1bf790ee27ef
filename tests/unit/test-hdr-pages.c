/*
 * The paged histogram against references: the values recorded, sorted,
 * give every count, percentile, min, max, mean and deviation exactly;
 * merging across histograms with different pages, the bytes held, the
 * text form of the dense array it replaced, and pages that appear while
 * a reader walks them.
 */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "check-tap.h"
#include "hdr.h"
#include "util.h"

#define HIGHEST		INT64_C(60000000)

static uint64_t rng_state;

static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double
rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* What was recorded, clamped as the histogram clamps, in order. */
struct ref {
	int64_t lowest, highest;
	int64_t *v;
	size_t n, cap;
	double sum;			/* in recording order, as hdr sums */
	uint64_t overflow;
	bool sorted;
};

static void
ref_init(struct ref *r, const struct hdr *h)
{
	memset(r, 0, sizeof *r);
	r->lowest = h->lowest;
	r->highest = h->highest;
}

static void
ref_free(struct ref *r)
{
	free(r->v);
}

/* Record v in h and in r. */
static void
record(struct hdr *h, struct ref *r, int64_t v)
{
	int64_t c = v < r->lowest ? r->lowest : v;

	hdr_record(h, v);
	if (c > r->highest) {
		c = r->highest;
		r->overflow++;
	}
	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 1024 : r->cap * 2;
		r->v = realloc(r->v, r->cap * sizeof *r->v);
		ck_assert_ptr_nonnull(r->v);
	}
	r->v[r->n++] = c;
	r->sum += (double)c;
	r->sorted = false;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
ref_sort(struct ref *r)
{
	if (!r->sorted && r->n > 0)
		qsort(r->v, r->n, sizeof *r->v, cmp_i64);
	r->sorted = true;
}

/* The midpoint of v's bucket, kept inside [min, max]: what a percentile
 * that lands in that bucket reads. */
static int64_t
ref_median(const struct hdr *h, const struct ref *r, int64_t v)
{
	int64_t lo = hdr_lowest_equivalent(h, v);
	int64_t m = lo + (hdr_highest_equivalent(h, v) - lo + 1) / 2;

	return LT_MAX(LT_MIN(m, r->v[r->n - 1]), r->v[0]);
}

/* Every non-empty bucket, in order, with the count of its values. */
static void
check_buckets(const struct hdr *h, struct ref *r)
{
	struct hdr_iter it;
	size_t i = 0, j;
	int64_t lo;

	ref_sort(r);
	hdr_iter_init(&it, h);
	while (i < r->n) {
		lo = hdr_lowest_equivalent(h, r->v[i]);
		for (j = i; j < r->n && hdr_lowest_equivalent(h, r->v[j]) == lo;)
			j++;
		if (!hdr_iter_next(&it))
			ck_abort_msg("no bucket for %lld", (long long)r->v[i]);
		ck_assert_int_eq(it.value_from, lo);
		ck_assert_int_eq(it.value_to, hdr_highest_equivalent(h, lo));
		ck_assert_uint_eq(it.count, j - i);
		i = j;
	}
	ck_assert_msg(!hdr_iter_next(&it), "a bucket the values do not have");
	ck_assert_uint_eq(hdr_count(h), r->n);
}

/* Every hundredth of a percent, nearest rank, in one call. */
static void
check_percentiles(const struct hdr *h, const struct ref *r)
{
	enum { NP = 10001 };
	double *ps = xmalloc(NP * sizeof *ps);
	int64_t *got = xmalloc(NP * sizeof *got), want;
	size_t rank;

	for (size_t j = 0; j < NP; j++)
		ps[j] = (double)j / 100.0;
	hdr_percentiles(h, ps, NP, got);
	for (size_t j = 0; j < NP; j++) {
		rank = (j * r->n + 9999) / 10000;
		if (r->n == 0)
			want = 0;
		else if (j == 0)
			want = r->v[0];
		else if (j == NP - 1)
			want = r->v[r->n - 1];
		else
			want = ref_median(h, r, r->v[LT_MAX(rank, 1) - 1]);
		if (got[j] != want)
			ck_abort_msg("p%.2f of %zu: %lld, want %lld", ps[j],
			    r->n, (long long)got[j], (long long)want);
	}
	free(ps);
	free(got);
}

/* The deviation as hdr computes it, from the sorted values. */
static double
ref_stddev(const struct hdr *h, const struct ref *r)
{
	double mean = r->sum / (double)r->n, d, var = 0;
	size_t i = 0, j;
	int64_t lo;

	for (i = 0; i < r->n; i = j) {
		lo = hdr_lowest_equivalent(h, r->v[i]);
		for (j = i; j < r->n && hdr_lowest_equivalent(h, r->v[j]) == lo;)
			j++;
		d = (double)ref_median(h, r, r->v[i]) - mean;
		var += d * d * (double)(j - i);
	}
	return sqrt(var / (double)r->n);
}

/* Everything a reader can ask, equal to the reference. */
static void
check_all(const struct hdr *h, struct ref *r)
{
	check_buckets(h, r);
	check_percentiles(h, r);
	ck_assert_uint_eq(h->overflow, r->overflow);
	if (r->n == 0) {
		ck_assert_int_eq(hdr_min(h), 0);
		ck_assert_int_eq(hdr_max(h), 0);
		ck_assert_double_eq(hdr_mean(h), 0);
		ck_assert_double_eq(hdr_stddev(h), 0);
		return;
	}
	ck_assert_int_eq(hdr_min(h), r->v[0]);
	ck_assert_int_eq(hdr_max(h), r->v[r->n - 1]);
	ck_assert_double_eq(hdr_mean(h), r->sum / (double)r->n);
	ck_assert_double_eq(hdr_stddev(h), ref_stddev(h, r));
}

/* The value sets, each into h and r. */

static void
put_uniform(struct hdr *h, struct ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record(h, r, 1 + (int64_t)(rng_next() % 1000000));
}

/* 1 us to 1000 s, as many values a decade: reaches the overflow. */
static void
put_log_uniform(struct hdr *h, struct ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record(h, r, (int64_t)exp(rng_unit() * log(1e9)));
}

static void
put_exponential(struct hdr *h, struct ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record(h, r, 1 + (int64_t)(-5000.0 * log(1.0 - rng_unit())));
}

/* 900..1100 us: a loopback service, a handful of pages. */
static void
put_band(struct hdr *h, struct ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record(h, r, 900 + (int64_t)(rng_next() % 201));
}

/* 40 s to 60 s, and past the highest value. */
static void
put_slow(struct hdr *h, struct ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record(h, r, 40000000 + (int64_t)(rng_next() % 20000100));
}

/*
 * The lowest and the highest value of every bucket, so of every page
 * boundary whatever the page size, and what lies outside the range.
 */
static void
put_edges(struct hdr *h, struct ref *r)
{
	static const int64_t outside[] = { 0, -1, INT64_MIN, HIGHEST + 1,
	    INT64_MAX };
	int64_t v, hi;

	for (v = h->lowest; v <= h->highest; v = hi + 1) {
		hi = hdr_highest_equivalent(h, v);
		record(h, r, hdr_lowest_equivalent(h, v));
		record(h, r, LT_MIN(hi, h->highest));
	}
	for (size_t i = 0; i < LT_NELEM(outside); i++)
		record(h, r, outside[i]);
}

struct layout {
	int64_t lowest, highest;
	int sigfigs;
};

static const struct layout layouts[] = {
	{ 1, HIGHEST, 3 },		/* the latencies */
	{ 1, HIGHEST, 2 },		/* the timing and per-request ones */
	{ 1, HIGHEST, 1 },		/* a short last page */
	{ 1000, INT64_C(3600000000), 4 },
};

static struct hdr *
new_layout(const struct layout *l)
{
	struct hdr *h = hdr_new(l->lowest, l->highest, l->sigfigs);

	ck_assert_ptr_nonnull(h);
	return h;
}

/* Each value set on each layout, from empty to full. */
START_TEST(test_against_sorted)
{
	const struct layout *l = &layouts[_i];
	struct hdr *h = new_layout(l);
	struct ref r;

	ref_init(&r, h);
	rng_state = 17 + (uint64_t)_i;
	check_all(h, &r);
	record(h, &r, 1100);
	check_all(h, &r);
	put_band(h, &r, 20000);
	check_all(h, &r);
	put_log_uniform(h, &r, 50000);
	check_all(h, &r);
	put_uniform(h, &r, 50000);
	put_exponential(h, &r, 50000);
	check_all(h, &r);
	put_edges(h, &r);
	check_all(h, &r);
	ref_free(&r);
	hdr_free(h);
}
END_TEST

/* Only the edges: every bucket holds two values or one. */
START_TEST(test_edges)
{
	const struct layout *l = &layouts[_i];
	struct hdr *h = new_layout(l);
	struct ref r;

	ref_init(&r, h);
	put_edges(h, &r);
	check_all(h, &r);
	ref_free(&r);
	hdr_free(h);
}
END_TEST

/* A band, the slow end and everything: three sets of pages. */
struct three {
	struct hdr *band, *slow, *all;
	struct ref rband, rslow, rall;
};

static void
three_init(struct three *t, const struct layout *l)
{
	t->band = new_layout(l);
	t->slow = new_layout(l);
	t->all = new_layout(l);
	ref_init(&t->rband, t->band);
	ref_init(&t->rslow, t->slow);
	ref_init(&t->rall, t->all);
	rng_state = 5;
	put_band(t->band, &t->rband, 5000);
	put_slow(t->slow, &t->rslow, 3000);
	put_edges(t->all, &t->rall);
	put_log_uniform(t->all, &t->rall, 10000);
}

static void
three_free(struct three *t)
{
	hdr_free(t->band);
	hdr_free(t->slow);
	hdr_free(t->all);
	ref_free(&t->rband);
	ref_free(&t->rslow);
	ref_free(&t->rall);
}

/* The reference of two sets recorded into one, in that order. */
static void
ref_union(struct ref *u, const struct hdr *h, const struct ref *a,
    const struct ref *b)
{
	ref_init(u, h);
	u->n = u->cap = a->n + b->n;
	u->v = xmalloc(u->n * sizeof *u->v);
	memcpy(u->v, a->v, a->n * sizeof *u->v);
	memcpy(u->v + a->n, b->v, b->n * sizeof *u->v);
	u->sum = a->sum + b->sum;
	u->overflow = a->overflow + b->overflow;
}

START_TEST(test_add_across_pages)
{
	struct three t;
	struct hdr *sum = new_layout(&layouts[_i]);
	struct ref u, none;
	size_t before;

	three_init(&t, &layouts[_i]);
	ck_assert_int_eq(hdr_add(sum, t.band), 0);
	check_all(sum, &t.rband);
	ck_assert_int_eq(hdr_add(sum, t.slow), 0);
	ref_union(&u, sum, &t.rband, &t.rslow);
	check_all(sum, &u);
	ref_free(&u);

	/* An emptied histogram keeps its pages; adding it adds none. */
	before = hdr_size(sum);
	hdr_reset(t.all);
	ref_init(&none, t.all);
	check_all(t.all, &none);
	ck_assert_int_eq(hdr_add(sum, t.all), 0);
	ck_assert_uint_eq(hdr_size(sum), before);
	ck_assert_uint_eq(hdr_count(sum), t.rband.n + t.rslow.n);
	hdr_free(sum);
	three_free(&t);
}
END_TEST

START_TEST(test_copy_across_pages)
{
	struct three t;
	struct hdr *dst = new_layout(&layouts[_i]);
	struct hdr *fresh = new_layout(&layouts[_i]);
	size_t held, empty = hdr_size(fresh);
	struct ref none;

	three_init(&t, &layouts[_i]);
	/* Over every page, then over a band: the rest reads as zero. */
	ck_assert_int_eq(hdr_copy(dst, t.all), 0);
	check_all(dst, &t.rall);
	held = hdr_size(dst);
	ck_assert_int_eq(hdr_copy(dst, t.band), 0);
	check_all(dst, &t.rband);
	ck_assert_uint_eq(hdr_size(dst), held);
	ck_assert_int_eq(hdr_copy(dst, t.slow), 0);
	check_all(dst, &t.rslow);

	/* A copy of an emptied histogram gets no pages. */
	hdr_reset(t.all);
	ck_assert_int_eq(hdr_copy(fresh, t.all), 0);
	ref_init(&none, fresh);
	check_all(fresh, &none);
	ck_assert_uint_eq(hdr_size(fresh), empty);
	hdr_free(dst);
	hdr_free(fresh);
	three_free(&t);
}
END_TEST

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

/* d's counts are a's less b's, none under zero. */
static void
check_difference(const struct hdr *d, const struct hdr *a,
    const struct hdr *b)
{
	uint64_t *cd = dense_counts(d), *ca = dense_counts(a);
	uint64_t *cb = dense_counts(b), want, total = 0;

	for (int32_t i = 0; i < d->counts_len; i++) {
		want = ca[i] > cb[i] ? ca[i] - cb[i] : 0;
		if (cd[i] != want)
			ck_abort_msg("count %d: %llu, want %llu", (int)i,
			    (unsigned long long)cd[i],
			    (unsigned long long)want);
		total += want;
	}
	ck_assert_uint_eq(hdr_count(d), total);
	free(cd);
	free(ca);
	free(cb);
}

START_TEST(test_sub_across_pages)
{
	struct three t;
	struct hdr *sum = new_layout(&layouts[_i]);
	struct hdr *d = new_layout(&layouts[_i]);
	size_t empty = hdr_size(d);

	three_init(&t, &layouts[_i]);
	hdr_add(sum, t.band);
	hdr_add(sum, t.slow);

	/* What is left has the other's pages only, its min exactly. */
	ck_assert_int_eq(hdr_sub(d, sum, t.slow), 0);
	check_buckets(d, &t.rband);
	ck_assert_int_eq(hdr_min(d), t.rband.v[0]);
	ck_assert_double_eq(hdr_mean(d), hdr_mean(t.band));
	ck_assert_int_eq(hdr_lowest_equivalent(d, hdr_max(d)),
	    hdr_lowest_equivalent(d, hdr_max(t.band)));
	ck_assert_int_eq(hdr_sub(d, sum, t.band), 0);
	check_buckets(d, &t.rslow);
	ck_assert_int_eq(hdr_max(d), hdr_max(t.slow));
	ck_assert_uint_eq(d->overflow, t.rslow.overflow);

	/* Pages b has and a does not: nothing below zero. */
	ck_assert_int_eq(hdr_sub(d, t.band, t.slow), 0);
	check_buckets(d, &t.rband);
	ck_assert_int_eq(hdr_sub(d, t.band, t.all), 0);
	check_difference(d, t.band, t.all);
	ck_assert_int_eq(hdr_sub(d, t.all, t.band), 0);
	check_difference(d, t.all, t.band);

	/* A difference of nothing allocates nothing. */
	hdr_free(d);
	d = new_layout(&layouts[_i]);
	ck_assert_int_eq(hdr_sub(d, t.all, t.all), 0);
	ck_assert_uint_eq(hdr_count(d), 0);
	ck_assert_uint_eq(hdr_size(d), empty);
	hdr_free(sum);
	hdr_free(d);
	three_free(&t);
}
END_TEST

/* hdr_size is the header, the page table and the pages held. */
START_TEST(test_size)
{
	struct hdr *h = hdr_new(1, HIGHEST, 3), *band, *d;
	size_t empty = hdr_size(h), one, table, page;
	struct hdr_iter it;
	int32_t last = -1;
	int64_t top = 0;
	struct ref r;
	char *text, *cause = NULL;

	table = empty - sizeof *h;
	ck_assert_uint_le(empty, 2048);
	hdr_record(h, 1000);
	one = hdr_size(h);
	ck_assert_uint_gt(one, empty);
	ck_assert_uint_le(one - empty, 2048);
	hdr_record(h, 1001);
	ck_assert_uint_eq(hdr_size(h), one);
	hdr_reset(h);
	ck_assert_uint_eq(hdr_size(h), one);
	/* Every bucket used: every page up to the one of the highest value
	 * (the counts above it are never used), a page being one - empty. */
	ref_init(&r, h);
	put_edges(h, &r);
	page = (one - empty) / sizeof(uint64_t);
	hdr_iter_init(&it, h);
	while (hdr_iter_next(&it)) {
		last = it.index;
		top = it.value_from;
	}
	ck_assert_int_eq(top, hdr_lowest_equivalent(h, HIGHEST));
	ck_assert_uint_eq(hdr_size(h), sizeof *h + table + LT_MIN(
	    (size_t)h->counts_len, ((size_t)last / page + 1) * page) *
	    sizeof(uint64_t));
	ref_free(&r);

	/* A narrow band holds a few KB, and its decoded text the same. */
	band = hdr_new(1, HIGHEST, 3);
	ref_init(&r, band);
	rng_state = 3;
	put_band(band, &r, 100000);
	ck_assert_uint_le(hdr_size(band), 8 * 1024);
	text = hdr_encode(band);
	d = hdr_decode(text, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	ck_assert_uint_eq(hdr_size(d), hdr_size(band));
	check_all(d, &r);
	free(text);
	ref_free(&r);
	hdr_free(d);
	hdr_free(band);
	hdr_free(h);
}
END_TEST

/*
 * The text of the dense histogram this one replaced, for the same values:
 * the reports written before read the same, and compare the same.
 */
static const char *const dense_text[] = {
	"HDR1 1 60000000 3 16 2 1 60000000 185139306 AQQC9wMCAs0LAqsQAgT7"
	    "DwICj04C81QCwzkGrwM=",
	"HDR1 1 60000000 2 436 31 1 60000000 3210646435 AQYG9wMICvEDDIcCD"
	    "iL7ARQWxwICZwJVAlECoQECAQLLAQIvAjcCJwIbAi8CDQIFAgkCGE0CHQILAgIBA"
	    "gUCAQINAhUCAQICFQIRAgkCDQIHAgcCCwIHAg8CBwIBAgkCAgMCJQICCQICAgMCG"
	    "wICAQILAg0CAQQCCQIFBCMCAQIBAgIDAgIJAgUCAQICBwIbAgIEAQIDAgMCBQYCA"
	    "QIFAgECAwIBBAMCAwICAwQFAgUCAwQBAgICAQIBBAsCAgsCCQICCwIDAgMCAgQCA"
	    "QQEAwQCAgECAQQDAgICAgMEAgYCAQIDBgICAgEEAgcCAgQCBAEEBAECBgIIAgQFB"
	    "AYDBAICAQICAQYBAgIBAgICAQQCAwQDAgMEAgIBBAUCBQICAgEEAgIBBAQBAgICB"
	    "AgCBAMEBAYCAQIEBAQEAgQKAQQGBgIBAgECBAQEBAYCBAEEBgQCBAIBBAQGBgQDA"
	    "gEGAsMBGpUHWjU=",
};

START_TEST(test_text_unchanged)
{
	static const int64_t v[] = { 0, 1, 2, 255, 256, 1000, 2047, 2048,
	    2049, 4095, 4096, 123456, 5000000, 60000000, 60000001,
	    INT64_C(9000000000) };
	struct hdr *h = hdr_new(1, HIGHEST, 3), *d = hdr_new(1, HIGHEST, 2);
	struct hdr *back;
	uint64_t x = 12345;
	char *text, *cause = NULL;

	for (size_t i = 0; i < LT_NELEM(v); i++) {
		hdr_record(h, v[i]);
		hdr_record_n(d, v[i], i + 1);
	}
	for (int i = 0; i < 300; i++) {
		x = x * UINT64_C(6364136223846793005) +
		    UINT64_C(1442695040888963407);
		hdr_record(d, (int64_t)(x >> 40) % 3000000);
	}
	text = hdr_encode(h);
	ck_assert_str_eq(text, dense_text[0]);
	free(text);
	text = hdr_encode(d);
	ck_assert_str_eq(text, dense_text[1]);
	/* And back: the same text again. */
	back = hdr_decode(text, &cause);
	ck_assert_msg(back != NULL, "%s", cause);
	free(text);
	text = hdr_encode(back);
	ck_assert_str_eq(text, dense_text[1]);
	free(text);
	hdr_free(back);
	hdr_free(h);
	hdr_free(d);
}
END_TEST

/* A writer that climbs through the range, so that pages keep appearing
 * while a reader copies, subtracts, walks and encodes. */
#define SWEEP_VALUES	2000000

struct sweep {
	struct hdr *h;
	int done;
	int failed;
	uint64_t reads;
};

static int64_t
sweep_value(uint64_t i)
{
	/* Up through every page, with a value back at the start now and
	 * then, so that old pages keep changing too. */
	if (i % 7 == 0)
		return 1 + (int64_t)(i % 1000);
	return 1 + (int64_t)((double)i / SWEEP_VALUES * (double)HIGHEST);
}

static int
sweep_writer(void *arg)
{
	struct sweep *s = arg;

	for (uint64_t i = 0; i < SWEEP_VALUES; i++)
		hdr_record(s->h, sweep_value(i));
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return 0;
}

/* One look at the live histogram; sets s->failed on a contradiction. */
static void
sweep_read(struct sweep *s, struct hdr *snap, struct hdr *prev,
    struct hdr *delta)
{
	struct hdr_iter it;
	uint64_t walked = 0;
	char *text, *cause = NULL;
	struct hdr *d;

	hdr_copy(snap, s->h);
	if (hdr_count(snap) < hdr_count(prev))
		s->failed = 1;
	hdr_sub(delta, snap, prev);
	if (hdr_count(delta) != hdr_count(snap) - hdr_count(prev))
		s->failed = 2;
	hdr_iter_init(&it, snap);
	while (hdr_iter_next(&it))
		walked += it.count;
	if (walked != hdr_count(snap))
		s->failed = 3;
	text = hdr_encode(s->h);
	if ((d = hdr_decode(text, &cause)) == NULL) {
		s->failed = 4;
		free(cause);
	}
	hdr_free(d);
	free(text);
	if (hdr_percentile(s->h, 50) > HIGHEST)
		s->failed = 5;
	hdr_copy(prev, snap);
	s->reads++;
}

static int
sweep_reader(void *arg)
{
	struct sweep *s = arg;
	struct hdr *snap = hdr_new(1, HIGHEST, 3), *prev = hdr_new(1,
	    HIGHEST, 3), *delta = hdr_new(1, HIGHEST, 3);

	while (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE))
		sweep_read(s, snap, prev, delta);
	sweep_read(s, snap, prev, delta);
	hdr_free(snap);
	hdr_free(prev);
	hdr_free(delta);
	return 0;
}

START_TEST(test_pages_appear)
{
	struct sweep s = { .h = hdr_new(1, HIGHEST, 3) };
	struct hdr *want = hdr_new(1, HIGHEST, 3);
	struct ref r;
	thrd_t w, rd;

	ck_assert_int_eq(thrd_create(&rd, sweep_reader, &s), thrd_success);
	ck_assert_int_eq(thrd_create(&w, sweep_writer, &s), thrd_success);
	thrd_join(w, NULL);
	thrd_join(rd, NULL);
	ck_assert_int_eq(s.failed, 0);
	ck_assert_uint_gt(s.reads, 0);

	ref_init(&r, want);
	for (uint64_t i = 0; i < SWEEP_VALUES; i++)
		record(want, &r, sweep_value(i));
	check_all(s.h, &r);
	ref_free(&r);
	hdr_free(s.h);
	hdr_free(want);
}
END_TEST

static Suite *
hdr_pages_suite(void)
{
	Suite *s = suite_create("hdr-pages");
	TCase *tc;
	int n = (int)LT_NELEM(layouts);

	tc = tcase_create("reference");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_against_sorted, 0, n);
	tcase_add_loop_test(tc, test_edges, 0, n);
	suite_add_tcase(s, tc);

	tc = tcase_create("merging");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_add_across_pages, 0, n);
	tcase_add_loop_test(tc, test_copy_across_pages, 0, n);
	tcase_add_loop_test(tc, test_sub_across_pages, 0, n);
	suite_add_tcase(s, tc);

	tc = tcase_create("bytes and text");
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_text_unchanged);
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrency");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_pages_appear);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(hdr_pages_suite)
