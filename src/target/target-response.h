/* The MHD answers of loadtop-target, built from their bodies. */
#ifndef LT_TARGET_RESPONSE_H
#define LT_TARGET_RESPONSE_H

#include <stddef.h>

#include <microhttpd.h>

#define TRESPONSE_JSON	"application/json"
#define TRESPONSE_TEXT	"text/plain; charset=utf-8"

/*
 * An answer whose body lives as long as the program (a literal), built
 * once and shared by all threads; aborts when MHD cannot make it.
 */
struct MHD_Response *target_response_fixed(const char *body, const char *type);
/* An answer that owns body (from malloc); NULL, body freed, if out of memory. */
struct MHD_Response *target_response_owned(char *body, size_t len,
		     const char *type);

#endif
