/* Merging the workers' statistics into a published snapshot. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine-int.h"
#include "util.h"

/* The series keeps at most this many points, halving its resolution. */
#define SERIES_MAX 4096

static void
series_append(struct engine *e, const struct snap_point *pt)
{
	size_t i;

	if (e->nseries == SERIES_MAX) {
		/* Fold pairs: sums add, percentiles keep the worse. */
		for (i = 0; i < SERIES_MAX / 2; i++) {
			struct snap_point *a = &e->series[2 * i];
			struct snap_point *b = &e->series[2 * i + 1];
			struct snap_point m = *b;
			size_t c;
			double span = b->t - (i ? e->series[2 * i - 1].t : 0);

			m.requests = a->requests + b->requests;
			m.errors = a->errors + b->errors;
			m.rate_limited = a->rate_limited + b->rate_limited;
			m.late_starts = a->late_starts + b->late_starts;
			for (c = 0; c < CLS__COUNT; c++)
				m.classes[c] = a->classes[c] + b->classes[c];
			m.seconds = a->seconds + b->seconds;
			m.rps = span > 0 ? (double)m.requests / span : 0;
			m.p50 = LT_MAX(a->p50, b->p50);
			m.p95 = LT_MAX(a->p95, b->p95);
			m.p99 = LT_MAX(a->p99, b->p99);
			m.max = LT_MAX(a->max, b->max);
			e->series[i] = m;
		}
		e->nseries = SERIES_MAX / 2;
	}
	if (e->nseries == e->series_cap) {
		e->series_cap = e->series_cap ? e->series_cap * 2 : 256;
		e->series = xreallocarray(e->series, e->series_cap,
		    sizeof *e->series);
	}
	e->series[e->nseries++] = *pt;
}

static void
merge_workers(struct engine *e)
{
	unsigned i;

	stats_reset(e->cum);
	for (i = 0; i < e->nthreads; i++)
		stats_add(e->cum, worker_stats(e->w[i]));
	__atomic_store_n(&e->completed, stats_completed(e->cum),
	    __ATOMIC_RELAXED);
}

static double
phase_seconds(const struct phase_run *run, int64_t now)
{
	return (double)(now - run->start_ns - run->paused_ns) / 1e9;
}

static void
fill_rate_limit(struct snap_rate_limit *rl, const struct scn_phase *ph,
    const struct phase_run *run, const struct stats *s)
{
	const struct stats_phase *f = &run->facts;

	rl->limited = s->classes[CLS_RATE_LIMITED];
	rl->allowed = stats_classes_responses(s->classes) - rl->limited;
	rl->first_limited_at = f->first_limited_seq == UINT64_MAX ? -1 :
	    (int64_t)f->first_limited_seq + 1;
	rl->retry_after_count = f->retry_after_count;
	rl->retry_after_min = f->retry_after_count ? f->retry_after_min : -1;
	rl->retry_after_max = f->retry_after_count ? f->retry_after_max : -1;
	rl->expect_allowed = ph->expect_allowed;
	rl->expect_limited = ph->expect_limited;
	rl->checked = run->rl.checked;
	rl->passed = rl->checked &&
	    (ph->expect_allowed < 0 ||
	    rl->allowed == (uint64_t)ph->expect_allowed) &&
	    (ph->expect_limited < 0 ||
	    rl->limited == (uint64_t)ph->expect_limited);
}

/* The current (or just finished) phase's block and facts. */
static void
update_phase(struct engine *e, int64_t now)
{
	const struct scn_phase *ph;
	struct phase_run *run;
	double secs;

	if (e->cur >= e->scn->nphases)
		return;
	ph = &e->scn->phases[e->cur];
	run = &e->ph[e->cur];
	if (run->base == NULL) {
		/* The first tick of a phase takes its base. */
		run->base = stats_new(e->npreq);
		stats_copy(run->base, e->cum);
	}
	stats_sub(e->delta, e->cum, run->base);
	secs = phase_seconds(run, now);
	engine_block_fill(&run->block, e->delta, secs);
	if (run->histogram == NULL)
		run->histogram = hdr_new(LT_HDR_LOWEST, LT_HDR_HIGHEST,
		    LT_HDR_SIGFIGS);
	hdr_copy(run->histogram, e->delta->latency);
	if (ph->kind == SCN_RATE_LIMIT)
		fill_rate_limit(&run->rl, ph, run, e->delta);
	if (ph->model == SCN_MODEL_OPEN) {
		run->target_rate = run->ramp ?
		    pace_rate_at(&run->rate_curve, now - run->paused_ns) :
		    ph->rate;
		run->target_rate *= e->applied_factor;
	} else if (ph->model == SCN_MODEL_CLOSED)
		run->target_users = (unsigned)(0.5 + e->applied_factor *
		    (run->ramp ? pace_rate_at(&run->rate_curve,
		    now - run->paused_ns) : ph->users));
	engine_stages_update(e, run, now);
	if (snapshot_phase_ended(run->state)) {
		stats_free(run->base);
		run->base = NULL;
	}
}

static double
phase_progress(const struct phase_run *run, int64_t now)
{
	double p = 0;

	if (snapshot_phase_ended(run->state))
		return 1;
	if (run->state != PHASE_RUNNING)
		return 0;
	if (run->duration_ns > 0)
		p = (double)(now - run->start_ns - run->paused_ns) /
		    (double)run->duration_ns;
	else if (run->count > 0)
		p = (double)run->block.n.completed / (double)run->count;
	return LT_MIN(LT_MAX(p, 0.0), 1.0);
}

static void
fill_phases(struct engine *e, struct snapshot *s, int64_t now)
{
	size_t i;

	s->nphases = e->scn->nphases;
	s->phases = xcalloc(s->nphases, sizeof *s->phases);
	for (i = 0; i < s->nphases; i++) {
		const struct phase_run *run = &e->ph[i];
		struct snap_phase *sp = &s->phases[i];

		sp->name = e->scn->phases[i].name;
		sp->kind = e->scn->phases[i].kind;
		sp->state = run->state;
		sp->started = run->started;
		sp->ended = run->ended;
		sp->progress = phase_progress(run, now);
		sp->target_rate = run->state == PHASE_RUNNING ?
		    run->target_rate : 0;
		sp->target_users = run->state == PHASE_RUNNING ?
		    run->target_users : 0;
		sp->block = run->block;
		sp->rl = run->rl;
		if (run->nleak) {
			sp->leak = xcalloc(run->nleak, sizeof *sp->leak);
			memcpy(sp->leak, run->leak, run->nleak * sizeof *sp->leak);
			sp->nleak = run->nleak;
		}
		/* A finished phase's histogram no longer changes: every
		 * snapshot shares it. */
		if (run->histogram != NULL && snapshot_phase_ended(run->state))
			sp->histogram = hdr_hold(run->histogram);
		else if (run->histogram != NULL) {
			sp->histogram = hdr_new(LT_HDR_LOWEST, LT_HDR_HIGHEST,
			    LT_HDR_SIGFIGS);
			hdr_copy(sp->histogram, run->histogram);
		}
	}
}

static void
fill_times(struct engine *e, struct snapshot *s, int64_t now)
{
	const struct phase_run *run;
	size_t i;
	double rest = 0;
	bool known = true;

	s->phase_remaining = -1;
	if (e->cur >= e->scn->nphases) {
		s->remaining = 0;
		return;
	}
	run = &e->ph[e->cur];
	s->phase_elapsed = phase_seconds(run, now);
	if (run->duration_ns > 0) {
		s->phase_remaining = LT_MAX(0.0,
		    (double)run->duration_ns / 1e9 - s->phase_elapsed);
		rest = s->phase_remaining;
	} else
		known = false;
	for (i = e->cur + 1; i < e->scn->nphases; i++) {
		const struct scn_phase *p = &e->scn->phases[i];
		size_t k;

		if (p->kind == SCN_SUSTAINED || p->kind == SCN_SOAK)
			rest += p->duration_us / 1e6;
		else if (p->kind == SCN_RAMP)
			for (k = 0; k < p->nstages; k++)
				rest += p->stages[k].duration_us / 1e6;
		else
			known = false;
	}
	s->remaining = known ? rest : -1;
}

/* The processes' views; one that went away ends the run, unless it may. */
static void
fill_target(struct engine *e, struct snapshot *s)
{
	uint64_t done = __atomic_load_n(&e->completed, __ATOMIC_RELAXED);
	size_t i;

	if (e->opts.nmonitors == 0)
		return;
	s->nprocesses = e->opts.nmonitors;
	s->processes = xcalloc(s->nprocesses, sizeof *s->processes);
	for (i = 0; i < s->nprocesses; i++) {
		struct snap_process *p = &s->processes[i];
		struct monitor *m = e->opts.monitors[i];

		p->name = e->opts.monitor_names[i];
		p->may_exit = e->opts.may_exit[i];
		monitor_set_requests(m, done);
		monitor_read(m, &p->view);
		p->nseries = monitor_read_series(m, &p->series);
		if (!p->view.alive && !p->may_exit && e->state != ENGINE_DONE)
			engine_stop(e, END_TARGET_EXITED);
	}
	s->has_target = true;
	s->target = s->processes[0].view;
	s->target_series = s->processes[0].series;
	s->ntarget_series = s->processes[0].nseries;
}

static void
publish(struct engine *e, struct snapshot *s)
{
	struct snapshot *old;

	s->refs = 1;
	pthread_mutex_lock(&e->snap_lock);
	old = e->snap;
	e->snap = s;
	pthread_mutex_unlock(&e->snap_lock);
	snapshot_release(old);
	if (e->opts.on_snapshot != NULL)
		e->opts.on_snapshot(e->opts.snapshot_arg, s);
}

/* What the snapshot says of the run as a whole. */
static void
fill_header(struct engine *e, struct snapshot *s, int64_t now, bool regular)
{
	s->seq = ++e->snap_seq;
	s->interval_end = regular;
	/* Regular ticks come at or after their time; the one before it is
	 * the run's last, closing what was left of an interval. */
	s->interval_partial = regular && now < e->next_tick;
	s->wall_start_us = e->wall0_us;
	s->mono_start_us = e->t0_ns / 1000;
	s->wall_us = util_wall_us();
	s->elapsed = (double)(now - e->t0_ns) / 1e9;
	pthread_mutex_lock(&e->lock);
	s->state = e->state;
	s->end_reason = e->state == ENGINE_DONE ? e->reason : END_NONE;
	s->watch_only = e->scn->nrequests == 0;
	if (e->stop && e->state != ENGINE_DONE)
		s->state = ENGINE_FINISHING;
	pthread_mutex_unlock(&e->lock);
	s->factor = e->applied_factor;
	s->threads = e->nthreads;
	s->scn = e->scn;
	s->phase = e->cur;
	fill_times(e, s, now);
}

/* Seconds the closed model ran so far, over its phases. */
static double
closed_seconds(const struct engine *e, int64_t now)
{
	double secs = 0;
	size_t i;

	for (i = 0; i <= e->cur && i < e->scn->nphases; i++) {
		const struct phase_run *run = &e->ph[i];

		if (!run->closed)
			continue;
		if (run->state == PHASE_DONE)
			secs += run->ended - run->started;
		else if (run->state == PHASE_RUNNING)
			secs += (double)(now - run->start_ns) / 1e9;
	}
	return secs;
}

/*
 * The load now, from the workers' counts, and what it was so far: the
 * most users at once (the workers' loops keep in step, so their peaks
 * add up), and the users over the closed model's time and requests in
 * flight over the run's, on average.
 */
static void
fill_load(struct engine *e, struct snapshot *s, int64_t now)
{
	struct worker_load wl;
	uint64_t users = 0, peak = 0, users_us = 0, inflight_us = 0;
	size_t cur = LT_MIN(e->cur, e->scn->nphases - 1);
	double closed = closed_seconds(e, now);
	unsigned i;

	s->load.in_flight = 0;
	for (i = 0; i < e->nthreads; i++) {
		worker_load_take(e->w[i], &wl);
		users += wl.users;
		peak += wl.users_peak;
		users_us += wl.users_us;
		inflight_us += wl.inflight_us;
		s->load.in_flight += wl.inflight;
	}
	s->load.users = e->ph[cur].closed ? (int64_t)users : -1;
	if (closed > 0) {
		e->load.users_peak = LT_MAX(e->load.users_peak, (int64_t)peak);
		e->load.users_avg = (double)users_us / 1e6 / closed;
	}
	if (s->elapsed > 0)
		e->load.in_flight_avg = (double)inflight_us / 1e6 / s->elapsed;
}

/* Totals, the interval, the breakdown; secs: the interval's length. */
static void
fill_blocks(struct engine *e, struct snapshot *s, double secs)
{
	size_t i;

	engine_block_fill(&s->total, e->cum, s->elapsed);
	engine_block_fill(&s->interval, e->delta, secs);
	for (i = 0; i < TIM__COUNT; i++)
		engine_lat_fill(&s->timing[i], e->cum->timing[i]);
	engine_status_fill(s, e->cum);
	engine_failures_fill(s, e->cum);
	s->nrequests = e->npreq;
	s->requests = xcalloc(e->npreq, sizeof *s->requests);
	for (i = 0; i < e->npreq; i++) {
		struct snap_request *r = &s->requests[i];

		r->name = e->scn->requests[i].name;
		r->transport = e->preqs[i].raw ? "raw" : "curl";
		engine_request_block_fill(&r->total, &e->cum->req[i],
		    s->elapsed);
		engine_request_block_fill(&r->interval, &e->delta->req[i],
		    secs);
	}
}

/*
 * The interval's counts, latency and length by the grid: the transfers
 * that ended in it, each by its own end time, so that a tick that comes
 * late moves none into the wrong interval.  The workers keep a few
 * intervals; an engine later than that takes what it read instead.
 */
static void
point_counts(struct engine *e, struct snap_point *pt,
    const struct snapshot *s, int64_t now)
{
	int64_t step = e->opts.interval_us * 1000, from = e->grid_from, to;
	const struct snap_lat *l = &s->interval.latency;
	struct snap_lat grid;
	unsigned i;
	bool held = true;

	to = pt->partial ? from + 1 : (now - e->t0_ns) / step;
	hdr_reset(e->grid_latency);
	for (i = 0; i < e->nthreads && held; i++)
		held = worker_grid_read(e->w[i], from, to, pt->classes,
		    e->grid_latency);
	if (held) {
		engine_lat_fill(&grid, e->grid_latency);
		l = &grid;
	} else
		memcpy(pt->classes, s->interval.n.classes, sizeof pt->classes);
	pt->p50 = l->p50;
	pt->p95 = l->p95;
	pt->p99 = l->p99;
	pt->max = l->max;
	pt->seconds = pt->partial ?
	    (double)(now - e->t0_ns - from * step) / 1e9 :
	    (double)((to - from) * step) / 1e9;
	pt->requests = stats_classes_completed(pt->classes);
	pt->errors = stats_classes_errors(pt->classes);
	pt->rate_limited = pt->classes[CLS_RATE_LIMITED];
	pt->rps = pt->seconds > 0 ? (double)pt->requests / pt->seconds : 0;
	if (!pt->partial)
		e->grid_from = to;
}

/* The interval just closed, as a point of the series. */
static void
append_point(struct engine *e, const struct snapshot *s, int64_t now)
{
	struct snap_point pt;

	memset(&pt, 0, sizeof pt);
	pt.t = s->elapsed;
	pt.partial = s->interval_partial;
	pt.phase = LT_MIN(e->cur, e->scn->nphases - 1);
	point_counts(e, &pt, s, now);
	pt.late_starts = s->interval.n.late_starts;
	pt.users = s->load.users;
	pt.in_flight = s->load.in_flight;
	/* The run's last, partial interval holds too few requests for a
	 * rate: the peak is of whole ones. */
	if (!pt.partial && pt.seconds > 0) {
		e->rps_peak = LT_MAX(e->rps_peak, pt.rps);
		e->whole_intervals++;
		e->load.in_flight_peak = LT_MAX(e->load.in_flight_peak,
		    pt.in_flight);
	}
	pt.cpu = pt.rss_mb = -1;
	if (s->has_target && s->target.have_sample) {
		pt.cpu = s->target.last.cpu;
		pt.rss_mb = (double)s->target.last.rss / 1048576.0;
	}
	series_append(e, &pt);
}

/* The cumulative stats become the next interval's base. */
static void
close_interval(struct engine *e, int64_t now)
{
	struct stats *tmp = e->prev;

	e->prev = e->cum;
	e->cum = tmp;
	e->prev_ns = now;
	if (now >= e->next_tick)
		e->next_tick += e->opts.interval_us * 1000 * (1 +
		    (now - e->next_tick) / (e->opts.interval_us * 1000));
}

void
engine_tick(struct engine *e, int64_t now, bool regular)
{
	struct snapshot *s = xcalloc(1, sizeof *s);
	double secs = (double)(now - e->prev_ns) / 1e9;

	merge_workers(e);
	/* The phase's block first: it borrows the scratch the interval
	 * then takes. */
	update_phase(e, now);
	stats_sub(e->delta, e->cum, e->prev);

	fill_header(e, s, now, regular);
	fill_load(e, s, now);
	fill_blocks(e, s, secs);
	fill_phases(e, s, now);
	engine_stages_fill(e, s);
	fill_target(e, s);
	alerts_update(e->alerts, &e->scn->alerts, s);
	s->histogram = hdr_new(LT_HDR_LOWEST, LT_HDR_HIGHEST, LT_HDR_SIGFIGS);
	hdr_copy(s->histogram, e->cum->latency);

	if (regular)
		append_point(e, s, now);
	s->rps_peak = e->rps_peak;
	s->whole_intervals = e->whole_intervals;
	s->load.users_peak = e->load.users_peak;
	s->load.users_avg = e->load.users_avg;
	s->load.in_flight_peak = e->load.in_flight_peak;
	s->load.in_flight_avg = e->load.in_flight_avg;
	s->nseries = e->nseries;
	s->series = xcalloc(e->nseries, sizeof *s->series);
	if (e->nseries > 0)
		memcpy(s->series, e->series, e->nseries * sizeof *s->series);
	if (regular)
		close_interval(e, now);
	publish(e, s);
}
