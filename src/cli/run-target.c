/*
 * The processes of a run: chosen by the command line (--pid, --pid-file,
 * --proc-name, --exec, each once a process) or else by the scenario's
 * target.process or target.processes, started when they are ours to
 * start, and each watched by a monitor whose view goes into every
 * snapshot.
 */
#include "config.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc-find.h"
#include "proc-spawn.h"
#include "run-target.h"
#include "util.h"

/* Where an --exec'd service's output goes. */
static char *
exec_log_path(size_t i)
{
	const char *dir = getenv("TMPDIR");
	char *path;

	if (i == 0)
		xasprintf(&path, "%s/loadtop-exec.%d.log", dir ? dir : "/tmp",
		    (int)getpid());
	else
		xasprintf(&path, "%s/loadtop-exec.%d.%zu.log", dir ? dir :
		    "/tmp", (int)getpid(), i + 1);
	return path;
}

/* A name for a process the command line gives: its pid, the process
 * name, or the command's program. */
static char *
cli_label(const char *kind, const char *what)
{
	char *copy, *word, *label;

	if (strcmp(kind, "exec") != 0) {
		xasprintf(&label, "%s%s", strcmp(kind, "pid") == 0 ? "pid-" :
		    "", what);
		return label;
	}
	copy = xstrndup(what, strcspn(what, " \t"));
	word = basename(copy);
	label = xstrdup(*word != '\0' ? word : "exec");
	free(copy);
	return label;
}

static void
cli_add(struct scn_process **v, size_t *n, const char *kind,
    const char *what, bool tree)
{
	struct scn_process *p;

	*v = xreallocarray(*v, *n + 1, sizeof **v);
	p = &(*v)[(*n)++];
	memset(p, 0, sizeof *p);
	p->label = cli_label(kind, what);
	p->tree = tree;
	if (strcmp(kind, "pid") == 0)
		p->pid = (pid_t)strtol(what, NULL, 10);
	else if (strcmp(kind, "pid-file") == 0)
		p->pid_file = (char *)what;
	else if (strcmp(kind, "proc-name") == 0)
		p->name = (char *)what;
	else
		p->exec = (char *)what;
}

/* The command line's processes, as the scenario would list them; labels
 * made unique by a suffix.  Their strings belong to o, but the labels. */
static size_t
cli_processes(const struct cmd_opts *o, struct scn_process **out)
{
	static const struct {
		const char *kind;
		size_t off;
	} lists[] = {
		{ "pid", offsetof(struct cmd_opts, pids) },
		{ "pid-file", offsetof(struct cmd_opts, pid_files) },
		{ "proc-name", offsetof(struct cmd_opts, proc_names) },
		{ "exec", offsetof(struct cmd_opts, exec_cmds) },
	};
	size_t i, k, n = 0, e = 0;

	*out = NULL;
	for (i = 0; i < LT_NELEM(lists); i++) {
		const struct opt_list *l = (const struct opt_list *)
		    ((const char *)o + lists[i].off);

		for (k = 0; k < l->n; k++)
			cli_add(out, &n, lists[i].kind, l->v[k], o->proc_tree);
	}
	for (i = 0; i < n; i++) {
		if ((*out)[i].exec != NULL && e < o->ready_urls.n)
			(*out)[i].ready_url = o->ready_urls.v[e++];
		for (k = 0; k < i; k++)
			if (strcmp((*out)[i].label, (*out)[k].label) == 0) {
				char *l;

				xasprintf(&l, "%s-%zu", (*out)[i].label, i + 1);
				free((*out)[i].label);
				(*out)[i].label = l;
				break;
			}
	}
	return n;
}

/* Find or start one process, and watch it. */
static int
open_one(struct run_proc *rp, const struct scn_process *sp, size_t index,
    const struct cmd_opts *o, const struct scenario *scn, char **cause)
{
	struct procfind_spec spec = { 0 };
	struct procspawn_opts so = { 0 };
	struct monitor_config cfg;
	pid_t pid = 0;

	monitor_config_default(&cfg);
	if (o->sample_hz > 0)
		cfg.sample_hz = o->sample_hz;
	rp->tree = cfg.tree = sp->tree;
	rp->may_exit = sp->may_exit;
	/* The target's URLs are the first process's, unless it has its own. */
	cfg.health_url = sp->health_url ? sp->health_url : index == 0 ?
	    scn->target.health_url : NULL;
	cfg.metrics_url = sp->metrics_url ? sp->metrics_url : index == 0 ?
	    scn->target.metrics_url : NULL;
	cfg.metrics = (const char *const *)scn->target.metrics;
	cfg.nmetrics = scn->target.nmetrics;
	if (scn->target.health_interval_us > 0)
		cfg.health_interval_us = scn->target.health_interval_us;
	if (index == 0 && o->child != NULL) {
		pid = proc_spawn_pid(o->child);
		rp->child = cfg.child = o->child;
	} else if (sp->exec != NULL) {
		so.command = rp->command = sp->exec;
		so.ready_url = sp->ready_url;
		/* loadtop monitor's readiness and log flags. */
		so.ready_port = (int)o->ready_port;
		so.ready_timeout_us = o->ready_timeout_us;
		/* Ctrl-C while it starts: the run begins, and stops at once. */
		so.interrupted = cmd_run_stop_pending;
		so.log_path = rp->log_path = o->exec_log != NULL ?
		    xstrdup(o->exec_log) : exec_log_path(index);
		if ((rp->child = proc_spawn_start(&so, cause)) == NULL)
			return -1;
		rp->ours = true;
		if (proc_spawn_wait_ready(rp->child, cause) < 0)
			return -1;
		pid = proc_spawn_pid(rp->child);
		cfg.child = rp->child;
	} else {
		spec.pid = sp->pid;
		spec.pid_file = sp->pid_file;
		spec.name = sp->name;
		spec.tree = cfg.tree;
		if (proc_find_resolve(&spec, &pid, cause) != 0)
			return -1;
	}
	cfg.pid = pid;
	if ((rp->monitor = monitor_new(&cfg, cause)) == NULL ||
	    monitor_start(rp->monitor, cause) != 0)
		return -1;
	return 0;
}

/* May_exit on its own, from the scenario, for a process of the command
 * line's. */
static bool
scenario_may_exit(const struct scenario *scn)
{
	return scn->target.nprocesses == 1 && scn->target.processes[0].may_exit;
}

int
run_target_open(struct run_target *t, const struct cmd_opts *o,
    const struct scenario *scn, char **cause)
{
	struct scn_process *cli = NULL, demo = { .label = (char *)"target" };
	const struct scn_process *v = scn->target.processes;
	size_t i, n = scn->target.nprocesses, ncli = cli_processes(o, &cli);
	int rc = 0;

	memset(t, 0, sizeof *t);
	if (o->child != NULL) {
		v = &demo;
		n = 1;
	} else if (ncli > 0) {
		v = cli;
		n = ncli;
		for (i = 0; i < n; i++)
			cli[i].may_exit = scenario_may_exit(scn);
	}
	t->procs = xcalloc(n + 1, sizeof *t->procs);
	t->monitors = xcalloc(n + 1, sizeof *t->monitors);
	t->labels = xcalloc(n + 1, sizeof *t->labels);
	t->may_exit = xcalloc(n + 1, sizeof *t->may_exit);
	for (i = 0; i < n && rc == 0; i++) {
		struct run_proc *rp = &t->procs[t->nprocs++];

		rp->label = xstrdup(v[i].label ? v[i].label : "target");
		rc = open_one(rp, &v[i], i, o, scn, cause);
		t->monitors[i] = rp->monitor;
		t->labels[i] = rp->label;
		t->may_exit[i] = rp->may_exit;
		if (rc != 0 && n > 1) {
			char *c = *cause;

			xasprintf(cause, "%s: %s", rp->label, c);
			free(c);
		}
	}
	for (i = 0; i < ncli; i++)
		free(cli[i].label);
	free(cli);
	return rc;
}

void
run_target_close(struct run_target *t, bool quiet)
{
	char desc[128];
	size_t i;
	int status;

	for (i = 0; i < t->nprocs; i++) {
		struct run_proc *rp = &t->procs[i];

		if (rp->monitor != NULL)
			monitor_stop(rp->monitor);
		if (rp->ours && rp->child != NULL) {
			status = proc_spawn_stop(rp->child);
			proc_spawn_describe(status, desc, sizeof desc);
			if (!quiet && t->nprocs == 1)
				fprintf(stderr, "loadtop: the service we started "
				    "%s; its output is in %s\n", desc,
				    rp->log_path);
			else if (!quiet)
				fprintf(stderr, "loadtop: the service we started "
				    "as %s %s; its output is in %s\n", rp->label,
				    desc, rp->log_path);
		}
	}
}

void
run_target_free(struct run_target *t)
{
	size_t i;

	for (i = 0; i < t->nprocs; i++) {
		monitor_free(t->procs[i].monitor);
		if (t->procs[i].ours)
			proc_spawn_free(t->procs[i].child);
		free(t->procs[i].log_path);
		free(t->procs[i].label);
	}
	free(t->procs);
	free(t->monitors);
	free(t->labels);
	free(t->may_exit);
	memset(t, 0, sizeof *t);
}
