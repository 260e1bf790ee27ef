/* Secrets kept out of the failures list's body samples. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "inspect-int.h"

#define REDACTED "[redacted]"
/* A sample that ends in this much of a secret's start hides it too. */
#define PARTIAL_MIN 4

static void
add_secret(struct inspect *in, const char *v, size_t len)
{
	if (v == NULL || len == 0)
		return;
	in->secret = xreallocarray(in->secret, in->nsecrets + 1,
	    sizeof *in->secret);
	in->secret_len = xreallocarray(in->secret_len, in->nsecrets + 1,
	    sizeof *in->secret_len);
	in->secret[in->nsecrets] = v;
	in->secret_len[in->nsecrets++] = len;
}

static void
add_template(struct inspect *in, const struct tmpl *t)
{
	const char *v[16];
	size_t len[16], n, i;

	if (t == NULL)
		return;
	n = template_env_values(t, v, len, 16);
	for (i = 0; i < n && i < 16; i++)
		add_secret(in, v[i], len[i]);
}

void
inspect_redact_init(struct inspect *in)
{
	const struct scenario *scn = in->scn;
	size_t i, h;

	for (i = 0; i < scn->nrequests; i++) {
		const struct scn_request *r = &scn->requests[i];

		add_template(in, r->url_tmpl);
		add_template(in, r->body_tmpl);
		for (h = 0; h < r->headers.n; h++)
			add_template(in, r->headers.v[h].tmpl);
		if (r->sign != NULL)
			add_secret(in, r->sign->secret, r->sign->secret_len);
	}
}

/* The length of the secret src starts with (or, at its end, of the
 * secret's start it holds), 0 when none. */
static size_t
secret_at(const char *src, size_t n, const char *s, size_t len)
{
	if (len <= n)
		return memcmp(src, s, len) == 0 ? len : 0;
	return n >= PARTIAL_MIN && memcmp(src, s, n) == 0 ? n : 0;
}

static size_t
any_secret_at(const struct inspect *in, const struct inspect_vars *vs,
    const char *src, size_t n)
{
	size_t i, k;

	for (i = 0; i < in->nsecrets; i++)
		if ((k = secret_at(src, n, in->secret[i], in->secret_len[i])))
			return k;
	for (i = 0; vs != NULL && i < in->scn->nvars; i++)
		if (vs->v[i].v != NULL && (k = secret_at(src, n, vs->v[i].v,
		    vs->v[i].len)))
			return k;
	return 0;
}

size_t
inspect_redact(const struct inspect *in, const struct inspect_vars *vs,
    const char *src, size_t n, char *dst, size_t cap)
{
	size_t i = 0, o = 0, k;

	while (i < n && o + 1 < cap) {
		if ((k = any_secret_at(in, vs, src + i, n - i)) > 0) {
			size_t w = LT_MIN(strlen(REDACTED), cap - 1 - o);

			memcpy(dst + o, REDACTED, w);
			o += w;
			i += k;
		} else
			dst[o++] = src[i++];
	}
	dst[o] = '\0';
	return o;
}
