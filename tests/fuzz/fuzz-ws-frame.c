/*
 * WebSocket frames as loadtop-target reads a client's: any bytes, in
 * reads whose sizes the first byte picks, until an error or the end.
 * Every event must stay inside what the reader was given and allows.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "target-ws-frame.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_MESSAGE 4096

static volatile uint8_t sum;

static void
check_event(const struct target_ws_event *ev)
{
	size_t i;

	switch (ev->kind) {
	case TWS_EVENT_MESSAGE:
		if (ev->len > MAX_MESSAGE || (ev->opcode != TWS_OP_TEXT &&
		    ev->opcode != TWS_OP_BINARY))
			abort();
		break;
	case TWS_EVENT_PING:
	case TWS_EVENT_PONG:
	case TWS_EVENT_CLOSE:
		if (ev->len > TWS_CONTROL_MAX)
			abort();
		break;
	default:
		return;
	}
	/* Read every byte, so that a payload outside its buffer shows. */
	for (i = 0; i < ev->len; i++)
		sum += ev->data[i];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct target_ws_reader r;
	struct target_ws_event ev;
	size_t off = 1, step, piece, used, idle = 0;
	bool failed = false;

	if (size < 1)
		return 0;
	step = data[0] + 1u;
	target_ws_frame_init(&r, MAX_MESSAGE);
	while (off < size && !failed) {
		piece = size - off < step ? size - off : step;
		used = target_ws_frame_read(&r, data + off, piece, &ev);
		idle = used == 0 ? idle + 1 : 0;
		if (used > piece || idle > 1)
			abort();	/* past the read, or no progress */
		check_event(&ev);
		failed = ev.kind == TWS_EVENT_ERROR;
		off += used;
	}
	target_ws_frame_free(&r);
	return 0;
}
