/*
 * What a worker starts and when: the open model's schedule, closed-model
 * users, those back from thinking, and the next request of a slot whose
 * request finished.
 */
#include "config.h"

#include <math.h>

#include "util.h"
#include "worker-int.h"

static bool
may_start(const struct worker *w)
{
	return w->run == RUN_ACTIVE && !w->paused &&
	    (w->plan.count == 0 || w->started < w->plan.count);
}

/* The number of closed-model loops wanted now. */
static unsigned
users_target(const struct worker *w, int64_t now)
{
	double u;

	if (w->plan.users_ramp)
		u = pace_rate_at(&w->plan.users, now);
	else
		u = (double)w->plan.slots * w->factor;
	if (u < 0)
		u = 0;
	return (unsigned)lround(u);
}

/* A think time of [lo, hi] nanoseconds, drawn uniformly. */
int64_t
worker_think_time(struct worker *w, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)(hi - lo);

	if (hi <= lo)
		return lo;
	return lo + (int64_t)(template_rng_next(&w->rng) % (span + 1));
}

static struct slot *
open_slot(struct worker *w)
{
	if (w->idle == NULL && w->plan.flow != NULL &&
	    w->nslots < WORKER_FLOW_SLOTS)
		worker_grow_slots(w, LT_MIN(w->nslots + 16, WORKER_FLOW_SLOTS));
	return worker_idle_pop(w);
}

/* Users (or open-model flows) whose think time is over go on. */
static void
resume_thinkers(struct worker *w, int64_t now)
{
	bool open = w->plan.mode == PLAN_OPEN;
	struct slot *s;

	while ((s = worker_think_first(w)) != NULL && s->ready_ns <= now) {
		worker_think_pop(w);
		if (may_start(w) && (open || w->active <= users_target(w, now)))
			worker_start_request(w, s, now, now);
		else {
			if (!open)
				w->active--;
			worker_idle_push(w, s);
		}
	}
}

void
worker_issue(struct worker *w, int64_t now)
{
	struct slot *s;
	unsigned target;

	resume_thinkers(w, now);
	if (w->plan.mode == PLAN_OPEN) {
		while (may_start(w) && w->next_due <= now &&
		    w->next_due < w->plan.end_ns && (s = open_slot(w)) != NULL) {
			worker_start_request(w, s, w->next_due, now);
			w->next_due = pace_next(&w->plan.sched);
		}
		return;
	}
	target = users_target(w, now);
	if (target > w->nslots)
		worker_grow_slots(w, target);
	while (may_start(w) && w->active < target &&
	    (s = worker_idle_pop(w)) != NULL) {
		w->active++;
		worker_start_request(w, s, now, now);
	}
}

void
worker_after_completion(struct worker *w, struct slot *s, int64_t now)
{
	bool open = w->plan.mode == PLAN_OPEN, more = false;
	int64_t think = 0;

	w->inflight--;
	if (w->plan.flow != NULL)
		more = worker_flow_advance(w, s, now, &think);
	else if (!open)
		think = worker_think_time(w, w->plan.think_ns,
		    w->plan.think_max_ns);
	if (open && !more) {
		worker_idle_push(w, s);	/* an iteration, or a request, done */
		return;
	}
	if (!may_start(w) || (!open && w->active > users_target(w, now))) {
		if (!open)
			w->active--;
		worker_idle_push(w, s);
	} else if (think > 0)
		worker_think_push(w, s, now + think);
	else
		worker_start_request(w, s, now, now);
}

