/* The graph widget: vertical bars in eighths of a cell, and resampling. */
#include "config.h"

#include <math.h>

#include "util.h"
#include "widget.h"

void
widget_graph_resample(const double *t, const double *v, size_t n, double t0,
    double t1, double *out, size_t width)
{
	double span = t1 - t0, last = -1;
	size_t c, i = 0;

	for (c = 0; c < width; c++)
		out[c] = -1;
	if (width == 0 || !(span > 0))
		return;
	while (i < n && t[i] < t0)
		last = v[i++];
	for (c = 0; c < width; c++) {
		double end = t0 + span * (double)(c + 1) / (double)width;
		double best = -1;
		bool any = false;

		while (i < n && t[i] <= end) {
			if (v[i] > best)
				best = v[i];
			any = true;
			i++;
		}
		if (any)
			last = best;
		else if (i >= n)
			break;		/* nothing more to show: leave a gap */
		out[c] = any ? best : last;
	}
}

static void
graph_draw(struct ui *ui, const struct ui_rect *r, const void *model)
{
	const struct graph_model *m = model;
	double max = m->max;
	size_t c, n = LT_MIN(m->n, (size_t)r->w);
	int row;

	if (max <= 0)
		for (c = 0; c < m->n; c++)
			max = LT_MAX(max, m->v[c]);
	for (c = 0; c < n; c++) {
		int x = r->x + r->w - (int)n + (int)c;
		double v = m->v[m->n - n + c];
		bool mark = m->mark != NULL && m->mark[m->n - n + c];
		int level = -1;

		if (v >= 0 && max > 0) {
			level = (int)lround(v / max * r->h * 8);
			if (v > 0 && level == 0)
				level = 1;	/* there was something */
		}
		for (row = 0; row < r->h; row++) {
			int bottom = r->h - 1 - row;
			int e = LT_MAX(0, LT_MIN(8, level - bottom * 8));

			if (e == 0 && mark) {
				attrset(ui_attr(ui, UC_MARK));
				mvaddstr(r->y + row, x, ui->g->mark);
			} else {
				attrset(ui_attr(ui, m->color));
				mvaddstr(r->y + row, x, ui->g->bar[e]);
			}
		}
	}
	attrset(A_NORMAL);
}

const struct widget widget_graph = {
	.name = "graph",
	.min_w = 2,
	.min_h = 1,
	.draw = graph_draw,
};
