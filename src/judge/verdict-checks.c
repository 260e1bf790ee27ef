/*
 * Thresholds on what responses said: the share of checks passed, the
 * count of an outcome's value; and on the scopes without a block of
 * requests of their own: a flow's iterations, a class of responses.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "verdict-int.h"

static double
pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static bool
is_latency(enum thr_metric m)
{
	return m <= THR_MAX;
}

/* The evaluations of a group's checks: its requests', summed. */
static void
group_checks(const struct snapshot *s, const struct snap_group *g,
    uint64_t *passed, uint64_t *failed)
{
	size_t i;

	for (i = 0; i < s->nrequests; i++) {
		const struct snap_request *rq = &s->requests[i];

		if (rq->group != NULL && g->name != NULL &&
		    strcmp(rq->group, g->name) == 0) {
			*passed += rq->checks_passed;
			*failed += rq->checks_failed;
		}
	}
}

/* The checks evaluated in a scope; false, with why, for a scope that
 * does not count them. */
static bool
checks_in(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, uint64_t *passed, uint64_t *failed,
    struct verdict_row *r)
{
	*passed = *failed = 0;
	switch (t->scope) {
	case THR_SCOPE_ALL:
		*passed = s->checks_passed;
		*failed = s->checks_failed;
		return true;
	case THR_SCOPE_REQUEST:
		*passed = s->requests[sc->index].checks_passed;
		*failed = s->requests[sc->index].checks_failed;
		return true;
	case THR_SCOPE_GROUP:
		group_checks(s, sc->group, passed, failed);
		return true;
	case THR_SCOPE_PHASE:
		*passed = s->phases[sc->index].checks_passed;
		*failed = s->phases[sc->index].checks_failed;
		return true;
	default:
		if (r != NULL)
			verdict_unknown(r, "checks are counted for the run, "
			    "a phase, a request and a group, not for %s",
			    sc->label);
		return false;
	}
}

void
verdict_eval_checks(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	uint64_t passed, failed;

	if (!checks_in(s, sc, t, &passed, &failed, r))
		return;
	if (passed + failed == 0) {
		verdict_unknown(r, "no check was evaluated in %s", sc->label);
		return;
	}
	r->known = true;
	r->actual = pct(passed, passed + failed);
}

/*
 * An outcome's value is counted exactly while the engine keeps it; a
 * value it never kept was not seen, unless values came past the ones
 * it kept: then it may have been among those, uncounted.
 */
void
verdict_eval_outcome(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	const struct snap_request *rq;
	uint64_t other = 0;
	size_t i, kept = 0;

	if (t->scope != THR_SCOPE_REQUEST) {
		verdict_unknown(r, "an outcome is a request's: REQUEST.outcome:"
		    "VALUE");
		return;
	}
	rq = &s->requests[sc->index];
	if (!rq->has_outcome || t->arg == NULL) {
		verdict_unknown(r, "%s has no outcome", sc->label);
		return;
	}
	for (i = 0; i < rq->noutcomes; i++) {
		const struct snap_outcome *o = &rq->outcomes[i];

		if (o->value == NULL) {
			other += o->count;
			continue;
		}
		kept++;
		if (strcmp(o->value, t->arg) == 0) {
			r->known = true;
			r->actual = (double)o->count;
			return;
		}
	}
	if (other > 0) {
		verdict_unknown(r, "count unknown: '%s' is not among the %zu "
		    "values kept of %s, and %" PRIu64 " responses had others",
		    t->arg, kept, sc->label, other);
		return;
	}
	r->known = true;
	r->actual = 0;
}

/* FLOW.iteration.METRIC: the durations of whole iterations; else
 * FLOW.requests, errors and error_rate: iterations completed, failed. */
void
verdict_eval_flow(const struct vscope *sc, const struct threshold *t,
    struct verdict_row *r)
{
	const struct snap_flow *f = sc->flow;
	char none[160];

	if (t->iteration) {
		if (!is_latency(t->metric)) {
			verdict_unknown(r, "an iteration has latency figures "
			    "only (p50 ... max)");
			return;
		}
		snprintf(none, sizeof none, "no iteration of %s ran every step",
		    sc->label);
		verdict_eval_lat(&f->iteration, t, r, none);
		return;
	}
	r->known = true;
	switch (t->metric) {
	case THR_REQUESTS:
		r->actual = (double)f->completed;
		break;
	case THR_ERRORS:
		r->actual = (double)f->failed;
		break;
	case THR_ERROR_RATE:
		if (f->completed + f->failed == 0)
			verdict_unknown(r, "no iteration of %s ended",
			    sc->label);
		r->actual = pct(f->failed, f->completed + f->failed);
		break;
	default:
		verdict_unknown(r, "%s counts requests, errors and error_rate "
		    "of its iterations, and their latency as %s.iteration.p95",
		    sc->label, t->scope_name);
		break;
	}
}

/* class:NAME: the latency of its responses, and how many there were. */
void
verdict_eval_class(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	char none[160];

	if (t->metric == THR_REQUESTS) {
		r->known = true;
		r->actual = (double)s->total.n.classes[sc->cls];
		return;
	}
	if (!is_latency(t->metric)) {
		verdict_unknown(r, "%s has latency figures and requests only",
		    sc->label);
		return;
	}
	snprintf(none, sizeof none, "no %s response in the run",
	    kinds_class_name(sc->cls));
	verdict_eval_lat(&s->by_class[sc->cls], t, r, none);
}

uint64_t
verdict_scope_count(const struct snapshot *s, const struct threshold *t)
{
	struct vscope sc;
	uint64_t passed, failed;

	verdict_scope_of(s, t, &sc);
	if (!verdict_scope_found(&sc))
		return 0;
	if (verdict_is_stream(t))
		return verdict_stream_count(s, &sc, t);
	if (t->metric == THR_CHECKS)
		return checks_in(s, &sc, t, &passed, &failed, NULL) ?
		    passed + failed : 0;
	if (sc.flow != NULL)
		return sc.flow->completed + sc.flow->failed;
	if (sc.cls < CLS__COUNT)
		return s->total.n.classes[sc.cls];
	return sc.b->n.completed;
}
