/* Per-client-address rate limiter of loadtop-target. */
#ifndef LT_TARGET_LIMIT_H
#define LT_TARGET_LIMIT_H

#include <sys/socket.h>
#include <stdint.h>

enum tlimit_mode {
	TLIMIT_WINDOW,		/* fixed window starting at the first request */
	TLIMIT_BUCKET,		/* token bucket: capacity N, N per window */
};

#define TLIMIT_MAX_N		1000000
#define TLIMIT_MAX_WINDOW_US	(86400LL * 1000000)

struct tlimit;

/* Parse "N/WINDOW" (10/1s, 100/60s, 100/1m, 5/500ms, 3/s). */
int		 target_limit_parse(const char *spec, unsigned int *n, int64_t *window_us,
		     char **cause);
int		 target_limit_parse_mode(const char *name, enum tlimit_mode *mode);
const char	*target_limit_mode_name(enum tlimit_mode);

struct tlimit	*target_limit_create(enum tlimit_mode, unsigned int n,
		     int64_t window_us);
void		 target_limit_free(struct tlimit *);

/*
 * Take one request for the client at sa at time now_us.  Returns 1 if it is
 * allowed; otherwise 0 and *retry_after_s is the whole number of seconds
 * (at least 1) until the client may try again.
 */
int		 target_limit_take(struct tlimit *, const struct sockaddr *sa,
		     int64_t now_us, unsigned int *retry_after_s);

#endif
