/*
 * The values of compare's own options: --limit 'p95 < 2x', --names
 * staging,production and --by phase.  Each is checked once as the
 * command line is parsed (the cmd_compare_check_ functions of the option
 * table) and read again by the command.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd-compare-int.h"
#include "suggest.h"
#include "util.h"

#define UP CMD_COMPARE_WORSE_UP
#define DOWN CMD_COMPARE_WORSE_DOWN

/* The operators of a limit, and the way of the metrics that take each. */
static const struct cmd_compare_args_op {
	const char *text;
	bool or_equal;
	enum cmd_compare_worse worse;
} cmd_compare_args_ops[] = {
	{ "<", false, UP }, { "<=", true, UP },
	{ ">", false, DOWN }, { ">=", true, DOWN },
};

/* --by's values, each the group of rows from CMD_COMPARE_PHASE on. */
const char *const cmd_compare_by_names[] = { "phase", "request", NULL };

/* "column N: ..." for the character at of s. */
static int __attribute__((format(printf, 4, 5)))
cmd_compare_args_fail(const char *s, const char *at, char **cause,
    const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(cause, "column %zu: %s", (size_t)(at - s) + 1, msg);
	free(msg);
	return -1;
}

static const char *
cmd_compare_args_blank(const char *p)
{
	return p + strspn(p, " \t");
}

/* The metric at *p, or NULL with *cause set. */
static const struct cmd_compare_metric *
cmd_compare_args_metric(const char *s, const char **p, char **cause)
{
	const struct cmd_compare_metric *m;
	const char *names[CMD_COMPARE__NMETRICS], *near;
	size_t i, n = strspn(*p, "abcdefghijklmnopqrstuvwxyz0123456789_.");
	char *word, *all;

	if (n == 0) {
		cmd_compare_args_fail(s, *p, cause, "expected a metric such as "
		    "p95 or rps");
		return NULL;
	}
	word = xstrndup(*p, n);
	if ((m = cmd_compare_metric_find(word)) != NULL) {
		free(word);
		*p += n;
		return m;
	}
	for (i = 0; i < CMD_COMPARE__NMETRICS; i++)
		names[i] = cmd_compare_metrics[i].name;
	if ((near = suggest_closest(word, names, CMD_COMPARE__NMETRICS)) !=
	    NULL)
		cmd_compare_args_fail(s, *p, cause, "unknown metric '%s'; did "
		    "you mean %s?", word, near);
	else {
		all = cmd_compare_metric_names();
		cmd_compare_args_fail(s, *p, cause, "unknown metric '%s'; "
		    "expected %s", word, all);
		free(all);
	}
	free(word);
	return NULL;
}

/* The operator at *p, which must bound the way the metric gets worse;
 * NULL with *cause set. */
static const struct cmd_compare_args_op *
cmd_compare_args_op(const char *s, const char **p,
    const struct cmd_compare_metric *m, char **cause)
{
	const struct cmd_compare_args_op *op = NULL;
	size_t i, n = strspn(*p, "<>=!");
	bool up = m->worse == UP;

	for (i = 0; i < LT_NELEM(cmd_compare_args_ops); i++)
		if (n > 0 && strlen(cmd_compare_args_ops[i].text) == n &&
		    strncmp(cmd_compare_args_ops[i].text, *p, n) == 0)
			op = &cmd_compare_args_ops[i];
	if (op == NULL)
		cmd_compare_args_fail(s, *p, cause, "expected %s after %s", up ?
		    "< or <=" : "> or >=", m->name);
	else if (op->worse != m->worse) {
		cmd_compare_args_fail(s, *p, cause, "%s is worse for %s, so "
		    "its limit takes %s, not %s", up ? "higher" : "lower",
		    m->name, up ? "< or <=" : "> or >=", op->text);
		op = NULL;
	} else
		*p += n;
	return op;
}

/* The ratio NEW/BASE, as 2x: at least 1 where higher is worse, more than
 * 0 and at most 1 where lower is, so that no improvement passes it. */
static int
cmd_compare_args_ratio(const char *s, const char **p,
    const struct cmd_compare_metric *m, double *ratio, char **cause)
{
	size_t n = strspn(*p, "0123456789."), word = strcspn(*p, " \t");
	char *digits = xstrndup(*p, n), *end;

	*ratio = strtod(digits, &end);
	if (n == 0 || *end != '\0' || (*p)[n] != 'x') {
		free(digits);
		return cmd_compare_args_fail(s, *p, cause, "expected a ratio "
		    "NEW/BASE such as 2x or 0.5x, not '%.*s'", (int)word, *p);
	}
	free(digits);
	if (m->worse == UP && *ratio < 1)
		return cmd_compare_args_fail(s, *p, cause, "higher is worse for "
		    "%s: expected a ratio of 1x or more, not %.*s", m->name,
		    (int)word, *p);
	if (m->worse == DOWN && (*ratio <= 0 || *ratio > 1))
		return cmd_compare_args_fail(s, *p, cause, "lower is worse for "
		    "%s: expected a ratio above 0x and up to 1x, not %.*s",
		    m->name, (int)word, *p);
	*p += n + 1;
	return 0;
}

int
cmd_compare_args_limit(const char *s, enum cmd_compare_id *id,
    struct cmd_compare_limit *l, char **cause)
{
	const struct cmd_compare_args_op *op;
	const struct cmd_compare_metric *m;
	const char *p = cmd_compare_args_blank(s);

	if (*p == '\0') {
		xasprintf(cause, "expected a limit such as 'p95 < 2x' or "
		    "'rps > 0.5x'");
		return -1;
	}
	if ((m = cmd_compare_args_metric(s, &p, cause)) == NULL)
		return -1;
	p = cmd_compare_args_blank(p);
	if ((op = cmd_compare_args_op(s, &p, m, cause)) == NULL)
		return -1;
	p = cmd_compare_args_blank(p);
	if (cmd_compare_args_ratio(s, &p, m, &l->ratio, cause) != 0)
		return -1;
	p = cmd_compare_args_blank(p);
	if (*p != '\0')
		return cmd_compare_args_fail(s, p, cause, "unexpected '%s' "
		    "after the ratio", p);
	*id = (enum cmd_compare_id)(m - cmd_compare_metrics);
	l->or_equal = op->or_equal;
	l->given = true;
	return 0;
}

int
cmd_compare_check_limit(const char *s, char **why)
{
	struct cmd_compare_limit l;
	enum cmd_compare_id id;

	return cmd_compare_args_limit(s, &id, &l, why);
}

int
cmd_compare_check_names(const char *s, char **why)
{
	const char *comma = strchr(s, ',');

	if (comma == NULL || comma == s || comma[1] == '\0' ||
	    strchr(comma + 1, ',') != NULL) {
		xasprintf(why, "expected two names, BASE,NEW, such as "
		    "staging,production");
		return -1;
	}
	if (strlen(comma + 1) == (size_t)(comma - s) &&
	    strncmp(s, comma + 1, (size_t)(comma - s)) == 0) {
		xasprintf(why, "expected two different names");
		return -1;
	}
	return 0;
}

void
cmd_compare_args_names(const char *s, char **names)
{
	const char *comma = strchr(s, ',');

	names[CMD_COMPARE_BASE] = xstrndup(s, (size_t)(comma - s));
	names[CMD_COMPARE_NEW] = xstrdup(comma + 1);
}

unsigned
cmd_compare_args_by(const char *s)
{
	size_t i;

	for (i = 0; cmd_compare_by_names[i] != NULL; i++)
		if (strcmp(s, cmd_compare_by_names[i]) == 0)
			return 1u << (CMD_COMPARE_PHASE + i);
	return 0;
}

int
cmd_compare_check_by(const char *s, char **why)
{
	if (cmd_compare_args_by(s) == 0) {
		xasprintf(why, "expected phase or request");
		return -1;
	}
	return 0;
}
