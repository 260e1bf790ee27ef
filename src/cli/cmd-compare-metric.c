/* What loadtop compare compares, and the verdict on one row. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-compare-int.h"
#include "units.h"
#include "util.h"

#define UP CMD_COMPARE_WORSE_UP
#define DOWN CMD_COMPARE_WORSE_DOWN

/* Tails move more from run to run than medians: p99 and max are allowed
 * more before they read as worse. */
const struct cmd_compare_metric cmd_compare_metrics[CMD_COMPARE__NMETRICS] = {
	[CMD_COMPARE_P50] = { "p50", "latency_ms.p50", false, "ms", UP,
	    0.10, 0.05 },
	[CMD_COMPARE_P90] = { "p90", "latency_ms.p90", false, "ms", UP,
	    0.10, 0.05 },
	[CMD_COMPARE_P95] = { "p95", "latency_ms.p95", false, "ms", UP,
	    0.10, 0.05 },
	[CMD_COMPARE_P99] = { "p99", "latency_ms.p99", false, "ms", UP,
	    0.20, 0.05 },
	[CMD_COMPARE_MEAN] = { "mean", "latency_ms.mean", false, "ms", UP,
	    0.10, 0.05 },
	[CMD_COMPARE_MAX] = { "max", "latency_ms.max", false, "ms", UP,
	    0.50, 0.05 },
	[CMD_COMPARE_RPS] = { "rps", "rps", false, "req/s", DOWN, 0.10, 0 },
	[CMD_COMPARE_ERROR_RATE] = { "error_rate", "error_rate", false, "%",
	    UP, 0.10, 0.1 },
	[CMD_COMPARE_RATE_LIMITED] = { "rate_limited", "rate_limited", false,
	    "", UP, 0.10, 1 },
	[CMD_COMPARE_CPU_AVG] = { "cpu_avg", "target.cpu_percent.avg", true,
	    "%", UP, 0.10, 1 },
	[CMD_COMPARE_CPU_MAX] = { "cpu_max", "target.cpu_percent.max", true,
	    "%", UP, 0.10, 1 },
	[CMD_COMPARE_MEM_GROWTH] = { "mem_growth", "target.growth_mb", true,
	    "MB", UP, 0.10, 1 },
};

const char *const cmd_compare_verdict_words[CMD_COMPARE__NVERDICTS] = {
	[CMD_COMPARE_NA] = "n/a",
	[CMD_COMPARE_SAME] = "same",
	[CMD_COMPARE_BETTER] = "better",
	[CMD_COMPARE_WORSE] = "worse",
	[CMD_COMPARE_REGRESSED] = "regressed",
};

const struct cmd_compare_metric *
cmd_compare_metric_find(const char *name)
{
	size_t i;

	for (i = 0; i < CMD_COMPARE__NMETRICS; i++)
		if (strcmp(cmd_compare_metrics[i].name, name) == 0)
			return &cmd_compare_metrics[i];
	return NULL;
}

char *
cmd_compare_metric_names(void)
{
	char *out = xstrdup(""), *more;
	size_t i;

	for (i = 0; i < CMD_COMPARE__NMETRICS; i++) {
		xasprintf(&more, "%s%s%s", out, i == 0 ? "" : i + 1 <
		    CMD_COMPARE__NMETRICS ? ", " : " or ",
		    cmd_compare_metrics[i].name);
		free(out);
		out = more;
	}
	return out;
}

/* --tolerance P% allows 1+P/100 times BASE the bad way: up to 2x at 100%
 * where higher is worse, down to 0.5x where lower is. */
void
cmd_compare_metric_default(enum cmd_compare_id id, double tolerance,
    struct cmd_compare_limit *l)
{
	const struct cmd_compare_metric *m = &cmd_compare_metrics[id];
	double tol = tolerance >= 0 ? tolerance : m->tolerance;

	l->ratio = m->worse == UP ? 1 + tol : 1 / (1 + tol);
	l->or_equal = true;
	l->given = false;
}

bool
cmd_compare_metric_ratio(const struct cmd_compare_row *r, double *ratio)
{
	if (!r->known || r->base <= 0 || r->new < 0)
		return false;
	*ratio = r->new / r->base;
	return true;
}

/* How many times worse NEW is: above 1 worse, below 1 better.  Without
 * a ratio (BASE at 0, or a growth below 0) any move past the noise floor
 * is infinitely far. */
static double
cmd_compare_metric_factor(const struct cmd_compare_row *r)
{
	const struct cmd_compare_metric *m = &cmd_compare_metrics[r->id];
	bool bad_way = m->worse == UP ? r->new > r->base : r->new < r->base;
	double ratio;

	if (!cmd_compare_metric_ratio(r, &ratio))
		return bad_way ? INFINITY : 0;
	if (m->worse == UP)
		return ratio;
	return ratio > 0 ? 1 / ratio : INFINITY;
}

/* Is a row past its limit?  The limit, in the same terms as the factor. */
static bool
cmd_compare_metric_past(const struct cmd_compare_row *r,
    const struct cmd_compare_limit *l, double factor)
{
	double bound = cmd_compare_metrics[r->id].worse == UP ? l->ratio :
	    1 / l->ratio;

	return l->or_equal ? factor > bound : factor >= bound;
}

void
cmd_compare_metric_judge(struct cmd_compare_row *r,
    const struct cmd_compare_limit *l)
{
	const struct cmd_compare_metric *m = &cmd_compare_metrics[r->id];
	double factor, noise = 1 + m->tolerance;

	if (!r->known) {
		r->verdict = CMD_COMPARE_NA;
		return;
	}
	factor = cmd_compare_metric_factor(r);
	if (fabs(r->new - r->base) <= m->floor || factor == 1)
		r->verdict = CMD_COMPARE_SAME;
	else if (factor < 1)
		r->verdict = factor * noise < 1 ? CMD_COMPARE_BETTER :
		    CMD_COMPARE_SAME;
	else if (cmd_compare_metric_past(r, l, factor))
		r->verdict = CMD_COMPARE_REGRESSED;
	else
		r->verdict = factor > noise ? CMD_COMPARE_WORSE :
		    CMD_COMPARE_SAME;
}

char *
cmd_compare_metric_limit(enum cmd_compare_id id,
    const struct cmd_compare_limit *l, char *buf, size_t len)
{
	char n[32];

	snprintf(buf, len, "%s%s %sx", cmd_compare_metrics[id].worse == UP ?
	    "<" : ">", l->or_equal ? "=" : "", units_format_number(l->ratio,
	    3, n, sizeof n));
	return buf;
}
