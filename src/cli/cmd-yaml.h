/* The scenarios the command line makes, as YAML. */
#ifndef LT_CMD_YAML_H
#define LT_CMD_YAML_H

#include "cmd.h"

/* Append lead, then s as a YAML double-quoted scalar, and a newline. */
void	 cmd_yaml_line(char **buf, const char *lead, const char *s);
/* Append the formatted text to *buf (reallocated). */
void	 cmd_yaml_append(char **buf, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));
/* The ad-hoc run of a URL and its flags (allocated). */
char	*cmd_yaml_adhoc(const struct cmd_opts *);

#endif
