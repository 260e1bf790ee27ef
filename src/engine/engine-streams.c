/*
 * What a snapshot shows of streams, from the merged statistics: each
 * stream request's connections, messages, events and latencies, its
 * refused upgrades and close codes, its rates over the interval; and
 * the streams' share of a point of the series.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine-int.h"
#include "util.h"

static int
code_larger(const void *a, const void *b)
{
	const struct snap_status *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->code - y->code;
}

/* The codes, largest count first; those past the table as code 0. */
static struct snap_status *
codes_fill(const struct stats_codes *t, size_t *n)
{
	struct snap_status *v = xcalloc(t->n + 2, sizeof *v);
	size_t i;

	for (i = 0; i < t->n; i++) {
		v[i].code = (int)t->v[i].code;
		v[i].count = t->v[i].count;
	}
	qsort(v, t->n, sizeof *v, code_larger);
	*n = t->n;
	if (t->other > 0)
		v[(*n)++].count = t->other;
	return v;
}

static void
stream_counts(struct snap_stream *d, const struct stats_stream *c)
{
	memcpy(d->drops, c->drops, sizeof d->drops);
	d->open = c->open;
	d->connecting = c->connecting;
	d->attempts = c->attempts;
	d->opened = c->opened;
	d->closed = c->closed;
	d->reconnects = c->reconnects;
	d->resumed = c->resumed;
	d->sent = c->sent;
	d->received = c->received;
	d->matched = c->matched;
	d->unmatched = c->unmatched;
	d->pushed = c->pushed;
	d->pings = c->pings;
	d->pongs = c->pongs;
	d->events = c->events;
	d->bytes_in = c->bytes_in;
	d->bytes_out = c->bytes_out;
}

/* Stream i of the snapshot; iv: its figures in the interval of secs,
 * NULL when nothing was merged since it began. */
static void
stream_fill(const struct engine *e, struct snap_stream *d,
    const struct stats_stream *c, const struct stats_stream *iv,
    double secs)
{
	d->name = e->scn->requests[c->req].name;
	d->request = c->req;
	d->sse = c->sse;
	stream_counts(d, c);
	d->handshake_status = codes_fill(&c->handshake, &d->nhandshake_status);
	d->close_codes = codes_fill(&c->close_codes, &d->nclose_codes);
	engine_lat_fill(&d->connect, c->lat[SLAT_CONNECT]);
	engine_lat_fill(&d->rtt, c->lat[SLAT_RTT]);
	engine_lat_fill(&d->ping, c->lat[SLAT_PING]);
	engine_lat_fill(&d->first_event, c->lat[SLAT_FIRST_EVENT]);
	engine_lat_fill(&d->gap, c->lat[SLAT_GAP]);
	engine_lat_fill(&d->session, c->lat[SLAT_SESSION]);
	if (iv != NULL && secs > 0) {
		d->sent_rate = (double)iv->sent / secs;
		d->received_rate = (double)iv->received / secs;
		d->events_rate = (double)iv->events / secs;
	}
}

void
engine_streams_fill(const struct engine *e, struct snapshot *s, double secs)
{
	bool empty = e->cum == e->prev;
	size_t i;

	s->nstreams = e->cum->nstreams;
	s->streams = xcalloc(s->nstreams + 1, sizeof *s->streams);
	for (i = 0; i < s->nstreams; i++)
		stream_fill(e, &s->streams[i], &e->cum->streams[i],
		    empty ? NULL : &e->delta->streams[i], secs);
}

void
engine_streams_point(const struct engine *e, struct snap_point *pt)
{
	bool empty = e->cum == e->prev;
	size_t i, k;

	for (i = 0; i < e->cum->nstreams; i++) {
		const struct stats_stream *c = &e->cum->streams[i];
		const struct stats_stream *d = &e->delta->streams[i];

		pt->streams_open += c->open;
		pt->streams_connecting += c->connecting;
		if (empty)
			continue;
		for (k = 0; k < DROP__COUNT; k++)
			pt->streams_dropped += d->drops[k];
		pt->messages_in += d->received;
		pt->messages_out += d->sent;
		pt->events += d->events;
	}
}
