/* Where a request's time goes: DNS, connect, TLS, first byte, transfer. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "ui-int.h"
#include "util.h"
#include "widget.h"

#define NROWS (TIM__COUNT + 2)		/* the parts, service, latency */

static const struct table_col cols[] = {
	{ .title = "", .width = 0, .left = true },
	{ .title = "count", .width = 9 },
	{ .title = "p50", .width = 8 },
	{ .title = "p90", .width = 8 },
	{ .title = "p95", .width = 8 },
	{ .title = "p99", .width = 8 },
	{ .title = "p99.9", .width = 8 },
	{ .title = "max", .width = 8 },
	{ .title = "mean", .width = 8 },
};

static const struct snap_lat *
row_lat(const struct snapshot *s, size_t row, const char **name)
{
	if (row < TIM__COUNT) {
		*name = kinds_timing_name(row);
		return &s->timing[row];
	}
	if (row == TIM__COUNT) {
		*name = "service (sent to done)";
		return &s->total.service;
	}
	*name = "latency (planned to done)";
	return &s->total.latency;
}

static void
timing_cell(const void *arg, size_t row, size_t col, char *buf, size_t len,
    enum ui_color *c)
{
	const struct snapshot *s = arg;
	const char *name;
	const struct snap_lat *l = row_lat(s, row, &name);

	switch (col) {
	case 0:
		snprintf(buf, len, "%s", name);
		*c = UC_LABEL;
		break;
	case 1:
		snprintf(buf, len, "%" PRIu64, l->count);
		break;
	case 2:
		ui_fmt_ms(l->p50, buf, len);
		break;
	case 3:
		ui_fmt_ms(l->p90, buf, len);
		break;
	case 4:
		ui_fmt_ms(l->p95, buf, len);
		break;
	case 5:
		ui_fmt_ms(l->p99, buf, len);
		break;
	case 6:
		ui_fmt_ms(l->p999, buf, len);
		break;
	case 7:
		ui_fmt_ms(l->max, buf, len);
		break;
	case 8:
		ui_fmt_ms(l->mean, buf, len);
		break;
	}
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
	struct table_model m = {
		.cols = cols,
		.ncols = LT_NELEM(cols),
		.nrows = NROWS,
		.selected = SIZE_MAX,
		.cell = timing_cell,
		.arg = s,
	};
	struct ui_rect t = { body->y + 1, body->x, NROWS + 1, body->w };
	struct ui_rect b, g;
	int used;

	ui_title(ui, body, 0, "Timing", "libcurl's timers, whole run");
	widget_draw(&widget_table, ui, &t, &m);
	used = 1 + NROWS + 1 + 1;
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
