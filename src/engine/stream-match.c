/* Replies matched to what a connection sent. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "stream-match.h"
#include "util.h"

#define ANSWERED (-1)			/* a matched entry not yet at the head */

void
stream_match_init(struct stream_match *m)
{
	memset(m, 0, sizeof *m);
}

void
stream_match_free(struct stream_match *m)
{
	free(m->v);
	stream_match_init(m);
}

void
stream_match_clear(struct stream_match *m)
{
	m->head = m->n = 0;
	m->npings = 0;
}

static struct stream_sent *
at(const struct stream_match *m, unsigned i)
{
	return &m->v[(m->head + i) % m->cap];
}

/* Room for one more: a larger ring (in order from 0), or the oldest
 * given up once the ring is at its bound. */
static void
make_room(struct stream_match *m)
{
	struct stream_sent *v;
	unsigned cap, i;

	if (m->n < m->cap)
		return;
	if (m->cap == STREAM_MATCH_MAX) {
		m->head = (m->head + 1) % m->cap;
		m->n--;
		return;
	}
	cap = m->cap ? 2 * m->cap : 8;
	v = xcalloc(cap, sizeof *v);
	for (i = 0; i < m->n; i++)
		v[i] = *at(m, i);
	free(m->v);
	m->v = v;
	m->cap = cap;
	m->head = 0;
}

void
stream_match_sent(struct stream_match *m, uint64_t key, int64_t ns)
{
	make_room(m);
	*at(m, m->n) = (struct stream_sent){ .ns = ns, .key = key };
	m->n++;
}

/* Drop the answered entries at the head. */
static void
trim(struct stream_match *m)
{
	while (m->n > 0 && at(m, 0)->ns == ANSWERED) {
		m->head = (m->head + 1) % m->cap;
		m->n--;
	}
}

enum stream_reply
stream_match_reply(struct stream_match *m, bool keyed, bool has_key,
    uint64_t key, int64_t now, int64_t *rtt_ns)
{
	struct stream_sent *e;
	unsigned i;

	trim(m);
	if (m->n == 0)
		return STREAM_PUSHED;
	if (!keyed) {
		e = at(m, 0);
		*rtt_ns = now - e->ns;
		e->ns = ANSWERED;
		trim(m);
		return STREAM_MATCHED;
	}
	for (i = 0; has_key && i < m->n; i++) {
		e = at(m, i);
		if (e->ns != ANSWERED && e->key == key) {
			*rtt_ns = now - e->ns;
			e->ns = ANSWERED;
			trim(m);
			return STREAM_MATCHED;
		}
	}
	return STREAM_UNMATCHED;
}

bool
stream_match_ping(struct stream_match *m, int64_t now, uint64_t *id)
{
	if (m->npings == STREAM_PINGS)
		return false;
	*id = ++m->next_ping;
	m->ping_id[m->npings] = *id;
	m->ping_ns[m->npings++] = now;
	return true;
}

bool
stream_match_pong(struct stream_match *m, uint64_t id, int64_t now,
    int64_t *rtt_ns)
{
	unsigned i;

	for (i = 0; i < m->npings; i++) {
		if (m->ping_id[i] != id)
			continue;
		*rtt_ns = now - m->ping_ns[i];
		/* A pong answers its ping and any unanswered before it. */
		memmove(m->ping_id, m->ping_id + i + 1,
		    (m->npings - i - 1) * sizeof *m->ping_id);
		memmove(m->ping_ns, m->ping_ns + i + 1,
		    (m->npings - i - 1) * sizeof *m->ping_ns);
		m->npings -= i + 1;
		return true;
	}
	return false;
}

int64_t
stream_match_ping_since(const struct stream_match *m)
{
	return m->npings > 0 ? m->ping_ns[0] : INT64_MAX;
}

uint64_t
stream_match_key(const char *text, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
