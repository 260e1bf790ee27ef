/*
 * The summary's streams: a block per stream request with its connections,
 * its drops by cause (the statuses of refused upgrades and the server's
 * close codes beside theirs), its messages or events and its latencies;
 * and the progress line of an interval of a connections phase.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "headless.h"
#include "report.h"
#include "units.h"
#include "util.h"
#include "verdict.h"

void
headless_streams_point(FILE *f, const struct snapshot *s,
    const struct snap_point *p)
{
	double sec = p->seconds > 0 ? p->seconds : 1;

	fprintf(f, "[%7.1fs] %zu/%zu %-10s %-14s open %" PRIu64 "  connecting %"
	    PRIu64 "  dropped %" PRIu64 "  in %.1f/s  out %.1f/s  events "
	    "%.1f/s", p->t, LT_MIN(p->phase + 1, s->nphases), s->nphases,
	    kinds_phase_name(SCN_CONNECTIONS), s->phases[p->phase].name,
	    p->streams_open, p->streams_connecting, p->streams_dropped,
	    (double)p->messages_in / sec, (double)p->messages_out / sec,
	    (double)p->events / sec);
}

/* " (503 x 4, 400 x 2)" after a cause, or nothing. */
static void
print_codes(FILE *f, const struct snap_status *v, size_t n)
{
	char a[24];
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%d x %s", i ? ", " : " (", v[i].code,
		    headless_thousands(v[i].count, a, sizeof a));
	if (n > 0)
		fputc(')', f);
}

static void
print_drops(FILE *f, const struct snap_stream *st)
{
	char a[24];
	size_t k;
	bool any = false;

	for (k = 0; k < DROP__COUNT; k++) {
		if (st->drops[k] == 0)
			continue;
		fprintf(f, "%s%s %s", any ? ", " : "  dropped     ",
		    kinds_drop_name(k), headless_thousands(st->drops[k], a,
		    sizeof a));
		if (k == DROP_HANDSHAKE)
			print_codes(f, st->handshake_status,
			    st->nhandshake_status);
		else if (k == DROP_CLOSED)
			print_codes(f, st->close_codes, st->nclose_codes);
		any = true;
	}
	if (any)
		fputc('\n', f);
}

/* "1,250.0/s" over the time the stream was held; "-" before any. */
static const char *
rate(uint64_t n, double held, char *buf, size_t len)
{
	if (held > 0)
		snprintf(buf, len, "%.1f/s", (double)n / held);
	else
		snprintf(buf, len, "-");
	return buf;
}

static void
print_traffic(FILE *f, const struct snapshot *s, const struct snap_stream *st)
{
	double held = verdict_stream_held(s, st->request);
	char a[24], b[24], c[24], d[24], e[24], r1[24], r2[24];

	if (!st->sse)
		fprintf(f, "  messages    %s sent (%s), %s received (%s): %s "
		    "matched, %s unmatched, %s pushed\n",
		    headless_thousands(st->sent, a, sizeof a),
		    rate(st->sent, held, r1, sizeof r1),
		    headless_thousands(st->received, b, sizeof b),
		    rate(st->received, held, r2, sizeof r2),
		    headless_thousands(st->matched, c, sizeof c),
		    headless_thousands(st->unmatched, d, sizeof d),
		    headless_thousands(st->pushed, e, sizeof e));
	if (st->pings > 0 || st->pongs > 0)
		fprintf(f, "  pings       %s sent, %s answered\n",
		    headless_thousands(st->pings, a, sizeof a),
		    headless_thousands(st->pongs, b, sizeof b));
	if (st->sse || st->events > 0)
		fprintf(f, "  events      %s (%s)\n", headless_thousands(
		    st->events, a, sizeof a), rate(st->events, held, r1,
		    sizeof r1));
	fprintf(f, "  bytes       %.2f MB in", (double)st->bytes_in / 1048576.0);
	if (st->bytes_out > 0)
		fprintf(f, ", %.2f MB out", (double)st->bytes_out / 1048576.0);
	fputc('\n', f);
}

static void
print_latencies(FILE *f, const struct snap_stream *st)
{
	char a[16], b[16], c[16], d[16], n[24];
	int k;

	for (k = THR_STREAM_CONNECT; k <= THR_STREAM_SESSION; k++) {
		const struct snap_lat *l = verdict_stream_lat(st, k);

		if (l->count == 0)
			continue;
		fprintf(f, "  %-11s p50 %s  p95 %s  p99 %s  max %s  (%s)\n",
		    threshold_stream_name(k), units_format_ms(l->p50, a,
		    sizeof a),
		    units_format_ms(l->p95, b, sizeof b),
		    units_format_ms(l->p99, c, sizeof c),
		    units_format_ms(l->max, d, sizeof d),
		    headless_thousands(l->count, n, sizeof n));
	}
}

static void
print_stream(FILE *f, const struct snapshot *s, const struct snap_stream *st)
{
	char a[24], b[24], c[24], d[24];
	double pct;

	fprintf(f, "\n  stream      %s (%s): ", st->name, st->sse ? "sse" :
	    "websocket");
	if (st->attempts == 0) {
		fputs("no connection attempted\n", f);
		return;
	}
	fprintf(f, "%s attempts, %s opened", headless_thousands(st->attempts,
	    a, sizeof a), headless_thousands(st->opened, b, sizeof b));
	if (verdict_stream_success(st, &pct))
		fprintf(f, " (%.2f%%)", pct);
	fprintf(f, ", %s closed cleanly, %s dropped", headless_thousands(
	    st->closed, c, sizeof c), headless_thousands(
	    verdict_stream_drops(st), d, sizeof d));
	if (st->reconnects > 0)
		fprintf(f, ", %s reconnects", headless_thousands(st->reconnects,
		    a, sizeof a));
	if (st->resumed > 0)
		fprintf(f, " (%s resumed)", headless_thousands(st->resumed,
		    a, sizeof a));
	if (st->open > 0 || st->connecting > 0)
		fprintf(f, "; %s open, %s connecting", headless_thousands(
		    st->open, b, sizeof b), headless_thousands(st->connecting,
		    c, sizeof c));
	fputc('\n', f);
	print_drops(f, st);
	print_traffic(f, s, st);
	print_latencies(f, st);
}

void
headless_streams_print(FILE *f, const struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nstreams; i++)
		print_stream(f, s, &s->streams[i]);
}
