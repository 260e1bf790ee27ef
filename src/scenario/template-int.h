/* The template module's own: the compiled form that template.c builds
 * and binds and template-render.c renders. */
#ifndef LT_TEMPLATE_INT_H
#define LT_TEMPLATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "template.h"

enum tmpl_kind {
	TMPL_LITERAL,
	TMPL_SEQ,
	TMPL_UUID,
	TMPL_NOW_MS,
	TMPL_NOW_ISO,
	TMPL_RAND,
	TMPL_ENV,
	TMPL_VAR,
};

struct tmpl_seg {
	enum tmpl_kind	 kind;
	size_t		 off;		/* of its "${" in the text */
	size_t		 lit_off;	/* TMPL_LITERAL: a run of tmpl.lits */
	size_t		 lit_len;
	uint64_t	 lo, hi;	/* TMPL_RAND */
	char		*name;		/* TMPL_ENV, TMPL_VAR */
	char		*value;		/* TMPL_ENV, once bound */
	size_t		 value_len;
	size_t		 var;		/* TMPL_VAR: index; SIZE_MAX unbound */
};

struct tmpl {
	struct tmpl_seg	*segs;
	size_t		 nsegs;
	char		*lits;		/* every literal byte, escapes undone */
	size_t		 lits_len;
	size_t		 fixed_max;	/* bound of all but env values */
	bool		 uses_seq;
	bool		 has_env;
	bool		 has_var;
};

#define TMPL_U64_DIGITS	20	/* 18446744073709551615 */
#define TMPL_I64_CHARS	20	/* -9223372036854775808 */
#define TMPL_UUID_LEN	36
#define TMPL_ISO_LEN	24	/* 2026-11-25T01:19:32.123Z */

#endif
