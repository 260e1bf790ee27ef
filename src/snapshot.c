/* Building, sharing and freeing snapshots. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "leak.h"
#include "monitor.h"
#include "snapshot.h"

const char *const snap_http_versions[SNAP_HTTPV_COUNT] = {
	"1.0", "1.1", "2", "3"
};
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
	[PHASE_CUT_SHORT] = "cut_short",
};

const char *
snapshot_state_name(enum engine_state s)
{
	return (size_t)s < LT_NELEM(state_names) ? state_names[s] : "?";
}

const char *
snapshot_end_reason_name(enum end_reason r)
{
	return (size_t)r < LT_NELEM(reason_names) ? reason_names[r] : "?";
}

const char *
snapshot_phase_state_name(enum phase_state s)
{
	return (size_t)s < LT_NELEM(phase_state_names) ?
	    phase_state_names[s] : "?";
}

bool
snapshot_phase_leak(const struct snap_phase *p, struct leak_fit *f)
{
	struct leak_params params;
	struct leak_point *lp;
	size_t i, n = 0;

	memset(f, 0, sizeof *f);
	if (p->kind != SCN_LEAK)
		return false;
	lp = xcalloc(p->nleak + 1, sizeof *lp);
	/* A point taken after the target went away has no RSS. */
	for (i = 0; i < p->nleak; i++) {
		if (p->leak[i].rss_bytes < 0)
			continue;
		lp[n].t_us = (int64_t)(p->leak[i].t * 1e6);
		lp[n].rss = p->leak[i].rss_bytes;
		lp[n++].requests = p->leak[i].requests;
	}
	if (n > 0) {
		leak_params_batches(&params);
		leak_fit(lp, n, &params, f);
	}
	free(lp);
	return n > 0;
}

struct snap_shared *
snapshot_shared_new(void *data)
{
	struct snap_shared *b = xcalloc(1, sizeof *b);

	b->refs = 1;
	b->data = data;
	return b;
}

struct snap_shared *
snapshot_shared_hold(struct snap_shared *b)
{
	__atomic_add_fetch(&b->refs, 1, __ATOMIC_ACQ_REL);
	return b;
}

void
snapshot_shared_release(struct snap_shared *b)
{
	if (b == NULL || __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	free(b->data);
	free(b);
}

/* A series and its owner: the shared block, or the snapshot itself. */
static void
series_release(void *series, struct snap_shared *owner)
{
	if (owner != NULL)
		snapshot_shared_release(owner);
	else
		free(series);
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
	free(s->stages);
	for (i = 0; i < s->nrequests; i++) {
		size_t j;

		free(s->requests[i].status);
		for (j = 0; j < s->requests[i].noutcomes; j++)
			free((char *)s->requests[i].outcomes[j].value);
		free(s->requests[i].outcomes);
	}
	free(s->requests);
	for (i = 0; i < s->nstreams; i++) {
		free(s->streams[i].handshake_status);
		free(s->streams[i].close_codes);
	}
	free(s->streams);
	free(s->checks);
	free(s->reasons);
	free(s->flows);
	free(s->groups);
	free(s->status);
	free(s->failures);
	series_release(s->series, s->series_owner);
	hdr_free(s->histogram);
	for (i = 0; i < s->nprocesses; i++) {
		monitor_view_clear(&s->processes[i].view);
		series_release(s->processes[i].series,
		    s->processes[i].series_owner);
	}
	free(s->processes);
	/* A snapshot made with target alone (no processes) owns it. */
	if (s->nprocesses == 0 && s->has_target) {
		monitor_view_clear(&s->target);
		free(s->target_series);
	}
	free(s->alerts);
	free(s->alerts_live);
	free(s);
}
