/* The meter widget: a horizontal bar like htop's, its value at the end. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "util.h"
#include "widget.h"

static void
meter_draw(struct ui *ui, const struct ui_rect *r, const void *model)
{
	const struct meter_model *m = model;
	char pct[16];
	const char *text = m->text;
	int cells = r->w - 2, tlen, eighths, i;
	double frac = m->max > 0 ? m->value / m->max : 0;

	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	if (text == NULL) {
		snprintf(pct, sizeof pct, "%.0f%%", frac * 100);
		text = pct;
	}
	tlen = LT_MIN((int)strlen(text), cells);
	eighths = (int)(frac * cells * 8 + 0.5);

	attrset(ui_attr(ui, UC_LABEL));
	mvaddstr(r->y, r->x, "[");
	mvaddstr(r->y, r->x + r->w - 1, "]");
	attrset(ui_attr(ui, m->color));
	for (i = 0; i < cells - tlen - 1; i++) {
		int e = LT_MAX(0, LT_MIN(8, eighths - i * 8));

		mvaddstr(r->y, r->x + 1 + i, ui->g->hbar[e]);
	}
	attrset(A_NORMAL);
	if (cells - tlen - 1 >= 0)
		mvaddstr(r->y, r->x + cells - tlen, " ");
	mvaddnstr(r->y, r->x + 1 + cells - tlen, text, tlen);
}

const struct widget widget_meter = {
	.name = "meter",
	.min_w = 4,
	.min_h = 1,
	.draw = meter_draw,
};
