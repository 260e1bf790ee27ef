/* loadtop: load-test an HTTP service and watch the process behind it. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "units.h"
#include "util.h"

enum opt_id {
	OPT_CONNS = 'c',
	OPT_DURATION = 'd',
	OPT_HELP = 'h',
	OPT_HEADER = 'H',
	OPT_INSECURE = 'k',
	OPT_METHOD = 'm',
	OPT_REQUESTS = 'n',
	OPT_QUIET = 'q',
	OPT_RATE = 'r',
	OPT_THREADS = 't',
	OPT_VERSION = 'V',
	OPT_BODY = 'b',
	OPT_BODY_FILE = 'B',
	OPT_CHECK = 256,
	OPT_BASE_URL,
	OPT_PID,
	OPT_PID_FILE,
	OPT_PROC_NAME,
	OPT_PROC_TREE,
	OPT_EXEC,
	OPT_READY_URL,
	OPT_SAMPLE_RATE,
	OPT_HEADLESS,
	OPT_HTTP2,
	OPT_INTERVAL,
	OPT_TIMEOUT,
	OPT_FPS,
	OPT_THRESHOLD,
	OPT_REPORT,
	OPT_NO_REPORT,
};

/* The command line, as data: getopt's table and --help come from here. */
struct opt_entry {
	const char *name;
	int has_arg;
	int id;
	const char *arg;
	const char *help;
};

static const struct opt_entry opt_table[] = {
	{ "connections", required_argument, OPT_CONNS, "N",
	  "ad hoc: connections (closed model users), default 10" },
	{ "duration", required_argument, OPT_DURATION, "TIME",
	  "ad hoc: run for TIME (10s, 2m), default 10s" },
	{ "requests", required_argument, OPT_REQUESTS, "N",
	  "ad hoc: send N requests, then stop" },
	{ "rate", required_argument, OPT_RATE, "RATE",
	  "ad hoc: open model at RATE (500, 500/s, 6000/m)" },
	{ "method", required_argument, OPT_METHOD, "METHOD",
	  "ad hoc: HTTP method, default GET" },
	{ "header", required_argument, OPT_HEADER, "'K: V'",
	  "ad hoc: add a request header (repeatable)" },
	{ "body", required_argument, OPT_BODY, "BODY", "ad hoc: request body" },
	{ "body-file", required_argument, OPT_BODY_FILE, "FILE",
	  "ad hoc: request body from FILE" },
	{ "http2", no_argument, OPT_HTTP2, NULL, "ad hoc: use HTTP/2" },
	{ "insecure", no_argument, OPT_INSECURE, NULL,
	  "ad hoc: accept self-signed TLS certificates" },
	{ "timeout", required_argument, OPT_TIMEOUT, "TIME",
	  "ad hoc: per-request timeout, default 30s" },
	{ "base-url", required_argument, OPT_BASE_URL, "URL",
	  "replace the scenario's target.base_url" },
	{ "pid", required_argument, OPT_PID, "N", "watch the target process N" },
	{ "pid-file", required_argument, OPT_PID_FILE, "FILE",
	  "watch the process whose PID is in FILE" },
	{ "proc-name", required_argument, OPT_PROC_NAME, "NAME",
	  "watch the process named NAME" },
	{ "proc-tree", no_argument, OPT_PROC_TREE, NULL,
	  "watch the process and all its descendants" },
	{ "exec", required_argument, OPT_EXEC, "CMD",
	  "start CMD as the target, stop it at the end" },
	{ "ready-url", required_argument, OPT_READY_URL, "URL",
	  "with --exec: wait until URL answers" },
	{ "sample-rate", required_argument, OPT_SAMPLE_RATE, "HZ",
	  "target samples per second, default 4" },
	{ "threads", required_argument, OPT_THREADS, "N",
	  "worker threads, default one per core" },
	{ "interval", required_argument, OPT_INTERVAL, "TIME",
	  "snapshot and progress interval, default 1s" },
	{ "headless", no_argument, OPT_HEADLESS, NULL,
	  "progress lines on stderr, summary on stdout" },
	{ "fps", required_argument, OPT_FPS, "N",
	  "dashboard redraws per second, default 4" },
	{ "quiet", no_argument, OPT_QUIET, NULL, "no progress lines" },
	{ "threshold", required_argument, OPT_THRESHOLD, "EXPR",
	  "a pass/fail threshold, as 'p95 < 50ms' (repeatable)" },
	{ "report", required_argument, OPT_REPORT, "DIR",
	  "write the end-of-run report to DIR" },
	{ "no-report", no_argument, OPT_NO_REPORT, NULL,
	  "write no report directory" },
	{ "check", no_argument, OPT_CHECK, NULL,
	  "validate the scenario FILEs and exit" },
	{ "help", no_argument, OPT_HELP, NULL, "show this help and exit" },
	{ "version", no_argument, OPT_VERSION, NULL,
	  "show the version and exit" },
};

static void
usage(FILE *f)
{
	size_t i;
	char left[64];

	fprintf(f,
	    "Usage: loadtop [OPTION]... SCENARIO.yaml\n"
	    "       loadtop [OPTION]... URL\n"
	    "       loadtop demo [OPTION]...\n"
	    "       loadtop monitor (--pid N | --pid-file F | --proc-name NAME |"
	    " --exec CMD) [OPTION]...\n"
	    "       loadtop compare BASE NEW [--tolerance P%%] "
	    "[--format text|md|json]\n"
	    "       loadtop --check FILE...\n"
	    "Load-test an HTTP service and watch the process behind it.\n"
	    "\nOptions:\n");
	for (i = 0; i < LT_NELEM(opt_table); i++) {
		const struct opt_entry *o = &opt_table[i];

		if (o->id < 256)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->id,
			    o->name, o->arg ? "=" : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name,
			    o->arg ? "=" : "", o->arg ? o->arg : "");
		fprintf(f, "  %-28s %s\n", left, o->help);
	}
	fprintf(f,
	    "\nExit status: 0 ok, 1 a threshold or expectation failed, 2 usage "
	    "or\nscenario error, 3 runtime failure.  See loadtop(1) and "
	    "loadtop-scenario(5).\n");
}

static int
bad_flag(const char *flag, const char *arg, const char *why)
{
	fprintf(stderr, "loadtop: --%s '%s': %s\n", flag, arg, why);
	return -1;
}

static int
parse_count(const char *flag, const char *arg, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*arg == '-' || end == arg || *end != '\0' || errno != 0 || v == 0 ||
	    v > max) {
		char why[80];

		snprintf(why, sizeof why, "expected a whole number from 1 to %llu",
		    (unsigned long long)max);
		return bad_flag(flag, arg, why);
	}
	*out = v;
	return 0;
}

static int
parse_time(const char *flag, const char *arg, int64_t *out)
{
	char *cause = NULL;

	if (units_parse_duration(arg, out, &cause) != 0 || *out <= 0) {
		bad_flag(flag, arg, cause ? cause : "must be more than 0");
		free(cause);
		return -1;
	}
	return 0;
}

static const char *
flag_name(int id)
{
	size_t i;

	for (i = 0; i < LT_NELEM(opt_table); i++)
		if (opt_table[i].id == id)
			return opt_table[i].name;
	return "?";
}

/* One run option; returns -1 on a bad value (already reported). */
static int
set_run_opt(struct run_opts *o, int c, const char *arg)
{
	const char *flag = flag_name(c);
	char *cause = NULL;
	uint64_t n;

	switch (c) {
	case OPT_CONNS:
		if (parse_count(flag, arg, 100000, &n) != 0)
			return -1;
		o->conns = (unsigned)n;
		return 0;
	case OPT_THREADS:
		if (parse_count(flag, arg, 256, &n) != 0)
			return -1;
		o->threads = (unsigned)n;
		return 0;
	case OPT_REQUESTS:
		return parse_count(flag, arg, 1000000000, &o->requests);
	case OPT_DURATION:
		return parse_time(flag, arg, &o->duration_us);
	case OPT_TIMEOUT:
		return parse_time(flag, arg, &o->timeout_us);
	case OPT_INTERVAL:
		return parse_time(flag, arg, &o->interval_us);
	case OPT_RATE:
		if (units_parse_rate(arg, &o->rate, &cause) != 0) {
			bad_flag(flag, arg, cause);
			free(cause);
			return -1;
		}
		return 0;
	case OPT_HEADER:
		if (strchr(arg, ':') == NULL || *arg == ':')
			return bad_flag(flag, arg, "expected 'Name: value'");
		o->headers = xreallocarray(o->headers, o->nheaders + 1,
		    sizeof *o->headers);
		o->headers[o->nheaders++] = (char *)arg;
		return 0;
	case OPT_BASE_URL:
		o->base_url = arg;
		return 0;
	case OPT_PID:
		if (parse_count(flag, arg, 4194304, &n) != 0)
			return -1;
		o->pid = (int)n;
		return 0;
	case OPT_PID_FILE:
		o->pid_file = arg;
		return 0;
	case OPT_PROC_NAME:
		o->proc_name = arg;
		return 0;
	case OPT_PROC_TREE:
		o->proc_tree = true;
		return 0;
	case OPT_EXEC:
		o->exec_cmd = arg;
		return 0;
	case OPT_READY_URL:
		o->ready_url = arg;
		return 0;
	case OPT_SAMPLE_RATE:
		if (parse_count(flag, arg, 100, &n) != 0)
			return -1;
		o->sample_hz = (double)n;
		return 0;
	case OPT_METHOD:
		o->method = arg;
		return 0;
	case OPT_BODY:
		o->body = arg;
		return 0;
	case OPT_BODY_FILE:
		o->body_file = arg;
		return 0;
	case OPT_HTTP2:
		o->http2 = true;
		return 0;
	case OPT_INSECURE:
		o->insecure = true;
		return 0;
	case OPT_HEADLESS:
		o->headless = true;
		return 0;
	case OPT_FPS:
		if (parse_count(flag, arg, 60, &n) != 0)
			return -1;
		o->fps = (unsigned)n;
		return 0;
	case OPT_QUIET:
		o->quiet = true;
		return 0;
	case OPT_THRESHOLD:
		o->thresholds = xreallocarray(o->thresholds,
		    o->nthresholds + 1, sizeof *o->thresholds);
		o->thresholds[o->nthresholds++] = (char *)arg;
		return 0;
	case OPT_REPORT:
		if (*arg == '\0')
			return bad_flag(flag, arg, "expected a directory");
		o->report_path = arg;
		return 0;
	case OPT_NO_REPORT:
		o->no_report = true;
		return 0;
	}
	return -1;
}

static bool
is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

int
main(int argc, char **argv)
{
	struct option longopts[LT_NELEM(opt_table) + 1];
	char shortopts[2 * LT_NELEM(opt_table) + 2], *p = shortopts;
	struct run_opts ro = { 0 };
	size_t i;
	int c, check = 0, demo = 0, rc;

	if (argc > 1 && strcmp(argv[1], "monitor") == 0)
		return cmd_monitor(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);

	*p++ = '+';
	for (i = 0; i < LT_NELEM(opt_table); i++) {
		longopts[i] = (struct option){ opt_table[i].name,
		    opt_table[i].has_arg, NULL, opt_table[i].id };
		if (opt_table[i].id < 256) {
			*p++ = (char)opt_table[i].id;
			if (opt_table[i].has_arg != no_argument)
				*p++ = ':';
		}
	}
	*p = '\0';
	memset(&longopts[i], 0, sizeof longopts[i]);

	/* Options may come before or after the scenario or URL. */
	while (optind < argc) {
		c = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (c == -1) {
			/* loadtop demo takes the run's options too. */
			if (!demo && !check && ro.scenario_file == NULL &&
			    ro.url == NULL && strcmp(argv[optind], "demo") == 0) {
				demo = 1;
				optind++;
				continue;
			}
			if (ro.scenario_file == NULL && ro.url == NULL &&
			    !check && !demo &&
			    strcmp(argv[optind], "check") != 0) {
				if (is_url(argv[optind]))
					ro.url = argv[optind];
				else
					ro.scenario_file = argv[optind];
				optind++;
				continue;
			}
			break;
		}
		switch (c) {
		case OPT_HELP:
			usage(stdout);
			return LT_EXIT_OK;
		case OPT_VERSION:
			printf("loadtop %s\n", PACKAGE_VERSION);
			return LT_EXIT_OK;
		case OPT_CHECK:
			check = 1;
			break;
		case '?':
			fprintf(stderr,
			    "Try 'loadtop --help' for more information.\n");
			return LT_EXIT_USAGE;
		default:
			if (set_run_opt(&ro, c, optarg) != 0)
				return LT_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (check)
		return cmd_check(argc, argv);
	if (argc > 0 && strcmp(argv[0], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (argc > 0) {
		fprintf(stderr, "loadtop: unexpected argument '%s'%s\n", argv[0],
		    demo ? " (demo runs its own scenario)" : "");
		return LT_EXIT_USAGE;
	}
	if (ro.scenario_file == NULL && ro.url == NULL && !demo) {
		usage(stderr);
		return LT_EXIT_USAGE;
	}
	if ((ro.scenario_file != NULL || demo) && (ro.conns || ro.duration_us ||
	    ro.requests || ro.rate > 0 || ro.method || ro.nheaders || ro.body ||
	    ro.body_file || ro.http2 || ro.insecure || ro.timeout_us)) {
		fprintf(stderr, "loadtop: -c, -d, -n, -r, -m, -H, -b, -B, "
		    "--http2, --insecure and --timeout are for a URL; a scenario "
		    "sets them in its file\n");
		return LT_EXIT_USAGE;
	}
	if (demo && (ro.pid || ro.pid_file || ro.proc_name || ro.exec_cmd ||
	    ro.base_url)) {
		fprintf(stderr, "loadtop: demo starts and watches its own "
		    "target\n");
		return LT_EXIT_USAGE;
	}
	if (demo)
		return cmd_demo(&ro);
	if ((ro.pid != 0) + (ro.pid_file != NULL) + (ro.proc_name != NULL) +
	    (ro.exec_cmd != NULL) > 1) {
		fprintf(stderr, "loadtop: give only one of --pid, --pid-file, "
		    "--proc-name and --exec\n");
		return LT_EXIT_USAGE;
	}
	if (ro.ready_url != NULL && ro.exec_cmd == NULL) {
		fprintf(stderr, "loadtop: --ready-url goes with --exec\n");
		return LT_EXIT_USAGE;
	}
	if (ro.url != NULL) {
		if (ro.body != NULL && ro.body_file != NULL) {
			fprintf(stderr, "loadtop: --body and --body-file "
			    "cannot both be given\n");
			return LT_EXIT_USAGE;
		}
		if (ro.requests > 0 && ro.duration_us > 0 && ro.rate <= 0) {
			fprintf(stderr, "loadtop: give --requests or "
			    "--duration, not both\n");
			return LT_EXIT_USAGE;
		}
		if (ro.conns == 0)
			ro.conns = 10;
		if (ro.duration_us == 0)
			ro.duration_us = 10000000;
	}
	rc = cmd_run(&ro);
	free(ro.headers);
	free(ro.thresholds);
	return rc;
}
