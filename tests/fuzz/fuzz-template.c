/*
 * Templates: any text compiled as a scenario's value would be, bound to
 * the environment and to captured variables, and rendered at a few
 * moments; a render must fit the room template_max_len promised.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char name_token[] = "token", name_user[] = "user",
    name_empty[] = "empty", name_unset[] = "unset";
static char *const var_names[] = { name_token, name_user, name_empty,
    name_unset };
static struct tmpl_var vars[4];
static char longest[TMPL_VAR_MAX];

static void
set_up(void)
{
	memset(longest, 'v', sizeof longest);
	vars[0] = (struct tmpl_var){ .v = "abc.def", .len = 7 };
	vars[1] = (struct tmpl_var){ .v = longest, .len = sizeof longest };
	vars[2] = (struct tmpl_var){ .v = "", .len = 0 };
	vars[3] = (struct tmpl_var){ .v = NULL, .len = 0 };
	setenv("FUZZ_SECRET", "s3cret", 1);
	setenv("FUZZ_EMPTY", "", 1);
}

/* Render at a few moments, from the epoch to the last second of 9999. */
static void
render_all(const struct tmpl *t)
{
	static const time_t moments[] = { 0, 1764547200, 253402300799 };
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	struct tmpl_ctx ctx = { .rng = &rng, .vars = vars };
	size_t max = template_max_len(t), i, n;
	char *buf = malloc(max + 64);

	for (i = 0; i < sizeof moments / sizeof moments[0]; i++) {
		ctx.seq = i == 0 ? UINT64_MAX : i;
		ctx.now = (struct timespec){ .tv_sec = moments[i],
		    .tv_nsec = 999999999 };
		if ((n = template_render(t, &ctx, buf, max + 64)) > max)
			abort();	/* past what the slot was sized for */
		/* A render cut short stays inside its room. */
		template_render(t, &ctx, buf, max / 2);
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl *t = NULL;
	const char *missing;
	const char *env[8];
	size_t off, len[8], idx[8];
	char *cause = NULL;

	if (longest[0] == '\0')
		set_up();
	if (template_compile((const char *)data, size, &t, &off, &cause) != 0) {
		free(cause);
		return 0;
	}
	(void)template_is_static(t);
	(void)template_uses_seq(t);
	(void)template_has_secret(t);
	if (template_bind_vars(t, var_names, 4, &missing, &off) == 0 &&
	    template_bind_env(t, &missing, &off) == 0) {
		template_env_values(t, env, len, 8);
		template_vars(t, idx, 8);
		render_all(t);
	}
	template_free(t);
	return 0;
}
