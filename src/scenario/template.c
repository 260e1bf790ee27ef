/*
 * Compiling templates, binding their ${env:} and ${var:} to values and
 * indexes, and what a compiled one says of itself.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "template-int.h"
#include "util.h"

static const char *const tmpl_names[] = {
	"seq", "uuid", "now_ms", "now_iso", "rand", "env", "var"
};

static int
template_fail(size_t *err_off, size_t off, char **cause, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
template_fail(size_t *err_off, size_t off, char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
	*err_off = off;
	return -1;
}

static struct tmpl_seg *
template_add(struct tmpl *t, enum tmpl_kind kind, size_t off)
{
	struct tmpl_seg *seg;

	t->segs = xreallocarray(t->segs, t->nsegs + 1, sizeof *t->segs);
	seg = &t->segs[t->nsegs++];
	memset(seg, 0, sizeof *seg);
	seg->kind = kind;
	seg->off = off;
	return seg;
}

/* Close the literal run that started at lits offset `start`, if any. */
static void
template_end_literal(struct tmpl *t, size_t *start)
{
	struct tmpl_seg *seg;

	if (t->lits_len > *start) {
		seg = template_add(t, TMPL_LITERAL, 0);
		seg->lit_off = *start;
		seg->lit_len = t->lits_len - *start;
		t->fixed_max += seg->lit_len;
	}
	*start = t->lits_len;
}

static size_t
template_u64_digits(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Parse a non-negative integer in s[0, len); returns chars used or 0. */
static size_t
template_scan_u64(const char *s, size_t len, uint64_t *out, bool *overflow)
{
	uint64_t v = 0;
	size_t i;
	unsigned d;

	*overflow = false;
	for (i = 0; i < len && isdigit((unsigned char)s[i]); i++) {
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			*overflow = true;
		v = v * 10 + d;
	}
	*out = v;
	return i;
}

/* ${rand:LO-HI}; arg is LO-HI at offset off of the text. */
static int
template_parse_rand(struct tmpl_seg *seg, const char *arg, size_t len, size_t off,
    size_t *err_off, char **cause)
{
	size_t n, m;
	bool over;

	if (len > 0 && arg[0] == '-')
		return template_fail(err_off, off, cause, "${rand:LO-HI} bounds "
		    "must not be negative");
	if ((n = template_scan_u64(arg, len, &seg->lo, &over)) == 0 ||
	    n == len || arg[n] != '-')
		return template_fail(err_off, off, cause, "expected ${rand:LO-HI}"
		    " with whole numbers, such as ${rand:1-100}");
	if (over)
		return template_fail(err_off, off, cause, "rand bound '%.*s' is "
		    "too large", (int)n, arg);
	if (arg[n + 1] == '-')
		return template_fail(err_off, off + n + 1, cause, "${rand:LO-HI} "
		    "bounds must not be negative");
	m = template_scan_u64(arg + n + 1, len - n - 1, &seg->hi, &over);
	if (m == 0 || n + 1 + m != len)
		return template_fail(err_off, off + n + 1, cause, "expected "
		    "${rand:LO-HI} with whole numbers, such as ${rand:1-100}");
	if (over)
		return template_fail(err_off, off + n + 1, cause, "rand bound "
		    "'%.*s' is too large", (int)m, arg + n + 1);
	if (seg->lo > seg->hi)
		return template_fail(err_off, off, cause, "in ${rand:%.*s} the low "
		    "bound is above the high one", (int)len, arg);
	return 0;
}

/* The variables that take a name: ${env:NAME}, ${var:NAME}. */
static const struct tmpl_named {
	const char	*head;
	enum tmpl_kind	 kind;
	const char	*what;		/* "an environment variable" */
	const char	*example;
} tmpl_named[] = {
	{ "env", TMPL_ENV, "an environment variable", "API_TOKEN" },
	{ "var", TMPL_VAR, "a variable", "token" },
};

/* ${env:NAME} or ${var:NAME}: arg is NAME, at offset off of the text. */
static int
template_parse_named(struct tmpl *t, const struct tmpl_named *nk,
    const char *arg, size_t len, size_t off, size_t *err_off, char **cause)
{
	struct tmpl_seg *seg;
	size_t i;

	for (i = 0; i < len; i++) {
		if (arg[i] == '_' || isalpha((unsigned char)arg[i]) ||
		    (i > 0 && isdigit((unsigned char)arg[i])))
			continue;
		break;
	}
	if (len == 0 || i != len)
		return template_fail(err_off, off, cause, "'%.*s' is not %s "
		    "name; expected letters, digits and _, not starting with "
		    "a digit", (int)len, arg, nk->what);
	seg = template_add(t, nk->kind, off - strlen(nk->head) - 3);
	seg->name = xstrndup(arg, len);
	seg->var = SIZE_MAX;
	if (nk->kind == TMPL_ENV)
		t->has_env = true;
	else {
		t->has_var = true;
		t->fixed_max += TMPL_VAR_MAX;
	}
	return 0;
}

/* ${seq}, ${uuid}, ${now_ms}, ${now_iso}: 1 when body is one, -1 on an
 * error, 0 when it is none of them. */
static int
template_parse_plain(struct tmpl *t, const char *body, size_t hlen,
    bool arg, size_t off, size_t *err_off, char **cause)
{
	static const struct {
		const char	*name;
		enum tmpl_kind	 kind;
		size_t		 max;
	} plain[] = {
		{ "seq", TMPL_SEQ, TMPL_U64_DIGITS },
		{ "uuid", TMPL_UUID, TMPL_UUID_LEN },
		{ "now_ms", TMPL_NOW_MS, TMPL_I64_CHARS },
		{ "now_iso", TMPL_NOW_ISO, TMPL_ISO_LEN },
	};
	size_t i;

	for (i = 0; i < LT_NELEM(plain); i++) {
		if (strlen(plain[i].name) != hlen ||
		    strncmp(plain[i].name, body, hlen) != 0)
			continue;
		if (arg)
			return template_fail(err_off, off, cause, "${%s} takes no "
			    "argument", plain[i].name);
		template_add(t, plain[i].kind, off);
		t->fixed_max += plain[i].max;
		if (plain[i].kind == TMPL_SEQ)
			t->uses_seq = true;
		return 1;
	}
	return 0;
}

static int
template_unknown(const char *body, size_t len, size_t hlen, size_t off,
    size_t *err_off, char **cause)
{
	const char *best;
	char *head;

	if (len == 0)
		return template_fail(err_off, off, cause, "empty variable '${}'; "
		    "write $${ for a literal '${'");
	head = xstrndup(body, hlen);
	best = suggest_closest(head, tmpl_names, LT_NELEM(tmpl_names));
	free(head);
	if (best == NULL)
		return template_fail(err_off, off, cause, "unknown variable "
		    "'${%.*s}'; expected seq, uuid, now_ms, now_iso, "
		    "rand:LO-HI, env:NAME or var:NAME", (int)len, body);
	return template_fail(err_off, off, cause, "unknown variable '${%.*s}'; "
	    "did you mean '${%s%s}'?", (int)len, body, best,
	    strcmp(best, "rand") == 0 ? ":LO-HI" :
	    strcmp(best, "env") == 0 || strcmp(best, "var") == 0 ? ":NAME" : "");
}

/* The inside of one ${...}: body[0, len), whose "${" is at off. */
static int
template_parse_var(struct tmpl *t, const char *body, size_t len, size_t off,
    size_t *err_off, char **cause)
{
	struct tmpl_seg *seg;
	const char *colon;
	size_t i, hlen;
	int r;

	colon = memchr(body, ':', len);
	hlen = colon != NULL ? (size_t)(colon - body) : len;
	if ((r = template_parse_plain(t, body, hlen, colon != NULL, off,
	    err_off, cause)) != 0)
		return r < 0 ? -1 : 0;
	if (hlen == 4 && strncmp(body, "rand", 4) == 0) {
		if (colon == NULL)
			return template_fail(err_off, off, cause, "${rand} needs a "
			    "range, such as ${rand:1-100}");
		seg = template_add(t, TMPL_RAND, off);
		if (template_parse_rand(seg, colon + 1, len - 5, off + 7, err_off,
		    cause) != 0)
			return -1;
		t->fixed_max += template_u64_digits(seg->hi);
		return 0;
	}
	for (i = 0; i < LT_NELEM(tmpl_named); i++) {
		if (strlen(tmpl_named[i].head) != hlen ||
		    strncmp(body, tmpl_named[i].head, hlen) != 0)
			continue;
		if (colon == NULL)
			return template_fail(err_off, off, cause, "${%s} needs a "
			    "variable name, such as ${%s:%s}", tmpl_named[i].head,
			    tmpl_named[i].head, tmpl_named[i].example);
		return template_parse_named(t, &tmpl_named[i], colon + 1,
		    len - hlen - 1, off + hlen + 3, err_off, cause);
	}
	return template_unknown(body, len, hlen, off, err_off, cause);
}

int
template_compile(const char *text, size_t len, struct tmpl **out, size_t *err_off,
    char **cause)
{
	struct tmpl *t;
	const char *close;
	size_t i = 0, start = 0;

	t = xcalloc(1, sizeof *t);
	t->lits = xmalloc(len + 1);
	while (i < len) {
		if (text[i] == '$' && i + 2 < len && text[i + 1] == '$' &&
		    text[i + 2] == '{') {
			t->lits[t->lits_len++] = '$';
			t->lits[t->lits_len++] = '{';
			i += 3;
			continue;
		}
		if (text[i] != '$' || i + 1 >= len || text[i + 1] != '{') {
			t->lits[t->lits_len++] = text[i++];
			continue;
		}
		template_end_literal(t, &start);
		close = memchr(text + i + 2, '}', len - i - 2);
		if (close == NULL) {
			template_fail(err_off, i, cause, "unterminated '${': no "
			    "closing '}' (write $${ for a literal '${')");
			goto fail;
		}
		if (template_parse_var(t, text + i + 2, (size_t)(close - text) -
		    i - 2, i, err_off, cause) != 0)
			goto fail;
		i = (size_t)(close - text) + 1;
	}
	template_end_literal(t, &start);
	*out = t;
	return 0;

fail:
	template_free(t);
	*out = NULL;
	return -1;
}

void
template_free(struct tmpl *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nsegs; i++) {
		free(t->segs[i].name);
		if (t->segs[i].value != NULL) {
			explicit_bzero(t->segs[i].value, t->segs[i].value_len);
			free(t->segs[i].value);
		}
	}
	free(t->segs);
	free(t->lits);
	free(t);
}

int
template_bind_env(struct tmpl *t, const char **missing, size_t *err_off)
{
	struct tmpl_seg *seg;
	const char *v;
	size_t i;

	for (i = 0; i < t->nsegs; i++) {
		seg = &t->segs[i];
		if (seg->kind != TMPL_ENV)
			continue;
		if ((v = getenv(seg->name)) == NULL) {
			*missing = seg->name;
			*err_off = seg->off;
			return -1;
		}
		if (seg->value != NULL) {
			explicit_bzero(seg->value, seg->value_len);
			free(seg->value);
		}
		seg->value = xstrdup(v);
		seg->value_len = strlen(v);
	}
	return 0;
}

int
template_bind_vars(struct tmpl *t, char *const *names, size_t n,
    const char **missing, size_t *err_off)
{
	struct tmpl_seg *seg;
	size_t i, k;

	for (i = 0; i < t->nsegs; i++) {
		seg = &t->segs[i];
		if (seg->kind != TMPL_VAR)
			continue;
		for (k = 0; k < n && strcmp(names[k], seg->name) != 0; k++)
			/* nothing */;
		if (k == n) {
			seg->var = SIZE_MAX;
			*missing = seg->name;
			*err_off = seg->off;
			return -1;
		}
		seg->var = k;
	}
	return 0;
}

size_t
template_env_values(const struct tmpl *t, const char **v, size_t *len,
    size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < t->nsegs && n < cap; i++) {
		if (t->segs[i].kind != TMPL_ENV || t->segs[i].value == NULL)
			continue;
		v[n] = t->segs[i].value;
		len[n++] = t->segs[i].value_len;
	}
	return n;
}

/* Each bound variable once, in the order of its first use. */
size_t
template_vars(const struct tmpl *t, size_t *idx, size_t cap)
{
	size_t i, k, n = 0;

	for (i = 0; i < t->nsegs && n < cap; i++) {
		if (t->segs[i].kind != TMPL_VAR || t->segs[i].var == SIZE_MAX)
			continue;
		for (k = 0; k < n && idx[k] != t->segs[i].var; k++)
			/* nothing */;
		if (k == n)
			idx[n++] = t->segs[i].var;
	}
	return n;
}

bool
template_is_static(const struct tmpl *t)
{
	return t->nsegs == 0 ||
	    (t->nsegs == 1 && t->segs[0].kind == TMPL_LITERAL);
}

bool
template_uses_seq(const struct tmpl *t)
{
	return t->uses_seq;
}

bool
template_has_secret(const struct tmpl *t)
{
	return t->has_env || t->has_var;
}

size_t
template_max_len(const struct tmpl *t)
{
	size_t n = t->fixed_max, i;

	for (i = 0; i < t->nsegs; i++)
		n += t->segs[i].value_len;
	return n;
}

