/* Session reports: where they go, how each file lands, and the notes on
 * how the run ended. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report-int.h"
#include "util.h"

double
report_pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

double
report_mb(int64_t bytes)
{
	return (double)bytes / 1048576.0;
}

char *
report_format_seconds(double seconds, char *buf, size_t len)
{
	if (seconds < 1)
		return units_format_ms(seconds * 1000, buf, len);
	snprintf(buf, len, "%.1fs", seconds);
	return buf;
}

/* A rate or a number of users, as the phase's model counts. */
static void
phase_amount(char *buf, size_t len, enum scn_model model, double rate,
    unsigned users)
{
	if (model == SCN_MODEL_OPEN)
		snprintf(buf, len, "%g req/s", rate);
	else
		snprintf(buf, len, "%u user%s", users, users == 1 ? "" : "s");
}

bool
report_is_stream(const struct scenario *scn, size_t i)
{
	return i < scn->nrequests && (scn->requests[i].websocket != NULL ||
	    scn->requests[i].sse != NULL);
}

/* "500 connections at 50/s", "100 to 1000 connections in 3 stages": a
 * connections phase's stages, from the first's to the last's. */
static void
connections_load(const struct scn_phase *p, char *buf, size_t len)
{
	unsigned to = p->nstages > 0 ? p->stages[p->nstages - 1].connections :
	    p->connections;

	if (p->nstages > 0)
		snprintf(buf, len, "%u to %u connections in %zu stage%s",
		    p->stages[0].connections, to, p->nstages, p->nstages == 1 ?
		    "" : "s");
	else
		snprintf(buf, len, "%u connection%s", to, to == 1 ? "" : "s");
	if (p->connect_rate > 0)
		snprintf(buf + strlen(buf), len - strlen(buf), " at %g/s",
		    p->connect_rate);
}

char *
report_phase_load(const struct scn_phase *p, char *buf, size_t len)
{
	const struct scn_stage *last;
	char to[32];

	buf[0] = '\0';
	if (p->kind == SCN_CONNECTIONS)
		connections_load(p, buf, len);
	else if (p->kind == SCN_IDLE)
		snprintf(buf, len, "none");
	else if (p->kind == SCN_RAMP && p->nstages > 0) {
		/* "0 to 50 users": the start in the stages' own unit. */
		last = &p->stages[p->nstages - 1];
		phase_amount(to, sizeof to, p->model, last->rate, last->users);
		snprintf(buf, len, "%g to %s in %zu stage%s",
		    p->model == SCN_MODEL_OPEN ? p->rate : (double)p->users,
		    to, p->nstages, p->nstages == 1 ? "" : "s");
	} else if (p->model == SCN_MODEL_OPEN || p->model == SCN_MODEL_CLOSED)
		phase_amount(buf, len, p->model, p->rate, p->users);
	else if (p->kind == SCN_RATE_LIMIT && p->rate > 0)
		snprintf(buf, len, "%g req/s", p->rate);
	else if (p->concurrency > 0)
		snprintf(buf, len, "concurrency %u", p->concurrency);
	return buf;
}

char *
report_phase_length(const struct scn_phase *p, char *buf, size_t len)
{
	int64_t us = p->duration_us;
	size_t k;

	buf[0] = '\0';
	if (p->kind == SCN_RAMP || (p->kind == SCN_CONNECTIONS && p->nstages))
		for (k = 0, us = 0; k < p->nstages; k++)
			us += p->stages[k].duration_us;
	if (us > 0)
		units_format_duration(us, buf, len);
	else if (p->requests > 0)
		snprintf(buf, len, "%" PRIu64 " requests", p->requests);
	return buf;
}

const char *
report_latency_note(const struct snapshot *s)
{
	bool open = false, closed = false;
	size_t i;

	for (i = 0; i < s->nphases && i < s->scn->nphases; i++) {
		const struct scn_phase *p = &s->scn->phases[i];

		/* Streams have latencies of their own, not requests'. */
		if ((s->phases[i].state != PHASE_DONE &&
		    s->phases[i].state != PHASE_RUNNING) ||
		    p->kind == SCN_CONNECTIONS)
			continue;
		if (p->model == SCN_MODEL_OPEN ||
		    (p->kind == SCN_RATE_LIMIT && p->rate > 0))
			open = true;
		else
			closed = true;
	}
	if (open && closed)
		return "Latency counts from when a request was due in the "
		    "phases with a rate (open model), and from when it was "
		    "sent in the others; service time always from when it was "
		    "sent.  They differ only when requests started late.";
	if (open)
		return "Latency counts from when a request was due (open "
		    "model), service time from when it was sent; they differ "
		    "only when requests started late.";
	return "Latency counts from when a request was sent: in the closed "
	    "model each user (or each of a burst's concurrent senders) sends "
	    "its next request once the last one is answered, so latency and "
	    "service time are the same.";
}

static void
iso8601(int64_t wall_us, char *buf, size_t len)
{
	time_t t = (time_t)(wall_us / 1000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
note(struct report_ctx *c, double t, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
note(struct report_ctx *c, double t, const char *kind, const char *fmt, ...)
{
	struct report_note *n;
	va_list ap;

	c->notes = xreallocarray(c->notes, c->nnotes + 1, sizeof *c->notes);
	n = &c->notes[c->nnotes++];
	n->t = t;
	n->kind = kind;
	va_start(ap, fmt);
	vsnprintf(n->msg, sizeof n->msg, fmt, ap);
	va_end(ap);
}

/* How the run ended, when that is worth a word; the alerts themselves
 * come from the engine, in the snapshot. */
static void
derive_notes(struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	const struct snap_counts *n = &s->total.n;

	if (s->end_reason == END_THRESHOLD_ABORT)
		note(c, s->elapsed, "threshold_abort", "the run was stopped "
		    "early: %s", c->o->abort_why ? c->o->abort_why :
		    "a threshold failed");
	if (s->end_reason == END_ERROR)
		note(c, s->elapsed, "error", "the run ended on an error");
	if (n->completed > 0 && n->responses == 0)
		note(c, s->elapsed, "no_response", "no request got an HTTP "
		    "answer: is the target up?");
}

/* A process's command line, from /proc. */
static char *
proc_command(pid_t pid)
{
	char path[64], *buf, *p;
	size_t len;

	if (pid <= 0)
		return NULL;
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	if ((buf = util_read_file(path, &len)) == NULL || len == 0) {
		free(buf);
		return NULL;
	}
	for (p = buf; p < buf + len - 1; p++)
		if (*p == '\0')
			*p = ' ';
	return buf;
}

/* Each watched process's command line: as loadtop started it, when it
 * started the only one, else from /proc. */
static void
proc_commands(struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	size_t i, n = snapshot_nprocs(s);

	c->commands = n > 0 ? xcalloc(n, sizeof *c->commands) : NULL;
	c->ncommands = n;
	for (i = 0; i < n; i++)
		c->commands[i] = n == 1 && c->o->target_command != NULL ?
		    xstrdup(c->o->target_command) :
		    proc_command(snapshot_proc_view(s, i)->pid);
}

static void
report_ctx_init(struct report_ctx *c, const struct snapshot *s,
    const struct report_opts *o)
{
	memset(c, 0, sizeof *c);
	c->s = s;
	c->o = o;
	c->final = s->state == ENGINE_DONE;
	verdict_eval(s, &c->v);
	iso8601(s->wall_start_us, c->started, sizeof c->started);
	iso8601(s->wall_us, c->ended, sizeof c->ended);
	proc_commands(c);
	derive_notes(c);
}

static void
report_ctx_free(struct report_ctx *c)
{
	size_t i;

	verdict_clear(&c->v);
	for (i = 0; i < c->ncommands; i++)
		free(c->commands[i]);
	free(c->commands);
	free(c->notes);
	memset(c, 0, sizeof *c);
}

/* Write one file of the report: a temporary name, then rename. */
static int
write_atomic(const char *dir, const char *name,
    int (*fn)(FILE *, const struct report_ctx *), const struct report_ctx *c,
    char **cause)
{
	char *tmp, *path;
	FILE *f;
	int fd, rc = 0, saved;

	xasprintf(&tmp, "%s/.%s.XXXXXX", dir, name);
	xasprintf(&path, "%s/%s", dir, name);
	if ((fd = mkstemp(tmp)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		free(path);
		return -1;
	}
	fchmod(fd, scenario_holds_secrets(c->s->scn) ? 0600 : 0644);
	if (fn(f, c) != 0 || fflush(f) != 0 || fsync(fd) != 0)
		rc = -1;
	saved = errno;
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0) {
		xasprintf(cause, "%s: %s", path, strerror(saved));
		unlink(tmp);
	}
	free(tmp);
	free(path);
	return rc;
}

static int
copy_log(FILE *f, const struct report_ctx *c)
{
	FILE *in = fopen(c->o->target_log, "r");
	char buf[65536];
	size_t n;

	if (in == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, f) != n)
			break;
	n = ferror(in) || ferror(f);
	fclose(in);
	return n ? -1 : 0;
}

/* A scenario name as a file name: letters, digits, '-', '_', '.'. */
static char *
dir_name(const struct snapshot *s)
{
	const char *name = s->scn->name ? s->scn->name : "run";
	char stamp[32], *out, *p;
	time_t t = (time_t)(s->wall_us / 1000000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	xasprintf(&out, "loadtop-%s-%s", name, stamp);
	for (p = out; *p != '\0'; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '-' && *p != '_' &&
		    *p != '.')
			*p = '_';
	return out;
}

/* Create base, or base-2, base-3 ... when fresh is asked for.  A report
 * of a scenario with secrets is for its user only, in a directory made
 * or found: mode 0700. */
static char *
make_dir(const char *base, bool fresh, bool secret, int *err)
{
	char *path = xstrdup(base);
	int i;

	for (i = 2; i < 100; i++) {
		if (mkdir(path, secret ? 0700 : 0755) == 0)
			return path;
		if (errno == EEXIST && !fresh) {
			struct stat st;

			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
			    access(path, W_OK) == 0 &&
			    (!secret || chmod(path, 0700) == 0))
				return path;
			*err = stat(path, &st) == 0 && !S_ISDIR(st.st_mode) ?
			    ENOTDIR : EACCES;
			free(path);
			return NULL;
		}
		if (errno != EEXIST) {
			*err = errno;
			free(path);
			return NULL;
		}
		free(path);
		xasprintf(&path, "%s-%d", base, i);
	}
	*err = EEXIST;
	free(path);
	return NULL;
}

static const struct {
	const char *name;
	int (*fn)(FILE *, const struct report_ctx *);
} report_files[] = {
	{ "report.json", report_json_write },
	{ "timeseries.csv", report_csv_write },
	{ "report.md", report_md_write },
	{ "report.html", report_html_write },
};

static int
write_all(const char *dir, struct report_ctx *c, char **cause)
{
	size_t i;

	c->target_log = false;
	if (c->o->target_log != NULL && access(c->o->target_log, R_OK) == 0) {
		if (write_atomic(dir, "target.log", copy_log, c, cause) != 0)
			return -1;
		c->target_log = true;
	}
	for (i = 0; i < LT_NELEM(report_files); i++)
		if (write_atomic(dir, report_files[i].name, report_files[i].fn,
		    c, cause) != 0)
			return -1;
	return 0;
}

static char *
report_to(const struct snapshot *s, const struct report_opts *o,
    const char *base, bool fresh, char **cause)
{
	struct report_ctx c;
	const char *tmpdir = getenv("TMPDIR");
	char *dir, *alt, *why = NULL, *slash;
	bool secret = scenario_holds_secrets(s->scn);
	int err = 0;

	if (tmpdir == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	report_ctx_init(&c, s, o);
	if ((dir = make_dir(base, fresh, secret, &err)) != NULL &&
	    write_all(dir, &c, &why) == 0)
		goto done;
	if (dir == NULL)
		xasprintf(&why, "%s: %s", base, strerror(err));
	slash = strrchr(base, '/');
	xasprintf(&alt, "%s/%s", tmpdir, slash ? slash + 1 : base);
	fprintf(stderr, "loadtop: cannot write the report in %s (%s); "
	    "writing it under %s instead\n", dir ? dir : base, why, tmpdir);
	free(dir);
	free(why);
	why = NULL;
	dir = make_dir(alt, true, secret, &err);
	if (dir == NULL)
		xasprintf(cause, "%s: %s", alt, strerror(err));
	else if (write_all(dir, &c, cause) != 0) {
		free(dir);
		dir = NULL;
	}
	free(alt);
done:
	if (dir != NULL && !o->quiet)
		fprintf(stderr, "loadtop: report written to %s\n", dir);
	report_ctx_free(&c);
	return dir;
}

char *
report_write(const struct snapshot *s, const struct report_opts *o,
    char **cause)
{
	char *name, *dir;

	if (o->path != NULL)
		return report_to(s, o, o->path, false, cause);
	name = dir_name(s);
	dir = report_to(s, o, name, true, cause);
	free(name);
	return dir;
}

char *
report_now(void *arg, const struct snapshot *s, char **cause)
{
	const struct report_opts *o = arg;
	char *name, *base, *dir, *parent, *slash;

	name = dir_name(s);
	if (o->path != NULL) {
		parent = xstrdup(o->path);
		if ((slash = strrchr(parent, '/')) != NULL) {
			*slash = '\0';
			xasprintf(&base, "%s/%s", *parent ? parent : "/", name);
		} else
			base = xstrdup(name);
		free(parent);
	} else
		base = xstrdup(name);
	dir = report_to(s, o, base, true, cause);
	free(base);
	free(name);
	return dir;
}
