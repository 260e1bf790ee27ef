/* A worker's connection slots and the path of one request through them. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "worker-int.h"

/* The body: counted, and kept as far as the response view wants. */
static size_t
discard_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct slot *s = arg;
	long status = 0;

	s->bytes += size * nmemb;
	if (!s->view.status_known) {
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
		response_status(&s->view, status, scn_status_has(
		    &s->w->env->preqs[s->req].expect, (int)status));
	}
	if (s->view.on || s->view.sample_on)
		response_body(&s->view, ptr, size * nmemb);
	return size * nmemb;
}

/* Each header line: a status line opens a header block, a blank line
 * ends it; the lines are kept when some inspection reads a header. */
static size_t
read_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct slot *s = arg;
	size_t n = size * nmemb;

	if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0)
		s->head_ended = false;
	else if (n == 0 || ptr[0] == '\r' || ptr[0] == '\n')
		s->head_ended = true;
	if (s->w->env->keeps_headers)
		response_header_line(&s->view, ptr, n);
	return n;
}

CURL *
worker_easy_new(struct worker *w, bool small)
{
	CURL *e;

	if ((e = curl_easy_init()) == NULL) {
		fprintf(stderr, "loadtop: curl_easy_init failed\n");
		abort();
	}
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_body);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	/* Load goes straight to the target: no proxy, so libcurl does not
	 * read the proxy variables of the environment on every request. */
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	/* Past a few hundred connections a thread, libcurl's 16 KB receive
	 * buffers are most of our memory: trade reads for room. */
	if (small)
		curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 2048L);
	curl_easy_setopt(e, CURLOPT_SHARE, w->env->share);
	/* HTTP/2: wait for a connection to multiplex on, not a new one. */
	if (w->env->http_version == 20)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	if (w->env->insecure_tls) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return e;
}

/* A slot of a scenario that has curl requests gets its own handle; a
 * raw-only one borrows a connector when it connects. */
static struct slot *
slot_new(struct worker *w, bool small)
{
	struct slot *s = xcalloc(1, sizeof *s);

	s->w = w;
	s->req = SIZE_MAX;
	s->raw.fd = -1;
	s->bufs = xcalloc(w->env->npreq, sizeof *s->bufs);
	response_init(&s->view);
	if (w->env->scn->nvars > 0)
		s->vars = inspect_vars_new(w->env->scn);
	if (!w->env->all_raw) {
		s->easy = worker_easy_new(w, small);
		curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
		curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
		curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, read_header);
		curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
		/* libcurl reuses a connection only for a handle that binds the
		 * same address: each slot keeps to one, in turn. */
		if (w->env->nbinds > 0)
			curl_easy_setopt(s->easy, CURLOPT_INTERFACE,
			    w->env->binds[w->next_bind++ % w->env->nbinds]);
	}
	return s;
}

void
worker_slot_free(struct worker *w, struct slot *s)
{
	size_t i;

	if (s->state == SLOT_BUSY && s->easy != NULL)
		curl_multi_remove_handle(s->multi, s->easy);
	worker_raw_close(s);
	if (!w->env->all_raw)
		curl_easy_cleanup(s->easy);	/* connectors are the worker's */
	for (i = 0; i < w->env->npreq; i++)
		request_buf_free(s->bufs[i], &w->env->preqs[i]);
	free(s->bufs);
	response_free(&s->view);
	inspect_vars_free(s->vars, w->env->scn);
	free(s);
}

/* Make sure at least n slots exist (idle ones go on the idle list). */
void
worker_grow_slots(struct worker *w, unsigned n)
{
	if (n <= w->nslots)
		return;
	w->slots = xreallocarray(w->slots, n, sizeof *w->slots);
	while (w->nslots < n) {
		struct slot *s = slot_new(w, n >= MANY_SLOTS);

		s->multi = worker_shard_multi(w, w->nslots);
		w->slots[w->nslots++] = s;
		s->next = w->idle;
		w->idle = s;
	}
	/* The raw transport's connections leave libcurl's cache as they
	 * are made (worker-raw.c): a cache of one closes each behind. */
	curl_multi_setopt(w->multi, CURLMOPT_MAXCONNECTS,
	    w->env->all_raw ? 1L : (long)LT_MIN(w->nslots, WORKER_SHARD));
}

struct slot *
worker_idle_pop(struct worker *w)
{
	struct slot *s = w->idle;

	if (s != NULL)
		w->idle = s->next;
	return s;
}

void
worker_idle_push(struct worker *w, struct slot *s)
{
	s->state = SLOT_IDLE;
	s->in_iteration = false;	/* an unfinished one is dropped */
	s->next = w->idle;
	w->idle = s;
}

/* Smooth weighted round robin: deterministic shares, no randomness. */
size_t
worker_pick_request(struct worker *w)
{
	const struct worker_plan *p = &w->plan;
	size_t i, best = 0;
	int64_t total = 0;

	if (p->nuse == 1)
		return p->use[0];
	for (i = 0; i < p->nuse; i++) {
		w->cw[i] += p->weights[i];
		total += p->weights[i];
		if (w->cw[i] > w->cw[best])
			best = i;
	}
	w->cw[best] -= total;
	return p->use[best];
}

static void count_class(struct worker *, struct slot *, size_t ri,
    enum lt_class, const struct xfer_end *, int check, int64_t lat,
    int64_t end);

/* Whether every variable request ri uses is set for s's user. */
static bool
vars_ready(const struct slot *s, const struct preq *p)
{
	size_t i;

	for (i = 0; i < p->nvars; i++)
		if (s->vars == NULL || s->vars->v[p->vars[i]].v == NULL)
			return false;
	return true;
}

/* A request not sent, since a variable it uses is unset. */
static void
count_missing(struct worker *w, struct slot *s, size_t ri, int64_t now)
{
	struct xfer_end x;

	worker_xfer_reset(&x, CURLE_OK);
	s->req = SIZE_MAX;	/* its handle was not set up for ri */
	STATS_INC(&w->stats->started, 1);
	STATS_INC(&w->stats->req[ri].started, 1);
	count_class(w, s, ri, CLS_CAPTURE_MISSING, &x, -1, -1, now);
	worker_flow_abandon(w, s, true);
}

/* The request s sends next: its flow's step, or the plan's turn; a
 * request whose variables are unset is counted and passed over.  Too
 * many of those in a row: SIZE_MAX. */
static size_t
next_request(struct worker *w, struct slot *s, int64_t planned, int64_t now)
{
	size_t tries, max = w->plan.flow != NULL ? 2 : w->plan.nuse + 1;
	size_t ri;

	for (tries = 0; tries < max; tries++) {
		ri = w->plan.flow != NULL ? worker_flow_next(w, s, planned) :
		    worker_pick_request(w);
		if (vars_ready(s, &w->env->preqs[ri]))
			return ri;
		count_missing(w, s, ri, now);
	}
	return SIZE_MAX;
}

/* Nothing could be sent: the user waits a little, not to spin. */
static void
park(struct worker *w, struct slot *s, int64_t now)
{
	if (w->plan.mode == PLAN_OPEN)
		worker_idle_push(w, s);
	else
		worker_think_push(w, s, now + 10000000);
}

void
worker_start_request(struct worker *w, struct slot *s, int64_t planned, int64_t now)
{
	const struct worker_env *env = w->env;
	const struct preq *p;
	struct tmpl_ctx ctx;
	size_t ri, out;
	bool full;

	if ((ri = next_request(w, s, planned, now)) == SIZE_MAX) {
		park(w, s, now);
		return;
	}
	p = &env->preqs[ri];
	if (s->bufs[ri] == NULL)
		s->bufs[ri] = request_buf_new(p);
	response_begin(&s->view, inspect_wants(w->inspect, ri),
	    inspect_names(w->inspect, ri), (size_t)env->scn->requests[ri].max_body);
	ctx.seq = p->uses_seq ? worker_next_seq(w) : 0;
	ctx.rng = &w->rng;
	ctx.vars = s->vars != NULL ? s->vars->v : NULL;
	if (p->url != NULL || p->ndyn || p->body_tmpl != NULL)
		clock_gettime(CLOCK_REALTIME, &ctx.now);
	else
		ctx.now.tv_sec = ctx.now.tv_nsec = 0;
	if (p->raw)
		out = request_raw_render(p, s->bufs[ri], &ctx);
	else {
		full = s->req != ri || s->easy_raw;
		if (s->easy_raw) {
			curl_easy_setopt(s->easy, CURLOPT_CONNECT_ONLY, 0L);
			s->easy_raw = false;
		}
		out = request_apply(p, s->bufs[ri], s->easy, &ctx, full);
	}
	s->req = ri;
	s->planned_ns = planned;
	s->started_ns = now;
	s->bytes = 0;
	if (w->plan.track_order)
		s->order = __atomic_fetch_add(env->order, 1, __ATOMIC_RELAXED);
	s->state = SLOT_BUSY;
	if (w->plan.mode == PLAN_OPEN)
		STATS_INC(&w->stats->scheduled, 1);
	if (now - planned > LATE_NS)
		STATS_INC(&w->stats->late_starts, 1);
	STATS_INC(&w->stats->started, 1);
	STATS_INC(&w->stats->req[ri].started, 1);
	STATS_INC(&w->stats->bytes_out, out);
	w->started++;
	w->inflight++;
	if (p->raw)
		worker_raw_start(w, s);
	else {
		s->head_ended = false;
		w->curl_busy++;
		curl_multi_add_handle(s->multi, s->easy);
	}
}

void
worker_grid_init(struct worker *w)
{
	size_t i;

	for (i = 0; i < WORKER_GRID_KEEP; i++) {
		w->grid[i].bucket = -2;
		w->grid[i].latency = hdr_new(LT_HDR_LOWEST, LT_HDR_HIGHEST,
		    LT_HDR_DETAIL_SIGFIGS);
	}
}

void
worker_grid_free(struct worker *w)
{
	size_t i;

	for (i = 0; i < WORKER_GRID_KEEP; i++)
		hdr_free(w->grid[i].latency);
}

/* Count a transfer that ended at end in its bucket of the grid.  A
 * worker's transfers end in time order, so a bucket, once left, is
 * done with. */
static void
grid_count(struct worker *w, int64_t end, enum lt_class cls, int64_t lat)
{
	const struct worker_env *env = w->env;
	struct grid_slot *g;
	int64_t k;
	size_t c;

	if (end >= w->grid_next_ns) {
		k = LT_MAX(end - env->grid_origin_ns, 0) / env->grid_step_ns;
		g = &w->grid[k % WORKER_GRID_KEEP];
		__atomic_store_n(&g->bucket, -1, __ATOMIC_RELEASE);
		for (c = 0; c < CLS__COUNT; c++)
			__atomic_store_n(&g->classes[c], 0, __ATOMIC_RELAXED);
		hdr_reset(g->latency);
		__atomic_store_n(&g->bucket, k, __ATOMIC_RELEASE);
		w->grid_bucket = k;
		w->grid_next_ns = env->grid_origin_ns + (k + 1) *
		    env->grid_step_ns;
	}
	g = &w->grid[w->grid_bucket % WORKER_GRID_KEEP];
	STATS_INC(&g->classes[cls], 1);
	if (lat >= 0)
		hdr_record(g->latency, lat);
}

bool
worker_grid_read(const struct worker *w, int64_t from, int64_t to,
    uint64_t *classes, struct hdr *latency)
{
	int64_t k, tag;
	size_t c;

	if (to - from > WORKER_GRID_KEEP - 1)
		return false;
	for (k = from; k < to; k++) {
		const struct grid_slot *g = &w->grid[k % WORKER_GRID_KEEP];

		tag = __atomic_load_n(&g->bucket, __ATOMIC_ACQUIRE);
		if (tag == -1)
			return false;
		if (tag != k)
			continue;	/* nothing ended in that bucket */
		for (c = 0; c < CLS__COUNT; c++)
			classes[c] += STATS_GET(&g->classes[c]);
		hdr_add(latency, g->latency);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&g->bucket, __ATOMIC_RELAXED) != k)
			return false;	/* reused meanwhile */
	}
	return true;
}

static int64_t
us_between(curl_off_t later, curl_off_t earlier)
{
	return later > earlier ? (int64_t)(later - earlier) : 0;
}

void
worker_xfer_reset(struct xfer_end *x, CURLcode res)
{
	*x = (struct xfer_end){ .res = res, .dns_us = -1, .connect_us = -1,
	    .tls_us = -1, .ttfb_us = -1, .transfer_us = -1,
	    .retry_after = -1 };
}

/* What libcurl's timers and counters say of the transfer on s. */
void
worker_curl_end(struct slot *s, CURLcode res, struct xfer_end *x)
{
	curl_off_t dns = 0, conn = 0, app = 0, pre = 0, ttfb = 0, total = 0;
	curl_off_t retry = 0;
	long nconn = 0, ver = 0;

	/* libcurl takes a connection closed inside the headers for the
	 * end of a whole answer; the raw transport does not. */
	if (res == CURLE_OK && !s->head_ended)
		res = CURLE_PARTIAL_FILE;
	worker_xfer_reset(x, res);
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &x->status);
	if (curl_easy_getinfo(s->easy, CURLINFO_HTTP_VERSION, &ver) == CURLE_OK)
		x->http_version = ver == CURL_HTTP_VERSION_1_0 ? 10 :
		    ver == CURL_HTTP_VERSION_1_1 ? 11 :
		    ver == CURL_HTTP_VERSION_2_0 ? 20 : ver == 30 ? 30 : 0;
	curl_easy_getinfo(s->easy, CURLINFO_NUM_CONNECTS, &nconn);
	curl_easy_getinfo(s->easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
	curl_easy_getinfo(s->easy, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
	curl_easy_getinfo(s->easy, CURLINFO_TOTAL_TIME_T, &total);
	if (nconn > 0) {
		curl_easy_getinfo(s->easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
		curl_easy_getinfo(s->easy, CURLINFO_CONNECT_TIME_T, &conn);
		curl_easy_getinfo(s->easy, CURLINFO_APPCONNECT_TIME_T, &app);
		x->connected = true;
		x->dns_us = dns;
		if (conn > 0)
			x->connect_us = us_between(conn, dns);
		if (app > 0)
			x->tls_us = us_between(app, conn);
	}
	if (res == CURLE_OK && ttfb > 0) {
		x->ttfb_us = us_between(ttfb, pre);
		x->transfer_us = us_between(total, ttfb);
	}
	if (x->status >= 300) {
		if (curl_easy_getinfo(s->easy, CURLINFO_RETRY_AFTER, &retry) ==
		    CURLE_OK && retry > 0)
			x->retry_after = retry;
	}
}

static void
record_timing(struct stats *st, struct stats_req *rq,
    const struct xfer_end *x)
{
	if (x->connected) {
		STATS_INC(&st->connects, 1);
		if (x->dns_us >= 0)
			hdr_record(st->timing[TIM_DNS], x->dns_us);
		if (x->connect_us >= 0)
			hdr_record(st->timing[TIM_CONNECT], x->connect_us);
		if (x->tls_us >= 0)
			hdr_record(st->timing[TIM_TLS], x->tls_us);
	}
	if (x->res == CURLE_OK && x->ttfb_us >= 0) {
		hdr_record(st->timing[TIM_TTFB], x->ttfb_us);
		hdr_record(st->timing[TIM_TRANSFER], x->transfer_us);
	}
	if (x->http_version > 0) {
		unsigned v = stats_version_index(x->http_version);

		STATS_INC(&st->http_versions[v], 1);
		STATS_INC(&rq->http_versions[v], 1);
	}
}

/* A rate limit's facts for the phase: the first limited, Retry-After. */
static void
note_limited(struct worker *w, struct slot *s, const struct xfer_end *x)
{
	if (w->plan.track_order && s->order < w->phase.first_limited_seq)
		w->phase.first_limited_seq = s->order;
	if (x->retry_after > 0) {
		w->phase.retry_after_count++;
		w->phase.retry_after_min = LT_MIN(w->phase.retry_after_min,
		    x->retry_after);
		w->phase.retry_after_max = LT_MAX(w->phase.retry_after_max,
		    x->retry_after);
	}
}

/* A failure's reason in the failures list, with a sample of its body
 * the first time, secrets redacted. */
static void
count_reason(struct worker *w, struct slot *s, size_t ri, enum lt_class cls,
    const struct xfer_end *x, int check)
{
	struct stats_reasons *t = w->stats->reasons;
	struct stats_reason *e;
	const char *body;
	size_t len = 0;
	bool fresh, cut = false;

	e = stats_reason_find(t, ri, (int)cls, (int)x->status, check,
	    x->status > 0 ? 0 : (int)x->res, &fresh);
	if (e == NULL) {
		STATS_INC(&t->dropped, 1);
		return;
	}
	if (fresh) {
		if (x->status > 0 && s->view.status_known) {
			body = response_sample(&s->view, &len, &cut);
			e->sample_len = inspect_redact(w->inspect, s->vars, body,
			    len, e->sample, sizeof e->sample);
			e->cut = cut || e->sample_len < len;
		}
		e->count = 1;
		stats_reason_publish(t);
	} else
		STATS_INC(&e->count, 1);
}

/* Count one finished request of class cls; lat < 0: never sent. */
static void
count_class(struct worker *w, struct slot *s, size_t ri, enum lt_class cls,
    const struct xfer_end *x, int check, int64_t lat, int64_t end)
{
	struct stats *st = w->stats;

	STATS_INC(&st->classes[cls], 1);
	STATS_INC(&st->req[ri].classes[cls], 1);
	if (lat >= 0) {
		hdr_record(st->latency, lat);
		hdr_record(st->req[ri].latency, lat);
		hdr_record(st->by_class[cls], lat);
	}
	grid_count(w, end, cls, lat);
	if (cls != CLS_OK && cls != CLS_RATE_LIMITED) {
		count_reason(w, s, ri, cls, x, check);
		s->iteration_failed = true;
	}
}

/* Checks, outcome and captures: the class they leave; the failed
 * check's index in *check. */
static enum lt_class
inspect_response(struct worker *w, struct slot *s, enum lt_class cls,
    long status, int *check)
{
	const struct scn_request *r = &w->env->scn->requests[s->req];
	struct stats *st = w->stats;
	struct inspect_out io;

	*check = -1;
	if (!s->view.on)
		return cls;
	/* libcurl tells the status at the first body bytes; none came. */
	if (!s->view.status_known)
		response_status(&s->view, status, cls == CLS_OK);
	inspect_run(w->inspect, s->req, &s->view, cls == CLS_OK,
	    st->check_pass + r->check_base, st->check_fail + r->check_base,
	    s->vars, &io);
	if (io.has_outcome)
		stats_count_outcome(&st->req[s->req], io.outcome,
		    io.outcome_len);
	if (io.failed >= 0) {
		*check = io.failed;
		return CLS_CHECK_FAILED;
	}
	return cls;
}

void
worker_record(struct worker *w, struct slot *s, const struct xfer_end *x,
    int64_t end)
{
	const struct preq *p = &w->env->preqs[s->req];
	struct stats *st = w->stats;
	struct stats_req *rq = &st->req[s->req];
	enum lt_class cls;
	int64_t service;
	int check = -1;

	cls = request_classify(p, x->res, x->status);
	if (x->status > 0)
		cls = inspect_response(w, s, cls, x->status, &check);
	if (x->res != CURLE_OK && (unsigned)x->res < LT_CURLE_MAX)
		STATS_INC(&st->curl_errors[x->res], 1);
	if (x->status > 0 && x->status < LT_STATUS_MAX)
		STATS_INC(&st->status[x->status], 1);
	stats_count_status(rq, x->status);
	STATS_INC(&st->bytes_in, s->bytes);
	STATS_INC(&rq->bytes, s->bytes);

	count_class(w, s, s->req, cls, x, check, (end - s->planned_ns) / 1000,
	    end);
	service = (end - s->started_ns) / 1000;
	hdr_record(st->service, service);
	hdr_record(rq->service, service);
	record_timing(st, rq, x);
	if (cls == CLS_RATE_LIMITED)
		note_limited(w, s, x);
}
