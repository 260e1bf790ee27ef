/*
 * The statistics of inspection and flows: per-check counts, statuses per
 * request, outcome values, the failures list, flow iterations.  Tables
 * are written by their worker only, filled entry by entry and published
 * with a release store of their count, so a merging reader sees whole
 * entries without a lock.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "stats-int.h"
#include "util.h"

void
stats_shape(struct stats *s, const struct scenario *scn)
{
	size_t i;

	s->nchecks = scn->nchecks;
	s->check_pass = xcalloc(scn->nchecks + 1, sizeof *s->check_pass);
	s->check_fail = xcalloc(scn->nchecks + 1, sizeof *s->check_fail);
	s->reasons = xcalloc(1, sizeof *s->reasons);
	s->nflows = scn->nflows;
	s->flow = xcalloc(scn->nflows + 1, sizeof *s->flow);
	for (i = 0; i < scn->nflows; i++)
		if ((s->flow[i].iteration = hdr_new(LT_HDR_LOWEST,
		    LT_HDR_HIGHEST, LT_HDR_DETAIL_SIGFIGS)) == NULL)
			abort();
	for (i = 0; i < s->nreq && i < scn->nrequests; i++)
		if (scn->requests[i].outcome != NULL)
			s->req[i].outcomes = xcalloc(1,
			    sizeof *s->req[i].outcomes);
	stats_stream_shape(s, scn);
}

void
stats_tables_free(struct stats *s)
{
	size_t i;

	free(s->check_pass);
	free(s->check_fail);
	free(s->reasons);
	for (i = 0; i < s->nflows; i++)
		hdr_free(s->flow[i].iteration);
	free(s->flow);
	for (i = 0; i < s->nreq; i++)
		free(s->req[i].outcomes);
	stats_stream_free(s);
}

static void
req_tables_reset(struct stats_req *r)
{
	r->nstatus = 0;
	memset(r->status, 0, sizeof r->status);
	r->status_other = 0;
	if (r->outcomes != NULL)
		memset(r->outcomes, 0, sizeof *r->outcomes);
}

void
stats_tables_reset(struct stats *s)
{
	size_t i;

	if (s->nchecks > 0) {
		memset(s->check_pass, 0, s->nchecks * sizeof *s->check_pass);
		memset(s->check_fail, 0, s->nchecks * sizeof *s->check_fail);
	}
	if (s->reasons != NULL)
		memset(s->reasons, 0, sizeof *s->reasons);
	for (i = 0; i < s->nflows; i++) {
		s->flow[i].started = s->flow[i].completed = 0;
		s->flow[i].failed = 0;
		hdr_reset(s->flow[i].iteration);
	}
	for (i = 0; i < s->nreq; i++)
		req_tables_reset(&s->req[i]);
	stats_stream_reset(s);
}

static struct stats_status *
status_entry(struct stats_req *r, uint32_t code, bool make)
{
	unsigned i, n = __atomic_load_n(&r->nstatus, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		if (r->status[i].code == code)
			return &r->status[i];
	if (!make || n == STATS_REQ_STATUSES)
		return NULL;
	r->status[n].code = code;
	r->status[n].count = 0;
	__atomic_store_n(&r->nstatus, n + 1, __ATOMIC_RELEASE);
	return &r->status[n];
}

static void
add_status(struct stats_req *r, uint32_t code, uint64_t n)
{
	struct stats_status *e = status_entry(r, code, true);

	if (e != NULL)
		STATS_INC(&e->count, n);
	else
		STATS_INC(&r->status_other, n);
}

void
stats_count_status(struct stats_req *r, long status)
{
	if (status > 0 && status < LT_STATUS_MAX)
		add_status(r, (uint32_t)status, 1);
}

static struct stats_outcome *
outcome_entry(struct stats_outcomes *t, const char *v, size_t len)
{
	unsigned i, n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);

	len = LT_MIN(len, (size_t)STATS_OUTCOME_MAX);
	for (i = 0; i < n; i++)
		if (t->v[i].len == len && memcmp(t->v[i].v, v, len) == 0)
			return &t->v[i];
	if (n == STATS_OUTCOMES_KEEP)
		return NULL;
	memcpy(t->v[n].v, v, len);
	t->v[n].len = len;
	t->v[n].count = 0;
	__atomic_store_n(&t->n, n + 1, __ATOMIC_RELEASE);
	return &t->v[n];
}

static void
add_outcome(struct stats_outcomes *t, const char *v, size_t len, uint64_t n)
{
	struct stats_outcome *e;

	if (len == SIZE_MAX)
		STATS_INC(&t->none, n);
	else if ((e = outcome_entry(t, v, len)) != NULL)
		STATS_INC(&e->count, n);
	else
		STATS_INC(&t->overflow, n);
}

void
stats_count_outcome(struct stats_req *r, const char *v, size_t len)
{
	if (r->outcomes != NULL)
		add_outcome(r->outcomes, v, len, 1);
}

struct stats_reason *
stats_reason_find(struct stats_reasons *t, size_t req, int cls, int status,
    int check, int curl, bool *fresh)
{
	unsigned i, n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);
	struct stats_reason *e;

	*fresh = false;
	for (i = 0; i < n; i++) {
		e = &t->v[i];
		if (e->req == req && e->cls == cls && e->status == status &&
		    e->check == check && e->curl == curl)
			return e;
	}
	if (n == STATS_REASONS)
		return NULL;
	e = &t->v[n];
	*e = (struct stats_reason){ .req = req, .cls = cls,
	    .status = status, .check = check, .curl = curl };
	*fresh = true;
	return e;
}

void
stats_reason_publish(struct stats_reasons *t)
{
	__atomic_store_n(&t->n, t->n + 1, __ATOMIC_RELEASE);
}

static void
add_reasons(struct stats_reasons *dst, const struct stats_reasons *src)
{
	unsigned i, n = __atomic_load_n(&src->n, __ATOMIC_ACQUIRE);
	struct stats_reason *e;
	bool fresh;

	dst->dropped += STATS_GET(&src->dropped);
	for (i = 0; i < n; i++) {
		const struct stats_reason *r = &src->v[i];

		e = stats_reason_find(dst, r->req, r->cls, r->status, r->check,
		    r->curl, &fresh);
		if (e == NULL) {
			dst->dropped += STATS_GET(&r->count);
			continue;
		}
		if (fresh) {
			memcpy(e->sample, r->sample, sizeof e->sample);
			e->sample_len = r->sample_len;
			e->cut = r->cut;
			stats_reason_publish(dst);
		}
		e->count += STATS_GET(&r->count);
	}
}

static void
add_req_tables(struct stats_req *d, const struct stats_req *s)
{
	unsigned i, n = __atomic_load_n(&s->nstatus, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		add_status(d, s->status[i].code, STATS_GET(&s->status[i].count));
	d->status_other += STATS_GET(&s->status_other);
	if (d->outcomes == NULL || s->outcomes == NULL)
		return;
	n = __atomic_load_n(&s->outcomes->n, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++)
		add_outcome(d->outcomes, s->outcomes->v[i].v,
		    s->outcomes->v[i].len, STATS_GET(&s->outcomes->v[i].count));
	d->outcomes->none += STATS_GET(&s->outcomes->none);
	d->outcomes->overflow += STATS_GET(&s->outcomes->overflow);
}

void
stats_tables_add(struct stats *dst, const struct stats *src)
{
	size_t i;

	for (i = 0; i < dst->nchecks && i < src->nchecks; i++) {
		dst->check_pass[i] += STATS_GET(&src->check_pass[i]);
		dst->check_fail[i] += STATS_GET(&src->check_fail[i]);
	}
	if (dst->reasons != NULL && src->reasons != NULL)
		add_reasons(dst->reasons, src->reasons);
	for (i = 0; i < dst->nflows && i < src->nflows; i++) {
		dst->flow[i].started += STATS_GET(&src->flow[i].started);
		dst->flow[i].completed += STATS_GET(&src->flow[i].completed);
		dst->flow[i].failed += STATS_GET(&src->flow[i].failed);
		hdr_add(dst->flow[i].iteration, src->flow[i].iteration);
	}
	for (i = 0; i < dst->nreq && i < src->nreq; i++)
		add_req_tables(&dst->req[i], &src->req[i]);
	stats_stream_add(dst, src);
}

void
stats_tables_sub(struct stats *dst, const struct stats *a,
    const struct stats *b)
{
	size_t i;

	stats_tables_reset(dst);
	for (i = 0; i < dst->nchecks; i++) {
		dst->check_pass[i] = a->check_pass[i] - b->check_pass[i];
		dst->check_fail[i] = a->check_fail[i] - b->check_fail[i];
	}
	for (i = 0; i < dst->nflows; i++) {
		dst->flow[i].started = a->flow[i].started - b->flow[i].started;
		dst->flow[i].completed = a->flow[i].completed -
		    b->flow[i].completed;
		dst->flow[i].failed = a->flow[i].failed - b->flow[i].failed;
		hdr_sub(dst->flow[i].iteration, a->flow[i].iteration,
		    b->flow[i].iteration);
	}
	stats_stream_sub(dst, a, b);
}
