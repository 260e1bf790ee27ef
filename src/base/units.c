#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "units.h"
#include "util.h"

/*
 * Numbers are scanned by hand rather than with strtod so that a locale with
 * a decimal comma (set by the curses UI) cannot change what a scenario means.
 */
struct units_num {
	uint64_t	ip;		/* integer part */
	uint64_t	frac;		/* fraction digits as an integer */
	int		fdigits;	/* how many of them */
	bool		overflow;
};

static const double units_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18
};
#define UNITS_MAX_FDIGITS 18

struct units_unit {
	const char	*name;
	int64_t		 mult;
};

static const struct units_unit duration_units[] = {
	{ "us", 1 },
	{ "\xc2\xb5s", 1 },		/* micro sign */
	{ "ms", 1000 },
	{ "s", 1000000 },
	{ "m", 60 * INT64_C(1000000) },
	{ "min", 60 * INT64_C(1000000) },
	{ "h", 3600 * INT64_C(1000000) },
	{ "d", 86400 * INT64_C(1000000) },
};

static const struct units_unit size_units[] = {
	{ "b", 1 },
	{ "kb", INT64_C(1) << 10 },
	{ "mb", INT64_C(1) << 20 },
	{ "gb", INT64_C(1) << 30 },
	{ "tb", INT64_C(1) << 40 },
	{ "pb", INT64_C(1) << 50 },
	{ "eb", INT64_C(1) << 60 },
	{ "kib", INT64_C(1) << 10 },
	{ "mib", INT64_C(1) << 20 },
	{ "gib", INT64_C(1) << 30 },
	{ "tib", INT64_C(1) << 40 },
	{ "pib", INT64_C(1) << 50 },
	{ "eib", INT64_C(1) << 60 },
};

static const struct units_unit rate_periods[] = {
	{ "s", 1 },
	{ "sec", 1 },
	{ "m", 60 },
	{ "min", 60 },
	{ "h", 3600 },
};

/* Scan digits[.digits]; returns the end, or NULL if s holds no number. */
static const char *
units_scan_number(const char *s, struct units_num *n)
{
	memset(n, 0, sizeof *n);
	if (!isdigit((unsigned char)*s))
		return NULL;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (n->ip > (UINT64_MAX - d) / 10)
			n->overflow = true;
		else
			n->ip = n->ip * 10 + d;
	}
	if (*s == '.') {
		if (!isdigit((unsigned char)s[1]))
			return NULL;
		for (s++; isdigit((unsigned char)*s); s++) {
			/* Digits past the eighteenth cannot matter here. */
			if (n->fdigits < UNITS_MAX_FDIGITS) {
				n->frac = n->frac * 10 + (unsigned)(*s - '0');
				n->fdigits++;
			}
		}
	}
	return s;
}

static double
units_num_double(const struct units_num *n)
{
	return (double)n->ip + (double)n->frac / units_pow10[n->fdigits];
}

static bool
units_num_is_zero(const struct units_num *n)
{
	return !n->overflow && n->ip == 0 && n->frac == 0;
}

/* n * mult rounded to the nearest integer; -1 on overflow. */
static int
units_num_scale(const struct units_num *n, int64_t mult, int64_t *out)
{
	int64_t whole, part;

	if (n->overflow || n->ip > (uint64_t)(INT64_MAX / mult))
		return -1;
	whole = (int64_t)n->ip * mult;
	part = (int64_t)((double)n->frac * (double)mult /
	    units_pow10[n->fdigits] + 0.5);
	if (whole > INT64_MAX - part)
		return -1;
	*out = whole + part;
	return 0;
}

static const char *
units_skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

bool
units_has_exponent(const char *s)
{
	struct units_num n;
	const char *end = units_scan_number(units_skip_space(s), &n);

	if (end == NULL || (*end != 'e' && *end != 'E'))
		return false;
	end++;
	if (*end == '+' || *end == '-')
		end++;
	return isdigit((unsigned char)*end);
}

/* Skip blanks but not past stop, where the trailing blanks begin. */
static const char *
units_skip_to(const char *s, const char *stop)
{
	while (s < stop && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Length of s without trailing blanks. */
static size_t
units_trimmed_len(const char *s)
{
	size_t len = strlen(s);

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len;
}

/* A unit word: letters, or the bytes of a non-ASCII sign such as µ. */
static size_t
units_word_len(const char *s)
{
	size_t n = 0;

	while (isalpha((unsigned char)s[n]) || (unsigned char)s[n] >= 0x80)
		n++;
	return n;
}

static const struct units_unit *
units_find(const struct units_unit *table, size_t n, const char *word,
    size_t len, bool fold)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(table[i].name) != len)
			continue;
		if (fold ? strncasecmp(table[i].name, word, len) == 0 :
		    strncmp(table[i].name, word, len) == 0)
			return &table[i];
	}
	return NULL;
}

/*
 * Common start of every parser: empty or negative input is refused with a
 * message naming the kind of value; returns the first non-blank byte.
 */
static const char *
units_begin(const char *what, const char *s, const char *example,
    char **cause)
{
	const char *p = units_skip_space(s);

	if (*p == '\0') {
		xasprintf(cause, "%s is empty; expected %s", what, example);
		return NULL;
	}
	if (*p == '-') {
		xasprintf(cause, "%s '%s' must not be negative", what, s);
		return NULL;
	}
	return p;
}

int
units_parse_duration(const char *s, int64_t *us, char **cause)
{
	static const char example[] = "a number and a unit, such as 250ms, 5s "
	    "or 2m (units: us, ms, s, m, h, d)";
	const struct units_unit *u;
	struct units_num n;
	const char *p, *end, *stop, *start;
	int64_t total = 0, part;
	size_t wlen;
	int parts = 0;

	if ((p = units_begin("duration", s, example, cause)) == NULL)
		return -1;
	stop = s + units_trimmed_len(s);
	while (p < stop) {
		if ((end = units_scan_number(p, &n)) == NULL) {
			xasprintf(cause, "duration '%s' is not valid; expected "
			    "%s", s, example);
			return -1;
		}
		p = units_skip_to(end, stop);
		wlen = units_word_len(p);
		if (wlen == 0) {
			if (p == stop && parts == 0 && units_num_is_zero(&n)) {
				*us = 0;
				return 0;
			}
			if (p == stop && parts == 0) {
				start = units_skip_space(s);
				xasprintf(cause, "duration '%s' needs a unit, "
				    "such as %.*ss", s, (int)(end - start),
				    start);
				return -1;
			}
			xasprintf(cause, "duration '%s' is not valid; expected "
			    "%s", s, example);
			return -1;
		}
		u = units_find(duration_units, LT_NELEM(duration_units), p,
		    wlen, false);
		if (u == NULL) {
			xasprintf(cause, "duration '%s' has an unknown unit "
			    "'%.*s'; expected us, ms, s, m, h or d", s,
			    (int)wlen, p);
			return -1;
		}
		if (units_num_scale(&n, u->mult, &part) != 0 ||
		    total > INT64_MAX - part) {
			xasprintf(cause, "duration '%s' is too large", s);
			return -1;
		}
		if (part == 0 && !units_num_is_zero(&n)) {
			xasprintf(cause, "duration '%s' is below the "
			    "resolution of 1us", s);
			return -1;
		}
		total += part;
		parts++;
		p += wlen;
	}
	*us = total;
	return 0;
}

int
units_parse_rate(const char *s, double *per_s, char **cause)
{
	static const char example[] = "a number of requests, such as 100, "
	    "100/s, 6000/m or 360000/h";
	const struct units_unit *u = &rate_periods[0];
	struct units_num n;
	const char *p, *end, *stop;
	size_t wlen;

	if ((p = units_begin("rate", s, example, cause)) == NULL)
		return -1;
	stop = s + units_trimmed_len(s);
	if ((end = units_scan_number(p, &n)) == NULL)
		goto bad;
	p = units_skip_to(end, stop);
	if (*p == '/') {
		p = units_skip_to(p + 1, stop);
		wlen = units_word_len(p);
		u = units_find(rate_periods, LT_NELEM(rate_periods), p, wlen,
		    false);
		if (u == NULL || p + wlen != stop) {
			xasprintf(cause, "rate '%s' has an unknown period; "
			    "expected /s, /m or /h", s);
			return -1;
		}
		p += wlen;
	}
	if (p != stop)
		goto bad;
	if (n.overflow) {
		xasprintf(cause, "rate '%s' is too large", s);
		return -1;
	}
	if (units_num_is_zero(&n)) {
		xasprintf(cause, "rate '%s' must be greater than 0", s);
		return -1;
	}
	*per_s = units_num_double(&n) / (double)u->mult;
	return 0;

bad:
	xasprintf(cause, "rate '%s' is not valid; expected %s", s, example);
	return -1;
}

int
units_parse_size(const char *s, int64_t *bytes, char **cause)
{
	static const char example[] = "a number of bytes, such as 512, 64KB, "
	    "1.5MB or 2GiB";
	const struct units_unit *u = &size_units[0];
	struct units_num n;
	const char *p, *end, *stop;
	size_t wlen;

	if ((p = units_begin("size", s, example, cause)) == NULL)
		return -1;
	stop = s + units_trimmed_len(s);
	if ((end = units_scan_number(p, &n)) == NULL) {
		xasprintf(cause, "size '%s' is not valid; expected %s", s,
		    example);
		return -1;
	}
	p = units_skip_to(end, stop);
	if ((wlen = units_word_len(p)) != 0) {
		u = units_find(size_units, LT_NELEM(size_units), p, wlen, true);
		if (u == NULL) {
			xasprintf(cause, "size '%s' has an unknown unit "
			    "'%.*s'; expected B, KB, MB, GB, TB (or KiB, MiB, "
			    "GiB, TiB)", s, (int)wlen, p);
			return -1;
		}
		p += wlen;
	}
	if (p != stop) {
		xasprintf(cause, "size '%s' is not valid; expected %s", s,
		    example);
		return -1;
	}
	if (units_num_scale(&n, u->mult, bytes) != 0) {
		xasprintf(cause, "size '%s' is too large", s);
		return -1;
	}
	return 0;
}

int
units_parse_percent(const char *s, double *percent, char **cause)
{
	static const char example[] = "a percentage, such as 1% or 0.5%";
	struct units_num n;
	const char *p, *end, *stop;

	if ((p = units_begin("percentage", s, example, cause)) == NULL)
		return -1;
	stop = s + units_trimmed_len(s);
	if ((end = units_scan_number(p, &n)) == NULL)
		goto bad;
	p = units_skip_to(end, stop);
	if (p == stop) {
		xasprintf(cause, "percentage '%s' needs a %% sign, such as "
		    "%.*s%%", s, (int)(end - units_skip_space(s)),
		    units_skip_space(s));
		return -1;
	}
	if (*p != '%' || p + 1 != stop)
		goto bad;
	if (n.overflow) {
		xasprintf(cause, "percentage '%s' is too large", s);
		return -1;
	}
	*percent = units_num_double(&n);
	return 0;

bad:
	xasprintf(cause, "percentage '%s' is not valid; expected %s", s,
	    example);
	return -1;
}

/* Print whole.frac with `decimals` digits of frac, trailing zeros dropped. */
static void
units_put_fixed(char *buf, size_t len, const char *sign, uint64_t whole,
    uint64_t frac, int decimals, const char *suffix)
{
	while (decimals > 0 && frac % 10 == 0) {
		frac /= 10;
		decimals--;
	}
	if (decimals == 0)
		snprintf(buf, len, "%s%" PRIu64 "%s", sign, whole, suffix);
	else
		snprintf(buf, len, "%s%" PRIu64 ".%0*" PRIu64 "%s", sign, whole,
		    decimals, frac, suffix);
}

char *
units_format_number(double v, int decimals, char *buf, size_t len)
{
	const char *sign = "";
	uint64_t scale, q;

	if (len == 0)
		return buf;
	if (v != v) {
		snprintf(buf, len, "nan");
		return buf;
	}
	if (v < 0) {
		sign = "-";
		v = -v;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 9)
		decimals = 9;
	scale = (uint64_t)units_pow10[decimals];
	if (v >= 1e18 / (double)scale) {
		/* Too large for fixed point; no decimal point is printed. */
		snprintf(buf, len, "%s%.0f", sign, v);
		return buf;
	}
	q = (uint64_t)(v * (double)scale + 0.5);
	if (q == 0)
		sign = "";
	units_put_fixed(buf, len, sign, q / scale, q % scale, decimals, "");
	return buf;
}

char *
units_format_duration(int64_t us, char *buf, size_t len)
{
	const char *sign = "";
	uint64_t u, q, a, b;

	if (len == 0)
		return buf;
	if (us < 0) {
		sign = "-";
		u = (uint64_t)0 - (uint64_t)us;
	} else
		u = (uint64_t)us;

	if (u == 0) {
		snprintf(buf, len, "0s");
		return buf;
	}
	if (u < 1000) {
		snprintf(buf, len, "%s%" PRIu64 "us", sign, u);
		return buf;
	}
	if (u < 1000000 && (q = (u + 5) / 10) < 100000) {
		units_put_fixed(buf, len, sign, q / 100, q % 100, 2, "ms");
		return buf;
	}
	if (u < 60000000 && (q = (u + 5000) / 10000) < 6000) {
		units_put_fixed(buf, len, sign, q / 100, q % 100, 2, "s");
		return buf;
	}
	if (u < INT64_C(3600000000) && (q = (u + 500000) / 1000000) < 3600) {
		a = q / 60;
		b = q % 60;
		if (b == 0)
			snprintf(buf, len, "%s%" PRIu64 "m", sign, a);
		else
			snprintf(buf, len, "%s%" PRIu64 "m%" PRIu64 "s", sign,
			    a, b);
		return buf;
	}
	if (u < INT64_C(86400000000) &&
	    (q = (u + 30000000) / 60000000) < 1440) {
		a = q / 60;
		b = q % 60;
		if (b == 0)
			snprintf(buf, len, "%s%" PRIu64 "h", sign, a);
		else
			snprintf(buf, len, "%s%" PRIu64 "h%" PRIu64 "m", sign,
			    a, b);
		return buf;
	}
	q = u / INT64_C(3600000000) + (u % INT64_C(3600000000) >=
	    INT64_C(1800000000));
	a = q / 24;
	b = q % 24;
	if (b == 0)
		snprintf(buf, len, "%s%" PRIu64 "d", sign, a);
	else
		snprintf(buf, len, "%s%" PRIu64 "d%" PRIu64 "h", sign, a, b);
	return buf;
}

char *
units_format_size(int64_t bytes, char *buf, size_t len)
{
	static const char *const names[] = {
		"B", "KB", "MB", "GB", "TB", "PB", "EB"
	};
	const char *sign = "";
	uint64_t u, unit, tenths;
	size_t i = 0;

	if (len == 0)
		return buf;
	if (bytes < 0) {
		sign = "-";
		u = (uint64_t)0 - (uint64_t)bytes;
	} else
		u = (uint64_t)bytes;

	while (i + 1 < LT_NELEM(names) && u >> (10 * (i + 1)) != 0)
		i++;
	if (i == 0) {
		snprintf(buf, len, "%s%" PRIu64 "B", sign, u);
		return buf;
	}
	for (;;) {
		unit = (uint64_t)1 << (10 * i);
		tenths = (u / unit) * 10 + ((u % unit) * 10 + unit / 2) / unit;
		if (tenths >= 1000)	/* 100 and up: no decimal */
			tenths = ((u / unit) + ((u % unit) >= unit / 2)) * 10;
		if (tenths < 10240 || i + 1 == LT_NELEM(names))
			break;
		i++;
	}
	units_put_fixed(buf, len, sign, tenths / 10, tenths % 10, 1, names[i]);
	return buf;
}

char *
units_format_ms(double ms, char *buf, size_t len)
{
	if (ms < 1)
		snprintf(buf, len, "%.0fus", ms * 1000);
	else if (ms < 10)
		snprintf(buf, len, "%.2fms", ms);
	else if (ms < 100)
		snprintf(buf, len, "%.1fms", ms);
	else if (ms < 10000)
		snprintf(buf, len, "%.0fms", ms);
	else
		snprintf(buf, len, "%.1fs", ms / 1000);
	return buf;
}
