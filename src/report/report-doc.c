/* The results document that report.md and report.html both render: the
 * sections a team writes by hand after a load test. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-int.h"
#include "util.h"

/* When, how it ended, the verdict. */
static void
header(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct report_fbuf f = { .i = 0 };

	report_doc_kv(d, "Date", "%s to %s (%s)", c->started, c->ended,
	    report_doc_secs(&f, s->elapsed));
	report_doc_kv(d, "Ended", "%s%s", c->final ? snapshot_end_reason_name(s->end_reason) :
	    "still running (a report taken during the run)",
	    s->end_reason == END_THRESHOLD_ABORT && c->o->abort_why ?
	    report_doc_f(&f, ": %.50s", c->o->abort_why) : "");
	report_verdict_line(d, c);
}

/* The requests' throughput, users, latency and errors. */
static void
requests_items(struct rdoc *d, const struct snapshot *s)
{
	const struct snap_block *t = &s->total;
	struct report_fbuf f = { .i = 0 };

	report_doc_text(d, RDOC_ITEM, "Throughput: %.1f req/s on average, %s, %" PRIu64
	    " requests", t->rps, s->whole_intervals ? report_doc_f(&f, "%.1f req/s at "
	    "peak", s->rps_peak) : "no peak (no whole interval)",
	    t->n.completed);
	if (s->load.users_peak >= 0)
		report_doc_text(d, RDOC_ITEM, "Users: %" PRId64 " at peak, %.1f on "
		    "average", s->load.users_peak, s->load.users_avg);
	if (t->latency.count > 0)
		report_doc_text(d, RDOC_ITEM, "Latency: p50 %s, p95 %s, p99 %s, max %s",
		    report_doc_ms(&f, t->latency.p50), report_doc_ms(&f, t->latency.p95),
		    report_doc_ms(&f, t->latency.p99), report_doc_ms(&f, t->latency.max));
	report_doc_text(d, RDOC_ITEM, "Errors: %" PRIu64 " of %" PRIu64 " (%.2f%%); "
	    "%" PRIu64 " rate limited (429)", t->n.errors, t->n.completed,
	    report_pct(t->n.errors, t->n.completed),
	    t->n.classes[CLS_RATE_LIMITED]);
}

static void
summary(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;

	header(d, c);
	report_doc_heading(d, 2, "Summary");
	if (s->total.n.started == 0 && s->nstreams > 0)
		report_doc_text(d, RDOC_ITEM, "Requests: none; the run held "
		    "streams only");
	else
		requests_items(d, s);
	report_doc_checks_item(d, c);
	report_doc_streams_items(d, c);
	report_doc_target_items(d, c);
	report_verdict_items(d, c);
}

/* A row per watched process: its pid and command line. */
static void
processes(struct rdoc_block *t, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct report_fbuf f = { .i = 0 };
	size_t i, n = snapshot_nprocs(s);

	for (i = 0; i < n; i++) {
		const struct monitor_view *v = snapshot_proc_view(s, i);
		const char *cmd = i < c->ncommands ? c->commands[i] : NULL;

		report_doc_row(t, n > 1 ? report_doc_f(&f, "Process '%.40s'",
		    snapshot_proc_name(s, i)) : "Target process",
		    report_doc_f(&f, "pid %d%s%s%s%.90s", (int)v->pid,
		    v->tree ? " and descendants" : "", s->nprocesses > i &&
		    s->processes[i].may_exit ? ", may exit" : "",
		    cmd ? ": " : "", cmd ? cmd : ""));
	}
}

static void
configuration(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	const struct scenario *scn = s->scn;
	struct rdoc_block *t;
	struct report_fbuf f = { .i = 0 };
	char load[64], amount[64];
	size_t i;

	report_doc_heading(d, 2, "Configuration");
	t = report_doc_table(d, "Parameter|Value");
	report_doc_row(t, "Scenario", scn->name ? scn->name : "");
	if (scn->file != NULL)
		report_doc_row(t, "File", scn->file);
	if (scn->description != NULL)
		report_doc_row(t, "Description", scn->description);
	if (scn->target.base_url != NULL)
		report_doc_row(t, "Base URL", scn->target.base_url);
	processes(t, c);
	report_doc_row(t, "Worker threads", report_doc_f(&f, "%u", s->threads));
	for (i = 0; i < scn->nrequests; i++)
		report_doc_row(t, report_doc_f(&f, "Request '%.40s'", scn->requests[i].name),
		    report_doc_f(&f, "%s %.50s", scn->requests[i].websocket ?
		    "WebSocket" : scn->requests[i].sse ? "SSE" :
		    scn->requests[i].method, scn->requests[i].url));
	if (c->target_log)
		report_doc_row(t, "Target output", "target.log, beside this report");

	report_doc_heading(d, 3, "Phases");
	t = report_doc_table(d, "#|Phase|Kind|Load|Length|State");
	for (i = 0; i < scn->nphases && i < s->nphases; i++) {
		const struct scn_phase *p = &scn->phases[i];

		report_doc_row(t, report_doc_f(&f, "%zu", i + 1), p->name, kinds_phase_name(
		    p->kind), report_phase_load(p, load, sizeof load),
		    report_phase_length(p, amount, sizeof amount),
		    snapshot_phase_state_name(s->phases[i].state));
	}
}

static void
latency(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	const struct snap_lat *l = &s->total.latency, *sv = &s->total.service;
	struct rdoc_block *t;
	struct report_fbuf f = { .i = 0 };
	static const char *const names[] = { "min", "mean", "p50", "p90",
	    "p95", "p99", "p99.9", "max" };
	double lv[8] = { l->min, l->mean, l->p50, l->p90, l->p95, l->p99,
	    l->p999, l->max };
	double sv_[8] = { sv->min, sv->mean, sv->p50, sv->p90, sv->p95,
	    sv->p99, sv->p999, sv->max };
	size_t i;

	report_doc_heading(d, 2, "Latency");
	if (l->count == 0) {
		report_doc_text(d, RDOC_PARA, "No request completed.");
		return;
	}
	t = report_doc_table(d, "Statistic|Latency|Service time");
	for (i = 0; i < 8; i++)
		report_doc_row(t, names[i], report_doc_ms(&f, lv[i]), report_doc_ms(&f, sv_[i]));
	report_doc_text(d, RDOC_PARA, "%s", report_latency_note(s));
	report_doc_heading(d, 3, "Timing breakdown");
	t = report_doc_table(d, "Step|Mean|p50|p99|Max");
	for (i = 0; i < TIM__COUNT; i++) {
		const struct snap_lat *x = &s->timing[i];

		if (x->count == 0)
			continue;
		report_doc_row(t, kinds_timing_name(i), report_doc_ms(&f, x->mean), report_doc_ms(&f, x->p50),
		    report_doc_ms(&f, x->p99), report_doc_ms(&f, x->max));
	}
	report_doc_heading(d, 3, "Latency by class");
	t = report_doc_table(d, "Class|Count|p50|p95|p99|Max");
	for (i = 0; i < CLS__COUNT; i++) {
		const struct snap_lat *x = &s->by_class[i];

		if (x->count > 0)
			report_doc_row(t, kinds_class_name(i), report_doc_f(&f,
			    "%" PRIu64, x->count), report_doc_ms(&f, x->p50),
			    report_doc_ms(&f, x->p95), report_doc_ms(&f, x->p99),
			    report_doc_ms(&f, x->max));
	}
}


/* "1.1: 2000" or "1.1: 1990, 1.0: 10": answers by HTTP version. */
static const char *
versions_cell(struct report_fbuf *f, const struct snap_counts *n)
{
	char *p = f->b[f->i++ % 8];
	size_t i, len = 0;

	p[0] = '\0';
	for (i = SNAP_HTTPV_COUNT; i-- > 0;)
		if (n->http_versions[i] > 0 && len < sizeof f->b[0])
			len += (size_t)snprintf(p + len, sizeof f->b[0] - len,
			    "%s%s: %" PRIu64, len ? ", " : "",
			    snap_http_versions[i], n->http_versions[i]);
	return len ? p : "none";
}

/* Which transport sent the requests: one, or how many each. */
static const char *
transports_cell(struct report_fbuf *f, const struct snapshot *s)
{
	size_t i, raw = 0;

	for (i = 0; i < s->nrequests; i++)
		raw += s->requests[i].transport != NULL &&
		    strcmp(s->requests[i].transport, "raw") == 0;
	if (raw == s->nrequests)
		return "raw (loadtop's HTTP/1.1 on libcurl's connections)";
	if (raw == 0)
		return "curl (libcurl's transfers)";
	return report_doc_f(f, "raw: %zu requests, curl: %zu", raw,
	    s->nrequests - raw);
}

static void
throughput(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	const struct snap_counts *n = &s->total.n;
	struct rdoc_block *t;
	struct report_fbuf f = { .i = 0 };
	size_t i;

	report_doc_heading(d, 2, "Throughput");
	t = report_doc_table(d, "Metric|Value");
	report_doc_row(t, "Requests sent", report_doc_f(&f, "%" PRIu64,
	    n->started - n->classes[CLS_CAPTURE_MISSING]));
	if (n->classes[CLS_CAPTURE_MISSING] > 0)
		report_doc_row(t, "Not sent (a variable unset)", report_doc_f(&f,
		    "%" PRIu64, n->classes[CLS_CAPTURE_MISSING]));
	report_doc_row(t, "Requests completed", report_doc_f(&f, "%" PRIu64, n->completed));
	report_doc_row(t, "HTTP responses", report_doc_f(&f, "%" PRIu64, n->responses));
	if (n->started > n->completed)
		report_doc_row(t, "Abandoned in flight", report_doc_f(&f, "%" PRIu64,
		    n->started - n->completed));
	report_doc_row(t, "Average rate", report_doc_f(&f, "%.1f req/s", s->total.rps));
	report_doc_row(t, "Peak rate (one interval)", s->whole_intervals ?
	    report_doc_f(&f, "%.1f req/s", s->rps_peak) :
	    "none: the run was shorter than an interval");
	if (s->load.users_peak >= 0)
		report_doc_row(t, "Users (closed model), peak / average", report_doc_f(&f, "%" PRId64
		    " / %.1f", s->load.users_peak, s->load.users_avg));
	if (s->whole_intervals > 0)
		report_doc_row(t, "Requests in flight, peak / average", report_doc_f(&f, "%" PRIu64
		    " / %.1f", s->load.in_flight_peak, s->load.in_flight_avg));
	report_doc_row(t, "Duration", report_doc_secs(&f, s->elapsed));
	report_doc_row(t, "Received", report_doc_f(&f, "%.2fMB", report_mb((int64_t)n->bytes_in)));
	report_doc_row(t, "Sent", report_doc_f(&f, "%.2fMB", report_mb((int64_t)n->bytes_out)));
	report_doc_row(t, "New connections", report_doc_f(&f, "%" PRIu64, n->connects));
	report_doc_row(t, "HTTP versions", versions_cell(&f, n));
	if (s->nrequests > 0)
		report_doc_row(t, "Transport", transports_cell(&f, s));
	if (n->late_starts || n->skipped)
		report_doc_row(t, "Late starts / skipped", report_doc_f(&f, "%" PRIu64 " / %"
		    PRIu64, n->late_starts, n->skipped));

	report_doc_heading(d, 2, "Responses");
	t = report_doc_table(d, "Status|Count|Share");
	for (i = 0; i < s->nstatus; i++)
		report_doc_row(t, report_doc_f(&f, "%d", s->status[i].code), report_doc_f(&f, "%" PRIu64,
		    s->status[i].count), report_doc_f(&f, "%.1f%%", report_pct(
		    s->status[i].count, n->completed)));
	t = report_doc_table(d, "Class|Count|Share");
	for (i = 0; i < CLS__COUNT; i++)
		if (n->classes[i] > 0 || i == CLS_OK)
			report_doc_row(t, kinds_class_name(i), report_doc_f(&f, "%" PRIu64,
			    n->classes[i]), report_doc_f(&f, "%.1f%%",
			    report_pct(n->classes[i], n->completed)));
}

/* One rate_limit phase: what was expected against what was seen. */
static void
rate_limit(struct rdoc *d, const struct snap_phase *p)
{
	const struct snap_rate_limit *rl = &p->rl;
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	const char *st;

	report_doc_heading(d, 2, report_doc_f(&f, "Rate-limit verification: "
	    "%s", p->name));
	st = !rl->checked ? "not checked (phase did not finish)" :
	    report_verdict_word(rl->passed);
	t = report_doc_table(d, "Check|Expected|Seen|Status");
	report_doc_row(t, "Allowed", rl->expect_allowed >= 0 ?
	    report_doc_f(&f, "%" PRId64, rl->expect_allowed) : "-",
	    report_doc_f(&f, "%" PRIu64, rl->allowed), rl->expect_allowed < 0 ?
	    "" : !rl->checked ? st : report_verdict_word(
	    (uint64_t)rl->expect_allowed == rl->allowed));
	report_doc_row(t, "Limited (429)", rl->expect_limited >= 0 ?
	    report_doc_f(&f, "%" PRId64, rl->expect_limited) : "-",
	    report_doc_f(&f, "%" PRIu64, rl->limited), rl->expect_limited < 0 ?
	    "" : !rl->checked ? st : report_verdict_word(
	    (uint64_t)rl->expect_limited == rl->limited));
	/* As the summary says it: the request that was refused first. */
	report_doc_row(t, "Limit engaged", "", rl->first_limited_at > 0 ?
	    report_doc_f(&f, "at request %" PRId64, rl->first_limited_at) :
	    "never", "");
	report_doc_row(t, "Retry-After", "", rl->retry_after_count == 0 ?
	    "none" : rl->retry_after_min == rl->retry_after_max ?
	    report_doc_f(&f, "%" PRId64 "s", rl->retry_after_min) :
	    report_doc_f(&f, "%" PRId64 "-%" PRId64 "s", rl->retry_after_min,
	    rl->retry_after_max), "");
	report_doc_text(d, RDOC_PARA, "Verdict: %s.", st);
}

static void
rate_limits(struct rdoc *d, const struct report_ctx *c)
{
	size_t i;

	for (i = 0; i < c->s->nphases; i++)
		if (c->s->phases[i].kind == SCN_RATE_LIMIT)
			rate_limit(d, &c->s->phases[i]);
}

static void
alerts(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct alert_span spans[ALERT__COUNT];
	char line[320];
	size_t i, n;

	report_doc_heading(d, 2, "Alerts");
	if (s->nalerts == 0 && c->nnotes == 0)
		report_doc_text(d, RDOC_PARA, "None.");
	/* Each kind once, with its span: report.json has every record. */
	n = alerts_spans(s->alerts, s->nalerts, spans);
	for (i = 0; i < n; i++)
		report_doc_text(d, RDOC_ITEM, "%s %s %s", RDOC_WARN, alerts_level_name(
		    spans[i].level), alerts_span_format(&spans[i], line,
		    sizeof line));
	for (i = 0; i < c->nnotes; i++)
		report_doc_text(d, RDOC_ITEM, "Note at %.1fs: %s", c->notes[i].t,
		    c->notes[i].msg);
	if (s->alerts_dropped > 0)
		report_doc_text(d, RDOC_PARA, "%zu more alerts were not kept.",
		    s->alerts_dropped);
}

void
report_doc_block_row(struct rdoc_block *t, const char *name,
    const char *extra, const struct snap_block *b)
{
	struct report_fbuf f = { .i = 0 };
	const struct snap_lat *l = &b->latency;

	report_doc_row(t, name, extra,
	    report_doc_f(&f, "%" PRIu64, b->n.completed),
	    report_doc_f(&f, "%.1f", b->rps),
	    l->count ? report_doc_ms(&f, l->p50) : "-",
	    l->count ? report_doc_ms(&f, l->p95) : "-",
	    l->count ? report_doc_ms(&f, l->p99) : "-",
	    report_doc_f(&f, "%.2f%%", report_pct(b->n.errors, b->n.completed)),
	    report_doc_f(&f, "%" PRIu64, b->n.classes[CLS_RATE_LIMITED]));
}

/* The ramps' stages, a row each: how steady state did, ramp apart. */
static void
stages(struct rdoc *d, const struct snapshot *s)
{
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	size_t i;

	if (s->nstages == 0)
		return;
	report_doc_heading(d, 2, "Stages");
	t = report_doc_table(d, "Stage|Phase|Requests|req/s|p50|p95|p99|"
	    "Errors|429");
	for (i = 0; i < s->nstages; i++) {
		const struct snap_stage *st = &s->stages[i];

		report_doc_block_row(t, st->name != NULL ? st->name : report_doc_f(&f,
		    "%zu", st->index + 1), report_doc_f(&f, "%s%s%s",
		    s->phases[st->phase].name, st->state == PHASE_DONE ? "" :
		    ", ", st->state == PHASE_DONE ? "" :
		    snapshot_phase_state_name(st->state)), &st->block);
	}
}

static void
breakdowns(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct rdoc_block *t;
	size_t i;

	report_doc_heading(d, 2, "Phases");
	t = report_doc_table(d, "Phase|Kind|Requests|req/s|p50|p95|p99|Errors|429");
	for (i = 0; i < s->nphases; i++)
		if (s->phases[i].kind == SCN_CONNECTIONS)
			report_doc_row(t, s->phases[i].name, kinds_phase_name(
			    SCN_CONNECTIONS), "streams", "-", "-", "-", "-", "-",
			    "-");
		else
			report_doc_block_row(t, s->phases[i].name,
			    kinds_phase_name(s->phases[i].kind),
			    &s->phases[i].block);
	stages(d, s);
	report_doc_heading(d, 2, "Requests");
	t = report_doc_table(d, "Request|Method|Count|req/s|p50|p95|p99|Errors|429");
	/* Stream requests send none: the streams' section has theirs. */
	for (i = 0; i < s->nrequests; i++)
		if (!report_is_stream(s->scn, i))
			report_doc_block_row(t, s->requests[i].name, i <
			    s->scn->nrequests ? s->scn->requests[i].method : "",
			    &s->requests[i].total);
	report_doc_parts(d, c);
}

/* A session without load: the processes watched, and nothing of the
 * requests that were never sent. */
static void
watch_build(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct report_fbuf f = { .i = 0 };
	size_t n = snapshot_nprocs(s);

	header(d, c);
	report_doc_heading(d, 2, "Summary");
	report_doc_text(d, RDOC_ITEM, "Watched %zu process%s for %s, with no "
	    "load sent", n, n == 1 ? "" : "es", report_doc_secs(&f,
	    s->elapsed));
	report_doc_target_items(d, c);
	report_verdict_items(d, c);
	report_doc_add(d, RDOC_CHARTS);
	report_doc_target_health(d, c);
	report_doc_target(d, c);
	report_verdict_tables(d, c);
	alerts(d, c);
}

void
report_doc_build(struct rdoc *d, const struct report_ctx *c)
{
	char title[160];

	memset(d, 0, sizeof *d);
	snprintf(title, sizeof title, "%s: %s", c->s->watch_only ?
	    "Server health" : "Load test results", c->s->scn->name ?
	    c->s->scn->name : "run");
	report_doc_heading(d, 1, title);
	if (c->s->watch_only)
		watch_build(d, c);
	else {
		summary(d, c);
		report_doc_add(d, RDOC_CHARTS);
		configuration(d, c);
		report_verdict_tables(d, c);
		latency(d, c);
		throughput(d, c);
		report_doc_streams(d, c);
		report_doc_responses(d, c);
		rate_limits(d, c);
		report_doc_target(d, c);
		alerts(d, c);
		breakdowns(d, c);
	}
	report_doc_text(d, RDOC_PARA, "Written by %s %s; every figure is also in "
	    "report.json and, per interval, in timeseries.csv.", PACKAGE_NAME,
	    PACKAGE_VERSION);
}
