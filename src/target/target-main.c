/* loadtop-target: the HTTP service that loadtop's demo and tests load. */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "target-delay.h"
#include "target-leak.h"
#include "target-limit.h"
#include "target-route.h"
#include "target-stats.h"
#include "util.h"

#define PROGRAM		"loadtop-target"
#define DEFAULT_SECRET	"loadtop-demo-secret"
#define SECRET_ENV	"LOADTOP_TARGET_SECRET"
#define MAX_THREADS	256
/* Idle keep-alive connections are closed after this many seconds. */
#define IDLE_TIMEOUT	300
/* How long a stop waits for the answers in flight. */
#define DRAIN_MS	2000

enum {
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
};

enum {
	OPT_PID_FILE = 256,
	OPT_LIMIT_MODE,
	OPT_WEBHOOK_LIMIT,
	OPT_HELP,
	OPT_VERSION,
};

struct options {
	unsigned int	 port;
	const char	*bind;
	unsigned int	 threads;
	const char	*pid_file;
	const char	*secret;
	const char	*limit;
	enum tlimit_mode limit_mode;
	int		 webhook_limit;
	int		 quiet;
};

static const struct option long_options[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'b' },
	{ "threads", required_argument, NULL, 't' },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "secret", required_argument, NULL, 's' },
	{ "limit", required_argument, NULL, 'l' },
	{ "limit-mode", required_argument, NULL, OPT_LIMIT_MODE },
	{ "webhook-limit", no_argument, NULL, OPT_WEBHOOK_LIMIT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int quiet;

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTION]...\n"
"Serve the HTTP endpoints that loadtop's demo and tests load.\n"
"\n"
"  -p, --port N           listen on port N (default 8080; 0 picks a free one)\n"
"  -b, --bind ADDR        listen on address ADDR (default 127.0.0.1)\n"
"  -t, --threads N        serve with N threads (default 2)\n"
"      --pid-file FILE    write the process id to FILE, remove it at exit\n"
"  -s, --secret S         HMAC key for POST /webhook (default: $%s,\n"
"                         else \"%s\")\n"
"  -l, --limit N/WINDOW   allow N requests to /limited per client address\n"
"                         and WINDOW, like 10/1s or 100/1m (default 10/1s)\n"
"      --limit-mode MODE  'window' (fixed window, default) or 'bucket'\n"
"                         (token bucket)\n"
"      --webhook-limit    rate-limit POST /webhook as well\n"
"  -q, --quiet            print nothing but the listening line and errors\n"
"      --help             display this help and exit\n"
"      --version          output version information and exit\n"
"\n"
"Endpoints: /ok /health /delay?ms=N /jitter?ms=N&spread=M /bytes?n=N\n"
"/limited /leak?kb=N /leak/reset /flaky?every=N /webhook /metrics /stats.\n"
"See %s(1).\n", PROGRAM, SECRET_ENV, DEFAULT_SECRET, PROGRAM);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROGRAM);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", PROGRAM);
	exit(EXIT_USAGE);
}

static unsigned int
parse_number(const char *flag, const char *s, unsigned int min,
    unsigned int max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < min ||
	    v > max)
		usage_error("--%s must be a number from %u to %u, not '%s'",
		    flag, min, max, s);
	return (unsigned int)v;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof *o);
	o->port = 8080;
	o->bind = "127.0.0.1";
	o->threads = 2;
	o->limit = "10/1s";
	o->limit_mode = TLIMIT_WINDOW;

	while ((c = getopt_long(argc, argv, "p:b:t:s:l:q", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 'p':
			o->port = parse_number("port", optarg, 0, 65535);
			break;
		case 'b':
			o->bind = optarg;
			break;
		case 't':
			o->threads = parse_number("threads", optarg, 1,
			    MAX_THREADS);
			break;
		case OPT_PID_FILE:
			if (*optarg == '\0')
				usage_error("--pid-file needs a file name");
			o->pid_file = optarg;
			break;
		case 's':
			if (*optarg == '\0')
				usage_error("--secret must not be empty");
			o->secret = optarg;
			break;
		case 'l':
			o->limit = optarg;
			break;
		case OPT_LIMIT_MODE:
			if (target_limit_parse_mode(optarg, &o->limit_mode) != 0)
				usage_error("--limit-mode must be 'window' or "
				    "'bucket', not '%s'", optarg);
			break;
		case OPT_WEBHOOK_LIMIT:
			o->webhook_limit = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("%s (%s) %s\n", PROGRAM, PACKAGE_NAME,
			    PACKAGE_VERSION);
			exit(0);
		default:
			fprintf(stderr, "Try '%s --help' for more "
			    "information.\n", PROGRAM);
			exit(EXIT_USAGE);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (o->secret == NULL) {
		o->secret = getenv(SECRET_ENV);
		if (o->secret == NULL || *o->secret == '\0')
			o->secret = DEFAULT_SECRET;
	}
}

/* Parse ADDR (IPv4, or IPv6 with or without brackets) into ss. */
static int
parse_address(const char *addr, unsigned int port,
    struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char buf[INET6_ADDRSTRLEN + 2];
	size_t len = strlen(addr);

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*sslen = sizeof *sin;
		return 0;
	}
	if (len >= 2 && len < sizeof buf && addr[0] == '[' &&
	    addr[len - 1] == ']') {
		memcpy(buf, addr + 1, len - 2);
		buf[len - 2] = '\0';
		addr = buf;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*sslen = sizeof *sin6;
		return 0;
	}
	return -1;
}

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
	fprintf(stderr, "%s: ", PROGRAM);
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
	fprintf(stderr, "%s: %s%s\n", PROGRAM, what, cause);
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
listen_or_exit(const struct options *o, const struct sockaddr_storage *ss,
    socklen_t sslen, char **url)
{
	char *cause = NULL;
	int fd;

	if ((fd = open_listener(ss, sslen, url, &cause)) >= 0)
		return fd;
	if (cause != NULL)
		die("", cause);
	fprintf(stderr, "%s: cannot listen on %s port %u: %s\n", PROGRAM,
	    o->bind, o->port, strerror(errno));
	exit(EXIT_RUNTIME);
}

/* The counters, the routes and the thread that ends the delays. */
static void
start_routes(const struct options *o, unsigned int limit_n,
    int64_t window_us)
{
	struct troute_config cfg;
	char *cause = NULL;

	target_stats_init();
	memset(&cfg, 0, sizeof cfg);
	cfg.secret = o->secret;
	cfg.limit_mode = o->limit_mode;
	cfg.limit_n = limit_n;
	cfg.limit_window_us = window_us;
	cfg.webhook_limit = o->webhook_limit;
	target_route_init(&cfg);
	if (target_delay_start(&cause) != 0)
		die("", cause);
}

/* Serve on the listening socket fd; exits when MHD will not start. */
static struct MHD_Daemon *
start_daemon(const struct options *o, int family, int fd, unsigned int fds,
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
	    MHD_USE_ERROR_LOG;
	if (family == AF_INET6)
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
		    PROGRAM, url);
		exit(EXIT_RUNTIME);
	}
	return daemon;
}

static void
announce(const struct options *o, const char *url)
{
	printf("listening on %s\n", url);
	fflush(stdout);
	if (!quiet)
		fprintf(stderr, "%s: %u thread%s, limit %s (%s)%s\n", PROGRAM,
		    o->threads, o->threads == 1 ? "" : "s", o->limit,
		    target_limit_mode_name(o->limit_mode),
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
		fprintf(stderr, "%s: stopping on signal %d\n", PROGRAM, sig);
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
	target_delay_stop();
	for (i = 0; i < DRAIN_MS / 10 && target_stats_inflight_count() > 0; i++)
		usleep(10000);
	MHD_stop_daemon(daemon);
	if (quiesced != MHD_INVALID_SOCKET)
		close(quiesced);
	target_route_free();
	target_stats_free();
	target_leak_reset();
}

int
main(int argc, char **argv)
{
	struct options o;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct MHD_Daemon *daemon;
	sigset_t stop_signals;
	unsigned int fds, limit_n;
	int64_t window_us;
	char *url, *cause = NULL;
	int fd;

	parse_options(argc, argv, &o);
	quiet = o.quiet;
	if (target_limit_parse(o.limit, &limit_n, &window_us, &cause) != 0) {
		fprintf(stderr, "%s: %s\nTry '%s --help' for more "
		    "information.\n", PROGRAM, cause, PROGRAM);
		free(cause);
		exit(EXIT_USAGE);
	}
	if (parse_address(o.bind, o.port, &ss, &sslen) != 0)
		usage_error("--bind needs a numeric IPv4 or IPv6 address, "
		    "not '%s'", o.bind);

	block_stop_signals(&stop_signals);
	fds = raise_fd_limit();
	fd = listen_or_exit(&o, &ss, sslen, &url);
	start_routes(&o, limit_n, window_us);
	daemon = start_daemon(&o, ss.ss_family, fd, fds, url);
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
