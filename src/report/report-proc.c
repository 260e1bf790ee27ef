/* The watched processes one by one: a sample at a time, their alerts. */
#include "config.h"

#include <string.h>

#include "report.h"
#include "util.h"

const struct mseries_point *
report_proc_at(const struct snapshot *s, size_t proc, double t)
{
	const struct mseries_point *series;
	size_t n, lo = 0, hi, mid;
	int64_t at = s->mono_start_us + (int64_t)(t * 1e6 + 0.5);

	if (proc >= snapshot_nprocs(s))
		return NULL;
	series = snapshot_proc_series(s, proc, &n);
	/* The first point after t, by bisection: the series is in order. */
	hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (series[mid].t_us <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 ? &series[lo - 1] : NULL;
}

/* The kinds of alert a watched process raises. */
static const bool process_kinds[ALERT__COUNT] = {
	[ALERT_TARGET_CPU] = true,
	[ALERT_MEM_GROWTH] = true,
	[ALERT_HEALTH_DOWN] = true,
	[ALERT_TARGET_EXITED] = true,
	[ALERT_PID_REUSED] = true,
	[ALERT_WORKER_EXITED] = true,
	[ALERT_PROC_ERROR] = true,
};

/* With several processes the alerts name theirs, as "NAME: ...", the
 * name cut at 40 bytes (alerts.c). */
size_t
report_proc_alerts(const struct snapshot *s, size_t proc)
{
	const char *name = snapshot_proc_name(s, proc);
	size_t i, n = 0, len = LT_MIN(strlen(name), (size_t)40);
	bool several = snapshot_nprocs(s) > 1;

	for (i = 0; i < s->nalerts; i++) {
		const struct alert *a = &s->alerts[i];

		if ((size_t)a->kind >= ALERT__COUNT || !process_kinds[a->kind])
			continue;
		if (several && (strncmp(a->msg, name, len) != 0 ||
		    strncmp(a->msg + len, ": ", 2) != 0))
			continue;
		n++;
	}
	return n;
}
