/*
 * Verdicts: the scenario's thresholds and the rate-limit phases'
 * expectations judged against a snapshot.  The same evaluation serves the
 * dashboard (live colours), the live abort, the headless summary and the
 * reports.
 *
 * A threshold whose scope never ran (a phase the run ended before, a
 * request, group or flow no phase sent) is NOT EVALUATED: listed, and not
 * failed, so an interrupted run is judged on what ran.  So is a CPU
 * threshold (cpu_max, cpu_avg) whose scope has less than 2 s of the
 * target's samples.  One that cannot be evaluated otherwise (no target
 * watched, nothing completed in a scope that ran, no check evaluated, a
 * metric not kept for its scope such as checks per phase, an outcome's
 * value the engine could not count exactly) is UNKNOWN and FAILS; `why`
 * says what was missing.  Streams are judged for a stream request, the
 * run (every stream summed; a latency only when there is one stream) or
 * a connections phase (the streams of the requests it uses, when no
 * other phase uses them: streams are counted per request, not per
 * phase); a stream request ran when its phases made an attempt.
 */
#ifndef LT_VERDICT_H
#define LT_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "control.h"
#include "scenario.h"
#include "snapshot.h"
#include "threshold.h"

enum verdict_status {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_UNKNOWN,		/* could not be measured: fails */
	VERDICT_NOT_EVALUATED,		/* too little ran to judge: does not fail */
};

struct verdict_row {
	const struct threshold *t;	/* in snap->scn->thresholds */
	enum verdict_status status;
	double actual;			/* the metric's canonical unit */
	bool known;			/* actual could be measured */
	bool passed;			/* known and the comparison holds */
	bool final;			/* its scope is over: cannot change */
	char why[128];			/* when !known: what was missing */
};

/* A grade (scenario grades:), as a row: what it got, and whether that
 * fails the run (worse than its fail_below, or not measured). */
struct verdict_grade {
	const struct scn_grade *g;	/* in snap->scn->grades */
	enum verdict_status status;	/* PASS, FAIL, UNKNOWN, NOT_EVALUATED */
	enum scn_grade_level level;	/* GRADE__COUNT when not graded */
	double actual;
	bool known;
	char why[128];
};

struct verdict {
	struct verdict_row *rows;	/* one per threshold, in order */
	size_t n;
	size_t failed;			/* rows FAIL or UNKNOWN */
	size_t not_evaluated;		/* rows whose scope never ran */
	size_t rl_failed;		/* rate_limit phases that failed */
	struct verdict_grade *grades;	/* one per grade, in order */
	size_t ngrades;
	size_t grades_failed;		/* FAIL or UNKNOWN */
	bool passed;			/* no row or grade failed, no phase */
};

/* Judge every threshold of snap->scn; verdict_clear() frees the rows. */
void	 verdict_eval(const struct snapshot *, struct verdict *);
void	 verdict_clear(struct verdict *);

/*
 * Mid-run: whether a failed threshold with abort_on_fail can already be
 * trusted.  A row is trusted when its value can no longer come back
 * (row->final): its phase has ended, or the metric only moves one way and
 * has crossed (a count, an outcome's count or max above an upper bound, a
 * min below a lower bound, rss_max or cpu_max above an upper bound), or,
 * as k6 does, a percentile, mean or rate above an upper bound once at
 * least VERDICT_EARLY_MIN requests completed in its scope (iterations
 * ended in a flow's, responses of the class in a class's, latencies
 * measured in a stream's), or the share of checks passed or of
 * connections opened, either way, once VERDICT_EARLY_MIN were evaluated
 * (attempts ended).  The stream counts (connect_errors, messages_*,
 * events, reconnects) only grow, as requests do.
 * Lower bounds on rps, percentiles and rates and the target's averages,
 * growth and leak slope are judged only when their scope ends.
 */
#define VERDICT_EARLY_MIN 100
bool	 verdict_should_abort(const struct snapshot *, const struct verdict *);

/*
 * For engine_opts.on_snapshot (snapshot_arg = the watch, its control set
 * after engine_new): stops the run with END_THRESHOLD_ABORT when
 * verdict_should_abort() says so, and keeps which threshold did it.
 */
struct verdict_watch {
	struct control control;
	bool aborted;
	char why[256];
};
void	 verdict_watch_snapshot(void *arg, struct snapshot *);

/* A grade's actual value, as verdict_format_actual. */
char	*verdict_format_grade(const struct verdict_grade *, char *buf,
	     size_t len);
/* A grade's bound i (GRADE_EXCELLENT..GRADE_ACCEPTABLE): "<50ms". */
char	*verdict_format_bound(const struct verdict_grade *, int i, char *buf,
	     size_t len);

/* The actual value in the threshold's unit: "4.2ms", "419.8 req/s". */
char	*verdict_format_actual(const struct verdict_row *, char *buf,
	     size_t len);
/* PASS, FAIL, UNKNOWN (which fails too) or NOT EVALUATED. */
const char *verdict_status_word(const struct verdict_row *);
/* "pass", "fail", "unknown", "not_evaluated": for report.json. */
const char *verdict_status_name(enum verdict_status);

/*
 * Streams (verdict-stream.c), as thresholds judge them and every reader
 * shows them (a stream latency's name is threshold_stream_name's): the
 * connections that failed or dropped (NAME.connect_errors: the drops of
 * every cause, a server's close included; loadtop's own clean closes
 * are not drops); and the share of the attempts that came to an end
 * (opened or failed, not those still connecting) that opened, false
 * when none has ended (NAME.connect_success).
 */
/* A stream's latency k (THR_STREAM_CONNECT .. THR_STREAM_SESSION), NULL
 * for THR_STREAM_NONE. */
const struct snap_lat *verdict_stream_lat(const struct snap_stream *,
	     enum thr_stream k);
/* How long the connections phases that hold request k's streams have
 * run (k SIZE_MAX: any streams), seconds: what NAME.events_rate is over. */
double	 verdict_stream_held(const struct snapshot *, size_t k);
uint64_t verdict_stream_drops(const struct snap_stream *);
bool	 verdict_stream_success(const struct snap_stream *, double *pct);

/* The threshold table and the overall verdict, for the headless summary. */
void	 verdict_print(FILE *, const struct snapshot *, const struct verdict *);

#endif
