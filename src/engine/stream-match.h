/*
 * The replies a WebSocket connection awaits: the messages it sent and
 * that nothing answered yet, oldest first, each with its send time and
 * a key (the hash of a reply field's value, for json: matching), and
 * the pings that no pong answered yet.  Made once per connection; the
 * ring grows, up to a bound, only while replies fall behind.
 */
#ifndef LT_STREAM_MATCH_H
#define LT_STREAM_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STREAM_MATCH_MAX 4096		/* awaited at most; then the oldest
					 * is forgotten */
#define STREAM_PINGS 4			/* pings awaiting their pong */

enum stream_reply {
	STREAM_MATCHED,			/* answers an awaited message */
	STREAM_UNMATCHED,		/* awaited replies, and not one of them */
	STREAM_PUSHED,			/* nothing was awaited */
};

struct stream_sent {
	int64_t ns;
	uint64_t key;
};

struct stream_match {
	struct stream_sent *v;
	unsigned cap, head, n;
	uint64_t ping_id[STREAM_PINGS];
	int64_t ping_ns[STREAM_PINGS];
	unsigned npings;
	uint64_t next_ping;
};

void	 stream_match_init(struct stream_match *);
void	 stream_match_free(struct stream_match *);
/* Forget what was awaited (the connection ended). */
void	 stream_match_clear(struct stream_match *);
void	 stream_match_sent(struct stream_match *, uint64_t key, int64_t ns);
/*
 * A message came at now.  keyed: matched by key (it has one when
 * has_key), else it answers the oldest.  The round trip of a match in
 * *rtt_ns.
 */
enum stream_reply stream_match_reply(struct stream_match *, bool keyed,
	     bool has_key, uint64_t key, int64_t now, int64_t *rtt_ns);
/* A ping to send now: its id, or false when STREAM_PINGS await. */
bool	 stream_match_ping(struct stream_match *, int64_t now, uint64_t *id);
/* A pong with id came: whether it answers a ping, and how late. */
bool	 stream_match_pong(struct stream_match *, uint64_t id, int64_t now,
	     int64_t *rtt_ns);
/* When the oldest unanswered ping was sent; INT64_MAX none. */
int64_t	 stream_match_ping_since(const struct stream_match *);
/* The key of a field's value text. */
uint64_t stream_match_key(const char *text, size_t len);

#endif
