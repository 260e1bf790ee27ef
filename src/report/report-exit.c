/* When the target exited, and the last the monitor saw of it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report.h"
#include "util.h"

bool
report_target_exit(const struct snapshot *s, struct report_exit *x)
{
	const struct monitor_view *v = &s->target;
	const struct monitor_event *ev = NULL;
	size_t i, first;

	memset(x, 0, sizeof *x);
	if (!s->has_target || v->alive)
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
		snprintf(x->what, sizeof x->what, "the target exited");
	}
	first = s->ntarget_series > REPORT_EXIT_LAST ?
	    s->ntarget_series - REPORT_EXIT_LAST : 0;
	for (i = first; i < s->ntarget_series; i++)
		x->last[x->nlast++] = s->target_series[i];
	return true;
}
