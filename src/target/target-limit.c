#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "target-limit.h"
#include "util.h"

#define SHARDS		64
#define SHARD_BUCKETS	256
/* A shard holding more clients than this drops the idle ones. */
#define SHARD_PRUNE_AT	4096

struct client {
	struct client	*next;
	uint8_t		 key[17];	/* family tag + address */
	/*
	 * Fixed window: start of the current window and requests in it.
	 * Token bucket: time of the last refill and the level, counted in
	 * token-microseconds so that refilling stays exact in integers: one
	 * request costs window_us, the bucket holds n * window_us and gains
	 * n per microsecond.
	 */
	int64_t		 since_us;
	int64_t		 level;
};

struct shard {
	pthread_mutex_t	 lock;
	struct client	*buckets[SHARD_BUCKETS];
	unsigned int	 nclients;
};

struct tlimit {
	enum tlimit_mode mode;
	int64_t		 n;
	int64_t		 window_us;
	struct shard	 shards[SHARDS];
};

int
target_limit_parse(const char *spec, unsigned int *n, int64_t *window_us,
    char **cause)
{
	const char *slash, *unit;
	char *end;
	unsigned long long count, amount = 1;
	int64_t scale;

	slash = strchr(spec, '/');
	if (slash == NULL || slash == spec) {
		xasprintf(cause, "bad limit '%s': expected N/WINDOW, like 10/1s",
		    spec);
		return -1;
	}
	errno = 0;
	count = strtoull(spec, &end, 10);
	if (end != slash || errno != 0 || *spec == '-' || count == 0 ||
	    count > TLIMIT_MAX_N) {
		xasprintf(cause, "bad limit '%s': N must be from 1 to %d", spec,
		    TLIMIT_MAX_N);
		return -1;
	}

	unit = slash + 1;
	if (*unit >= '0' && *unit <= '9') {
		errno = 0;
		amount = strtoull(unit, &end, 10);
		if (errno != 0 || amount == 0)
			goto bad_window;
		unit = end;
	}
	if (strcmp(unit, "ms") == 0)
		scale = 1000;
	else if (*unit == '\0' || strcmp(unit, "s") == 0)
		scale = 1000000;
	else if (strcmp(unit, "m") == 0)
		scale = 60LL * 1000000;
	else if (strcmp(unit, "h") == 0)
		scale = 3600LL * 1000000;
	else
		goto bad_window;
	if (unit == slash + 1 && *unit == '\0')
		goto bad_window;
	if (amount > (unsigned long long)(TLIMIT_MAX_WINDOW_US / scale))
		goto bad_window;

	*n = (unsigned int)count;
	*window_us = (int64_t)amount * scale;
	return 0;

bad_window:
	xasprintf(cause, "bad limit '%s': WINDOW must be a positive duration "
	    "in ms, s, m or h, at most 24h", spec);
	return -1;
}

int
target_limit_parse_mode(const char *name, enum tlimit_mode *mode)
{
	if (strcmp(name, "window") == 0)
		*mode = TLIMIT_WINDOW;
	else if (strcmp(name, "bucket") == 0)
		*mode = TLIMIT_BUCKET;
	else
		return -1;
	return 0;
}

const char *
target_limit_mode_name(enum tlimit_mode mode)
{
	return mode == TLIMIT_BUCKET ? "bucket" : "window";
}

struct tlimit *
target_limit_create(enum tlimit_mode mode, unsigned int n, int64_t window_us)
{
	struct tlimit *tl;
	int i;

	tl = xcalloc(1, sizeof *tl);
	tl->mode = mode;
	tl->n = n;
	tl->window_us = window_us;
	for (i = 0; i < SHARDS; i++)
		pthread_mutex_init(&tl->shards[i].lock, NULL);
	return tl;
}

void
target_limit_free(struct tlimit *tl)
{
	struct client *c, *next;
	int i, b;

	if (tl == NULL)
		return;
	for (i = 0; i < SHARDS; i++) {
		for (b = 0; b < SHARD_BUCKETS; b++) {
			for (c = tl->shards[i].buckets[b]; c != NULL; c = next) {
				next = c->next;
				free(c);
			}
		}
		pthread_mutex_destroy(&tl->shards[i].lock);
	}
	free(tl);
}

/* Build the lookup key; IPv4-mapped IPv6 addresses count as IPv4. */
static void
make_key(const struct sockaddr *sa, uint8_t key[17])
{
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;

	memset(key, 0, 17);
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)(const void *)sa;
		key[0] = 4;
		memcpy(key + 1, &sin->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			key[0] = 4;
			memcpy(key + 1, &sin6->sin6_addr.s6_addr[12], 4);
		} else {
			key[0] = 6;
			memcpy(key + 1, &sin6->sin6_addr, 16);
		}
	}
}

static uint32_t
hash_key(const uint8_t key[17])
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 17; i++) {
		h ^= key[i];
		h *= 16777619u;
	}
	return h;
}

/* A client is idle when forgetting it would not change any answer. */
static int
client_idle(const struct tlimit *tl, const struct client *c, int64_t now_us)
{
	if (tl->mode == TLIMIT_WINDOW)
		return now_us - c->since_us >= tl->window_us;
	return c->level + (now_us - c->since_us) * tl->n >=
	    tl->n * tl->window_us;
}

static void
shard_prune(const struct tlimit *tl, struct shard *sh, int64_t now_us)
{
	struct client **cp, *c;
	int b;

	for (b = 0; b < SHARD_BUCKETS; b++) {
		cp = &sh->buckets[b];
		while ((c = *cp) != NULL) {
			if (client_idle(tl, c, now_us)) {
				*cp = c->next;
				free(c);
				sh->nclients--;
			} else
				cp = &c->next;
		}
	}
}

static unsigned int
seconds_until(int64_t us)
{
	int64_t s = (us + 999999) / 1000000;

	return s < 1 ? 1 : (unsigned int)s;
}

static int
take_window(const struct tlimit *tl, struct client *c, int64_t now_us,
    unsigned int *retry_after_s)
{
	if (now_us - c->since_us >= tl->window_us) {
		c->since_us = now_us;
		c->level = 0;
	}
	if (c->level < tl->n) {
		c->level++;
		return 1;
	}
	*retry_after_s = seconds_until(c->since_us + tl->window_us - now_us);
	return 0;
}

static int
take_bucket(const struct tlimit *tl, struct client *c, int64_t now_us,
    unsigned int *retry_after_s)
{
	int64_t full = tl->n * tl->window_us, elapsed;

	elapsed = now_us - c->since_us;
	if (elapsed > 0) {
		if (elapsed >= tl->window_us)
			c->level = full;
		else
			c->level = LT_MIN(full, c->level + elapsed * tl->n);
		c->since_us = now_us;
	}
	if (c->level >= tl->window_us) {
		c->level -= tl->window_us;
		return 1;
	}
	*retry_after_s = seconds_until((tl->window_us - c->level + tl->n - 1) /
	    tl->n);
	return 0;
}

int
target_limit_take(struct tlimit *tl, const struct sockaddr *sa, int64_t now_us,
    unsigned int *retry_after_s)
{
	struct shard *sh;
	struct client *c;
	uint8_t key[17];
	uint32_t h;
	int allowed;

	make_key(sa, key);
	h = hash_key(key);
	sh = &tl->shards[h % SHARDS];

	pthread_mutex_lock(&sh->lock);
	for (c = sh->buckets[(h / SHARDS) % SHARD_BUCKETS]; c != NULL;
	    c = c->next) {
		if (memcmp(c->key, key, sizeof key) == 0)
			break;
	}
	if (c == NULL) {
		if (sh->nclients >= SHARD_PRUNE_AT)
			shard_prune(tl, sh, now_us);
		c = xcalloc(1, sizeof *c);
		memcpy(c->key, key, sizeof key);
		c->since_us = now_us;
		c->level = tl->mode == TLIMIT_BUCKET ? tl->n * tl->window_us : 0;
		c->next = sh->buckets[(h / SHARDS) % SHARD_BUCKETS];
		sh->buckets[(h / SHARDS) % SHARD_BUCKETS] = c;
		sh->nclients++;
	}
	if (tl->mode == TLIMIT_WINDOW)
		allowed = take_window(tl, c, now_us, retry_after_s);
	else
		allowed = take_bucket(tl, c, now_us, retry_after_s);
	pthread_mutex_unlock(&sh->lock);
	return allowed;
}
