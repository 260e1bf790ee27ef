/* The engine thread: phases in order, plans to workers, snapshots out. */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine.h"
#include "engine-int.h"
#include "util.h"

static void
share_lock(CURL *h, curl_lock_data data, curl_lock_access a, void *arg)
{
	struct engine *e = arg;

	(void)h;
	(void)a;
	pthread_mutex_lock(&e->share_lock[data]);
}

static void
share_unlock(CURL *h, curl_lock_data data, void *arg)
{
	struct engine *e = arg;

	(void)h;
	pthread_mutex_unlock(&e->share_lock[data]);
}

static bool
is_stream(const struct scn_request *r)
{
	return r->websocket != NULL || r->sse != NULL;
}

static void
phase_use_init(struct engine *e, size_t i)
{
	const struct scn_phase *p = &e->scn->phases[i];
	struct phase_run *ph = &e->ph[i];
	size_t k, n = p->use != NULL ? p->nuse : e->scn->nrequests;
	bool streams = p->kind == SCN_CONNECTIONS;

	ph->use = xcalloc(n + 1, sizeof *ph->use);
	ph->weights = xcalloc(n + 1, sizeof *ph->weights);
	for (k = 0; k < n; k++) {
		size_t r = p->use != NULL ? p->use[k] : k;

		if (e->scn->requests[r].weight == 0 && p->use == NULL)
			continue;
		/* Streams are held by connections phases, and only there. */
		if (is_stream(&e->scn->requests[r]) != streams)
			continue;
		ph->use[ph->nuse] = r;
		/* An explicitly used request with weight 0 still gets sent. */
		ph->weights[ph->nuse++] = LT_MAX(e->scn->requests[r].weight, 1u);
	}
}

/* Whether every request goes by the raw transport (streams have
 * connections of their own). */
static bool
all_raw(const struct preq *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!p[i].raw && !is_stream(p[i].r))
			return false;
	return true;
}

/* A WebSocket request needs a libcurl that speaks it. */
static int
check_websocket(const struct scenario *scn, char **cause)
{
	const char *const *p = curl_version_info(CURLVERSION_NOW)->protocols;
	size_t i;

	for (; *p != NULL; p++)
		if (strcmp(*p, "ws") == 0)
			break;
	for (i = 0; i < scn->nrequests; i++) {
		const struct scn_request *r = &scn->requests[i];
#ifdef HAVE_CURL_WS
		if (r->websocket != NULL && *p != NULL)
			continue;
#endif
		if (r->websocket != NULL) {
			xasprintf(cause, "%s:%d:%d: request '%s' is a websocket, "
			    "and this libcurl (%s) does not speak WebSocket "
			    "(ws://): loadtop needs libcurl 7.86 or later built "
			    "with it", scn->file, r->pos.line, r->pos.col,
			    r->name, curl_version_info(CURLVERSION_NOW)->version);
			return -1;
		}
	}
	return 0;
}

/* Whether a check, an outcome or a capture reads a header. */
static bool
keeps_headers(const struct scenario *scn)
{
	size_t i, j;

	for (i = 0; i < scn->nrequests; i++) {
		const struct scn_request *r = &scn->requests[i];

		for (j = 0; j < r->nchecks; j++)
			if (r->checks[j].probe == SCN_PROBE_HEADER)
				return true;
		for (j = 0; j < r->ncaptures; j++)
			if (r->captures[j].from.probe == SCN_PROBE_HEADER)
				return true;
		if (r->outcome != NULL && r->outcome->probe == SCN_PROBE_HEADER)
			return true;
	}
	return false;
}

/* Allocations this large and larger come from mmap (websocket_memory). */
#define ENGINE_MMAP_FROM (64 * 1024)

/*
 * libcurl gives each WebSocket connection two frame buffers of 64 KB,
 * zeroed (calloc), which made 10,000 connections cost over a gigabyte:
 * served by mmap instead, their pages cost only once they are used.
 */
static void
websocket_memory(const struct scenario *scn)
{
#ifdef M_MMAP_THRESHOLD
	size_t i;

	for (i = 0; i < scn->nrequests; i++)
		if (scn->requests[i].websocket != NULL) {
			mallopt(M_MMAP_THRESHOLD, ENGINE_MMAP_FROM);
			return;
		}
#else
	(void)scn;
#endif
}

/* Descriptors beside the streams': epoll sets, timers, the monitor's
 * files, the reports. */
#define ENGINE_FD_SPARE 256

/* The descriptors a phase holds at most: a socket for each stream, user,
 * request in flight or pooled connection it names (an open model's
 * automatic pool is not known before the run). */
static unsigned
phase_sockets(const struct scn_phase *ph)
{
	unsigned n = LT_MAX(ph->connections, LT_MAX(ph->users,
	    ph->concurrency));
	size_t i;

	for (i = 0; i < ph->nstages; i++)
		n = LT_MAX(n, LT_MAX(ph->stages[i].users,
		    ph->stages[i].connections));
	return n;
}

/*
 * A socket is a descriptor for as long as it is open: the soft limit goes
 * up to the hard one when a phase needs it, and a phase that cannot have
 * them all is refused now, saying what to change, rather than counted
 * refused.
 */
static int
check_file_limit(const struct scenario *scn, char **cause)
{
	const struct scn_phase *peak = NULL;
	struct rlimit rl;
	rlim_t need;
	char *where;
	size_t i;

	for (i = 0; i < scn->nphases; i++)
		if (peak == NULL || phase_sockets(&scn->phases[i]) >
		    phase_sockets(peak))
			peak = &scn->phases[i];
	if (peak == NULL || getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	need = (rlim_t)phase_sockets(peak) + ENGINE_FD_SPARE;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need &&
	    rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return 0;
	if (strcmp(scn->file, SCN_ADHOC_FILE) == 0)
		xasprintf(&where, "-c asks for %u connections, which",
		    phase_sockets(peak));
	else
		xasprintf(&where, "%s:%d:%d: phase '%s' holds %u connections, "
		    "which", scn->file, peak->pos.line, peak->pos.col,
		    peak->name, phase_sockets(peak));
	xasprintf(cause, "%s need %llu open files; the limit is %llu (ulimit "
	    "-n), and the hard limit %llu: raise the hard limit (limits.conf, "
	    "LimitNOFILE= of a service) or ask for fewer", where,
	    (unsigned long long)need, (unsigned long long)rl.rlim_cur,
	    (unsigned long long)rl.rlim_max);
	free(where);
	return -1;
}

/* DNS and TLS sessions, shared by every worker's handles. */
static CURLSH *
share_new(struct engine *e)
{
	CURLSH *sh = curl_share_init();

	curl_share_setopt(sh, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(sh, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(sh, CURLSHOPT_USERDATA, e);
	curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	return sh;
}

static struct stats *
shaped_stats(const struct engine *e)
{
	struct stats *s = stats_new(e->npreq);

	stats_shape(s, e->scn);
	return s;
}

struct engine *
engine_new(const struct scenario *scn, const struct engine_opts *opts,
    char **cause)
{
	struct engine *e;
	size_t i;
	long ncpu;

	if (opts->threads > ENGINE_MAX_THREADS) {
		xasprintf(cause, "%u worker threads asked; at most %u",
		    opts->threads, ENGINE_MAX_THREADS);
		return NULL;
	}
	/* The parser checked these; a scenario built otherwise may not be. */
	if (scenario_check_limits(scn, cause) != 0 ||
	    check_websocket(scn, cause) != 0 ||
	    check_file_limit(scn, cause) != 0)
		return NULL;
	websocket_memory(scn);
	e = xcalloc(1, sizeof *e);
	e->scn = scn;
	e->opts = *opts;
	e->alerts = alerts_new();
	if (e->opts.interval_us <= 0)
		e->opts.interval_us = 1000000;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	/* By default one per core, as many as there may be. */
	e->nthreads = opts->threads ? opts->threads :
	    (unsigned)LT_MIN(LT_MAX(ncpu, 1), ENGINE_MAX_THREADS);
	e->factor = e->applied_factor = 1.0;
	e->load.users_peak = -1;
	pthread_mutex_init(&e->lock, NULL);
	util_cond_init(&e->cond);
	pthread_mutex_init(&e->snap_lock, NULL);
	for (i = 0; i < LT_NELEM(e->share_lock); i++)
		pthread_mutex_init(&e->share_lock[i], NULL);

	e->npreq = scn->nrequests;
	e->preqs = xcalloc(e->npreq, sizeof *e->preqs);
	for (i = 0; i < e->npreq; i++) {
		if (request_build(&e->preqs[i], scn, i, cause) != 0) {
			e->npreq = i;
			engine_free(e);
			return NULL;
		}
	}
	e->share = share_new(e);

	e->env = (struct worker_env){
		.scn = scn, .preqs = e->preqs, .npreq = e->npreq,
		.share = e->share, .seq = &e->seq, .order = &e->order,
		.http_version = scn->defaults.http_version,
		.insecure_tls = scn->defaults.insecure_tls,
		.all_raw = all_raw(e->preqs, e->npreq),
		.keeps_headers = keeps_headers(e->scn),
		.nbinds = scn->defaults.nsource_addresses,
		.lock = &e->lock, .cond = &e->cond,
		.grid_step_ns = e->opts.interval_us * 1000,
	};
	e->env.binds = xcalloc(e->env.nbinds + 1, sizeof *e->env.binds);
	for (i = 0; i < e->env.nbinds; i++)
		xasprintf(&e->env.binds[i], "host!%s",
		    scn->defaults.source_addresses[i]);
	e->ph = xcalloc(scn->nphases, sizeof *e->ph);
	for (i = 0; i < scn->nphases; i++) {
		phase_use_init(e, i);
		e->ph[i].started = e->ph[i].ended = -1;
	}
	engine_stages_init(e);
	e->cum = shaped_stats(e);
	e->prev = shaped_stats(e);
	e->delta = shaped_stats(e);
	e->groups = stats_new(scn->ngroups);
	e->grid_latency = hdr_new(LT_HDR_LOWEST, LT_HDR_HIGHEST,
	    LT_HDR_DETAIL_SIGFIGS);

	e->w = xcalloc(e->nthreads, sizeof *e->w);
	for (i = 0; i < e->nthreads; i++) {
		if ((e->w[i] = worker_new(&e->env, (unsigned)i, cause)) == NULL) {
			engine_free(e);
			return NULL;
		}
	}
	return e;
}

int
engine_start(struct engine *e, char **cause)
{
	unsigned i;
	int rc;

	for (i = 0; i < e->nthreads; i++)
		if (worker_start(e->w[i], cause) != 0)
			return -1;
	e->t0_ns = util_now_ns();
	/* Before any plan: the workers read it once they have one. */
	e->env.grid_origin_ns = e->t0_ns;
	e->wall0_us = util_wall_us();
	e->prev_ns = e->t0_ns;
	e->next_tick = e->t0_ns + e->opts.interval_us * 1000;
	if ((rc = pthread_create(&e->thread, NULL, engine_main, e)) != 0) {
		xasprintf(cause, "engine thread: %s", strerror(rc));
		return -1;
	}
	e->thread_started = true;
	return 0;
}

uint64_t
engine_completed(struct engine *e)
{
	return __atomic_load_n(&e->completed, __ATOMIC_RELAXED);
}

void
engine_free(struct engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	if (e->thread_started) {
		engine_stop(e, END_USER_QUIT);
		pthread_join(e->thread, NULL);
	}
	for (i = 0; e->w != NULL && i < e->nthreads; i++)
		worker_free(e->w[i]);
	free(e->w);
	if (e->share != NULL)
		curl_share_cleanup(e->share);
	for (i = 0; i < e->npreq; i++)
		request_clear(&e->preqs[i]);
	for (i = 0; e->env.binds != NULL && i < e->env.nbinds; i++)
		free(e->env.binds[i]);
	free(e->env.binds);
	free(e->preqs);
	for (i = 0; e->ph != NULL && i < e->scn->nphases; i++) {
		free(e->ph[i].use);
		free(e->ph[i].weights);
		free(e->ph[i].leak);
		hdr_free(e->ph[i].histogram);
		stats_free(e->ph[i].base);
		stats_free(e->ph[i].stage_base);
		pace_clear(&e->ph[i].rate_curve);
	}
	free(e->ph);
	engine_snap_clear(e);
	stats_free(e->delta);
	stats_free(e->groups);
	hdr_free(e->grid_latency);
	free(e->stages);
	alerts_free(e->alerts);
	snapshot_release(e->snap);
	pthread_mutex_destroy(&e->lock);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->snap_lock);
	for (i = 0; i < LT_NELEM(e->share_lock); i++)
		pthread_mutex_destroy(&e->share_lock[i]);
	free(e);
}
