/* The watched processes one by one: a sample at a time, their alerts. */
#include "config.h"

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

size_t
report_proc_alerts(const struct snapshot *s, size_t proc)
{
	size_t i, n = 0;

	for (i = 0; i < s->nalerts; i++)
		n += s->alerts[i].proc == proc + 1;
	return n;
}
