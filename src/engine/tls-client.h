/*
 * TLS for the raw transport, with OpenSSL, over a TCP connection libcurl
 * made: the system's CA store, the host checked, sessions resumed.
 * Nonblocking: each call does what the socket allows now.
 */
#ifndef LT_TLS_CLIENT_H
#define LT_TLS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

/* NULL with *cause set when OpenSSL cannot make one. */
SSL_CTX	*tls_client_ctx_new(bool insecure, char **cause);
/* A client on fd for host; sessions it is given are stored in *session
 * (replacing the one there), which it resumes if set. */
SSL	*tls_client_new(SSL_CTX *, int fd, const char *host,
	     SSL_SESSION **session);

enum tls_client_step {
	TLS_CLIENT_DONE,
	TLS_CLIENT_WANT_READ,
	TLS_CLIENT_WANT_WRITE,
	TLS_CLIENT_CLOSED,		/* the peer closed cleanly */
	TLS_CLIENT_ERROR,
};
/* Handshake; on TLS_CLIENT_ERROR *res says why, as libcurl would. */
enum tls_client_step tls_client_handshake(SSL *, CURLcode *res);
/* Read or write up to n bytes: > 0 done, else *step says why not. */
ssize_t	 tls_client_read(SSL *, char *, size_t n, enum tls_client_step *);
ssize_t	 tls_client_write(SSL *, const char *, size_t n,
	     enum tls_client_step *);

#endif
