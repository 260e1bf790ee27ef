/* Timed resumption of suspended connections for /delay and /jitter. */
#ifndef LT_TARGET_DELAY_H
#define LT_TARGET_DELAY_H

#include <stdint.h>

struct MHD_Connection;

/* The longest delay a request may ask for. */
#define TDELAY_MAX_MS	60000

int		 tdelay_start(char **cause);
/*
 * Resume conn, which the caller has just suspended, after ms milliseconds.
 * Once tdelay_stop has run it is resumed at once.
 */
void		 tdelay_add(struct MHD_Connection *conn, int64_t ms);
/* Resume every waiting connection and stop the timer thread. */
void		 tdelay_stop(void);

#endif
