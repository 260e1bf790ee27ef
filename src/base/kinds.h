/*
 * The names loadtop counts and times by, shared by the scenario, the
 * engine and every reader of its snapshots: response classes, the
 * timing breakdown, and the kinds of phase.
 */
#ifndef LT_KINDS_H
#define LT_KINDS_H

/* Every finished transfer lands in exactly one class. */
enum lt_class {
	CLS_OK,				/* an expected status */
	CLS_RATE_LIMITED,		/* 429 or another configured code */
	CLS_CLIENT_ERROR,		/* other 4xx */
	CLS_SERVER_ERROR,		/* 5xx */
	CLS_UNEXPECTED,			/* any other unexpected status */
	CLS_TIMEOUT,
	CLS_CONNECT_ERROR,		/* refused, unreachable, DNS */
	CLS_TRANSPORT_ERROR,		/* reset, bad response, ... */
	CLS_CHECK_FAILED,		/* an expected status, a check failed */
	CLS_CAPTURE_MISSING,		/* not sent: a variable it uses unset */
	CLS__COUNT
};

/* Where a request's time went, from libcurl's timers. */
enum lt_timing {
	TIM_DNS,
	TIM_CONNECT,
	TIM_TLS,
	TIM_TTFB,			/* request sent to first byte */
	TIM_TRANSFER,			/* first byte to last */
	TIM__COUNT
};

enum scn_phase_kind {
	SCN_BURST,
	SCN_SUSTAINED,
	SCN_RAMP,
	SCN_SOAK,
	SCN_LEAK,
	SCN_RATE_LIMIT,
	SCN_IDLE,			/* no load: the target watched alone */
	SCN_CONNECTIONS,		/* long-lived WebSocket or SSE streams */
};
#define SCN__KIND_COUNT (SCN_CONNECTIONS + 1)

/* Why a stream (a WebSocket or SSE connection) ended, if not by us. */
enum lt_drop {
	DROP_REFUSED,			/* connect failed: refused, unreachable */
	DROP_HANDSHAKE,			/* an answer that is not an upgrade (WS)
					 * or not text/event-stream (SSE) */
	DROP_TIMEOUT,			/* connect, handshake or pongs too late;
					 * an SSE stream silent too long */
	DROP_CLOSED,			/* closed by the server: a close frame,
					 * or the end of an SSE stream */
	DROP_RESET,			/* gone without a close frame */
	DROP_PROTOCOL,			/* invalid frames or event stream */
	DROP_TOO_BIG,			/* a message past max_message */
	DROP_TLS,			/* TLS handshake failed, or the
					 * certificate is not trusted */
	DROP__COUNT
};
const char *kinds_drop_name(enum lt_drop);	/* "refused", "too_big" */

/* Latency histograms: microseconds, 1us to 60s at 3 digits. */
#define LT_HDR_LOWEST 1
#define LT_HDR_HIGHEST 60000000
#define LT_HDR_SIGFIGS 3

/* Stable names, as in the reports: "rate_limited", "ttfb", "burst". */
const char *kinds_class_name(enum lt_class);
const char *kinds_timing_name(enum lt_timing);
const char *kinds_phase_name(enum scn_phase_kind);
/* Indexed by kind, for the parser. */
extern const char *const kinds_phase_names[SCN__KIND_COUNT];

#endif
