/* report.json: every figure of a report, as loadtop-report(5) describes. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report-int.h"
#include "report-json-int.h"
#include "util.h"

json_t *
report_json_lat(const struct snap_lat *l)
{
	if (l->count == 0)
		return json_pack("{s:I,s:n,s:n,s:n,s:n,s:n,s:n,s:n,s:n,s:n}",
		    "count", (json_int_t)0, "min", "mean", "p50", "p75", "p90",
		    "p95", "p99", "p999", "max");
	return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "count",
	    (json_int_t)l->count, "min", jreal(l->min), "mean", jreal(l->mean),
	    "p50", jreal(l->p50), "p75", jreal(l->p75), "p90", jreal(l->p90),
	    "p95", jreal(l->p95),
	    "p99", jreal(l->p99), "p999", jreal(l->p999), "max", jreal(l->max));
}

static json_t *
classes_json(const uint64_t *classes)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < CLS__COUNT; i++)
		json_object_set_new(o, kinds_class_name(i), jint(classes[i]));
	return o;
}

/* The figures every scope has: the run, a request, a phase. */
json_t *
report_json_block(const struct snap_block *b)
{
	const struct snap_counts *n = &b->n;

	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
	    "s:o,s:o,s:o,s:o}",
	    "requests", jint(n->completed),
	    "sent", jint(n->started - n->classes[CLS_CAPTURE_MISSING]),
	    "responses", jint(n->responses), "errors", jint(n->errors),
	    "error_rate", jreal(report_pct(n->errors, n->completed)),
	    "rate_limited", jint(n->classes[CLS_RATE_LIMITED]),
	    "rps", jreal(b->rps), "seconds", jreal(b->seconds),
	    "bytes", jint(n->bytes_in), "bytes_out", jint(n->bytes_out),
	    "classes", classes_json(n->classes),
	    "latency_ms", report_json_lat(&b->latency),
	    "service_ms", report_json_lat(&b->service),
	    "late_starts", jint(n->late_starts),
	    "skipped", jint(n->skipped), "connects", jint(n->connects));
}

static json_t *
versions_json(const struct snap_counts *n)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < SNAP_HTTPV_COUNT; i++)
		if (n->http_versions[i] > 0)
			json_object_set_new(o, snap_http_versions[i],
			    jint(n->http_versions[i]));
	return o;
}

/* Why transfers failed, by libcurl's code and words (the raw transport
 * names its failures the same way). */
static json_t *
failures_json(const struct snapshot *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->nfailures; i++)
		json_array_append_new(a, json_pack("{s:i,s:s,s:o}", "code",
		    s->failures[i].code, "what", s->failures[i].what, "count",
		    jint(s->failures[i].count)));
	return a;
}

static json_t *
totals_json(const struct snapshot *s)
{
	json_t *t = report_json_block(&s->total), *st = json_object(), *tim;
	const struct snap_load *l = &s->load;
	const struct snap_counts *n = &s->total.n;
	char code[8];
	size_t i;

	/* Sent, not finished: in flight, or left so by a stop. */
	json_object_set_new(t, "unfinished", jint(n->started > n->completed ?
	    n->started - n->completed : 0));
	for (i = 0; i < s->nstatus; i++) {
		snprintf(code, sizeof code, "%d", s->status[i].code);
		json_object_set_new(st, code, jint(s->status[i].count));
	}
	json_object_set_new(t, "status", st);
	json_object_set_new(t, "http_versions", versions_json(&s->total.n));
	json_object_set_new(t, "failures", failures_json(s));
	json_object_set_new(t, "checks", report_json_checks_total(
	    s->checks_passed, s->checks_failed));
	tim = json_object();
	for (i = 0; i < TIM__COUNT; i++)
		json_object_set_new(tim, kinds_timing_name(i),
		    report_json_lat(&s->timing[i]));
	json_object_set_new(t, "timing_ms", tim);
	tim = json_object();
	for (i = 0; i < CLS__COUNT; i++)
		if (s->by_class[i].count > 0)
			json_object_set_new(tim, kinds_class_name(i),
			    report_json_lat(&s->by_class[i]));
	json_object_set_new(t, "latency_by_class_ms", tim);
	json_object_set_new(t, "rps_peak", s->whole_intervals ?
	    jreal(s->rps_peak) : json_null());
	json_object_set_new(t, "users", l->users_peak >= 0 ?
	    json_pack("{s:I,s:o}", "peak", (json_int_t)l->users_peak, "avg",
	    jreal(l->users_avg)) : json_null());
	json_object_set_new(t, "in_flight", s->whole_intervals ?
	    json_pack("{s:o,s:o}", "peak", jint(l->in_flight_peak), "avg",
	    jreal(l->in_flight_avg)) : json_null());
	return t;
}

static void
phase_leak(json_t *o, const struct snap_phase *p)
{
	json_t *a = json_array();
	struct leak_fit fit;
	size_t i;

	for (i = 0; i < p->nleak; i++) {
		const struct snap_leak_point *q = &p->leak[i];

		json_array_append_new(a, json_pack("{s:o,s:o,s:o}", "t",
		    jreal(q->t), "requests", jint(q->requests), "rss_bytes",
		    q->rss_bytes >= 0 ? json_integer(q->rss_bytes) :
		    json_null()));
	}
	json_object_set_new(o, "samples", a);
	json_object_set_new(o, "fit", snapshot_phase_leak(p, &fit) ?
	    report_json_fit(&fit) : json_null());
}

static json_t *
phase_json(const struct scenario *scn, const struct snap_phase *p, size_t i)
{
	const struct scn_phase *sp = &scn->phases[i];
	const struct snap_rate_limit *rl = &p->rl;
	json_t *o = report_json_block(&p->block);

	json_object_set_new(o, "name", jstr(p->name));
	json_object_set_new(o, "kind", jstr(kinds_phase_name(p->kind)));
	json_object_set_new(o, "state", jstr(snapshot_phase_state_name(p->state)));
	json_object_set_new(o, "started_s", p->started >= 0 ?
	    jreal(p->started) : json_null());
	json_object_set_new(o, "ended_s", p->state == PHASE_DONE ?
	    jreal(p->ended) : json_null());
	if (sp->model == SCN_MODEL_OPEN)
		json_object_set_new(o, "rate", jreal(sp->rate));
	if (sp->model == SCN_MODEL_CLOSED)
		json_object_set_new(o, "users", jint(sp->users));
	if (sp->duration_us > 0)
		json_object_set_new(o, "duration_s",
		    jreal(sp->duration_us / 1e6));
	if (sp->requests > 0)
		json_object_set_new(o, "planned_requests", jint(sp->requests));
	if (sp->kind == SCN_CONNECTIONS) {
		json_object_set_new(o, "connections", jint(sp->connections));
		json_object_set_new(o, "connect_rate", jreal(sp->connect_rate));
	}
	if (p->kind == SCN_RATE_LIMIT) {
		json_object_set_new(o, "allowed", jint(rl->allowed));
		json_object_set_new(o, "limited", jint(rl->limited));
		json_object_set_new(o, "first_limited_at",
		    rl->first_limited_at > 0 ?
		    json_integer(rl->first_limited_at) : json_null());
		json_object_set_new(o, "retry_after_s", rl->retry_after_count ?
		    json_pack("{s:I,s:I,s:I}", "min",
		    (json_int_t)rl->retry_after_min, "max",
		    (json_int_t)rl->retry_after_max, "count",
		    (json_int_t)rl->retry_after_count) : json_null());
		json_object_set_new(o, "expect_allowed",
		    rl->expect_allowed >= 0 ?
		    json_integer(rl->expect_allowed) : json_null());
		json_object_set_new(o, "expect_limited",
		    rl->expect_limited >= 0 ?
		    json_integer(rl->expect_limited) : json_null());
		json_object_set_new(o, "checked", json_boolean(rl->checked));
		json_object_set_new(o, "passed", rl->checked ?
		    json_boolean(rl->passed) : json_null());
	}
	if (p->kind == SCN_LEAK)
		phase_leak(o, p);
	if (p->histogram != NULL) {
		char *hist = hdr_encode(p->histogram);

		json_object_set_new(o, "histogram", json_pack("{s:s,s:s}",
		    "unit", "us", "hdr", hist));
		free(hist);
	}
	return o;
}

static json_t *
thresholds_json(const struct report_ctx *c)
{
	json_t *a = json_array();
	char target[48];
	size_t i;

	for (i = 0; i < c->v.n; i++) {
		const struct verdict_row *r = &c->v.rows[i];
		const struct threshold *t = r->t;
		json_t *o;

		threshold_format_value(t->metric, t->value, target, sizeof target);
		o = json_pack("{s:s,s:s,s:o,s:s,s:o,s:s,s:o,s:b,s:b,s:b}",
		    "expr", t->expr, "metric", threshold_metric_name(t->metric),
		    "scope", jstr(t->scope_name), "op", threshold_op_name(t->op),
		    "value", jreal(t->value), "target", target,
		    "actual", r->known ? jreal(r->actual) : json_null(),
		    "known", r->known, "passed", r->passed,
		    "abort_on_fail", t->abort_on_fail);
		json_object_set_new(o, "unit", json_string(
		    threshold_metric_unit(t->metric)));
		json_object_set_new(o, "status", json_string(
		    verdict_status_name(r->status)));
		json_object_set_new(o, "by_default", json_boolean(t->by_default));
		json_object_set_new(o, "scope_kind", json_string(
		    report_verdict_scope_kind(t->scope)));
		if (t->scope == THR_SCOPE_FLOW)
			json_object_set_new(o, "iteration",
			    json_boolean(t->iteration));
		if (t->metric == THR_OUTCOME)
			json_object_set_new(o, "outcome", jstr(t->arg));
		if (t->stream != THR_STREAM_NONE)
			json_object_set_new(o, "stream", json_string(
			    threshold_stream_name(t->stream)));
		if (r->status != VERDICT_PASS && r->why[0] != '\0')
			json_object_set_new(o, "why", json_string(r->why));
		json_array_append_new(a, o);
	}
	return a;
}

/* Each ramp's stages, with the figures of the time each one ran. */
static json_t *
stages_json(const struct snapshot *s)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < s->nstages; i++) {
		const struct snap_stage *st = &s->stages[i];

		o = report_json_block(&st->block);
		json_object_set_new(o, "name", jstr(st->name));
		json_object_set_new(o, "phase", jstr(s->phases[st->phase].name));
		json_object_set_new(o, "index", jint(st->index));
		json_object_set_new(o, "state",
		    jstr(snapshot_phase_state_name(st->state)));
		json_object_set_new(o, "started_s", st->started >= 0 ?
		    jreal(st->started) : json_null());
		json_object_set_new(o, "ended_s", snapshot_phase_ended(
		    st->state) ? jreal(st->ended) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
grades_json(const struct report_ctx *c)
{
	json_t *a = json_array(), *o, *b;
	size_t i;
	int k;

	for (i = 0; i < c->v.ngrades; i++) {
		const struct verdict_grade *vg = &c->v.grades[i];
		const struct scn_grade *g = vg->g;

		b = json_object();
		for (k = 0; k < SCN_GRADE_BOUNDS; k++)
			json_object_set_new(b, scenario_grade_name(k),
			    jreal(g->bound[k]));
		o = json_pack("{s:s,s:s,s:o,s:s,s:o,s:b,s:o,s:o,s:s,s:s}",
		    "metric", g->t.expr, "name",
		    threshold_metric_name(g->t.metric), "scope",
		    jstr(g->t.scope_name), "unit",
		    threshold_metric_unit(g->t.metric), "bounds", b,
		    "higher_better", g->higher_better, "actual", vg->known ?
		    jreal(vg->actual) : json_null(), "grade", vg->level <
		    GRADE__COUNT ? json_string(scenario_grade_name(vg->level)) :
		    json_null(), "fail_below", scenario_grade_name(g->fail_below),
		    "status", verdict_status_name(vg->status));
		if (vg->status != VERDICT_PASS && vg->why[0] != '\0')
			json_object_set_new(o, "why", json_string(vg->why));
		json_array_append_new(a, o);
	}
	return a;
}

/* Streams open and connecting at the interval's end, the rest in it. */
static void
point_streams(json_t *o, const struct snap_point *p)
{
	json_object_set_new(o, "streams_open", jint(p->streams_open));
	json_object_set_new(o, "streams_connecting",
	    jint(p->streams_connecting));
	json_object_set_new(o, "streams_dropped", jint(p->streams_dropped));
	json_object_set_new(o, "messages_in", jint(p->messages_in));
	json_object_set_new(o, "messages_out", jint(p->messages_out));
	json_object_set_new(o, "events", jint(p->events));
}

static json_t *
timeseries_json(const struct snapshot *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->nseries; i++) {
		const struct snap_point *p = &s->series[i];
		json_t *o = json_pack("{s:o,s:o,s:b,s:o,s:o,s:o,"
		    "s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		    "t", jreal(p->t),
		    "seconds", jreal(p->seconds), "partial", p->partial,
		    "phase", jstr(p->phase < s->nphases ?
		    s->phases[p->phase].name : NULL),
		    "requests", jint(p->requests), "rps", jreal(p->rps),
		    "p50", jreal(p->p50), "p95", jreal(p->p95),
		    "p99", jreal(p->p99), "max", jreal(p->max),
		    "errors", jint(p->errors),
		    "rate_limited", jint(p->rate_limited),
		    "late_starts", jint(p->late_starts),
		    "classes", classes_json(p->classes),
		    "cpu", p->cpu >= 0 ? jreal(p->cpu) : json_null(),
		    "rss_mb", p->rss_mb >= 0 ? jreal(p->rss_mb) : json_null(),
		    "users", p->users >= 0 ? json_integer(p->users) :
		    json_null(), "in_flight", jint(p->in_flight));

		json_object_set_new(o, "checks_passed", jint(p->checks_passed));
		json_object_set_new(o, "checks_failed", jint(p->checks_failed));
		point_streams(o, p);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
alerts_json(const struct snapshot *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->nalerts; i++) {
		const struct alert *al = &s->alerts[i];

		json_array_append_new(a, json_pack("{s:s,s:s,s:o,s:o,s:s,s:o,"
		    "s:o,s:o}", "kind", alerts_kind_name(al->kind), "level",
		    alerts_level_name(al->level), "t_start", jreal(al->t_start),
		    "t_end", al->t_end >= 0 ? jreal(al->t_end) : json_null(),
		    "message", al->msg,
		    "worst", al->rated ? jreal(al->worst) : json_null(),
		    "worst_t", al->rated ? jreal(al->worst_t) : json_null(),
		    "unit", jstr(al->rated ? alerts_kind_unit(al->kind) :
		    NULL)));
	}
	return a;
}

static json_t *
report_json(const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	json_t *o, *a;
	char *hist;
	size_t i;

	o = json_pack("{s:{s:s,s:s},s:{s:o,s:o,s:o},s:s,s:s,s:o,s:s,s:b}",
	    "tool", "name", PACKAGE_NAME, "version", PACKAGE_VERSION,
	    "scenario", "name", jstr(s->scn->name), "file", jstr(s->scn->file),
	    "description", jstr(s->scn->description),
	    "started_at", c->started, "ended_at", c->ended,
	    "duration_s", jreal(s->elapsed),
	    "end_reason", snapshot_end_reason_name(s->end_reason),
	    "final", c->final);
	json_object_set_new(o, "watch_only", json_boolean(s->watch_only));
	json_object_set_new(o, "threads", jint(s->threads));
	json_object_set_new(o, "totals", totals_json(s));
	a = json_array();
	for (i = 0; i < s->nrequests; i++) {
		json_t *r = report_json_block(&s->requests[i].total);

		json_object_set_new(r, "name", jstr(s->requests[i].name));
		if (s->requests[i].transport != NULL)
			json_object_set_new(r, "transport",
			    jstr(s->requests[i].transport));
		json_object_set_new(r, "http_versions",
		    versions_json(&s->requests[i].total.n));
		if (i < s->scn->nrequests) {
			json_object_set_new(r, "method",
			    jstr(s->scn->requests[i].method));
			json_object_set_new(r, "url",
			    jstr(s->scn->requests[i].url));
		}
		if (report_is_stream(s->scn, i))
			json_object_set_new(r, "stream", json_string(
			    s->scn->requests[i].sse ? "sse" : "websocket"));
		report_json_request_checks(r, &s->requests[i]);
		json_array_append_new(a, r);
	}
	json_object_set_new(o, "requests", a);
	json_object_set_new(o, "checks", report_json_checks(s));
	json_object_set_new(o, "failures", report_json_failures(s));
	json_object_set_new(o, "flows", report_json_flows(s));
	json_object_set_new(o, "groups", report_json_groups(s));
	json_object_set_new(o, "streams", report_json_streams(s));
	a = json_array();
	for (i = 0; i < s->nphases; i++)
		json_array_append_new(a, phase_json(s->scn, &s->phases[i], i));
	json_object_set_new(o, "phases", a);
	json_object_set_new(o, "stages", stages_json(s));
	json_object_set_new(o, "target", s->has_target ? report_json_target(c, 0) :
	    json_null());
	json_object_set_new(o, "processes", report_json_processes(c));
	json_object_set_new(o, "alerts", alerts_json(s));
	json_object_set_new(o, "alerts_dropped", jint(s->alerts_dropped));
	a = json_array();
	for (i = 0; i < c->nnotes; i++)
		json_array_append_new(a, json_pack("{s:s,s:o,s:s}", "kind",
		    c->notes[i].kind, "t", jreal(c->notes[i].t), "message",
		    c->notes[i].msg));
	json_object_set_new(o, "notes", a);
	json_object_set_new(o, "thresholds", thresholds_json(c));
	json_object_set_new(o, "grades", grades_json(c));
	json_object_set_new(o, "passed", json_boolean(c->v.passed));
	json_object_set_new(o, "not_evaluated", jint(c->v.not_evaluated));
	json_object_set_new(o, "timeseries", timeseries_json(s));
	json_object_set_new(o, "target_timeseries", report_json_series(s, 0));
	hist = s->histogram ? hdr_encode(s->histogram) : NULL;
	json_object_set_new(o, "histogram", json_pack("{s:s,s:o}", "unit",
	    "us", "hdr", jstr(hist)));
	free(hist);
	json_object_set_new(o, "target_log", c->target_log ?
	    json_string("target.log") : json_null());
	return o;
}

int
report_json_write(FILE *f, const struct report_ctx *c)
{
	json_t *o = report_json(c);
	int rc;

	rc = json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(10));
	json_decref(o);
	if (rc == 0)
		fputc('\n', f);
	return rc == 0 && !ferror(f) ? 0 : -1;
}
