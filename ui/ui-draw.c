/* Colours, clipped text, and the frame around every view. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"
#include "util.h"
#include "widget.h"

struct ui_style {
	short fg, bg;
	attr_t color_attr;		/* added to the pair */
	attr_t mono;			/* without colours */
};

static const struct ui_style styles[UC__COUNT] = {
	[UC_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[UC_TITLE] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[UC_LABEL] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[UC_GOOD] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[UC_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[UC_BAD] = { COLOR_RED, -1, A_BOLD, A_REVERSE },
	[UC_GRAPH] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[UC_GRAPH2] = { COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL },
	[UC_MARK] = { COLOR_YELLOW, -1, A_NORMAL, A_DIM },
	[UC_KEY] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[UC_BAR] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[UC_SELECTED] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE },
};

static attr_t attrs[UC__COUNT];

void
ui_colors_init(struct ui *ui)
{
	const char *no_color = getenv("NO_COLOR");
	size_t i;

	/* NO_COLOR: any value but the empty string turns colours off. */
	ui->color = has_colors() && (no_color == NULL || *no_color == '\0');
	if (ui->color && start_color() == ERR)
		ui->color = false;
	if (ui->color)
		use_default_colors();
	for (i = 0; i < UC__COUNT; i++) {
		if (!ui->color || i == UC_NORMAL) {
			attrs[i] = styles[i].mono;
			continue;
		}
		init_pair((short)i, styles[i].fg, styles[i].bg);
		attrs[i] = COLOR_PAIR(i) | styles[i].color_attr;
	}
}

attr_t
ui_attr(const struct ui *ui, enum ui_color c)
{
	(void)ui;
	return attrs[c];
}

int
ui_text(struct ui *ui, const struct ui_rect *r, int row, int col,
    enum ui_color c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (row < 0 || row >= r->h || col < 0 || col >= r->w)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	n = (int)strlen(buf);
	if (n > r->w - col)
		n = r->w - col;
	attrset(ui_attr(ui, c));
	mvaddnstr(r->y + row, r->x + col, buf, n);
	attrset(A_NORMAL);
	return n;
}

void
ui_title(struct ui *ui, const struct ui_rect *r, int row, const char *title,
    const char *extra)
{
	int n;

	if (row < 0 || row >= r->h)
		return;
	attrset(ui_attr(ui, UC_TITLE));
	mvhline(r->y + row, r->x, ' ', r->w);
	attrset(A_NORMAL);
	n = ui_text(ui, r, row, 0, UC_TITLE, " %s ", title);
	if (extra != NULL)
		ui_text(ui, r, row, n, UC_TITLE, " %s", extra);
}

void
ui_vsplit(struct ui *ui, int y, int x, int h)
{
	int i;

	attrset(ui_attr(ui, UC_LABEL));
	for (i = 0; i < h; i++)
		mvaddstr(y + i, x, ui->g->vline);
	attrset(A_NORMAL);
}

void
ui_message(struct ui *ui, bool bad, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof ui->message, fmt, ap);
	va_end(ap);
	ui->message_bad = bad;
	ui->message_until = ui->now_us + 5000000;
}

enum ui_color
ui_latency_color(const struct ui *ui, enum thr_metric m, double ms,
    bool whole_run)
{
	enum ui_color c = UC_NORMAL;
	size_t i;

	if (!ui->have_verdict || ms <= 0)
		return UC_NORMAL;
	for (i = 0; i < ui->verdict.n; i++) {
		const struct verdict_row *row = &ui->verdict.rows[i];
		bool pass;

		if (row->t->scope != THR_SCOPE_ALL || row->t->metric != m ||
		    row->t->stream != THR_STREAM_NONE)
			continue;
		pass = whole_run ? row->passed : threshold_check(row->t, ms);
		if (!pass)
			return UC_BAD;
		c = UC_GOOD;
	}
	return c;
}

enum ui_color
ui_threshold_state(const struct snapshot *s, const struct verdict_row *row,
    const char **word)
{
	if (row->passed) {
		*word = "PASS";
		return UC_GOOD;
	}
	/* Its phase or stage is still to come, or never came. */
	if (row->status == VERDICT_NOT_EVALUATED) {
		*word = s->state == ENGINE_DONE ? "not run" : "pending";
		return UC_LABEL;
	}
	if (row->final) {
		*word = "FAIL";
		return UC_BAD;
	}
	if (!row->known) {
		*word = "waiting";
		return UC_LABEL;
	}
	*word = "failing";
	return UC_WARN;
}

static size_t
thresholds_failing(const struct ui *ui, const struct snapshot *s)
{
	const char *word;
	size_t i, n = 0;

	for (i = 0; ui->have_verdict && i < ui->verdict.n; i++) {
		enum ui_color c = ui_threshold_state(s, &ui->verdict.rows[i],
		    &word);

		n += c == UC_BAD || c == UC_WARN;
	}
	return n;
}

static enum engine_state
live_state(const struct ui *ui, const struct snapshot *s)
{
	if (s->state == ENGINE_DONE)
		return ENGINE_DONE;
	if (ui->quitting || s->state == ENGINE_FINISHING)
		return ENGINE_FINISHING;
	return s->state;
}

/* Line 1, left: the scenario and the phase, or that it only watches;
 * returns the width used. */
static int
header_title(struct ui *ui, const struct snapshot *s,
    const struct snap_phase *p, const struct ui_rect *r)
{
	int x = ui_text(ui, r, 0, 0, UC_BAR, " loadtop  %s  ", s->scn->name);

	if (s->watch_only)
		x += ui_text(ui, r, 0, x, UC_BAR, "monitor ");
	else if (p != NULL)
		x += ui_text(ui, r, 0, x, UC_BAR, "phase %zu/%zu %s %s ",
		    s->phase + 1, s->nphases, kinds_phase_name(p->kind),
		    p->name);
	else
		x += ui_text(ui, r, 0, x, UC_BAR, "all %zu phases done ",
		    s->nphases);
	return x;
}

/* Watching only: whether the time left is worth showing, the phase
 * having a length under a day (not a stand-in for "until stopped"). */
static bool
watch_bounded(const struct snapshot *s)
{
	return s->phase < s->nphases && s->scn->phases[s->phase].duration_us <
	    INT64_C(86400000000);
}

/* Line 1, right: the clock, with the phase's progress bar before it. */
static void
header_clock(struct ui *ui, const struct snapshot *s,
    const struct snap_phase *p, const struct ui_rect *r, int x)
{
	struct meter_model mm = { .color = UC_GOOD };
	double elapsed = ui_elapsed(ui, s), remaining = s->remaining;
	char el[32], left[32], pct[8];
	int barw, used;

	if (s->watch_only && !watch_bounded(s))
		remaining = -1;
	if (remaining >= 0 && live_state(ui, s) == ENGINE_RUNNING)
		remaining = LT_MAX(0, remaining - (elapsed - s->elapsed));
	ui_fmt_time(elapsed, el, sizeof el);
	if (remaining >= 0)
		snprintf(left, sizeof left, "  %s left", ui_fmt_time(remaining,
		    pct, sizeof pct));
	else
		left[0] = '\0';
	snprintf(pct, sizeof pct, "%3.0f%%", p ? p->progress * 100 : 100.0);
	used = (int)strlen(el) + (int)strlen(left) + 2;
	barw = LT_MIN(r->w - x - used - 6, 40);
	if (barw >= 6 && (!s->watch_only || remaining >= 0)) {
		struct ui_rect br = { 0, x, 1, barw };

		mm.value = p ? p->progress : 1;
		mm.max = 1;
		mm.text = pct;
		widget_draw(&widget_meter, ui, &br, &mm);
	}
	ui_text(ui, r, 0, r->w - used, UC_BAR, "%s%s ", el, left);
}

/* How each state reads on line 2. */
static const struct {
	enum ui_color color;
	const char *text;		/* NULL: the state's name */
} header_states[] = {
	[ENGINE_STARTING] = { .color = UC_GOOD },
	[ENGINE_RUNNING] = { .color = UC_GOOD },
	[ENGINE_PAUSED] = { .color = UC_WARN, .text = "PAUSED" },
	[ENGINE_FINISHING] = { .color = UC_WARN, .text = "finishing" },
	[ENGINE_DONE] = { .color = UC_NORMAL },
};

/* Line 2, watching only: the processes by name and pid. */
static int
header_watched(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *r)
{
	size_t i, n = snapshot_nprocs(s);
	int x = ui_text(ui, r, 1, 0, UC_LABEL, " watching ");
	enum ui_color c;

	if (n == 0)
		x += ui_text(ui, r, 1, x, UC_LABEL, "nothing  ");
	for (i = 0; i < n; i++) {
		if (x > r->w / 2) {
			x += ui_text(ui, r, 1, x, UC_LABEL, "+%zu more  ", n - i);
			break;
		}
		screen_target_state(s, i, &c);
		x += ui_text(ui, r, 1, x, c == UC_BAD ? UC_BAD : UC_NORMAL,
		    "%s %d%s", snapshot_proc_name(s, i),
		    (int)snapshot_proc_view(s, i)->pid, i + 1 < n ? ", " : "  ");
	}
	return x;
}

/* Line 2: where the load goes and what the run is doing. */
static int
header_status(struct ui *ui, const struct snapshot *s,
    const struct snap_phase *p, const struct ui_rect *r)
{
	enum engine_state st = live_state(ui, s);
	int x;

	if (s->watch_only)
		x = header_watched(ui, s, r);
	else {
		x = ui_text(ui, r, 1, 0, UC_LABEL, " target ");
		x += ui_text(ui, r, 1, x, UC_NORMAL, "%.*s  ",
		    LT_MAX(10, r->w / 2 - 8), ui_target_url(s));
	}
	if (st == ENGINE_DONE)
		x += ui_text(ui, r, 1, x, header_states[st].color, "done (%s)",
		    snapshot_end_reason_name(s->end_reason));
	else
		x += ui_text(ui, r, 1, x, header_states[st].color, "%s",
		    header_states[st].text ? header_states[st].text :
		    snapshot_state_name(st));
	if (s->factor < 0.995 || s->factor > 1.005)
		x += ui_text(ui, r, 1, x, UC_WARN, "  scale x%.2f", s->factor);
	if (p != NULL && p->target_rate > 0)
		x += ui_text(ui, r, 1, x, UC_LABEL, "  %.0f/s", p->target_rate);
	else if (p != NULL && p->target_users > 0)
		x += ui_text(ui, r, 1, x, UC_LABEL, "  %u users",
		    p->target_users);
	return x;
}

/* The views Tab cycles: the screens, or watching only, the target
 * view of each process. */
static size_t
view_count(const struct ui *ui)
{
	return ui->watch_only ? LT_MAX(ui->nprocs, 1) : ui_nscreens;
}

static size_t
view_current(const struct ui *ui)
{
	return ui->watch_only ? ui->proc : ui->screen;
}

static bool
view_offered(const struct ui *ui, size_t k)
{
	return ui->watch_only || ui_screen_offered(ui, k);
}

static const char *
view_name(const struct ui *ui, const struct snapshot *s, size_t k)
{
	if (!ui->watch_only)
		return ui_screens[k]->name;
	return ui->nprocs > 1 ? snapshot_proc_name(s, k) :
	    ui_screens[ui->screen]->name;
}

/* The width of the views' list: every name, or only the current one's
 * beside the others' numbers. */
static int
views_width(const struct ui *ui, const struct snapshot *s, bool names)
{
	size_t k, n = view_count(ui), cur = view_current(ui);
	int w = 0;

	for (k = 0; k < n; k++)
		if (view_offered(ui, k))
			w += names || k == cur ? (int)strlen(view_name(ui, s,
			    k)) + 4 : 2;
	return w;
}

/* Line 2, right: the views; short of room, the current one's name only
 * among the numbers; shorter still, the current one alone. */
static void
header_views(struct ui *ui, const struct snapshot *s, const struct ui_rect *r,
    int x)
{
	size_t k, n = view_count(ui), cur = view_current(ui);
	bool names = r->w - views_width(ui, s, true) - 1 >= x + 2;
	int col = r->w - views_width(ui, s, names) - 1, need;

	if (col < x + 2) {
		need = (int)strlen(view_name(ui, s, cur)) + 6;
		ui_text(ui, r, 1, r->w - need, UC_SELECTED, " %zu %s ",
		    cur + 1, view_name(ui, s, cur));
		return;
	}
	for (k = 0; k < n; k++) {
		if (!view_offered(ui, k))
			continue;
		if (names || k == cur)
			col += ui_text(ui, r, 1, col, k == cur ? UC_SELECTED :
			    UC_LABEL, "%zu %s ", k + 1, view_name(ui, s, k)) + 1;
		else
			col += ui_text(ui, r, 1, col, UC_LABEL, "%zu", k + 1) + 1;
	}
}

static void
draw_header(struct ui *ui, const struct snapshot *s, int w)
{
	struct ui_rect r = { 0, 0, 2, w };
	const struct snap_phase *p = NULL;
	int x;

	if (s->phase < s->nphases)
		p = &s->phases[s->phase];
	attrset(ui_attr(ui, UC_BAR));
	mvhline(0, 0, ' ', w);
	attrset(A_NORMAL);
	x = header_title(ui, s, p, &r);
	header_clock(ui, s, p, &r, x);
	x = header_status(ui, s, p, &r);
	header_views(ui, s, &r, x);
}

/* What deserves attention now, worst first: the engine's live alerts
 * (one per kind, with how many more), and the thresholds failing so far,
 * a verdict rather than an alert, after the critical ones. */
static void
draw_alerts(struct ui *ui, const struct snapshot *s, int y, int w)
{
	struct ui_rect r = { y, 0, 1, w };
	const struct alert *a;
	size_t i, j, k, more;
	bool seen, note = false;
	int x = 0, n = 0;

	if (ui->message[0] != '\0' && ui->now_us < ui->message_until) {
		ui_text(ui, &r, 0, 0, ui->message_bad ? UC_BAD : UC_GOOD,
		    " %s ", ui->message);
		return;
	}
	k = thresholds_failing(ui, s);
	for (i = 0; i <= s->nalerts_live; i++) {
		a = i < s->nalerts_live ? &s->alerts_live[i] : NULL;
		if (!note && k > 0 && (a == NULL || a->level != ALERT_CRITICAL)) {
			note = true;
			x += ui_text(ui, &r, 0, x, UC_NORMAL, n++ ? "  " : " ");
			x += ui_text(ui, &r, 0, x, UC_WARN, "%zu threshold%s "
			    "failing", k, k == 1 ? "" : "s");
		}
		if (a == NULL)
			break;
		for (seen = false, more = 0, j = 0; j < s->nalerts_live; j++) {
			if (s->alerts_live[j].kind != a->kind || j == i)
				continue;
			if (j < i)
				seen = true;
			more++;
		}
		if (seen)
			continue;
		x += ui_text(ui, &r, 0, x, UC_NORMAL, n++ ? "  " : " ");
		x += ui_text(ui, &r, 0, x, a->level == ALERT_CRITICAL ? UC_BAD :
		    UC_WARN, "%s", a->msg);
		if (more > 0)
			x += ui_text(ui, &r, 0, x, UC_LABEL, " (+%zu)", more);
	}
	if (n == 0)
		ui_text(ui, &r, 0, 0, UC_LABEL, " no alerts");
}

void
ui_draw_frame(struct ui *ui, const struct snapshot *s, struct ui_rect *body)
{
	int h = LINES, w = COLS;

	draw_header(ui, s, w);
	draw_alerts(ui, s, h - 2, w);
	ui_keys_footer(ui, s, h - 1, w);
	body->y = 2;
	body->x = 0;
	body->h = LT_MAX(0, h - 4);
	body->w = w;
}
