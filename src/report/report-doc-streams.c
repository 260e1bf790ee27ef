/*
 * The results document's streams (the WebSocket and SSE connections of
 * connections phases): the summary's item for each stream request, and a
 * section with a table of them all, then each one's connections and
 * messages, its failures by cause and its latencies.  Only what the run
 * has: no section without streams, no row without figures.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report-int.h"
#include "util.h"

static const char *
stream_kind(const struct snap_stream *st)
{
	return st->sse ? "SSE" : "WebSocket";
}

/* "510 of 520 connections opened (98.08%)": of the attempts that ended. */
static void
opened_text(const struct snap_stream *st, char *buf, size_t len)
{
	double pct;

	if (verdict_stream_success(st, &pct))
		util_appendf(buf, len, "%" PRIu64 " of %" PRIu64 " connections "
		    "opened (%.2f%%)", st->opened, st->attempts - st->connecting,
		    pct);
	else
		util_appendf(buf, len, "no connection attempt ended");
}

/* The latencies a team looks at first: connect, rtt, ping, first event. */
static void
item_latencies(const struct snap_stream *st, char *buf, size_t len)
{
	static const enum thr_stream first[] = { THR_STREAM_CONNECT,
	    THR_STREAM_RTT, THR_STREAM_PING, THR_STREAM_FIRST_EVENT };
	char ms[16];
	size_t i;
	bool any = false;

	for (i = 0; i < LT_NELEM(first); i++) {
		const struct snap_lat *l = verdict_stream_lat(st, first[i]);

		if (l->count == 0)
			continue;
		util_appendf(buf, len, "%s%s p95 %s", any ? ", " : "; ",
		    threshold_stream_name(first[i]), units_format_ms(l->p95, ms,
		    sizeof ms));
		any = true;
	}
}

void
report_doc_streams_items(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	char line[512];
	size_t i;

	for (i = 0; i < s->nstreams; i++) {
		const struct snap_stream *st = &s->streams[i];

		snprintf(line, sizeof line, "%s '%.60s': ", stream_kind(st),
		    st->name);
		if (st->attempts == 0) {
			report_doc_text(d, RDOC_ITEM, "%sno connection "
			    "attempted", line);
			continue;
		}
		opened_text(st, line, sizeof line);
		util_appendf(line, sizeof line, ", %" PRIu64 " dropped",
		    verdict_stream_drops(st));
		if (st->reconnects > 0)
			util_appendf(line, sizeof line, ", %" PRIu64
			    " reconnects", st->reconnects);
		if (st->resumed > 0)
			util_appendf(line, sizeof line, " (%" PRIu64
			    " resumed)", st->resumed);
		if (st->sse)
			util_appendf(line, sizeof line, "; %" PRIu64 " events",
			    st->events);
		else
			util_appendf(line, sizeof line, "; %" PRIu64
			    " messages sent, %" PRIu64 " received", st->sent,
			    st->received);
		item_latencies(st, line, sizeof line);
		report_doc_text(d, RDOC_ITEM, "%s", line);
	}
}

/* "1250.0/s" over the time the stream was held, or nothing. */
static const char *
per_second(struct report_fbuf *f, uint64_t n, double seconds)
{
	return seconds > 0 ? report_doc_f(f, " (%.1f/s)", (double)n / seconds) :
	    "";
}

/* "503 x 4, 400 x 2". */
static const char *
codes_text(struct report_fbuf *f, const struct snap_status *v, size_t n)
{
	char *p = f->b[f->i++ % 8];
	size_t i;

	p[0] = '\0';
	for (i = 0; i < n; i++)
		util_appendf(p, sizeof f->b[0], "%s%d x %" PRIu64,
		    i ? ", " : "", v[i].code, v[i].count);
	return p;
}

/* What went over a WebSocket, or came down an event stream. */
static void
traffic_rows(struct rdoc_block *t, const struct snap_stream *st,
    double held)
{
	struct report_fbuf f = { .i = 0 };

	if (!st->sse) {
		report_doc_row(t, "Messages sent", report_doc_f(&f, "%" PRIu64
		    "%s", st->sent, per_second(&f, st->sent, held)));
		report_doc_row(t, "Messages received", report_doc_f(&f, "%"
		    PRIu64 "%s: %" PRIu64 " matched, %" PRIu64 " unmatched, %"
		    PRIu64 " pushed", st->received, per_second(&f,
		    st->received, held), st->matched, st->unmatched,
		    st->pushed));
	}
	if (st->pings > 0 || st->pongs > 0)
		report_doc_row(t, "Pings / pongs", report_doc_f(&f, "%" PRIu64
		    " / %" PRIu64, st->pings, st->pongs));
	if (st->sse || st->events > 0)
		report_doc_row(t, "Events", report_doc_f(&f, "%" PRIu64 "%s",
		    st->events, per_second(&f, st->events, held)));
	report_doc_row(t, "Received", report_doc_f(&f, "%.2fMB",
	    report_mb((int64_t)st->bytes_in)));
	if (st->bytes_out > 0)
		report_doc_row(t, "Sent", report_doc_f(&f, "%.2fMB",
		    report_mb((int64_t)st->bytes_out)));
}

static void
connection_rows(struct rdoc *d, const struct report_ctx *c,
    const struct snap_stream *st)
{
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	double pct;

	t = report_doc_table(d, "Metric|Value");
	report_doc_row(t, "Connection attempts", report_doc_f(&f, "%" PRIu64,
	    st->attempts));
	report_doc_row(t, "Opened", verdict_stream_success(st, &pct) ?
	    report_doc_f(&f, "%" PRIu64 " (%.2f%%)", st->opened, pct) :
	    report_doc_f(&f, "%" PRIu64, st->opened));
	report_doc_row(t, "Closed cleanly by loadtop", report_doc_f(&f, "%" PRIu64,
	    st->closed));
	report_doc_row(t, "Dropped", report_doc_f(&f, "%" PRIu64,
	    verdict_stream_drops(st)));
	report_doc_row(t, "Reconnects", report_doc_f(&f, "%" PRIu64,
	    st->reconnects));
	if (st->sse)
		report_doc_row(t, "Resumed with Last-Event-ID", report_doc_f(&f,
		    "%" PRIu64, st->resumed));
	if (!c->final || st->open > 0 || st->connecting > 0)
		report_doc_row(t, "Open / connecting now", report_doc_f(&f, "%"
		    PRIu64 " / %" PRIu64, st->open, st->connecting));
	traffic_rows(t, st, verdict_stream_held(c->s, st->request));
}

/* The drops by cause, with the statuses of refused upgrades and the
 * server's close codes beside theirs. */
static void
failure_rows(struct rdoc *d, const struct snap_stream *st)
{
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	uint64_t all = verdict_stream_drops(st);
	size_t k;

	if (all == 0)
		return;
	t = report_doc_table(d, "Failure|Count|Share|Detail");
	for (k = 0; k < DROP__COUNT; k++) {
		if (st->drops[k] == 0)
			continue;
		report_doc_row(t, kinds_drop_name(k), report_doc_f(&f, "%" PRIu64,
		    st->drops[k]), report_doc_f(&f, "%.1f%%", report_pct(
		    st->drops[k], all)), k == DROP_HANDSHAKE ? codes_text(&f,
		    st->handshake_status, st->nhandshake_status) :
		    k == DROP_CLOSED ? codes_text(&f, st->close_codes,
		    st->nclose_codes) : "");
	}
}

static void
latency_rows(struct rdoc *d, const struct snap_stream *st)
{
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t = NULL;
	int k;

	for (k = THR_STREAM_CONNECT; k <= THR_STREAM_SESSION; k++) {
		const struct snap_lat *l = verdict_stream_lat(st, k);

		if (l->count == 0)
			continue;
		if (t == NULL)
			t = report_doc_table(d, "Latency|Count|p50|p95|p99|Max");
		report_doc_row(t, threshold_stream_name(k), report_doc_f(&f, "%"
		    PRIu64, l->count), report_doc_ms(&f, l->p50),
		    report_doc_ms(&f, l->p95), report_doc_ms(&f, l->p99),
		    report_doc_ms(&f, l->max));
	}
}

/* A row per stream request, for the comparison at a glance. */
static void
overview(struct rdoc *d, const struct snapshot *s)
{
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	double pct;
	size_t i;

	t = report_doc_table(d, "Stream|Kind|Attempts|Opened|Connect success|"
	    "Dropped|Reconnects");
	for (i = 0; i < s->nstreams; i++) {
		const struct snap_stream *st = &s->streams[i];

		report_doc_row(t, st->name, stream_kind(st),
		    report_doc_f(&f, "%" PRIu64, st->attempts),
		    report_doc_f(&f, "%" PRIu64, st->opened),
		    verdict_stream_success(st, &pct) ? report_doc_f(&f,
		    "%.2f%%", pct) : "-", report_doc_f(&f, "%" PRIu64,
		    verdict_stream_drops(st)), report_doc_f(&f, "%" PRIu64,
		    st->reconnects));
	}
}

void
report_doc_streams(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct report_fbuf f = { .i = 0 };
	size_t i;

	if (s->nstreams == 0)
		return;
	report_doc_heading(d, 2, "Streams");
	overview(d, s);
	for (i = 0; i < s->nstreams; i++) {
		const struct snap_stream *st = &s->streams[i];

		/* The table above says it never connected: nothing more. */
		if (st->attempts == 0)
			continue;
		report_doc_heading(d, 3, report_doc_f(&f, "Stream: %.100s (%s)",
		    st->name, stream_kind(st)));
		connection_rows(d, c, st);
		failure_rows(d, st);
		latency_rows(d, st);
	}
	report_doc_text(d, RDOC_PARA, "Connect success is the share of the "
	    "attempts that ended (opened or failed) that opened; dropped "
	    "counts every connection that failed to open or ended other than "
	    "by loadtop's own clean close (what connect_errors judges).  "
	    "Connect is the connect and the handshake; rtt a message to its "
	    "matched reply; ping a ping to its pong; first_event the request "
	    "to the first event; gap the time between events; session a "
	    "connection's life.  Rates are over the time the connections "
	    "phases holding the stream ran.");
}
