/* The watched processes in the results document: the summary's line for
 * each, their resources one section each, and the health table of a
 * session without load. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report-int.h"
#include "util.h"

/* ", leak in phase hunt" for each leak phase, after the run's verdict. */
static const char *
phase_leak_verdicts(const struct snapshot *s, char *buf, size_t len)
{
	struct leak_fit fit;
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < s->nphases && used < len; i++) {
		if (!snapshot_phase_leak(&s->phases[i], &fit))
			continue;
		used += (size_t)snprintf(buf + used, len - used, ", %s in phase %s",
		    leak_verdict_name(fit.verdict), s->phases[i].name);
	}
	return buf;
}

/* "Target" alone, "Target a" (sep " ") among several. */
static const char *
proc_label(const struct snapshot *s, size_t proc, const char *word,
    const char *sep, char *buf, size_t len)
{
	if (snapshot_nprocs(s) > 1)
		snprintf(buf, len, "%s%s%.60s", word, sep,
		    snapshot_proc_name(s, proc));
	else
		snprintf(buf, len, "%s", word);
	return buf;
}

void
report_doc_target_items(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct report_fbuf f = { .i = 0 };
	char phases[256], who[80];
	size_t i;

	for (i = 0; i < snapshot_nprocs(s); i++) {
		const struct monitor_view *v = snapshot_proc_view(s, i);
		const struct monitor_stats *st = &v->stats;

		if (st->nsamples == 0)
			continue;
		/* The leak phases sample the first process's RSS. */
		phase_leak_verdicts(s, phases, sizeof phases);
		if (i > 0)
			phases[0] = '\0';
		report_doc_text(d, RDOC_ITEM, "%s: CPU %s; RSS %.1fMB to "
		    "%.1fMB (%+.1fMB)%s; leak check %s%s%s", proc_label(s, i,
		    "Target", " ", who, sizeof who), st->cpu_windows == 0 ?
		    report_doc_f(&f, "%.1f%% average over %.1fs", st->cpu_avg,
		    st->cpu_seconds) : report_doc_f(&f, "%.1f%% average, "
		    "%.1f%% max, %.1f%% p95 (each second)", st->cpu_avg,
		    st->cpu_max, st->cpu_p95), report_mb(st->rss_start),
		    report_mb(st->rss_end), report_mb(st->growth),
		    st->mem_detail ? report_doc_f(&f, ", PSS %.1fMB at peak",
		    report_mb(st->pss_max)) : "",
		    leak_verdict_name(v->leak.verdict), phases[0] != '\0' ?
		    " for the run" : "", phases);
	}
}

/* CPU over each second, and memory: RSS, and PSS and USS when known. */
static void
resource_rows(struct rdoc_block *t, const struct monitor_stats *st)
{
	struct report_fbuf f = { .i = 0 };

	if (st->cpu_windows > 0) {
		report_doc_row(t, "CPU average", report_doc_f(&f,
		    "%.1f%% (100%% = one core)", st->cpu_avg));
		report_doc_row(t, "CPU max / p95", report_doc_f(&f,
		    "%.1f%% / %.1f%% (of each second's share, %" PRIu64
		    " seconds)", st->cpu_max, st->cpu_p95, st->cpu_windows));
	} else if (st->cpu_seconds > 0)
		report_doc_row(t, "CPU average", report_doc_f(&f, "%.1f%% over "
		    "%.1fs (no whole second for a max and p95)", st->cpu_avg,
		    st->cpu_seconds));
	else
		report_doc_row(t, "CPU", "unknown: a single sample");
	report_doc_row(t, "RSS start / end", report_doc_f(&f,
	    "%.1fMB / %.1fMB", report_mb(st->rss_start),
	    report_mb(st->rss_end)));
	report_doc_row(t, "RSS max", report_doc_f(&f, "%.1fMB",
	    report_mb(st->rss_max)));
	if (st->mem_detail) {
		report_doc_row(t, "PSS end / max", report_doc_f(&f,
		    "%.1fMB / %.1fMB", report_mb(st->pss_end),
		    report_mb(st->pss_max)));
		report_doc_row(t, "USS end / max", report_doc_f(&f,
		    "%.1fMB / %.1fMB", report_mb(st->uss_end),
		    report_mb(st->uss_max)));
	} else
		report_doc_row(t, "PSS, USS", "unknown (smaps_rollup not "
		    "readable)");
	report_doc_row(t, "Memory growth", report_doc_f(&f, "%+.1fMB",
	    report_mb(st->growth)));
}

/* A leak verdict in a cell: its slopes when it has a floor, and why. */
static const char *
leak_cell(const struct leak_fit *lf, char *buf, size_t len)
{
	char per_req[40] = "";

	if (!lf->floor.valid) {
		snprintf(buf, len, "%s: %s", leak_verdict_name(lf->verdict),
		    lf->reason);
		return buf;
	}
	if (lf->per_request.valid)
		snprintf(per_req, sizeof per_req, ", %.0f B/request",
		    lf->bytes_per_request);
	snprintf(buf, len, "%s: %.1f KB/min%s, R² %.2f (%s)",
	    leak_verdict_name(lf->verdict), lf->kb_per_min, per_req,
	    lf->floor.r2, lf->reason);
	return buf;
}

/* The whole run's leak verdict, its saw-tooth; for the first process,
 * whose RSS the leak phases sample, each leak phase's. */
static void
leak_rows(struct rdoc_block *t, const struct snapshot *s, size_t proc)
{
	const struct leak_fit *lf = &snapshot_proc_view(s, proc)->leak;
	struct report_fbuf f = { .i = 0 };
	struct leak_fit fit;
	char cell[256];
	size_t i;

	report_doc_row(t, "Leak check", leak_cell(lf, cell, sizeof cell));
	if (lf->cycles >= 2)
		report_doc_row(t, "Saw-tooth", report_doc_f(&f, "%u collections, "
		    "about %.0fs apart, %.1fMB deep", lf->cycles,
		    lf->cycle_period_s, report_mb(lf->cycle_depth)));
	else if (lf->cycles == 1)
		report_doc_row(t, "Saw-tooth", report_doc_f(&f, "1 collection, "
		    "%.1fMB deep", report_mb(lf->cycle_depth)));
	for (i = 0; proc == 0 && i < s->nphases; i++) {
		if (!snapshot_phase_leak(&s->phases[i], &fit))
			continue;
		report_doc_row(t, report_doc_f(&f, "Leak check, phase %.60s",
		    s->phases[i].name), leak_cell(&fit, cell, sizeof cell));
	}
}

/* How the process ended, when it did: at what time, how, and whether
 * the scenario let it. */
static const char *
exit_cell(const struct snapshot *s, size_t proc, char *buf, size_t len)
{
	struct report_exit x;

	if (!report_target_exit(s, proc, &x))
		return NULL;
	snprintf(buf, len, "at %.1fs: %s%s", x.t, x.what,
	    s->nprocesses > proc && s->processes[proc].may_exit ?
	    " (allowed: may_exit)" : "");
	return buf;
}

/* Health checks, metrics scrapes, threads, descendants. */
static void
process_rows(struct rdoc_block *t, const struct monitor_view *v)
{
	const struct monitor_stats *st = &v->stats;
	const struct health_view *h = &v->health;
	struct report_fbuf f = { .i = 0 };

	if (st->fds_max < 0)
		report_doc_row(t, "Threads max / fds max", report_doc_f(&f,
		    "%d / unreadable", st->threads_max));
	else
		report_doc_row(t, "Threads max / fds max", report_doc_f(&f,
		    "%d / %d", st->threads_max, st->fds_max));
	if (v->tree)
		report_doc_row(t, "Processes max / workers exited",
		    report_doc_f(&f, "%d / %u", st->nprocs_max,
		    st->workers_exited));
	if (h->enabled)
		report_doc_row(t, "Health", report_doc_f(&f, "%" PRIu64
		    " checks, %" PRIu64 " failed, down %.1fs", h->checks,
		    h->failures, (double)h->down_us / 1e6));
	if (h->metrics_enabled)
		report_doc_row(t, "Metrics scrapes", report_doc_f(&f, "%" PRIu64
		    ", %" PRIu64 " failed%s%.80s", h->scrapes,
		    h->scrape_failures, h->metrics_error[0] != '\0' ? ": " : "",
		    h->metrics_error));
}

static void
process_section(struct rdoc *d, const struct report_ctx *c, size_t proc)
{
	const struct snapshot *s = c->s;
	const struct monitor_view *v = snapshot_proc_view(s, proc);
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	char heading[96], cell[240];
	const char *exit;

	report_doc_heading(d, 2, proc_label(s, proc, "Target resources", ": ",
	    heading, sizeof heading));
	t = report_doc_table(d, "Metric|Value");
	report_doc_row(t, "Process", report_doc_f(&f, "pid %d%s, %s",
	    (int)v->pid, v->tree ? " and descendants" : "", v->alive ?
	    "running" : "exited"));
	if ((exit = exit_cell(s, proc, cell, sizeof cell)) != NULL)
		report_doc_row(t, "Exit", exit);
	if (v->stats.nsamples == 0) {
		report_doc_row(t, "Samples", "none");
		return;
	}
	resource_rows(t, &v->stats);
	leak_rows(t, s, proc);
	process_rows(t, v);
	if (v->health.nmetrics > 0) {
		report_doc_heading(d, 3, proc_label(s, proc, "Metrics", ": ",
		    heading, sizeof heading));
		report_metrics_table(report_doc_add(d, RDOC_TABLE), &v->health);
	}
}

void
report_doc_target(struct rdoc *d, const struct report_ctx *c)
{
	size_t i, n = snapshot_nprocs(c->s);

	if (n == 0) {
		report_doc_heading(d, 2, "Target resources");
		report_doc_text(d, RDOC_PARA, "No target process was watched "
		    "(give --pid, --proc-name or --exec to see its CPU and "
		    "memory).");
		return;
	}
	for (i = 0; i < n; i++)
		process_section(d, c, i);
	if (c->target_log)
		report_doc_text(d, RDOC_PARA, "The target's output is in "
		    "target.log.");
}

void
report_doc_target_health(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	char cell[240];
	size_t i;

	report_doc_heading(d, 2, "Server health");
	if (snapshot_nprocs(s) == 0) {
		report_doc_text(d, RDOC_PARA, "No process was watched.");
		return;
	}
	t = report_doc_table(d, "Process|CPU max|CPU avg|RSS max|Growth|"
	    "Leak verdict|Alerts|Exit");
	for (i = 0; i < snapshot_nprocs(s); i++) {
		const struct monitor_view *v = snapshot_proc_view(s, i);
		const struct monitor_stats *st = &v->stats;
		const char *exit = exit_cell(s, i, cell, sizeof cell);

		report_doc_row(t, report_doc_f(&f, "%s (pid %d)",
		    snapshot_proc_name(s, i), (int)v->pid),
		    st->cpu_windows > 0 ? report_doc_f(&f, "%.1f%%",
		    st->cpu_max) : "-", report_doc_f(&f, "%.1f%%", st->cpu_avg),
		    report_doc_f(&f, "%.1fMB", report_mb(st->rss_max)),
		    report_doc_f(&f, "%+.1fMB", report_mb(st->growth)),
		    leak_verdict_name(v->leak.verdict),
		    report_doc_f(&f, "%zu", report_proc_alerts(s, i)),
		    exit != NULL ? exit : v->alive ? "running" : "exited");
	}
}
