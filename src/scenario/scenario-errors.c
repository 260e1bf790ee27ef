/*
 * The bottom of the scenario parser: where a node or a character of its
 * value is in the file, and the list of FILE:LINE:COL diagnostics.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-walk.h"
#include "util.h"

void
scenario_errors_add(struct scn_errors *errs, const char *file, int line, int col,
    const char *fmt, ...)
{
	struct scn_error *e;
	va_list ap;

	errs->v = xreallocarray(errs->v, errs->n + 1, sizeof *errs->v);
	e = &errs->v[errs->n++];
	e->file = xstrdup(file);
	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	xvasprintf(&e->msg, fmt, ap);
	va_end(ap);
}

char *
scenario_error_format(const struct scn_error *e)
{
	char *s;

	if (strcmp(e->file, SCN_ADHOC_FILE) == 0)
		xasprintf(&s, "loadtop: %s", e->msg);
	else if (e->line > 0)
		xasprintf(&s, "%s:%d:%d: %s", e->file, e->line, e->col, e->msg);
	else
		xasprintf(&s, "%s: %s", e->file, e->msg);
	return s;
}

void
scenario_errors_print(FILE *f, const struct scn_errors *errs)
{
	char *s;
	size_t i;

	for (i = 0; i < errs->n; i++) {
		s = scenario_error_format(&errs->v[i]);
		fprintf(f, "%s\n", s);
		free(s);
	}
}

void
scenario_errors_clear(struct scn_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++) {
		free(errs->v[i].file);
		free(errs->v[i].msg);
	}
	free(errs->v);
	errs->v = NULL;
	errs->n = 0;
}

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

/* Byte off of a literal block's value, as a line and column; false when
 * the block's indentation cannot be followed. */
static bool
pos_in_literal(struct scn_parser *p, const yaml_node_t *node, size_t off,
    int *line, int *col)
{
	const yaml_mark_t *s = &node->start_mark;
	const char *src;
	size_t k, start, i;
	int indent;

	/* "|2" fixes the indentation: not worth following. */
	if ((src = source_at(p, s->line, s->column)) == NULL ||
	    src + 1 >= p->buf + p->len || isdigit((u_char)src[1]))
		return false;
	for (k = 0, start = 0, i = 0; i < off; i++) {
		if (node->data.scalar.value[i] == '\n') {
			k++;
			start = i + 1;
		}
	}
	if ((indent = block_indent(p, s->line + 1)) < 0)
		return false;
	*line = (int)(s->line + 2 + k);
	*col = indent + (int)(off - start) + 1;
	return true;
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
	size_t len, span;

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
		*exact = pos_in_literal(p, node, off, line, col);
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
