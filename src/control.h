/*
 * The control interface: the one way the dashboard, the verdict's live
 * abort and the command line steer a session.  A control is a const
 * table of operations and the object behind them; the engine provides
 * one (engine_control).  Whoever holds a control reads everything it
 * shows from snapshots, and the provider publishes a fresh snapshot
 * whenever a command changes what they say (paused, the factor).
 *
 *   struct control c = engine_control(e);
 *   c.report = write_report_now;  c.report_arg = ...;   (optional)
 *   control_send(&c, &(struct control_cmd){ .kind = CONTROL_PAUSE },
 *       &res, &cause);
 */
#ifndef LT_CONTROL_H
#define LT_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "snapshot.h"

enum control_kind {
	CONTROL_PAUSE,			/* pause, or resume when paused */
	CONTROL_SCALE,			/* multiply the load by cmd.by */
	CONTROL_NEXT_PHASE,		/* end the current phase now */
	CONTROL_STOP,			/* end the session, for cmd.reason */
	CONTROL_REPORT,			/* write a report of the latest snapshot */
	CONTROL__COUNT
};

struct control_cmd {
	enum control_kind kind;
	double by;			/* CONTROL_SCALE */
	enum end_reason reason;		/* CONTROL_STOP */
	/* CONTROL_STOP: abandon the requests in flight rather than wait
	 * for them (a second Ctrl-C). */
	bool now;
};

/* What a command left behind, for the caller to say. */
struct control_result {
	bool paused;			/* after CONTROL_PAUSE */
	double factor;			/* after CONTROL_SCALE */
	char *path;			/* CONTROL_REPORT: written; free it */
};

struct control_ops {
	/* Carry out a command other than CONTROL_REPORT; 0 or -1 and cause. */
	int	(*command)(void *self, const struct control_cmd *,
		     struct control_result *, char **cause);
	/* The latest snapshot, held for the caller; NULL before the first. */
	struct snapshot *(*snapshot)(void *self);
	/* Wait up to timeout_us (-1: forever) for the end; true when over. */
	bool	(*wait)(void *self, int64_t timeout_us);
};

struct control {
	const struct control_ops *ops;
	void *self;
	/* CONTROL_REPORT: write a report of s, return its path or NULL with
	 * *cause set.  NULL: reports are off. */
	char	*(*report)(void *arg, const struct snapshot *s, char **cause);
	void *report_arg;
};

/* Carry out cmd; returns 0, or -1 with *cause set (free it). */
int	 control_send(const struct control *, const struct control_cmd *,
	     struct control_result *, char **cause);
struct snapshot *control_snapshot(const struct control *);
bool	 control_wait(const struct control *, int64_t timeout_us);
/* Shorthand for CONTROL_STOP, which cannot fail; the _now one waits for
 * nothing in flight. */
void	 control_stop(const struct control *, enum end_reason);
void	 control_stop_now(const struct control *, enum end_reason);
/*
 * A signal that ends the session (SIGINT, SIGTERM, SIGHUP), from
 * sender (0: the kernel, as for Ctrl-C): the first stops it, the
 * requests in flight given up to 2 s to finish; another stops it at once.
 * The same sender's twin within 100 ms is no other (timeout(1) signals
 * the process, then its group).  Start with *seen zeroed.
 */
enum control_signal_step {
	CONTROL_SIGNAL_TWIN,		/* taken as the one before */
	CONTROL_SIGNAL_STOP,		/* the first: stopping */
	CONTROL_SIGNAL_NOW,		/* another: stopped at once */
};
struct control_signals {
	unsigned n;
	pid_t sender;
	int64_t first_us;
};
enum control_signal_step control_take_signal(const struct control *,
	     struct control_signals *seen, pid_t sender);

/* "pause", "scale", ...: for messages and logs. */
const char *control_name(enum control_kind);

#endif
