/* The bearer tokens POST /login hands out and GET /me checks. */
#ifndef LT_TARGET_TOKEN_H
#define LT_TARGET_TOKEN_H

#include <stddef.h>

/* A token is this many lowercase hex digits. */
#define TTOKEN_LEN		32
/* The longest user name a token remembers, in bytes. */
#define TTOKEN_MAX_USER		55
/* The most tokens a table may remember. */
#define TTOKEN_MAX_CAPACITY	1000000

struct ttoken;

/*
 * A table remembering the last capacity tokens it issued (1 to
 * TTOKEN_MAX_CAPACITY), under a random key of its own.  Its memory,
 * 64 bytes a token, is reserved at once and touched as tokens come.
 */
struct ttoken	*target_token_create(size_t capacity, char **cause);
void		 target_token_free(struct ttoken *);

/*
 * Issue a new token for user (at most TTOKEN_MAX_USER bytes are kept)
 * into token, NUL-terminated.  Returns how many tokens were forgotten to
 * make room for it, 0 or 1; safe from any number of threads.
 */
int		 target_token_issue(struct ttoken *, const char *user,
		     char token[TTOKEN_LEN + 1]);
/*
 * Whether token is one the table issued and still remembers; if so its
 * user is copied to user, NUL-terminated.
 */
int		 target_token_find(struct ttoken *, const char *token,
		     char user[TTOKEN_MAX_USER + 1]);

#endif
