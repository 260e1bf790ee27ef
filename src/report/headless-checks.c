/*
 * The summary's sections on what the responses said and how the parts
 * of the scenario did: each request's statuses, the groups, the flows,
 * the checks, the outcomes and the failures list.  Each only when it has
 * something to show.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "headless.h"
#include "report.h"
#include "units.h"
#include "util.h"

static double
pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

const char *
headless_thousands(uint64_t n, char *buf, size_t len)
{
	char digits[24];
	size_t i, o = 0, k = (size_t)snprintf(digits, sizeof digits, "%" PRIu64,
	    n);

	for (i = 0; i < k && o + 2 < len; i++) {
		if (i > 0 && (k - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* A name column as wide as its longest name, up to 40. */
static int
widen(int w, const char *name)
{
	return name != NULL ? LT_MAX(w, (int)LT_MIN(strlen(name), 40)) : w;
}

/* The groups, as the requests' table: a row each. */
static void
print_groups(FILE *f, const struct snapshot *s)
{
	char n[24], p95[16];
	size_t i;
	int w;

	if (s->ngroups == 0)
		return;
	for (i = 0, w = widen(0, "group"); i < s->ngroups; i++)
		w = widen(w, s->groups[i].name);
	fprintf(f, "\n  %-*s %9s %9s %7s %9s\n", w, "group", "requests",
	    "req/s", "err%", "p95");
	for (i = 0; i < s->ngroups; i++) {
		const struct snap_block *b = &s->groups[i].total;

		fprintf(f, "  %-*.40s %9s %9.1f %6.2f%% %9s\n", w,
		    s->groups[i].name, headless_thousands(b->n.completed, n, sizeof n),
		    b->rps, pct(b->n.errors, b->n.completed), b->n.completed ?
		    units_format_ms(b->latency.p95, p95, sizeof p95) : "-");
	}
}

/* Each flow's iterations: how many, how they ended, how long they took. */
static void
print_flows(FILE *f, const struct snapshot *s)
{
	char a[24], b[24], c[24], p50[16], p95[16], p99[16];
	size_t i;
	int w;

	if (s->nflows == 0)
		return;
	for (i = 0, w = widen(0, "flow"); i < s->nflows; i++)
		w = widen(w, s->flows[i].name);
	fprintf(f, "\n  %-*s %9s %9s %9s %9s %9s %9s\n", w, "flow", "started",
	    "completed", "failed", "p50", "p95", "p99");
	for (i = 0; i < s->nflows; i++) {
		const struct snap_flow *fl = &s->flows[i];
		const struct snap_lat *l = &fl->iteration;

		fprintf(f, "  %-*.40s %9s %9s %9s %9s %9s %9s\n", w, fl->name,
		    headless_thousands(fl->started, a, sizeof a),
		    headless_thousands(fl->completed, b, sizeof b),
		    headless_thousands(fl->failed, c, sizeof c),
		    l->count ? units_format_ms(l->p50, p50, sizeof p50) : "-",
		    l->count ? units_format_ms(l->p95, p95, sizeof p95) : "-",
		    l->count ? units_format_ms(l->p99, p99, sizeof p99) : "-");
	}
}

/* request: 200 x 9,800, 429 x 200: with one request, the status line
 * above says it already. */
static void
print_statuses(FILE *f, const struct snapshot *s)
{
	char name[48], n[24];
	size_t i, k, sent = 0;
	bool any = false;
	int w;

	/* Stream requests have none: their blocks say how they ended. */
	for (i = 0, w = 0; i < s->nrequests; i++)
		if (!report_is_stream(s->scn, i)) {
			w = widen(w, s->requests[i].name);
			sent++;
		}
	if (sent < 2)
		return;
	for (i = 0; i < s->nrequests; i++) {
		const struct snap_request *rq = &s->requests[i];

		if (rq->nstatus == 0 || report_is_stream(s->scn, i))
			continue;
		snprintf(name, sizeof name, "%.40s:", rq->name);
		fprintf(f, "%s%-*s", any ? "\n             " : "\n  statuses   ",
		    w + 1, name);
		for (k = 0; k < rq->nstatus; k++)
			fprintf(f, "%s %d x %s", k ? "," : "", rq->status[k].code,
			    headless_thousands(rq->status[k].count, n, sizeof n));
		any = true;
	}
	if (any)
		fputc('\n', f);
}

static const char *
request_name(const struct snapshot *s, size_t i)
{
	return i < s->nrequests ? s->requests[i].name : "?";
}

/* The pass rate over all, then each check with its request. */
static void
print_checks(FILE *f, const struct snapshot *s)
{
	uint64_t all = s->checks_passed + s->checks_failed;
	char a[24], b[24], c[24];
	size_t i, wn = strlen("check"), wr = strlen("request");

	if (all == 0 && s->nchecks == 0)
		return;
	fprintf(f, "\n  checks     %.2f%% passed: %s of %s, %s failed\n",
	    pct(s->checks_passed, all), headless_thousands(s->checks_passed, a, sizeof a),
	    headless_thousands(all, b, sizeof b), headless_thousands(s->checks_failed, c,
	    sizeof c));
	for (i = 0; i < s->nchecks; i++) {
		wn = LT_MAX(wn, strlen(s->checks[i].name));
		wr = LT_MAX(wr, strlen(request_name(s, s->checks[i].request)));
	}
	wn = LT_MIN(wn, 48);
	wr = LT_MIN(wr, 40);
	if (s->nchecks > 0)
		fprintf(f, "  %-*s %-*s %11s %11s %8s\n", (int)wr, "request",
		    (int)wn, "check", "passed", "failed", "pass%");
	for (i = 0; i < s->nchecks; i++) {
		const struct snap_check *k = &s->checks[i];

		fprintf(f, "  %-*.40s %-*.48s %11s %11s %7.2f%%\n", (int)wr,
		    request_name(s, k->request), (int)wn, k->name,
		    headless_thousands(k->passed, a, sizeof a),
		    headless_thousands(k->failed, b, sizeof b),
		    pct(k->passed, k->passed + k->failed));
	}
}

/* A request's outcome: its most frequent values, then the rest in one
 * line (those past the top, and those the engine did not keep). */
static void
print_outcome(FILE *f, const struct snap_request *rq)
{
	char value[SNAP_OUTCOMES_TOP][44], n[24];
	uint64_t count[SNAP_OUTCOMES_TOP], all = 0, other = 0;
	size_t i, shown = 0;
	int w = (int)strlen("other");

	for (i = 0; i < rq->noutcomes; i++) {
		const struct snap_outcome *o = &rq->outcomes[i];

		all += o->count;
		if (o->value == NULL || shown == SNAP_OUTCOMES_TOP) {
			other += o->count;
			continue;
		}
		report_text_line(o->value, strlen(o->value), false,
		    value[shown], sizeof value[shown]);
		count[shown] = o->count;
		w = LT_MAX(w, (int)strlen(value[shown]));
		shown++;
	}
	fprintf(f, "\n  outcome    %s: %s responses\n", rq->name,
	    headless_thousands(all, n, sizeof n));
	for (i = 0; i < shown; i++)
		fprintf(f, "    %-*s %11s %6.1f%%\n", w, value[i],
		    headless_thousands(count[i], n, sizeof n), pct(count[i], all));
	if (other > 0)
		fprintf(f, "    %-*s %11s %6.1f%%\n", w, "other",
		    headless_thousands(other, n, sizeof n), pct(other, all));
}

static void
print_outcomes(FILE *f, const struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nrequests; i++)
		if (s->requests[i].has_outcome)
			print_outcome(f, &s->requests[i]);
}

/* Locust's failures table: the most frequent reasons, each with one
 * body's start on the line below. */
static void
print_failures(FILE *f, const struct snapshot *s)
{
	char n[24], why[256], sample[REPORT_SAMPLE_LINE];
	size_t i, wr = strlen("request");

	if (s->nreasons == 0)
		return;
	for (i = 0; i < s->nreasons; i++)
		wr = LT_MAX(wr, strlen(request_name(s, s->reasons[i].request)));
	wr = LT_MIN(wr, 40);
	fprintf(f, "\n  failures %11s  %-*s %-16s %s\n", "count", (int)wr,
	    "request", "class", "reason");
	for (i = 0; i < s->nreasons && i < SNAP_REASONS_TOP; i++) {
		const struct snap_reason *r = &s->reasons[i];

		fprintf(f, "  %20s  %-*.40s %-16s %s\n", headless_thousands(r->count, n,
		    sizeof n), (int)wr, request_name(s, r->request),
		    kinds_class_name(r->cls), report_reason_text(r, why,
		    sizeof why));
		if (r->sample_len > 0)
			fprintf(f, "  %20s  %s\n", "", report_text_line(r->sample,
			    r->sample_len, r->sample_cut, sample, sizeof sample));
	}
}

void
headless_checks_print(FILE *f, const struct snapshot *s)
{
	print_statuses(f, s);
	print_groups(f, s);
	print_flows(f, s);
	print_checks(f, s);
	print_outcomes(f, s);
	print_failures(f, s);
}
