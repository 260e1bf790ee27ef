/*
 * The commands of loadtop and the options they take.  Every option is in
 * one table (cmd-options.c) that says which commands take it; main.c's
 * command table says what each command is.  Each command's function
 * returns an exit code (util.h).
 */
#ifndef LT_CMD_H
#define LT_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opt.h"

struct procspawn;

/* The commands, as the bits of the option table's cmds. */
enum cmd_id {
	CMD_RUN = 1 << 0,		/* loadtop SCENARIO.yaml | URL */
	CMD_DEMO = 1 << 1,
	CMD_MONITOR = 1 << 2,
	CMD_COMPARE = 1 << 3,
	CMD_CHECK = 1 << 4,
};

/* The options, as indexes into cmd_options. */
enum cmd_opt {
	O_CONNECTIONS,
	O_DURATION,
	O_REQUESTS,
	O_RATE,
	O_METHOD,
	O_HEADER,
	O_BODY,
	O_BODY_FILE,
	O_HTTP2,
	O_INSECURE,
	O_TIMEOUT,
	O_BASE_URL,
	O_TRANSPORT,
	O_PID,
	O_PID_FILE,
	O_PROC_NAME,
	O_PROC_TREE,
	O_EXEC,
	O_EXEC_LOG,
	O_READY_URL,
	O_READY_PORT,
	O_READY_TIMEOUT,
	O_SAMPLE_RATE,
	O_HEALTH_URL,
	O_METRICS_URL,
	O_METRIC,
	O_THREADS,
	O_INTERVAL,
	O_HEADLESS,
	O_FPS,
	O_QUIET,
	O_THRESHOLD,
	O_REPORT,
	O_NO_REPORT,
	O_TOLERANCE,
	O_LIMIT,
	O_NAMES,
	O_BY,
	O_FORMAT,
	O_CHECK,
	O_LIST_COMMANDS,
	O_LIST_FLAGS,
	O_LIST_KEYS,
	O_HELP,
	O_VERSION,
	O__COUNT
};

/* Tags of options, for the rules. */
#define CMD_TAG_ADHOC 0x1		/* a run's, with a URL only */

/* compare --format. */
enum cmd_format { CMD_FORMAT_TEXT, CMD_FORMAT_MD, CMD_FORMAT_JSON };

/* What the command line asks, for whichever command. */
struct cmd_opts {
	/* A run: the scenario, or the URL of an ad-hoc one. */
	const char *scenario_file;
	const char *url;
	unsigned conns;
	int64_t duration_us;		/* monitor: 0 is until the end */
	unsigned requests;
	double rate;
	const char *method;
	struct opt_list headers;
	const char *body;
	const char *body_file;
	bool http2;
	bool insecure;
	int64_t timeout_us;
	struct opt_list thresholds;
	const char *base_url;		/* replaces the scenario's */
	int transport;			/* enum scn_transport, if given */
	/* The processes to watch, each option once a process (else the
	 * scenario's target.process or target.processes). */
	struct opt_list pids;
	struct opt_list pid_files;
	struct opt_list proc_names;
	bool proc_tree;
	struct opt_list exec_cmds;
	const char *exec_log;
	struct opt_list ready_urls;	/* the --exec's, in their order */
	unsigned ready_port;
	int64_t ready_timeout_us;
	double sample_hz;
	const char *health_url;
	const char *metrics_url;
	struct opt_list metrics;
	struct procspawn *child;	/* started by loadtop demo */
	unsigned threads;
	int64_t interval_us;
	bool headless;
	unsigned fps;			/* dashboard redraws per second */
	bool quiet;
	/* The report written at the end (report.h). */
	const char *report_path;	/* --report; NULL: a stamped name */
	bool no_report;
	/* compare */
	double tolerance_pct;
	struct opt_list compare_limits;	/* 'p95 < 2x' */
	const char *compare_names;	/* "BASE,NEW" */
	struct opt_list compare_by;	/* phase, request */
	int format;			/* enum cmd_format */
	/* Actions rather than settings. */
	bool check;
	/* For shell completion and the documentation's tests. */
	bool list_commands;
	bool list_flags;
	bool list_keys;
	bool help;
	bool version;
	/* What the parse found. */
	bool given[O__COUNT];
	struct opt_args args;
};

extern const struct opt_table cmd_options;

/* Is the run's operand a URL (an ad-hoc run), SCHEME://...? */
bool	 cmd_is_url(const char *);

int	 cmd_check(struct cmd_opts *);
/* A scenario file or a URL, from the operand or from loadtop demo. */
int	 cmd_run(struct cmd_opts *);
/* A session of the scenario the yaml text holds (or, when NULL, the
 * scenario file): the engine, the dashboard or progress lines, the
 * summary, the report and the exit code. */
int	 cmd_run_session(struct cmd_opts *, const char *yaml);
/* SIGINT, SIGTERM and SIGHUP blocked, for the main thread to take (the
 * mask before in old), and SIGPIPE ignored; the mask put back, the stop
 * signals that came meanwhile dropped; is a stop signal waiting? */
void	 cmd_run_block_signals(sigset_t *sigs, sigset_t *old);
void	 cmd_run_restore_signals(const sigset_t *sigs, const sigset_t *old);
bool	 cmd_run_stop_pending(void);
/* Watch processes without load: a session of one idle phase. */
int	 cmd_monitor(struct cmd_opts *);
/* Compare two reports, BASE and NEW. */
int	 cmd_compare(struct cmd_opts *);
/* The checks of compare's --limit, --names and --by values. */
int	 cmd_compare_check_limit(const char *, char **why);
int	 cmd_compare_check_names(const char *, char **why);
int	 cmd_compare_check_by(const char *, char **why);
/* The values --by takes, NULL-terminated. */
extern const char *const cmd_compare_by_names[];
/* Start loadtop-target on a free port and run the demo scenario on it. */
int	 cmd_demo(struct cmd_opts *);

#endif
