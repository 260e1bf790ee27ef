/* The table widget: a header row and the rows that fit, scrolled. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "util.h"
#include "widget.h"

/* Column widths: fixed ones as asked, the flexible ones share the rest. */
static void
table_widths(const struct table_model *m, int width, int *out)
{
	int fixed = 0, nflex = 0, rest;
	size_t i;

	for (i = 0; i < m->ncols; i++) {
		fixed += m->cols[i].width + 1;
		if (m->cols[i].width == 0)
			nflex++;
	}
	rest = width - fixed;
	for (i = 0; i < m->ncols; i++) {
		out[i] = m->cols[i].width;
		if (out[i] == 0)
			out[i] = LT_MAX(4, nflex ? rest / nflex : 0);
	}
}

static void
table_cell(struct ui *ui, const struct ui_rect *r, int row, int x, int w,
    bool left, enum ui_color c, const char *text)
{
	int len = (int)strlen(text);

	if (len > w)
		len = w;
	ui_text(ui, r, row, left ? x : x + w - len, c, "%.*s", len, text);
}

static void
table_draw(struct ui *ui, const struct ui_rect *r, const void *model)
{
	const struct table_model *m = model;
	int widths[32], x, row;
	size_t i, k;
	char buf[256];

	if (m->ncols > LT_NELEM(widths))
		return;
	table_widths(m, r->w, widths);
		for (i = 0, x = 0; i < m->ncols && x < r->w; i++) {
		table_cell(ui, r, 0, x, widths[i], m->cols[i].left, UC_LABEL,
		    m->cols[i].title);
		x += widths[i] + 1;
	}
	for (k = m->first, row = 1; k < m->nrows && row < r->h; k++, row++) {
		bool sel = k == m->selected;

		if (sel) {
			attrset(ui_attr(ui, UC_SELECTED));
			mvhline(r->y + row, r->x, ' ', r->w);
			attrset(A_NORMAL);
		}
		for (i = 0, x = 0; i < m->ncols && x < r->w; i++) {
			enum ui_color c = UC_NORMAL;

			buf[0] = '\0';
			m->cell(m->arg, k, i, buf, sizeof buf, &c);
			table_cell(ui, r, row, x, widths[i], m->cols[i].left,
			    sel ? UC_SELECTED : c, buf);
			x += widths[i] + 1;
		}
	}
}

const struct widget widget_table = {
	.name = "table",
	.min_w = 8,
	.min_h = 1,
	.draw = table_draw,
};
