/*
 * "Did you mean ...?" for misspelt keys, metrics and variables.
 */
#ifndef LT_SUGGEST_H
#define LT_SUGGEST_H

#include <stddef.h>

/*
 * The candidate closest to word (case-insensitive edit distance, with
 * transpositions counted as one edit) if it is a plausible typo: at most
 * max(1, strlen(word) / 3) edits away, or word is a prefix of it.
 * Returns NULL when nothing is close enough.
 */
const char *suggest_closest(const char *word, const char *const *candidates,
	    size_t n);

/* The edit distance itself (optimal string alignment). */
size_t	 suggest_distance(const char *a, const char *b);

#endif
