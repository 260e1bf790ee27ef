/*
 * The verdict in the results document: its line, the summary's failed,
 * not evaluated and target-exit items, the table of thresholds as teams
 * write it (Metric | Result | Target | Status) and the graded table
 * (Metric | Excellent | Good | Acceptable | Poor | Result | Grade).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report-int.h"
#include "util.h"

const char *
report_verdict_word(bool passed)
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

/* How the thresholds table names a scope, before its name, and what
 * report.json calls its kind. */
static const struct {
	const char *word;
	const char *kind;
} scopes[] = {
	[THR_SCOPE_ALL] = { "", "run" },
	[THR_SCOPE_REQUEST] = { "", "request" },
	[THR_SCOPE_PHASE] = { "phase ", "phase" },
	[THR_SCOPE_METRIC] = { "metric ", "metric" },
	[THR_SCOPE_STAGE] = { "stage ", "stage" },
	[THR_SCOPE_PROCESS] = { "process ", "process" },
	[THR_SCOPE_GROUP] = { "group:", "group" },
	[THR_SCOPE_FLOW] = { "", "flow" },
	[THR_SCOPE_CLASS] = { "class:", "class" },
};

const char *
report_verdict_scope_kind(enum thr_scope scope)
{
	return (unsigned)scope < LT_NELEM(scopes) && scopes[scope].kind ?
	    scopes[scope].kind : "run";
}

/* "p95", "group:gateway p95", "session iteration p95", "signal
 * outcome:rate_limited", "prices connect p95": the metric of a
 * threshold, with its scope. */
static void
metric_label(const struct threshold *t, char *buf, size_t len)
{
	const char *metric = threshold_metric_name(t->metric);
	const char *word = (unsigned)t->scope < LT_NELEM(scopes) &&
	    scopes[t->scope].word ? scopes[t->scope].word : "";
	const char *stream = t->stream != THR_STREAM_NONE ?
	    threshold_stream_name(t->stream) : NULL;

	if (t->scope == THR_SCOPE_ALL || t->scope_name == NULL)
		snprintf(buf, len, "%s%s%s", stream ? stream : "",
		    stream ? " " : "", metric);
	else
		snprintf(buf, len, "%s%.60s %s%s%s", word, t->scope_name,
		    t->iteration ? "iteration " : stream ? stream : "",
		    stream ? " " : "", metric);
	if (t->metric == THR_OUTCOME && t->arg != NULL)
		snprintf(buf + strlen(buf), len - strlen(buf), ":%.60s",
		    t->arg);
}

static const char *const status_words[] = {
	[VERDICT_PASS] = RDOC_PASS,
	[VERDICT_FAIL] = RDOC_FAIL,
	[VERDICT_UNKNOWN] = RDOC_FAIL,
	[VERDICT_NOT_EVALUATED] = RDOC_NOT_EVALUATED,
};

/* Whether some phase checks a rate limit. */
static bool
has_rate_limit(const struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nphases; i++)
		if (s->phases[i].kind == SCN_RATE_LIMIT)
			return true;
	return false;
}

void
report_verdict_line(struct rdoc *d, const struct report_ctx *c)
{
	const struct verdict *v = &c->v;
	struct report_fbuf f = { .i = 0 };
	size_t met = v->n - v->failed - v->not_evaluated;

	report_doc_kv(d, "Verdict", "%s: %zu of %zu thresholds met%s%s%s",
	    v->passed ? RDOC_PASS : RDOC_FAIL, met, v->n,
	    v->not_evaluated ? report_doc_f(&f, ", %zu not evaluated (their "
	    "scope never ran)", v->not_evaluated) : "",
	    v->ngrades ? report_doc_f(&f, ", %zu of %zu grades at or above "
	    "their bar", v->ngrades - v->grades_failed, v->ngrades) : "",
	    v->rl_failed ? report_doc_f(&f, ", %zu rate-limit phase(s) did "
	    "not behave as expected", v->rl_failed) : v->passed &&
	    has_rate_limit(c->s) ? ", rate-limit expectations met" : "");
}

/* A watched process exited during the run: which, when, how, and its
 * last samples. */
static void
exit_item(struct rdoc *d, const struct snapshot *s, size_t proc)
{
	struct report_exit x;
	char last[256] = "", who[80] = "Target";
	size_t i, n = 0;

	if (!report_target_exit(s, proc, &x))
		return;
	for (i = 0; i < x.nlast; i++)
		n += (size_t)snprintf(last + n, n < sizeof last ?
		    sizeof last - n : 0, "%s%.1fs CPU %.1f%% RSS %.1fMB",
		    i ? "; " : "", (double)(x.last[i].t_us - s->mono_start_us) /
		    1e6, x.last[i].cpu, report_mb(x.last[i].rss));
	if (snapshot_nprocs(s) > 1)
		snprintf(who, sizeof who, "Process %.60s",
		    snapshot_proc_name(s, proc));
	report_doc_text(d, RDOC_ITEM, "%s exited at %.1fs: %s%s%s%s", who,
	    x.t, x.what, s->nprocesses > proc && s->processes[proc].may_exit ?
	    " (allowed: may_exit)" : "", x.nlast ? "; last samples " : "",
	    last);
}

void
report_verdict_items(struct rdoc *d, const struct report_ctx *c)
{
	char a[48];
	size_t i;

	for (i = 0; i < snapshot_nprocs(c->s); i++)
		exit_item(d, c->s, i);
	for (i = 0; i < c->v.n; i++) {
		const struct verdict_row *r = &c->v.rows[i];

		if (r->status == VERDICT_NOT_EVALUATED)
			report_doc_text(d, RDOC_ITEM, "Not evaluated: %s (%s)",
			    r->t->expr, r->why);
		else if (!r->passed)
			report_doc_text(d, RDOC_ITEM, "Failed: %s (actual %s%s%s)",
			    r->t->expr, verdict_format_actual(r, a, sizeof a),
			    r->known ? "" : ": ", r->known ? "" : r->why);
	}
	for (i = 0; i < c->v.ngrades; i++) {
		const struct verdict_grade *vg = &c->v.grades[i];

		if (vg->status == VERDICT_FAIL)
			report_doc_text(d, RDOC_ITEM, "Graded %s: %s (actual "
			    "%s), below %s", scenario_grade_name(vg->level),
			    vg->g->t.expr, verdict_format_grade(vg, a, sizeof a),
			    scenario_grade_name(vg->g->fail_below));
	}
}

static void
performance(struct rdoc *d, const struct report_ctx *c)
{
	struct rdoc_block *t;
	char a[48], v[48], m[48], status[192];
	size_t i;

	report_doc_heading(d, 2, "Performance against targets");
	if (c->v.n == 0) {
		report_doc_text(d, RDOC_PARA, "The scenario sets no thresholds.");
		return;
	}
	t = report_doc_table(d, "Metric|Result|Target|Status");
	for (i = 0; i < c->v.n; i++) {
		const struct verdict_row *r = &c->v.rows[i];
		const struct threshold *th = r->t;
		char metric[160], target[64];

		metric_label(th, metric, sizeof metric);
		snprintf(target, sizeof target, "%s %s", threshold_op_name(th->op),
		    threshold_format_value(th->metric, th->value, v, sizeof v));
		margin(r, m, sizeof m);
		if (th->by_default)
			strncat(metric, " (default)", sizeof metric -
			    strlen(metric) - 1);
		if (r->known)
			snprintf(status, sizeof status, "%s%s",
			    report_verdict_word(r->passed), m);
		else
			snprintf(status, sizeof status, "%s (%s)",
			    status_words[r->status], r->why);
		report_doc_row(t, metric, verdict_format_actual(r, a, sizeof a), target,
		    status);
	}
}

/* The graded table, in the form teams write it. */
static void
grades(struct rdoc *d, const struct report_ctx *c)
{
	struct rdoc_block *t;
	char b[SCN_GRADE_BOUNDS][48], poor[56], a[48], grade[96];
	size_t i;
	int k;

	if (c->v.ngrades == 0)
		return;
	report_doc_heading(d, 3, "Grades");
	t = report_doc_table(d, "Metric|Excellent|Good|Acceptable|Poor|Result|"
	    "Grade");
	for (i = 0; i < c->v.ngrades; i++) {
		const struct verdict_grade *vg = &c->v.grades[i];

		for (k = 0; k < SCN_GRADE_BOUNDS; k++)
			verdict_format_bound(vg, k, b[k], sizeof b[k]);
		snprintf(poor, sizeof poor, "%s%s", vg->g->higher_better ?
		    "<" : ">", b[SCN_GRADE_BOUNDS - 1] + 1);
		if (vg->level < GRADE__COUNT)
			snprintf(grade, sizeof grade, "%s%s", vg->status ==
			    VERDICT_FAIL ? RDOC_FAIL " " : "",
			    scenario_grade_name(vg->level));
		else
			snprintf(grade, sizeof grade, "%s (%.60s)",
			    status_words[vg->status], vg->why);
		report_doc_row(t, vg->g->t.expr, b[0], b[1], b[2], poor,
		    verdict_format_grade(vg, a, sizeof a), grade);
	}
}

void
report_verdict_tables(struct rdoc *d, const struct report_ctx *c)
{
	performance(d, c);
	grades(d, c);
}
