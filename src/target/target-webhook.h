/* Signed webhook verification of loadtop-target (POST /webhook). */
#ifndef LT_TARGET_WEBHOOK_H
#define LT_TARGET_WEBHOOK_H

#include <stddef.h>

#include "target-stats.h"

/* Payloads whose confidence is below this are ignored. */
#define TWEBHOOK_MIN_CONFIDENCE	0.6

/*
 * Judge a webhook delivery: the X-Signature header (NULL when missing)
 * must be "sha256=" and the hex HMAC-SHA256 of body under secret; the
 * body must be a JSON object whose "confidence", when present, is a
 * number.  Never returns TSTATS_WEBHOOK_RATE_LIMITED.
 */
enum target_stats_webhook target_webhook_check(const char *secret, const char *signature,
		    const void *body, size_t len);

/* HTTP status and JSON body for an outcome. */
unsigned int	 target_webhook_http_status(enum target_stats_webhook);
const char	*target_webhook_body(enum target_stats_webhook);

#endif
