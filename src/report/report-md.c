/* report.md: the results document as Markdown. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report-int.h"
#include "util.h"

/* Table cells: a '|' or a newline would break the row. */
static void
md_cell(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

/*
 * Literal text as a code span: fenced by one backtick more than the
 * longest run of them inside, and padded with a space where a backtick
 * or a space would touch the fence (one each side is stripped again).
 */
static void
md_code(FILE *f, const char *s)
{
	size_t run = 0, longest = 0, len = strlen(s), i;
	bool pad;

	if (len == 0)
		return;
	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		longest = LT_MAX(longest, run);
	}
	pad = s[0] == '`' || s[0] == ' ' || s[len - 1] == '`' ||
	    s[len - 1] == ' ';
	for (i = 0; i <= longest; i++)
		fputc('`', f);
	if (pad)
		fputc(' ', f);
	md_cell(f, s);
	if (pad)
		fputc(' ', f);
	for (i = 0; i <= longest; i++)
		fputc('`', f);
}

static void
md_table(FILE *f, const struct rdoc_block *b)
{
	size_t r, k;

	for (r = 0; r <= b->nrows; r++) {
		fputc('|', f);
		for (k = 0; k < b->ncols; k++) {
			fputc(' ', f);
			if (r > 0 && k < 32 && (b->code >> k & 1))
				md_code(f, b->cells[r * b->ncols + k]);
			else
				md_cell(f, b->cells[r * b->ncols + k]);
			fputs(" |", f);
		}
		fputc('\n', f);
		if (r == 0) {
			fputc('|', f);
			for (k = 0; k < b->ncols; k++)
				fputs("---|", f);
			fputc('\n', f);
		}
	}
	fputc('\n', f);
}

int
report_md_write(FILE *f, const struct report_ctx *c)
{
	struct rdoc d;
	size_t i;
	bool in_list = false;

	report_doc_build(&d, c);
	for (i = 0; i < d.n; i++) {
		const struct rdoc_block *b = &d.v[i];

		if (in_list && b->kind != RDOC_ITEM) {
			fputc('\n', f);
			in_list = false;
		}
		switch (b->kind) {
		case RDOC_HEADING:
			fprintf(f, "%.*s %s\n\n", b->level, "###", b->text);
			break;
		case RDOC_KV:
			/* Two trailing spaces: a line break, not a paragraph. */
			fprintf(f, "**%s**: %s  \n", b->text, b->value);
			if (i + 1 < d.n && d.v[i + 1].kind != RDOC_KV)
				fputc('\n', f);
			break;
		case RDOC_PARA:
			fprintf(f, "%s\n\n", b->text);
			break;
		case RDOC_ITEM:
			fprintf(f, "- %s\n", b->text);
			in_list = true;
			break;
		case RDOC_TABLE:
			md_table(f, b);
			break;
		case RDOC_CHARTS:
			fputs("Charts of the run are in report.html.\n\n", f);
			break;
		}
	}
	report_doc_free(&d);
	return ferror(f) ? -1 : 0;
}
