/* loadtop-target: the HTTP service that loadtop's demo and tests load. */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "target-delay.h"
#include "target-leak.h"
#include "target-limit.h"
#include "target-login.h"
#include "target-options.h"
#include "target-response.h"
#include "target-route.h"
#include "target-sse.h"
#include "target-stats.h"
#include "target-ws.h"
#include "util.h"

/* Idle keep-alive connections are closed after this many seconds. */
#define IDLE_TIMEOUT	300
/* How long a stop waits for the answers in flight. */
#define DRAIN_MS	2000

/* The exit status when the service cannot run. */
#define EXIT_RUNTIME	1

static int quiet;

/* Bind and listen; on success *url is the address actually bound. */
static int
open_listener(const struct sockaddr_storage *ss, socklen_t sslen, char **url,
    char **cause)
{
	struct sockaddr_storage bound;
	socklen_t boundlen = sizeof bound;
	char host[INET6_ADDRSTRLEN];
	const void *in;
	unsigned int port;
	int fd, one = 1, saved;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd < 0) {
		xasprintf(cause, "cannot create a socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)ss, sslen) != 0 ||
	    listen(fd, 4096) != 0 ||
	    getsockname(fd, (struct sockaddr *)&bound, &boundlen) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}

	if (bound.ss_family == AF_INET6) {
		in = &((struct sockaddr_in6 *)&bound)->sin6_addr;
		port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
	} else {
		in = &((struct sockaddr_in *)&bound)->sin_addr;
		port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
	}
	inet_ntop(bound.ss_family, in, host, sizeof host);
	if (bound.ss_family == AF_INET6)
		xasprintf(url, "http://[%s]:%u", host, port);
	else
		xasprintf(url, "http://%s:%u", host, port);
	return fd;
}

/* Hundreds of keep-alive connections need more than 1024 descriptors. */
static unsigned int
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (rl.rlim_cur > 65536)
			rl.rlim_cur = 65536;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur > 65536)
		return 65536;
	return (unsigned int)rl.rlim_cur;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	if (quiet)
		return;
	fprintf(stderr, "%s: ", TARGET_PROGRAM);
	vfprintf(stderr, fmt, ap);
}

static int
write_pid_file(const char *path, char **cause)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

static void __attribute__((noreturn))
die(const char *what, char *cause)
{
	fprintf(stderr, "%s: %s%s\n", TARGET_PROGRAM, what, cause);
	free(cause);
	exit(EXIT_RUNTIME);
}

/* The stop signals, blocked before any thread starts: main waits. */
static void
block_stop_signals(sigset_t *set)
{
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

/* Bind where the options say; exits when it cannot. */
static int
listen_or_exit(const struct target_options *o, char **url)
{
	char *cause = NULL;
	int fd;

	if ((fd = open_listener(&o->addr, o->addrlen, url, &cause)) >= 0)
		return fd;
	if (cause != NULL)
		die("", cause);
	fprintf(stderr, "%s: cannot listen on %s port %u: %s\n", TARGET_PROGRAM,
	    o->bind, o->port, strerror(errno));
	exit(EXIT_RUNTIME);
}

/* The counters, the routes and the thread that ends the delays. */
static void
start_routes(const struct target_options *o)
{
	struct troute_config cfg;
	struct tlogin_config login;
	char *cause = NULL;

	target_stats_init();
	target_response_init();
	memset(&cfg, 0, sizeof cfg);
	cfg.secret = o->secret;
	cfg.limit_mode = o->limit_mode;
	cfg.limit_n = o->limit_n;
	cfg.limit_window_us = o->limit_window_us;
	cfg.webhook_limit = o->webhook_limit;
	target_route_init(&cfg);
	login.tokens = o->login_tokens;
	login.fail_every = o->login_fail_every;
	if (target_login_init(&login, &cause) != 0)
		die("", cause);
	if (target_delay_start(&cause) != 0)
		die("", cause);
	if (target_ws_start(o->threads, o->ws_drop_after, &cause) != 0)
		die("", cause);
}

/* Serve on the listening socket fd; exits when MHD will not start. */
static struct MHD_Daemon *
start_daemon(const struct target_options *o, int fd, unsigned int fds,
    const char *url)
{
	struct MHD_OptionItem opts[8];
	struct MHD_Daemon *daemon;
	unsigned int flags;
	int i = 0;

	/*
	 * poll(), not epoll: with epoll, libmicrohttpd 0.9.75 leaves a few
	 * keep-alive connections unread under heavy load until they time out.
	 */
	flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_ALLOW_UPGRADE | MHD_USE_ERROR_LOG;
	if (o->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* The logger goes first so that MHD routes every message to it. */
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER,
	    (intptr_t)mhd_log, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, fd,
	    NULL };
	if (o->threads > 1)
		opts[i++] = (struct MHD_OptionItem){
		    MHD_OPTION_THREAD_POOL_SIZE, o->threads, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
	    fds > 64 ? fds - 32 : fds, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
	    IDLE_TIMEOUT, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
	    (intptr_t)target_route_completed, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	daemon = MHD_start_daemon(flags, 0, NULL, NULL, target_route_handle,
	    NULL, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (daemon == NULL) {
		close(fd);
		fprintf(stderr, "%s: cannot start the HTTP server on %s\n",
		    TARGET_PROGRAM, url);
		exit(EXIT_RUNTIME);
	}
	return daemon;
}

static void
announce(const struct target_options *o, const char *url)
{
	printf("listening on %s\n", url);
	fflush(stdout);
	if (!quiet)
		fprintf(stderr, "%s: %u thread%s, limit %s (%s)%s\n",
		    TARGET_PROGRAM, o->threads, o->threads == 1 ? "" : "s",
		    o->limit, target_limit_mode_name(o->limit_mode),
		    o->webhook_limit ? ", webhook limited" : "");
}

static void
wait_for_stop(const sigset_t *set)
{
	int sig;

	for (;;) {
		if (sigwait(set, &sig) == 0)
			break;
	}
	if (!quiet)
		fprintf(stderr, "%s: stopping on signal %d\n", TARGET_PROGRAM,
		    sig);
}

/*
 * Stop accepting, resume every delayed request (MHD must not stop
 * with suspended connections) and give the answers in flight a
 * moment to leave before closing everything.
 */
static void
drain_and_stop(struct MHD_Daemon *daemon)
{
	MHD_socket quiesced;
	int i;

	quiesced = MHD_quiesce_daemon(daemon);
	target_ws_stop();
	target_sse_stop();
	target_delay_stop();
	for (i = 0; i < DRAIN_MS / 10 && target_stats_inflight_count() > 0; i++)
		usleep(10000);
	MHD_stop_daemon(daemon);
	if (quiesced != MHD_INVALID_SOCKET)
		close(quiesced);
	target_route_free();
	target_login_free();
	target_response_free();
	target_stats_free();
	target_leak_reset();
}

int
main(int argc, char **argv)
{
	struct target_options o;
	struct MHD_Daemon *daemon;
	sigset_t stop_signals;
	char *url, *cause = NULL;
	unsigned int fds;
	int fd;

	target_options_parse(argc, argv, &o);
	quiet = o.quiet;
	block_stop_signals(&stop_signals);
	fds = raise_fd_limit();
	fd = listen_or_exit(&o, &url);
	start_routes(&o);
	daemon = start_daemon(&o, fd, fds, url);
	if (o.pid_file != NULL && write_pid_file(o.pid_file, &cause) != 0) {
		target_delay_stop();
		MHD_stop_daemon(daemon);
		die("", cause);
	}
	announce(&o, url);

	wait_for_stop(&stop_signals);
	drain_and_stop(daemon);
	if (o.pid_file != NULL)
		unlink(o.pid_file);
	free(url);
	return 0;
}
