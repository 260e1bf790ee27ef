/* The query arguments of loadtop-target's requests. */
#ifndef LT_TARGET_QUERY_H
#define LT_TARGET_QUERY_H

#include <stdint.h>

#include <microhttpd.h>

/*
 * Read query argument name as an unsigned decimal number: def when
 * absent or empty, -1 when malformed; values above max are lowered to max.
 */
int	 target_query_number(struct MHD_Connection *, const char *name,
	     uint64_t def, uint64_t max, uint64_t *out);

#endif
