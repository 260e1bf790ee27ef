/*
 * The checks of a response: each one reads one thing (a JSON value, a
 * header, the body, its size) and holds it to one test.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-walk.h"
#include "util.h"

/* The keys of a check, as its handlers fill them. */
struct check_draft {
	char *name;
	char *json, *header, *contains, *body_matches, *max_body_text;
	int64_t max_body;
	char *equals;
	char **in;
	size_t nin;
	char *matches;
	bool exists;
};

/* A value to compare with, as written: YAML's null (~, null) is the
 * word null, and nothing at all is no value. */
static char *
check_value(struct scn_parser *p, yaml_node_t *v, const char *key)
{
	if (v->type != YAML_SCALAR_NODE || (scenario_is_null(v) &&
	    *v->data.scalar.value == '\0')) {
		scenario_err(p, v, "'%s' takes a value such as dry_run, 200 or "
		    "true, got %s", key, scenario_describe(v));
		return NULL;
	}
	if (scenario_is_null(v))
		return xstrdup("null");
	return xstrdup((const char *)v->data.scalar.value);
}

static void
h_json(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s = scenario_json_pointer(p, v, 0, k->name);

	if (s != NULL)
		((struct check_draft *)obj)->json = xstrdup(s);
}

static void
h_header(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s = scenario_header_name(p, v, k->name);

	if (s != NULL)
		((struct check_draft *)obj)->header = xstrdup(s);
}

static void
h_contains(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "the text to find")) == NULL)
		return;
	if (*s == '\0') {
		scenario_err(p, v, "'%s' must not be empty", k->name);
		return;
	}
	((struct check_draft *)obj)->contains = xstrdup(s);
}

static void
h_pattern(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s = scenario_pattern(p, v, k->name);

	if (s != NULL)
		*SCN_FIELD(obj, k, char *) = xstrdup(s);
}

static void
h_max_body(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct check_draft *d = obj;

	scenario_h_size(p, k, v, obj);
	if (d->max_body > 0)
		d->max_body_text = xstrdup((const char *)v->data.scalar.value);
}

static void
h_equals(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	((struct check_draft *)obj)->equals = check_value(p, v, k->name);
}

static void
h_in(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct check_draft *d = obj;
	yaml_node_item_t *it;
	size_t n;
	char *s;

	if (v->type != YAML_SEQUENCE_NODE ||
	    (n = (size_t)(v->data.sequence.items.top -
	    v->data.sequence.items.start)) == 0) {
		scenario_err(p, v, "'in' must be a non-empty list of values such "
		    "as [dry_run, ignored], got %s", scenario_describe(v));
		return;
	}
	d->in = xcalloc(n, sizeof *d->in);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	    it++)
		if ((s = check_value(p, scenario_node(p, *it), k->name)) != NULL)
			d->in[d->nin++] = s;
}

#define OFF(f) offsetof(struct check_draft, f)
static const struct scn_key check_keys[] = {
	{ .name = "name", .fn = scenario_h_str, .off = OFF(name) },
	{ .name = "json", .fn = h_json },
	{ .name = "body_contains", .fn = h_contains },
	{ .name = "body_matches", .fn = h_pattern, .off = OFF(body_matches) },
	{ .name = "header", .fn = h_header },
	{ .name = "max_body", .fn = h_max_body, .off = OFF(max_body), .min = 1,
	  .max = SCN_SIZE_UNBOUNDED },
	{ .name = "equals", .fn = h_equals },
	{ .name = "in", .fn = h_in },
	{ .name = "exists", .fn = scenario_h_bool, .off = OFF(exists) },
	{ .name = "matches", .fn = h_pattern, .off = OFF(matches) },
};
#undef OFF

/* The mappings this part reads, for loadtop --list-keys. */
const struct scn_key_table scenario_check_tables[] = {
	{ "requests[].checks[]", check_keys, LT_NELEM(check_keys) },
	{ NULL, NULL, 0 }
};

/* The tests a check makes, by their key. */
enum check_test { TEST_EQUALS, TEST_IN, TEST_EXISTS, TEST_MATCHES,
	TEST__COUNT };
static const char *const test_keys[TEST__COUNT] = {
	[TEST_EQUALS] = "equals", [TEST_IN] = "in", [TEST_EXISTS] = "exists",
	[TEST_MATCHES] = "matches",
};
static const enum scn_check_op test_ops[TEST__COUNT] = {
	[TEST_EQUALS] = SCN_CHECK_EQUALS, [TEST_IN] = SCN_CHECK_IN,
	[TEST_EXISTS] = SCN_CHECK_EXISTS, [TEST_MATCHES] = SCN_CHECK_MATCHES,
};

/* What a check reads, by its key, and the tests that go with it. */
static const struct check_form {
	const char *key;
	enum scn_probe probe;
	unsigned tests;			/* bits of enum check_test */
	const char *takes;		/* those in words */
	enum scn_check_op op;		/* without a test of its own */
} check_forms[] = {
	{ "json", SCN_PROBE_JSON, 1u << TEST_EQUALS | 1u << TEST_IN |
	  1u << TEST_EXISTS | 1u << TEST_MATCHES,
	  "'equals', 'in', 'exists' or 'matches'", 0 },
	{ "body_contains", SCN_PROBE_BODY, 0, NULL, SCN_CHECK_CONTAINS },
	{ "body_matches", SCN_PROBE_BODY, 0, NULL, SCN_CHECK_MATCHES },
	{ "header", SCN_PROBE_HEADER, 1u << TEST_EXISTS | 1u << TEST_MATCHES,
	  "'matches' or 'exists'", 0 },
	{ "max_body", SCN_PROBE_BODY, 0, NULL, SCN_CHECK_MAX_BODY },
};
#define NFORMS LT_NELEM(check_forms)

/* The one test of the check into *test (TEST__COUNT for a form that
 * takes none); -1 after an error. */
static int
check_test(struct scn_parser *p, const struct scn_map *m,
    const struct check_form *f, enum check_test *test, const char *where)
{
	yaml_node_t *k;
	enum check_test t;

	*test = TEST__COUNT;
	for (t = 0; t < TEST__COUNT; t++) {
		if ((k = scenario_getkey(m, test_keys[t])) == NULL)
			continue;
		if ((f->tests & 1u << t) == 0) {
			scenario_err(p, k, "'%s' does not apply to a %s check, "
			    "which takes %s %s", test_keys[t], f->key,
			    f->takes != NULL ? f->takes : "only 'name'", where);
			return -1;
		}
		if (*test != TEST__COUNT) {
			scenario_err(p, k, "a %s check takes one of %s, not both "
			    "'%s' and '%s', %s", f->key, f->takes,
			    test_keys[*test], test_keys[t], where);
			return -1;
		}
		*test = t;
	}
	if (*test == TEST__COUNT && f->tests != 0) {
		scenario_err(p, m->node, "a %s check needs %s %s", f->key,
		    f->takes, where);
		return -1;
	}
	return 0;
}

/* "a, b": the values of an in, as its name shows them. */
static char *
join_values(char *const *v, size_t n)
{
	char *list = xstrdup(""), *next;
	size_t i;

	for (i = 0; i < n; i++) {
		xasprintf(&next, "%s%s%s", list, i > 0 ? ", " : "", v[i]);
		free(list);
		list = next;
	}
	return list;
}

/* "json /status in [dry_run, ignored]": a check named by what it says. */
static char *
check_name(const struct scn_check *c, const char *size_text)
{
	const char *probe = c->probe == SCN_PROBE_JSON ? "json" : "header";
	const char *path = c->path != NULL && *c->path != '\0' ? c->path :
	    "\"\"";
	char *s, *list;

	if (c->op == SCN_CHECK_MAX_BODY)
		xasprintf(&s, "max_body %s", size_text);
	else if (c->op == SCN_CHECK_CONTAINS)
		xasprintf(&s, "body_contains \"%s\"", c->values[0]);
	else if (c->probe == SCN_PROBE_BODY)
		xasprintf(&s, "body_matches %s", c->pattern);
	else if (c->op == SCN_CHECK_EXISTS)
		xasprintf(&s, "%s %s %s", probe, path, c->absent ? "absent" :
		    "exists");
	else if (c->op == SCN_CHECK_MATCHES)
		xasprintf(&s, "%s %s matches %s", probe, path, c->pattern);
	else if (c->op == SCN_CHECK_EQUALS)
		xasprintf(&s, "%s %s equals %s", probe, path, c->values[0]);
	else {
		list = join_values(c->values, c->nvalues);
		xasprintf(&s, "%s %s in [%s]", probe, path, list);
		free(list);
	}
	return s;
}

/* Move the draft's fields of the test into c. */
static void
take_test(struct check_draft *d, enum check_test t, struct scn_check *c)
{
	if (t == TEST_EQUALS) {
		c->values = xcalloc(1, sizeof *c->values);
		c->values[c->nvalues++] = d->equals;
		d->equals = NULL;
	} else if (t == TEST_IN) {
		c->values = d->in;
		c->nvalues = d->nin;
		d->in = NULL;
		d->nin = 0;
	} else if (t == TEST_MATCHES) {
		c->pattern = d->matches;
		d->matches = NULL;
	} else
		c->absent = !d->exists;
}

/* Whether the handlers of the check's keys took their values (each one
 * that did not said why). */
static bool
draft_complete(const struct scn_map *m, const struct check_draft *d,
    size_t form, enum check_test t)
{
	const void *got[NFORMS] = { d->json, d->contains, d->body_matches,
	    d->header, d->max_body_text };
	const yaml_node_t *in = scenario_get(m, "in");

	if (got[form] == NULL)
		return false;
	if (t == TEST_EQUALS)
		return d->equals != NULL;
	if (t == TEST_MATCHES)
		return d->matches != NULL;
	if (t == TEST_IN)
		return d->in != NULL && d->nin == (size_t)(in->data.sequence.items.top -
		    in->data.sequence.items.start);
	return true;
}

/* The check the walk filled, into c; -1 when it is not one. */
static int
check_finish(struct scn_parser *p, const struct scn_map *m,
    struct check_draft *d, struct scn_check *c, const char *where)
{
	const char *keys[NFORMS];
	const struct check_form *f;
	enum check_test t;
	size_t i;

	for (i = 0; i < NFORMS; i++)
		keys[i] = check_forms[i].key;
	if ((i = scenario_one_of(p, m, keys, NFORMS, "'json', 'body_contains', "
	    "'body_matches', 'header' or 'max_body'", "a check", where)) ==
	    NFORMS)
		return -1;
	f = &check_forms[i];
	if (check_test(p, m, f, &t, where) != 0 || !draft_complete(m, d, i, t))
		return -1;
	c->probe = f->probe;
	c->op = f->tests != 0 ? test_ops[t] : f->op;
	c->path = f->probe == SCN_PROBE_JSON ? d->json : f->probe ==
	    SCN_PROBE_HEADER ? d->header : NULL;
	if (f->probe == SCN_PROBE_JSON)
		d->json = NULL;
	else if (f->probe == SCN_PROBE_HEADER)
		d->header = NULL;
	if (c->op == SCN_CHECK_CONTAINS) {
		c->values = xcalloc(1, sizeof *c->values);
		c->values[c->nvalues++] = d->contains;
		d->contains = NULL;
	} else if (f->probe == SCN_PROBE_BODY && c->op == SCN_CHECK_MATCHES) {
		c->pattern = d->body_matches;
		d->body_matches = NULL;
	} else if (t != TEST__COUNT)
		take_test(d, t, c);
	c->max_body = d->max_body;
	c->name = d->name != NULL ? d->name : check_name(c, d->max_body_text);
	d->name = NULL;
	c->pos = scenario_pos_of(m->node);
	return 0;
}

static void
draft_free(struct check_draft *d)
{
	size_t i;

	free(d->name);
	free(d->json);
	free(d->header);
	free(d->contains);
	free(d->body_matches);
	free(d->max_body_text);
	free(d->equals);
	for (i = 0; i < d->nin; i++)
		free(d->in[i]);
	free(d->in);
	free(d->matches);
}

static int
parse_check(struct scn_parser *p, yaml_node_t *node, struct scn_check *c,
    const char *where)
{
	struct check_draft d = { 0 };
	struct scn_map m;
	int rc;

	memset(c, 0, sizeof *c);
	scenario_walk(p, node, check_keys, LT_NELEM(check_keys), &d, where, -1,
	    &m);
	rc = check_finish(p, &m, &d, c, where);
	draft_free(&d);
	return rc;
}

void
scenario_parse_checks(struct scn_parser *p, yaml_node_t *node,
    struct scn_check **checks, size_t *n, const char *where)
{
	yaml_node_item_t *it;
	yaml_node_t *item;
	size_t len;
	char *at;

	if ((len = scenario_list_len(p, node, "checks")) == 0)
		return;
	*checks = xreallocarray(*checks, *n + len, sizeof **checks);
	for (it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++) {
		if ((item = scenario_list_mapping(p, *it, "check")) == NULL)
			continue;
		xasprintf(&at, "in check %zu %s", (size_t)(it -
		    node->data.sequence.items.start) + 1, where);
		if (parse_check(p, item, &(*checks)[*n], at) == 0)
			(*n)++;
		free(at);
	}
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Copies that own all they hold: the defaults' checks, per request. */
void
scenario_checks_copy(struct scn_check *dst, const struct scn_check *src,
    size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		dst[i] = src[i];
		dst[i].name = xstrdup(src[i].name);
		dst[i].path = dup_or_null(src[i].path);
		dst[i].pattern = dup_or_null(src[i].pattern);
		dst[i].values = src[i].nvalues > 0 ? xcalloc(src[i].nvalues,
		    sizeof *dst[i].values) : NULL;
		for (k = 0; k < src[i].nvalues; k++)
			dst[i].values[k] = xstrdup(src[i].values[k]);
	}
}

void
scenario_checks_free(struct scn_check *checks, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		free(checks[i].name);
		free(checks[i].path);
		free(checks[i].pattern);
		for (k = 0; k < checks[i].nvalues; k++)
			free(checks[i].values[k]);
		free(checks[i].values);
	}
	free(checks);
}
