/*
 * Flows: a virtual user's ordered steps.  A slot runs one iteration at a
 * time, step by step, each step's request repeat times with its think
 * time after each; an iteration's duration, from its first request's
 * planned start to its last one's end, goes to the flow's histogram.
 */
#include "config.h"

#include "util.h"
#include "worker-int.h"

size_t
worker_flow_next(struct worker *w, struct slot *s, int64_t planned)
{
	const struct scn_flow *f = w->plan.flow;

	if (!s->in_iteration) {
		s->in_iteration = true;
		s->iteration_failed = false;
		s->step = 0;
		s->repeat = 0;
		s->iteration_ns = planned;
		if (s->vars != NULL)
			inspect_vars_clear(s->vars, w->env->scn);
		STATS_INC(&w->stats->flow[w->plan.flow_index].started, 1);
	}
	return f->steps[s->step].request;
}

static void
iteration_end(struct worker *w, struct slot *s, bool counted)
{
	struct stats_flow *fl = &w->stats->flow[w->plan.flow_index];

	if (s->iteration_failed)
		STATS_INC(&fl->failed, 1);
	else if (counted)
		STATS_INC(&fl->completed, 1);
	s->in_iteration = false;
}

bool
worker_flow_advance(struct worker *w, struct slot *s, int64_t now,
    int64_t *think)
{
	const struct scn_flow *f = w->plan.flow;
	const struct scn_step *st = &f->steps[s->step];

	if (!s->in_iteration) {		/* ended early meanwhile */
		*think = worker_think_time(w, w->plan.think_ns,
		    w->plan.think_max_ns);
		return false;
	}
	*think = worker_think_time(w, st->think_time_us * 1000,
	    st->think_time_max_us * 1000);
	if (++s->repeat < st->repeat)
		return true;
	s->repeat = 0;
	if (++s->step < f->nsteps)
		return true;
	hdr_record(w->stats->flow[w->plan.flow_index].iteration,
	    (now - s->iteration_ns) / 1000);
	iteration_end(w, s, true);
	*think = worker_think_time(w, w->plan.think_ns, w->plan.think_max_ns);
	return false;
}

void
worker_flow_abandon(struct worker *w, struct slot *s, bool failed)
{
	if (w->plan.flow == NULL || !s->in_iteration)
		return;
	s->iteration_failed |= failed;
	iteration_end(w, s, false);
}
