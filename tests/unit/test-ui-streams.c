/*
 * The dashboard's streams: the Streams view, the overview's panel while
 * a connections phase runs, the phases and requests views, the header
 * and Tab, drawn by the real screens into curses screens of 100x30 and
 * 80x24 (on /dev/null) from a snapshot made here, and read back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "streams-fixture.h"
#include "ui-fixture.h"

/* The frame alone: the header, the alerts' line and the footer. */
static char *
draw_frame(const struct snapshot *s)
{
	struct ui_rect body;

	erase();
	ui_draw_frame(&ui, s, &body);
	return screen_text();
}

/* A screen of w x h for a scenario with streams. */
static void
streams_open(int w, int h)
{
	screen_open(w, h);
	ui.streams = true;
}

/* Halfway through phase ws: 480 open, 20 connecting, one interval. */
static struct snapshot *
mid_ws(const struct scenario *scn)
{
	struct snapshot *s = streams_snap(scn);

	s->state = ENGINE_RUNNING;
	s->end_reason = END_NONE;
	s->phase = 0;
	s->elapsed = 45;
	s->phases[0].state = PHASE_RUNNING;
	s->phases[0].progress = 0.75;
	s->phases[1].state = s->phases[2].state = PHASE_PENDING;
	s->phases[1].started = s->phases[2].started = -1;
	s->streams[0].open = 480;
	s->streams[0].connecting = 20;
	s->streams[0].attempts = 540;
	s->streams[1].events_rate = 0;
	s->nseries = 1;
	return s;
}

START_TEST(streams_at_100x30)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = mid_ws(scn);
	char *text;

	streams_open(100, 30);
	screen_streams.init(&ui);
	text = draw(&screen_streams, s);
	HAS(text, "\n\n Streams  p95 over the run; a second over the last "
	    "interval\n"
	    "stream                        kind    open  conn  drops     ok%"
	    "     in/s    out/s  connect  rtt/1st\n"
	    "prices                        ws       480    20     25   98.08"
	    "   2499.5   2500.0   8.00ms   1.50ms\n"
	    "ticks                         sse        0     0      0  100.00"
	    "      0.0        -        -   9.00ms\n\n");
	/* The first, selected: by state, its traffic, latencies, failures. */
	HAS(text, "\n prices  WebSocket\n"
	    "open 480  connecting 20                            latency      "
	    "count    p50    p95    p99    max\n"
	    "opened 510 of 540 (98.08%)                         connect        "
	    "510 2.00ms 8.00ms 20.0ms 40.0ms\n"
	    "closed 495  dropped 25  reconnects 20              rtt         "
	    "150.0k  500us 1.50ms 4.00ms 8.00ms\n"
	    "                                                   ping          "
	    "5997  400us 1.20ms 3.00ms 6.00ms\n"
	    "out 2500.0/s  in 2499.5/s                          session        "
	    "510  59.0s  60.0s  60.0s 120.0s\n"
	    "sent 150.0k  received 150.0k\n"
	    "matched 150.0k  unmatched 4  pushed 6              failures\n"
	    "pings 6000  pongs 5997                             refused         "
	    "4\n"
	    "                                                   handshake       "
	    "6 (503 x 4, 400 x 2)\n");
	HAS(text, "                  closed          5 (1011 x 3, 1001 x 2)\n");
	HAS(text, "                  too_big         1\n");
	HAS(text, "\nall streams open, whole run (max 500)\n");
	free(text);
	/* Down to ticks: events, first-event and gap latencies. */
	press(&screen_streams, 1, KEY_DOWN);
	text = draw(&screen_streams, s);
	HAS(text, "\n ticks  SSE\n"
	    "open 0  connecting 0                               latency      "
	    "count    p50    p95    p99    max\n"
	    "opened 100 of 100 (100.00%)                        first_event    "
	    "100 3.00ms 9.00ms 15.0ms 30.0ms\n"
	    "closed 100  dropped 0  reconnects 0 (0 resumed)    gap          "
	    "59900 1.00ms 1.10ms 1.50ms 3.00ms\n"
	    "                                                   session        "
	    "100  60.0s  60.0s  60.0s 120.0s\n"
	    "events 0.0/s, 60000 in all\n");
	HASNT(text, "failures");
	HASNT(text, "matched");
	free(text);
	screen_close();
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

START_TEST(streams_at_80x24)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = mid_ws(scn);
	char *text;

	streams_open(80, 24);
	screen_streams.init(&ui);
	text = draw(&screen_streams, s);
	/* The name gives its room up first; the latencies their counts. */
	HAS(text, "\nstream    kind    open  conn  drops     ok%     in/s    out/s"
	    "  connect  rtt/1st\n"
	    "prices    ws       480    20     25   98.08   2499.5   2500.0   "
	    "8.00ms   1.50ms\n");
	HAS(text, "\nopen 480  connecting 20                  latency        p50 "
	    "   p95    p99    max\n"
	    "opened 510 of 540 (98.08%)               connect     2.00ms 8.00ms "
	    "20.0ms 40.0ms\n");
	HAS(text, "\nall streams open, whole run (max 500)    too_big         1\n");
	free(text);
	screen_close();
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

/* A failing latency threshold colours its cell; a passing one too. */
START_TEST(streams_threshold_colours)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s;
	struct threshold *t;
	char *text;

	scn->thresholds = xcalloc(2, sizeof *scn->thresholds);
	scn->nthresholds = 2;
	t = &scn->thresholds[0];
	*t = (struct threshold){ .expr = xstrdup("prices.connect.p95 < 5ms"),
	    .metric = THR_P95, .stream = THR_STREAM_CONNECT, .op = THR_LT,
	    .value = 5, .scope = THR_SCOPE_REQUEST,
	    .scope_name = xstrdup("prices"), .scope_index = 0 };
	t = &scn->thresholds[1];
	*t = (struct threshold){ .expr = xstrdup("ticks.first_event.p95 < "
	    "100ms"), .metric = THR_P95, .stream = THR_STREAM_FIRST_EVENT,
	    .op = THR_LT, .value = 100, .scope = THR_SCOPE_REQUEST,
	    .scope_name = xstrdup("ticks"), .scope_index = 1 };
	s = mid_ws(scn);
	streams_open(100, 30);
	verdict_eval(s, &ui.verdict);
	ui.have_verdict = true;
	/* The selected row has a colour of its own: select the other. */
	screen_streams.init(&ui);
	press(&screen_streams, 1, KEY_DOWN);
	text = draw(&screen_streams, s);
	free(text);
	/* prices' connect p95, 8.00ms, ends at column 89 of row 4; its rtt
	 * has no threshold. */
	ck_assert_int_eq(PAIR_NUMBER(mvinch(4, 87) & A_COLOR), UC_BAD);
	ck_assert_int_eq(PAIR_NUMBER(mvinch(4, 97) & A_COLOR), 0);
	press(&screen_streams, 0, KEY_UP);
	text = draw(&screen_streams, s);
	free(text);
	ck_assert_int_eq(PAIR_NUMBER(mvinch(5, 97) & A_COLOR), UC_GOOD);
	ck_assert_int_eq(PAIR_NUMBER(mvinch(4, 87) & A_COLOR), UC_SELECTED);
	screen_close();
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

/* While a connections phase runs, streams where the requests' rate was. */
START_TEST(overview_panel)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = mid_ws(scn);
	char *text;

	streams_open(100, 30);
	text = draw(&screen_overview, s);
	HAS(text, "|  Streams\n");
	HAS(text, "| open 480  connecting 20   dropped 25\n");
	HAS(text, "| in 2499.5/s  out 2500.0/s  events 0.0/s\n");
	HAS(text, "| -60s              max 500 open               now\n");
	HASNT(text, "Throughput");
	free(text);
	/* The plain phase: the requests' throughput again. */
	s->phase = 2;
	s->phases[2].state = PHASE_RUNNING;
	text = draw(&screen_overview, s);
	HAS(text, "|  Throughput\n");
	HASNT(text, "Streams");
	free(text);
	/* Over, streams only: theirs. */
	s->phase = 3;
	memset(&s->total, 0, sizeof s->total);
	text = draw(&screen_overview, s);
	HAS(text, "|  Streams\n");
	free(text);
	screen_close();
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

START_TEST(phases_and_requests)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = mid_ws(scn);
	char *text;

	streams_open(100, 30);
	screen_phases.init(&ui);
	text = draw(&screen_phases, s);
	HAS(text, "\n # phase         kind        state      done  requests   "
	    "req/s      p95  errors    429 result\n"
	    " 1 ws            connections running     75%                  "
	    "                         480 open\n"
	    " 2 sse           connections pending\n"
	    " 3 steady        sustained   pending\n");
	HAS(text, "\nrunning since 0.0s");
	HAS(text, "\n500 connections opened at 50/s, 480 open now");
	HAS(text, "\nthe Streams view has their figures");
	HASNT(text, "0 requests, p50");
	free(text);
	/* Stream requests send none: the requests view leaves them out. */
	screen_requests.init(&ui);
	text = draw(&screen_requests, s);
	HAS(text, "\nrequest                          count    req/s    avg/s  "
	    "    p50      p95      p99    err%    429%\n"
	    "api                                100 ");
	HASNT(text, "prices");
	HASNT(text, "ticks");
	free(text);
	screen_close();
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

/* The header lists the Streams view, Tab and 6 reach it: only when the
 * scenario has streams. */
START_TEST(views_offered)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = mid_ws(scn);
	char *text;

	streams_open(100, 30);
	text = draw_frame(s);
	HAS(text, "running                                          1 Overview  "
	    "2 3 4 5 6\n");
	free(text);
	ui.screen = 4;
	ui_keys_take(&ui, '\t');
	ck_assert_uint_eq(ui.screen, 5);
	ck_assert_str_eq(ui_screens[ui.screen]->name, "Streams");
	ui_keys_take(&ui, '\t');
	ck_assert_uint_eq(ui.screen, 0);
	ui_keys_take(&ui, KEY_BTAB);
	ck_assert_uint_eq(ui.screen, 5);
	ui_keys_take(&ui, '1');
	ui_keys_take(&ui, '6');
	ck_assert_uint_eq(ui.screen, 5);
	/* Without streams: five views, as ever. */
	ui.streams = false;
	ui.screen = 4;
	ui_keys_take(&ui, '\t');
	ck_assert_uint_eq(ui.screen, 0);
	ui_keys_take(&ui, KEY_BTAB);
	ck_assert_uint_eq(ui.screen, 4);
	ui_keys_take(&ui, '6');
	ck_assert_uint_eq(ui.screen, 4);
	ui.screen = 0;
	text = draw_frame(s);
	HAS(text, "running          1 Overview  2 Requests  3 Timing  4 Target  "
	    "5 Phases\n");
	HASNT(text, "Streams");
	free(text);
	screen_close();
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

static Suite *
ui_streams_suite(void)
{
	Suite *s = suite_create("ui-streams");
	TCase *tc = tcase_create("ui-streams");

	tcase_add_test(tc, streams_at_100x30);
	tcase_add_test(tc, streams_at_80x24);
	tcase_add_test(tc, streams_threshold_colours);
	tcase_add_test(tc, overview_panel);
	tcase_add_test(tc, phases_and_requests);
	tcase_add_test(tc, views_offered);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(ui_streams_suite)
