/*
 * What a request reads of its responses: checks, an outcome, captures.
 * The handlers of those values for the parts' key tables; patterns are
 * compiled here only to be validated, JSON pointers held to RFC 6901.
 */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-walk.h"
#include "util.h"

/* A JSON pointer: "" (the whole body) or "/a/b", '~' only as ~0 or ~1;
 * the scalar's text from byte from on (past a prefix such as "json:"). */
const char *
scenario_json_pointer(struct scn_parser *p, yaml_node_t *v, size_t from,
    const char *key)
{
	const char *s, *c, *text;

	if (v->type != YAML_SCALAR_NODE) {
		scenario_err(p, v, "'%s' must be a JSON pointer such as /status, "
		    "got %s", key, scenario_describe(v));
		return NULL;
	}
	text = (const char *)v->data.scalar.value;
	s = text + from;
	if (*s != '\0' && *s != '/') {
		scenario_err(p, v, "'%s' must be a JSON pointer: \"\" for the "
		    "whole body or one starting with '/', such as /status, got "
		    "%s", key, scenario_quote(s));
		return NULL;
	}
	for (c = s; (c = strchr(c, '~')) != NULL; c++) {
		if (c[1] != '0' && c[1] != '1') {
			scenario_err_in(p, v, (size_t)(c - text), "'%s': in a "
			    "JSON pointer '~' must be followed by 0 ('~') or 1 "
			    "('/'), got %s", key, scenario_quote(text));
			return NULL;
		}
	}
	return s;
}

/* A POSIX extended regular expression, compiled to be checked only: the
 * engine compiles its own, one per thread. */
const char *
scenario_pattern(struct scn_parser *p, yaml_node_t *v, const char *key)
{
	const char *s;
	char why[160];
	regex_t re;
	int rc;

	if ((s = scenario_scalar(p, v, key, "a regular expression")) == NULL)
		return NULL;
	if ((rc = regcomp(&re, s, REG_EXTENDED)) != 0) {
		regerror(rc, &re, why, sizeof why);
		scenario_err(p, v, "'%s' must be a POSIX extended regular "
		    "expression, got %s: %s", key, scenario_quote(s), why);
		return NULL;
	}
	regfree(&re);
	return s;
}

/* A response header's name. */
const char *
scenario_header_name(struct scn_parser *p, yaml_node_t *v, const char *key)
{
	const char *s;

	if ((s = scenario_scalar(p, v, key, "a header name")) == NULL)
		return NULL;
	if (!scenario_is_token(s)) {
		scenario_err(p, v, "'%s' must be a header name such as "
		    "Content-Type, got %s", key, scenario_quote(s));
		return NULL;
	}
	return s;
}

void
scenario_extract_clear(struct scn_extract *x)
{
	free(x->path);
	free(x->pattern);
	memset(x, 0, sizeof *x);
}

/* The keys of an extract, as its handlers fill them. */
struct extract_draft {
	char *json, *header, *body, *regex;
};

static void
h_x_json(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s = scenario_json_pointer(p, v, 0, k->name);

	if (s != NULL)
		((struct extract_draft *)obj)->json = xstrdup(s);
}

static void
h_x_header(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s = scenario_header_name(p, v, k->name);

	if (s != NULL)
		((struct extract_draft *)obj)->header = xstrdup(s);
}

static void
h_x_pattern(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s = scenario_pattern(p, v, k->name);

	if (s != NULL)
		*SCN_FIELD(obj, k, char *) = xstrdup(s);
}

static const struct scn_key extract_keys[] = {
	{ .name = "json", .fn = h_x_json },
	{ .name = "header", .fn = h_x_header },
	{ .name = "body_matches", .fn = h_x_pattern,
	  .off = offsetof(struct extract_draft, body) },
	{ .name = "regex", .fn = h_x_pattern,
	  .off = offsetof(struct extract_draft, regex) },
};

/* The mappings this part reads, for loadtop --list-keys. */
const struct scn_key_table scenario_probe_tables[] = {
	{ "requests[].outcome", extract_keys, LT_NELEM(extract_keys) },
	{ NULL, NULL, 0 }
};

/* The extract the walk filled: which probe, and its pattern. */
static int
extract_finish(struct scn_parser *p, const struct scn_map *m,
    struct extract_draft *d, struct scn_extract *x, const char *what,
    const char *where)
{
	static const char *const probes[] = { "json", "header",
	    "body_matches" };
	static const enum scn_probe probe_of[] = { SCN_PROBE_JSON,
	    SCN_PROBE_HEADER, SCN_PROBE_BODY };
	char **got[] = { &d->json, &d->header, &d->body };
	yaml_node_t *rk = scenario_getkey(m, "regex");
	size_t i = scenario_one_of(p, m, probes, 3, "'json', 'header' or "
	    "'body_matches'", what, where);

	if (i == 2 && rk != NULL) {
		scenario_err(p, rk, "'regex' goes with 'json' or 'header'; "
		    "'body_matches' is a pattern itself (its group 1, or the "
		    "whole match, is the value) %s", where);
		return -1;
	}
	/* A value its handler refused was reported there. */
	if (i == 3 || *got[i] == NULL || (rk != NULL && d->regex == NULL))
		return -1;
	x->probe = probe_of[i];
	if (x->probe == SCN_PROBE_BODY)
		x->pattern = d->body;
	else {
		x->path = *got[i];
		x->pattern = d->regex;
		d->regex = NULL;
	}
	*got[i] = NULL;
	x->pos = scenario_pos_of(m->node);
	return 0;
}

/* {json: PTR} | {header: NAME} | {body_matches: ERE}, json and header
 * with an optional regex: ERE.  Returns 0 and fills x, or -1. */
int
scenario_parse_extract(struct scn_parser *p, yaml_node_t *v,
    struct scn_extract *x, const char *what, const char *where)
{
	struct extract_draft d = { 0 };
	struct scn_map m;
	int rc = -1;

	memset(x, 0, sizeof *x);
	if (v->type != YAML_MAPPING_NODE) {
		scenario_err(p, v, "%s must be a mapping such as {json: /status}, "
		    "{header: X-Result} or {body_matches: 'id=([0-9]+)'}, got "
		    "%s", what, scenario_describe(v));
		return -1;
	}
	scenario_walk(p, v, extract_keys, LT_NELEM(extract_keys), &d, where, -1,
	    &m);
	rc = extract_finish(p, &m, &d, x, what, where);
	free(d.json);
	free(d.header);
	free(d.body);
	free(d.regex);
	return rc;
}

/* A variable's name: [A-Za-z_][A-Za-z0-9_]*. */
static bool
var_name_ok(const char *s)
{
	const char *c;

	for (c = s; *c == '_' || (*c >= 'a' && *c <= 'z') ||
	    (*c >= 'A' && *c <= 'Z') || (c != s && *c >= '0' && *c <= '9');
	    c++)
		/* nothing */;
	return *s != '\0' && *c == '\0';
}

/* One NAME: EXTRACT pair of a capture. */
static void
add_capture(struct scn_parser *p, yaml_node_t *k, yaml_node_t *v,
    struct scn_capture **caps, size_t *n, const char *where)
{
	struct scn_capture c = { 0 };
	const char *name;
	char *what;
	size_t i;

	if ((name = scenario_scalar(p, k, "capture", "a mapping of variable: "
	    "{json: POINTER}")) == NULL)
		return;
	if (!var_name_ok(name)) {
		scenario_err(p, k, "%s is not a variable name (letters, digits "
		    "and _, not starting with a digit) %s", scenario_quote(name),
		    where);
		return;
	}
	for (i = 0; i < *n; i++)
		if (strcmp((*caps)[i].var, name) == 0) {
			scenario_err(p, k, "duplicate variable '%s' in capture %s",
			    name, where);
			return;
		}
	xasprintf(&what, "capture '%s'", name);
	if (scenario_parse_extract(p, v, &c.from, what, where) == 0) {
		c.var = xstrdup(name);
		c.var_index = SIZE_MAX;
		*caps = xreallocarray(*caps, *n + 1, sizeof **caps);
		(*caps)[(*n)++] = c;
	}
	free(what);
}

/* capture: {NAME: EXTRACT, ...}: the variables a response sets. */
void
scenario_parse_captures(struct scn_parser *p, yaml_node_t *node,
    struct scn_capture **caps, size_t *n, const char *where)
{
	yaml_node_pair_t *pair;

	if (node->type != YAML_MAPPING_NODE ||
	    node->data.mapping.pairs.start == node->data.mapping.pairs.top) {
		scenario_err(p, node, "'capture' must be a mapping of variable "
		    "names to what sets them, such as {token: {json: /token}}, "
		    "got %s", scenario_describe(node));
		return;
	}
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++)
		add_capture(p, scenario_node(p, pair->key),
		    scenario_node(p, pair->value), caps, n, where);
}

void
scenario_captures_free(struct scn_capture *caps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(caps[i].var);
		scenario_extract_clear(&caps[i].from);
	}
	free(caps);
}
