/*
 * What the tests that watch real processes share: starting a fixture,
 * sleeping, asking cpu-burn for its clocks, and the leak-check
 * suppression libproc2 needs.  Include it once per test program, after
 * check-tap.h.
 */
#ifndef LT_PROC_FIXTURE_H
#define LT_PROC_FIXTURE_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Ask cpu-burn for its own clocks, the nth time; returns them from its
 * output in log. */
static void __attribute__((unused))
burn_report(pid_t pid, const char *log, int nth, double *mono_s, double *cpu_s)
{
	char *text = NULL, *p;
	long long mono, cpu;
	int i, k;

	kill(pid, SIGUSR1);
	for (i = 0; i < 200; i++) {
		sleep_s(0.01);
		free(text);
		if ((text = util_read_file(log, NULL)) == NULL)
			continue;
		for (k = 0, p = text; (p = strstr(p, "cpu ")) != NULL; p++) {
			if (++k == nth && sscanf(p, "cpu %lld %lld", &mono,
			    &cpu) == 2) {
				*mono_s = mono / 1e9;
				*cpu_s = cpu / 1e9;
				free(text);
				return;
			}
		}
	}
	free(text);
	ck_abort_msg("cpu-burn did not report");
}

#endif
