/* Thresholds mid-run: which failures can be trusted, and the abort. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "scenario.h"
#include "util.h"
#include "verdict-int.h"

/* Can a failing row be trusted before its scope ends?  See verdict.h. */
static bool
settled(const struct snapshot *s, const struct verdict_row *r)
{
	const struct threshold *t = r->t;
	bool upper = t->op == THR_LT || t->op == THR_LE;

	/* Not judged (yet): nothing to abort on. */
	if (r->status == VERDICT_NOT_EVALUATED)
		return false;
	if (r->final)
		return true;
	if (!r->known)
		return false;
	switch (t->metric) {
	case THR_REQUESTS: case THR_ERRORS: case THR_RATE_LIMITED:
	case THR_LATE_STARTS: case THR_MAX: case THR_RSS_MAX:
	case THR_CPU_MAX: case THR_TARGET_EXITS: case THR_WORKER_DEATHS:
	case THR_RPS_PEAK: case THR_OUTCOME: case THR_CONNECT_ERRORS:
	case THR_MESSAGES_SENT: case THR_MESSAGES_RECEIVED:
	case THR_MESSAGES_PUSHED: case THR_MESSAGES_UNMATCHED:
	case THR_EVENTS: case THR_RECONNECTS:
		/* These only grow: once above the bound, for good. */
		return upper || (t->op == THR_EQ && r->actual > t->value);
	case THR_MIN:
		return t->op == THR_GT || t->op == THR_GE ||
		    (t->op == THR_EQ && r->actual < t->value);
	case THR_P50: case THR_P75: case THR_P90: case THR_P95:
	case THR_P99: case THR_P999: case THR_MEAN: case THR_ERROR_RATE:
	case THR_RATE_LIMITED_RATE:
		return upper && verdict_scope_count(s, t) >= VERDICT_EARLY_MIN;
	case THR_CHECKS: case THR_CONNECT_SUCCESS:
		/* A pass rate: either way, once enough were evaluated
		 * (connection attempts ended, for streams). */
		return verdict_scope_count(s, t) >= VERDICT_EARLY_MIN;
	default:
		return false;
	}
}

bool
verdict_should_abort(const struct snapshot *s, const struct verdict *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		const struct verdict_row *r = &v->rows[i];

		if (!r->passed && r->t->abort_on_fail && settled(s, r))
			return true;
	}
	return false;
}

void
verdict_watch_snapshot(void *arg, struct snapshot *s)
{
	struct verdict_watch *w = arg;
	struct verdict v;
	char actual[48];
	size_t i;

	if (w->aborted || s->state == ENGINE_DONE || w->control.ops == NULL)
		return;
	for (i = 0; i < s->scn->nthresholds; i++)
		if (s->scn->thresholds[i].abort_on_fail)
			break;
	if (i == s->scn->nthresholds)
		return;
	verdict_eval(s, &v);
	if (verdict_should_abort(s, &v)) {
		for (i = 0; i < v.n; i++) {
			const struct verdict_row *r = &v.rows[i];

			if (!r->passed && r->t->abort_on_fail &&
			    settled(s, r))
				break;
		}
		snprintf(w->why, sizeof w->why, "threshold '%s' failed at "
		    "%.1fs (actual %s)", v.rows[i].t->expr, s->elapsed,
		    verdict_format_actual(&v.rows[i], actual, sizeof actual));
		w->aborted = true;
		control_stop(&w->control, END_THRESHOLD_ABORT);
	}
	verdict_clear(&v);
}
