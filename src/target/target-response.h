/* The answers of loadtop-target: built from their bodies, counted, queued. */
#ifndef LT_TARGET_RESPONSE_H
#define LT_TARGET_RESPONSE_H

#include <stddef.h>

#include <microhttpd.h>

#define TRESPONSE_JSON	"application/json"
#define TRESPONSE_TEXT	"text/plain; charset=utf-8"

struct target_stats_path;

/* The answers every route may need: out of memory. */
void		 target_response_init(void);
void		 target_response_free(void);

/*
 * An answer whose body lives as long as the program (a literal), built
 * once and shared by all threads; aborts when MHD cannot make it.
 */
struct MHD_Response *target_response_fixed(const char *body, const char *type);
/* An answer that owns body (from malloc); NULL, body freed, if out of memory. */
struct MHD_Response *target_response_owned(char *body, size_t len,
		     const char *type);

/* {"status":"WORD"} as JSON, for one request; NULL if out of memory. */
struct MHD_Response *target_response_word(const char *word);

/*
 * Count the answer under stats (unless NULL), then queue it.  A NULL
 * response is answered 503 {"status":"out_of_memory"}.  The _owned form
 * also drops the caller's reference to r, for an answer made for this
 * request alone.
 */
enum MHD_Result	 target_response_send(struct MHD_Connection *,
		     struct target_stats_path *stats, unsigned int status,
		     struct MHD_Response *r);
enum MHD_Result	 target_response_send_owned(struct MHD_Connection *,
		     struct target_stats_path *stats, unsigned int status,
		     struct MHD_Response *r);

#endif
