/*
 * The requests view's rows (each request, then each group) and the
 * selected one in detail: its last interval, classes and statuses, its
 * checks and, for a request with an outcome, its most frequent values.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ui-int.h"
#include "util.h"

static bool
in_group(const struct snap_request *rq, const char *group)
{
	return rq->group != NULL && group != NULL &&
	    strcmp(rq->group, group) == 0;
}

/* A stream request sends no requests: the Streams view shows it. */
static bool
is_stream(const struct snapshot *s, size_t k)
{
	return k < s->scn->nrequests && (s->scn->requests[k].websocket ||
	    s->scn->requests[k].sse);
}

/* The request that is row i, or after them nrequests + the group's. */
static size_t
request_of_row(const struct snapshot *s, size_t i)
{
	size_t k;

	for (k = 0; k < s->nrequests; k++)
		if (!is_stream(s, k) && i-- == 0)
			return k;
	return s->nrequests + i;
}

size_t
screen_requests_rows(const struct snapshot *s)
{
	size_t k, n = s->ngroups;

	for (k = 0; k < s->nrequests; k++)
		n += !is_stream(s, k);
	return n;
}

void
screen_requests_row(const struct snapshot *s, size_t row,
    struct screen_row *r)
{
	size_t k, i = request_of_row(s, row);

	memset(r, 0, sizeof *r);
	if (i < s->nrequests) {
		r->request = &s->requests[i];
		r->name = r->request->name;
		r->total = &r->request->total;
		r->interval = &r->request->interval;
		r->checks_passed = r->request->checks_passed;
		r->checks_failed = r->request->checks_failed;
		return;
	}
	r->group = &s->groups[i - s->nrequests];
	r->name = r->group->name;
	r->total = &r->group->total;
	r->interval = &r->group->interval;
	for (k = 0; k < s->nrequests; k++)
		if (in_group(&s->requests[k], r->name)) {
			r->checks_passed += s->requests[k].checks_passed;
			r->checks_failed += s->requests[k].checks_failed;
		}
}

/* The last interval, what it received over the run. */
static void
draw_interval(struct ui *ui, const struct ui_rect *r, int row,
    const struct screen_row *sr)
{
	char a[16], m[16], in[16];
	int x;

	x = ui_text(ui, r, row, 0, UC_LABEL, "last %.1fs: ",
	    sr->interval->seconds);
	x += ui_text(ui, r, row, x, UC_NORMAL, "%" PRIu64 " done, p50 %s, "
	    "max %s", sr->interval->n.completed, ui_fmt_ms(
	    sr->interval->latency.p50, a, sizeof a), ui_fmt_ms(
	    sr->interval->latency.max, m, sizeof m));
	x += ui_text(ui, r, row, x, UC_LABEL, "   bytes in ");
	ui_text(ui, r, row, x, UC_NORMAL, "%s",
	    ui_fmt_bytes((double)sr->total->n.bytes_in, in, sizeof in));
}

static void
draw_classes(struct ui *ui, const struct ui_rect *r, int row,
    const struct snap_block *b)
{
	size_t c;
	int x = ui_text(ui, r, row, 0, UC_LABEL, "classes: ");

	for (c = 0; c < CLS__COUNT; c++) {
		if (b->n.classes[c] == 0)
			continue;
		x += ui_text(ui, r, row, x, c == CLS_OK ? UC_GOOD :
		    c == CLS_RATE_LIMITED ? UC_WARN : UC_BAD, "%s %" PRIu64
		    "  ", kinds_class_name(c), b->n.classes[c]);
	}
}

/* A request's statuses, most frequent first; a group's requests. */
static void
draw_statuses(struct ui *ui, const struct snapshot *s, const struct ui_rect *r,
    int row, const struct screen_row *sr)
{
	char n[16];
	size_t i;
	int x;

	if (sr->group != NULL) {
		x = ui_text(ui, r, row, 0, UC_LABEL, "requests: ");
		for (i = 0; i < s->nrequests; i++)
			if (in_group(&s->requests[i], sr->name))
				x += ui_text(ui, r, row, x, UC_NORMAL, "%s  ",
				    s->requests[i].name);
		return;
	}
	x = ui_text(ui, r, row, 0, UC_LABEL, "statuses: ");
	if (sr->request->nstatus == 0)
		ui_text(ui, r, row, x, UC_LABEL, "none yet");
	for (i = 0; i < sr->request->nstatus; i++) {
		const struct snap_status *st = &sr->request->status[i];

		x += ui_text(ui, r, row, x, st->code < 400 ? UC_NORMAL :
		    st->code == 429 ? UC_WARN : UC_BAD, "%d x %s  ", st->code,
		    ui_fmt_count(st->count, n, sizeof n));
	}
}

/* Whether check k is of the row: the request's own, or a group's. */
static bool
check_of(const struct snapshot *s, const struct snap_check *k,
    const struct screen_row *sr)
{
	if (k->request >= s->nrequests)
		return false;
	if (sr->request != NULL)
		return &s->requests[k->request] == sr->request;
	return in_group(&s->requests[k->request], sr->name);
}

static bool
has_checks(const struct snapshot *s, const struct screen_row *sr)
{
	size_t i;

	if (sr->checks_passed + sr->checks_failed > 0)
		return true;
	for (i = 0; i < s->nchecks; i++)
		if (check_of(s, &s->checks[i], sr))
			return true;
	return false;
}

/* The pass rate, then a line per check: passed, failed, pass %. */
static void
draw_checks(struct ui *ui, const struct snapshot *s, const struct ui_rect *r,
    const struct screen_row *sr)
{
	uint64_t all = sr->checks_passed + sr->checks_failed;
	char a[16], b[16], name[160];
	size_t i;
	int row = 1, x, w = r->w - 23;	/* the name's, before 3 figures */

	x = ui_text(ui, r, 0, 0, UC_LABEL, "checks  ");
	if (all == 0) {
		ui_text(ui, r, 0, x, UC_LABEL, "none evaluated");
		return;
	}
	ui_text(ui, r, 0, x, sr->checks_failed ? UC_BAD : UC_GOOD, "%.2f%% "
	    "passed, %s failed", ui_pct(sr->checks_passed, all),
	    ui_fmt_count(sr->checks_failed, a, sizeof a));
	for (i = 0; i < s->nchecks && row < r->h && w >= 8; i++) {
		const struct snap_check *k = &s->checks[i];

		if (!check_of(s, k, sr))
			continue;
		/* A group's checks are of its requests: say whose. */
		snprintf(name, sizeof name, "%s%s%s", sr->group ?
		    s->requests[k->request].name : "", sr->group ? ": " : "",
		    k->name);
		ui_text(ui, r, row, 0, UC_NORMAL, " %-*.*s", w - 1, w - 1, name);
		ui_text(ui, r, row, w, UC_NORMAL, "%7s", ui_fmt_count(k->passed,
		    a, sizeof a));
		ui_text(ui, r, row, w + 7, k->failed ? UC_BAD : UC_NORMAL,
		    "%7s", ui_fmt_count(k->failed, b, sizeof b));
		ui_text(ui, r, row++, w + 14, UC_NORMAL, "%7.2f%%", ui_pct(
		    k->passed, k->passed + k->failed));
	}
}

/* The most frequent values that fit, then one line for the rest. */
static void
draw_outcome(struct ui *ui, const struct ui_rect *r,
    const struct snap_request *rq)
{
	uint64_t all = 0, other = 0;
	char value[64], n[16];
	size_t i, lines = (size_t)LT_MAX(r->h - 1, 0), shown = 0;
	int w = r->w - 16;		/* the value's, before 2 figures */

	if (w < 8)
		return;

	for (i = 0; i < rq->noutcomes; i++)
		all += rq->outcomes[i].count;
	ui_text(ui, r, 0, 0, UC_LABEL, "outcome  %s responses", ui_fmt_count(
	    all, n, sizeof n));
	/* Leave a line for "other" when not every value fits. */
	if (rq->noutcomes > lines && lines > 0)
		lines--;
	for (i = 0; i < rq->noutcomes; i++) {
		const struct snap_outcome *o = &rq->outcomes[i];

		if (o->value == NULL || shown == lines ||
		    shown == SNAP_OUTCOMES_TOP) {
			other += o->count;
			continue;
		}
		/* Cut to the column by ui_fmt_text: not inside a character. */
		ui_text(ui, r, (int)++shown, 0, UC_NORMAL, " %-*s", w - 1,
		    ui_fmt_text(ui, o->value, value, (size_t)LT_MIN(w,
		    (int)sizeof value)));
		ui_text(ui, r, (int)shown, w, UC_NORMAL, "%8s %6.1f%%",
		    ui_fmt_count(o->count, n, sizeof n), ui_pct(o->count, all));
	}
	if (other > 0) {
		ui_text(ui, r, (int)++shown, 0, UC_LABEL, " %-*s", w - 1,
		    "other");
		ui_text(ui, r, (int)shown, w, UC_NORMAL, "%8s %6.1f%%",
		    ui_fmt_count(other, n, sizeof n), ui_pct(other, all));
	}
}

void
screen_requests_detail(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *r, size_t i)
{
	struct screen_row sr;
	struct ui_rect left, right;
	bool outcome, checks;
	char title[96], group[96];

	screen_requests_row(s, i, &sr);
	snprintf(title, sizeof title, "%s%s", sr.group ? "group:" : "",
	    sr.name);
	if (sr.request != NULL && sr.request->group != NULL)
		snprintf(group, sizeof group, "in group:%s", sr.request->group);
	ui_title(ui, r, 0, title, sr.request != NULL &&
	    sr.request->group != NULL ? group : NULL);
	draw_interval(ui, r, 1, &sr);
	draw_classes(ui, r, 2, sr.total);
	draw_statuses(ui, s, r, 3, &sr);
	/* Below: the checks and the outcome, side by side when both. */
	left = (struct ui_rect){ r->y + 4, r->x, r->h - 4, r->w };
	if (left.h < 1)
		return;
	outcome = sr.request != NULL && sr.request->has_outcome;
	checks = has_checks(s, &sr);
	if (outcome && checks) {
		left.w = r->w / 2 - 1;
		right = (struct ui_rect){ left.y, r->x + r->w / 2 + 1, left.h,
		    r->w - r->w / 2 - 1 };
		ui_vsplit(ui, left.y, r->x + r->w / 2 - 1, left.h);
		draw_outcome(ui, &right, sr.request);
	} else if (outcome)
		draw_outcome(ui, &left, sr.request);
	if (checks)
		draw_checks(ui, s, &left, &sr);
}
