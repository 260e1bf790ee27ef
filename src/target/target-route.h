/* Request routing and the endpoints of loadtop-target. */
#ifndef LT_TARGET_ROUTE_H
#define LT_TARGET_ROUTE_H

#include <stddef.h>

#include <microhttpd.h>

#include "target-limit.h"

/* Largest POST /webhook body read; bigger ones are invalid payloads. */
#define TROUTE_MAX_BODY	(1024 * 1024)

struct troute_config {
	const char	*secret;	/* HMAC key for POST /webhook */
	enum tlimit_mode limit_mode;
	unsigned int	 limit_n;
	int64_t		 limit_window_us;
	int		 webhook_limit;	/* rate-limit POST /webhook too */
};

void		 target_route_init(const struct troute_config *);
void		 target_route_free(void);

/* MHD access handler and completion callback. */
enum MHD_Result	 target_route_handle(void *cls, struct MHD_Connection *conn,
		     const char *url, const char *method, const char *version,
		     const char *upload_data, size_t *upload_data_size,
		     void **con_cls);
void		 target_route_completed(void *cls, struct MHD_Connection *conn,
		     void **con_cls, enum MHD_RequestTerminationCode toe);

#endif
