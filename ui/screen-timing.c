/* Where a request's time goes: DNS, connect, TLS, first byte, transfer;
 * and how fast each class of responses came back. */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ui-int.h"
#include "util.h"
#include "widget.h"

#define NROWS (TIM__COUNT + 2)		/* the parts, service, latency */
#define WIDE_W 96			/* p99.9 and mean from this width */

/* A column: its place in the table, and the figure of a row's latency
 * it shows (FIG_NONE: the name or the count). */
#define FIG_NONE SIZE_MAX
struct timing_col {
	struct table_col col;
	size_t figure;			/* offsetof(struct snap_lat, ...) */
	bool wide;			/* only with room for it */
};

static const struct timing_col timing_cols[] = {
	{ .col = { .title = "", .width = 0, .left = true },
	  .figure = FIG_NONE },
	{ .col = { .title = "count", .width = 9 }, .figure = FIG_NONE },
	{ .col = { .title = "p50", .width = 8 },
	  .figure = offsetof(struct snap_lat, p50) },
	{ .col = { .title = "p90", .width = 8 },
	  .figure = offsetof(struct snap_lat, p90) },
	{ .col = { .title = "p95", .width = 8 },
	  .figure = offsetof(struct snap_lat, p95) },
	{ .col = { .title = "p99", .width = 8 },
	  .figure = offsetof(struct snap_lat, p99) },
	{ .col = { .title = "p99.9", .width = 8 },
	  .figure = offsetof(struct snap_lat, p999), .wide = true },
	{ .col = { .title = "max", .width = 8 },
	  .figure = offsetof(struct snap_lat, max) },
	{ .col = { .title = "mean", .width = 8 },
	  .figure = offsetof(struct snap_lat, mean), .wide = true },
};

struct timing_ctx {
	const struct snapshot *s;
	const struct timing_col *cols[LT_NELEM(timing_cols)];
	/* After the parts, service and latency: each class that had
	 * responses, its latency. */
	enum lt_class classes[CLS__COUNT];
	size_t nclasses;
};

static const struct snap_lat *
row_lat(const struct timing_ctx *ctx, size_t row, const char **name)
{
	const struct snapshot *s = ctx->s;

	if (row < TIM__COUNT) {
		*name = kinds_timing_name(row);
		return &s->timing[row];
	}
	if (row == TIM__COUNT) {
		*name = "service (sent to done)";
		return &s->total.service;
	}
	if (row == TIM__COUNT + 1) {
		*name = "latency (planned to done)";
		return &s->total.latency;
	}
	*name = kinds_class_name(ctx->classes[row - NROWS]);
	return &s->by_class[ctx->classes[row - NROWS]];
}

static void
timing_cell(const void *arg, size_t row, size_t col, char *buf, size_t len,
    enum ui_color *c)
{
	const struct timing_ctx *ctx = arg;
	const struct timing_col *tc = ctx->cols[col];
	const char *name;
	const struct snap_lat *l = row_lat(ctx, row, &name);

	if (tc->figure != FIG_NONE)
		ui_fmt_ms(*(const double *)(const void *)((const char *)l +
		    tc->figure), buf, len);
	else if (col > 0)
		snprintf(buf, len, "%" PRIu64, l->count);
	else {
		/* A class's latency, under the run's it is a part of. */
		snprintf(buf, len, "%s%s", row >= NROWS ? "  " : "", name);
		*c = UC_LABEL;
	}
}

/* The columns that fit, and the classes to show. */
static size_t
timing_setup(struct timing_ctx *ctx, int w, struct table_col *out)
{
	size_t i, n = 0;

	for (i = 0; i < LT_NELEM(timing_cols); i++) {
		if (timing_cols[i].wide && w < WIDE_W)
			continue;
		ctx->cols[n] = &timing_cols[i];
		out[n++] = timing_cols[i].col;
	}
	ctx->nclasses = 0;
	for (i = 0; i < CLS__COUNT; i++)
		if (ctx->s->by_class[i].count > 0)
			ctx->classes[ctx->nclasses++] = (enum lt_class)i;
	return n;
}

/* The median of each part as a bar against the largest. */
static int
draw_breakdown(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *r)
{
	double max = 0;
	size_t i;
	int row = 1;

	ui_title(ui, r, 0, "Median of each part", NULL);
	for (i = 0; i < TIM__COUNT; i++)
		max = LT_MAX(max, s->timing[i].p50);
	for (i = 0; i < TIM__COUNT && row < r->h; i++, row++) {
		struct meter_model mm = { .value = s->timing[i].p50,
		    .max = max, .color = UC_GRAPH };
		struct ui_rect mr = { r->y + row, r->x + 12, 1,
		    LT_MIN(r->w - 12, 60) };
		char a[16];

		ui_text(ui, r, row, 0, UC_LABEL, "%-11s", kinds_timing_name(i));
		mm.text = s->timing[i].count ? ui_fmt_ms(s->timing[i].p50, a,
		    sizeof a) : "not seen";
		widget_draw(&widget_meter, ui, &mr, &mm);
	}
	return row;
}

/* p99 per interval over the whole run. */
static void
draw_p99(struct ui *ui, const struct snapshot *s, const struct ui_rect *r)
{
	struct ui_rect g = { r->y + 1, r->x, r->h - 1, r->w };
	struct graph_model gm = { .color = UC_GRAPH2 };
	double *t, *v, *out, max = 0;
	size_t i, w = (size_t)LT_MAX(r->w, 1);
	char a[16];

	if (g.h < 1 || s->nseries == 0)
		return;
	t = xcalloc(s->nseries, sizeof *t);
	v = xcalloc(s->nseries, sizeof *v);
	out = xcalloc(w, sizeof *out);
	for (i = 0; i < s->nseries; i++) {
		t[i] = s->series[i].t;
		v[i] = s->series[i].p99;
		max = LT_MAX(max, v[i]);
	}
	ui_title(ui, r, 0, "p99 per interval, whole run", ui_fmt_ms(max, a,
	    sizeof a));
	widget_graph_resample(t, v, s->nseries, 0, LT_MAX(s->elapsed, t[s->nseries -
	    1]), out, w);
	gm.v = out;
	gm.n = w;
	gm.max = max;
	widget_draw(&widget_graph, ui, &g, &gm);
	free(t);
	free(v);
	free(out);
}

static void
timing_draw(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *body)
{
	struct timing_ctx ctx = { .s = s };
	struct table_col cols[LT_NELEM(timing_cols)];
	struct table_model m = {
		.cols = cols,
		.ncols = timing_setup(&ctx, body->w, cols),
		.selected = SIZE_MAX,
		.cell = timing_cell,
		.arg = &ctx,
	};
	struct ui_rect t, b, g;
	int used;

	m.nrows = NROWS + ctx.nclasses;
	t = (struct ui_rect){ body->y + 1, body->x, (int)m.nrows + 1,
	    body->w };
	ui_title(ui, body, 0, "Timing", ctx.nclasses ? "libcurl's timers, "
	    "whole run; latency by class below it" : "libcurl's timers, "
	    "whole run");
	widget_draw(&widget_table, ui, &t, &m);
	used = 1 + (int)m.nrows + 1 + 1;
	b = (struct ui_rect){ body->y + used, body->x, LT_MIN(TIM__COUNT + 1,
	    body->h - used), body->w };
	used += draw_breakdown(ui, s, &b) + 1;
	g = (struct ui_rect){ body->y + used, body->x, body->h - used,
	    body->w };
	if (g.h >= 3)
		draw_p99(ui, s, &g);
}

const struct ui_screen screen_timing = {
	.name = "Timing",
	.draw = timing_draw,
};
