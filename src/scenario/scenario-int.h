/*
 * The parts of the scenario format, which the top level (scenario.c)
 * calls in order.  Each part is built on the walker (scenario-walk.h)
 * alone; no part calls another, and what one needs of another (the
 * target's base_url, the defaults, the names of requests and phases)
 * it reads from the model.  The limits are checked on the model once
 * every part is read.
 */
#ifndef LT_SCENARIO_INT_H
#define LT_SCENARIO_INT_H

#include "scenario-walk.h"

/* scenario-events.c: syntax errors, aliases, nesting too deep and a
 * second document, in errs; 0 when there is none. */
int	 scenario_check_events(struct scn_parser *);
/* scenario-target.c */
void	 scenario_parse_target(struct scn_parser *, yaml_node_t *);
void	 scenario_parse_defaults(struct scn_parser *, yaml_node_t *);
/* scenario-request.c */
void	 scenario_parse_requests(struct scn_parser *, yaml_node_t *);
/* scenario-stream.c, for scenario-request.c: the handlers of websocket:
 * and sse:, and what a request's keys say of its stream once walked. */
scn_key_fn scenario_h_websocket;
scn_key_fn scenario_h_sse;
void	 scenario_stream_check(struct scn_parser *, const struct scn_map *,
	     struct scn_request *);
void	 scenario_stream_free(struct scn_request *);
/* scenario-link.c: once every request is read, the variables, groups
 * and checks' numbering; ${var:} bound. */
void	 scenario_link_requests(struct scn_parser *);
/* scenario-flow.c (after the requests are linked) */
void	 scenario_parse_flows(struct scn_parser *, yaml_node_t *);
/* scenario-phase.c */
void	 scenario_parse_phases(struct scn_parser *, yaml_node_t *);
/* scenario-use.c, for scenario-phase.c: what a phase of this kind (-1:
 * none known) sends, from its 'use' (NULL: not given; errors at at). */
void	 scenario_use_resolve(struct scn_parser *, struct scn_phase *, int kind,
	     yaml_node_t *use, yaml_node_t *at);
/* scenario-threshold.c */
void	 scenario_parse_thresholds(struct scn_parser *, yaml_node_t *);
void	 scenario_parse_grades(struct scn_parser *, yaml_node_t *);
/* scenario-scope.c, for scenario-threshold.c: a threshold's (or a
 * grade's) scope resolved against the scenario: 0, or -1 with *why and
 * *off, where in t->expr the problem is.  A class is resolved by the
 * parser. */
int	 scenario_scope_resolve(struct scenario *, struct threshold *,
	     size_t *off, char **why);
/* scenario-alerts.c */
void	 scenario_parse_alerts(struct scn_parser *, yaml_node_t *);

/* scenario-limits.c: an error for each limit the model goes over. */
void	 scenario_limits_errors(const struct scenario *, struct scn_errors *);

#endif
