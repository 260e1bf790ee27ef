#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target-options.h"
#include "target-token.h"
#include "util.h"

#define DEFAULT_SECRET	"loadtop-demo-secret"
#define SECRET_ENV	"LOADTOP_TARGET_SECRET"
#define MAX_THREADS	256

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
"      --login-tokens N   remember the last N tokens of POST /login\n"
"                         (default and at most 1000000)\n"
"      --login-fail-every N\n"
"                         answer every Nth well-formed POST /login with\n"
"                         503 (1: every one)\n"
"      --ws-drop-after N  end every WebSocket without a close frame once\n"
"                         it has sent N messages\n"
"  -q, --quiet            print nothing but the listening line and errors\n"
"      --help             display this help and exit\n"
"      --version          output version information and exit\n"
"\n"
"Endpoints: /ok /health /delay?ms=N /jitter?ms=N&spread=M /bytes?n=N\n"
"/limited /leak?kb=N /leak/reset /flaky?every=N /webhook /login /me\n"
"/ws/echo /ws/feed?rate=N /sse?rate=N&count=M /metrics /stats.\n"
"See %s(1).\n", TARGET_PROGRAM, SECRET_ENV, DEFAULT_SECRET, TARGET_PROGRAM);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", TARGET_PROGRAM);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
	    TARGET_PROGRAM);
	exit(LT_EXIT_USAGE);
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
set_port(struct target_options *o, const char *arg)
{
	o->port = parse_number("port", arg, 0, 65535);
}

static void
set_bind(struct target_options *o, const char *arg)
{
	o->bind = arg;
}

static void
set_threads(struct target_options *o, const char *arg)
{
	o->threads = parse_number("threads", arg, 1, MAX_THREADS);
}

static void
set_pid_file(struct target_options *o, const char *arg)
{
	if (*arg == '\0')
		usage_error("--pid-file needs a file name");
	o->pid_file = arg;
}

static void
set_secret(struct target_options *o, const char *arg)
{
	if (*arg == '\0')
		usage_error("--secret must not be empty");
	o->secret = arg;
}

static void
set_limit(struct target_options *o, const char *arg)
{
	o->limit = arg;
}

static void
set_limit_mode(struct target_options *o, const char *arg)
{
	if (target_limit_parse_mode(arg, &o->limit_mode) != 0)
		usage_error("--limit-mode must be 'window' or 'bucket', not "
		    "'%s'", arg);
}

static void
set_webhook_limit(struct target_options *o, const char *arg)
{
	o->webhook_limit = 1;
}

static void
set_login_tokens(struct target_options *o, const char *arg)
{
	o->login_tokens = parse_number("login-tokens", arg, 1,
	    TTOKEN_MAX_CAPACITY);
}

static void
set_login_fail_every(struct target_options *o, const char *arg)
{
	o->login_fail_every = parse_number("login-fail-every", arg, 1,
	    UINT_MAX);
}

static void
set_ws_drop_after(struct target_options *o, const char *arg)
{
	o->ws_drop_after = parse_number("ws-drop-after", arg, 1, UINT_MAX);
}

static void
set_quiet(struct target_options *o, const char *arg)
{
	o->quiet = 1;
}

static void __attribute__((noreturn))
show_help(struct target_options *o, const char *arg)
{
	usage(stdout);
	exit(0);
}

static void __attribute__((noreturn))
show_version(struct target_options *o, const char *arg)
{
	printf("%s (%s) %s\n", TARGET_PROGRAM, PACKAGE_NAME, PACKAGE_VERSION);
	exit(0);
}

static const struct option_entry {
	const char	*name;
	char		 letter;	/* 0: a long option only */
	bool		 arg;		/* takes an argument */
	void		(*set)(struct target_options *, const char *arg);
} option_table[] = {
	{ .name = "port", .letter = 'p', .arg = true, .set = set_port },
	{ .name = "bind", .letter = 'b', .arg = true, .set = set_bind },
	{ .name = "threads", .letter = 't', .arg = true, .set = set_threads },
	{ .name = "pid-file", .arg = true, .set = set_pid_file },
	{ .name = "secret", .letter = 's', .arg = true, .set = set_secret },
	{ .name = "limit", .letter = 'l', .arg = true, .set = set_limit },
	{ .name = "limit-mode", .arg = true, .set = set_limit_mode },
	{ .name = "webhook-limit", .set = set_webhook_limit },
	{ .name = "login-tokens", .arg = true, .set = set_login_tokens },
	{ .name = "login-fail-every", .arg = true,
	  .set = set_login_fail_every },
	{ .name = "ws-drop-after", .arg = true, .set = set_ws_drop_after },
	{ .name = "quiet", .letter = 'q', .set = set_quiet },
	{ .name = "help", .set = show_help },
	{ .name = "version", .set = show_version },
};

/* getopt_long's code for an option: its letter, or one past any char. */
static int
option_code(size_t i)
{
	if (option_table[i].letter != 0)
		return option_table[i].letter;
	return 256 + (int)i;
}

/* The getopt_long tables of option_table. */
static void
option_tables(struct option *longs, char *shorts)
{
	const struct option_entry *t;
	size_t i;

	for (i = 0; i < LT_NELEM(option_table); i++) {
		t = &option_table[i];
		longs[i] = (struct option){ t->name,
		    t->arg ? required_argument : no_argument, NULL,
		    option_code(i) };
		if (t->letter == 0)
			continue;
		*shorts++ = t->letter;
		if (t->arg)
			*shorts++ = ':';
	}
	longs[i] = (struct option){ NULL, 0, NULL, 0 };
	*shorts = '\0';
}

static void
parse_options(int argc, char **argv, struct target_options *o)
{
	struct option longs[LT_NELEM(option_table) + 1];
	char shorts[2 * LT_NELEM(option_table) + 1];
	size_t i;
	int c;

	memset(o, 0, sizeof *o);
	o->port = 8080;
	o->bind = "127.0.0.1";
	o->threads = 2;
	o->limit = "10/1s";
	o->limit_mode = TLIMIT_WINDOW;
	o->login_tokens = TTOKEN_MAX_CAPACITY;

	option_tables(longs, shorts);
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		for (i = 0; i < LT_NELEM(option_table); i++) {
			if (option_code(i) == c)
				break;
		}
		if (i == LT_NELEM(option_table)) {
			fprintf(stderr, "Try '%s --help' for more "
			    "information.\n", TARGET_PROGRAM);
			exit(LT_EXIT_USAGE);
		}
		option_table[i].set(o, optarg);
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

void
target_options_parse(int argc, char **argv, struct target_options *o)
{
	char *cause = NULL;

	parse_options(argc, argv, o);
	if (target_limit_parse(o->limit, &o->limit_n, &o->limit_window_us,
	    &cause) != 0) {
		fprintf(stderr, "%s: %s\nTry '%s --help' for more "
		    "information.\n", TARGET_PROGRAM, cause, TARGET_PROGRAM);
		free(cause);
		exit(LT_EXIT_USAGE);
	}
	if (parse_address(o->bind, o->port, &o->addr, &o->addrlen) != 0)
		usage_error("--bind needs a numeric IPv4 or IPv6 address, "
		    "not '%s'", o->bind);
}
