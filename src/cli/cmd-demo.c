/*
 * loadtop demo: start the bundled loadtop-target on a free loopback port,
 * run scenarios/demo.yaml against it, and stop it at the end.  Works from
 * the build tree, after make install, and from a staged install.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd.h"
#include "proc-spawn.h"
#include "util.h"

/* The directory this executable lives in. */
static char *
self_dir(void)
{
	char buf[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(buf);
}

/* The first of the candidates that exists (and is executable if asked). */
static char *
find_first(const char *const *cands, size_t n, int mode)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cands[i] != NULL && access(cands[i], mode) == 0)
			return xstrdup(cands[i]);
	return NULL;
}

/* A loopback port nobody listens on right now. */
static int
free_port(char **cause)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	int fd, port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		xasprintf(cause, "cannot find a free port: %s",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* loadtop-target beside this loadtop, else the installed one. */
static char *
demo_find_target(const char *dir)
{
	char *cand[2] = { NULL, NULL }, *found;

	if (dir != NULL)
		xasprintf(&cand[0], "%s/loadtop-target", dir);
	xasprintf(&cand[1], "%s/loadtop-target", LT_BINDIR);
	found = find_first((const char *const *)cand, 2, X_OK);
	free(cand[0]);
	free(cand[1]);
	return found;
}

/*
 * The demo scenario: beside this loadtop (a build tree), else in the
 * pkgdatadir of the prefix it is installed in, else the source tree's or
 * the configured pkgdatadir.  A loadtop in some ROOT/BINDIR (a staged
 * install, make install DESTDIR=ROOT) takes ROOT/PKGDATADIR's, so a
 * copy under DESTDIR runs the scenario installed beside it.
 */
static char *
demo_find_scenario(const char *dir)
{
	char *cand[4] = { NULL, NULL, NULL, NULL }, *found;
	size_t i, len = dir != NULL ? strlen(dir) : 0;
	size_t binlen = strlen(LT_BINDIR);

	if (dir != NULL)
		xasprintf(&cand[0], "%s/scenarios/demo.yaml", dir);
	if (dir != NULL && len >= binlen &&
	    strcmp(dir + len - binlen, LT_BINDIR) == 0)
		xasprintf(&cand[1], "%.*s%s/scenarios/demo.yaml",
		    (int)(len - binlen), dir, LT_PKGDATADIR);
	xasprintf(&cand[2], "%s/scenarios/demo.yaml", LT_SRCDIR);
	xasprintf(&cand[3], "%s/scenarios/demo.yaml", LT_PKGDATADIR);
	found = find_first((const char *const *)cand, 4, R_OK);
	for (i = 0; i < 4; i++)
		free(cand[i]);
	return found;
}

/* The bundled target, started on a free port, and ready. */
struct demo_target {
	struct procspawn *child;
	char *url;
	char *log;
};

static int
demo_start(struct demo_target *t, const char *target, char **cause)
{
	struct procspawn_opts so = { 0 };
	char *cmdline;
	int port;

	if ((port = free_port(cause)) < 0)
		return -1;
	xasprintf(&cmdline, "'%s' --port %d --quiet", target, port);
	xasprintf(&t->url, "http://127.0.0.1:%d", port);
	xasprintf(&t->log, "%s/loadtop-demo-target.%d.log",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	so.command = cmdline;
	so.log_path = t->log;
	so.ready_port = port;
	so.interrupted = cmd_run_stop_pending;
	t->child = proc_spawn_start(&so, cause);
	free(cmdline);
	if (t->child == NULL || proc_spawn_wait_ready(t->child, cause) < 0)
		return -1;
	fprintf(stderr, "loadtop: demo: loadtop-target (pid %d) on %s, "
	    "its log in %s\n", (int)proc_spawn_pid(t->child), t->url, t->log);
	return 0;
}

/* Run the demo scenario on the started target, then stop it. */
static int
demo_run(struct cmd_opts *ro, struct demo_target *t, char *scenario)
{
	char desc[128];
	int rc, status;

	/* The demo's signed webhooks use loadtop-target's default secret. */
	setenv("LOADTOP_TARGET_SECRET", "loadtop-demo-secret", 0);
	ro->scenario_file = scenario;
	ro->base_url = t->url;
	ro->child = t->child;
	rc = cmd_run(ro);

	status = proc_spawn_stop(t->child);
	proc_spawn_describe(status, desc, sizeof desc);
	if (!ro->quiet)
		fprintf(stderr, "loadtop: demo: loadtop-target %s\n", desc);
	return rc;
}

int
cmd_demo(struct cmd_opts *ro)
{
	struct demo_target t = { 0 };
	char *dir = self_dir(), *target, *scenario, *cause = NULL;
	sigset_t sigs, old;
	int rc = LT_EXIT_RUNTIME;

	/* A Ctrl-C from here on stops the run with its report, and the
	 * target, in a process group of its own, with it. */
	cmd_run_block_signals(&sigs, &old);
	target = demo_find_target(dir);
	scenario = demo_find_scenario(dir);
	free(dir);
	if (target == NULL || scenario == NULL)
		fprintf(stderr, "loadtop: demo needs loadtop-target and "
		    "scenarios/demo.yaml beside loadtop or installed in %s "
		    "and %s\n", LT_BINDIR, LT_PKGDATADIR);
	else if (demo_start(&t, target, &cause) != 0)
		fprintf(stderr, "loadtop: demo: %s\n", cause);
	else
		rc = demo_run(ro, &t, scenario);
	proc_spawn_free(t.child);
	free(cause);
	free(t.url);
	free(t.log);
	free(target);
	free(scenario);
	cmd_run_restore_signals(&sigs, &old);
	return rc;
}
