/*
 * The statistics of streams: per stream request, the connections'
 * counts, two gauges (open and connecting now), latencies and two tables
 * of codes.  Like the other statistics, written by one worker, merged by
 * the engine with relaxed loads, the tables published entry by entry.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "stats-int.h"
#include "util.h"

/* The counts, in order, for add and sub; the gauges apart. */
#define STREAM_COUNTS(s) \
	X(s, attempts) X(s, opened) X(s, closed) X(s, reconnects) \
	X(s, resumed) X(s, aborted) X(s, sent) X(s, received) \
	X(s, matched) X(s, unmatched) X(s, pushed) X(s, pings) X(s, pongs) \
	X(s, events) X(s, bytes_in) X(s, bytes_out)

void
stats_stream_shape(struct stats *s, const struct scenario *scn)
{
	size_t i, k, n = 0;

	for (i = 0; i < scn->nrequests && i < s->nreq; i++)
		if (scn->requests[i].websocket != NULL ||
		    scn->requests[i].sse != NULL)
			n++;
	s->nstreams = n;
	s->streams = xcalloc(n + 1, sizeof *s->streams);
	for (i = 0, n = 0; i < scn->nrequests && i < s->nreq; i++) {
		struct stats_stream *st = &s->streams[n];

		if (scn->requests[i].websocket == NULL &&
		    scn->requests[i].sse == NULL)
			continue;
		st->req = i;
		st->sse = scn->requests[i].sse != NULL;
		for (k = 0; k < SLAT__COUNT; k++)
			if ((st->lat[k] = hdr_new(LT_HDR_LOWEST, LT_HDR_HIGHEST,
			    LT_HDR_DETAIL_SIGFIGS)) == NULL)
				abort();
		n++;
	}
}

void
stats_stream_free(struct stats *s)
{
	size_t i, k;

	for (i = 0; i < s->nstreams; i++)
		for (k = 0; k < SLAT__COUNT; k++)
			hdr_free(s->streams[i].lat[k]);
	free(s->streams);
	s->streams = NULL;
	s->nstreams = 0;
}

void
stats_stream_reset(struct stats *s)
{
	size_t i, k;

	for (i = 0; i < s->nstreams; i++) {
		struct stats_stream *st = &s->streams[i];
		struct hdr *lat[SLAT__COUNT];
		size_t req = st->req;
		bool sse = st->sse;

		memcpy(lat, st->lat, sizeof lat);
		memset(st, 0, sizeof *st);
		memcpy(st->lat, lat, sizeof lat);
		st->req = req;
		st->sse = sse;
		for (k = 0; k < SLAT__COUNT; k++)
			hdr_reset(st->lat[k]);
	}
}

static struct stats_status *
code_entry(struct stats_codes *t, uint32_t code)
{
	unsigned i, n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		if (t->v[i].code == code)
			return &t->v[i];
	if (n == STATS_CODES)
		return NULL;
	t->v[n].code = code;
	t->v[n].count = 0;
	__atomic_store_n(&t->n, n + 1, __ATOMIC_RELEASE);
	return &t->v[n];
}

static void
add_code(struct stats_codes *t, uint32_t code, uint64_t n)
{
	struct stats_status *e = code_entry(t, code);

	if (e != NULL)
		STATS_INC(&e->count, n);
	else
		STATS_INC(&t->other, n);
}

void
stats_stream_count_code(struct stats_codes *t, int code)
{
	if (code > 0)
		add_code(t, (uint32_t)code, 1);
}

static void
add_codes(struct stats_codes *d, const struct stats_codes *s)
{
	unsigned i, n = __atomic_load_n(&s->n, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		add_code(d, s->v[i].code, STATS_GET(&s->v[i].count));
	d->other += STATS_GET(&s->other);
}

void
stats_stream_add(struct stats *dst, const struct stats *src)
{
	size_t i, k;

	for (i = 0; i < dst->nstreams && i < src->nstreams; i++) {
		struct stats_stream *d = &dst->streams[i];
		const struct stats_stream *s = &src->streams[i];

#define X(s, f) d->f += STATS_GET(&(s)->f);
		STREAM_COUNTS(s)
#undef X
		d->open += STATS_GET(&s->open);
		d->connecting += STATS_GET(&s->connecting);
		for (k = 0; k < DROP__COUNT; k++)
			d->drops[k] += STATS_GET(&s->drops[k]);
		for (k = 0; k < SLAT__COUNT; k++)
			hdr_add(d->lat[k], s->lat[k]);
		add_codes(&d->handshake, &s->handshake);
		add_codes(&d->close_codes, &s->close_codes);
	}
}

void
stats_stream_sub(struct stats *dst, const struct stats *a,
    const struct stats *b)
{
	size_t i, k;

	for (i = 0; i < dst->nstreams; i++) {
		struct stats_stream *d = &dst->streams[i];
		const struct stats_stream *x = &a->streams[i];
		const struct stats_stream *y = &b->streams[i];

#define X(s, f) d->f = x->f - y->f;
		STREAM_COUNTS(d)
#undef X
		d->open = x->open;	/* now, not a difference */
		d->connecting = x->connecting;
		for (k = 0; k < DROP__COUNT; k++)
			d->drops[k] = x->drops[k] - y->drops[k];
		for (k = 0; k < SLAT__COUNT; k++)
			hdr_sub(d->lat[k], x->lat[k], y->lat[k]);
		memset(&d->handshake, 0, sizeof d->handshake);
		memset(&d->close_codes, 0, sizeof d->close_codes);
	}
}

struct stats_stream *
stats_stream_of(struct stats *s, size_t req)
{
	size_t i;

	for (i = 0; i < s->nstreams; i++)
		if (s->streams[i].req == req)
			return &s->streams[i];
	return NULL;
}

uint64_t
stats_stream_activity(const struct stats *s)
{
	uint64_t sum = 0;
	size_t i, k;

	for (i = 0; i < s->nstreams; i++) {
		const struct stats_stream *st = &s->streams[i];

#define X(s, f) sum += STATS_GET(&st->f);
		STREAM_COUNTS(st)
#undef X
		for (k = 0; k < DROP__COUNT; k++)
			sum += STATS_GET(&st->drops[k]);
		for (k = 0; k < SLAT__COUNT; k++)
			sum += hdr_count(st->lat[k]);
	}
	return sum;
}
