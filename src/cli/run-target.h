/* The process a run watches (and may have started). */
#ifndef LT_RUN_TARGET_H
#define LT_RUN_TARGET_H

#include <stdbool.h>

#include "cmd.h"
#include "monitor.h"
#include "scenario.h"

struct run_target {
	struct monitor *monitor;	/* NULL when nothing is watched */
	bool tree;			/* the process and its descendants */
	struct procspawn *child;	/* when we started it (--exec) */
	char *log_path;			/* its output */
};

/* Choose, maybe start, and begin watching the target; 0 when there is
 * nothing to watch.  Command-line flags take precedence over the
 * scenario's target.process. */
int	 run_target_open(struct run_target *, const struct cmd_opts *,
	     const struct scenario *, char **cause);
/* Stop watching, and stop the service if we started it. */
void	 run_target_close(struct run_target *, bool quiet);
void	 run_target_free(struct run_target *);

#endif
