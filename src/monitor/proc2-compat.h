/*
 * libproc2 4.0.2-4.0.4 define PIDS_VAL(rel, type, stack, info); 4.0.5 and
 * later drop the info argument.  configure finds out which; use LT_PIDS_VAL.
 */
#ifndef LT_PROC2_COMPAT_H
#define LT_PROC2_COMPAT_H

#include <libproc2/pids.h>

#if LT_PIDS_VAL_ARGS == 4
#define LT_PIDS_VAL(rel, type, stack, info) PIDS_VAL(rel, type, stack, info)
#else
#define LT_PIDS_VAL(rel, type, stack, info) PIDS_VAL(rel, type, stack)
#endif

#endif
