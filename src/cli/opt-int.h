/* Shared by the files of the typed options. */
#ifndef LT_OPT_INT_H
#define LT_OPT_INT_H

#include <stddef.h>

/* The words, each after before, sep between them and last before the
 * last one: "--a, --b or --c".  Allocated. */
char	*opt_join(const char *const *words, size_t n, const char *before,
	     const char *sep, const char *last);

#endif
