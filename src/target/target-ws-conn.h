/* One upgraded WebSocket connection of loadtop-target: what it reads,
 * what it answers and pushes, and how it ends. */
#ifndef LT_TARGET_WS_CONN_H
#define LT_TARGET_WS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

/* The longest message a client may send: past it, close with 1009. */
#define TWS_MAX_MESSAGE		(16 * 1024 * 1024)

enum target_ws_kind {
	TWS_ECHO,		/* every message back */
	TWS_FEED,		/* rate messages a second, pushed */
};

struct target_ws_params {
	enum target_ws_kind kind;
	uint64_t	 rate;		/* TWS_FEED: messages a second */
	uint64_t	 drop_after;	/* go without a close frame after
					 * sending this many; 0 never */
};

/* What a connection asks of its loop after each call. */
struct target_ws_want {
	bool		 readable;	/* watch for input */
	bool		 writable;	/* watch for room to write */
	int64_t		 due_us;	/* call target_ws_conn_timer then; 0 never */
	bool		 done;		/* take fd out and free it */
};

struct target_ws_conn;

/*
 * A connection on the upgraded socket fd (non-blocking), which urh
 * closes; extra holds what the client sent past its handshake.  Counted
 * as opened.
 */
struct target_ws_conn *target_ws_conn_new(int fd,
		     struct MHD_UpgradeResponseHandle *urh,
		     const struct target_ws_params *, const char *extra,
		     size_t len);
int		 target_ws_conn_fd(const struct target_ws_conn *);

/* Its first call, on the loop's thread: extra read, the feed begun. */
struct target_ws_want target_ws_conn_start(struct target_ws_conn *,
		     int64_t now_us);
/* The socket is readable; scratch is the loop's buffer to read into. */
struct target_ws_want target_ws_conn_input(struct target_ws_conn *,
		     unsigned char *scratch, size_t size, int64_t now_us);
/* The socket has room to write. */
struct target_ws_want target_ws_conn_output(struct target_ws_conn *,
		     int64_t now_us);
/* Its due time came. */
struct target_ws_want target_ws_conn_timer(struct target_ws_conn *,
		     int64_t now_us);

/* The server stops: a close frame with 1001, sent if the socket takes it. */
void		 target_ws_conn_shutdown(struct target_ws_conn *);
/* Count how it ended, close its socket and free it. */
void		 target_ws_conn_free(struct target_ws_conn *);

#endif
