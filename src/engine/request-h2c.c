/* Whether a cleartext origin speaks HTTP/2 with prior knowledge. */
#include "config.h"

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "request-h2c.h"
#include "util.h"

/*
 * A server that speaks HTTP/1.1 only answers prior knowledge with a 400,
 * which libcurl reports as a framing error, on every request.  So before
 * the run, each origin is sent the HTTP/2 connection preface and an empty
 * SETTINGS frame once (no request: an HTTP/2 server logs nothing), and an
 * answer in HTTP/1 stops the run with the reason.  An origin that is down
 * or silent is left to the run.
 */
#define H2C_WAIT_MS 2000
static const char h2c_hello[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    "\0\0\0\4\0\0\0\0\0";

/* The length of url's scheme://host:port; 0 if it has none or it varies. */
static size_t
url_origin_len(const char *url)
{
	const char *sep = strstr(url, "://"), *end;

	if (sep == NULL)
		return 0;
	end = sep + 3 + strcspn(sep + 3, "/?#");
	if (memmem(url, (size_t)(end - url), "${", 2) != NULL)
		return 0;
	return (size_t)(end - url);
}

static bool
h2c_poll(curl_socket_t fd, short events, int64_t deadline_ns)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int64_t ms = (deadline_ns - util_now_ns()) / 1000000;

	return ms > 0 && poll(&pfd, 1, (int)ms) > 0;
}

static bool
h2c_send_hello(CURL *c, curl_socket_t fd, int64_t deadline_ns)
{
	size_t sent = 0, n;
	CURLcode rc;

	while (sent < sizeof h2c_hello - 1) {
		rc = curl_easy_send(c, h2c_hello + sent,
		    sizeof h2c_hello - 1 - sent, &n);
		if (rc == CURLE_OK)
			sent += n;
		else if (rc != CURLE_AGAIN || !h2c_poll(fd, POLLOUT, deadline_ns))
			return false;
	}
	return true;
}

/* Up to an HTTP/1 status line, or a frame header's worth of anything else. */
static size_t
h2c_read_answer(CURL *c, curl_socket_t fd, int64_t deadline_ns, char *buf,
    size_t cap)
{
	size_t got = 0, n;
	CURLcode rc;
	bool http1;

	while (got < cap - 1) {
		rc = curl_easy_recv(c, buf + got, cap - 1 - got, &n);
		if (rc == CURLE_OK && n == 0)
			break;
		if (rc == CURLE_OK) {
			got += n;
			buf[got] = '\0';
			http1 = strncmp(buf, "HTTP/", LT_MIN(got, 5)) == 0;
			if (http1 ? strchr(buf, '\n') != NULL : got >= 9)
				break;
		} else if (rc != CURLE_AGAIN || !h2c_poll(fd, POLLIN, deadline_ns))
			break;
	}
	buf[got] = '\0';
	return got;
}

/* What the server at origin says to the HTTP/2 preface, into buf. */
static size_t
h2c_answer(const char *origin, long connect_timeout_ms, char *buf, size_t cap)
{
	CURL *c = curl_easy_init();
	curl_socket_t fd;
	int64_t deadline;
	size_t n = 0;

	buf[0] = '\0';
	if (c == NULL)
		return 0;
	curl_easy_setopt(c, CURLOPT_URL, origin);
	curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	if (curl_easy_perform(c) == CURLE_OK &&
	    curl_easy_getinfo(c, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK &&
	    fd != CURL_SOCKET_BAD) {
		deadline = util_now_ns() + H2C_WAIT_MS * 1000000LL;
		if (h2c_send_hello(c, fd, deadline))
			n = h2c_read_answer(c, fd, deadline, buf, cap);
	}
	curl_easy_cleanup(c);
	return n;
}

int
request_h2c_check(const struct preq *p, const struct scenario *scn, size_t index,
    char **cause)
{
	const char *url = scn->requests[index].url;
	size_t len = url_origin_len(url), i;
	char *origin, answer[128];

	if (p->http_version != CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE || len == 0)
		return 0;
	for (i = 0; i < index; i++)
		if (url_origin_len(scn->requests[i].url) == len &&
		    strncmp(scn->requests[i].url, url, len) == 0)
			return 0;
	origin = xstrndup(url, len);
	h2c_answer(origin, p->connect_timeout_ms, answer, sizeof answer);
	if (strncmp(answer, "HTTP/", 5) == 0) {
		answer[strcspn(answer, "\r\n")] = '\0';
		xasprintf(cause, "%s does not speak HTTP/2 in the clear: it "
		    "answered HTTP/2's preface with \"%s\"; set http_version: "
		    "1.1 (or leave out --http2), or use https:// to negotiate "
		    "HTTP/2 over TLS", origin, answer);
		free(origin);
		return -1;
	}
	free(origin);
	return 0;
}
