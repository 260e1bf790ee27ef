/*
 * Session reports: a directory written from one snapshot, at the end of a
 * run or on demand during it, holding
 *   report.json      every figure, for machines (loadtop-report(5))
 *   timeseries.csv   one row per interval
 *   report.md        the results document, for people
 *   report.html      the same with charts, one self-contained file
 *   target.log       the output of a target loadtop started (--exec)
 * Each file is written to a temporary name and renamed into place.
 */
#ifndef LT_REPORT_H
#define LT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

struct report_opts {
	const char *path;		/* --report; NULL: a stamped name */
	const char *target_log;		/* to copy as target.log, or NULL */
	const char *target_command;	/* how the target was started */
	const char *abort_why;		/* what stopped a threshold_abort */
	bool quiet;			/* no "report written" line */
};

/*
 * Write a report of the snapshot.  The directory is o->path, or
 * loadtop-SCENARIO-YYYYmmdd-HHMMSS in the current directory; when it
 * cannot be written, the same name under $TMPDIR (or /tmp), after a
 * message on stderr.  Returns the directory written (allocated), or NULL
 * with *cause.
 */
char	*report_write(const struct snapshot *, const struct report_opts *,
	     char **cause);

/*
 * The dashboard's "write a report now": arg is a struct report_opts.
 * Mid-run reports always take a fresh stamped name (beside o->path when
 * given) so that the final report is never overwritten by, or confused
 * with, an earlier one.
 */
char	*report_now(void *arg, const struct snapshot *, char **cause);

/* How a watched process ended, when it exited during the run. */
#define REPORT_EXIT_LAST 3
struct report_exit {
	double t;			/* seconds since the run started */
	char what[160];			/* the monitor's line: status, signal */
	size_t nlast;			/* the last samples before it */
	struct mseries_point last[REPORT_EXIT_LAST];
};

/* Fill *x and return true when watched process proc (the index of
 * snapshot_proc_view) exited (report-exit.c). */
bool	 report_target_exit(const struct snapshot *, size_t proc,
	     struct report_exit *);

/*
 * The watched processes, for every reader that shows them one by one
 * (report-proc.c).  The last sample of process proc at or before t
 * seconds since the start, or NULL when there is none; and how many of
 * the snapshot's alerts are about that process.
 */
const struct mseries_point *report_proc_at(const struct snapshot *,
	     size_t proc, double t);
size_t	 report_proc_alerts(const struct snapshot *, size_t proc);

/*
 * What responses said (report-text.c).  A body sample or an outcome's
 * value as one line of UTF-8 text, for people: a control character or a
 * byte that is not UTF-8 escaped (\n, \t, \x01), a backslash doubled;
 * "..." ends it when it did not fit in buf or cut says the text went on.
 * Returns buf.  REPORT_SAMPLE_LINE holds any sample whole.
 */
#define REPORT_SAMPLE_LINE (SNAP_SAMPLE_MAX * 4 + 4)
char	*report_text_line(const char *, size_t len, bool cut, char *buf,
	     size_t size);
/* The same text as it is, but for each byte that is not UTF-8, U+FFFD
 * (allocated; for JSON, which escapes the rest itself). */
char	*report_text_utf8(const char *, size_t len, size_t *out_len);
/* Why a kind of request failed, without its class: "HTTP 200, check
 * 'status ok'", "curl 28: Timeout was reached". */
char	*report_reason_text(const struct snap_reason *, char *buf, size_t len);

/* Whether request i of the scenario is a stream (websocket: or sse:):
 * it sends no requests, the streams' sections show it. */
bool	 report_is_stream(const struct scenario *, size_t i);

/* A run's length for people: "36.2ms" under a second, else "4.0s". */
char	*report_format_seconds(double seconds, char *buf, size_t len);

#endif
