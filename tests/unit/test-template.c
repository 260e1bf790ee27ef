#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check-tap.h"
#include "template.h"
#include "util.h"

/*
 * This program is linked with -Wl,--wrap=malloc,calloc,realloc so that
 * every allocation made from the engine's code is counted.
 */
void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);

static volatile size_t nallocs;

void *
__wrap_malloc(size_t n)
{
	nallocs++;
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	nallocs++;
	return __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	nallocs++;
	return __real_realloc(p, n);
}

static struct tmpl *
compile(const char *text)
{
	struct tmpl *t = NULL;
	size_t off = 999;
	char *cause = NULL;

	ck_assert_msg(template_compile(text, strlen(text), &t, &off, &cause) == 0,
	    "'%s' refused at %zu: %s", text, off, cause ? cause : "?");
	ck_assert_ptr_nonnull(t);
	return t;
}

static uint64_t rng_state = 0x1234567887654321ULL;

static struct tmpl_ctx
ctx_at(uint64_t seq, time_t sec, long nsec)
{
	struct tmpl_ctx ctx;

	ctx.seq = seq;
	ctx.rng = &rng_state;
	ctx.vars = NULL;
	ctx.now.tv_sec = sec;
	ctx.now.tv_nsec = nsec;
	return ctx;
}

/* Render into a fresh buffer sized by template_max_len and check the bound. */
static const char *
render(const struct tmpl *t, const struct tmpl_ctx *ctx)
{
	static char buf[4 * TMPL_VAR_MAX + 4096];
	size_t n, max = template_max_len(t);

	if (max >= sizeof buf)
		ck_abort_msg("bound %zu is too large for the test", max);
	memset(buf, 'X', max + 2);
	n = template_render(t, ctx, buf, max + 1);
	if (n > max || buf[n] != '\0' || buf[max + 1] != 'X')
		ck_abort_msg("rendered %zu bytes, bound %zu", n, max);
	return buf;
}

static void
expect_render(const char *text, uint64_t seq, const char *want)
{
	struct tmpl *t = compile(text);
	struct tmpl_ctx ctx = ctx_at(seq, 1795569572, 123456789);

	ck_assert_str_eq(render(t, &ctx), want);
	template_free(t);
}

static void
expect_err(const char *text, size_t want_off, const char *needle)
{
	struct tmpl *t = (struct tmpl *)1;
	size_t off = 999;
	char *cause = NULL;

	ck_assert_msg(template_compile(text, strlen(text), &t, &off, &cause) == -1,
	    "'%s' was accepted", text);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(off == want_off, "'%s': offset %zu, not %zu (%s)", text,
	    off, want_off, cause);
	ck_assert_msg(strstr(cause, needle) != NULL,
	    "'%s': message '%s' lacks '%s'", text, cause, needle);
	free(cause);
}

START_TEST(literals_and_escapes)
{
	struct tmpl *t;

	expect_render("", 0, "");
	expect_render("plain text", 0, "plain text");
	expect_render("cost $5", 0, "cost $5");
	expect_render("a$", 0, "a$");
	expect_render("$$", 0, "$$");
	expect_render("$}{", 0, "$}{");
	expect_render("$${seq}", 7, "${seq}");
	expect_render("$${seq} is ${seq}", 7, "${seq} is 7");
	expect_render("{\"id\": ${seq}}", 12, "{\"id\": 12}");

	t = compile("static $${body}");
	ck_assert(template_is_static(t));
	ck_assert(!template_uses_seq(t));
	ck_assert(!template_has_secret(t));
	ck_assert_uint_eq(template_max_len(t), strlen("static ${body}"));
	template_free(t);
	t = compile("");
	ck_assert(template_is_static(t));
	ck_assert_uint_eq(template_max_len(t), 0);
	template_free(t);
	t = compile("a${seq}");
	ck_assert(!template_is_static(t));
	ck_assert(template_uses_seq(t));
	template_free(t);
}
END_TEST

START_TEST(seq_and_clock)
{
	expect_render("${seq}", 0, "0");
	expect_render("n=${seq}&m=${seq}", 42, "n=42&m=42");
	expect_render("${seq}", UINT64_MAX, "18446744073709551615");
	/* 1795569572 is 2026-11-25T01:19:32Z. */
	expect_render("${now_ms}", 0, "1795569572123");
	expect_render("${now_iso}", 0, "2026-11-25T01:19:32.123Z");
	expect_render("t=${now_iso};", 0, "t=2026-11-25T01:19:32.123Z;");
}
END_TEST

START_TEST(now_iso_matches_gmtime)
{
	struct tmpl *t = compile("${now_iso}|${now_ms}");
	struct tmpl_ctx ctx;
	struct tm tm;
	char want[96], date[64];
	uint64_t r = 99;
	time_t sec;
	long ms;
	int i;

	for (i = 0; i < 20000; i++) {
		/* Years 1970 to 2400, plus the edges of leap years. */
		sec = (time_t)(template_rng_next(&r) % UINT64_C(13569465600));
		if (i < 8)
			sec = (time_t[]){ 0, 951782400, 951868799, 951868800,
			    4107542400, 4107456000, 1709164800, 253402300799 }[i];
		ms = (long)(template_rng_next(&r) % 1000);
		ctx = ctx_at(0, sec, ms * 1000000 + 999999);
		gmtime_r(&sec, &tm);
		strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(want, sizeof want, "%s.%03ldZ|%lld", date, ms,
		    (long long)sec * 1000 + ms);
		ck_assert_str_eq(render(t, &ctx), want);
	}
	/* Before the epoch too. */
	ctx = ctx_at(0, -1, 500000000);
	ck_assert_str_eq(render(t, &ctx), "1969-12-31T23:59:59.500Z|-500");
	/* Out of four-digit years the text keeps its shape. */
	ctx = ctx_at(0, INT64_C(300000000000), 0);
	ck_assert_str_eq(render(t, &ctx),
	    "9999-12-31T23:59:59.999Z|300000000000000");
	template_free(t);
}
END_TEST

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(uuid)
{
	static char ids[10000][37];
	struct tmpl *t = compile("${uuid}");
	struct tmpl_ctx ctx = ctx_at(0, 0, 0);
	const char *s;
	bool ok;
	int i, j;

	ck_assert_uint_eq(template_max_len(t), 36);
	/* Checked without an assertion per byte, which would be slow. */
	for (i = 0; i < 10000; i++) {
		s = render(t, &ctx);
		ok = strlen(s) == 36 && s[14] == '4' &&
		    strchr("89ab", s[19]) != NULL;
		for (j = 0; ok && j < 36; j++) {
			if (j == 8 || j == 13 || j == 18 || j == 23)
				ok = s[j] == '-';
			else
				ok = s[j] != '\0' &&
				    strchr("0123456789abcdef", s[j]) != NULL;
		}
		ck_assert_msg(ok, "malformed version 4 UUID '%s'", s);
		memcpy(ids[i], s, 37);
	}
	qsort(ids, 10000, sizeof ids[0], cmp_str);
	for (i = 1; i < 10000; i++) {
		if (strcmp(ids[i - 1], ids[i]) == 0)
			ck_abort_msg("UUID %s came twice", ids[i]);
	}
	template_free(t);
}
END_TEST

START_TEST(rand_bounds_and_spread)
{
	struct tmpl *t = compile("${rand:0-9}");
	struct tmpl_ctx ctx = ctx_at(0, 0, 0);
	unsigned counts[10] = { 0 };
	double chi2 = 0, e = 100000 / 10.0;
	uint64_t v;
	char *end;
	int i;

	for (i = 0; i < 100000; i++) {
		v = strtoull(render(t, &ctx), &end, 10);
		ck_assert_int_eq(*end, '\0');
		ck_assert_uint_le(v, 9);
		counts[v]++;
	}
	for (i = 0; i < 10; i++)
		chi2 += (counts[i] - e) * (counts[i] - e) / e;
	/* 9 degrees of freedom: 27.9 is the 0.1% tail. */
	ck_assert_msg(chi2 < 27.9, "chi-square %.1f", chi2);
	template_free(t);

	expect_render("${rand:5-5}", 0, "5");
	t = compile("${rand:1000000000000000000-1000000000000000002}");
	for (i = 0; i < 1000; i++) {
		v = strtoull(render(t, &ctx), NULL, 10);
		ck_assert(v >= UINT64_C(1000000000000000000) &&
		    v <= UINT64_C(1000000000000000002));
	}
	template_free(t);
	t = compile("${rand:0-18446744073709551615}");
	ck_assert_uint_eq(template_max_len(t), 20);
	render(t, &ctx);
	template_free(t);
	t = compile("${rand:7-12}");
	for (i = 0; i < 1000; i++) {
		v = strtoull(render(t, &ctx), NULL, 10);
		ck_assert(v >= 7 && v <= 12);
	}
	template_free(t);
}
END_TEST

START_TEST(rng)
{
	uint64_t s = 1, z = 0, a, b;

	a = template_rng_next(&s);
	b = template_rng_next(&s);
	ck_assert_uint_ne(a, b);
	ck_assert_uint_ne(s, 0);
	/* A zero state must not get stuck. */
	a = template_rng_next(&z);
	ck_assert_uint_ne(z, 0);
	ck_assert_uint_ne(a, template_rng_next(&z));
}
END_TEST

START_TEST(errors)
{
	/*          0123456789012345678 */
	expect_err("${", 0, "unterminated");
	expect_err("abc ${seq", 4, "unterminated");
	expect_err("${seq} ${uuid", 7, "unterminated");
	expect_err("${}", 0, "empty variable");
	expect_err("x ${sqe}", 2, "did you mean '${seq}'?");
	expect_err("${nowms}", 0, "did you mean '${now_ms}'?");
	expect_err("${uid}", 0, "did you mean '${uuid}'?");
	expect_err("${rnd:1-5}", 0, "did you mean '${rand:LO-HI}'?");
	expect_err("${banana}", 0, "expected seq, uuid");
	expect_err("${seq:1}", 0, "takes no argument");
	expect_err("${rand}", 0, "needs a range");
	expect_err("${rand:}", 7, "such as ${rand:1-100}");
	expect_err("${rand:5}", 7, "such as ${rand:1-100}");
	expect_err("${rand:5-}", 9, "such as ${rand:1-100}");
	expect_err("${rand:a-b}", 7, "such as ${rand:1-100}");
	expect_err("${rand:1-5x}", 9, "such as ${rand:1-100}");
	expect_err("${rand:-1-5}", 7, "negative");
	expect_err("${rand:1--5}", 9, "negative");
	expect_err("${rand:9-1}", 7, "low bound is above");
	expect_err("${rand:18446744073709551616-1}", 7, "too large");
	expect_err("${rand:1-99999999999999999999}", 9, "too large");
	expect_err("${env}", 0, "needs a variable name");
	expect_err("${env:}", 6, "not an environment variable name");
	expect_err("ab${env:1X}", 8, "not starting with a digit");
	expect_err("${env:A-B}", 6, "not an environment variable name");
	expect_err("${var}", 0, "needs a variable name, such as ${var:token}");
	expect_err("${var:}", 6, "not a variable name");
	expect_err("x ${var:9lives}", 8, "not starting with a digit");
	expect_err("${var:to-ken}", 6, "'to-ken' is not a variable name");
	expect_err("${vra:token}", 0, "did you mean '${var:NAME}'?");
}
END_TEST

START_TEST(env_binding)
{
	struct tmpl *t = compile("Bearer ${env:LT_TEST_TOKEN}/${env:LT_T2}");
	struct tmpl_ctx ctx = ctx_at(0, 0, 0);
	const char *missing = NULL;
	size_t off = 999;

	ck_assert(template_has_secret(t));
	ck_assert(!template_is_static(t));
	unsetenv("LT_TEST_TOKEN");
	setenv("LT_T2", "two", 1);
	ck_assert_int_eq(template_bind_env(t, &missing, &off), -1);
	ck_assert_str_eq(missing, "LT_TEST_TOKEN");
	ck_assert_uint_eq(off, 7);

	setenv("LT_TEST_TOKEN", "s3cret", 1);
	unsetenv("LT_T2");
	ck_assert_int_eq(template_bind_env(t, &missing, &off), -1);
	ck_assert_str_eq(missing, "LT_T2");
	ck_assert_uint_eq(off, 28);

	setenv("LT_T2", "", 1);
	ck_assert_int_eq(template_bind_env(t, &missing, &off), 0);
	ck_assert_uint_eq(template_max_len(t), strlen("Bearer s3cret/"));
	/* Bound once: later changes to the environment do not show. */
	setenv("LT_TEST_TOKEN", "changed", 1);
	ck_assert_str_eq(render(t, &ctx), "Bearer s3cret/");
	ck_assert_int_eq(template_bind_env(t, &missing, &off), 0);
	ck_assert_str_eq(render(t, &ctx), "Bearer changed/");
	template_free(t);
}
END_TEST

/* As scenario.vars holds them: the names captures set, by index. */
static char var_token[] = "token", var_user[] = "user", var_unused[] = "unused";
static char *const var_names[] = { var_token, var_user, var_unused };

START_TEST(var_binding)
{
	struct tmpl *t = compile("Bearer ${var:token} for ${var:user}/${var:token}");
	struct tmpl_var vals[3] = { { "abc", 3 }, { "u17", 3 }, { NULL, 0 } };
	struct tmpl_ctx ctx = ctx_at(0, 0, 0);
	const char *missing = NULL;
	size_t off = 999, idx[4], n;

	ck_assert(template_has_secret(t));
	ck_assert(!template_is_static(t));
	ck_assert(!template_uses_seq(t));
	/* Before binding no index is known: nothing is listed or written. */
	ck_assert_uint_eq(template_vars(t, idx, 4), 0);
	ck_assert_str_eq(render(t, &ctx), "Bearer  for /");
	ck_assert_int_eq(template_bind_vars(t, var_names, 3, &missing, &off), 0);
	n = template_vars(t, idx, 4);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(idx[0], 0);
	ck_assert_uint_eq(idx[1], 1);
	ck_assert_uint_eq(template_vars(t, idx, 1), 1);
	ck_assert_uint_eq(template_max_len(t),
	    strlen("Bearer  for /") + 3 * TMPL_VAR_MAX);
	/* No variables in the context, or unset ones: nothing. */
	ck_assert_str_eq(render(t, &ctx), "Bearer  for /");
	ctx.vars = vals;
	ck_assert_str_eq(render(t, &ctx), "Bearer abc for u17/abc");
	vals[1].v = NULL;
	ck_assert_str_eq(render(t, &ctx), "Bearer abc for /abc");
	template_free(t);
}
END_TEST

START_TEST(var_unknown_and_long)
{
	struct tmpl *t = compile("{\"a\":\"${var:user}\",\"b\":\"${var:tokn}\"}");
	static char big[TMPL_VAR_MAX + 100];
	struct tmpl_var vals[1];
	struct tmpl_ctx ctx = ctx_at(0, 0, 0);
	const char *missing = NULL;
	size_t off = 999;

	ck_assert_int_eq(template_bind_vars(t, var_names, 3, &missing, &off), -1);
	ck_assert_str_eq(missing, "tokn");
	ck_assert_uint_eq(off, 24);
	template_free(t);

	/* A value past the bound is cut to it. */
	t = compile("${var:token}");
	ck_assert_int_eq(template_bind_vars(t, var_names, 3, &missing, &off), 0);
	memset(big, 'v', sizeof big);
	vals[0].v = big;
	vals[0].len = sizeof big;
	ctx.vars = vals;
	ck_assert_uint_eq(template_max_len(t), TMPL_VAR_MAX);
	ck_assert_uint_eq(strlen(render(t, &ctx)), TMPL_VAR_MAX);
	template_free(t);
}
END_TEST

START_TEST(env_values_listed)
{
	struct tmpl *t = compile("${env:LT_EV_A}-${seq}-${env:LT_EV_B}");
	const char *missing, *v[4];
	size_t off, len[4];

	setenv("LT_EV_A", "alpha", 1);
	setenv("LT_EV_B", "", 1);
	ck_assert_uint_eq(template_env_values(t, v, len, 4), 0);
	ck_assert_int_eq(template_bind_env(t, &missing, &off), 0);
	ck_assert_uint_eq(template_env_values(t, v, len, 4), 2);
	ck_assert_str_eq(v[0], "alpha");
	ck_assert_uint_eq(len[0], 5);
	ck_assert_uint_eq(len[1], 0);
	ck_assert_uint_eq(template_env_values(t, v, len, 1), 1);
	template_free(t);
}
END_TEST

START_TEST(max_len_holds)
{
	static const char *const texts[] = {
		"${seq}", "${uuid}", "${now_ms}", "${now_iso}",
		"${rand:0-18446744073709551615}", "${rand:0-9}", "lit$${",
		"${env:LT_MAXLEN}", "$ ", "{\"a\":\"", "\"}",
	};
	char text[512], buf[1024 + 16];
	struct tmpl *t;
	struct tmpl_ctx ctx;
	const char *missing;
	size_t off, n, max, i, k;
	uint64_t r = 5;
	int round;

	setenv("LT_MAXLEN", "value-of-some-length", 1);
	for (round = 0; round < 200; round++) {
		text[0] = '\0';
		for (k = 1 + template_rng_next(&r) % 12; k > 0; k--)
			strcat(text, texts[template_rng_next(&r) %
			    LT_NELEM(texts)]);
		t = compile(text);
		ck_assert_int_eq(template_bind_env(t, &missing, &off), 0);
		max = template_max_len(t);
		ck_assert_uint_le(max, 1024);
		for (i = 0; i < 100; i++) {
			ctx = ctx_at(template_rng_next(&r) >> (template_rng_next(&r) %
			    64), (time_t)(template_rng_next(&r) %
			    UINT64_C(300000000000)) - INT64_C(100000000000),
			    (long)(template_rng_next(&r) % 1000000000));
			memset(buf, '#', sizeof buf);
			/* Exactly max bytes of room: nothing past them. */
			n = template_render(t, &ctx, buf, max);
			for (k = max; k < sizeof buf && buf[k] == '#'; k++)
				/* nothing */;
			if (n > max || k != sizeof buf)
				ck_abort_msg("'%s' wrote %zu, past its bound %zu",
				    text, n, max);
		}
		template_free(t);
	}
}
END_TEST

START_TEST(short_buffer_truncates)
{
	struct tmpl *t = compile("0123456789${seq}abc");
	struct tmpl *s = compile("static text");
	struct tmpl_ctx ctx = ctx_at(42, 0, 0);
	char buf[16];

	memset(buf, '#', sizeof buf);
	ck_assert_uint_eq(template_render(t, &ctx, buf, 11), 11);
	ck_assert(memcmp(buf, "01234567894#", 12) == 0);
	ck_assert_uint_eq(template_render(s, &ctx, buf, 6), 6);
	ck_assert(memcmp(buf, "static", 6) == 0);
	ck_assert_uint_eq(template_render(s, &ctx, NULL, 0), 0);
	template_free(t);
	template_free(s);
}
END_TEST

START_TEST(render_does_not_allocate)
{
	struct tmpl *t = compile("{\"id\":\"${uuid}\",\"n\":${seq},\"t\":"
	    "\"${now_iso}\",\"ms\":${now_ms},\"r\":${rand:1-1000},"
	    "\"k\":\"${env:LT_NOALLOC}\",\"lit\":\"$${x}\","
	    "\"u\":\"${var:user}\"}");
	struct tmpl *s = compile("just a static body");
	struct tmpl_ctx ctx = ctx_at(0, 1795569572, 0);
	const struct tmpl_var vals[3] = { { "tok", 3 }, { "u1", 2 } };
	const char *missing;
	char buf[512], *p;
	size_t before, after, off, total = 0;
	int i;

	setenv("LT_NOALLOC", "abc", 1);
	ck_assert_int_eq(template_bind_env(t, &missing, &off), 0);
	ck_assert_int_eq(template_bind_vars(t, var_names, 3, &missing, &off), 0);
	ctx.vars = vals;

	/* The counter sees the engine's allocations. */
	before = nallocs;
	p = xmalloc(16);
	free(p);
	ck_assert_uint_eq(nallocs, before + 1);

	/* No assertion inside the loop: check itself may allocate. */
	before = nallocs;
	for (i = 0; i < 5000; i++) {
		ctx.seq = (uint64_t)i;
		total += template_render(t, &ctx, buf, sizeof buf);
		total += template_render(s, &ctx, buf, sizeof buf);
	}
	after = nallocs;
	ck_assert_uint_eq(after, before);
	ck_assert_uint_gt(total, 5000 * 100);
	template_free(t);
	template_free(s);
}
END_TEST

static Suite *
template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("template");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, literals_and_escapes);
	tcase_add_test(tc, seq_and_clock);
	tcase_add_test(tc, now_iso_matches_gmtime);
	tcase_add_test(tc, uuid);
	tcase_add_test(tc, rand_bounds_and_spread);
	tcase_add_test(tc, rng);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, env_binding);
	tcase_add_test(tc, var_binding);
	tcase_add_test(tc, var_unknown_and_long);
	tcase_add_test(tc, env_values_listed);
	tcase_add_test(tc, max_len_holds);
	tcase_add_test(tc, short_buffer_truncates);
	tcase_add_test(tc, render_does_not_allocate);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(template_suite)
