/*
 * Inspection of a response view: a request's checks, its outcome and its
 * captures, and the failures list's redaction of secrets.  A worker has
 * its own (inspect_new): the patterns are compiled per thread, since
 * glibc's regexec takes a lock per compiled pattern.  Bodies are parsed
 * with jansson only for a request that reads a json pointer.
 */
#ifndef LT_INSPECT_H
#define LT_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "response.h"
#include "scenario.h"
#include "template.h"

#define INSPECT_OUTCOME_MAX 64		/* bytes of an outcome's value */

struct inspect;

/* A slot's captured variables: the values renders read, and their room. */
struct inspect_vars {
	struct tmpl_var *v;		/* scenario.nvars */
	char (*buf)[TMPL_VAR_MAX];
};

/* What inspecting one response found. */
struct inspect_out {
	int failed;			/* the request's first failed check; -1 */
	bool has_outcome;		/* the request has one */
	char outcome[INSPECT_OUTCOME_MAX];
	size_t outcome_len;		/* SIZE_MAX: the value was absent */
};

struct inspect *inspect_new(const struct scenario *, char **cause);
void	 inspect_free(struct inspect *);

/* Whether request i needs a view: checks, an outcome or captures. */
bool	 inspect_wants(const struct inspect *, size_t i);
const struct response_names *inspect_names(const struct inspect *, size_t i);

/*
 * Inspect request i's response.  Checks run when the status was expected
 * (each counted in pass or fail, indexed by the request's own checks);
 * the outcome on any answer; captures into vars when every check held.
 */
void	 inspect_run(struct inspect *, size_t i, const struct response_view *,
	     bool expected, uint64_t *pass, uint64_t *fail,
	     struct inspect_vars *vars, struct inspect_out *out);

struct inspect_vars *inspect_vars_new(const struct scenario *);
void	 inspect_vars_free(struct inspect_vars *, const struct scenario *);
void	 inspect_vars_clear(struct inspect_vars *, const struct scenario *);

/*
 * Copy at most cap - 1 bytes of src into dst as a sample, NUL-terminated,
 * with every secret the scenario or the user's variables hold (and a
 * secret's start cut off at the end) replaced by "[redacted]".  Returns
 * the length written.
 */
size_t	 inspect_redact(const struct inspect *, const struct inspect_vars *,
	     const char *src, size_t n, char *dst, size_t cap);

/* The text of the value a json pointer finds in the document doc (as
 * inspect_run reads one), at most cap - 1 bytes into buf; SIZE_MAX when
 * doc is not json or holds no such value. */
size_t	 inspect_json_find(struct inspect *, const char *doc, size_t len,
	     const char *ptr, char *buf, size_t cap);

#endif
