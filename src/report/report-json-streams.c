/* report.json's streams: a stream request's connections, its failures by
 * cause, its messages or events and its latencies, one object each. */
#include "config.h"

#include <jansson.h>

#include "report-int.h"
#include "report-json-int.h"
#include "util.h"

/* [{code, count}], largest first as the snapshot has them. */
static json_t *
codes_json(const struct snap_status *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:i,s:o}", "code",
		    v[i].code, "count", jint(v[i].count)));
	return a;
}

/* Every cause, those that never happened at 0. */
static json_t *
drops_json(const struct snap_stream *st)
{
	json_t *o = json_object();
	size_t k;

	for (k = 0; k < DROP__COUNT; k++)
		json_object_set_new(o, kinds_drop_name(k), jint(st->drops[k]));
	return o;
}

/* connect_ms, rtt_ms, ...: every latency, those not measured empty. */
static void
latencies_json(json_t *o, const struct snap_stream *st)
{
	char key[32];
	int k;

	for (k = THR_STREAM_CONNECT; k <= THR_STREAM_SESSION; k++) {
		snprintf(key, sizeof key, "%s_ms", threshold_stream_name(k));
		json_object_set_new(o, key, report_json_lat(
		    verdict_stream_lat(st, k)));
	}
}

static json_t *
stream_json(const struct snapshot *s, const struct snap_stream *st)
{
	double pct, held = verdict_stream_held(s, st->request);
	bool ended = verdict_stream_success(st, &pct);
	json_t *o;

	o = json_pack("{s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
	    "name", jstr(st->name), "kind", st->sse ? "sse" : "websocket",
	    "open", jint(st->open), "connecting", jint(st->connecting),
	    "attempts", jint(st->attempts), "opened", jint(st->opened),
	    "closed", jint(st->closed),
	    "connect_success", ended ? jreal(pct) : json_null(),
	    "connect_errors", jint(verdict_stream_drops(st)),
	    "drops", drops_json(st), "reconnects", jint(st->reconnects));
	if (st->sse)
		json_object_set_new(o, "resumed", jint(st->resumed));
	json_object_set_new(o, "handshake_statuses", codes_json(
	    st->handshake_status, st->nhandshake_status));
	json_object_set_new(o, "close_codes", codes_json(st->close_codes,
	    st->nclose_codes));
	json_object_set_new(o, "messages", json_pack("{s:o,s:o,s:o,s:o,s:o}",
	    "sent", jint(st->sent), "received", jint(st->received),
	    "matched", jint(st->matched), "unmatched", jint(st->unmatched),
	    "pushed", jint(st->pushed)));
	json_object_set_new(o, "pings", jint(st->pings));
	json_object_set_new(o, "pongs", jint(st->pongs));
	json_object_set_new(o, "events", jint(st->events));
	json_object_set_new(o, "bytes_in", jint(st->bytes_in));
	json_object_set_new(o, "bytes_out", jint(st->bytes_out));
	latencies_json(o, st);
	json_object_set_new(o, "rates", json_pack("{s:o,s:o,s:o}", "sent",
	    jreal(st->sent_rate), "received", jreal(st->received_rate),
	    "events", jreal(st->events_rate)));
	json_object_set_new(o, "held_s", jreal(held));
	json_object_set_new(o, "events_rate", held > 0 ?
	    jreal((double)st->events / held) : json_null());
	return o;
}

json_t *
report_json_streams(const struct snapshot *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->nstreams; i++)
		json_array_append_new(a, stream_json(s, &s->streams[i]));
	return a;
}
