/*
 * The pass over a scenario file's YAML events before its document is
 * built: what libyaml's loader would take, or choke on, but a scenario
 * may not hold.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"
#include "util.h"

static void
add_offset_error(struct scn_parser *p, size_t offset, const char *problem)
{
	int line = 1, col = 1;
	size_t i;

	for (i = 0; i < offset && i < p->len; i++) {
		if (p->buf[i] == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	scenario_errors_add(p->errs, p->file, line, col, "YAML syntax error: %s",
	    problem);
}

/* libyaml's complaint, at its place, with its context when it has one. */
static void
syntax_error(struct scn_parser *p, const yaml_parser_t *parser)
{
	const yaml_mark_t *at = &parser->problem_mark;
	const char *ctx = parser->context;

	if (parser->error == YAML_READER_ERROR)
		add_offset_error(p, parser->problem_offset, parser->problem);
	else if (ctx == NULL)
		scenario_errors_add(p->errs, p->file, (int)at->line + 1,
		    (int)at->column + 1, "YAML syntax error: %s", parser->problem);
	else if (parser->context_mark.line != at->line)
		scenario_errors_add(p->errs, p->file, (int)at->line + 1,
		    (int)at->column + 1, "YAML syntax error: %s (%s on line %d)",
		    parser->problem, ctx, (int)parser->context_mark.line + 1);
	else
		scenario_errors_add(p->errs, p->file, (int)at->line + 1,
		    (int)at->column + 1, "YAML syntax error: %s (%s)",
		    parser->problem, ctx);
}

static void
alias_error(struct scn_parser *p, const yaml_mark_t *at, const char *anchor,
    int n)
{
	char more[64] = "";

	if (n > 1)
		snprintf(more, sizeof more, " (%d more in the file)", n - 1);
	scenario_errors_add(p->errs, p->file, (int)at->line + 1,
	    (int)at->column + 1, "YAML aliases such as '*%s' are not "
	    "supported%s", anchor, more);
}

/* The depth of mappings and lists after ev. */
static int
depth_after(const yaml_event_t *ev, int depth)
{
	if (ev->type == YAML_MAPPING_START_EVENT ||
	    ev->type == YAML_SEQUENCE_START_EVENT)
		return depth + 1;
	if (ev->type == YAML_MAPPING_END_EVENT ||
	    ev->type == YAML_SEQUENCE_END_EVENT)
		return depth - 1;
	return depth;
}

static void
depth_error(struct scn_parser *p, const yaml_mark_t *at)
{
	const struct scn_limit *l = &scenario_limits_table()[SCN_LIMIT_DEPTH];
	char max[64];

	scenario_errors_add(p->errs, p->file, (int)at->line + 1,
	    (int)at->column + 1, "mappings and lists nest deeper than %s here",
	    scenario_limits_format(l, l->max, max, sizeof max));
}

/* Syntax errors, aliases, nesting too deep, extra documents and escaped
 * NULs (which would cut a value short, unseen), found by
 * a pass over the events before the document is built; it stops at the
 * first level too deep, before the scanner's cost grows with it. */
int
scenario_check_events(struct scn_parser *p)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	yaml_mark_t first = { 0 };
	char *anchor = NULL;
	int docs = 0, rc = 0, done = 0, aliases = 0, depth = 0;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const u_char *)p->buf, p->len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(p, &parser);
			rc = -1;
			break;
		}
		if ((depth = depth_after(&ev, depth)) > SCN_MAX_DEPTH) {
			depth_error(p, &ev.start_mark);
			yaml_event_delete(&ev);
			rc = -1;
			break;
		}
		/* Told once: an alias bomb has thousands. */
		if (ev.type == YAML_ALIAS_EVENT && aliases++ == 0) {
			first = ev.start_mark;
			anchor = xstrdup((const char *)ev.data.alias.anchor);
			rc = -1;
		} else if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs == 2) {
			scenario_errors_add(p->errs, p->file,
			    (int)ev.start_mark.line + 1,
			    (int)ev.start_mark.column + 1,
			    "a scenario file holds one YAML document; found a "
			    "second one here");
			rc = -1;
		} else if (ev.type == YAML_SCALAR_EVENT &&
		    strlen((const char *)ev.data.scalar.value) !=
		    ev.data.scalar.length) {
			scenario_errors_add(p->errs, p->file,
			    (int)ev.start_mark.line + 1,
			    (int)ev.start_mark.column + 1,
			    "this value holds a NUL character (\\0 or \\u0000), "
			    "which no scenario value may hold");
			rc = -1;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (aliases > 0)
		alias_error(p, &first, anchor, aliases);
	free(anchor);
	return rc;
}
