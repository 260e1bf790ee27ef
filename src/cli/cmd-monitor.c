/* loadtop monitor: watch a process headless, one line per interval. */
#include "config.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "monitor.h"
#include "proc-find.h"
#include "proc-spawn.h"
#include "units.h"
#include "util.h"

static volatile sig_atomic_t cmd_monitor_interrupted;

static void
cmd_monitor_on_signal(int sig)
{
	cmd_monitor_interrupted = 1;
}

static char *
cmd_monitor_size(int64_t bytes, char *buf, size_t len)
{
	return units_format_size(bytes, buf, len);
}

static void
cmd_monitor_line(const struct monitor_view *v, int64_t t0)
{
	char rss[32], growth[32], health[192];

	if (!v->have_sample)
		return;
	cmd_monitor_size(v->last.rss, rss, sizeof rss);
	cmd_monitor_size(llabs(v->stats.growth), growth, sizeof growth);
	if (!v->health.enabled)
		snprintf(health, sizeof health, "-");
	else if (!v->health.checked)
		snprintf(health, sizeof health, "?");
	else if (v->health.up)
		snprintf(health, sizeof health, "up %d %.0fms",
		    v->health.status, v->health.latency_ms);
	else
		snprintf(health, sizeof health, "DOWN %s", v->health.error);
	fprintf(stderr, "%7.1fs pid %ld", (v->last.t_us - t0) / 1e6,
	    (long)v->pid);
	if (v->tree)
		fprintf(stderr, " (%d procs)", v->last.nprocs);
	fprintf(stderr, " cpu %5.1f%% rss %s growth %s%s thr %d fds %d "
	    "health %s%s\n", v->last.cpu, rss, v->stats.growth < 0 ? "-" : "+",
	    growth, v->last.threads, v->last.fds, health,
	    v->saturated ? " [loadtop saturated]" : "");
}

static void
cmd_monitor_summary(const struct monitor_view *v)
{
	const struct monitor_stats *st = &v->stats;
	char a[32], b[32], c[32], d[32], desc[256];
	size_t i;

	printf("pid: %ld%s\n", (long)v->pid, v->tree ? " (tree)" : "");
	printf("samples: %llu over %.1fs\n", (unsigned long long)st->nsamples,
	    (st->t_last_us - st->t_start_us) / 1e6);
	printf("cpu: avg %.1f%% max %.1f%% (100%% = one core; %d cores)\n",
	    st->cpu_avg, st->cpu_max, v->ncpu);
	printf("rss: start %s end %s max %s growth %s%s\n",
	    cmd_monitor_size(st->rss_start, a, sizeof a),
	    cmd_monitor_size(st->rss_end, b, sizeof b),
	    cmd_monitor_size(st->rss_max, c, sizeof c),
	    st->growth < 0 ? "-" : "+",
	    cmd_monitor_size(llabs(st->growth), d, sizeof d));
	printf("threads: max %d\nfds: max %d\n", st->threads_max, st->fds_max);
	if (v->tree)
		printf("processes: max %d, workers exited %u, started %u\n",
		    st->nprocs_max, st->workers_exited, st->workers_started);
	if (v->alive)
		printf("exit: still running\n");
	else if (v->exit_known) {
		proc_spawn_describe(v->exit_status, a, sizeof a);
		printf("exit: %s\n", a);
	} else
		printf("exit: exited\n");
	printf("loadtop cpu: avg %.1f%% max %.1f%%\n", st->self_cpu_avg,
	    st->self_cpu_max);
	if (v->health.enabled)
		printf("health: %s, %llu checks, %llu failed, down %.1fs\n",
		    v->health.up ? "up" : "down",
		    (unsigned long long)v->health.checks,
		    (unsigned long long)v->health.failures,
		    v->health.down_us / 1e6);
	if (v->health.metrics_enabled && v->health.metrics_error[0] != '\0')
		printf("metrics: %s\n", v->health.metrics_error);
	for (i = 0; i < v->health.nmetrics; i++)
		printf("metric %s: %s\n", v->health.metrics[i].series,
		    prom_value_describe(&v->health.metrics[i], false, desc,
		    sizeof desc));
	printf("leak: %s (%s)", leak_verdict_name(v->leak.verdict),
	    v->leak.reason);
	if (v->leak.floor.valid)
		printf("; slope %.1fKB/min, R^2 %.2f", v->leak.kb_per_min,
		    v->leak.floor.r2);
	if (v->leak.bytes_per_request != 0)
		printf(", %.1fB/request", v->leak.bytes_per_request);
	printf("\n");
	for (i = 0; i < v->nevents; i++)
		printf("event %+.1fs %s: %s\n",
		    (v->events[i].t_us - v->events[0].t_us) / 1e6,
		    monitor_event_name(v->events[i].kind), v->events[i].msg);
}

/* Which process, how to start it, and how to watch it. */
static void
cmd_monitor_setup(const struct cmd_opts *o, struct procfind_spec *spec,
    struct procspawn_opts *so, struct monitor_config *cfg)
{
	memset(spec, 0, sizeof *spec);
	memset(so, 0, sizeof *so);
	spec->pid = o->pids.n ? (pid_t)strtol(o->pids.v[0], NULL, 10) : 0;
	spec->pid_file = o->pid_files.n ? o->pid_files.v[0] : NULL;
	spec->name = o->proc_names.n ? o->proc_names.v[0] : NULL;
	spec->tree = o->proc_tree;
	so->command = o->exec_cmds.n ? o->exec_cmds.v[0] : NULL;
	so->log_path = o->exec_log;
	so->ready_url = o->ready_urls.n ? o->ready_urls.v[0] : NULL;
	so->ready_port = (int)o->ready_port;
	so->ready_timeout_us = o->ready_timeout_us;
	monitor_config_default(cfg);
	cfg->tree = o->proc_tree;
	if (o->sample_hz > 0)
		cfg->sample_hz = o->sample_hz;
	cfg->health_url = o->health_url;
	cfg->metrics_url = o->metrics_url;
	cfg->metrics = (const char *const *)o->metrics.v;
	cfg->nmetrics = o->metrics.n;
}

/* Find or start the process, and begin watching it; NULL and *cause when
 * it cannot be (a child started is in *child either way). */
static struct monitor *
cmd_monitor_start(const struct cmd_opts *o, struct procspawn **child,
    char **cause)
{
	struct procfind_spec spec;
	struct procspawn_opts so;
	struct monitor_config cfg;
	struct monitor *m;

	cmd_monitor_setup(o, &spec, &so, &cfg);
	if (so.command != NULL) {
		if ((*child = proc_spawn_start(&so, cause)) == NULL ||
		    proc_spawn_wait_ready(*child, cause) != 0)
			return NULL;
		cfg.pid = proc_spawn_pid(*child);
		cfg.child = *child;
	} else if (proc_find_resolve(&spec, &cfg.pid, cause) != 0)
		return NULL;
	if ((m = monitor_new(&cfg, cause)) == NULL)
		return NULL;
	if (monitor_start(m, cause) != 0) {
		monitor_free(m);
		return NULL;
	}
	return m;
}

/* A line per interval until the process exits, the duration is over or
 * a signal comes; then the last line and the summary. */
static void
cmd_monitor_watch(struct monitor *m, int64_t duration, int64_t interval)
{
	struct monitor_view v;
	int64_t t0 = util_now_us(), next = t0 + interval;
	int64_t deadline = duration > 0 ? t0 + duration : 0;

	while (!cmd_monitor_interrupted) {
		int64_t now = util_now_us(), wait = next - now;

		if (deadline != 0 && deadline - now < wait)
			wait = deadline - now;
		if (wait > 100000)
			wait = 100000;
		if (wait > 0 && monitor_wait_exit(m, wait))
			break;
		now = util_now_us();
		if (now >= next) {
			monitor_read(m, &v);
			cmd_monitor_line(&v, t0);
			monitor_view_clear(&v);
			next += interval;
		}
		if (deadline != 0 && now >= deadline)
			break;
	}
	/* The metrics at the end, for the summary's figures. */
	monitor_scrape_now(m);
	monitor_stop(m);
	monitor_read(m, &v);
	cmd_monitor_line(&v, t0);
	cmd_monitor_summary(&v);
	monitor_view_clear(&v);
}

static void
cmd_monitor_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_monitor_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
cmd_monitor(struct cmd_opts *o)
{
	struct procspawn *child = NULL;
	struct monitor *m;
	char *cause = NULL, how[96];
	int rc = LT_EXIT_OK, status;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	cmd_monitor_catch_signals();
	if ((m = cmd_monitor_start(o, &child, &cause)) != NULL)
		cmd_monitor_watch(m, o->duration_us, o->interval_us > 0 ?
		    o->interval_us : 1000000);
	else
		rc = LT_EXIT_RUNTIME;
	if (child != NULL) {
		status = proc_spawn_stop(child);
		if (m != NULL) {
			proc_spawn_describe(status, how, sizeof how);
			printf("stopped: %s\n", how);
		}
	}
	monitor_free(m);
	proc_spawn_free(child);
	if (cause != NULL) {
		fprintf(stderr, "loadtop monitor: %s\n", cause);
		free(cause);
	}
	return rc;
}
