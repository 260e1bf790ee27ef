/*
 * Rendering compiled templates: per request, into the caller's buffer,
 * without allocating and without taking a lock.
 */
#include "config.h"

#include <string.h>

#include "template-int.h"
#include "util.h"

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

/* An unset or unbound variable renders as nothing; the engine does not
 * send such a request, but a render must stay within its bound. */
static void
template_put_var(char *buf, size_t cap, size_t *n, const struct tmpl_seg *seg,
    const struct tmpl_ctx *ctx)
{
	const struct tmpl_var *v;

	if (seg->var == SIZE_MAX || ctx->vars == NULL)
		return;
	v = &ctx->vars[seg->var];
	if (v->v != NULL)
		template_copy(buf, cap, n, v->v, LT_MIN(v->len, TMPL_VAR_MAX));
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
		case TMPL_VAR:
			template_put_var(buf, cap, &n, seg, ctx);
			break;
		}
	}
done:
	if (n < cap)
		buf[n] = '\0';
	return n;
}
