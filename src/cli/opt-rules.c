/*
 * The rules between options (opt.h): each kind of rule is one function,
 * and a table of them checks a command's given options in rule order.
 */
#include "config.h"

#include <stdlib.h>

#include "opt.h"
#include "opt-int.h"
#include "util.h"

typedef int (*opt_rule_fn)(const struct opt_table *, const struct opt_rule *,
    const struct opt_scope *, const void *dst, const bool *given,
    char **cause);

/* The rule's options as "--a, --b and --c". */
static char *
opt_rule_names(const struct opt_table *t, const struct opt_rule *r,
    const char *conj)
{
	const char *names[16];
	size_t n = 0;

	while (r->opts[n] >= 0 && n < LT_NELEM(names)) {
		names[n] = t->defs[r->opts[n]].name;
		n++;
	}
	return opt_join(names, n, "--", ", ", conj);
}

static size_t
opt_rule_ngiven(const struct opt_rule *r, const bool *given)
{
	size_t i, n = 0;

	for (i = 0; r->opts[i] >= 0; i++)
		n += given[r->opts[i]];
	return n;
}

static int
opt_rule_at_most_one(const struct opt_table *t, const struct opt_rule *r,
    const struct opt_scope *sc, const void *dst, const bool *given,
    char **cause)
{
	char *names;

	if (opt_rule_ngiven(r, given) <= 1)
		return 0;
	names = opt_rule_names(t, r, " and ");
	xasprintf(cause, "give only one of %s", names);
	free(names);
	return -1;
}

static int
opt_rule_one_of(const struct opt_table *t, const struct opt_rule *r,
    const struct opt_scope *sc, const void *dst, const bool *given,
    char **cause)
{
	char *names;

	if (opt_rule_ngiven(r, given) >= 1)
		return 0;
	names = opt_rule_names(t, r, " or ");
	xasprintf(cause, "give one of %s", names);
	free(names);
	return -1;
}

static int
opt_rule_needs(const struct opt_table *t, const struct opt_rule *r,
    const struct opt_scope *sc, const void *dst, const bool *given,
    char **cause)
{
	if (!given[r->opts[0]] || given[r->opts[1]])
		return 0;
	xasprintf(cause, "--%s needs --%s", t->defs[r->opts[0]].name,
	    t->defs[r->opts[1]].name);
	return -1;
}

static int
opt_rule_only_if(const struct opt_table *t, const struct opt_rule *r,
    const struct opt_scope *sc, const void *dst, const bool *given,
    char **cause)
{
	size_t i;

	if (r->allowed(dst))
		return 0;
	for (i = 0; i < t->ndefs; i++)
		if (given[i] && (t->defs[i].tags & r->tag) != 0) {
			xasprintf(cause, "--%s %s", t->defs[i].name, r->why);
			return -1;
		}
	return 0;
}

static const opt_rule_fn opt_rules[OPT_RULE__COUNT] = {
	[OPT_RULE_AT_MOST_ONE] = opt_rule_at_most_one,
	[OPT_RULE_ONE_OF] = opt_rule_one_of,
	[OPT_RULE_NEEDS] = opt_rule_needs,
	[OPT_RULE_ONLY_IF] = opt_rule_only_if,
};

int
opt_check_rules(const struct opt_table *t, const struct opt_scope *sc,
    const void *dst, const bool *given, char **cause)
{
	size_t i;

	for (i = 0; i < t->nrules; i++) {
		const struct opt_rule *r = &t->rules[i];

		if ((r->cmds & sc->cmd) != 0 &&
		    opt_rules[r->kind](t, r, sc, dst, given, cause) != 0)
			return -1;
	}
	return 0;
}
