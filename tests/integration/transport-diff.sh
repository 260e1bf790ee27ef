#!/bin/sh
# The same scenarios through both transports, raw and curl, against real
# servers on loopback (loadtop-target, nginx, and tests/fixtures/
# http-edges.py for the edges): every count, class, status, failure,
# byte count and HTTP version must be the same, each timing field must be
# there for both or for neither, and both must agree with the server's
# own count of what it was sent.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1
# --- the servers --------------------------------------------------------
start_fixture http-edges
EDGES="http://127.0.0.1:$FIXTURE_PORT"
"$TARGET" -p 0 -q >target.out 2>&1 &
T_PIDS="$T_PIDS $!"
i=0
while ! grep -q 'listening' target.out && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
TGT="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\).*/\1/p' target.out | head -1)"

have_nginx=0
if [ -x "$NGINX" ]; then
	nport=$(free_port)
	sport=$(free_port)
	mkdir -p www
	head -c 3000 /dev/zero | tr '\0' x >www/f.txt
	self_signed
	start_nginx <<EOF && have_nginx=1
	access_log $T_TMP/access.log;
	log_format conns '\$remote_addr \$connection';
	access_log $T_TMP/conns.log conns;
	keepalive_requests 100;
	server {
		listen 127.0.0.1:$nport;
		listen 127.0.0.1:$sport ssl;
		ssl_certificate $T_TMP/cert.pem;
		ssl_certificate_key $T_TMP/key.pem;
		root $T_TMP/www;
	}
EOF
fi

# --- what is compared ---------------------------------------------------
# facts DIR: the figures of report.json that must not depend on the
# transport, as one line of JSON.
facts() {
	python3 - "$1/report.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"]
out = {k: t[k] for k in ("requests", "sent", "responses", "errors",
                         "bytes", "bytes_out", "classes", "status",
                         "http_versions")}
# libcurl may open a connection more than it needs, when a transfer
# starts as another hands its connection back: checked apart.
out["connected"] = t["connects"] > 0
out["failures"] = {f["code"]: f["count"] for f in t["failures"]}
out["timing"] = sorted(k for k, v in t["timing_ms"].items() if v["count"])
out["by_class"] = {k: v["count"] for k, v in t["latency_by_class_ms"].items()}
# Each class's latency counts exactly the responses of that class.
assert out["by_class"] == {k: v for k, v in t["classes"].items() if v}, \
    (out["by_class"], t["classes"])
out["per_request"] = [[r["name"], r["sent"], r["requests"], r["classes"],
                       r["bytes"], r["http_versions"]] for r in d["requests"]]
print(json.dumps(out, sort_keys=True))
EOF
}

transport_of() {
	python3 -c 'import json,sys; print(" ".join(sorted({r["transport"] for r in json.load(open(sys.argv[1]))["requests"]})))' "$1/report.json"
}

# edges_count PATH: the requests the fixture saw for PATH.
edges_count() {
	curl -s "$EDGES/count" | python3 -c 'import json,sys; print(json.load(sys.stdin)["paths"].get(sys.argv[1], 0))' "$1"
}
edges_seqs() {
	curl -s "$EDGES/count" | python3 -c 'import json,sys; s=json.load(sys.stdin)["seqs"]; print(len(s), len(set(s)))'
}
target_count() {
	curl -s "$TGT/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'
}
nginx_count() {
	wc -l <access.log | tr -d ' '
}

# both NAME SCENARIO [COUNTER EXPECTED]: run SCENARIO by each transport;
# the facts must match, and each run must add EXPECTED to COUNTER's count
# (a command printing the server's figure).
both() {
	_name=$1 _scn=$2 _counter=${3:-} _want=${4:-}
	for tr in raw curl; do
		[ -n "$_counter" ] && _before=$($_counter)
		"$LOADTOP" --headless --quiet -t 1 --transport $tr \
		    --report "$T_TMP/r-$tr" "$_scn" >"$T_TMP/out-$tr" 2>&1
		echo $? >"$T_TMP/rc-$tr"
		if [ -n "$_counter" ]; then
			_after=$($_counter)
			is "$((_after - _before))" "$_want" \
			    "$_name: $tr: the server saw $_want"
		fi
		facts "$T_TMP/r-$tr" >"$T_TMP/facts-$tr" 2>&1
		is "$(transport_of "$T_TMP/r-$tr")" "$tr" "$_name: $tr: sent by $tr"
	done
	is "$(cat "$T_TMP/rc-raw")" "$(cat "$T_TMP/rc-curl")" \
	    "$_name: the same exit status"
	like "$(cat "$T_TMP/facts-raw")" '^\{' \
	    "$_name: report.json read, each class's latency its own count"
	is "$(cat "$T_TMP/facts-raw")" "$(cat "$T_TMP/facts-curl")" \
	    "$_name: the same counts, classes, statuses, failures, bytes"
}

# scenario FILE BASE_URL PHASE REQUESTS...: write a scenario.
scenario() {
	_f=$1 _base=$2 _phase=$3
	shift 3
	{
		printf 'version: 1\nname: diff\ntarget: {base_url: "%s"}\n' "$_base"
		printf 'defaults: {timeout: 400ms, insecure_tls: true}\n'
		printf 'requests:\n'
		for r in "$@"; do
			printf '  - %s\n' "$r"
		done
		printf 'phases:\n  - %s\n' "$_phase"
	} >"$_f"
}

# --- keep-alive, HMAC and templated headers against loadtop-target ------
scenario ka.yaml "$TGT" '{kind: burst, requests: 600, concurrency: 6}' \
    '{name: ok, path: /ok}' \
    '{name: bytes, path: "/bytes?n=2500"}'
both "keep-alive" ka.yaml target_count 600
connects() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["connects"])' "$1/report.json"
}
is "$(connects r-raw)" 6 "keep-alive: raw: 6 connections for 600 requests"

LOADTOP_TARGET_SECRET=loadtop-demo-secret
export LOADTOP_TARGET_SECRET
cat >signed.yaml <<EOF
version: 1
name: signed
target: {base_url: "$TGT"}
requests:
  - name: deliver
    method: POST
    path: /webhook
    headers: {Content-Type: application/json, X-Seq: '\${seq}'}
    body: '{"id":"\${uuid}","seq":\${seq},"confidence":0.9}'
    expect_status: 200
    sign: {hmac_sha256: {secret_env: LOADTOP_TARGET_SECRET}}
phases:
  - {kind: burst, requests: 300, concurrency: 3}
EOF
both "signed POSTs" signed.yaml target_count 300
like "$(cat facts-raw)" '"ok": 300,' "signed POSTs: every signature verified"

# --- the edges --------------------------------------------------------
scenario edges.yaml "$EDGES" '{kind: burst, requests: 400, concurrency: 4}' \
    '{name: length, path: "/cl?n=5000"}' \
    '{name: chunked, path: "/chunked?n=4500"}' \
    '{name: eof, path: "/eof?n=3000"}' \
    '{name: close, path: /close, headers: {X-Seq: "${seq}"}}' \
    '{name: early, path: "/early?n=700"}' \
    '{name: head, method: HEAD, path: "/cl?n=5000"}' \
    '{name: nc, path: /nc}' \
    '{name: nm, path: /nm}'
for p in /cl /chunked /eof /close /early /nc /nm; do
	eval "b_$(echo $p | tr -d /)=\$(edges_count $p)"
done
both "edges" edges.yaml
like "$(cat facts-raw)" '"ok": 400,' "edges: every answer ok"
like "$(cat facts-raw)" '"204": 50, "304": 50' "edges: 204 and 304 counted"
like "$(cat facts-raw)" '"bytes": 660100,' \
    "edges: body bytes, 50 x (5000 + 4500 + 3000 + 2 + 700), none for HEAD"
b_cl_after=$(edges_count /cl)
is "$((b_cl_after - b_cl))" 200 "edges: the server saw 100 GETs and 100 HEADs of /cl, twice"
is "$(($(edges_count /close) - b_close))" 100 "edges: /close twice 50"
is "$(edges_seqs)" "100 50" \
    "edges: the templated header, 50 values once by each transport"
like "$(connects r-raw)" '^1[0-9][0-9]$' \
    "edges: Connection: close and an ending body open new connections"

scenario cut.yaml "$EDGES" '{kind: burst, requests: 20, concurrency: 2}' \
    '{name: cut, path: /cut}'
both "a server closing mid-response" cut.yaml "edges_count /cut" 20
like "$(cat facts-raw)" '"failures": \{"18": 20\}' \
    "mid-response: a partial file, each time"

scenario slow.yaml "$EDGES" '{kind: burst, requests: 4, concurrency: 2}' \
    '{name: slow, path: "/sleep?ms=1500"}'
both "timeouts" slow.yaml
like "$(cat facts-raw)" '"timeout": 4,' "timeouts: 4 timed out"

scenario refused.yaml "http://127.0.0.1:$(free_port)" \
    '{kind: burst, requests: 10, concurrency: 2}' '{name: refused, path: /}'
both "refused connections" refused.yaml
like "$(cat facts-raw)" '"connect_error": 10,' "refused: 10 connect errors"

# --- what raw cannot do is refused before the start -----------------------
out=$("$LOADTOP" --headless --no-report --http2 --transport raw -n 1 \
    "$EDGES/cl" 2>&1)
is "$?" 2 "--transport raw with --http2: exit 2"
like "$out" '^loadtop: --transport raw speaks HTTP/1\.1 only' \
    "--transport raw with --http2: says why"
is "$(edges_count /cl)" "$b_cl_after" "--transport raw with --http2: nothing sent"

# --- nginx: keepalive_requests 100, and TLS -----------------------------
if [ $have_nginx = 1 ]; then
	scenario nginx.yaml "http://127.0.0.1:$nport" \
	    '{kind: burst, requests: 1000, concurrency: 4}' \
	    '{name: file, path: /f.txt}'
	both "nginx closing after 100 requests" nginx.yaml nginx_count 1000
	like "$(connects r-raw)" '^1[0-2]$' \
	    "nginx: raw: a new connection each 100 requests"
	# Past 64 connections a thread, libcurl's transfers are spread over
	# several multi handles (worker-shard.c).
	scenario many.yaml "http://127.0.0.1:$nport" \
	    '{kind: burst, requests: 3000, concurrency: 150}' \
	    '{name: file, path: /f.txt}'
	both "150 connections on one thread" many.yaml nginx_count 3000
	# A connection a request, 100 at once: more connects than a raw-only
	# worker keeps libcurl handles for (worker-connect.c).
	scenario closing.yaml "http://127.0.0.1:$nport" \
	    '{kind: burst, requests: 1000, concurrency: 100}' \
	    '{name: file, path: /f.txt, headers: {Connection: close}}'
	both "Connection: close, 100 at once" closing.yaml nginx_count 1000
	is "$(connects r-raw)" 1000 "Connection: close: raw: 1000 connections"
	# Each new connection binds the next source address in turn.
	cat >sources.yaml <<EOF
version: 1
name: sources
target: {base_url: "http://127.0.0.1:$nport"}
defaults: {source_addresses: [127.0.0.2, 127.0.0.3]}
requests: [{name: file, path: /f.txt}]
phases: [{kind: burst, requests: 400, concurrency: 4}]
EOF
	for tr in raw curl; do
		: >access.log
		: >conns.log
		"$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" -s reopen 2>/dev/null
		sleep 0.2
		"$LOADTOP" --headless --quiet --no-report -t 1 --transport $tr \
		    sources.yaml >/dev/null 2>&1
		conns=$(sort -u conns.log | awk '{print $1}' | uniq -c |
		    awk '{printf "%s %s;", $2, $1}')
		got=$(awk '{print $1}' access.log | sort | uniq -c |
		    awk '{printf "%s %s;", $2, $1}')
		eval "src_$tr=\$conns"
		like "$got" '^127\.0\.0\.2 [0-9]+;127\.0\.0\.3 [0-9]+;$' \
		    "source_addresses: $tr: from those two addresses only"
		is "$(wc -l <access.log | tr -d ' ')" 400 \
		    "source_addresses: $tr: all 400 logged"
	done
	# Raw connects bind each address in turn: the connections from the
	# two differ by one at most (4 at least; nginx closes each after
	# 100 requests, and a burst's slots do not send equal shares).
	# libcurl's slots keep an address each, and libcurl may open a
	# connection more than it needs, so its split is not checked.
	ok "source_addresses: raw: the connections bound each in turn" \
	    python3 -c 'import sys
a, b = (int(x.split()[1]) for x in sys.argv[1].split(";")[:2])
sys.exit(not (a >= 2 and b >= 2 and abs(a - b) <= 1))' "$src_raw"
	scenario tls.yaml "https://127.0.0.1:$sport" \
	    '{kind: burst, requests: 300, concurrency: 3}' \
	    '{name: file, path: /f.txt}'
	both "TLS" tls.yaml nginx_count 300
	like "$(cat facts-raw)" '"tls"' "TLS: the handshake timed by both"
else
	echo "# nginx is not installed: its cases are skipped"
fi

[ $have_nginx = 1 ] && "$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" -s stop 2>/dev/null
done_testing
