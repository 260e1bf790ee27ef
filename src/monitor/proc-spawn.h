/*
 * Start the service under test as our child, wait until it is ready, and
 * stop it at the end.
 *
 * The command line is split into words like a shell would (quotes,
 * backslashes, $VARS; no command substitution) and run directly; when it
 * holds shell syntax (| & ; < > ( ) { } $(...)) or use_shell is set, it
 * runs as /bin/sh -c COMMAND (write "exec service ..." last for the PID
 * to stay the service's; dash does so by itself for a last command).  The child
 * gets its own process group (so stop reaches its workers too), stdin
 * from /dev/null, stdout and stderr appended to log_path.
 */
#ifndef LT_PROC_SPAWN_H
#define LT_PROC_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct procspawn_opts {
	const char *command;
	bool use_shell;
	const char *log_path;		/* NULL: /dev/null */
	const char *ready_url;		/* any HTTP answer means ready */
	int ready_port;			/* or: 127.0.0.1:port accepts */
	int64_t ready_timeout_us;	/* 0: 10 s */
	int64_t grace_us;		/* SIGTERM to SIGKILL; 0: 5 s */
	/* Asked as the ready wait goes on: true cuts it short (a stop the
	 * user asked for).  NULL: never. */
	bool (*interrupted)(void);
};

struct procspawn;

/* Fork and exec; fails if the command cannot be run at all. */
struct procspawn *proc_spawn_start(const struct procspawn_opts *,
	     char **cause);
pid_t	 proc_spawn_pid(const struct procspawn *);
/*
 * Wait for ready_url or ready_port (returns 0 at once if neither is
 * set).  Fails (-1) on timeout or when the child exits first; returns 1
 * when the options' interrupted() cut the wait short.
 */
int	 proc_spawn_wait_ready(struct procspawn *, char **cause);
/*
 * Has the child exited?  Returns 1 and its wait status (see waitpid(2))
 * when it has, 0 while it runs.  Safe from any thread.
 */
int	 proc_spawn_poll(struct procspawn *, int *status);
/* SIGTERM, SIGKILL after the grace period, reap; returns the status. */
int	 proc_spawn_stop(struct procspawn *);
/* Stops the child if still running. */
void	 proc_spawn_free(struct procspawn *);
/* "exited with status 3", "killed by signal 9 (Killed)". */
void	 proc_spawn_describe(int status, char *buf, size_t len);

#endif
