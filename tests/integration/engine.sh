#!/bin/sh
# The load engine against loadtop-target: every phase kind, counts
# reconciled exactly with the server's own, classes, signing, the open
# model under a stall, and the ad-hoc command line.
. "$top_srcdir/tests/lib.sh"

# Each run leaves its report directory here, not in the build tree.
cd "$T_TMP" || exit 1

# scenario NAME: the scenario text on stdin, written to $T_TMP/NAME.yaml.
scenario() {
	cat >"$T_TMP/$1.yaml"
}

# run ARGS...: loadtop's stdout, stderr and status in OUT, ERR and RC.
run() {
	timeout 120 "$LOADTOP" --quiet "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}

# The summary's numbers.
sent() {
	printf '%s\n' "$OUT" | sed -n 's/^  requests *\([0-9]*\) sent.*/\1/p'
}
completed() {
	printf '%s\n' "$OUT" | sed -n 's/^  requests.* \([0-9]*\) completed.*/\1/p'
}
class() {
	_n=$(printf '%s\n' "$OUT" | grep '^  classes' | grep -o " $1 [0-9]*" |
	    awk '{print $2}')
	echo "${_n:-0}"
}

# server EXPR: a value from the server's /stats, d being its JSON.
server() {
	curl -s "$TARGET_URL/stats" |
	    python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}
reset_server() {
	curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
}

start_target --threads 2 --limit 10/10s --secret s3cret-key

# --- burst: 1000 requests, exact -----------------------------------------
scenario burst <<EOF
name: burst
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases: [{kind: burst, requests: 1000, concurrency: 50}]
EOF
reset_server
run "$T_TMP/burst.yaml"
is "$RC" 0 "burst: exit 0"
is "$(sent)" 1000 "burst: 1000 sent"
is "$(completed)" 1000 "burst: 1000 completed"
is "$(class ok)" 1000 "burst: 1000 ok"
is "$(server 'd["paths"]["/ok"]["status"]["200"]')" 1000 \
    "burst: the server saw exactly 1000"

# --- sustained, closed model: whatever was sent, the server saw ----------
scenario closed <<EOF
name: closed
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases: [{kind: sustained, users: 8, duration: 2s}]
EOF
reset_server
run "$T_TMP/closed.yaml"
is "$RC" 0 "closed: exit 0"
n=$(completed)
like "$n" '^[0-9]{3,}$' "closed: many requests in 2s ($n)"
is "$(sent)" "$n" "closed: all sent were completed"
is "$(server 'd["requests"]')" "$n" "closed: server count equals ours"

# --- sustained, open model: the rate is kept ----------------------------
scenario open <<EOF
name: open
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases: [{kind: sustained, rate: 200/s, duration: 2s}]
EOF
reset_server
run "$T_TMP/open.yaml"
is "$RC" 0 "open: exit 0"
n=$(completed)
ok "open: 200/s for 2s sends 400 (+-1) requests ($n)" \
    test "$n" -ge 399 -a "$n" -le 401
is "$(server 'd["paths"]["/ok"]["requests"]')" "$n" \
    "open: server count equals ours"

# --- weighted mix: exact shares -------------------------------------------
scenario mix <<EOF
name: mix
target: {base_url: "$TARGET_URL"}
requests:
  - {name: a, path: /ok, weight: 3}
  - {name: b, path: /health, weight: 1}
phases: [{kind: burst, requests: 400, concurrency: 8}]
EOF
reset_server
run "$T_TMP/mix.yaml"
is "$(server 'd["paths"]["/ok"]["requests"]')" 300 "mix: weight 3 gets 300 of 400"
is "$(server 'd["paths"]["/health"]["requests"]')" 100 \
    "mix: weight 1 gets 100 of 400"

# --- 429s and the rate-limit probe ---------------------------------------
scenario limit <<EOF
name: limit
target: {base_url: "$TARGET_URL"}
requests: [{path: /limited}]
phases:
  - {name: probe, kind: rate_limit, requests: 25, expect_allowed: 10,
     expect_limited: 15}
EOF
sleep 1
reset_server
run "$T_TMP/limit.yaml"
is "$RC" 0 "rate limit: expectations met, exit 0"
is "$(class rate_limited)" 15 "rate limit: 15 counted as rate_limited"
is "$(server 'd["paths"]["/limited"]["status"]["429"]')" 15 \
    "rate limit: the server sent exactly 15 429s"
like "$OUT" "allowed 10 \\(expected 10\\), limited 15 \\(expected 15\\), limiting began at request 11, Retry-After [0-9]+s: PASS" \
    "rate limit: allowed, limited, first limited request and Retry-After"

scenario limit-wrong <<EOF
name: limit-wrong
target: {base_url: "$TARGET_URL"}
requests: [{path: /limited}]
phases:
  - {name: probe, kind: rate_limit, requests: 5, expect_allowed: 5}
EOF
run "$T_TMP/limit-wrong.yaml"
is "$RC" 1 "rate limit: a wrong expectation fails the run with exit 1"
like "$OUT" ": FAIL" "rate limit: the summary says FAIL"

# --- HMAC-signed webhooks --------------------------------------------------
scenario webhook <<EOF
name: webhook
target: {base_url: "$TARGET_URL"}
requests:
  - name: hook
    method: POST
    path: /webhook
    body: '{"id":"\${uuid}","seq":\${seq},"confidence":0.9}'
    sign: {hmac_sha256: {secret_env: HOOK_SECRET}}
phases: [{kind: burst, requests: 50, concurrency: 5}]
EOF
reset_server
HOOK_SECRET=s3cret-key run "$T_TMP/webhook.yaml"
is "$RC" 0 "webhook: exit 0"
is "$(class ok)" 50 "webhook: 50 signed requests accepted"
is "$(curl -s "$TARGET_URL/metrics" |
    sed -n 's/^loadtop_target_webhook_requests_total{status="dry_run"} \([0-9]*\).*/\1/p')" \
    50 "webhook: the server verified 50 signatures"
reset_server
HOOK_SECRET=wrong-key run "$T_TMP/webhook.yaml"
is "$(class client_error)" 50 "webhook: a wrong secret gives 50 client errors"
is "$(server 'd["paths"]["/webhook"]["status"]["401"]')" 50 \
    "webhook: the server rejected 50 signatures"
run "$T_TMP/webhook.yaml"
is "$RC" 2 "webhook: an unset secret variable is a scenario error"
like "$ERR" "webhook.yaml:[0-9]+:[0-9]+: environment variable 'HOOK_SECRET' is not set" \
    "webhook: the error names the variable and its place"

# --- the open model under a stall: latency from the planned start --------
scenario stall <<EOF
name: stall
target: {base_url: "$TARGET_URL"}
requests: [{path: "/delay?ms=200"}]
phases: [{kind: sustained, rate: 50/s, duration: 2s, connections: 2}]
EOF
run "$T_TMP/stall.yaml"
is "$RC" 0 "stall: exit 0"
# Two connections serve 10 requests/s: the queue grows for 2 seconds.
p99=$(printf '%s\n' "$OUT" | sed -n 's/^  latency .* p99 \([0-9.]*\)ms .*/\1/p')
svc=$(printf '%s\n' "$OUT" | sed -n 's/^  service .* p50 \([0-9.]*\)ms .*/\1/p')
ok "stall: the queueing shows in p99, far above 200ms ($p99 ms)" \
    awk -v v="$p99" 'BEGIN { exit !(v >= 1000) }'
ok "stall: service time stays about 200ms ($svc)" \
    awk -v v="$svc" 'BEGIN { exit !(v >= 195 && v < 400) }'
like "$OUT" 'open model [1-9][0-9]* late starts, [1-9][0-9]* skipped' \
    "stall: late and skipped starts are counted"

# --- timeouts and refused connections ---------------------------------------
scenario timeout <<EOF
name: timeout
target: {base_url: "$TARGET_URL"}
defaults: {timeout: 200ms}
requests: [{path: "/delay?ms=2000"}]
phases: [{kind: burst, requests: 10}]
EOF
run "$T_TMP/timeout.yaml"
is "$(class timeout)" 10 "timeout: 10 requests classified as timeouts"

port=$(free_port)
run "http://127.0.0.1:$port/" -n 5 -c 1
is "$(class connect_error)" 5 "refused: 5 connect errors"
is "$RC" 3 "refused: a target never reached exits 3"

# --- ramp, soak and leak phases: counts exact too ---------------------
scenario ramp <<EOF
name: ramp
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases:
  - {kind: ramp, stages: [{duration: 2s, rate: 200/s}]}
EOF
reset_server
run "$T_TMP/ramp.yaml"
is "$RC" 0 "ramp: exit 0"
n=$(completed)
ok "ramp: 0 to 200/s over 2s sends its integral, 200 (+-2) ($n)" \
    test "$n" -ge 198 -a "$n" -le 202
is "$(server 'd["paths"]["/ok"]["requests"]')" "$n" "ramp: server count equals ours"

scenario soak <<EOF
name: soak
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases: [{kind: soak, users: 4, duration: 2s, think_time: 10ms}]
EOF
reset_server
run "$T_TMP/soak.yaml"
n=$(completed)
is "$RC" 0 "soak: exit 0"
ok "soak: 4 users thinking 10ms send at most 800 in 2s ($n)" \
    test "$n" -gt 100 -a "$n" -le 804
is "$(server 'd["paths"]["/ok"]["requests"]')" "$n" "soak: server count equals ours"

scenario leakphase <<EOF
name: leakphase
target: {base_url: "$TARGET_URL"}
requests: [{path: "/leak?kb=4"}]
phases: [{kind: leak, requests: 100, batches: 5, settle: 100ms, concurrency: 4}]
EOF
reset_server
run "$T_TMP/leakphase.yaml"
is "$RC" 0 "leak phase: exit 0"
is "$(completed)" 100 "leak phase: 100 requests in 5 batches"
is "$(server 'd["paths"]["/leak"]["requests"]')" 100 \
    "leak phase: the server saw exactly 100"

# --- service time is each request's own ----------------------------------
# Two connections at 40/s against a 100 ms answer: requests queue, so the
# latency from the planned start grows while the service time, from the
# actual start, stays at about 100 ms, per request as for the run.
scenario queued <<EOF
name: queued
target: {base_url: "$TARGET_URL"}
requests: [{name: slow, path: "/delay?ms=100"}]
phases: [{kind: sustained, rate: 40/s, duration: 2s, connections: 2}]
EOF
reset_server
rm -rf "$T_TMP/queued.report"
run --report "$T_TMP/queued.report" "$T_TMP/queued.yaml"
is "$RC" 0 "queued: exit 0"
rj() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' \
	    "$1" "$T_TMP/queued.report/report.json"
}
svc=$(rj 'd["requests"][0]["service_ms"]["p50"]')
lat=$(rj 'd["requests"][0]["latency_ms"]["p99"]')
ok "queued: a request's service p50 is about 100 ms ($svc)" \
    python3 -c "import sys; sys.exit(not 95 <= $svc <= 150)"
ok "queued: its latency p99 is far more ($lat)" \
    python3 -c "import sys; sys.exit(not $lat > 400)"
# Its only request: the same samples, read at 2 digits against 3.
is "$(rj 'd["requests"][0]["service_ms"]["count"] == d["totals"]["service_ms"]["count"] and abs(d["requests"][0]["service_ms"]["p50"] / d["totals"]["service_ms"]["p50"] - 1) < 0.02')" \
    True "queued: the request's service time is the run's, its only request"

# --- ad hoc -----------------------------------------------------------------
reset_server
run "$TARGET_URL/ok" -n 100 -c 10
is "$RC" 0 "ad hoc: -n 100 -c 10 exits 0"
is "$(server 'd["paths"]["/ok"]["requests"]')" 100 "ad hoc: exactly 100 requests"
run "$TARGET_URL/ok" -c 0
is "$RC" 2 "ad hoc: a bad -c is a usage error"
like "$ERR" "^loadtop: --connections '0': " "ad hoc: the message names the flag"
run "$TARGET_URL/ok" -d 5parsecs
is "$RC" 2 "ad hoc: a bad duration is a usage error"
like "$ERR" "^loadtop: --duration '5parsecs': " "ad hoc: the message names --duration"

done_testing
