/* Streams in every reader: the summary, the progress lines, report.md,
 * report.json, timeseries.csv and report.html, from a snapshot made
 * here with a WebSocket request, an SSE one and a plain one. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check-tap.h"
#include "streams-fixture.h"
#include "report-fixture.h"
#include "headless.h"
#include "report.h"

static void
setup(void)
{
	tmp_dir_make("report-streams");
}

static void
teardown(void)
{
	tmp_dir_remove();
}

static char *
progress(const struct snapshot *s)
{
	struct headless_seen seen = { .any = false };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	headless_progress(f, s, &seen);
	fclose(f);
	return buf;
}

/* One file of a report of s. */
static char *
report_file(const struct snapshot *s, const char *name)
{
	char *dir = write_report(s, "r"), *text = slurp(dir, name);

	free(dir);
	return text;
}

#define HAS(text, want) \
	ck_assert_msg(strstr(text, want) != NULL, "no '%s' in:\n%s", want, text)
#define HASNT(text, want) \
	ck_assert_msg(strstr(text, want) == NULL, "'%s' in:\n%s", want, text)

/* Only prices' and ticks' thresholds and the plain request gone: a run
 * of streams alone. */
static void
streams_only(struct snapshot *s)
{
	memset(&s->total, 0, sizeof s->total);
	memset(&s->requests[2].total, 0, sizeof s->requests[2].total);
	s->nphases = 2;
}

static void
add_threshold(struct scenario *scn, const char *expr, enum thr_metric m,
    enum thr_stream stream, enum thr_op op, double value,
    enum thr_scope scope, const char *name, size_t index)
{
	struct threshold *t;

	scn->thresholds = xreallocarray(scn->thresholds, scn->nthresholds + 1,
	    sizeof *scn->thresholds);
	t = &scn->thresholds[scn->nthresholds++];
	memset(t, 0, sizeof *t);
	t->expr = xstrdup(expr);
	t->metric = m;
	t->stream = stream;
	t->op = op;
	t->value = value;
	t->scope = scope;
	t->scope_name = name ? xstrdup(name) : NULL;
	t->scope_index = index;
}

/* Seed 003's targets, and two of the run's. */
static void
add_thresholds(struct scenario *scn)
{
	add_threshold(scn, "prices.connect.p95 < 500ms", THR_P95,
	    THR_STREAM_CONNECT, THR_LT, 500, THR_SCOPE_REQUEST, "prices", 0);
	add_threshold(scn, "ticks.first_event.p95 < 100ms", THR_P95,
	    THR_STREAM_FIRST_EVENT, THR_LT, 100, THR_SCOPE_REQUEST, "ticks", 1);
	add_threshold(scn, "prices.connect_errors == 0", THR_CONNECT_ERRORS,
	    THR_STREAM_NONE, THR_EQ, 0, THR_SCOPE_REQUEST, "prices", 0);
	add_threshold(scn, "events_rate > 100/s", THR_EVENTS_RATE,
	    THR_STREAM_NONE, THR_GT, 100, THR_SCOPE_ALL, NULL, 0);
	add_threshold(scn, "connect.p99 < 1s", THR_P99, THR_STREAM_CONNECT,
	    THR_LT, 1000, THR_SCOPE_ALL, NULL, 0);
}

/* api's 100 answers: the one request that sends any. */
static void
api_statuses(struct snapshot *s)
{
	s->requests[2].status = streams_codes(1, (const int[]){ 200 },
	    (const uint64_t[]){ 100 });
	s->requests[2].nstatus = 1;
}

START_TEST(summary_blocks)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	char *text;

	api_statuses(s);
	text = summary(s);
	/* One request sending: no statuses per request. */
	HASNT(text, "statuses");

	HAS(text, "\n  #  phase  kind         requests     req/s       p50       "
	    "p95       p99  errors     429\n"
	    "  1  ws     connections   streams\n"
	    "  2  sse    connections   streams\n"
	    "  3  steady sustained         100       0.8    1.00ms    2.00ms    "
	    "3.00ms       0       0\n");
	/* The plain request alone in the requests' table. */
	HAS(text, "\n  request     count     req/s       p50       p95       p99 "
	    "   err%    429%\n  api           100 ");
	HASNT(text, "\n  prices ");
	HAS(text, "\n\n  stream      prices (websocket): 520 attempts, 510 opened "
	    "(98.08%), 495 closed cleanly, 25 dropped, 20 reconnects\n"
	    "  dropped     refused 4, handshake 6 (503 x 4, 400 x 2), timeout "
	    "3, closed 5 (1011 x 3, 1001 x 2), reset 2, protocol 4, too_big 1\n"
	    "  messages    150,000 sent (2500.0/s), 149,990 received "
	    "(2499.8/s): 149,980 matched, 4 unmatched, 6 pushed\n"
	    "  pings       6,000 sent, 5,997 answered\n"
	    "  bytes       4.29 MB in, 4.39 MB out\n"
	    "  connect     p50 2.00ms  p95 8.00ms  p99 20.0ms  max 40.0ms  (510)\n"
	    "  rtt         p50 500us  p95 1.50ms  p99 4.00ms  max 8.00ms  "
	    "(149,980)\n"
	    "  ping        p50 400us  p95 1.20ms  p99 3.00ms  max 6.00ms  "
	    "(5,997)\n"
	    "  session     p50 59.0s  p95 60.0s  p99 60.0s  max 120.0s  (510)\n"
	    "\n  stream      ticks (sse): 100 attempts, 100 opened (100.00%), "
	    "100 closed cleanly, 0 dropped\n"
	    "  events      60,000 (1000.0/s)\n"
	    "  bytes       2.86 MB in\n"
	    "  first_event p50 3.00ms  p95 9.00ms  p99 15.0ms  max 30.0ms  "
	    "(100)\n"
	    "  gap         p50 1.00ms  p95 1.10ms  p99 1.50ms  max 3.00ms  "
	    "(59,900)\n"
	    "  session     p50 60.0s  p95 60.0s  p99 60.0s  max 120.0s  (100)\n");
	free(text);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

/* Streams alone: no request figures to speak of; mid-run, the open. */
START_TEST(summary_streams_only)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	char *text;

	streams_only(s);
	s->streams[0].open = 480;
	s->streams[0].connecting = 20;
	s->streams[0].attempts = 540;
	text = summary(s);
	HAS(text, "after 130.0s\n\n  requests   none: the run held streams "
	    "only\n\n  #  phase kind ");
	HASNT(text, "throughput");
	HASNT(text, "\n  request ");
	HAS(text, ", 20 reconnects; 480 open, 20 connecting\n");
	/* Of the 520 attempts that ended. */
	HAS(text, "540 attempts, 510 opened (98.08%)");
	free(text);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

START_TEST(progress_lines)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	char *text = progress(s);

	ck_assert_str_eq(text,
	    "[   30.0s] 1/3 connections ws             open 500  connecting 3  "
	    "dropped 10  in 2499.8/s  out 2500.0/s  events 0.0/s\n"
	    "[   60.0s] 1/3 connections ws             open 498  connecting 0  "
	    "dropped 15  in 2499.8/s  out 2500.0/s  events 0.0/s\n"
	    "[   90.0s] 2/3 connections sse            open 100  connecting 0  "
	    "dropped 0  in 0.0/s  out 0.0/s  events 1000.0/s\n"
	    "[  120.0s] 2/3 connections sse            open 0  connecting 0  "
	    "dropped 0  in 0.0/s  out 0.0/s  events 1000.0/s\n");
	free(text);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

static const char md_prices[] =
	"### Stream: prices (WebSocket)\n\n"
	"| Metric | Value |\n|---|---|\n"
	"| Connection attempts | 520 |\n"
	"| Opened | 510 (98.08%) |\n"
	"| Closed cleanly by loadtop | 495 |\n"
	"| Dropped | 25 |\n"
	"| Reconnects | 20 |\n"
	"| Messages sent | 150000 (2500.0/s) |\n"
	"| Messages received | 149990 (2499.8/s): 149980 matched, 4 "
	"unmatched, 6 pushed |\n"
	"| Pings / pongs | 6000 / 5997 |\n"
	"| Received | 4.29MB |\n"
	"| Sent | 4.39MB |\n\n"
	"| Failure | Count | Share | Detail |\n|---|---|---|---|\n"
	"| refused | 4 | 16.0% |  |\n"
	"| handshake | 6 | 24.0% | 503 x 4, 400 x 2 |\n"
	"| timeout | 3 | 12.0% |  |\n"
	"| closed | 5 | 20.0% | 1011 x 3, 1001 x 2 |\n"
	"| reset | 2 | 8.0% |  |\n"
	"| protocol | 4 | 16.0% |  |\n"
	"| too_big | 1 | 4.0% |  |\n\n"
	"| Latency | Count | p50 | p95 | p99 | Max |\n|---|---|---|---|---|---|\n"
	"| connect | 510 | 2.00ms | 8.00ms | 20.0ms | 40.0ms |\n"
	"| rtt | 149980 | 500us | 1.50ms | 4.00ms | 8.00ms |\n"
	"| ping | 5997 | 400us | 1.20ms | 3.00ms | 6.00ms |\n"
	"| session | 510 | 59.0s | 60.0s | 60.0s | 120.0s |\n\n";

static const char md_ticks[] =
	"### Stream: ticks (SSE)\n\n"
	"| Metric | Value |\n|---|---|\n"
	"| Connection attempts | 100 |\n"
	"| Opened | 100 (100.00%) |\n"
	"| Closed cleanly by loadtop | 100 |\n"
	"| Dropped | 0 |\n"
	"| Reconnects | 0 |\n"
	"| Resumed with Last-Event-ID | 0 |\n"
	"| Events | 60000 (1000.0/s) |\n"
	"| Received | 2.86MB |\n\n"
	"| Latency | Count | p50 | p95 | p99 | Max |\n|---|---|---|---|---|---|\n"
	"| first_event | 100 | 3.00ms | 9.00ms | 15.0ms | 30.0ms |\n"
	"| gap | 59900 | 1.00ms | 1.10ms | 1.50ms | 3.00ms |\n"
	"| session | 100 | 60.0s | 60.0s | 60.0s | 120.0s |\n\n"
	"Connect success is the share of the attempts that ended";

START_TEST(markdown_sections)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	char *text;

	api_statuses(s);
	text = report_file(s, "report.md");
	HASNT(text, "## Statuses");

	HAS(text, "- Errors: 0 of 100 (0.00%); 0 rate limited (429)\n"
	    "- WebSocket 'prices': 510 of 520 connections opened (98.08%), 25 "
	    "dropped, 20 reconnects; 150000 messages sent, 149990 received; "
	    "connect p95 8.00ms, rtt p95 1.50ms, ping p95 1.20ms\n"
	    "- SSE 'ticks': 100 of 100 connections opened (100.00%), 0 dropped; "
	    "60000 events; first_event p95 9.00ms\n");
	HAS(text, "| Request 'prices' | WebSocket ws://127.0.0.1:1/ws/echo |\n"
	    "| Request 'ticks' | SSE http://127.0.0.1:1/sse?rate=1000 |\n"
	    "| Request 'api' | GET http://127.0.0.1:1/ok |\n");
	HAS(text, "| 1 | ws | connections | 500 connections at 50/s | 1m | done |\n"
	    "| 2 | sse | connections | 100 connections | 1m | done |\n");
	HAS(text, "## Streams\n\n| Stream | Kind | Attempts | Opened | Connect "
	    "success | Dropped | Reconnects |\n|---|---|---|---|---|---|---|\n"
	    "| prices | WebSocket | 520 | 510 | 98.08% | 25 | 20 |\n"
	    "| ticks | SSE | 100 | 100 | 100.00% | 0 | 0 |\n\n");
	HAS(text, md_prices);
	HAS(text, md_ticks);
	HAS(text, "| ws | connections | streams | - | - | - | - | - | - |\n");
	HAS(text, "## Requests\n\n| Request | Method | Count | req/s | p50 | p95 "
	    "| p99 | Errors | 429 |\n|---|---|---|---|---|---|---|---|---|\n"
	    "| api | GET | 100 |");
	HASNT(text, "| prices | GET ");
	/* Streams have latencies of their own: only the rate's phase. */
	HAS(text, "Latency counts from when a request was due (open model)");
	free(text);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

/* No row or table without figures; no section without streams. */
START_TEST(markdown_leaves_out)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	struct snap_stream *st = &s->streams[0];
	char *text;

	memset(st->drops, 0, sizeof st->drops);
	st->pings = st->pongs = st->bytes_out = 0;
	memset(&st->ping, 0, sizeof st->ping);
	memset(&st->rtt, 0, sizeof st->rtt);
	streams_only(s);
	text = report_file(s, "report.md");
	HAS(text, "## Summary\n\n- Requests: none; the run held streams only\n"
	    "- WebSocket 'prices': 510 of 520 connections opened (98.08%), 0 "
	    "dropped, 20 reconnects; 150000 messages sent, 149990 received; "
	    "connect p95 8.00ms\n");
	HAS(text, "| Received | 4.29MB |\n\n| Latency | Count |");
	HASNT(text, "| Pings");
	HASNT(text, "| Sent | 4.39MB");
	HASNT(text, "| Failure |");
	HASNT(text, "| rtt |");
	free(text);
	snapshot_release(s);
	/* A stream no phase connected: its row, and nothing more. */
	s = streams_snap(scn);
	memset(&s->streams[1], 0, offsetof(struct snap_stream, connect));
	s->streams[1].name = "ticks";
	s->streams[1].request = 1;
	s->streams[1].sse = true;
	memset(&s->streams[1].first_event, 0, sizeof s->streams[1].first_event);
	memset(&s->streams[1].gap, 0, sizeof s->streams[1].gap);
	memset(&s->streams[1].session, 0, sizeof s->streams[1].session);
	text = report_file(s, "report.md");
	HAS(text, "- SSE 'ticks': no connection attempted\n");
	HAS(text, "| ticks | SSE | 0 | 0 | - | 0 | 0 |\n");
	HASNT(text, "### Stream: ticks");
	free(text);
	text = summary(s);
	HAS(text, "\n  stream      ticks (sse): no connection attempted\n");
	HASNT(text, "first_event");
	free(text);
	snapshot_release(s);
	s = streams_snap(scn);
	free(s->streams[0].handshake_status);
	free(s->streams[0].close_codes);
	free(s->streams[1].handshake_status);
	free(s->streams[1].close_codes);
	s->nstreams = 0;
	text = report_file(s, "report.md");
	HASNT(text, "Stream");
	free(text);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

START_TEST(markdown_thresholds)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s;
	char *text;

	add_thresholds(scn);
	s = streams_snap(scn);
	text = report_file(s, "report.md");
	HAS(text, "| Metric | Result | Target | Status |\n|---|---|---|---|\n"
	    "| prices connect p95 | 8ms | < 500ms | ✅ PASS, 62.5x better |\n"
	    "| ticks first_event p95 | 9ms | < 100ms | ✅ PASS, 11.1x "
	    "better |\n"
	    "| prices connect_errors | 25 | == 0 | ❌ FAIL |\n"
	    "| events_rate | 500");
	/* Its unit is the threshold table's to write: "/s". */
	HAS(text, "/s | ✅ PASS, 5.0x better |\n"
	    "| connect p99 | n/a | < 1s | ❌ FAIL (connect latencies are kept "
	    "per stream request and the run has 2: name one, as "
	    "prices.connect.p99) |\n");
	HAS(text, "- Failed: prices.connect_errors == 0 (actual 25)\n");
	free(text);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

/* Stages from 100 to 1,000 connections: seed 003's tiers. */
START_TEST(markdown_stages)
{
	static const unsigned tiers[] = { 100, 500, 1000 };
	struct scenario *scn = streams_scenario();
	struct scn_phase *p = &scn->phases[0];
	struct snapshot *s;
	char *text;
	size_t i;

	p->stages = xcalloc(3, sizeof *p->stages);
	p->nstages = 3;
	p->connections = 1000;
	for (i = 0; i < 3; i++) {
		p->stages[i].connections = tiers[i];
		p->stages[i].duration_us = 300000000;
	}
	s = streams_snap(scn);
	text = report_file(s, "report.md");
	HAS(text, "| 1 | ws | connections | 100 to 1000 connections in 3 stages "
	    "at 50/s | 15m | done |\n");
	free(text);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

static json_t *
load_json(const struct snapshot *s)
{
	char *dir = write_report(s, "j"), *path;
	json_error_t err;
	json_t *j;

	xasprintf(&path, "%s/report.json", dir);
	j = json_load_file(path, 0, &err);
	ck_assert_msg(j != NULL, "%s: %s", path, err.text);
	free(path);
	free(dir);
	return j;
}

/* json_dumps of the value at key, compact, keys in order. */
static void
json_is(json_t *o, const char *key, const char *want)
{
	char *got = json_dumps(json_object_get(o, key), JSON_COMPACT |
	    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) | JSON_ENCODE_ANY);

	ck_assert_msg(got != NULL && strcmp(got, want) == 0, "%s: %s, want %s",
	    key, got, want);
	free(got);
}

START_TEST(json_streams)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	json_t *j = load_json(s), *a = json_object_get(j, "streams"), *p, *t;

	ck_assert_uint_eq(json_array_size(a), 2);
	p = json_array_get(a, 0);
	t = json_array_get(a, 1);
	json_is(p, "name", "\"prices\"");
	json_is(p, "kind", "\"websocket\"");
	json_is(t, "kind", "\"sse\"");
	json_is(p, "open", "0");
	json_is(p, "connecting", "0");
	json_is(p, "attempts", "520");
	json_is(p, "opened", "510");
	json_is(p, "closed", "495");
	json_is(p, "connect_success", "98.07692308");
	json_is(p, "connect_errors", "25");
	json_is(p, "drops", "{\"refused\":4,\"handshake\":6,\"timeout\":3,"
	    "\"closed\":5,\"reset\":2,\"protocol\":4,\"too_big\":1,\"tls\":0}");
	json_is(t, "drops", "{\"refused\":0,\"handshake\":0,\"timeout\":0,"
	    "\"closed\":0,\"reset\":0,\"protocol\":0,\"too_big\":0,\"tls\":0}");
	json_is(p, "reconnects", "20");
	json_is(p, "handshake_statuses", "[{\"code\":503,\"count\":4},"
	    "{\"code\":400,\"count\":2}]");
	json_is(p, "close_codes", "[{\"code\":1011,\"count\":3},"
	    "{\"code\":1001,\"count\":2}]");
	json_is(t, "close_codes", "[]");
	json_is(p, "messages", "{\"sent\":150000,\"received\":149990,"
	    "\"matched\":149980,\"unmatched\":4,\"pushed\":6}");
	json_is(p, "pings", "6000");
	json_is(p, "pongs", "5997");
	json_is(t, "events", "60000");
	json_is(p, "bytes_in", "4500000");
	json_is(p, "bytes_out", "4600000");
	json_is(p, "connect_ms", "{\"count\":510,\"min\":1.0,\"mean\":2.0,"
	    "\"p50\":2.0,\"p75\":2.0,\"p90\":8.0,\"p95\":8.0,\"p99\":20.0,"
	    "\"p999\":20.0,\"max\":40.0}");
	json_is(p, "rtt_ms", "{\"count\":149980,\"min\":0.25,\"mean\":0.5,"
	    "\"p50\":0.5,\"p75\":0.5,\"p90\":1.5,\"p95\":1.5,\"p99\":4.0,"
	    "\"p999\":4.0,\"max\":8.0}");
	json_is(p, "first_event_ms", "{\"count\":0,\"min\":null,\"mean\":null,"
	    "\"p50\":null,\"p75\":null,\"p90\":null,\"p95\":null,\"p99\":null,"
	    "\"p999\":null,\"max\":null}");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(p,
	    "ping_ms"), "count")), 5997);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(t,
	    "first_event_ms"), "count")), 100);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(t,
	    "gap_ms"), "count")), 59900);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(p,
	    "session_ms"), "count")), 510);
	json_is(p, "rates", "{\"sent\":2500.0,\"received\":2499.5,"
	    "\"events\":0.0}");
	json_is(t, "held_s", "60.0");
	json_is(t, "events_rate", "1000.0");
	json_decref(j);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

/* The rest of report.json that streams touch. */
START_TEST(json_around_streams)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s;
	json_t *j, *o;

	add_thresholds(scn);
	s = streams_snap(scn);
	/* Of the attempts that ended: those connecting are not yet. */
	s->streams[1].attempts = 107;
	s->streams[1].connecting = 7;
	j = load_json(s);
	o = json_array_get(json_object_get(j, "streams"), 1);
	json_is(o, "connect_success", "100.0");
	s->streams[1].attempts = s->streams[1].connecting = 7;
	s->streams[1].opened = 0;
	json_decref(j);
	j = load_json(s);
	json_is(json_array_get(json_object_get(j, "streams"), 1),
	    "connect_success", "null");
	o = json_array_get(json_object_get(j, "timeseries"), 1);
	json_is(o, "streams_open", "498");
	json_is(o, "streams_connecting", "0");
	json_is(o, "streams_dropped", "15");
	json_is(o, "messages_in", "74995");
	json_is(o, "messages_out", "75000");
	json_is(json_array_get(json_object_get(j, "timeseries"), 2), "events",
	    "30000");
	o = json_object_get(j, "requests");
	json_is(json_array_get(o, 0), "stream", "\"websocket\"");
	json_is(json_array_get(o, 1), "stream", "\"sse\"");
	ck_assert_ptr_null(json_object_get(json_array_get(o, 2), "stream"));
	o = json_object_get(j, "phases");
	json_is(json_array_get(o, 0), "connections", "500");
	json_is(json_array_get(o, 0), "connect_rate", "50.0");
	ck_assert_ptr_null(json_object_get(json_array_get(o, 2),
	    "connections"));
	o = json_object_get(j, "thresholds");
	json_is(json_array_get(o, 1), "stream", "\"first_event\"");
	json_is(json_array_get(o, 1), "scope_kind", "\"request\"");
	ck_assert_ptr_null(json_object_get(json_array_get(o, 2), "stream"));
	json_is(json_array_get(o, 3), "actual", "500.0");
	json_decref(j);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

START_TEST(csv_columns)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	char *text = report_file(s, "timeseries.csv");

	HAS(text, ",check_failed,capture_missing,streams_open,"
	    "streams_connecting,streams_dropped,messages_in,messages_out,"
	    "events\n30.000,\"ws\",");
	HAS(text, ",30.000,0,,0,0,0,0,0,500,3,10,74995,75000,0\n60.000,");
	HAS(text, ",30.000,0,,0,0,0,0,0,498,0,15,74995,75000,0\n90.000,");
	HAS(text, ",30.000,0,,0,0,0,0,0,100,0,0,0,0,30000\n120.000,");
	HAS(text, ",30.000,0,,0,0,0,0,0,0,0,0,0,0,30000\n");
	free(text);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

START_TEST(html_streams)
{
	struct scenario *scn = streams_scenario();
	struct snapshot *s = streams_snap(scn);
	char *text = report_file(s, "report.html");

	HAS(text, "<h2>Streams</h2>\n<table>\n<thead><tr><th>Stream</th>"
	    "<th>Kind</th><th>Attempts</th><th>Opened</th><th>Connect success"
	    "</th><th>Dropped</th><th>Reconnects</th></tr></thead>\n<tbody>\n"
	    "<tr><td>prices</td><td>WebSocket</td><td>520</td><td>510</td>"
	    "<td>98.08%</td><td>25</td><td>20</td></tr>\n");
	HAS(text, "<h3>Stream: ticks (SSE)</h3>");
	HAS(text, "<tr><td>handshake</td><td>6</td><td>24.0%</td>"
	    "<td>503 x 4, 400 x 2</td></tr>");
	/* Open connections over the run, and the traffic a second. */
	HAS(text, "<title>Streams</title>\n<text x=\"64\" y=\"18\" "
	    "class=\"ct\">Streams (at each interval's end)</text>");
	HAS(text, "<path fill=\"none\" stroke=\"#2266cc\" stroke-width=\"1.8\" "
	    "d=\"M250.0 28.0 L436.0 28.8 L622.0 180.0 L808.0 218.0 \"/>\n"
	    "<rect x=\"882\" y=\"28\" width=\"12\" height=\"12\" "
	    "fill=\"#2266cc\"/><text x=\"900\" y=\"38\" class=\"lg\">open"
	    "</text>");
	HAS(text, "<title>Messages and events</title>");
	HAS(text, "class=\"lg\">events</text>");
	free(text);
	/* Without streams, neither chart. */
	free(s->streams[0].handshake_status);
	free(s->streams[0].close_codes);
	free(s->streams[1].handshake_status);
	free(s->streams[1].close_codes);
	s->nstreams = 0;
	text = report_file(s, "report.html");
	HASNT(text, "<title>Streams</title>");
	HASNT(text, "<title>Messages and events</title>");
	free(text);
	snapshot_release(s);
	streams_scenario_free(scn);
}
END_TEST

static Suite *
report_streams_suite(void)
{
	Suite *s = suite_create("report-streams");
	TCase *tc = tcase_create("report-streams");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, summary_blocks);
	tcase_add_test(tc, summary_streams_only);
	tcase_add_test(tc, progress_lines);
	tcase_add_test(tc, markdown_sections);
	tcase_add_test(tc, markdown_leaves_out);
	tcase_add_test(tc, markdown_thresholds);
	tcase_add_test(tc, markdown_stages);
	tcase_add_test(tc, json_streams);
	tcase_add_test(tc, json_around_streams);
	tcase_add_test(tc, csv_columns);
	tcase_add_test(tc, html_streams);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(report_streams_suite)
