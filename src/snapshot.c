/* Building, sharing and freeing snapshots. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "snapshot.h"
#include "util.h"

static const char *const state_names[] = {
	[ENGINE_STARTING] = "starting",
	[ENGINE_RUNNING] = "running",
	[ENGINE_PAUSED] = "paused",
	[ENGINE_FINISHING] = "finishing",
	[ENGINE_DONE] = "done",
};

static const char *const reason_names[] = {
	[END_NONE] = "running",
	[END_COMPLETED] = "completed",
	[END_USER_QUIT] = "user_quit",
	[END_SIGNAL] = "signal",
	[END_THRESHOLD_ABORT] = "threshold_abort",
	[END_TARGET_EXITED] = "target_exited",
	[END_ERROR] = "error",
};

static const char *const phase_state_names[] = {
	[PHASE_PENDING] = "pending",
	[PHASE_RUNNING] = "running",
	[PHASE_DONE] = "done",
	[PHASE_SKIPPED] = "skipped",
};

const char *
engine_state_name(enum engine_state s)
{
	return (size_t)s < LT_NELEM(state_names) ? state_names[s] : "?";
}

const char *
end_reason_name(enum end_reason r)
{
	return (size_t)r < LT_NELEM(reason_names) ? reason_names[r] : "?";
}

const char *
phase_state_name(enum phase_state s)
{
	return (size_t)s < LT_NELEM(phase_state_names) ?
	    phase_state_names[s] : "?";
}

void
snap_lat_fill(struct snap_lat *l, const struct hdr *h)
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
snap_block_fill(struct snap_block *b, const struct stats *s, double seconds)
{
	struct snap_counts *n = &b->n;
	size_t c;

	memset(b, 0, sizeof *b);
	n->started = s->started;
	for (c = 0; c < CLS__COUNT; c++)
		n->classes[c] = s->classes[c];
	n->completed = stats_completed(s);
	n->responses = stats_responses(s);
	n->errors = stats_errors(s);
	n->bytes_in = s->bytes_in;
	n->bytes_out = s->bytes_out;
	n->late_starts = s->late_starts;
	n->skipped = s->skipped;
	n->connects = s->connects;
	snap_lat_fill(&b->latency, s->latency);
	snap_lat_fill(&b->service, s->service);
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
snap_status_fill(struct snapshot *snap, const struct stats *s)
{
	snap->status = by_count(s->status, LT_STATUS_MAX, &snap->nstatus);
}

void
snap_failures_fill(struct snapshot *snap, const struct stats *s)
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

void
snapshot_hold(struct snapshot *s)
{
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_ACQ_REL);
}

void
snapshot_release(struct snapshot *s)
{
	size_t i;

	if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (i = 0; i < s->nphases; i++) {
		free(s->phases[i].leak);
		hdr_free(s->phases[i].histogram);
	}
	free(s->phases);
	free(s->requests);
	free(s->status);
	free(s->failures);
	free(s->series);
	hdr_free(s->histogram);
	if (s->has_target)
		monitor_view_clear(&s->target);
	free(s->target_series);
	free(s->alerts);
	free(s->alerts_live);
	free(s);
}
