/*
 * The dashboard's screens, drawn by the real code into a curses screen
 * of any size that draws nowhere (/dev/null), and read back as text.
 * Included once, by a test of the ui.
 */
#ifndef UI_FIXTURE_H
#define UI_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"
#include "util.h"

static const struct ui_glyphs ascii = {
	.bar = { " ", "_", "_", "_", "-", "-", "=", "=", "#" },
	.hbar = { " ", " ", " ", " ", "|", "|", "|", "|", "|" },
	.vline = "|", .hline = "-", .mark = ":", .dot = "|",
};

static SCREEN *scr;
static FILE *out, *in;
static struct ui ui;

/* A curses screen of w x h that draws nowhere. */
static void
screen_open(int w, int h)
{
	char lines[16], cols[16];

	snprintf(lines, sizeof lines, "%d", h);
	snprintf(cols, sizeof cols, "%d", w);
	setenv("TERM", "xterm", 1);
	setenv("LINES", lines, 1);
	setenv("COLUMNS", cols, 1);
	unsetenv("NO_COLOR");
	ck_assert_ptr_nonnull(out = fopen("/dev/null", "w"));
	ck_assert_ptr_nonnull(in = fopen("/dev/null", "r"));
	ck_assert_ptr_nonnull(scr = newterm(NULL, out, in));
	set_term(scr);
	ck_assert_int_eq(LINES, h);
	ck_assert_int_eq(COLS, w);
	memset(&ui, 0, sizeof ui);
	ui.g = &ascii;
	ui_colors_init(&ui);
}

static void
screen_close(void)
{
	if (ui.have_verdict)
		verdict_clear(&ui.verdict);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

/* The screen's text, a line per row, trailing blanks cut. */
static char *
screen_text(void)
{
	char *text = xcalloc((size_t)LINES, (size_t)COLS + 2), line[512];
	int y, n;

	for (y = 0; y < LINES; y++) {
		n = mvinnstr(y, 0, line, LT_MIN(COLS, (int)sizeof line - 1));
		line[LT_MAX(n, 0)] = '\0';
		while (n > 0 && line[n - 1] == ' ')
			line[--n] = '\0';
		strcat(text, line);
		strcat(text, "\n");
	}
	return text;
}

/* Makes sc the view shown, whose keys act on it. */
static void
show(const struct ui_screen *sc)
{
	for (ui.screen = 0; ui_screens[ui.screen] != sc; ui.screen++)
		ck_assert_uint_lt(ui.screen + 1, ui_nscreens);
}

/* Key i of the view sc, pressed while it is shown. */
static void
press(const struct ui_screen *sc, size_t i, int ch)
{
	show(sc);
	sc->keys[i].run(&ui, ch);
}

/* The body of the view, as the frame leaves it, the view shown (its
 * keys act on it). */
static char *
draw(const struct ui_screen *sc, const struct snapshot *s)
{
	struct ui_rect body = { 2, 0, LINES - 4, COLS };

	show(sc);
	erase();
	sc->draw(&ui, s, &body);
	return screen_text();
}

#define HAS(text, want) \
	ck_assert_msg(strstr(text, want) != NULL, "no '%s' in:\n%s", want, text)
#define HASNT(text, want) \
	ck_assert_msg(strstr(text, want) == NULL, "'%s' in:\n%s", want, text)

#endif
