/* The threads that serve loadtop-target's upgraded WebSocket
 * connections: one epoll set each, no thread per connection. */
#ifndef LT_TARGET_WS_LOOP_H
#define LT_TARGET_WS_LOOP_H

#include "target-ws-conn.h"

/* Start n threads (at least 1); -1 with *cause on failure. */
int	 target_ws_loop_start(unsigned int n, char **cause);

/*
 * Give a new connection to one of the threads, from any thread.  Once
 * they are stopping it is closed (1001) and freed at once.
 */
void	 target_ws_loop_add(struct target_ws_conn *);

/* Close every connection with 1001 and join the threads. */
void	 target_ws_loop_stop(void);

#endif
