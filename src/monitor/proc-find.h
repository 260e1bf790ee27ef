/*
 * Find the process to watch: by PID, PID file or name.
 *
 * A name matches a process whose comm is the name, or whose cmdline[0]
 * has the name as basename.  loadtop itself never matches.  When several
 * processes match, it is an error listing them, except in tree mode when
 * exactly one of them is an ancestor of all the others (a master and its
 * workers): that one is chosen.
 */
#ifndef LT_PROC_FIND_H
#define LT_PROC_FIND_H

#include <stdbool.h>
#include <sys/types.h>

struct procfind_spec {
	pid_t pid;			/* 0 = not given */
	const char *pid_file;
	const char *name;
	bool tree;
};

/* Exactly one of pid, pid_file, name must be given. */
int	 proc_find_resolve(const struct procfind_spec *, pid_t *out,
	     char **cause);

#endif
