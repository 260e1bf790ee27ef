/*
 * The dashboard's requests and timing views, drawn by the real screens
 * into a curses screen of 100x30 and of 80x24 (on /dev/null), from a
 * snapshot with checks, outcomes, statuses, groups and flows, and read
 * back cell by cell.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "checks-fixture.h"
#include "ui-fixture.h"


/* Nothing drawn on the frame's rows, above and below the body. */
static void
body_only(const char *text)
{
	const char *p = text;
	int y;

	for (y = 0; y < LINES; y++, p = strchr(p, '\n') + 1)
		if (y < 2 || y >= LINES - 2)
			ck_assert_msg(*p == '\n', "row %d drawn:\n%s", y, text);
}

START_TEST(requests_at_100x30)
{
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *text;

	screen_open(100, 30);
	screen_requests.init(&ui);
	text = draw(&screen_requests, s);
	body_only(text);
	HAS(text, "request                  count    req/s    avg/s      p50"
	    "      p95      p99    err%    429%    chk%\n");
	HAS(text, "\nsignal                    7990      0.0    799.0   3.00ms"
	    "   12.0ms   30.0ms    1.13    2.50   99.42\n");
	HAS(text, "\ngroup:gateway             8990 ");
	HAS(text, "\ngroup:backend             1000 ");
	HAS(text, "\n Flows  iterations; the percentiles of those that ran "
	    "every step\nflow ");
	HAS(text, "\nsession                                         1000       "
	    "985        10   9.00ms   25.0ms   40.0ms\n");
	/* The selected request, with its checks beside its outcome. */
	HAS(text, "\n signal  in group:gateway\n");
	HAS(text, "\nclasses: ok 7700  rate_limited 200  check_failed 90\n");
	HAS(text, "\nstatuses: 200 x 7790  429 x 200\n");
	HAS(text, "\nchecks  99.42% passed, 90 failed                 | "
	    "outcome  8016 responses\n");
	HAS(text, "\n status is dry_run           7700     90  98.84% |  "
	    "dry_run                             7000   87.3%\n");
	HAS(text, "\n json /id exists             7790      0 100.00% |  "
	    "invalid_signature                    500    6.2%\n");
	/* The values that fit, then the rest in one line. */
	HAS(text, "|  v10                                    1    0.0%\n");
	HAS(text, "|  other                                 20    0.2%\n");
	HASNT(text, "token present");
	free(text);
	screen_close();
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(requests_at_80x24)
{
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *text;
	size_t i;

	screen_open(80, 24);
	screen_requests.init(&ui);
	text = draw(&screen_requests, s);
	body_only(text);
	/* No room for the average rate and the checks' column: the names
	 * keep theirs, and the detail has the checks. */
	HAS(text, "\nrequest               count    req/s      p50      p95      "
	    "p99    err%    429%\n");
	HASNT(text, "chk%");
	HAS(text, "\ngroup:gateway          8990      0.0   3.00ms ");
	HAS(text, "\nsession                     1000       985        10   "
	    "9.00ms   25.0ms   40.0ms\n");
	HAS(text, "\nchecks  99.42% passed, 90 failed       | outcome  8016 "
	    "responses\n");
	HAS(text, "\n status is dry_r   7700     90  98.84% |  dry_run     ");
	HAS(text, "|  other                       26    0.3%\n");
	free(text);
	/* Down to the first group: its requests and their checks. */
	for (i = 0; i < 3; i++)
		press(&screen_requests, 1, KEY_DOWN);
	text = draw(&screen_requests, s);
	HAS(text, "\n group:gateway\n");
	HAS(text, "\nrequests: signal  login\n");
	HAS(text, "\nchecks  99.46% passed, 90 failed\n");
	HAS(text, "\n signal: status is dry_run          ");
	HAS(text, "\n login: token present                                       "
	    "1000      0 100.00%\n");
	HASNT(text, "outcome  ");
	free(text);
	screen_close();
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* A request without checks or outcome, statuses not seen yet. */
START_TEST(requests_without_checks)
{
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *text;
	size_t i;

	for (i = 0; i < s->nrequests; i++)
		s->requests[i].checks_passed = s->requests[i].checks_failed = 0;
	s->nchecks = 0;
	s->checks_passed = s->checks_failed = 0;
	s->requests[0].has_outcome = false;
	s->requests[0].nstatus = 0;
	s->nflows = 0;
	screen_open(100, 30);
	screen_requests.init(&ui);
	text = draw(&screen_requests, s);
	HASNT(text, "chk%");
	HASNT(text, "checks");
	HASNT(text, "outcome");
	HASNT(text, "flow ");
	HAS(text, "\nstatuses: none yet\n");
	free(text);
	screen_close();
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

START_TEST(timing_by_class)
{
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *text;

	screen_open(100, 30);
	text = draw(&screen_timing, s);
	body_only(text);
	HAS(text, "count      p50      p90      p95      p99    p99.9      max"
	    "     mean\n");
	HAS(text, "\nlatency (planned to done)       9990   3.00ms   12.0ms   "
	    "12.0ms   30.0ms   30.0ms   30.0ms   3.00ms\n"
	    "  ok                            9690   3.00ms ");
	HAS(text, "\n  rate_limited                   200    400us    900us    "
	    "900us   1.50ms   1.50ms   1.50ms    400us\n");
	HAS(text, "\n  check_failed                    90   4.00ms ");
	free(text);
	screen_close();
	/* At 80 columns the names keep their room: no p99.9, no mean. */
	screen_open(80, 24);
	text = draw(&screen_timing, s);
	body_only(text);
	HAS(text, "count      p50      p90      p95      p99      max\n");
	HAS(text, "\n  rate_limited                 200    400us    900us    "
	    "900us   1.50ms   1.50ms\n");
	HASNT(text, "p99.9");
	free(text);
	screen_close();
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* The overview's responses: the checks' pass rate, responses whose
 * check failed. */
START_TEST(overview_checks)
{
	struct scenario *scn = fixture_load();
	struct snapshot *s = fixture_snap(scn);
	char *text;

	screen_open(100, 30);
	text = draw(&screen_overview, s);
	body_only(text);
	HAS(text, "\n rate-limited      200    2.0%");
	HAS(text, "\n check failed       90    0.9%");
	HAS(text, "\n checks 99.46% passed, 90 failed");
	/* None was left unsent: no line for it. */
	HASNT(text, "not sent");
	free(text);
	screen_close();
	snapshot_release(s);
	scenario_free(scn);
}
END_TEST

/* What a server sent is drawn as printable text. */
START_TEST(server_text)
{
	struct ui u = { .g = &ascii };
	char buf[16];

	ck_assert_str_eq(ui_fmt_text(&u, "a\tb\n\xc3\xa9", buf, sizeof buf),
	    "a?b???");
	ck_assert_str_eq(ui_fmt_text(&u, "0123456789abcdefgh", buf, 8),
	    "0123456");
}
END_TEST

static Suite *
ui_checks_suite(void)
{
	Suite *s = suite_create("ui-checks");
	TCase *tc = tcase_create("ui-checks");

	tcase_add_test(tc, requests_at_100x30);
	tcase_add_test(tc, requests_at_80x24);
	tcase_add_test(tc, requests_without_checks);
	tcase_add_test(tc, timing_by_class);
	tcase_add_test(tc, overview_checks);
	tcase_add_test(tc, server_text);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(ui_checks_suite)
