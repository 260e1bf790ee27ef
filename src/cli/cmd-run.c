/* Running a scenario, or an ad-hoc one built from the command line. */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cmd.h"
#include "cmd-yaml.h"
#include "engine.h"
#include "headless.h"
#include "report.h"
#include "run-target.h"
#include "ui.h"
#include "units.h"
#include "util.h"
#include "verdict.h"

/* --transport over the scenario's; raw cannot speak HTTP/2. */
static int
override_transport(const struct cmd_opts *o, bool adhoc, struct scenario *scn,
    struct scn_errors *errs)
{
	scn->defaults.transport = (enum scn_transport)o->transport;
	if (scenario_check_transport(scn, errs) != 0) {
		scenario_free(scn);
		return -1;
	}
	if (scn->defaults.transport != SCN_TRANSPORT_RAW ||
	    scn->defaults.http_version != 20)
		return 0;
	fprintf(stderr, "loadtop: --transport raw speaks HTTP/1.1 only, and "
	    "%s asks for HTTP/2: use --transport curl or auto\n",
	    adhoc ? "--http2" : o->scenario_file);
	scenario_free(scn);
	return -1;
}

/*
 * Once a scenario's secrets are in memory (the environment's values, the
 * HMAC keys, captures to come, the file's text for the report), no core
 * dump may hold them, and no other process of the user may read this
 * one's memory: the process is no longer dumpable.
 */
static void
keep_from_dumps(const struct scenario *scn)
{
	if (scenario_holds_secrets(scn))
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* The scenario file, or the YAML the command line made. */
static int
load(const struct cmd_opts *o, const char *yaml, struct scenario **scn)
{
	struct scn_errors errs = { 0 };
	int rc;
	struct scn_load_opts lo = { .base_url = o->base_url };

	if (yaml == NULL)
		rc = scenario_load_opts(o->scenario_file, &lo, scn, &errs);
	else
		rc = scenario_load_buffer(SCN_ADHOC_FILE, yaml, strlen(yaml),
		    scn, &errs);
	if (rc == 0 && o->given[O_TRANSPORT])
		rc = override_transport(o, yaml != NULL, *scn, &errs);
	if (rc == 0 && scenario_bind_env(*scn, &errs) != 0) {
		scenario_free(*scn);
		rc = -1;
	}
	if (rc != 0) {
		scenario_errors_print(stderr, &errs);
		scenario_errors_clear(&errs);
		return -1;
	}
	keep_from_dumps(*scn);
	return 0;
}

/* Whether streams were attempted and none reached a server (none opened
 * and none was answered, even with a refusal of its handshake); *tls:
 * whether some failed in TLS. */
static bool
no_stream_reached(const struct snapshot *s, bool *tls)
{
	uint64_t attempts = 0, reached = 0;
	size_t i;

	*tls = false;
	for (i = 0; i < s->nstreams; i++) {
		attempts += s->streams[i].attempts;
		reached += s->streams[i].opened +
		    s->streams[i].drops[DROP_HANDSHAKE];
		*tls |= s->streams[i].drops[DROP_TLS] > 0;
	}
	return attempts > 0 && reached == 0;
}

/* What to look at when no request got an answer, by why the first
 * failed; anything else asks whether the target is up. */
static const char *
no_answer_hint(const struct snapshot *s)
{
	static const struct {
		int code;
		const char *hint;
	} hints[] = {
		{ CURLE_PEER_FAILED_VERIFICATION, "the server's TLS "
		  "certificate failed verification (self-signed, or not for "
		  "this host?): to accept it, set insecure_tls: true in the "
		  "scenario's defaults, or pass -k" },
		{ CURLE_SSL_CONNECT_ERROR, "the TLS handshake failed: does "
		  "the port speak TLS?" },
	};
	size_t i;

	for (i = 0; s->nfailures > 0 && i < LT_NELEM(hints); i++)
		if (s->failures[0].code == hints[i].code)
			return hints[i].hint;
	return "is the target up?";
}

/* Exit code from the final snapshot. */
static int
verdict(const struct snapshot *s)
{
	size_t i;
	bool tls;

	for (i = 0; i < s->nphases; i++) {
		const struct snap_rate_limit *rl = &s->phases[i].rl;

		if (s->phases[i].kind == SCN_RATE_LIMIT && rl->checked &&
		    !rl->passed)
			return LT_EXIT_THRESHOLD;
	}
	if (s->total.n.completed > 0 && s->total.n.responses == 0) {
		fprintf(stderr, "loadtop: no request got an answer (%s): "
		    "%s\n", s->nfailures > 0 ? s->failures[0].what :
		    "no failure recorded", no_answer_hint(s));
		return LT_EXIT_RUNTIME;
	}
	if (no_stream_reached(s, &tls)) {
		fprintf(stderr, "loadtop: no stream reached its server (see "
		    "the drops by cause): %s\n", tls ? "TLS failed (not "
		    "TLS on that port, or a certificate not trusted: to accept "
		    "it, set insecure_tls: true in the scenario's defaults, or "
		    "pass -k)" : "is the target up?");
		return LT_EXIT_RUNTIME;
	}
	return LT_EXIT_OK;
}

static void
run_say_signal(int sig, enum control_signal_step step)
{
	if (step == CONTROL_SIGNAL_STOP)
		fprintf(stderr, "loadtop: %s, stopping (another stops at "
		    "once)\n", strsignal(sig));
	else if (step == CONTROL_SIGNAL_NOW)
		fprintf(stderr, "loadtop: %s again, stopping at once\n",
		    strsignal(sig));
}

/*
 * Headless: a progress line per interval (the last, partial one too) until
 * the run ends; a signal stops the run.
 */
static void
run_loop_headless(const struct control *ctl, const struct cmd_opts *o,
    const sigset_t *sigs)
{
	struct snapshot *s;
	struct timespec ts;
	uint64_t shown = 0;
	struct headless_seen seen = { 0 };
	struct control_signals sigs_seen = { 0 };
	enum control_signal_step step;
	siginfo_t si;
	int sig;

	for (;;) {
		bool done = control_wait(ctl, 0);

		if ((s = control_snapshot(ctl)) != NULL) {
			if (s->seq != shown && !o->quiet)
				headless_progress(stderr, s, &seen);
			shown = s->seq;
			snapshot_release(s);
		}
		if (done)
			break;
		ts.tv_sec = 0;
		ts.tv_nsec = 100000000;
		if ((sig = sigtimedwait(sigs, &si, &ts)) <= 0)
			continue;
		step = control_take_signal(ctl, &sigs_seen,
		    si.si_code == SI_USER ? si.si_pid : 0);
		if (!o->quiet)
			run_say_signal(sig, step);
	}
}

/* The process we started first, whose output goes beside the report. */
static const struct run_proc *
run_started(const struct run_target *t)
{
	size_t i;

	for (i = 0; i < t->nprocs; i++)
		if (t->procs[i].log_path != NULL)
			return &t->procs[i];
	return NULL;
}

/* The dashboard on a terminal, else progress lines, until the run ends. */
static void
run_watch(struct control *ctl, const struct cmd_opts *o,
    const struct run_target *target, const sigset_t *sigs)
{
	/* The dashboard's 's': quiet, for the screen is curses'. */
	const struct run_proc *started = run_started(target);
	struct report_opts now = { .path = o->report_path, .target_log =
	    started ? started->log_path : NULL, .quiet = true };
	struct ui_opts uo = { .fps = o->fps };

	if (!o->no_report) {
		ctl->report = report_now;
		ctl->report_arg = &now;
	}
	if (o->headless || ui_run(ctl, &uo, sigs) != 0)
		run_loop_headless(ctl, o, sigs);
	ctl->report = NULL;
	ctl->report_arg = NULL;
}

/* 0, or -1 when the report could be written nowhere. */
static int
run_report(const struct snapshot *s, const struct cmd_opts *o,
    const struct run_target *target, const struct verdict_watch *w)
{
	const struct run_proc *started = run_started(target);
	struct report_opts ro = { .path = o->report_path };
	char *dir, *cause = NULL;

	if (started != NULL) {
		ro.target_log = started->log_path;
		ro.target_command = started->command;
	}
	ro.abort_why = w->aborted ? w->why : NULL;
	if ((dir = report_write(s, &ro, &cause)) == NULL) {
		fprintf(stderr, "loadtop: the report could not be written: "
		    "%s\n", cause);
		free(cause);
		return -1;
	}
	free(dir);
	return 0;
}

/* After the run: the summary, the thresholds, the report, the exit code. */
static int
run_finish(const struct control *ctl, const struct cmd_opts *o,
    const struct run_target *target, const struct verdict_watch *w)
{
	struct snapshot *s;
	struct verdict v;
	bool lost;
	int rc;

	control_wait(ctl, -1);
	if ((s = control_snapshot(ctl)) == NULL) {
		fprintf(stderr, "loadtop: the run ended before its first "
		    "snapshot\n");
		return LT_EXIT_RUNTIME;
	}
	headless_summary(stdout, s);
	verdict_eval(s, &v);
	verdict_print(stdout, s, &v);
	if (w->aborted)
		fprintf(stderr, "loadtop: stopped early: %s\n", w->why);
	lost = !o->no_report && run_report(s, o, target, w) != 0;
	rc = verdict(s);
	if (rc == LT_EXIT_OK && !v.passed)
		rc = LT_EXIT_THRESHOLD;
	/* A run whose results are lost has failed, whatever they were. */
	if (lost)
		rc = LT_EXIT_RUNTIME;
	verdict_clear(&v);
	snapshot_release(s);
	return rc;
}

/*
 * While a process is watched, its exit fails the run, and so does the
 * death of a worker of a watched tree, unless the scenario says the
 * target may exit (target.process.may_exit) or has its own threshold on
 * the metric.
 */
static void
run_default_thresholds(struct scenario *scn, const struct run_target *t)
{
	static const struct {
		enum thr_metric metric;
		const char *expr;
		bool tree_only;
	} defaults[] = {
		{ THR_TARGET_EXITS, "target_exits == 0", false },
		{ THR_WORKER_DEATHS, "worker_deaths == 0", true },
	};
	char *cause = NULL;
	bool any = false, tree = false;
	size_t i, k;

	for (i = 0; i < t->nprocs; i++)
		if (!t->procs[i].may_exit) {
			any = true;
			tree |= t->procs[i].tree;
		}
	if (!any)
		return;
	for (i = 0; i < LT_NELEM(defaults); i++) {
		if (defaults[i].tree_only && !tree)
			continue;
		for (k = 0; k < scn->nthresholds; k++)
			if (scn->thresholds[k].metric == defaults[i].metric)
				break;
		if (k < scn->nthresholds || scenario_add_thresholds(scn,
		    (char *[]){ (char *)defaults[i].expr }, 1, &cause) != 0) {
			free(cause);
			cause = NULL;
			continue;
		}
		scn->thresholds[scn->nthresholds - 1].by_default = true;
	}
}

/*
 * Each process:NAME threshold names a process watched: the command
 * line's processes are only named once they are chosen.  0, or -1 with
 * *cause.
 */
static int
run_check_process_scopes(const struct scenario *scn,
    const struct run_target *t, char **cause)
{
	size_t i, k;

	for (i = 0; i < scn->nthresholds; i++) {
		const struct threshold *th = &scn->thresholds[i];

		if (th->scope != THR_SCOPE_PROCESS)
			continue;
		for (k = 0; k < t->nprocs; k++)
			if (strcmp(t->procs[k].label, th->scope_name) == 0)
				break;
		if (k == t->nprocs) {
			xasprintf(cause, "threshold '%s': no process named "
			    "'%s' is watched%s%s", th->expr, th->scope_name,
			    t->nprocs > 0 ? "; the first is " : "",
			    t->nprocs > 0 ? t->procs[0].label : "");
			return -1;
		}
	}
	return 0;
}

static int
run_fail(const char *what, char *cause, struct run_target *target,
    struct scenario *scn, const sigset_t *old, bool quiet)
{
	fprintf(stderr, "loadtop: %s%s\n", what, cause);
	free(cause);
	run_target_close(target, quiet);
	run_target_free(target);
	scenario_free(scn);
	pthread_sigmask(SIG_SETMASK, old, NULL);
	return LT_EXIT_RUNTIME;
}

/* Any SCHEME://: one loadtop cannot send to is refused as a URL, with
 * the schemes it can, rather than looked for as a file. */
bool
cmd_is_url(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

	return n > 0 && strncmp(s + n, "://", 3) == 0;
}

/* The operand, a scenario or a URL; an ad-hoc run's defaults. */
static void
run_bind(struct cmd_opts *o)
{
	if (o->args.noperands > 0) {
		if (cmd_is_url(o->args.operands[0]))
			o->url = o->args.operands[0];
		else
			o->scenario_file = o->args.operands[0];
	}
	if (o->url != NULL) {
		if (o->conns == 0)
			o->conns = 10;
		if (o->duration_us == 0)
			o->duration_us = 10000000;
	}
}

/* The scenario, with the command line's thresholds; an exit code. */
static int
run_scenario(const struct cmd_opts *o, const char *yaml,
    struct scenario **scn)
{
	char *cause = NULL;

	if (load(o, yaml, scn) != 0)
		return LT_EXIT_USAGE;
	if (scenario_add_thresholds(*scn, o->thresholds.v, o->thresholds.n,
	    &cause) != 0) {
		fprintf(stderr, "loadtop: %s\n", cause);
		free(cause);
		scenario_free(*scn);
		return LT_EXIT_USAGE;
	}
	return LT_EXIT_OK;
}

/* The signals that stop a session. */
static void
run_stop_signals(sigset_t *sigs)
{
	sigemptyset(sigs);
	sigaddset(sigs, SIGINT);
	sigaddset(sigs, SIGTERM);
	sigaddset(sigs, SIGHUP);
}

void
cmd_run_block_signals(sigset_t *sigs, sigset_t *old)
{
	run_stop_signals(sigs);
	pthread_sigmask(SIG_BLOCK, sigs, old);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * The mask as it was, without the signals that came after the one that
 * stopped the run: a second SIGINT (timeout(1) sends one to the child
 * and one to its group) must not kill the process once the run is over
 * and its report written.
 */
void
cmd_run_restore_signals(const sigset_t *sigs, const sigset_t *old)
{
	struct timespec zero = { 0, 0 };

	while (sigtimedwait(sigs, NULL, &zero) > 0)
		/* dropped */;
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

bool
cmd_run_stop_pending(void)
{
	sigset_t pending, stops;

	if (sigpending(&pending) != 0)
		return false;
	run_stop_signals(&stops);
	sigandset(&pending, &pending, &stops);
	return !sigisemptyset(&pending);
}

/* The engine on scn, started; NULL with *cause set when it cannot be. */
static struct engine *
run_start(const struct scenario *scn, const struct cmd_opts *o,
    const struct run_target *target, struct verdict_watch *watch,
    char **cause)
{
	struct engine_opts eo = { .threads = o->threads,
	    .interval_us = o->interval_us, .monitors = target->monitors,
	    .monitor_names = target->labels, .may_exit = target->may_exit,
	    .nmonitors = target->nprocs,
	    .on_snapshot = verdict_watch_snapshot, .snapshot_arg = watch };
	struct engine *e;

	if ((e = engine_new(scn, &eo, cause)) == NULL)
		return NULL;
	/* Before the start: the first snapshot may abort the run. */
	watch->control = engine_control(e);
	if (engine_start(e, cause) != 0) {
		engine_free(e);
		return NULL;
	}
	return e;
}

/* An ad-hoc run's URL, by its scheme: what the flags can send to.  The
 * message names the operand, not YAML keys the user never wrote. */
static bool
run_url_ok(const char *url)
{
	size_t n = strcspn(url, ":");

	if ((n == 4 && strncasecmp(url, "http", 4) == 0) ||
	    (n == 5 && strncasecmp(url, "https", 5) == 0))
		return true;
	if ((n == 2 && strncasecmp(url, "ws", 2) == 0) ||
	    (n == 3 && strncasecmp(url, "wss", 3) == 0))
		fprintf(stderr, "loadtop: '%s': an ad-hoc run sends HTTP "
		    "requests; a WebSocket needs a scenario file (see STREAMS "
		    "in loadtop-scenario(5))\n", url);
	else
		fprintf(stderr, "loadtop: '%s': an ad-hoc run sends to "
		    "http:// and https:// URLs\n", url);
	return false;
}

int
cmd_run(struct cmd_opts *o)
{
	char *yaml = NULL;
	int rc;

	run_bind(o);
	if (o->url != NULL && !run_url_ok(o->url))
		return LT_EXIT_USAGE;
	if (o->scenario_file == NULL)
		yaml = cmd_yaml_adhoc(o);
	rc = cmd_run_session(o, yaml);
	free(yaml);
	return rc;
}

int
cmd_run_session(struct cmd_opts *o, const char *yaml)
{
	struct run_target target;
	struct scenario *scn = NULL;
	struct engine *e;
	struct verdict_watch watch = { 0 };
	struct control ctl;
	sigset_t sigs, old;
	char *cause = NULL;
	int rc;

	/* From the start: a signal while the scenario loads stops the run
	 * as soon as it starts, with a report, rather than killing us. */
	cmd_run_block_signals(&sigs, &old);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((rc = run_scenario(o, yaml, &scn)) != LT_EXIT_OK) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return rc;
	}
	if (run_target_open(&target, o, scn, &cause) != 0)
		return run_fail("target process: ", cause, &target, scn, &old,
		    o->quiet);
	if (run_check_process_scopes(scn, &target, &cause) != 0) {
		run_fail("", cause, &target, scn, &old, o->quiet);
		return LT_EXIT_USAGE;
	}
	run_default_thresholds(scn, &target);
	if ((e = run_start(scn, o, &target, &watch, &cause)) == NULL)
		return run_fail("", cause, &target, scn, &old, o->quiet);
	ctl = engine_control(e);
	run_watch(&ctl, o, &target, &sigs);
	rc = run_finish(&ctl, o, &target, &watch);

	engine_free(e);
	run_target_close(&target, o->quiet);
	run_target_free(&target);
	scenario_free(scn);
	cmd_run_restore_signals(&sigs, &old);
	return rc;
}
