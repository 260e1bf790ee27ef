/*
 * The live dashboard: a curses view of the engine's snapshots while a run
 * goes on, with keys to pause, scale, skip a phase, write a report or stop.
 * It only reads snapshots and sends commands through a control
 * (control.h); it never touches the engine.  The 's' key writes a report
 * through the control's report hook.  Nothing outside ui/ includes curses.
 */
#ifndef LT_UI_H
#define LT_UI_H

#include <signal.h>
#include <stdbool.h>

struct control;

struct ui_opts {
	unsigned fps;			/* redraws per second; 0: 4 */
};

/*
 * Show the dashboard until the run ends, then restore the terminal and
 * print what was written to stderr meanwhile.  sigs (blocked in every
 * thread) are taken here and stop the run.  Returns 0 after the run ended,
 * or -1 when the dashboard could not start (a note is printed when a
 * terminal was there); the run is left untouched then.
 */
int	 ui_run(const struct control *, const struct ui_opts *,
	     const sigset_t *sigs);

#endif
