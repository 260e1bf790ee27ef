/* Internal to inspect.c, inspect-json.c and inspect-redact.c. */
#ifndef LT_INSPECT_INT_H
#define LT_INSPECT_INT_H

#include <jansson.h>
#include <regex.h>

#include "inspect.h"
#include "util.h"

#define INSPECT_TEXT_MAX 1025		/* a json value's text, with NUL */

/* A check, an outcome or a capture, ready to run. */
struct probe_rt {
	regex_t re;
	bool has_re;
	int header;			/* index into names; -1: none */
};

struct req_rt {
	const struct scn_request *r;
	struct probe_rt *checks;	/* r->nchecks */
	struct probe_rt outcome;
	struct probe_rt *captures;	/* r->ncaptures */
	struct response_names names;
	bool wants;
};

/* What jansson allocates while a worker parses one document (a body, a
 * stream's message) comes from here, bumped and let go at once when the
 * document is done: no malloc per response (inspect-json.c). */
struct json_arena {
	char *base;			/* made on first use */
	size_t used;
	unsigned depth;			/* documents open */
};

struct inspect {
	const struct scenario *scn;
	struct json_arena arena;
	struct req_rt *req;
	size_t nreq;
	/* The scenario's secrets: ${env:} values and signing keys. */
	const char **secret;
	size_t *secret_len;
	size_t nsecrets;
};

/* The document parsed between begin and end allocates from in's arena;
 * end after its last json_decref. */
void	 inspect_json_begin(struct inspect *);
void	 inspect_json_end(struct inspect *);
void	 inspect_json_arena_free(struct json_arena *);
json_t	*inspect_json_get(json_t *root, const char *ptr);
/* A value as text, NUL-terminated, cut to cap - 1; its length. */
size_t	 inspect_json_text(const json_t *, char *buf, size_t cap);
bool	 inspect_json_equals(const json_t *, const char *want);

/* Gather the scenario's secrets into in. */
void	 inspect_redact_init(struct inspect *);

#endif
