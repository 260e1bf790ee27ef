/* The processes a run watches (and may have started). */
#ifndef LT_RUN_TARGET_H
#define LT_RUN_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"
#include "monitor.h"
#include "scenario.h"

struct run_proc {
	char *label;			/* its name: process:NAME */
	struct monitor *monitor;
	bool tree;			/* the process and its descendants */
	bool may_exit;			/* its exit neither fails nor ends */
	struct procspawn *child;	/* when we started it (--exec) */
	bool ours;			/* ... and must stop it */
	const char *command;		/* how it was started */
	char *log_path;			/* its output */
};

struct run_target {
	struct run_proc *procs;		/* in the scenario's order */
	size_t nprocs;
	struct monitor **monitors;	/* each one's, for the engine */
	const char **labels;
	bool *may_exit;
};

/*
 * Choose, maybe start, and begin watching the processes: the command
 * line's (--pid, --pid-file, --proc-name, --exec, each repeatable) or
 * else the scenario's target.process or target.processes.  nprocs is 0
 * when there is nothing to watch.
 */
int	 run_target_open(struct run_target *, const struct cmd_opts *,
	     const struct scenario *, char **cause);
/* Stop watching, and stop the services we started. */
void	 run_target_close(struct run_target *, bool quiet);
void	 run_target_free(struct run_target *);

#endif
