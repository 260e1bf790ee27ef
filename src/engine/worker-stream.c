/*
 * A worker's part of a connections phase: its streams, opened at the
 * phase's connect rate up to its share of the number the phase wants
 * now, closed newest first when that number falls and all of them, each
 * cleanly, at the plan's end.  A stream that drops opens again after
 * the reconnect delay.  What a WebSocket or an SSE stream does on its
 * connection is in worker-stream-ws.c and worker-stream-sse.c.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "util.h"
#include "worker-stream-int.h"

static struct stream *
stream_new(struct worker *w, unsigned index)
{
	struct stream *s = xcalloc(1, sizeof *s);

	s->w = w;
	s->index = index;
	s->req = SIZE_MAX;
	s->fd = -1;
	s->heap_at = UINT_MAX;
	s->due = INT64_MAX;
	s->why = -1;
	s->next_send_ns = s->next_ping_ns = INT64_MAX;
	stream_match_init(&s->match);
	return s;
}

static void
stream_free(struct stream *s)
{
	if (s->ops != NULL && s->st != STREAM_IDLE && s->st != STREAM_WAITING &&
	    s->st != STREAM_DEAD)
		s->ops->release(s);
	if (s->buf != NULL)
		request_buf_free(s->buf, s->preq);
	stream_match_free(&s->match);
	free(s->out);
	free(s->msg);
	if (s->sse != NULL)
		free(s->sse->id_line);
	free(s->sse);
	free(s);
}

void
worker_streams_plan(struct worker *w, int64_t now)
{
	const struct worker_streams_plan *sp = &w->plan.streams;
	struct worker_streams *ws = w->streams;
	unsigned i;

	if (ws == NULL) {
		ws = w->streams = xcalloc(1, sizeof *ws);
		ws->multi_due = INT64_MAX;
	}
	/* Every stream takes its request anew: plans use different ones. */
	for (i = 0; i < ws->n; i++)
		if (ws->v[i]->st == STREAM_IDLE || ws->v[i]->st == STREAM_DEAD) {
			ws->v[i]->st = STREAM_IDLE;
			ws->v[i]->req = SIZE_MAX;
		}
	ws->top = 0;
	ws->draining = false;
	ws->ramp = sp->count.nseg > 1;
	ws->connect_gap_ns = sp->connect_rate > 0 ?
	    (int64_t)(1e9 * sp->parts / sp->connect_rate) : 0;
	/* The workers' connects interleave. */
	ws->next_connect_ns = now + ws->connect_gap_ns * sp->part /
	    LT_MAX(sp->parts, 1u);
}

/* This worker's part of the streams the phase wants at now: of the
 * first t, those whose number is part modulo parts. */
static unsigned
wanted(const struct worker *w, int64_t now)
{
	const struct worker_streams_plan *sp = &w->plan.streams;
	double t = pace_rate_at(&sp->count, now);
	long total = lround(LT_MAX(t, 0.0));

	if (sp->parts == 0 || total <= (long)sp->part)
		return 0;
	return (unsigned)((total - (long)sp->part + sp->parts - 1) / sp->parts);
}

/* Whether the connect rate lets one more begin now. */
static bool
may_connect(struct worker_streams *ws, int64_t now)
{
	if (ws->connect_gap_ns == 0)
		return true;
	if (ws->next_connect_ns > now)
		return false;
	/* Time that no connect used is not saved up, beyond one. */
	ws->next_connect_ns = LT_MAX(ws->next_connect_ns,
	    now - ws->connect_gap_ns) + ws->connect_gap_ns;
	return true;
}

static void
take_request(struct stream *s)
{
	struct worker *w = s->w;
	const struct scn_request *r;

	s->req = worker_pick_request(w);
	if (s->buf != NULL && s->preq != &w->env->preqs[s->req]) {
		request_buf_free(s->buf, s->preq);
		s->buf = NULL;
	}
	s->preq = &w->env->preqs[s->req];
	r = s->preq->r;
	s->stats = stats_stream_of(w->stats, s->req);
	s->ops = r->sse != NULL ? &worker_sse_ops : &worker_ws_ops;
}

static void
stream_open(struct stream *s, int64_t now)
{
	if (s->req == SIZE_MAX)
		take_request(s);
	if (s->stats == NULL) {		/* not a stream: nothing to hold */
		s->st = STREAM_DEAD;
		return;
	}
	s->w->streams->live++;
	s->st = STREAM_CONNECTING;
	s->started_ns = now;
	s->opened_ns = 0;
	s->why = -1;
	STREAM_COUNT(s, attempts, 1);
	STREAM_COUNT(s, connecting, 1);
	if (s->reconnecting)
		STREAM_COUNT(s, reconnects, 1);
	s->ops->start(s, now);
}

/* Close s, which is no longer wanted: cleanly when open. */
static void
stream_retire(struct stream *s, int64_t now)
{
	switch (s->st) {
	case STREAM_CONNECTING:
	case STREAM_OPEN:
		s->ops->close(s, now);
		break;
	case STREAM_WAITING:
	case STREAM_DEAD:
		worker_stream_due(s, INT64_MAX);
		s->st = STREAM_IDLE;
		break;
	default:
		break;			/* closed, or closing already */
	}
}

/* Open or close streams to the number wanted now. */
static void
hold_number(struct worker *w, int64_t now)
{
	struct worker_streams *ws = w->streams;
	unsigned want = wanted(w, now), i;

	while (ws->top > want)
		stream_retire(ws->v[--ws->top], now);
	if (want > ws->n) {
		ws->v = xreallocarray(ws->v, want, sizeof *ws->v);
		for (i = ws->n; i < want; i++)
			ws->v[i] = stream_new(w, i);
		ws->n = want;
	}
	while (ws->top < want && ws->v[ws->top]->st == STREAM_IDLE &&
	    may_connect(ws, now)) {
		ws->v[ws->top]->reconnecting = false;
		stream_open(ws->v[ws->top++], now);
	}
}

/* A stream's timer: a reconnect, or what its kind does with a
 * connection. */
static void
stream_timer(struct stream *s, int64_t now)
{
	struct worker_streams *ws = s->w->streams;

	switch (s->st) {
	case STREAM_WAITING:
		if (ws->draining || s->index >= ws->top) {
			s->st = STREAM_IDLE;
		} else if (!s->w->paused && may_connect(ws, now)) {
			s->reconnecting = true;
			stream_open(s, now);
		} else
			worker_stream_due(s, LT_MAX(ws->next_connect_ns,
			    now + 10000000));
		break;
	case STREAM_CONNECTING:
	case STREAM_OPEN:
	case STREAM_CLOSING:
		s->ops->timer(s, now);
		break;
	default:
		break;
	}
}

void
worker_streams_turn(struct worker *w, int64_t now)
{
	struct worker_streams *ws = w->streams;
	struct stream *s;
	unsigned n = 0;

	if (ws == NULL)
		return;
	worker_stream_multi_timeout(w, now);
	/* Bounded, so that the loop still reads its mail under load. */
	while (n++ < 4096 &&
	    (s = worker_stream_next_due(ws, now + STREAM_SLACK_NS)) != NULL)
		stream_timer(s, now);
	if (w->run == RUN_ACTIVE && w->plan.mode == PLAN_STREAMS &&
	    !ws->draining && !w->paused)
		hold_number(w, now);
}

void
worker_streams_event(struct worker *w, uint64_t tag, uint32_t events)
{
	struct worker_streams *ws = w->streams;
	unsigned i = (uint32_t)tag;

	if (tag & WORKER_STREAM_CURL_TAG) {
		worker_stream_multi_event(w, tag, events);
		return;
	}
	/* An event for a descriptor closed since is of no one now. */
	if (ws == NULL || i >= ws->n || ws->v[i]->fd < 0)
		return;
	ws->v[i]->ops->event(ws->v[i], events);
}

void
worker_streams_drain(struct worker *w, int64_t now)
{
	struct worker_streams *ws = w->streams;
	unsigned i;

	if (ws == NULL)
		return;
	ws->draining = true;
	for (i = ws->n; i > 0; i--)
		stream_retire(ws->v[i - 1], now);
	ws->top = 0;
}

bool
worker_streams_busy(const struct worker *w)
{
	return w->streams != NULL && w->streams->live > 0;
}

int64_t
worker_streams_wake(const struct worker *w, int64_t now)
{
	const struct worker_streams *ws = w->streams;
	int64_t t = INT64_MAX;

	if (ws == NULL)
		return t;
	if (ws->nheap > 0)
		t = ws->heap[0]->due;
	t = LT_MIN(t, ws->multi_due);
	if (w->run != RUN_ACTIVE || w->plan.mode != PLAN_STREAMS ||
	    ws->draining || w->paused)
		return t;
	if (ws->ramp)
		t = LT_MIN(t, now + 10000000);
	/* One still closing (the number fell, then rose) holds up those
	 * after it until it is closed: its own events wake the loop. */
	if (ws->top < wanted(w, now) && ws->top < ws->n &&
	    ws->v[ws->top]->st == STREAM_IDLE)
		t = LT_MIN(t, LT_MAX(ws->next_connect_ns, now));
	else if (ws->top < wanted(w, now) && ws->top >= ws->n)
		t = now;
	return t;
}

void
worker_streams_free(struct worker *w)
{
	struct worker_streams *ws = w->streams;
	unsigned i;

	if (ws == NULL)
		return;
	for (i = 0; i < ws->n; i++)
		stream_free(ws->v[i]);
	free(ws->v);
	free(ws->heap);
	worker_stream_multi_free(w);
	free(ws);
	w->streams = NULL;
}

/* --- a connection's life, whatever its kind -------------------------- */

CURL *
worker_stream_easy(struct stream *s)
{
	struct worker *w = s->w;
	struct tmpl_ctx ctx = { .rng = &w->rng };
	CURL *e = worker_easy_new(w, true);

	if (s->buf == NULL)
		s->buf = request_buf_new(s->preq);
	ctx.seq = s->preq->uses_seq ? worker_next_seq(w) : 0;
	clock_gettime(CLOCK_REALTIME, &ctx.now);
	request_apply(s->preq, s->buf, e, &ctx, true);
	curl_easy_setopt(e, CURLOPT_PRIVATE, s);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, w->streams->errbuf);
	if (w->env->nbinds > 0)
		curl_easy_setopt(e, CURLOPT_INTERFACE,
		    w->env->binds[w->next_bind++ % w->env->nbinds]);
	return e;
}

void
worker_stream_add(struct stream *s)
{
	s->multi = worker_stream_multi(s);
	curl_multi_add_handle(s->multi, s->easy);
}

void
worker_stream_remove(struct stream *s)
{
	if (s->fd >= 0)
		epoll_ctl(s->w->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	s->fd = -1;
	s->want_out = false;
	if (s->multi != NULL)
		curl_multi_remove_handle(s->multi, s->easy);
	s->multi = NULL;
	if (s->easy != NULL)
		curl_easy_cleanup(s->easy);
	s->easy = NULL;
}

void
worker_stream_opened(struct stream *s, int64_t now)
{
	s->st = STREAM_OPEN;
	s->opened_ns = now;
	STREAM_GAUGE_DOWN(s, connecting);
	STREAM_COUNT(s, open, 1);
	STREAM_COUNT(s, opened, 1);
	hdr_record(s->stats->lat[SLAT_CONNECT], (now - s->started_ns) / 1000);
}

/* After a drop: again after the delay, unless the plan says not to,
 * the server said not to come back, or the stream is wanted no more. */
static void
after_drop(struct stream *s, int64_t now)
{
	const struct worker_streams_plan *sp = &s->w->plan.streams;
	struct worker_streams *ws = s->w->streams;
	int64_t delay = sp->reconnect_delay_ns;

	if (ws->draining || s->index >= ws->top ||
	    s->w->plan.mode != PLAN_STREAMS) {
		s->st = STREAM_IDLE;
		return;
	}
	if (!sp->reconnect || s->finished) {
		s->st = STREAM_DEAD;
		return;
	}
	s->st = STREAM_WAITING;
	worker_stream_due(s, now + delay);
}

void
worker_stream_end(struct stream *s, int64_t now, int cause, long code)
{
	if (s->st == STREAM_CONNECTING)
		STREAM_GAUGE_DOWN(s, connecting);
	else if (s->st == STREAM_OPEN || s->st == STREAM_CLOSING) {
		STREAM_GAUGE_DOWN(s, open);
		hdr_record(s->stats->lat[SLAT_SESSION],
		    (now - s->opened_ns) / 1000);
	}
	s->ops->release(s);
	worker_stream_due(s, INT64_MAX);
	s->w->streams->live--;
	if (cause == STREAM_END_CLOSED || cause == STREAM_END_ABORTED) {
		if (cause == STREAM_END_CLOSED)
			STREAM_COUNT(s, closed, 1);
		else
			STREAM_COUNT(s, aborted, 1);
		s->st = STREAM_IDLE;
		return;
	}
	STREAM_COUNT(s, drops[cause], 1);
	if (cause == DROP_HANDSHAKE)
		stats_stream_count_code(&s->stats->handshake, (int)code);
	else if (cause == DROP_CLOSED && code > 0)
		stats_stream_count_code(&s->stats->close_codes, (int)code);
	after_drop(s, now);
}

enum lt_drop
worker_stream_drop_of(CURLcode res)
{
	switch (res) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return DROP_REFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return DROP_TIMEOUT;
	case CURLE_HTTP_RETURNED_ERROR:
		return DROP_HANDSHAKE;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_UNSUPPORTED_PROTOCOL:	/* an answer that is no HTTP */
	case CURLE_BAD_CONTENT_ENCODING:
		return DROP_PROTOCOL;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return DROP_TLS;
	default:
		return DROP_RESET;
	}
}
