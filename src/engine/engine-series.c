/*
 * The run's series: one point per interval, in a block that snapshots
 * share.  Points are only appended, past the last one any published
 * snapshot shows, so a publish copies nothing: the few times the block
 * is full or its resolution halves, the points move to a new block and
 * the snapshots that hold the old one keep it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine-int.h"
#include "util.h"

/* The series keeps at most this many points, halving its resolution. */
#define SERIES_MAX 4096
#define SERIES_FIRST 256

static struct snap_point *
series_points(const struct engine_series *sr)
{
	return sr->block->data;
}

/* Move to a new block of cap points, the first n of the old one in it. */
static struct snap_point *
series_move(struct engine_series *sr, size_t cap, size_t n)
{
	struct snap_point *to = xcalloc(cap, sizeof *to);

	if (n > 0)
		memcpy(to, series_points(sr), n * sizeof *to);
	snapshot_shared_release(sr->block);
	sr->block = snapshot_shared_new(to);
	sr->cap = cap;
	return to;
}

/* Two neighbours as one: sums add, percentiles keep the worse. */
static struct snap_point
series_pair(const struct snap_point *a, const struct snap_point *b,
    double before)
{
	struct snap_point m = *b;
	double span = b->t - before;
	size_t c;

	m.requests = a->requests + b->requests;
	m.errors = a->errors + b->errors;
	m.rate_limited = a->rate_limited + b->rate_limited;
	m.late_starts = a->late_starts + b->late_starts;
	m.streams_dropped = a->streams_dropped + b->streams_dropped;
	m.messages_in = a->messages_in + b->messages_in;
	m.messages_out = a->messages_out + b->messages_out;
	m.events = a->events + b->events;
	for (c = 0; c < CLS__COUNT; c++)
		m.classes[c] = a->classes[c] + b->classes[c];
	m.seconds = a->seconds + b->seconds;
	m.rps = span > 0 ? (double)m.requests / span : 0;
	m.p50 = LT_MAX(a->p50, b->p50);
	m.p95 = LT_MAX(a->p95, b->p95);
	m.p99 = LT_MAX(a->p99, b->p99);
	m.max = LT_MAX(a->max, b->max);
	return m;
}

/* Fold pairs into a new block: the old one's points stay as they were
 * for the snapshots that show them. */
static void
series_fold(struct engine_series *sr)
{
	const struct snap_point *from = series_points(sr);
	struct snap_point *to = xcalloc(SERIES_MAX, sizeof *to);
	size_t i;

	for (i = 0; i < SERIES_MAX / 2; i++)
		to[i] = series_pair(&from[2 * i], &from[2 * i + 1],
		    i ? from[2 * i - 1].t : 0);
	snapshot_shared_release(sr->block);
	sr->block = snapshot_shared_new(to);
	sr->cap = SERIES_MAX;
	sr->n = SERIES_MAX / 2;
}

void
engine_series_append(struct engine_series *sr, const struct snap_point *pt)
{
	if (sr->block == NULL)
		series_move(sr, SERIES_FIRST, 0);
	else if (sr->n == SERIES_MAX)
		series_fold(sr);
	else if (sr->n == sr->cap)
		series_move(sr, LT_MIN(2 * sr->cap, (size_t)SERIES_MAX), sr->n);
	series_points(sr)[sr->n++] = *pt;
}

void
engine_series_share(struct engine_series *sr, struct snapshot *s)
{
	if (sr->block == NULL)
		series_move(sr, SERIES_FIRST, 0);
	s->series_owner = snapshot_shared_hold(sr->block);
	s->series = series_points(sr);
	s->nseries = sr->n;
}

void
engine_series_clear(struct engine_series *sr)
{
	snapshot_shared_release(sr->block);
	memset(sr, 0, sizeof *sr);
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
	/* Empty after an idle interval: no need to clear it again. */
	if (hdr_count(e->grid_latency) != 0)
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
void
engine_series_point(struct engine *e, const struct snapshot *s, int64_t now)
{
	struct snap_point pt;

	memset(&pt, 0, sizeof pt);
	pt.t = s->elapsed;
	pt.partial = s->interval_partial;
	pt.phase = LT_MIN(e->cur, e->scn->nphases - 1);
	point_counts(e, &pt, s, now);
	pt.late_starts = s->interval.n.late_starts;
	pt.checks_passed = e->interval_checks_passed;
	pt.checks_failed = e->interval_checks_failed;
	pt.users = s->load.users;
	pt.in_flight = s->load.in_flight;
	engine_streams_point(e, &pt);
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
	engine_series_append(&e->series, &pt);
}
