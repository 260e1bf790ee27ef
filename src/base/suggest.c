#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "suggest.h"
#include "util.h"

/* Words longer than this are not typos of anything we know. */
#define SUGGEST_MAX_LEN 64

size_t
suggest_distance(const char *a, const char *b)
{
	/* Three rows: two back is needed for transpositions. */
	size_t rows[3][SUGGEST_MAX_LEN + 1];
	size_t *back2, *back1, *cur, *tmp;
	size_t la = strlen(a), lb = strlen(b), i, j, cost, d;

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return la > lb ? la : lb;
	back2 = rows[0];
	back1 = rows[1];
	cur = rows[2];
	for (j = 0; j <= lb; j++)
		back1[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			d = back1[j - 1] + cost;
			if (back1[j] + 1 < d)
				d = back1[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) ==
			    tolower((unsigned char)b[j - 1]) &&
			    back2[j - 2] + 1 < d)
				d = back2[j - 2] + 1;
			cur[j] = d;
		}
		tmp = back2;
		back2 = back1;
		back1 = cur;
		cur = tmp;
	}
	return back1[lb];
}

const char *
suggest_closest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t len, limit, i, d, score, best_score = SIZE_MAX;

	if (word == NULL || (len = strlen(word)) == 0)
		return NULL;
	limit = LT_MAX(1, len / 3);
	for (i = 0; i < n; i++) {
		if (candidates[i] == NULL)
			continue;
		d = suggest_distance(word, candidates[i]);
		if (d <= limit)
			score = d;
		else if (strncasecmp(word, candidates[i], len) == 0)
			score = limit + 1;	/* a typo beats a prefix */
		else
			continue;
		if (score < best_score) {
			best = candidates[i];
			best_score = score;
		}
	}
	return best;
}
