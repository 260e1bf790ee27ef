/* Timed resumption of suspended connections for /delay and /jitter. */
#ifndef LT_TARGET_DELAY_H
#define LT_TARGET_DELAY_H

#include <stdint.h>

struct MHD_Connection;

/* The longest delay a request may ask for. */
#define TDELAY_MAX_MS	60000

int		 target_delay_start(char **cause);
/*
 * Resume conn, which the caller has just suspended, after ms milliseconds.
 * Once target_delay_stop has run it is resumed at once.
 */
void		 target_delay_add(struct MHD_Connection *conn, int64_t ms);
/* Resume every waiting connection and stop the timer thread. */
void		 target_delay_stop(void);

#endif
