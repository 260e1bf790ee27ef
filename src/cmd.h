/* The subcommands of loadtop; each returns an exit code (util.h). */
#ifndef LT_CMD_H
#define LT_CMD_H

int	 cmd_check(int nfiles, char **files);

#endif
