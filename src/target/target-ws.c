#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <openssl/evp.h>

#include "target-query.h"
#include "target-response.h"
#include "target-ws.h"
#include "target-ws-conn.h"
#include "target-ws-loop.h"

/* The key a client sends: 16 random bytes in base64. */
#define KEY_LEN		24
#define KEY_GUID	"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

static uint64_t	 default_drop_after;
/* The upgrade response's closure says which endpoint it is. */
static enum target_ws_kind kinds[] = { TWS_ECHO, TWS_FEED };

int
target_ws_start(unsigned int threads, uint64_t drop_after, char **cause)
{
	default_drop_after = drop_after;
	return target_ws_loop_start(threads, cause);
}

void
target_ws_stop(void)
{
	target_ws_loop_stop();
}

static const char *
header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* Whether a comma-separated header value holds token, in any case. */
static bool
has_token(const char *value, const char *token)
{
	size_t n = strlen(token), len;

	if (value == NULL)
		return false;
	while (*value != '\0') {
		value += strspn(value, " \t,");
		len = strcspn(value, " \t,");
		if (len == n && strncasecmp(value, token, n) == 0)
			return true;
		value += len;
	}
	return false;
}

static bool
key_valid(const char *key)
{
	unsigned char raw[KEY_LEN / 4 * 3];

	if (key == NULL || strlen(key) != KEY_LEN || key[22] != '=' ||
	    key[23] != '=')
		return false;
	return EVP_DecodeBlock(raw, (const unsigned char *)key, KEY_LEN) ==
	    (int)sizeof raw;
}

/* Sec-WebSocket-Accept: base64 of the SHA-1 of the key and the GUID. */
static void
accept_value(const char *key, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char joined[KEY_LEN + sizeof KEY_GUID];
	unsigned int mdlen = 0;

	snprintf(joined, sizeof joined, "%s%s", key, KEY_GUID);
	EVP_Digest(joined, strlen(joined), md, &mdlen, EVP_sha1(), NULL);
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
}

static int
read_params(struct MHD_Connection *conn, enum target_ws_kind kind,
    struct target_ws_params *p)
{
	memset(p, 0, sizeof *p);
	p->kind = kind;
	if (target_query_number(conn, "drop_after", default_drop_after,
	    UINT64_MAX, &p->drop_after) != 0)
		return -1;
	if (kind == TWS_FEED && (target_query_number(conn, "rate", 1,
	    TWS_MAX_RATE, &p->rate) != 0 || p->rate == 0))
		return -1;
	return 0;
}

/* The socket is ours once the 101 is sent: hand it to a loop. */
static void
upgraded(void *cls, struct MHD_Connection *conn, void *con_cls,
    const char *extra, size_t extra_len, MHD_socket sock,
    struct MHD_UpgradeResponseHandle *urh)
{
	struct target_ws_params p;
	int one = 1, flags;

	/* Checked before the 101 went out, so it cannot fail now. */
	read_params(conn, *(enum target_ws_kind *)cls, &p);
	MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CORK_OFF);
	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((flags = fcntl(sock, F_GETFL)) >= 0)
		fcntl(sock, F_SETFL, flags | O_NONBLOCK);
	target_ws_loop_add(target_ws_conn_new(sock, urh, &p, extra,
	    extra_len));
}

static enum MHD_Result
refuse(struct MHD_Connection *conn, struct target_stats_path *stats,
    unsigned int status, const char *word)
{
	struct MHD_Response *r;

	r = target_response_word(word);
	if (r != NULL && status == MHD_HTTP_UPGRADE_REQUIRED) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_UPGRADE, "websocket");
		MHD_add_response_header(r, "Sec-WebSocket-Version", "13");
	}
	return target_response_send_owned(conn, stats, status, r);
}

enum MHD_Result
target_ws_answer(struct MHD_Connection *conn, struct target_stats_path *stats,
    enum target_ws_kind kind)
{
	struct target_ws_params p;
	struct MHD_Response *r;
	const char *key, *version;
	char accept[64];

	if (!has_token(header(conn, MHD_HTTP_HEADER_UPGRADE), "websocket") ||
	    !has_token(header(conn, MHD_HTTP_HEADER_CONNECTION), "upgrade"))
		return refuse(conn, stats, MHD_HTTP_UPGRADE_REQUIRED,
		    "upgrade_required");
	version = header(conn, "Sec-WebSocket-Version");
	if (version == NULL || strcmp(version, "13") != 0)
		return refuse(conn, stats, MHD_HTTP_UPGRADE_REQUIRED,
		    "unsupported_version");
	key = header(conn, "Sec-WebSocket-Key");
	if (!key_valid(key) || read_params(conn, kind, &p) != 0)
		return refuse(conn, stats, MHD_HTTP_BAD_REQUEST, "bad_request");
	accept_value(key, accept);
	r = MHD_create_response_for_upgrade(upgraded, &kinds[kind]);
	if (r != NULL) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_UPGRADE, "websocket");
		MHD_add_response_header(r, "Sec-WebSocket-Accept", accept);
	}
	return target_response_send_owned(conn, stats,
	    MHD_HTTP_SWITCHING_PROTOCOLS, r);
}
