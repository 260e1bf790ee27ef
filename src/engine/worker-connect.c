/*
 * The raw transport's connects.  A slot that only ever sends raw
 * requests needs a libcurl handle only while it connects: such slots
 * borrow one of at most WORKER_CONNECTORS, and wait in line for one when
 * all are out.  At 1,000 connections that keeps 64 handles, not 1,000
 * (each some 5 KB, most of what a connection cost).
 */
#include "config.h"

#include <stdlib.h>

#include "util.h"
#include "worker-int.h"

#define WORKER_CONNECTORS 64

/* A connector handle, or NULL when all are lent. */
static CURL *
lend(struct worker *w)
{
	CURL *e;

	if (w->nfree_connectors > 0)
		return w->free_connectors[--w->nfree_connectors];
	if (w->nconnectors == WORKER_CONNECTORS)
		return NULL;
	e = worker_easy_new(w, true);
	curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	if (w->connectors == NULL) {
		w->connectors = xcalloc(WORKER_CONNECTORS, sizeof *w->connectors);
		w->free_connectors = xcalloc(WORKER_CONNECTORS,
		    sizeof *w->free_connectors);
	}
	w->connectors[w->nconnectors++] = e;
	return e;
}

static void
begin(struct worker *w, struct slot *s, const struct preq *p)
{
	CURL *e = s->easy;

	if (!s->easy_raw) {
		curl_easy_setopt(e, CURLOPT_CURLU, NULL);
		curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
		s->easy_raw = true;
	}
	curl_easy_setopt(e, CURLOPT_PRIVATE, s);
	if (w->env->nbinds > 0)
		curl_easy_setopt(e, CURLOPT_INTERFACE,
		    w->env->binds[w->next_bind++ % w->env->nbinds]);
	curl_easy_setopt(e, CURLOPT_URL, p->wire.connect_url);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, p->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, p->connect_timeout_ms);
	s->raw.st = RAW_CONNECTING;
	w->curl_busy++;
	curl_multi_add_handle(s->multi, e);
}

void
worker_connect_start(struct worker *w, struct slot *s, const struct preq *p)
{
	s->raw.origin = p->wire.origin;
	s->raw.origin_len = p->wire.origin_len;
	s->raw.reused = false;
	if (s->easy == NULL && (s->easy = lend(w)) == NULL) {
		s->raw.st = RAW_WAITING;
		worker_list_append(&w->waiting, s);
		return;
	}
	begin(w, s, p);
}

void
worker_connect_done(struct worker *w, struct slot *s)
{
	struct slot *next;

	if (!w->env->all_raw)
		return;			/* the slot's own handle */
	w->free_connectors[w->nfree_connectors++] = s->easy;
	s->easy = NULL;
	if ((next = w->waiting.head) != NULL) {
		worker_list_unlink(&w->waiting, next);
		next->easy = lend(w);
		begin(w, next, &w->env->preqs[next->req]);
	}
}

void
worker_connect_cancel(struct worker *w, struct slot *s)
{
	if (s->raw.st == RAW_WAITING)
		worker_list_unlink(&w->waiting, s);
	else if (s->raw.st == RAW_CONNECTING) {
		curl_multi_remove_handle(s->multi, s->easy);
		w->curl_busy--;
		worker_connect_done(w, s);
	}
	s->raw.st = RAW_NONE;
}

void
worker_connect_free(struct worker *w)
{
	unsigned i;

	for (i = 0; i < w->nconnectors; i++)
		curl_easy_cleanup(w->connectors[i]);
	free(w->connectors);
	free(w->free_connectors);
}
