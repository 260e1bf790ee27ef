/*
 * An SSE stream: a GET on the streams' multi handle whose body is read
 * as it comes and parsed as an event stream (event-stream.c).  Its
 * headers must say 2xx and text/event-stream; a reconnect sends the
 * last event id when the request resumes.  A callback of libcurl's only
 * notes what went wrong and stops the transfer; the stream ends once
 * libcurl is done with it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "worker-stream-int.h"

#define EVENT_STREAM_TYPE "text/event-stream"

static const struct scn_sse *
sse_of(const struct stream *s)
{
	return s->preq->r->sse;
}

/* Stop the transfer for a reason a callback found. */
static size_t
stop(struct stream *s, enum lt_drop why, long status)
{
	s->why = (int)why;
	s->why_status = status;
	return 0;
}

/* The answer's head is whole: a stream, or a refused one. */
static bool
head_ok(struct stream *s, long *status)
{
	const char *type = NULL;

	*status = 0;
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, status);
	curl_easy_getinfo(s->easy, CURLINFO_CONTENT_TYPE, &type);
	return *status >= 200 && *status < 300 && type != NULL &&
	    strncasecmp(type, EVENT_STREAM_TYPE,
	    sizeof EVENT_STREAM_TYPE - 1) == 0;
}

static void
arm(struct stream *s)
{
	const struct scn_sse *sse = sse_of(s);
	int64_t due = INT64_MAX;
	long head_ms = s->preq->connect_timeout_ms;

	if (!s->sse->had_event && sse->first_event_timeout_us > 0)
		due = s->started_ns + sse->first_event_timeout_us * 1000;
	else if (s->sse->had_event && sse->idle_timeout_us > 0)
		due = s->sse->last_event_ns + sse->idle_timeout_us * 1000;
	/* connect_timeout bounds the connect and the answer's head. */
	if (s->st == STREAM_CONNECTING && head_ms > 0)
		due = LT_MIN(due, s->started_ns + (int64_t)head_ms * 1000000);
	worker_stream_due(s, due);
}

static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct stream *s = arg;
	size_t n = size * nmemb;
	long status;

	/* The blank line ends a head; an interim one (1xx) goes on. */
	if (s->st != STREAM_CONNECTING || n > 2 ||
	    (n == 2 && memcmp(ptr, "\r\n", 2) != 0) ||
	    (n == 1 && ptr[0] != '\n'))
		return n;
	if (head_ok(s, &status)) {
		worker_stream_opened(s, util_now_ns());
		arm(s);
		return n;
	}
	if (status >= 100 && status < 200)
		return n;
	/* 204: the stream is over, and not to be asked for again. */
	if (status == 204) {
		s->finished = true;
		return stop(s, DROP_CLOSED, 0);
	}
	return stop(s, DROP_HANDSHAKE, status);
}

static void
on_event(void *arg, size_t data_len)
{
	struct stream *s = arg;
	struct stream_sse *ss = s->sse;
	int64_t now = util_now_ns();

	(void)data_len;
	STREAM_COUNT(s, events, 1);
	if (!ss->had_event)
		hdr_record(s->stats->lat[SLAT_FIRST_EVENT],
		    (now - s->started_ns) / 1000);
	else
		hdr_record(s->stats->lat[SLAT_GAP],
		    (now - ss->last_event_ns) / 1000);
	ss->had_event = true;
	ss->last_event_ns = now;
}

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct stream *s = arg;
	size_t n = size * nmemb;
	long status;

	if (s->st == STREAM_CONNECTING && !head_ok(s, &status))
		return stop(s, DROP_HANDSHAKE, status);
	STREAM_COUNT(s, bytes_in, n);
	switch (event_stream_feed(&s->sse->es, ptr, n, on_event, s)) {
	case EVENT_STREAM_OK:
		break;
	case EVENT_STREAM_TOO_BIG:
		return stop(s, DROP_TOO_BIG, 0);
	default:
		return stop(s, DROP_PROTOCOL, 0);
	}
	arm(s);
	return n;
}

/* Accept, unless the request has its own, and the last event id. */
static void
stream_headers(struct stream *s)
{
	struct stream_sse *ss = s->sse;
	struct preq_buf *b = s->buf;
	struct curl_slist *first = NULL, **tail = &first;
	const struct event_stream *es = &ss->es;

	if (!request_has_header(&s->preq->r->headers, "Accept")) {
		ss->hdr[0] = (struct curl_slist){ (char *)"Accept: "
		    EVENT_STREAM_TYPE, NULL };
		*tail = &ss->hdr[0];
		tail = &ss->hdr[0].next;
	}
	free(ss->id_line);
	ss->id_line = NULL;
	if (s->reconnecting && sse_of(s)->resume && es->has_id &&
	    es->last_id_len > 0) {
		xasprintf(&ss->id_line, "Last-Event-ID: %.*s",
		    (int)es->last_id_len, es->last_id);
		ss->hdr[1] = (struct curl_slist){ ss->id_line, NULL };
		*tail = &ss->hdr[1];
		STREAM_COUNT(s, resumed, 1);
	}
	/* The request's own list first, ours after it. */
	if (b->nnodes > 0) {
		b->nodes[b->nnodes - 1].next = first;
		first = b->nodes;
	}
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, first);
}

static void
sse_start(struct stream *s, int64_t now)
{
	const struct scn_sse *sse = sse_of(s);

	if (s->sse == NULL)
		s->sse = xcalloc(1, sizeof *s->sse);
	event_stream_init(&s->sse->es, (size_t)LT_MAX(sse->max_event, 0),
	    s->reconnecting);
	s->sse->had_event = s->finished = false;
	s->easy = worker_stream_easy(s);
	/* A stream lasts: no timeout but its own (first event, idle). */
	curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, 0L);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
	stream_headers(s);
	worker_stream_add(s);
	(void)now;
	arm(s);
}

static void
sse_done(struct stream *s, CURLcode res)
{
	int64_t now = util_now_ns();
	long status = 0;
	int why;

	if (s->why >= 0) {
		worker_stream_end(s, now, s->why, s->why_status);
		return;
	}
	if (s->st == STREAM_CONNECTING && !head_ok(s, &status) && status > 0) {
		worker_stream_end(s, now, DROP_HANDSHAKE, status);
		return;
	}
	/* The server ended the stream: closed by it, or cut. */
	why = res == CURLE_OK && s->st == STREAM_OPEN ? DROP_CLOSED :
	    worker_stream_drop_of(res);
	worker_stream_end(s, now, why, 0);
}

static void
sse_event(struct stream *s, uint32_t events)
{
	(void)s;			/* libcurl's sockets, not ours */
	(void)events;
}

static void
sse_timer(struct stream *s, int64_t now)
{
	if (s->due != INT64_MAX && s->due > now)
		return;
	/* No first event in time, or none for too long since the last. */
	worker_stream_end(s, now, DROP_TIMEOUT, 0);
}

static void
sse_close(struct stream *s, int64_t now)
{
	worker_stream_end(s, now, s->st == STREAM_OPEN ? STREAM_END_CLOSED :
	    STREAM_END_ABORTED, 0);
}

static void
sse_release(struct stream *s)
{
	worker_stream_remove(s);
}

const struct stream_ops worker_sse_ops = {
	.start = sse_start,
	.done = sse_done,
	.event = sse_event,
	.timer = sse_timer,
	.close = sse_close,
	.release = sse_release,
};
