/* The overview: latency, throughput, responses and the target at once. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"
#include "util.h"
#include "widget.h"

#define THROUGHPUT_WINDOW 60.0		/* seconds in the throughput graph */

/* The whole run's latency histogram on a log scale of `width` bins. */
static void
draw_histogram(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *r)
{
	struct ui_rect gr = { r->y, r->x, r->h - 1, r->w };
	struct graph_model gm = { .color = UC_GRAPH2 };
	const struct hdr *h = s->histogram;
	struct hdr_iter it;
	double lo, hi, *bins;
	char a[16], b[16];
	size_t n = (size_t)r->w;

	if (h == NULL || hdr_count(h) == 0 || gr.h < 1)
		return;
	lo = log((double)LT_MAX(hdr_min(h), 1));
	hi = log((double)LT_MAX(hdr_max(h), 1));
	bins = xcalloc(n, sizeof *bins);
	hdr_iter_init(&it, h);
	while (hdr_iter_next(&it)) {
		double v = log((double)LT_MAX(it.value_from, 1));
		size_t k = hi > lo ? (size_t)((v - lo) / (hi - lo) * (double)n) :
		    0;

		bins[LT_MIN(k, n - 1)] += (double)it.count;
	}
	gm.v = bins;
	gm.n = n;
	widget_draw(&widget_graph, ui, &gr, &gm);
	ui_fmt_ms((double)hdr_min(h) / 1000, a, sizeof a);
	ui_fmt_ms((double)hdr_max(h) / 1000, b, sizeof b);
	ui_text(ui, r, r->h - 1, 0, UC_LABEL, "%s", a);
	if ((int)(strlen(a) + strlen(b)) < r->w)
		ui_text(ui, r, r->h - 1, r->w - (int)strlen(b), UC_LABEL,
		    "%s", b);
	free(bins);
}

static void
draw_latency(struct ui *ui, const struct snapshot *s, const struct ui_rect *r)
{
	static const struct {
		const char *label;
		enum thr_metric m;
		size_t off;
	} rows[] = {
		{ "p50", THR_P50, offsetof(struct snap_lat, p50) },
		{ "p90", THR_P90, offsetof(struct snap_lat, p90) },
		{ "p95", THR_P95, offsetof(struct snap_lat, p95) },
		{ "p99", THR_P99, offsetof(struct snap_lat, p99) },
		{ "p99.9", THR_P999, offsetof(struct snap_lat, p999) },
		{ "max", THR_MAX, offsetof(struct snap_lat, max) },
		{ "mean", THR_MEAN, offsetof(struct snap_lat, mean) },
		{ "min", THR_MIN, offsetof(struct snap_lat, min) },
	};
	const struct snap_lat *last = &s->interval.latency;
	const struct snap_lat *run = &s->total.latency;
	char a[16], b[16];
	size_t i;

	ui_title(ui, r, 0, "Latency", "from the planned start");
	ui_text(ui, r, 1, 0, UC_LABEL, "%-6s %9s %9s", "", "last", "run");
	for (i = 0; i < LT_NELEM(rows) && (int)i + 2 < r->h; i++) {
		double lv = *(const double *)((const char *)last + rows[i].off);
		double rv = *(const double *)((const char *)run + rows[i].off);

		ui_text(ui, r, (int)i + 2, 0, UC_LABEL, "%-6s", rows[i].label);
		ui_text(ui, r, (int)i + 2, 7, ui_latency_color(ui, rows[i].m,
		    lv, false), "%9s", ui_fmt_ms(lv, a, sizeof a));
		ui_text(ui, r, (int)i + 2, 17, ui_latency_color(ui, rows[i].m,
		    rv, true), "%9s", ui_fmt_ms(rv, b, sizeof b));
	}
	if (r->w - 28 >= 10 && r->h >= 4) {
		struct ui_rect hr = { r->y + 1, r->x + 28, r->h - 1,
		    r->w - 29 };

		draw_histogram(ui, s, &hr);
	}
}

/* The rate of the last whole interval: a boundary's or the run's last,
 * partial one holds too few requests to say it. */
static double
last_whole_rps(const struct snapshot *s)
{
	size_t i;

	for (i = s->nseries; i-- > 0; )
		if (!s->series[i].partial)
			return s->series[i].rps;
	return s->interval_end ? s->interval.rps : 0;
}

static void
draw_throughput(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *r)
{
	const struct snap_counts *n = &s->total.n;
	struct graph_model gm = { .color = UC_GRAPH };
	struct ui_rect gr = { r->y + 3, r->x, r->h - 4, r->w };
	double *t, *v, *cols, now = s->elapsed, max = 0;
	char a[16], b[16];
	size_t i, nt = 0, w = (size_t)LT_MAX(r->w, 1);
	int x;

	ui_title(ui, r, 0, "Throughput", NULL);
	x = ui_text(ui, r, 1, 0, UC_LABEL, "now ");
	x += ui_text(ui, r, 1, x, UC_NORMAL, "%.1f/s", last_whole_rps(s));
	x += ui_text(ui, r, 1, x, UC_LABEL, "  avg ");
	x += ui_text(ui, r, 1, x, UC_NORMAL, "%.1f/s", s->total.rps);
	x += ui_text(ui, r, 1, x, UC_LABEL, "  peak ");
	ui_text(ui, r, 1, x, UC_NORMAL, "%.1f/s", s->rps_peak);
	x = ui_text(ui, r, 2, 0, UC_LABEL, "requests ");
	x += ui_text(ui, r, 2, x, UC_NORMAL, "%" PRIu64, n->completed);
	if (n->late_starts > 0 || n->skipped > 0) {
		x += ui_text(ui, r, 2, x, UC_LABEL, "  late ");
		x += ui_text(ui, r, 2, x, UC_WARN, "%s", ui_fmt_count(
		    n->late_starts, a, sizeof a));
		x += ui_text(ui, r, 2, x, UC_LABEL, " skipped ");
		x += ui_text(ui, r, 2, x, n->skipped ? UC_WARN : UC_NORMAL,
		    "%s", ui_fmt_count(n->skipped, b, sizeof b));
	}
	x += ui_text(ui, r, 2, x, UC_LABEL, "  in flight ");
	ui_text(ui, r, 2, x, UC_NORMAL, "%" PRIu64,
	    n->started > n->completed ? n->started - n->completed : 0);
	if (gr.h < 1)
		return;
	t = xcalloc(s->nseries + 1, sizeof *t);
	v = xcalloc(s->nseries + 1, sizeof *v);
	cols = xcalloc(w, sizeof *cols);
	for (i = 0; i < s->nseries; i++) {
		if (s->series[i].partial)
			continue;
		t[nt] = s->series[i].t;
		v[nt] = s->series[i].rps;
		if (t[nt] >= now - THROUGHPUT_WINDOW)
			max = LT_MAX(max, v[nt]);
		nt++;
	}
	widget_graph_resample(t, v, nt, now - THROUGHPUT_WINDOW, now, cols, w);
	gm.v = cols;
	gm.n = w;
	gm.max = max;
	widget_draw(&widget_graph, ui, &gr, &gm);
	ui_text(ui, r, r->h - 1, 0, UC_LABEL, "-%.0fs", THROUGHPUT_WINDOW);
	snprintf(a, sizeof a, "max %.0f/s", max);
	ui_text(ui, r, r->h - 1, (r->w - (int)strlen(a)) / 2, UC_LABEL, "%s",
	    a);
	ui_text(ui, r, r->h - 1, r->w - 3, UC_LABEL, "now");
	free(t);
	free(v);
	free(cols);
}

static void
draw_responses(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *r)
{
	static const struct {
		enum lt_class c;
		const char *label;
		enum ui_color color;
		bool rare;		/* a line only when there are some */
	} rows[] = {
		{ CLS_OK, "ok", UC_GOOD, false },
		{ CLS_RATE_LIMITED, "rate-limited", UC_WARN, false },
		{ CLS_CHECK_FAILED, "check failed", UC_BAD, true },
		{ CLS_CLIENT_ERROR, "4xx", UC_BAD, false },
		{ CLS_SERVER_ERROR, "5xx", UC_BAD, false },
		{ CLS_TIMEOUT, "timeout", UC_BAD, false },
		{ CLS_CONNECT_ERROR, "connect", UC_BAD, false },
		{ CLS_TRANSPORT_ERROR, "transport", UC_BAD, false },
		{ CLS_UNEXPECTED, "unexpected", UC_BAD, true },
		{ CLS_CAPTURE_MISSING, "not sent", UC_BAD, true },
	};
	const struct snap_counts *n = &s->total.n;
	uint64_t checks = s->checks_passed + s->checks_failed;
	char a[16];
	size_t i, k;
	int row = 1;

	ui_title(ui, r, 0, "Responses", NULL);
	for (i = 0; i < LT_NELEM(rows) && row < r->h; i++) {
		uint64_t c = n->classes[rows[i].c];

		if (rows[i].rare && c == 0)
			continue;
		ui_text(ui, r, row, 0, UC_LABEL, "%-12s", rows[i].label);
		ui_text(ui, r, row, 13, c ? rows[i].color : UC_NORMAL, "%8s",
		    ui_fmt_count(c, a, sizeof a));
		ui_text(ui, r, row, 22, UC_NORMAL, "%6.1f%%",
		    ui_pct(c, n->completed));
		row++;
	}
	if (row + 1 < r->h) {
		char in[16], c2[16];

		row++;
		ui_text(ui, r, row++, 0, UC_LABEL, "errors %.2f%% last, %.2f%% "
		    "run", ui_pct(s->interval.n.errors, s->interval.n.completed),
		    ui_pct(n->errors, n->completed));
		if (checks > 0)
			ui_text(ui, r, row++, 0, s->checks_failed ? UC_WARN :
			    UC_LABEL, "checks %.2f%% passed, %s failed",
			    ui_pct(s->checks_passed, checks), ui_fmt_count(
			    s->checks_failed, a, sizeof a));
		ui_text(ui, r, row, 0, UC_LABEL, "%s in, %s connections",
		    ui_fmt_bytes((double)n->bytes_in, in, sizeof in),
		    ui_fmt_count(n->connects, c2, sizeof c2));
	}
	if (r->w - 31 < 10)
		return;
	ui_text(ui, r, 1, 31, UC_LABEL, "status");
	for (k = 0; k < s->nstatus && (int)k + 2 < r->h; k++)
		ui_text(ui, r, (int)k + 2, 31, s->status[k].code >= 400 ?
		    UC_WARN : UC_NORMAL, "%3d %8s", s->status[k].code,
		    ui_fmt_count(s->status[k].count, a, sizeof a));
}

/* Growth and leak, threads and fds, health: a line each from row on;
 * returns the row after them. */
static int
target_facts(struct ui *ui, const struct monitor_view *v,
    const struct ui_rect *r, int row)
{
	const struct health_view *h = &v->health;
	char a[16], b[16];

	ui_text(ui, r, row, 0, UC_LABEL, "growth");
	ui_text(ui, r, row, 7, v->stats.growth > 0 ? UC_WARN : UC_NORMAL,
	    "%s%s", v->stats.growth >= 0 ? "+" : "",
	    ui_fmt_bytes((double)v->stats.growth, a, sizeof a));
	ui_text(ui, r, row, 17, UC_LABEL, "leak");
	/* Without a floor (a saw-tooth of one or two falls) no slope. */
	ui_text(ui, r, row, 22, v->leak.verdict == LEAK_LEAK ? UC_BAD :
	    v->leak.verdict == LEAK_STABLE ? UC_GOOD : UC_LABEL, "%s %s%s",
	    leak_verdict_name(v->leak.verdict), v->leak.floor.valid ?
	    ui_fmt_bytes(v->leak.kb_per_min * 1024, b, sizeof b) : "",
	    v->leak.floor.valid ? "/min" : "");
	row++;
	if (v->last.mem_detail) {
		ui_text(ui, r, row, 0, UC_LABEL, "pss");
		ui_text(ui, r, row, 7, UC_NORMAL, "%s",
		    ui_fmt_bytes((double)v->last.pss, a, sizeof a));
		ui_text(ui, r, row, 17, UC_LABEL, "uss");
		ui_text(ui, r, row++, 22, UC_NORMAL, "%s",
		    ui_fmt_bytes((double)v->last.uss, b, sizeof b));
	}
	ui_text(ui, r, row, 0, UC_LABEL, "threads");
	ui_text(ui, r, row, 8, UC_NORMAL, "%-5d", v->last.threads);
	ui_text(ui, r, row, 14, UC_LABEL, "fds");
	if (v->last.fds >= 0)
		ui_text(ui, r, row, 18, UC_NORMAL, "%-6d", v->last.fds);
	else
		ui_text(ui, r, row, 18, UC_LABEL, "-");
	if (v->tree) {
		ui_text(ui, r, row, 25, UC_LABEL, "procs");
		ui_text(ui, r, row, 31, UC_NORMAL, "%d", v->last.nprocs);
	}
	row++;
	ui_text(ui, r, row, 0, UC_LABEL, "health");
	if (!h->enabled)
		ui_text(ui, r, row, 7, UC_LABEL, "not polled");
	else if (!h->checked)
		ui_text(ui, r, row, 7, UC_LABEL, "waiting");
	else if (h->up)
		ui_text(ui, r, row, 7, UC_GOOD, "up %s",
		    ui_fmt_ms(h->latency_ms, a, sizeof a));
	else
		ui_text(ui, r, row, 7, UC_BAD, "DOWN %s", h->error);
	return row + 1;
}

/* The one process watched, with its graphs, facts and events. */
static void
draw_target(struct ui *ui, const struct snapshot *s, const struct ui_rect *r)
{
	const struct monitor_view *v = snapshot_proc_view(s, 0);
	const struct health_view *h = &v->health;
	struct ui_rect g;
	char title[64], a[16];
	size_t i;
	int row;

	if (v->tree)
		snprintf(title, sizeof title, "pid %d, %d processes",
		    (int)v->pid, v->last.nprocs);
	else
		snprintf(title, sizeof title, "pid %d", (int)v->pid);
	ui_title(ui, r, 0, "Target", title);
	if (!v->alive)
		ui_text(ui, r, 0, r->w - 8, UC_BAD, " exited ");
	if (!v->have_sample) {
		ui_text(ui, r, 1, 0, UC_LABEL, "no sample yet");
		return;
	}
	ui_text(ui, r, 1, 0, UC_LABEL, "CPU");
	ui_text(ui, r, 1, 4, UC_NORMAL, "%7.1f%%", v->last.cpu);
	ui_text(ui, r, 2, 0, UC_LABEL, "RSS");
	ui_text(ui, r, 2, 4, UC_NORMAL, "%8s", ui_fmt_bytes(
	    (double)v->last.rss, a, sizeof a));
	g = (struct ui_rect){ r->y + 1, r->x + 14, 1, r->w - 14 };
	screen_target_graph(ui, s, 0, &g, false, false);
	g.y++;
	screen_target_graph(ui, s, 0, &g, true, false);

	row = target_facts(ui, v, r, 3);
	row = screen_target_metrics(ui, h, r, row);
	/* The latest events below, as many as fit. */
	i = v->nevents;
	while (i > 0 && (int)(v->nevents - i) < r->h - row - 1)
		i--;
	for (row++; i < v->nevents && row < r->h; i++) {
		const struct monitor_event *ev = &v->events[i];

		if (ev->kind == MON_EV_START)
			continue;
		ui_text(ui, r, row++, 0, UC_LABEL, "%6.1fs %s",
		    ui_target_t(s, ev->t_us), ev->msg);
	}
}

/* Several, where a line each does not fit: "3 processes: a ok, b ...". */
static void
draw_procs_short(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *r, int row)
{
	size_t i, n = snapshot_nprocs(s);
	enum ui_color c;
	const char *word;
	int x;

	x = ui_text(ui, r, row, 0, UC_NORMAL, "%zu processes:", n);
	for (i = 0; i < n && x < r->w; i++) {
		word = screen_target_state(s, i, &c);
		x += ui_text(ui, r, row, x, UC_NORMAL, " %s ",
		    snapshot_proc_name(s, i));
		x += ui_text(ui, r, row, x, c, "%s", word);
		x += ui_text(ui, r, row, x, UC_NORMAL, i + 1 < n ? "," : "");
	}
}

/* Process i on one line: its state, CPU, RSS, growth and leak verdict. */
static void
draw_proc_line(struct ui *ui, const struct snapshot *s, size_t i,
    const struct ui_rect *r, int row)
{
	const struct monitor_view *v = snapshot_proc_view(s, i);
	enum ui_color c;
	const char *word = screen_target_state(s, i, &c);
	char a[16], b[16];

	ui_text(ui, r, row, 0, i == ui->proc ? UC_SELECTED : UC_NORMAL,
	    "%-8.8s", snapshot_proc_name(s, i));
	ui_text(ui, r, row, 9, c, "%-7s", word);
	ui_text(ui, r, row, 17, UC_NORMAL, "%5.1f%% %7s", v->last.cpu,
	    ui_fmt_bytes((double)v->last.rss, a, sizeof a));
	ui_text(ui, r, row, 32, v->stats.growth > 0 ? UC_WARN : UC_NORMAL,
	    "%s%s", v->stats.growth >= 0 ? "+" : "",
	    ui_fmt_bytes((double)v->stats.growth, b, sizeof b));
	ui_text(ui, r, row, 41, v->leak.verdict == LEAK_LEAK ? UC_BAD :
	    v->leak.verdict == LEAK_STABLE ? UC_GOOD : UC_LABEL, "%s",
	    leak_verdict_name(v->leak.verdict));
}

/* Several processes: how many, a line each, then the selected one's
 * facts if there is room. */
static void
draw_procs(struct ui *ui, const struct snapshot *s, const struct ui_rect *r)
{
	size_t i, n = snapshot_nprocs(s);
	char title[32];
	int row = 1;

	snprintf(title, sizeof title, "%zu processes", n);
	ui_title(ui, r, 0, "Target", title);
	if ((size_t)LT_MAX(r->h - 2, 0) < n) {
		draw_procs_short(ui, s, r, row);
		return;
	}
	ui_text(ui, r, row++, 0, UC_LABEL, "%-8s %-7s %6s %7s %-8s %s",
	    "process", "state", "cpu", "rss", "growth", "leak");
	for (i = 0; i < n; i++)
		draw_proc_line(ui, s, i, r, row++);
	if (r->h - row < 5)
		return;
	ui_text(ui, r, ++row, 0, UC_LABEL, "%s, pid %d",
	    snapshot_proc_name(s, ui->proc),
	    (int)snapshot_proc_view(s, ui->proc)->pid);
	target_facts(ui, snapshot_proc_view(s, ui->proc), r, row + 1);
}

static void
draw_watched(struct ui *ui, const struct snapshot *s, const struct ui_rect *r)
{
	if (!s->has_target) {
		ui_title(ui, r, 0, "Target", NULL);
		ui_text(ui, r, 1, 0, UC_LABEL, "no target process watched");
		ui_text(ui, r, 2, 0, UC_LABEL, "(--pid, --proc-name, --exec)");
	} else if (snapshot_nprocs(s) > 1)
		draw_procs(ui, s, r);
	else
		draw_target(ui, s, r);
}

/* A connections phase runs, or the run held streams only: their panel
 * says more than a rate of no requests. */
static bool
streams_now(const struct snapshot *s)
{
	if (s->phase < s->nphases)
		return s->phases[s->phase].kind == SCN_CONNECTIONS;
	return s->nstreams > 0 && s->total.n.started == 0;
}

static void
overview_draw(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *body)
{
	int lw = body->w / 2, rw = body->w - lw - 1;
	int th = body->h / 2, bh = body->h - th;
	struct ui_rect lat = { body->y, 1, th, lw - 1 };
	struct ui_rect thr = { body->y, lw + 2, th, rw - 1 };
	struct ui_rect rsp = { body->y + th, 1, bh, lw - 1 };
	struct ui_rect tgt = { body->y + th, lw + 2, bh, rw - 1 };

	draw_latency(ui, s, &lat);
	if (streams_now(s))
		screen_streams_panel(ui, s, &thr);
	else
		draw_throughput(ui, s, &thr);
	draw_responses(ui, s, &rsp);
	draw_watched(ui, s, &tgt);
	ui_vsplit(ui, body->y, lw, body->h);
}

const struct ui_screen screen_overview = {
	.name = "Overview",
	.draw = overview_draw,
};
