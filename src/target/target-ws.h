/* GET /ws/echo and /ws/feed: the WebSocket handshake of loadtop-target,
 * on libmicrohttpd's upgrade; the connections are then the loops'. */
#ifndef LT_TARGET_WS_H
#define LT_TARGET_WS_H

#include <stdint.h>

#include <microhttpd.h>

#include "target-ws-conn.h"

/* The most messages a second /ws/feed pushes on one connection. */
#define TWS_MAX_RATE	10000

struct target_stats_path;

/*
 * Start threads threads for the upgraded connections; drop_after is
 * their default drop_after (0: never).  -1 with *cause on failure.
 */
int		 target_ws_start(unsigned int threads, uint64_t drop_after,
		     char **cause);
/* Close every connection with 1001; later upgrades are closed at once. */
void		 target_ws_stop(void);

/* Answer a request to a WebSocket endpoint: 101, or why not. */
enum MHD_Result	 target_ws_answer(struct MHD_Connection *,
		     struct target_stats_path *stats, enum target_ws_kind);

#endif
