/*
 * The walk over libyaml's document tree: nodes, lists, and one mapping
 * at a time driven by a const table of its keys.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-walk.h"
#include "suggest.h"
#include "util.h"

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

/* The text of a plain or quoted scalar that says something, else NULL;
 * reports nothing. */
const char *
scenario_text_of(const yaml_node_t *node)
{
	if (node == NULL || node->type != YAML_SCALAR_NODE ||
	    scenario_is_null(node))
		return NULL;
	return (const char *)node->data.scalar.value;
}

/* The later of two nodes in the file, for "not both" errors. */
yaml_node_t *
scenario_later(yaml_node_t *a, yaml_node_t *b)
{
	return a->start_mark.index > b->start_mark.index ? a : b;
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

static size_t
find_key(const struct scn_key *table, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(name, table[i].name) == 0)
			break;
	}
	return i;
}

/* Whether the walk took the table's key: known, and for this phase kind
 * (kind -1: any mapping but a phase). */
static bool
key_applies(const struct scn_key *key, int kind)
{
	return kind < 0 || key->kinds == 0 || (key->kinds & (1u << kind)) != 0;
}

static void
unknown_key(struct scn_parser *p, const yaml_node_t *k, const char *name,
    const struct scn_map *m, const char *where)
{
	const char **names = xcalloc(m->n, sizeof *names), *near;
	size_t i;

	for (i = 0; i < m->n; i++)
		names[i] = m->table[i].name;
	near = suggest_closest(name, names, m->n);
	if (near != NULL)
		scenario_err(p, k, "unknown key %s %s (did you mean '%s'?)",
		    scenario_quote(name), where, near);
	else
		scenario_err(p, k, "unknown key %s %s", scenario_quote(name),
		    where);
	free(names);
}

/* One key of the mapping: its table entry's index, or n after an error. */
static size_t
take_key(struct scn_parser *p, const struct scn_map *m, const yaml_node_t *k,
    const bool *seen, const char *where)
{
	const char *name;
	size_t i;

	if (k->type != YAML_SCALAR_NODE) {
		scenario_err(p, k, "keys must be plain text %s, got %s", where,
		    scenario_describe(k));
		return m->n;
	}
	name = (const char *)k->data.scalar.value;
	if ((i = find_key(m->table, m->n, name)) == m->n)
		unknown_key(p, k, name, m, where);
	else if (seen[i])
		scenario_err(p, k, "duplicate key '%s' %s", name, where);
	else if (!key_applies(&m->table[i], m->kind))
		scenario_err(p, k, "key '%s' does not apply to %s phases, %s",
		    name, kinds_phase_name(m->kind), where);
	else
		return i;
	return m->n;
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
	yaml_node_pair_t *pair;
	bool *seen;
	size_t i;

	*m = (struct scn_map){ .p = p, .node = node, .table = table, .n = n,
	    .kind = kind };
	if (node->type != YAML_MAPPING_NODE)
		return -1;
	seen = xcalloc(n + 1, sizeof *seen);
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++) {
		i = take_key(p, m, scenario_node(p, pair->key), seen, where);
		if (i == n)
			continue;
		seen[i] = true;
		if (table[i].fn != NULL)
			table[i].fn(p, &table[i], scenario_node(p, pair->value),
			    obj);
	}
	free(seen);
	return 0;
}

/* The pair the walk took for a key of the table, or NULL. */
static yaml_node_pair_t *
taken_pair(const struct scn_map *m, const char *name)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k;
	size_t i = find_key(m->table, m->n, name);

	if (m->node->type != YAML_MAPPING_NODE || i == m->n ||
	    !key_applies(&m->table[i], m->kind))
		return NULL;
	/* The first of duplicates is the one taken. */
	for (pair = m->node->data.mapping.pairs.start;
	    pair < m->node->data.mapping.pairs.top; pair++) {
		k = scenario_node(m->p, pair->key);
		if (k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, name) == 0)
			return pair;
	}
	return NULL;
}

yaml_node_t *
scenario_get(const struct scn_map *m, const char *name)
{
	yaml_node_pair_t *pair = taken_pair(m, name);

	return pair != NULL ? scenario_node(m->p, pair->value) : NULL;
}

yaml_node_t *
scenario_getkey(const struct scn_map *m, const char *name)
{
	yaml_node_pair_t *pair = taken_pair(m, name);

	return pair != NULL ? scenario_node(m->p, pair->key) : NULL;
}

/*
 * Exactly one of keys[0..n) in the walked mapping (list: them in words,
 * "'a', 'b' or 'c'"; what: "a check"): its index, or n after an error at
 * the later of two, or at the mapping when none is there.
 */
size_t
scenario_one_of(struct scn_parser *p, const struct scn_map *m,
    const char *const *keys, size_t n, const char *list, const char *what,
    const char *where)
{
	yaml_node_t *k, *first = NULL;
	size_t i, found = n;

	for (i = 0; i < n; i++) {
		if ((k = scenario_getkey(m, keys[i])) == NULL)
			continue;
		if (first == NULL) {
			first = k;
			found = i;
			continue;
		}
		scenario_err(p, scenario_later(first, k), "%s takes one of %s, "
		    "not both '%s' and '%s', %s", what, list, keys[found],
		    keys[i], where);
		return n;
	}
	if (first == NULL)
		scenario_err(p, m->node, "%s needs one of %s %s", what, list,
		    where);
	return found;
}
