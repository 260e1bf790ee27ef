/*
 * Typed command-line options.  A program describes its options once, in
 * a table: each entry gives a type, where the value goes, its names, its
 * help, and the commands that take it.  Every value of a type is parsed
 * and range-checked by that type's one parser, and refused with one form
 * of message that names the flag:
 *
 *   --connections '0': expected a whole number from 1 to 100000
 *
 * Rules between options (only one of these, that one needs this one) are
 * data too, checked after the parse.
 *
 *   struct opt_args a = { .given = given };
 *   if (opt_parse(&table, &scope, argc, argv, &opts, &a, &cause) != 0 ||
 *       opt_check_rules(&table, &scope, &opts, a.given, &cause) != 0)
 *           ... print cause, exit 2 ...
 */
#ifndef LT_OPT_H
#define LT_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_type {
	OPT_FLAG,		/* bool; takes no argument */
	OPT_COUNT,		/* unsigned, a whole number from min to max */
	OPT_DURATION,		/* int64_t microseconds, at least min (> 0) */
	OPT_RATE,		/* double per second, from min (> 0) to max */
	OPT_PERCENT,		/* double percent, "10%" or "10", at least 0 */
	OPT_STRING,		/* const char *, anything */
	OPT_PATH,		/* const char *, not empty */
	OPT_URL,		/* const char *, http:// or https:// */
	OPT_LIST,		/* struct opt_list: each use adds one string */
	OPT_CHOICE,		/* int: the index of one of choices */
	OPT__COUNT
};

/* The strings a repeatable option collected, in order. */
struct opt_list {
	char **v;
	size_t n;
};

struct opt_def {
	const char *name;		/* long name, without the dashes */
	char short_name;		/* 0: none */
	enum opt_type type;
	size_t offset;			/* of the value in the options struct */
	unsigned cmds;			/* the commands that take it (bits) */
	unsigned tags;			/* for rules that select by tag */
	double min, max;		/* COUNT, RATE; DURATION: min in us */
	/* CHOICE: NULL-terminated; LIST: its values, for completion only */
	const char *const *choices;
	/* STRING, PATH, LIST: a further check of each value; 0, or -1 and
	 * *why set to what was expected. */
	int	(*check)(const char *, char **why);
	const char *arg;		/* in --help; NULL: the type's */
	const char *help;
	/* Not in --help, and never taken for an abbreviation. */
	bool hidden;
};

enum opt_rule_kind {
	OPT_RULE_AT_MOST_ONE,		/* of opts */
	OPT_RULE_ONE_OF,		/* at least one of opts */
	OPT_RULE_NEEDS,			/* opts[0] only with opts[1] */
	OPT_RULE_ONLY_IF,		/* tagged options only if allowed() */
	OPT_RULE__COUNT
};

/* The options of a rule, as table indexes: OPT_IDS(O_BODY, O_BODY_FILE). */
#define OPT_IDS(...) ((const int[]){ __VA_ARGS__, -1 })

struct opt_rule {
	enum opt_rule_kind kind;
	unsigned cmds;			/* the commands it holds for */
	const int *opts;		/* -1 ends the list */
	unsigned tag;			/* ONLY_IF */
	bool	(*allowed)(const void *dst);
	const char *why;		/* ONLY_IF: "--flag " and this */
};

struct opt_table {
	const struct opt_def *defs;
	size_t ndefs;
	const struct opt_rule *rules;
	size_t nrules;
};

/* Which command is parsing, for the options it takes and for messages. */
struct opt_scope {
	unsigned cmd;			/* its bit */
	const char *title;		/* "loadtop monitor", "a run" */
};

/* What a parse found besides the values. */
struct opt_args {
	bool *given;			/* [ndefs]: on the command line */
	char **operands;		/* the arguments that are not options */
	int noperands;
};

/*
 * Parse argv (without the program or command name) into dst; options and
 * operands may come in any order, "--" ends the options.  Long names may
 * be abbreviated while they stay unambiguous; short ones may be bundled.
 * Returns 0, or -1 with *cause set.  a->operands is allocated either way.
 */
int	 opt_parse(const struct opt_table *, const struct opt_scope *,
	     int argc, char **argv, void *dst, struct opt_args *a,
	     char **cause);
/* The first rule that the given options break: -1 with *cause set. */
int	 opt_check_rules(const struct opt_table *, const struct opt_scope *,
	     const void *dst, const bool *given, char **cause);
/* The "--name is not an option of TITLE" check for a change of command
 * after the parse: the first given option that scope does not take. */
int	 opt_check_scope(const struct opt_table *, const struct opt_scope *,
	     const bool *given, char **cause);
/* One line per option the command takes, in table order. */
void	 opt_help(FILE *, const struct opt_table *, unsigned cmd);
/*
 * One line per option the command takes, for shell completion:
 * "--name -s KIND [CHOICE]...", where -s is "-" without a short name and
 * KIND is flag, choice, file, dir or value.
 */
void	 opt_list(FILE *, const struct opt_table *, unsigned cmd);
/* Free the lists in dst and the operands. */
void	 opt_clear(const struct opt_table *, void *dst, struct opt_args *);

#endif
