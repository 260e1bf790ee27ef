/*
 * What wakes a worker's streams: their timers (sends, pings, pongs
 * awaited, closes, reconnects), in a binary heap by due time, and the
 * multi handles libcurl connects them with and carries SSE transfers on,
 * driven by curl_multi_socket_action: their sockets in the worker's
 * epoll set, tagged, so that 10,000 streams cost nothing while they are
 * quiet.  A multi handle holds at most STREAM_SHARD streams: libcurl
 * looks for a connection to reuse among all of a multi's to the host,
 * which at 10,000 streams made each connect and each close cost 10,000
 * comparisons (as worker-shard.c found of requests).
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "util.h"
#include "worker-stream-int.h"

static void
heap_put(struct worker_streams *ws, unsigned i, struct stream *s)
{
	ws->heap[i] = s;
	s->heap_at = i;
}

static void
heap_up(struct worker_streams *ws, unsigned i)
{
	struct stream *s = ws->heap[i];
	unsigned up;

	while (i > 0 && ws->heap[up = (i - 1) / 2]->due > s->due) {
		heap_put(ws, i, ws->heap[up]);
		i = up;
	}
	heap_put(ws, i, s);
}

static void
heap_down(struct worker_streams *ws, unsigned i)
{
	struct stream *s = ws->heap[i];
	unsigned c;

	while ((c = 2 * i + 1) < ws->nheap) {
		if (c + 1 < ws->nheap && ws->heap[c + 1]->due < ws->heap[c]->due)
			c++;
		if (ws->heap[c]->due >= s->due)
			break;
		heap_put(ws, i, ws->heap[c]);
		i = c;
	}
	heap_put(ws, i, s);
}

static void
heap_remove(struct worker_streams *ws, struct stream *s)
{
	unsigned i = s->heap_at;
	struct stream *last = ws->heap[--ws->nheap];

	s->heap_at = UINT_MAX;
	if (i == ws->nheap)
		return;
	heap_put(ws, i, last);
	heap_up(ws, i);
	heap_down(ws, last->heap_at);
}

void
worker_stream_due(struct stream *s, int64_t due)
{
	struct worker_streams *ws = s->w->streams;

	if (s->heap_at != UINT_MAX && due == s->due)
		return;
	if (s->heap_at != UINT_MAX)
		heap_remove(ws, s);
	s->due = due;
	if (due == INT64_MAX)
		return;
	if (ws->nheap == ws->heap_cap) {
		ws->heap_cap = ws->heap_cap ? 2 * ws->heap_cap : 64;
		ws->heap = xreallocarray(ws->heap, ws->heap_cap,
		    sizeof *ws->heap);
	}
	heap_put(ws, ws->nheap++, s);
	heap_up(ws, s->heap_at);
}

struct stream *
worker_stream_next_due(struct worker_streams *ws, int64_t now)
{
	struct stream *s;

	if (ws->nheap == 0 || ws->heap[0]->due > now)
		return NULL;
	s = ws->heap[0];
	heap_remove(ws, s);
	s->due = INT64_MAX;
	return s;
}

/* --- the multi handles -------------------------------------------- */

static int
on_timer(CURLM *m, long ms, void *userp)
{
	struct curl_shard *sh = userp;
	struct worker_streams *ws = sh->w->streams;

	(void)m;
	sh->due = ms < 0 ? INT64_MAX : util_now_ns() + (int64_t)ms * 1000000;
	ws->multi_due = LT_MIN(ws->multi_due, sh->due);
	return 0;
}

CURLM *
worker_stream_multi(struct stream *s)
{
	struct worker_streams *ws = s->w->streams;
	unsigned k = s->index / STREAM_SHARD;

	if (k >= ws->nshards) {
		/* libcurl holds each shard's address: they never move. */
		ws->shards = xreallocarray(ws->shards, k + 1,
		    sizeof *ws->shards);
		while (ws->nshards <= k) {
			ws->shards[ws->nshards] = worker_shard_new(s->w,
			    WORKER_STREAM_CURL_TAG, ws->nshards, on_timer);
			ws->nshards++;
		}
	}
	return ws->shards[k]->multi;
}

/* The transfers a shard finished: handshakes done or failed, SSE
 * streams ended. */
static void
read_done(struct curl_shard *sh)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(sh->multi, &left)) != NULL) {
		struct stream *s = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
		if (s != NULL && s->easy == m->easy_handle)
			s->ops->done(s, m->data.result);
	}
}

void
worker_stream_multi_timeout(struct worker *w, int64_t now)
{
	struct worker_streams *ws = w->streams;
	int64_t next = INT64_MAX;
	int running;
	unsigned k;

	if (ws->multi_due > now)
		return;
	ws->multi_due = INT64_MAX;
	for (k = 0; k < ws->nshards; k++) {
		struct curl_shard *sh = ws->shards[k];

		if (sh->due <= now) {
			sh->due = INT64_MAX;
			curl_multi_socket_action(sh->multi, CURL_SOCKET_TIMEOUT,
			    0, &running);
			read_done(sh);
		}
		next = LT_MIN(next, sh->due);
	}
	/* Timers set meanwhile are in multi_due already. */
	ws->multi_due = LT_MIN(ws->multi_due, next);
}

void
worker_stream_multi_event(struct worker *w, uint64_t tag, uint32_t events)
{
	struct worker_streams *ws = w->streams;
	unsigned k = (unsigned)((tag & ~WORKER_STREAM_CURL_TAG) >> 32);
	int running, flags = (events & EPOLLIN ? CURL_CSELECT_IN : 0) |
	    (events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
	    (events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);

	if (ws == NULL || k >= ws->nshards)
		return;
	curl_multi_socket_action(ws->shards[k]->multi,
	    (curl_socket_t)(uint32_t)tag, flags, &running);
	read_done(ws->shards[k]);
}

void
worker_stream_multi_free(struct worker *w)
{
	struct worker_streams *ws = w->streams;
	unsigned k;

	for (k = 0; k < ws->nshards; k++) {
		curl_multi_cleanup(ws->shards[k]->multi);
		free(ws->shards[k]);
	}
	free(ws->shards);
	ws->shards = NULL;
	ws->nshards = 0;
}
