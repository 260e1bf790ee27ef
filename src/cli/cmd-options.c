/*
 * Every option of every command, and the rules between them.  An option
 * shared by several commands (the target process's, --duration,
 * --interval) has one entry, so it is parsed and checked one way.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "scenario-limits.h"
#include "util.h"

#define RUNS (CMD_RUN | CMD_DEMO)
#define WATCHERS (CMD_RUN | CMD_MONITOR)
#define ALL (CMD_RUN | CMD_DEMO | CMD_MONITOR | CMD_COMPARE | CMD_CHECK)
#define AT(field) offsetof(struct cmd_opts, field)

static int
cmd_options_header(const char *s, char **why)
{
	if (strchr(s, ':') == NULL || *s == ':') {
		xasprintf(why, "expected 'Name: value'");
		return -1;
	}
	return 0;
}

static int
cmd_options_method(const char *s, char **why)
{
	if (*s == '\0' || strpbrk(s, " \t\r\n") != NULL) {
		xasprintf(why, "expected an HTTP method such as GET or POST");
		return -1;
	}
	return 0;
}

static int
cmd_options_word(const char *s, char **why)
{
	if (*s == '\0') {
		xasprintf(why, "expected something, not nothing");
		return -1;
	}
	return 0;
}

static int
cmd_options_pid(const char *s, char **why)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end != '\0' || v < 1 || v > SCN_MAX_PID) {
		xasprintf(why, "expected a whole number from 1 to %d",
		    SCN_MAX_PID);
		return -1;
	}
	return 0;
}

static int
cmd_options_url(const char *s, char **why)
{
	if ((strncmp(s, "http://", 7) != 0 || s[7] == '\0') &&
	    (strncmp(s, "https://", 8) != 0 || s[8] == '\0')) {
		xasprintf(why, "expected an http:// or https:// URL");
		return -1;
	}
	return 0;
}

/* In the order of enum scn_transport. */
static const char *const cmd_options_transports[] = { "auto", "raw", "curl",
	NULL };

static const char *const cmd_options_formats[] = { "text", "md", "json",
	NULL };

static const struct opt_def cmd_option_defs[O__COUNT] = {
	/* A run built from a URL. */
	[O_CONNECTIONS] = { "connections", 'c', OPT_COUNT, AT(conns),
	    CMD_RUN, CMD_TAG_ADHOC, .min = 1, .max = 100000,
	    .help = "ad hoc: connections (closed model users),\n"
	    "default 10" },
	[O_DURATION] = { "duration", 'd', OPT_DURATION, AT(duration_us),
	    CMD_RUN | CMD_MONITOR, CMD_TAG_ADHOC, .min = 1,
	    .help = "stop after TIME (10s, 2m); ad hoc: default 10s,\n"
	    "monitor: until q, a signal or the process's exit" },
	[O_REQUESTS] = { "requests", 'n', OPT_COUNT, AT(requests), CMD_RUN,
	    CMD_TAG_ADHOC, .min = 1, .max = 1000000000,
	    .help = "ad hoc: send N requests, then stop" },
	[O_RATE] = { "rate", 'r', OPT_RATE, AT(rate), CMD_RUN, CMD_TAG_ADHOC,
	    .max = SCN_MAX_RATE,
	    .help = "ad hoc: open model at RATE (500, 500/s, 6000/m)" },
	[O_METHOD] = { "method", 'm', OPT_STRING, AT(method), CMD_RUN,
	    CMD_TAG_ADHOC, .check = cmd_options_method, .arg = "METHOD",
	    .help = "ad hoc: HTTP method, default GET" },
	[O_HEADER] = { "header", 'H', OPT_LIST, AT(headers), CMD_RUN,
	    CMD_TAG_ADHOC, .check = cmd_options_header, .arg = "'K: V'",
	    .help = "ad hoc: add a request header (repeatable)" },
	[O_BODY] = { "body", 'b', OPT_STRING, AT(body), CMD_RUN,
	    CMD_TAG_ADHOC, .arg = "BODY", .help = "ad hoc: request body" },
	[O_BODY_FILE] = { "body-file", 'B', OPT_PATH, AT(body_file), CMD_RUN,
	    CMD_TAG_ADHOC, .help = "ad hoc: request body from FILE" },
	[O_HTTP2] = { "http2", 0, OPT_FLAG, AT(http2), CMD_RUN, CMD_TAG_ADHOC,
	    .help = "ad hoc: use HTTP/2" },
	[O_INSECURE] = { "insecure", 'k', OPT_FLAG, AT(insecure), CMD_RUN,
	    CMD_TAG_ADHOC,
	    .help = "ad hoc: accept self-signed TLS certificates" },
	[O_TIMEOUT] = { "timeout", 0, OPT_DURATION, AT(timeout_us), CMD_RUN,
	    CMD_TAG_ADHOC, .min = 1,
	    .help = "ad hoc: per-request timeout, default 30s" },
	[O_BASE_URL] = { "base-url", 0, OPT_URL, AT(base_url), CMD_RUN, 0,
	    .help = "replace the scenario's target.base_url" },
	[O_TRANSPORT] = { "transport", 0, OPT_CHOICE, AT(transport), RUNS, 0,
	    .choices = cmd_options_transports,
	    .help = "who speaks HTTP/1.1: loadtop's own loop (raw),\n"
	    "libcurl (curl), or raw wherever it can (auto, the\n"
	    "default); replaces defaults.transport" },

	/* The target process. */
	[O_PID] = { "pid", 0, OPT_LIST, AT(pids), WATCHERS, 0,
	    .check = cmd_options_pid, .arg = "N",
	    .help = "watch the process N (repeatable, a process each)" },
	[O_PID_FILE] = { "pid-file", 0, OPT_LIST, AT(pid_files), WATCHERS, 0,
	    .check = cmd_options_word, .arg = "FILE",
	    .help = "watch the process whose PID is in FILE (repeatable)" },
	[O_PROC_NAME] = { "proc-name", 0, OPT_LIST, AT(proc_names), WATCHERS,
	    0, .check = cmd_options_word, .arg = "NAME",
	    .help = "watch the process named NAME (repeatable)" },
	[O_PROC_TREE] = { "proc-tree", 0, OPT_FLAG, AT(proc_tree),
	    RUNS | CMD_MONITOR, 0,
	    .help = "watch the process and all its descendants" },
	[O_EXEC] = { "exec", 0, OPT_LIST, AT(exec_cmds), WATCHERS, 0,
	    .check = cmd_options_word, .arg = "CMD",
	    .help = "start CMD as a target, stop it at the end (repeatable)" },
	[O_EXEC_LOG] = { "exec-log", 0, OPT_PATH, AT(exec_log), CMD_MONITOR,
	    0, .help = "with --exec: append CMD's output to FILE" },
	[O_READY_URL] = { "ready-url", 0, OPT_LIST, AT(ready_urls), WATCHERS, 0,
	    .check = cmd_options_url, .arg = "URL",
	    .help = "with --exec: wait until URL answers (one an --exec)" },
	[O_READY_PORT] = { "ready-port", 0, OPT_COUNT, AT(ready_port),
	    CMD_MONITOR, 0, .min = 1, .max = 65535,
	    .help = "with --exec: wait until 127.0.0.1:N accepts" },
	[O_READY_TIMEOUT] = { "ready-timeout", 0, OPT_DURATION,
	    AT(ready_timeout_us), CMD_MONITOR, 0, .min = 1,
	    .help = "with --exec: give up waiting after TIME,\n"
	    "default 10s" },
	[O_SAMPLE_RATE] = { "sample-rate", 0, OPT_RATE, AT(sample_hz),
	    RUNS | CMD_MONITOR, 0, .min = 0.1, .max = 100, .arg = "HZ",
	    .help = "target samples per second, 0.1 to 100\n"
	    "(or a rate such as 30/m), default 4" },
	[O_HEALTH_URL] = { "health-url", 0, OPT_URL, AT(health_url),
	    CMD_MONITOR, 0, .help = "GET URL every second; 200-399 is up" },
	[O_METRICS_URL] = { "metrics-url", 0, OPT_URL, AT(metrics_url),
	    CMD_MONITOR, 0, .help = "scrape Prometheus metrics from URL" },
	[O_METRIC] = { "metric", 0, OPT_LIST, AT(metrics), CMD_MONITOR, 0,
	    .check = cmd_options_word, .arg = "SELECTOR",
	    .help = "a metric to show (repeatable)" },

	/* How a run goes and what it leaves. */
	[O_THREADS] = { "threads", 't', OPT_COUNT, AT(threads), RUNS, 0,
	    .min = 1, .max = ENGINE_MAX_THREADS,
	    .help = "worker threads, default one per core" },
	[O_INTERVAL] = { "interval", 0, OPT_DURATION, AT(interval_us),
	    RUNS | CMD_MONITOR, 0, .min = 10000,
	    .help = "progress line and snapshot interval,\n"
	    "default 1s" },
	[O_HEADLESS] = { "headless", 0, OPT_FLAG, AT(headless),
	    RUNS | CMD_MONITOR, 0,
	    .help = "progress lines on stderr, summary on stdout" },
	[O_FPS] = { "fps", 0, OPT_COUNT, AT(fps),
	    RUNS | CMD_MONITOR, 0, .min = 1,
	    .max = 60, .help = "dashboard redraws per second, default 4" },
	[O_QUIET] = { "quiet", 'q', OPT_FLAG, AT(quiet),
	    RUNS | CMD_MONITOR, 0,
	    .help = "no progress lines" },
	[O_THRESHOLD] = { "threshold", 0, OPT_LIST, AT(thresholds),
	    RUNS | CMD_MONITOR, 0,
	    .check = cmd_options_word, .arg = "EXPR",
	    .help = "a pass/fail threshold, as 'p95 < 50ms'\n"
	    "(repeatable)" },
	[O_REPORT] = { "report", 0, OPT_PATH, AT(report_path),
	    RUNS | CMD_MONITOR, 0,
	    .arg = "DIR", .help = "write the end-of-run report to DIR" },
	[O_NO_REPORT] = { "no-report", 0, OPT_FLAG, AT(no_report),
	    RUNS | CMD_MONITOR, 0,
	    .help = "write no report directory" },

	/* Comparing reports. */
	[O_TOLERANCE] = { "tolerance", 0, OPT_PERCENT, AT(tolerance_pct),
	    CMD_COMPARE, 0,
	    .help = "NEW may be 1+P/100 times worse than BASE\n"
	    "where no --limit says; default 10% (20% for\n"
	    "p99, 50% for max)" },
	[O_LIMIT] = { "limit", 0, OPT_LIST, AT(compare_limits), CMD_COMPARE,
	    0, .check = cmd_compare_check_limit, .arg = "LIMIT",
	    .help = "how much worse NEW may be, as NEW/BASE:\n"
	    "'p95 < 2x', 'rps > 0.5x' (repeatable)" },
	[O_NAMES] = { "names", 0, OPT_STRING, AT(compare_names), CMD_COMPARE,
	    0, .check = cmd_compare_check_names, .arg = "BASE,NEW",
	    .help = "name the sides, as staging,production;\n"
	    "default base,new" },
	[O_BY] = { "by", 0, OPT_LIST, AT(compare_by), CMD_COMPARE, 0,
	    .check = cmd_compare_check_by, .choices = cmd_compare_by_names,
	    .arg = "phase|request",
	    .help = "rows per phase or per request too\n(repeatable)" },
	[O_FORMAT] = { "format", 0, OPT_CHOICE, AT(format), CMD_COMPARE, 0,
	    .choices = cmd_options_formats,
	    .help = "a table (default), Markdown or JSON" },

	[O_CHECK] = { "check", 0, OPT_FLAG, AT(check), CMD_RUN, 0,
	    .help = "validate the scenario FILEs and exit\n"
	    "(loadtop check)" },
	/* Hidden: what shell completion and the tests of the manual read. */
	[O_LIST_COMMANDS] = { "list-commands", 0, OPT_FLAG, AT(list_commands),
	    CMD_RUN, 0, .help = "list the commands", .hidden = true },
	[O_LIST_FLAGS] = { "list-flags", 0, OPT_FLAG, AT(list_flags), CMD_RUN,
	    0, .help = "list the options of a command", .hidden = true },
	[O_LIST_KEYS] = { "list-keys", 0, OPT_FLAG, AT(list_keys), CMD_RUN, 0,
	    .help = "list the keys of scenario files", .hidden = true },
	[O_HELP] = { "help", 'h', OPT_FLAG, AT(help), ALL, 0,
	    .help = "show this help and exit" },
	[O_VERSION] = { "version", 'V', OPT_FLAG, AT(version), CMD_RUN, 0,
	    .help = "show the version and exit" },
};

/* The ad-hoc options need a URL to build the run from. */
static bool
cmd_options_adhoc(const void *dst)
{
	const struct cmd_opts *o = dst;

	return o->args.noperands == 0 || cmd_is_url(o->args.operands[0]);
}

#define TARGETS OPT_IDS(O_PID, O_PID_FILE, O_PROC_NAME, O_EXEC)

static const struct opt_rule cmd_option_rules[] = {
	{ .kind = OPT_RULE_ONLY_IF, .cmds = CMD_RUN, .tag = CMD_TAG_ADHOC,
	  .allowed = cmd_options_adhoc,
	  .why = "is for a URL; a scenario sets it in its file" },
	{ .kind = OPT_RULE_ONE_OF, .cmds = CMD_MONITOR,
	  .opts = TARGETS },
	{ .kind = OPT_RULE_NEEDS, .cmds = WATCHERS,
	  .opts = OPT_IDS(O_READY_URL, O_EXEC) },
	{ .kind = OPT_RULE_NEEDS, .cmds = CMD_MONITOR,
	  .opts = OPT_IDS(O_READY_PORT, O_EXEC) },
	{ .kind = OPT_RULE_NEEDS, .cmds = CMD_MONITOR,
	  .opts = OPT_IDS(O_READY_TIMEOUT, O_EXEC) },
	{ .kind = OPT_RULE_NEEDS, .cmds = CMD_MONITOR,
	  .opts = OPT_IDS(O_EXEC_LOG, O_EXEC) },
	{ .kind = OPT_RULE_NEEDS, .cmds = CMD_MONITOR,
	  .opts = OPT_IDS(O_METRIC, O_METRICS_URL) },
	{ .kind = OPT_RULE_AT_MOST_ONE, .cmds = CMD_RUN,
	  .opts = OPT_IDS(O_BODY, O_BODY_FILE) },
	{ .kind = OPT_RULE_AT_MOST_ONE, .cmds = CMD_RUN,
	  .opts = OPT_IDS(O_REQUESTS, O_DURATION) },
	{ .kind = OPT_RULE_AT_MOST_ONE, .cmds = RUNS | CMD_MONITOR,
	  .opts = OPT_IDS(O_REPORT, O_NO_REPORT) },
};

const struct opt_table cmd_options = {
	.defs = cmd_option_defs,
	.ndefs = LT_NELEM(cmd_option_defs),
	.rules = cmd_option_rules,
	.nrules = LT_NELEM(cmd_option_rules),
};
