/* GET /sse: numbered server-sent events at a steady rate, resumable. */
#ifndef LT_TARGET_SSE_H
#define LT_TARGET_SSE_H

#include <microhttpd.h>

/* The most events a second one stream sends. */
#define TSSE_MAX_RATE	10000

struct target_stats_path;

/* Answer GET /sse?rate=N&count=M. */
enum MHD_Result	 target_sse_answer(struct MHD_Connection *,
		     struct target_stats_path *stats);

/* The server stops: every stream ends at its next turn instead of waiting. */
void		 target_sse_stop(void);

#endif
