#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "target-token.h"

#define THREADS		4
#define PER_THREAD	5000

static struct ttoken *
table(size_t capacity)
{
	struct ttoken *t;
	char *cause = NULL;

	t = target_token_create(capacity, &cause);
	ck_assert_msg(t != NULL, "no table of %zu: %s", capacity,
	    cause != NULL ? cause : "?");
	return t;
}

static int
cmp_token(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(token_shape)
{
	struct ttoken *t = table(16);
	char token[TTOKEN_LEN + 1];
	size_t i;

	ck_assert_int_eq(target_token_issue(t, "u17", token), 0);
	ck_assert_uint_eq(strlen(token), TTOKEN_LEN);
	for (i = 0; i < TTOKEN_LEN; i++)
		ck_assert_msg(strchr("0123456789abcdef", token[i]) != NULL,
		    "'%s' is not lowercase hex", token);
	target_token_free(t);
}
END_TEST

START_TEST(token_finds_its_user)
{
	struct ttoken *t = table(16);
	char a[TTOKEN_LEN + 1], b[TTOKEN_LEN + 1], user[TTOKEN_MAX_USER + 1];

	target_token_issue(t, "u17", a);
	target_token_issue(t, "u18", b);
	ck_assert_int_eq(target_token_find(t, a, user), 1);
	ck_assert_str_eq(user, "u17");
	ck_assert_int_eq(target_token_find(t, b, user), 1);
	ck_assert_str_eq(user, "u18");
	target_token_free(t);
}
END_TEST

START_TEST(token_same_user_new_token)
{
	struct ttoken *t = table(16);
	char a[TTOKEN_LEN + 1], b[TTOKEN_LEN + 1], user[TTOKEN_MAX_USER + 1];

	target_token_issue(t, "u1", a);
	target_token_issue(t, "u1", b);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(target_token_find(t, a, user), 1);
	ck_assert_int_eq(target_token_find(t, b, user), 1);
	ck_assert_str_eq(user, "u1");
	target_token_free(t);
}
END_TEST

START_TEST(token_longest_user)
{
	struct ttoken *t = table(4);
	char token[TTOKEN_LEN + 1], user[TTOKEN_MAX_USER + 1];
	char name[TTOKEN_MAX_USER + 8];

	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	name[TTOKEN_MAX_USER - 1] = 'y';
	target_token_issue(t, name, token);
	ck_assert_int_eq(target_token_find(t, token, user), 1);
	ck_assert_uint_eq(strlen(user), TTOKEN_MAX_USER);
	ck_assert_int_eq(user[TTOKEN_MAX_USER - 1], 'y');
	target_token_free(t);
}
END_TEST

START_TEST(token_refuses_strangers)
{
	struct ttoken *t = table(16), *other = table(16);
	char token[TTOKEN_LEN + 1], bad[TTOKEN_LEN + 2];
	char user[TTOKEN_MAX_USER + 1];
	size_t i;

	target_token_issue(t, "u1", token);
	ck_assert_int_eq(target_token_find(t, "", user), 0);
	ck_assert_int_eq(target_token_find(t, "00000000000000000000000000000000",
	    user), 0);
	snprintf(bad, sizeof bad, "%.*s", TTOKEN_LEN - 1, token);
	ck_assert_int_eq(target_token_find(t, bad, user), 0);
	snprintf(bad, sizeof bad, "%s0", token);
	ck_assert_int_eq(target_token_find(t, bad, user), 0);
	for (i = 0; i < TTOKEN_LEN; i++) {
		/* Every digit changed, one at a time, is another token. */
		memcpy(bad, token, TTOKEN_LEN + 1);
		bad[i] = bad[i] == '0' ? '1' : '0';
		ck_assert_msg(target_token_find(t, bad, user) == 0,
		    "%s accepted for %s", bad, token);
	}
	memcpy(bad, token, TTOKEN_LEN + 1);
	for (i = 0; i < TTOKEN_LEN; i++) {
		if (bad[i] >= 'a')
			bad[i] = (char)(bad[i] - 'a' + 'A');
	}
	if (strcmp(bad, token) != 0)
		ck_assert_int_eq(target_token_find(t, bad, user), 0);
	ck_assert_int_eq(target_token_find(other, token, user), 0);
	ck_assert_int_eq(target_token_find(t, token, user), 1);
	target_token_free(t);
	target_token_free(other);
}
END_TEST

START_TEST(token_forgets_the_oldest)
{
	struct ttoken *t = table(3);
	char tokens[5][TTOKEN_LEN + 1], user[TTOKEN_MAX_USER + 1];
	char name[8];
	int i, forgot = 0;

	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "u%d", i);
		forgot += target_token_issue(t, name, tokens[i]);
		ck_assert_int_eq(forgot, i < 3 ? 0 : i - 2);
	}
	ck_assert_int_eq(target_token_find(t, tokens[0], user), 0);
	ck_assert_int_eq(target_token_find(t, tokens[1], user), 0);
	for (i = 2; i < 5; i++) {
		snprintf(name, sizeof name, "u%d", i);
		ck_assert_int_eq(target_token_find(t, tokens[i], user), 1);
		ck_assert_str_eq(user, name);
	}
	target_token_free(t);
}
END_TEST

START_TEST(token_capacity_bounds)
{
	char *cause = NULL;

	ck_assert_ptr_null(target_token_create(0, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "1 to 1000000"));
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(target_token_create(TTOKEN_MAX_CAPACITY + 1,
	    &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
	target_token_free(table(TTOKEN_MAX_CAPACITY));
}
END_TEST

struct issuer {
	struct ttoken	*table;
	int		 id;
	int		 forgot;
	char		(*tokens)[TTOKEN_LEN + 1];
};

static void *
issue_many(void *arg)
{
	struct issuer *is = arg;
	char name[32];
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		snprintf(name, sizeof name, "t%d-%d", is->id, i);
		is->forgot += target_token_issue(is->table, name,
		    is->tokens[i]);
	}
	return NULL;
}

/* THREADS threads issue at once; how many tokens are still known. */
static int
issue_in_threads(struct ttoken *t, char (*tokens)[TTOKEN_LEN + 1],
    int *forgot)
{
	struct issuer is[THREADS];
	pthread_t th[THREADS];
	char user[TTOKEN_MAX_USER + 1], name[32];
	int i, j, known = 0;

	for (i = 0; i < THREADS; i++) {
		is[i] = (struct issuer){ t, i, 0, tokens + i * PER_THREAD };
		ck_assert_int_eq(pthread_create(&th[i], NULL, issue_many,
		    &is[i]), 0);
	}
	*forgot = 0;
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		*forgot += is[i].forgot;
	}
	for (i = 0; i < THREADS; i++) {
		for (j = 0; j < PER_THREAD; j++) {
			if (!target_token_find(t, tokens[i * PER_THREAD + j],
			    user))
				continue;
			snprintf(name, sizeof name, "t%d-%d", i, j);
			ck_assert_str_eq(user, name);
			known++;
		}
	}
	return known;
}

START_TEST(token_threads_distinct)
{
	struct ttoken *t = table(THREADS * PER_THREAD);
	char (*tokens)[TTOKEN_LEN + 1];
	int i, forgot;

	tokens = calloc(THREADS * PER_THREAD, sizeof *tokens);
	ck_assert_int_eq(issue_in_threads(t, tokens, &forgot),
	    THREADS * PER_THREAD);
	ck_assert_int_eq(forgot, 0);
	qsort(tokens, THREADS * PER_THREAD, sizeof *tokens, cmp_token);
	for (i = 1; i < THREADS * PER_THREAD; i++)
		ck_assert_str_ne(tokens[i - 1], tokens[i]);
	free(tokens);
	target_token_free(t);
}
END_TEST

START_TEST(token_threads_full_table)
{
	struct ttoken *t = table(1000);
	char (*tokens)[TTOKEN_LEN + 1];
	int forgot;

	tokens = calloc(THREADS * PER_THREAD, sizeof *tokens);
	ck_assert_int_eq(issue_in_threads(t, tokens, &forgot), 1000);
	ck_assert_int_eq(forgot, THREADS * PER_THREAD - 1000);
	free(tokens);
	target_token_free(t);
}
END_TEST

static Suite *
token_suite(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("token");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, token_shape);
	tcase_add_test(tc, token_finds_its_user);
	tcase_add_test(tc, token_same_user_new_token);
	tcase_add_test(tc, token_longest_user);
	tcase_add_test(tc, token_refuses_strangers);
	tcase_add_test(tc, token_forgets_the_oldest);
	tcase_add_test(tc, token_capacity_bounds);
	tcase_add_test(tc, token_threads_distinct);
	tcase_add_test(tc, token_threads_full_table);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(token_suite)
