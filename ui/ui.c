/*
 * The dashboard's life: start curses, redraw at a fixed rate from the
 * latest snapshot, take keys and signals, and put the terminal back on
 * every way out (the run's end, a quit, a signal, a crash).  While curses
 * owns the screen, whatever is written to stderr goes to a temporary file
 * and is printed once the screen is restored.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "ui-int.h"
#include "util.h"

#define UI_FPS_DEFAULT 4
#define UI_FPS_MAX 60

const struct ui_screen *const ui_screens[] = {
	&screen_overview,
	&screen_requests,
	&screen_timing,
	&screen_target,
	&screen_phases,
	&screen_streams,
};
const size_t ui_nscreens = LT_NELEM(ui_screens);

bool
ui_screen_offered(const struct ui *ui, size_t k)
{
	return k < ui_nscreens && (!ui_screens[k]->streams || ui->streams);
}

static const struct ui_glyphs glyphs_utf8 = {
	.bar = { " ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585",
	    "\u2586", "\u2587", "\u2588" },
	.hbar = { " ", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b",
	    "\u258a", "\u2589", "\u2588" },
	.vline = "\u2502",
	.hline = "\u2500",
	.mark = "\u250a",
	.dot = "\u00b7",
	.utf8 = true,
};

static const struct ui_glyphs glyphs_ascii = {
	.bar = { " ", "_", "_", "_", "-", "-", "=", "=", "#" },
	.hbar = { " ", " ", " ", " ", "|", "|", "|", "|", "|" },
	.vline = "|",
	.hline = "-",
	.mark = ":",
	.dot = "|",
};

/* What the emergency exits need; there is one dashboard at a time. */
static volatile sig_atomic_t ui_live;
static struct termios tio_saved;
static bool tio_ok;
static int stderr_saved = -1;
static int stderr_held = -1;
static int winch_pipe[2] = { -1, -1 };
static struct sigaction old_winch;
static const int fatal_sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
static struct sigaction old_fatal[LT_NELEM(fatal_sigs)];
static bool atexit_done;

/*
 * Whether the dashboard can be shown: stdin and stdout are terminals and
 * TERM names a usable one.  When not, *why (static text) says why; NULL
 * when there is simply no terminal (nothing worth a note).
 */
static bool
ui_usable(const char **why)
{
	const char *term = getenv("TERM");

	*why = NULL;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return false;
	if (term == NULL || *term == '\0') {
		*why = "TERM is not set";
		return false;
	}
	if (strcmp(term, "dumb") == 0) {
		*why = "TERM is dumb";
		return false;
	}
	return true;
}

/* Whether TERM names a terminal the system has a description of: newterm
 * fails too, but keeps what it had set up for the screen. */
static bool
term_known(void)
{
	int err;

	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return false;
	del_curterm(cur_term);
	return true;
}

/* Send stderr to a temporary file until release_stderr. */
static void
hold_stderr(void)
{
	FILE *f;

	fflush(stderr);
	if ((f = tmpfile()) == NULL)
		return;
	stderr_held = fcntl(fileno(f), F_DUPFD_CLOEXEC, 3);
	fclose(f);
	if (stderr_held < 0)
		return;
	stderr_saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (stderr_saved < 0 || dup2(stderr_held, STDERR_FILENO) < 0) {
		if (stderr_saved >= 0)
			close(stderr_saved);
		close(stderr_held);
		stderr_saved = stderr_held = -1;
	}
}

/* Put stderr back and print what it held; async-signal-safe. */
static void
release_stderr(void)
{
	char buf[4096];
	ssize_t n;

	if (stderr_saved < 0)
		return;
	dup2(stderr_saved, STDERR_FILENO);
	close(stderr_saved);
	stderr_saved = -1;
	if (lseek(stderr_held, 0, SEEK_SET) == 0)
		while ((n = read(stderr_held, buf, sizeof buf)) > 0)
			if (write(STDERR_FILENO, buf, (size_t)n) != n)
				break;
	close(stderr_held);
	stderr_held = -1;
}

static void
restore_terminal(void)
{
	if (!ui_live)
		return;
	ui_live = 0;
	endwin();
	if (tio_ok)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &tio_saved);
	release_stderr();
}

/* A crash: give the terminal back, then die of the same signal. */
static void
on_fatal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
on_exit_restore(void)
{
	restore_terminal();
}

static void
on_winch(int sig)
{
	int saved = errno;

	(void)sig;
	if (winch_pipe[1] >= 0 && write(winch_pipe[1], "", 1) < 0)
		errno = saved;	/* full: a wake-up is pending anyway */
	errno = saved;
}

static void
handlers_install(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < LT_NELEM(fatal_sigs); i++)
		sigaction(fatal_sigs[i], &sa, &old_fatal[i]);
	/* The window size is ours to follow, so a resize shows at once. */
	sa.sa_handler = on_winch;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, &old_winch);
	if (!atexit_done) {
		atexit(on_exit_restore);
		atexit_done = true;
	}
}

static void
handlers_remove(void)
{
	size_t i;

	for (i = 0; i < LT_NELEM(fatal_sigs); i++)
		sigaction(fatal_sigs[i], &old_fatal[i], NULL);
	sigaction(SIGWINCH, &old_winch, NULL);
}

static void
follow_resize(void)
{
	struct winsize ws;
	char c;

	while (read(winch_pipe[0], &c, 1) > 0)
		;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

/* The size the views are drawn for; below it, only what draw_small has. */
#define UI_MIN_COLS 80
#define UI_MIN_LINES 24

/* Before the first snapshot, or in a window too small for the views. */
static void
draw_small(struct ui *ui, const struct snapshot *s)
{
	struct ui_rect r = { 0, 0, LINES, COLS };

	if (s == NULL) {
		ui_text(ui, &r, 0, 0, UC_BAR, "loadtop: starting");
		return;
	}
	ui_text(ui, &r, 0, 0, UC_BAR, "loadtop %s", s->scn->name);
	ui_text(ui, &r, 1, 0, UC_NORMAL, "window too small (%dx%d), "
	    "%dx%d wanted", COLS, LINES, UI_MIN_COLS, UI_MIN_LINES);
	if (s->watch_only)
		ui_text(ui, &r, 2, 0, UC_NORMAL, "monitor, %.1fs", s->elapsed);
	else
		ui_text(ui, &r, 2, 0, UC_NORMAL, "%.0f req/s, %.1fs",
		    s->interval.rps, s->elapsed);
	ui_text(ui, &r, 3, 0, UC_NORMAL, "q: quit");
}

/*
 * What the keys need of the snapshot: whether the session has load
 * (without, it starts on the target view), whether it has streams (the
 * Streams view), and how many processes the selection moves among; it
 * clamps when there are fewer.
 */
static void
follow_snapshot(struct ui *ui, const struct snapshot *s)
{
	size_t i;

	if (s->watch_only && !ui->watch_only) {
		ui->watch_only = true;
		for (i = 0; i < ui_nscreens; i++)
			if (ui_screens[i]->watch) {
				ui->screen = i;
				break;
			}
	}
	ui->streams = s->nstreams > 0;
	for (i = 0; i < s->scn->nrequests; i++)
		ui->streams |= s->scn->requests[i].websocket != NULL ||
		    s->scn->requests[i].sse != NULL;
	ui->nprocs = snapshot_nprocs(s);
	if (ui->proc >= ui->nprocs)
		ui->proc = ui->nprocs > 0 ? ui->nprocs - 1 : 0;
}

static void
draw(struct ui *ui, uint64_t *verdict_seq)
{
	struct snapshot *s = control_snapshot(ui->ctl);
	struct ui_rect body;

	erase();
	if (s != NULL && s->seq != *verdict_seq) {
		if (ui->have_verdict)
			verdict_clear(&ui->verdict);
		verdict_eval(s, &ui->verdict);
		ui->have_verdict = true;
		*verdict_seq = s->seq;
	}
	if (s != NULL)
		follow_snapshot(ui, s);
	if (s == NULL || COLS < UI_MIN_COLS || LINES < UI_MIN_LINES)
		draw_small(ui, s);
	else {
		ui_draw_frame(ui, s, &body);
		ui_screens[ui->screen]->draw(ui, s, &body);
		if (ui->help)
			ui_keys_help(ui);
	}
	wnoutrefresh(stdscr);
	doupdate();
	if (s != NULL)
		snapshot_release(s);
}

/* A signal from sigs (blocked everywhere): stop the run; another, at
 * once.  sender is 0 for the kernel's own (a terminal's Ctrl-C). */
static void
take_signal(struct ui *ui, int sig, pid_t sender)
{
	switch (control_take_signal(ui->ctl, &ui->signals, sender)) {
	case CONTROL_SIGNAL_STOP:
		/* After a q, the first signal is the second ask. */
		if (ui->quitting) {
			ui_quit(ui, END_SIGNAL);
			ui_message(ui, true, "%s: stopping at once",
			    strsignal(sig));
			break;
		}
		ui_quit(ui, END_SIGNAL);
		ui_message(ui, true, "%s: stopping (again: at once)",
		    strsignal(sig));
		break;
	case CONTROL_SIGNAL_NOW:
		ui_message(ui, true, "%s again: stopping at once",
		    strsignal(sig));
		break;
	case CONTROL_SIGNAL_TWIN:
		break;
	}
}

static void
loop(struct ui *ui, const sigset_t *sigs, int sigfd)
{
	int64_t frame = 1000000 / LT_MAX(1, LT_MIN(UI_FPS_MAX,
	    ui->opts->fps ? ui->opts->fps : UI_FPS_DEFAULT));
	int64_t next = 0;
	uint64_t verdict_seq = 0;
	struct pollfd pfd[3];
	struct timespec zero = { 0, 0 };
	bool dirty = true;
	int ch, sig, timeout;
	siginfo_t info;

	pfd[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = winch_pipe[0], .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	for (;;) {
		ui->now_us = util_now_us();
		if (control_wait(ui->ctl, 0))
			break;
		if (dirty || ui->now_us >= next) {
			draw(ui, &verdict_seq);
			next = ui->now_us + frame;
			dirty = false;
		}
		timeout = (int)((next - ui->now_us + 999) / 1000);
		if (poll(pfd, 3, LT_MAX(timeout, 0)) < 0 && errno != EINTR)
			break;
		ui->now_us = util_now_us();
		if (pfd[1].revents & POLLIN) {
			follow_resize();
			dirty = true;
		}
		if (sigfd >= 0 && (pfd[2].revents & POLLIN)) {
			struct signalfd_siginfo si;

			while (read(sigfd, &si, sizeof si) == sizeof si)
				take_signal(ui, (int)si.ssi_signo,
				    si.ssi_code == SI_USER ?
				    (pid_t)si.ssi_pid : 0);
			dirty = true;
		} else if (sigfd < 0 && (sig = sigtimedwait(sigs, &info,
		    &zero)) > 0) {
			take_signal(ui, sig, info.si_code == SI_USER ?
			    info.si_pid : 0);
			dirty = true;
		}
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* The terminal went away: nobody is watching. */
			pfd[0].fd = -1;
			ui_quit(ui, END_SIGNAL);
		} else if (pfd[0].revents & POLLIN) {
			while ((ch = getch()) != ERR)
				ui_keys_take(ui, ch);
			dirty = true;
		}
	}
}

int
ui_run(const struct control *ctl, const struct ui_opts *opts,
    const sigset_t *sigs)
{
	struct ui ui = { .ctl = ctl, .opts = opts };
	const char *why, *term = getenv("TERM");
	char *old_ctype;
	SCREEN *scr;
	int sigfd;
	size_t i;

	if (!ui_usable(&why)) {
		if (why != NULL)
			fprintf(stderr, "loadtop: no dashboard (%s), running "
			    "headless\n", why);
		return -1;
	}
	old_ctype = xstrdup(setlocale(LC_CTYPE, NULL));
	setlocale(LC_CTYPE, "");
	ui.g = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? &glyphs_utf8 :
	    &glyphs_ascii;
	if (pipe2(winch_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		fprintf(stderr, "loadtop: no dashboard (pipe: %s), running "
		    "headless\n", strerror(errno));
		setlocale(LC_CTYPE, old_ctype);
		free(old_ctype);
		return -1;
	}
	tio_ok = tcgetattr(STDIN_FILENO, &tio_saved) == 0;
	hold_stderr();
	if (!term_known() || (scr = newterm(NULL, stdout, stdin)) == NULL) {
		release_stderr();
		fprintf(stderr, "loadtop: no dashboard (cannot use TERM=%s), "
		    "running headless\n", term);
		close(winch_pipe[0]);
		close(winch_pipe[1]);
		winch_pipe[0] = winch_pipe[1] = -1;
		setlocale(LC_CTYPE, old_ctype);
		free(old_ctype);
		return -1;
	}
	ui_live = 1;
	handlers_install();
	cbreak();		/* Ctrl-C stays a signal */
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui_colors_init(&ui);
	for (i = 0; i < ui_nscreens; i++)
		if (ui_screens[i]->init != NULL)
			ui_screens[i]->init(&ui);
	sigfd = signalfd(-1, sigs, SFD_CLOEXEC | SFD_NONBLOCK);

	loop(&ui, sigs, sigfd);

	if (sigfd >= 0)
		close(sigfd);
	restore_terminal();
	handlers_remove();
	delscreen(scr);
	close(winch_pipe[0]);
	close(winch_pipe[1]);
	winch_pipe[0] = winch_pipe[1] = -1;
	if (ui.have_verdict)
		verdict_clear(&ui.verdict);
	setlocale(LC_CTYPE, old_ctype);
	free(old_ctype);
	return 0;
}
