/*
 * The watched processes as a table, one row each: whether it lives, its
 * CPU and RSS now and at most, its growth, leak verdict and health.  The
 * selected one is the one the target view shows below.
 */
#include "config.h"

#include <stdio.h>

#include "ui-int.h"
#include "util.h"
#include "widget.h"

static size_t first;			/* the first row shown */

enum list_col {
	COL_NAME,
	COL_PID,
	COL_STATE,
	COL_CPU,
	COL_CPU_MAX,
	COL_RSS,
	COL_RSS_MAX,
	COL_GROWTH,
	COL_LEAK,
	COL_HEALTH,
	COL__COUNT
};

static const struct table_col cols[COL__COUNT] = {
	[COL_NAME] = { .title = "process", .width = 0, .left = true },
	[COL_PID] = { .title = "pid", .width = 7 },
	[COL_STATE] = { .title = "state", .width = 6, .left = true },
	[COL_CPU] = { .title = "cpu", .width = 6 },
	[COL_CPU_MAX] = { .title = "max", .width = 6 },
	[COL_RSS] = { .title = "rss", .width = 7 },
	[COL_RSS_MAX] = { .title = "max", .width = 7 },
	[COL_GROWTH] = { .title = "growth", .width = 8 },
	[COL_LEAK] = { .title = "leak", .width = 12, .left = true },
	[COL_HEALTH] = { .title = "health", .width = 7, .left = true },
};

static bool
proc_may_exit(const struct snapshot *s, size_t i)
{
	return s->nprocesses > 0 && s->processes[i].may_exit;
}

const char *
screen_target_state(const struct snapshot *s, size_t i, enum ui_color *c)
{
	const struct monitor_view *v = snapshot_proc_view(s, i);
	const struct health_view *h = &v->health;

	if (!v->alive) {
		/* Expected to go: a note, not a failure. */
		*c = proc_may_exit(s, i) ? UC_WARN : UC_BAD;
		return proc_may_exit(s, i) ? "exited" : "EXITED";
	}
	if (h->enabled && h->checked && !h->up) {
		*c = UC_BAD;
		return "DOWN";
	}
	if (v->leak.verdict == LEAK_LEAK) {
		*c = UC_WARN;
		return "leaking";
	}
	if (!v->have_sample) {
		*c = UC_LABEL;
		return "waiting";
	}
	*c = UC_GOOD;
	return "ok";
}

typedef void cell_fn(const struct monitor_view *, bool may_exit, char *buf,
    size_t len, enum ui_color *);

static void
cell_pid(const struct monitor_view *v, bool may_exit, char *buf, size_t len,
    enum ui_color *c)
{
	snprintf(buf, len, "%d", (int)v->pid);
}

static void
cell_state(const struct monitor_view *v, bool may_exit, char *buf,
    size_t len, enum ui_color *c)
{
	*c = v->alive ? UC_GOOD : may_exit ? UC_WARN : UC_BAD;
	snprintf(buf, len, "%s", v->alive ? "alive" : "exited");
}

static void
fmt_cpu(double cpu, char *buf, size_t len)
{
	snprintf(buf, len, cpu >= 100 ? "%.0f%%" : "%.1f%%", cpu);
}

static void
cell_cpu(const struct monitor_view *v, bool may_exit, char *buf, size_t len,
    enum ui_color *c)
{
	fmt_cpu(v->last.cpu, buf, len);
}

static void
cell_cpu_max(const struct monitor_view *v, bool may_exit, char *buf,
    size_t len, enum ui_color *c)
{
	fmt_cpu(v->stats.cpu_max, buf, len);
}

static void
cell_rss(const struct monitor_view *v, bool may_exit, char *buf, size_t len,
    enum ui_color *c)
{
	ui_fmt_bytes((double)v->last.rss, buf, len);
}

static void
cell_rss_max(const struct monitor_view *v, bool may_exit, char *buf,
    size_t len, enum ui_color *c)
{
	ui_fmt_bytes((double)v->stats.rss_max, buf, len);
}

static void
cell_growth(const struct monitor_view *v, bool may_exit, char *buf,
    size_t len, enum ui_color *c)
{
	*c = v->stats.growth > 0 ? UC_WARN : UC_NORMAL;
	buf[0] = v->stats.growth >= 0 ? '+' : '\0';
	ui_fmt_bytes((double)v->stats.growth, buf + (buf[0] != '\0'),
	    len - 1);
}

static void
cell_leak(const struct monitor_view *v, bool may_exit, char *buf, size_t len,
    enum ui_color *c)
{
	*c = v->leak.verdict == LEAK_LEAK ? UC_BAD :
	    v->leak.verdict == LEAK_STABLE ? UC_GOOD : UC_LABEL;
	snprintf(buf, len, "%s", leak_verdict_name(v->leak.verdict));
}

static void
cell_health(const struct monitor_view *v, bool may_exit, char *buf,
    size_t len, enum ui_color *c)
{
	const struct health_view *h = &v->health;

	*c = !h->enabled || !h->checked ? UC_LABEL : h->up ? UC_GOOD : UC_BAD;
	snprintf(buf, len, "%s", !h->enabled ? "-" : !h->checked ? "waiting" :
	    h->up ? "up" : "DOWN");
}

/* The name is the snapshot's, not the view's: it is drawn apart. */
static cell_fn *const cells[COL__COUNT] = {
	[COL_PID] = cell_pid,
	[COL_STATE] = cell_state,
	[COL_CPU] = cell_cpu,
	[COL_CPU_MAX] = cell_cpu_max,
	[COL_RSS] = cell_rss,
	[COL_RSS_MAX] = cell_rss_max,
	[COL_GROWTH] = cell_growth,
	[COL_LEAK] = cell_leak,
	[COL_HEALTH] = cell_health,
};

static void
list_cell(const void *arg, size_t row, size_t col, char *buf, size_t len,
    enum ui_color *c)
{
	const struct snapshot *s = arg;

	if (col == COL_NAME)
		snprintf(buf, len, "%s", snapshot_proc_name(s, row));
	else
		cells[col](snapshot_proc_view(s, row), proc_may_exit(s, row),
		    buf, len, c);
}

int
screen_target_list(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *r)
{
	size_t n = snapshot_nprocs(s);
	struct ui_rect t = { r->y, r->x, LT_MIN((int)n + 1, r->h), r->w };
	struct table_model m = {
		.cols = cols,
		.ncols = COL__COUNT,
		.nrows = n,
		.selected = ui->proc,
		.cell = list_cell,
		.arg = s,
	};
	size_t shown = (size_t)LT_MAX(t.h - 1, 1);

	/* Scrolled just enough to keep the selected one in sight. */
	if (ui->proc < first)
		first = ui->proc;
	if (ui->proc >= first + shown)
		first = ui->proc - shown + 1;
	first = LT_MIN(first, n > shown ? n - shown : 0);
	m.first = first;
	widget_draw(&widget_table, ui, &t, &m);
	return t.h;
}
