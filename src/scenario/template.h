/*
 * Request templates: text with ${...} variables, compiled once at load and
 * rendered per request into a caller's buffer without allocating.
 *   ${seq}          sequence number (unique across threads)
 *   ${uuid}         random version-4 UUID
 *   ${now_ms}       wall clock, milliseconds since the epoch
 *   ${now_iso}      wall clock, ISO 8601 UTC with milliseconds
 *   ${rand:LO-HI}   uniform integer in [LO, HI]
 *   ${env:NAME}     environment variable, bound once before the run;
 *                   its value is a secret and is never printed
 *   ${var:NAME}     the virtual user's captured variable (a secret too);
 *                   a request is not sent while one it uses is unset
 *   $${             a literal "${"
 */
#ifndef LT_TEMPLATE_H
#define LT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct tmpl;

/* A captured variable's value as a render sees it. */
struct tmpl_var {
	const char *v;			/* NULL: unset */
	size_t len;			/* at most SCN_VAR_MAX */
};
#define TMPL_VAR_MAX 4096		/* = SCN_VAR_MAX */

/* What a render needs from its worker; all of it is the worker's own. */
struct tmpl_ctx {
	uint64_t seq;
	uint64_t *rng;			/* xorshift64* state, never 0 */
	struct timespec now;		/* CLOCK_REALTIME, read once per request */
	const struct tmpl_var *vars;	/* by index; NULL: none captured */
};

/*
 * Compile text.  On error returns -1, sets *err_off to the byte offset of
 * the problem in text and *cause to an allocated message.
 */
int	 template_compile(const char *text, size_t len, struct tmpl **out,
	     size_t *err_off, char **cause);
void	 template_free(struct tmpl *);

/* Resolve ${env:NAME}; on a missing one returns -1, sets *missing to its
 * name and *err_off to its offset in the text. */
int	 template_bind_env(struct tmpl *, const char **missing, size_t *err_off);

/* Resolve ${var:NAME} against the scenario's variables (names[i] has
 * index i); on an unknown one returns -1 like template_bind_env. */
int	 template_bind_vars(struct tmpl *, char *const *names, size_t n,
	     const char **missing, size_t *err_off);
/* The bound values of its ${env:}, at most cap into v and len; the
 * count: the secrets to keep out of anything shown. */
size_t	 template_env_values(const struct tmpl *, const char **v, size_t *len,
	     size_t cap);
/* The indexes of the variables used, at most cap into idx; the count. */
size_t	 template_vars(const struct tmpl *, size_t *idx, size_t cap);

bool	 template_is_static(const struct tmpl *);	/* no variable at all */
bool	 template_uses_seq(const struct tmpl *);
bool	 template_has_secret(const struct tmpl *);	/* ${env:} or ${var:} */
/* Upper bound of a rendered length (after template_bind_env). */
size_t	 template_max_len(const struct tmpl *);
/* Render into buf (cap >= template_max_len); returns the length written.
 * Never allocates; output is not NUL-terminated unless room allows. */
size_t	 template_render(const struct tmpl *, const struct tmpl_ctx *, char *buf,
	     size_t cap);

uint64_t template_rng_next(uint64_t *state);

#endif
