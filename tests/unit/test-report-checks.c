/* What responses said, in every reader: the summary, report.md,
 * report.json, timeseries.csv and report.html, from a snapshot made
 * here with checks, outcomes, statuses per request, the failures list,
 * flows and groups. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check-tap.h"
#include "checks-fixture.h"
#include "report-fixture.h"
#include "headless.h"
#include "report.h"
#include "scenario.h"
#include "snapshot.h"
#include "util.h"

static void
setup(void)
{
	tmp_dir_make("report-checks");
}

static void
teardown(void)
{
	tmp_dir_remove();
}

#define HAS(text, want) \
	ck_assert_msg(strstr(text, want) != NULL, "no '%s' in:\n%s", want, text)
#define HASNT(text, want) \
	ck_assert_msg(strstr(text, want) == NULL, "'%s' in:\n%s", want, text)

/* Each of wants is in text, in that order. */
static void
in_order(const char *text, const char *const *wants, size_t n)
{
	const char *at = text, *p;
	size_t i;

	for (i = 0; i < n; i++) {
		p = strstr(at, wants[i]);
		ck_assert_msg(p != NULL, "no '%s' after '%.40s' in:\n%s",
		    wants[i], at, text);
		at = p + strlen(wants[i]);
	}
}

START_TEST(summary_sections)
{
	static const char *const order[] = {
	    "\n  statuses   signal: 200 x 7,790, 429 x 200\n"
	    "             login:  200 x 1,000\n"
	    "             me:     200 x 990\n",
	    "\n  group    requests     req/s    err%       p95\n"
	    "  gateway     8,990     899.0   1.00%    12.0ms\n"
	    "  backend     1,000     100.0   1.00%    12.0ms\n",
	    "\n  flow      started completed    failed       p50       p95"
	    "       p99\n"
	    "  session     1,000       985        10    9.00ms    25.0ms"
	    "    40.0ms\n",
	    "\n  checks     99.46% passed: 16,490 of 16,580, 90 failed\n"
	    "  request check                  passed      failed    pass%\n"
	    "  signal  status is dry_run       7,700          90   98.84%\n"
	    "  signal  json /id exists         7,790           0  100.00%\n"
	    "  login   token present           1,000           0  100.00%\n",
	    "\n  outcome    signal: 8,016 responses\n"
	    "    dry_run                 7,000   87.3%\n"
	    "    invalid_signature         500    6.2%\n",
	    "    v20                         1    0.0%\n"
	    "    other                      10    0.1%\n",
	    "\n  failures       count  request class            reason\n"
	    "                    90  signal  check_failed     HTTP 200, check "
	    "'status is dry_run'\n"
	    "                        {\"status\":\"bad|x`y\",\"n\":\"a\\nb\"}"
	    "...\n"
	    "                    10  me      connect_error    curl 7: Couldn't "
	    "connect to server\n",
	};
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *text = summary(s);

	in_order(text, order, LT_NELEM(order));
	/* The top 20 values, and the rest folded into "other". */
	HASNT(text, "v21");
	free(text);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* A run with none of them: no empty sections. */
START_TEST(summary_leaves_out_what_it_lacks)
{
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *text;
	size_t i;

	for (i = 0; i < s->nrequests; i++)
		s->requests[i].has_outcome = false;
	s->nrequests = 1;
	s->nchecks = s->nreasons = s->nflows = s->ngroups = 0;
	s->checks_passed = s->checks_failed = 0;
	text = summary(s);
	s->nrequests = 3;
	HAS(text, "\n  request ");
	HASNT(text, "statuses");
	HASNT(text, "\n  group ");
	HASNT(text, "\n  flow ");
	HASNT(text, "\n  checks ");
	HASNT(text, "\n  outcome ");
	HASNT(text, "\n  failures ");
	free(text);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(markdown_tables)
{
	static const char *const order[] = {
	    "- Checks: 99.46% passed (16490 of 16580 evaluations; 90 failed)\n",
	    "| checks | 99.46% | > 99% | ✅ PASS |\n"
	    "| signal outcome:rate_limited | 200 | == 200 | ✅ PASS |\n"
	    "| group:gateway p95 | 12ms | < 50ms | ✅ PASS, 4.2x better |\n"
	    "| session iteration p95 | 25ms | < 20ms | ❌ FAIL, 1.2x over |\n"
	    "| class:rate_limited p95 | 900us | < 5ms | ✅ PASS, 5.6x better |",
	    "### Latency by class\n\n| Class | Count | p50 | p95 | p99 | Max |\n"
	    "|---|---|---|---|---|---|\n"
	    "| ok | 9690 | 3.00ms | 12.0ms | 30.0ms | 30.0ms |\n"
	    "| rate_limited | 200 | 400us | 900us | 1.50ms | 1.50ms |\n",
	    "## Checks\n\n| Check | Request | Passed | Failed | Pass rate |\n"
	    "|---|---|---|---|---|\n"
	    "| status is dry_run | signal | 7700 | 90 | 98.84% |\n"
	    "| json /id exists | signal | 7790 | 0 | 100.00% |\n"
	    "| token present | login | 1000 | 0 | 100.00% |\n"
	    "| All checks |  | 16490 | 90 | 99.46% |\n",
	    "## Outcomes\n\n### Outcomes: signal\n\n| Value | Count | Share |\n"
	    "|---|---|---|\n| dry_run | 7000 | 87.3% |\n",
	    "| v20 | 1 | 0.0% |\n| other | 10 | 0.1% |\n\n",
	    "## Failures\n\n| Count | Request | Reason | Sample |\n|---|---|---|---|\n"
	    "| 90 | signal | check_failed: HTTP 200, check 'status is dry_run' | "
	    "``{\"status\":\"bad\\|x`y\",\"n\":\"a\\nb\"}...`` |\n"
	    "| 10 | me | connect_error: curl 7: Couldn't connect to server |  |\n",
	    "## Requests\n",
	    "## Statuses\n\n| Request | Status | Count | Share |\n|---|---|---|---|\n"
	    "| signal | 200 | 7790 | 97.5% |\n|  | 429 | 200 | 2.5% |\n"
	    "| login | 200 | 1000 | 100.0% |\n",
	    "## Groups\n\n| Group | Members | Requests | req/s | p50 | p95 | p99 "
	    "| Errors | 429 |\n|---|---|---|---|---|---|---|---|---|\n"
	    "| gateway | signal, login | 8990 | 899.0 | 3.00ms | 12.0ms | "
	    "30.0ms | 1.00% | 200 |\n"
	    "| backend | me | 1000 | 100.0 | ",
	    "## Flows\n\n| Flow | Started | Completed | Failed | Error rate | "
	    "p50 | p95 | p99 |\n|---|---|---|---|---|---|---|---|\n"
	    "| session | 1000 | 985 | 10 | 1.01% | 9.00ms | 25.0ms | 40.0ms |\n",
	};
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *dir = write_report(s, "md"), *text = slurp(dir, "report.md");

	in_order(text, order, LT_NELEM(order));
	HASNT(text, "| v21 |");
	free(text);
	free(dir);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* A backtick run inside, and one at the start: a longer fence, padded. */
START_TEST(markdown_code_spans)
{
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	static const char body[] = "`a``b` | c";
	char *dir, *text;

	memcpy(s->reasons[0].sample, body, sizeof body);
	s->reasons[0].sample_len = sizeof body - 1;
	s->reasons[0].sample_cut = false;
	dir = write_report(s, "code");
	text = slurp(dir, "report.md");
	HAS(text, "'status is dry_run' | ``` `a``b` \\| c ``` |\n");
	free(text);
	text = slurp(dir, "report.html");
	HAS(text, "<td><code>`a``b` | c</code></td>");
	free(text);
	free(dir);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

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

static void
json_requests(json_t *j)
{
	json_t *rq = json_object_get(j, "requests"), *o;
	const char *group, *value;
	json_int_t code, n, passed, failed;
	double rate;

	ck_assert_int_eq(json_unpack(json_array_get(rq, 0), "{s:s,s:[{s:I,s:I},"
	    "{s:I,s:I}!],s:{s:I,s:I,s:F}}", "group", &group, "statuses",
	    "code", &code, "count", &n, "code", &code, "count", &n, "checks",
	    "passed", &passed, "failed", &failed, "rate", &rate), 0);
	ck_assert_str_eq(group, "gateway");
	ck_assert_int_eq(code, 429);
	ck_assert_int_eq(n, 200);
	ck_assert_int_eq(passed, 15490);
	ck_assert_int_eq(failed, 90);
	ck_assert_double_eq_tol(rate, 100.0 * 15490 / 15580, 1e-6);
	/* Every value kept, "other" (null) last. */
	o = json_object_get(json_array_get(rq, 0), "outcomes");
	ck_assert_uint_eq(json_array_size(o), 24);
	ck_assert_int_eq(json_unpack(json_array_get(o, 0), "{s:s,s:I}",
	    "value", &value, "count", &n), 0);
	ck_assert_str_eq(value, "dry_run");
	ck_assert_int_eq(n, 7000);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(o,
	    22), "value")), "v23");
	ck_assert(json_is_null(json_object_get(json_array_get(o, 23),
	    "value")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(o,
	    23), "count")), 7);
	ck_assert(json_is_null(json_object_get(json_array_get(rq, 1),
	    "outcomes")));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rq,
	    2), "group")), "backend");
}

static void
json_failures(json_t *j)
{
	json_t *f = json_object_get(j, "failures");
	const char *req, *cls, *check, *sample, *err;
	json_int_t status, count, curl;
	int cut;

	ck_assert_uint_eq(json_array_size(f), 2);
	ck_assert_int_eq(json_unpack(json_array_get(f, 0), "{s:s,s:s,s:I,s:s,"
	    "s:n,s:n,s:I,s:s,s:b}", "request", &req, "class", &cls, "status",
	    &status, "check", &check, "curl_code", "error", "count", &count,
	    "sample", &sample, "sample_truncated", &cut), 0);
	ck_assert_str_eq(req, "signal");
	ck_assert_str_eq(cls, "check_failed");
	ck_assert_int_eq(status, 200);
	ck_assert_str_eq(check, "status is dry_run");
	ck_assert_int_eq(count, 90);
	ck_assert_str_eq(sample, "{\"status\":\"bad|x`y\",\"n\":\"a\nb\"}");
	ck_assert(cut);
	ck_assert_int_eq(json_unpack(json_array_get(f, 1), "{s:s,s:n,s:n,s:I,"
	    "s:s,s:n,s:b}", "class", &cls, "status", "check", "curl_code",
	    &curl, "error", &err, "sample", "sample_truncated", &cut), 0);
	ck_assert_str_eq(cls, "connect_error");
	ck_assert_int_eq(curl, 7);
	ck_assert_str_eq(err, "Couldn't connect to server");
	ck_assert(!cut);
}

static void
json_flows_groups(json_t *j)
{
	const char *name, *m0, *m1;
	json_int_t started, completed, failed, requests;
	double rate, p95;

	ck_assert_int_eq(json_unpack(j, "{s:[{s:s,s:I,s:I,s:I,s:F,s:{s:F}}!]}",
	    "flows", "name", &name, "started", &started, "completed",
	    &completed, "failed", &failed, "error_rate", &rate, "iteration_ms",
	    "p95", &p95), 0);
	ck_assert_str_eq(name, "session");
	ck_assert_int_eq(started, 1000);
	ck_assert_int_eq(completed, 985);
	ck_assert_int_eq(failed, 10);
	ck_assert_double_eq_tol(rate, 1000.0 / 995, 1e-6);
	ck_assert_double_eq_tol(p95, 25, 1e-9);
	ck_assert_int_eq(json_unpack(json_array_get(json_object_get(j,
	    "groups"), 0), "{s:s,s:[s,s!],s:I,s:{s:I}}", "name", &name,
	    "members", &m0, &m1, "requests", &requests, "checks", "failed",
	    &failed), 0);
	ck_assert_str_eq(name, "gateway");
	ck_assert_str_eq(m1, "login");
	ck_assert_int_eq(requests, 8990);
	ck_assert_int_eq(failed, 90);
}

static void
json_thresholds(json_t *j)
{
	json_t *th = json_object_get(j, "thresholds");
	const char *kind, *outcome;
	int iteration;

	ck_assert_int_eq(json_unpack(json_array_get(th, 2), "{s:s,s:s}",
	    "scope_kind", &kind, "outcome", &outcome), 0);
	ck_assert_str_eq(kind, "request");
	ck_assert_str_eq(outcome, "rate_limited");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(th,
	    3), "scope_kind")), "group");
	ck_assert_int_eq(json_unpack(json_array_get(th, 4), "{s:s,s:b}",
	    "scope_kind", &kind, "iteration", &iteration), 0);
	ck_assert_str_eq(kind, "flow");
	ck_assert(iteration);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(th,
	    5), "scope_kind")), "class");
	ck_assert_ptr_null(json_object_get(json_array_get(th, 0), "outcome"));
}

START_TEST(json_fields)
{
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *dir = write_report(s, "json");
	json_t *j = load_json(dir);
	json_int_t passed, failed;
	double rate;
	const char *name, *req;

	ck_assert_int_eq(json_unpack(j, "{s:{s:{s:I,s:I,s:F}}}", "totals",
	    "checks", "passed", &passed, "failed", &failed, "rate", &rate), 0);
	ck_assert_int_eq(passed, 16490);
	ck_assert_int_eq(failed, 90);
	ck_assert_double_eq_tol(rate, 100.0 * 16490 / 16580, 1e-6);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "checks")), 3);
	ck_assert_int_eq(json_unpack(json_array_get(json_object_get(j,
	    "checks"), 2), "{s:s,s:s,s:I,s:I}", "name", &name, "request", &req,
	    "passed", &passed, "failed", &failed), 0);
	ck_assert_str_eq(name, "token present");
	ck_assert_str_eq(req, "login");
	ck_assert_int_eq(passed, 1000);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
	    json_object_get(j, "totals"), "classes"), "check_failed")), 90);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(
	    json_object_get(j, "timeseries"), 1), "checks_failed")), 29);
	json_requests(j);
	json_failures(j);
	json_flows_groups(j);
	json_thresholds(j);
	json_decref(j);
	free(dir);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(csv_columns)
{
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *dir = write_report(s, "csv"), *text = slurp(dir,
	    "timeseries.csv");

	HAS(text, ",users,in_flight,checks_passed,checks_failed,check_failed,"
	    "capture_missing,streams_open,streams_connecting,streams_dropped,"
	    "messages_in,messages_out,events\n3.300,\"steady\",3330,0,0,"
	    "3300,");
	HAS(text, ",0,,0,5490,30,30,0,0,0,0,0,0,0\n6.600,");
	HAS(text, ",0,,0,5492,28,30,0,0,0,0,0,0,0\n");
	free(text);
	free(dir);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(html_tables)
{
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *dir = write_report(s, "html"), *text = slurp(dir, "report.html");

	HAS(text, "<h2>Checks</h2>\n<table>\n<thead><tr><th>Check</th>"
	    "<th>Request</th><th>Passed</th><th>Failed</th><th>Pass rate</th>");
	HAS(text, "<h3>Outcomes: signal</h3>");
	HAS(text, "<tr><td>other</td><td>10</td><td>0.1%</td></tr>");
	HAS(text, "<td><code>{&quot;status&quot;:&quot;bad|x`y&quot;,"
	    "&quot;n&quot;:&quot;a\\nb&quot;}...</code></td>");
	HAS(text, "<h2>Flows</h2>");
	/* Each class in the chart has a colour of its own. */
	HAS(text, "<path fill=\"#b8860b\"");
	HASNT(text, "(null)");
	HAS(text, "<h2>Groups</h2>");
	free(text);
	free(dir);
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* Any bytes a server sends come out as one line of UTF-8. */
START_TEST(text_of_responses)
{
	static const char raw[] = "a\tb\r\n\x01\\ \xc3\xa9 \xff\xc3(\xed\xa0\x80";
	char buf[REPORT_SAMPLE_LINE], small[12], *u;
	size_t n;

	ck_assert_str_eq(report_text_line(raw, sizeof raw - 1, false, buf,
	    sizeof buf), "a\\tb\\r\\n\\x01\\\\ \xc3\xa9 \\xff\\xc3("
	    "\\xed\\xa0\\x80");
	/* Cut where it does not fit, never inside an escape. */
	ck_assert_str_eq(report_text_line("abcdefgh\nij", 11, false, small,
	    sizeof small), "abcdefgh...");
	ck_assert_str_eq(report_text_line("abcdef\n", 7, false, small,
	    sizeof small), "abcdef\\n");
	ck_assert_str_eq(report_text_line("abc", 3, true, small, sizeof small),
	    "abc...");
	ck_assert_str_eq(report_text_line("", 0, false, small, sizeof small),
	    "");
	u = report_text_utf8("ok \xc3\xa9\xff\n", 7, &n);
	ck_assert_uint_eq(n, 9);
	ck_assert_str_eq(u, "ok \xc3\xa9\xef\xbf\xbd\n");
	free(u);
}
END_TEST

START_TEST(reasons_in_words)
{
	struct snap_reason r = { .cls = CLS_CHECK_FAILED, .status = 200,
	    .check = "status ok" };
	char buf[128];

	ck_assert_str_eq(report_reason_text(&r, buf, sizeof buf),
	    "HTTP 200, check 'status ok'");
	r = (struct snap_reason){ .cls = CLS_SERVER_ERROR, .status = 503 };
	ck_assert_str_eq(report_reason_text(&r, buf, sizeof buf), "HTTP 503");
	r = (struct snap_reason){ .cls = CLS_TIMEOUT, .curl_code = 28,
	    .what = "Timeout was reached" };
	ck_assert_str_eq(report_reason_text(&r, buf, sizeof buf),
	    "curl 28: Timeout was reached");
	r = (struct snap_reason){ .cls = CLS_CAPTURE_MISSING };
	ck_assert_str_eq(report_reason_text(&r, buf, sizeof buf),
	    "not sent: a variable it uses was not captured");
}
END_TEST

static Suite *
report_checks_suite(void)
{
	Suite *s = suite_create("report-checks");
	TCase *tc = tcase_create("report-checks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, summary_sections);
	tcase_add_test(tc, summary_leaves_out_what_it_lacks);
	tcase_add_test(tc, markdown_tables);
	tcase_add_test(tc, markdown_code_spans);
	tcase_add_test(tc, json_fields);
	tcase_add_test(tc, csv_columns);
	tcase_add_test(tc, html_tables);
	tcase_add_test(tc, text_of_responses);
	tcase_add_test(tc, reasons_in_words);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(report_checks_suite)
