/* The dashboard's own declarations, shared by ui/ and nothing else. */
#ifndef LT_UI_INT_H
#define LT_UI_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts.h"
#include "control.h"
#include "hdr.h"
#include "scenario.h"
#include "snapshot.h"
#include "ui.h"
#include "verdict.h"

/* A region of the screen, in cells. */
struct ui_rect {
	int y, x, h, w;
};

enum ui_color {
	UC_NORMAL,
	UC_TITLE,			/* panel titles */
	UC_LABEL,			/* dim labels */
	UC_GOOD,
	UC_WARN,
	UC_BAD,
	UC_GRAPH,
	UC_GRAPH2,
	UC_MARK,			/* phase boundaries */
	UC_KEY,				/* key names in the footer */
	UC_BAR,				/* the header and footer bars */
	UC_SELECTED,
	UC__COUNT
};

/* Glyphs for the locale: Unicode blocks, or plain ASCII. */
struct ui_glyphs {
	const char *bar[9];		/* 0..8 eighths of a cell, bottom up */
	const char *hbar[9];		/* 0..8 eighths, left to right */
	const char *vline;
	const char *hline;
	const char *mark;		/* a phase boundary in a graph */
	const char *dot;		/* separator in text */
	bool utf8;			/* the locale's is UTF-8 */
};

struct ui {
	const struct control *ctl;
	const struct ui_opts *opts;
	const struct ui_glyphs *g;
	bool color;
	size_t screen;			/* index in ui_screens */
	bool help;
	bool quitting;
	struct control_signals signals;	/* those that stop the run */
	int64_t now_us;
	char message[160];
	int64_t message_until;
	bool message_bad;
	struct verdict verdict;		/* of the snapshot being drawn */
	bool have_verdict;
	/* A session without load: the views are the target view of each
	 * process watched, and the keys that steer the load are off. */
	bool watch_only;
	bool streams;			/* the scenario has stream requests */
	size_t proc;			/* the process shown in detail */
	size_t nprocs;			/* watched, as last drawn */
};

/*
 * A key binding: the keys, what they do, and how the footer and the help
 * name them.  The dashboard's own and each view's are tables of these.
 */
struct ui_key {
	const int *keys;		/* ends with 0 */
	void	(*run)(struct ui *, int);
	const char *help_keys;		/* the help's line; NULL: none */
	const char *help;
	const char *foot_key;		/* the footer's; NULL: not there */
	const char *foot;
	const char *foot_paused;	/* the footer's word while paused */
	unsigned flags;
};
#define UI_KEY_STEERS	0x1		/* ignored once quitting */
#define UI_KEY_LOAD	0x2		/* not in a session without load */
#define UI_KEY_PROCS	0x4		/* with several processes only */
#define UI_KEY_ONE	0x8		/* with one process only */

/* One view: Tab cycles them, 1-6 selects. */
struct ui_screen {
	const char *name;
	bool watch;			/* shown in a session without load */
	bool streams;			/* only when the scenario has streams */
	void	(*init)(struct ui *);
	void	(*draw)(struct ui *, const struct snapshot *,
		     const struct ui_rect *);
	const struct ui_key *keys;	/* its own, after the dashboard's */
	size_t nkeys;
	size_t *cursor;			/* its selected row, for ui_keys_cursor_* */
};

extern const struct ui_screen screen_overview;
extern const struct ui_screen screen_requests;
extern const struct ui_screen screen_timing;
extern const struct ui_screen screen_target;
extern const struct ui_screen screen_phases;
extern const struct ui_screen screen_streams;
extern const struct ui_screen *const ui_screens[];
extern const size_t ui_nscreens;
/* Whether screen k is offered: Tab, the numbers and the header skip the
 * Streams view when the scenario has no streams. */
bool	 ui_screen_offered(const struct ui *, size_t k);

/* ui-draw.c: attributes, clipped text and the frame around a view. */
void	 ui_colors_init(struct ui *);
attr_t	 ui_attr(const struct ui *, enum ui_color);
int	 ui_text(struct ui *, const struct ui_rect *, int row, int col,
	     enum ui_color, const char *fmt, ...)
	     __attribute__((format(printf, 6, 7)));
void	 ui_title(struct ui *, const struct ui_rect *, int row,
	     const char *title, const char *extra);
void	 ui_vsplit(struct ui *, int y, int x, int h);
void	 ui_message(struct ui *, bool bad, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));
void	 ui_draw_frame(struct ui *, const struct snapshot *,
	     struct ui_rect *body);
/*
 * How a threshold stands now: PASS, FAIL (final), failing (may still
 * change), waiting (nothing measured yet) or pending (its phase has not
 * begun).  Returns the colour; *word is the status.
 */
enum ui_color ui_threshold_state(const struct snapshot *,
	     const struct verdict_row *, const char **word);
/* A latency threshold's colour for a value, UC_NORMAL when none. */
enum ui_color ui_latency_color(const struct ui *, enum thr_metric,
	     double ms, bool whole_run);

/* ui-keys.c: the keys, the footer that offers them and the help. */
void	 ui_keys_take(struct ui *, int ch);
void	 ui_keys_footer(struct ui *, const struct snapshot *, int y, int w);
void	 ui_keys_help(struct ui *);
/* Keys that move the shown screen's cursor (its draw clamps it). */
void	 ui_keys_cursor_up(struct ui *, int ch);
void	 ui_keys_cursor_down(struct ui *, int ch);
void	 ui_keys_cursor_home(struct ui *, int ch);
/* Stop the session for why; says so in the message line. */
void	 ui_quit(struct ui *, enum end_reason why);
/* Move the process selection by `by`, around when wrap, else clamped. */
void	 ui_select_proc(struct ui *, int by, bool wrap);

/* screen-target.c: process i's CPU or RSS over the whole session, one
 * row or more; marks puts the phase boundaries in. */
void	 screen_target_graph(struct ui *, const struct snapshot *, size_t i,
	     const struct ui_rect *, bool rss, bool marks);
/* The scraped metrics, a line each from row on; returns the next row. */
int	 screen_target_metrics(struct ui *, const struct health_view *,
	     const struct ui_rect *, int row);
/* screen-target-list.c: the processes as a table, the selected one
 * marked, scrolled to show it; returns the rows used. */
int	 screen_target_list(struct ui *, const struct snapshot *,
	     const struct ui_rect *);
/* Process i in a word ("ok", "EXITED", "DOWN", ...), and its colour. */
const char *screen_target_state(const struct snapshot *, size_t i,
	     enum ui_color *);

/* screen-requests-detail.c: the rows of the requests view, and row i: a
 * request (stream requests have the Streams view) or, after them, a
 * group; and its detail, drawn in r. */
struct screen_row {
	const char *name;
	const struct snap_request *request;	/* NULL for a group */
	const struct snap_group *group;		/* NULL for a request */
	const struct snap_block *total;
	const struct snap_block *interval;
	uint64_t checks_passed;		/* a group's: its requests' */
	uint64_t checks_failed;
};
size_t	 screen_requests_rows(const struct snapshot *);
void	 screen_requests_row(const struct snapshot *, size_t i,
	     struct screen_row *);
void	 screen_requests_detail(struct ui *, const struct snapshot *,
	     const struct ui_rect *r, size_t i);

/* screen-streams.c: the streams' panel the overview shows in place of
 * the requests' throughput while a connections phase runs. */
void	 screen_streams_panel(struct ui *, const struct snapshot *,
	     const struct ui_rect *);

/* ui-fmt.c: short human forms of numbers. */
char	*ui_fmt_ms(double ms, char *buf, size_t len);
char	*ui_fmt_count(uint64_t n, char *buf, size_t len);
char	*ui_fmt_bytes(double bytes, char *buf, size_t len);
char	*ui_fmt_time(double seconds, char *buf, size_t len);
/* Text a server sent, safe to draw: a control character, and outside a
 * UTF-8 locale any byte that is not ASCII, as '?'. */
char	*ui_fmt_text(const struct ui *, const char *text, char *buf,
	     size_t len);
double	 ui_pct(uint64_t part, uint64_t whole);
/* Seconds since the run started, for the target's monotonic times. */
double	 ui_target_t(const struct snapshot *, int64_t t_us);
/* What the header calls the target: base_url, else the first URL. */
const char *ui_target_url(const struct snapshot *);
/* Seconds of the run, live between snapshots while running. */
double	 ui_elapsed(const struct ui *, const struct snapshot *);

#endif
