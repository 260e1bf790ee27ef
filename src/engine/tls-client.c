/* TLS for the raw transport. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "tls-client.h"
#include "util.h"

static int
keep_session(SSL *ssl, SSL_SESSION *sess)
{
	SSL_SESSION **dst = SSL_get_app_data(ssl);

	if (dst == NULL)
		return 0;
	if (*dst != NULL)
		SSL_SESSION_free(*dst);
	*dst = sess;
	return 1;		/* the reference is ours now */
}

SSL_CTX *
tls_client_ctx_new(bool insecure, char **cause)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	static const unsigned char alpn[] = "\x08http/1.1";

	if (ctx == NULL) {
		xasprintf(cause, "OpenSSL cannot make a TLS client: %s",
		    ERR_reason_error_string(ERR_get_error()));
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* A body that ends with the connection may end without a TLS
	 * close_notify, as libcurl lets it. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_default_verify_paths(ctx);
	SSL_CTX_set_verify(ctx, insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
	    NULL);
	SSL_CTX_set_alpn_protos(ctx, alpn, sizeof alpn - 1);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(ctx, keep_session);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	return ctx;
}

static bool
is_address(const char *host)
{
	ASN1_OCTET_STRING *ip = a2i_IPADDRESS(host);

	ASN1_OCTET_STRING_free(ip);
	return ip != NULL;
}

SSL *
tls_client_new(SSL_CTX *ctx, int fd, const char *host, SSL_SESSION **session)
{
	SSL *ssl = SSL_new(ctx);
	X509_VERIFY_PARAM *vp;

	if (ssl == NULL)
		return NULL;
	SSL_set_fd(ssl, fd);
	SSL_set_app_data(ssl, session);
	vp = SSL_get0_param(ssl);
	if (is_address(host))
		X509_VERIFY_PARAM_set1_ip_asc(vp, host);
	else {
		SSL_set_tlsext_host_name(ssl, host);
		X509_VERIFY_PARAM_set1_host(vp, host, 0);
	}
	if (*session != NULL)
		SSL_set_session(ssl, *session);
	SSL_set_connect_state(ssl);
	return ssl;
}

static enum tls_client_step
step_of(SSL *ssl, int rc)
{
	switch (SSL_get_error(ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		return TLS_CLIENT_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_CLIENT_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_CLIENT_CLOSED;
	default:
		ERR_clear_error();
		return TLS_CLIENT_ERROR;
	}
}

enum tls_client_step
tls_client_handshake(SSL *ssl, CURLcode *res)
{
	int rc = SSL_do_handshake(ssl);
	enum tls_client_step step;

	if (rc == 1)
		return TLS_CLIENT_DONE;
	step = step_of(ssl, rc);
	if (step == TLS_CLIENT_CLOSED)
		step = TLS_CLIENT_ERROR;
	if (step == TLS_CLIENT_ERROR)
		*res = SSL_get_verify_result(ssl) != X509_V_OK ?
		    CURLE_PEER_FAILED_VERIFICATION : CURLE_SSL_CONNECT_ERROR;
	return step;
}

ssize_t
tls_client_read(SSL *ssl, char *buf, size_t n, enum tls_client_step *step)
{
	size_t got = 0;
	int rc = SSL_read_ex(ssl, buf, n, &got);

	if (rc == 1)
		return (ssize_t)got;
	*step = step_of(ssl, rc);
	return -1;
}

ssize_t
tls_client_write(SSL *ssl, const char *buf, size_t n,
    enum tls_client_step *step)
{
	size_t put = 0;
	int rc = SSL_write_ex(ssl, buf, n, &put);

	if (rc == 1)
		return (ssize_t)put;
	*step = step_of(ssl, rc);
	return -1;
}
