/*
 * Snapshots share the series instead of copying it: appended points go
 * past what any published snapshot shows, and a fold moves to a new
 * block.  The series is checked against a plain array kept beside it,
 * folds and all, and held snapshots against copies of what they showed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check-tap.h"

#include "engine-int.h"
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

static Suite *
snapshot_suite(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc = tcase_create("series");

	tcase_add_test(tc, series_as_full_copies);
	tcase_add_test(tc, series_empty);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(snapshot_suite)
