/* The results document's blocks: headings, lines, tables, and short
 * formatted strings for their cells. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-int.h"
#include "util.h"

struct rdoc_block *
report_doc_add(struct rdoc *d, enum rdoc_kind kind)
{
	struct rdoc_block *b;

	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	b = &d->v[d->n++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	return b;
}

void
report_doc_heading(struct rdoc *d, int level, const char *text)
{
	struct rdoc_block *b = report_doc_add(d, RDOC_HEADING);

	b->level = level;
	b->text = xstrdup(text);
}

void
report_doc_text(struct rdoc *d, enum rdoc_kind kind, const char *fmt, ...)
{
	struct rdoc_block *b = report_doc_add(d, kind);
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(&b->text, fmt, ap);
	va_end(ap);
}

void
report_doc_kv(struct rdoc *d, const char *label, const char *fmt, ...)
{
	struct rdoc_block *b = report_doc_add(d, RDOC_KV);
	va_list ap;

	b->text = xstrdup(label);
	va_start(ap, fmt);
	xvasprintf(&b->value, fmt, ap);
	va_end(ap);
}

/* A table with the given header; "|"-separated column names. */
struct rdoc_block *
report_doc_table(struct rdoc *d, const char *head)
{
	struct rdoc_block *b = report_doc_add(d, RDOC_TABLE);
	const char *p = head, *bar;

	b->ncols = 1;
	for (; *p != '\0'; p++)
		b->ncols += *p == '|';
	b->cells = xcalloc(b->ncols, sizeof *b->cells);
	for (p = head, b->ncols = 0; ; p = bar + 1) {
		bar = strchr(p, '|');
		b->cells[b->ncols++] = bar ? xstrndup(p, (size_t)(bar - p)) :
		    xstrdup(p);
		if (bar == NULL)
			break;
	}
	return b;
}

/* Add a row: ncols printf-formatted cells, each given as a string. */
void
report_doc_row(struct rdoc_block *t, ...)
{
	va_list ap;
	size_t i, base;

	t->nrows++;
	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof *t->cells);
	base = t->nrows * t->ncols;
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *cell = va_arg(ap, const char *);

		t->cells[base + i] = xstrdup(cell != NULL ? cell : "");
	}
	va_end(ap);
}

void
report_doc_code(struct rdoc_block *t, size_t col)
{
	if (col < 32)
		t->code |= UINT32_C(1) << col;
}

const char *
report_doc_f(struct report_fbuf *f, const char *fmt, ...)
{
	char *p = f->b[f->i++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof f->b[0], fmt, ap);
	va_end(ap);
	return p;
}

const char *
report_doc_ms(struct report_fbuf *f, double ms)
{
	char *p = f->b[f->i++ % 8];

	return units_format_ms(ms, p, sizeof f->b[0]);
}

const char *
report_doc_secs(struct report_fbuf *f, double seconds)
{
	char *p = f->b[f->i++ % 8];

	return report_format_seconds(seconds, p, sizeof f->b[0]);
}

void
report_doc_free(struct rdoc *d)
{
	size_t i, k;

	for (i = 0; i < d->n; i++) {
		struct rdoc_block *b = &d->v[i];

		free(b->text);
		free(b->value);
		if (b->kind == RDOC_TABLE)
			for (k = 0; k < (b->nrows + 1) * b->ncols; k++)
				free(b->cells[k]);
		free(b->cells);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}
