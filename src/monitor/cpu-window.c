#include "config.h"

#include <string.h>

#include "cpu-window.h"
#include "hdr.h"
#include "util.h"

/* Shares are kept in thousandths of a percent. */
#define CPU_WINDOW_UNIT 1000.0

void
cpu_window_init(struct cpu_window *w, int ncpu)
{
	memset(w, 0, sizeof *w);
	/* Room above every core busy: a tree's newcomer brings the CPU
	 * time it used before it was seen. */
	w->shares = hdr_new(1, (int64_t)LT_MAX(ncpu, 1) * 200 *
	    (int64_t)CPU_WINDOW_UNIT, 3);
}

void
cpu_window_free(struct cpu_window *w)
{
	hdr_free(w->shares);
	memset(w, 0, sizeof *w);
}

static double
cpu_window_share(const struct cpu_window_mark *from,
    const struct cpu_window_mark *to)
{
	int64_t dt = to->t_us - from->t_us;

	if (dt <= 0)
		return 0;
	/* ns over us, as a percentage: ns / (us * 1000) * 100. */
	return (double)(to->used_ns - from->used_ns) / (double)dt / 10.0;
}

/* The newest kept mark at least a window before t_us, or the oldest. */
static const struct cpu_window_mark *
cpu_window_back(const struct cpu_window *w, int64_t t_us)
{
	const struct cpu_window_mark *m = NULL;
	size_t i, at;

	for (i = 1; i <= w->nmarks; i++) {
		at = (w->next + CPU_WINDOW_MARKS - i) % CPU_WINDOW_MARKS;
		m = &w->marks[at];
		if (t_us - m->t_us >= CPU_WINDOW_US - CPU_WINDOW_SLACK_US)
			break;
	}
	return m;
}

double
cpu_window_add(struct cpu_window *w, int64_t t_us, int64_t used_ns,
    bool *valid)
{
	struct cpu_window_mark now = { t_us, used_ns };
	const struct cpu_window_mark *back;
	double share = 0;

	*valid = w->nmarks > 0;
	if (w->nmarks == 0)
		w->first = w->open = now;
	else {
		back = cpu_window_back(w, t_us);
		share = cpu_window_share(back, &now);
	}
	if (t_us - w->open.t_us >= CPU_WINDOW_US - CPU_WINDOW_SLACK_US) {
		double closed = cpu_window_share(&w->open, &now);

		hdr_record(w->shares, (int64_t)(closed * CPU_WINDOW_UNIT +
		    0.5));
		w->max = LT_MAX(w->max, closed);
		/* Once a window, not at every read of the figures. */
		w->p95 = (double)hdr_percentile(w->shares, 95) /
		    CPU_WINDOW_UNIT;
		w->open = now;
	}
	w->marks[w->next] = now;
	w->next = (w->next + 1) % CPU_WINDOW_MARKS;
	w->nmarks = LT_MIN(w->nmarks + 1, (size_t)CPU_WINDOW_MARKS);
	return share;
}

void
cpu_window_figures(const struct cpu_window *w, struct cpu_window_figures *f)
{
	const struct cpu_window_mark *last;

	memset(f, 0, sizeof *f);
	if (w->nmarks == 0)
		return;
	last = &w->marks[(w->next + CPU_WINDOW_MARKS - 1) % CPU_WINDOW_MARKS];
	f->avg = cpu_window_share(&w->first, last);
	f->seconds = (double)(last->t_us - w->first.t_us) / 1e6;
	f->windows = hdr_count(w->shares);
	f->max = w->max;
	f->p95 = w->p95;
}
