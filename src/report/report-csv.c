/* timeseries.csv: the run's intervals, a row each (loadtop-report(5)). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report-int.h"
#include "util.h"

/* A text of the user's (a phase or process name) and a suffix, quoted
 * the CSV way: always, or only when it must be. */
static void
csv_quote(FILE *f, const char *text, const char *suffix, bool always)
{
	bool q = always || strpbrk(text, ",\"\r\n") != NULL;

	if (q)
		fputc('"', f);
	for (; *text != '\0'; text++) {
		if (*text == '"')
			fputc('"', f);
		fputc(*text, f);
	}
	fprintf(f, "%s%s", suffix, q ? "\"" : "");
}

/* With several processes, NAME_cpu and NAME_rss_mb for each: its last
 * sample at or before the interval's end, empty before its first. */
static void
csv_procs(FILE *f, const struct snapshot *s, const struct snap_point *p)
{
	const struct mseries_point *q;
	size_t k, n = snapshot_nprocs(s);

	for (k = 0; n > 1 && k < n; k++) {
		if (p == NULL) {
			fputc(',', f);
			csv_quote(f, snapshot_proc_name(s, k), "_cpu", false);
			fputc(',', f);
			csv_quote(f, snapshot_proc_name(s, k), "_rss_mb",
			    false);
		} else if ((q = report_proc_at(s, k, p->t)) != NULL)
			fprintf(f, ",%.1f,%.2f", q->cpu, report_mb(q->rss));
		else
			fputs(",,", f);
	}
}

int
report_csv_write(FILE *f, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	static const enum lt_class cls[] = { CLS_OK, CLS_CLIENT_ERROR,
	    CLS_SERVER_ERROR, CLS_UNEXPECTED, CLS_TIMEOUT, CLS_CONNECT_ERROR,
	    CLS_TRANSPORT_ERROR };
	/* Classes the format gained later: after the fixed columns, so
	 * that those keep their places. */
	static const enum lt_class later[] = { CLS_CHECK_FAILED,
	    CLS_CAPTURE_MISSING };
	size_t i, k;

	fputs("t,phase,requests,errors,rate_limited", f);
	for (k = 0; k < LT_NELEM(cls); k++)
		fprintf(f, ",%s", kinds_class_name(cls[k]));
	fputs(",rps,p50_ms,p95_ms,p99_ms,max_ms,late_starts,cpu,rss_mb,"
	    "seconds,partial,users,in_flight,checks_passed,checks_failed", f);
	for (k = 0; k < LT_NELEM(later); k++)
		fprintf(f, ",%s", kinds_class_name(later[k]));
	fputs(",streams_open,streams_connecting,streams_dropped,messages_in,"
	    "messages_out,events", f);
	csv_procs(f, s, NULL);
	fputc('\n', f);
	for (i = 0; i < s->nseries; i++) {
		const struct snap_point *p = &s->series[i];

		fprintf(f, "%.3f,", p->t);
		csv_quote(f, p->phase < s->nphases ? s->phases[p->phase].name :
		    "", "", true);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, p->requests,
		    p->errors, p->rate_limited);
		for (k = 0; k < LT_NELEM(cls); k++)
			fprintf(f, ",%" PRIu64, p->classes[cls[k]]);
		fprintf(f, ",%.3f,%.3f,%.3f,%.3f,%.3f,%" PRIu64, p->rps, p->p50,
		    p->p95, p->p99, p->max, p->late_starts);
		if (p->cpu >= 0)
			fprintf(f, ",%.1f,%.2f", p->cpu, p->rss_mb);
		else
			fputs(",,", f);
		fprintf(f, ",%.3f,%d,", p->seconds, p->partial ? 1 : 0);
		if (p->users >= 0)
			fprintf(f, "%" PRId64, p->users);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, p->in_flight,
		    p->checks_passed, p->checks_failed);
		for (k = 0; k < LT_NELEM(later); k++)
			fprintf(f, ",%" PRIu64, p->classes[later[k]]);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%"
		    PRIu64 ",%" PRIu64, p->streams_open, p->streams_connecting,
		    p->streams_dropped, p->messages_in, p->messages_out,
		    p->events);
		csv_procs(f, s, p);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}
