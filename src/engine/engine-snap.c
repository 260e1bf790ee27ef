/*
 * Merging the workers' statistics into a published snapshot.  When no
 * worker counted anything since the last merge, there is nothing to
 * merge, subtract or read percentiles from: the snapshot takes the last
 * one's figures, with the time moved on, and shares its histograms.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine-int.h"
#include "util.h"

/* The sum of counters the workers only ever increase: while it stays
 * the same, so does every one of them. */
static uint64_t
workers_activity(const struct engine *e)
{
	uint64_t sum = 0;
	unsigned i;
	size_t c;

	for (i = 0; i < e->nthreads; i++) {
		const struct stats *st = worker_stats(e->w[i]);

		sum += STATS_GET(&st->started) + STATS_GET(&st->skipped) +
		    STATS_GET(&st->scheduled) + STATS_GET(&st->late_starts) +
		    STATS_GET(&st->connects) + STATS_GET(&st->bytes_in) +
		    STATS_GET(&st->bytes_out) + hdr_count(st->latency) +
		    hdr_count(st->service);
		for (c = 0; c < CLS__COUNT; c++)
			sum += STATS_GET(&st->classes[c]);
		sum += stats_stream_activity(st);
	}
	return sum;
}

/*
 * Merge the workers' stats into cum, unless nothing changed; returns
 * whether it did.  The workers write while it reads, so a merge may
 * catch a request half counted: only once a merge saw the same counts
 * as the one before is cum taken as settled.  A tick off the interval
 * (a phase's start or end, a control) always merges, so that a phase's
 * final figures are all the workers counted.
 */
static bool
merge_workers(struct engine *e, bool regular)
{
	uint64_t activity = workers_activity(e);
	bool same = activity == e->activity;
	unsigned i;

	if (regular && same && e->settled && e->snap != NULL)
		return false;
	if (e->cum == e->prev) {
		e->cum = e->spare;
		e->spare = NULL;
	}
	stats_reset(e->cum);
	for (i = 0; i < e->nthreads; i++)
		stats_add(e->cum, worker_stats(e->w[i]));
	__atomic_store_n(&e->completed, stats_completed(e->cum),
	    __ATOMIC_RELAXED);
	e->settled = same;
	e->activity = activity;
	return true;
}

static double
phase_seconds(const struct phase_run *run, int64_t now)
{
	return (double)(now - run->start_ns - run->paused_ns) / 1e9;
}

/* Figures that stay while the counts do: only the time moved on. */
static void
block_retime(struct snap_block *b, double seconds)
{
	b->seconds = seconds;
	b->rps = seconds > 0 ? (double)b->n.completed / seconds : 0;
}

/* A block of no requests, as engine_block_fill makes of zero stats. */
static void
block_empty(struct snap_block *b, double seconds)
{
	memset(b, 0, sizeof *b);
	block_retime(b, seconds);
}

/*
 * The histogram h as snapshots share it: held, when it has h's counts,
 * else a copy that never changes.  The engine's histograms only grow
 * (cumulative, or less a fixed base), so the same total is the same
 * counts.
 */
static struct hdr *
histogram_share(struct hdr *held, const struct hdr *h)
{
	struct hdr *c;

	if (held != NULL && held->total == h->total &&
	    held->overflow == h->overflow && held->min == h->min &&
	    held->max == h->max && held->sum == h->sum)
		return hdr_hold(held);
	c = hdr_new(h->lowest, h->highest, h->sigfigs);
	hdr_copy(c, h);
	return c;
}

/* Whether l is what engine_lat_fill makes of h. */
static bool
lat_same(const struct snap_lat *l, const struct hdr *h)
{
	if (l->count != hdr_count(h))
		return false;
	return l->count == 0 || (l->min == hdr_min(h) / 1000.0 &&
	    l->max == hdr_max(h) / 1000.0 && l->mean == hdr_mean(h) / 1000.0);
}

/* Whether b, a request's total, still holds for its stats r: then so do
 * its percentiles (see histogram_share). */
static bool
request_same(const struct snap_block *b, const struct stats_req *r)
{
	size_t c;

	if (b->n.started != r->started || b->n.bytes_in != r->bytes)
		return false;
	for (c = 0; c < CLS__COUNT; c++)
		if (b->n.classes[c] != r->classes[c])
			return false;
	return lat_same(&b->latency, r->latency) &&
	    lat_same(&b->service, r->service);
}

/* classes: the phase's, by class. */
static void
fill_rate_limit(struct snap_rate_limit *rl, const struct scn_phase *ph,
    const struct phase_run *run, const uint64_t *classes)
{
	const struct stats_phase *f = &run->facts;

	rl->limited = classes[CLS_RATE_LIMITED];
	rl->allowed = stats_classes_responses(classes) - rl->limited;
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

/*
 * The current (or just finished) phase's block and facts; merged: cum
 * was merged this tick, else the counts are the last tick's.
 */
static void
update_phase(struct engine *e, int64_t now, bool merged)
{
	const struct scn_phase *ph;
	struct phase_run *run;
	struct hdr *held;
	double secs;

	if (e->cur >= e->scn->nphases)
		return;
	ph = &e->scn->phases[e->cur];
	run = &e->ph[e->cur];
	if (run->base == NULL) {
		/* The first tick of a phase takes its base. */
		run->base = stats_new(e->npreq);
		stats_shape(run->base, e->scn);
		stats_copy(run->base, e->cum);
		merged = true;
	}
	secs = phase_seconds(run, now);
	if (merged) {
		stats_sub(e->delta, e->cum, run->base);
		engine_block_fill(&run->block, e->delta, secs);
		engine_phase_checks(run, e->delta);
		held = run->histogram;
		run->histogram = histogram_share(held, e->delta->latency);
		hdr_free(held);
	} else
		block_retime(&run->block, secs);
	if (ph->kind == SCN_RATE_LIMIT)
		fill_rate_limit(&run->rl, ph, run, run->block.n.classes);
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
		sp->checks_passed = run->checks_passed;
		sp->checks_failed = run->checks_failed;
		sp->rl = run->rl;
		if (run->nleak) {
			sp->leak = xcalloc(run->nleak, sizeof *sp->leak);
			memcpy(sp->leak, run->leak, run->nleak * sizeof *sp->leak);
			sp->nleak = run->nleak;
		}
		if (run->histogram != NULL)
			sp->histogram = hdr_hold(run->histogram);
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

		if (p->kind == SCN_SUSTAINED || p->kind == SCN_SOAK ||
		    (p->kind == SCN_CONNECTIONS && p->nstages == 0))
			rest += p->duration_us / 1e6;
		else if (p->kind == SCN_RAMP || p->kind == SCN_CONNECTIONS)
			for (k = 0; k < p->nstages; k++)
				rest += p->stages[k].duration_us / 1e6;
		else
			known = false;
	}
	s->remaining = known ? rest : -1;
}

/*
 * The series of process i as the last snapshot showed it, if no sample
 * came since (the series changes with each sample only).
 */
static bool
share_proc_series(const struct snapshot *last, size_t i,
    struct snap_process *p)
{
	const struct snap_process *q;

	if (last == NULL || i >= last->nprocesses)
		return false;
	q = &last->processes[i];
	if (q->series_owner == NULL ||
	    q->view.stats.nsamples != p->view.stats.nsamples)
		return false;
	p->series_owner = snapshot_shared_hold(q->series_owner);
	p->series = q->series;
	p->nseries = q->nseries;
	return true;
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
		if (!share_proc_series(e->snap, i, p)) {
			p->nseries = monitor_read_series(m, &p->series);
			p->series_owner = snapshot_shared_new(p->series);
		}
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

static void *
copy_of(const void *from, size_t n, size_t size)
{
	void *to = xcalloc(n, size);

	if (n > 0)
		memcpy(to, from, n * size);
	return to;
}

/* The run's totals, the breakdown, status codes and failures: worked
 * out when merged, else the last snapshot's. */
static void
fill_totals(struct engine *e, struct snapshot *s, bool merged)
{
	const struct snapshot *last = e->snap;
	size_t i;

	if (merged) {
		engine_block_fill(&s->total, e->cum, s->elapsed);
		for (i = 0; i < TIM__COUNT; i++)
			engine_lat_fill(&s->timing[i], e->cum->timing[i]);
		for (i = 0; i < CLS__COUNT; i++)
			engine_lat_fill(&s->by_class[i], e->cum->by_class[i]);
		engine_status_fill(s, e->cum);
		engine_failures_fill(s, e->cum);
		s->histogram = histogram_share(last ? last->histogram : NULL,
		    e->cum->latency);
		return;
	}
	s->total = last->total;
	block_retime(&s->total, s->elapsed);
	memcpy(s->timing, last->timing, sizeof s->timing);
	memcpy(s->by_class, last->by_class, sizeof s->by_class);
	s->nstatus = last->nstatus;
	s->status = copy_of(last->status, last->nstatus, sizeof *s->status);
	s->nfailures = last->nfailures;
	s->failures = copy_of(last->failures, last->nfailures,
	    sizeof *s->failures);
	s->histogram = hdr_hold(last->histogram);
}

/*
 * The interval and each request's blocks; secs: the interval's length.
 * While cum is prev, nothing was merged since the interval began: it is
 * empty.
 */
static void
fill_blocks(struct engine *e, struct snapshot *s, double secs, bool merged)
{
	bool empty = e->cum == e->prev;
	size_t i;

	fill_totals(e, s, merged);
	if (empty)
		block_empty(&s->interval, secs);
	else
		engine_block_fill(&s->interval, e->delta, secs);
	s->nrequests = e->npreq;
	s->requests = xcalloc(e->npreq, sizeof *s->requests);
	for (i = 0; i < e->npreq; i++) {
		struct snap_request *r = &s->requests[i];

		r->name = e->scn->requests[i].name;
		r->transport = e->preqs[i].raw ? "raw" : "curl";
		/* A request that did not run since keeps its figures. */
		if (e->snap != NULL && (!merged || request_same(
		    &e->snap->requests[i].total, &e->cum->req[i]))) {
			r->total = e->snap->requests[i].total;
			block_retime(&r->total, s->elapsed);
		} else
			engine_request_block_fill(&r->total, &e->cum->req[i],
			    s->elapsed);
		if (empty)
			block_empty(&r->interval, secs);
		else
			engine_request_block_fill(&r->interval,
			    &e->delta->req[i], secs);
	}
}

/* The cumulative stats become the next interval's base: prev is cum
 * until the next merge. */
static void
close_interval(struct engine *e, int64_t now)
{
	if (e->cum != e->prev) {
		e->spare = e->prev;
		e->prev = e->cum;
	}
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
	bool merged = merge_workers(e, regular);

	/* The phase's block first: it borrows the scratch the interval
	 * then takes. */
	update_phase(e, now, merged);
	if (e->cum != e->prev)
		stats_sub(e->delta, e->cum, e->prev);

	fill_header(e, s, now, regular);
	fill_load(e, s, now);
	fill_blocks(e, s, secs, merged);
	engine_inspect_fill(e, s, secs);
	engine_streams_fill(e, s, secs);
	fill_phases(e, s, now);
	engine_stages_fill(e, s);
	fill_target(e, s);
	alerts_update(e->alerts, &e->scn->alerts, s);

	if (regular)
		engine_series_point(e, s, now);
	s->rps_peak = e->rps_peak;
	s->whole_intervals = e->whole_intervals;
	s->load.users_peak = e->load.users_peak;
	s->load.users_avg = e->load.users_avg;
	s->load.in_flight_peak = e->load.in_flight_peak;
	s->load.in_flight_avg = e->load.in_flight_avg;
	engine_series_share(&e->series, s);
	if (regular)
		close_interval(e, now);
	publish(e, s);
}

void
engine_snap_clear(struct engine *e)
{
	/* While prev is cum, the other stats are spare. */
	if (e->prev == e->cum)
		e->prev = e->spare;
	stats_free(e->cum);
	stats_free(e->prev);
	e->cum = e->prev = e->spare = NULL;
	engine_series_clear(&e->series);
}
