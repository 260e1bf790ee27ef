#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <microhttpd.h>

#include "target-query.h"

int
target_query_number(struct MHD_Connection *conn, const char *name,
    uint64_t def, uint64_t max, uint64_t *out)
{
	const char *s;
	char *end;
	unsigned long long v;

	s = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
	if (s == NULL || *s == '\0') {
		*out = def;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		return -1;
	if (errno == ERANGE || v > max)
		v = max;
	*out = v;
	return 0;
}
