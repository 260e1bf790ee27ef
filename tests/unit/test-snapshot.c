/*
 * Snapshots share what did not change since the last one: the series'
 * blocks, the histograms, a process's series between its samples.  The
 * series is checked against a plain array kept beside it, folds and
 * all; then a real engine runs against a real loadtop-target, and every
 * snapshot it published is held to the end of the run and checked to
 * be what it was when it came out.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-tap.h"
#include "proc-fixture.h"

#include "engine-int.h"
#include "engine.h"
#include "hdr.h"
#include "monitor.h"
#include "scenario.h"
#include "snapshot.h"
#include "util.h"

/* The series' bound, past which it halves its resolution. */
#define SERIES_BOUND 4096

static bool
point_eq(const struct snap_point *a, const struct snap_point *b)
{
	return a->t == b->t && a->seconds == b->seconds &&
	    a->partial == b->partial && a->phase == b->phase &&
	    a->rps == b->rps && a->p50 == b->p50 && a->p95 == b->p95 &&
	    a->p99 == b->p99 && a->max == b->max &&
	    a->requests == b->requests && a->errors == b->errors &&
	    a->rate_limited == b->rate_limited &&
	    memcmp(a->classes, b->classes, sizeof a->classes) == 0 &&
	    a->late_starts == b->late_starts && a->users == b->users &&
	    a->in_flight == b->in_flight && a->cpu == b->cpu &&
	    a->rss_mb == b->rss_mb;
}

/* A point with figures of its own, from its index. */
static struct snap_point
point_at(size_t k)
{
	struct snap_point p;
	size_t c;

	memset(&p, 0, sizeof p);
	p.t = (double)(k + 1) / 100;
	p.seconds = 0.01;
	p.phase = k / 5000;
	for (c = 0; c < CLS__COUNT; c++)
		p.classes[c] = (k + c) % 5;
	p.requests = k % 7;
	p.errors = k % 3;
	p.rate_limited = k % 2;
	p.late_starts = k % 4;
	p.rps = (double)p.requests / p.seconds;
	p.p50 = (double)(k % 11);
	p.p95 = (double)(k % 17) + 11;
	p.p99 = (double)(k % 19) + 28;
	p.max = (double)(k % 23) + 47;
	p.users = (int64_t)(k % 9);
	p.in_flight = k % 6;
	p.cpu = (double)(k % 100);
	p.rss_mb = (double)k;
	return p;
}

/* What a full copy of the series holds: every point, pairs folded into
 * one once it is full (sums add, percentiles keep the worse). */
struct model {
	struct snap_point v[SERIES_BOUND];
	size_t n;
};

static void
model_fold(struct model *m)
{
	struct snap_point old[SERIES_BOUND];
	size_t i, c;

	memcpy(old, m->v, sizeof old);
	for (i = 0; i < SERIES_BOUND / 2; i++) {
		const struct snap_point *a = &old[2 * i], *b = &old[2 * i + 1];
		struct snap_point *p = &m->v[i];
		double span = b->t - (i > 0 ? old[2 * i - 1].t : 0);

		*p = *b;
		p->requests = a->requests + b->requests;
		p->errors = a->errors + b->errors;
		p->rate_limited = a->rate_limited + b->rate_limited;
		p->late_starts = a->late_starts + b->late_starts;
		for (c = 0; c < CLS__COUNT; c++)
			p->classes[c] = a->classes[c] + b->classes[c];
		p->seconds = a->seconds + b->seconds;
		p->rps = span > 0 ? (double)p->requests / span : 0;
		p->p50 = LT_MAX(a->p50, b->p50);
		p->p95 = LT_MAX(a->p95, b->p95);
		p->p99 = LT_MAX(a->p99, b->p99);
		p->max = LT_MAX(a->max, b->max);
	}
	m->n = SERIES_BOUND / 2;
}

static void
model_append(struct model *m, const struct snap_point *p)
{
	if (m->n == SERIES_BOUND)
		model_fold(m);
	m->v[m->n++] = *p;
}

static bool
series_eq(const struct snap_point *a, const struct snap_point *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!point_eq(&a[i], &b[i]))
			return false;
	return true;
}

/* A snapshot of the series alone, with a copy of what it showed. */
struct held_series {
	struct snapshot *s;
	struct snap_point *copy;
	size_t n;
};

START_TEST(series_as_full_copies)
{
	static struct model m;
	struct engine_series sr = { 0 };
	struct held_series held[64];
	size_t nheld = 0, k, last_n = 0, i;
	const size_t total = 3 * SERIES_BOUND + 777;

	m.n = 0;
	for (k = 0; k < total; k++) {
		struct snap_point p = point_at(k);
		struct snapshot *s = xcalloc(1, sizeof *s);
		bool folded;

		s->refs = 1;
		engine_series_append(&sr, &p);
		model_append(&m, &p);
		engine_series_share(&sr, s);
		folded = s->nseries < last_n;
		last_n = s->nseries;
		ck_assert_uint_eq(s->nseries, m.n);
		ck_assert(point_eq(&s->series[s->nseries - 1], &p));
		if (folded || k % 61 == 0 || k == total - 1)
			ck_assert_msg(series_eq(s->series, m.v, m.n),
			    "series differs from a full copy after %zu points",
			    k + 1);
		/* Keep some, the ones on either side of a fold among them. */
		if ((folded || k % 500 == 0 || last_n == SERIES_BOUND) &&
		    nheld < LT_NELEM(held)) {
			held[nheld].s = s;
			held[nheld].n = s->nseries;
			held[nheld].copy = xcalloc(s->nseries,
			    sizeof *held[nheld].copy);
			memcpy(held[nheld].copy, s->series,
			    s->nseries * sizeof *s->series);
			nheld++;
		} else
			snapshot_release(s);
	}
	ck_assert_uint_ge(nheld, 20);
	for (i = 0; i < nheld; i++) {
		ck_assert_uint_eq(held[i].s->nseries, held[i].n);
		ck_assert_msg(memcmp(held[i].s->series, held[i].copy,
		    held[i].n * sizeof *held[i].copy) == 0,
		    "held snapshot %zu changed after later points", i);
		snapshot_release(held[i].s);
		free(held[i].copy);
	}
	engine_series_clear(&sr);
}
END_TEST

/* Without a point yet, a snapshot still has a series to point at. */
START_TEST(series_empty)
{
	struct engine_series sr = { 0 };
	struct snapshot *s = xcalloc(1, sizeof *s);

	s->refs = 1;
	engine_series_share(&sr, s);
	ck_assert_ptr_nonnull(s->series);
	ck_assert_uint_eq(s->nseries, 0);
	snapshot_release(s);
	engine_series_clear(&sr);
}
END_TEST

/*
 * A run: two requests, each in a phase of its own, then an idle phase,
 * at a 20 ms interval, with the target watched at 20 samples a second.
 * Each snapshot published is held, with a copy of what it said.
 */
#define NPHASES 3
#define MAX_RECORDS 1024

struct record {
	struct snapshot *s;
	struct snap_point *series;
	char *histogram;		/* hdr_encode */
	char *phase_histogram[NPHASES];
	struct snap_block total;
	struct snap_block interval;
	struct snap_request requests[2];
	struct snap_block phase_block[NPHASES];
	struct mseries_point *proc_series;
	size_t nproc_series;
};

static struct record records[MAX_RECORDS];
static size_t nrecords;

static void
on_snapshot(void *arg, struct snapshot *s)
{
	struct record *r;
	size_t i;

	(void)arg;
	if (nrecords == MAX_RECORDS)
		return;
	r = &records[nrecords++];
	snapshot_hold(s);
	r->s = s;
	r->series = xcalloc(s->nseries + 1, sizeof *r->series);
	memcpy(r->series, s->series, s->nseries * sizeof *s->series);
	r->histogram = hdr_encode(s->histogram);
	for (i = 0; i < s->nphases && i < NPHASES; i++) {
		if (s->phases[i].histogram != NULL)
			r->phase_histogram[i] = hdr_encode(s->phases[i].histogram);
		r->phase_block[i] = s->phases[i].block;
	}
	r->total = s->total;
	r->interval = s->interval;
	memcpy(r->requests, s->requests, sizeof r->requests);
	r->nproc_series = s->processes[0].nseries;
	r->proc_series = xcalloc(r->nproc_series + 1, sizeof *r->proc_series);
	memcpy(r->proc_series, s->processes[0].series,
	    r->nproc_series * sizeof *r->proc_series);
}

static void
record_clear(struct record *r)
{
	size_t i;

	snapshot_release(r->s);
	free(r->series);
	free(r->histogram);
	for (i = 0; i < NPHASES; i++)
		free(r->phase_histogram[i]);
	free(r->proc_series);
	memset(r, 0, sizeof *r);
}

static void
records_clear(void)
{
	size_t i;

	for (i = 0; i < nrecords; i++)
		record_clear(&records[i]);
	nrecords = 0;
}

/* One target for the engine's tests, started and stopped outside them
 * (an unchecked fixture), so that a test that fails leaves none behind. */
static struct procspawn *target;
static int target_port;
static struct scenario *scn;
static struct monitor *mon;

static void
target_up(void)
{
	char log[128], *text, *p;
	int i;

	snprintf(log, sizeof log, "/tmp/loadtop-test-snapshot.%ld.log",
	    (long)getpid());
	target = spawn("%s --port 0 --quiet > %s", LT_TARGET_BIN, log);
	for (i = 0; i < 250 && target_port == 0; i++) {
		sleep_s(0.02);
		if ((text = util_read_file(log, NULL)) == NULL)
			continue;
		if ((p = strstr(text, "127.0.0.1:")) != NULL)
			target_port = atoi(p + 10);
		free(text);
	}
	unlink(log);
}

static void
target_down(void)
{
	proc_spawn_free(target);
	target = NULL;
}

static struct scenario *
scenario_for(int port)
{
	struct scn_errors errs = { 0 };
	struct scenario *s = NULL;
	char *yaml;

	xasprintf(&yaml,
	    "version: 1\nname: shared\n"
	    "target:\n  base_url: http://127.0.0.1:%d\n"
	    "requests:\n"
	    "  - name: a\n    path: /ok\n"
	    "  - name: b\n    path: /ok?b\n"
	    "phases:\n"
	    "  - name: load-a\n    kind: sustained\n    duration: 500ms\n"
	    "    rate: 200/s\n    use: a\n"
	    "  - name: load-b\n    kind: sustained\n    duration: 500ms\n"
	    "    rate: 200/s\n    use: b\n"
	    "  - name: rest\n    kind: idle\n    duration: 1s\n", port);
	if (scenario_load_buffer("shared.yaml", yaml, strlen(yaml), &s,
	    &errs) != 0) {
		scenario_errors_print(stderr, &errs);
		scenario_errors_clear(&errs);
		ck_abort_msg("scenario did not load");
	}
	free(yaml);
	return s;
}

static void
run_engine(void)
{
	static const char *const names[] = { "target" };
	static const bool may_exit[] = { false };
	struct monitor_config cfg;
	struct engine_opts o = { 0 };
	struct engine *e;
	struct control ctl;
	char *cause = NULL;

	records_clear();		/* a test that failed, without fork */
	ck_assert_int_gt(target_port, 0);
	scn = scenario_for(target_port);
	monitor_config_default(&cfg);
	cfg.pid = proc_spawn_pid(target);
	cfg.sample_hz = 20;
	mon = monitor_new(&cfg, &cause);
	ck_assert_msg(mon != NULL, "monitor: %s", cause);
	ck_assert_msg(monitor_start(mon, &cause) == 0, "monitor: %s", cause);
	o.threads = 2;
	o.interval_us = 20000;
	o.monitors = &mon;
	o.monitor_names = names;
	o.may_exit = may_exit;
	o.nmonitors = 1;
	o.on_snapshot = on_snapshot;
	e = engine_new(scn, &o, &cause);
	ck_assert_msg(e != NULL, "engine: %s", cause);
	ck_assert_msg(engine_start(e, &cause) == 0, "engine: %s", cause);
	ctl = engine_control(e);
	control_wait(&ctl, -1);
	engine_free(e);
	ck_assert_uint_gt(nrecords, 50);
	ck_assert_int_eq(records[nrecords - 1].s->state, ENGINE_DONE);
}

static void
run_clear(void)
{
	records_clear();
	monitor_free(mon);
	scenario_free(scn);
}

/* A histogram's figures as the engine reads them. */
static bool
lat_of(const struct snap_lat *l, const struct hdr *h)
{
	struct snap_lat from;

	engine_lat_fill(&from, h);
	return memcmp(&from, l, sizeof from) == 0;
}

static void
check_unchanged(const struct record *r)
{
	const struct snapshot *s = r->s;
	char *text;
	size_t i;

	ck_assert(memcmp(s->series, r->series,
	    s->nseries * sizeof *s->series) == 0);
	text = hdr_encode(s->histogram);
	ck_assert_str_eq(text, r->histogram);
	free(text);
	for (i = 0; i < NPHASES; i++) {
		if (r->phase_histogram[i] == NULL) {
			ck_assert_ptr_null(s->phases[i].histogram);
			continue;
		}
		text = hdr_encode(s->phases[i].histogram);
		ck_assert_str_eq(text, r->phase_histogram[i]);
		free(text);
		ck_assert(memcmp(&s->phases[i].block, &r->phase_block[i],
		    sizeof r->phase_block[i]) == 0);
	}
	ck_assert(memcmp(&s->total, &r->total, sizeof r->total) == 0);
	ck_assert(memcmp(&s->interval, &r->interval, sizeof r->interval) == 0);
	ck_assert(memcmp(s->requests, r->requests, sizeof r->requests) == 0);
	ck_assert_uint_eq(s->processes[0].nseries, r->nproc_series);
	ck_assert(memcmp(s->processes[0].series, r->proc_series,
	    r->nproc_series * sizeof *r->proc_series) == 0);
}

/* Every snapshot held to the end is what it was when it came out. */
START_TEST(engine_held_unchanged)
{
	size_t i;

	run_engine();
	for (i = 0; i < nrecords; i++)
		check_unchanged(&records[i]);
	run_clear();
}
END_TEST

/* What a snapshot shares says what its own figures say. */
START_TEST(engine_shared_as_copied)
{
	size_t i, k;

	run_engine();
	for (i = 0; i < nrecords; i++) {
		const struct snapshot *s = records[i].s;

		ck_assert(lat_of(&s->total.latency, s->histogram));
		for (k = 0; k < s->nphases; k++)
			if (s->phases[k].histogram != NULL)
				ck_assert(lat_of(&s->phases[k].block.latency,
				    s->phases[k].histogram));
		/* The series only grows: what one showed, the next shows. */
		if (i > 0) {
			const struct snapshot *p = records[i - 1].s;

			ck_assert_uint_ge(s->nseries, p->nseries);
			ck_assert(memcmp(s->series, p->series,
			    p->nseries * sizeof *p->series) == 0);
		}
	}
	ck_assert_uint_eq(records[nrecords - 1].s->total.n.completed,
	    records[nrecords - 1].s->phases[0].block.n.completed +
	    records[nrecords - 1].s->phases[1].block.n.completed);
	run_clear();
}
END_TEST

/*
 * While nothing runs, a snapshot is the last one's figures with the
 * time moved on, and shares its histograms and series; a request that
 * does not run keeps its figures, and a process's series is shared
 * until its next sample.
 */
START_TEST(engine_idle_shares)
{
	const struct snapshot *first = NULL, *p, *s;
	size_t i, idle = 0, same_hist = 0, same_series = 0, proc_shared = 0;

	run_engine();
	for (i = 1; i < nrecords; i++) {
		p = records[i - 1].s;
		s = records[i].s;
		if (s->processes[0].view.stats.nsamples ==
		    p->processes[0].view.stats.nsamples) {
			ck_assert_ptr_eq(s->processes[0].series,
			    p->processes[0].series);
			proc_shared++;
		}
		if (s->phase >= 1 && p->phase >= 1 &&
		    s->phases[0].state == PHASE_DONE) {
			ck_assert_ptr_eq(s->phases[0].histogram,
			    p->phases[0].histogram);
			ck_assert(memcmp(&s->requests[0].total.n,
			    &p->requests[0].total.n,
			    sizeof s->requests[0].total.n) == 0);
			ck_assert(memcmp(&s->requests[0].total.latency,
			    &p->requests[0].total.latency,
			    sizeof s->requests[0].total.latency) == 0);
		}
		if (s->phase != 2 || p->phase != 2 || !s->interval_end ||
		    s->interval.n.completed != 0)
			continue;
		if (first == NULL)
			first = s;
		idle++;
		same_hist += s->histogram == p->histogram;
		same_series += s->series_owner == p->series_owner;
		ck_assert(memcmp(&s->total.n, &first->total.n,
		    sizeof s->total.n) == 0);
		ck_assert(memcmp(&s->total.latency, &first->total.latency,
		    sizeof s->total.latency) == 0);
		ck_assert(memcmp(s->timing, first->timing,
		    sizeof s->timing) == 0);
		ck_assert(s->total.seconds == s->elapsed);
		ck_assert(s->total.rps ==
		    (double)s->total.n.completed / s->elapsed);
		ck_assert_uint_eq(s->interval.latency.count, 0);
		ck_assert(s->interval.rps == 0);
	}
	ck_assert_uint_ge(idle, 20);
	/* All but the first few, which merge until the counts settle. */
	ck_assert_uint_ge(same_hist, idle - 3);
	ck_assert_uint_ge(same_series, idle / 2);
	ck_assert_uint_gt(proc_shared, 0);
	run_clear();
}
END_TEST

static Suite *
snapshot_suite(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc = tcase_create("series");
	TCase *te = tcase_create("engine");

	tcase_add_test(tc, series_as_full_copies);
	tcase_add_test(tc, series_empty);
	suite_add_tcase(s, tc);
	tcase_add_unchecked_fixture(te, target_up, target_down);
	tcase_set_timeout(te, 60);
	tcase_add_test(te, engine_held_unchanged);
	tcase_add_test(te, engine_shared_as_copied);
	tcase_add_test(te, engine_idle_shares);
	suite_add_tcase(s, te);
	return s;
}

LT_CHECK_MAIN(snapshot_suite)
