#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "template.h"
#include "util.h"

enum tmpl_kind {
	TMPL_LITERAL,
	TMPL_SEQ,
	TMPL_UUID,
	TMPL_NOW_MS,
	TMPL_NOW_ISO,
	TMPL_RAND,
	TMPL_ENV,
};

struct tmpl_seg {
	enum tmpl_kind	 kind;
	size_t		 off;		/* of its "${" in the text */
	size_t		 lit_off;	/* TMPL_LITERAL: a run of tmpl.lits */
	size_t		 lit_len;
	uint64_t	 lo, hi;	/* TMPL_RAND */
	char		*name;		/* TMPL_ENV */
	char		*value;
	size_t		 value_len;
};

struct tmpl {
	struct tmpl_seg	*segs;
	size_t		 nsegs;
	char		*lits;		/* every literal byte, escapes undone */
	size_t		 lits_len;
	size_t		 fixed_max;	/* bound of all but env values */
	bool		 uses_seq;
	bool		 has_env;
};

#define TMPL_U64_DIGITS	20	/* 18446744073709551615 */
#define TMPL_I64_CHARS	20	/* -9223372036854775808 */
#define TMPL_UUID_LEN	36
#define TMPL_ISO_LEN	24	/* 2026-11-25T01:19:32.123Z */

static const char *const tmpl_names[] = {
	"seq", "uuid", "now_ms", "now_iso", "rand", "env"
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

static int
template_parse_env(struct tmpl_seg *seg, const char *arg, size_t len, size_t off,
    size_t *err_off, char **cause)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (arg[i] == '_' || isalpha((unsigned char)arg[i]) ||
		    (i > 0 && isdigit((unsigned char)arg[i])))
			continue;
		break;
	}
	if (len == 0 || i != len)
		return template_fail(err_off, off, cause, "'%.*s' is not an "
		    "environment variable name; expected letters, digits and "
		    "_, not starting with a digit", (int)len, arg);
	seg->name = xstrndup(arg, len);
	return 0;
}

/* The inside of one ${...}: body[0, len), whose "${" is at off. */
static int
template_parse_var(struct tmpl *t, const char *body, size_t len, size_t off,
    size_t *err_off, char **cause)
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
	struct tmpl_seg *seg;
	const char *colon, *best;
	char *head;
	size_t i, hlen;

	colon = memchr(body, ':', len);
	hlen = colon != NULL ? (size_t)(colon - body) : len;
	for (i = 0; i < LT_NELEM(plain); i++) {
		if (strlen(plain[i].name) != hlen ||
		    strncmp(plain[i].name, body, hlen) != 0)
			continue;
		if (colon != NULL)
			return template_fail(err_off, off, cause, "${%s} takes no "
			    "argument", plain[i].name);
		template_add(t, plain[i].kind, off);
		t->fixed_max += plain[i].max;
		if (plain[i].kind == TMPL_SEQ)
			t->uses_seq = true;
		return 0;
	}
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
	if (hlen == 3 && strncmp(body, "env", 3) == 0) {
		if (colon == NULL)
			return template_fail(err_off, off, cause, "${env} needs a "
			    "variable name, such as ${env:API_TOKEN}");
		seg = template_add(t, TMPL_ENV, off);
		t->has_env = true;
		return template_parse_env(seg, colon + 1, len - 4, off + 6,
		    err_off, cause);
	}

	if (len == 0)
		return template_fail(err_off, off, cause, "empty variable '${}'; "
		    "write $${ for a literal '${'");
	head = xstrndup(body, hlen);
	best = suggest_closest(head, tmpl_names, LT_NELEM(tmpl_names));
	free(head);
	if (best == NULL)
		return template_fail(err_off, off, cause, "unknown variable "
		    "'${%.*s}'; expected seq, uuid, now_ms, now_iso, "
		    "rand:LO-HI or env:NAME", (int)len, body);
	return template_fail(err_off, off, cause, "unknown variable '${%.*s}'; "
	    "did you mean '${%s%s}'?", (int)len, body, best,
	    strcmp(best, "rand") == 0 ? ":LO-HI" :
	    strcmp(best, "env") == 0 ? ":NAME" : "");
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
	return t->has_env;
}

size_t
template_max_len(const struct tmpl *t)
{
	size_t n = t->fixed_max, i;

	for (i = 0; i < t->nsegs; i++)
		n += t->segs[i].value_len;
	return n;
}

uint64_t
template_rng_next(uint64_t *state)
{
	uint64_t x = *state;

	if (x == 0)			/* a zero state would stay zero */
		x = UINT64_C(0x9e3779b97f4a7c15);
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

/* Uniform in [lo, hi] without modulo bias. */
static uint64_t
template_rand_range(uint64_t *rng, uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo + 1, r, floor;

	if (span == 0)			/* the whole 64-bit range */
		return template_rng_next(rng);
	floor = (0 - span) % span;	/* 2^64 mod span */
	do
		r = template_rng_next(rng);
	while (r < floor);
	return lo + r % span;
}

/* Digits of v ending at end; returns where they start. */
static char *
template_put_u64(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

static void
template_put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

/*
 * ISO 8601 UTC by calendar arithmetic (days to civil date), so rendering
 * takes neither the time zone lock nor the locale.
 */
static size_t
template_put_iso(char *p, const struct timespec *ts)
{
	/* 0000-01-01T00:00:00 and 9999-12-31T23:59:59 keep four digits. */
	static const int64_t first = INT64_C(-62167219200);
	static const int64_t last = INT64_C(253402300799);
	int64_t sec = ts->tv_sec, days, era, y;
	unsigned ms, sod, doe, yoe, doy, mp, m, d;

	ms = ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000 ?
	    (unsigned)(ts->tv_nsec / 1000000) : 0;
	if (sec < first) {
		sec = first;
		ms = 0;
	} else if (sec > last) {
		sec = last;
		ms = 999;
	}
	days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
	sod = (unsigned)(sec - days * 86400);

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = (unsigned)(days - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = (int64_t)yoe + era * 400 + (m <= 2);

	template_put2(p, (unsigned)(y / 100));
	template_put2(p + 2, (unsigned)(y % 100));
	p[4] = '-';
	template_put2(p + 5, m);
	p[7] = '-';
	template_put2(p + 8, d);
	p[10] = 'T';
	template_put2(p + 11, sod / 3600);
	p[13] = ':';
	template_put2(p + 14, sod / 60 % 60);
	p[16] = ':';
	template_put2(p + 17, sod % 60);
	p[19] = '.';
	p[20] = (char)('0' + ms / 100);
	template_put2(p + 21, ms % 100);
	p[23] = 'Z';
	return TMPL_ISO_LEN;
}

static size_t
template_put_uuid(char *p, uint64_t *rng)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	uint64_t hi = template_rng_next(rng), lo = template_rng_next(rng);
	size_t i, n = 0;

	for (i = 0; i < 8; i++) {
		b[i] = (unsigned char)(hi >> (56 - 8 * i));
		b[8 + i] = (unsigned char)(lo >> (56 - 8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			p[n++] = '-';
		p[n++] = hex[b[i] >> 4];
		p[n++] = hex[b[i] & 0xf];
	}
	return n;
}

static void
template_copy(char *buf, size_t cap, size_t *n, const char *src, size_t len)
{
	if (*n >= cap)
		return;
	if (len > cap - *n)
		len = cap - *n;
	memcpy(buf + *n, src, len);
	*n += len;
}

size_t
template_render(const struct tmpl *t, const struct tmpl_ctx *ctx, char *buf,
    size_t cap)
{
	const struct tmpl_seg *seg;
	char tmp[40], *end = tmp + sizeof tmp, *p;
	size_t n = 0, i;
	int64_t ms;

	if (template_is_static(t)) {
		if ((n = LT_MIN(t->lits_len, cap)) != 0)
			memcpy(buf, t->lits, n);
		goto done;
	}
	for (i = 0; i < t->nsegs; i++) {
		seg = &t->segs[i];
		switch (seg->kind) {
		case TMPL_LITERAL:
			template_copy(buf, cap, &n, t->lits + seg->lit_off,
			    seg->lit_len);
			break;
		case TMPL_SEQ:
			p = template_put_u64(end, ctx->seq);
			template_copy(buf, cap, &n, p, (size_t)(end - p));
			break;
		case TMPL_UUID:
			template_copy(buf, cap, &n, tmp,
			    template_put_uuid(tmp, ctx->rng));
			break;
		case TMPL_NOW_MS:
			ms = (int64_t)((uint64_t)ctx->now.tv_sec * 1000 +
			    (uint64_t)(ctx->now.tv_nsec / 1000000));
			p = template_put_u64(end, ms < 0 ? (uint64_t)0 -
			    (uint64_t)ms : (uint64_t)ms);
			if (ms < 0)
				*--p = '-';
			template_copy(buf, cap, &n, p, (size_t)(end - p));
			break;
		case TMPL_NOW_ISO:
			template_copy(buf, cap, &n, tmp,
			    template_put_iso(tmp, &ctx->now));
			break;
		case TMPL_RAND:
			p = template_put_u64(end, template_rand_range(ctx->rng,
			    seg->lo, seg->hi));
			template_copy(buf, cap, &n, p, (size_t)(end - p));
			break;
		case TMPL_ENV:
			if (seg->value != NULL)
				template_copy(buf, cap, &n, seg->value,
				    seg->value_len);
			break;
		}
	}
done:
	if (n < cap)
		buf[n] = '\0';
	return n;
}
