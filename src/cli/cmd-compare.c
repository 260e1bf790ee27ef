/* loadtop compare: two reports side by side, and whether NEW regressed. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cmd.h"
#include "units.h"
#include "util.h"

enum better { LOWER, HIGHER };

/* A compared figure: where it is in report.json, which way is better, and
 * the difference below which a change is noise whatever the ratio. */
static const struct cmp_metric {
	const char *label;
	const char *path;		/* dotted, from the top */
	const char *unit;
	enum better better;
	double slack;
} cmp_metrics[] = {
	{ "p50", "totals.latency_ms.p50", "ms", LOWER, 0.05 },
	{ "p90", "totals.latency_ms.p90", "ms", LOWER, 0.05 },
	{ "p95", "totals.latency_ms.p95", "ms", LOWER, 0.05 },
	{ "p99", "totals.latency_ms.p99", "ms", LOWER, 0.05 },
	{ "mean", "totals.latency_ms.mean", "ms", LOWER, 0.05 },
	{ "max", "totals.latency_ms.max", "ms", LOWER, 0.05 },
	{ "rps", "totals.rps", "req/s", HIGHER, 0 },
	{ "error rate", "totals.error_rate", "%", LOWER, 0.1 },
	{ "429s", "totals.rate_limited", "", LOWER, 1 },
	{ "cpu avg", "target.cpu_percent.avg", "%", LOWER, 1 },
	{ "cpu max", "target.cpu_percent.max", "%", LOWER, 1 },
	{ "rss growth", "target.growth_mb", "MB", LOWER, 1 },
};

struct cmp_row {
	const struct cmp_metric *m;
	bool known;
	double base, new;
	const char *verdict;		/* better, worse, same, n/a */
	bool regressed;
};

static json_t *
load_report(const char *arg, char **path)
{
	struct stat st;
	json_error_t err;
	json_t *j;

	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		xasprintf(path, "%s/report.json", arg);
	else
		*path = xstrdup(arg);
	if ((j = json_load_file(*path, 0, &err)) == NULL) {
		if (err.line > 0)
			fprintf(stderr, "loadtop: %s:%d:%d: %s\n", *path,
			    err.line, err.column, err.text);
		else
			fprintf(stderr, "loadtop: %s: %s\n", *path, err.text);
		return NULL;
	}
	if (!json_is_object(j) || !json_is_object(json_object_get(j,
	    "totals")) || !json_is_object(json_object_get(j, "tool"))) {
		fprintf(stderr, "loadtop: %s: not a loadtop report (no 'tool' "
		    "and 'totals')\n", *path);
		json_decref(j);
		return NULL;
	}
	return j;
}

static bool
lookup(json_t *j, const char *path, double *out)
{
	char *copy = xstrdup(path), *part, *save = NULL;

	for (part = strtok_r(copy, ".", &save); part != NULL && j != NULL;
	    part = strtok_r(NULL, ".", &save))
		j = json_is_object(j) ? json_object_get(j, part) : NULL;
	free(copy);
	if (!json_is_number(j))
		return false;
	*out = json_number_value(j);
	return true;
}

static void
judge(struct cmp_row *r, double tol)
{
	const struct cmp_metric *m = r->m;
	double d = r->new - r->base;

	r->verdict = "same";
	if (!r->known) {
		r->verdict = "n/a";
		return;
	}
	if (m->better == LOWER) {
		if (r->new > r->base * (1 + tol) && d > m->slack)
			r->verdict = "worse";
		else if (r->new < r->base * (1 - tol) && -d > m->slack)
			r->verdict = "better";
	} else {
		if (r->new < r->base * (1 - tol) && -d > m->slack)
			r->verdict = "worse";
		else if (r->new > r->base * (1 + tol) && d > m->slack)
			r->verdict = "better";
	}
	r->regressed = strcmp(r->verdict, "worse") == 0;
}

static const char *
num(double v, const char *unit, char *buf, size_t len)
{
	char n[48];

	units_format_number(v, fabs(v) < 10 ? 3 : fabs(v) < 1000 ? 2 : 1, n,
	    sizeof n);
	snprintf(buf, len, "%s%s%s", n, *unit && strcmp(unit, "%") ? " " : "",
	    unit);
	return buf;
}

static const char *
ratio(const struct cmp_row *r, char *buf, size_t len)
{
	if (!r->known || r->base == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2fx", r->new / r->base);
	return buf;
}

static const char *
str_at(json_t *j, const char *a, const char *b)
{
	const char *s = json_string_value(json_object_get(
	    json_object_get(j, a), b));

	if (b == NULL)
		s = json_string_value(json_object_get(j, a));
	return s != NULL ? s : "?";
}

static void
print_text(const struct cmp_row *rows, size_t n, json_t *bj, json_t *nj,
    const char *bp, const char *np, double tol, bool md)
{
	char b[64], v[64], x[32];
	size_t i;

	if (md) {
		printf("| Metric | Base | New | New/Base | Verdict |\n"
		    "|---|---:|---:|---:|---|\n");
	} else {
		printf("base  %s (%s, %s)\nnew   %s (%s, %s)\ntolerance %.1f%%"
		    "\n\n", bp, str_at(bj, "scenario", "name"),
		    str_at(bj, "started_at", NULL), np,
		    str_at(nj, "scenario", "name"),
		    str_at(nj, "started_at", NULL), tol * 100);
		printf("  %-12s %14s %14s %9s  %s\n", "metric", "base", "new",
		    "new/base", "verdict");
	}
	for (i = 0; i < n; i++) {
		const struct cmp_row *r = &rows[i];
		const char *bs = r->known ? num(r->base, r->m->unit, b,
		    sizeof b) : "-";
		const char *ns = r->known ? num(r->new, r->m->unit, v,
		    sizeof v) : "-";

		if (md)
			printf("| %s | %s | %s | %s | %s%s |\n", r->m->label,
			    bs, ns, ratio(r, x, sizeof x), r->regressed ?
			    "❌ " : "", r->verdict);
		else
			printf("  %-12s %14s %14s %9s  %s\n", r->m->label, bs,
			    ns, ratio(r, x, sizeof x), r->verdict);
	}
}

static void
print_json(const struct cmp_row *rows, size_t n, const char *bp,
    const char *np, double tol, bool regressed)
{
	json_t *o, *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		const struct cmp_row *r = &rows[i];

		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,"
		    "s:s}", "metric", r->m->label, "unit", r->m->unit,
		    "better", r->m->better == LOWER ? "lower" : "higher",
		    "base", r->known ? json_real(r->base) : json_null(),
		    "new", r->known ? json_real(r->new) : json_null(),
		    "ratio", r->known && r->base != 0 ?
		    json_real(r->new / r->base) : json_null(),
		    "verdict", r->verdict));
	}
	o = json_pack("{s:s,s:s,s:f,s:b,s:o}", "base", bp, "new", np,
	    "tolerance", tol, "regressed", regressed, "rows", a);
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
}

/* Each figure of both reports, judged; true when any regressed. */
static bool
compare_rows(struct cmp_row *rows, json_t *bj, json_t *nj, double tol)
{
	bool regressed = false;
	size_t i;

	for (i = 0; i < LT_NELEM(cmp_metrics); i++) {
		struct cmp_row *r = &rows[i];

		memset(r, 0, sizeof *r);
		r->m = &cmp_metrics[i];
		r->known = lookup(bj, r->m->path, &r->base) &&
		    lookup(nj, r->m->path, &r->new);
		judge(r, tol);
		regressed |= r->regressed;
	}
	return regressed;
}

int
cmd_compare(struct cmd_opts *o)
{
	struct cmp_row rows[LT_NELEM(cmp_metrics)];
	double tol = o->given[O_TOLERANCE] ? o->tolerance_pct / 100 : 0.10;
	json_t *bj, *nj;
	char *bp = NULL, *np = NULL;
	bool regressed;

	bj = load_report(o->args.operands[0], &bp);
	nj = bj != NULL ? load_report(o->args.operands[1], &np) : NULL;
	if (bj == NULL || nj == NULL) {
		json_decref(bj);
		free(bp);
		free(np);
		return LT_EXIT_USAGE;
	}
	regressed = compare_rows(rows, bj, nj, tol);
	if (o->format == CMD_FORMAT_JSON)
		print_json(rows, LT_NELEM(rows), bp, np, tol, regressed);
	else
		print_text(rows, LT_NELEM(rows), bj, nj, bp, np, tol,
		    o->format == CMD_FORMAT_MD);
	if (o->format == CMD_FORMAT_TEXT)
		printf("\n%s\n", regressed ? "REGRESSION: NEW is worse than "
		    "BASE beyond the tolerance" : "no regression beyond the "
		    "tolerance");
	fflush(stdout);
	json_decref(bj);
	json_decref(nj);
	free(bp);
	free(np);
	return regressed ? LT_EXIT_THRESHOLD : LT_EXIT_OK;
}
