/*
 * The lowest layer of the scenario parser, which calls nothing above it:
 * positions and diagnostics (scenario-errors.c), the walk over libyaml's
 * document tree driven by one const table of keys per kind of mapping
 * (scenario-walk.c), the handlers of values (scenario-value.c), what
 * requests read of responses (scenario-probe.c, scenario-check.c), and
 * templates with the places their text came from (scenario-source.c).
 * The parts of the format (scenario-int.h) are built on it.
 */
#ifndef LT_SCENARIO_WALK_H
#define LT_SCENARIO_WALK_H

#include <float.h>
#include <stdarg.h>
#include <yaml.h>

#include "scenario.h"
#include "scenario-limits.h"

/* The smallest durations and rates above 0: a key whose min is one of
 * these takes any value more than 0. */
#define SCN_MIN_DURATION_US 1
#define SCN_MIN_RATE DBL_MIN
/* The max of a size that has none of its own. */
#define SCN_SIZE_UNBOUNDED 1e18

struct scn_parser {
	const char *file;
	const char *buf;		/* the source, to place errors in blocks */
	size_t len;
	yaml_document_t *doc;
	struct scn_errors *errs;
	struct scenario *scn;
	yaml_node_t *base_url;		/* value node of target.base_url */
	const char *where;		/* "in request 'x'", for handlers */
	bool no_target;			/* reported once; say no more of it */
	const struct scn_load_opts *opts; /* may be NULL */
};

struct scn_key;
typedef void scn_key_fn(struct scn_parser *, const struct scn_key *,
    yaml_node_t *, void *);

/* One key of a mapping kind.  kinds: bit (1 << scn_phase_kind) of the
 * phase kinds that accept the key; 0 for every kind (and for non-phase
 * mappings). */
struct scn_key {
	const char *name;
	scn_key_fn *fn;			/* NULL: the caller reads it itself */
	size_t off;			/* of the field in the object */
	double min, max;		/* the bounds, in the model's unit, of
					   numbers, durations, rates, percents */
	unsigned kinds;
};

/* The keys of one kind of mapping and where it sits in a scenario
 * ("requests[].websocket"), for listing them.  Each part's list of
 * them ends with a NULL where. */
struct scn_key_table {
	const char *where;
	const struct scn_key *keys;
	size_t n;
};

extern const struct scn_key_table scenario_target_tables[];
extern const struct scn_key_table scenario_request_tables[];
extern const struct scn_key_table scenario_stream_tables[];
extern const struct scn_key_table scenario_check_tables[];
extern const struct scn_key_table scenario_probe_tables[];
extern const struct scn_key_table scenario_flow_tables[];
extern const struct scn_key_table scenario_phase_tables[];
extern const struct scn_key_table scenario_threshold_tables[];
extern const struct scn_key_table scenario_alerts_tables[];

/* The field a key's handler fills. */
#define SCN_FIELD(obj, key, type) ((type *)((char *)(obj) + (key)->off))

/* One mapping after its walk, to ask for the keys it took. */
struct scn_map {
	struct scn_parser *p;
	yaml_node_t *node;
	const struct scn_key *table;
	size_t n;
	int kind;			/* the phase kind, or -1 */
};

/* Template sources: where the text of each compiled template came from. */
struct scn_srcmap_ent {
	const struct tmpl *tmpl;
	size_t from;			/* offset in the template text */
	const char *text;		/* the template text (the model's) */
	int line, col;			/* of offset "from", 1-based */
	bool exact;			/* offsets map one to one to columns */
};

struct scn_srcmap {
	struct scn_srcmap_ent *v;
	size_t n;
};

/* scenario-errors.c: positions and errors. */
void	 scenario_err(struct scn_parser *, const yaml_node_t *, const char *, ...)
	     __attribute__((format(printf, 3, 4)));
void	 scenario_err_in(struct scn_parser *, const yaml_node_t *, size_t,
	     const char *, ...) __attribute__((format(printf, 4, 5)));
void	 scenario_pos_in(struct scn_parser *, const yaml_node_t *, size_t, int *,
	     int *, bool *);
struct scn_pos scenario_pos_of(const yaml_node_t *);

/* scenario-walk.c: nodes. */
yaml_node_t *scenario_node(struct scn_parser *, yaml_node_item_t);
/* The length of key's non-empty list, or 0 after saying what it is not. */
size_t	 scenario_list_len(struct scn_parser *, yaml_node_t *, const char *key);
/* The list's item as a mapping, or NULL after saying that each one
 * (a 'what') must be a mapping. */
yaml_node_t *scenario_list_mapping(struct scn_parser *, yaml_node_item_t,
	     const char *what);
bool	 scenario_is_null(const yaml_node_t *);
const char *scenario_scalar(struct scn_parser *, const yaml_node_t *, const char *,
	     const char *);
const char *scenario_text_of(const yaml_node_t *);
const char *scenario_describe(const yaml_node_t *);
yaml_node_t *scenario_later(yaml_node_t *, yaml_node_t *);
char	*scenario_quote(const char *);

/* scenario-walk.c: mappings. */
int	 scenario_walk(struct scn_parser *, yaml_node_t *, const struct scn_key *,
	     size_t, void *, const char *, int, struct scn_map *);
yaml_node_t *scenario_get(const struct scn_map *, const char *);
yaml_node_t *scenario_getkey(const struct scn_map *, const char *);
yaml_node_t *scenario_peek(struct scn_parser *, yaml_node_t *, const char *);
size_t	 scenario_one_of(struct scn_parser *, const struct scn_map *,
	     const char *const *keys, size_t n, const char *list,
	     const char *what, const char *where);

/* scenario-value.c: value handlers for scn_key.fn. */
scn_key_fn scenario_h_str;
scn_key_fn scenario_h_bool;
scn_key_fn scenario_h_uint;
scn_key_fn scenario_h_u64;
scn_key_fn scenario_h_i64;
scn_key_fn scenario_h_pid;
scn_key_fn scenario_h_duration;
scn_key_fn scenario_h_rate;
scn_key_fn scenario_h_status;
scn_key_fn scenario_h_url;
scn_key_fn scenario_h_size;
/* A duration or a range LOW..HIGH, bounded by k->max. */
void	 scenario_think_time(struct scn_parser *, const struct scn_key *,
	     yaml_node_t *, int64_t *lo, int64_t *hi);

bool	 scenario_is_http_url(const char *);
bool	 scenario_is_ws_url(const char *);	/* ws:// or wss:// */
/* What is wrong with an http(s) or ws(s) URL's authority (a port past
 * 65535, a space), or NULL. */
const char *scenario_url_flaw(const char *);
/* "it holds a space or a control character" when s does, else NULL:
 * neither may stand in a request line. */
const char *scenario_text_flaw(const char *);
bool	 scenario_is_token(const char *);
/* base + path without doubling the slash; *baselen: base's part. */
char	*scenario_join_url(const char *base, const char *path, size_t *baselen);

/* scenario-probe.c: what requests read of responses.  Each parser
 * reports its errors and returns what it could take. */
const char *scenario_json_pointer(struct scn_parser *, yaml_node_t *,
	     size_t from, const char *key);
const char *scenario_pattern(struct scn_parser *, yaml_node_t *,
	     const char *key);
const char *scenario_header_name(struct scn_parser *, yaml_node_t *,
	     const char *key);
int	 scenario_parse_extract(struct scn_parser *, yaml_node_t *,
	     struct scn_extract *, const char *what, const char *where);
void	 scenario_extract_clear(struct scn_extract *);
void	 scenario_parse_captures(struct scn_parser *, yaml_node_t *,
	     struct scn_capture **, size_t *, const char *where);
void	 scenario_captures_free(struct scn_capture *, size_t);

/* scenario-check.c: checks, appended to *checks. */
void	 scenario_parse_checks(struct scn_parser *, yaml_node_t *,
	     struct scn_check **, size_t *, const char *where);
void	 scenario_checks_copy(struct scn_check *dst, const struct scn_check *,
	     size_t);
void	 scenario_checks_free(struct scn_check *, size_t);

/* scenario-source.c: templates and headers. */
int	 scenario_compile(struct scn_parser *, const yaml_node_t *, const char *,
	     struct tmpl **, const char *);
void	 scenario_parse_headers(struct scn_parser *, yaml_node_t *,
	     struct scn_headers *, const char *);
void	 scenario_srcmap_note(struct scn_parser *, const struct tmpl *, size_t,
	     const char *, const yaml_node_t *, size_t node_off);
void	 scenario_srcmap_copy(struct scenario *, const struct tmpl *,
	     const struct tmpl *, const char *);
void	 scenario_srcmap_pos(const struct scenario *, const struct tmpl *, size_t,
	     int *, int *);
void	 scenario_srcmap_free(struct scn_srcmap *);

#endif
