#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "check-tap.h"
#include "report-fixture.h"
#include "engine-int.h"
#include "hdr.h"
#include "report.h"
#include "scenario.h"
#include "snapshot.h"
#include "util.h"

static const char yaml[] =
	"name: rep|ort <&>\n"
	"target: {base_url: 'http://127.0.0.1:1'}\n"
	"requests:\n"
	"  - {name: fast, path: /ok}\n"
	"phases:\n"
	"  - {name: steady, kind: sustained, rate: 100, duration: 3s}\n"
	"  - {name: probe, kind: rate_limit, requests: 20, expect_allowed: 10,"
	" expect_limited: 10}\n"
	"thresholds:\n"
	"  - p95 < 50ms\n"
	"  - fast.errors == 0\n"
	"  - cpu_max < 50%\n";

static void
setup(void)
{
	tmp_dir_make("report");
}

static void
teardown(void)
{
	tmp_dir_remove();
}

static struct scenario *
load(void)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;

	if (scenario_load_buffer("r.yaml", yaml, strlen(yaml), &scn,
	    &errs) != 0) {
		scenario_errors_print(stderr, &errs);
		ck_abort_msg("scenario refused");
	}
	return scn;
}

/* 300 requests over 3 intervals, 2 of them 500s; a probe with 10 429s. */
static struct snapshot *
snap(const struct scenario *scn)
{
	struct snapshot *s = xcalloc(1, sizeof *s);
	struct snap_block *b = &s->total;
	size_t i;

	s->refs = 1;
	s->scn = scn;
	s->state = ENGINE_DONE;
	s->end_reason = END_SIGNAL;
	s->elapsed = 3.2;
	s->wall_start_us = 1700000000LL * 1000000;
	s->wall_us = s->wall_start_us + 3200000;
	s->threads = 2;
	s->histogram = hdr_new(LT_HDR_LOWEST, LT_HDR_HIGHEST, LT_HDR_SIGFIGS);
	for (i = 0; i < 320; i++)
		hdr_record(s->histogram, (int64_t)(1000 + 100 * i));
	engine_lat_fill(&b->latency, s->histogram);
	b->service = b->latency;
	b->n.classes[CLS_OK] = 308;
	b->n.classes[CLS_SERVER_ERROR] = 2;
	b->n.classes[CLS_RATE_LIMITED] = 10;
	b->n.completed = b->n.started = b->n.responses = 320;
	b->n.errors = 2;
	b->seconds = 3.2;
	b->rps = 100;
	s->nstatus = 3;
	s->status = xcalloc(3, sizeof *s->status);
	s->status[0] = (struct snap_status){ 200, 308 };
	s->status[1] = (struct snap_status){ 429, 10 };
	s->status[2] = (struct snap_status){ 500, 2 };
	s->nrequests = 1;
	s->requests = xcalloc(1, sizeof *s->requests);
	s->requests[0].name = scn->requests[0].name;
	s->requests[0].total = *b;
	s->nphases = 2;
	s->phases = xcalloc(2, sizeof *s->phases);
	s->phases[0] = (struct snap_phase){ .name = scn->phases[0].name,
	    .kind = SCN_SUSTAINED, .state = PHASE_DONE, .started = 0,
	    .ended = 3, .block = *b };
	s->phases[1] = (struct snap_phase){ .name = scn->phases[1].name,
	    .kind = SCN_RATE_LIMIT, .state = PHASE_DONE, .started = 3,
	    .ended = 3.2 };
	s->phases[1].rl = (struct snap_rate_limit){ .allowed = 10,
	    .limited = 10, .first_limited_at = 11, .retry_after_count = 10,
	    .retry_after_min = 1, .retry_after_max = 1, .expect_allowed = 10,
	    .expect_limited = 10, .checked = true, .passed = true };
	s->nseries = 3;
	s->series = xcalloc(3, sizeof *s->series);
	for (i = 0; i < 3; i++) {
		struct snap_point *p = &s->series[i];

		p->t = (double)(i + 1);
		p->phase = 0;
		p->rps = 100;
		p->requests = 100;
		p->classes[CLS_OK] = 100 - i;
		p->classes[CLS_SERVER_ERROR] = i;
		p->errors = i;
		p->p50 = 5;
		p->p95 = 20;
		p->p99 = 30;
		p->max = 33;
		p->cpu = p->rss_mb = -1;
	}
	return s;
}

static json_t *
load_json(const char *dir)
{
	char *path;
	json_error_t err;
	json_t *j;

	xasprintf(&path, "%s/report.json", dir);
	j = json_load_file(path, 0, &err);
	ck_assert_msg(j != NULL, "%s: %s", path, err.text);
	free(path);
	return j;
}

/* The integer at a dotted path. */
static json_int_t
jint(json_t *j, const char *path)
{
	char *copy = xstrdup(path), *part, *save = NULL;

	for (part = strtok_r(copy, ".", &save); part != NULL;
	    part = strtok_r(NULL, ".", &save))
		j = json_object_get(j, part);
	ck_assert_msg(json_is_integer(j), "no integer at %s", path);
	free(copy);
	return json_integer_value(j);
}

START_TEST(writes_every_file)
{
	struct scenario *scn = load();
	struct snapshot *s = snap(scn);
	struct report_opts o = { .quiet = true };
	char *dir, *cause = NULL, *path, *text, *enc = NULL;
	json_t *j, *th;
	double p95 = 0;
	const char *reason = NULL, *name = NULL;
	struct hdr *h;
	DIR *d;
	struct dirent *de;
	int lines = 0;

	xasprintf(&path, "%s/out", tmp);
	o.path = path;
	dir = report_write(s, &o, &cause);
	ck_assert_msg(dir != NULL, "%s", cause);
	ck_assert_str_eq(dir, path);

	j = load_json(dir);
	ck_assert_int_eq(json_unpack(j, "{s:{s:s}, s:s}", "scenario", "name",
	    &name, "end_reason", &reason), 0);
	ck_assert_str_eq(name, "rep|ort <&>");
	ck_assert_str_eq(reason, "signal");
	ck_assert_int_eq(jint(j, "totals.requests"), 320);
	ck_assert_int_eq(jint(j, "totals.status.500"), 2);
	ck_assert_int_eq(json_unpack(j, "{s:{s:{s:F}}}", "totals",
	    "latency_ms", "p95", &p95), 0);
	ck_assert_double_eq_tol(p95, s->total.latency.p95, 1e-9);
	ck_assert_int_eq(jint(j, "totals.classes.server_error"), 2);
	ck_assert_int_eq(jint(j, "totals.classes.rate_limited"), 10);
	ck_assert_int_eq(json_array_size(json_object_get(j, "timeseries")), 3);
	ck_assert_int_eq(json_array_size(json_object_get(j, "phases")), 2);
	ck_assert_int_eq(jint(json_array_get(json_object_get(j, "phases"), 1),
	    "first_limited_at"), 11);
	th = json_object_get(j, "thresholds");
	ck_assert_int_eq(json_array_size(th), 3);
	ck_assert(json_is_true(json_object_get(json_array_get(th, 0),
	    "passed")));
	ck_assert(json_is_false(json_object_get(json_array_get(th, 1),
	    "passed")));
	ck_assert(json_is_null(json_object_get(json_array_get(th, 2),
	    "actual")));
	ck_assert(json_is_false(json_object_get(j, "passed")));
	ck_assert(json_is_null(json_object_get(j, "target")));
	ck_assert_int_eq(json_unpack(j, "{s:{s:s}}", "histogram", "hdr",
	    &enc), 0);
	h = hdr_decode(enc, &cause);
	ck_assert_msg(h != NULL, "%s", cause);
	ck_assert_uint_eq(hdr_count(h), 320);
	ck_assert_int_eq(hdr_percentile(h, 95),
	    hdr_percentile(s->histogram, 95));
	hdr_free(h);
	json_decref(j);

	text = slurp(dir, "timeseries.csv");
	for (char *p = text; *p != '\0'; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 1 + 3);
	ck_assert_ptr_nonnull(strstr(text, "\n2.000,\"steady\",100,1,0,99,"));
	free(text);

	text = slurp(dir, "report.md");
	ck_assert_ptr_nonnull(strstr(text, "| p95 | "));
	ck_assert_ptr_nonnull(strstr(text, "| < 50ms | ✅ PASS"));
	ck_assert_ptr_nonnull(strstr(text, "| fast errors | 2 | == 0 | ❌ FAIL"));
	ck_assert_ptr_nonnull(strstr(text, "no target process"));
	/* The first refused, 1-based, as the summary says it. */
	ck_assert_ptr_nonnull(strstr(text, "| Limit engaged |  | at request 11 |"));
	/* A '|' in a name must not split a table cell. */
	ck_assert_ptr_nonnull(strstr(text, "| Scenario | rep\\|ort <&> |"));
	free(text);

	text = slurp(dir, "report.html");
	ck_assert_ptr_nonnull(strstr(text, "<!DOCTYPE html>"));
	ck_assert_ptr_nonnull(strstr(text, "rep|ort &lt;&amp;&gt;"));
	ck_assert_ptr_null(strstr(text, "<&>"));
	ck_assert_ptr_nonnull(strstr(text, "<svg xmlns="));
	ck_assert_ptr_null(strstr(text, "http-equiv"));
	ck_assert_ptr_null(strstr(text, "<script"));
	free(text);

	/* Every temporary file was renamed into place. */
	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		ck_assert_msg(strncmp(de->d_name, ".report", 7) != 0 &&
		    strncmp(de->d_name, ".time", 5) != 0, "left %s",
		    de->d_name);
	closedir(d);

	free(dir);
	free(path);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* Writing again into --report's directory replaces the files. */
START_TEST(rewrites_in_place)
{
	struct scenario *scn = load();
	struct snapshot *s = snap(scn);
	struct report_opts o = { .quiet = true };
	char *dir, *cause = NULL, *path;
	json_t *j;

	xasprintf(&path, "%s/again", tmp);
	o.path = path;
	free(report_write(s, &o, &cause));
	s->total.n.completed = 321;
	dir = report_write(s, &o, &cause);
	ck_assert_str_eq(dir, path);
	j = load_json(dir);
	ck_assert_int_eq(jint(j, "totals.requests"), 321);
	json_decref(j);
	free(dir);
	free(path);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* The alerts are the snapshot's, as the engine raised them; how the run
 * ended is a note beside them. */
START_TEST(lists_the_snapshots_alerts)
{
	struct scenario *scn = load();
	struct snapshot *s = snap(scn);
	struct report_opts o = { .quiet = true };
	char *dir, *cause = NULL, *path, *text;
	const char *kind, *level, *msg;
	double t0, t1;
	json_t *j, *al, *t_end;

	s->end_reason = END_THRESHOLD_ABORT;
	s->nalerts = 2;
	s->alerts = xcalloc(2, sizeof *s->alerts);
	s->alerts[0] = (struct alert){ .kind = ALERT_P95,
	    .level = ALERT_WARNING, .t_start = 1.0, .t_end = 2.5,
	    .msg = "p95 612ms in an interval (over 500ms)" };
	s->alerts[1] = (struct alert){ .kind = ALERT_ERROR_RATE,
	    .level = ALERT_CRITICAL, .t_start = 3.0, .t_end = -1,
	    .msg = "error rate 40% (4 of 10 requests in an interval; over 5%)",
	    .rated = true, .worst = 40, .worst_t = 3.0 };
	s->alerts_dropped = 7;
	xasprintf(&path, "%s/alerts", tmp);
	o.path = path;
	o.abort_why = "threshold 'errors < 3' failed";
	dir = report_write(s, &o, &cause);
	ck_assert_msg(dir != NULL, "%s", cause);

	j = load_json(dir);
	al = json_object_get(j, "alerts");
	ck_assert_int_eq(json_array_size(al), 2);
	ck_assert_int_eq(json_unpack(json_array_get(al, 0),
	    "{s:s,s:s,s:F,s:F,s:s}", "kind", &kind, "level", &level,
	    "t_start", &t0, "t_end", &t1, "message", &msg), 0);
	ck_assert_str_eq(kind, "p95");
	ck_assert_str_eq(level, "warning");
	ck_assert_double_eq(t0, 1.0);
	ck_assert_double_eq(t1, 2.5);
	ck_assert_str_eq(msg, "p95 612ms in an interval (over 500ms)");
	ck_assert_int_eq(json_unpack(json_array_get(al, 1), "{s:s,s:s,s:o}",
	    "kind", &kind, "level", &level, "t_end", &t_end), 0);
	ck_assert_str_eq(kind, "error_rate");
	ck_assert_str_eq(level, "critical");
	ck_assert(json_is_null(t_end));
	/* A rated record has its worst reading; an unrated one has none. */
	ck_assert_int_eq(json_unpack(json_array_get(al, 1), "{s:F,s:F,s:s}",
	    "worst", &t0, "worst_t", &t1, "unit", &msg), 0);
	ck_assert_double_eq(t0, 40);
	ck_assert_double_eq(t1, 3.0);
	ck_assert_str_eq(msg, "%");
	ck_assert(json_is_null(json_object_get(json_array_get(al, 0),
	    "worst")));
	ck_assert_int_eq(jint(j, "alerts_dropped"), 7);
	ck_assert_int_eq(json_unpack(json_array_get(json_object_get(j,
	    "notes"), 0), "{s:s,s:s}", "kind", &kind, "message", &msg), 0);
	ck_assert_str_eq(kind, "threshold_abort");
	ck_assert_ptr_nonnull(strstr(msg, "errors < 3"));
	json_decref(j);

	text = slurp(dir, "report.md");
	ck_assert_ptr_nonnull(strstr(text, "warning from 1.0s to 2.5s: p95 "
	    "612ms"));
	ck_assert_ptr_nonnull(strstr(text, "critical from 3.0s, still active "
	    "at the end, worst at 3.0s: error rate 40%"));
	ck_assert_ptr_nonnull(strstr(text, "Note at 3.2s: the run was stopped "
	    "early"));
	ck_assert_ptr_nonnull(strstr(text, "7 more alerts were not kept"));
	free(text);
	free(dir);
	free(path);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(falls_back_to_tmpdir)
{
	struct scenario *scn = load();
	struct snapshot *s = snap(scn);
	struct report_opts o = { .quiet = true };
	char *dir, *cause = NULL, *path, *file, *text;
	FILE *f;

	/* A directory below a regular file can never be made. */
	xasprintf(&file, "%s/plain", tmp);
	f = fopen(file, "w");
	fclose(f);
	xasprintf(&path, "%s/sub", file);
	o.path = path;
	dir = report_write(s, &o, &cause);
	ck_assert_msg(dir != NULL, "%s", cause);
	ck_assert_msg(strncmp(dir, tmp, strlen(tmp)) == 0 &&
	    strstr(dir, "/sub") != NULL, "wrote %s", dir);
	text = slurp(dir, "report.json");
	free(text);
	free(dir);
	free(path);
	free(file);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(copies_target_log_and_stamps_names)
{
	struct scenario *scn = load();
	struct snapshot *s = snap(scn);
	struct report_opts o = { .quiet = true };
	char *log, *dir, *dir2, *cause = NULL, *text, cwd[4096];
	FILE *f;

	xasprintf(&log, "%s/service.log", tmp);
	f = fopen(log, "w");
	fputs("listening on 1234\nbye\n", f);
	fclose(f);
	o.target_log = log;
	o.target_command = "service --port 1234";
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(chdir(tmp), 0);
	dir = report_write(s, &o, &cause);
	ck_assert_msg(dir != NULL, "%s", cause);
	/* loadtop-<scenario>-YYYYmmdd-HHMMSS, the name made file-safe. */
	ck_assert_msg(strncmp(dir, "loadtop-rep_ort____-", 20) == 0 &&
	    strlen(dir) == 20 + 15, "named %s", dir);
	text = slurp(dir, "target.log");
	ck_assert_str_eq(text, "listening on 1234\nbye\n");
	free(text);
	text = slurp(dir, "report.md");
	ck_assert_ptr_nonnull(strstr(text, "target.log"));
	free(text);
	/* The dashboard's report at the same second gets its own name. */
	dir2 = report_now(&o, s, &cause);
	ck_assert_ptr_nonnull(dir2);
	ck_assert_str_ne(dir, dir2);
	ck_assert_int_eq(strncmp(dir, dir2, strlen(dir)), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	free(dir);
	free(dir2);
	free(log);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, writes_every_file);
	tcase_add_test(tc, rewrites_in_place);
	tcase_add_test(tc, lists_the_snapshots_alerts);
	tcase_add_test(tc, falls_back_to_tmpdir);
	tcase_add_test(tc, copies_target_log_and_stamps_names);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(report_suite)
