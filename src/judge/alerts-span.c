/* The alerts of a run, one line a kind, for the summaries. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alerts.h"
#include "util.h"

/* Of two records of a kind, the one a summary shows. */
static bool
shows_better(const struct alert *cand, const struct alert *cur)
{
	if (cand->rated && cur->rated)
		return cand->worst > cur->worst;
	return !cand->rated;		/* events: the latest */
}

size_t
alerts_spans(const struct alert *v, size_t n, struct alert_span *out)
{
	size_t i, k, nout = 0;

	for (i = 0; i < n; i++) {
		const struct alert *al = &v[i];

		for (k = 0; k < nout && out[k].kind != al->kind; k++)
			;
		if (k == nout) {
			if (nout == ALERT__COUNT)
				continue;
			out[nout++] = (struct alert_span){ .kind = al->kind,
			    .level = al->level, .t_start = al->t_start,
			    .shown = al };
		} else if (shows_better(al, out[k].shown))
			out[k].shown = al;
		out[k].count++;
		/* Kept oldest first: the last one's end is the span's. */
		out[k].t_end = al->t_end;
	}
	return nout;
}

char *
alerts_span_format(const struct alert_span *sp, char *buf, size_t len)
{
	const struct alert *al = sp->shown;
	char times[32] = "", worst[48] = "";

	if (sp->count > 1)
		snprintf(times, sizeof times, " (%zu times)", sp->count);
	if (al->rated)
		snprintf(worst, sizeof worst, ", worst at %.1fs", al->worst_t);
	if (sp->t_end < 0)
		snprintf(buf, len, "from %.1fs, still active at the end%s%s: %s",
		    sp->t_start, times, worst, al->msg);
	else if (sp->t_end > sp->t_start)
		snprintf(buf, len, "from %.1fs to %.1fs%s%s: %s", sp->t_start,
		    sp->t_end, times, worst, al->msg);
	else
		snprintf(buf, len, "at %.1fs%s%s: %s", sp->t_start, times,
		    worst, al->msg);
	return buf;
}
