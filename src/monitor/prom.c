#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"
#include "util.h"

struct prom_label {
	char *name;
	char *value;
};

struct prom_family {
	char *name;
	enum prom_type type;
};

static const char *const prom_type_names[] = {
	[PROM_UNTYPED] = "untyped",
	[PROM_COUNTER] = "counter",
	[PROM_GAUGE] = "gauge",
	[PROM_HISTOGRAM] = "histogram",
	[PROM_SUMMARY] = "summary",
};

const char *
prom_type_name(enum prom_type t)
{
	if ((size_t)t < LT_NELEM(prom_type_names) && prom_type_names[t] != NULL)
		return prom_type_names[t];
	return "untyped";
}

static int
prom_is_name_char(int c, bool first, bool colon)
{
	if (isalpha(c) || c == '_' || (colon && c == ':'))
		return 1;
	return !first && isdigit(c);
}

/* Scan a metric (colon) or label name; returns its length. */
static size_t
prom_scan_name(const char *p, const char *end, bool colon)
{
	const char *s = p;

	while (p < end && prom_is_name_char((unsigned char)*p, p == s, colon))
		p++;
	return p - s;
}

static const char *
prom_skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static int
prom_label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct prom_label *)a)->name,
	    ((const struct prom_label *)b)->name);
}

static void
prom_labels_free(struct prom_label *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(l[i].name);
		free(l[i].value);
	}
	free(l);
}

/* Sort and write labels as {a="x",b="y"}; "" when n is 0. */
static char *
prom_labels_canonical(struct prom_label *l, size_t n)
{
	size_t i, len = 3, off = 0;
	const char *v;
	char *out;

	if (n == 0)
		return xstrdup("");
	qsort(l, n, sizeof *l, prom_label_cmp);
	for (i = 0; i < n; i++)
		len += strlen(l[i].name) + 2 * strlen(l[i].value) + 4;
	out = xmalloc(len);
	out[off++] = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			out[off++] = ',';
		off += sprintf(out + off, "%s=\"", l[i].name);
		for (v = l[i].value; *v != '\0'; v++) {
			if (*v == '\\' || *v == '"')
				out[off++] = '\\';
			if (*v == '\n') {
				out[off++] = '\\';
				out[off++] = 'n';
			} else
				out[off++] = *v;
		}
		out[off++] = '"';
	}
	out[off++] = '}';
	out[off] = '\0';
	return out;
}

/*
 * Parse {name="value",...} starting at *pp (which points at '{').
 * Returns the canonical form or NULL with *err set.
 */
static char *
prom_parse_labels(const char **pp, const char *end, const char **err)
{
	const char *p = *pp + 1;
	struct prom_label *l = NULL;
	size_t n = 0, len, vlen;
	char *value, *out;

	for (;;) {
		p = prom_skip_blanks(p, end);
		if (p < end && *p == '}')
			break;
		len = prom_scan_name(p, end, false);
		if (len == 0) {
			*err = "expected a label name";
			goto fail;
		}
		l = xreallocarray(l, n + 1, sizeof *l);
		l[n].name = xstrndup(p, len);
		l[n].value = NULL;
		n++;
		p += len;
		p = prom_skip_blanks(p, end);
		if (p >= end || *p != '=' || p + 1 >= end || p[1] != '"') {
			*err = "expected =\" after a label name";
			goto fail;
		}
		p += 2;
		value = xmalloc(end - p + 1);
		vlen = 0;
		while (p < end && *p != '"') {
			if (*p == '\\' && p + 1 < end) {
				p++;
				value[vlen++] = *p == 'n' ? '\n' : *p;
			} else
				value[vlen++] = *p;
			p++;
		}
		value[vlen] = '\0';
		l[n - 1].value = value;
		if (p >= end) {
			*err = "unterminated label value";
			goto fail;
		}
		p++;
		p = prom_skip_blanks(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '}')
			break;
		*err = "expected , or } after a label value";
		goto fail;
	}
	*pp = p + 1;
	out = prom_labels_canonical(l, n);
	prom_labels_free(l, n);
	return out;
fail:
	prom_labels_free(l, n);
	return NULL;
}

static enum prom_type
prom_type_from(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < LT_NELEM(prom_type_names); i++) {
		if (strlen(prom_type_names[i]) == len &&
		    strncmp(prom_type_names[i], s, len) == 0)
			return (enum prom_type)i;
	}
	return PROM_UNTYPED;
}

/* The type of a sample: its family's, found by exact or suffixed name. */
static enum prom_type
prom_family_type(const struct prom_family *f, size_t nf, const char *name)
{
	static const char *suffixes[] = { "_bucket", "_sum", "_count" };
	size_t i, j, len;

	for (i = 0; i < nf; i++) {
		if (strcmp(f[i].name, name) == 0)
			return f[i].type;
		len = strlen(f[i].name);
		if (strncmp(f[i].name, name, len) != 0 ||
		    (f[i].type != PROM_HISTOGRAM && f[i].type != PROM_SUMMARY))
			continue;
		for (j = 0; j < LT_NELEM(suffixes); j++) {
			if (strcmp(name + len, suffixes[j]) == 0)
				return f[i].type;
		}
	}
	return PROM_UNTYPED;
}

/* After a '#': "TYPE name type" adds a family, the rest are comments. */
static int
prom_parse_comment(const char *p, const char *end, struct prom_family **fam,
    size_t *nfam, const char **err)
{
	const char *q;
	size_t len;

	while (p < end && *p == ' ')
		p++;
	if (end - p < 5 || strncmp(p, "TYPE ", 5) != 0)
		return 0;	/* HELP and plain comments */
	p += 5;
	while (p < end && *p == ' ')
		p++;
	if ((len = prom_scan_name(p, end, true)) == 0) {
		*err = "# TYPE without a metric name";
		return -1;
	}
	for (q = p + len; q < end && *q == ' '; q++)
		;
	while (end > q && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*fam = xreallocarray(*fam, *nfam + 1, sizeof **fam);
	(*fam)[*nfam].name = xstrndup(p, len);
	(*fam)[*nfam].type = prom_type_from(q, end - q);
	(*nfam)++;
	return 0;
}

/* The value after a sample's name and labels; returns its end or NULL. */
static const char *
prom_parse_value(const char *p, const char *end, double *value,
    const char **err)
{
	const char *q;
	char *num, *ep;
	bool bad;

	if (p >= end || (*p != ' ' && *p != '\t')) {
		*err = "expected a space before the value";
		return NULL;
	}
	p = prom_skip_blanks(p, end);
	for (q = p; q < end && *q != ' ' && *q != '\t'; q++)
		;
	num = xstrndup(p, q - p);
	errno = 0;
	*value = strtod(num, &ep);
	bad = *num == '\0' || *ep != '\0';
	free(num);
	if (bad) {
		*err = "bad sample value";
		return NULL;
	}
	return q;
}

/* The timestamp in milliseconds that may end a sample line. */
static int
prom_parse_timestamp(const char *p, const char *end, struct prom_sample *s,
    const char **err)
{
	char *num, *ep;
	size_t len;
	bool bad;

	if ((p = prom_skip_blanks(p, end)) == end)
		return 0;
	num = xstrndup(p, end - p);
	while ((len = strlen(num)) > 0 &&
	    (num[len - 1] == ' ' || num[len - 1] == '\t'))
		num[len - 1] = '\0';
	errno = 0;
	s->ts_ms = strtoll(num, &ep, 10);
	bad = *ep != '\0' || errno != 0;
	free(num);
	if (bad) {
		*err = "bad timestamp";
		return -1;
	}
	s->has_ts = true;
	return 0;
}

/* name{labels} value [timestamp], appended to doc. */
static int
prom_parse_sample(const char *p, const char *end, struct prom_doc *doc,
    const struct prom_family *fam, size_t nfam, const char **err)
{
	struct prom_sample s;
	size_t len;

	memset(&s, 0, sizeof s);
	if ((len = prom_scan_name(p, end, true)) == 0) {
		*err = "expected a metric name";
		return -1;
	}
	s.name = xstrndup(p, len);
	p += len;
	if (p < end && *p == '{')
		s.labels = prom_parse_labels(&p, end, err);
	else
		s.labels = xstrdup("");
	if (s.labels == NULL ||
	    (p = prom_parse_value(p, end, &s.value, err)) == NULL ||
	    prom_parse_timestamp(p, end, &s, err) != 0) {
		free(s.name);
		free(s.labels);
		return -1;
	}
	s.type = prom_family_type(fam, nfam, s.name);
	doc->v = xreallocarray(doc->v, doc->n + 1, sizeof *doc->v);
	doc->v[doc->n++] = s;
	return 0;
}

static int
prom_parse_line(const char *p, const char *end, struct prom_doc *doc,
    struct prom_family **fam, size_t *nfam, const char **err)
{
	if ((p = prom_skip_blanks(p, end)) == end)
		return 0;
	if (*p == '#')
		return prom_parse_comment(p + 1, end, fam, nfam, err);
	return prom_parse_sample(p, end, doc, *fam, *nfam, err);
}

int
prom_parse(const char *buf, size_t len, struct prom_doc *out, char **cause)
{
	const char *p = buf, *end = buf + len, *nl, *err = NULL;
	struct prom_family *fam = NULL;
	size_t nfam = 0, i;
	int line = 0, rc = 0;

	memset(out, 0, sizeof *out);
	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		if (prom_parse_line(p, nl > p && nl[-1] == '\r' ? nl - 1 : nl,
		    out, &fam, &nfam, &err) != 0) {
			xasprintf(cause, "line %d: %s", line, err);
			prom_doc_free(out);
			rc = -1;
			break;
		}
		p = nl + 1;
	}
	for (i = 0; i < nfam; i++)
		free(fam[i].name);
	free(fam);
	return rc;
}

void
prom_doc_free(struct prom_doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].labels);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}

int
prom_selector_parse(const char *text, struct prom_selector *sel,
    char **cause)
{
	const char *p = text, *end = text + strlen(text), *err = NULL;
	size_t len;

	memset(sel, 0, sizeof *sel);
	len = prom_scan_name(p, end, true);
	if (len == 0) {
		xasprintf(cause, "metric selector '%s': expected a metric name",
		    text);
		return -1;
	}
	p += len;
	if (p < end && *p == '{') {
		if ((sel->labels = prom_parse_labels(&p, end, &err)) == NULL) {
			xasprintf(cause, "metric selector '%s': %s", text, err);
			return -1;
		}
	}
	if (p != end) {
		free(sel->labels);
		sel->labels = NULL;
		xasprintf(cause, "metric selector '%s': trailing text", text);
		return -1;
	}
	sel->name = xstrndup(text, len);
	return 0;
}

void
prom_selector_free(struct prom_selector *sel)
{
	free(sel->name);
	free(sel->labels);
	memset(sel, 0, sizeof *sel);
}

/* Next label pair of a canonical string; *p advances past it. */
static bool
prom_next_pair(const char **p, const char **start, size_t *len)
{
	const char *q = *p;

	if (*q == '{' || *q == ',')
		q++;
	if (*q == '}' || *q == '\0')
		return false;
	*start = q;
	while (*q != '"')
		q++;
	for (q++; *q != '"'; q++) {
		if (*q == '\\')
			q++;
	}
	q++;
	*len = q - *start;
	*p = q;
	return true;
}

bool
prom_selector_match(const struct prom_selector *sel,
    const struct prom_sample *s)
{
	const char *sp, *a, *hp, *b;
	size_t alen, blen;
	bool found;

	if (strcmp(sel->name, s->name) != 0)
		return false;
	if (sel->labels == NULL || *sel->labels == '\0')
		return true;
	sp = sel->labels;
	while (prom_next_pair(&sp, &a, &alen)) {
		found = false;
		hp = s->labels;
		while (!found && *hp != '\0' && prom_next_pair(&hp, &b, &blen))
			found = alen == blen && memcmp(a, b, alen) == 0;
		if (!found)
			return false;
	}
	return true;
}
