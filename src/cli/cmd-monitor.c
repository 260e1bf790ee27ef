/* loadtop monitor: watch a process headless, one line per interval. */
#include "config.h"

#include <curl/curl.h>
#include <getopt.h>
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

enum {
	OPT_PID = 256,
	OPT_PID_FILE,
	OPT_PROC_NAME,
	OPT_PROC_TREE,
	OPT_EXEC,
	OPT_EXEC_LOG,
	OPT_READY_URL,
	OPT_READY_PORT,
	OPT_READY_TIMEOUT,
	OPT_DURATION,
	OPT_INTERVAL,
	OPT_SAMPLE_RATE,
	OPT_HEALTH_URL,
	OPT_METRICS_URL,
	OPT_METRIC,
	OPT_HELP,
};

static const struct option cmd_monitor_opts[] = {
	{ "pid", required_argument, NULL, OPT_PID },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "proc-name", required_argument, NULL, OPT_PROC_NAME },
	{ "proc-tree", no_argument, NULL, OPT_PROC_TREE },
	{ "exec", required_argument, NULL, OPT_EXEC },
	{ "exec-log", required_argument, NULL, OPT_EXEC_LOG },
	{ "ready-url", required_argument, NULL, OPT_READY_URL },
	{ "ready-port", required_argument, NULL, OPT_READY_PORT },
	{ "ready-timeout", required_argument, NULL, OPT_READY_TIMEOUT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "sample-rate", required_argument, NULL, OPT_SAMPLE_RATE },
	{ "health-url", required_argument, NULL, OPT_HEALTH_URL },
	{ "metrics-url", required_argument, NULL, OPT_METRICS_URL },
	{ "metric", required_argument, NULL, OPT_METRIC },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static volatile sig_atomic_t cmd_monitor_interrupted;

static void
cmd_monitor_on_signal(int sig)
{
	cmd_monitor_interrupted = 1;
}

static void
cmd_monitor_usage(FILE *f)
{
	fprintf(f,
	    "Usage: loadtop monitor (--pid N | --pid-file F | --proc-name NAME |\n"
	    "                        --exec CMD) [OPTION]...\n"
	    "Watch a process: CPU, memory, threads, fds, health, leaks.\n\n"
	    "  --pid N             the process with this PID\n"
	    "  --pid-file F        the process whose PID is in F\n"
	    "  --proc-name NAME    the process with this comm or argv[0]\n"
	    "  --proc-tree         the process and all its descendants\n"
	    "  --exec CMD          start CMD and watch it; stopped at the end\n"
	    "  --exec-log FILE     append CMD's output to FILE\n"
	    "  --ready-url URL     wait until URL answers before watching\n"
	    "  --ready-port N      wait until 127.0.0.1:N accepts\n"
	    "  --ready-timeout D   give up waiting after D (default 10s)\n"
	    "  --duration D        stop after D (default: until it exits)\n"
	    "  --interval D        print a line every D (default 1s)\n"
	    "  --sample-rate HZ    samples per second (default 4)\n"
	    "  --health-url URL    GET URL every second; 200-399 is up\n"
	    "  --metrics-url URL   scrape Prometheus metrics from URL\n"
	    "  --metric SELECTOR   a metric to show (repeatable)\n\n"
	    "Lines go to stderr, the summary to stdout.  Exit status: 0 ok,\n"
	    "2 usage error, 3 the process cannot be found or started.\n");
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
	char a[32], b[32], c[32], d[32];
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
	for (i = 0; i < v->health.nmetrics; i++) {
		const struct prom_value *m = &v->health.metrics[i];

		if (!m->valid)
			printf("metric %s: -\n", m->series);
		else
			printf("metric %s: %g%s\n", m->series, m->value,
			    m->is_rate ? "/s" : "");
	}
	printf("leak: %s (%s); slope %.1fKB/min, R^2 %.2f",
	    leak_verdict_name(v->leak.verdict), v->leak.reason,
	    v->leak.kb_per_min, v->leak.floor.r2);
	if (v->leak.bytes_per_request != 0)
		printf(", %.1fB/request", v->leak.bytes_per_request);
	printf("\n");
	for (i = 0; i < v->nevents; i++)
		printf("event %+.1fs %s: %s\n",
		    (v->events[i].t_us - v->events[0].t_us) / 1e6,
		    monitor_event_name(v->events[i].kind), v->events[i].msg);
}

static int
cmd_monitor_hz(const char *s, double *hz, char **cause)
{
	char *end;

	*hz = strtod(s, &end);
	if (end == s || *end != '\0' || !(*hz > 0 && *hz <= 100)) {
		xasprintf(cause, "sample rate '%s': expected 0.1 to 100", s);
		return -1;
	}
	return 0;
}

int
cmd_monitor(int argc, char **argv)
{
	struct procfind_spec spec = { 0 };
	struct procspawn_opts so = { 0 };
	struct procspawn *child = NULL;
	struct monitor_config cfg;
	struct monitor_view v;
	struct monitor *m = NULL;
	struct sigaction sa;
	const char **metrics = NULL;
	char *cause = NULL, *end;
	int64_t duration = 0, interval = 1000000, t0, next, deadline = 0;
	size_t nmetrics = 0;
	long n;
	int c, rc = LT_EXIT_OK, status;

	monitor_config_default(&cfg);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", cmd_monitor_opts,
	    NULL)) != -1) {
		switch (c) {
		case OPT_PID:
			n = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || n <= 0) {
				xasprintf(&cause, "--pid '%s': not a PID", optarg);
				goto usage;
			}
			spec.pid = (pid_t)n;
			break;
		case OPT_PID_FILE:
			spec.pid_file = optarg;
			break;
		case OPT_PROC_NAME:
			spec.name = optarg;
			break;
		case OPT_PROC_TREE:
			spec.tree = cfg.tree = true;
			break;
		case OPT_EXEC:
			so.command = optarg;
			break;
		case OPT_EXEC_LOG:
			so.log_path = optarg;
			break;
		case OPT_READY_URL:
			so.ready_url = optarg;
			break;
		case OPT_READY_PORT:
			so.ready_port = atoi(optarg);
			break;
		case OPT_READY_TIMEOUT:
			if (units_parse_duration(optarg, &so.ready_timeout_us,
			    &cause) != 0)
				goto usage;
			break;
		case OPT_DURATION:
			if (units_parse_duration(optarg, &duration, &cause) != 0)
				goto usage;
			break;
		case OPT_INTERVAL:
			if (units_parse_duration(optarg, &interval, &cause) != 0)
				goto usage;
			if (interval < 10000) {
				xasprintf(&cause, "--interval: at least 10ms");
				goto usage;
			}
			break;
		case OPT_SAMPLE_RATE:
			if (cmd_monitor_hz(optarg, &cfg.sample_hz, &cause) != 0)
				goto usage;
			break;
		case OPT_HEALTH_URL:
			cfg.health_url = optarg;
			break;
		case OPT_METRICS_URL:
			cfg.metrics_url = optarg;
			break;
		case OPT_METRIC:
			metrics = xreallocarray(metrics, nmetrics + 1,
			    sizeof *metrics);
			metrics[nmetrics++] = optarg;
			break;
		case OPT_HELP:
			cmd_monitor_usage(stdout);
			return LT_EXIT_OK;
		default:
			goto usage;
		}
	}
	if (optind != argc) {
		xasprintf(&cause, "unexpected argument '%s'", argv[optind]);
		goto usage;
	}
	if ((spec.pid != 0) + (spec.pid_file != NULL) + (spec.name != NULL) +
	    (so.command != NULL) != 1) {
		xasprintf(&cause, "give one of --pid, --pid-file, --proc-name "
		    "or --exec");
		goto usage;
	}
	if (so.command == NULL && (so.ready_url != NULL || so.ready_port)) {
		xasprintf(&cause, "--ready-url and --ready-port need --exec");
		goto usage;
	}
	if (cfg.metrics_url == NULL && nmetrics > 0) {
		xasprintf(&cause, "--metric needs --metrics-url");
		goto usage;
	}
	cfg.metrics = metrics;
	cfg.nmetrics = nmetrics;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_monitor_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (so.command != NULL) {
		if ((child = proc_spawn_start(&so, &cause)) == NULL ||
		    proc_spawn_wait_ready(child, &cause) != 0) {
			rc = LT_EXIT_RUNTIME;
			goto out;
		}
		cfg.pid = proc_spawn_pid(child);
		cfg.child = child;
	} else if (proc_find_resolve(&spec, &cfg.pid, &cause) != 0) {
		rc = LT_EXIT_RUNTIME;
		goto out;
	}
	if ((m = monitor_new(&cfg, &cause)) == NULL ||
	    monitor_start(m, &cause) != 0) {
		rc = LT_EXIT_RUNTIME;
		goto out;
	}

	t0 = util_now_us();
	if (duration > 0)
		deadline = t0 + duration;
	next = t0 + interval;
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
	monitor_stop(m);
	monitor_read(m, &v);
	cmd_monitor_line(&v, t0);
	cmd_monitor_summary(&v);
	monitor_view_clear(&v);

out:
	if (child != NULL) {
		status = proc_spawn_stop(child);
		if (m != NULL) {
			char how[96];

			proc_spawn_describe(status, how, sizeof how);
			printf("stopped: %s\n", how);
		}
	}
	monitor_free(m);
	proc_spawn_free(child);
	free(metrics);
	if (cause != NULL) {
		fprintf(stderr, "loadtop monitor: %s\n", cause);
		free(cause);
	}
	return rc;

usage:
	if (cause != NULL) {
		fprintf(stderr, "loadtop monitor: %s\n", cause);
		free(cause);
	}
	fprintf(stderr, "Try 'loadtop monitor --help' for more information.\n");
	free(metrics);
	return LT_EXIT_USAGE;
}
