#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <microhttpd.h>

#include "target-login.h"
#include "target-response.h"
#include "target-stats.h"
#include "target-token.h"
#include "util.h"

#define STRING(x)	#x
#define DIGITS(x)	STRING(x)

#define BEARER		"Bearer"

/* What is wrong with a login's body, if anything. */
enum body_check {
	BODY_OK,
	BODY_TOO_LARGE,
	BODY_NOT_OBJECT,
	BODY_NO_USER,
	BODY_USER_LENGTH,
	BODY_NCHECKS
};

static const char *const bad_bodies[BODY_NCHECKS] = {
	[BODY_TOO_LARGE] = "{\"error\":\"the body is too large\"}",
	[BODY_NOT_OBJECT] = "{\"error\":\"the body is not a JSON object\"}",
	[BODY_NO_USER] = "{\"error\":\"user is missing or not a string\"}",
	[BODY_USER_LENGTH] = "{\"error\":\"user must be 1 to "
	    DIGITS(TTOKEN_MAX_USER) " bytes\"}",
};

static struct ttoken	*tokens;
static unsigned int	 fail_every;
static atomic_uint_fast64_t good_logins;	/* for fail_every */

static struct MHD_Response *r_bad[BODY_NCHECKS], *r_unavailable,
			*r_unauthorized;

int
target_login_init(const struct tlogin_config *cfg, char **cause)
{
	size_t i;

	if ((tokens = target_token_create(cfg->tokens, cause)) == NULL)
		return -1;
	fail_every = cfg->fail_every;
	for (i = 0; i < BODY_NCHECKS; i++) {
		if (bad_bodies[i] != NULL)
			r_bad[i] = target_response_fixed(bad_bodies[i],
			    TRESPONSE_JSON);
	}
	r_unavailable = target_response_fixed(
	    "{\"error\":\"login is failing on purpose\"}", TRESPONSE_JSON);
	r_unauthorized = target_response_fixed("{\"error\":\"unauthorized\"}",
	    TRESPONSE_JSON);
	MHD_add_response_header(r_unauthorized,
	    MHD_HTTP_HEADER_WWW_AUTHENTICATE, BEARER);
	return 0;
}

void
target_login_free(void)
{
	size_t i;

	for (i = 0; i < BODY_NCHECKS; i++) {
		if (r_bad[i] != NULL)
			MHD_destroy_response(r_bad[i]);
		r_bad[i] = NULL;
	}
	MHD_destroy_response(r_unavailable);
	MHD_destroy_response(r_unauthorized);
	r_unavailable = r_unauthorized = NULL;
	target_token_free(tokens);
	tokens = NULL;
}

/* The "user" of a login's body, other members ignored. */
static enum body_check
read_user(const char *body, size_t len, char user[TTOKEN_MAX_USER + 1])
{
	json_t *root, *name;
	json_error_t error;
	enum body_check check = BODY_OK;
	size_t n;

	root = json_loadb(body != NULL ? body : "", len, 0, &error);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return BODY_NOT_OBJECT;
	}
	name = json_object_get(root, "user");
	if (!json_is_string(name))
		check = BODY_NO_USER;
	else if ((n = json_string_length(name)) == 0 || n > TTOKEN_MAX_USER)
		check = BODY_USER_LENGTH;
	else {
		memcpy(user, json_string_value(name), n);
		user[n] = '\0';
	}
	json_decref(root);
	return check;
}

enum MHD_Result
target_login_post(struct MHD_Connection *conn, struct target_stats_path *stats,
    const char *body, size_t len, int too_large)
{
	char user[TTOKEN_MAX_USER + 1], token[TTOKEN_LEN + 1], *out;
	enum body_check check;
	uint64_t n;
	int outlen;

	check = too_large ? BODY_TOO_LARGE : read_user(body, len, user);
	if (check != BODY_OK) {
		target_stats_login(TSTATS_LOGIN_BAD_REQUEST);
		return target_response_send(conn, stats, MHD_HTTP_BAD_REQUEST,
		    r_bad[check]);
	}
	n = atomic_fetch_add_explicit(&good_logins, 1,
	    memory_order_relaxed) + 1;
	if (fail_every != 0 && n % fail_every == 0) {
		target_stats_login(TSTATS_LOGIN_INJECTED);
		return target_response_send(conn, stats,
		    MHD_HTTP_SERVICE_UNAVAILABLE, r_unavailable);
	}
	if (target_token_issue(tokens, user, token) != 0)
		target_stats_token_forgotten();
	target_stats_login(TSTATS_LOGIN_OK);
	outlen = xasprintf(&out, "{\"token\":\"%s\"}", token);
	return target_response_send_owned(conn, stats, MHD_HTTP_OK,
	    target_response_owned(out, (size_t)outlen, TRESPONSE_JSON));
}

/* The token of an "Authorization: Bearer TOKEN" header; NULL if none. */
static const char *
bearer_token(const char *authorization)
{
	size_t len = strlen(BEARER);

	/* Auth schemes are case-insensitive (RFC 9110, 11.1). */
	if (authorization == NULL ||
	    strncasecmp(authorization, BEARER, len) != 0 ||
	    (authorization[len] != ' ' && authorization[len] != '\t'))
		return NULL;
	return authorization + len + strspn(authorization + len, " \t");
}

enum MHD_Result
target_login_me(struct MHD_Connection *conn, struct target_stats_path *stats)
{
	char user[TTOKEN_MAX_USER + 1], *out;
	const char *token;
	json_t *answer;

	token = bearer_token(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION));
	if (token == NULL || !target_token_find(tokens, token, user)) {
		target_stats_me(TSTATS_ME_UNAUTHORIZED);
		return target_response_send(conn, stats,
		    MHD_HTTP_UNAUTHORIZED, r_unauthorized);
	}
	target_stats_me(TSTATS_ME_OK);
	answer = json_pack("{s:s}", "user", user);
	out = answer != NULL ? json_dumps(answer, JSON_COMPACT) : NULL;
	json_decref(answer);
	return target_response_send_owned(conn, stats, MHD_HTTP_OK,
	    out != NULL ? target_response_owned(out, strlen(out),
	    TRESPONSE_JSON) : NULL);
}
