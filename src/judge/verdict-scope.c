/* What a threshold's scope covers in a snapshot: a table, one entry per
 * kind of scope. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "util.h"
#include "verdict-int.h"

/* A phase's or stage's span and state, for its scope. */
static void
span_of(struct vscope *sc, bool done, enum phase_state state,
    double started, double ended)
{
	sc->ran = state != PHASE_PENDING && state != PHASE_SKIPPED;
	sc->over = done || snapshot_phase_ended(state) ||
	    state == PHASE_SKIPPED;
	sc->started = started;
	sc->ended = snapshot_phase_ended(state) ? ended : -1;
}

static void
scope_run(const struct snapshot *s, const struct threshold *t,
    struct vscope *sc, bool done)
{
	(void)t;
	sc->b = &s->total;
	snprintf(sc->label, sizeof sc->label, "the run");
	sc->over = done;
}

static void
scope_request(const struct snapshot *s, const struct threshold *t,
    struct vscope *sc, bool done)
{
	const struct snap_stream *st;

	if (t->scope_index < s->nrequests) {
		sc->b = &s->requests[t->scope_index].total;
		/* A request no phase sent, once nothing more will; a stream
		 * request sends no requests, its phases connect. */
		st = verdict_stream_of(s, t->scope_index);
		sc->ran = !done || (st != NULL ? st->attempts :
		    sc->b->n.started) > 0;
	}
	snprintf(sc->label, sizeof sc->label, "request '%s'", t->scope_name);
	sc->over = done;
}

static void
scope_phase(const struct snapshot *s, const struct threshold *t,
    struct vscope *sc, bool done)
{
	if (t->scope_index < s->nphases) {
		sc->phase = &s->phases[t->scope_index];
		sc->b = &sc->phase->block;
		span_of(sc, done, sc->phase->state, sc->phase->started,
		    sc->phase->ended);
	}
	snprintf(sc->label, sizeof sc->label, "phase '%s'", t->scope_name);
}

static void
scope_stage(const struct snapshot *s, const struct threshold *t,
    struct vscope *sc, bool done)
{
	if (t->scope_index < s->nstages) {
		const struct snap_stage *st = &s->stages[t->scope_index];

		sc->b = &st->block;
		span_of(sc, done, st->state, st->started, st->ended);
	}
	snprintf(sc->label, sizeof sc->label, "stage '%s'", t->scope_name);
}

/* metric: and process: read the target; their block is the run's. */
static void
scope_target(const struct snapshot *s, const struct threshold *t,
    struct vscope *sc, bool done)
{
	sc->b = &s->total;
	snprintf(sc->label, sizeof sc->label, "%s '%s'",
	    t->scope == THR_SCOPE_METRIC ? "metric" : "process", t->scope_name);
	sc->over = done;
}

static bool
same_name(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/*
 * The group or flow a threshold names: at the index the scenario
 * resolved, which the engine keeps, or else the one of its name; the
 * count of them when there is none.
 */
static size_t
group_of(const struct snapshot *s, const struct threshold *t)
{
	size_t i;

	if (t->scope_index < s->ngroups && (t->scope_name == NULL ||
	    same_name(s->groups[t->scope_index].name, t->scope_name)))
		return t->scope_index;
	for (i = 0; i < s->ngroups; i++)
		if (same_name(s->groups[i].name, t->scope_name))
			break;
	return i;
}

static size_t
flow_of(const struct snapshot *s, const struct threshold *t)
{
	size_t i;

	if (t->scope_index < s->nflows && (t->scope_name == NULL ||
	    same_name(s->flows[t->scope_index].name, t->scope_name)))
		return t->scope_index;
	for (i = 0; i < s->nflows; i++)
		if (same_name(s->flows[i].name, t->scope_name))
			break;
	return i;
}

static void
scope_group(const struct snapshot *s, const struct threshold *t,
    struct vscope *sc, bool done)
{
	size_t i = group_of(s, t);

	if (i < s->ngroups) {
		sc->group = &s->groups[i];
		sc->b = &sc->group->total;
		sc->index = i;
		/* None of its requests was sent, and none will be. */
		sc->ran = !done || sc->b->n.started > 0;
	}
	snprintf(sc->label, sizeof sc->label, "group '%s'", t->scope_name);
	sc->over = done;
}

static void
scope_flow(const struct snapshot *s, const struct threshold *t,
    struct vscope *sc, bool done)
{
	size_t i = flow_of(s, t);

	if (i < s->nflows) {
		sc->flow = &s->flows[i];
		sc->index = i;
		sc->ran = !done || sc->flow->started > 0;
	}
	snprintf(sc->label, sizeof sc->label, "flow '%s'", t->scope_name);
	sc->over = done;
}

/* class:NAME: a slice of the run, by the class of each response. */
static void
scope_class(const struct snapshot *s, const struct threshold *t,
    struct vscope *sc, bool done)
{
	if (t->scope_index < CLS__COUNT) {
		sc->b = &s->total;
		sc->cls = (enum lt_class)t->scope_index;
		snprintf(sc->label, sizeof sc->label, "class %s",
		    kinds_class_name(sc->cls));
	} else
		snprintf(sc->label, sizeof sc->label, "class '%s'",
		    t->scope_name);
	sc->over = done;
}

static void (*const scopes[])(const struct snapshot *,
    const struct threshold *, struct vscope *, bool) = {
	[THR_SCOPE_ALL] = scope_run,
	[THR_SCOPE_REQUEST] = scope_request,
	[THR_SCOPE_PHASE] = scope_phase,
	[THR_SCOPE_METRIC] = scope_target,
	[THR_SCOPE_STAGE] = scope_stage,
	[THR_SCOPE_PROCESS] = scope_target,
	[THR_SCOPE_GROUP] = scope_group,
	[THR_SCOPE_FLOW] = scope_flow,
	[THR_SCOPE_CLASS] = scope_class,
};

void
verdict_scope_of(const struct snapshot *s, const struct threshold *t,
    struct vscope *sc)
{
	bool done = s->state == ENGINE_DONE;

	memset(sc, 0, sizeof *sc);
	sc->index = t->scope_index;
	sc->cls = CLS__COUNT;
	sc->ran = true;
	if ((unsigned)t->scope < LT_NELEM(scopes) && scopes[t->scope] != NULL)
		scopes[t->scope](s, t, sc, done);
	else
		scope_run(s, t, sc, done);
}

bool
verdict_scope_found(const struct vscope *sc)
{
	return sc->b != NULL || sc->flow != NULL;
}
