/*
 * A watched process in detail: CPU and RSS over the session, phase by
 * phase.  With several, the table of them first (screen-target-list.c),
 * and the one selected below it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"
#include "util.h"
#include "widget.h"

static size_t events_first;		/* scrolled events */
static size_t events_proc;		/* whose; another resets the scroll */

void
screen_target_graph(struct ui *ui, const struct snapshot *s, size_t proc,
    const struct ui_rect *r, bool rss, bool marks)
{
	struct graph_model gm = { .color = rss ? UC_GRAPH2 : UC_GRAPH };
	size_t i, n, w = (size_t)LT_MAX(r->w, 1);
	const struct mseries_point *series = snapshot_proc_series(s, proc, &n);
	double *t, *v, *cols, span = s->elapsed, base = 0, lo = -1, hi = 0;
	bool *mark = NULL;

	if (n == 0 || r->w < 2 || r->h < 1)
		return;
	t = xcalloc(n, sizeof *t);
	v = xcalloc(n, sizeof *v);
	cols = xcalloc(w, sizeof *cols);
	for (i = 0; i < n; i++) {
		const struct mseries_point *p = &series[i];

		t[i] = ui_target_t(s, p->t_us);
		v[i] = rss ? (double)p->rss : p->cpu;
		span = LT_MAX(span, t[i]);
		if (rss && (lo < 0 || v[i] < lo))
			lo = v[i];
		hi = LT_MAX(hi, v[i]);
	}
	/* RSS from a little below its lowest, so growth shows; a flat
	 * one at half height. */
	if (rss && lo > 0) {
		base = lo * 0.9;
		gm.max = LT_MAX(hi - base, lo * 0.2);
	}
	/* CPU against at least a tenth of a core, so idling looks idle. */
	if (!rss)
		gm.max = LT_MAX(hi, 10.0);
	for (i = 0; i < n; i++)
		v[i] -= base;
	widget_graph_resample(t, v, n, 0, span, cols, w);
	if (marks && span > 0) {
		mark = xcalloc(w, sizeof *mark);
		for (i = 1; i < s->nphases; i++) {
			double st = s->phases[i].started;

			size_t x = (size_t)(st / span * (double)w);

			/* One at the left edge would only hide the axis. */
			if (st > 0 && st <= span && x > 0)
				mark[LT_MIN(x, w - 1)] = true;
		}
	}
	gm.v = cols;
	gm.n = w;
	gm.mark = mark;
	widget_draw(&widget_graph, ui, r, &gm);
	free(mark);
	free(t);
	free(v);
	free(cols);
}

/* Phase numbers under the graphs, where each phase began. */
static void
draw_phase_marks(struct ui *ui, const struct snapshot *s, size_t proc,
    const struct ui_rect *r, int row)
{
	double span = s->elapsed;
	size_t i, n;
	const struct mseries_point *series = snapshot_proc_series(s, proc, &n);

	if (n > 0)
		span = LT_MAX(span, ui_target_t(s, series[n - 1].t_us));
	if (span <= 0)
		return;
	ui_text(ui, r, row, r->w - 6, UC_LABEL, "%5.0fs", span);
	for (i = 0; i < s->nphases; i++) {
		double st = s->phases[i].started;
		int x;

		if (st < 0 || (i > 0 && st <= 0))
			continue;
		x = (int)(st / span * r->w);
		if (i > 0)
			ui_text(ui, r, row, LT_MIN(x, r->w - 2), UC_MARK, "%zu",
			    i + 1);
	}
}

static void
draw_details(struct ui *ui, const struct monitor_view *v,
    const struct ui_rect *r)
{
	const struct monitor_stats *st = &v->stats;
	const struct leak_fit *lf = &v->leak;
	const struct health_view *h = &v->health;
	char a[16], b[16], c[16], d[16];
	int row = 0;

	ui_text(ui, r, row, 0, UC_LABEL, "leak      ");
	ui_text(ui, r, row++, 10, lf->verdict == LEAK_LEAK ? UC_BAD :
	    lf->verdict == LEAK_STABLE ? UC_GOOD : UC_NORMAL, "%s",
	    leak_verdict_name(lf->verdict));
	if (lf->floor.valid) {
		ui_text(ui, r, row, 0, UC_LABEL, "slope");
		ui_text(ui, r, row++, 10, UC_NORMAL, "%s/min  %.0f B/request  "
		    "R2 %.2f", ui_fmt_bytes(lf->kb_per_min * 1024, a, sizeof a),
		    lf->bytes_per_request, lf->floor.r2);
	}
	if (lf->cycles >= 2) {
		ui_text(ui, r, row, 0, UC_LABEL, "collected");
		ui_text(ui, r, row++, 10, UC_NORMAL, "%u times, about %.0fs "
		    "apart, %s deep", lf->cycles, lf->cycle_period_s,
		    ui_fmt_bytes((double)lf->cycle_depth, b, sizeof b));
	} else if (lf->cycles == 1) {
		ui_text(ui, r, row, 0, UC_LABEL, "collected");
		ui_text(ui, r, row++, 10, UC_NORMAL, "once, %s deep",
		    ui_fmt_bytes((double)lf->cycle_depth, b, sizeof b));
	}
	ui_text(ui, r, row++, 10, UC_LABEL, "%s", lf->reason);
	ui_text(ui, r, row, 0, UC_LABEL, "rss");
	ui_text(ui, r, row++, 10, UC_NORMAL, "start %s  max %s  growth %s%s",
	    ui_fmt_bytes((double)st->rss_start, a, sizeof a),
	    ui_fmt_bytes((double)st->rss_max, b, sizeof b),
	    st->growth >= 0 ? "+" : "",
	    ui_fmt_bytes((double)st->growth, c, sizeof c));
	ui_text(ui, r, row, 0, UC_LABEL, "pss, uss");
	if (st->mem_detail)
		ui_text(ui, r, row++, 10, UC_NORMAL, "%s (max %s)  %s (max "
		    "%s)", ui_fmt_bytes((double)st->pss_end, a, sizeof a),
		    ui_fmt_bytes((double)st->pss_max, b, sizeof b),
		    ui_fmt_bytes((double)st->uss_end, c, sizeof c),
		    ui_fmt_bytes((double)st->uss_max, d, sizeof d));
	else
		ui_text(ui, r, row++, 10, UC_LABEL, "smaps_rollup not readable");
	ui_text(ui, r, row, 0, UC_LABEL, "process");
	if (v->last.fds < 0)
		ui_text(ui, r, row++, 10, UC_NORMAL, "threads %d (max %d)  fds "
		    "unreadable", v->last.threads, st->threads_max);
	else
		ui_text(ui, r, row++, 10, UC_NORMAL, "threads %d (max %d)  fds "
		    "%d (max %d)", v->last.threads, st->threads_max,
		    v->last.fds, st->fds_max);
	if (v->tree) {
		ui_text(ui, r, row, 0, UC_LABEL, "tree");
		ui_text(ui, r, row++, 10, UC_NORMAL, "%d processes (max %d), "
		    "%u exited, %u started", v->last.nprocs, st->nprocs_max,
		    st->workers_exited, st->workers_started);
	}
	ui_text(ui, r, row, 0, UC_LABEL, "host");
	ui_text(ui, r, row++, 10, UC_NORMAL, "cpu %.0f%%  load %.2f  mem "
	    "free %s  loadtop %.0f%%", v->last.host_cpu, v->last.load[0],
	    ui_fmt_bytes((double)v->last.host_mem_available, a, sizeof a),
	    v->last.self_cpu);
	ui_text(ui, r, row, 0, UC_LABEL, "health");
	if (!h->enabled)
		ui_text(ui, r, row++, 10, UC_LABEL, "not polled");
	else
		ui_text(ui, r, row++, 10, h->up ? UC_GOOD : UC_BAD, "%s, %"
		    PRIu64 " checks, %" PRIu64 " failed, down %.1fs%s%s",
		    !h->checked ? "waiting" : h->up ? "up" : "DOWN", h->checks,
		    h->failures, (double)h->down_us / 1e6,
		    h->up || !h->checked ? "" : ": ", h->up ? "" : h->error);
}

/* A series' name in w columns, cut in the middle when it must be: its
 * labels, at the end, tell apart the series of one metric. */
static void
metric_name_fit(const char *series, int w, char *out, size_t len)
{
	int n = (int)strlen(series), head;

	if (n <= w || w < 5) {
		snprintf(out, len, "%.*s", LT_MAX(w, 0), series);
		return;
	}
	head = (w - 1) / 3;
	snprintf(out, len, "%.*s~%s", head, series, series + n - (w - 1 - head));
}

int
screen_target_metrics(struct ui *ui, const struct health_view *h,
    const struct ui_rect *r, int row)
{
	size_t i;

	for (i = 0; i < h->nmetrics && row < r->h; i++, row++) {
		const struct prom_value *m = &h->metrics[i];
		char val[160], name[160];
		int nw;

		prom_value_describe(m, true, val, sizeof val);
		/* The figures first: the series' name gives way to them. */
		nw = LT_MAX(12, r->w - (int)strlen(val) - 1);
		metric_name_fit(m->series, nw, name, sizeof name);
		ui_text(ui, r, row, 0, UC_LABEL, "%s", name);
		ui_text(ui, r, row, (int)strlen(name) + 1, m->valid ?
		    UC_NORMAL : UC_LABEL, "%s", val);
	}
	return row;
}

static void
draw_metrics(struct ui *ui, const struct snapshot *s,
    const struct monitor_view *v, const struct ui_rect *r)
{
	const struct health_view *h = &v->health;
	size_t i, k;
	int row = 0;

	row = screen_target_metrics(ui, h, r, row);
	if (h->metrics_enabled && h->metrics_error[0] != '\0')
		ui_text(ui, r, row++, 0, UC_WARN, "%s", h->metrics_error);
	if (v->nevents == 0 || row >= r->h)
		return;
	ui_text(ui, r, row++, 0, UC_LABEL, "events");
	/* The latest events that fit, scrolled back by events_first. */
	k = v->nevents > events_first ? v->nevents - events_first : 0;
	i = (size_t)LT_MAX(0, (long)k - (long)(r->h - row));
	for (; i < k && row < r->h; i++, row++) {
		const struct monitor_event *ev = &v->events[i];

		ui_text(ui, r, row, 0, UC_NORMAL, "%6.1fs %s",
		    ui_target_t(s, ev->t_us), ev->msg);
	}
}

static void
target_init(struct ui *ui)
{
	(void)ui;
	events_first = 0;
	events_proc = 0;
}

/* The title over the CPU graph: the process, and "exited" when it is. */
static void
draw_title(struct ui *ui, const struct snapshot *s, const struct ui_rect *r,
    const struct monitor_view *v)
{
	bool several = snapshot_nprocs(s) > 1;
	bool may_exit = s->nprocesses > 0 && s->processes[ui->proc].may_exit;
	char title[128];
	int n = 0;

	if (several)
		n = snprintf(title, sizeof title, "pid %d  ", (int)v->pid);
	/* Each a share over a second: see cpu-window.h. */
	snprintf(title + n, sizeof title - (size_t)n, "CPU  now %.1f%%  avg "
	    "%.1f%%  max %.1f%%  p95 %.1f%%", v->last.cpu, v->stats.cpu_avg,
	    v->stats.cpu_max, v->stats.cpu_p95);
	ui_title(ui, r, 0, several ? snapshot_proc_name(s, ui->proc) :
	    "Target", title);
	if (!v->alive)
		ui_text(ui, r, 0, r->w - 8, may_exit ? UC_WARN : UC_BAD,
		    " exited ");
}

/* CPU and RSS over the session, the phases under them; returns the
 * row after. */
static int
draw_charts(struct ui *ui, const struct snapshot *s, const struct ui_rect *r,
    const struct monitor_view *v, int gh)
{
	struct ui_rect g = { r->y + 1, r->x, gh, r->w };
	char a[16], b[16], title[64];
	int row = 1 + gh;

	draw_title(ui, s, r, v);
	screen_target_graph(ui, s, ui->proc, &g, false, true);
	snprintf(title, sizeof title, "now %s  max %s",
	    ui_fmt_bytes((double)v->last.rss, a, sizeof a),
	    ui_fmt_bytes((double)v->stats.rss_max, b, sizeof b));
	if (v->last.mem_detail)
		snprintf(title + strlen(title), sizeof title - strlen(title),
		    "  pss %s", ui_fmt_bytes((double)v->last.pss, a, sizeof a));
	ui_title(ui, r, row++, "RSS", title);
	g.y = r->y + row;
	screen_target_graph(ui, s, ui->proc, &g, true, true);
	row += gh;
	draw_phase_marks(ui, s, ui->proc, r, row++);
	return row;
}

static void
target_draw(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *body)
{
	const struct monitor_view *v = snapshot_proc_view(s, ui->proc);
	struct ui_rect r = *body, d, m;
	int gh, row, lw;

	if (!s->has_target) {
		ui_title(ui, &r, 0, "Target", NULL);
		ui_text(ui, &r, 2, 2, UC_NORMAL, "no target process watched");
		ui_text(ui, &r, 3, 2, UC_LABEL, "give --pid, --pid-file, "
		    "--proc-name or --exec, or target.process in the scenario");
		return;
	}
	if (events_proc != ui->proc) {
		events_proc = ui->proc;
		events_first = 0;
	}
	if (v->nevents > 0)
		events_first = LT_MIN(events_first, v->nevents - 1);
	if (snapshot_nprocs(s) > 1) {
		struct ui_rect t = { r.y, r.x, LT_MAX(2, r.h / 4), r.w };

		row = screen_target_list(ui, s, &t);
		r.y += row;
		r.h -= row;
	}
	gh = LT_MAX(2, (r.h - 3 - 9) / 2);
	row = draw_charts(ui, s, &r, v, gh);
	lw = LT_MIN(r.w / 2 + 10, r.w);
	d = (struct ui_rect){ r.y + row, r.x, r.h - row, lw - 1 };
	m = (struct ui_rect){ r.y + row, r.x + lw + 1, r.h - row,
	    r.w - lw - 1 };
	draw_details(ui, v, &d);
	if (m.w > 10) {
		ui_vsplit(ui, m.y, lw, m.h);
		draw_metrics(ui, s, v, &m);
	}
}

static void
key_proc_up(struct ui *ui, int ch)
{
	ui_select_proc(ui, -1, false);
}

static void
key_proc_down(struct ui *ui, int ch)
{
	ui_select_proc(ui, 1, false);
}

static void
key_events_back(struct ui *ui, int ch)
{
	events_first++;		/* stops at the oldest when drawn */
}

static void
key_events_on(struct ui *ui, int ch)
{
	if (events_first > 0)
		events_first--;
}

/* Up and Down select a process when there are several, else scroll the
 * events as PgUp and PgDn always do. */
static const struct ui_key target_keys[] = {
	{ .keys = (const int[]){ KEY_UP, 'k', 0 }, .run = key_proc_up,
	  .help_keys = "Up  k", .help = "the process above",
	  .foot_key = "jk", .foot = "process", .flags = UI_KEY_PROCS },
	{ .keys = (const int[]){ KEY_DOWN, 'j', 0 }, .run = key_proc_down,
	  .help_keys = "Down  j", .help = "the process below",
	  .flags = UI_KEY_PROCS },
	{ .keys = (const int[]){ KEY_UP, 'k', 0 }, .run = key_events_back,
	  .flags = UI_KEY_ONE },
	{ .keys = (const int[]){ KEY_DOWN, 'j', 0 }, .run = key_events_on,
	  .flags = UI_KEY_ONE },
	{ .keys = (const int[]){ KEY_PPAGE, 0 }, .run = key_events_back,
	  .help_keys = "PgUp  PgDn", .help = "scroll the events" },
	{ .keys = (const int[]){ KEY_NPAGE, 0 }, .run = key_events_on },
};

const struct ui_screen screen_target = {
	.name = "Target",
	.watch = true,
	.init = target_init,
	.draw = target_draw,
	.keys = target_keys,
	.nkeys = LT_NELEM(target_keys),
};
