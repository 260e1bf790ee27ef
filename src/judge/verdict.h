/*
 * Verdicts: the scenario's thresholds and the rate-limit phases'
 * expectations judged against a snapshot.  The same evaluation serves the
 * dashboard (live colours), the live abort, the headless summary and the
 * reports.
 *
 * A threshold that cannot be evaluated (no target watched, no request
 * completed in its scope, a metric not kept for its scope) is unknown and
 * FAILS; `why` says what was missing.
 */
#ifndef LT_VERDICT_H
#define LT_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "control.h"
#include "snapshot.h"
#include "threshold.h"

struct verdict_row {
	const struct threshold *t;	/* in snap->scn->thresholds */
	double actual;			/* the metric's canonical unit */
	bool known;			/* actual could be measured */
	bool passed;			/* known and the comparison holds */
	bool final;			/* its scope is over: cannot change */
	char why[128];			/* when !known: what was missing */
};

struct verdict {
	struct verdict_row *rows;	/* one per threshold, in order */
	size_t n;
	size_t failed;			/* rows not passed */
	size_t rl_failed;		/* rate_limit phases that failed */
	bool passed;			/* every row and every checked phase */
};

/* Judge every threshold of snap->scn; verdict_clear() frees the rows. */
void	 verdict_eval(const struct snapshot *, struct verdict *);
void	 verdict_clear(struct verdict *);

/*
 * Mid-run: whether a failed threshold with abort_on_fail can already be
 * trusted.  A row is trusted when its value can no longer come back
 * (row->final): its phase has ended, or the metric only moves one way and
 * has crossed (a count or max above an upper bound, a min below a lower
 * bound, rss_max or cpu_max above an upper bound), or, as k6 does, a
 * percentile, mean or rate above an upper bound once at least
 * VERDICT_EARLY_MIN requests completed in its scope.  Lower bounds on
 * rps, percentiles and rates and the target's averages, growth and leak
 * slope are judged only when their scope ends.
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

/* The actual value in the threshold's unit: "4.2ms", "419.8 req/s". */
char	*verdict_format_actual(const struct verdict_row *, char *buf,
	     size_t len);
/* PASS, FAIL, or UNKNOWN (which fails too). */
const char *verdict_status_word(const struct verdict_row *);

/* The threshold table and the overall verdict, for the headless summary. */
void	 verdict_print(FILE *, const struct snapshot *, const struct verdict *);

/*
 * Add command-line thresholds (--threshold) to a loaded scenario: parsed,
 * their scope resolved against its requests and phases, abort_on_fail
 * taken from the scenario.  Returns -1 with *cause on the first bad one.
 */
struct scenario;
int	 verdict_add_thresholds(struct scenario *, char *const *exprs,
	     size_t n, char **cause);

#endif
