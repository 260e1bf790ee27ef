/* Every report reader per watched process: two processes, one exiting
 * mid-run, through report_write, the headless summary and the progress
 * lines; with load, and in a session without (watch_only). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check-tap.h"
#include "report-fixture.h"
#include "headless.h"
#include "report.h"
#include "scenario.h"
#include "snapshot.h"
#include "util.h"

#define MONO0 5000000000LL	/* the run's start, CLOCK_MONOTONIC us */
#define MB (1024 * 1024)

static const char load_yaml[] =
	"name: duo\n"
	"target:\n"
	"  base_url: 'http://127.0.0.1:1'\n"
	"  processes: [{name: api, pid: 101}, {name: db, pid: 102}]\n"
	"requests:\n"
	"  - {name: ok, path: /ok}\n"
	"phases:\n"
	"  - {name: steady, kind: sustained, rate: 10, duration: 2s}\n"
	"  - {name: rest, kind: idle, duration: 1s}\n";

static const char watch_yaml[] =
	"name: hc\n"
	"target:\n"
	"  processes: [{name: api, pid: 101}, {name: db, pid: 102}]\n"
	"phases:\n"
	"  - {name: watch, kind: idle, duration: 3s}\n";

static void
setup(void)
{
	tmp_dir_make("procs");
}

static void
teardown(void)
{
	tmp_dir_remove();
}

static struct scenario *
load(const char *yaml)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;

	if (scenario_load_buffer("p.yaml", yaml, strlen(yaml), &scn,
	    &errs) != 0) {
		scenario_errors_print(stderr, &errs);
		ck_abort_msg("scenario refused");
	}
	return scn;
}

static struct mseries_point
point(double t, double cpu, int64_t rss)
{
	int64_t us = MONO0 + (int64_t)(t * 1e6);

	return (struct mseries_point){ .t_us = us, .t_first_us = us,
	    .t_last_us = us, .nsamples = 1, .cpu = cpu, .cpu_max = cpu,
	    .rss = rss, .rss_min = rss, .rss_max = rss, .threads = 4,
	    .fds = 8 };
}

/* api: a sample every 0.5s from 0.5s, CPU 20% then 40%...; RSS 10MB,
 * 11MB...  db: from 1.5s to 2.5s, 5% and 20MB, killed at 2.6s. */
static void
processes(struct snapshot *s)
{
	struct snap_process *p;
	size_t k;

	s->nprocesses = 2;
	s->processes = p = xcalloc(2, sizeof *p);
	p[0].name = "api";
	p[0].nseries = 6;
	p[0].series = xcalloc(6, sizeof *p[0].series);
	for (k = 0; k < 6; k++)
		p[0].series[k] = point(0.5 * (double)(k + 1),
		    10.0 * (double)(k + 1), (int64_t)(10 + k) * MB);
	p[0].view = (struct monitor_view){ .pid = 101, .alive = true,
	    .have_sample = true, .stats = { .nsamples = 6, .cpu_avg = 35,
	    .cpu_max = 60, .cpu_p95 = 60, .cpu_seconds = 3, .cpu_windows = 3,
	    .rss_start = 10 * MB, .rss_end = 15 * MB, .rss_max = 15 * MB,
	    .growth = 5 * MB, .threads_max = 4, .fds_max = 8 } };
	p[1].name = "db";
	p[1].nseries = 3;
	p[1].series = xcalloc(3, sizeof *p[1].series);
	for (k = 0; k < 3; k++)
		p[1].series[k] = point(1.5 + 0.5 * (double)k, 5, 20 * MB);
	p[1].view = (struct monitor_view){ .pid = 102, .alive = false,
	    .have_sample = true, .stats = { .nsamples = 3, .cpu_avg = 5,
	    .cpu_max = 5, .cpu_p95 = 5, .cpu_seconds = 1, .cpu_windows = 1,
	    .rss_start = 20 * MB, .rss_end = 20 * MB, .rss_max = 21 * MB,
	    .threads_max = 4, .fds_max = 8 } };
	p[1].view.nevents = 1;
	p[1].view.events = xcalloc(1, sizeof *p[1].view.events);
	p[1].view.events[0] = (struct monitor_event){ .t_us = MONO0 + 2600000,
	    .kind = MON_EV_EXIT, .pid = 102, .status = 9,
	    .msg = "target 102 killed by signal 9" };
	s->has_target = true;
	s->target = p[0].view;
	s->target_series = p[0].series;
	s->ntarget_series = p[0].nseries;
}

static void
alerts(struct snapshot *s)
{
	s->nalerts = 3;
	s->alerts = xcalloc(3, sizeof *s->alerts);
	s->alerts[0] = (struct alert){ .kind = ALERT_TARGET_CPU,
	    .level = ALERT_WARNING, .t_start = 2, .t_end = -1,
	    .msg = "api: target CPU 60% for 1s (over 50%)", .proc = 1 };
	s->alerts[1] = (struct alert){ .kind = ALERT_TARGET_EXITED,
	    .level = ALERT_CRITICAL, .t_start = 2.6, .t_end = 2.6,
	    .msg = "db: target 102 killed by signal 9", .proc = 2 };
	s->alerts[2] = (struct alert){ .kind = ALERT_P95,
	    .level = ALERT_WARNING, .t_start = 1, .t_end = 2,
	    .msg = "p95 600ms in an interval (over 500ms)" };
}

static struct snapshot *
snap(const struct scenario *scn, bool watch_only)
{
	struct snapshot *s = xcalloc(1, sizeof *s);
	size_t i;

	s->refs = 1;
	s->scn = scn;
	s->watch_only = watch_only;
	s->state = ENGINE_DONE;
	s->end_reason = END_TARGET_EXITED;
	s->elapsed = 3.0;
	s->wall_start_us = 1700000000LL * 1000000;
	s->wall_us = s->wall_start_us + 3000000;
	s->mono_start_us = MONO0;
	s->threads = 1;
	s->nphases = scn->nphases;
	s->phases = xcalloc(s->nphases, sizeof *s->phases);
	for (i = 0; i < s->nphases; i++)
		s->phases[i] = (struct snap_phase){ .name =
		    scn->phases[i].name, .kind = scn->phases[i].kind,
		    .state = PHASE_DONE, .started = (double)i, .ended = 3 };
	s->nrequests = scn->nrequests;
	s->requests = xcalloc(s->nrequests + 1, sizeof *s->requests);
	for (i = 0; i < s->nrequests; i++)
		s->requests[i].name = scn->requests[i].name;
	s->nseries = 3;
	s->series = xcalloc(3, sizeof *s->series);
	for (i = 0; i < 3; i++)
		s->series[i] = (struct snap_point){ .t = (double)(i + 1),
		    .seconds = 1, .phase = LT_MIN(i, s->nphases - 1),
		    .users = -1, .cpu = -1, .rss_mb = -1 };
	processes(s);
	alerts(s);
	return s;
}

#define HAS(text, needle) ck_assert_msg(strstr(text, needle) != NULL, \
	"no '%s' in:\n%s", needle, text)
#define HASNT(text, needle) ck_assert_msg(strstr(text, needle) == NULL, \
	"'%s' in:\n%s", needle, text)

/* What a stream would have printed, as a string. */
static char *
printed(void (*fn)(FILE *, const struct snapshot *), const struct snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fn(f, s);
	fclose(f);
	return buf;
}

static void
progress(FILE *f, const struct snapshot *s)
{
	struct headless_seen seen = { 0 };

	headless_progress(f, s, &seen);
}

START_TEST(json_has_every_process)
{
	struct scenario *scn = load(load_yaml);
	struct snapshot *s = snap(scn, false);
	char *dir = write_report(s, "json");
	char *path;
	json_error_t err;
	json_t *j, *procs, *db;
	const char *name;
	int pid, may_exit, alive;

	xasprintf(&path, "%s/report.json", dir);
	j = json_load_file(path, 0, &err);
	ck_assert_msg(j != NULL, "%s", err.text);
	ck_assert(json_is_false(json_object_get(j, "watch_only")));
	procs = json_object_get(j, "processes");
	ck_assert_int_eq(json_array_size(procs), 2);
	ck_assert_int_eq(json_unpack(json_array_get(procs, 0), "{s:s,s:i}",
	    "name", &name, "pid", &pid), 0);
	ck_assert_str_eq(name, "api");
	ck_assert_int_eq(pid, 101);
	ck_assert_int_eq(json_array_size(json_object_get(json_array_get(procs,
	    0), "timeseries")), 6);
	db = json_array_get(procs, 1);
	ck_assert_int_eq(json_unpack(db, "{s:s,s:i,s:b,s:b}", "name", &name,
	    "pid", &pid, "may_exit", &may_exit, "alive", &alive), 0);
	ck_assert_str_eq(name, "db");
	ck_assert_int_eq(pid, 102);
	ck_assert(!may_exit && !alive);
	ck_assert_int_eq(json_array_size(json_object_get(db, "timeseries")), 3);
	ck_assert_int_eq(json_array_size(json_object_get(db, "exits")), 1);
	/* target stays the first process, as it was. */
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j,
	    "target"), "pid")), 101);
	ck_assert_ptr_null(json_object_get(json_object_get(j, "target"),
	    "name"));
	json_decref(j);
	free(path);
	free(dir);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(csv_has_columns_per_process)
{
	struct scenario *scn = load(load_yaml);
	struct snapshot *s = snap(scn, false);
	char *dir = write_report(s, "csv");
	char *text = slurp(dir, "timeseries.csv");

	HAS(text, ",in_flight,checks_passed,checks_failed,check_failed,"
	    "capture_missing,streams_open,streams_connecting,streams_dropped,"
	    "messages_in,messages_out,events,api_cpu,api_rss_mb,db_cpu,"
	    "db_rss_mb\n");
	/* db has no sample before 1.5s: empty; then its last one. */
	HAS(text, ",0,20.0,11.00,,\n2.000,");
	HAS(text, ",0,40.0,13.00,5.0,20.00\n3.000,");
	HAS(text, ",0,60.0,15.00,5.0,20.00\n");
	free(text);
	free(dir);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(document_has_a_section_per_process)
{
	struct scenario *scn = load(load_yaml);
	struct snapshot *s = snap(scn, false);
	char *dir = write_report(s, "md");
	char *text = slurp(dir, "report.md");

	HAS(text, "# Load test results: duo\n");
	HAS(text, "## Target resources: api\n");
	HAS(text, "## Target resources: db\n");
	HAS(text, "| Exit | at 2.6s: target 102 killed by signal 9 |");
	HAS(text, "- Process db exited at 2.6s: target 102 killed by signal 9");
	HAS(text, "| Process 'api' | pid 101 |");
	HAS(text, "| Process 'db' | pid 102 |");
	HAS(text, "| 2 | rest | idle | none | 1s | done |");
	HAS(text, "## Latency");
	free(text);
	text = slurp(dir, "report.html");
	HAS(text, "<title>api CPU, each second</title>");
	HAS(text, "<title>db memory (RSS)</title>");
	HAS(text, "<title>Throughput</title>");
	free(text);
	free(dir);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(watch_only_is_a_health_report)
{
	struct scenario *scn = load(watch_yaml);
	struct snapshot *s = snap(scn, true);
	char *dir = write_report(s, "health");
	char *text = slurp(dir, "report.md");

	ck_assert_msg(strncmp(text, "# Server health: hc\n", 20) == 0, "%s",
	    text);
	HAS(text, "## Server health\n");
	HAS(text, "| Process | CPU max | CPU avg | RSS max | Growth | "
	    "Leak verdict | Alerts | Exit |");
	HAS(text, "| api (pid 101) | 60.0% | 35.0% | 15.0MB | +5.0MB | "
	    "inconclusive | 1 | running |");
	HAS(text, "| db (pid 102) | 5.0% | 5.0% | 21.0MB | +0.0MB | "
	    "inconclusive | 1 | at 2.6s: target 102 killed by signal 9 |");
	HAS(text, "## Target resources: db\n");
	HAS(text, "## Alerts");
	HASNT(text, "## Latency");
	HASNT(text, "## Throughput");
	HASNT(text, "## Phases");
	HASNT(text, "## Requests");
	HASNT(text, "rate-limit expectations met");
	free(text);
	text = slurp(dir, "report.html");
	HAS(text, "<title>Server health: hc</title>");
	HAS(text, "<title>api CPU, each second</title>");
	HASNT(text, "<title>Throughput</title>");
	free(text);
	text = slurp(dir, "report.json");
	HAS(text, "\"watch_only\": true");
	free(text);
	free(dir);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(summary_shows_each_process)
{
	struct scenario *scn = load(load_yaml);
	struct snapshot *s = snap(scn, false);
	char *text = printed(headless_summary, s);

	HAS(text, "  requests   0 sent");
	HAS(text, "\n  target     api: pid 101\n");
	HAS(text, "\n  target     db: pid 102, exited\n"
	    "  exited     at 2.6s: target 102 killed by signal 9\n");
	free(text);
	snapshot_release(s);
	s = snap(scn, false);
	s->watch_only = true;
	text = printed(headless_summary, s);
	HAS(text, "after 3.0s, watching 2 processes\n");
	HASNT(text, "  requests   ");
	HASNT(text, "  latency    ");
	HAS(text, "  api          101    35.0%    60.0%    15.0MB    +5.0MB "
	    "inconclusive      1 -         running\n");
	HAS(text, "  db           102     5.0%     5.0%    21.0MB    +0.0MB "
	    "inconclusive      1 -         exited at 2.6s\n");
	HAS(text, "\n  target     db: pid 102, exited\n");
	free(text);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(progress_shows_each_process)
{
	struct scenario *scn = load(load_yaml);
	struct snapshot *s = snap(scn, false);
	char *text = printed(progress, s);

	HAS(text, "  api cpu 20% rss 11.0MB  db -\n");
	HAS(text, "  api cpu 40% rss 13.0MB  db cpu 5% rss 20.0MB\n");
	HAS(text, "  api cpu 60% rss 15.0MB  db exited\n");
	free(text);
	s->watch_only = true;
	text = printed(progress, s);
	HAS(text, "[    1.0s] api        pid 101  cpu  20.0%  rss 11.0MB  "
	    "threads 4  fds 8\n");
	HAS(text, "[    1.0s] db         pid 102  no sample yet\n");
	HAS(text, "[    2.0s] db         pid 102  cpu   5.0%  rss 20.0MB");
	HAS(text, "[    3.0s] db         pid 102  exited at 2.6s: target 102 "
	    "killed by signal 9\n");
	free(text);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

static Suite *
procs_suite(void)
{
	Suite *s = suite_create("report-procs");
	TCase *tc = tcase_create("report-procs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, json_has_every_process);
	tcase_add_test(tc, csv_has_columns_per_process);
	tcase_add_test(tc, document_has_a_section_per_process);
	tcase_add_test(tc, watch_only_is_a_health_report);
	tcase_add_test(tc, summary_shows_each_process);
	tcase_add_test(tc, progress_shows_each_process);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(procs_suite)
