#!/bin/sh
# The manual pages cover the program: every option of every command's
# --help is in loadtop(1); every key of the scenario parser's tables
# (loadtop --list-keys) is in loadtop-scenario(5); every field of the
# report.json of real runs against loadtop-target (one with every phase
# kind, checks, outcomes, captures, a flow, groups, thresholds, grades,
# alerts, health, metrics and a watched process; one of WebSocket and
# SSE streams when libcurl speaks WebSocket; loadtop monitor without
# load) is in loadtop-report(5).  A failure names what is missing.
. "$top_srcdir/tests/lib.sh"

TERMS="python3 $top_srcdir/tests/doc-terms.py"
MAN="$top_srcdir/man"

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 is not installed"
	exit 0
fi

# covered WHAT PAGE NAMES: every one of NAMES (a file) is in PAGE.
covered() {
	missing=$($TERMS missing "$2" <"$3" | tr '\n' ' ')
	is "$missing" "" "$1 are all in $(basename "$2") (missing ones listed)"
}

# --- options ---------------------------------------------------------------
help_opts() {
	"$LOADTOP" "$@" --help |
		sed -n 's/^  \(-[A-Za-z], \|    \)\(--[a-z0-9-]*\).*/\2/p'
}
{
	help_opts
	for c in $("$LOADTOP" --list-commands); do
		help_opts "$c"
	done
} | sort -u >"$T_TMP/flags"
like "$(wc -l <"$T_TMP/flags")" "^ *[1-9][0-9]+$" "the commands' --help list options"
covered "the options of every command's --help" "$MAN/loadtop.1" "$T_TMP/flags"

# --- scenario keys --------------------------------------------------------
"$LOADTOP" --list-keys >"$T_TMP/keys.full"
is "$?" 0 "loadtop --list-keys"
like "$(cat "$T_TMP/keys.full")" '^requests\[\]\.websocket\.max_message$' \
    "--list-keys names the keys where they go"
sed 's/.*\.//' "$T_TMP/keys.full" | sort -u >"$T_TMP/keys"
like "$(wc -l <"$T_TMP/keys")" "^ *[1-9][0-9][0-9]*$" "the parser takes many keys"
covered "the keys of the scenario parser" "$MAN/loadtop-scenario.5" "$T_TMP/keys"

# --- report fields --------------------------------------------------------
LOADTOP_TARGET_SECRET=doc-coverage-secret
export LOADTOP_TARGET_SECRET
start_target

cat >"$T_TMP/all.yaml" <<'YAML'
version: 1
name: doc-all
description: every section of the report, briefly
target:
  base_url: http://127.0.0.1:8080
  health_url: /health
  health_interval: 500ms
  metrics_url: /metrics
  metrics:
    - loadtop_target_rate_limited_total
defaults:
  timeout: 2s
  headers:
    User-Agent: loadtop-doc
requests:
  - name: ok
    path: /ok
    weight: 3
  - name: flaky
    path: /flaky?every=5
    group: mixed
    checks:
      - {header: Content-Type, exists: true}
  - name: hook
    method: POST
    path: /webhook
    group: mixed
    headers:
      Content-Type: application/json
    body: '{"id":"${uuid}","ts":${now_ms},"confidence":0.9}'
    sign:
      hmac_sha256:
        secret_env: LOADTOP_TARGET_SECRET
    outcome: {json: /status}
    checks:
      - {name: 'a status', json: /status, exists: true}
      - {json: /status, equals: never}
  - name: login
    method: POST
    path: /login
    headers:
      Content-Type: application/json
    body: '{"user":"u${seq}"}'
    capture:
      token: {json: /token}
  - name: me
    path: /me
    headers:
      Authorization: 'Bearer ${var:token}'
  - name: limited
    path: /limited
  - name: leak
    path: /leak?kb=16
flows:
  - name: session
    steps:
      - login
      - {request: me, repeat: 2}
phases:
  - {name: warm, kind: burst, requests: 100, concurrency: 10,
     use: [ok, flaky, hook]}
  - {name: steady, kind: sustained, duration: 1s, rate: 100/s,
     use: [ok, flaky, hook]}
  - name: climb
    kind: ramp
    start_rate: 50/s
    stages:
      - {duration: 1s, rate: 100/s}
    use: ok
  - {name: users, kind: soak, duration: 1s, users: 4, think_time: 10ms,
     use: session}
  - {name: hunt, kind: leak, requests: 50, batches: 5, settle: 100ms,
     concurrency: 5, use: leak}
  - {name: limit, kind: rate_limit, requests: 20, concurrency: 1,
     expect_allowed: 10, expect_limited: 10, use: limited}
  - {name: rest, kind: idle, duration: 500ms}
thresholds:
  - p95 < 250ms
  - error_rate < 1%
  - checks > 50%
grades:
  - {metric: p95, excellent: 10ms, good: 50ms, acceptable: 200ms}
alerts:
  target_cpu: 1%
YAML

cat >"$T_TMP/streams.yaml" <<'YAML'
version: 1
name: doc-streams
target:
  base_url: http://127.0.0.1:8080
  health_url: /health
defaults:
  connect_timeout: 2s
requests:
  - name: ws
    path: /ws/echo
    websocket:
      on_open: '{"op":"subscribe"}'
      send: '{"seq":${seq}}'
      message_rate: 10/s
      reply: echo
      ping_interval: 500ms
  - name: events
    path: /sse?rate=20
    sse: {}
phases:
  - {name: ws, kind: connections, use: ws, connections: 4,
     connect_rate: 50/s, duration: 1500ms}
  - {name: sse, kind: connections, use: events, connections: 4,
     connect_rate: 50/s, duration: 1500ms}
thresholds:
  - ws.rtt.p99 < 1s
  - messages_unmatched == 0
YAML

# run NAME [monitor] ARGS...: headless, the report in $T_TMP/NAME.
run() {
	_name=$1
	_cmd=""
	shift
	if [ "$1" = monitor ]; then
		_cmd=$1
		shift
	fi
	timeout 120 "$LOADTOP" $_cmd --headless --quiet \
	    --report "$T_TMP/$_name" "$@" >"$T_TMP/$_name.out" 2>&1
	ok "$_name: a report.json" test -s "$T_TMP/$_name/report.json"
}
run all --pid "$TARGET_PID" --base-url "$TARGET_URL" "$T_TMP/all.yaml"
run adhoc -n 200 -c 4 --pid "$TARGET_PID" "$TARGET_URL/jitter?ms=1"
if grep -q '^#define HAVE_CURL_WS 1' "$top_builddir/config.h"; then
	run streams --pid "$TARGET_PID" --base-url "$TARGET_URL" \
	    "$T_TMP/streams.yaml"
	like "$(cat "$T_TMP/streams/report.json")" '"messages_in"' \
	    "the streams run's report has its streams"
else
	echo "ok $((T_N = T_N + 1)) # SKIP libcurl without WebSocket: no streams run"
fi
run monitor monitor --pid "$TARGET_PID" -d 1500ms \
    --health-url "$TARGET_URL/health" --metrics-url "$TARGET_URL/metrics"

# Each section the first run must fill, so that its fields are walked.
for key in flows groups checks failures outcomes grades stages processes \
    metrics health fit; do
	like "$(cat "$T_TMP/all/report.json")" "\"$key\": *[[{]" \
	    "the full run's report has $key"
done

$TERMS fields "$T_TMP"/*/report.json >"$T_TMP/fields"
like "$(wc -l <"$T_TMP/fields")" "^ *[1-9][0-9][0-9]+$" "the reports have many fields"
covered "the fields of report.json" "$MAN/loadtop-report.5" "$T_TMP/fields"

stop_target
done_testing
exit $((T_FAILED > 0))
