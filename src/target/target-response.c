#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "target-response.h"
#include "target-stats.h"
#include "util.h"

static struct MHD_Response *no_memory;

void
target_response_init(void)
{
	no_memory = target_response_fixed("{\"status\":\"out_of_memory\"}",
	    TRESPONSE_JSON);
}

void
target_response_free(void)
{
	MHD_destroy_response(no_memory);
	no_memory = NULL;
}

struct MHD_Response *
target_response_fixed(const char *body, const char *type)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		fprintf(stderr, "loadtop-target: cannot create a response\n");
		abort();
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return r;
}

struct MHD_Response *
target_response_owned(char *body, size_t len, const char *type)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return r;
}

struct MHD_Response *
target_response_word(const char *word)
{
	char *body;
	int len;

	len = xasprintf(&body, "{\"status\":\"%s\"}", word);
	return target_response_owned(body, (size_t)len, TRESPONSE_JSON);
}

enum MHD_Result
target_response_send(struct MHD_Connection *conn,
    struct target_stats_path *stats, unsigned int status,
    struct MHD_Response *r)
{
	if (r == NULL) {
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
		r = no_memory;
	}
	if (stats != NULL)
		target_stats_count(stats, status);
	return MHD_queue_response(conn, status, r);
}

enum MHD_Result
target_response_send_owned(struct MHD_Connection *conn,
    struct target_stats_path *stats, unsigned int status,
    struct MHD_Response *r)
{
	enum MHD_Result ret;

	ret = target_response_send(conn, stats, status, r);
	if (r != NULL)
		MHD_destroy_response(r);
	return ret;
}
