/*
 * Per request, then per group: how many, how fast, how often refused or
 * failed, and the checks' pass rate when there are checks; the flows'
 * iterations; the selected row in detail below.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "ui-int.h"
#include "util.h"
#include "widget.h"

#define FLOWS_MAX 3			/* rows of flows at most */
/* Narrower, the names keep their room: no average rate, no checks. */
#define AVG_MIN_W 90
#define CHECKS_MIN_W 92

static size_t selected;
static size_t first;

/* A column: its place in the table and how its cell reads a row. */
struct request_col {
	struct table_col col;
	void	(*cell)(const struct screen_row *, char *, size_t,
		     enum ui_color *);
	int min_w;			/* only from this width */
	bool checks;			/* only with checks */
};

static void
cell_name(const struct screen_row *r, char *buf, size_t len,
    enum ui_color *c)
{
	snprintf(buf, len, "%s%s", r->group ? "group:" : "", r->name);
	if (r->group)
		*c = UC_LABEL;
}

static void
cell_count(const struct screen_row *r, char *buf, size_t len,
    enum ui_color *c)
{
	snprintf(buf, len, "%" PRIu64, r->total->n.completed);
}

static void
cell_rate(const struct screen_row *r, char *buf, size_t len,
    enum ui_color *c)
{
	snprintf(buf, len, "%.1f", r->interval->rps);
}

static void
cell_avg(const struct screen_row *r, char *buf, size_t len,
    enum ui_color *c)
{
	snprintf(buf, len, "%.1f", r->total->rps);
}

static void
cell_p50(const struct screen_row *r, char *buf, size_t len,
    enum ui_color *c)
{
	ui_fmt_ms(r->total->latency.p50, buf, len);
}

static void
cell_p95(const struct screen_row *r, char *buf, size_t len,
    enum ui_color *c)
{
	ui_fmt_ms(r->total->latency.p95, buf, len);
}

static void
cell_p99(const struct screen_row *r, char *buf, size_t len,
    enum ui_color *c)
{
	ui_fmt_ms(r->total->latency.p99, buf, len);
}

static void
cell_errors(const struct screen_row *r, char *buf, size_t len,
    enum ui_color *c)
{
	double e = ui_pct(r->total->n.errors, r->total->n.completed);

	snprintf(buf, len, "%.2f", e);
	*c = e > 5 ? UC_BAD : e > 0 ? UC_WARN : UC_NORMAL;
}

static void
cell_limited(const struct screen_row *r, char *buf, size_t len,
    enum ui_color *c)
{
	double e = ui_pct(r->total->n.classes[CLS_RATE_LIMITED],
	    r->total->n.completed);

	snprintf(buf, len, "%.2f", e);
	*c = e > 0 ? UC_WARN : UC_NORMAL;
}

static void
cell_checks(const struct screen_row *r, char *buf, size_t len,
    enum ui_color *c)
{
	uint64_t all = r->checks_passed + r->checks_failed;

	if (all == 0) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%.2f", ui_pct(r->checks_passed, all));
	*c = r->checks_failed > 0 ? UC_BAD : UC_GOOD;
}

static const struct request_col request_cols[] = {
	{ .col = { .title = "request", .width = 0, .left = true },
	  .cell = cell_name },
	{ .col = { .title = "count", .width = 9 }, .cell = cell_count },
	{ .col = { .title = "req/s", .width = 8 }, .cell = cell_rate },
	{ .col = { .title = "avg/s", .width = 8 }, .cell = cell_avg,
	  .min_w = AVG_MIN_W },
	{ .col = { .title = "p50", .width = 8 }, .cell = cell_p50 },
	{ .col = { .title = "p95", .width = 8 }, .cell = cell_p95 },
	{ .col = { .title = "p99", .width = 8 }, .cell = cell_p99 },
	{ .col = { .title = "err%", .width = 7 }, .cell = cell_errors },
	{ .col = { .title = "429%", .width = 7 }, .cell = cell_limited },
	{ .col = { .title = "chk%", .width = 7 }, .cell = cell_checks,
	  .min_w = CHECKS_MIN_W, .checks = true },
};

struct requests_ctx {
	const struct snapshot *s;
	const struct request_col *cols[LT_NELEM(request_cols)];
};

static void
request_cell(const void *arg, size_t row, size_t col, char *buf, size_t len,
    enum ui_color *c)
{
	const struct requests_ctx *ctx = arg;
	struct screen_row r;

	screen_requests_row(ctx->s, row, &r);
	ctx->cols[col]->cell(&r, buf, len, c);
}

static bool
has_checks(const struct snapshot *s)
{
	return s->nchecks > 0 || s->checks_passed + s->checks_failed > 0;
}

/* The columns that apply, in order; returns how many. */
static size_t
pick_cols(const struct snapshot *s, int w, struct requests_ctx *ctx,
    struct table_col *out)
{
	size_t i, n = 0;

	for (i = 0; i < LT_NELEM(request_cols); i++) {
		if (w < request_cols[i].min_w ||
		    (request_cols[i].checks && !has_checks(s)))
			continue;
		ctx->cols[n] = &request_cols[i];
		out[n++] = request_cols[i].col;
	}
	return n;
}

/* The flows' iterations: how many, how they ended, how long whole
 * ones took. */
static const struct table_col flow_cols[] = {
	{ .title = "flow", .width = 0, .left = true },
	{ .title = "started", .width = 9 },
	{ .title = "done", .width = 9 },
	{ .title = "failed", .width = 9 },
	{ .title = "p50", .width = 8 },
	{ .title = "p95", .width = 8 },
	{ .title = "p99", .width = 8 },
};

static void
flow_cell(const void *arg, size_t row, size_t col, char *buf, size_t len,
    enum ui_color *c)
{
	const struct snap_flow *f = &((const struct snapshot *)arg)->flows[row];
	const struct snap_lat *l = &f->iteration;

	switch (col) {
	case 0:
		snprintf(buf, len, "%s", f->name);
		break;
	case 1:
		ui_fmt_count(f->started, buf, len);
		break;
	case 2:
		ui_fmt_count(f->completed, buf, len);
		break;
	case 3:
		ui_fmt_count(f->failed, buf, len);
		*c = f->failed > 0 ? UC_BAD : UC_NORMAL;
		break;
	default:
		ui_fmt_ms(col == 4 ? l->p50 : col == 5 ? l->p95 : l->p99, buf,
		    len);
		break;
	}
}

static void
draw_flows(struct ui *ui, const struct snapshot *s, const struct ui_rect *r)
{
	struct table_model m = {
		.cols = flow_cols,
		.ncols = LT_NELEM(flow_cols),
		.nrows = s->nflows,
		.selected = SIZE_MAX,
		.cell = flow_cell,
		.arg = s,
	};
	struct ui_rect t = { r->y + 1, r->x, r->h - 1, r->w };

	ui_title(ui, r, 0, "Flows", "iterations; the percentiles of those "
	    "that ran every step");
	widget_draw(&widget_table, ui, &t, &m);
}

static void
requests_init(struct ui *ui)
{
	selected = first = 0;
}

/*
 * The table takes the rows it needs, the flows a line each, and the
 * selected row's detail what is left, at least DETAIL_MIN rows; the
 * table scrolls when they do not all fit.
 */
#define DETAIL_MIN 6

static void
requests_draw(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *body)
{
	struct requests_ctx ctx = { .s = s };
	struct table_col cols[LT_NELEM(request_cols)];
	struct table_model m = {
		.cols = cols,
		.ncols = pick_cols(s, body->w, &ctx, cols),
		.nrows = screen_requests_rows(s),
		.cell = request_cell,
		.arg = &ctx,
	};
	int nflows = (int)LT_MIN(s->nflows, FLOWS_MAX);
	int flows = nflows ? nflows + 2 : 0;
	int avail = body->h - 1 - flows, detail = 0;
	struct ui_rect t = { body->y + 1, body->x, 0, body->w };

	ui_title(ui, body, 0, "Requests", "whole run; req/s over the last "
	    "interval");
	if (m.nrows == 0)
		return;
	if (avail >= DETAIL_MIN + 3)
		detail = LT_MAX(DETAIL_MIN, avail - (int)m.nrows - 1);
	t.h = avail - detail;
	selected = LT_MIN(selected, m.nrows - 1);
	if (selected < first)
		first = selected;
	if (t.h > 1 && selected >= first + (size_t)(t.h - 1))
		first = selected - (size_t)(t.h - 2);
	m.first = first;
	m.selected = selected;
	widget_draw(&widget_table, ui, &t, &m);
	if (flows > 0) {
		struct ui_rect f = { t.y + t.h, body->x, flows, body->w };

		draw_flows(ui, s, &f);
	}
	if (detail > 0) {
		struct ui_rect d = { body->y + body->h - detail, body->x,
		    detail, body->w };

		screen_requests_detail(ui, s, &d, selected);
	}
}

static const struct ui_key requests_keys[] = {
	{ .keys = (const int[]){ KEY_UP, 'k', 0 }, .run = ui_keys_cursor_up,
	  .help_keys = "Up  k", .help = "the request above" },
	{ .keys = (const int[]){ KEY_DOWN, 'j', 0 }, .run = ui_keys_cursor_down,
	  .help_keys = "Down  j", .help = "the request below" },
	{ .keys = (const int[]){ KEY_HOME, 0 }, .run = ui_keys_cursor_home,
	  .help_keys = "Home", .help = "the first request" },
};

const struct ui_screen screen_requests = {
	.name = "Requests",
	.init = requests_init,
	.draw = requests_draw,
	.keys = requests_keys,
	.nkeys = LT_NELEM(requests_keys),
	.cursor = &selected,
};
