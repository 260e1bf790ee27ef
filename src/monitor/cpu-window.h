/*
 * A process's CPU share over windows of a second, from its CPU time.
 * Over a shorter span the share says more about when the scheduler ran
 * the process than about how busy it is, so every figure here covers a
 * second at least:
 *
 *   now      the share since the latest sample a second old or more
 *            (less CPU_WINDOW_SLACK_US, so that samples 250 ms apart
 *            make windows of four, not five): what the dashboard shows
 *   max, p95 of the shares over back-to-back windows of a second, the
 *            run's "per-second CPU"; a stretch shorter than a second at
 *            the end is in none of them
 *   avg      all the CPU time over all the time, the run's mean
 *
 * 100 = one core busy, as top shows it.
 */
#ifndef LT_CPU_WINDOW_H
#define LT_CPU_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPU_WINDOW_US 1000000
#define CPU_WINDOW_SLACK_US 20000
#define CPU_WINDOW_MARKS 128		/* recent samples kept for `now` */

struct hdr;

struct cpu_window_mark {
	int64_t t_us;
	int64_t used_ns;		/* CPU time used by then */
};

struct cpu_window {
	struct cpu_window_mark marks[CPU_WINDOW_MARKS];
	size_t next;			/* where the next mark goes */
	size_t nmarks;
	struct cpu_window_mark first;	/* the first sample */
	struct cpu_window_mark open;	/* start of the window filling up */
	struct hdr *shares;		/* closed windows, in 0.001% */
	double max;
	double p95;			/* of the closed windows */
};

/* The figures so far. */
struct cpu_window_figures {
	double avg;
	double max;			/* 0 until a window closes */
	double p95;
	double seconds;			/* from the first sample to the last */
	uint64_t windows;		/* closed windows of a second */
};

void	 cpu_window_init(struct cpu_window *, int ncpu);
void	 cpu_window_free(struct cpu_window *);
/* Add a sample: the CPU time used_ns used by t_us (both only grow).
 * Returns the share now; *valid is false on the first sample. */
double	 cpu_window_add(struct cpu_window *, int64_t t_us, int64_t used_ns,
	     bool *valid);
void	 cpu_window_figures(const struct cpu_window *,
	     struct cpu_window_figures *);

#endif
