/* Headless output: a progress line per interval and a final summary. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alerts.h"
#include "headless.h"
#include "report.h"
#include "scenario.h"
#include "units.h"
#include "util.h"

static double
pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* Each watched process at the end of the interval, compactly. */
static void
print_procs_at(FILE *f, const struct snapshot *s, double t)
{
	const struct mseries_point *q;
	struct report_exit x;
	size_t i;

	for (i = 0; i < snapshot_nprocs(s); i++) {
		fprintf(f, "  %s", snapshot_proc_name(s, i));
		if (report_target_exit(s, i, &x) && x.t <= t)
			fputs(" exited", f);
		else if ((q = report_proc_at(s, i, t)) == NULL)
			fputs(" -", f);
		else
			fprintf(f, " cpu %.0f%% rss %.1fMB", q->cpu,
			    (double)q->rss / 1048576.0);
	}
}

/* Its rate is of a moment, not of an interval: say so. */
static void
print_partial(FILE *f, const struct snap_point *p)
{
	char len[16];

	if (p->partial)
		fprintf(f, "  (partial: %s)", units_format_duration(
		    (int64_t)(p->seconds * 1e6 + 0.5), len, sizeof len));
}

/* An interval of the requests' phases: its rate, latency and errors. */
static void
print_requests_point(FILE *f, const struct snapshot *s,
    const struct snap_point *p)
{
	const char *name = "-", *kind = "";
	char p50[16], p95[16], p99[16];

	if (p->phase < s->nphases) {
		name = s->phases[p->phase].name;
		kind = kinds_phase_name(s->phases[p->phase].kind);
	}
	fprintf(f, "[%7.1fs] %zu/%zu %-10s %-14s rps %8.1f  p50 %8s p95 %8s "
	    "p99 %8s  err %" PRIu64 "  429 %" PRIu64, p->t,
	    LT_MIN(p->phase + 1, s->nphases), s->nphases, kind, name, p->rps,
	    units_format_ms(p->p50, p50, sizeof p50),
	    units_format_ms(p->p95, p95, sizeof p95),
	    units_format_ms(p->p99, p99, sizeof p99), p->errors,
	    p->rate_limited);
	if (p->late_starts)
		fprintf(f, "  late %" PRIu64, p->late_starts);
}

/* One interval of the series, as a line: the requests', or in a
 * connections phase the streams'; then the processes. */
static void
print_point(FILE *f, const struct snapshot *s, const struct snap_point *p)
{
	if (p->phase < s->nphases && s->phases[p->phase].kind ==
	    SCN_CONNECTIONS)
		headless_streams_point(f, s, p);
	else
		print_requests_point(f, s, p);
	if (snapshot_nprocs(s) > 1)
		print_procs_at(f, s, p->t);
	else if (p->cpu >= 0)
		fprintf(f, "  cpu %.0f%% rss %.1fMB", p->cpu, p->rss_mb);
	print_partial(f, p);
}

/* Without load, a line per process: its sample at the interval's end. */
static void
print_watch_point(FILE *f, const struct snapshot *s,
    const struct snap_point *p, bool paused)
{
	const struct monitor_view *v;
	const struct mseries_point *q;
	struct report_exit x;
	size_t i;

	for (i = 0; i < snapshot_nprocs(s); i++) {
		v = snapshot_proc_view(s, i);
		fprintf(f, "[%7.1fs] %-10s pid %d", p->t,
		    snapshot_proc_name(s, i), (int)v->pid);
		if (report_target_exit(s, i, &x) && x.t <= p->t)
			fprintf(f, "  exited at %.1fs: %s", x.t, x.what);
		else if ((q = report_proc_at(s, i, p->t)) == NULL)
			fputs("  no sample yet", f);
		else if (q->fds < 0)
			/* Another user's process, to an unprivileged loadtop. */
			fprintf(f, "  cpu %5.1f%%  rss %.1fMB  threads %d  "
			    "fds unreadable", q->cpu, (double)q->rss / 1048576.0,
			    q->threads);
		else
			fprintf(f, "  cpu %5.1f%%  rss %.1fMB  threads %d  "
			    "fds %d", q->cpu, (double)q->rss / 1048576.0,
			    q->threads, q->fds);
		if (v->health.enabled && v->health.checked)
			fprintf(f, "  health %s", v->health.up ? "up" : "DOWN");
		print_partial(f, p);
		fputs(paused ? "  (paused)\n" : "\n", f);
	}
}

void
headless_progress(FILE *f, const struct snapshot *s,
    struct headless_seen *seen)
{
	size_t i;

	/* Every interval closed since the last call, though snapshots
	 * came faster than they were read. */
	for (i = 0; i < s->nseries; i++) {
		const struct snap_point *p = &s->series[i];

		bool paused = i == s->nseries - 1 &&
		    s->state == ENGINE_PAUSED;

		if (seen->any && p->t <= seen->t)
			continue;
		if (s->watch_only)
			print_watch_point(f, s, p, paused);
		else {
			print_point(f, s, p);
			fputs(paused ? "  (paused)\n" : "\n", f);
		}
		seen->t = p->t;
		seen->any = true;
	}
	/* A raised alert gets a line of its own, once. */
	for (i = seen->alerts; i < s->nalerts; i++)
		fprintf(f, "[%7.1fs] alert %s: %s\n", s->alerts[i].t_start,
		    alerts_kind_name(s->alerts[i].kind), s->alerts[i].msg);
	if (s->nalerts > seen->alerts)
		seen->alerts = s->nalerts;
	fflush(f);
}

/* Users at peak and on average; requests in flight likewise. */
static void
print_load(FILE *f, const struct snap_load *l, size_t whole)
{
	if (l->users_peak >= 0)
		fprintf(f, "  users      %" PRId64 " peak, %.1f average\n",
		    l->users_peak, l->users_avg);
	if (whole > 0)
		fprintf(f, "  in flight  %" PRIu64 " peak, %.1f average\n",
		    l->in_flight_peak, l->in_flight_avg);
}

static void
print_latency(FILE *f, const char *label, const struct snap_lat *l)
{
	char a[16], b[16], c[16], d[16], e[16], g[16], h[16], m[16];

	fprintf(f, "  %-10s min %s  p50 %s  p90 %s  p95 %s  p99 %s  p99.9 %s"
	    "  max %s  mean %s\n", label,
	    units_format_ms(l->min, a, sizeof a), units_format_ms(l->p50, b, sizeof b),
	    units_format_ms(l->p90, c, sizeof c), units_format_ms(l->p95, d, sizeof d),
	    units_format_ms(l->p99, e, sizeof e), units_format_ms(l->p999, g, sizeof g),
	    units_format_ms(l->max, h, sizeof h), units_format_ms(l->mean, m, sizeof m));
}

static void
print_rate_limit(FILE *f, const struct snap_phase *p)
{
	const struct snap_rate_limit *rl = &p->rl;

	fprintf(f, "  rate limit '%s': allowed %" PRIu64, p->name, rl->allowed);
	if (rl->expect_allowed >= 0)
		fprintf(f, " (expected %" PRId64 ")", rl->expect_allowed);
	fprintf(f, ", limited %" PRIu64, rl->limited);
	if (rl->expect_limited >= 0)
		fprintf(f, " (expected %" PRId64 ")", rl->expect_limited);
	if (rl->first_limited_at > 0)
		fprintf(f, ", limiting began at request %" PRId64,
		    rl->first_limited_at);
	if (rl->retry_after_count > 0) {
		if (rl->retry_after_min == rl->retry_after_max)
			fprintf(f, ", Retry-After %" PRId64 "s",
			    rl->retry_after_min);
		else
			fprintf(f, ", Retry-After %" PRId64 "-%" PRId64 "s",
			    rl->retry_after_min, rl->retry_after_max);
	}
	if (rl->expect_allowed >= 0 || rl->expect_limited >= 0)
		fprintf(f, ": %s", !rl->checked ? "NOT CHECKED" :
		    rl->passed ? "PASS" : "FAIL");
	fputc('\n', f);
}

/* The tables' name columns are as wide as their longest name. */
static void
print_phases(FILE *f, const struct snapshot *s)
{
	char p50[16], p95[16], p99[16];
	size_t i, len = strlen("phase");
	int w, kw = 10;

	for (i = 0; i < s->nphases; i++) {
		len = LT_MAX(len, strlen(s->phases[i].name));
		kw = LT_MAX(kw, (int)strlen(kinds_phase_name(
		    s->phases[i].kind)));
	}
	w = (int)len;

	fprintf(f, "\n  %-2s %-*s %-*s %9s %9s %9s %9s %9s %7s %7s\n", "#",
	    w, "phase", kw, "kind", "requests", "req/s", "p50", "p95", "p99",
	    "errors", "429");
	for (i = 0; i < s->nphases; i++) {
		const struct snap_phase *p = &s->phases[i];
		const struct snap_block *b = &p->block;

		if (p->state == PHASE_PENDING || p->state == PHASE_SKIPPED ||
		    p->kind == SCN_CONNECTIONS) {
			/* A connections phase's streams have blocks below. */
			fprintf(f, "  %-2zu %-*s %-*s %9s\n", i + 1, w, p->name,
			    kw, kinds_phase_name(p->kind), p->kind ==
			    SCN_CONNECTIONS && snapshot_phase_ended(p->state) ?
			    "streams" : snapshot_phase_state_name(p->state));
			continue;
		}
		fprintf(f, "  %-2zu %-*s %-*s %9" PRIu64 " %9.1f %9s %9s "
		    "%9s %7" PRIu64 " %7" PRIu64 "\n", i + 1, w, p->name,
		    kw, kinds_phase_name(p->kind), b->n.completed, b->rps,
		    units_format_ms(b->latency.p50, p50, sizeof p50),
		    units_format_ms(b->latency.p95, p95, sizeof p95),
		    units_format_ms(b->latency.p99, p99, sizeof p99), b->n.errors,
		    b->n.classes[CLS_RATE_LIMITED]);
	}
	for (i = 0; i < s->nphases; i++)
		if (s->phases[i].kind == SCN_RATE_LIMIT &&
		    snapshot_phase_ended(s->phases[i].state))
			print_rate_limit(f, &s->phases[i]);
}

static void
print_requests(FILE *f, const struct snapshot *s)
{
	char p50[16], p95[16], p99[16];
	size_t i, n, len = strlen("request");
	int w;

	for (i = 0, n = 0; i < s->nrequests; i++)
		if (!report_is_stream(s->scn, i)) {
			len = LT_MAX(len, strlen(s->requests[i].name));
			n++;
		}
	w = (int)len;
	/* Stream requests send none: their blocks say what they did. */
	if (n == 0 || (s->total.n.started == 0 && s->nstreams > 0))
		return;
	fprintf(f, "\n  %-*s %9s %9s %9s %9s %9s %7s %7s\n", w, "request",
	    "count", "req/s", "p50", "p95", "p99", "err%", "429%");
	for (i = 0; i < s->nrequests; i++) {
		const struct snap_block *b = &s->requests[i].total;

		if (report_is_stream(s->scn, i))
			continue;

		fprintf(f, "  %-*s %9" PRIu64 " %9.1f %9s %9s %9s %6.2f%% "
		    "%6.2f%%\n", w, s->requests[i].name, b->n.completed, b->rps,
		    units_format_ms(b->latency.p50, p50, sizeof p50),
		    units_format_ms(b->latency.p95, p95, sizeof p95),
		    units_format_ms(b->latency.p99, p99, sizeof p99),
		    pct(b->n.errors, b->n.completed),
		    pct(b->n.classes[CLS_RATE_LIMITED], b->n.completed));
	}
}

/* Each kind of alert once, with its span and its worst reading. */
static void
print_alerts(FILE *f, const struct snapshot *s)
{
	struct alert_span spans[ALERT__COUNT];
	char line[320];
	size_t i, n;

	if (s->nalerts == 0)
		return;
	fputc('\n', f);
	n = alerts_spans(s->alerts, s->nalerts, spans);
	for (i = 0; i < n; i++)
		fprintf(f, "  alert      %s\n", alerts_span_format(&spans[i],
		    line, sizeof line));
	if (s->alerts_dropped > 0)
		fprintf(f, "  alert      and %zu more\n", s->alerts_dropped);
}

static void
print_versions(FILE *f, const struct snap_counts *n)
{
	size_t i;
	bool any = false;

	for (i = SNAP_HTTPV_COUNT; i-- > 0;) {
		if (n->http_versions[i] == 0)
			continue;
		fprintf(f, "%s HTTP/%s %" PRIu64, any ? "," : "  http      ",
		    snap_http_versions[i], n->http_versions[i]);
		any = true;
	}
	if (any)
		fputc('\n', f);
}

static void
print_by_class(FILE *f, const struct snapshot *s)
{
	char a[32], b[32];
	size_t i, n = 0;

	for (i = 0; i < CLS__COUNT; i++)
		n += s->by_class[i].count > 0;
	if (n < 2)
		return;			/* the latency line says it all */
	fputs("  by class  ", f);
	for (i = 0; i < CLS__COUNT; i++) {
		if (s->by_class[i].count == 0)
			continue;
		fprintf(f, " %s p50 %s p99 %s;", kinds_class_name(i),
		    units_format_ms(s->by_class[i].p50, a, sizeof a),
		    units_format_ms(s->by_class[i].p99, b, sizeof b));
	}
	fputc('\n', f);
}

/* Requests, throughput, latency, classes, status codes, timing; none of
 * them when the run held streams only. */
static void
print_traffic(FILE *f, const struct snapshot *s)
{
	const struct snap_block *t = &s->total;
	char a[16], b[16];
	size_t i;
	int any = 0;

	if (t->n.started == 0 && s->nstreams > 0) {
		fputs("  requests   none: the run held streams only\n", f);
		return;
	}
	/* Requests a missing capture held back were started, not sent. */
	fprintf(f, "  requests   %" PRIu64 " sent, %" PRIu64 " completed, %"
	    PRIu64 " responses", t->n.started - t->n.classes[CLS_CAPTURE_MISSING],
	    t->n.completed, t->n.responses);
	if (t->n.classes[CLS_CAPTURE_MISSING] > 0)
		fprintf(f, ", %" PRIu64 " not sent (a variable unset)",
		    t->n.classes[CLS_CAPTURE_MISSING]);
	if (t->n.started > t->n.completed)
		fprintf(f, ", %" PRIu64 " abandoned in flight",
		    t->n.started - t->n.completed);
	fprintf(f, "\n  throughput %.1f req/s average, ", t->rps);
	if (s->whole_intervals > 0)
		fprintf(f, "%.1f peak", s->rps_peak);
	else
		fputs("no peak (no whole interval)", f);
	fprintf(f, ", %.2f MB in\n", (double)t->n.bytes_in / 1048576.0);
	if (t->n.late_starts || t->n.skipped)
		fprintf(f, "  open model %" PRIu64 " late starts, %" PRIu64
		    " skipped\n", t->n.late_starts, t->n.skipped);
	print_load(f, &s->load, s->whole_intervals);
	print_latency(f, "latency", &t->latency);
	print_by_class(f, s);
	if (t->n.late_starts)
		print_latency(f, "service", &t->service);
	fputs("  classes   ", f);
	for (i = 0; i < CLS__COUNT; i++) {
		if (t->n.classes[i] == 0 && i != CLS_OK)
			continue;
		fprintf(f, " %s %" PRIu64 " (%.1f%%)", kinds_class_name(i),
		    t->n.classes[i], pct(t->n.classes[i], t->n.completed));
	}
	fputs("\n  status    ", f);
	for (i = 0; i < s->nstatus; i++)
		fprintf(f, " %d: %" PRIu64, s->status[i].code,
		    s->status[i].count);
	fputs(s->nstatus ? "\n" : " none\n", f);
	print_versions(f, &t->n);
	for (i = 0; i < s->nfailures && i < 3; i++)
		fprintf(f, "  failed    %s: %" PRIu64 "\n", s->failures[i].what,
		    s->failures[i].count);
	fputs("  timing    ", f);
	for (i = 0; i < TIM__COUNT; i++) {
		if (s->timing[i].count == 0)
			continue;
		fprintf(f, " %s p50 %s p99 %s;", kinds_timing_name(i),
		    units_format_ms(s->timing[i].p50, a, sizeof a),
		    units_format_ms(s->timing[i].p99, b, sizeof b));
		any = 1;
	}
	fputs(any ? "\n" : " none\n", f);
}

void
headless_summary(FILE *f, const struct snapshot *s)
{
	size_t i, n = snapshot_nprocs(s);
	char a[16];

	fprintf(f, "loadtop: %s: %s after %s", s->scn->name,
	    snapshot_end_reason_name(s->end_reason),
	    report_format_seconds(s->elapsed, a, sizeof a));
	if (s->watch_only) {
		/* No request was sent: the processes are the whole story. */
		fprintf(f, ", watching %zu process%s\n\n", n, n == 1 ? "" :
		    "es");
		if (n > 0)
			headless_target_table(f, s);
		else
			fputs("  no process was watched\n", f);
	} else {
		fputs("\n\n", f);
		print_traffic(f, s);
		print_phases(f, s);
		print_requests(f, s);
		headless_streams_print(f, s);
		headless_checks_print(f, s);
	}
	for (i = 0; i < n; i++)
		headless_target_print(f, s, i);
	print_alerts(f, s);
	fflush(f);
}
