/*
 * Typed command-line options (opt.h): one parser per type, the parse of
 * argv over a table, and --help.  The rules are in opt-rules.c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opt.h"
#include "opt-int.h"
#include "suggest.h"
#include "units.h"
#include "util.h"

/* Each type's parser: store the value of arg at dst, or fill *why. */
typedef int (*opt_parse_fn)(const struct opt_def *, char *arg, void *dst,
    char **why);

struct opt_type_ops {
	const char *arg;		/* the argument's name in --help */
	opt_parse_fn parse;
};

static int
opt_type_flag(const struct opt_def *d, char *arg, void *dst, char **why)
{
	*(bool *)dst = true;
	return 0;
}

static int
opt_type_count(const struct opt_def *d, char *arg, void *dst, char **why)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (!isdigit((unsigned char)*arg) || *end != '\0' || errno != 0 ||
	    (double)v < d->min || (double)v > d->max) {
		xasprintf(why, "expected a whole number from %.0f to %.0f",
		    d->min, d->max);
		return -1;
	}
	*(unsigned *)dst = (unsigned)v;
	return 0;
}

static int
opt_type_duration(const struct opt_def *d, char *arg, void *dst, char **why)
{
	char *cause = NULL, least[32];
	int64_t us;

	if (units_parse_duration(arg, &us, &cause) == 0 && us > 0 &&
	    (double)us >= d->min) {
		*(int64_t *)dst = us;
		return 0;
	}
	free(cause);
	if (d->min > 1)
		xasprintf(why, "expected a duration of at least %s, such as "
		    "250ms, 5s or 2m", units_format_duration((int64_t)d->min,
		    least, sizeof least));
	else
		xasprintf(why, "expected a duration more than 0, such as "
		    "250ms, 5s or 2m");
	return -1;
}

static int
opt_type_rate(const struct opt_def *d, char *arg, void *dst, char **why)
{
	char *cause = NULL, lo[32], hi[32];
	double v;

	if (units_parse_rate(arg, &v, &cause) == 0 && v >= d->min &&
	    (d->max <= 0 || v <= d->max)) {
		*(double *)dst = v;
		return 0;
	}
	free(cause);
	if (units_has_exponent(arg))
		xasprintf(why, "expected a rate such as 500, 500/s or 6000/m, "
		    "its number in digits (no exponent)");
	else if (d->max > 0 && d->min > 0)
		xasprintf(why, "expected a rate from %s to %s per second, "
		    "such as 10, 10/s or 600/m", units_format_number(d->min, 3,
		    lo, sizeof lo), units_format_number(d->max, 3, hi,
		    sizeof hi));
	else if (d->max > 0)
		xasprintf(why, "expected a rate more than 0 and at most %s per "
		    "second, such as 500, 500/s or 6000/m", units_format_number(
		    d->max, 3, hi, sizeof hi));
	else
		xasprintf(why, "expected a rate such as 500, 500/s or 6000/m");
	return -1;
}

static int
opt_type_percent(const struct opt_def *d, char *arg, void *dst, char **why)
{
	char *cause = NULL, *with_sign = NULL;
	double v;
	int rc;

	/* A bare number is a percentage too: 10 is 10%. */
	if (strchr(arg, '%') == NULL)
		xasprintf(&with_sign, "%s%%", arg);
	rc = units_parse_percent(with_sign != NULL ? with_sign : arg, &v,
	    &cause);
	free(with_sign);
	free(cause);
	if (rc != 0) {
		xasprintf(why, "expected a percentage such as 10%%");
		return -1;
	}
	*(double *)dst = v;
	return 0;
}

static int
opt_type_string(const struct opt_def *d, char *arg, void *dst, char **why)
{
	if (d->check != NULL && d->check(arg, why) != 0)
		return -1;
	*(const char **)dst = arg;
	return 0;
}

static int
opt_type_path(const struct opt_def *d, char *arg, void *dst, char **why)
{
	if (*arg == '\0') {
		xasprintf(why, "expected a file name");
		return -1;
	}
	return opt_type_string(d, arg, dst, why);
}

static int
opt_type_url(const struct opt_def *d, char *arg, void *dst, char **why)
{
	if ((strncmp(arg, "http://", 7) != 0 || arg[7] == '\0') &&
	    (strncmp(arg, "https://", 8) != 0 || arg[8] == '\0')) {
		xasprintf(why, "expected an http:// or https:// URL");
		return -1;
	}
	return opt_type_string(d, arg, dst, why);
}

static int
opt_type_list(const struct opt_def *d, char *arg, void *dst, char **why)
{
	struct opt_list *l = dst;

	if (d->check != NULL && d->check(arg, why) != 0)
		return -1;
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = arg;
	return 0;
}

char *
opt_join(const char *const *words, size_t n, const char *before,
    const char *sep, const char *last)
{
	char *out = xstrdup(""), *more;
	size_t i;

	for (i = 0; i < n; i++) {
		xasprintf(&more, "%s%s%s%s", out, i == 0 ? "" : i + 1 < n ?
		    sep : last, before, words[i]);
		free(out);
		out = more;
	}
	return out;
}

static size_t
opt_nchoices(const struct opt_def *d)
{
	size_t n = 0;

	while (d->choices[n] != NULL)
		n++;
	return n;
}

static int
opt_type_choice(const struct opt_def *d, char *arg, void *dst, char **why)
{
	size_t i, n = opt_nchoices(d);
	char *all;

	for (i = 0; i < n; i++)
		if (strcmp(arg, d->choices[i]) == 0) {
			*(int *)dst = (int)i;
			return 0;
		}
	all = opt_join(d->choices, n, "", ", ", " or ");
	xasprintf(why, "expected %s", all);
	free(all);
	return -1;
}

static const struct opt_type_ops opt_types[OPT__COUNT] = {
	[OPT_FLAG] = { .arg = NULL, .parse = opt_type_flag },
	[OPT_COUNT] = { .arg = "N", .parse = opt_type_count },
	[OPT_DURATION] = { .arg = "TIME", .parse = opt_type_duration },
	[OPT_RATE] = { .arg = "RATE", .parse = opt_type_rate },
	[OPT_PERCENT] = { .arg = "P%", .parse = opt_type_percent },
	[OPT_STRING] = { .arg = "TEXT", .parse = opt_type_string },
	[OPT_PATH] = { .arg = "FILE", .parse = opt_type_path },
	[OPT_URL] = { .arg = "URL", .parse = opt_type_url },
	[OPT_LIST] = { .arg = "TEXT", .parse = opt_type_list },
	[OPT_CHOICE] = { .arg = NULL, .parse = opt_type_choice },
};

/* --- the parse ---------------------------------------------------------- */

struct opt_parser {
	const struct opt_table *t;
	const struct opt_scope *sc;
	int argc;
	char **argv;
	int i;				/* the argument being parsed */
	void *dst;
	struct opt_args *a;
};

static bool
opt_takes(const struct opt_def *d, const struct opt_scope *sc)
{
	return d->name != NULL && (d->cmds & sc->cmd) != 0;
}

static bool
opt_has_arg(const struct opt_def *d)
{
	return d->type != OPT_FLAG;
}

/* The name of an option's argument in --help and messages; free it. */
static char *
opt_arg_name(const struct opt_def *d)
{
	if (d->arg != NULL)
		return xstrdup(d->arg);
	if (d->type == OPT_CHOICE)
		return opt_join(d->choices, opt_nchoices(d), "", "|", "|");
	return xstrdup(opt_types[d->type].arg != NULL ?
	    opt_types[d->type].arg : "");
}

static int
opt_set(struct opt_parser *p, size_t idx, char *arg, char **cause)
{
	const struct opt_def *d = &p->t->defs[idx];
	char *why = NULL;

	if (opt_types[d->type].parse(d, arg, (char *)p->dst + d->offset,
	    &why) != 0) {
		xasprintf(cause, "--%s '%s': %s", d->name, arg, why);
		free(why);
		return -1;
	}
	p->a->given[idx] = true;
	return 0;
}

/* The value of an option that takes one: the next argument. */
static int
opt_set_next(struct opt_parser *p, size_t idx, char **cause)
{
	const struct opt_def *d = &p->t->defs[idx];
	char *arg;

	if (p->i + 1 >= p->argc) {
		arg = opt_arg_name(d);
		xasprintf(cause, "--%s needs a value (%s)", d->name, arg);
		free(arg);
		return -1;
	}
	return opt_set(p, idx, p->argv[++p->i], cause);
}

/* Not this command's option: another command's, or a typo. */
static int
opt_unknown(struct opt_parser *p, const char *word, size_t len, char **cause)
{
	const char *names[128], *near;
	size_t i, n = 0;
	char *w = xstrndup(word, len);

	for (i = 0; i < p->t->ndefs; i++) {
		const struct opt_def *d = &p->t->defs[i];

		if (d->name != NULL && strcmp(d->name, w) == 0) {
			xasprintf(cause, "--%s is not an option of %s", w,
			    p->sc->title);
			free(w);
			return -1;
		}
		if (opt_takes(d, p->sc) && !d->hidden && n < LT_NELEM(names))
			names[n++] = d->name;
	}
	if ((near = suggest_closest(w, names, n)) != NULL)
		xasprintf(cause, "unknown option '--%s'; did you mean --%s?", w,
		    near);
	else
		xasprintf(cause, "unknown option '--%s'", w);
	free(w);
	return -1;
}

static int
opt_ambiguous(struct opt_parser *p, const char *word, size_t len,
    char **cause)
{
	const char *names[128];
	size_t i, n = 0;
	char *all;

	for (i = 0; i < p->t->ndefs && n < LT_NELEM(names); i++)
		if (opt_takes(&p->t->defs[i], p->sc) && !p->t->defs[i].hidden &&
		    strncmp(p->t->defs[i].name, word, len) == 0)
			names[n++] = p->t->defs[i].name;
	all = opt_join(names, n, "--", ", ", " or ");
	xasprintf(cause, "option '--%.*s' is ambiguous: %s", (int)len, word,
	    all);
	free(all);
	return -1;
}

/* The option --word names: its exact name, or else a unique prefix. */
static int
opt_find_long(struct opt_parser *p, const char *word, size_t len,
    char **cause)
{
	size_t i, nprefix = 0, found = 0;

	for (i = 0; i < p->t->ndefs; i++) {
		const struct opt_def *d = &p->t->defs[i];

		if (!opt_takes(d, p->sc) || strncmp(d->name, word, len) != 0)
			continue;
		if (d->name[len] == '\0')
			return (int)i;
		if (d->hidden)
			continue;
		found = i;
		nprefix++;
	}
	if (nprefix == 1)
		return (int)found;
	if (nprefix > 1)
		return opt_ambiguous(p, word, len, cause);
	return opt_unknown(p, word, len, cause);
}

/* --name, --name=value or --name value. */
static int
opt_parse_long(struct opt_parser *p, char **cause)
{
	char *word = p->argv[p->i] + 2, *eq = strchr(word, '=');
	size_t len = eq != NULL ? (size_t)(eq - word) : strlen(word);
	int idx;

	if ((idx = opt_find_long(p, word, len, cause)) < 0)
		return -1;
	if (!opt_has_arg(&p->t->defs[idx])) {
		if (eq != NULL) {
			xasprintf(cause, "--%s takes no value",
			    p->t->defs[idx].name);
			return -1;
		}
		return opt_set(p, (size_t)idx, NULL, cause);
	}
	if (eq != NULL)
		return opt_set(p, (size_t)idx, eq + 1, cause);
	return opt_set_next(p, (size_t)idx, cause);
}

static int
opt_find_short(struct opt_parser *p, char c, char **cause)
{
	size_t i;

	for (i = 0; i < p->t->ndefs; i++)
		if (opt_takes(&p->t->defs[i], p->sc) &&
		    p->t->defs[i].short_name == c)
			return (int)i;
	for (i = 0; i < p->t->ndefs; i++) {
		const struct opt_def *d = &p->t->defs[i];

		if (d->name != NULL && d->short_name == c) {
			xasprintf(cause, "-%c (--%s) is not an option of %s", c,
			    d->name, p->sc->title);
			return -1;
		}
	}
	xasprintf(cause, "unknown option '-%c'", c);
	return -1;
}

/* -x, -xVALUE, -x VALUE, and flags bundled as -kq. */
static int
opt_parse_short(struct opt_parser *p, char **cause)
{
	char *s = p->argv[p->i] + 1;
	int idx;

	for (; *s != '\0'; s++) {
		if ((idx = opt_find_short(p, *s, cause)) < 0)
			return -1;
		if (!opt_has_arg(&p->t->defs[idx])) {
			if (opt_set(p, (size_t)idx, NULL, cause) != 0)
				return -1;
			continue;
		}
		if (s[1] != '\0')
			return opt_set(p, (size_t)idx, s + 1, cause);
		return opt_set_next(p, (size_t)idx, cause);
	}
	return 0;
}

int
opt_parse(const struct opt_table *t, const struct opt_scope *sc, int argc,
    char **argv, void *dst, struct opt_args *a, char **cause)
{
	struct opt_parser p = { .t = t, .sc = sc, .argc = argc, .argv = argv,
	    .dst = dst, .a = a };
	bool operands_only = false;
	int rc = 0;

	a->operands = xcalloc((size_t)argc + 1, sizeof *a->operands);
	a->noperands = 0;
	for (p.i = 0; p.i < argc && rc == 0; p.i++) {
		char *arg = argv[p.i];

		if (operands_only || arg[0] != '-' || arg[1] == '\0')
			a->operands[a->noperands++] = arg;
		else if (strcmp(arg, "--") == 0)
			operands_only = true;
		else if (arg[1] == '-')
			rc = opt_parse_long(&p, cause);
		else
			rc = opt_parse_short(&p, cause);
	}
	return rc;
}

int
opt_check_scope(const struct opt_table *t, const struct opt_scope *sc,
    const bool *given, char **cause)
{
	size_t i;

	for (i = 0; i < t->ndefs; i++)
		if (given[i] && !opt_takes(&t->defs[i], sc)) {
			xasprintf(cause, "--%s is not an option of %s",
			    t->defs[i].name, sc->title);
			return -1;
		}
	return 0;
}

/* --- help, and the end -------------------------------------------------- */

/* The help of one option beside its names, a line of help at a time. */
static void
opt_help_text(FILE *f, const char *left, const char *help)
{
	const char *nl;

	for (;;) {
		nl = strchr(help, '\n');
		fprintf(f, "  %-28s %.*s\n", left, nl != NULL ?
		    (int)(nl - help) : (int)strlen(help), help);
		if (nl == NULL)
			break;
		help = nl + 1;
		left = "";
	}
}

void
opt_help(FILE *f, const struct opt_table *t, unsigned cmd)
{
	const struct opt_scope sc = { .cmd = cmd };
	char left[64], *arg;
	size_t i;

	for (i = 0; i < t->ndefs; i++) {
		const struct opt_def *d = &t->defs[i];

		if (!opt_takes(d, &sc) || d->hidden)
			continue;
		arg = opt_arg_name(d);
		snprintf(left, sizeof left, "%c%c%c --%s%s%s",
		    d->short_name ? '-' : ' ', d->short_name ? d->short_name :
		    ' ', d->short_name ? ',' : ' ', d->name, *arg ? "=" : "",
		    arg);
		free(arg);
		if (strlen(left) > 28)
			fprintf(f, "  %s\n", left);
		opt_help_text(f, strlen(left) > 28 ? "" : left, d->help);
	}
}

/* What a completion offers after the option: its kind of value. */
static const char *
opt_kind(const struct opt_def *d)
{
	if (d->type == OPT_FLAG)
		return "flag";
	if (d->choices != NULL)
		return "choice";
	if (d->arg != NULL && strcmp(d->arg, "DIR") == 0)
		return "dir";
	if (d->type == OPT_PATH || (d->arg != NULL &&
	    strcmp(d->arg, "FILE") == 0))
		return "file";
	return "value";
}

void
opt_list(FILE *f, const struct opt_table *t, unsigned cmd)
{
	const struct opt_scope sc = { .cmd = cmd };
	size_t i, c;

	for (i = 0; i < t->ndefs; i++) {
		const struct opt_def *d = &t->defs[i];

		if (!opt_takes(d, &sc) || d->hidden)
			continue;
		/* "+": it may be given more than once. */
		fprintf(f, "--%s %s%c %s%s", d->name, d->short_name ? "-" : "",
		    d->short_name ? d->short_name : '-', opt_kind(d),
		    d->type == OPT_LIST ? "+" : "");
		for (c = 0; d->choices != NULL && d->choices[c] != NULL; c++)
			fprintf(f, " %s", d->choices[c]);
		fputc('\n', f);
	}
}

void
opt_clear(const struct opt_table *t, void *dst, struct opt_args *a)
{
	size_t i;

	for (i = 0; i < t->ndefs; i++)
		if (t->defs[i].name != NULL && t->defs[i].type == OPT_LIST) {
			struct opt_list *l = (struct opt_list *)((char *)dst +
			    t->defs[i].offset);

			free(l->v);
			memset(l, 0, sizeof *l);
		}
	free(a->operands);
	a->operands = NULL;
	a->noperands = 0;
}
