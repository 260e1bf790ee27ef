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

static struct rdoc_block *
add(struct rdoc *d, enum rdoc_kind kind)
{
	struct rdoc_block *b;

	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	b = &d->v[d->n++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	return b;
}

static void
heading(struct rdoc *d, int level, const char *text)
{
	struct rdoc_block *b = add(d, RDOC_HEADING);

	b->level = level;
	b->text = xstrdup(text);
}

static void
textf(struct rdoc *d, enum rdoc_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
textf(struct rdoc *d, enum rdoc_kind kind, const char *fmt, ...)
{
	struct rdoc_block *b = add(d, kind);
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(&b->text, fmt, ap);
	va_end(ap);
}

static void
kv(struct rdoc *d, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
kv(struct rdoc *d, const char *label, const char *fmt, ...)
{
	struct rdoc_block *b = add(d, RDOC_KV);
	va_list ap;

	b->text = xstrdup(label);
	va_start(ap, fmt);
	xvasprintf(&b->value, fmt, ap);
	va_end(ap);
}

/* A table with the given header; "|"-separated column names. */
static struct rdoc_block *
table(struct rdoc *d, const char *head)
{
	struct rdoc_block *b = add(d, RDOC_TABLE);
	const char *p = head, *bar;

	b->ncols = 1;
	for (; *p != '\0'; p++)
		b->ncols += *p == '|';
	b->cells = xcalloc(b->ncols, sizeof *b->cells);
	for (p = head, b->ncols = 0; ; p = bar + 1) {
		bar = strchr(p, '|');
		b->cells[b->ncols++] = bar ? xstrndup(p, (size_t)(bar - p)) :
		    xstrdup(p);
		if (bar == NULL)
			break;
	}
	return b;
}

/* Add a row: ncols printf-formatted cells, each given as a string. */
static void
row(struct rdoc_block *t, ...)
{
	va_list ap;
	size_t i, base;

	t->nrows++;
	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof *t->cells);
	base = t->nrows * t->ncols;
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *cell = va_arg(ap, const char *);

		t->cells[base + i] = xstrdup(cell != NULL ? cell : "");
	}
	va_end(ap);
}

/* Small formatting helpers, each into its own static-free buffer. */
struct fbuf {
	char b[8][128];
	int i;
};

static const char *
f_(struct fbuf *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *
f_(struct fbuf *f, const char *fmt, ...)
{
	char *p = f->b[f->i++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof f->b[0], fmt, ap);
	va_end(ap);
	return p;
}

static const char *
ms_(struct fbuf *f, double ms)
{
	char *p = f->b[f->i++ % 8];

	return units_format_ms(ms, p, sizeof f->b[0]);
}

static const char *
secs_(struct fbuf *f, double seconds)
{
	char *p = f->b[f->i++ % 8];

	return report_format_seconds(seconds, p, sizeof f->b[0]);
}

static const char *
pass_word(bool passed)
{
	return passed ? RDOC_PASS : RDOC_FAIL;
}

/* "11.8x better" or "2.1x over", when the threshold is a simple bound. */
static void
margin(const struct verdict_row *r, char *buf, size_t len)
{
	const struct threshold *t = r->t;
	double a = r->actual, v = t->value, x;
	bool upper = t->op == THR_LT || t->op == THR_LE;
	bool lower = t->op == THR_GT || t->op == THR_GE;

	buf[0] = '\0';
	if (!r->known || a <= 0 || v <= 0 || !(upper || lower))
		return;
	x = upper ? v / a : a / v;
	if (x >= 1.05)
		snprintf(buf, len, ", %.1fx better", x);
	else if (x < 0.95)
		snprintf(buf, len, ", %.1fx %s", 1 / x, upper ? "over" :
		    "under");
}

static void
summary(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	const struct snap_block *t = &s->total;
	const struct monitor_stats *st = &s->target.stats;
	struct fbuf f = { .i = 0 };
	size_t i, npassed = c->v.n - c->v.failed;

	kv(d, "Date", "%s to %s (%s)", c->started, c->ended,
	    secs_(&f, s->elapsed));
	kv(d, "Ended", "%s%s", c->final ? snapshot_end_reason_name(s->end_reason) :
	    "still running (a report taken during the run)",
	    s->end_reason == END_THRESHOLD_ABORT && c->o->abort_why ?
	    f_(&f, ": %.50s", c->o->abort_why) : "");
	if (c->v.passed)
		kv(d, "Verdict", "%s: %zu of %zu thresholds met%s", RDOC_PASS,
		    npassed, c->v.n, c->v.rl_failed == 0 && s->nphases > 0 ?
		    ", rate-limit expectations met" : "");
	else
		kv(d, "Verdict", "%s: %zu of %zu thresholds met%s", RDOC_FAIL,
		    npassed, c->v.n, c->v.rl_failed ? f_(&f, ", %zu rate-limit "
		    "phase(s) did not behave as expected", c->v.rl_failed) : "");
	heading(d, 2, "Summary");
	textf(d, RDOC_ITEM, "Throughput: %.1f req/s on average, %s, %" PRIu64
	    " requests", t->rps, s->whole_intervals ? f_(&f, "%.1f req/s at "
	    "peak", s->rps_peak) : "no peak (no whole interval)",
	    t->n.completed);
	if (s->load.users_peak >= 0)
		textf(d, RDOC_ITEM, "Users: %" PRId64 " at peak, %.1f on "
		    "average", s->load.users_peak, s->load.users_avg);
	if (t->latency.count > 0)
		textf(d, RDOC_ITEM, "Latency: p50 %s, p95 %s, p99 %s, max %s",
		    ms_(&f, t->latency.p50), ms_(&f, t->latency.p95),
		    ms_(&f, t->latency.p99), ms_(&f, t->latency.max));
	textf(d, RDOC_ITEM, "Errors: %" PRIu64 " of %" PRIu64 " (%.2f%%); "
	    "%" PRIu64 " rate limited (429)", t->n.errors, t->n.completed,
	    report_pct(t->n.errors, t->n.completed),
	    t->n.classes[CLS_RATE_LIMITED]);
	if (s->has_target && st->nsamples > 0)
		textf(d, RDOC_ITEM, "Target: CPU %.1f%% average, %.1f%% max; "
		    "RSS %.1fMB to %.1fMB (%+.1fMB); leak check %s",
		    st->cpu_avg, st->cpu_max, report_mb(st->rss_start),
		    report_mb(st->rss_end), report_mb(st->growth),
		    leak_verdict_name(s->target.leak.verdict));
	for (i = 0; i < c->v.n; i++) {
		const struct verdict_row *r = &c->v.rows[i];
		char a[48];

		if (!r->passed)
			textf(d, RDOC_ITEM, "Failed: %s (actual %s%s%s)",
			    r->t->expr, verdict_format_actual(r, a, sizeof a),
			    r->known ? "" : ": ", r->known ? "" : r->why);
	}
}

static void
configuration(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	const struct scenario *scn = s->scn;
	struct rdoc_block *t;
	struct fbuf f = { .i = 0 };
	char load[64], amount[64];
	size_t i;

	heading(d, 2, "Configuration");
	t = table(d, "Parameter|Value");
	row(t, "Scenario", scn->name ? scn->name : "");
	if (scn->file != NULL)
		row(t, "File", scn->file);
	if (scn->description != NULL)
		row(t, "Description", scn->description);
	if (scn->target.base_url != NULL)
		row(t, "Base URL", scn->target.base_url);
	if (s->has_target)
		row(t, "Target process", f_(&f, "pid %d%s%s%.90s", (int)
		    s->target.pid, s->target.tree ? " and descendants" : "",
		    c->command ? ": " : "", c->command ? c->command : ""));
	row(t, "Worker threads", f_(&f, "%u", s->threads));
	for (i = 0; i < scn->nrequests; i++)
		row(t, f_(&f, "Request '%.40s'", scn->requests[i].name),
		    f_(&f, "%s %.50s", scn->requests[i].method,
		    scn->requests[i].url));
	if (c->target_log)
		row(t, "Target output", "target.log, beside this report");

	heading(d, 3, "Phases");
	t = table(d, "#|Phase|Kind|Load|Length|State");
	for (i = 0; i < scn->nphases && i < s->nphases; i++) {
		const struct scn_phase *p = &scn->phases[i];

		row(t, f_(&f, "%zu", i + 1), p->name, kinds_phase_name(
		    p->kind), report_phase_load(p, load, sizeof load),
		    report_phase_length(p, amount, sizeof amount),
		    snapshot_phase_state_name(s->phases[i].state));
	}
}

static void
performance(struct rdoc *d, const struct report_ctx *c)
{
	struct rdoc_block *t;
	char a[48], v[48], m[48], status[160];
	size_t i;

	heading(d, 2, "Performance against targets");
	if (c->v.n == 0) {
		textf(d, RDOC_PARA, "The scenario sets no thresholds.");
		return;
	}
	t = table(d, "Metric|Result|Target|Status");
	for (i = 0; i < c->v.n; i++) {
		const struct verdict_row *r = &c->v.rows[i];
		const struct threshold *th = r->t;
		char metric[96], target[64];

		if (th->scope == THR_SCOPE_ALL)
			snprintf(metric, sizeof metric, "%s",
			    threshold_metric_name(th->metric));
		else
			snprintf(metric, sizeof metric, "%s%.60s %s",
			    th->scope == THR_SCOPE_PHASE ? "phase " : "",
			    th->scope_name, threshold_metric_name(th->metric));
		snprintf(target, sizeof target, "%s %s", threshold_op_name(th->op),
		    threshold_format_value(th->metric, th->value, v, sizeof v));
		margin(r, m, sizeof m);
		if (r->known)
			snprintf(status, sizeof status, "%s%s",
			    pass_word(r->passed), m);
		else
			snprintf(status, sizeof status, "%s (%s)", RDOC_FAIL,
			    r->why);
		row(t, metric, verdict_format_actual(r, a, sizeof a), target,
		    status);
	}
}

static void
latency(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	const struct snap_lat *l = &s->total.latency, *sv = &s->total.service;
	struct rdoc_block *t;
	struct fbuf f = { .i = 0 };
	static const char *const names[] = { "min", "mean", "p50", "p90",
	    "p95", "p99", "p99.9", "max" };
	double lv[8] = { l->min, l->mean, l->p50, l->p90, l->p95, l->p99,
	    l->p999, l->max };
	double sv_[8] = { sv->min, sv->mean, sv->p50, sv->p90, sv->p95,
	    sv->p99, sv->p999, sv->max };
	size_t i;

	heading(d, 2, "Latency");
	if (l->count == 0) {
		textf(d, RDOC_PARA, "No request completed.");
		return;
	}
	t = table(d, "Statistic|Latency|Service time");
	for (i = 0; i < 8; i++)
		row(t, names[i], ms_(&f, lv[i]), ms_(&f, sv_[i]));
	textf(d, RDOC_PARA, "%s", report_latency_note(s));
	heading(d, 3, "Timing breakdown");
	t = table(d, "Step|Mean|p50|p99|Max");
	for (i = 0; i < TIM__COUNT; i++) {
		const struct snap_lat *x = &s->timing[i];

		if (x->count == 0)
			continue;
		row(t, kinds_timing_name(i), ms_(&f, x->mean), ms_(&f, x->p50),
		    ms_(&f, x->p99), ms_(&f, x->max));
	}
}

static void
throughput(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	const struct snap_counts *n = &s->total.n;
	struct rdoc_block *t;
	struct fbuf f = { .i = 0 };
	size_t i;

	heading(d, 2, "Throughput");
	t = table(d, "Metric|Value");
	row(t, "Requests sent", f_(&f, "%" PRIu64, n->started));
	row(t, "Requests completed", f_(&f, "%" PRIu64, n->completed));
	row(t, "HTTP responses", f_(&f, "%" PRIu64, n->responses));
	if (n->started > n->completed)
		row(t, "Abandoned in flight", f_(&f, "%" PRIu64,
		    n->started - n->completed));
	row(t, "Average rate", f_(&f, "%.1f req/s", s->total.rps));
	row(t, "Peak rate (one interval)", s->whole_intervals ?
	    f_(&f, "%.1f req/s", s->rps_peak) :
	    "none: the run was shorter than an interval");
	if (s->load.users_peak >= 0)
		row(t, "Users (closed model), peak / average", f_(&f, "%" PRId64
		    " / %.1f", s->load.users_peak, s->load.users_avg));
	if (s->whole_intervals > 0)
		row(t, "Requests in flight, peak / average", f_(&f, "%" PRIu64
		    " / %.1f", s->load.in_flight_peak, s->load.in_flight_avg));
	row(t, "Duration", secs_(&f, s->elapsed));
	row(t, "Received", f_(&f, "%.2fMB", report_mb((int64_t)n->bytes_in)));
	row(t, "Sent", f_(&f, "%.2fMB", report_mb((int64_t)n->bytes_out)));
	row(t, "New connections", f_(&f, "%" PRIu64, n->connects));
	if (n->late_starts || n->skipped)
		row(t, "Late starts / skipped", f_(&f, "%" PRIu64 " / %"
		    PRIu64, n->late_starts, n->skipped));

	heading(d, 2, "Responses");
	t = table(d, "Status|Count|Share");
	for (i = 0; i < s->nstatus; i++)
		row(t, f_(&f, "%d", s->status[i].code), f_(&f, "%" PRIu64,
		    s->status[i].count), f_(&f, "%.1f%%", report_pct(
		    s->status[i].count, n->completed)));
	t = table(d, "Class|Count|Share");
	for (i = 0; i < CLS__COUNT; i++)
		if (n->classes[i] > 0 || i == CLS_OK)
			row(t, kinds_class_name(i), f_(&f, "%" PRIu64,
			    n->classes[i]), f_(&f, "%.1f%%",
			    report_pct(n->classes[i], n->completed)));
}

static void
rate_limits(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct rdoc_block *t;
	struct fbuf f = { .i = 0 };
	char title[160];
	size_t i;

	for (i = 0; i < s->nphases; i++) {
		const struct snap_phase *p = &s->phases[i];
		const struct snap_rate_limit *rl = &p->rl;
		const char *st;

		if (p->kind != SCN_RATE_LIMIT)
			continue;
		snprintf(title, sizeof title, "Rate-limit verification: %s",
		    p->name);
		heading(d, 2, title);
		st = !rl->checked ? "not checked (phase did not finish)" :
		    pass_word(rl->passed);
		t = table(d, "Check|Expected|Seen|Status");
		row(t, "Allowed", rl->expect_allowed >= 0 ? f_(&f, "%" PRId64,
		    rl->expect_allowed) : "-", f_(&f, "%" PRIu64, rl->allowed),
		    rl->expect_allowed < 0 ? "" : !rl->checked ? st :
		    pass_word((uint64_t)rl->expect_allowed == rl->allowed));
		row(t, "Limited (429)", rl->expect_limited >= 0 ? f_(&f, "%"
		    PRId64, rl->expect_limited) : "-", f_(&f, "%" PRIu64,
		    rl->limited), rl->expect_limited < 0 ? "" : !rl->checked ?
		    st : pass_word((uint64_t)rl->expect_limited ==
		    rl->limited));
		row(t, "Limit engaged", "", rl->first_limited_at > 0 ?
		    f_(&f, "after %" PRId64 " requests",
		    rl->first_limited_at - 1) : "never", "");
		row(t, "Retry-After", "", rl->retry_after_count == 0 ? "none" :
		    rl->retry_after_min == rl->retry_after_max ?
		    f_(&f, "%" PRId64 "s", rl->retry_after_min) :
		    f_(&f, "%" PRId64 "-%" PRId64 "s", rl->retry_after_min,
		    rl->retry_after_max), "");
		textf(d, RDOC_PARA, "Verdict: %s.", st);
	}
}

static void
target(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	const struct monitor_view *v = &s->target;
	const struct monitor_stats *st = &v->stats;
	const struct leak_fit *lf = &v->leak;
	const struct health_view *h = &v->health;
	struct rdoc_block *t;
	struct fbuf f = { .i = 0 };

	heading(d, 2, "Target resources");
	if (!s->has_target) {
		textf(d, RDOC_PARA, "No target process was watched (give "
		    "--pid, --proc-name or --exec to see its CPU and memory).");
		return;
	}
	t = table(d, "Metric|Value");
	row(t, "Process", f_(&f, "pid %d%s, %s", (int)v->pid, v->tree ?
	    " and descendants" : "", v->alive ? "running" : "exited"));
	if (st->nsamples == 0) {
		row(t, "Samples", "none");
		return;
	}
	row(t, "CPU average", f_(&f, "%.1f%% (100%% = one core)", st->cpu_avg));
	row(t, "CPU max", f_(&f, "%.1f%%", st->cpu_max));
	row(t, "RSS start / end", f_(&f, "%.1fMB / %.1fMB",
	    report_mb(st->rss_start), report_mb(st->rss_end)));
	row(t, "RSS max", f_(&f, "%.1fMB", report_mb(st->rss_max)));
	row(t, "Memory growth", f_(&f, "%+.1fMB", report_mb(st->growth)));
	row(t, "Leak check", f_(&f, "%s: %.60s", leak_verdict_name(lf->verdict),
	    lf->reason));
	if (lf->floor.valid)
		row(t, "Leak slope", f_(&f, "%.1f KB/min, %.0f B/request, "
		    "R² %.2f", lf->kb_per_min, lf->bytes_per_request,
		    lf->floor.r2));
	row(t, "Threads max / fds max", f_(&f, "%d / %d", st->threads_max,
	    st->fds_max));
	if (v->tree)
		row(t, "Processes max / workers exited", f_(&f, "%d / %u",
		    st->nprocs_max, st->workers_exited));
	if (v->health.enabled)
		row(t, "Health", f_(&f, "%" PRIu64 " checks, %" PRIu64
		    " failed, down %.1fs", v->health.checks,
		    v->health.failures, (double)v->health.down_us / 1e6));
	if (h->metrics_enabled)
		row(t, "Metrics scrapes", f_(&f, "%" PRIu64 ", %" PRIu64
		    " failed%s%.80s", h->scrapes, h->scrape_failures,
		    h->metrics_error[0] != '\0' ? ": " : "", h->metrics_error));
	if (h->nmetrics > 0) {
		heading(d, 3, "Metrics");
		report_metrics_table(add(d, RDOC_TABLE), h);
	}
	if (c->target_log)
		textf(d, RDOC_PARA, "The target's output is in target.log.");
}

static void
alerts(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct alert_span spans[ALERT__COUNT];
	char line[320];
	size_t i, n;

	heading(d, 2, "Alerts");
	if (s->nalerts == 0 && c->nnotes == 0)
		textf(d, RDOC_PARA, "None.");
	/* Each kind once, with its span: report.json has every record. */
	n = alerts_spans(s->alerts, s->nalerts, spans);
	for (i = 0; i < n; i++)
		textf(d, RDOC_ITEM, "%s %s %s", RDOC_WARN, alerts_level_name(
		    spans[i].level), alerts_span_format(&spans[i], line,
		    sizeof line));
	for (i = 0; i < c->nnotes; i++)
		textf(d, RDOC_ITEM, "Note at %.1fs: %s", c->notes[i].t,
		    c->notes[i].msg);
	if (s->alerts_dropped > 0)
		textf(d, RDOC_PARA, "%zu more alerts were not kept.",
		    s->alerts_dropped);
}

static void
block_row(struct rdoc_block *t, const char *name, const char *extra,
    const struct snap_block *b)
{
	struct fbuf f = { .i = 0 };

	row(t, name, extra, f_(&f, "%" PRIu64, b->n.completed),
	    f_(&f, "%.1f", b->rps), b->latency.count ? ms_(&f, b->latency.p50) :
	    "-", b->latency.count ? ms_(&f, b->latency.p95) : "-",
	    b->latency.count ? ms_(&f, b->latency.p99) : "-",
	    f_(&f, "%.2f%%", report_pct(b->n.errors, b->n.completed)),
	    f_(&f, "%" PRIu64, b->n.classes[CLS_RATE_LIMITED]));
}

static void
breakdowns(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	struct rdoc_block *t;
	size_t i;

	heading(d, 2, "Phases");
	t = table(d, "Phase|Kind|Requests|req/s|p50|p95|p99|Errors|429");
	for (i = 0; i < s->nphases; i++)
		block_row(t, s->phases[i].name,
		    kinds_phase_name(s->phases[i].kind), &s->phases[i].block);
	heading(d, 2, "Requests");
	t = table(d, "Request|Method|Count|req/s|p50|p95|p99|Errors|429");
	for (i = 0; i < s->nrequests; i++)
		block_row(t, s->requests[i].name, i < s->scn->nrequests ?
		    s->scn->requests[i].method : "", &s->requests[i].total);
}

void
report_doc_build(struct rdoc *d, const struct report_ctx *c)
{
	char title[160];

	memset(d, 0, sizeof *d);
	snprintf(title, sizeof title, "Load test results: %s",
	    c->s->scn->name ? c->s->scn->name : "run");
	heading(d, 1, title);
	summary(d, c);
	add(d, RDOC_CHARTS);
	configuration(d, c);
	performance(d, c);
	latency(d, c);
	throughput(d, c);
	rate_limits(d, c);
	target(d, c);
	alerts(d, c);
	breakdowns(d, c);
	textf(d, RDOC_PARA, "Written by %s %s; every figure is also in "
	    "report.json and, per interval, in timeseries.csv.", PACKAGE_NAME,
	    PACKAGE_VERSION);
}

void
report_doc_free(struct rdoc *d)
{
	size_t i, k;

	for (i = 0; i < d->n; i++) {
		struct rdoc_block *b = &d->v[i];

		free(b->text);
		free(b->value);
		if (b->kind == RDOC_TABLE)
			for (k = 0; k < (b->nrows + 1) * b->ncols; k++)
				free(b->cells[k]);
		free(b->cells);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}
