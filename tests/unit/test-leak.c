#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "leak.h"

#define MB (1024.0 * 1024.0)

/* Deterministic noise in [-1, 1]. */
static double
noise(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return ((*state >> 8) % 20001) / 10000.0 - 1.0;
}

/* n points, dt apart, RSS = base + slope*t + tooth(t) + noise. */
static struct leak_point *
series(size_t n, double dt_s, double base, double slope_per_s,
    double tooth_height, double tooth_period_s, double noise_bytes,
    double req_per_s)
{
	struct leak_point *p = calloc(n, sizeof *p);
	unsigned st = 42;
	double t, phase;
	size_t i;

	for (i = 0; i < n; i++) {
		t = i * dt_s;
		p[i].t_us = (int64_t)(1e9 + t * 1e6);
		p[i].rss = (int64_t)(base + slope_per_s * t);
		if (tooth_period_s > 0) {
			phase = fmod(t, tooth_period_s) / tooth_period_s;
			p[i].rss += (int64_t)(tooth_height * phase);
		}
		p[i].rss += (int64_t)(noise_bytes * noise(&st));
		p[i].requests = (uint64_t)(req_per_s * t);
	}
	return p;
}

START_TEST(test_line_exact)
{
	double x[] = { 0, 1, 2, 3, 4 }, y[] = { 3, 5, 7, 9, 11 };
	struct leak_line l;

	leak_line_fit(x, y, 5, &l);
	ck_assert(l.valid);
	ck_assert_double_eq_tol(l.slope, 2, 1e-12);
	ck_assert_double_eq_tol(l.intercept, 3, 1e-12);
	ck_assert_double_eq_tol(l.r2, 1, 1e-12);

	leak_line_fit(x, y, 1, &l);
	ck_assert(!l.valid);
	x[1] = x[2] = x[3] = x[4] = 0;
	leak_line_fit(x, y, 5, &l);
	ck_assert(!l.valid);
}
END_TEST

START_TEST(test_line_noisy_r2)
{
	double x[200], y[200];
	unsigned st = 7;
	struct leak_line l;
	size_t i;

	for (i = 0; i < 200; i++) {
		x[i] = i;
		y[i] = 100 + 0.5 * i + 40 * noise(&st);
	}
	leak_line_fit(x, y, 200, &l);
	ck_assert_double_eq_tol(l.slope, 0.5, 0.05);
	ck_assert(l.r2 > 0.3 && l.r2 < 0.95);
}
END_TEST

START_TEST(test_linear_leak)
{
	/* 2 MB/s for 60 s, sampled at 4 Hz, 1000 requests/s. */
	struct leak_point *p = series(240, 0.25, 50 * MB, 2 * MB, 0, 0,
	    64 * 1024, 1000);
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, 240, &lp, &f);
	ck_assert_int_eq(f.verdict, LEAK_LEAK);
	ck_assert_str_eq(leak_verdict_name(f.verdict), "leak");
	ck_assert_uint_eq(f.nused, 240 - 24);
	ck_assert_double_eq_tol(f.kb_per_min, 2 * 1024 * 60, 2 * 1024 * 60 * 0.02);
	ck_assert_double_eq_tol(f.raw.slope, 2 * MB, 2 * MB * 0.02);
	ck_assert(f.raw.r2 > 0.99);
	ck_assert_double_eq_tol(f.bytes_per_request, 2 * MB / 1000, 2 * MB / 1000 * 0.03);
	ck_assert(f.growth > 115 * MB && f.growth < 125 * MB);
	free(p);
}
END_TEST

START_TEST(test_sawtooth_stable)
{
	/* GC heap: +30 MB over each 4 s, then back to the floor; 60 s. */
	struct leak_point *p = series(240, 0.25, 80 * MB, 0, 30 * MB, 4,
	    256 * 1024, 1000);
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, 240, &lp, &f);
	ck_assert_msg(f.verdict == LEAK_STABLE, "verdict %s: %s",
	    leak_verdict_name(f.verdict), f.reason);
	ck_assert(llabs(f.floor_growth) < 2 * MB);
	free(p);
}
END_TEST

START_TEST(test_sawtooth_over_leak)
{
	/* The same saw-tooth whose floor rises 1 MB/s is a leak. */
	struct leak_point *p = series(240, 0.25, 80 * MB, 1 * MB, 30 * MB, 4,
	    256 * 1024, 0);
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, 240, &lp, &f);
	ck_assert_msg(f.verdict == LEAK_LEAK, "%s", f.reason);
	ck_assert_double_eq_tol(f.floor.slope, 1 * MB, 0.1 * MB);
	ck_assert_double_eq(f.bytes_per_request, 0);
	free(p);
}
END_TEST

START_TEST(test_flat_noise_stable)
{
	struct leak_point *p = series(100, 0.5, 200 * MB, 0, 0, 0, 2 * MB, 10);
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, 100, &lp, &f);
	ck_assert_int_eq(f.verdict, LEAK_STABLE);
	free(p);
}
END_TEST

START_TEST(test_inconclusive)
{
	struct leak_point *p = series(100, 0.02, 10 * MB, 5 * MB, 0, 0, 0, 0);
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	/* Too short: 2 s of points. */
	leak_fit(p, 100, &lp, &f);
	ck_assert_int_eq(f.verdict, LEAK_INCONCLUSIVE);
	ck_assert(strstr(f.reason, "span") != NULL);
	/* Too few points. */
	leak_fit(p, 5, &lp, &f);
	ck_assert_int_eq(f.verdict, LEAK_INCONCLUSIVE);
	ck_assert(strstr(f.reason, "points") != NULL);
	leak_fit(p, 0, &lp, &f);
	ck_assert_int_eq(f.verdict, LEAK_INCONCLUSIVE);
	free(p);
}
END_TEST

START_TEST(test_per_request_leak)
{
	/* 10 slow batches: 2 KB per request, only ~150 KB/min. */
	struct leak_point p[11];
	struct leak_params lp;
	struct leak_fit f;
	size_t i;

	for (i = 0; i < 11; i++) {
		p[i].t_us = i * 400 * 1000000LL;
		p[i].requests = i * 500;
		p[i].rss = (int64_t)(100 * MB + 2048.0 * p[i].requests);
	}
	leak_params_default(&lp);
	lp.warm_up = 0;
	leak_fit(p, 11, &lp, &f);
	ck_assert_msg(f.verdict == LEAK_LEAK, "%s", f.reason);
	ck_assert_double_eq_tol(f.bytes_per_request, 2048, 1);
	ck_assert(strstr(f.reason, "request") != NULL);
}
END_TEST

static Suite *
leak_suite(void)
{
	Suite *s = suite_create("leak");
	TCase *tc = tcase_create("leak");

	tcase_add_test(tc, test_line_exact);
	tcase_add_test(tc, test_line_noisy_r2);
	tcase_add_test(tc, test_linear_leak);
	tcase_add_test(tc, test_sawtooth_stable);
	tcase_add_test(tc, test_sawtooth_over_leak);
	tcase_add_test(tc, test_flat_noise_stable);
	tcase_add_test(tc, test_inconclusive);
	tcase_add_test(tc, test_per_request_leak);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(leak_suite)
