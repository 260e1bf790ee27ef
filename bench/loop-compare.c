/*
 * The two ways of driving a libcurl multi handle, side by side with the
 * same easy handles and the same requests: curl_multi_socket_action fed
 * by epoll (what loadtop's workers do) and curl_multi_poll followed by
 * curl_multi_perform.  Not part of the build; bench/loop-compare.sh
 * compiles and runs it.
 *
 *   loop-compare epoll|poll URL CONNECTIONS REQUESTS
 *
 * Prints requests/s and CPU microseconds per request.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>

static int ep;
static double deadline = -1;		/* libcurl's timer, -1: none */

static double now(void);

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static int
on_socket(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct epoll_event ev = { 0 };

	(void)e;
	(void)arg;
	(void)sockp;
	ev.data.fd = fd;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) |
	    (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT)
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	return 0;
}

static int
on_timer(CURLM *m, long ms, void *arg)
{
	(void)m;
	(void)arg;
	deadline = ms < 0 ? -1 : now() + ms / 1e3;
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct epoll_event ev[256];
	struct rusage ru;
	CURLM *multi;
	CURL **easy;
	CURLMsg *msg;
	long conns, total, started = 0, done = 0, i;
	int epoll_mode, running, left, n, k;
	double t0, t1, cpu;

	if (argc != 5) {
		fprintf(stderr, "usage: loop-compare epoll|poll URL CONNS "
		    "REQUESTS\n");
		return 2;
	}
	epoll_mode = strcmp(argv[1], "epoll") == 0;
	conns = atol(argv[3]);
	total = atol(argv[4]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, conns);
	if (epoll_mode) {
		ep = epoll_create1(0);
		curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
		curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
	}
	easy = calloc((size_t)conns, sizeof *easy);
	t0 = now();
	for (i = 0; i < conns && started < total; i++, started++) {
		easy[i] = curl_easy_init();
		curl_easy_setopt(easy[i], CURLOPT_URL, argv[2]);
		curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(easy[i], CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(easy[i], CURLOPT_PROXY, "");
		curl_multi_add_handle(multi, easy[i]);
	}
	if (epoll_mode)
		curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	while (done < total) {
		if (epoll_mode) {
			double wait = deadline < 0 ? 0.1 : deadline - now();

			n = epoll_wait(ep, ev, 256, wait <= 0 ? 0 :
			    (int)(wait * 1e3 + 1));
			for (k = 0; k < n; k++)
				curl_multi_socket_action(multi, ev[k].data.fd,
				    (ev[k].events & EPOLLIN ? CURL_CSELECT_IN :
				    0) | (ev[k].events & EPOLLOUT ?
				    CURL_CSELECT_OUT : 0), &running);
			if (deadline >= 0 && now() >= deadline) {
				deadline = -1;
				curl_multi_socket_action(multi,
				    CURL_SOCKET_TIMEOUT, 0, &running);
			}
		} else {
			curl_multi_poll(multi, NULL, 0, 100, NULL);
			curl_multi_perform(multi, &running);
		}
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			done++;
			curl_multi_remove_handle(multi, msg->easy_handle);
			if (started < total) {
				started++;
				curl_multi_add_handle(multi, msg->easy_handle);
			}
		}
	}
	t1 = now();
	getrusage(RUSAGE_SELF, &ru);
	cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("%-6s %6ld conns %9.0f req/s %7.2f cpu-us/req\n", argv[1],
	    conns, (double)done / (t1 - t0), cpu * 1e6 / (double)done);
	return 0;
}
