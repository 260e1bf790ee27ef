/*
 * What a snapshot shows of inspection and flows, from the merged
 * statistics: checks, each request's statuses and outcomes, the failures
 * list, flows and groups.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "engine-int.h"
#include "util.h"

static int
status_larger(const void *a, const void *b)
{
	const struct snap_status *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->code - y->code;
}

static void
fill_statuses(struct snap_request *r, const struct stats_req *q)
{
	size_t i;

	r->nstatus = q->nstatus + (q->status_other > 0);
	r->status = xcalloc(r->nstatus + 1, sizeof *r->status);
	for (i = 0; i < q->nstatus; i++) {
		r->status[i].code = (int)q->status[i].code;
		r->status[i].count = q->status[i].count;
	}
	qsort(r->status, q->nstatus, sizeof *r->status, status_larger);
	if (q->status_other > 0)	/* codes past the table: code 0 */
		r->status[q->nstatus].count = q->status_other;
}

static int
outcome_larger(const void *a, const void *b)
{
	const struct snap_outcome *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->value, y->value);
}

static void
fill_outcomes(struct snap_request *r, const struct stats_outcomes *t)
{
	size_t i, n = 0;

	r->has_outcome = true;
	r->outcomes = xcalloc(t->n + 3, sizeof *r->outcomes);
	for (i = 0; i < t->n; i++) {
		r->outcomes[n].value = xstrndup(t->v[i].v, t->v[i].len);
		r->outcomes[n++].count = t->v[i].count;
	}
	if (t->none > 0) {
		r->outcomes[n].value = xstrdup("(none)");
		r->outcomes[n++].count = t->none;
	}
	qsort(r->outcomes, n, sizeof *r->outcomes, outcome_larger);
	if (t->overflow > 0)
		r->outcomes[n++].count = t->overflow;	/* value NULL */
	r->noutcomes = n;
}

static void
fill_checks(struct engine *e, struct snapshot *s)
{
	const struct stats *st = e->cum;
	size_t i, c, k = 0;

	s->nchecks = e->scn->nchecks;
	s->checks = xcalloc(s->nchecks + 1, sizeof *s->checks);
	for (i = 0; i < e->scn->nrequests; i++) {
		const struct scn_request *r = &e->scn->requests[i];
		struct snap_request *sr = &s->requests[i];

		for (c = 0; c < r->nchecks && k < s->nchecks; c++, k++) {
			s->checks[k].name = r->checks[c].name;
			s->checks[k].request = i;
			s->checks[k].passed = st->check_pass[r->check_base + c];
			s->checks[k].failed = st->check_fail[r->check_base + c];
			sr->checks_passed += s->checks[k].passed;
			sr->checks_failed += s->checks[k].failed;
		}
		s->checks_passed += sr->checks_passed;
		s->checks_failed += sr->checks_failed;
	}
}

static int
reason_larger(const void *a, const void *b)
{
	const struct stats_reason *x = *(struct stats_reason *const *)a;
	const struct stats_reason *y = *(struct stats_reason *const *)b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x < y ? -1 : x > y;
}

static void
fill_reason(const struct engine *e, struct snap_reason *d,
    const struct stats_reason *r)
{
	const struct scn_request *rq = &e->scn->requests[r->req];

	d->request = r->req;
	d->cls = (enum lt_class)r->cls;
	d->status = r->status;
	d->check = r->check >= 0 && (size_t)r->check < rq->nchecks ?
	    rq->checks[r->check].name : NULL;
	d->curl_code = r->curl;
	d->what = r->curl != 0 ? curl_easy_strerror((CURLcode)r->curl) : NULL;
	d->count = r->count;
	memcpy(d->sample, r->sample, sizeof d->sample);
	d->sample_len = r->sample_len;
	d->sample_cut = r->cut;
}

static void
fill_reasons(struct engine *e, struct snapshot *s)
{
	const struct stats_reasons *t = e->cum->reasons;
	const struct stats_reason *by[STATS_REASONS];
	size_t i;

	for (i = 0; i < t->n; i++)
		by[i] = &t->v[i];
	qsort(by, t->n, sizeof *by, reason_larger);
	s->nreasons = LT_MIN((size_t)t->n, (size_t)SNAP_REASONS_TOP);
	s->reasons = xcalloc(s->nreasons + 1, sizeof *s->reasons);
	for (i = 0; i < s->nreasons; i++)
		fill_reason(e, &s->reasons[i], by[i]);
}

static void
fill_flows(struct engine *e, struct snapshot *s)
{
	size_t i;

	s->nflows = e->scn->nflows;
	s->flows = xcalloc(s->nflows + 1, sizeof *s->flows);
	for (i = 0; i < s->nflows; i++) {
		const struct stats_flow *f = &e->cum->flow[i];

		s->flows[i].name = e->scn->flows[i].name;
		s->flows[i].started = f->started;
		s->flows[i].completed = f->completed;
		s->flows[i].failed = f->failed;
		engine_lat_fill(&s->flows[i].iteration, f->iteration);
	}
}

/* dst += src, for one request's counts and latencies. */
static void
req_add(struct stats_req *dst, const struct stats_req *src)
{
	size_t c;

	dst->started += src->started;
	dst->bytes += src->bytes;
	for (c = 0; c < CLS__COUNT; c++)
		dst->classes[c] += src->classes[c];
	for (c = 0; c < LT_HTTPV_COUNT; c++)
		dst->http_versions[c] += src->http_versions[c];
	hdr_add(dst->latency, src->latency);
	hdr_add(dst->service, src->service);
}

/* A group's block: its requests' stats summed into a scratch one. */
static void
group_block(struct engine *e, size_t g, const struct stats *from,
    struct snap_block *b, double secs)
{
	struct stats_req *acc = &e->groups->req[g];
	size_t i;

	acc->started = acc->bytes = 0;
	memset(acc->classes, 0, sizeof acc->classes);
	memset(acc->http_versions, 0, sizeof acc->http_versions);
	hdr_reset(acc->latency);
	hdr_reset(acc->service);
	for (i = 0; i < e->scn->nrequests; i++)
		if (e->scn->requests[i].group_index == g)
			req_add(acc, &from->req[i]);
	engine_request_block_fill(b, acc, secs);
}

static void
fill_groups(struct engine *e, struct snapshot *s, double secs)
{
	size_t g;

	s->ngroups = e->scn->ngroups;
	s->groups = xcalloc(s->ngroups + 1, sizeof *s->groups);
	for (g = 0; g < s->ngroups; g++) {
		s->groups[g].name = e->scn->groups[g];
		group_block(e, g, e->cum, &s->groups[g].total, s->elapsed);
		if (e->cum == e->prev)
			s->groups[g].interval.seconds = secs;
		else
			group_block(e, g, e->delta, &s->groups[g].interval,
			    secs);
	}
}

void
engine_phase_checks(struct phase_run *run, const struct stats *d)
{
	size_t i;

	run->checks_passed = run->checks_failed = 0;
	for (i = 0; i < d->nchecks; i++) {
		run->checks_passed += d->check_pass[i];
		run->checks_failed += d->check_fail[i];
	}
}

/* The interval's check evaluations, for its point in the series. */
static void
interval_checks(struct engine *e)
{
	size_t i;

	e->interval_checks_passed = e->interval_checks_failed = 0;
	if (e->cum == e->prev)
		return;
	for (i = 0; i < e->delta->nchecks; i++) {
		e->interval_checks_passed += e->delta->check_pass[i];
		e->interval_checks_failed += e->delta->check_fail[i];
	}
}

void
engine_inspect_fill(struct engine *e, struct snapshot *s, double secs)
{
	size_t i;

	for (i = 0; i < s->nrequests; i++) {
		const struct scn_request *r = &e->scn->requests[i];

		s->requests[i].group = r->group;
		fill_statuses(&s->requests[i], &e->cum->req[i]);
		if (e->cum->req[i].outcomes != NULL)
			fill_outcomes(&s->requests[i], e->cum->req[i].outcomes);
	}
	fill_checks(e, s);
	fill_reasons(e, s);
	fill_flows(e, s);
	fill_groups(e, s, secs);
	interval_checks(e);
}
