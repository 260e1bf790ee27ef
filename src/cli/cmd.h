/* The subcommands of loadtop; each returns an exit code (util.h). */
#ifndef LT_CMD_H
#define LT_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct procspawn;

/* What the command line asks of a run. */
struct run_opts {
	const char *scenario_file;	/* or, ad hoc: */
	const char *url;
	unsigned conns;
	int64_t duration_us;
	uint64_t requests;
	double rate;
	const char *method;
	char **headers;
	size_t nheaders;
	const char *body;
	const char *body_file;
	bool http2;
	bool insecure;
	int64_t timeout_us;
	char **thresholds;
	size_t nthresholds;
	/* Either way: */
	const char *base_url;		/* replaces the scenario's */
	/* The target process (else the scenario's target.process). */
	int pid;
	const char *pid_file;
	const char *proc_name;
	bool proc_tree;
	const char *exec_cmd;
	const char *ready_url;
	double sample_hz;
	struct procspawn *child;	/* started by loadtop demo */
	unsigned threads;
	int64_t interval_us;
	bool headless;
	unsigned fps;			/* dashboard redraws per second */
	bool quiet;
	/* The report written at the end (report.h). */
	const char *report_path;	/* --report; NULL: a stamped name */
	bool no_report;
};

int	 cmd_check(int nfiles, char **files);
int	 cmd_run(const struct run_opts *);
int	 cmd_monitor(int argc, char **argv);
/* Compare two reports: BASE NEW [--tolerance P%] [--format F]. */
int	 cmd_compare(int argc, char **argv);
/* Start loadtop-target on a free port and run the demo scenario on it. */
int	 cmd_demo(struct run_opts *);

#endif
