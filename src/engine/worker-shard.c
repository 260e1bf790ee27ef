/*
 * A worker's libcurl transfers over several multi handles, each of at
 * most WORKER_SHARD of its slots.  libcurl 8 looks for a connection to
 * reuse by walking every connection its multi holds to the host, so a
 * multi of 500 costs a request 500 comparisons; in shards it costs 64.
 * The first shard is polled with curl_multi_poll as before; the others
 * put their sockets in the worker's epoll set (CURLMOPT_SOCKETFUNCTION)
 * and are driven by curl_multi_socket_action.
 */
#include "config.h"

#include <stdlib.h>
#include <sys/epoll.h>

#include "util.h"
#include "worker-int.h"

static uint64_t
socket_tag(const struct curl_shard *sh, curl_socket_t fd)
{
	return sh->tag | (uint64_t)sh->index << 32 | (uint32_t)fd;
}

/* CURLMOPT_SOCKETFUNCTION of every shard, of requests or of streams. */
static int
on_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct curl_shard *sh = userp;
	struct epoll_event ev = { .data.u64 = socket_tag(sh, fd) };
	int epfd = sh->w->epfd;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (socketp != NULL)
			epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
		curl_multi_assign(sh->multi, fd, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) |
	    (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	if (socketp != NULL)
		epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
	else if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
	curl_multi_assign(sh->multi, fd, sh);
	return 0;
}

static int
on_timer(CURLM *m, long ms, void *userp)
{
	struct curl_shard *sh = userp;

	(void)m;
	sh->due = ms < 0 ? INT64_MAX : util_now_ns() + (int64_t)ms * 1000000;
	return 0;
}

struct curl_shard *
worker_shard_new(struct worker *w, uint64_t tag, unsigned index,
    curl_multi_timer_callback timer)
{
	struct curl_shard *sh = xcalloc(1, sizeof *sh);

	sh->w = w;
	sh->tag = tag;
	sh->index = index;
	sh->due = INT64_MAX;
	if ((sh->multi = curl_multi_init()) == NULL)
		abort();
	curl_multi_setopt(sh->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(sh->multi, CURLMOPT_SOCKETDATA, sh);
	curl_multi_setopt(sh->multi, CURLMOPT_TIMERFUNCTION, timer);
	curl_multi_setopt(sh->multi, CURLMOPT_TIMERDATA, sh);
	return sh;
}

CURLM *
worker_shard_multi(struct worker *w, unsigned slot)
{
	unsigned k = slot / WORKER_SHARD - 1;
	struct curl_shard *sh;

	/* HTTP/2 multiplexes: its pool is small, and sharding it would
	 * open a connection a shard. */
	if (slot < WORKER_SHARD || w->env->http_version == 20)
		return w->multi;
	if (k < w->nshards)
		return w->shards[k]->multi;
	/* libcurl holds each shard's address: they never move. */
	w->shards = xreallocarray(w->shards, k + 1, sizeof *w->shards);
	while (w->nshards <= k) {
		sh = w->shards[w->nshards] = worker_shard_new(w,
		    WORKER_CURL_TAG, w->nshards, on_timer);
		w->nshards++;
		curl_multi_setopt(sh->multi, CURLMOPT_MAXCONNECTS,
		    w->env->all_raw ? 1L : (long)WORKER_SHARD);
	}
	return w->shards[k]->multi;
}

void
worker_shard_event(struct worker *w, uint64_t tag, uint32_t events)
{
	struct curl_shard *sh = w->shards[(tag & ~WORKER_CURL_TAG) >> 32];
	int running, flags = (events & EPOLLIN ? CURL_CSELECT_IN : 0) |
	    (events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
	    (events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);

	curl_multi_socket_action(sh->multi, (curl_socket_t)(uint32_t)tag,
	    flags, &running);
	worker_read_completions(w, sh->multi);
}

int64_t
worker_shard_timeouts(struct worker *w, int64_t now)
{
	int64_t next = INT64_MAX;
	int running;
	unsigned k;

	for (k = 0; k < w->nshards; k++) {
		struct curl_shard *sh = w->shards[k];

		if (sh->due <= now) {
			sh->due = INT64_MAX;
			curl_multi_socket_action(sh->multi, CURL_SOCKET_TIMEOUT,
			    0, &running);
			worker_read_completions(w, sh->multi);
		}
		next = LT_MIN(next, sh->due);
	}
	return next;
}

void
worker_shard_free(struct worker *w)
{
	unsigned k;

	for (k = 0; k < w->nshards; k++) {
		curl_multi_cleanup(w->shards[k]->multi);
		free(w->shards[k]);
	}
	free(w->shards);
}
