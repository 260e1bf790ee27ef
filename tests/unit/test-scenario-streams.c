/*
 * Unit tests for streams in the scenario format: websocket: and sse:
 * requests, connections phases, the thresholds and grades of streams,
 * the limits, and a loadtop whose libcurl has no WebSocket; the forms
 * parsed into the model, and every error at its line and column.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "scenario-fixture.h"
#include "kinds.h"
#include "scenario.h"
#include "scenario-limits.h"
#include "template.h"
#include "util.h"

/* The scenario, as users write it. */
static const char spec_text[] =
    "name: streams\n"
    "target: {base_url: http://127.0.0.1:8001}\n"
    "requests:\n"
    "  - name: prices\n"
    "    url: ws://127.0.0.1:8001/ws/echo\n"
    "    websocket:\n"
    "      on_open: '{\"op\":\"subscribe\",\"channel\":\"prices\"}'\n"
    "      send: '{\"seq\":${seq},\"t\":${now_ms}}'\n"
    "      message_rate: 5/s\n"
    "      reply: echo\n"
    "      ping_interval: 5s\n"
    "  - name: ticks\n"
    "    path: /sse?rate=10\n"
    "    sse: {}\n"
    "phases:\n"
    "  - {name: ws, kind: connections, use: prices, connections: 500, "
    "connect_rate: 50/s, duration: 5m}\n"
    "  - {name: sse, kind: connections, use: ticks, connections: 100, "
    "duration: 60s}\n"
    "thresholds:\n"
    "  - prices.connect.p95 < 500ms\n"
    "  - prices.rtt.p99 < 100ms\n"
    "  - ticks.first_event.p95 < 100ms\n"
    "  - prices.connect_errors == 0\n";

/* The same streams, SSE only: what any build of loadtop opens. */
static const char sse_text[] =
    "name: sse\n"
    "target: {base_url: https://127.0.0.1:8443}\n"
    "defaults:\n"
    "  headers: {Authorization: 'Bearer t'}\n"
    "  checks: [{header: Content-Type, exists: true}]\n"
    "requests:\n"
    "  - {name: ok, path: /ok}\n"
    "  - {name: hidden, path: /h, weight: 0}\n"
    "  - name: ticks\n"
    "    path: /sse?rate=10\n"
    "    headers: {Accept: text/event-stream}\n"
    "    sse: {resume: false, first_event_timeout: 2s, idle_timeout: 500ms, "
    "max_event: 64KB}\n"
    "  - {name: bare, url: 'http://127.0.0.1:8001/sse', sse: , weight: 3}\n"
    "phases:\n"
    "  - {name: warm, kind: sustained, rate: 10/s, duration: 5s}\n"
    "  - name: tiers\n"
    "    kind: connections\n"
    "    connect_rate: 300/m\n"
    "    reconnect: false\n"
    "    reconnect_delay: 250ms\n"
    "    stages:\n"
    "      - {duration: 30s, connections: 100}\n"
    "      - {name: top, duration: 1m, connections: 1000}\n"
    "      - {duration: 30s, connections: 0}\n"
    "  - {name: one, kind: connections, use: ticks, connections: 1, "
    "duration: 1s}\n";

#ifdef HAVE_CURL_WS
START_TEST(test_spec_requests)
{
	struct scenario *scn = load_ok(spec_text);
	const struct scn_request *ws = &scn->requests[0], *sse = &scn->requests[1];

	ck_assert_uint_eq(scn->nrequests, 2);
	ck_assert_str_eq(ws->url, "ws://127.0.0.1:8001/ws/echo");
	ck_assert_str_eq(ws->method, "GET");
	ck_assert_ptr_null(ws->sse);
	ck_assert_ptr_nonnull(ws->websocket);
	ck_assert_str_eq(ws->websocket->on_open,
	    "{\"op\":\"subscribe\",\"channel\":\"prices\"}");
	ck_assert(template_is_static(ws->websocket->on_open_tmpl));
	ck_assert_str_eq(ws->websocket->send, "{\"seq\":${seq},\"t\":${now_ms}}");
	ck_assert(template_uses_seq(ws->websocket->send_tmpl));
	ck_assert_double_eq(ws->websocket->message_rate, 5);
	ck_assert_int_eq(ws->websocket->reply, SCN_WS_REPLY_ECHO);
	ck_assert_ptr_null(ws->websocket->reply_field);
	ck_assert_int_eq(ws->websocket->ping_interval_us, 5000000);
	ck_assert_int_eq(ws->websocket->pong_timeout_us, 10000000);
	ck_assert_int_eq(ws->websocket->max_message, 1024 * 1024);
	ck_assert_int_eq(ws->websocket->pos.line, 6);
	ck_assert_int_eq(ws->websocket->pos.col, 5);
	ck_assert_uint_eq(ws->nchecks, 0);

	ck_assert_str_eq(sse->url, "http://127.0.0.1:8001/sse?rate=10");
	ck_assert_str_eq(sse->name, "ticks");
	ck_assert_ptr_null(sse->websocket);
	ck_assert(sse->sse->resume);
	ck_assert_int_eq(sse->sse->first_event_timeout_us, 10000000);
	ck_assert_int_eq(sse->sse->idle_timeout_us, 0);
	ck_assert_int_eq(sse->sse->max_event, 1024 * 1024);
	ck_assert_int_eq(sse->sse->pos.line, 14);
	scenario_free(scn);
}
END_TEST

START_TEST(test_spec_phases)
{
	struct scenario *scn = load_ok(spec_text);
	const struct scn_phase *ws = &scn->phases[0], *sse = &scn->phases[1];

	ck_assert_uint_eq(scn->nphases, 2);
	ck_assert_int_eq(ws->kind, SCN_CONNECTIONS);
	ck_assert_str_eq(kinds_phase_name(ws->kind), "connections");
	ck_assert_uint_eq(ws->connections, 500);
	ck_assert_double_eq(ws->connect_rate, 50);
	ck_assert_int_eq(ws->duration_us, 300000000);
	ck_assert_uint_eq(ws->nuse, 1);
	ck_assert_uint_eq(ws->use[0], 0);
	ck_assert(ws->reconnect);
	ck_assert_int_eq(ws->reconnect_delay_us, 1000000);
	ck_assert_uint_eq(ws->nstages, 0);
	ck_assert_uint_eq(sse->connections, 100);
	ck_assert_double_eq(sse->connect_rate, 0);
	ck_assert_int_eq(sse->duration_us, 60000000);
	ck_assert_uint_eq(sse->use[0], 1);
	scenario_free(scn);
}
END_TEST

START_TEST(test_spec_thresholds)
{
	static const struct {
		enum thr_metric metric;
		enum thr_stream stream;
		size_t index;
		double value;
	} want[] = {
		{ THR_P95, THR_STREAM_CONNECT, 0, 500 },
		{ THR_P99, THR_STREAM_RTT, 0, 100 },
		{ THR_P95, THR_STREAM_FIRST_EVENT, 1, 100 },
		{ THR_CONNECT_ERRORS, THR_STREAM_NONE, 0, 0 },
	};
	struct scenario *scn = load_ok(spec_text);
	const struct threshold *t;
	size_t i;

	ck_assert_uint_eq(scn->nthresholds, LT_NELEM(want));
	for (i = 0; i < LT_NELEM(want); i++) {
		t = &scn->thresholds[i];
		ck_assert_msg(t->metric == want[i].metric && t->stream ==
		    want[i].stream && t->scope == THR_SCOPE_REQUEST &&
		    t->scope_index == want[i].index, "%s: metric %d stream %d "
		    "scope %d index %zu", t->expr, t->metric, t->stream,
		    t->scope, t->scope_index);
		ck_assert_double_eq(t->value, want[i].value);
	}
	ck_assert_str_eq(scn->thresholds[0].scope_name, "prices");
	ck_assert_str_eq(scn->thresholds[2].scope_name, "ticks");
	ck_assert_int_eq(scn->thresholds[3].op, THR_EQ);
	scenario_free(scn);
}
END_TEST

/* path: under https:// becomes wss://; replies by field, or none; a
 * websocket that only listens; templates bound to the environment. */
START_TEST(test_websocket_forms)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = load_ok(
	    "name: ws\n"
	    "target: {base_url: 'https://h.example:8443/api/'}\n"
	    "requests:\n"
	    "  - name: quotes\n"
	    "    path: /ws/feed?rate=5\n"
	    "    websocket:\n"
	    "      send: '{\"seq\":${seq},\"k\":\"${env:LT_STREAM_KEY}\"}'\n"
	    "      message_rate: 300/m\n"
	    "      reply: 'json:/seq'\n"
	    "      ping_interval: 2s\n"
	    "      pong_timeout: 500ms\n"
	    "      max_message: 64MB\n"
	    "  - {path: /ws/feed, websocket: {}}\n"
	    "  - {name: quiet, url: 'WS://h.example/x', websocket: {send: hi, "
	    "message_rate: 0, reply: none}}\n"
	    "phases: [{kind: connections, connections: 3, duration: 1s}]\n");
	const struct scn_websocket *a = scn->requests[0].websocket;
	const struct scn_websocket *b = scn->requests[1].websocket;
	const struct scn_websocket *c = scn->requests[2].websocket;

	ck_assert_str_eq(scn->requests[0].url,
	    "wss://h.example:8443/api/ws/feed?rate=5");
	ck_assert_double_eq(a->message_rate, 5);
	ck_assert_int_eq(a->reply, SCN_WS_REPLY_FIELD);
	ck_assert_str_eq(a->reply_field, "/seq");
	ck_assert_int_eq(a->ping_interval_us, 2000000);
	ck_assert_int_eq(a->pong_timeout_us, 500000);
	ck_assert_int_eq(a->max_message, SCN_MAX_MESSAGE);
	ck_assert_str_eq(scn->requests[1].name, "GET /ws/feed");
	ck_assert_ptr_null(b->send);
	ck_assert_ptr_null(b->on_open);
	ck_assert_int_eq(b->reply, SCN_WS_REPLY_NONE);
	ck_assert_int_eq(b->ping_interval_us, 0);
	ck_assert_int_eq(b->pong_timeout_us, 10000000);
	ck_assert_str_eq(scn->requests[2].url, "WS://h.example/x");
	ck_assert_double_eq(c->message_rate, 0);
	ck_assert_int_eq(c->reply, SCN_WS_REPLY_NONE);
	/* A connections phase without 'use' opens every stream. */
	ck_assert_ptr_null(scn->phases[0].use);

	unsetenv("LT_STREAM_KEY");
	ck_assert_int_eq(scenario_bind_env(scn, &errs), -1);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_int_eq(errs.v[0].line, 7);
	ck_assert_int_eq(errs.v[0].col, 33);
	ck_assert_str_eq(errs.v[0].msg, "environment variable 'LT_STREAM_KEY' "
	    "is not set");
	scenario_errors_clear(&errs);
	setenv("LT_STREAM_KEY", "k1", 1);
	ck_assert_int_eq(scenario_bind_env(scn, &errs), 0);
	ck_assert(template_has_secret(a->send_tmpl));
	unsetenv("LT_STREAM_KEY");
	scenario_free(scn);
}
END_TEST

/* Thresholds and grades of every stream metric and latency, resolved;
 * the command line's too. */
START_TEST(test_stream_thresholds)
{
	static const struct {
		const char *expr;
		enum thr_metric metric;
		enum thr_stream stream;
		enum thr_scope scope;
		size_t index;
	} want[] = {
		{ "prices.connect.p95 < 500ms", THR_P95, THR_STREAM_CONNECT,
		  THR_SCOPE_REQUEST, 0 },
		{ "request:prices.ping.max < 1s", THR_MAX, THR_STREAM_PING,
		  THR_SCOPE_REQUEST, 0 },
		{ "prices.session.min > 1s", THR_MIN, THR_STREAM_SESSION,
		  THR_SCOPE_REQUEST, 0 },
		{ "ticks.gap.p99.9 < 1s", THR_P999, THR_STREAM_GAP,
		  THR_SCOPE_REQUEST, 1 },
		{ "ticks.session.mean > 10s", THR_MEAN, THR_STREAM_SESSION,
		  THR_SCOPE_REQUEST, 1 },
		{ "connect_errors == 0", THR_CONNECT_ERRORS, THR_STREAM_NONE,
		  THR_SCOPE_ALL, 0 },
		{ "connect_success >= 99.5%", THR_CONNECT_SUCCESS,
		  THR_STREAM_NONE, THR_SCOPE_ALL, 0 },
		{ "prices.messages_sent > 100", THR_MESSAGES_SENT,
		  THR_STREAM_NONE, THR_SCOPE_REQUEST, 0 },
		{ "prices.messages_received > 100", THR_MESSAGES_RECEIVED,
		  THR_STREAM_NONE, THR_SCOPE_REQUEST, 0 },
		{ "messages_pushed == 0", THR_MESSAGES_PUSHED, THR_STREAM_NONE,
		  THR_SCOPE_ALL, 0 },
		{ "phase:ws.messages_unmatched == 0", THR_MESSAGES_UNMATCHED,
		  THR_STREAM_NONE, THR_SCOPE_PHASE, 0 },
		{ "ticks.events >= 500", THR_EVENTS, THR_STREAM_NONE,
		  THR_SCOPE_REQUEST, 1 },
		{ "phase:sse.events_rate > 9/s", THR_EVENTS_RATE, THR_STREAM_NONE,
		  THR_SCOPE_PHASE, 1 },
		{ "phase:sse.reconnects < 5", THR_RECONNECTS, THR_STREAM_NONE,
		  THR_SCOPE_PHASE, 1 },
		{ "phase:ws.cpu_max < 80%", THR_CPU_MAX, THR_STREAM_NONE,
		  THR_SCOPE_PHASE, 0 },
	};
	char *text, *cause = NULL, *exprs[2];
	struct scenario *scn;
	const struct threshold *t;
	size_t i;

	text = xstrdup(spec_text);
	for (i = 0; i < LT_NELEM(want); i++) {
		char *more;

		xasprintf(&more, "%s  - '%s'\n", text, want[i].expr);
		free(text);
		text = more;
	}
	xasprintf(&exprs[0], "%sgrades:\n  - {metric: prices.connect.p95, "
	    "excellent: 500ms, good: 1s, acceptable: 2s}\n  - {metric: "
	    "connect_success, excellent: 99.9%%, good: 99.5%%, acceptable: "
	    "98%%}\n", text);
	scn = load_ok(exprs[0]);
	free(exprs[0]);
	free(text);
	ck_assert_uint_eq(scn->nthresholds, 4 + LT_NELEM(want));
	for (i = 0; i < LT_NELEM(want); i++) {
		t = &scn->thresholds[4 + i];
		ck_assert_msg(t->metric == want[i].metric && t->stream ==
		    want[i].stream && t->scope == want[i].scope &&
		    t->scope_index == want[i].index, "%s: metric %d stream %d "
		    "scope %d index %zu", t->expr, t->metric, t->stream,
		    t->scope, t->scope_index);
	}
	ck_assert_uint_eq(scn->ngrades, 2);
	ck_assert_int_eq(scn->grades[0].t.stream, THR_STREAM_CONNECT);
	ck_assert(!scn->grades[0].higher_better);
	ck_assert(scn->grades[1].higher_better);

	exprs[0] = xstrdup("ticks.first_event.p99 < 250ms");
	exprs[1] = xstrdup("ticks.messages_sent > 0");
	ck_assert_int_eq(scenario_add_thresholds(scn, exprs, 1, &cause), 0);
	ck_assert_int_eq(scn->thresholds[scn->nthresholds - 1].stream,
	    THR_STREAM_FIRST_EVENT);
	ck_assert_int_eq(scenario_add_thresholds(scn, exprs + 1, 1, &cause), -1);
	ck_assert_str_eq(cause, "--threshold 'ticks.messages_sent > 0': column "
	    "1: request 'ticks' is an sse stream, which has no "
	    "'messages_sent' (a websocket's)");
	free(cause);
	free(exprs[0]);
	free(exprs[1]);
	scenario_free(scn);
}
END_TEST

/* What --check says of a websocket, with and without WebSocket in the
 * libcurl loadtop is built against; this build has it. */
START_TEST(test_websocket_support)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = load_ok(spec_text);

	ck_assert_int_eq(scenario_check_streams(scn, true, "8.14.1", &errs), 0);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_int_eq(scenario_check_streams(scn, false, "7.88.1", &errs), -1);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(errs.v[0].file, "mem.yaml");
	ck_assert_int_eq(errs.v[0].line, 6);
	ck_assert_int_eq(errs.v[0].col, 5);
	ck_assert_str_eq(errs.v[0].msg, "websocket needs libcurl with WebSocket "
	    "support (7.86 or later, built with ws); this loadtop was built "
	    "against libcurl 7.88.1 without it");
	scenario_errors_clear(&errs);
	scenario_free(scn);
}
END_TEST
#else
/* This build's libcurl has no WebSocket: a websocket is refused at its
 * place, saying which libcurl; SSE streams are not. */
START_TEST(test_websocket_support)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn;
	char *want;

	ck_assert_ptr_null(load_text(spec_text, &errs));
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_int_eq(errs.v[0].line, 6);
	ck_assert_int_eq(errs.v[0].col, 5);
	xasprintf(&want, "websocket needs libcurl with WebSocket support (7.86 "
	    "or later, built with ws); this loadtop was built against libcurl "
	    "%s without it", LT_CURL_VERSION_TEXT);
	ck_assert_str_eq(errs.v[0].msg, want);
	free(want);
	scenario_errors_clear(&errs);
	scn = load_ok(sse_text);
	ck_assert_int_eq(scenario_check_streams(scn, false, "7.88.1", &errs), 0);
	ck_assert_uint_eq(errs.n, 0);
	scenario_free(scn);
}
END_TEST
#endif

/* SSE keys and defaults; stages of connections; what phases without
 * 'use' take in a scenario of both sorts; the defaults' headers are a
 * stream's too, their checks are not. */
START_TEST(test_sse_and_stages)
{
	struct scenario *scn = load_ok(sse_text);
	const struct scn_request *ticks = &scn->requests[2];
	const struct scn_request *bare = &scn->requests[3];
	const struct scn_phase *warm = &scn->phases[0], *tiers = &scn->phases[1];
	static const unsigned held[] = { 100, 1000, 0 };
	size_t i;

	ck_assert_str_eq(ticks->url, "https://127.0.0.1:8443/sse?rate=10");
	ck_assert(!ticks->sse->resume);
	ck_assert_int_eq(ticks->sse->first_event_timeout_us, 2000000);
	ck_assert_int_eq(ticks->sse->idle_timeout_us, 500000);
	ck_assert_int_eq(ticks->sse->max_event, 65536);
	ck_assert_uint_eq(ticks->headers.n, 2);
	ck_assert_str_eq(ticks->headers.v[0].name, "Authorization");
	ck_assert_uint_eq(ticks->nchecks, 0);
	ck_assert_uint_eq(scn->requests[0].nchecks, 1);
	ck_assert(bare->sse->resume);
	ck_assert_int_eq(bare->sse->first_event_timeout_us, 10000000);
	ck_assert_int_eq(bare->sse->max_event, 1024 * 1024);

	/* sustained: the HTTP requests of a weight above 0. */
	ck_assert_uint_eq(warm->nuse, 1);
	ck_assert_uint_eq(warm->use[0], 0);
	/* connections: the streams. */
	ck_assert_uint_eq(tiers->nuse, 2);
	ck_assert_uint_eq(tiers->use[0], 2);
	ck_assert_uint_eq(tiers->use[1], 3);
	ck_assert_double_eq(tiers->connect_rate, 5);
	ck_assert(!tiers->reconnect);
	ck_assert_int_eq(tiers->reconnect_delay_us, 250000);
	ck_assert_uint_eq(tiers->nstages, 3);
	/* The most a stage holds. */
	ck_assert_uint_eq(tiers->connections, 1000);
	ck_assert_int_eq(tiers->duration_us, 0);
	for (i = 0; i < tiers->nstages; i++)
		ck_assert_uint_eq(tiers->stages[i].connections, held[i]);
	ck_assert_int_eq(tiers->stages[1].duration_us, 60000000);
	ck_assert_str_eq(tiers->stages[1].name, "top");
	ck_assert(scn->phases[2].reconnect);
	scenario_free(scn);
}
END_TEST

/* NAME.connect.p95 of an HTTP request named "NAME.connect" is its own
 * latency, even beside an HTTP request NAME; stage:NAME of a
 * connections phase takes the target's metrics. */
START_TEST(test_dotted_names)
{
	struct scenario *scn = load_ok(
	    "name: d\n"
	    "target: {base_url: http://127.0.0.1:8080}\n"
	    "requests:\n"
	    "  - {name: db.connect, path: /db}\n"
	    "  - {name: db, path: /db/all}\n"
	    "  - {name: t, path: /sse, sse: {}}\n"
	    "phases:\n"
	    "  - {kind: burst, requests: 5}\n"
	    "  - {kind: connections, stages: [{name: held, duration: 1s, "
	    "connections: 2}]}\n"
	    "thresholds:\n"
	    "  - db.connect.p95 < 1s\n"
	    "  - stage:held.cpu_max < 50%\n");

	ck_assert_int_eq(scn->thresholds[0].stream, THR_STREAM_NONE);
	ck_assert_str_eq(scn->thresholds[0].scope_name, "db.connect");
	ck_assert_uint_eq(scn->thresholds[0].scope_index, 0);
	ck_assert_int_eq(scn->thresholds[1].scope, THR_SCOPE_STAGE);
	scenario_free(scn);
}
END_TEST

/* Models built without the parser are held to the streams' limits. */
START_TEST(test_stream_limits)
{
	struct scenario *scn = load_ok(sse_text);
	char *cause = NULL;

	ck_assert_int_eq(scenario_check_limits(scn, &cause), 0);
	scn->requests[2].sse->max_event = 2 * SCN_MAX_MESSAGE;
	ck_assert_int_eq(scenario_check_limits(scn, &cause), -1);
	ck_assert_str_eq(cause, "mem.yaml:12:5: request 'ticks': 'max_event' is "
	    "128 MB; at most 64 MB");
	free(cause);
	scn->requests[2].sse->max_event = SCN_MAX_MESSAGE;
	scn->phases[1].stages[1].connections = SCN_MAX_CONNECTIONS + 1;
	ck_assert_int_eq(scenario_check_limits(scn, &cause), -1);
	ck_assert_str_eq(cause, "mem.yaml:23:9: stage 2 of connections 'tiers': "
	    "'connections' is 100001 connections; at most 100000 connections");
	free(cause);
	scn->phases[1].stages[1].connections = SCN_MAX_CONNECTIONS;
	scn->phases[1].reconnect_delay_us = SCN_MAX_DURATION_US + 1;
	ck_assert_int_eq(scenario_check_limits(scn, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "'reconnect_delay' is 30 days; "));
	free(cause);
	scenario_free(scn);
}
END_TEST

/* Every cause a stream is dropped for is in the manual, as reports
 * name it. */
START_TEST(test_drops_in_manual)
{
	char *man, *sec, *end, *want;
	size_t len;
	int d;

	man = util_read_file(LT_SRCDIR "/man/loadtop-scenario.5", &len);
	ck_assert_ptr_nonnull(man);
	sec = strstr(man, "\n.SS Drops and reconnects\n");
	ck_assert_ptr_nonnull(sec);
	if ((end = strstr(sec + 1, "\n.SS ")) != NULL)
		*end = '\0';
	for (d = 0; d < DROP__COUNT; d++) {
		xasprintf(&want, "\n.B %s\n", kinds_drop_name((enum lt_drop)d));
		ck_assert_msg(strstr(sec, want) != NULL, "STREAMS lacks the "
		    "drop '%s'", kinds_drop_name((enum lt_drop)d));
		free(want);
	}
	ck_assert_str_eq(kinds_drop_name(DROP__COUNT), "?");
	free(man);
}
END_TEST

/* The heads the error cases follow: streams of both sorts, or none. */
static const char err_head[] =
    "name: t\n"
    "target: {base_url: http://127.0.0.1:8080}\n"
    "requests:\n"
    "  - {name: ok, path: /ok}\n"
    "  - name: feed\n"
    "    path: /ws/feed\n"
    "    websocket: {}\n"
    "  - name: ticks\n"
    "    path: /sse\n"
    "    sse: {}\n";
static const char bare_head[] =
    "name: t\n"
    "target: {base_url: http://127.0.0.1:8080}\n"
    "requests:\n"
    "  - {name: ok, path: /ok}\n";

struct err_case {
	bool bare;			/* after bare_head, else err_head */
	const char *tail;
	int line, col;
	const char *msg;
};

static const struct err_case err_cases[] = {
	{ false, "  - {name: w, url: 'http://h/ws', websocket: {}}\n",
	  11, 20, "a websocket request's 'url' must start with ws:// or "
	  "wss://, got 'http://h/ws' (with 'path', base_url's http:// "
	  "becomes ws://) in request 'w'" },
	{ false, "  - {name: w, url: 'wss://h/ws'}\n",
	  11, 20, "'wss://h/ws' is a WebSocket URL: a request to it needs "
	  "'websocket' (and a connections phase to open it) in request 'w'" },
	{ false, "  - {name: w, path: /ws, websocket: {}, sse: {}}\n",
	  11, 41, "'websocket' and 'sse' cannot both be given in request "
	  "'w'; a stream is one or the other" },
	{ false, "  - {name: w, path: /ws, method: post, websocket: {}}\n",
	  11, 34, "a websocket stream opens with a GET; 'method' cannot be "
	  "'POST' in request 'w'" },
	{ false, "  - {name: w, path: /ws, body: x, websocket: {}}\n",
	  11, 26, "'body' does not apply to a websocket stream: its request "
	  "has no body ('send' gives a websocket's messages), in request "
	  "'w'" },
	{ false, "  - {name: w, path: /ws, body_file: x.json, sse: {}}\n",
	  11, 26, "'body_file' does not apply to an sse stream: its request "
	  "has no body, in request 'w'" },
	{ false, "  - {name: w, path: /ws, sse: {}, checks: [{body_contains: "
	  "x}]}\n",
	  11, 35, "'checks' does not apply to an sse stream: it has no "
	  "response to check, in request 'w'" },
	{ false, "  - {name: w, path: /ws, sse: {}, outcome: {json: /s}}\n",
	  11, 35, "'outcome' does not apply to an sse stream: it has no "
	  "response to read an outcome from, in request 'w'" },
	{ false, "  - {name: w, path: /ws, sse: {}, capture: {t: {json: "
	  "/t}}}\n",
	  11, 35, "'capture' does not apply to an sse stream: it captures "
	  "nothing, in request 'w'" },
	{ false, "  - {name: w, path: /ws, sse: {}, expect_status: 200}\n",
	  11, 35, "'expect_status' does not apply to an sse stream: its "
	  "handshake must succeed (101 for a websocket, 2xx for sse), in "
	  "request 'w'" },
	{ false, "  - {name: w, path: /ws, sse: {}, max_body: 1KB}\n",
	  11, 35, "'max_body' does not apply to an sse stream: it keeps no "
	  "response body (see max_message and max_event), in request 'w'" },
	{ false, "  - {name: w, path: /ws, sse: {}, group: g}\n",
	  11, 35, "'group' does not apply to an sse stream: a group merges "
	  "the figures of HTTP requests, in request 'w'" },
	{ false, "  - {name: w, path: /ws, sse: {}, sign: {hmac_sha256: "
	  "{secret_env: K}}}\n",
	  11, 35, "'sign' does not apply to an sse stream: its request has "
	  "no body to sign, in request 'w'" },
	{ false, "  - {name: w, path: /ws, websocket: [send]}\n",
	  11, 37, "'websocket' must be a mapping such as {send: '...', "
	  "message_rate: 5/s}, or {} for its defaults, got a list" },
	{ false, "  - {name: w, path: /ws, sse: 'yes'}\n",
	  11, 31, "'sse' must be a mapping such as {resume: false}, or {} "
	  "for its defaults, got 'yes'" },
	{ false, "  - {name: w, path: /ws, websocket: {send: x}}\n",
	  11, 38, "'send' needs 'message_rate', how many messages a second "
	  "each connection sends in websocket in request 'w'" },
	{ false, "  - {name: w, path: /ws, websocket: {message_rate: 2/s}}\n",
	  11, 38, "'message_rate' needs 'send', the message each connection "
	  "sends in websocket in request 'w'" },
	{ false, "  - {name: w, path: /ws, websocket: {reply: echo}}\n",
	  11, 38, "'reply' matches the answers to what 'send' sends; without "
	  "'send' nothing is awaited in websocket in request 'w'" },
	{ false, "  - {name: w, path: /ws, websocket: {send: x, "
	  "message_rate: 1/s, reply: first}}\n",
	  11, 73, "'reply' must be echo, none or json:POINTER such as "
	  "json:/seq, got 'first'" },
	{ false, "  - {name: w, path: /ws, websocket: {send: x, "
	  "message_rate: 1/s, reply: 'json:seq'}}\n",
	  11, 79, "'reply: json:' needs a JSON pointer to the field replies "
	  "share with their message, starting with '/', such as "
	  "json:/seq, got 'json:seq'" },
	{ false, "  - {name: w, path: /ws, websocket: {send: x, "
	  "message_rate: 1/s, reply: 'json:/a~2'}}\n",
	  11, 81, "'reply': in a JSON pointer '~' must be followed by 0 "
	  "('~') or 1 ('/'), got 'json:/a~2'" },
	{ false, "  - {name: w, path: /ws, websocket: {send: "
	  "'{\"t\":\"${var:token}\"}', message_rate: 1/s}}\n",
	  11, 51, "'send' cannot use ${var:token}: a stream captures "
	  "nothing, so no variable is ever set on it" },
	{ false, "  - {name: w, path: /ws, websocket: {on_open: 'hi "
	  "${nope}'}}\n",
	  11, 51, "on_open: unknown variable '${nope}'; expected seq, uuid, "
	  "now_ms, now_iso, rand:LO-HI, env:NAME or var:NAME" },
	{ false, "  - {name: w, path: /ws, websocket: {send: x, "
	  "message_rate: fast}}\n",
	  11, 61, "'message_rate' must be a rate such as 100/s, got 'fast'" },
	{ false, "  - {name: w, path: /ws, websocket: {ping_interval: "
	  "soon}}\n",
	  11, 53, "'ping_interval' must be a duration such as 250ms, 5s or "
	  "2m, got 'soon'" },
	{ false, "  - {name: w, path: /ws, websocket: {pong_timeout: 3s}}\n",
	  11, 38, "'pong_timeout' needs 'ping_interval', the pings it waits "
	  "for the answers to in websocket in request 'w'" },
	{ false, "  - {name: w, path: /ws, websocket: {ping_interval: 1s, "
	  "pong_timeout: 0s}}\n",
	  11, 71, "'pong_timeout' must be more than 0 and at most 30 days, "
	  "got 0s" },
	{ false, "  - {name: w, path: /ws, websocket: {max_message: 65MB}}\n",
	  11, 51, "'max_message' must be more than 0 and at most 64MB, got "
	  "65MB" },
	{ false, "  - {name: w, path: /ws, websocket: {sendd: x}}\n",
	  11, 38, "unknown key 'sendd' in websocket in request 'w' (did you "
	  "mean 'send'?)" },
	{ false, "  - {name: w, path: /ws, sse: {resum: false}}\n",
	  11, 32, "unknown key 'resum' in sse in request 'w' (did you mean "
	  "'resume'?)" },
	{ false, "  - {name: w, path: /ws, sse: {resume: maybe}}\n",
	  11, 40, "'resume' must be true or false, got 'maybe'" },
	{ false, "  - {name: w, path: /ws, sse: {first_event_timeout: 0s}}\n",
	  11, 53, "'first_event_timeout' must be more than 0 and at most 30 "
	  "days, got 0s" },
	{ false, "  - {name: w, path: /ws, sse: {idle_timeout: never}}\n",
	  11, 46, "'idle_timeout' must be a duration such as 250ms, 5s or "
	  "2m, got 'never'" },
	{ false, "  - {name: w, path: /ws, sse: {max_event: 0B}}\n",
	  11, 43, "'max_event' must be more than 0 and at most 64MB, got 0B" },
	{ false, "  - {name: w, path: /ws, headers: {X-T: 'a ${var:token}'}, "
	  "websocket: {}}\n  - {name: l, path: /l, capture: {token: {json: "
	  "/t}}}\n",
	  11, 44, "request 'w' is a websocket stream, which no flow sends: "
	  "${var:token} is never set for it" },
	{ false, "phases:\n  - {kind: connections, connections: 1, duration: "
	  "1s, use: [feed, ok]}\n",
	  12, 67, "'use' names 'ok', which is no stream (it has neither "
	  "'websocket' nor 'sse'), in phase 'connections-1'; a "
	  "connections phase opens streams only" },
	{ false, "phases:\n  - {kind: sustained, rate: 1/s, duration: 1s, "
	  "use: ticks}\n",
	  12, 53, "'use' names 'ticks', an sse stream, in phase "
	  "'sustained-1'; streams are opened by connections phases only" },
	{ false, "phases:\n  - {kind: connections, duration: 1s}\n",
	  12, 5, "phase 'connections-1' (connections) needs 'connections'" },
	{ false, "phases:\n  - {kind: connections, connections: 2}\n",
	  12, 5, "phase 'connections-1' (connections) needs 'duration'" },
	{ false, "phases:\n  - {kind: connections, connections: 2, duration: "
	  "1s, rate: 5/s}\n",
	  12, 55, "key 'rate' does not apply to connections phases, in phase "
	  "'connections-1'" },
	{ false, "phases:\n  - {kind: sustained, rate: 1/s, duration: 1s, "
	  "connect_rate: 5/s}\n",
	  12, 48, "key 'connect_rate' does not apply to sustained phases, in "
	  "phase 'sustained-1'" },
	{ false, "phases:\n  - {kind: burst, requests: 1, reconnect: false}\n",
	  12, 32, "key 'reconnect' does not apply to burst phases, in phase "
	  "'burst-1'" },
	{ false, "phases:\n  - {kind: connections, connections: 2, stages: "
	  "[{duration: 1s, connections: 2}]}\n",
	  12, 41, "'connections' and 'stages' cannot both be given in phase "
	  "'connections-1'; each stage gives its duration and its "
	  "connections" },
	{ false, "phases:\n  - {kind: connections, stages: [{duration: "
	  "1s}]}\n",
	  12, 34, "stage 1 in phase 'connections-1' needs 'connections', how "
	  "many streams it holds" },
	{ false, "phases:\n  - {kind: connections, stages: [{duration: 1s, "
	  "users: 3}]}\n",
	  12, 49, "key 'users' does not apply to connections phases, in "
	  "stage 1 in phase 'connections-1'" },
	{ false, "phases:\n  - {kind: ramp, stages: [{duration: 1s, rate: 5, "
	  "connections: 3}]}\n",
	  12, 51, "key 'connections' does not apply to ramp phases, in stage "
	  "1 in phase 'ramp-1'" },
	{ false, "phases:\n  - {kind: connections, stages: [{duration: 1s, "
	  "connections: 0}]}\n",
	  12, 25, "every stage holds 0 connections in phase 'connections-1'; "
	  "a connections phase opens at least one" },
	{ false, "phases:\n  - {kind: connections, connections: 2, duration: "
	  "1s, connect_rate: fast}\n",
	  12, 69, "'connect_rate' must be a rate such as 100/s, got 'fast'" },
	{ false, "phases:\n  - {kind: connections, connections: 2, duration: "
	  "1s, reconnect_delay: -1s}\n",
	  12, 72, "'reconnect_delay' must be a duration such as 250ms, 5s or "
	  "2m, got '-1s'" },
	{ false, "phases:\n  - {kind: connections, connections: 100001, "
	  "duration: 1s}\n",
	  12, 38, "'connections' must be between 1 and 100000, got 100001" },
	{ false, "phases:\n  - {kind: connections, stages: 3}\n",
	  12, 33, "'stages' must be a non-empty list of {duration, "
	  "connections}, got '3'" },
	{ false, "flows: [{name: f, steps: [ok, feed]}]\nphases:\n  - {kind: "
	  "sustained, users: 1, duration: 1s, use: f}\n",
	  11, 31, "step names 'feed', a websocket stream, in flow 'f'; a "
	  "flow sends HTTP requests, and streams are opened by "
	  "connections phases" },
	{ false, "flows: [{name: f, steps: [ok]}]\nphases:\n  - {kind: "
	  "connections, connections: 1, duration: 1s, use: f}\n",
	  13, 60, "a connections phase cannot run a flow ('use: f'); flows "
	  "run in sustained, ramp and soak phases in phase 'connections-1'" },
	{ false, "thresholds:\n  - ok.connect.p95 < 1s\n",
	  12, 5, "threshold 'ok.connect.p95 < 1s': request 'ok' is no stream "
	  "(it has neither 'websocket' nor 'sse'): 'connect' is a "
	  "stream's latency" },
	{ false, "thresholds:\n  - feed.p95 < 1s\n",
	  12, 5, "threshold 'feed.p95 < 1s': request 'feed' is a websocket: "
	  "'p95' measures HTTP requests; a stream's latencies are "
	  "feed.connect.p95, feed.rtt.p95, feed.ping.p95, "
	  "feed.session.p95, its counts feed.connect_errors and the like" },
	{ false, "thresholds:\n  - ticks.rtt.p95 < 1s\n",
	  12, 5, "threshold 'ticks.rtt.p95 < 1s': request 'ticks' is an sse "
	  "stream, which has no 'rtt' (a websocket's)" },
	{ false, "thresholds:\n  - feed.events > 1\n",
	  12, 5, "threshold 'feed.events > 1': request 'feed' is a "
	  "websocket, which has no 'events' (an sse stream's)" },
	{ false, "thresholds:\n  - feed.connect.errors == 0\n",
	  12, 18, "threshold 'feed.connect.errors == 0': NAME.connect takes "
	  "a latency metric (p50 to p999, min, mean, max), not 'errors'; "
	  "a stream's counts are NAME.connect_errors, NAME.reconnects and "
	  "the like" },
	{ false, "thresholds:\n  - phase:c.p95 < 1s\n",
	  12, 11, "threshold 'phase:c.p95 < 1s': phase 'c' is a connections "
	  "phase, which sends no HTTP requests for 'p95' to measure; its "
	  "streams are judged by phase:c.connect_errors, NAME.connect.p95 "
	  "and the like" },
	{ false, "thresholds:\n  - phase:s.connect_errors == 0\n",
	  12, 8, "threshold 'phase:s.connect_errors == 0': phase 's' is a "
	  "sustained phase: 'connect_errors' counts the streams of a "
	  "connections phase" },
	{ false, "thresholds:\n  - phase:c.connect.p95 < 1s\n",
	  12, 11, "threshold 'phase:c.connect.p95 < 1s': a stream's latency "
	  "is judged per stream request, as NAME.connect.p95, not per "
	  "phase" },
	{ false, "thresholds:\n  - group:g.connect_errors == 0\n",
	  12, 13, "threshold 'group:g.connect_errors == 0': connect_errors "
	  "is counted over the run's streams, a stream request "
	  "(NAME.connect_errors) or a connections phase "
	  "(phase:NAME.connect_errors)" },
	{ false, "thresholds:\n  - events_rate > fast\n",
	  12, 19, "threshold 'events_rate > fast': rate 'fast' is not valid; "
	  "expected a number of requests, such as 100, 100/s, 6000/m or "
	  "360000/h" },
	{ false, "thresholds:\n  - connect_success > 99\n",
	  12, 23, "threshold 'connect_success > 99': connect_success is a "
	  "percentage and needs a % sign, such as 99%" },
	{ false, "thresholds:\n  - feeds.ping.p95 < 1s\n",
	  12, 5, "threshold 'feeds.ping.p95 < 1s': unknown request 'feeds' "
	  "(did you mean 'feed'?)" },
	{ false, "grades:\n  - {metric: ticks.ping.p95, excellent: 1ms, "
	  "good: 2ms, acceptable: 3ms}\n",
	  12, 14, "grade 'ticks.ping.p95': request 'ticks' is an sse stream, "
	  "which has no 'ping' (a websocket's)" },
	{ false, "grades:\n  - {metric: connect_success, excellent: 99%, "
	  "good: 98%, acceptable: 1s}\n",
	  12, 70, "grade 'connect_success': acceptable: connect_success is a "
	  "percentage and needs a % sign, such as 1%" },
	{ true, "phases:\n  - {kind: connections, connections: 1, duration: "
	  "1s}\n",
	  6, 5, "a connections phase opens streams, and no request has "
	  "'websocket' or 'sse' in phase 'connections-1'" },
	{ true, "  - {name: f, path: /f, sse: {}, weight: 0}\nphases:\n  - "
	  "{kind: connections, connections: 1, duration: 1s}\n",
	  7, 5, "every request the phase sends has weight 0 in phase "
	  "'connections-1'; name the ones to send in 'use'" },
	{ true, "  - {name: f, path: /f, sse: {}}\nphases:\n  - {kind: "
	  "connections, connections: 1, duration: 1s}\n  - {name: p, kind: "
	  "connections, connections: 1, duration: 1s}\nthresholds:\n  - "
	  "messages_sent > 0\n",
	  10, 5, "threshold 'messages_sent > 0': no request is a websocket, "
	  "whose 'messages_sent' it counts" },
	{ true, "  - {name: f, path: /f, sse: {}}\nphases:\n  - {name: p, "
	  "kind: connections, connections: 1, duration: 1s}\nthresholds:\n  "
	  "- phase:p.messages_received > 0\n",
	  9, 5, "threshold 'phase:p.messages_received > 0': phase 'p' opens "
	  "no websocket, whose 'messages_received' it counts" },
	{ true, "thresholds:\n  - reconnects == 0\nphases:\n  - {name: s, "
	  "kind: sustained, rate: 1/s, duration: 1s}\n",
	  6, 5, "threshold 'reconnects == 0': no request is a stream "
	  "(websocket or sse), whose 'reconnects' it counts" },
};

/* Each case fails with its message at its place (among the errors: a
 * build without WebSocket refuses err_head's websocket too). */
START_TEST(test_errors)
{
	const struct err_case *c = &err_cases[_i];
	const char *phases = strstr(c->tail, "phases:") != NULL ? "" :
	    c->bare ? "phases:\n  - {name: s, kind: sustained, rate: 1/s, "
	    "duration: 1s}\n" : "phases:\n  - {name: c, kind: connections, "
	    "connections: 1, duration: 1s}\n  - {name: s, kind: sustained, "
	    "rate: 1/s, duration: 1s}\n";
	char *text;

	xasprintf(&text, "%s%s%s", c->bare ? bare_head : err_head, c->tail,
	    phases);
	assert_error_at(text, c->line, c->col, c->msg, false, _i);
}
END_TEST

static Suite *
streams_suite(void)
{
	Suite *s = suite_create("scenario-streams");
	TCase *tc = tcase_create("model");

#ifdef HAVE_CURL_WS
	tcase_add_test(tc, test_spec_requests);
	tcase_add_test(tc, test_spec_phases);
	tcase_add_test(tc, test_spec_thresholds);
	tcase_add_test(tc, test_websocket_forms);
	tcase_add_test(tc, test_stream_thresholds);
#endif
	tcase_add_test(tc, test_websocket_support);
	tcase_add_test(tc, test_sse_and_stages);
	tcase_add_test(tc, test_dotted_names);
	tcase_add_test(tc, test_stream_limits);
	tcase_add_test(tc, test_drops_in_manual);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_errors, 0, (int)LT_NELEM(err_cases));
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(streams_suite)
