/*
 * The results document's sections on what the responses said (checks,
 * outcomes, the failures list) and on the scenario's parts beside the
 * requests (each request's statuses, groups, flows).  Each only when
 * the run has something for it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-int.h"
#include "util.h"

static const char *
request_name(const struct snapshot *s, size_t i)
{
	return i < s->nrequests ? s->requests[i].name : "?";
}

void
report_doc_checks_item(struct rdoc *d, const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	uint64_t all = s->checks_passed + s->checks_failed;

	if (all > 0)
		report_doc_text(d, RDOC_ITEM, "Checks: %.2f%% passed (%" PRIu64
		    " of %" PRIu64 " evaluations; %" PRIu64 " failed)",
		    report_pct(s->checks_passed, all), s->checks_passed, all,
		    s->checks_failed);
}

static void
checks(struct rdoc *d, const struct snapshot *s)
{
	uint64_t all = s->checks_passed + s->checks_failed;
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	size_t i;

	if (all == 0 && s->nchecks == 0)
		return;
	report_doc_heading(d, 2, "Checks");
	t = report_doc_table(d, "Check|Request|Passed|Failed|Pass rate");
	for (i = 0; i < s->nchecks; i++) {
		const struct snap_check *k = &s->checks[i];

		report_doc_row(t, k->name, request_name(s, k->request),
		    report_doc_f(&f, "%" PRIu64, k->passed),
		    report_doc_f(&f, "%" PRIu64, k->failed),
		    k->passed + k->failed ? report_doc_f(&f, "%.2f%%",
		    report_pct(k->passed, k->passed + k->failed)) : "-");
	}
	report_doc_row(t, "All checks", "", report_doc_f(&f, "%" PRIu64,
	    s->checks_passed), report_doc_f(&f, "%" PRIu64, s->checks_failed),
	    all ? report_doc_f(&f, "%.2f%%", report_pct(s->checks_passed,
	    all)) : "-");
}

/* A request's outcome: its most frequent values, "other" for the rest
 * (those past the top, and those the engine could not keep). */
static void
outcome(struct rdoc *d, const struct snap_request *rq)
{
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	uint64_t all = 0, other = 0;
	char value[REPORT_SAMPLE_LINE];
	size_t i, shown = 0;

	for (i = 0; i < rq->noutcomes; i++)
		all += rq->outcomes[i].count;
	report_doc_heading(d, 3, report_doc_f(&f, "Outcomes: %.100s",
	    rq->name));
	t = report_doc_table(d, "Value|Count|Share");
	for (i = 0; i < rq->noutcomes; i++) {
		const struct snap_outcome *o = &rq->outcomes[i];

		if (o->value == NULL || shown == SNAP_OUTCOMES_TOP) {
			other += o->count;
			continue;
		}
		shown++;
		report_doc_row(t, report_text_line(o->value, strlen(o->value),
		    false, value, 120), report_doc_f(&f, "%" PRIu64, o->count),
		    report_doc_f(&f, "%.1f%%", report_pct(o->count, all)));
	}
	if (other > 0)
		report_doc_row(t, "other", report_doc_f(&f, "%" PRIu64, other),
		    report_doc_f(&f, "%.1f%%", report_pct(other, all)));
}

static void
outcomes(struct rdoc *d, const struct snapshot *s)
{
	size_t i;
	bool any = false;

	for (i = 0; i < s->nrequests; i++) {
		if (!s->requests[i].has_outcome)
			continue;
		if (!any)
			report_doc_heading(d, 2, "Outcomes");
		any = true;
		outcome(d, &s->requests[i]);
	}
}

/* Locust's failures table: the most frequent reasons, each with the
 * start of one body. */
static void
failures(struct rdoc *d, const struct snapshot *s)
{
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	char why[256], sample[REPORT_SAMPLE_LINE];
	size_t i;

	if (s->nreasons == 0)
		return;
	report_doc_heading(d, 2, "Failures");
	t = report_doc_table(d, "Count|Request|Reason|Sample");
	report_doc_code(t, 3);
	for (i = 0; i < s->nreasons && i < SNAP_REASONS_TOP; i++) {
		const struct snap_reason *r = &s->reasons[i];

		report_reason_text(r, why, sizeof why);
		report_doc_row(t, report_doc_f(&f, "%" PRIu64, r->count),
		    request_name(s, r->request), report_doc_f(&f, "%s: %.100s",
		    kinds_class_name(r->cls), why), r->sample_len == 0 ? NULL :
		    report_text_line(r->sample, r->sample_len, r->sample_cut,
		    sample, sizeof sample));
	}
	report_doc_text(d, RDOC_PARA, "Each sample is the start of one such "
	    "response's body, with secrets replaced by [redacted]; \"...\" "
	    "marks a body that went on.");
}

void
report_doc_responses(struct rdoc *d, const struct report_ctx *c)
{
	checks(d, c->s);
	outcomes(d, c->s);
	failures(d, c->s);
}

/* A row per request and status: what each request got. */
static void
statuses(struct rdoc *d, const struct snapshot *s)
{
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t = NULL;
	size_t i, k, sent = 0;

	/* With one request sending, the responses' table says it all. */
	for (i = 0; i < s->nrequests; i++)
		sent += !report_is_stream(s->scn, i);
	for (i = 0; i < s->nrequests && sent > 1; i++) {
		const struct snap_request *rq = &s->requests[i];

		for (k = 0; k < rq->nstatus && !report_is_stream(s->scn, i);
		    k++) {
			if (t == NULL) {
				report_doc_heading(d, 2, "Statuses");
				t = report_doc_table(d, "Request|Status|Count|"
				    "Share");
			}
			report_doc_row(t, k == 0 ? rq->name : "",
			    report_doc_f(&f, "%d", rq->status[k].code),
			    report_doc_f(&f, "%" PRIu64, rq->status[k].count),
			    report_doc_f(&f, "%.1f%%", report_pct(
			    rq->status[k].count, rq->total.n.completed)));
		}
	}
}

static void
groups(struct rdoc *d, const struct snapshot *s)
{
	struct rdoc_block *t;
	size_t i;

	if (s->ngroups == 0)
		return;
	report_doc_heading(d, 2, "Groups");
	t = report_doc_table(d, "Group|Members|Requests|req/s|p50|p95|p99|"
	    "Errors|429");
	for (i = 0; i < s->ngroups; i++) {
		char of[256];
		size_t k, n = 0;

		of[0] = '\0';
		for (k = 0; k < s->nrequests; k++)
			if (s->requests[k].group != NULL &&
			    s->groups[i].name != NULL &&
			    strcmp(s->requests[k].group, s->groups[i].name) == 0 &&
			    n < sizeof of)
				n += (size_t)snprintf(of + n, sizeof of - n,
				    "%s%s", n ? ", " : "", s->requests[k].name);
		report_doc_block_row(t, s->groups[i].name, of,
		    &s->groups[i].total);
	}
}

/* Each flow's iterations: how many, how they ended, how long whole
 * ones took. */
static void
flows(struct rdoc *d, const struct snapshot *s)
{
	struct report_fbuf f = { .i = 0 };
	struct rdoc_block *t;
	size_t i;

	if (s->nflows == 0)
		return;
	report_doc_heading(d, 2, "Flows");
	t = report_doc_table(d, "Flow|Started|Completed|Failed|Error rate|"
	    "p50|p95|p99");
	for (i = 0; i < s->nflows; i++) {
		const struct snap_flow *fl = &s->flows[i];
		const struct snap_lat *l = &fl->iteration;
		uint64_t ended = fl->completed + fl->failed;

		report_doc_row(t, fl->name, report_doc_f(&f, "%" PRIu64,
		    fl->started), report_doc_f(&f, "%" PRIu64, fl->completed),
		    report_doc_f(&f, "%" PRIu64, fl->failed), ended ?
		    report_doc_f(&f, "%.2f%%", report_pct(fl->failed, ended)) :
		    "-", l->count ? report_doc_ms(&f, l->p50) : "-",
		    l->count ? report_doc_ms(&f, l->p95) : "-",
		    l->count ? report_doc_ms(&f, l->p99) : "-");
	}
	report_doc_text(d, RDOC_PARA, "An iteration failed when one of its "
	    "requests did, or a variable it needed was not captured; the "
	    "percentiles are of the iterations that ran every step.");
}

void
report_doc_parts(struct rdoc *d, const struct report_ctx *c)
{
	statuses(d, c->s);
	groups(d, c->s);
	flows(d, c->s);
}
