/* loadtop: load-test an HTTP service and watch the process behind it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "scenario.h"
#include "util.h"

/* A command: what it is, what it takes, and the function that does it. */
struct main_cmd {
	const char *name;
	enum cmd_id id;			/* its bit in the option table */
	const char *title;		/* "not an option of TITLE" */
	const char *usage;		/* its synopses, one a line */
	const char *about;
	const char *epilogue;
	int min_operands;
	int max_operands;		/* -1: any number */
	const char *operands;		/* what is missing when too few */
	/* May come after a run's options, as in loadtop -q demo. */
	bool after_options;
	int	(*exec)(struct cmd_opts *);
};

static const char main_exit_status[] =
    "Exit status: 0 ok, 1 a threshold or expectation failed, 2 usage or\n"
    "scenario error, 3 runtime failure.  See loadtop(1) and "
    "loadtop-scenario(5).\n";

/* The first is the run: loadtop with no command name. */
static const struct main_cmd main_cmds[] = {
	{ .name = "run", .id = CMD_RUN, .title = "a run",
	  .usage = "[OPTION]... SCENARIO.yaml\n[OPTION]... URL",
	  .about = "Load-test an HTTP service and watch the process behind it.",
	  .epilogue = main_exit_status, .min_operands = 1,
	  .max_operands = 1, .operands = "a SCENARIO.yaml or a URL",
	  .exec = cmd_run },
	{ .name = "demo", .id = CMD_DEMO, .title = "loadtop demo",
	  .usage = "demo [OPTION]...",
	  .about = "Run the demo scenario against the bundled loadtop-target.",
	  .epilogue = main_exit_status, .after_options = true,
	  .exec = cmd_demo },
	{ .name = "monitor", .id = CMD_MONITOR, .title = "loadtop monitor",
	  .usage = "monitor (--pid N | --pid-file FILE | --proc-name NAME |\n"
	  "         --exec CMD)... [OPTION]...",
	  .about = "Watch processes, no load: CPU, memory, fds, health, "
	  "leaks.",
	  .epilogue = "The dashboard on a terminal, else lines on stderr and "
	  "the summary on stdout;\na report at the end.  Exit status: 0 "
	  "ok, 1 a threshold failed or a process\nexited, 2 usage error, 3 "
	  "a process cannot be found or started.\n",
	  .exec = cmd_monitor },
	{ .name = "compare", .id = CMD_COMPARE, .title = "loadtop compare",
	  .usage = "compare BASE NEW [OPTION]...",
	  .about = "Put two reports side by side; exit 1 if NEW regressed.",
	  .epilogue = "BASE and NEW are report.json files or report "
	  "directories.  Each row's\nratio is NEW/BASE; a row regressed "
	  "when it moved the way that is worse\npast its limit.  Higher is "
	  "worse for p50, p90, p95, p99, mean, max,\nerror_rate, "
	  "rate_limited, cpu_avg, cpu_max and mem_growth; lower is\nworse "
	  "for rps.  A metric that got better never regressed.\nExit "
	  "status: 0 no regression, 1 NEW regressed, 2 usage error.\n",
	  .min_operands = 2, .max_operands = 2,
	  .operands = "two reports, BASE and NEW", .exec = cmd_compare },
	{ .name = "check", .id = CMD_CHECK, .title = "loadtop check",
	  .usage = "check FILE...\n--check FILE...",
	  .about = "Validate scenario files without running them.",
	  .epilogue = "Prints 'FILE: ok' for each valid file and each problem "
	  "as\nFILE:LINE:COL: message.  Exit status: 0 all valid, 2 "
	  "otherwise.\n", .min_operands = 1, .max_operands = -1,
	  .operands = "at least one FILE", .after_options = true,
	  .exec = cmd_check },
};

static const struct main_cmd *
main_find(const char *name)
{
	size_t i;

	for (i = 0; i < LT_NELEM(main_cmds); i++)
		if (strcmp(main_cmds[i].name, name) == 0)
			return &main_cmds[i];
	return NULL;
}

static bool
main_is_run(const struct main_cmd *cmd)
{
	return cmd == &main_cmds[0];
}

/* "Usage: loadtop ..." for each synopsis line of cmd. */
static void
main_usage(FILE *f, const struct main_cmd *cmd, bool first)
{
	const char *line = cmd->usage, *nl;

	for (; line != NULL; line = nl != NULL ? nl + 1 : NULL, first = false) {
		nl = strchr(line, '\n');
		/* A line that goes on from the last is indented past
		 * "loadtop ", as the first is. */
		fprintf(f, "%s%.*s\n", first ? "Usage: loadtop " :
		    *line == ' ' ? "               " : "       loadtop ",
		    nl != NULL ? (int)(nl - line) : (int)strlen(line), line);
	}
}

/* A command's --help; the run's names every command. */
static void
main_help(FILE *f, const struct main_cmd *cmd)
{
	size_t i;

	main_usage(f, cmd, true);
	if (main_is_run(cmd))
		for (i = 1; i < LT_NELEM(main_cmds); i++)
			main_usage(f, &main_cmds[i], false);
	fprintf(f, "%s\n", cmd->about);
	if (main_is_run(cmd)) {
		fprintf(f, "\nCommands:\n");
		for (i = 1; i < LT_NELEM(main_cmds); i++)
			fprintf(f, "  %-9s %s\n", main_cmds[i].name,
			    main_cmds[i].about);
	}
	fprintf(f, "\nOptions:\n");
	opt_help(f, &cmd_options, cmd->id);
	fprintf(f, "\n%s", cmd->epilogue);
}

static int
main_usage_error(const struct main_cmd *cmd, char *cause)
{
	fprintf(stderr, "loadtop: %s\nTry 'loadtop%s%s --help' for more "
	    "information.\n", cause, main_is_run(cmd) ? "" : " ",
	    main_is_run(cmd) ? "" : cmd->name);
	free(cause);
	return LT_EXIT_USAGE;
}

/*
 * A run's line may name another command after all: loadtop --check
 * FILE..., or a command after the options (loadtop -q demo).  Sets *cmd,
 * and checks that it takes the options given.
 */
static int
main_retarget(const struct main_cmd **cmd, struct cmd_opts *o, char **cause)
{
	const struct main_cmd *to;
	struct opt_args *a = &o->args;
	struct opt_scope sc;

	if (a->noperands > 0 && (to = main_find(a->operands[0])) != NULL &&
	    to->after_options) {
		memmove(a->operands, a->operands + 1, (size_t)a->noperands *
		    sizeof *a->operands);
		a->noperands--;
	} else if (o->check)
		to = main_find("check");
	else
		return 0;
	o->given[O_CHECK] = o->check = false;
	*cmd = to;
	sc = (struct opt_scope){ .cmd = to->id, .title = to->title };
	return opt_check_scope(&cmd_options, &sc, o->given, cause);
}

/* The operands a command wants, and the rules between its options. */
static int
main_validate(const struct main_cmd *cmd, struct cmd_opts *o, char **cause)
{
	const struct opt_scope sc = { .cmd = cmd->id, .title = cmd->title };
	int n = o->args.noperands;

	if (n < cmd->min_operands) {
		xasprintf(cause, "expected %s", cmd->operands);
		return -1;
	}
	if (cmd->max_operands >= 0 && n > cmd->max_operands) {
		xasprintf(cause, "unexpected argument '%s'",
		    o->args.operands[cmd->max_operands]);
		return -1;
	}
	return opt_check_rules(&cmd_options, &sc, o, o->given, cause);
}

/*
 * The hidden lists: --list-commands, --list-flags [COMMAND] (the run's
 * without one) and --list-keys, each one a line, from the tables.
 */
static int
main_list(const struct cmd_opts *o)
{
	const struct main_cmd *cmd = &main_cmds[0];
	size_t i;

	if (o->given[O_LIST_COMMANDS] + o->given[O_LIST_FLAGS] +
	    o->given[O_LIST_KEYS] != 1 || o->args.noperands > (o->list_flags ? 1 : 0)) {
		fprintf(stderr, "loadtop: expected one of --list-commands, "
		    "--list-flags [COMMAND] or --list-keys\n");
		return LT_EXIT_USAGE;
	}
	if (o->list_commands)
		for (i = 1; i < LT_NELEM(main_cmds); i++)
			printf("%s\n", main_cmds[i].name);
	else if (o->list_keys)
		scenario_keys_print(stdout);
	else if (o->args.noperands == 1 &&
	    (cmd = main_find(o->args.operands[0])) == NULL) {
		fprintf(stderr, "loadtop: --list-flags: no command '%s'\n",
		    o->args.operands[0]);
		return LT_EXIT_USAGE;
	} else
		opt_list(stdout, &cmd_options, cmd->id);
	return LT_EXIT_OK;
}

int
main(int argc, char **argv)
{
	const struct main_cmd *cmd, *named;
	struct cmd_opts o;
	struct opt_scope sc;
	char *cause = NULL;
	int rc;

	memset(&o, 0, sizeof o);
	o.args.given = o.given;
	if (argc < 2) {
		main_help(stderr, &main_cmds[0]);
		return LT_EXIT_USAGE;
	}
	named = main_find(argv[1]);
	cmd = named != NULL ? named : &main_cmds[0];
	sc = (struct opt_scope){ .cmd = cmd->id, .title = cmd->title };
	if (opt_parse(&cmd_options, &sc, argc - 1 - (named != NULL),
	    argv + 1 + (named != NULL), &o, &o.args, &cause) != 0)
		rc = main_usage_error(cmd, cause);
	else if (o.list_commands || o.list_flags || o.list_keys)
		rc = main_list(&o);
	else if (named == NULL && main_retarget(&cmd, &o, &cause) != 0)
		rc = main_usage_error(cmd, cause);
	else if (o.help) {
		main_help(stdout, cmd);
		rc = LT_EXIT_OK;
	} else if (o.version) {
		printf("loadtop %s\n", PACKAGE_VERSION);
		rc = LT_EXIT_OK;
	} else if (main_validate(cmd, &o, &cause) != 0)
		rc = main_usage_error(cmd, cause);
	else
		rc = cmd->exec(&o);
	opt_clear(&cmd_options, &o, &o.args);
	return rc;
}
