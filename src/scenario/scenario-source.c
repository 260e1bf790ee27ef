/*
 * Templates of the scenario format and where their text came from: a
 * problem found in one later (an unset variable) still has a place.
 * Headers are here too, since their values are templates.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario-walk.h"
#include "util.h"

static void
srcmap_add(struct scenario *scn, const struct tmpl *t, size_t from,
    const char *text, int line, int col, bool exact)
{
	struct scn_srcmap *sm;
	struct scn_srcmap_ent *e;

	if (scn->srcmap == NULL)
		scn->srcmap = xcalloc(1, sizeof *scn->srcmap);
	sm = scn->srcmap;
	/* Doubled at each power of two: a template per request of a file
	 * of 100,000 would otherwise copy the map 100,000 times. */
	if ((sm->n & (sm->n - 1)) == 0)
		sm->v = xreallocarray(sm->v, sm->n ? sm->n * 2 : 1,
		    sizeof *sm->v);
	e = &sm->v[sm->n++];
	e->tmpl = t;
	e->from = from;
	e->text = text;
	e->line = line;
	e->col = col;
	e->exact = exact;
}

/* Template t's text from offset from on is node's value from byte
 * node_off on. */
void
scenario_srcmap_note(struct scn_parser *p, const struct tmpl *t, size_t from,
    const char *text, const yaml_node_t *node, size_t node_off)
{
	int line, col;
	bool exact;

	scenario_pos_in(p, node, node_off, &line, &col, &exact);
	srcmap_add(p->scn, t, from, text, line, col, exact);
}

/* Give template to the same place as template from (a copied header). */
void
scenario_srcmap_copy(struct scenario *scn, const struct tmpl *from,
    const struct tmpl *to, const char *text)
{
	size_t i, n = scn->srcmap != NULL ? scn->srcmap->n : 0;
	struct scn_srcmap_ent e;

	for (i = 0; i < n; i++) {
		e = scn->srcmap->v[i];
		if (e.tmpl == from)
			srcmap_add(scn, to, e.from, text, e.line, e.col, e.exact);
	}
}

void
scenario_srcmap_pos(const struct scenario *scn, const struct tmpl *t, size_t off,
    int *line, int *col)
{
	const struct scn_srcmap_ent *e, *best = NULL;
	size_t i, start, n = scn->srcmap != NULL ? scn->srcmap->n : 0;

	*line = *col = 0;
	for (i = 0; i < n; i++) {
		e = &scn->srcmap->v[i];
		if (e->tmpl == t && e->from <= off &&
		    (best == NULL || e->from > best->from))
			best = e;
	}
	if (best == NULL)
		return;
	*line = best->line;
	*col = best->col;
	if (!best->exact)
		return;
	for (start = best->from, i = best->from; i < off && best->text[i]; i++) {
		if (best->text[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	}
	*col += (int)(off - start);
}

void
scenario_srcmap_free(struct scn_srcmap *sm)
{
	if (sm == NULL)
		return;
	free(sm->v);
	free(sm);
}

/* Compile the text of a scalar node (text is the model's copy of it). */
int
scenario_compile(struct scn_parser *p, const yaml_node_t *node, const char *text,
    struct tmpl **out, const char *label)
{
	char *cause = NULL;
	size_t off = 0;

	if (template_compile(text, strlen(text), out, &off, &cause) != 0) {
		scenario_err_in(p, node, off, "%s: %s", label, cause);
		free(cause);
		*out = NULL;
		return -1;
	}
	scenario_srcmap_note(p, *out, 0, text, node, 0);
	return 0;
}

/* The header's name, or NULL after saying what is wrong with it. */
static const char *
header_name(struct scn_parser *p, const yaml_node_t *k,
    const struct scn_headers *hs, const char *where)
{
	const char *name;
	size_t i;

	if ((name = scenario_scalar(p, k, "headers", "a mapping of "
	    "name: value")) == NULL)
		return NULL;
	if (!scenario_is_token(name)) {
		scenario_err(p, k, "%s is not a valid header name %s",
		    scenario_quote(name), where);
		return NULL;
	}
	for (i = 0; i < hs->n; i++) {
		if (strcasecmp(hs->v[i].name, name) == 0) {
			scenario_err(p, k, "duplicate header '%s' %s", name, where);
			return NULL;
		}
	}
	return name;
}

static void
add_header(struct scn_parser *p, struct scn_headers *hs, const char *name,
    const yaml_node_t *v)
{
	struct scn_header *h;
	char *label;
	size_t brk;

	hs->v = xreallocarray(hs->v, hs->n + 1, sizeof *hs->v);
	h = &hs->v[hs->n];
	memset(h, 0, sizeof *h);
	h->name = xstrdup(name);
	h->value = xstrdup((const char *)v->data.scalar.value);
	h->pos = scenario_pos_of(v);
	xasprintf(&label, "header '%s'", name);
	/* A line break would end the header and start one of the file's. */
	if ((brk = strcspn(h->value, "\r\n")) < strlen(h->value)) {
		scenario_err_in(p, v, brk, "%s: a value is one line; a CR or LF "
		    "in it would start another header", label);
		free(h->name);
		free(h->value);
	} else if (scenario_compile(p, v, h->value, &h->tmpl, label) != 0) {
		free(h->name);
		free(h->value);
	} else
		hs->n++;
	free(label);
}

/* name: value pairs; values are templates. */
void
scenario_parse_headers(struct scn_parser *p, yaml_node_t *node,
    struct scn_headers *hs, const char *where)
{
	yaml_node_pair_t *pair;
	yaml_node_t *v;
	const char *name;

	if (node->type != YAML_MAPPING_NODE) {
		scenario_err(p, node, "'headers' must be a mapping of name: value, "
		    "got %s", scenario_describe(node));
		return;
	}
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++) {
		v = scenario_node(p, pair->value);
		if ((name = header_name(p, scenario_node(p, pair->key), hs,
		    where)) == NULL)
			continue;
		if (v->type != YAML_SCALAR_NODE || scenario_is_null(v)) {
			/* The value may be a secret: describe its type only. */
			scenario_err(p, v, "header '%s' must have a text value %s",
			    name, where);
			continue;
		}
		add_header(p, hs, name, v);
	}
}
