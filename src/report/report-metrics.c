/* The scraped metrics as a table of the results document: a counter by
 * what it counted over the run, a gauge by its extremes. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report-int.h"
#include "util.h"

enum metric_col {
	COL_SERIES,
	COL_TYPE,
	COL_FIRST,
	COL_LAST,
	COL_DELTA,
	COL_RATE,
	COL_MIN,
	COL_MAX,
	COL__COUNT,
};

static const char *const metric_heads[COL__COUNT] = {
	[COL_SERIES] = "Series",
	[COL_TYPE] = "Type",
	[COL_FIRST] = "First",
	[COL_LAST] = "Last",
	[COL_DELTA] = "Delta",
	[COL_RATE] = "Rate",
	[COL_MIN] = "Min",
	[COL_MAX] = "Max",
};

/* A figure's cell, with a note after it when there is one. */
static char *
metric_cell(double x, const char *unit, const char *note)
{
	char num[32], *cell;

	xasprintf(&cell, "%s%s%s", prom_format(x, num, sizeof num), unit,
	    note);
	return cell;
}

static void
metric_row(char **cells, const struct prom_value *m)
{
	char resets[32] = "";

	cells[COL_SERIES] = xstrdup(m->series);
	cells[COL_TYPE] = xstrdup(m->counter ? "counter" :
	    prom_type_name(m->type));
	if (!m->valid) {
		cells[COL_LAST] = xstrdup("no value");
		return;
	}
	cells[COL_LAST] = metric_cell(m->last, "", m->present ? "" :
	    " (not in the last scrape)");
	if (!m->counter) {
		cells[COL_MIN] = metric_cell(m->min, "", "");
		cells[COL_MAX] = metric_cell(m->max, "", "");
		return;
	}
	if (m->resets > 0)
		snprintf(resets, sizeof resets, " (%u reset%s)", m->resets,
		    m->resets == 1 ? "" : "s");
	cells[COL_FIRST] = metric_cell(m->first, "", "");
	cells[COL_DELTA] = metric_cell(m->delta, "", resets);
	cells[COL_RATE] = metric_cell(m->rate, "/s", "");
}

void
report_metrics_table(struct rdoc_block *t, const struct health_view *h)
{
	size_t i, k;
	char **cells;

	t->ncols = COL__COUNT;
	t->nrows = h->nmetrics;
	t->cells = xcalloc((t->nrows + 1) * t->ncols, sizeof *t->cells);
	for (k = 0; k < COL__COUNT; k++)
		t->cells[k] = xstrdup(metric_heads[k]);
	for (i = 0; i < h->nmetrics; i++) {
		cells = t->cells + (i + 1) * t->ncols;
		metric_row(cells, &h->metrics[i]);
		/* The renderers want every cell, an empty one too. */
		for (k = 0; k < COL__COUNT; k++)
			if (cells[k] == NULL)
				cells[k] = xstrdup("");
	}
}
