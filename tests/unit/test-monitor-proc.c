/*
 * Process selection, spawning and sampling, against real processes: the
 * fixtures in tests/fixtures.
 */
#include "config.h"

#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check-tap.h"
#include "leak.h"
#include "proc-find.h"
#include "proc-read.h"
#include "proc-sample.h"
#include "proc-spawn.h"
#include "util.h"

#include "proc-fixture.h"

static char tmpdir[64];

static void
setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/lt-monproc.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	(void)system(cmd);
}

/* A free loopback port, closed again for the fixture to take. */
static int
free_port(void)
{
	struct procspawn *ps;
	char log[128], *text, *p;
	int port = 0, i;

	snprintf(log, sizeof log, "%s/port.log", tmpdir);
	ps = spawn(LT_FIXTURES "/tiny-http -d 5 > %s", log);
	for (i = 0; i < 100 && port == 0; i++) {
		sleep_s(0.02);
		if ((text = util_read_file(log, NULL)) == NULL)
			continue;
		if ((p = strstr(text, "127.0.0.1:")) != NULL)
			port = atoi(p + 10);
		free(text);
	}
	proc_spawn_free(ps);
	ck_assert_int_gt(port, 0);
	return port;
}

START_TEST(test_find_missing_pid)
{
	struct procfind_spec spec = { 0 };
	struct procspawn *ps;
	char *cause = NULL;
	pid_t pid = 0, dead;

	/* A PID that surely is free: one that just exited and was reaped. */
	ps = spawn(LT_FIXTURES "/forker -n 0 -d 0");
	dead = proc_spawn_pid(ps);
	proc_spawn_free(ps);
	spec.pid = dead;
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), -1);
	ck_assert_msg(strstr(cause, "no process with PID") != NULL, "%s", cause);
	free(cause);

	spec.pid = getpid();
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), 0);
	ck_assert_int_eq(pid, getpid());

	spec.name = "x";
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), -1);
	ck_assert(strstr(cause, "exactly one") != NULL);
	free(cause);
}
END_TEST

START_TEST(test_find_pid_file)
{
	struct procfind_spec spec = { 0 };
	char path[128], *cause = NULL;
	pid_t pid = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/app.pid", tmpdir);
	f = fopen(path, "w");
	fprintf(f, "%ld\n", (long)getppid());
	fclose(f);
	spec.pid_file = path;
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), 0);
	ck_assert_int_eq(pid, getppid());

	f = fopen(path, "w");
	fprintf(f, "twelve\n");
	fclose(f);
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), -1);
	ck_assert_msg(strstr(cause, "does not hold a PID") != NULL, "%s", cause);
	free(cause);

	snprintf(path, sizeof path, "%s/none.pid", tmpdir);
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), -1);
	ck_assert(strstr(cause, "No such file") != NULL);
	free(cause);
}
END_TEST

START_TEST(test_find_name)
{
	struct procfind_spec spec = { 0 };
	struct procspawn *a, *b;
	char name[32], bin[160], cmd[320], *cause = NULL, want[64];
	pid_t pid = 0;

	/* A name nothing else on the host has: a private copy of forker. */
	snprintf(name, sizeof name, "ltfind%ld", (long)getpid());
	snprintf(bin, sizeof bin, "%s/%s", tmpdir, name);
	snprintf(cmd, sizeof cmd, "cp '%s/forker' '%s'", LT_FIXTURES, bin);
	ck_assert_int_eq(system(cmd), 0);
	spec.name = name;
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), -1);
	ck_assert_msg(strstr(cause, "no process named") != NULL, "%s", cause);
	free(cause);

	a = spawn("%s -n 2 -d 20", bin);
	sleep_s(0.3);
	/* The master and its two workers share the name. */
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), -1);
	ck_assert_msg(strstr(cause, "3 processes named") != NULL, "%s", cause);
	snprintf(want, sizeof want, "%ld (%s)", (long)proc_spawn_pid(a), name);
	ck_assert_msg(strstr(cause, want) != NULL, "%s", cause);
	free(cause);

	/* As a tree, the master is the one to watch. */
	spec.tree = true;
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), 0);
	ck_assert_int_eq(pid, proc_spawn_pid(a));

	/* Two unrelated masters are ambiguous even as trees. */
	b = spawn("%s -n 0 -d 20", bin);
	sleep_s(0.2);
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), -1);
	ck_assert_msg(strstr(cause, "4 processes named") != NULL, "%s", cause);
	free(cause);
	proc_spawn_free(b);

	/* A single match by argv[0] basename. */
	spec.tree = false;
	proc_spawn_free(a);
	a = spawn("%s -n 0 -d 20", bin);
	sleep_s(0.2);
	ck_assert_int_eq(proc_find_resolve(&spec, &pid, &cause), 0);
	ck_assert_int_eq(pid, proc_spawn_pid(a));
	proc_spawn_free(a);
}
END_TEST

START_TEST(test_spawn_exit_status)
{
	struct procspawn_opts o = { 0 };
	struct procspawn *ps;
	char *cause = NULL, how[96];
	int st = 0, i;

	ps = spawn(LT_FIXTURES "/forker -n 1 -d 0.3 -x 7");
	ck_assert_int_eq(proc_spawn_poll(ps, &st), 0);
	for (i = 0; i < 200 && !proc_spawn_poll(ps, &st); i++)
		sleep_s(0.01);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 7);
	proc_spawn_describe(st, how, sizeof how);
	ck_assert_str_eq(how, "exited with status 7");
	/* stop on an exited child just returns its status. */
	ck_assert_int_eq(proc_spawn_stop(ps), st);
	proc_spawn_free(ps);

	o.command = "/nonexistent/service --port 1";
	ck_assert_ptr_null(proc_spawn_start(&o, &cause));
	ck_assert_msg(strstr(cause, "cannot run '/nonexistent/service'") !=
	    NULL && strstr(cause, "No such file") != NULL, "%s", cause);
	free(cause);

	o.command = "service 'unbalanced";
	ck_assert_ptr_null(proc_spawn_start(&o, &cause));
	ck_assert(strstr(cause, "quotes") != NULL);
	free(cause);
}
END_TEST

/* An interrupted() that says yes the third time it is asked. */
static int asks;

static bool
third_ask(void)
{
	return ++asks >= 3;
}

START_TEST(test_spawn_ready_and_stop)
{
	struct procspawn_opts o = { 0 };
	struct procspawn *ps;
	char cmd[256], url[128], log[128], *cause = NULL, *text;
	int port = free_port(), st;
	int64_t t0;

	snprintf(log, sizeof log, "%s/service.log", tmpdir);
	snprintf(cmd, sizeof cmd, LT_FIXTURES "/tiny-http -p %d -w 0.6 -d 20",
	    port);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/anything", port);
	o.command = cmd;
	o.log_path = log;
	o.ready_url = url;
	t0 = util_now_us();
	ps = proc_spawn_start(&o, &cause);
	ck_assert_msg(ps != NULL, "%s", cause);
	/* A 404 is an answer: ready. */
	ck_assert_msg(proc_spawn_wait_ready(ps, &cause) == 0, "%s", cause);
	ck_assert_int_ge(util_now_us() - t0, 500000);
	ck_assert_int_lt(util_now_us() - t0, 5000000);
	t0 = util_now_us();
	st = proc_spawn_stop(ps);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	ck_assert_int_lt(util_now_us() - t0, 2000000);
	proc_spawn_free(ps);
	text = util_read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert(strstr(text, "listening on 127.0.0.1:") != NULL);
	free(text);

	/* Ready by port; a second run appends to the same log. */
	o.ready_url = NULL;
	o.ready_port = port;
	ps = proc_spawn_start(&o, &cause);
	ck_assert_msg(proc_spawn_wait_ready(ps, &cause) == 0, "%s", cause);
	proc_spawn_free(ps);
	text = util_read_file(log, NULL);
	ck_assert(strstr(strstr(text, "listening") + 1, "listening") != NULL);
	free(text);

	/* Exiting before ready is reported with the exit status. */
	o.command = LT_FIXTURES "/forker -n 0 -d 0.2 -x 3";
	ps = proc_spawn_start(&o, &cause);
	ck_assert_int_eq(proc_spawn_wait_ready(ps, &cause), -1);
	ck_assert_msg(strstr(cause, "exited with status 3 before it was "
	    "ready") != NULL, "%s", cause);
	free(cause);
	proc_spawn_free(ps);

	/* Not ready in time. */
	o.command = LT_FIXTURES "/forker -n 0 -d 5";
	o.ready_timeout_us = 300000;
	ps = proc_spawn_start(&o, &cause);
	ck_assert_int_eq(proc_spawn_wait_ready(ps, &cause), -1);
	ck_assert_msg(strstr(cause, "not ready after 0.3s") != NULL, "%s",
	    cause);
	free(cause);
	proc_spawn_free(ps);

	/* A stop asked for cuts the wait short: 1, long before the 5 s. */
	cause = NULL;
	o.ready_timeout_us = 5000000;
	o.interrupted = third_ask;
	ps = proc_spawn_start(&o, &cause);
	t0 = util_now_us();
	ck_assert_int_eq(proc_spawn_wait_ready(ps, &cause), 1);
	ck_assert_ptr_null(cause);
	ck_assert_int_ge(asks, 3);
	ck_assert_int_lt(util_now_us() - t0, 2000000);
	proc_spawn_free(ps);
}
END_TEST

START_TEST(test_spawn_shell_and_grace)
{
	struct procspawn_opts o = { 0 };
	struct procspawn *ps;
	char cmd[256], log[128], *cause = NULL, *text;
	int st;

	/* Shell syntax runs through /bin/sh, exec'd so the PID stays. */
	snprintf(log, sizeof log, "%s/sh.log", tmpdir);
	o.command = "echo \"one two\" && exec sleep 30";
	o.log_path = log;
	ps = proc_spawn_start(&o, &cause);
	ck_assert_msg(ps != NULL, "%s", cause);
	sleep_s(0.3);
	snprintf(cmd, sizeof cmd, "/proc/%ld/comm", (long)proc_spawn_pid(ps));
	text = util_read_file(cmd, NULL);
	ck_assert_str_eq(text, "sleep\n");
	free(text);
	proc_spawn_free(ps);
	text = util_read_file(log, NULL);
	ck_assert_str_eq(text, "one two\n");
	free(text);

	/* A child that ignores SIGTERM is killed after the grace period. */
	o.command = "trap '' TERM; sleep 30";
	o.grace_us = 300000;
	ps = proc_spawn_start(&o, &cause);
	sleep_s(0.2);
	st = proc_spawn_stop(ps);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	proc_spawn_free(ps);
}
END_TEST

/*
 * CPU% of cpu-burn over `secs` as the sampler sees it, and as the
 * process's own CPU clock says (*truth) over the same stretch, and how
 * busy the host was.
 */
static double
measure_cpu(const char *args, double secs, double *truth, double *host)
{
	struct procsample_result r;
	struct procspawn *ps;
	struct procsample *s;
	char log[128], *cause = NULL;
	double m0, c0, m1, c1;

	snprintf(log, sizeof log, "%s/burn.log", tmpdir);
	ps = spawn("exec " LT_FIXTURES "/cpu-burn %s -d %g > %s", args,
	    secs + 5, log);
	s = proc_sample_new(proc_spawn_pid(ps), false, &cause);
	ck_assert_ptr_nonnull(s);
	sleep_s(0.5);			/* past exec and start-up */
	proc_sample_take(s, &r);
	ck_assert(r.alive && !r.cpu_valid);
	burn_report(proc_spawn_pid(ps), log, 1, &m0, &c0);
	sleep_s(secs);
	proc_sample_take(s, &r);
	burn_report(proc_spawn_pid(ps), log, 2, &m1, &c1);
	ck_assert(r.alive && r.cpu_valid);
	ck_assert_int_eq(r.nprocs, 1);
	ck_assert_int_eq(r.threads, 1);
	ck_assert_int_ge(r.fds, 3);
	ck_assert(r.host_mem_total > 0 && r.host_mem_available > 0);
	ck_assert(r.host_cpu > 0 && r.host_cpu <= 100.5);
	ck_assert_double_eq_tol(r.cpu_norm * proc_sample_ncpu(s), r.cpu, 1e-9);
	*truth = 100 * (c1 - c0) / (m1 - m0);
	/* What the rest of the host used, the burner left out. */
	*host = r.host_cpu - r.cpu_norm;
	proc_sample_free(s);
	proc_spawn_free(ps);
	return r.cpu;
}

/*
 * The sampler must agree with the process's own clock within 5 points.
 * The nominal share is checked too when the rest of the host was all but
 * idle; when other work runs beside it (make -j2 check) the scheduler,
 * not the sampler, decides what the burner gets.
 */
START_TEST(test_sample_cpu_busy)
{
	double truth, host, cpu = measure_cpu("-p 100", 3, &truth, &host);

	ck_assert_msg(cpu >= truth - 5 && cpu <= truth + 5,
	    "sampled %.1f%%, the process had %.1f%%", cpu, truth);
	if (host < 10)
		ck_assert_msg(cpu >= 95 && cpu <= 105,
		    "busy loop at %.1f%% (rest of the host %.0f%% busy)", cpu,
		    host);
}
END_TEST

START_TEST(test_sample_cpu_half)
{
	double truth, host, cpu = measure_cpu("-p 50", 3, &truth, &host);

	ck_assert_msg(cpu >= truth - 5 && cpu <= truth + 5,
	    "sampled %.1f%%, the process had %.1f%%", cpu, truth);
	ck_assert_msg(cpu <= 60, "50%% duty at %.1f%%", cpu);
	if (host < 10)
		ck_assert_msg(cpu >= 40, "50%% duty at %.1f%% (rest of the "
		    "host %.0f%% busy)", cpu, host);
}
END_TEST

START_TEST(test_sample_rss_slope)
{
	struct procsample_result r;
	struct procspawn *ps;
	struct procsample *s;
	struct leak_line l;
	double t[80], rss[80];
	char *cause = NULL;
	int i;

	ps = spawn(LT_FIXTURES "/alloc-rate -r 2 -d 15");
	s = proc_sample_new(proc_spawn_pid(ps), false, &cause);
	sleep_s(0.3);
	for (i = 0; i < 60; i++) {
		proc_sample_take(s, &r);
		ck_assert(r.alive);
		t[i] = r.t_us / 1e6;
		rss[i] = (double)r.rss;
		sleep_s(0.1);
	}
	leak_line_fit(t, rss, 60, &l);
	ck_assert_msg(l.slope > 0.9 * 2 * MB && l.slope < 1.1 * 2 * MB,
	    "RSS grows %.3f MB/s, want 2", l.slope / MB);
	ck_assert(l.r2 > 0.95);
	ck_assert(r.vsz > r.rss);
	proc_sample_free(s);
	proc_spawn_free(ps);
}
END_TEST

START_TEST(test_sample_tree)
{
	struct procsample_result r;
	struct procspawn *ps;
	struct procsample *s, *single;
	char *cause = NULL;
	pid_t died = 0, born = 0;
	int i, nprocs_before;

	ps = spawn(LT_FIXTURES "/forker -n 3 -k 1 -r -d 20");
	sleep_s(0.3);
	s = proc_sample_new(proc_spawn_pid(ps), true, &cause);
	single = proc_sample_new(proc_spawn_pid(ps), false, &cause);
	proc_sample_take(s, &r);
	ck_assert_int_eq(r.nprocs, 4);
	nprocs_before = r.nprocs;
	proc_sample_take(single, &r);
	ck_assert_int_eq(r.nprocs, 1);
	for (i = 0; i < 30 && (died == 0 || born == 0); i++) {
		sleep_s(0.1);
		proc_sample_take(s, &r);
		if (r.ndied > 0)
			died = r.died[0].pid;
		if (r.nborn > 0)
			born = r.born[0].pid;
	}
	ck_assert_msg(died > 0, "the killed worker was not seen going");
	ck_assert_msg(born > 0 && born != died, "no replacement seen");
	ck_assert_int_eq(r.nprocs, nprocs_before);
	proc_sample_free(single);
	proc_sample_free(s);
	proc_spawn_free(ps);
}
END_TEST

START_TEST(test_sample_exit)
{
	struct procsample_result r;
	struct procspawn *ps;
	struct procsample *s;
	char *cause = NULL;
	int st, i;

	ps = spawn(LT_FIXTURES "/forker -n 0 -d 0.3 -x 4");
	s = proc_sample_new(proc_spawn_pid(ps), false, &cause);
	proc_sample_take(s, &r);
	ck_assert(r.alive);
	for (i = 0; i < 100 && r.alive; i++) {
		sleep_s(0.05);
		proc_sample_take(s, &r);
	}
	/* Not reaped yet: a zombie counts as gone. */
	ck_assert(!r.alive);
	ck_assert(proc_spawn_poll(ps, &st) && WEXITSTATUS(st) == 4);
	proc_sample_take(s, &r);
	ck_assert(!r.alive && !r.proc_error);
	proc_sample_free(s);
	proc_spawn_free(ps);
}
END_TEST

/* The samples between full reads: the same memory as statm says, the
 * threads and files of the last full read, and none once it exits. */
START_TEST(test_sample_quick)
{
	struct procsample_result r, first;
	struct procspawn *ps;
	struct procsample *s;
	struct proc_read pr;
	int64_t rss, vsz, cpu;
	char *cause = NULL;
	int i, st;

	ps = spawn(LT_FIXTURES "/forker -n 0 -d 0.8 -x 0");
	s = proc_sample_new(proc_spawn_pid(ps), false, &cause);
	ck_assert(proc_read_open(&pr, proc_spawn_pid(ps)));
	proc_sample_take(s, &first);
	ck_assert(first.alive && first.threads >= 1 && first.fds >= 3);
	for (i = 0; i < 5; i++) {
		sleep_s(0.05);
		proc_sample_take(s, &r);
		ck_assert(proc_read_quick(&pr, &rss, &vsz, &cpu));
		ck_assert(r.alive);
		ck_assert_int_eq(r.threads, first.threads);
		ck_assert_int_eq(r.fds, first.fds);
		ck_assert_int_eq(r.nprocs, 1);
		ck_assert_int_eq(r.rss, rss);
		ck_assert_int_eq(r.vsz, vsz);
	}
	for (i = 0; i < 100 && r.alive; i++) {
		sleep_s(0.05);
		proc_sample_take(s, &r);
	}
	ck_assert(!r.alive);
	ck_assert(proc_spawn_poll(ps, &st));
	ck_assert(!proc_read_quick(&pr, &rss, &vsz, &cpu));
	proc_read_close(&pr);
	proc_sample_free(s);
	proc_spawn_free(ps);
}
END_TEST

static Suite *
monitor_proc_suite(void)
{
	Suite *s = suite_create("monitor-proc");
	TCase *tc = tcase_create("monitor-proc");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_find_missing_pid);
	tcase_add_test(tc, test_sample_quick);
	tcase_add_test(tc, test_find_pid_file);
	tcase_add_test(tc, test_find_name);
	tcase_add_test(tc, test_spawn_exit_status);
	tcase_add_test(tc, test_spawn_ready_and_stop);
	tcase_add_test(tc, test_spawn_shell_and_grace);
	tcase_add_test(tc, test_sample_cpu_busy);
	tcase_add_test(tc, test_sample_cpu_half);
	tcase_add_test(tc, test_sample_rss_slope);
	tcase_add_test(tc, test_sample_tree);
	tcase_add_test(tc, test_sample_exit);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(monitor_proc_suite)
