#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "units.h"
#include "util.h"

/* Parse must fail and its message must mention `needle`. */
#define BAD(fn, type, text, needle) do {				\
	type v_ = 0;							\
	char *cause_ = NULL;						\
									\
	ck_assert_msg(fn(text, &v_, &cause_) == -1,			\
	    "'%s' was accepted", text);					\
	ck_assert_ptr_nonnull(cause_);					\
	ck_assert_msg(strstr(cause_, needle) != NULL,			\
	    "'%s': message '%s' lacks '%s'", text, cause_, needle);	\
	free(cause_);							\
} while (0)

static int64_t
dur(const char *s)
{
	int64_t us = -42;
	char *cause = NULL;

	ck_assert_msg(units_parse_duration(s, &us, &cause) == 0,
	    "'%s' refused: %s", s, cause ? cause : "?");
	ck_assert_ptr_null(cause);
	return us;
}

static int64_t
size(const char *s)
{
	int64_t b = -42;
	char *cause = NULL;

	ck_assert_msg(units_parse_size(s, &b, &cause) == 0,
	    "'%s' refused: %s", s, cause ? cause : "?");
	return b;
}

static double
rate(const char *s)
{
	double r = -42;
	char *cause = NULL;

	ck_assert_msg(units_parse_rate(s, &r, &cause) == 0,
	    "'%s' refused: %s", s, cause ? cause : "?");
	return r;
}

static double
pct(const char *s)
{
	double p = -42;
	char *cause = NULL;

	ck_assert_msg(units_parse_percent(s, &p, &cause) == 0,
	    "'%s' refused: %s", s, cause ? cause : "?");
	return p;
}

START_TEST(duration_good)
{
	ck_assert_int_eq(dur("250ms"), 250000);
	ck_assert_int_eq(dur("5s"), 5000000);
	ck_assert_int_eq(dur("2m"), 120000000);
	ck_assert_int_eq(dur("2min"), 120000000);
	ck_assert_int_eq(dur("1h"), INT64_C(3600000000));
	ck_assert_int_eq(dur("1d"), INT64_C(86400000000));
	ck_assert_int_eq(dur("1.5s"), 1500000);
	ck_assert_int_eq(dur("0.1s"), 100000);
	ck_assert_int_eq(dur("500us"), 500);
	ck_assert_int_eq(dur("500\xc2\xb5s"), 500);
	ck_assert_int_eq(dur("1.5ms"), 1500);
	ck_assert_int_eq(dur("0.001s"), 1000);
	ck_assert_int_eq(dur("0"), 0);
	ck_assert_int_eq(dur("000"), 0);
	ck_assert_int_eq(dur("0s"), 0);
	ck_assert_int_eq(dur("0.0ms"), 0);
	ck_assert_int_eq(dur(" 5s "), 5000000);
	ck_assert_int_eq(dur("5 s"), 5000000);
	ck_assert_int_eq(dur("1m30s"), 90000000);
	ck_assert_int_eq(dur("1h2m3s"), INT64_C(3723000000));
	ck_assert_int_eq(dur("1.25h"), INT64_C(4500000000));
	/* Digits past the eighteenth of a fraction are ignored, not refused. */
	ck_assert_int_eq(dur("0.12345678901234567890s"), 123457);
	ck_assert_int_eq(dur("1us"), 1);
}
END_TEST

START_TEST(duration_bad)
{
	BAD(units_parse_duration, int64_t, "30", "needs a unit, such as 30s");
	BAD(units_parse_duration, int64_t, " 1.5 ", "such as 1.5s");
	BAD(units_parse_duration, int64_t, "", "empty");
	BAD(units_parse_duration, int64_t, "   ", "empty");
	BAD(units_parse_duration, int64_t, "-5s", "negative");
	BAD(units_parse_duration, int64_t, "5x", "unknown unit 'x'");
	BAD(units_parse_duration, int64_t, "5S", "unknown unit 'S'");
	BAD(units_parse_duration, int64_t, "5 seconds", "unknown unit 'seconds'");
	BAD(units_parse_duration, int64_t, "abc", "not valid");
	BAD(units_parse_duration, int64_t, "s", "not valid");
	BAD(units_parse_duration, int64_t, ".5s", "not valid");
	BAD(units_parse_duration, int64_t, "5.s", "not valid");
	BAD(units_parse_duration, int64_t, "+5s", "not valid");
	BAD(units_parse_duration, int64_t, "5s!", "not valid");
	BAD(units_parse_duration, int64_t, "1m30", "not valid");
	BAD(units_parse_duration, int64_t, "1e3ms", "unknown unit 'e'");
	BAD(units_parse_duration, int64_t, "0.1us", "resolution");
	/* INT64_MAX us is about 106751991 days. */
	BAD(units_parse_duration, int64_t, "106751992d", "too large");
	BAD(units_parse_duration, int64_t, "99999999999999999999s", "too large");
	BAD(units_parse_duration, int64_t, "9223372036854775807us1us",
	    "too large");
}
END_TEST

START_TEST(duration_boundaries)
{
	ck_assert_int_eq(dur("9223372036854775807us"), INT64_MAX);
	ck_assert_int_eq(dur("106751991d"), INT64_C(106751991) * 86400000000);
	ck_assert_int_eq(dur("9223372036854ms"), INT64_C(9223372036854000));
	BAD(units_parse_duration, int64_t, "9223372036854775808us", "too large");
	BAD(units_parse_duration, int64_t, "9223372036854776ms", "too large");
}
END_TEST

START_TEST(rate_good)
{
	ck_assert_double_eq(rate("100"), 100);
	ck_assert_double_eq(rate("100/s"), 100);
	ck_assert_double_eq(rate("6000/m"), 100);
	ck_assert_double_eq(rate("6000/min"), 100);
	ck_assert_double_eq(rate("360000/h"), 100);
	ck_assert_double_eq(rate("0.5"), 0.5);
	ck_assert_double_eq_tol(rate("1/m"), 1.0 / 60, 1e-12);
	ck_assert_double_eq(rate("2.5/s"), 2.5);
	ck_assert_double_eq(rate(" 10 / s "), 10);
	ck_assert_double_eq(rate("10 "), 10);
	ck_assert_int_eq(size("5 "), 5);
}
END_TEST

START_TEST(rate_bad)
{
	BAD(units_parse_rate, double, "0", "greater than 0");
	BAD(units_parse_rate, double, "0.0/s", "greater than 0");
	BAD(units_parse_rate, double, "-1", "negative");
	BAD(units_parse_rate, double, "", "empty");
	BAD(units_parse_rate, double, "100/x", "unknown period");
	BAD(units_parse_rate, double, "100/", "unknown period");
	BAD(units_parse_rate, double, "100/s/s", "unknown period");
	BAD(units_parse_rate, double, "100rps", "not valid");
	BAD(units_parse_rate, double, "fast", "not valid");
	BAD(units_parse_rate, double, "1,5", "not valid");
	BAD(units_parse_rate, double, "99999999999999999999999", "too large");
	BAD(units_parse_rate, double, "1e12", "not valid");
}
END_TEST

/* The exponents the rate messages name, and what is none. */
START_TEST(exponent)
{
	ck_assert(units_has_exponent("1e12"));
	ck_assert(units_has_exponent(" 2.5E+3/s"));
	ck_assert(units_has_exponent("1e-3"));
	ck_assert(!units_has_exponent("1e"));
	ck_assert(!units_has_exponent("1e+"));
	ck_assert(!units_has_exponent("e12"));
	ck_assert(!units_has_exponent("100/s"));
	ck_assert(!units_has_exponent("10ms"));
	ck_assert(!units_has_exponent(""));
}
END_TEST

START_TEST(size_good)
{
	ck_assert_int_eq(size("0"), 0);
	ck_assert_int_eq(size("512"), 512);
	ck_assert_int_eq(size("512B"), 512);
	ck_assert_int_eq(size("1KB"), 1024);
	ck_assert_int_eq(size("1kb"), 1024);
	ck_assert_int_eq(size("1KiB"), 1024);
	ck_assert_int_eq(size("50MB"), 50 * 1048576);
	ck_assert_int_eq(size("1.5MB"), 1572864);
	ck_assert_int_eq(size("2MiB"), 2097152);
	ck_assert_int_eq(size("1GB"), INT64_C(1) << 30);
	ck_assert_int_eq(size("3GiB"), INT64_C(3) << 30);
	ck_assert_int_eq(size("1TB"), INT64_C(1) << 40);
	ck_assert_int_eq(size("0.5KB"), 512);
	ck_assert_int_eq(size("64 KB"), 65536);
	ck_assert_int_eq(size("9223372036854775807"), INT64_MAX);
	ck_assert_int_eq(size("8388607TB"), INT64_C(8388607) << 40);
	ck_assert_int_eq(size("2PB"), INT64_C(2) << 50);
	ck_assert_int_eq(size("7EiB"), INT64_C(7) << 60);
}
END_TEST

START_TEST(size_bad)
{
	BAD(units_parse_size, int64_t, "", "empty");
	BAD(units_parse_size, int64_t, "-1KB", "negative");
	BAD(units_parse_size, int64_t, "5XB", "unknown unit 'XB'");
	BAD(units_parse_size, int64_t, "5 bytes", "unknown unit 'bytes'");
	BAD(units_parse_size, int64_t, "MB", "not valid");
	BAD(units_parse_size, int64_t, "5MB5", "not valid");
	BAD(units_parse_size, int64_t, "9223372036854775808", "too large");
	BAD(units_parse_size, int64_t, "8388608TB", "too large");
	BAD(units_parse_size, int64_t, "8EB", "too large");
	BAD(units_parse_size, int64_t, "100000000000000000000000KB",
	    "too large");
}
END_TEST

START_TEST(percent_good)
{
	ck_assert_double_eq(pct("1%"), 1);
	ck_assert_double_eq(pct("0.5%"), 0.5);
	ck_assert_double_eq(pct("0%"), 0);
	ck_assert_double_eq(pct("100%"), 100);
	ck_assert_double_eq(pct("250%"), 250);
	ck_assert_double_eq(pct(" 2 % "), 2);
}
END_TEST

START_TEST(percent_bad)
{
	BAD(units_parse_percent, double, "5", "needs a % sign, such as 5%");
	BAD(units_parse_percent, double, "", "empty");
	BAD(units_parse_percent, double, "-1%", "negative");
	BAD(units_parse_percent, double, "%", "not valid");
	BAD(units_parse_percent, double, "5%%", "not valid");
	BAD(units_parse_percent, double, "5 percent", "not valid");
	BAD(units_parse_percent, double, "99999999999999999999999%",
	    "too large");
}
END_TEST

START_TEST(locale_independent)
{
	char buf[32];

	/* A decimal-comma locale must change neither parsing nor output. */
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL &&
	    setlocale(LC_NUMERIC, "fr_FR.UTF-8") == NULL)
		setlocale(LC_NUMERIC, "C");
	ck_assert_int_eq(dur("1.5s"), 1500000);
	ck_assert_double_eq(rate("2.5"), 2.5);
	ck_assert_str_eq(units_format_duration(1500000, buf, sizeof buf),
	    "1.5s");
	ck_assert_str_eq(units_format_number(0.25, 2, buf, sizeof buf),
	    "0.25");
	setlocale(LC_NUMERIC, "C");
}
END_TEST

START_TEST(format_duration)
{
	static const struct { int64_t us; const char *out; } cases[] = {
		{ 0, "0s" },
		{ 1, "1us" },
		{ 999, "999us" },
		{ 1000, "1ms" },
		{ 1500, "1.5ms" },
		{ 1234, "1.23ms" },
		{ 250000, "250ms" },
		{ 999994, "999.99ms" },
		{ 999995, "1s" },
		{ 1500000, "1.5s" },
		{ 12345678, "12.35s" },
		{ 59999999, "1m" },
		{ 60000000, "1m" },
		{ 90000000, "1m30s" },
		{ 3599400000, "59m59s" },
		{ 3599600000, "1h" },
		{ 5400000000, "1h30m" },
		{ 86400000000, "1d" },
		{ 97200000000, "1d3h" },
		{ -1500000, "-1.5s" },
		{ -250, "-250us" },
		{ INT64_MIN, "-106751991d4h" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < LT_NELEM(cases); i++)
		ck_assert_str_eq(units_format_duration(cases[i].us, buf,
		    sizeof buf), cases[i].out);
	/* A short buffer truncates, terminated. */
	ck_assert_str_eq(units_format_duration(1500000, buf, 3), "1.");
}
END_TEST

START_TEST(format_round_trip)
{
	char buf[32];
	int64_t in, out;
	char *cause = NULL;
	int i;

	/* Formatted durations parse back to within the printed precision. */
	srandom(7);
	for (i = 0; i < 20000; i++) {
		in = ((int64_t)random() << 20 ^ random()) % INT64_C(500000000000);
		units_format_duration(in, buf, sizeof buf);
		ck_assert_msg(units_parse_duration(buf, &out, &cause) == 0,
		    "%s: %s", buf, cause);
		ck_assert_msg(llabs(out - in) <= in / 40 + 5,
		    "%lld -> %s -> %lld", (long long)in, buf, (long long)out);
	}
	for (i = 0; i < 20000; i++) {
		in = ((int64_t)random() << 24 ^ random());
		units_format_size(in, buf, sizeof buf);
		ck_assert_msg(units_parse_size(buf, &out, &cause) == 0,
		    "%s: %s", buf, cause);
		ck_assert_msg(llabs(out - in) <= in / 20 + 1,
		    "%lld -> %s -> %lld", (long long)in, buf, (long long)out);
	}
}
END_TEST

START_TEST(format_size)
{
	static const struct { int64_t b; const char *out; } cases[] = {
		{ 0, "0B" },
		{ 1023, "1023B" },
		{ 1024, "1KB" },
		{ 1536, "1.5KB" },
		{ 12900000, "12.3MB" },
		{ 50 * 1048576, "50MB" },
		{ 1048575, "1MB" },
		{ 1048000, "1023KB" },
		{ 102297, "99.9KB" },
		{ 150 * 1048576 + 600000, "151MB" },
		{ (INT64_C(1) << 30) * 3 / 2, "1.5GB" },
		{ INT64_C(1) << 40, "1TB" },
		{ INT64_MAX, "8EB" },
		{ -1536, "-1.5KB" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < LT_NELEM(cases); i++)
		ck_assert_str_eq(units_format_size(cases[i].b, buf, sizeof buf),
		    cases[i].out);
}
END_TEST

START_TEST(format_number)
{
	char buf[32];

	ck_assert_str_eq(units_format_number(80, 2, buf, sizeof buf), "80");
	ck_assert_str_eq(units_format_number(0.5, 2, buf, sizeof buf), "0.5");
	ck_assert_str_eq(units_format_number(99.95, 2, buf, sizeof buf),
	    "99.95");
	ck_assert_str_eq(units_format_number(1.0 / 3, 3, buf, sizeof buf),
	    "0.333");
	ck_assert_str_eq(units_format_number(2.999, 2, buf, sizeof buf), "3");
	ck_assert_str_eq(units_format_number(-1.25, 1, buf, sizeof buf),
	    "-1.3");
	ck_assert_str_eq(units_format_number(-0.001, 1, buf, sizeof buf), "0");
	ck_assert_str_eq(units_format_number(1e20, 2, buf, sizeof buf),
	    "100000000000000000000");
	ck_assert_str_eq(units_format_number(NAN, 2, buf, sizeof buf), "nan");
}
END_TEST

static Suite *
units_suite(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("units");

	tcase_add_test(tc, duration_good);
	tcase_add_test(tc, duration_bad);
	tcase_add_test(tc, duration_boundaries);
	tcase_add_test(tc, rate_good);
	tcase_add_test(tc, rate_bad);
	tcase_add_test(tc, exponent);
	tcase_add_test(tc, size_good);
	tcase_add_test(tc, size_bad);
	tcase_add_test(tc, percent_good);
	tcase_add_test(tc, percent_bad);
	tcase_add_test(tc, locale_independent);
	tcase_add_test(tc, format_duration);
	tcase_add_test(tc, format_size);
	tcase_add_test(tc, format_number);
	tcase_add_test(tc, format_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(units_suite)
