#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "leak.h"
#include "util.h"

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

START_TEST(test_sawtooth_cycles)
{
	/* A 4 s saw-tooth 30 MB deep: its collections, period and depth. */
	struct leak_point *p = series(240, 0.25, 80 * MB, 0, 30 * MB, 4,
	    256 * 1024, 1000);
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, 240, &lp, &f);
	ck_assert_msg(f.cycles >= 12 && f.cycles <= 14, "%u cycles", f.cycles);
	ck_assert_double_eq_tol(f.cycle_period_s, 4, 0.3);
	ck_assert_msg(fabs(f.cycle_depth - 30 * MB) < 2 * MB, "depth %.1fMB",
	    f.cycle_depth / MB);
	ck_assert(f.troughs);
	ck_assert_msg(strstr(f.reason, "over 13 collections") != NULL, "%s",
	    f.reason);
	free(p);
}
END_TEST

START_TEST(test_sawtooth_few_cycles)
{
	/* A 50 s saw-tooth: 70 s hold one collection, 120 s two. */
	struct leak_point *p = series(480, 0.25, 80 * MB, 0, 30 * MB, 50,
	    128 * 1024, 100);
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, 280, &lp, &f);
	ck_assert_msg(f.verdict == LEAK_INCONCLUSIVE, "%s", f.reason);
	ck_assert_uint_eq(f.cycles, 1);
	ck_assert_msg(strstr(f.reason, "one collection") != NULL &&
	    strstr(f.reason, "run at least") != NULL, "%s", f.reason);
	ck_assert(f.need_s > 70);
	ck_assert(!f.floor.valid);

	leak_fit(p, 480, &lp, &f);
	ck_assert_msg(f.verdict == LEAK_INCONCLUSIVE, "%s", f.reason);
	ck_assert_uint_eq(f.cycles, 2);
	ck_assert_double_eq_tol(f.cycle_period_s, 50, 1);
	/* The third collection is due at 150 s. */
	ck_assert_msg(strstr(f.reason, "saw-tooth of about 50s: run at least "
	    "167s") != NULL, "%s", f.reason);
	ck_assert_double_eq_tol(f.need_s, 167, 1);
	free(p);
}
END_TEST

/* The first growth, then flat: RSS of a cache that filled. */
static struct leak_point *
fill_then_flat(size_t n, size_t fill, double mb_per_point, double req_flat)
{
	struct leak_point *p = calloc(n, sizeof *p);
	unsigned st = 9;
	size_t i;

	for (i = 0; i < n; i++) {
		p[i].t_us = (int64_t)(i * 250000);
		p[i].rss = (int64_t)((60 + mb_per_point * (double)LT_MIN(i, fill)) *
		    MB + 200 * 1024 * noise(&st));
		p[i].requests = i < fill ? i * 25 :
		    (uint64_t)(fill * 25 + (i - fill) * req_flat);
	}
	return p;
}

START_TEST(test_plateau_after_warm_up)
{
	/* 60 MB over 20 s, then flat for 40 s under the same load. */
	struct leak_point *p = fill_then_flat(240, 80, 0.75, 25);
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, 240, &lp, &f);
	ck_assert_msg(f.verdict == LEAK_STABLE, "%s", f.reason);
	ck_assert(f.plateau);
	ck_assert_msg(fabs(f.plateau_s - 40) < 2, "flat %.1fs", f.plateau_s);
	ck_assert_msg(fabs(f.plateau_rss - 120 * MB) < 1 * MB, "at %.1fMB",
	    f.plateau_rss / MB);
	ck_assert_msg(strncmp(f.reason, "RSS stayed under 120", 20) == 0 &&
	    strstr(f.reason, "MB for the last 40s, after growing") != NULL, "%s",
	    f.reason);
	ck_assert(fabs(f.kb_per_min) < 200);
	free(p);
}
END_TEST

START_TEST(test_plateau_too_recent)
{
	/* 50 s of growth, flat for the last 10 s: too soon to tell. */
	struct leak_point *p = fill_then_flat(240, 200, 0.25, 25);
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, 240, &lp, &f);
	ck_assert_msg(f.verdict == LEAK_INCONCLUSIVE, "%s", f.reason);
	ck_assert(f.plateau);
	ck_assert_msg(strstr(f.reason, "for only 10s") != NULL &&
	    strstr(f.reason, "run at least") != NULL, "%s", f.reason);
	/* Flat for a third of the span: (10 + d) / (54 + d) >= 1/3. */
	ck_assert_msg(f.need_s >= 70 && f.need_s <= 80, "%.0fs", f.need_s);
	free(p);
}
END_TEST

START_TEST(test_troughs_plateau)
{
	/* A 3 s saw-tooth whose troughs climb 20 MB over 20 s, then stay. */
	struct leak_point *p = series(320, 0.25, 60 * MB, 0, 25 * MB, 3,
	    64 * 1024, 100);
	struct leak_params lp;
	struct leak_fit f;
	size_t i;

	for (i = 0; i < 320; i++)
		p[i].rss += (int64_t)(1 * MB * LT_MIN(i * 0.25, 20.0));
	leak_params_default(&lp);
	leak_fit(p, 320, &lp, &f);
	ck_assert_msg(f.verdict == LEAK_STABLE, "%s", f.reason);
	ck_assert(f.troughs && f.plateau);
	ck_assert_msg(strncmp(f.reason, "RSS troughs stayed under 80", 27) == 0,
	    "%s", f.reason);
	free(p);
}
END_TEST

START_TEST(test_plateau_needs_load)
{
	/* The growth stops with the requests: a leak that went idle. */
	struct leak_point *p = fill_then_flat(240, 80, 0.75, 0);
	struct leak_params lp;
	struct leak_fit f;

	leak_params_default(&lp);
	leak_fit(p, 240, &lp, &f);
	ck_assert(!f.plateau);
	ck_assert_msg(f.verdict != LEAK_STABLE, "%s", f.reason);
	free(p);
}
END_TEST

START_TEST(test_leak_dips_are_not_collections)
{
	/* 6 MB/s kept, and every 3 s a 3 MB dip that is soon regained. */
	struct leak_point *p = series(120, 0.25, 50 * MB, 6 * MB, 0, 0,
	    32 * 1024, 100);
	struct leak_params lp;
	struct leak_fit f;
	size_t i;

	for (i = 12; i < 120; i += 12)
		p[i].rss -= 3 * (int64_t)MB;
	leak_params_default(&lp);
	leak_fit(p, 120, &lp, &f);
	ck_assert_uint_eq(f.cycles, 0);
	ck_assert_msg(f.verdict == LEAK_LEAK, "%s", f.reason);
	ck_assert_double_eq_tol(f.bytes_per_request, 6 * MB / 100,
	    0.05 * 6 * MB / 100);
	/* Both rates, per minute and per request. */
	ck_assert_msg(strstr(f.reason, "/min") != NULL &&
	    strstr(f.reason, "/request") != NULL, "%s", f.reason);
	free(p);
}
END_TEST

START_TEST(test_collected_then_climbing)
{
	/*
	 * A collected service (issue 12's): 59 MB to 76 MB, a collection
	 * down to 55 MB at 12 s, a climb to 91 MB and a plateau; 40 s.  The
	 * climb after one collection is no leak yet.
	 */
	struct leak_point p[160];
	struct leak_params lp;
	struct leak_fit f;
	double t, mb;
	size_t i;

	for (i = 0; i < 160; i++) {
		t = i * 0.25;
		if (t < 12)
			mb = 59 + 17 * t / 12;
		else if (t < 30)
			mb = 55 + 36 * (t - 12) / 18;
		else
			mb = 91;
		p[i].t_us = (int64_t)(t * 1e6);
		p[i].rss = (int64_t)(mb * MB);
		p[i].requests = (uint64_t)(100 * t);
	}
	leak_params_default(&lp);
	leak_fit(p, 160, &lp, &f);
	ck_assert_msg(f.verdict == LEAK_INCONCLUSIVE, "%s", f.reason);
	ck_assert_uint_eq(f.cycles, 1);
	ck_assert(f.need_s > 40);
}
END_TEST

START_TEST(test_batches)
{
	/* A leak phase: a baseline, then 10 batches of 20 requests. */
	struct leak_point p[11];
	struct leak_params lp;
	struct leak_fit f;
	size_t i;

	for (i = 0; i < 11; i++) {
		p[i].t_us = (int64_t)(i * 300000);
		p[i].requests = i * 20;
		p[i].rss = (int64_t)(40 * MB + 65536.0 * (double)p[i].requests +
		    (i % 3) * 4096);
	}
	leak_params_batches(&lp);
	leak_fit(p, 11, &lp, &f);
	ck_assert_msg(f.verdict == LEAK_LEAK, "%s", f.reason);
	ck_assert_uint_eq(f.nused, 11);
	ck_assert_double_eq_tol(f.bytes_per_request, 65536, 0.01 * 65536);
	/* Three points, a baseline and 2 batches, are too few. */
	leak_fit(p, 3, &lp, &f);
	ck_assert_int_eq(f.verdict, LEAK_INCONCLUSIVE);
	ck_assert_str_eq(f.reason, "3 points after warm-up, need 4");
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
	tcase_add_test(tc, test_sawtooth_cycles);
	tcase_add_test(tc, test_sawtooth_few_cycles);
	tcase_add_test(tc, test_plateau_after_warm_up);
	tcase_add_test(tc, test_plateau_too_recent);
	tcase_add_test(tc, test_troughs_plateau);
	tcase_add_test(tc, test_plateau_needs_load);
	tcase_add_test(tc, test_leak_dips_are_not_collections);
	tcase_add_test(tc, test_collected_then_climbing);
	tcase_add_test(tc, test_batches);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(leak_suite)
