/* The stable names of classes, timings and phase kinds. */
#include "config.h"

#include <stddef.h>

#include "kinds.h"

static const char *const class_names[CLS__COUNT] = {
	[CLS_OK] = "ok",
	[CLS_RATE_LIMITED] = "rate_limited",
	[CLS_CLIENT_ERROR] = "client_error",
	[CLS_SERVER_ERROR] = "server_error",
	[CLS_UNEXPECTED] = "unexpected",
	[CLS_TIMEOUT] = "timeout",
	[CLS_CONNECT_ERROR] = "connect_error",
	[CLS_TRANSPORT_ERROR] = "transport_error",
	[CLS_CHECK_FAILED] = "check_failed",
	[CLS_CAPTURE_MISSING] = "capture_missing",
};

static const char *const timing_names[TIM__COUNT] = {
	[TIM_DNS] = "dns",
	[TIM_CONNECT] = "connect",
	[TIM_TLS] = "tls",
	[TIM_TTFB] = "ttfb",
	[TIM_TRANSFER] = "transfer",
};

const char *const kinds_phase_names[SCN__KIND_COUNT] = {
	[SCN_BURST] = "burst",
	[SCN_SUSTAINED] = "sustained",
	[SCN_RAMP] = "ramp",
	[SCN_SOAK] = "soak",
	[SCN_LEAK] = "leak",
	[SCN_RATE_LIMIT] = "rate_limit",
	[SCN_IDLE] = "idle",
	[SCN_CONNECTIONS] = "connections",
};

const char *
kinds_class_name(enum lt_class c)
{
	return (unsigned)c < CLS__COUNT ? class_names[c] : "?";
}

const char *
kinds_timing_name(enum lt_timing t)
{
	return (unsigned)t < TIM__COUNT ? timing_names[t] : "?";
}

const char *
kinds_phase_name(enum scn_phase_kind k)
{
	return (unsigned)k < SCN__KIND_COUNT ? kinds_phase_names[k] : "unknown";
}

static const char *const drop_names[DROP__COUNT] = {
	[DROP_REFUSED] = "refused",
	[DROP_HANDSHAKE] = "handshake",
	[DROP_TIMEOUT] = "timeout",
	[DROP_CLOSED] = "closed",
	[DROP_RESET] = "reset",
	[DROP_PROTOCOL] = "protocol",
	[DROP_TOO_BIG] = "too_big",
	[DROP_TLS] = "tls",
};

const char *
kinds_drop_name(enum lt_drop d)
{
	return (unsigned)d < DROP__COUNT ? drop_names[d] : "?";
}
