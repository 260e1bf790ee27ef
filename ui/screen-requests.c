/* Per request: how many, how fast, how often refused or failed. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "ui-int.h"
#include "util.h"
#include "widget.h"

static size_t selected;
static size_t first;

static const struct table_col cols[] = {
	{ .title = "request", .width = 0, .left = true },
	{ .title = "count", .width = 9 },
	{ .title = "req/s", .width = 8 },
	{ .title = "avg/s", .width = 8 },
	{ .title = "p50", .width = 8 },
	{ .title = "p95", .width = 8 },
	{ .title = "p99", .width = 8 },
	{ .title = "err%", .width = 7 },
	{ .title = "429%", .width = 7 },
};

struct requests_ctx {
	struct ui *ui;
	const struct snapshot *s;
};

static void
request_cell(const void *arg, size_t row, size_t col, char *buf, size_t len,
    enum ui_color *c)
{
	const struct requests_ctx *ctx = arg;
	const struct snap_request *rq = &ctx->s->requests[row];
	const struct snap_block *b = &rq->total;
	double e;

	switch (col) {
	case 0:
		snprintf(buf, len, "%s", rq->name);
		break;
	case 1:
		snprintf(buf, len, "%" PRIu64, b->n.completed);
		break;
	case 2:
		snprintf(buf, len, "%.1f", rq->interval.rps);
		break;
	case 3:
		snprintf(buf, len, "%.1f", b->rps);
		break;
	case 4:
		ui_fmt_ms(b->latency.p50, buf, len);
		break;
	case 5:
		ui_fmt_ms(b->latency.p95, buf, len);
		break;
	case 6:
		ui_fmt_ms(b->latency.p99, buf, len);
		break;
	case 7:
		e = ui_pct(b->n.errors, b->n.completed);
		snprintf(buf, len, "%.2f", e);
		*c = e > 5 ? UC_BAD : e > 0 ? UC_WARN : UC_NORMAL;
		break;
	case 8:
		e = ui_pct(b->n.classes[CLS_RATE_LIMITED], b->n.completed);
		snprintf(buf, len, "%.2f", e);
		*c = e > 0 ? UC_WARN : UC_NORMAL;
		break;
	}
}

/* The selected request's outcomes, below the table. */
static void
draw_selected(struct ui *ui, const struct snapshot *s, const struct ui_rect *r)
{
	const struct snap_request *rq = &s->requests[selected];
	const struct snap_block *b = &rq->total;
	char a[16], m[16];
	size_t c;
	int x, row = 1;

	ui_title(ui, r, 0, rq->name, NULL);
	x = ui_text(ui, r, row, 0, UC_LABEL, "last %.1fs: ",
	    rq->interval.seconds);
	ui_text(ui, r, row++, x, UC_NORMAL, "%" PRIu64 " done, p50 %s, max %s",
	    rq->interval.n.completed, ui_fmt_ms(rq->interval.latency.p50, a,
	    sizeof a), ui_fmt_ms(rq->interval.latency.max, m, sizeof m));
	x = ui_text(ui, r, row, 0, UC_LABEL, "outcomes: ");
	for (c = 0; c < CLS__COUNT; c++) {
		if (b->n.classes[c] == 0)
			continue;
		x += ui_text(ui, r, row, x, c == CLS_OK ? UC_GOOD :
		    c == CLS_RATE_LIMITED ? UC_WARN : UC_BAD, "%s %" PRIu64
		    "  ", kinds_class_name(c), b->n.classes[c]);
	}
	row++;
	ui_text(ui, r, row, 0, UC_LABEL, "bytes in: ");
	ui_text(ui, r, row, 10, UC_NORMAL, "%s",
	    ui_fmt_bytes((double)b->n.bytes_in, a, sizeof a));
}

static void
requests_init(struct ui *ui)
{
	(void)ui;
	selected = first = 0;
}

static void
requests_draw(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *body)
{
	struct requests_ctx ctx = { ui, s };
	struct table_model m = {
		.cols = cols,
		.ncols = LT_NELEM(cols),
		.nrows = s->nrequests,
		.cell = request_cell,
		.arg = &ctx,
	};
	struct ui_rect t = { body->y + 1, body->x, body->h - 1, body->w };
	int detail = s->nrequests > 0 && body->h >= 12 ? 5 : 0;

	ui_title(ui, body, 0, "Requests", "whole run; req/s over the last "
	    "interval");
	if (s->nrequests == 0)
		return;
	selected = LT_MIN(selected, s->nrequests - 1);
	t.h -= detail;
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

		draw_selected(ui, s, &d);
	}
}

static void
key_up(struct ui *ui, int ch)
{
	if (selected > 0)
		selected--;
}

static void
key_down(struct ui *ui, int ch)
{
	selected++;	/* clamped when drawn */
}

static void
key_home(struct ui *ui, int ch)
{
	selected = 0;
}

static const struct ui_key requests_keys[] = {
	{ .keys = (const int[]){ KEY_UP, 'k', 0 }, .run = key_up,
	  .help_keys = "Up  k", .help = "the request above" },
	{ .keys = (const int[]){ KEY_DOWN, 'j', 0 }, .run = key_down,
	  .help_keys = "Down  j", .help = "the request below" },
	{ .keys = (const int[]){ KEY_HOME, 0 }, .run = key_home,
	  .help_keys = "Home", .help = "the first request" },
};

const struct ui_screen screen_requests = {
	.name = "Requests",
	.init = requests_init,
	.draw = requests_draw,
	.keys = requests_keys,
	.nkeys = LT_NELEM(requests_keys),
};
