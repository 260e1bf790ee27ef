/*
 * Snapshot blocks from the engine's statistics: counts, percentiles,
 * status codes and failures, as the readers see them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "engine-int.h"
#include "util.h"

void
engine_lat_fill(struct snap_lat *l, const struct hdr *h)
{
	static const double ps[] = { 50, 75, 90, 95, 99, 99.9 };
	int64_t v[LT_NELEM(ps)];

	memset(l, 0, sizeof *l);
	l->count = hdr_count(h);
	if (l->count == 0)
		return;
	hdr_percentiles(h, ps, LT_NELEM(ps), v);
	l->min = hdr_min(h) / 1000.0;
	l->mean = hdr_mean(h) / 1000.0;
	l->p50 = v[0] / 1000.0;
	l->p75 = v[1] / 1000.0;
	l->p90 = v[2] / 1000.0;
	l->p95 = v[3] / 1000.0;
	l->p99 = v[4] / 1000.0;
	l->p999 = v[5] / 1000.0;
	l->max = hdr_max(h) / 1000.0;
}

void
engine_block_fill(struct snap_block *b, const struct stats *s, double seconds)
{
	struct snap_counts *n = &b->n;
	size_t c;

	memset(b, 0, sizeof *b);
	n->started = s->started;
	for (c = 0; c < CLS__COUNT; c++)
		n->classes[c] = s->classes[c];
	n->completed = stats_classes_completed(s->classes);
	n->responses = stats_classes_responses(s->classes);
	n->errors = stats_classes_errors(s->classes);
	n->bytes_in = s->bytes_in;
	n->bytes_out = s->bytes_out;
	n->scheduled = s->scheduled;
	n->late_starts = s->late_starts;
	n->skipped = s->skipped;
	n->connects = s->connects;
	for (c = 0; c < SNAP_HTTPV_COUNT && c < LT_HTTPV_COUNT; c++)
		n->http_versions[c] = s->http_versions[c];
	engine_lat_fill(&b->latency, s->latency);
	engine_lat_fill(&b->service, s->service);
	b->seconds = seconds;
	b->rps = seconds > 0 ? (double)n->completed / seconds : 0;
}

/* A request's block: its own counters and histograms. */
void
engine_request_block_fill(struct snap_block *b, const struct stats_req *r,
    double seconds)
{
	struct snap_counts *n = &b->n;
	size_t c;

	memset(b, 0, sizeof *b);
	n->started = r->started;
	for (c = 0; c < CLS__COUNT; c++)
		n->classes[c] = r->classes[c];
	n->completed = stats_classes_completed(r->classes);
	n->responses = stats_classes_responses(r->classes);
	n->errors = stats_classes_errors(r->classes);
	n->bytes_in = r->bytes;
	for (c = 0; c < SNAP_HTTPV_COUNT && c < LT_HTTPV_COUNT; c++)
		n->http_versions[c] = r->http_versions[c];
	engine_lat_fill(&b->latency, r->latency);
	engine_lat_fill(&b->service, r->service);
	b->seconds = seconds;
	b->rps = seconds > 0 ? (double)n->completed / seconds : 0;
}

static int
status_by_count(const void *a, const void *b)
{
	const struct snap_status *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->code - y->code;
}

/* The non-zero entries of counts[0..n) as (index, count), largest first. */
static struct snap_status *
by_count(const uint64_t *counts, size_t n, size_t *len)
{
	struct snap_status *v;
	size_t c, k = 0;

	for (c = 0; c < n; c++)
		if (counts[c] != 0)
			k++;
	v = xcalloc(k, sizeof *v);
	*len = k;
	k = 0;
	for (c = 0; c < n; c++)
		if (counts[c] != 0) {
			v[k].code = (int)c;
			v[k++].count = counts[c];
		}
	qsort(v, k, sizeof *v, status_by_count);
	return v;
}

void
engine_status_fill(struct snapshot *snap, const struct stats *s)
{
	snap->status = by_count(s->status, LT_STATUS_MAX, &snap->nstatus);
}

void
engine_failures_fill(struct snapshot *snap, const struct stats *s)
{
	struct snap_status *v = by_count(s->curl_errors, LT_CURLE_MAX,
	    &snap->nfailures);
	size_t i;

	snap->failures = xcalloc(snap->nfailures, sizeof *snap->failures);
	for (i = 0; i < snap->nfailures; i++) {
		snap->failures[i].code = v[i].code;
		snap->failures[i].count = v[i].count;
		snap->failures[i].what = curl_easy_strerror((CURLcode)v[i].code);
	}
	free(v);
}
