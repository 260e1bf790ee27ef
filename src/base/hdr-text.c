/* The histogram's compact text form, which merges exactly. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hdr.h"
#include "hdr-int.h"
#include "util.h"

/*
 * Text form: "HDR1 lowest highest sigfigs total overflow min max sum B64",
 * B64 being base64 of LEB128 varints, one per bucket, zig-zag signed: a
 * positive value is a count, a negative one a run of that many empty
 * buckets.  The whole array is covered, so its length is checked too.
 */
#define HDR_MAGIC	"HDR1"
#define HDR_FIELDS	10

static uint8_t *
put_varint(uint8_t *p, int64_t v)
{
	uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);

	while (u >= 0x80) {
		*p++ = (uint8_t)(u | 0x80);
		u >>= 7;
	}
	*p++ = (uint8_t)u;
	return p;
}

/* Returns bytes consumed, 0 if the varint is truncated or too long. */
static size_t
get_varint(const uint8_t *p, size_t len, int64_t *v)
{
	uint64_t u = 0;
	size_t i;

	for (i = 0; i < len && i < 10; i++) {
		if (i == 9 && p[i] > 1)
			return 0;
		u |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if ((p[i] & 0x80) == 0) {
			*v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
			return i + 1;
		}
	}
	return 0;
}

static char *
b64_encode(const uint8_t *in, size_t len)
{
	char *out = xmalloc((len + 2) / 3 * 4 + 1);

	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

/* Returns the decoded bytes (allocated) or NULL if s is not base64. */
static uint8_t *
b64_decode(const char *s, size_t len, size_t *outlen)
{
	uint8_t *out;
	size_t pad = 0, i;
	int n;

	if (len == 0 || len % 4 != 0 || len > INT32_MAX)
		return NULL;
	for (i = 0; i < len; i++)
		if (s[i] == '\0' || s[i] == ' ' || s[i] == '\n')
			return NULL;
	if (s[len - 1] == '=')
		pad = s[len - 2] == '=' ? 2 : 1;
	out = xmalloc(len / 4 * 3);
	/* EVP_DecodeBlock counts the padding as output bytes. */
	if ((n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len)) < 0 ||
	    (size_t)n < pad) {
		free(out);
		return NULL;
	}
	*outlen = (size_t)n - pad;
	return out;
}

char *
hdr_encode(const struct hdr *h)
{
	uint8_t *buf, *p;
	uint64_t total = 0, overflow;
	int64_t min = INT64_MAX, max = 0;
	int32_t first = -1, last = -1, next = 0;
	struct hdr_iter it;
	double sum = 0;
	char *b64, *out;

	/* A varint covers one index or more: counts_len varints at most. */
	p = buf = xmalloc((size_t)h->counts_len * 10 + 10);
	hdr_iter_init(&it, h);
	while (hdr_iter_count(&it)) {
		if (it.index > next)
			p = put_varint(p, -(int64_t)(it.index - next));
		next = it.index + 1;
		p = put_varint(p, (int64_t)LT_MIN(it.count,
		    (uint64_t)INT64_MAX));
		total += it.count;
		if (first < 0)
			first = it.index;
		last = it.index;
	}
	if (h->counts_len > next)
		p = put_varint(p, -(int64_t)(h->counts_len - next));

	/* Keep the header true to the counts read, even on a live histogram. */
	overflow = LT_MIN(LOAD(&h->overflow), total);
	if (total != 0) {
		min = hdr_clamp_to_index(h, LOAD(&h->min), first);
		max = hdr_clamp_to_index(h, LOAD(&h->max), last);
		sum = hdr_load_sum(h);
	}
	b64 = b64_encode(buf, (size_t)(p - buf));
	free(buf);
	xasprintf(&out, "%s %" PRId64 " %" PRId64 " %d %" PRIu64 " %" PRIu64
	    " %" PRId64 " %" PRId64 " %.0f %s", HDR_MAGIC, h->lowest,
	    h->highest, h->sigfigs, total, overflow, min, max, sum, b64);
	free(b64);
	return out;
}

/* A decimal number without sign, leading spaces or trailing junk. */
static int
parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * The sum of integer values is integral, so it travels as plain digits:
 * exact, and immune to a locale's decimal comma.
 */
static int
parse_sum(const char *s, size_t len, double *out)
{
	char buf[64];

	if (len == 0 || len >= sizeof buf || strspn(s, "0123456789") < len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return isfinite(*out) ? 0 : -1;
}

/*
 * Walk the varints: check them against the layout, and store the counts
 * when h is not NULL.  Returns NULL or the reason the data is invalid.
 */
static const char *
walk_counts(const struct hdr *layout, struct hdr *h, const uint8_t *p,
    size_t len, uint64_t *total, int32_t *first, int32_t *last)
{
	int32_t index = 0;
	size_t n;
	int64_t v;

	*total = 0;
	*first = *last = -1;
	while (len > 0) {
		if ((n = get_varint(p, len, &v)) == 0)
			return "truncated or oversized varint";
		p += n;
		len -= n;
		if (v == 0)
			return "zero count";
		if (v < 0) {
			if (v < -(int64_t)(layout->counts_len - index))
				return "more buckets than the layout has";
			index += (int32_t)-v;
			continue;
		}
		if (index >= layout->counts_len)
			return "more buckets than the layout has";
		if (*total + (uint64_t)v < *total)
			return "counts overflow";
		*total += (uint64_t)v;
		if (*first < 0)
			*first = index;
		*last = index;
		if (h != NULL)
			hdr_page_write(h, index >> h->page_shift)
			    [index & h->page_mask] = (uint64_t)v;
		index++;
	}
	if (index != layout->counts_len)
		return "fewer buckets than the layout has";
	return NULL;
}

/* The numbers of the text form, after the magic word. */
enum {
	HDR_LOWEST = 1,
	HDR_HIGHEST,
	HDR_SIGFIGS,
	HDR_TOTAL,
	HDR_OVERFLOW,
	HDR_MIN,
	HDR_MAX,
	HDR_SUM,
	HDR_COUNTS,
};

/* The text form read field by field, before its counts are walked. */
struct hdr_text {
	uint64_t num[HDR_SUM];		/* HDR_LOWEST to HDR_MAX */
	double sum;
	const char *counts;		/* base64 */
	size_t counts_len;
	struct hdr layout;
};

/* Split on single spaces, a trailing newline allowed; -1 unless all there. */
static int
split_fields(const char *text, const char **field, size_t *flen)
{
	const char *p;
	int nf = 0;

	for (p = text; nf < HDR_FIELDS; nf++) {
		field[nf] = p;
		flen[nf] = strcspn(p, " \n");
		p += flen[nf];
		if (*p != ' ')
			break;
		p++;
	}
	if (nf < HDR_FIELDS && *p == '\n')
		p++;
	return nf == HDR_FIELDS - 1 && *p == '\0' ? 0 : -1;
}

/* Read the fields of text into t: numbers, sum and a layout hdr can hold. */
static int
read_fields(const char *text, struct hdr_text *t, char **cause)
{
	const char *field[HDR_FIELDS];
	size_t flen[HDR_FIELDS];
	uint64_t *num = t->num;

	if (strncmp(text, HDR_MAGIC " ", strlen(HDR_MAGIC) + 1) != 0) {
		xasprintf(cause, "not an %s histogram", HDR_MAGIC);
		return -1;
	}
	if (split_fields(text, field, flen) != 0) {
		xasprintf(cause, "histogram needs %d fields", HDR_FIELDS);
		return -1;
	}
	for (int i = HDR_LOWEST; i <= HDR_MAX; i++) {
		if (parse_u64(field[i], flen[i], &num[i]) != 0 ||
		    num[i] > INT64_MAX) {
			xasprintf(cause, "histogram field %d is not a number",
			    i + 1);
			return -1;
		}
	}
	if (parse_sum(field[HDR_SUM], flen[HDR_SUM], &t->sum) != 0) {
		xasprintf(cause, "histogram sum is not a number");
		return -1;
	}
	if (num[HDR_SIGFIGS] > 5 || hdr_layout(&t->layout,
	    (int64_t)num[HDR_LOWEST], (int64_t)num[HDR_HIGHEST],
	    (int)num[HDR_SIGFIGS]) != 0) {
		xasprintf(cause, "bad histogram layout %" PRIu64 " %" PRIu64
		    " %" PRIu64, num[HDR_LOWEST], num[HDR_HIGHEST],
		    num[HDR_SIGFIGS]);
		return -1;
	}
	t->counts = field[HDR_COUNTS];
	t->counts_len = flen[HDR_COUNTS];
	return 0;
}

/*
 * Do the header's total, overflow, min, max and sum agree with the
 * counts walked?  Returns NULL or why not.
 */
static const char *
check_header(const struct hdr_text *t, uint64_t total, int32_t first,
    int32_t last)
{
	const struct hdr *layout = &t->layout;
	int64_t min = (int64_t)t->num[HDR_MIN], max = (int64_t)t->num[HDR_MAX];

	if (total != t->num[HDR_TOTAL])
		return "counts disagree with the total";
	if (t->num[HDR_OVERFLOW] > total)
		return "overflow exceeds the total";
	if (total == 0 && (min != INT64_MAX || max != 0 || t->sum != 0))
		return "empty histogram with a min, max or sum";
	if (total != 0 && (min < layout->lowest || max > layout->highest ||
	    min > max || hdr_counts_index(layout, min) != first ||
	    hdr_counts_index(layout, max) != last))
		return "min or max disagree with the counts";
	return NULL;
}

struct hdr *
hdr_decode(const char *text, char **cause)
{
	struct hdr_text t;
	int32_t first, last;
	const char *why;
	uint64_t total;
	uint8_t *bytes;
	size_t nbytes;
	struct hdr *h;

	if (read_fields(text, &t, cause) != 0)
		return NULL;
	if ((bytes = b64_decode(t.counts, t.counts_len, &nbytes)) == NULL) {
		xasprintf(cause, "histogram counts are not base64");
		return NULL;
	}
	if ((why = walk_counts(&t.layout, NULL, bytes, nbytes, &total, &first,
	    &last)) != NULL) {
		free(bytes);
		xasprintf(cause, "bad histogram counts: %s", why);
		return NULL;
	}
	if ((why = check_header(&t, total, first, last)) != NULL) {
		free(bytes);
		xasprintf(cause, "bad histogram: %s", why);
		return NULL;
	}

	h = hdr_new(t.layout.lowest, t.layout.highest, t.layout.sigfigs);
	walk_counts(&t.layout, h, bytes, nbytes, &total, &first, &last);
	free(bytes);
	h->total = total;
	h->overflow = t.num[HDR_OVERFLOW];
	h->min = (int64_t)t.num[HDR_MIN];
	h->max = (int64_t)t.num[HDR_MAX];
	h->sum = t.sum;
	return h;
}
