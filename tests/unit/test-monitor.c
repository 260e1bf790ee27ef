/*
 * The monitor: its bounded series, and whole sessions against the real
 * processes of tests/fixtures.
 */
#include "config.h"

#include <sys/wait.h>

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check-tap.h"
#include "monitor.h"
#include "proc-spawn.h"
#include "util.h"

#include "proc-fixture.h"

static struct monitor *
watch(struct procspawn *ps, bool tree, double hz)
{
	struct monitor_config cfg;
	struct monitor *m;
	char *cause = NULL;

	monitor_config_default(&cfg);
	cfg.pid = proc_spawn_pid(ps);
	cfg.child = ps;
	cfg.tree = tree;
	cfg.sample_hz = hz;
	m = monitor_new(&cfg, &cause);
	ck_assert_msg(m != NULL, "%s", cause);
	ck_assert_msg(monitor_start(m, &cause) == 0, "%s", cause);
	return m;
}

static size_t
count_events(const struct monitor_view *v, enum monitor_event_kind k)
{
	size_t i, n = 0;

	for (i = 0; i < v->nevents; i++)
		n += v->events[i].kind == k;
	return n;
}

START_TEST(test_series_bounded)
{
	struct mseries_point p, *out;
	struct mseries s;
	size_t n, i;
	int64_t rss_min = INT64_MAX, rss_max = 0;

	monitor_series_init(&s, 16);
	memset(&p, 0, sizeof p);
	for (i = 0; i < 1000; i++) {
		p.t_us = (int64_t)i * 1000;
		/* A flat line with one spike and one dip. */
		p.rss = i == 333 ? 900 : i == 777 ? 10 : 100;
		p.cpu = i == 500 ? 250 : 50;
		p.requests = i;
		rss_min = LT_MIN(rss_min, p.rss);
		rss_max = LT_MAX(rss_max, p.rss);
		monitor_series_add(&s, &p);
		ck_assert_uint_le(s.n, 16);
	}
	n = monitor_series_copy(&s, &out);
	ck_assert_uint_ge(n, 8);
	ck_assert_uint_le(n, 17);
	{
		unsigned total = 0;
		int64_t mn = INT64_MAX, mx = 0;
		double cmax = 0;

		for (i = 0; i < n; i++) {
			total += out[i].nsamples;
			mn = LT_MIN(mn, out[i].rss_min);
			mx = LT_MAX(mx, out[i].rss_max);
			cmax = LT_MAX(cmax, out[i].cpu_max);
			if (i > 0)
				ck_assert_int_gt(out[i].t_us, out[i - 1].t_us);
		}
		ck_assert_uint_eq(total, 1000);
		/* Peaks survive the merging. */
		ck_assert_int_eq(mn, rss_min);
		ck_assert_int_eq(mx, rss_max);
		ck_assert_double_eq(cmax, 250);
	}
	ck_assert_uint_eq(out[n - 1].requests, 999);
	ck_assert_int_eq(out[0].t_first_us, 0);
	free(out);
	monitor_series_free(&s);
}
END_TEST

START_TEST(test_monitor_linear_leak)
{
	struct monitor_view v;
	struct procspawn *ps;
	struct monitor *m;
	int64_t t0;
	uint64_t done;

	ps = spawn(LT_FIXTURES "/alloc-rate -r 2 -d 20");
	sleep_s(0.5);			/* past the fixture's own start-up */
	m = watch(ps, false, 10);
	/* Pretend 1000 requests/s complete, for the per-request fit. */
	t0 = util_now_us();
	while (util_now_us() - t0 < 8000000) {
		done = (uint64_t)((util_now_us() - t0) / 1000);
		monitor_set_requests(m, done);
		sleep_s(0.05);
	}
	monitor_read(m, &v);
	ck_assert(v.alive && v.have_sample);
	ck_assert_uint_ge(v.stats.nsamples, 60);
	ck_assert_msg(v.leak.verdict == LEAK_LEAK, "%s",
	    v.leak.reason);
	ck_assert_msg(v.leak.raw.slope > 0.9 * 2 * MB &&
	    v.leak.raw.slope < 1.1 * 2 * MB, "raw slope %.3f MB/s",
	    v.leak.raw.slope / MB);
	ck_assert_msg(v.leak.floor.slope > 0.9 * 2 * MB &&
	    v.leak.floor.slope < 1.1 * 2 * MB, "floor slope %.3f MB/s",
	    v.leak.floor.slope / MB);
	/* 2 MB/s at 1000 requests/s: about 2 KB a request. */
	ck_assert_msg(v.leak.bytes_per_request > 0.9 * 2097 &&
	    v.leak.bytes_per_request < 1.1 * 2097, "%.0f B/request",
	    v.leak.bytes_per_request);
	ck_assert(v.stats.growth > 12 * MB && v.stats.growth < 19 * MB);
	ck_assert_int_eq(v.stats.rss_end, v.last.rss);
	ck_assert_int_ge(v.stats.rss_max, v.stats.rss_end);
	ck_assert_int_eq(v.stats.threads_max, 1);
	ck_assert_uint_eq(count_events(&v, MON_EV_START), 1);
	monitor_view_clear(&v);
	monitor_free(m);
	proc_spawn_free(ps);
}
END_TEST

START_TEST(test_monitor_sawtooth_stable)
{
	struct mseries_point *pts;
	struct monitor_view v;
	struct procspawn *ps;
	struct monitor *m;
	int64_t lo = INT64_MAX, hi = 0;
	size_t n, i;

	/* 8 MB/s on a 20 MB floor, freed back to the floor every second. */
	ps = spawn(LT_FIXTURES "/alloc-rate -r 8 -f 20 -s 1 -d 20");
	m = watch(ps, false, 10);
	sleep_s(9);
	n = monitor_read_series(m, &pts);
	for (i = n / 10; i < n; i++) {
		lo = LT_MIN(lo, pts[i].rss);
		hi = LT_MAX(hi, pts[i].rss);
	}
	free(pts);
	/* It really saw-tooths: about 8 MB between trough and crest. */
	ck_assert_msg(hi - lo > 5 * MB, "swing %.1f MB", (hi - lo) / MB);
	monitor_read(m, &v);
	ck_assert_msg(v.leak.verdict == LEAK_STABLE, "%s: %s",
	    leak_verdict_name(v.leak.verdict), v.leak.reason);
	ck_assert(v.leak.raw.slope < 1 * MB);
	monitor_view_clear(&v);
	monitor_free(m);
	proc_spawn_free(ps);
}
END_TEST

START_TEST(test_monitor_child_exit)
{
	struct monitor_view v;
	struct procspawn *ps;
	struct monitor *m;

	ps = spawn(LT_FIXTURES "/forker -n 0 -d 1 -x 5");
	m = watch(ps, false, 10);
	ck_assert_int_eq(monitor_wait_exit(m, 100000), 0);
	ck_assert_int_eq(monitor_wait_exit(m, 5000000), 1);
	monitor_read(m, &v);
	ck_assert(!v.alive);
	ck_assert(v.exit_known);
	ck_assert(WIFEXITED(v.exit_status));
	ck_assert_int_eq(WEXITSTATUS(v.exit_status), 5);
	ck_assert_uint_eq(count_events(&v, MON_EV_EXIT), 1);
	ck_assert_msg(strstr(v.events[v.nevents - 1].msg,
	    "exited with status 5") != NULL, "%s", v.events[v.nevents - 1].msg);
	/* The exit was seen within a couple of sample periods. */
	ck_assert_int_lt(v.events[v.nevents - 1].t_us - v.events[0].t_us,
	    1500000);
	monitor_view_clear(&v);
	monitor_free(m);
	proc_spawn_free(ps);
}
END_TEST

START_TEST(test_monitor_tree_worker_death)
{
	struct monitor_view v;
	struct procspawn *ps;
	struct monitor *m;
	size_t i;
	bool found = false;

	ps = spawn(LT_FIXTURES "/forker -n 2 -k 1 -d 20");
	sleep_s(0.3);
	m = watch(ps, true, 10);
	sleep_s(2);
	monitor_read(m, &v);
	ck_assert(v.alive);
	ck_assert_int_eq(v.stats.nprocs_max, 3);
	ck_assert_int_eq(v.last.nprocs, 2);
	ck_assert_uint_eq(v.stats.workers_exited, 1);
	ck_assert_uint_eq(v.stats.workers_started, 0);
	for (i = 0; i < v.nevents; i++) {
		if (v.events[i].kind == MON_EV_WORKER_EXIT) {
			found = true;
			ck_assert(strstr(v.events[i].msg, "(forker) exited"));
		}
	}
	ck_assert(found);
	monitor_view_clear(&v);
	monitor_free(m);
	proc_spawn_free(ps);
}
END_TEST

START_TEST(test_monitor_sample_now)
{
	struct monitor_view v;
	struct procspawn *ps;
	struct monitor *m;
	uint64_t before;

	ps = spawn(LT_FIXTURES "/forker -n 0 -d 20");
	/* A very slow sampler: only sample_now adds samples. */
	m = watch(ps, false, 0.01);
	monitor_read(m, &v);
	before = v.stats.nsamples;
	monitor_view_clear(&v);
	monitor_set_requests(m, 1234);
	monitor_sample_now(m);
	monitor_sample_now(m);
	monitor_read(m, &v);
	ck_assert_uint_eq(v.stats.nsamples, before + 2);
	ck_assert_uint_eq(v.last.requests, 1234);
	ck_assert_int_gt(v.last.rss, 0);
	monitor_view_clear(&v);
	monitor_free(m);
	proc_spawn_free(ps);
}
END_TEST

START_TEST(test_monitor_health_and_metrics)
{
	const char *sel[] = { "tiny_requests_total", "tiny_up" };
	struct monitor_config cfg;
	struct monitor_view v;
	struct procspawn *ps;
	struct monitor *m;
	char log[64], *text, *p, *cause = NULL, hurl[96], murl[96];
	int port = 0, i;
	size_t j;

	/* Down from 1.5 s to 3 s after its start. */
	snprintf(log, sizeof log, "/tmp/lt-monhealth.%ld", (long)getpid());
	ps = spawn(LT_FIXTURES "/tiny-http -D 1.5:3 -d 20 > %s", log);
	for (i = 0; i < 100 && port == 0; i++) {
		sleep_s(0.02);
		if ((text = util_read_file(log, NULL)) == NULL)
			continue;
		if ((p = strstr(text, "127.0.0.1:")) != NULL)
			port = atoi(p + 10);
		free(text);
	}
	unlink(log);
	ck_assert_int_gt(port, 0);
	snprintf(hurl, sizeof hurl, "http://127.0.0.1:%d/health", port);
	snprintf(murl, sizeof murl, "http://127.0.0.1:%d/metrics", port);

	monitor_config_default(&cfg);
	cfg.pid = proc_spawn_pid(ps);
	cfg.child = ps;
	cfg.health_url = hurl;
	cfg.metrics_url = murl;
	cfg.metrics = sel;
	cfg.nmetrics = 2;
	cfg.health_interval_us = 250000;
	m = monitor_new(&cfg, &cause);
	ck_assert_msg(m != NULL, "%s", cause);
	ck_assert(monitor_start(m, &cause) == 0);
	sleep_s(4.5);
	monitor_read(m, &v);
	ck_assert(v.health.enabled && v.health.checked && v.health.up);
	ck_assert_int_eq(v.health.status, 200);
	/* Loose bounds: a loaded host delays the poller's ticks. */
	ck_assert_uint_ge(v.health.checks, 8);
	ck_assert_uint_ge(v.health.failures, 2);
	ck_assert_uint_eq(v.health.ndown, 1);
	ck_assert(v.health.down[0].end_us > v.health.down[0].start_us);
	ck_assert_msg(v.health.down_us > 400000 && v.health.down_us < 2500000,
	    "down %.2fs", v.health.down_us / 1e6);
	ck_assert_uint_eq(count_events(&v, MON_EV_HEALTH_DOWN), 1);
	ck_assert_uint_eq(count_events(&v, MON_EV_HEALTH_UP), 1);

	ck_assert(v.health.metrics_enabled);
	ck_assert_str_eq(v.health.metrics_error, "");
	ck_assert_uint_eq(v.health.nmetrics, 2);
	for (j = 0; j < v.health.nmetrics; j++) {
		const struct prom_value *pv = &v.health.metrics[j];

		ck_assert(pv->valid && pv->present);
		if (strcmp(pv->series, "tiny_up") == 0) {
			ck_assert(!pv->counter);
			/* Down for a while, and up again. */
			ck_assert_double_eq(pv->last, 1);
			ck_assert_double_eq(pv->min, 0);
			ck_assert_double_eq(pv->max, 1);
		} else {
			/* Health and metrics GETs: 8 requests a second. */
			ck_assert_str_eq(pv->series,
			    "tiny_requests_total{path=\"any\"}");
			ck_assert(pv->counter && pv->has_now_rate);
			ck_assert_msg(pv->now_rate > 5 && pv->now_rate < 11,
			    "%.2f/s", pv->now_rate);
			ck_assert_msg(pv->rate > 5 && pv->rate < 11,
			    "%.2f/s over the run", pv->rate);
			/* The first scrape was the server's first request. */
			ck_assert_double_eq(pv->first, 1);
			ck_assert_double_eq(pv->delta, pv->last - pv->first);
		}
	}
	monitor_view_clear(&v);
	monitor_free(m);
	proc_spawn_free(ps);
}
END_TEST

static Suite *
monitor_suite(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc = tcase_create("monitor");

	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_series_bounded);
	tcase_add_test(tc, test_monitor_linear_leak);
	tcase_add_test(tc, test_monitor_sawtooth_stable);
	tcase_add_test(tc, test_monitor_child_exit);
	tcase_add_test(tc, test_monitor_tree_worker_death);
	tcase_add_test(tc, test_monitor_sample_now);
	tcase_add_test(tc, test_monitor_health_and_metrics);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(monitor_suite)
