/* WebSocket frames (RFC 6455): those the server sends, and a reader of
 * those a client sends. */
#ifndef LT_TARGET_WS_FRAME_H
#define LT_TARGET_WS_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TWS_OP_CONTINUATION	0x0
#define TWS_OP_TEXT		0x1
#define TWS_OP_BINARY		0x2
#define TWS_OP_CLOSE		0x8
#define TWS_OP_PING		0x9
#define TWS_OP_PONG		0xa

#define TWS_CLOSE_NORMAL	1000
#define TWS_CLOSE_GOING_AWAY	1001
#define TWS_CLOSE_PROTOCOL	1002
#define TWS_CLOSE_INVALID_DATA	1007
#define TWS_CLOSE_TOO_BIG	1009

/* A server frame's header: unmasked, so at most 10 bytes. */
#define TWS_HEADER_MAX		10
/* Control frames carry at most this much. */
#define TWS_CONTROL_MAX		125

/*
 * Write the header of a final, unmasked frame of opcode carrying len
 * payload bytes into out (TWS_HEADER_MAX bytes); returns its length.
 */
size_t	 target_ws_frame_header(unsigned char *out, int opcode, uint64_t len);

/* What a client's bytes amounted to, one at a time. */
enum target_ws_event_kind {
	TWS_EVENT_NONE,		/* more bytes are needed */
	TWS_EVENT_MESSAGE,	/* a whole text or binary message */
	TWS_EVENT_PING,
	TWS_EVENT_PONG,
	TWS_EVENT_CLOSE,	/* code is 0 when the frame had none */
	TWS_EVENT_ERROR,	/* code: the close code to answer with */
};

struct target_ws_event {
	enum target_ws_event_kind kind;
	int		 opcode;	/* a message's: text or binary */
	const unsigned char *data;	/* the payload, until the next read */
	size_t		 len;
	unsigned int	 code;		/* close and error */
};

/*
 * The state of the frames coming from one client: the header being read,
 * the payload left of the current frame, the message being assembled
 * across fragments and the control frame interleaved with them.
 */
struct target_ws_reader {
	unsigned char	 head[14];
	size_t		 nhead;
	bool		 in_payload;
	int		 opcode;
	bool		 fin;
	unsigned char	 mask[4];
	uint64_t	 left;		/* payload bytes still to come */
	uint64_t	 seen;		/* payload bytes of this frame so far */
	int		 message;	/* opcode of the message begun; 0 none */
	unsigned char	*msg;
	size_t		 msg_len;
	size_t		 msg_cap;
	unsigned char	 control[TWS_CONTROL_MAX];
	size_t		 control_len;
	uint64_t	 max_message;
	bool		 failed;	/* after an error, reads nothing more */
};

void	 target_ws_frame_init(struct target_ws_reader *, uint64_t max_message);
void	 target_ws_frame_free(struct target_ws_reader *);

/*
 * Consume bytes from buf until one event completes or buf runs out;
 * returns how many were consumed and fills ev (TWS_EVENT_NONE when all
 * were consumed without completing one).  Call again with the rest.
 */
size_t	 target_ws_frame_read(struct target_ws_reader *,
	     const unsigned char *buf, size_t len, struct target_ws_event *ev);

#endif
