/*
 * loadtop compare's output: a table per group of rows, for the terminal
 * or in Markdown (the form of a "production vs staging" write-up: Metric,
 * NEW, BASE, Ratio, Limit, Status), or the same as JSON.  Both tables
 * are made of the columns below; a new column is one more entry.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd-compare-int.h"
#include "units.h"
#include "util.h"

#define CELL 64

/* A column of the tables: its header (NULL: the name of side), and its
 * cell in a row. */
struct cmd_compare_print_col {
	const char *header;
	int side;
	bool right;
	void	(*cell)(const struct cmd_compare *, const struct cmd_compare_row *,
		    int side, bool md, char *buf);
};

static const char *const cmd_compare_print_marks[CMD_COMPARE__NVERDICTS] = {
	[CMD_COMPARE_NA] = "",
	[CMD_COMPARE_SAME] = "✅ ",
	[CMD_COMPARE_BETTER] = "✅ ",
	[CMD_COMPARE_WORSE] = "⚠️ ",
	[CMD_COMPARE_REGRESSED] = "❌ ",
};

static const char *const cmd_compare_print_kinds[CMD_COMPARE__NKINDS] = {
	[CMD_COMPARE_RUN] = "whole run",
	[CMD_COMPARE_PHASE] = "phase",
	[CMD_COMPARE_REQUEST] = "request",
};

static void
cmd_compare_print_metric(const struct cmd_compare *c,
    const struct cmd_compare_row *r, int side, bool md, char *buf)
{
	snprintf(buf, CELL, "%s", cmd_compare_metrics[r->id].name);
}

static void
cmd_compare_print_value(const struct cmd_compare *c,
    const struct cmd_compare_row *r, int side, bool md, char *buf)
{
	const char *unit = cmd_compare_metrics[r->id].unit;
	double v = side == CMD_COMPARE_BASE ? r->base : r->new;
	char n[48];

	if (!(side == CMD_COMPARE_BASE ? r->has_base : r->has_new)) {
		snprintf(buf, CELL, "-");
		return;
	}
	units_format_number(v, fabs(v) < 10 ? 3 : fabs(v) < 1000 ? 2 : 1, n,
	    sizeof n);
	snprintf(buf, CELL, "%s%s%s", n, *unit && strcmp(unit, "%") != 0 ?
	    " " : "", unit);
}

static void
cmd_compare_print_ratio(const struct cmd_compare *c,
    const struct cmd_compare_row *r, int side, bool md, char *buf)
{
	double ratio;

	if (!cmd_compare_metric_ratio(r, &ratio))
		snprintf(buf, CELL, "-");
	else if (ratio > 0 && ratio < 0.0001)
		snprintf(buf, CELL, "<0.0001x");
	else if (ratio > 0 && ratio < 0.1)	/* two figures: 0.0079x */
		snprintf(buf, CELL, "%.*fx", 1 - (int)floor(log10(ratio)),
		    ratio);
	else
		snprintf(buf, CELL, ratio >= 1000 ? "%.0fx" : "%.2fx", ratio);
}

static void
cmd_compare_print_limit(const struct cmd_compare *c,
    const struct cmd_compare_row *r, int side, bool md, char *buf)
{
	cmd_compare_metric_limit(r->id, &c->limits[r->id], buf, CELL);
}

static void
cmd_compare_print_status(const struct cmd_compare *c,
    const struct cmd_compare_row *r, int side, bool md, char *buf)
{
	snprintf(buf, CELL, "%s%s", md ? cmd_compare_print_marks[r->verdict] :
	    "", cmd_compare_verdict_words[r->verdict]);
}

static const struct cmd_compare_print_col cmd_compare_print_cols[] = {
	{ .header = "Metric", .cell = cmd_compare_print_metric },
	{ .side = CMD_COMPARE_NEW, .right = true,
	  .cell = cmd_compare_print_value },
	{ .side = CMD_COMPARE_BASE, .right = true,
	  .cell = cmd_compare_print_value },
	{ .header = "Ratio", .right = true, .cell = cmd_compare_print_ratio },
	{ .header = "Limit", .cell = cmd_compare_print_limit },
	{ .header = "Status", .cell = cmd_compare_print_status },
};

#define NCOLS LT_NELEM(cmd_compare_print_cols)

static const char *
cmd_compare_print_header(const struct cmd_compare *c, size_t col)
{
	const struct cmd_compare_print_col *k = &cmd_compare_print_cols[col];

	return k->header != NULL ? k->header : c->sides[k->side].name;
}

/* A cell of a Markdown table: its '|' escaped. */
static void
cmd_compare_print_md_cell(const char *s)
{
	fputs("| ", stdout);
	for (; *s != '\0'; s++) {
		if (*s == '|')
			putchar('\\');
		putchar(*s);
	}
	putchar(' ');
}

static void
cmd_compare_print_md_table(const struct cmd_compare *c,
    const struct cmd_compare_group *g)
{
	char cell[CELL];
	size_t i, k;

	for (k = 0; k < NCOLS; k++)
		cmd_compare_print_md_cell(cmd_compare_print_header(c, k));
	printf("|\n");
	for (k = 0; k < NCOLS; k++)
		printf("|%s", cmd_compare_print_cols[k].right ? "---:" : "---");
	printf("|\n");
	for (i = 0; i < g->nrows; i++) {
		for (k = 0; k < NCOLS; k++) {
			cmd_compare_print_cols[k].cell(c, &g->rows[i],
			    cmd_compare_print_cols[k].side, true, cell);
			cmd_compare_print_md_cell(cell);
		}
		printf("|\n");
	}
}

static void
cmd_compare_print_text_table(const struct cmd_compare *c,
    const struct cmd_compare_group *g)
{
	char cells[CMD_COMPARE__NMETRICS][NCOLS][CELL];
	int width[NCOLS];
	size_t i, k;

	for (k = 0; k < NCOLS; k++) {
		width[k] = (int)strlen(cmd_compare_print_header(c, k));
		for (i = 0; i < g->nrows; i++) {
			cmd_compare_print_cols[k].cell(c, &g->rows[i],
			    cmd_compare_print_cols[k].side, false, cells[i][k]);
			if ((int)strlen(cells[i][k]) > width[k])
				width[k] = (int)strlen(cells[i][k]);
		}
	}
	width[NCOLS - 1] = 0;		/* no padding at the end of a line */
	for (i = 0; i <= g->nrows; i++) {
		printf(" ");
		for (k = 0; k < NCOLS; k++)
			printf(" %*s%s", cmd_compare_print_cols[k].right ?
			    width[k] : -width[k], i == 0 ?
			    cmd_compare_print_header(c, k) : cells[i - 1][k],
			    k + 1 < NCOLS ? " " : "\n");
	}
}

/* The rows past their limit, "p95, phase:steady.rps". */
static char *
cmd_compare_print_regressed(const struct cmd_compare *c)
{
	char *out = xstrdup(""), *more, *label;
	size_t i, j;

	for (i = 0; i < c->ngroups; i++)
		for (j = 0; j < c->groups[i].nrows; j++) {
			if (c->groups[i].rows[j].verdict !=
			    CMD_COMPARE_REGRESSED)
				continue;
			label = cmd_compare_rows_label(&c->groups[i],
			    &c->groups[i].rows[j]);
			xasprintf(&more, "%s%s%s", out, *out ? ", " : "",
			    label);
			free(label);
			free(out);
			out = more;
		}
	for (i = 0; i < c->ngrades; i++)
		if (c->grades[i].verdict == CMD_COMPARE_REGRESSED) {
			xasprintf(&more, "%s%sgrade %s", out, *out ? ", " : "",
			    c->grades[i].metric);
			free(out);
			out = more;
		}
	return out;
}

/* The limits' origin, for the line above the tables. */
static const char *
cmd_compare_print_origin(const struct cmd_compare *c, char *buf, size_t len)
{
	char n[32];

	if (c->tolerance_given)
		snprintf(buf, len, "--tolerance %s%%", units_format_number(
		    c->tolerance * 100, 2, n, sizeof n));
	else
		snprintf(buf, len, "each metric's own tolerance");
	return buf;
}

static const char *
cmd_compare_print_str(json_t *j, const char *a, const char *b)
{
	const char *s = b != NULL ? json_string_value(json_object_get(
	    json_object_get(j, a), b)) : json_string_value(json_object_get(j,
	    a));

	return s != NULL ? s : "?";
}

static void
cmd_compare_print_group_title(const struct cmd_compare *c,
    const struct cmd_compare_group *g, bool md)
{
	const char *kind = cmd_compare_print_kinds[g->kind];

	if (md)
		printf("#### %c%s", toupper((unsigned char)*kind), kind + 1);
	else
		printf("%s", kind);
	if (g->name != NULL)
		printf(" %s", g->name);
	if (g->only >= 0)
		printf(" (only in %s)", c->sides[g->only].name);
	printf(md ? "\n\n" : "\n");
}

static void
cmd_compare_print_text(const struct cmd_compare *c)
{
	const struct cmd_compare_side *s = c->sides;
	char origin[64], *regressed;
	int i;
	size_t g;

	for (i = 0; i < CMD_COMPARE__NSIDES; i++)
		printf("%-4s %s%s%s (%s, %s)\n", i == CMD_COMPARE_BASE ?
		    "base" : "new", c->named ? s[i].name : "", c->named ?
		    ": " : "", s[i].path, cmd_compare_print_str(s[i].report,
		    "scenario", "name"), cmd_compare_print_str(s[i].report,
		    "started_at", NULL));
	printf("ratio %s/%s; limits from --limit, else %s\n",
	    s[CMD_COMPARE_NEW].name, s[CMD_COMPARE_BASE].name,
	    cmd_compare_print_origin(c, origin, sizeof origin));
	for (g = 0; g < c->ngroups; g++) {
		putchar('\n');
		cmd_compare_print_group_title(c, &c->groups[g], false);
		cmd_compare_print_text_table(c, &c->groups[g]);
	}
	cmd_compare_grades_print(c, CMD_FORMAT_TEXT, NULL);
	regressed = cmd_compare_print_regressed(c);
	if (c->nregressed > 0)
		printf("\nREGRESSION: %s is worse than %s past the limit in %zu "
		    "row%s: %s\n", s[CMD_COMPARE_NEW].name,
		    s[CMD_COMPARE_BASE].name, c->nregressed, c->nregressed > 1 ?
		    "s" : "", regressed);
	else
		printf("\nno regression: no row of %s is worse than %s past its "
		    "limit\n", s[CMD_COMPARE_NEW].name,
		    s[CMD_COMPARE_BASE].name);
	free(regressed);
}

/* The table under a title, with the groups as headings. */
static void
cmd_compare_print_md(const struct cmd_compare *c)
{
	const struct cmd_compare_side *s = c->sides;
	char origin[64], *regressed;
	size_t g;

	printf("### %s vs %s\n\n", s[CMD_COMPARE_NEW].name,
	    s[CMD_COMPARE_BASE].name);
	if (c->warning != NULL)
		printf("> **Warning**: %s\n\n", c->warning);
	printf("Ratio is %s/%s; a limit bounds it the way that is worse "
	    "(--limit, else %s).\n\n", s[CMD_COMPARE_NEW].name,
	    s[CMD_COMPARE_BASE].name, cmd_compare_print_origin(c, origin,
	    sizeof origin));
	for (g = 0; g < c->ngroups; g++) {
		if (g > 0)
			putchar('\n');
		if (c->ngroups > 1)
			cmd_compare_print_group_title(c, &c->groups[g], true);
		cmd_compare_print_md_table(c, &c->groups[g]);
	}
	cmd_compare_grades_print(c, CMD_FORMAT_MD, NULL);
	regressed = cmd_compare_print_regressed(c);
	if (c->nregressed > 0)
		printf("\n**Regression**: %s is worse than %s past the limit "
		    "in %zu row%s: %s.\n", s[CMD_COMPARE_NEW].name,
		    s[CMD_COMPARE_BASE].name, c->nregressed, c->nregressed > 1 ?
		    "s" : "", regressed);
	else
		printf("\n**No regression**: every row of %s is within its "
		    "limit of %s.\n", s[CMD_COMPARE_NEW].name,
		    s[CMD_COMPARE_BASE].name);
	free(regressed);
}

static json_t *
cmd_compare_print_json_row(const struct cmd_compare *c,
    const struct cmd_compare_row *r)
{
	const struct cmd_compare_metric *m = &cmd_compare_metrics[r->id];
	const struct cmd_compare_limit *l = &c->limits[r->id];
	char op[8];
	double ratio;

	snprintf(op, sizeof op, "%s%s", m->worse == CMD_COMPARE_WORSE_UP ?
	    "<" : ">", l->or_equal ? "=" : "");
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:{s:s,s:f,s:s},s:s}",
	    "metric", m->name, "unit", m->unit, "worse",
	    m->worse == CMD_COMPARE_WORSE_UP ? "higher" : "lower",
	    "base", r->has_base ? json_real(r->base) : json_null(),
	    "new", r->has_new ? json_real(r->new) : json_null(),
	    "ratio", cmd_compare_metric_ratio(r, &ratio) ? json_real(ratio) :
	    json_null(), "limit", "op", op, "ratio", l->ratio, "from",
	    l->given ? "limit" : c->tolerance_given ? "tolerance" : "default",
	    "verdict", cmd_compare_verdict_words[r->verdict]);
}

static json_t *
cmd_compare_print_json_rows(const struct cmd_compare *c,
    const struct cmd_compare_group *g)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < g->nrows; i++)
		json_array_append_new(a, cmd_compare_print_json_row(c,
		    &g->rows[i]));
	return a;
}

static json_t *
cmd_compare_print_json_side(const struct cmd_compare_side *s)
{
	return json_pack("{s:s,s:s,s:s,s:s}", "name", s->name, "path",
	    s->path, "scenario", cmd_compare_print_str(s->report, "scenario",
	    "name"), "started_at", cmd_compare_print_str(s->report,
	    "started_at", NULL));
}

/* The whole run's rows (the first group) as "rows"; the phases' and
 * requests' as arrays
 * of {name, only_in, rows} when --by asked for them. */
static void
cmd_compare_print_json_groups(const struct cmd_compare *c, json_t *o)
{
	static const char *const keys[CMD_COMPARE__NKINDS] = {
		[CMD_COMPARE_PHASE] = "phases",
		[CMD_COMPARE_REQUEST] = "requests",
	};
	const struct cmd_compare_group *g;
	size_t i;
	int kind;

	json_object_set_new(o, "rows", cmd_compare_print_json_rows(c,
	    &c->groups[0]));
	for (kind = CMD_COMPARE_PHASE; kind < CMD_COMPARE__NKINDS; kind++)
		if (c->by & (1u << kind))
			json_object_set_new(o, keys[kind], json_array());
	for (i = 1; i < c->ngroups; i++) {
		g = &c->groups[i];
		json_array_append_new(json_object_get(o, keys[g->kind]),
		    json_pack("{s:s,s:o,s:o}", "name", g->name, "only_in",
		    g->only >= 0 ? json_string(c->sides[g->only].name) :
		    json_null(), "rows", cmd_compare_print_json_rows(c, g)));
	}
}

static void
cmd_compare_print_json(const struct cmd_compare *c)
{
	json_t *o, *warnings = json_array();

	if (c->warning != NULL)
		json_array_append_new(warnings, json_string(c->warning));
	o = json_pack("{s:o,s:o,s:o,s:o,s:b}", "base",
	    cmd_compare_print_json_side(&c->sides[CMD_COMPARE_BASE]), "new",
	    cmd_compare_print_json_side(&c->sides[CMD_COMPARE_NEW]),
	    "tolerance", c->tolerance_given ? json_real(c->tolerance) :
	    json_null(), "warnings", warnings, "regressed",
	    c->nregressed > 0);
	cmd_compare_print_json_groups(c, o);
	cmd_compare_grades_print(c, CMD_FORMAT_JSON, o);
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(10));
	putchar('\n');
	json_decref(o);
}

static void (*const cmd_compare_print_formats[])(const struct cmd_compare *) = {
	[CMD_FORMAT_TEXT] = cmd_compare_print_text,
	[CMD_FORMAT_MD] = cmd_compare_print_md,
	[CMD_FORMAT_JSON] = cmd_compare_print_json,
};

void
cmd_compare_print(const struct cmd_compare *c, int format)
{
	cmd_compare_print_formats[format](c);
	fflush(stdout);
}
