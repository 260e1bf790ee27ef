/*
 * HTTP/2 in the clear is spoken with prior knowledge, which a server that
 * speaks HTTP/1.1 only cannot take: find that out once, before the run.
 */
#ifndef LT_REQUEST_H2C_H
#define LT_REQUEST_H2C_H

#include <stddef.h>

#include "request.h"
#include "scenario.h"

/*
 * When p goes with prior knowledge and is the first request of its origin,
 * send the origin the HTTP/2 preface; -1 with *cause set if it answers in
 * HTTP/1.  0 otherwise, and when it cannot be reached: the run finds that.
 */
int	 request_h2c_check(const struct preq *p, const struct scenario *scn,
	     size_t index, char **cause);

#endif
