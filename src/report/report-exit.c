/* When a watched process exited, and the last the monitor saw of it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report.h"
#include "util.h"

bool
report_target_exit(const struct snapshot *s, size_t proc,
    struct report_exit *x)
{
	const struct monitor_view *v;
	const struct monitor_event *ev = NULL;
	const struct mseries_point *series;
	size_t i, first, n;

	memset(x, 0, sizeof *x);
	if (proc >= snapshot_nprocs(s))
		return false;
	v = snapshot_proc_view(s, proc);
	if (v->alive)
		return false;
	for (i = v->nevents; i > 0; i--)
		if (v->events[i - 1].kind == MON_EV_EXIT ||
		    v->events[i - 1].kind == MON_EV_PID_REUSED) {
			ev = &v->events[i - 1];
			break;
		}
	if (ev != NULL) {
		x->t = (double)(ev->t_us - s->mono_start_us) / 1e6;
		snprintf(x->what, sizeof x->what, "%s", ev->msg);
	} else {
		x->t = s->elapsed;
		snprintf(x->what, sizeof x->what, "the process exited");
	}
	series = snapshot_proc_series(s, proc, &n);
	first = n > REPORT_EXIT_LAST ? n - REPORT_EXIT_LAST : 0;
	for (i = first; i < n; i++)
		x->last[x->nlast++] = series[i];
	return true;
}
