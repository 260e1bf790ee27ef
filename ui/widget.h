/*
 * Widgets: small drawing routines behind one interface, each given a
 * rectangle and a model (a plain struct of what to show).  A widget never
 * reads a snapshot; the screens build its model.
 */
#ifndef LT_WIDGET_H
#define LT_WIDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "ui-int.h"

struct widget {
	const char *name;
	int	 min_w;			/* below this it draws nothing */
	int	 min_h;
	void	(*draw)(struct ui *, const struct ui_rect *, const void *model);
};

/* A horizontal bar: [|||||    ] with the text over its right end. */
struct meter_model {
	double value;
	double max;
	enum ui_color color;
	const char *text;		/* NULL: the percentage */
};

/*
 * Vertical bars, one column per value (already fitted to the width; see
 * widget_graph_resample), eighths of a cell in Unicode, coarser in ASCII.  A
 * negative value is a gap.  mark (optional, one per column) draws a
 * boundary line through the empty cells of that column.
 */
struct graph_model {
	const double *v;
	size_t n;
	double max;			/* <= 0: the largest value */
	enum ui_color color;
	const bool *mark;
};

/* A table of text cells with a header row, scrolled to `first`. */
struct table_col {
	const char *title;
	int width;			/* 0: takes what is left */
	bool left;			/* align left (text) or right (numbers) */
};

struct table_model {
	const struct table_col *cols;
	size_t ncols;
	size_t nrows;
	size_t first;			/* first row shown */
	size_t selected;		/* highlighted row; SIZE_MAX: none */
	/* Write the text of a cell; may set its colour. */
	void	(*cell)(const void *arg, size_t row, size_t col, char *buf,
		     size_t len, enum ui_color *);
	const void *arg;
};

extern const struct widget widget_meter;
extern const struct widget widget_graph;
extern const struct widget widget_table;

static inline void
widget_draw(const struct widget *w, struct ui *ui, const struct ui_rect *r,
    const void *model)
{
	if (r->w >= w->min_w && r->h >= w->min_h)
		w->draw(ui, r, model);
}

/*
 * Fit points (t ascending, v; v < 0 is missing) to `width` columns over
 * [t0, t1]: each column takes the largest value whose time falls in it;
 * an empty column between points repeats the one before; columns before
 * the first point or after the last are -1.
 */
void	 widget_graph_resample(const double *t, const double *v, size_t n,
	     double t0, double t1, double *out, size_t width);

#endif
