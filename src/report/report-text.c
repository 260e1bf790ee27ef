/*
 * What responses said, as the readers print it: body samples and
 * outcome values (any bytes a server sent) as text, and why requests
 * failed in words.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

/* The length of the UTF-8 sequence at s (of n bytes), 0 when the byte
 * there starts none: overlong forms and surrogates are not UTF-8. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;
		hi = s[0] == 0xed ? 0x9f : 0xbf;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	} else
		return 0;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* One byte or character of s as text: itself, or its escape. */
static size_t
escape_at(const unsigned char *s, size_t n, char *out, size_t *used)
{
	static const char *const named[] = { ['\n'] = "\\n", ['\r'] = "\\r",
	    ['\t'] = "\\t", ['\\'] = "\\\\" };
	size_t len = utf8_len(s, n);

	if (s[0] < LT_NELEM(named) && named[s[0]] != NULL) {
		memcpy(out, named[s[0]], 2);
		*used = 2;
	} else if (len == 0 || s[0] < 0x20 || s[0] == 0x7f) {
		snprintf(out, 5, "\\x%02x", s[0]);
		*used = 4;
		len = 1;
	} else {
		memcpy(out, s, len);
		*used = len;
	}
	return len;
}

char *
report_text_line(const char *text, size_t len, bool cut, char *buf,
    size_t size)
{
	const unsigned char *s = (const unsigned char *)text;
	char one[8];
	size_t i = 0, o = 0, used, step;

	if (size < 4) {
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	while (i < len) {
		step = escape_at(s + i, len - i, one, &used);
		/* Room for "..." after it, unless it ends the text whole. */
		if (o + used + (i + step == len && !cut ? 1 : 4) > size)
			break;
		memcpy(buf + o, one, used);
		o += used;
		i += step;
	}
	if (i < len || cut) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

char *
report_text_utf8(const char *text, size_t len, size_t *out_len)
{
	const unsigned char *s = (const unsigned char *)text;
	char *out = xmalloc(len * 3 + 1);
	size_t i = 0, o = 0, n;

	while (i < len) {
		if ((n = utf8_len(s + i, len - i)) == 0) {
			/* U+FFFD, the replacement character. */
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

char *
report_reason_text(const struct snap_reason *r, char *buf, size_t len)
{
	char what[160] = "";

	if (r->curl_code != 0)
		snprintf(what, sizeof what, "curl %d%s%s", r->curl_code,
		    r->what ? ": " : "", r->what ? r->what : "");
	else if (r->status > 0)
		snprintf(what, sizeof what, "HTTP %d", r->status);
	else if (r->cls == CLS_CAPTURE_MISSING)
		snprintf(what, sizeof what, "not sent: a variable it uses "
		    "was not captured");
	else if (r->what != NULL)
		snprintf(what, sizeof what, "%s", r->what);
	if (r->check != NULL)
		snprintf(buf, len, "%s%scheck '%s'", what, what[0] ? ", " : "",
		    r->check);
	else
		snprintf(buf, len, "%s", what[0] ? what : "-");
	return buf;
}
