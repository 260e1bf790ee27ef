/*
 * stall-server: a loopback HTTP/1.1 server that answers every request at
 * once, except that for the last STALL ms of every PERIOD ms it answers
 * nothing at all.  bench/open-model.sh drives it at a constant rate to see
 * whether a load generator reports the stalls (coordinated omission).
 *
 *   stall-server [-s STALL_MS] [-p PERIOD_MS] [-l LIFETIME_S]
 *
 * It listens on a free port of 127.0.0.1, prints "port N" on standard
 * output and exits after LIFETIME_S seconds (default 120).  It stands
 * alone: the script compiles it with cc.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* accept4 */
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IN_SIZE 8192
#define MAX_FDS 65536

static const char response[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 3\r\n"
    "\r\n"
    "ok\n";

struct conn {
	char in[IN_SIZE];
	size_t inlen;
	char *out;
	size_t outlen;
	size_t outsize;
	int wants_out;
};

static struct conn *conns[MAX_FDS];
static int ep;
static unsigned long long answered;

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static void
conn_close(int fd)
{
	struct conn *c = conns[fd];

	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	if (c != NULL) {
		free(c->out);
		free(c);
		conns[fd] = NULL;
	}
}

static void
watch(int fd, int op, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(ep, op, fd, &ev) == -1)
		die("epoll_ctl");
}

static void
queue_response(struct conn *c)
{
	size_t n = sizeof response - 1;

	if (c->outlen + n > c->outsize) {
		c->outsize = (c->outlen + n) * 2;
		c->out = realloc(c->out, c->outsize);
		if (c->out == NULL)
			die("realloc");
	}
	memcpy(c->out + c->outlen, response, n);
	c->outlen += n;
	answered++;
}

/* Write what is queued; returns -1 when the connection is gone. */
static int
flush_out(int fd, struct conn *c)
{
	ssize_t n;
	size_t off = 0;

	while (off < c->outlen) {
		n = write(fd, c->out + off, c->outlen - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	memmove(c->out, c->out + off, c->outlen - off);
	c->outlen -= off;
	if ((c->outlen > 0) != c->wants_out) {
		c->wants_out = c->outlen > 0;
		watch(fd, EPOLL_CTL_MOD, EPOLLIN | (c->wants_out ? EPOLLOUT : 0));
	}
	return 0;
}

/* Read what has come and answer each complete request head. */
static void
serve(int fd)
{
	struct conn *c = conns[fd];
	ssize_t n;
	char *end;
	size_t used;

	for (;;) {
		n = read(fd, c->in + c->inlen, IN_SIZE - 1 - c->inlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			conn_close(fd);
			return;
		}
		c->inlen += (size_t)n;
		c->in[c->inlen] = '\0';
		while ((end = strstr(c->in, "\r\n\r\n")) != NULL) {
			queue_response(c);
			used = (size_t)(end + 4 - c->in);
			memmove(c->in, c->in + used, c->inlen - used + 1);
			c->inlen -= used;
		}
		if (c->inlen >= IN_SIZE - 1) {
			conn_close(fd);	/* a head this long is not ours */
			return;
		}
	}
	if (flush_out(fd, c) == -1)
		conn_close(fd);
}

static void
accept_all(int lfd)
{
	int fd, one = 1;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
		if (fd >= MAX_FDS) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		conns[fd] = calloc(1, sizeof *conns[fd]);
		if (conns[fd] == NULL)
			die("calloc");
		watch(fd, EPOLL_CTL_ADD, EPOLLIN);
	}
}

static int
listen_loopback(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	int fd, one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd == -1)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1)
		die("bind");
	if (listen(fd, 4096) == -1)
		die("listen");
	if (getsockname(fd, (struct sockaddr *)&sa, &len) == -1)
		die("getsockname");
	printf("port %d\n", ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

int
main(int argc, char **argv)
{
	struct epoll_event evs[256];
	int64_t stall = 200, period = 1000, lifetime = 120, t0, phase, left;
	int lfd, opt, i, n;

	while ((opt = getopt(argc, argv, "s:p:l:")) != -1) {
		switch (opt) {
		case 's':
			stall = atoll(optarg);
			break;
		case 'p':
			period = atoll(optarg);
			break;
		case 'l':
			lifetime = atoll(optarg);
			break;
		default:
			fprintf(stderr, "usage: stall-server [-s STALL_MS] "
			    "[-p PERIOD_MS] [-l LIFETIME_S]\n");
			return 2;
		}
	}
	if (period <= 0 || stall < 0 || stall >= period || lifetime <= 0) {
		fprintf(stderr, "stall-server: need 0 <= STALL < PERIOD and "
		    "LIFETIME > 0\n");
		return 2;
	}
	ep = epoll_create1(0);
	if (ep == -1)
		die("epoll_create1");
	lfd = listen_loopback();
	watch(lfd, EPOLL_CTL_ADD, EPOLLIN);

	t0 = now_ms();
	while (now_ms() - t0 < lifetime * 1000) {
		phase = (now_ms() - t0) % period;
		if (phase >= period - stall) {
			/* The stall: nothing is read, accepted or written. */
			sleep_ms(period - phase);
			continue;
		}
		left = period - stall - phase;
		n = epoll_wait(ep, evs, 256, (int)left);
		if (n == -1 && errno != EINTR)
			die("epoll_wait");
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd)
				accept_all(lfd);
			else if (conns[fd] != NULL)
				serve(fd);
		}
	}
	fprintf(stderr, "stall-server: %llu requests answered\n", answered);
	return 0;
}
