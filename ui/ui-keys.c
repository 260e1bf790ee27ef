/*
 * The dashboard's keys, as data: one table for the dashboard's own and
 * one per view, each entry saying what it does and how the footer and
 * the help name it.  Keys that steer the load are not offered in a
 * session without load; a view's keys may depend on how many processes
 * are watched.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"
#include "util.h"

/* The first asks the run to stop, its requests in flight given up to
 * 2 s; another, while that lasts, stops it at once. */
void
ui_quit(struct ui *ui, enum end_reason why)
{
	if (ui->quitting) {
		ui_message(ui, true, "stopping at once");
		control_stop_now(ui->ctl, why);
		return;
	}
	ui_message(ui, false, "stopping: finishing the requests in flight "
	    "(q again: at once)");
	ui->quitting = true;
	control_stop(ui->ctl, why);
}

void
ui_select_proc(struct ui *ui, int by, bool wrap)
{
	long n = (long)ui->nprocs, p = (long)ui->proc + by;

	if (n == 0)
		return;
	if (wrap)
		p = (p % n + n) % n;
	else
		p = LT_MAX(0, LT_MIN(p, n - 1));
	ui->proc = (size_t)p;
}

/* Send a command; says what came of it in the message line. */
static bool
send(struct ui *ui, const struct control_cmd *cmd,
    struct control_result *res)
{
	char *cause = NULL;

	if (control_send(ui->ctl, cmd, res, &cause) == 0)
		return true;
	ui_message(ui, true, "%s: %s", control_name(cmd->kind),
	    cause ? cause : "failed");
	free(cause);
	return false;
}

static void
key_quit(struct ui *ui, int ch)
{
	ui_quit(ui, ch == 3 ? END_SIGNAL : END_USER_QUIT);
}

static void
key_help(struct ui *ui, int ch)
{
	ui->help = true;
}

/* Watching only, the views are the processes' target views. */
static void
key_next_view(struct ui *ui, int ch)
{
	bool back = ch == KEY_BTAB;
	size_t k = ui->screen;

	if (ui->watch_only) {
		ui_select_proc(ui, back ? -1 : 1, true);
		return;
	}
	/* The overview, the first, is always offered. */
	do
		k = (k + (back ? ui_nscreens - 1 : 1)) % ui_nscreens;
	while (!ui_screen_offered(ui, k));
	ui->screen = k;
}

static void
key_view_number(struct ui *ui, int ch)
{
	size_t k = (size_t)(ch - '1');

	if (ui->watch_only && k < ui->nprocs)
		ui->proc = k;
	else if (!ui->watch_only && ui_screen_offered(ui, k))
		ui->screen = k;
}

static void
key_redraw(struct ui *ui, int ch)
{
	if (ch == 12)
		clearok(curscr, TRUE);
}

static void
key_pause(struct ui *ui, int ch)
{
	struct control_result res;

	if (send(ui, &(struct control_cmd){ .kind = CONTROL_PAUSE }, &res))
		ui_message(ui, false, res.paused ? "paused" : "resumed");
}

static void
key_scale(struct ui *ui, int ch)
{
	double by = ch == '+' || ch == '=' ? 1.1 : 1 / 1.1;
	struct control_result res;

	if (send(ui, &(struct control_cmd){ .kind = CONTROL_SCALE,
	    .by = by }, &res))
		ui_message(ui, false, "load scaled to x%.2f", res.factor);
}

static void
key_next_phase(struct ui *ui, int ch)
{
	if (send(ui, &(struct control_cmd){ .kind = CONTROL_NEXT_PHASE },
	    NULL))
		ui_message(ui, false, "skipping to the next phase");
}

static void
key_report(struct ui *ui, int ch)
{
	struct control_result res = { .path = NULL };

	if (send(ui, &(struct control_cmd){ .kind = CONTROL_REPORT }, &res))
		ui_message(ui, false, "report written to %s", res.path);
	free(res.path);
}

void
ui_keys_cursor_up(struct ui *ui, int ch)
{
	size_t *c = ui_screens[ui->screen]->cursor;

	if (*c > 0)
		(*c)--;
}

void
ui_keys_cursor_down(struct ui *ui, int ch)
{
	(*ui_screens[ui->screen]->cursor)++;
}

void
ui_keys_cursor_home(struct ui *ui, int ch)
{
	*ui_screens[ui->screen]->cursor = 0;
}

/* The dashboard's keys, in the order the footer and the help give them. */
static const struct ui_key ui_keys[] = {
	{ .keys = (const int[]){ 'q', 'Q', KEY_F(10), 0 }, .run = key_quit,
	  .help_keys = "q  F10", .help = "stop the run and show the summary",
	  .foot_key = "q", .foot = "quit" },
	{ .keys = (const int[]){ 3, 0 }, .run = key_quit,
	  .help_keys = "Ctrl-C", .help = "the same (ends as 'signal')" },
	{ .keys = (const int[]){ 'p', 'P', ' ', 0 }, .run = key_pause,
	  .help_keys = "p  space", .help = "pause or resume the load",
	  .foot_key = "p", .foot = "pause", .foot_paused = "resume",
	  .flags = UI_KEY_STEERS | UI_KEY_LOAD },
	{ .keys = (const int[]){ '+', '=', '-', '_', 0 }, .run = key_scale,
	  .help_keys = "+  -", .help = "rate or users up or down 10%",
	  .foot_key = "+-", .foot = "rate",
	  .flags = UI_KEY_STEERS | UI_KEY_LOAD },
	{ .keys = (const int[]){ 'n', 'N', 0 }, .run = key_next_phase,
	  .help_keys = "n", .help = "skip to the next phase",
	  .foot_key = "n", .foot = "next",
	  .flags = UI_KEY_STEERS | UI_KEY_LOAD },
	{ .keys = (const int[]){ 's', 'S', 0 }, .run = key_report,
	  .help_keys = "s", .help = "write a report now, keep running",
	  .foot_key = "s", .foot = "report", .flags = UI_KEY_STEERS },
	{ .keys = (const int[]){ '\t', KEY_BTAB, 0 }, .run = key_next_view,
	  .help_keys = "Tab  S-Tab", .help = "the next or the previous view",
	  .foot_key = "Tab", .foot = "view" },
	{ .keys = (const int[]){ '1', '2', '3', '4', '5', '6', '7', '8', '9',
	  0 }, .run = key_view_number,
	  .help_keys = "1-9", .help = "the view of that number (header)" },
	{ .keys = (const int[]){ 12, KEY_RESIZE, 0 }, .run = key_redraw,
	  .help_keys = "Ctrl-L", .help = "redraw the screen" },
	{ .keys = (const int[]){ '?', 'h', KEY_F(1), 0 }, .run = key_help,
	  .help_keys = "?  F1", .help = "this help; any key closes it",
	  .foot_key = "?", .foot = "help" },
};

/* Whether k makes sense in this session, with this many processes. */
static bool
key_offered(const struct ui *ui, const struct ui_key *k)
{
	if ((k->flags & UI_KEY_LOAD) && ui->watch_only)
		return false;
	if ((k->flags & UI_KEY_PROCS) && ui->nprocs < 2)
		return false;
	if ((k->flags & UI_KEY_ONE) && ui->nprocs >= 2)
		return false;
	return true;
}

static const struct ui_key *
find_key(const struct ui *ui, const struct ui_key *tab, size_t n, int ch)
{
	const int *k;
	size_t i;

	for (i = 0; i < n; i++)
		for (k = tab[i].keys; *k != 0; k++)
			if (*k == ch && key_offered(ui, &tab[i]))
				return &tab[i];
	return NULL;
}

void
ui_keys_take(struct ui *ui, int ch)
{
	const struct ui_screen *scr = ui_screens[ui->screen];
	const struct ui_key *k;

	if (ui->help) {
		/* Any key closes the help; q also quits. */
		ui->help = false;
		if (ch != 'q' && ch != KEY_F(10))
			return;
	}
	if ((k = find_key(ui, ui_keys, LT_NELEM(ui_keys), ch)) == NULL)
		k = find_key(ui, scr->keys, scr->nkeys, ch);
	if (k != NULL && (!(k->flags & UI_KEY_STEERS) || !ui->quitting))
		k->run(ui, ch);
}

/* The footer's entries of one table from x on; returns the next x. */
static int
footer_keys(struct ui *ui, const struct snapshot *s, const struct ui_rect *r,
    const struct ui_key *tab, size_t n, int x)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *what = tab[i].foot;

		if (tab[i].foot_key == NULL || !key_offered(ui, &tab[i]))
			continue;
		if (s->state == ENGINE_PAUSED && tab[i].foot_paused != NULL)
			what = tab[i].foot_paused;
		x += ui_text(ui, r, 0, x, UC_KEY, "%s", tab[i].foot_key);
		x += ui_text(ui, r, 0, x, UC_NORMAL, " %-7s", what);
	}
	return x;
}

void
ui_keys_footer(struct ui *ui, const struct snapshot *s, int y, int w)
{
	const struct ui_screen *scr = ui_screens[ui->screen];
	struct ui_rect r = { y, 0, 1, w };
	int x;

	x = footer_keys(ui, s, &r, ui_keys, LT_NELEM(ui_keys), 0);
	footer_keys(ui, s, &r, scr->keys, scr->nkeys, x);
}

/* The help's lines of one table, from row on; returns the next row, or
 * with r NULL only counts them. */
static int
help_lines(struct ui *ui, const struct ui_rect *r, const struct ui_key *tab,
    size_t n, int row)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tab[i].help_keys == NULL || !key_offered(ui, &tab[i]))
			continue;
		if (r != NULL)
			ui_text(ui, r, row, 2, UC_NORMAL, "%-12s%s",
			    tab[i].help_keys, tab[i].help);
		row++;
	}
	return row;
}

void
ui_keys_help(struct ui *ui)
{
	const struct ui_screen *scr = ui_screens[ui->screen];
	int n, bw, bh, y, x, i;
	struct ui_rect r;

	n = help_lines(ui, NULL, ui_keys, LT_NELEM(ui_keys), 0);
	n = help_lines(ui, NULL, scr->keys, scr->nkeys, n);
	bw = LT_MIN(56, COLS);
	bh = LT_MIN(n + 4, LINES);
	y = (LINES - bh) / 2;
	x = (COLS - bw) / 2;
	r = (struct ui_rect){ y, x, bh, bw };
	for (i = 0; i < bh; i++)
		mvhline(y + i, x, ' ', bw);
	ui_title(ui, &r, 0, "Keys", NULL);
	n = help_lines(ui, &r, ui_keys, LT_NELEM(ui_keys), 2);
	help_lines(ui, &r, scr->keys, scr->nkeys, n);
	ui_title(ui, &r, bh - 1, "loadtop " PACKAGE_VERSION, NULL);
}
