/*
 * A run with every field of what responses said, for the readers' tests:
 * three requests (signal with checks and an outcome, login, me), two
 * groups, a flow, the failures list, and the thresholds of the new
 * scopes.  Static: each test includes it.
 */
#ifndef LT_TEST_CHECKS_FIXTURE_H
#define LT_TEST_CHECKS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "scenario.h"
#include "snapshot.h"
#include "util.h"

static const char fixture_yaml[] =
	"name: checks\n"
	"target: {base_url: 'http://127.0.0.1:1'}\n"
	"requests:\n"
	"  - {name: signal, method: POST, path: /webhook, body: '{}'}\n"
	"  - {name: login, method: POST, path: /login, body: '{}'}\n"
	"  - {name: me, path: /me}\n"
	"phases:\n"
	"  - {name: steady, kind: sustained, rate: 1000, duration: 10s}\n"
	"thresholds:\n"
	"  - p95 < 50ms\n";

/* A threshold as the scenario's parser makes it, appended. */
static void
add_threshold(struct scenario *scn, const char *expr, enum thr_metric m,
    enum thr_op op, double value, enum thr_scope scope, const char *name,
    size_t index, const char *arg, bool iteration)
{
	struct threshold *t;

	scn->thresholds = xreallocarray(scn->thresholds, scn->nthresholds + 1,
	    sizeof *scn->thresholds);
	t = &scn->thresholds[scn->nthresholds++];
	memset(t, 0, sizeof *t);
	t->expr = xstrdup(expr);
	t->metric = m;
	t->op = op;
	t->value = value;
	t->scope = scope;
	t->scope_name = name ? xstrdup(name) : NULL;
	t->scope_index = index;
	t->arg = arg ? xstrdup(arg) : NULL;
	t->iteration = iteration;
}

static struct scenario *
fixture_load(void)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;

	if (scenario_load_buffer("c.yaml", fixture_yaml, strlen(fixture_yaml),
	    &scn, &errs) != 0) {
		scenario_errors_print(stderr, &errs);
		ck_abort_msg("scenario refused");
	}
	add_threshold(scn, "checks > 99%", THR_CHECKS, THR_GT, 99,
	    THR_SCOPE_ALL, NULL, 0, NULL, false);
	add_threshold(scn, "signal.outcome:rate_limited == 200", THR_OUTCOME,
	    THR_EQ, 200, THR_SCOPE_REQUEST, "signal", 0, "rate_limited", false);
	add_threshold(scn, "group:gateway.p95 < 50ms", THR_P95, THR_LT, 50,
	    THR_SCOPE_GROUP, "gateway", 0, NULL, false);
	add_threshold(scn, "session.iteration.p95 < 20ms", THR_P95, THR_LT, 20,
	    THR_SCOPE_FLOW, "session", 0, NULL, true);
	add_threshold(scn, "class:rate_limited.p95 < 5ms", THR_P95, THR_LT, 5,
	    THR_SCOPE_CLASS, "rate_limited", CLS_RATE_LIMITED, NULL, false);
	return scn;
}

static void
lat(struct snap_lat *l, uint64_t n, double p50, double p95, double p99)
{
	l->count = n;
	l->min = p50 / 2;
	l->mean = p50;
	l->p50 = l->p75 = p50;
	l->p90 = l->p95 = p95;
	l->p99 = l->p999 = l->max = p99;
}

static void
block(struct snap_block *b, uint64_t ok, uint64_t limited,
    uint64_t check_failed, uint64_t connect_errors)
{
	b->n.classes[CLS_OK] = ok;
	b->n.classes[CLS_RATE_LIMITED] = limited;
	b->n.classes[CLS_CHECK_FAILED] = check_failed;
	b->n.classes[CLS_CONNECT_ERROR] = connect_errors;
	b->n.completed = b->n.started = ok + limited + check_failed +
	    connect_errors;
	b->n.responses = ok + limited + check_failed;
	b->n.errors = check_failed + connect_errors;
	b->seconds = 10;
	b->rps = (double)b->n.completed / 10;
	lat(&b->latency, b->n.completed, 3, 12, 30);
	b->service = b->latency;
}

static struct snap_status *
statuses(size_t n, const int *codes, const uint64_t *counts)
{
	struct snap_status *st = xcalloc(n, sizeof *st);
	size_t i;

	for (i = 0; i < n; i++)
		st[i] = (struct snap_status){ codes[i], counts[i] };
	return st;
}

/* signal's outcome: 23 values kept, largest first, and 7 responses
 * whose values came past those. */
static void
signal_outcomes(struct snap_request *rq)
{
	static const char *const top[] = { "dry_run", "invalid_signature",
	    "low_confidence", "rate_limited" };
	static const uint64_t n[] = { 7000, 500, 290, 200 };
	size_t i;

	rq->has_outcome = true;
	rq->noutcomes = 24;
	rq->outcomes = xcalloc(24, sizeof *rq->outcomes);
	for (i = 0; i < 23; i++) {
		if (i < 4)
			rq->outcomes[i].value = xstrdup(top[i]);
		else
			xasprintf((char **)&rq->outcomes[i].value, "v%02zu",
			    i + 1);
		rq->outcomes[i].count = i < 4 ? n[i] : 1;
	}
	rq->outcomes[23].count = 7;
}

static void
add_requests(struct snapshot *s)
{
	static const int codes[] = { 200, 429 };
	static const uint64_t sig[] = { 7790, 200 }, log[] = { 1000 },
	    me[] = { 990 };
	struct snap_request *rq;

	s->nrequests = 3;
	s->requests = rq = xcalloc(3, sizeof *rq);
	rq[0] = (struct snap_request){ .name = "signal", .transport = "raw",
	    .group = "gateway", .checks_passed = 15490, .checks_failed = 90 };
	block(&rq[0].total, 7700, 200, 90, 0);
	rq[0].status = statuses(2, codes, sig);
	rq[0].nstatus = 2;
	signal_outcomes(&rq[0]);
	rq[1] = (struct snap_request){ .name = "login", .transport = "raw",
	    .group = "gateway", .checks_passed = 1000 };
	block(&rq[1].total, 1000, 0, 0, 0);
	rq[1].status = statuses(1, codes, log);
	rq[1].nstatus = 1;
	rq[2] = (struct snap_request){ .name = "me", .transport = "raw",
	    .group = "backend" };
	block(&rq[2].total, 990, 0, 0, 10);
	rq[2].status = statuses(1, codes, me);
	rq[2].nstatus = 1;
}

static void
add_checks(struct snapshot *s)
{
	s->nchecks = 3;
	s->checks = xcalloc(3, sizeof *s->checks);
	s->checks[0] = (struct snap_check){ "status is dry_run", 0, 7700, 90 };
	s->checks[1] = (struct snap_check){ "json /id exists", 0, 7790, 0 };
	s->checks[2] = (struct snap_check){ "token present", 1, 1000, 0 };
	s->checks_passed = 16490;
	s->checks_failed = 90;
}

static void
add_reasons(struct snapshot *s)
{
	static const char body[] = "{\"status\":\"bad|x`y\",\"n\":\"a\nb\"}";
	struct snap_reason *r;

	s->nreasons = 2;
	s->reasons = r = xcalloc(2, sizeof *r);
	r[0] = (struct snap_reason){ .request = 0, .cls = CLS_CHECK_FAILED,
	    .status = 200, .check = "status is dry_run", .count = 90,
	    .sample_len = sizeof body - 1, .sample_cut = true };
	memcpy(r[0].sample, body, sizeof body);
	r[1] = (struct snap_reason){ .request = 2, .cls = CLS_CONNECT_ERROR,
	    .curl_code = 7, .what = "Couldn't connect to server", .count = 10 };
}

static void
add_flows_groups(struct snapshot *s)
{
	s->nflows = 1;
	s->flows = xcalloc(1, sizeof *s->flows);
	s->flows[0] = (struct snap_flow){ .name = "session", .started = 1000,
	    .completed = 985, .failed = 10 };
	lat(&s->flows[0].iteration, 985, 9, 25, 40);
	s->ngroups = 2;
	s->groups = xcalloc(2, sizeof *s->groups);
	s->groups[0].name = "gateway";
	block(&s->groups[0].total, 8700, 200, 90, 0);
	s->groups[1].name = "backend";
	block(&s->groups[1].total, 990, 0, 0, 10);
}

/* 10,000 requests in 10 s over three intervals. */
static struct snapshot *
fixture_snap(const struct scenario *scn)
{
	static const int codes[] = { 200, 429 };
	static const uint64_t n[] = { 9780, 200 };
	struct snapshot *s = xcalloc(1, sizeof *s);
	size_t i;

	s->refs = 1;
	s->scn = scn;
	s->state = ENGINE_DONE;
	s->end_reason = END_COMPLETED;
	s->elapsed = 10;
	s->wall_start_us = 1700000000LL * 1000000;
	s->wall_us = s->wall_start_us + 10000000;
	s->threads = 2;
	s->load.users_peak = -1;
	block(&s->total, 9690, 200, 90, 10);
	lat(&s->by_class[CLS_OK], 9690, 3, 12, 30);
	lat(&s->by_class[CLS_RATE_LIMITED], 200, 0.4, 0.9, 1.5);
	lat(&s->by_class[CLS_CHECK_FAILED], 90, 4, 14, 31);
	s->status = statuses(2, codes, n);
	s->nstatus = 2;
	add_requests(s);
	add_checks(s);
	add_reasons(s);
	add_flows_groups(s);
	s->nphases = 1;
	s->phases = xcalloc(1, sizeof *s->phases);
	s->phases[0] = (struct snap_phase){ .name = scn->phases[0].name,
	    .kind = SCN_SUSTAINED, .state = PHASE_DONE, .ended = 10,
	    .block = s->total, .checks_passed = s->checks_passed,
	    .checks_failed = s->checks_failed };
	s->nseries = 3;
	s->series = xcalloc(3, sizeof *s->series);
	for (i = 0; i < 3; i++) {
		struct snap_point *p = &s->series[i];

		p->t = (double)(i + 1) * 3.3;
		p->requests = 3330;
		p->classes[CLS_OK] = 3300;
		p->classes[CLS_CHECK_FAILED] = 30;
		p->checks_passed = 5490 + i;
		p->checks_failed = 30 - i;
		p->cpu = p->rss_mb = -1;
		p->users = -1;
	}
	return s;
}

#endif
