/* The watched processes in the headless summary: each one's block, and
 * the health table of a session without load. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "headless.h"
#include "report.h"
#include "util.h"

static double
mb(int64_t bytes)
{
	return (double)bytes / 1048576.0;
}

/* When the process went away, and the last the monitor saw of it. */
static void
print_exit(FILE *f, const struct snapshot *s, size_t proc)
{
	struct report_exit x;
	size_t i;

	if (!report_target_exit(s, proc, &x))
		return;
	fprintf(f, "  exited     at %.1fs: %s%s\n", x.t, x.what,
	    s->nprocesses > proc && s->processes[proc].may_exit ?
	    " (may exit)" : "");
	for (i = 0; i < x.nlast; i++)
		fprintf(f, "  %-10s %6.1fs  cpu %5.1f%%  rss %.1fMB  threads %d"
		    "\n", i == 0 ? "last seen" : "",
		    (double)(x.last[i].t_us - s->mono_start_us) / 1e6,
		    x.last[i].cpu, mb(x.last[i].rss), x.last[i].threads);
}

/* CPU per second and memory beside RSS; tree mode sums them. */
static void
print_resources(FILE *f, const struct monitor_stats *st)
{
	if (st->cpu_windows > 0)
		fprintf(f, "  cpu        avg %.1f%%  max %.1f%%  p95 %.1f%%  "
		    "(each second; 100%% = one core)\n", st->cpu_avg,
		    st->cpu_max, st->cpu_p95);
	else if (st->cpu_seconds > 0)
		fprintf(f, "  cpu        avg %.1f%% over %.1fs, no whole second "
		    "for a max and p95  (100%% = one core)\n", st->cpu_avg,
		    st->cpu_seconds);
	else
		fputs("  cpu        unknown: a single sample\n", f);
	fprintf(f, "  memory     rss %.1fMB at start, %.1fMB at end, %.1fMB max, "
	    "growth %+.1fMB\n", mb(st->rss_start), mb(st->rss_end),
	    mb(st->rss_max), mb(st->growth));
	if (st->mem_detail)
		fprintf(f, "             pss %.1fMB at end, %.1fMB max; uss %.1fMB "
		    "at end, %.1fMB max\n", mb(st->pss_end), mb(st->pss_max),
		    mb(st->uss_end), mb(st->uss_max));
	else
		fputs("             pss, uss unknown (smaps_rollup not "
		    "readable)\n", f);
}

/* A leak verdict: the floor's slopes when it was fitted, and why. */
static void
print_leak_fit(FILE *f, const struct leak_fit *lf)
{
	if (!lf->floor.valid) {
		fprintf(f, "%s: %s\n", leak_verdict_name(lf->verdict),
		    lf->reason);
		return;
	}
	fprintf(f, "%s: %.1f KB/min, ", leak_verdict_name(lf->verdict),
	    lf->kb_per_min);
	if (lf->per_request.valid)
		fprintf(f, "%.0f bytes/request, ", lf->bytes_per_request);
	fprintf(f, "R2 %.2f (%s)\n", lf->floor.r2, lf->reason);
}

/* Each leak phase's own verdict, on its batches (of the first process's
 * RSS, which is the one the leak phases sample). */
static void
print_phase_leaks(FILE *f, const struct snapshot *s)
{
	struct leak_fit fit;
	size_t i;

	for (i = 0; i < s->nphases; i++) {
		if (!snapshot_phase_leak(&s->phases[i], &fit))
			continue;
		fprintf(f, "  leak       phase '%s': ", s->phases[i].name);
		print_leak_fit(f, &fit);
	}
}

/* The health poller and the metrics scraper of one process. */
static void
print_health(FILE *f, const struct health_view *h)
{
	char desc[256];
	size_t i;

	if (h->enabled)
		fprintf(f, "  health     %s, %llu checks, %llu failed, down %.1fs\n",
		    h->up ? "up" : "DOWN", (unsigned long long)h->checks,
		    (unsigned long long)h->failures, (double)h->down_us / 1e6);
	if (h->scrape_failures > 0)
		fprintf(f, "  metrics    %llu of %llu scrapes failed%s%s\n",
		    (unsigned long long)h->scrape_failures,
		    (unsigned long long)h->scrapes,
		    h->metrics_error[0] != '\0' ? "; the last: " : "",
		    h->metrics_error);
	for (i = 0; i < h->nmetrics; i++)
		fprintf(f, "  metric     %s: %s\n", h->metrics[i].series,
		    prom_value_describe(&h->metrics[i], false, desc,
		    sizeof desc));
}

static void
print_events(FILE *f, const struct snapshot *s, const struct monitor_view *v)
{
	size_t i;

	for (i = 0; i < v->nevents; i++) {
		const struct monitor_event *ev = &v->events[i];

		if (ev->kind == MON_EV_START)
			continue;
		fprintf(f, "  event      %7.1fs %s\n",
		    (double)(ev->t_us - s->mono_start_us) / 1e6, ev->msg);
	}
}

void
headless_target_print(FILE *f, const struct snapshot *s, size_t proc)
{
	const struct monitor_view *v = snapshot_proc_view(s, proc);
	const struct monitor_stats *st = &v->stats;

	fputs("\n  target     ", f);
	if (snapshot_nprocs(s) > 1)
		fprintf(f, "%s: ", snapshot_proc_name(s, proc));
	fprintf(f, "pid %d%s", (int)v->pid, v->tree ? " and its descendants" :
	    "");
	if (!v->alive)
		fputs(", exited", f);
	if (st->nsamples == 0) {
		fputs(", no samples\n", f);
		print_exit(f, s, proc);
		return;
	}
	fputc('\n', f);
	print_exit(f, s, proc);
	print_resources(f, st);
	fputs("  leak       ", f);
	print_leak_fit(f, &v->leak);
	if (proc == 0)
		print_phase_leaks(f, s);
	fprintf(f, "  process    threads max %d, ", st->threads_max);
	if (st->fds_max < 0)
		fputs("fds unreadable", f);
	else
		fprintf(f, "fds max %d", st->fds_max);
	if (v->tree)
		fprintf(f, ", processes max %d, %u workers exited",
		    st->nprocs_max, st->workers_exited);
	fputc('\n', f);
	print_health(f, &v->health);
	print_events(f, s, v);
	if (v->saturated)
		fputs("  warning    loadtop itself used 90% of a core or more: "
		    "its numbers may be low\n", f);
}

/* A process's state in a word, for the table. */
static const char *
proc_state(const struct snapshot *s, size_t proc, char *buf, size_t len)
{
	const struct monitor_view *v = snapshot_proc_view(s, proc);
	struct report_exit x;

	if (v->alive)
		return "running";
	if (!report_target_exit(s, proc, &x))
		return "exited";
	snprintf(buf, len, "exited at %.1fs", x.t);
	return buf;
}

static const char *
proc_health(const struct health_view *h)
{
	if (!h->enabled)
		return "-";
	if (!h->checked)
		return "unchecked";
	return h->up ? "up" : "DOWN";
}

void
headless_target_table(FILE *f, const struct snapshot *s)
{
	size_t i, n = snapshot_nprocs(s), len = strlen("process");
	char cpu[16], state[40];
	int w;

	for (i = 0; i < n; i++)
		len = LT_MAX(len, strlen(snapshot_proc_name(s, i)));
	w = (int)len;
	fprintf(f, "  %-*s %8s %8s %8s %9s %9s %-12s %6s %-9s %s\n", w,
	    "process", "pid", "cpu avg", "cpu max", "rss max", "growth",
	    "leak", "alerts", "health", "state");
	for (i = 0; i < n; i++) {
		const struct monitor_view *v = snapshot_proc_view(s, i);
		const struct monitor_stats *st = &v->stats;

		snprintf(cpu, sizeof cpu, "%.1f%%", st->cpu_max);
		fprintf(f, "  %-*s %8d %7.1f%% %8s %7.1fMB %+7.1fMB %-12s %6zu "
		    "%-9s %s\n", w, snapshot_proc_name(s, i), (int)v->pid,
		    st->cpu_avg, st->cpu_windows > 0 ? cpu : "-",
		    mb(st->rss_max), mb(st->growth),
		    leak_verdict_name(v->leak.verdict),
		    report_proc_alerts(s, i), proc_health(&v->health),
		    proc_state(s, i, state, sizeof state));
	}
}
