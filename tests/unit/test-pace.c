/* The open model's schedule: exact counts, ramps, shares, scaling. */
#include "config.h"

#include <math.h>
#include <stdint.h>

#include "check-tap.h"
#include "pace.h"

#define SEC 1000000000LL

/* Starts of one schedule strictly before its end. */
static uint64_t
count_starts(struct pace *p, int64_t *first, int64_t *last)
{
	uint64_t n = 0;
	int64_t t;

	while ((t = pace_next(p)) != INT64_MAX) {
		if (n == 0 && first != NULL)
			*first = t;
		if (last != NULL)
			*last = t;
		n++;
		ck_assert_uint_le(n, 10000000);
	}
	return n;
}

START_TEST(test_constant_rate)
{
	struct pace p;
	int64_t first = -1, last = -1;

	pace_init(&p, 1000, 1.0, 0);
	ck_assert_int_eq(pace_add(&p, 10 * SEC, 200, 200), 0);
	ck_assert_uint_eq(count_starts(&p, &first, &last), 2000);
	ck_assert_int_eq(first, 1000);
	/* Evenly spaced: the last is one interval before the end. */
	ck_assert_int_eq(last, 1000 + 10 * SEC - SEC / 200);
	pace_clear(&p);
}
END_TEST

START_TEST(test_ramp_from_zero)
{
	struct pace p;
	uint64_t n;

	/* 0 to 100 req/s over 10 s: the integral is 500 requests. */
	pace_init(&p, 0, 1.0, 0);
	pace_add(&p, 10 * SEC, 0, 100);
	n = count_starts(&p, NULL, NULL);
	ck_assert_msg(n >= 499 && n <= 501, "ramp sent %llu", (unsigned long long)n);
	pace_clear(&p);
}
END_TEST

START_TEST(test_ramp_spacing)
{
	struct pace p;
	int64_t t, prev = 0, gap, prev_gap = INT64_MAX;
	int i;

	/* On a rising ramp every gap is shorter than the one before. */
	pace_init(&p, 0, 1.0, 0.5);
	pace_add(&p, 10 * SEC, 10, 1000);
	for (i = 0; i < 200; i++) {
		t = pace_next(&p);
		ck_assert_int_ne(t, INT64_MAX);
		if (i > 0) {
			gap = t - prev;
			ck_assert_int_le(gap, prev_gap);
			prev_gap = gap;
		}
		prev = t;
	}
	pace_clear(&p);
}
END_TEST

START_TEST(test_stages)
{
	struct pace p;
	uint64_t n;

	/* 50 -> 400 over 20 s (4500) then 400 for 10 s (4000). */
	pace_init(&p, 0, 1.0, 0);
	pace_add(&p, 20 * SEC, 50, 400);
	pace_add(&p, 10 * SEC, 400, 400);
	n = count_starts(&p, NULL, NULL);
	ck_assert_msg(n >= 8499 && n <= 8501, "stages sent %llu",
	    (unsigned long long)n);
	ck_assert_int_eq(pace_end(&p), 30 * SEC);
	pace_clear(&p);
}
END_TEST

START_TEST(test_thread_shares_interleave)
{
	struct pace a, b;
	int64_t ta, tb;
	uint64_t na, nb;

	/* Two threads at half of 100 req/s: 50 each, offset by 10 ms. */
	pace_init(&a, 0, 0.5, 0);
	pace_add(&a, 2 * SEC, 100, 100);
	pace_init(&b, 0, 0.5, 0.5);
	pace_add(&b, 2 * SEC, 100, 100);
	ta = pace_next(&a);
	tb = pace_next(&b);
	ck_assert_int_eq(ta, 0);
	ck_assert_int_eq(tb, 10000000);
	na = 1 + count_starts(&a, NULL, NULL);
	nb = 1 + count_starts(&b, NULL, NULL);
	ck_assert_uint_eq(na + nb, 200);
	pace_clear(&a);
	pace_clear(&b);
}
END_TEST

START_TEST(test_factor_and_shift)
{
	struct pace p;
	int64_t t1, t2;

	pace_init(&p, 0, 1.0, 0);
	pace_add(&p, 100 * SEC, 10, 10);
	t1 = pace_next(&p);
	t2 = pace_next(&p);
	ck_assert_int_eq(t2 - t1, SEC / 10);
	pace_set_factor(&p, 2.0);
	t1 = pace_next(&p);
	ck_assert_int_eq(t1 - t2, SEC / 20);
	ck_assert(fabs(pace_rate_at(&p, 50 * SEC) - 20.0) < 1e-9);
	pace_shift(&p, 5 * SEC);
	t2 = pace_next(&p);
	ck_assert_int_eq(t2 - t1, 5 * SEC + SEC / 20);
	ck_assert_int_eq(pace_end(&p), 105 * SEC);
	pace_clear(&p);
}
END_TEST

START_TEST(test_zero_rate_and_empty_segments)
{
	struct pace p;

	pace_init(&p, 0, 1.0, 0);
	pace_add(&p, 5 * SEC, 0, 0);
	ck_assert_int_eq(pace_next(&p), INT64_MAX);
	ck_assert_int_eq(pace_add(&p, 0, 1, 1), -1);
	ck_assert_int_eq(pace_add(&p, -SEC, 1, 1), -1);
	ck_assert_uint_eq(p.nseg, 1);
	pace_clear(&p);
}
END_TEST

/* Any number of segments: 1000 stages of 50 ms at 100/s are 50 s and
 * 5000 starts, none lost at a segment boundary. */
START_TEST(test_many_segments)
{
	struct pace p, copy;
	int i;

	pace_init(&p, 0, 1.0, 0);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(pace_add(&p, SEC / 20, 100, 100), 0);
	ck_assert_int_eq(pace_end(&p), 50 * SEC);
	/* A copy runs on the same segments. */
	copy = p;
	ck_assert_uint_eq(count_starts(&copy, NULL, NULL), 5000);
	ck_assert_uint_eq(count_starts(&p, NULL, NULL), 5000);
	pace_clear(&p);
	ck_assert_ptr_null(p.seg);
}
END_TEST

static Suite *
pace_suite(void)
{
	Suite *s = suite_create("pace");
	TCase *tc = tcase_create("pace");

	tcase_add_test(tc, test_constant_rate);
	tcase_add_test(tc, test_ramp_from_zero);
	tcase_add_test(tc, test_ramp_spacing);
	tcase_add_test(tc, test_stages);
	tcase_add_test(tc, test_thread_shares_interleave);
	tcase_add_test(tc, test_factor_and_shift);
	tcase_add_test(tc, test_zero_rate_and_empty_segments);
	tcase_add_test(tc, test_many_segments);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(pace_suite)
