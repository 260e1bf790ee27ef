/* loadtop: load-test an HTTP service and watch the process behind it. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

enum opt_id {
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_CHECK = 256,
};

/* The command line, as data: getopt's table and --help come from here. */
struct opt_entry {
	const char *name;
	int has_arg;
	int id;
	const char *arg;
	const char *help;
};

static const struct opt_entry opt_table[] = {
	{ "check", no_argument, OPT_CHECK, NULL,
	  "validate the scenario FILEs and exit" },
	{ "help", no_argument, OPT_HELP, NULL, "show this help and exit" },
	{ "version", no_argument, OPT_VERSION, NULL,
	  "show the version and exit" },
};

static void
usage(FILE *f)
{
	size_t i;
	char left[64];

	fprintf(f,
	    "Usage: loadtop [OPTION]... SCENARIO.yaml\n"
	    "       loadtop --check FILE...\n"
	    "Load-test an HTTP service and watch the process behind it.\n"
	    "\nOptions:\n");
	for (i = 0; i < LT_NELEM(opt_table); i++) {
		const struct opt_entry *o = &opt_table[i];

		if (o->id < 256)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->id,
			    o->name, o->arg ? "=" : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name,
			    o->arg ? "=" : "", o->arg ? o->arg : "");
		fprintf(f, "  %-26s %s\n", left, o->help);
	}
	fprintf(f,
	    "\nExit status: 0 ok, 1 a threshold failed, 2 usage or scenario "
	    "error,\n3 runtime failure.  See loadtop(1) and "
	    "loadtop-scenario(5).\n");
}

int
main(int argc, char **argv)
{
	struct option longopts[LT_NELEM(opt_table) + 1];
	char shortopts[2 * LT_NELEM(opt_table) + 2], *p = shortopts;
	size_t i;
	int c, check = 0;

	*p++ = '+';
	for (i = 0; i < LT_NELEM(opt_table); i++) {
		longopts[i] = (struct option){ opt_table[i].name,
		    opt_table[i].has_arg, NULL, opt_table[i].id };
		if (opt_table[i].id < 256) {
			*p++ = (char)opt_table[i].id;
			if (opt_table[i].has_arg != no_argument)
				*p++ = ':';
		}
	}
	*p = '\0';
	memset(&longopts[i], 0, sizeof longopts[i]);

	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			usage(stdout);
			return LT_EXIT_OK;
		case OPT_VERSION:
			printf("loadtop %s\n", PACKAGE_VERSION);
			return LT_EXIT_OK;
		case OPT_CHECK:
			check = 1;
			break;
		default:
			fprintf(stderr,
			    "Try 'loadtop --help' for more information.\n");
			return LT_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (check)
		return cmd_check(argc, argv);
	if (argc > 0 && strcmp(argv[0], "check") == 0)
		return cmd_check(argc - 1, argv + 1);

	usage(stderr);
	return LT_EXIT_USAGE;
}
