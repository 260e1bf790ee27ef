/* report.json's checks, outcomes, statuses per request, failures list,
 * flows and groups (loadtop-report(5)). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report-int.h"
#include "report-json-int.h"
#include "util.h"

/* Text a server sent, as a JSON string: bytes that are not UTF-8
 * become U+FFFD, as JSON strings must be UTF-8. */
static json_t *
jtext(const char *s, size_t len)
{
	size_t n;
	char *text = report_text_utf8(s, len, &n);
	json_t *j = json_stringn(text, n);

	free(text);
	return j != NULL ? j : json_null();
}

json_t *
report_json_checks_total(uint64_t passed, uint64_t failed)
{
	return json_pack("{s:o,s:o,s:o}", "passed", jint(passed), "failed",
	    jint(failed), "rate", passed + failed ?
	    jreal(report_pct(passed, passed + failed)) : json_null());
}

json_t *
report_json_checks(const struct snapshot *s)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < s->nchecks; i++) {
		const struct snap_check *k = &s->checks[i];

		o = report_json_checks_total(k->passed, k->failed);
		json_object_set_new(o, "name", jstr(k->name));
		json_object_set_new(o, "request", jstr(k->request <
		    s->nrequests ? s->requests[k->request].name : NULL));
		json_array_append_new(a, o);
	}
	return a;
}

/* Every value kept, largest first; value null: those past them. */
static json_t *
outcomes_json(const struct snap_request *rq)
{
	json_t *a;
	size_t i;

	if (!rq->has_outcome)
		return json_null();
	a = json_array();
	for (i = 0; i < rq->noutcomes; i++) {
		const struct snap_outcome *o = &rq->outcomes[i];

		json_array_append_new(a, json_pack("{s:o,s:o}", "value",
		    o->value ? jtext(o->value, strlen(o->value)) : json_null(),
		    "count", jint(o->count)));
	}
	return a;
}

void
report_json_request_checks(json_t *r, const struct snap_request *rq)
{
	json_t *st = json_array();
	size_t i;

	for (i = 0; i < rq->nstatus; i++)
		json_array_append_new(st, json_pack("{s:i,s:o}", "code",
		    rq->status[i].code, "count", jint(rq->status[i].count)));
	json_object_set_new(r, "group", jstr(rq->group));
	json_object_set_new(r, "statuses", st);
	json_object_set_new(r, "checks", report_json_checks_total(
	    rq->checks_passed, rq->checks_failed));
	json_object_set_new(r, "outcomes", outcomes_json(rq));
}

static json_t *
reason_json(const struct snapshot *s, const struct snap_reason *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "request", jstr(r->request < s->nrequests ?
	    s->requests[r->request].name : NULL));
	json_object_set_new(o, "class", jstr(kinds_class_name(r->cls)));
	json_object_set_new(o, "status", r->status > 0 ?
	    json_integer(r->status) : json_null());
	json_object_set_new(o, "check", jstr(r->check));
	json_object_set_new(o, "curl_code", r->curl_code != 0 ?
	    json_integer(r->curl_code) : json_null());
	json_object_set_new(o, "error", jstr(r->what));
	json_object_set_new(o, "count", jint(r->count));
	json_object_set_new(o, "sample", r->sample_len > 0 ?
	    jtext(r->sample, LT_MIN(r->sample_len, SNAP_SAMPLE_MAX)) :
	    json_null());
	json_object_set_new(o, "sample_truncated", json_boolean(
	    r->sample_cut));
	return o;
}

json_t *
report_json_failures(const struct snapshot *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->nreasons; i++)
		json_array_append_new(a, reason_json(s, &s->reasons[i]));
	return a;
}

json_t *
report_json_flows(const struct snapshot *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->nflows; i++) {
		const struct snap_flow *f = &s->flows[i];
		uint64_t ended = f->completed + f->failed;

		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}",
		    "name", jstr(f->name), "started", jint(f->started),
		    "completed", jint(f->completed), "failed", jint(f->failed),
		    "error_rate", ended ? jreal(report_pct(f->failed, ended)) :
		    json_null(), "iteration_ms", report_json_lat(&f->iteration)));
	}
	return a;
}

/* A group's checks: its requests', summed, as the verdict counts them. */
static json_t *
group_checks(const struct snapshot *s, const char *name)
{
	uint64_t passed = 0, failed = 0;
	size_t i;

	for (i = 0; i < s->nrequests; i++)
		if (name != NULL && s->requests[i].group != NULL &&
		    strcmp(s->requests[i].group, name) == 0) {
			passed += s->requests[i].checks_passed;
			failed += s->requests[i].checks_failed;
		}
	return report_json_checks_total(passed, failed);
}

json_t *
report_json_groups(const struct snapshot *s)
{
	json_t *a = json_array(), *o, *members;
	size_t i, k;

	for (i = 0; i < s->ngroups; i++) {
		const struct snap_group *g = &s->groups[i];

		o = report_json_block(&g->total);
		members = json_array();
		for (k = 0; k < s->nrequests; k++)
			if (g->name != NULL && s->requests[k].group != NULL &&
			    strcmp(s->requests[k].group, g->name) == 0)
				json_array_append_new(members,
				    jstr(s->requests[k].name));
		json_object_set_new(o, "name", jstr(g->name));
		json_object_set_new(o, "members", members);
		json_object_set_new(o, "checks", group_checks(s, g->name));
		json_array_append_new(a, o);
	}
	return a;
}
