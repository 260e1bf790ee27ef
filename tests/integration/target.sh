#!/bin/sh
# loadtop-target: flags, endpoints, counts, delays, memory and shutdown.
. "$top_srcdir/tests/lib.sh"

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# status_body URL [CURL ARGS...]: "STATUS BODY" of one request.
status_body() {
	_url=$1
	shift
	curl -s -o "$T_TMP/body" -w '%{http_code}' "$@" "$_url" >"$T_TMP/code"
	printf '%s %s' "$(cat "$T_TMP/code")" "$(cat "$T_TMP/body")"
}

# path_counts JSON PATH: "REQUESTS STATUSES" for PATH in a /stats answer.
path_counts() {
	printf '%s' "$1" | sed -n \
	    "s|.*\"$2\":{\"requests\":\([0-9]*\),\"status\":{\([^}]*\)}}.*|\1 \2|p"
}

# repeat N ARGS...: ARGS N times, so that one curl makes N transfers.
repeat() {
	_n=$1
	shift
	_i=0
	while [ "$_i" -lt "$_n" ]; do
		printf '%s ' "$@"
		_i=$((_i + 1))
	done
}

rss_kb() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"
}

# --- command line --------------------------------------------------------

out=$("$TARGET" --help 2>&1)
is "$?" 0 "--help exits 0"
like "$out" '--limit-mode' "--help lists the flags"
out=$("$TARGET" --version 2>&1)
is "$?" 0 "--version exits 0"
like "$out" '^loadtop-target \(loadtop\) [0-9]' "--version names the program"

for args in "--port nope" "--port 70000" "--threads 0" "--limit 0/1s" \
    "--limit 10/0s" "--limit 10/1x" "--limit-mode sliding" "--bind nowhere" \
    "--no-such-flag" "stray"; do
	# shellcheck disable=SC2086
	out=$(timeout 5 "$TARGET" $args 2>&1 </dev/null)
	rc=$?
	is "$rc" 2 "'$args' is a usage error"
	like "$out" '^loadtop-target: .*|unrecognized option' \
	    "'$args' says what is wrong"
done

# --- start-up ------------------------------------------------------------

start_target --threads 2
first=$(head -1 "$T_TMP"/target.*.out)
like "$first" '^listening on http://127\.0\.0\.1:[0-9]+$' \
    "the first line names the address"
ok "--port 0 picked a real port" test "$TARGET_PORT" -gt 0

out=$(timeout 5 "$TARGET" --port "$TARGET_PORT" 2>&1 </dev/null)
is "$?" 1 "a port in use is a runtime error"
like "$out" 'Address already in use' "and says so"

if [ "$(cat /proc/sys/net/ipv6/conf/lo/disable_ipv6 2>/dev/null)" = 0 ]; then
	timeout 5 "$TARGET" --port 0 --bind ::1 >"$T_TMP/v6.out" 2>&1 &
	v6=$!
	T_PIDS="$T_PIDS $v6"
	sleep 0.3
	v6url=$(sed -n 's/^listening on //p' "$T_TMP/v6.out")
	like "$v6url" '^http://\[::1\]:[0-9]+$' "--bind ::1 listens on IPv6"
	is "$(curl -s -g "$v6url/ok")" "ok" "and answers there"
	kill "$v6"
else
	echo "ok $((T_N + 1)) # SKIP no IPv6 loopback"
	echo "ok $((T_N + 2)) # SKIP no IPv6 loopback"
	T_N=$((T_N + 2))
fi

# --- endpoints -----------------------------------------------------------

U=$TARGET_URL
is "$(status_body "$U/ok")" "200 ok" "GET /ok"
is "$(status_body "$U/health")" '200 {"status":"up"}' "GET /health"
is "$(status_body "$U/delay?ms=30")" '200 {"status":"ok","delay_ms":30}' \
    "GET /delay"
like "$(status_body "$U/jitter?ms=40&spread=20")" \
    '^200 \{"status":"ok","delay_ms":(2[0-9]|[3-5][0-9]|60)\}$' \
    "GET /jitter stays in [N-M, N+M]"
# shellcheck disable=SC2046
got=$(curl -s $(repeat 10 "$U/jitter?ms=5&spread=30") | tr '}' '\n' | \
    grep -c '"delay_ms":[0-9]')
is "$got" 10 "GET /jitter never goes below 0"
like "$(status_body "$U/delay?ms=soon")" '^400 ' "a malformed query is a 400"

is "$(curl -s "$U/bytes?n=100000" | wc -c | tr -d ' ')" 100000 \
    "GET /bytes?n=100000 sends 100000 bytes"
is "$(curl -s "$U/bytes?n=0" | wc -c | tr -d ' ')" 0 "GET /bytes?n=0 is empty"
is "$(curl -s -o /dev/null -w '%{size_download}' "$U/bytes?n=99999999999")" \
    67108864 "GET /bytes is capped at 64 MiB"

# shellcheck disable=SC2046
got=$(curl -s -w '%{http_code} ' $(repeat 6 -o /dev/null "$U/flaky?every=3"))
is "$got" "200 200 500 200 200 500 " "GET /flaky?every=3 fails every third"

is "$(status_body "$U/nowhere")" '404 {"status":"not_found"}' \
    "an unknown path is a 404"
is "$(status_body "$U/ok" -X POST)" '405 {"status":"method_not_allowed"}' \
    "a wrong method is a 405"
like "$(curl -s -D - -o /dev/null -X DELETE "$U/health" | tr -d '\r')" \
    'Allow: GET, HEAD' "a 405 says what is allowed"
is "$(status_body "$U/leak/reset")" '405 {"status":"method_not_allowed"}' \
    "GET /leak/reset is a 405"

# --- /delay does not hold a thread ---------------------------------------

stop_target
start_target --threads 1
U=$TARGET_URL
t0=$(now_ms)
# shellcheck disable=SC2046
got=$(curl -s --parallel --parallel-immediate --parallel-max 20 \
    -w '%{http_code}\n' $(repeat 20 -o /dev/null "$U/delay?ms=500") \
    2>/dev/null | sort | uniq -c | tr -s ' ')
elapsed=$(($(now_ms) - t0))
is "$got" " 20 200" "20 concurrent /delay?ms=500 all answer 200"
ok "they waited the delay (${elapsed} ms)" test "$elapsed" -ge 450
ok "concurrently, on one thread (${elapsed} ms < 2000)" \
    test "$elapsed" -lt 2000

curl -s -o /dev/null "$U/delay?ms=1500" &
slow=$!
sleep 0.2
quick=$(curl -s -o /dev/null -w '%{time_total}' "$U/ok")
ok "/ok answers while a delay waits (${quick} s)" \
    awk "BEGIN { exit !($quick < 0.5) }"
wait "$slow"

# --- /leak grows the resident set ----------------------------------------

before=$(rss_kb "$TARGET_PID")
is "$(status_body "$U/leak?kb=65536")" '200 {"leaked_bytes":67108864}' \
    "GET /leak?kb=65536 holds 64 MiB"
after=$(rss_kb "$TARGET_PID")
grown=$((after - before))
ok "VmRSS grew by about 64 MiB (${grown} kB)" \
    test "$grown" -ge 60000 -a "$grown" -le 80000
like "$(curl -s "$U/metrics")" 'loadtop_target_leaked_bytes 67108864' \
    "/metrics shows the leaked bytes"
is "$(status_body "$U/leak/reset" -X POST)" '200 {"leaked_bytes":0}' \
    "POST /leak/reset frees it"
freed=$((after - $(rss_kb "$TARGET_PID")))
if ldd "$TARGET" 2>/dev/null | grep -q libasan; then
	# AddressSanitizer keeps freed memory in quarantine.
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP VmRSS does not shrink under AddressSanitizer"
else
	ok "VmRSS shrank again (${freed} kB)" test "$freed" -ge 60000
fi
like "$(status_body "$U/leak?kb=99999999")" '^400 ' \
    "/leak refuses more than 1 GiB at once"

# --- /stats counts what was sent ------------------------------------------

is "$(status_body "$U/stats" -X DELETE)" '200 {"status":"reset"}' \
    "DELETE /stats resets"
stats=$(curl -s "$U/stats")
like "$stats" '"requests":0,' "nothing counted after a reset"
like "$stats" '"paths":\{\}' "no path listed after a reset"

# shellcheck disable=SC2046
curl -s $(for i in 1 2 3 4 5 6 7; do printf -- '-o /dev/null %s ' "$U/ok?i=$i"; \
    done)
# shellcheck disable=SC2046
curl -s $(repeat 3 -o /dev/null "$U/missing")
curl -s -o /dev/null -X POST "$U/ok"
curl -s -o /dev/null "$U/health"
curl -s -o /dev/null "$U/flaky?every=2"
curl -s -o /dev/null "$U/flaky?every=2"
curl -s -o /dev/null "$U/metrics"
curl -s -o /dev/null "$U/stats"
curl -s -o /dev/null "$U/stats"
stats=$(curl -s "$U/stats")
like "$stats" '"requests":15,' "/stats counts 15 requests, not itself"
like "$stats" '"status":\{"200":10,"404":3,"405":1,"500":1\}' \
    "/stats totals by status"
is "$(path_counts "$stats" /ok)" '8 "200":7,"405":1' \
    "/ok counted by status, query stripped"
is "$(path_counts "$stats" /missing)" '3 "404":3' "404s counted under their path"
is "$(path_counts "$stats" /health)" '1 "200":1' "/health counted"
is "$(path_counts "$stats" /metrics)" '1 "200":1' "/metrics counted"
is "$(path_counts "$stats" /flaky)" '2 "200":1,"500":1' "/flaky counted"
is "$(path_counts "$stats" /stats)" "" "/stats itself is not counted"
like "$stats" '"leaked_bytes":0,' "/stats reports the leaked bytes"
like "$stats" '"uptime_s":[0-9.]+' "/stats reports the uptime"

# A thousand requests over 20 connections in parallel, counted exactly.
curl -s -X DELETE -o /dev/null "$U/stats"
urls=$(repeat 50 -o /dev/null "$U/ok" -o /dev/null "$U/nope")
i=0
pids=""
while [ $i -lt 10 ]; do
	# shellcheck disable=SC2086
	curl -s --parallel --parallel-max 20 $urls 2>/dev/null &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do
	wait "$p"
done
stats=$(curl -s "$U/stats")
is "$(path_counts "$stats" /ok)" '500 "200":500' "500 parallel /ok counted"
is "$(path_counts "$stats" /nope)" '500 "404":500' "500 parallel 404s counted"

# --- /metrics ------------------------------------------------------------

metrics=$(curl -s -D "$T_TMP/mh" "$U/metrics")
like "$(cat "$T_TMP/mh")" 'Content-Type: text/plain; version=0\.0\.4' \
    "/metrics is Prometheus text"
like "$metrics" '^loadtop_target_requests_total\{path="/ok",status="200"\} 500$' \
    "/metrics counts requests by path and status"
for name in requests_total webhook_requests_total rate_limited_total \
    leaked_bytes inflight_requests uptime_seconds; do
	like "$metrics" "^# TYPE loadtop_target_$name (counter|gauge)$" \
	    "/metrics declares loadtop_target_$name"
	like "$metrics" "^# HELP loadtop_target_$name " \
	    "/metrics explains loadtop_target_$name"
done
for s in dry_run ignored invalid_signature invalid_payload rate_limited; do
	like "$metrics" "^loadtop_target_webhook_requests_total\{status=\"$s\"\} 0$" \
	    "/metrics has the webhook series $s"
done
like "$metrics" '^loadtop_target_inflight_requests 1$' \
    "/metrics counts itself in flight"
like "$metrics" '^loadtop_target_uptime_seconds [0-9]+\.[0-9]+$' \
    "/metrics has the uptime"

# --- short flags ---------------------------------------------------------

stop_target
start_target -t 3 -l 5/2s
sleep 0.2
like "$(sed -n 2p "$_out")" '^loadtop-target: 3 threads, limit 5/2s \(window\)$' \
    "-t and -l set the threads and the limit"
stop_target
start_target -q
sleep 0.2
is "$(wc -l <"$_out" | tr -d ' ')" 1 "-q prints the listening line only"

# --- shutdown ------------------------------------------------------------

stop_target
start_target --pid-file "$T_TMP/target.pid" --quiet
is "$(cat "$T_TMP/target.pid")" "$TARGET_PID" "--pid-file holds the pid"
curl -s -o "$T_TMP/late" -w '%{http_code}' "$TARGET_URL/delay?ms=20000" \
    >"$T_TMP/late.code" &
late=$!
sleep 0.3
t0=$(now_ms)
kill -TERM "$TARGET_PID"
wait "$TARGET_PID"
is "$?" 0 "SIGTERM exits 0"
wait "$late"
ok "a pending delay is answered at once on SIGTERM" \
    test "$(($(now_ms) - t0))" -lt 3000
is "$(cat "$T_TMP/late.code")" 200 "with a 200"
ok "the pid file is removed" test ! -e "$T_TMP/target.pid"

start_target
kill -INT "$TARGET_PID"
wait "$TARGET_PID"
is "$?" 0 "SIGINT exits 0"

done_testing
