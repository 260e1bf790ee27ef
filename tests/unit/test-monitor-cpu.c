/*
 * The target's CPU share over each second, and its memory beside RSS:
 * the windows on made-up CPU times, then the sampler and the monitor
 * against cpu-burn and its kin.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "cpu-window.h"
#include "monitor.h"
#include "proc-sample.h"
#include "proc-spawn.h"
#include "util.h"

#include "proc-fixture.h"

static char logfile[64];

static void
setup(void)
{
	snprintf(logfile, sizeof logfile, "/tmp/lt-moncpu.%ld.log",
	    (long)getpid());
}

static void
teardown(void)
{
	unlink(logfile);
}

/* CPU time used by t_us (ns) at 25% of a core, 100% from 4 s to 5 s. */
static int64_t
quarter_with_burst(int64_t t_us)
{
	int64_t burst = LT_MAX((int64_t)0, LT_MIN(t_us, (int64_t)5000000) -
	    4000000);

	return 250 * t_us + 750 * burst;
}

START_TEST(test_window_seconds)
{
	struct cpu_window_figures f;
	struct cpu_window w;
	double share;
	bool valid;
	int i;

	cpu_window_init(&w, 2);
	/* 40 s of samples 250 ms apart, every other whole second's 0.1 ms
	 * early: every window is four samples, none five. */
	for (i = 0; i <= 160; i++) {
		int64_t t = (int64_t)i * 250000 - (i % 8 == 4 ? 100 : 0);

		share = cpu_window_add(&w, t, quarter_with_burst(t), &valid);
		ck_assert(valid == (i > 0));
		if (i == 10)		/* 1.5 s .. 2.5 s */
			ck_assert_double_eq_tol(share, 25, 0.01);
		if (i == 18)		/* 3.5 s .. 4.5 s: half of it busy */
			ck_assert_double_eq_tol(share, 62.5, 0.01);
		if (i == 20)		/* the burst's second */
			ck_assert_double_eq_tol(share, 100, 0.01);
	}
	cpu_window_figures(&w, &f);
	ck_assert_uint_eq(f.windows, 40);
	ck_assert_double_eq_tol(f.seconds, 40, 0.001);
	ck_assert_double_eq_tol(f.max, 100, 0.01);
	/* One second in forty at 100%: the p95 is the others'. */
	ck_assert_double_eq_tol(f.p95, 25, 0.1);
	ck_assert_double_eq_tol(f.avg, (39 * 25 + 100) / 40.0, 0.01);
	cpu_window_free(&w);
}
END_TEST

START_TEST(test_window_short_and_sparse)
{
	struct cpu_window_figures f;
	struct cpu_window w;
	bool valid;
	int i;

	cpu_window_init(&w, 1);
	cpu_window_figures(&w, &f);
	ck_assert_uint_eq(f.windows, 0);
	/* Under a second: a mean, no whole second for a max or a p95. */
	cpu_window_add(&w, 0, 0, &valid);
	ck_assert(!valid);
	ck_assert_double_eq_tol(cpu_window_add(&w, 500000, 200000000, &valid),
	    40, 1e-9);
	cpu_window_figures(&w, &f);
	ck_assert_uint_eq(f.windows, 0);
	ck_assert_double_eq(f.max, 0);
	ck_assert_double_eq_tol(f.avg, 40, 1e-9);
	ck_assert_double_eq_tol(f.seconds, 0.5, 1e-9);
	cpu_window_free(&w);

	/* Samples 2 s apart: each window is one interval of them. */
	cpu_window_init(&w, 1);
	for (i = 0; i <= 5; i++)
		cpu_window_add(&w, (int64_t)i * 2000000,
		    (int64_t)i * (i + 1) * 100000000, &valid);
	cpu_window_figures(&w, &f);
	ck_assert_uint_eq(f.windows, 5);
	/* Interval k (1..5) used 2k * 0.1 s in 2 s: 10k %. */
	ck_assert_double_eq_tol(f.max, 50, 0.05);
	ck_assert_double_eq_tol(f.avg, 30, 1e-9);
	cpu_window_free(&w);
}
END_TEST

static struct monitor *
watch(struct procspawn *ps, bool tree)
{
	struct monitor_config cfg;
	struct monitor *m;
	char *cause = NULL;

	monitor_config_default(&cfg);
	cfg.pid = proc_spawn_pid(ps);
	cfg.child = ps;
	cfg.tree = tree;
	m = monitor_new(&cfg, &cause);
	ck_assert_msg(m != NULL, "%s", cause);
	ck_assert_msg(monitor_start(m, &cause) == 0, "%s", cause);
	return m;
}

/* Every share the monitor published from its first second on lies within
 * tol of want; returns how many there were. */
static size_t
every_second_near(struct monitor *m, double want, double tol)
{
	struct mseries_point *p;
	size_t n, i, checked = 0;

	n = monitor_read_series(m, &p);
	for (i = 0; i < n; i++) {
		if (p[i].t_us - p[0].t_us < CPU_WINDOW_US - CPU_WINDOW_SLACK_US)
			continue;
		ck_assert_msg(fabs(p[i].cpu - want) <= tol, "at %.2fs: %.1f%%, "
		    "want %.0f ± %.0f", (double)(p[i].t_us - p[0].t_us) / 1e6,
		    p[i].cpu, want, tol);
		checked++;
	}
	free(p);
	return checked;
}

/* A quarter of a core reads 25 ± 3 every second, at the default 4 Hz;
 * so do the mean, the max and the p95; PSS and USS are read. */
START_TEST(test_monitor_quarter_each_second)
{
	struct monitor_view v;
	struct procspawn *ps;
	struct monitor *m;

	ps = spawn(LT_FIXTURES "/cpu-burn -p 25 -d 20");
	sleep_s(0.3);
	m = watch(ps, false);
	sleep_s(6.1);
	ck_assert_uint_ge(every_second_near(m, 25, 3), 20);
	monitor_read(m, &v);
	ck_assert_uint_ge(v.stats.cpu_windows, 5);
	ck_assert_msg(fabs(v.stats.cpu_avg - 25) <= 3, "avg %.1f",
	    v.stats.cpu_avg);
	ck_assert_msg(fabs(v.stats.cpu_max - 25) <= 3, "max %.1f",
	    v.stats.cpu_max);
	ck_assert_msg(fabs(v.stats.cpu_p95 - 25) <= 3, "p95 %.1f",
	    v.stats.cpu_p95);
	ck_assert(v.stats.cpu_p95 <= v.stats.cpu_max + 0.01);
	ck_assert(v.stats.cpu_seconds > 5.5 && v.stats.cpu_seconds < 6.5);
	/* Most of its RSS is the C library, shared. */
	ck_assert(v.last.mem_detail && v.stats.mem_detail);
	ck_assert(v.last.uss > 0 && v.last.uss <= v.last.pss);
	ck_assert(v.last.pss < v.last.rss);
	ck_assert(v.stats.pss_max >= v.stats.pss_end && v.stats.pss_end > 0);
	ck_assert(v.stats.uss_max >= v.stats.uss_end && v.stats.uss_end > 0);
	monitor_view_clear(&v);
	monitor_free(m);
	proc_spawn_free(ps);
}
END_TEST

/*
 * A busy loop reads 100 ± 5 every second it had a core to itself: when
 * the rest of the host left one free (make -j2 check may not).  Never
 * more than 105.  At the sampler's level, so that the host's share of
 * each second is known.
 */
START_TEST(test_sample_busy_each_second)
{
	struct procsample_result r;
	struct procsample *s;
	struct procspawn *ps;
	struct cpu_window w;
	char *cause = NULL;
	double shares[25], host[25], others;
	int i, k, judged = 0, ncpu;
	bool valid;

	ps = spawn(LT_FIXTURES "/cpu-burn -p 100 -d 10");
	s = proc_sample_new(proc_spawn_pid(ps), false, &cause);
	ck_assert_ptr_nonnull(s);
	ncpu = proc_sample_ncpu(s);
	cpu_window_init(&w, ncpu);
	sleep_s(0.3);
	for (i = 0; i <= 24; i++) {
		proc_sample_take(s, &r);
		ck_assert(r.alive);
		shares[i] = cpu_window_add(&w, r.t_us, r.cpu_used_ns, &valid);
		host[i] = r.host_cpu;
		sleep_s(0.25);
	}
	for (i = 4; i <= 24; i++) {
		ck_assert_msg(shares[i] <= 105, "at sample %d: %.1f%%", i,
		    shares[i]);
		/* The host's CPU is read once a second: the busiest of the
		 * readings that overlap this second tells whether a core
		 * was free for the loop. */
		others = 0;
		for (k = i - 4; k <= i + 4 && k <= 24; k++)
			others = host[k] > others ? host[k] : others;
		others = others * ncpu / 100 - shares[i] / 100;
		/* A second the host reads at half a core busy can still
		 * have had bursts that took the loop's core for a while. */
		if (others <= ncpu - 1.75) {
			ck_assert_msg(shares[i] >= 95, "at sample %d: %.1f%%, "
			    "the rest of the host used %.2f cores of %d", i,
			    shares[i], others, ncpu);
			judged++;
		}
	}
	fprintf(stderr, "# busy loop: %d of 21 seconds had a core free\n",
	    judged);
	cpu_window_free(&w);
	proc_sample_free(s);
	proc_spawn_free(ps);
}
END_TEST

/*
 * Work done by threads that have exited by the next sample still counts
 * (a thread's own counters go with it): the sampler agrees with the
 * process's own clock within 2 points.
 */
START_TEST(test_sample_exited_threads)
{
	struct procsample_result r;
	struct procsample *s;
	struct procspawn *ps;
	char *cause = NULL;
	double m0, c0, m1, c1, truth;

	ps = spawn("exec " LT_FIXTURES "/cpu-burn -p 25 -T -d 10 > %s",
	    logfile);
	s = proc_sample_new(proc_spawn_pid(ps), false, &cause);
	ck_assert_ptr_nonnull(s);
	sleep_s(0.3);
	proc_sample_take(s, &r);
	burn_report(proc_spawn_pid(ps), logfile, 1, &m0, &c0);
	sleep_s(3);
	proc_sample_take(s, &r);
	burn_report(proc_spawn_pid(ps), logfile, 2, &m1, &c1);
	truth = 100 * (c1 - c0) / (m1 - m0);
	ck_assert(r.cpu_valid);
	ck_assert_msg(truth > 20, "the fixture had %.1f%%", truth);
	ck_assert_msg(fabs(r.cpu - truth) <= 2, "sampled %.1f%%, the process "
	    "had %.1f%%", r.cpu, truth);
	proc_sample_free(s);
	proc_spawn_free(ps);
}
END_TEST

/* A tree's shares and memory are its members' summed. */
START_TEST(test_monitor_tree_sums)
{
	struct monitor_view v, one;
	struct procspawn *ps, *lone;
	struct monitor *m, *ml;

	ps = spawn(LT_FIXTURES "/cpu-burn -p 20 -d 20 & " LT_FIXTURES
	    "/cpu-burn -p 15 -d 20 & wait");
	lone = spawn(LT_FIXTURES "/cpu-burn -p 20 -d 20");
	sleep_s(0.5);
	m = watch(ps, true);
	ml = watch(lone, false);
	sleep_s(4.1);
	ck_assert_uint_ge(every_second_near(m, 35, 4), 10);
	monitor_read(m, &v);
	monitor_read(ml, &one);
	ck_assert_int_eq(v.stats.nprocs_max, 3);
	ck_assert(v.stats.mem_detail && one.stats.mem_detail);
	/* Two burners and a shell: more than one burner's own. */
	ck_assert_msg(v.stats.pss_end > one.stats.pss_end * 2, "tree PSS %.0f"
	    "KB, one burner's %.0fKB", v.stats.pss_end / 1024.0,
	    one.stats.pss_end / 1024.0);
	ck_assert(v.stats.uss_end > one.stats.uss_end * 2);
	ck_assert(v.stats.pss_end < v.stats.rss_end);
	monitor_view_clear(&v);
	monitor_view_clear(&one);
	monitor_free(ml);
	monitor_free(m);
	proc_spawn_free(lone);
	proc_spawn_free(ps);
}
END_TEST

static Suite *
monitor_cpu_suite(void)
{
	Suite *s = suite_create("monitor-cpu");
	TCase *tc = tcase_create("monitor-cpu");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_window_seconds);
	tcase_add_test(tc, test_window_short_and_sparse);
	tcase_add_test(tc, test_monitor_quarter_each_second);
	tcase_add_test(tc, test_sample_busy_each_second);
	tcase_add_test(tc, test_sample_exited_threads);
	tcase_add_test(tc, test_monitor_tree_sums);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(monitor_cpu_suite)
