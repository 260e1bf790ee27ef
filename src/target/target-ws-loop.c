#include "config.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target-ws-conn.h"
#include "target-ws-loop.h"
#include "util.h"

#define MAX_LOOPS	16
#define SCRATCH_SIZE	(64 * 1024)
#define BATCH		256
#define NOT_DUE		SIZE_MAX

/* A connection as its loop keeps it: watched events, due time, links. */
struct slot {
	struct target_ws_conn *conn;
	int		 fd;
	uint32_t	 events;
	int64_t		 due_us;
	size_t		 heap_at;	/* NOT_DUE: not in the heap */
	struct slot	*prev, *next;
};

struct loop {
	pthread_t	 thread;
	int		 epfd;
	int		 wakefd;
	pthread_mutex_t	 lock;		/* incoming and stopping */
	struct target_ws_conn **incoming;
	size_t		 nincoming, incoming_cap;
	bool		 stopping;
	struct slot	**heap;		/* by due time, earliest first */
	size_t		 nheap, heap_cap;
	struct slot	*slots;
	unsigned char	*scratch;
};

static struct loop	 loops[MAX_LOOPS];
static unsigned int	 nloops;
static atomic_uint	 next_loop;

static void
heap_place(struct loop *l, size_t i, struct slot *s)
{
	l->heap[i] = s;
	s->heap_at = i;
}

static void
sift_up(struct loop *l, size_t i)
{
	struct slot *s = l->heap[i];
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (l->heap[parent]->due_us <= s->due_us)
			break;
		heap_place(l, i, l->heap[parent]);
		i = parent;
	}
	heap_place(l, i, s);
}

static void
sift_down(struct loop *l, size_t i)
{
	struct slot *s = l->heap[i];
	size_t child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= l->nheap)
			break;
		if (child + 1 < l->nheap &&
		    l->heap[child + 1]->due_us < l->heap[child]->due_us)
			child++;
		if (s->due_us <= l->heap[child]->due_us)
			break;
		heap_place(l, i, l->heap[child]);
		i = child;
	}
	heap_place(l, i, s);
}

static void
heap_remove(struct loop *l, struct slot *s)
{
	size_t i = s->heap_at;
	struct slot *last;

	if (i == NOT_DUE)
		return;
	s->heap_at = NOT_DUE;
	last = l->heap[--l->nheap];
	if (last == s)
		return;
	heap_place(l, i, last);
	sift_up(l, i);
	sift_down(l, last->heap_at);
}

/* Due at due_us from now on, or never when 0. */
static void
schedule(struct loop *l, struct slot *s, int64_t due_us)
{
	if (s->heap_at != NOT_DUE && s->due_us == due_us)
		return;
	heap_remove(l, s);
	s->due_us = due_us;
	if (due_us == 0)
		return;
	if (l->nheap == l->heap_cap) {
		l->heap_cap = l->heap_cap ? l->heap_cap * 2 : 256;
		l->heap = xreallocarray(l->heap, l->heap_cap, sizeof *l->heap);
	}
	heap_place(l, l->nheap++, s);
	sift_up(l, s->heap_at);
}

/* Out of the epoll set first: closing the socket frees its number. */
static void
drop(struct loop *l, struct slot *s)
{
	heap_remove(l, s);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		l->slots = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	target_ws_conn_free(s->conn);
	free(s);
}

static void
apply(struct loop *l, struct slot *s, struct target_ws_want w)
{
	struct epoll_event ev;
	uint32_t events;

	if (w.done) {
		drop(l, s);
		return;
	}
	events = (w.readable ? EPOLLIN : 0) | (w.writable ? EPOLLOUT : 0);
	if (events != s->events) {
		memset(&ev, 0, sizeof ev);
		ev.events = events;
		ev.data.ptr = s;
		epoll_ctl(l->epfd, EPOLL_CTL_MOD, s->fd, &ev);
		s->events = events;
	}
	schedule(l, s, w.due_us);
}

/* Watch a new connection and let it start. */
static void
adopt(struct loop *l, struct target_ws_conn *conn, int64_t now_us)
{
	struct epoll_event ev;
	struct slot *s;

	s = xcalloc(1, sizeof *s);
	s->conn = conn;
	s->fd = target_ws_conn_fd(conn);
	s->heap_at = NOT_DUE;
	s->next = l->slots;
	if (l->slots != NULL)
		l->slots->prev = s;
	l->slots = s;
	memset(&ev, 0, sizeof ev);
	ev.data.ptr = s;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, s->fd, &ev) != 0) {
		drop(l, s);
		return;
	}
	apply(l, s, target_ws_conn_start(conn, now_us));
}

/* The connections handed over since the last wakeup; false: stop. */
static bool
take_incoming(struct loop *l, int64_t now_us)
{
	struct target_ws_conn **in;
	uint64_t count;
	size_t n, i;
	bool stopping;

	if (read(l->wakefd, &count, sizeof count) < 0 && errno != EAGAIN)
		return true;
	pthread_mutex_lock(&l->lock);
	in = l->incoming;
	n = l->nincoming;
	l->incoming = NULL;
	l->nincoming = l->incoming_cap = 0;
	stopping = l->stopping;
	pthread_mutex_unlock(&l->lock);
	for (i = 0; i < n; i++)
		adopt(l, in[i], now_us);
	free(in);
	return !stopping;
}

static void
on_ready(struct loop *l, struct slot *s, uint32_t events, int64_t now_us)
{
	struct target_ws_want w;

	if ((events & EPOLLOUT) != 0) {
		w = target_ws_conn_output(s->conn, now_us);
		if (w.done || (events & ~(uint32_t)EPOLLOUT) == 0) {
			apply(l, s, w);
			return;
		}
	}
	apply(l, s, target_ws_conn_input(s->conn, l->scratch, SCRATCH_SIZE,
	    now_us));
}

static void
run_timers(struct loop *l, int64_t now_us)
{
	struct slot *s;

	while (l->nheap > 0 && l->heap[0]->due_us <= now_us) {
		s = l->heap[0];
		heap_remove(l, s);
		apply(l, s, target_ws_conn_timer(s->conn, now_us));
	}
}

/* Milliseconds until the earliest due time, for epoll_wait. */
static int
wait_ms(const struct loop *l)
{
	int64_t left;

	if (l->nheap == 0)
		return -1;
	left = l->heap[0]->due_us - util_now_us();
	if (left <= 0)
		return 0;
	return (int)LT_MIN((left + 999) / 1000, (int64_t)60000);
}

static void *
loop_main(void *arg)
{
	struct loop *l = arg;
	struct epoll_event evs[BATCH];
	bool running = true;
	int64_t now;
	int n, i;

	while (running) {
		n = epoll_wait(l->epfd, evs, BATCH, wait_ms(l));
		now = util_now_us();
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL)
				running = take_incoming(l, now) && running;
			else
				on_ready(l, evs[i].data.ptr, evs[i].events,
				    now);
		}
		run_timers(l, util_now_us());
	}
	while (l->slots != NULL) {
		target_ws_conn_shutdown(l->slots->conn);
		drop(l, l->slots);
	}
	return NULL;
}

static int
loop_init(struct loop *l, char **cause)
{
	struct epoll_event ev;
	int error;

	memset(l, 0, sizeof *l);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (l->epfd < 0 || l->wakefd < 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wakefd, &ev) != 0) {
		xasprintf(cause, "cannot watch WebSocket connections: %s",
		    strerror(errno));
		return -1;
	}
	pthread_mutex_init(&l->lock, NULL);
	l->scratch = xmalloc(SCRATCH_SIZE);
	if ((error = pthread_create(&l->thread, NULL, loop_main, l)) != 0) {
		xasprintf(cause, "cannot start a WebSocket thread: %s",
		    strerror(error));
		return -1;
	}
	return 0;
}

int
target_ws_loop_start(unsigned int n, char **cause)
{
	n = LT_MAX(1, LT_MIN(n, MAX_LOOPS));
	for (nloops = 0; nloops < n; nloops++) {
		if (loop_init(&loops[nloops], cause) != 0)
			return -1;
	}
	return 0;
}

void
target_ws_loop_add(struct target_ws_conn *conn)
{
	struct loop *l;
	uint64_t one = 1;
	bool stopping;

	l = &loops[atomic_fetch_add(&next_loop, 1) % nloops];
	pthread_mutex_lock(&l->lock);
	stopping = l->stopping;
	if (!stopping) {
		if (l->nincoming == l->incoming_cap) {
			l->incoming_cap = l->incoming_cap ?
			    l->incoming_cap * 2 : 16;
			l->incoming = xreallocarray(l->incoming,
			    l->incoming_cap, sizeof *l->incoming);
		}
		l->incoming[l->nincoming++] = conn;
	}
	pthread_mutex_unlock(&l->lock);
	if (stopping) {
		target_ws_conn_shutdown(conn);
		target_ws_conn_free(conn);
	} else if (write(l->wakefd, &one, sizeof one) < 0)
		abort();	/* an eventfd write fails only on overflow */
}

void
target_ws_loop_stop(void)
{
	uint64_t one = 1;
	struct loop *l;
	unsigned int i;

	for (i = 0; i < nloops; i++) {
		l = &loops[i];
		pthread_mutex_lock(&l->lock);
		l->stopping = true;
		pthread_mutex_unlock(&l->lock);
		if (write(l->wakefd, &one, sizeof one) < 0)
			abort();
	}
	for (i = 0; i < nloops; i++) {
		l = &loops[i];
		pthread_join(l->thread, NULL);
		close(l->epfd);
		close(l->wakefd);
		free(l->scratch);
		free(l->heap);
		l->heap = NULL;
	}
	/* The loops stay, stopping: a late upgrade is closed by its adder. */
}
