/*
 * What the tests that watch real processes share: starting a fixture,
 * sleeping, and the leak-check suppression libproc2 needs.  Include it
 * once per test program, after check-tap.h.
 */
#ifndef LT_PROC_FIXTURE_H
#define LT_PROC_FIXTURE_H

#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include "proc-spawn.h"
#include "util.h"

#define MB (1024.0 * 1024.0)

/*
 * libproc2 4.0.2 keeps per-thread read buffers (128 KB, from openproc)
 * that are never freed; a sampler thread that ends leaves them behind.
 */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libproc2.so\n";
}

const char *__lsan_default_options(void);
const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}

static void
sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

/* Start a fixture's command line; the test fails if it cannot. */
static struct procspawn *
spawn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static struct procspawn *
spawn(const char *fmt, ...)
{
	struct procspawn_opts o = { 0 };
	struct procspawn *ps;
	char *cmd, *cause = NULL;
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(&cmd, fmt, ap);
	va_end(ap);
	o.command = cmd;
	ps = proc_spawn_start(&o, &cause);
	ck_assert_msg(ps != NULL, "%s: %s", cmd, cause);
	free(cmd);
	return ps;
}

#endif
