#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "target-delay.h"
#include "util.h"

/*
 * One thread sleeps until the earliest deadline in a binary min-heap and
 * resumes the connections that are due; the server threads never block.
 */
struct waiter {
	int64_t			 deadline_us;
	struct MHD_Connection	*conn;
};

static pthread_mutex_t	 delay_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 delay_cond;
static pthread_t	 delay_thread;
static int		 running;
static int		 stopping;
static struct waiter	*heap;
static size_t		 nheap, heap_cap;

static void
heap_push(struct waiter w)
{
	size_t i, parent;

	if (nheap == heap_cap) {
		heap_cap = heap_cap ? heap_cap * 2 : 256;
		heap = xreallocarray(heap, heap_cap, sizeof *heap);
	}
	i = nheap++;
	while (i > 0) {
		parent = (i - 1) / 2;
		if (heap[parent].deadline_us <= w.deadline_us)
			break;
		heap[i] = heap[parent];
		i = parent;
	}
	heap[i] = w;
}

static struct waiter
heap_pop(void)
{
	struct waiter top = heap[0], last = heap[--nheap];
	size_t i = 0, child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= nheap)
			break;
		if (child + 1 < nheap &&
		    heap[child + 1].deadline_us < heap[child].deadline_us)
			child++;
		if (last.deadline_us <= heap[child].deadline_us)
			break;
		heap[i] = heap[child];
		i = child;
	}
	if (nheap > 0)
		heap[i] = last;
	return top;
}

static void *
delay_main(void *arg)
{
	struct MHD_Connection *due[64];
	struct timespec ts;
	int64_t now;
	size_t n, i;

	pthread_mutex_lock(&delay_lock);
	while (!stopping) {
		if (nheap == 0) {
			pthread_cond_wait(&delay_cond, &delay_lock);
			continue;
		}
		now = util_now_us();
		if (heap[0].deadline_us > now) {
			util_deadline(&ts, (heap[0].deadline_us - now) * 1000);
			pthread_cond_timedwait(&delay_cond, &delay_lock, &ts);
			continue;
		}
		n = 0;
		while (nheap > 0 && heap[0].deadline_us <= now &&
		    n < LT_NELEM(due))
			due[n++] = heap_pop().conn;
		pthread_mutex_unlock(&delay_lock);
		for (i = 0; i < n; i++)
			MHD_resume_connection(due[i]);
		pthread_mutex_lock(&delay_lock);
	}
	pthread_mutex_unlock(&delay_lock);
	return NULL;
}

int
target_delay_start(char **cause)
{
	int error;

	util_cond_init(&delay_cond);
	stopping = 0;
	if ((error = pthread_create(&delay_thread, NULL, delay_main,
	    NULL)) != 0) {
		xasprintf(cause, "cannot start the delay thread: %s",
		    strerror(error));
		pthread_cond_destroy(&delay_cond);
		return -1;
	}
	running = 1;
	return 0;
}

void
target_delay_add(struct MHD_Connection *conn, int64_t ms)
{
	struct waiter w;

	pthread_mutex_lock(&delay_lock);
	if (stopping) {
		pthread_mutex_unlock(&delay_lock);
		MHD_resume_connection(conn);
		return;
	}
	w.deadline_us = util_now_us() + ms * 1000;
	w.conn = conn;
	heap_push(w);
	/* Only a new earliest deadline changes how long the thread sleeps. */
	if (heap[0].conn == conn)
		pthread_cond_signal(&delay_cond);
	pthread_mutex_unlock(&delay_lock);
}

void
target_delay_stop(void)
{
	struct MHD_Connection *conn;

	if (!running)
		return;
	pthread_mutex_lock(&delay_lock);
	stopping = 1;
	pthread_cond_signal(&delay_cond);
	pthread_mutex_unlock(&delay_lock);
	pthread_join(delay_thread, NULL);
	running = 0;

	pthread_mutex_lock(&delay_lock);
	while (nheap > 0) {
		conn = heap_pop().conn;
		MHD_resume_connection(conn);
	}
	free(heap);
	heap = NULL;
	heap_cap = 0;
	pthread_mutex_unlock(&delay_lock);
	pthread_cond_destroy(&delay_cond);
}
