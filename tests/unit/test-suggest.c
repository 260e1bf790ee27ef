#include "config.h"

#include <string.h>

#include "check-tap.h"
#include "suggest.h"
#include "util.h"

static const char *const keys[] = {
	"concurrency", "duration", "rate", "requests", "phases", "thresholds",
	"timeout", "headers", "body", "body_file", "method", "url",
};

#define SUGGESTS(word, want) do {					\
	const char *got_ = suggest_closest(word, keys, LT_NELEM(keys));	\
									\
	ck_assert_msg(got_ != NULL && strcmp(got_, want) == 0,		\
	    "'%s' gave '%s', not '%s'", word, got_ ? got_ : "(null)", want); \
} while (0)

#define NOTHING(word) do {						\
	const char *got_ = suggest_closest(word, keys, LT_NELEM(keys));	\
									\
	ck_assert_msg(got_ == NULL, "'%s' gave '%s'", word, got_);	\
} while (0)

START_TEST(distance)
{
	ck_assert_uint_eq(suggest_distance("", ""), 0);
	ck_assert_uint_eq(suggest_distance("abc", ""), 3);
	ck_assert_uint_eq(suggest_distance("", "abc"), 3);
	ck_assert_uint_eq(suggest_distance("kitten", "sitting"), 3);
	ck_assert_uint_eq(suggest_distance("rate", "RATE"), 0);
	ck_assert_uint_eq(suggest_distance("rate", "rtae"), 1);	/* swap */
	ck_assert_uint_eq(suggest_distance("ca", "abc"), 3);	/* OSA, not 2 */
	ck_assert_uint_eq(suggest_distance("flaw", "lawn"), 2);
	ck_assert_uint_eq(suggest_distance("p95", "p59"), 1);
	ck_assert_uint_eq(suggest_distance("abcdef", "abcdef"), 0);
}
END_TEST

START_TEST(typos)
{
	SUGGESTS("concurency", "concurrency");
	SUGGESTS("concurrnecy", "concurrency");
	SUGGESTS("Concurrency", "concurrency");
	SUGGESTS("CONCURENCY", "concurrency");
	SUGGESTS("durration", "duration");
	SUGGESTS("rte", "rate");
	SUGGESTS("rat", "rate");
	SUGGESTS("reqeusts", "requests");
	SUGGESTS("treshholds", "thresholds");
	SUGGESTS("timout", "timeout");
	SUGGESTS("bodyfile", "body_file");
	SUGGESTS("url", "url");
	SUGGESTS("uri", "url");
}
END_TEST

START_TEST(prefixes)
{
	SUGGESTS("concur", "concurrency");
	SUGGESTS("thresh", "thresholds");
	SUGGESTS("dur", "duration");
	/* A typo within reach wins over a prefix. */
	SUGGESTS("bod", "body");
}
END_TEST

START_TEST(nothing_close)
{
	NOTHING("");
	NOTHING("xyz");
	NOTHING("banana");
	NOTHING("cpu");
	NOTHING("concurrencyconcurrencyconcurrencyconcurrencyconcurrencyconcur"
	    "rencyconcurrency");
	ck_assert_ptr_null(suggest_closest("rate", keys, 0));
	ck_assert_ptr_null(suggest_closest(NULL, keys, LT_NELEM(keys)));
}
END_TEST

START_TEST(limit_scales_with_length)
{
	static const char *const one[] = { "abcdefghi" };

	/* 9 letters allow 3 edits, not 4. */
	ck_assert_ptr_nonnull(suggest_closest("abcxyzghi", one, 1));
	ck_assert_ptr_null(suggest_closest("abwxyzghi", one, 1));
	/* Short words allow one edit. */
	ck_assert_ptr_nonnull(suggest_closest("abcdefgh", one, 1));
	ck_assert_ptr_null(suggest_closest("xb", one, 1));
}
END_TEST

static Suite *
suggest_suite(void)
{
	Suite *s = suite_create("suggest");
	TCase *tc = tcase_create("suggest");

	tcase_add_test(tc, distance);
	tcase_add_test(tc, typos);
	tcase_add_test(tc, prefixes);
	tcase_add_test(tc, nothing_close);
	tcase_add_test(tc, limit_scales_with_length);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(suggest_suite)
