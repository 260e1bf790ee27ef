#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "target-stats.h"
#include "target-stream-stats.h"
#include "util.h"

/*
 * Paths live in an open-addressing table that only ever grows: readers
 * find a path without a lock, writers insert under one.  Each path has a
 * few status slots claimed by compare-and-swap, so counting a request is
 * a hash, a probe and one atomic increment.
 */
#define TABLE_SIZE	2048
#define MAX_PATHS	1024
#define MAX_PATH_LEN	256
#define STATUS_SLOTS	16
#define OTHER_PATH	"(other)"

struct target_stats_path {
	char		*path;
	size_t		 len;
	uint32_t	 hash;
	atomic_uint	 status[STATUS_SLOTS];	/* 0 while the slot is free */
	atomic_uint_fast64_t count[STATUS_SLOTS];
};

static _Atomic(struct target_stats_path *) table[TABLE_SIZE];
static pthread_mutex_t	 insert_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int	 npaths;		/* under insert_lock */
static struct target_stats_path *other;

static atomic_uint_fast64_t webhook_counts[TSTATS_WEBHOOK_NOUTCOMES];
static atomic_uint_fast64_t login_counts[TSTATS_LOGIN_NOUTCOMES];
static atomic_uint_fast64_t me_counts[TSTATS_ME_NOUTCOMES];
static atomic_uint_fast64_t tokens_forgotten;
static atomic_uint_fast64_t rate_limited;
static atomic_int	 inflight;
static int64_t		 started_us;

static const char *const webhook_names[TSTATS_WEBHOOK_NOUTCOMES] = {
	"dry_run", "ignored", "invalid_signature", "invalid_payload",
	"rate_limited",
};
static const char *const login_names[TSTATS_LOGIN_NOUTCOMES] = {
	"ok", "bad_request", "injected",
};
static const char *const me_names[TSTATS_ME_NOUTCOMES] = {
	"ok", "unauthorized",
};

static uint32_t
hash_path(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* Find path, or the free slot where it would go (*found is NULL then). */
static size_t
probe(const char *path, size_t len, uint32_t hash, struct target_stats_path **found)
{
	struct target_stats_path *p;
	size_t i = hash % TABLE_SIZE;

	for (;;) {
		p = atomic_load_explicit(&table[i], memory_order_acquire);
		if (p == NULL || (p->hash == hash && p->len == len &&
		    memcmp(p->path, path, len) == 0)) {
			*found = p;
			return i;
		}
		i = (i + 1) % TABLE_SIZE;
	}
}

static struct target_stats_path *
insert(const char *path, size_t len, uint32_t hash)
{
	struct target_stats_path *p;
	size_t i;

	pthread_mutex_lock(&insert_lock);
	i = probe(path, len, hash, &p);
	if (p == NULL) {
		if (npaths >= MAX_PATHS && other != NULL)
			p = other;
		else {
			p = xcalloc(1, sizeof *p);
			p->path = xstrndup(path, len);
			p->len = len;
			p->hash = hash;
			atomic_store_explicit(&table[i], p,
			    memory_order_release);
			npaths++;
		}
	}
	pthread_mutex_unlock(&insert_lock);
	return p;
}

void
target_stats_init(void)
{
	started_us = util_now_us();
	other = insert(OTHER_PATH, strlen(OTHER_PATH),
	    hash_path(OTHER_PATH, strlen(OTHER_PATH)));
}

void
target_stats_free(void)
{
	struct target_stats_path *p;
	size_t i;

	for (i = 0; i < TABLE_SIZE; i++) {
		p = atomic_load(&table[i]);
		if (p != NULL) {
			free(p->path);
			free(p);
			atomic_store(&table[i], NULL);
		}
	}
	npaths = 0;
	other = NULL;
}

struct target_stats_path *
target_stats_path(const char *path)
{
	struct target_stats_path *p;
	size_t len = strlen(path);
	uint32_t hash;

	if (len > MAX_PATH_LEN)
		return other;
	hash = hash_path(path, len);
	probe(path, len, hash, &p);
	if (p == NULL)
		p = insert(path, len, hash);
	return p;
}

void
target_stats_count(struct target_stats_path *p, unsigned int status)
{
	unsigned int i, seen;

	if (status == 429)
		atomic_fetch_add_explicit(&rate_limited, 1,
		    memory_order_relaxed);
	for (i = 0; i < STATUS_SLOTS; i++) {
		seen = atomic_load_explicit(&p->status[i],
		    memory_order_acquire);
		if (seen == 0) {
			/* Claim the free slot, or learn who took it first. */
			if (atomic_compare_exchange_strong(&p->status[i],
			    &seen, status))
				seen = status;
		}
		if (seen == status) {
			atomic_fetch_add_explicit(&p->count[i], 1,
			    memory_order_relaxed);
			return;
		}
	}
	/* More distinct statuses than slots: fold into the last one. */
	atomic_fetch_add_explicit(&p->count[STATUS_SLOTS - 1], 1,
	    memory_order_relaxed);
}

void
target_stats_webhook(enum target_stats_webhook outcome)
{
	if (outcome < TSTATS_WEBHOOK_NOUTCOMES)
		atomic_fetch_add_explicit(&webhook_counts[outcome], 1,
		    memory_order_relaxed);
}

void
target_stats_login(enum target_stats_login outcome)
{
	if (outcome < TSTATS_LOGIN_NOUTCOMES)
		atomic_fetch_add_explicit(&login_counts[outcome], 1,
		    memory_order_relaxed);
}

void
target_stats_me(enum target_stats_me outcome)
{
	if (outcome < TSTATS_ME_NOUTCOMES)
		atomic_fetch_add_explicit(&me_counts[outcome], 1,
		    memory_order_relaxed);
}

void
target_stats_token_forgotten(void)
{
	atomic_fetch_add_explicit(&tokens_forgotten, 1, memory_order_relaxed);
}

void
target_stats_inflight(int delta)
{
	atomic_fetch_add_explicit(&inflight, delta, memory_order_relaxed);
}

int
target_stats_inflight_count(void)
{
	return atomic_load_explicit(&inflight, memory_order_relaxed);
}

void
target_stats_reset(void)
{
	struct target_stats_path *p;
	size_t i, s;

	for (i = 0; i < TABLE_SIZE; i++) {
		p = atomic_load_explicit(&table[i], memory_order_acquire);
		if (p == NULL)
			continue;
		for (s = 0; s < STATUS_SLOTS; s++)
			atomic_store(&p->count[s], 0);
	}
	for (i = 0; i < TSTATS_WEBHOOK_NOUTCOMES; i++)
		atomic_store(&webhook_counts[i], 0);
	for (i = 0; i < TSTATS_LOGIN_NOUTCOMES; i++)
		atomic_store(&login_counts[i], 0);
	for (i = 0; i < TSTATS_ME_NOUTCOMES; i++)
		atomic_store(&me_counts[i], 0);
	atomic_store(&tokens_forgotten, 0);
	atomic_store(&rate_limited, 0);
	target_stream_stats_reset();
}

static double
uptime_s(void)
{
	return (double)(util_now_us() - started_us) / 1e6;
}

static void
json_add_count(json_t *obj, const char *key, uint64_t n)
{
	json_t *old = json_object_get(obj, key);

	if (old != NULL)
		n += (uint64_t)json_integer_value(old);
	json_object_set_new(obj, key, json_integer((json_int_t)n));
}

/* The counts of one path by status, into its own and the total's. */
static uint64_t
json_path_status(const struct target_stats_path *p, json_t *mine,
    json_t *all)
{
	uint64_t total = 0, n;
	char code[16];
	size_t s;

	for (s = 0; s < STATUS_SLOTS; s++) {
		n = atomic_load_explicit(&p->count[s], memory_order_relaxed);
		if (n == 0)
			continue;
		snprintf(code, sizeof code, "%u", atomic_load(&p->status[s]));
		json_add_count(mine, code, n);
		json_add_count(all, code, n);
		total += n;
	}
	return total;
}

/* "requests", "status" and "paths": every path that was asked. */
static void
json_paths(json_t *root)
{
	struct target_stats_path *p;
	json_t *status, *paths, *one, *one_status;
	uint64_t total = 0, path_total;
	size_t i;

	status = json_object();
	paths = json_object();
	for (i = 0; i < TABLE_SIZE; i++) {
		p = atomic_load_explicit(&table[i], memory_order_acquire);
		if (p == NULL)
			continue;
		one_status = json_object();
		if ((path_total = json_path_status(p, one_status, status)) == 0) {
			json_decref(one_status);
			continue;
		}
		one = json_object();
		json_object_set_new(one, "requests",
		    json_integer((json_int_t)path_total));
		json_object_set_new(one, "status", one_status);
		json_object_set_new(paths, p->path, one);
		total += path_total;
	}
	json_object_set_new(root, "requests", json_integer((json_int_t)total));
	json_object_set_new(root, "status", status);
	json_object_set_new(root, "paths", paths);
}

static json_t *
json_count(atomic_uint_fast64_t *count)
{
	return json_integer((json_int_t)atomic_load_explicit(count,
	    memory_order_relaxed));
}

/* An object of counters, each under its name. */
static json_t *
json_counts(const char *const *names, atomic_uint_fast64_t *counts, size_t n)
{
	json_t *obj = json_object();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_set_new(obj, names[i], json_count(&counts[i]));
	return obj;
}

/* POST /login and GET /me: logins that gave a token, the others by cause. */
static void
json_logins(json_t *root)
{
	json_object_set_new(root, "logins",
	    json_count(&login_counts[TSTATS_LOGIN_OK]));
	json_object_set_new(root, "login_failures",
	    json_counts(login_names + 1, login_counts + 1,
	    TSTATS_LOGIN_NOUTCOMES - 1));
	json_object_set_new(root, "me_ok", json_count(&me_counts[TSTATS_ME_OK]));
	json_object_set_new(root, "me_unauthorized",
	    json_count(&me_counts[TSTATS_ME_UNAUTHORIZED]));
	json_object_set_new(root, "tokens_forgotten",
	    json_count(&tokens_forgotten));
}

char *
target_stats_json(uint64_t leaked_bytes)
{
	json_t *root;
	char *out;

	root = json_object();
	json_paths(root);
	json_object_set_new(root, "webhook", json_counts(webhook_names,
	    webhook_counts, TSTATS_WEBHOOK_NOUTCOMES));
	json_logins(root);
	target_stream_stats_json(root);
	json_object_set_new(root, "leaked_bytes",
	    json_integer((json_int_t)leaked_bytes));
	json_object_set_new(root, "inflight",
	    json_integer(atomic_load(&inflight)));
	json_object_set_new(root, "uptime_s", json_real(uptime_s()));

	out = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS |
	    JSON_REAL_PRECISION(6));
	json_decref(root);
	if (out == NULL) {
		fprintf(stderr, "loadtop-target: out of memory\n");
		abort();
	}
	return out;
}

/* Prometheus label values escape backslash, double quote and newline. */
static void
put_label(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void
put_header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Every path's counts by HTTP status. */
static void
put_paths(FILE *f)
{
	struct target_stats_path *p;
	unsigned int code;
	size_t i, s;

	put_header(f, "loadtop_target_requests_total", "counter",
	    "Requests answered, by path and HTTP status.");
	for (i = 0; i < TABLE_SIZE; i++) {
		p = atomic_load_explicit(&table[i], memory_order_acquire);
		if (p == NULL)
			continue;
		for (s = 0; s < STATUS_SLOTS; s++) {
			if ((code = atomic_load(&p->status[s])) == 0)
				break;
			fputs("loadtop_target_requests_total{path=\"", f);
			put_label(f, p->path);
			fprintf(f, "\",status=\"%u\"} %" PRIuFAST64 "\n", code,
			    atomic_load_explicit(&p->count[s],
			    memory_order_relaxed));
		}
	}
}

/* A counter with one series per outcome, its name as the status label. */
static void
put_outcomes(FILE *f, const char *name, const char *help,
    const char *const *names, atomic_uint_fast64_t *counts, size_t n)
{
	size_t i;

	put_header(f, name, "counter", help);
	for (i = 0; i < n; i++)
		fprintf(f, "%s{status=\"%s\"} %" PRIuFAST64 "\n", name, names[i],
		    atomic_load_explicit(&counts[i], memory_order_relaxed));
}

static void
put_counter(FILE *f, const char *name, const char *help,
    atomic_uint_fast64_t *count)
{
	put_header(f, name, "counter", help);
	fprintf(f, "%s %" PRIuFAST64 "\n", name,
	    atomic_load_explicit(count, memory_order_relaxed));
}

char *
target_stats_prometheus(uint64_t leaked_bytes)
{
	FILE *f;
	char *out = NULL;
	size_t len = 0;

	if ((f = open_memstream(&out, &len)) == NULL) {
		fprintf(stderr, "loadtop-target: out of memory\n");
		abort();
	}
	put_paths(f);
	put_outcomes(f, "loadtop_target_webhook_requests_total",
	    "POST /webhook requests, by outcome.", webhook_names,
	    webhook_counts, TSTATS_WEBHOOK_NOUTCOMES);
	put_outcomes(f, "loadtop_target_login_requests_total",
	    "POST /login requests, by outcome.", login_names, login_counts,
	    TSTATS_LOGIN_NOUTCOMES);
	put_outcomes(f, "loadtop_target_me_requests_total",
	    "GET /me requests, by outcome.", me_names, me_counts,
	    TSTATS_ME_NOUTCOMES);
	put_counter(f, "loadtop_target_tokens_forgotten_total",
	    "Login tokens forgotten to make room for newer ones.",
	    &tokens_forgotten);
	put_counter(f, "loadtop_target_rate_limited_total",
	    "Requests refused with 429 by the rate limiter.", &rate_limited);

	put_header(f, "loadtop_target_leaked_bytes", "gauge",
	    "Bytes held by /leak.");
	fprintf(f, "loadtop_target_leaked_bytes %" PRIu64 "\n", leaked_bytes);

	put_header(f, "loadtop_target_inflight_requests", "gauge",
	    "Requests received and not yet completed.");
	fprintf(f, "loadtop_target_inflight_requests %d\n",
	    atomic_load(&inflight));

	put_header(f, "loadtop_target_uptime_seconds", "gauge",
	    "Seconds since the server started.");
	fprintf(f, "loadtop_target_uptime_seconds %.3f\n", uptime_s());

	if (fclose(f) != 0 || out == NULL) {
		fprintf(stderr, "loadtop-target: out of memory\n");
		abort();
	}
	return out;
}
