/* The phases: each one's state and result so far, and the thresholds. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ui-int.h"
#include "util.h"
#include "widget.h"

static size_t selected;
static bool follow;			/* selection follows the current phase */

static const struct table_col cols[] = {
	{ .title = "#", .width = 2 },
	{ .title = "phase", .width = 0, .left = true },
	{ .title = "kind", .width = 11, .left = true },
	{ .title = "state", .width = 9, .left = true },
	{ .title = "done", .width = 5 },
	{ .title = "requests", .width = 9 },
	{ .title = "req/s", .width = 7 },
	{ .title = "p95", .width = 8 },
	{ .title = "errors", .width = 7 },
	{ .title = "429", .width = 6 },
	{ .title = "result", .width = 12, .left = true },
};

static enum ui_color
leak_color(enum leak_verdict v)
{
	return v == LEAK_LEAK ? UC_BAD : v == LEAK_STABLE ? UC_GOOD : UC_NORMAL;
}

/* A leak phase's verdict, or its count of samples while it gathers them. */
static void
leak_result(const struct snap_phase *p, char *buf, size_t len,
    enum ui_color *c)
{
	struct leak_fit fit;

	if (!snapshot_phase_leak(p, &fit)) {
		if (p->nleak > 0)
			snprintf(buf, len, "%zu smpl", p->nleak);
		return;
	}
	if (p->state == PHASE_RUNNING && fit.verdict == LEAK_INCONCLUSIVE) {
		snprintf(buf, len, "%zu smpl", p->nleak);
		return;
	}
	snprintf(buf, len, "%s", leak_verdict_name(fit.verdict));
	*c = leak_color(fit.verdict);
}

static void
result(const struct snap_phase *p, char *buf, size_t len, enum ui_color *c)
{
	const struct snap_rate_limit *rl = &p->rl;

	if (p->kind == SCN_RATE_LIMIT && (rl->expect_allowed >= 0 ||
	    rl->expect_limited >= 0)) {
		if (rl->checked) {
			snprintf(buf, len, "%s", rl->passed ? "PASS" : "FAIL");
			*c = rl->passed ? UC_GOOD : UC_BAD;
		} else if (p->state != PHASE_PENDING)
			snprintf(buf, len, "%" PRIu64 "/%" PRIu64, rl->allowed,
			    rl->limited);
	} else if (p->kind == SCN_LEAK)
		leak_result(p, buf, len, c);
}

/* Streams open now: those of the connections phase that runs. */
static uint64_t
streams_open(const struct snapshot *s)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < s->nstreams; i++)
		n += s->streams[i].open;
	return n;
}

static void
phase_cell(const void *arg, size_t row, size_t col, char *buf, size_t len,
    enum ui_color *c)
{
	const struct snapshot *s = arg;
	const struct snap_phase *p = &s->phases[row];
	const struct snap_block *b = &p->block;
	bool ran = p->state == PHASE_RUNNING || p->state == PHASE_DONE;

	/* Streams send no requests: the Streams view has their figures. */
	if (p->kind == SCN_CONNECTIONS && col >= 5) {
		if (col == 10 && p->state == PHASE_RUNNING)
			snprintf(buf, len, "%" PRIu64 " open", streams_open(s));
		return;
	}
	switch (col) {
	case 0:
		snprintf(buf, len, "%zu", row + 1);
		break;
	case 1:
		snprintf(buf, len, "%s", p->name);
		break;
	case 2:
		snprintf(buf, len, "%s", kinds_phase_name(p->kind));
		break;
	case 3:
		snprintf(buf, len, "%s", snapshot_phase_state_name(p->state));
		*c = p->state == PHASE_RUNNING ? UC_GOOD :
		    p->state == PHASE_SKIPPED ? UC_WARN : UC_NORMAL;
		break;
	case 4:
		if (ran)
			snprintf(buf, len, "%.0f%%", p->progress * 100);
		break;
	case 5:
		if (ran)
			snprintf(buf, len, "%" PRIu64, b->n.completed);
		break;
	case 6:
		if (ran)
			snprintf(buf, len, "%.1f", b->rps);
		break;
	case 7:
		if (ran)
			ui_fmt_ms(b->latency.p95, buf, len);
		break;
	case 8:
		if (ran)
			snprintf(buf, len, "%" PRIu64, b->n.errors);
		*c = b->n.errors ? UC_BAD : UC_NORMAL;
		break;
	case 9:
		if (ran)
			snprintf(buf, len, "%" PRIu64,
			    b->n.classes[CLS_RATE_LIMITED]);
		break;
	case 10:
		result(p, buf, len, c);
		break;
	}
}

static void
draw_rate_limit(struct ui *ui, const struct snap_phase *p,
    const struct ui_rect *r, int row)
{
	const struct snap_rate_limit *rl = &p->rl;
	int x;

	x = ui_text(ui, r, row, 0, UC_LABEL, "allowed ");
	x += ui_text(ui, r, row, x, UC_NORMAL, "%" PRIu64, rl->allowed);
	if (rl->expect_allowed >= 0)
		x += ui_text(ui, r, row, x, UC_LABEL, " (expected %" PRId64 ")",
		    rl->expect_allowed);
	row++;
	x = ui_text(ui, r, row, 0, UC_LABEL, "limited ");
	x += ui_text(ui, r, row, x, UC_NORMAL, "%" PRIu64, rl->limited);
	if (rl->expect_limited >= 0)
		ui_text(ui, r, row, x, UC_LABEL, " (expected %" PRId64 ")",
		    rl->expect_limited);
	row++;
	x = ui_text(ui, r, row, 0, UC_LABEL, "first limited ");
	if (rl->first_limited_at > 0)
		ui_text(ui, r, row, x, UC_NORMAL, "at request %" PRId64,
		    rl->first_limited_at);
	else
		ui_text(ui, r, row, x, UC_NORMAL, "none yet");
	row++;
	x = ui_text(ui, r, row, 0, UC_LABEL, "Retry-After ");
	if (rl->retry_after_count == 0)
		ui_text(ui, r, row, x, UC_NORMAL, "none seen");
	else if (rl->retry_after_min == rl->retry_after_max)
		ui_text(ui, r, row, x, UC_NORMAL, "%" PRId64 "s (%" PRIu64
		    " answers)", rl->retry_after_min, rl->retry_after_count);
	else
		ui_text(ui, r, row, x, UC_NORMAL, "%" PRId64 "-%" PRId64 "s (%"
		    PRIu64 " answers)", rl->retry_after_min,
		    rl->retry_after_max, rl->retry_after_count);
	row++;
	x = ui_text(ui, r, row, 0, UC_LABEL, "result ");
	if (rl->checked)
		ui_text(ui, r, row, x, rl->passed ? UC_GOOD : UC_BAD, "%s",
		    rl->passed ? "PASS" : "FAIL");
	else
		ui_text(ui, r, row, x, UC_NORMAL, "judged when the phase ends");
}

/* Text from column col on, cut at spaces to the panel's width; the rows used. */
static int
draw_wrapped(struct ui *ui, const struct ui_rect *r, int row, int col,
    const char *text)
{
	int w = LT_MAX(r->w - col, 10), n, rows = 0;
	const char *end;

	while (*text != '\0' && row + rows < r->h) {
		n = (int)strlen(text);
		if (n > w) {
			for (end = text + w; end > text && *end != ' '; end--)
				;
			n = end > text ? (int)(end - text) : w;
		}
		ui_text(ui, r, row + rows++, col, UC_LABEL, "%.*s", n, text);
		text += n;
		while (*text == ' ')
			text++;
	}
	return rows;
}

/* A leak verdict: the word and the floor's slopes, then why. */
static int
draw_leak_fit(struct ui *ui, const struct ui_rect *r, int row,
    const char *label, const struct leak_fit *lf)
{
	const char *word = leak_verdict_name(lf->verdict);
	int x = 10 + (int)strlen(word) + 2;
	char a[16], b[16];

	ui_text(ui, r, row, 0, UC_LABEL, "%s", label);
	ui_text(ui, r, row, 10, leak_color(lf->verdict), "%s", word);
	if (lf->floor.valid && lf->per_request.valid)
		ui_text(ui, r, row, x, UC_NORMAL, "%s/request  %s/min  R2 %.2f",
		    ui_fmt_bytes(lf->bytes_per_request, a, sizeof a),
		    ui_fmt_bytes(lf->kb_per_min * 1024, b, sizeof b),
		    lf->floor.r2);
	else if (lf->floor.valid)
		ui_text(ui, r, row, x, UC_NORMAL, "%s/min  R2 %.2f",
		    ui_fmt_bytes(lf->kb_per_min * 1024, b, sizeof b),
		    lf->floor.r2);
	return row + 1 + draw_wrapped(ui, r, row + 1, 10, lf->reason);
}

static void
draw_leak(struct ui *ui, const struct snapshot *s, const struct snap_phase *p,
    const struct ui_rect *r, int row)
{
	const struct snap_leak_point *a, *z;
	struct leak_fit fit;
	char b1[16], b2[16];
	size_t i;

	if (p->nleak == 0) {
		ui_text(ui, r, row, 0, UC_LABEL, "no sample yet");
		return;
	}
	a = &p->leak[0];
	z = &p->leak[p->nleak - 1];
	if (z->requests > a->requests && a->rss_bytes >= 0)
		ui_text(ui, r, row++, 0, UC_NORMAL, "%s over %" PRIu64
		    " requests: %.0f bytes per request",
		    ui_fmt_bytes((double)(z->rss_bytes - a->rss_bytes), b1,
		    sizeof b1), z->requests - a->requests,
		    (double)(z->rss_bytes - a->rss_bytes) /
		    (double)(z->requests - a->requests));
	if (snapshot_phase_leak(p, &fit))
		row = draw_leak_fit(ui, r, row, "phase", &fit);
	if (s->has_target)
		row = draw_leak_fit(ui, r, row, "whole run", &s->target.leak);
	ui_text(ui, r, row++, 0, UC_LABEL, "%8s %9s %10s", "time", "requests",
	    "rss");
	i = (size_t)LT_MAX(0, (long)p->nleak - (long)(r->h - row));
	for (; i < p->nleak && row < r->h; i++, row++)
		ui_text(ui, r, row, 0, UC_NORMAL, "%7.1fs %9" PRIu64 " %10s",
		    p->leak[i].t, p->leak[i].requests, p->leak[i].rss_bytes < 0 ?
		    "-" : ui_fmt_bytes((double)p->leak[i].rss_bytes, b2,
		    sizeof b2));
}

/* What a connections phase holds: its streams, how fast they open. */
static int
draw_connections(struct ui *ui, const struct snapshot *s, size_t i,
    const struct ui_rect *r, int row)
{
	const struct scn_phase *sp;
	int x;

	if (i >= s->scn->nphases)
		return row;
	sp = &s->scn->phases[i];
	x = ui_text(ui, r, row, 0, UC_NORMAL, "%u connections", sp->connections);
	if (sp->connect_rate > 0)
		x += ui_text(ui, r, row, x, UC_NORMAL, " opened at %g/s",
		    sp->connect_rate);
	if (s->phases[i].state == PHASE_RUNNING)
		ui_text(ui, r, row, x, UC_GOOD, ", %" PRIu64 " open now",
		    streams_open(s));
	row++;
	ui_text(ui, r, row++, 0, UC_LABEL, "the Streams view has their "
	    "figures");
	return row;
}

static void
draw_detail(struct ui *ui, const struct snapshot *s, const struct ui_rect *r)
{
	const struct snap_phase *p = &s->phases[selected];
	const struct snap_block *b = &p->block;
	char t[96], a[16], c[16], d[16];
	int row = 1;

	snprintf(t, sizeof t, "%zu %s", selected + 1, p->name);
	ui_title(ui, r, 0, t, kinds_phase_name(p->kind));
	if (p->started >= 0) {
		if (p->state == PHASE_DONE)
			ui_text(ui, r, row++, 0, UC_NORMAL, "ran from %.1fs to "
			    "%.1fs", p->started, p->ended);
		else
			ui_text(ui, r, row++, 0, UC_NORMAL, "running since "
			    "%.1fs", p->started);
		if (p->kind != SCN_CONNECTIONS)
			ui_text(ui, r, row++, 0, UC_NORMAL, "%" PRIu64
			    " requests, p50 %s  p95 %s  p99 %s", b->n.completed,
			    ui_fmt_ms(b->latency.p50, a, sizeof a),
			    ui_fmt_ms(b->latency.p95, c, sizeof c),
			    ui_fmt_ms(b->latency.p99, d, sizeof d));
	}
	if (p->kind == SCN_CONNECTIONS)
		row = draw_connections(ui, s, selected, r, row);
	if (p->state == PHASE_RUNNING && p->target_rate > 0)
		ui_text(ui, r, row++, 0, UC_LABEL, "target rate now %.1f/s",
		    p->target_rate);
	else if (p->state == PHASE_RUNNING && p->target_users > 0)
		ui_text(ui, r, row++, 0, UC_LABEL, "users now %u",
		    p->target_users);
	if (p->kind == SCN_RATE_LIMIT)
		draw_rate_limit(ui, p, r, row);
	else if (p->kind == SCN_LEAK)
		draw_leak(ui, s, p, r, row);
}

/* A grade's line: what it got, coloured by how it stands to its bar. */
static void
draw_grade(struct ui *ui, const struct verdict_grade *vg,
    const struct ui_rect *r, int row, int ew)
{
	static const enum ui_color colors[] = {
		[GRADE_EXCELLENT] = UC_GOOD, [GRADE_GOOD] = UC_GOOD,
		[GRADE_ACCEPTABLE] = UC_WARN, [GRADE_POOR] = UC_BAD,
	};
	enum ui_color c = UC_LABEL;
	const char *word = "waiting";
	char a[32];

	if (vg->level < GRADE__COUNT) {
		word = scenario_grade_name(vg->level);
		c = vg->status == VERDICT_FAIL ? UC_BAD : colors[vg->level];
	} else if (vg->status == VERDICT_NOT_EVALUATED)
		word = "not run";
	/* The grade's word is wider than a threshold's PASS or FAIL. */
	ui_text(ui, r, row, 0, c, "%-10s", word);
	ui_text(ui, r, row, 11, UC_NORMAL, "%-*.*s %s", ew - 3, ew - 3,
	    vg->g->t.expr, vg->known ? verdict_format_grade(vg, a, sizeof a) :
	    vg->why);
}

static void
draw_thresholds(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *r)
{
	const struct verdict *v = &ui->verdict;
	char a[32];
	size_t i;
	int row = 1, ew = LT_MAX(12, r->w - 8 - 15);

	ui_title(ui, r, 0, "Thresholds", s->scn->nthresholds ||
	    s->scn->ngrades ? NULL : "none");
	if (!ui->have_verdict)
		return;
	for (i = 0; i < v->n && row < r->h; i++, row++) {
		const struct verdict_row *vr = &v->rows[i];
		const char *word;
		enum ui_color c = ui_threshold_state(s, vr, &word);

		ui_text(ui, r, row, 0, c, "%-7s", word);
		ui_text(ui, r, row, 8, UC_NORMAL, "%-*.*s %s", ew, ew,
		    vr->t->expr,
		    vr->known ? verdict_format_actual(vr, a, sizeof a) :
		    vr->why);
	}
	for (i = 0; i < v->ngrades && row < r->h; i++, row++)
		draw_grade(ui, &v->grades[i], r, row, ew);
}

static void
phases_init(struct ui *ui)
{
	(void)ui;
	selected = 0;
	follow = true;
}

static void
phases_draw(struct ui *ui, const struct snapshot *s,
    const struct ui_rect *body)
{
	struct table_model m = {
		.cols = cols,
		.ncols = LT_NELEM(cols),
		.nrows = s->nphases,
		.cell = phase_cell,
		.arg = s,
	};
	int th = LT_MIN((int)s->nphases + 1, LT_MAX(2, body->h / 2 - 1));
	struct ui_rect t = { body->y + 1, body->x, th, body->w };
	struct ui_rect d, v;
	int rest = body->h - th - 1, dw;

	ui_title(ui, body, 0, "Phases", NULL);
	if (s->nphases == 0)
		return;
	if (follow)
		selected = LT_MIN(s->phase, s->nphases - 1);
	selected = LT_MIN(selected, s->nphases - 1);
	m.selected = selected;
	if ((int)selected >= th - 1)
		m.first = selected - (size_t)(th - 2);
	widget_draw(&widget_table, ui, &t, &m);
	if (rest < 3)
		return;
	dw = body->w >= 100 ? body->w / 2 : body->w;
	d = (struct ui_rect){ body->y + th + 1, body->x, rest, dw };
	draw_detail(ui, s, &d);
	if (dw < body->w) {
		v = (struct ui_rect){ d.y, dw + 1, rest, body->w - dw - 1 };
		ui_vsplit(ui, d.y, dw, rest);
		draw_thresholds(ui, s, &v);
	}
}

static void
key_up(struct ui *ui, int ch)
{
	follow = false;
	if (selected > 0)
		selected--;
}

static void
key_down(struct ui *ui, int ch)
{
	follow = false;
	selected++;	/* clamped when drawn */
}

static void
key_follow(struct ui *ui, int ch)
{
	follow = true;
}

static const struct ui_key phases_keys[] = {
	{ .keys = (const int[]){ KEY_UP, 'k', 0 }, .run = key_up,
	  .help_keys = "Up  k", .help = "the phase above" },
	{ .keys = (const int[]){ KEY_DOWN, 'j', 0 }, .run = key_down,
	  .help_keys = "Down  j", .help = "the phase below" },
	{ .keys = (const int[]){ 'f', 0 }, .run = key_follow,
	  .help_keys = "f", .help = "follow the running phase" },
};

const struct ui_screen screen_phases = {
	.name = "Phases",
	.init = phases_init,
	.draw = phases_draw,
	.keys = phases_keys,
	.nkeys = LT_NELEM(phases_keys),
};
