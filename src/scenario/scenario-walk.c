/*
 * The generic half of the scenario parser: positions and errors, scalar
 * values, and the table-driven walk over one mapping.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-walk.h"
#include "suggest.h"
#include "units.h"
#include "util.h"

struct scn_pos
scenario_pos_of(const yaml_node_t *node)
{
	struct scn_pos pos = { (int)node->start_mark.line + 1,
	    (int)node->start_mark.column + 1 };

	return pos;
}

/* Indentation of the first non-blank line at or after line (0-based). */
static int
block_indent(struct scn_parser *p, size_t line)
{
	const char *s = p->buf, *end = p->buf + p->len;
	size_t l = 0;
	int n;

	while (s < end && l < line) {
		if (*s++ == '\n')
			l++;
	}
	while (s < end) {
		for (n = 0; s < end && *s == ' '; s++)
			n++;
		if (s < end && *s != '\n' && *s != '\r')
			return n;
		while (s < end && *s != '\n')
			s++;
		if (s < end)
			s++;
	}
	return -1;
}

/* The source text at a mark's line and column (columns count characters,
 * not bytes). */
static const char *
source_at(struct scn_parser *p, size_t line, size_t col)
{
	const char *s = p->buf, *end = p->buf + p->len;

	for (; s < end && line > 0; s++) {
		if (*s == '\n')
			line--;
	}
	for (; s < end && col > 0; col--) {
		s++;
		while (s < end && ((u_char)*s & 0xc0) == 0x80)
			s++;
	}
	return s < end ? s : NULL;
}

/*
 * Where byte off of a scalar's value is in the file.  Exact for one-line
 * plain or quoted scalars without escapes and for literal blocks; the
 * scalar's own position otherwise.
 */
void
scenario_pos_in(struct scn_parser *p, const yaml_node_t *node, size_t off,
    int *line, int *col, bool *exact)
{
	const yaml_mark_t *s = &node->start_mark, *e = &node->end_mark;
	size_t len, span, k, start, i;
	const char *src;
	int indent;

	*line = (int)s->line + 1;
	*col = (int)s->column + 1;
	*exact = false;
	if (node->type != YAML_SCALAR_NODE)
		return;
	len = node->data.scalar.length;
	span = e->column - s->column;
	if (off > len)
		off = len;
	switch (node->data.scalar.style) {
	case YAML_PLAIN_SCALAR_STYLE:
		if (s->line == e->line && span == len) {
			*col += (int)off;
			*exact = true;
		}
		break;
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		if (s->line == e->line && span == len + 2) {
			*col += (int)off + 1;
			*exact = true;
		}
		break;
	case YAML_LITERAL_SCALAR_STYLE:
		/* "|2" fixes the indentation: not worth following. */
		if ((src = source_at(p, s->line, s->column)) == NULL ||
		    src + 1 >= p->buf + p->len || isdigit((u_char)src[1]))
			break;
		for (k = 0, start = 0, i = 0; i < off; i++) {
			if (node->data.scalar.value[i] == '\n') {
				k++;
				start = i + 1;
			}
		}
		indent = block_indent(p, s->line + 1);
		if (indent < 0)
			break;
		*line = (int)(s->line + 2 + k);
		*col = indent + (int)(off - start) + 1;
		*exact = true;
		break;
	default:
		break;
	}
}

static void
scenario_verr(struct scn_parser *p, int line, int col, const char *fmt, va_list ap)
{
	char *msg;

	xvasprintf(&msg, fmt, ap);
	scenario_errors_add(p->errs, p->file, line, col, "%s", msg);
	free(msg);
}

void
scenario_err(struct scn_parser *p, const yaml_node_t *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scenario_verr(p, (int)node->start_mark.line + 1,
	    (int)node->start_mark.column + 1, fmt, ap);
	va_end(ap);
}

void
scenario_err_in(struct scn_parser *p, const yaml_node_t *node, size_t off,
    const char *fmt, ...)
{
	va_list ap;
	int line, col;
	bool exact;

	scenario_pos_in(p, node, off, &line, &col, &exact);
	va_start(ap, fmt);
	scenario_verr(p, line, col, fmt, ap);
	va_end(ap);
}

yaml_node_t *
scenario_node(struct scn_parser *p, yaml_node_item_t id)
{
	return yaml_document_get_node(p->doc, id);
}

bool
scenario_is_null(const yaml_node_t *node)
{
	const char *v;

	if (node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)node->data.scalar.value;
	return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* A short printable copy of a value for messages: from a small ring of
 * buffers, so that a message can show two. */
char *
scenario_quote(const char *s)
{
	static char ring[4][64];
	static int next;
	char *out = ring[next++ % 4];
	size_t i, n = 0;

	out[n++] = '\'';
	for (i = 0; s[i] != '\0' && n < 44; i++)
		out[n++] = isprint((u_char)s[i]) ? s[i] : '?';
	if (s[i] != '\0') {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n++] = '\'';
	out[n] = '\0';
	return out;
}

const char *
scenario_describe(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_MAPPING_NODE:
		if (node->data.mapping.pairs.start == node->data.mapping.pairs.top)
			return "an empty mapping";
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		if (node->data.sequence.items.start ==
		    node->data.sequence.items.top)
			return "an empty list";
		return "a list";
	case YAML_SCALAR_NODE:
		if (scenario_is_null(node))
			return "nothing";
		return scenario_quote((const char *)node->data.scalar.value);
	default:
		return "nothing";
	}
}

/* The text of a scalar value, or NULL after an error naming key and what
 * was expected. */
const char *
scenario_scalar(struct scn_parser *p, const yaml_node_t *node, const char *key,
    const char *expected)
{
	if (node->type != YAML_SCALAR_NODE || scenario_is_null(node)) {
		scenario_err(p, node, "'%s' must be %s, got %s", key, expected,
		    scenario_describe(node));
		return NULL;
	}
	return (const char *)node->data.scalar.value;
}

int
scenario_get_int(struct scn_parser *p, const yaml_node_t *node, const char *key,
    long long min, long long max, long long *out)
{
	const char *s;
	char *end;
	long long v;

	if ((s = scenario_scalar(p, node, key, "an integer")) == NULL)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || isspace((u_char)*s)) {
		scenario_err(p, node, "'%s' must be an integer, got %s", key,
		    scenario_quote(s));
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		scenario_err(p, node, "'%s' must be between %lld and %lld, got %s",
		    key, min, max, s);
		return -1;
	}
	*out = v;
	return 0;
}

bool
scenario_is_http_url(const char *s)
{
	const char *host;

	if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return false;
	return *host != '\0' && *host != '/';
}

bool
scenario_is_token(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (!isalnum((u_char)*s) && strchr("!#$%&'*+-.^_`|~", *s) == NULL)
			return false;
	}
	return true;
}

void
scenario_h_str(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "text")) == NULL)
		return;
	if (*s == '\0') {
		scenario_err(p, v, "'%s' must not be empty", k->name);
		return;
	}
	*SCN_FIELD(obj, k, char *) = xstrdup(s);
}

void
scenario_h_bool(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "true or false")) == NULL)
		return;
	if (strcasecmp(s, "true") == 0)
		*SCN_FIELD(obj, k, bool) = true;
	else if (strcasecmp(s, "false") == 0)
		*SCN_FIELD(obj, k, bool) = false;
	else
		scenario_err(p, v, "'%s' must be true or false, got %s", k->name,
		    scenario_quote(s));
}

void
scenario_h_uint(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	long long n;

	if (scenario_get_int(p, v, k->name, k->min, k->max, &n) == 0)
		*SCN_FIELD(obj, k, unsigned) = (unsigned)n;
}

void
scenario_h_u64(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	long long n;

	if (scenario_get_int(p, v, k->name, k->min, k->max, &n) == 0)
		*SCN_FIELD(obj, k, uint64_t) = (uint64_t)n;
}

void
scenario_h_i64(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	long long n;

	if (scenario_get_int(p, v, k->name, k->min, k->max, &n) == 0)
		*SCN_FIELD(obj, k, int64_t) = n;
}

void
scenario_h_pid(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	long long n;

	if (scenario_get_int(p, v, k->name, 1, 4194304, &n) == 0)
		*SCN_FIELD(obj, k, pid_t) = (pid_t)n;
}

static void
duration(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj, bool zero_ok)
{
	const char *s;
	char *cause = NULL;
	int64_t us;

	if ((s = scenario_scalar(p, v, k->name, "a duration such as 5s")) == NULL)
		return;
	if (units_parse_duration(s, &us, &cause) != 0) {
		free(cause);
		scenario_err(p, v, "'%s' must be a duration such as 250ms, 5s or "
		    "2m, got %s", k->name, scenario_quote(s));
		return;
	}
	if ((zero_ok ? us < 0 : us <= 0) || us > SCN_MAX_DURATION_US) {
		scenario_err(p, v, "'%s' must be %s and at most 30 days, got %s",
		    k->name, zero_ok ? "0 or more" : "more than 0", s);
		return;
	}
	*SCN_FIELD(obj, k, int64_t) = us;
}

void
scenario_h_duration(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	duration(p, k, v, obj, false);
}

void
scenario_h_duration0(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	duration(p, k, v, obj, true);
}

static void
rate(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj, bool zero_ok)
{
	const char *s;
	char *cause = NULL;
	double r;

	if ((s = scenario_scalar(p, v, k->name, "a rate such as 100/s")) == NULL)
		return;
	if (units_parse_rate(s, &r, &cause) != 0) {
		free(cause);
		scenario_err(p, v, "'%s' must be a rate such as 100/s, got %s",
		    k->name, scenario_quote(s));
		return;
	}
	if (!(zero_ok ? r >= 0 : r > 0) || r > SCN_MAX_RATE) {
		scenario_err(p, v, "'%s' must be %s and at most 10000000/s, got %s",
		    k->name, zero_ok ? "0 or more" : "more than 0", s);
		return;
	}
	*SCN_FIELD(obj, k, double) = r;
}

void
scenario_h_rate(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	rate(p, k, v, obj, false);
}

void
scenario_h_rate0(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	rate(p, k, v, obj, true);
}

/* An absolute http(s) URL, or a path joined to base_url later. */
void
scenario_h_url(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "a URL")) == NULL)
		return;
	if (*s != '/' && !scenario_is_http_url(s)) {
		scenario_err(p, v, "'%s' must be an http:// or https:// URL or a "
		    "path starting with '/', got %s", k->name, scenario_quote(s));
		return;
	}
	*SCN_FIELD(obj, k, char *) = xstrdup(s);
}

yaml_node_t *
scenario_get(const struct scn_map *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->table[i].name, name) == 0)
			return m->val[i];
	}
	return NULL;
}

yaml_node_t *
scenario_getkey(const struct scn_map *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->table[i].name, name) == 0)
			return m->key[i];
	}
	return NULL;
}

/* The value of a key in a mapping node, before any walk; NULL if absent or
 * if node is not a mapping. */
yaml_node_t *
scenario_peek(struct scn_parser *p, yaml_node_t *node, const char *name)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k;

	if (node->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++) {
		k = scenario_node(p, pair->key);
		if (k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, name) == 0)
			return scenario_node(p, pair->value);
	}
	return NULL;
}

/*
 * Walk a mapping with a table of keys: unknown keys (with a suggestion),
 * duplicate keys and keys that the phase kind does not use are errors;
 * every other value goes to its handler.  kind is -1 outside phases.
 */
int
scenario_walk(struct scn_parser *p, yaml_node_t *node, const struct scn_key *table,
    size_t n, void *obj, const char *where, int kind, struct scn_map *m)
{
	const char *names[SCN_MAX_KEYS], *name, *near;
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v;
	size_t i;

	memset(m, 0, sizeof *m);
	m->node = node;
	m->table = table;
	m->n = n;
	if (node->type != YAML_MAPPING_NODE)
		return -1;
	for (i = 0; i < n; i++)
		names[i] = table[i].name;
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++) {
		k = scenario_node(p, pair->key);
		v = scenario_node(p, pair->value);
		if (k->type != YAML_SCALAR_NODE) {
			scenario_err(p, k, "keys must be plain text %s, got %s",
			    where, scenario_describe(k));
			continue;
		}
		name = (const char *)k->data.scalar.value;
		for (i = 0; i < n; i++) {
			if (strcmp(name, table[i].name) == 0)
				break;
		}
		if (i == n) {
			near = suggest_closest(name, names, n);
			if (near != NULL)
				scenario_err(p, k, "unknown key %s %s (did you mean "
				    "'%s'?)", scenario_quote(name), where, near);
			else
				scenario_err(p, k, "unknown key %s %s",
				    scenario_quote(name), where);
			continue;
		}
		if (m->key[i] != NULL) {
			scenario_err(p, k, "duplicate key '%s' %s", name, where);
			continue;
		}
		if (kind >= 0 && table[i].kinds != 0 &&
		    (table[i].kinds & (1u << kind)) == 0) {
			scenario_err(p, k, "key '%s' does not apply to %s phases, "
			    "%s", name, kinds_phase_name(kind), where);
			continue;
		}
		m->key[i] = k;
		m->val[i] = v;
		if (table[i].fn != NULL)
			table[i].fn(p, &table[i], v, obj);
	}
	return 0;
}

size_t
scenario_list_len(struct scn_parser *p, yaml_node_t *node, const char *key)
{
	if (node->type != YAML_SEQUENCE_NODE ||
	    node->data.sequence.items.start == node->data.sequence.items.top) {
		scenario_err(p, node, "'%s' must be a non-empty list of %s, got %s",
		    key, key, scenario_describe(node));
		return 0;
	}
	return (size_t)(node->data.sequence.items.top -
	    node->data.sequence.items.start);
}

yaml_node_t *
scenario_list_mapping(struct scn_parser *p, yaml_node_item_t it, const char *what)
{
	yaml_node_t *item = scenario_node(p, it);

	if (item->type != YAML_MAPPING_NODE) {
		scenario_err(p, item, "each %s must be a mapping, got %s", what,
		    scenario_describe(item));
		return NULL;
	}
	return item;
}
