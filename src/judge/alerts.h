/*
 * Alerts: one engine, run once per snapshot in the engine thread, turns
 * the scenario's alert rules (scenario.h, struct scn_alerts) and the
 * monitor's events into timestamped records that travel in the snapshot,
 * so that the dashboard shows the same alerts the report lists.
 *
 * A rule on a level (CPU over a bound for a while, memory growth, the
 * last interval's error rate or p95, loadtop's own CPU, health down)
 * raises a record when it becomes true and ends it when it becomes
 * false; a later raise is a new record, and a record keeps its worst
 * reading.  Late starts rise and end on streaks of intervals, so that
 * the scheduler's noise makes no record.  An event (the target
 * exited, its PID was reused, a worker exited, /proc unreadable) is one
 * record that starts and ends at once.
 *
 *   a = alerts_new();
 *   each tick: alerts_update(a, &scn->alerts, s);   (s being built)
 *   alerts_free(a);
 */
#ifndef LT_ALERTS_H
#define LT_ALERTS_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

/* The history keeps the first this many records; later ones are counted. */
#define ALERTS_MAX 256
/* Processes alerted on each on its own (as many as a target lists). */
#define ALERTS_PROCS 64
/* An event stays on the dashboard this long (seconds). */
#define ALERTS_RECENT 10.0

struct scn_alerts;
struct alerts;

struct alerts *alerts_new(void);
void	 alerts_free(struct alerts *);
/*
 * Evaluate the rules against a snapshot being built (its interval, total
 * and target view filled) and store the results in it: alerts, nalerts,
 * alerts_dropped, alerts_active, alerts_live and nalerts_live.
 */
void	 alerts_update(struct alerts *, const struct scn_alerts *,
	     struct snapshot *);

/* Stable names: "target_cpu", ...; "critical", "warning". */
const char *alerts_kind_name(enum alert_kind);
const char *alerts_level_name(enum alert_level);
/* The unit of a kind's worst reading ("%", "ms", "bytes"), or NULL for
 * the kinds that are not rated (health_down and the events). */
const char *alerts_kind_unit(enum alert_kind);

/*
 * The records of one kind taken together, for a summary that lists each
 * alert once: how many, from the first one's start to the last one's
 * end (-1 while active), and the record to show (the worst reading, or
 * the latest event).
 */
struct alert_span {
	enum alert_kind kind;
	enum alert_level level;
	size_t count;
	double t_start;
	double t_end;
	const struct alert *shown;
};

/* Group n records into out (room for ALERT__COUNT), in the order their
 * kinds first rose; returns how many spans. */
size_t	 alerts_spans(const struct alert *, size_t n, struct alert_span *out);
/* One line: "from 2.0s to 9.0s (3 times), worst at 5.0s: MESSAGE",
 * "at 3.1s: MESSAGE", "from 4.0s, still active at the end: MESSAGE". */
char	*alerts_span_format(const struct alert_span *, char *buf, size_t len);

#endif
