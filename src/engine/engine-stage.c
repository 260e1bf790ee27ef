/*
 * The stages of ramps as scopes of their own: a stage's block is what
 * completed between its start and its end, as a phase's is, and the
 * engine wakes at each boundary so that the cut is where the scenario
 * put it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine-int.h"
#include "util.h"

void
engine_stages_init(struct engine *e)
{
	const struct scenario *scn = e->scn;
	size_t i, k, n = 0;

	for (i = 0; i < scn->nphases; i++)
		n += scn->phases[i].nstages;
	e->stages = xcalloc(n + 1, sizeof *e->stages);
	for (i = 0; i < scn->nphases; i++) {
		e->ph[i].stage0 = e->nstages;
		for (k = 0; k < scn->phases[i].nstages; k++) {
			struct snap_stage *st = &e->stages[e->nstages++];

			st->name = scn->phases[i].stages[k].name;
			st->phase = i;
			st->index = k;
			st->started = st->ended = -1;
		}
	}
	e->next_stage_ns = INT64_MAX;
}

/* Where the phase is in its own time: pauses do not count. */
static int64_t
phase_time(const struct engine *e, const struct phase_run *run, int64_t now)
{
	int64_t t = now - run->start_ns - run->paused_ns;

	if (e->applied_paused && run->state == PHASE_RUNNING)
		t -= now - e->paused_at;
	return t;
}

/* When stage k of the phase ends, in the phase's own time. */
static int64_t
stage_end(const struct scn_phase *ph, size_t k)
{
	int64_t end = 0;
	size_t i;

	for (i = 0; i <= k && i < ph->nstages; i++)
		end += ph->stages[i].duration_us * 1000;
	return end;
}

static void
stage_begin(struct engine *e, struct phase_run *run, int64_t now)
{
	struct snap_stage *st = &e->stages[run->stage0 + run->stage];

	if (run->stage_base == NULL) {
		run->stage_base = stats_new(e->npreq);
		stats_shape(run->stage_base, e->scn);
	}
	stats_copy(run->stage_base, e->cum);
	st->state = PHASE_RUNNING;
	st->started = (double)(now - e->t0_ns) / 1e9;
	run->stage_start_ns = now;
}

void
engine_stages_update(struct engine *e, struct phase_run *run, int64_t now)
{
	const struct scn_phase *ph = &e->scn->phases[e->cur];
	bool over = snapshot_phase_ended(run->state);
	struct snap_stage *st;
	int64_t t = phase_time(e, run, now);

	e->next_stage_ns = INT64_MAX;
	if (ph->nstages == 0 || run->stage >= ph->nstages)
		return;
	if (run->stage_base == NULL)
		stage_begin(e, run, now);
	while (run->stage < ph->nstages) {
		st = &e->stages[run->stage0 + run->stage];
		stats_sub(e->delta, e->cum, run->stage_base);
		engine_block_fill(&st->block, e->delta,
		    (double)(now - run->stage_start_ns) / 1e9);
		if (t < stage_end(ph, run->stage) && !over) {
			e->next_stage_ns = now + stage_end(ph, run->stage) - t;
			return;
		}
		st->state = t < stage_end(ph, run->stage) ? PHASE_CUT_SHORT :
		    PHASE_DONE;
		st->ended = (double)(now - e->t0_ns) / 1e9;
		if (++run->stage < ph->nstages && !over)
			stage_begin(e, run, now);
	}
	/* A phase cut short leaves its later stages unrun. */
	stats_free(run->stage_base);
	run->stage_base = NULL;
}

void
engine_stages_fill(const struct engine *e, struct snapshot *s)
{
	size_t i;

	s->nstages = e->nstages;
	s->stages = xcalloc(e->nstages + 1, sizeof *s->stages);
	memcpy(s->stages, e->stages, e->nstages * sizeof *s->stages);
	for (i = 0; i < s->nstages; i++)
		if (s->stages[i].state == PHASE_PENDING &&
		    (e->ph[s->stages[i].phase].state != PHASE_PENDING &&
		    e->ph[s->stages[i].phase].state != PHASE_RUNNING))
			s->stages[i].state = PHASE_SKIPPED;
}
