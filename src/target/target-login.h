/* POST /login and GET /me: a bearer token flow to load. */
#ifndef LT_TARGET_LOGIN_H
#define LT_TARGET_LOGIN_H

#include <stddef.h>

#include <microhttpd.h>

struct target_stats_path;

struct tlogin_config {
	size_t		 tokens;	/* how many the server remembers */
	unsigned int	 fail_every;	/* every Nth good login fails; 0: none */
};

int		 target_login_init(const struct tlogin_config *, char **cause);
void		 target_login_free(void);

/*
 * POST /login with its body (too_large: it was cut short): 200 and a new
 * token, 400 for a body that is not {"user": "NAME", ...}, 503 when
 * failing on purpose.  Counted under stats like any answer.
 */
enum MHD_Result	 target_login_post(struct MHD_Connection *,
		     struct target_stats_path *stats, const char *body,
		     size_t len, int too_large);
/* GET /me: 200 and the user of the bearer token, or 401. */
enum MHD_Result	 target_login_me(struct MHD_Connection *,
		     struct target_stats_path *stats);

#endif
