/* Short human forms of the numbers the dashboard shows. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "ui-int.h"
#include "units.h"
#include "util.h"

char *
ui_fmt_ms(double ms, char *buf, size_t len)
{
	if (ms <= 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	return units_format_ms(ms, buf, len);
}

char *
ui_fmt_count(uint64_t n, char *buf, size_t len)
{
	if (n < 100000)
		snprintf(buf, len, "%" PRIu64, n);
	else if (n < 10000000)
		snprintf(buf, len, "%.1fk", (double)n / 1e3);
	else if (n < 10000000000ULL)
		snprintf(buf, len, "%.1fM", (double)n / 1e6);
	else
		snprintf(buf, len, "%.1fG", (double)n / 1e9);
	return buf;
}

char *
ui_fmt_bytes(double b, char *buf, size_t len)
{
	const char *sign = b < 0 ? "-" : "";

	if (b < 0)
		b = -b;
	if (b < 1024)
		snprintf(buf, len, "%s%.0fB", sign, b);
	else if (b < 1048576)
		snprintf(buf, len, "%s%.1fKB", sign, b / 1024);
	else if (b < 1073741824.0)
		snprintf(buf, len, "%s%.1fMB", sign, b / 1048576);
	else
		snprintf(buf, len, "%s%.2fGB", sign, b / 1073741824.0);
	return buf;
}

char *
ui_fmt_time(double s, char *buf, size_t len)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
	return buf;
}

char *
ui_fmt_text(const struct ui *ui, const char *text, char *buf, size_t len)
{
	bool ascii = ui->g == NULL || !ui->g->utf8;
	size_t i;

	if (len == 0)
		return buf;
	for (i = 0; text[i] != '\0' && i + 1 < len; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[i] = c < 0x20 || c == 0x7f || (ascii && c >= 0x80) ? '?' :
		    (char)c;
	}
	/* Cut short: not inside a character. */
	if (text[i] != '\0' && !ascii)
		while (i > 0 && ((unsigned char)buf[i - 1] & 0xc0) == 0x80)
			i--;
	if (text[i] != '\0' && !ascii && i > 0 &&
	    (unsigned char)buf[i - 1] >= 0xc0)
		i--;
	buf[i] = '\0';
	return buf;
}

double
ui_pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

double
ui_target_t(const struct snapshot *s, int64_t t_us)
{
	return (double)(t_us - s->mono_start_us) / 1e6;
}

const char *
ui_target_url(const struct snapshot *s)
{
	const struct scenario *scn = s->scn;

	if (scn->target.base_url != NULL)
		return scn->target.base_url;
	if (scn->nrequests > 0)
		return scn->requests[0].url;
	return "-";
}

double
ui_elapsed(const struct ui *ui, const struct snapshot *s)
{
	double live;

	if (s->state == ENGINE_DONE || s->state == ENGINE_STARTING)
		return s->elapsed;
	live = (double)(ui->now_us - s->mono_start_us) / 1e6;
	/* Never run ahead of the snapshot by more than a beat. */
	return LT_MAX(s->elapsed, LT_MIN(live, s->elapsed + 5));
}
