/* Running the phases: plans for the workers, waits, controls. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine-int.h"
#include "util.h"

/* How long a stop waits for in-flight requests before abandoning them. */
#define STOP_DRAIN_NS 2000000000LL

static uint64_t
split(uint64_t total, unsigned n, unsigned i)
{
	return total / n + (i < total % n ? 1 : 0);
}

static double
elapsed_s(const struct engine *e, int64_t now)
{
	return (double)(now - e->t0_ns) / 1e9;
}

/* A snapshot now, with e->lock held: a regular one when one is due,
 * else one that shows what a control changed. */
static void
tick_unlocked(struct engine *e, int64_t now)
{
	e->refresh = false;
	pthread_mutex_unlock(&e->lock);
	engine_tick(e, now, now >= e->next_tick);
	pthread_mutex_lock(&e->lock);
}

/* Apply pending controls; returns true when the plan should end now. */
static bool
apply_controls(struct engine *e, bool *stopping)
{
	bool end = false, paused;
	double factor;
	unsigned i;

	paused = e->paused;
	factor = e->factor;
	if (e->next) {
		e->next = false;
		end = true;
	}
	if (e->stop && !*stopping) {
		*stopping = true;
		end = true;
	}
	if (end)
		e->ph[e->cur].cut_short = true;
	if (paused != e->applied_paused) {
		int64_t now = util_now_ns();

		e->applied_paused = paused;
		if (paused)
			e->paused_at = now;
		else
			e->ph[e->cur].paused_ns += now - e->paused_at;
		e->state = paused ? ENGINE_PAUSED : ENGINE_RUNNING;
		e->refresh = true;
		for (i = 0; i < e->nthreads; i++)
			worker_pause(e->w[i], paused);
	}
	if (factor != e->applied_factor) {
		e->applied_factor = factor;
		e->refresh = true;
		for (i = 0; i < e->nthreads; i++)
			worker_scale(e->w[i], factor);
	}
	return end;
}

static bool
plan_done(struct engine *e)
{
	unsigned i;

	for (i = 0; i < e->nthreads; i++)
		if (e->has_plan[i] && worker_done_plan(e->w[i]) < e->plan_id)
			return false;
	return true;
}

static void
wait_until_tick_or_signal(struct engine *e, int64_t deadline)
{
	struct timespec ts;
	int64_t until = LT_MIN(LT_MIN(e->next_tick, deadline),
	    e->next_stage_ns), d;

	d = until - util_now_ns();
	if (d <= 0)
		return;
	util_deadline(&ts, d);
	pthread_cond_timedwait(&e->cond, &e->lock, &ts);
}

/*
 * When the current phase may end, at the earliest: a phase with a length
 * of its own lasts it, though its plan has drained; a pause holds it.
 */
static int64_t
hold_until(const struct engine *e)
{
	const struct phase_run *run = &e->ph[e->cur];

	if (run->hold_ns <= 0)
		return 0;
	if (e->applied_paused)
		return INT64_MAX;
	return run->start_ns + run->paused_ns + run->hold_ns;
}

/*
 * Wait for the current plan to drain, publishing snapshots and passing on
 * controls.  Returns false if it ended early (next phase or stop).
 */
static bool
wait_plan(struct engine *e)
{
	bool stopping = e->stop, ended = false;
	int64_t give_up = INT64_MAX, now, hold;
	unsigned i;

	pthread_mutex_lock(&e->lock);
	for (;;) {
		if (apply_controls(e, &stopping) && !ended) {
			ended = true;
			for (i = 0; i < e->nthreads; i++)
				if (e->has_plan[i])
					worker_end_plan(e->w[i]);
			if (stopping) {
				give_up = util_now_ns() + STOP_DRAIN_NS;
				if (e->applied_paused)
					for (i = 0; i < e->nthreads; i++)
						worker_pause(e->w[i], false);
			}
		}
		now = util_now_ns();
		hold = ended ? 0 : hold_until(e);
		if (plan_done(e) && now >= hold)
			break;
		if (now >= give_up || e->stop_now)
			break;
		/* A stage's end is a boundary too: its block ends there. */
		if (now >= e->next_tick || e->refresh ||
		    now >= e->next_stage_ns) {
			tick_unlocked(e, now);
			continue;
		}
		wait_until_tick_or_signal(e, plan_done(e) ?
		    LT_MIN(hold, give_up) : give_up);
	}
	pthread_mutex_unlock(&e->lock);
	return !ended;
}

/* Sleep (a leak phase's settle time), ticking; false if interrupted. */
static bool
settle(struct engine *e, int64_t ns)
{
	int64_t until = util_now_ns() + ns, now;
	bool stopping = e->stop, ok = true;

	pthread_mutex_lock(&e->lock);
	while ((now = util_now_ns()) < until || e->applied_paused) {
		if (apply_controls(e, &stopping)) {
			ok = false;
			break;
		}
		if (now >= e->next_tick || e->refresh) {
			tick_unlocked(e, now);
			continue;
		}
		wait_until_tick_or_signal(e, e->applied_paused ?
		    now + 100000000 : until);
	}
	pthread_mutex_unlock(&e->lock);
	return ok;
}

static void
plan_base(struct engine *e, size_t i, struct worker_plan *p)
{
	const struct phase_run *ph = &e->ph[i];

	memset(p, 0, sizeof *p);
	p->id = ++e->plan_id;
	p->phase = i;
	p->end_ns = INT64_MAX;
	p->use = ph->use;
	p->weights = ph->weights;
	p->nuse = ph->nuse;
	if (e->scn->phases[i].flow > 0) {
		p->flow_index = e->scn->phases[i].flow - 1;
		p->flow = &e->scn->flows[p->flow_index];
	}
	p->track_order = e->scn->phases[i].kind == SCN_RATE_LIMIT;
	p->think_ns = e->scn->phases[i].think_time_us * 1000;
	p->think_max_ns = LT_MAX(e->scn->phases[i].think_time_max_us,
	    e->scn->phases[i].think_time_us) * 1000;
}

/* count requests over conc loops, spread on as few threads as needed. */
static void
post_closed_count(struct engine *e, struct worker_plan *p, uint64_t count,
    unsigned conc)
{
	unsigned n = LT_MIN(e->nthreads, LT_MAX(conc, 1u)), i;

	if (count < n)
		n = (unsigned)LT_MAX(count, 1);
	for (i = 0; i < e->nthreads; i++) {
		e->has_plan[i] = i < n;
		if (i >= n)
			continue;
		p->mode = PLAN_CLOSED;
		p->count = split(count, n, i);
		p->slots = (unsigned)split(conc, n, i);
		if (p->slots == 0)
			p->slots = 1;
		worker_post(e->w[i], p);
	}
}

/* Automatic open-model pool: enough for 250 ms of latency at the rate. */
static unsigned
open_pool(const struct scn_phase *ph, double peak)
{
	double pool;

	if (ph->connections > 0)
		return ph->connections;
	pool = ceil(peak * 0.25);
	return (unsigned)LT_MIN(LT_MAX(pool, 8.0), 1000.0);
}

static void
post_open(struct engine *e, struct worker_plan *p, const struct pace *curve,
    unsigned pool, uint64_t count)
{
	unsigned n = LT_MIN(e->nthreads, pool), i;

	for (i = 0; i < e->nthreads; i++) {
		e->has_plan[i] = i < n;
		if (i >= n)
			continue;
		p->mode = PLAN_OPEN;
		p->sched = *curve;
		p->sched.share = 1.0 / n;
		p->sched.need = (double)i / n;
		p->slots = (unsigned)split(pool, n, i);
		p->count = count ? split(count, n, i) : 0;
		worker_post(e->w[i], p);
	}
}

static void
post_closed_users(struct engine *e, struct worker_plan *p,
    const struct pace *users, unsigned max_users)
{
	unsigned n = LT_MIN(e->nthreads, LT_MAX(max_users, 1u)), i;

	e->ph[p->phase].closed = true;
	p->user_loops = true;
	for (i = 0; i < e->nthreads; i++) {
		e->has_plan[i] = i < n;
		if (i >= n)
			continue;
		p->mode = PLAN_CLOSED;
		p->slots = (unsigned)split(max_users, n, i);
		if (users != NULL) {
			p->users = *users;
			p->users.share = 1.0 / n;
			p->users_ramp = true;
		}
		worker_post(e->w[i], p);
	}
}

/* Build the rate (or users) curve of a timed phase; returns its peak. */
static double
build_curve(const struct scn_phase *ph, int64_t start, struct pace *c)
{
	double peak, from;
	size_t k;
	bool open = ph->model == SCN_MODEL_OPEN;

	pace_init(c, start, 1.0, 0);
	if (ph->kind != SCN_RAMP) {
		peak = open ? ph->rate : ph->users;
		pace_add(c, ph->duration_us * 1000, peak, peak);
		return peak;
	}
	from = open ? ph->rate : ph->users;
	peak = from;
	for (k = 0; k < ph->nstages; k++) {
		double to = open ? ph->stages[k].rate : ph->stages[k].users;

		/* A stage of no length adds nothing (pace_add refuses it),
		 * and the curve is the same without it. */
		pace_add(c, ph->stages[k].duration_us * 1000, from, to);
		peak = LT_MAX(peak, to);
		from = to;
	}
	return peak;
}

static void
run_timed(struct engine *e, size_t i)
{
	const struct scn_phase *ph = &e->scn->phases[i];
	struct phase_run *run = &e->ph[i];
	struct pace *curve = &run->rate_curve;
	struct worker_plan p;
	double peak;

	plan_base(e, i, &p);
	peak = build_curve(ph, run->start_ns, curve);
	run->duration_ns = pace_end(curve) - run->start_ns;
	run->ramp = ph->kind == SCN_RAMP;
	p.end_ns = pace_end(curve);
	if (ph->model == SCN_MODEL_OPEN)
		post_open(e, &p, curve, open_pool(ph, peak), 0);
	else
		post_closed_users(e, &p, run->ramp ? curve : NULL,
		    (unsigned)ceil(peak));
	wait_plan(e);
}

/* The number of streams over a connections phase: its connections for
 * its duration, or each stage's for the stage's (the connect rate makes
 * the ramp between them). */
static double
streams_curve(const struct scn_phase *ph, int64_t start, struct pace *c)
{
	double peak = ph->connections;
	size_t k;

	pace_init(c, start, 1.0, 0);
	if (ph->nstages == 0) {
		pace_add(c, ph->duration_us * 1000, peak, peak);
		return peak;
	}
	for (k = 0; k < ph->nstages; k++) {
		double n = ph->stages[k].connections;

		pace_add(c, ph->stages[k].duration_us * 1000, n, n);
		peak = LT_MAX(peak, n);
	}
	return peak;
}

/* Each worker holds its part of the streams: the k-th of n of them. */
static void
run_connections(struct engine *e, size_t i)
{
	const struct scn_phase *ph = &e->scn->phases[i];
	struct phase_run *run = &e->ph[i];
	struct pace *curve = &run->rate_curve;
	struct worker_plan p;
	unsigned n, k;
	double peak;

	plan_base(e, i, &p);
	peak = streams_curve(ph, run->start_ns, curve);
	run->duration_ns = pace_end(curve) - run->start_ns;
	run->hold_ns = run->duration_ns;
	p.end_ns = pace_end(curve);
	n = (unsigned)LT_MIN((double)e->nthreads, LT_MAX(ceil(peak), 1.0));
	if (p.nuse == 0)
		n = 0;			/* no stream to hold: the phase waits */
	p.mode = PLAN_STREAMS;
	p.streams = (struct worker_streams_plan){ .count = *curve,
	    .parts = n, .connect_rate = ph->connect_rate,
	    .reconnect = ph->reconnect,
	    .reconnect_delay_ns = ph->reconnect_delay_us * 1000 };
	for (k = 0; k < e->nthreads; k++) {
		e->has_plan[k] = k < n;
		if (k >= n)
			continue;
		p.streams.part = k;
		worker_post(e->w[k], &p);
	}
	wait_plan(e);
}

/* A fresh RSS sample of the target, -1 when none is watched. */
static int64_t
target_rss(struct engine *e)
{
	struct monitor_view v;
	int64_t rss = -1;

	if (e->opts.nmonitors == 0)
		return -1;
	monitor_set_requests(e->opts.monitors[0], engine_completed(e));
	monitor_sample_now(e->opts.monitors[0]);
	monitor_read(e->opts.monitors[0], &v);
	if (v.have_sample && v.alive)
		rss = v.last.rss;
	monitor_view_clear(&v);
	return rss;
}

/* Note the target's RSS after `done` requests of a leak phase. */
static void
leak_point(struct engine *e, struct phase_run *run, uint64_t done)
{
	struct snap_leak_point *pt = &run->leak[run->nleak++];

	pt->t = elapsed_s(e, util_now_ns());
	pt->requests = done;
	pt->rss_bytes = target_rss(e);
}

static void
run_leak(struct engine *e, size_t i)
{
	const struct scn_phase *ph = &e->scn->phases[i];
	struct phase_run *run = &e->ph[i];
	struct worker_plan p;
	unsigned b, nb = LT_MAX(ph->batches, 1u);
	uint64_t done = 0, n;

	run->count = ph->requests;
	run->leak = xcalloc(nb + 1, sizeof *run->leak);
	leak_point(e, run, 0);
	for (b = 0; b < nb; b++) {
		n = split(ph->requests, nb, b);
		plan_base(e, i, &p);
		post_closed_count(e, &p, n, ph->concurrency);
		if (!wait_plan(e))
			break;
		done += n;
		if (!settle(e, ph->settle_us * 1000))
			break;
		leak_point(e, run, done);
	}
}

static void
run_rate_limit(struct engine *e, size_t i)
{
	const struct scn_phase *ph = &e->scn->phases[i];
	struct pace *curve = &e->ph[i].rate_curve;
	struct worker_plan p;
	unsigned k;
	bool completed;

	e->ph[i].count = ph->requests;
	plan_base(e, i, &p);
	if (ph->rate > 0) {
		/* Long enough for every request at the rate, with margin. */
		pace_init(curve, e->ph[i].start_ns, 1.0, 0);
		pace_add(curve, (int64_t)((double)ph->requests / ph->rate *
		    2e9) + 10000000000LL, ph->rate, ph->rate);
		p.end_ns = pace_end(curve);
		/* n requests at a rate take n / rate, the last one's share of
		 * the schedule included. */
		e->ph[i].hold_ns = (int64_t)((double)ph->requests / ph->rate *
		    1e9);
		post_open(e, &p, curve, LT_MAX(ph->concurrency, 1u),
		    ph->requests);
	} else
		post_closed_count(e, &p, ph->requests, ph->concurrency);
	completed = wait_plan(e);

	stats_phase_reset(&e->ph[i].facts);
	for (k = 0; k < e->nthreads; k++) {
		struct stats_phase f;

		if (!e->has_plan[k])
			continue;
		worker_phase_stats(e->w[k], &f);
		stats_phase_merge(&e->ph[i].facts, &f);
	}
	e->ph[i].rl.checked = completed;
}

static void
run_phase(struct engine *e, size_t i)
{
	const struct scn_phase *ph = &e->scn->phases[i];
	struct phase_run *run = &e->ph[i];
	int64_t now = util_now_ns();

	e->cur = i;
	e->order = 0;
	/* The probe's facts come from the workers when it ends. */
	stats_phase_reset(&run->facts);
	run->state = PHASE_RUNNING;
	run->start_ns = now;
	run->started = elapsed_s(e, now);
	engine_tick(e, now, false);	/* the phase's base */
	/* The schedule starts once that snapshot is out: it takes a while,
	 * and the phase's first starts would be late by as much. */
	now = util_now_ns();
	run->start_ns = now;
	run->started = elapsed_s(e, now);

	switch (ph->kind) {
	case SCN_BURST: {
		struct worker_plan p;

		run->count = ph->requests;
		plan_base(e, i, &p);
		post_closed_count(e, &p, ph->requests, ph->concurrency);
		wait_plan(e);
		break;
	}
	case SCN_SUSTAINED:
	case SCN_SOAK:
	case SCN_RAMP:
		run_timed(e, i);
		break;
	case SCN_LEAK:
		run_leak(e, i);
		break;
	case SCN_RATE_LIMIT:
		run_rate_limit(e, i);
		break;
	case SCN_CONNECTIONS:
		run_connections(e, i);
		break;
	case SCN_IDLE:
		/* No plan: the phase is its length, ticking and watching. */
		run->duration_ns = ph->duration_us * 1000;
		run->hold_ns = run->duration_ns;
		wait_plan(e);
		break;
	}
	now = util_now_ns();
	run->ended = elapsed_s(e, now);
	run->state = run->cut_short ? PHASE_CUT_SHORT : PHASE_DONE;
	engine_tick(e, now, false);	/* closes the phase's block */
}

void *
engine_main(void *arg)
{
	struct engine *e = arg;
	int64_t now;
	size_t i;
	bool at_once;

	e->has_plan = xcalloc(e->nthreads, sizeof *e->has_plan);
	e->state = ENGINE_RUNNING;
	for (i = 0; i < e->scn->nphases; i++) {
		pthread_mutex_lock(&e->lock);
		if (e->stop) {
			pthread_mutex_unlock(&e->lock);
			break;
		}
		pthread_mutex_unlock(&e->lock);
		run_phase(e, i);
	}
	for (; i < e->scn->nphases; i++)
		if (e->ph[i].state == PHASE_PENDING)
			e->ph[i].state = PHASE_SKIPPED;
	/* The metrics after the last phase, for the final snapshot; not
	 * when told to stop at once, for a scrape may take its time. */
	pthread_mutex_lock(&e->lock);
	at_once = e->stop_now;
	pthread_mutex_unlock(&e->lock);
	for (i = 0; !at_once && i < e->opts.nmonitors; i++)
		monitor_scrape_now(e->opts.monitors[i]);

	pthread_mutex_lock(&e->lock);
	e->state = ENGINE_DONE;
	if (!e->stop)
		e->reason = END_COMPLETED;
	pthread_mutex_unlock(&e->lock);
	e->cur = e->scn->nphases;
	/* An interval due meanwhile first, so that the last is partial. */
	if ((now = util_now_ns()) >= e->next_tick)
		engine_tick(e, now, true);
	engine_tick(e, util_now_ns(), true);	/* the last, partial interval */

	pthread_mutex_lock(&e->lock);
	e->done = true;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	free(e->has_plan);
	e->has_plan = NULL;
	return NULL;
}
