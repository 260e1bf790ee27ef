/*
 * Thresholds on streams (the WebSocket and SSE connections of
 * connections phases): the connections, messages and events of a stream
 * request, of a connections phase or of every stream in the run, and a
 * stream's latencies (NAME.connect.p95, NAME.rtt.p99, ...).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "verdict-int.h"

/* What a scope's streams add up to. */
struct vstreams {
	uint64_t attempts, opened, connecting, dropped, reconnects;
	uint64_t sent, received, pushed, unmatched, events;
	const struct snap_stream *one;	/* the only one; NULL: several */
	const char *first;		/* the first one's name */
	size_t n;
	double seconds;			/* their phases ran this long */
};

static double
pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

bool
verdict_is_stream(const struct threshold *t)
{
	return t->stream != THR_STREAM_NONE ||
	    threshold_is_stream_metric(t->metric);
}

const struct snap_stream *
verdict_stream_of(const struct snapshot *s, size_t request)
{
	size_t i;

	for (i = 0; i < s->nstreams; i++)
		if (s->streams[i].request == request)
			return &s->streams[i];
	return NULL;
}

uint64_t
verdict_stream_drops(const struct snap_stream *st)
{
	uint64_t n = 0;
	size_t k;

	for (k = 0; k < DROP__COUNT; k++)
		n += st->drops[k];
	return n;
}

/* Whether connections phase p holds the streams of request k. */
static bool
phase_uses(const struct scn_phase *p, const struct scenario *scn, size_t k)
{
	size_t i;

	if (p->kind != SCN_CONNECTIONS)
		return false;
	if (p->use == NULL)
		return k < scn->nrequests && (scn->requests[k].websocket ||
		    scn->requests[k].sse);
	for (i = 0; i < p->nuse; i++)
		if (p->use[i] == k)
			return true;
	return false;
}

/* How long phase i has run, so far; 0 before it began. */
static double
phase_span(const struct snapshot *s, size_t i)
{
	const struct snap_phase *p = &s->phases[i];

	if (p->started < 0 || p->state == PHASE_PENDING)
		return 0;
	return LT_MAX(0.0, (snapshot_phase_ended(p->state) ? p->ended :
	    s->elapsed) - p->started);
}

/* How long the connections phases ran that hold request k's streams, or
 * with k SIZE_MAX any streams. */
double
verdict_stream_held(const struct snapshot *s, size_t k)
{
	const struct scenario *scn = s->scn;
	double sum = 0;
	size_t i;

	for (i = 0; i < s->nphases && i < scn->nphases; i++)
		if (k == SIZE_MAX ? scn->phases[i].kind == SCN_CONNECTIONS :
		    phase_uses(&scn->phases[i], scn, k))
			sum += phase_span(s, i);
	return sum;
}

static void
add(struct vstreams *v, const struct snap_stream *st)
{
	v->attempts += st->attempts;
	v->opened += st->opened;
	v->connecting += st->connecting;
	v->dropped += verdict_stream_drops(st);
	v->reconnects += st->reconnects;
	v->sent += st->sent;
	v->received += st->received;
	v->pushed += st->pushed;
	v->unmatched += st->unmatched;
	v->events += st->events;
	if (v->n++ == 0)
		v->first = st->name;
	v->one = v->n == 1 ? st : NULL;
}

/* Another connections phase that holds request k's streams than phase
 * i; nphases when none does. */
static size_t
other_holder(const struct scenario *scn, size_t i, size_t k)
{
	size_t j;

	for (j = 0; j < scn->nphases; j++)
		if (j != i && phase_uses(&scn->phases[j], scn, k))
			break;
	return j;
}

/*
 * A phase's streams: those of the requests it uses, when no other
 * connections phase uses them too (the snapshot counts streams per
 * request over the run, not per phase).  False, with why, otherwise.
 */
static bool
phase_streams(const struct snapshot *s, const struct vscope *sc,
    struct vstreams *v, struct verdict_row *r)
{
	const struct scenario *scn = s->scn;
	const struct snap_stream *st;
	size_t i, j;

	if (sc->index >= scn->nphases ||
	    scn->phases[sc->index].kind != SCN_CONNECTIONS) {
		verdict_unknown(r, "%s holds no streams", sc->label);
		return false;
	}
	for (i = 0; i < s->nstreams; i++) {
		st = &s->streams[i];
		if (!phase_uses(&scn->phases[sc->index], scn, st->request))
			continue;
		if ((j = other_holder(scn, sc->index, st->request)) <
		    scn->nphases) {
			verdict_unknown(r, "streams are counted per request: "
			    "'%s' is held by phases '%s' and '%s'; judge "
			    "%s.METRIC", st->name, scn->phases[sc->index].name,
			    scn->phases[j].name, st->name);
			return false;
		}
		add(v, st);
	}
	return true;
}

/* The streams of the threshold's scope; false, with why, for a scope
 * that has none or whose figures are not kept. */
static bool
streams_of(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct vstreams *v, struct verdict_row *r)
{
	const struct snap_stream *st;
	size_t i;

	memset(v, 0, sizeof *v);
	switch (t->scope) {
	case THR_SCOPE_ALL:
		for (i = 0; i < s->nstreams; i++)
			add(v, &s->streams[i]);
		v->seconds = verdict_stream_held(s, SIZE_MAX);
		break;
	case THR_SCOPE_REQUEST:
		if ((st = verdict_stream_of(s, sc->index)) != NULL)
			add(v, st);
		v->seconds = verdict_stream_held(s, sc->index);
		break;
	case THR_SCOPE_PHASE:
		if (!phase_streams(s, sc, v, r))
			return false;
		v->seconds = phase_span(s, sc->index);
		break;
	default:
		verdict_unknown(r, "streams are judged for a stream request, "
		    "a connections phase or the run, not for %s", sc->label);
		return false;
	}
	if (v->n == 0) {
		verdict_unknown(r, t->scope == THR_SCOPE_REQUEST ? "%s is not a "
		    "stream (websocket: or sse:)" : "%s has no streams",
		    sc->label);
		return false;
	}
	return true;
}

const struct snap_lat *
verdict_stream_lat(const struct snap_stream *st, enum thr_stream k)
{
	switch (k) {
	case THR_STREAM_CONNECT: return &st->connect;
	case THR_STREAM_RTT: return &st->rtt;
	case THR_STREAM_PING: return &st->ping;
	case THR_STREAM_FIRST_EVENT: return &st->first_event;
	case THR_STREAM_GAP: return &st->gap;
	case THR_STREAM_SESSION: return &st->session;
	default: return NULL;
	}
}

/* NAME.connect.p95: latencies are a stream request's, never summed. */
static void
eval_latency(const struct vstreams *v, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	const struct snap_lat *l;
	char none[160];

	if (v->one == NULL) {
		verdict_unknown(r, "%s latencies are kept per stream request "
		    "and %s has %zu: name one, as %s.%s.%s",
		    threshold_stream_name(t->stream), sc->label, v->n,
		    v->first, threshold_stream_name(t->stream),
		    threshold_metric_name(t->metric));
		return;
	}
	if ((l = verdict_stream_lat(v->one, t->stream)) == NULL || t->metric > THR_MAX) {
		verdict_unknown(r, "a stream's %s has latency figures only "
		    "(p50 ... max)", threshold_stream_name(t->stream));
		return;
	}
	snprintf(none, sizeof none, "no %s measured for stream '%s' yet",
	    threshold_stream_name(t->stream), v->one->name);
	verdict_eval_lat(l, t, r, none);
}

/* The attempts that came to an end: opened, or failed to. */
static uint64_t
ended(uint64_t attempts, uint64_t connecting)
{
	return attempts > connecting ? attempts - connecting : 0;
}

static uint64_t
attempts_ended(const struct vstreams *v)
{
	return ended(v->attempts, v->connecting);
}

bool
verdict_stream_success(const struct snap_stream *st, double *pct_opened)
{
	uint64_t n = ended(st->attempts, st->connecting);

	*pct_opened = pct(st->opened, n);
	return n > 0;
}

static void
eval_counts(const struct vstreams *v, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	r->known = true;
	switch (t->metric) {
	case THR_CONNECT_ERRORS: r->actual = (double)v->dropped; break;
	case THR_MESSAGES_SENT: r->actual = (double)v->sent; break;
	case THR_MESSAGES_RECEIVED: r->actual = (double)v->received; break;
	case THR_MESSAGES_PUSHED: r->actual = (double)v->pushed; break;
	case THR_MESSAGES_UNMATCHED: r->actual = (double)v->unmatched; break;
	case THR_EVENTS: r->actual = (double)v->events; break;
	case THR_RECONNECTS: r->actual = (double)v->reconnects; break;
	case THR_CONNECT_SUCCESS:
		if (attempts_ended(v) == 0)
			verdict_unknown(r, "no connection attempt of %s has "
			    "ended yet", sc->label);
		r->actual = pct(v->opened, attempts_ended(v));
		break;
	case THR_EVENTS_RATE:
		if (v->seconds <= 0)
			verdict_unknown(r, "%s has not held streams yet",
			    sc->label);
		else
			r->actual = (double)v->events / v->seconds;
		break;
	default:
		verdict_unknown(r, "a stream has the figures of its "
		    "connections, messages and events, and its latencies");
		break;
	}
}

void
verdict_eval_stream(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	struct vstreams v;

	if (!streams_of(s, sc, t, &v, r))
		return;
	if (t->stream != THR_STREAM_NONE)
		eval_latency(&v, sc, t, r);
	else
		eval_counts(&v, sc, t, r);
}

/* A request's own figures asked of a stream request: say which it has. */
bool
verdict_stream_misnamed(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t, struct verdict_row *r)
{
	const struct snap_stream *st;

	if (t->scope != THR_SCOPE_REQUEST || verdict_is_stream(t) ||
	    (st = verdict_stream_of(s, sc->index)) == NULL)
		return false;
	verdict_unknown(r, "%s sends no requests, it holds streams: judge "
	    "them, as %s.connect_errors or %s.connect.p95", sc->label,
	    st->name, st->name);
	return true;
}

uint64_t
verdict_stream_count(const struct snapshot *s, const struct vscope *sc,
    const struct threshold *t)
{
	struct verdict_row r;
	struct vstreams v;
	const struct snap_lat *l;

	if (!streams_of(s, sc, t, &v, &r))
		return 0;
	if (t->stream == THR_STREAM_NONE)
		return attempts_ended(&v);
	l = v.one != NULL ? verdict_stream_lat(v.one, t->stream) : NULL;
	return l != NULL ? l->count : 0;
}
