/*
 * The streams of connections phases: a row per stream request (open,
 * connecting, dropped, the share of connects that opened, messages or
 * events a second, connect and rtt or first-event p95), and the selected
 * one in detail: its connections by state, its traffic, its latencies,
 * its failures by cause and the streams open over the run.  The overview
 * borrows its panel of streams for the phases that hold them.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"
#include "util.h"
#include "widget.h"

#define PANEL_WINDOW 60.0		/* seconds in the overview's graph */

static size_t selected;
static size_t first;

/* A latency threshold's colour for a stream's figure: one of its own
 * request, or of the run's streams. */
static enum ui_color
stream_color(const struct ui *ui, const struct snap_stream *st,
    enum thr_stream k, enum thr_metric m, double ms)
{
	enum ui_color c = UC_NORMAL;
	size_t i;

	for (i = 0; ui->have_verdict && ms > 0 && i < ui->verdict.n; i++) {
		const struct threshold *t = ui->verdict.rows[i].t;

		if (t->stream != k || t->metric != m || !(t->scope ==
		    THR_SCOPE_ALL || (t->scope == THR_SCOPE_REQUEST &&
		    t->scope_index == st->request)))
			continue;
		if (!threshold_check(t, ms))
			return UC_BAD;
		c = UC_GOOD;
	}
	return c;
}

/* A column of the table: its place, and how its cell reads a stream. */
struct stream_col {
	struct table_col col;
	void	(*cell)(const struct ui *, const struct snap_stream *, char *,
		     size_t, enum ui_color *);
};

static void
cell_name(const struct ui *ui, const struct snap_stream *st, char *buf,
    size_t len, enum ui_color *c)
{
	ui_fmt_text(ui, st->name, buf, len);
}

static void
cell_kind(const struct ui *ui, const struct snap_stream *st, char *buf,
    size_t len, enum ui_color *c)
{
	snprintf(buf, len, "%s", st->sse ? "sse" : "ws");
}

static void
cell_open(const struct ui *ui, const struct snap_stream *st, char *buf,
    size_t len, enum ui_color *c)
{
	ui_fmt_count(st->open, buf, len);
}

static void
cell_connecting(const struct ui *ui, const struct snap_stream *st, char *buf,
    size_t len, enum ui_color *c)
{
	ui_fmt_count(st->connecting, buf, len);
}

static void
cell_dropped(const struct ui *ui, const struct snap_stream *st, char *buf,
    size_t len, enum ui_color *c)
{
	uint64_t n = verdict_stream_drops(st);

	ui_fmt_count(n, buf, len);
	*c = n > 0 ? UC_BAD : UC_NORMAL;
}

static void
cell_success(const struct ui *ui, const struct snap_stream *st, char *buf,
    size_t len, enum ui_color *c)
{
	double pct;

	if (!verdict_stream_success(st, &pct)) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%.2f", pct);
	*c = st->opened < st->attempts - st->connecting ? UC_WARN : UC_GOOD;
}

static void
cell_in(const struct ui *ui, const struct snap_stream *st, char *buf,
    size_t len, enum ui_color *c)
{
	snprintf(buf, len, "%.1f", st->sse ? st->events_rate :
	    st->received_rate);
}

static void
cell_out(const struct ui *ui, const struct snap_stream *st, char *buf,
    size_t len, enum ui_color *c)
{
	if (st->sse)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", st->sent_rate);
}

static void
cell_connect(const struct ui *ui, const struct snap_stream *st, char *buf,
    size_t len, enum ui_color *c)
{
	ui_fmt_ms(st->connect.p95, buf, len);
	*c = stream_color(ui, st, THR_STREAM_CONNECT, THR_P95, st->connect.p95);
}

/* A round trip for a WebSocket, the first event for SSE. */
static void
cell_reply(const struct ui *ui, const struct snap_stream *st, char *buf,
    size_t len, enum ui_color *c)
{
	enum thr_stream k = st->sse ? THR_STREAM_FIRST_EVENT : THR_STREAM_RTT;
	double ms = verdict_stream_lat(st, k)->p95;

	ui_fmt_ms(ms, buf, len);
	*c = stream_color(ui, st, k, THR_P95, ms);
}

static const struct stream_col stream_cols[] = {
	{ .col = { .title = "stream", .width = 0, .left = true },
	  .cell = cell_name },
	{ .col = { .title = "kind", .width = 4, .left = true },
	  .cell = cell_kind },
	{ .col = { .title = "open", .width = 7 }, .cell = cell_open },
	{ .col = { .title = "conn", .width = 5 }, .cell = cell_connecting },
	{ .col = { .title = "drops", .width = 6 }, .cell = cell_dropped },
	{ .col = { .title = "ok%", .width = 7 }, .cell = cell_success },
	{ .col = { .title = "in/s", .width = 8 }, .cell = cell_in },
	{ .col = { .title = "out/s", .width = 8 }, .cell = cell_out },
	{ .col = { .title = "connect", .width = 8 }, .cell = cell_connect },
	{ .col = { .title = "rtt/1st", .width = 8 }, .cell = cell_reply },
};

struct streams_ctx {
	const struct ui *ui;
	const struct snapshot *s;
};

static void
stream_cell(const void *arg, size_t row, size_t col, char *buf, size_t len,
    enum ui_color *c)
{
	const struct streams_ctx *ctx = arg;

	stream_cols[col].cell(ctx->ui, &ctx->s->streams[row], buf, len, c);
}

/* Open, connecting; opened of the attempts that ended; how they ended;
 * the messages or events.  Returns the next row. */
static int
draw_state(struct ui *ui, const struct ui_rect *r,
    const struct snap_stream *st)
{
	char a[16], b[16], c[16], d[16];
	double pct;
	int row = 1, x;

	ui_text(ui, r, row++, 0, UC_NORMAL, "open %s  connecting %s",
	    ui_fmt_count(st->open, a, sizeof a), ui_fmt_count(st->connecting,
	    b, sizeof b));
	x = ui_text(ui, r, row, 0, UC_NORMAL, "opened %s of %s",
	    ui_fmt_count(st->opened, a, sizeof a), ui_fmt_count(st->attempts,
	    b, sizeof b));
	if (verdict_stream_success(st, &pct))
		ui_text(ui, r, row, x, pct < 100 ? UC_WARN : UC_GOOD,
		    " (%.2f%%)", pct);
	row++;
	x = ui_text(ui, r, row, 0, UC_NORMAL, "closed %s  dropped %s  "
	    "reconnects %s", ui_fmt_count(st->closed, a, sizeof a),
	    ui_fmt_count(verdict_stream_drops(st), b, sizeof b),
	    ui_fmt_count(st->reconnects, c, sizeof c));
	if (st->sse)
		ui_text(ui, r, row, x, UC_NORMAL, " (%s resumed)",
		    ui_fmt_count(st->resumed, a, sizeof a));
	row += 2;
	if (st->sse) {
		ui_text(ui, r, row++, 0, UC_NORMAL, "events %.1f/s, %s in all",
		    st->events_rate, ui_fmt_count(st->events, a, sizeof a));
		return row;
	}
	ui_text(ui, r, row++, 0, UC_NORMAL, "out %.1f/s  in %.1f/s",
	    st->sent_rate, st->received_rate);
	ui_text(ui, r, row++, 0, UC_NORMAL, "sent %s  received %s",
	    ui_fmt_count(st->sent, a, sizeof a), ui_fmt_count(st->received, b,
	    sizeof b));
	ui_text(ui, r, row++, 0, st->unmatched ? UC_WARN : UC_NORMAL,
	    "matched %s  unmatched %s  pushed %s", ui_fmt_count(st->matched,
	    a, sizeof a), ui_fmt_count(st->unmatched, b, sizeof b),
	    ui_fmt_count(st->pushed, c, sizeof c));
	if (st->pings > 0)
		ui_text(ui, r, row++, 0, st->pongs < st->pings ? UC_WARN :
		    UC_NORMAL, "pings %s  pongs %s", ui_fmt_count(st->pings, a,
		    sizeof a), ui_fmt_count(st->pongs, d, sizeof d));
	return row;
}

/* The statuses of refused upgrades or the close codes, after a cause. */
static int
draw_codes(struct ui *ui, const struct ui_rect *r, int row, int x,
    const struct snap_status *v, size_t n)
{
	char a[16];
	size_t i;

	for (i = 0; i < n && x < r->w; i++)
		x += ui_text(ui, r, row, x, UC_LABEL, "%s%d x %s%s", i ? ", " :
		    " (", v[i].code, ui_fmt_count(v[i].count, a, sizeof a),
		    i + 1 == n ? ")" : "");
	return x;
}

/* The drops, a line per cause; returns the next row. */
static int
draw_failures(struct ui *ui, const struct ui_rect *r, int row,
    const struct snap_stream *st)
{
	char a[16];
	size_t k;
	int x;

	if (verdict_stream_drops(st) == 0)
		return row;
	ui_text(ui, r, row++, 0, UC_LABEL, "failures");
	for (k = 0; k < DROP__COUNT && row < r->h; k++) {
		if (st->drops[k] == 0)
			continue;
		x = ui_text(ui, r, row, 0, UC_NORMAL, "%-10s", kinds_drop_name(k));
		x += ui_text(ui, r, row, x, UC_BAD, "%7s", ui_fmt_count(
		    st->drops[k], a, sizeof a));
		if (k == DROP_HANDSHAKE)
			draw_codes(ui, r, row, x, st->handshake_status,
			    st->nhandshake_status);
		else if (k == DROP_CLOSED)
			draw_codes(ui, r, row, x, st->close_codes,
			    st->nclose_codes);
		row++;
	}
	return row;
}

/* connect, rtt, ping, first_event, gap, session: those measured, with
 * their counts where there is room; returns the next row. */
static int
draw_latencies(struct ui *ui, const struct ui_rect *r,
    const struct snap_stream *st)
{
	static const enum thr_metric cols[] = { THR_P50, THR_P95, THR_P99,
	    THR_MAX };
	bool counts = r->w >= 46;
	int k, row = 1, x0 = counts ? 19 : 12;
	char a[16];
	size_t i;

	ui_text(ui, r, 0, 0, UC_LABEL, "%-11s", "latency");
	if (counts)
		ui_text(ui, r, 0, 12, UC_LABEL, "%6s", "count");
	ui_text(ui, r, 0, x0, UC_LABEL, "%6s %6s %6s %6s", "p50", "p95",
	    "p99", "max");
	for (k = THR_STREAM_CONNECT; k <= THR_STREAM_SESSION && row < r->h;
	    k++) {
		const struct snap_lat *l = verdict_stream_lat(st, k);
		const double v[] = { l->p50, l->p95, l->p99, l->max };

		if (l->count == 0)
			continue;
		ui_text(ui, r, row, 0, UC_LABEL, "%-11s",
		    threshold_stream_name(k));
		if (counts)
			ui_text(ui, r, row, 12, UC_NORMAL, "%6s", ui_fmt_count(
			    l->count, a, sizeof a));
		for (i = 0; i < LT_NELEM(cols); i++)
			ui_text(ui, r, row, x0 + 7 * (int)i, stream_color(ui, st,
			    k, cols[i], v[i]), "%6s", ui_fmt_ms(v[i], a,
			    sizeof a));
		row++;
	}
	return row;
}

/* Streams open at each interval's end, over t0 .. t1, in r. */
static double
graph_open(struct ui *ui, const struct snapshot *s, const struct ui_rect *r,
    double t0, double t1)
{
	struct graph_model gm = { .color = UC_GRAPH };
	size_t i, w = (size_t)LT_MAX(r->w, 1);
	double *t, *v, *cols, max = 0;

	t = xcalloc(s->nseries + 1, sizeof *t);
	v = xcalloc(s->nseries + 1, sizeof *v);
	cols = xcalloc(w, sizeof *cols);
	for (i = 0; i < s->nseries; i++) {
		t[i] = s->series[i].t;
		v[i] = (double)s->series[i].streams_open;
		if (t[i] >= t0)
			max = LT_MAX(max, v[i]);
	}
	widget_graph_resample(t, v, s->nseries, t0, t1, cols, w);
	gm.v = cols;
	gm.n = w;
	gm.max = max;
	widget_draw(&widget_graph, ui, r, &gm);
	free(t);
	free(v);
	free(cols);
	return max;
}

static void
draw_detail(struct ui *ui, const struct snapshot *s, const struct ui_rect *r,
    const struct snap_stream *st)
{
	int lw = r->w / 2, row;
	struct ui_rect left = { r->y, r->x, r->h, lw - 1 };
	struct ui_rect right = { r->y + 1, r->x + lw + 1, r->h - 1,
	    r->w - lw - 1 };
	char name[64];

	ui_title(ui, r, 0, ui_fmt_text(ui, st->name, name, sizeof name),
	    st->sse ? "SSE" : "WebSocket");
	row = draw_latencies(ui, &right, st);
	draw_failures(ui, &right, row + 1, st);
	row = draw_state(ui, &left, st);
	if (left.h - row >= 3 && s->nseries > 0) {
		struct ui_rect g = { left.y + row + 1, left.x, left.h - row - 2,
		    left.w };
		double max;

		max = graph_open(ui, s, &g, 0, ui_elapsed(ui, s));
		ui_text(ui, &left, left.h - 1, 0, UC_LABEL, "all streams open, "
		    "whole run (max %.0f)", max);
	}
}

static void
streams_init(struct ui *ui)
{
	selected = first = 0;
}

/* The table takes the rows it needs, the selected stream's detail what
 * is left, at least DETAIL_MIN rows; the table scrolls when it must. */
#define DETAIL_MIN 10

static void
streams_draw(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *body)
{
	struct streams_ctx ctx = { .ui = ui, .s = s };
	struct table_col cols[LT_NELEM(stream_cols)];
	struct table_model m = {
		.cols = cols,
		.ncols = LT_NELEM(stream_cols),
		.nrows = s->nstreams,
		.cell = stream_cell,
		.arg = &ctx,
	};
	int avail = body->h - 1, detail = 0;
	struct ui_rect t = { body->y + 1, body->x, 0, body->w };
	size_t i;

	ui_title(ui, body, 0, "Streams", "p95 over the run; a second over "
	    "the last interval");
	if (m.nrows == 0) {
		ui_text(ui, body, 1, 0, UC_LABEL, "no stream connected yet");
		return;
	}
	for (i = 0; i < LT_NELEM(stream_cols); i++)
		cols[i] = stream_cols[i].col;
	if (avail >= DETAIL_MIN + 2)
		detail = LT_MAX(DETAIL_MIN, avail - (int)m.nrows - 2);
	t.h = avail - detail;
	selected = LT_MIN(selected, m.nrows - 1);
	if (selected < first)
		first = selected;
	if (t.h > 1 && selected >= first + (size_t)(t.h - 1))
		first = selected - (size_t)(t.h - 2);
	m.first = first;
	m.selected = selected;
	widget_draw(&widget_table, ui, &t, &m);
	if (detail > 0) {
		struct ui_rect d = { body->y + body->h - detail, body->x,
		    detail, body->w };

		draw_detail(ui, s, &d, &s->streams[selected]);
	}
}

void
screen_streams_panel(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *r)
{
	uint64_t open = 0, connecting = 0, dropped = 0;
	double in = 0, out = 0, events = 0, now = s->elapsed, max;
	struct ui_rect g = { r->y + 3, r->x, r->h - 4, r->w };
	char a[16], b[16], c[16];
	size_t i;

	for (i = 0; i < s->nstreams; i++) {
		const struct snap_stream *st = &s->streams[i];

		open += st->open;
		connecting += st->connecting;
		dropped += verdict_stream_drops(st);
		in += st->received_rate;
		out += st->sent_rate;
		events += st->events_rate;
	}
	ui_title(ui, r, 0, "Streams", NULL);
	ui_text(ui, r, 1, 0, UC_NORMAL, "open %s  connecting %s  ",
	    ui_fmt_count(open, a, sizeof a), ui_fmt_count(connecting, b,
	    sizeof b));
	ui_text(ui, r, 1, 26, dropped ? UC_BAD : UC_NORMAL, "dropped %s",
	    ui_fmt_count(dropped, c, sizeof c));
	ui_text(ui, r, 2, 0, UC_LABEL, "in %.1f/s  out %.1f/s  events %.1f/s",
	    in, out, events);
	if (g.h < 1)
		return;
	max = graph_open(ui, s, &g, now - PANEL_WINDOW, now);
	ui_text(ui, r, r->h - 1, 0, UC_LABEL, "-%.0fs", PANEL_WINDOW);
	snprintf(a, sizeof a, "max %.0f open", max);
	ui_text(ui, r, r->h - 1, (r->w - (int)strlen(a)) / 2, UC_LABEL, "%s",
	    a);
	ui_text(ui, r, r->h - 1, r->w - 3, UC_LABEL, "now");
}

static const struct ui_key streams_keys[] = {
	{ .keys = (const int[]){ KEY_UP, 'k', 0 }, .run = ui_keys_cursor_up,
	  .help_keys = "Up  k", .help = "the stream above" },
	{ .keys = (const int[]){ KEY_DOWN, 'j', 0 }, .run = ui_keys_cursor_down,
	  .help_keys = "Down  j", .help = "the stream below" },
	{ .keys = (const int[]){ KEY_HOME, 0 }, .run = ui_keys_cursor_home,
	  .help_keys = "Home", .help = "the first stream" },
};

const struct ui_screen screen_streams = {
	.name = "Streams",
	.streams = true,
	.init = streams_init,
	.draw = streams_draw,
	.keys = streams_keys,
	.nkeys = LT_NELEM(streams_keys),
	.cursor = &selected,
};
