/*
 * The target process of a run: chosen by the command line (--pid,
 * --pid-file, --proc-name, --exec) or else by the scenario's
 * target.process, started when it is ours to start, and watched by a
 * monitor whose view goes into every snapshot.
 */
#include "config.h"

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
exec_log_path(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;

	xasprintf(&path, "%s/loadtop-exec.%d.log", dir ? dir : "/tmp",
	    (int)getpid());
	return path;
}

int
run_target_open(struct run_target *t, const struct cmd_opts *o,
    const struct scenario *scn, char **cause)
{
	const struct scn_process *sp = &scn->target.process;
	struct procfind_spec spec = { 0 };
	struct procspawn_opts so = { 0 };
	struct monitor_config cfg;
	bool cli = o->pid || o->pid_file || o->proc_name || o->exec_cmd;
	pid_t pid = 0;

	memset(t, 0, sizeof *t);
	monitor_config_default(&cfg);
	if (o->sample_hz > 0)
		cfg.sample_hz = o->sample_hz;
	cfg.tree = o->proc_tree || (!cli && sp->tree);
	t->tree = cfg.tree;
	cfg.health_url = scn->target.health_url;
	cfg.metrics_url = scn->target.metrics_url;
	cfg.metrics = (const char *const *)scn->target.metrics;
	cfg.nmetrics = scn->target.nmetrics;
	if (scn->target.health_interval_us > 0)
		cfg.health_interval_us = scn->target.health_interval_us;

	if (o->child != NULL) {
		pid = proc_spawn_pid(o->child);
		cfg.child = o->child;
	} else if (o->exec_cmd != NULL || (!cli && sp->exec != NULL)) {
		so.command = o->exec_cmd ? o->exec_cmd : sp->exec;
		so.ready_url = o->exec_cmd ? o->ready_url : sp->ready_url;
		t->log_path = exec_log_path();
		so.log_path = t->log_path;
		if ((t->child = proc_spawn_start(&so, cause)) == NULL)
			return -1;
		if (proc_spawn_wait_ready(t->child, cause) != 0)
			return -1;
		pid = proc_spawn_pid(t->child);
		cfg.child = t->child;
	} else if (cli || sp->pid || sp->pid_file || sp->name) {
		spec.pid = cli ? (pid_t)o->pid : sp->pid;
		spec.pid_file = cli ? o->pid_file : sp->pid_file;
		spec.name = cli ? o->proc_name : sp->name;
		spec.tree = cfg.tree;
		if (proc_find_resolve(&spec, &pid, cause) != 0)
			return -1;
	} else
		return 0;		/* nothing to watch */

	cfg.pid = pid;
	if ((t->monitor = monitor_new(&cfg, cause)) == NULL ||
	    monitor_start(t->monitor, cause) != 0)
		return -1;
	return 0;
}

void
run_target_close(struct run_target *t, bool quiet)
{
	char desc[128];
	int status;

	if (t->monitor != NULL)
		monitor_stop(t->monitor);
	if (t->child != NULL) {
		status = proc_spawn_stop(t->child);
		proc_spawn_describe(status, desc, sizeof desc);
		if (!quiet)
			fprintf(stderr, "loadtop: the service we started %s; "
			    "its output is in %s\n", desc, t->log_path);
	}
}

void
run_target_free(struct run_target *t)
{
	monitor_free(t->monitor);
	proc_spawn_free(t->child);
	free(t->log_path);
	memset(t, 0, sizeof *t);
}
