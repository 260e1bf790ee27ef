/*
 * A run of streams, for the readers' and the judge's tests: a WebSocket
 * request (prices, held by phase ws), an SSE one (ticks, held by phase
 * sse) and a plain request (api, sent by phase steady), with every
 * figure of a snap_stream set.  The scenario is made from YAML, then
 * given its streams by hand.  Static: each test includes it.
 *
 * prices: 520 attempts (500 and 20 reconnects): 510 opened, 10 failed
 * (4 refused, 6 handshake: 503 x 4, 400 x 2); of the 510, 495 closed by
 * loadtop and 15 dropped (3 timeout, 5 closed: 1011 x 3, 1001 x 2, 2
 * reset, 4 protocol, 1 too_big).  ticks: 100 opened and closed, 60,000
 * events in its 60 s.
 */
#ifndef LT_TEST_STREAMS_FIXTURE_H
#define LT_TEST_STREAMS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "scenario.h"
#include "snapshot.h"
#include "util.h"

static const char streams_yaml[] =
	"name: streams\n"
	"target: {base_url: 'http://127.0.0.1:1'}\n"
	"requests:\n"
	"  - {name: prices, path: /ws/echo}\n"
	"  - {name: ticks, path: '/sse?rate=1000'}\n"
	"  - {name: api, path: /ok}\n"
	"phases:\n"
	"  - {name: ws, kind: idle, duration: 60s}\n"
	"  - {name: sse, kind: idle, duration: 60s}\n"
	"  - {name: steady, kind: sustained, rate: 10, duration: 10s, "
	"use: [api]}\n";

/* Phase i a connections phase of n streams of request k. */
static void
streams_phase(struct scenario *scn, size_t i, size_t k, unsigned n,
    double connect_rate)
{
	struct scn_phase *p = &scn->phases[i];

	p->kind = SCN_CONNECTIONS;
	p->model = SCN_MODEL_NONE;
	p->connections = n;
	p->connect_rate = connect_rate;
	p->reconnect = true;
	p->reconnect_delay_us = 1000000;
	free(p->use);
	p->use = xcalloc(1, sizeof *p->use);
	p->use[0] = k;
	p->nuse = 1;
}

static struct scenario *
streams_scenario(void)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;
	struct scn_request *rq;

	if (scenario_load_buffer("s.yaml", streams_yaml, strlen(streams_yaml),
	    &scn, &errs) != 0) {
		scenario_errors_print(stderr, &errs);
		ck_abort_msg("scenario refused");
	}
	rq = &scn->requests[0];
	free(rq->url);
	rq->url = xstrdup("ws://127.0.0.1:1/ws/echo");
	rq->websocket = xcalloc(1, sizeof *rq->websocket);
	rq->websocket->message_rate = 5;
	rq->websocket->reply = SCN_WS_REPLY_ECHO;
	rq->websocket->ping_interval_us = 5000000;
	scn->requests[1].sse = xcalloc(1, sizeof *scn->requests[1].sse);
	scn->requests[1].sse->resume = true;
	streams_phase(scn, 0, 0, 500, 50);
	streams_phase(scn, 1, 1, 100, 0);
	return scn;
}

/* The streams were made here: free them before the scenario does. */
static void
streams_scenario_free(struct scenario *scn)
{
	size_t i;

	for (i = 0; i < scn->nrequests; i++) {
		free(scn->requests[i].websocket);
		free(scn->requests[i].sse);
		scn->requests[i].websocket = NULL;
		scn->requests[i].sse = NULL;
	}
	scenario_free(scn);
}

static void
streams_lat(struct snap_lat *l, uint64_t n, double p50, double p95,
    double p99)
{
	l->count = n;
	l->min = p50 / 2;
	l->mean = p50;
	l->p50 = l->p75 = p50;
	l->p90 = l->p95 = p95;
	l->p99 = l->p999 = p99;
	l->max = p99 * 2;
}

static struct snap_status *
streams_codes(size_t n, const int *codes, const uint64_t *counts)
{
	struct snap_status *st = xcalloc(n, sizeof *st);
	size_t i;

	for (i = 0; i < n; i++)
		st[i] = (struct snap_status){ codes[i], counts[i] };
	return st;
}

static void
streams_prices(struct snap_stream *st)
{
	static const int hs[] = { 503, 400 }, cc[] = { 1011, 1001 };
	static const uint64_t hsn[] = { 4, 2 }, ccn[] = { 3, 2 };

	*st = (struct snap_stream){ .name = "prices", .request = 0,
	    .attempts = 520, .opened = 510, .closed = 495, .reconnects = 20,
	    .sent = 150000, .received = 149990, .matched = 149980,
	    .unmatched = 4, .pushed = 6, .pings = 6000, .pongs = 5997,
	    .bytes_in = 4500000, .bytes_out = 4600000, .sent_rate = 2500,
	    .received_rate = 2499.5 };
	st->drops[DROP_REFUSED] = 4;
	st->drops[DROP_HANDSHAKE] = 6;
	st->drops[DROP_TIMEOUT] = 3;
	st->drops[DROP_CLOSED] = 5;
	st->drops[DROP_RESET] = 2;
	st->drops[DROP_PROTOCOL] = 4;
	st->drops[DROP_TOO_BIG] = 1;
	st->handshake_status = streams_codes(2, hs, hsn);
	st->nhandshake_status = 2;
	st->close_codes = streams_codes(2, cc, ccn);
	st->nclose_codes = 2;
	streams_lat(&st->connect, 510, 2, 8, 20);
	streams_lat(&st->rtt, 149980, 0.5, 1.5, 4);
	streams_lat(&st->ping, 5997, 0.4, 1.2, 3);
	streams_lat(&st->session, 510, 59000, 60000, 60000);
}

static void
streams_ticks(struct snap_stream *st)
{
	*st = (struct snap_stream){ .name = "ticks", .request = 1, .sse = true,
	    .attempts = 100, .opened = 100, .closed = 100, .events = 60000,
	    .bytes_in = 3000000, .events_rate = 1000 };
	streams_lat(&st->first_event, 100, 3, 9, 15);
	streams_lat(&st->gap, 59900, 1, 1.1, 1.5);
	streams_lat(&st->session, 100, 60000, 60000, 60000);
}

static void
streams_phases(struct snapshot *s, const struct scenario *scn)
{
	size_t i;

	s->nphases = 3;
	s->phases = xcalloc(3, sizeof *s->phases);
	for (i = 0; i < 3; i++)
		s->phases[i] = (struct snap_phase){ .name = scn->phases[i].name,
		    .kind = scn->phases[i].kind, .state = PHASE_DONE,
		    .started = 60.0 * (double)i, .ended = i < 2 ?
		    60.0 * (double)(i + 1) : 130, .progress = 1 };
	s->phases[2].block = s->total;
}

/* Thirty-second points over the two connections phases: open and
 * connecting at their ends, the rest in them. */
static void
streams_series(struct snapshot *s)
{
	static const uint64_t open[] = { 500, 498, 100, 0 };
	static const uint64_t dropped[] = { 10, 15, 0, 0 };
	size_t i;

	s->nseries = 4;
	s->series = xcalloc(4, sizeof *s->series);
	for (i = 0; i < 4; i++) {
		struct snap_point *p = &s->series[i];

		p->t = 30.0 * (double)(i + 1);
		p->seconds = 30;
		p->phase = i < 2 ? 0 : 1;
		p->streams_open = open[i];
		p->streams_connecting = i == 0 ? 3 : 0;
		p->streams_dropped = dropped[i];
		p->messages_out = i < 2 ? 75000 : 0;
		p->messages_in = i < 2 ? 74995 : 0;
		p->events = i < 2 ? 0 : 30000;
		p->cpu = p->rss_mb = -1;
		p->users = -1;
	}
}

/* The run over: 130 s, api's 100 requests in the last 10. */
static struct snapshot *
streams_snap(const struct scenario *scn)
{
	struct snapshot *s = xcalloc(1, sizeof *s);

	s->refs = 1;
	s->scn = scn;
	s->state = ENGINE_DONE;
	s->end_reason = END_COMPLETED;
	s->elapsed = 130;
	s->wall_start_us = 1700000000LL * 1000000;
	s->wall_us = s->wall_start_us + 130000000;
	s->threads = 2;
	s->factor = 1;
	s->load.users_peak = -1;
	s->phase = 3;
	s->total.n.started = s->total.n.completed = s->total.n.responses = 100;
	s->total.n.classes[CLS_OK] = 100;
	s->total.seconds = 130;
	s->total.rps = 100.0 / 130;
	streams_lat(&s->total.latency, 100, 1, 2, 3);
	s->nrequests = 3;
	s->requests = xcalloc(3, sizeof *s->requests);
	s->requests[0].name = "prices";
	s->requests[1].name = "ticks";
	s->requests[2].name = "api";
	s->requests[2].total = s->total;
	s->nstreams = 2;
	s->streams = xcalloc(2, sizeof *s->streams);
	streams_prices(&s->streams[0]);
	streams_ticks(&s->streams[1]);
	streams_phases(s, scn);
	streams_series(s);
	return s;
}

#endif
