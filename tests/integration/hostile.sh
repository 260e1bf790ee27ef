#!/bin/sh
# Hostile and failing servers on loopback, each through both transports
# (raw and curl): a closed port, tests/fixtures/http-edges.py's hostile
# paths, the same fixture over TLS with a self-signed certificate and
# answering TLS with garbage, and a target killed mid-run.  No run may
# crash, hang past its deadline or lose a count, each is classified as
# loadtop-report(5) says, both transports alike, and a 1 GiB body is
# counted, never held.  The WebSocket and SSE bad peers
# (tests/fixtures/stream-peers.py) are streams.sh's.  HOSTILE_KEEP=DIR
# keeps every run's output and report in DIR.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1
# --- the servers --------------------------------------------------------
self_signed
start_fixture http-edges
PLAIN_PORT=$FIXTURE_PORT
start_fixture http-edges --tls cert.pem key.pem
TLS_PORT=$FIXTURE_PORT
start_fixture http-edges --tls-garbage
GARBAGE_PORT=$FIXTURE_PORT
PLAIN="http://127.0.0.1:$PLAIN_PORT"
TLS="https://127.0.0.1:$TLS_PORT"
GARBAGE="https://127.0.0.1:$GARBAGE_PORT"
CLOSED="http://127.0.0.1:$(free_port)"

# measure DIR SECONDS CMD...: CMD run with a hard bound of SECONDS, its
# output in DIR/out.  DIR/run gets one line: its status ("hung" when the
# bound killed it), the time it took in hundredths of a second, its peak
# RSS in KB, then, from DIR/report/report.json, the classes that
# happened, the failures' codes, whether the counts add up (every
# request sent finished, none unfinished, each a response or an error,
# each of a class) and the bytes received.
measure() {
	python3 - "$@" <<'EOF'
import json, resource, subprocess, sys, time
d, bound, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
t = time.time()
with open(d + "/out", "w") as out:
    try:
        rc = subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT, timeout=bound)
    except subprocess.TimeoutExpired:
        rc = "hung"
took = int((time.time() - t) * 100)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
try:
    t = json.load(open(d + "/report/report.json"))["totals"]
except (OSError, ValueError):
    t = None
if t is None:
    facts = "no-report.json - - 0"
else:
    cls = ",".join("%s=%d" % kv for kv in sorted(t["classes"].items())
                   if kv[1])
    fails = ",".join(str(f["code"]) for f in t["failures"]) or "-"
    bad = []
    if t["sent"] != t["requests"] or t["unfinished"] != 0:
        bad.append("sent-%d,finished-%d,unfinished-%d" % (t["sent"],
                   t["requests"], t["unfinished"]))
    if t["responses"] + t["errors"] != t["requests"]:
        bad.append("%d-responses+%d-errors!=%d" % (t["responses"],
                   t["errors"], t["requests"]))
    if sum(t["classes"].values()) != t["requests"]:
        bad.append("classes-%d!=%d" % (sum(t["classes"].values()),
                   t["requests"]))
    facts = "%s %s %s %d" % (cls or "none", fails,
                             ";".join(bad) or "counts-add-up", t["bytes"])
open(d + "/run", "w").write("%s %d %d %s\n" % (rc, took, rss, facts))
EOF
}

# hostile NAME URL N TIMEOUT STATUS CLASSES FAILURES [ARGS...]: N
# requests at once to URL, each with TIMEOUT (in seconds), by each
# transport at the same time.  Each run must end by itself within
# TIMEOUT and 2.5 s, with STATUS, the CLASSES and FAILURES as measure
# prints them, its counts adding up and no sanitizer's word.  Each
# run's bytes received and peak RSS are then in BYTES_raw, BYTES_curl,
# RSS_raw and RSS_curl.
hostile() {
	h_name=$1 h_url=$2 h_n=$3 h_to=$4 h_rc=$5 h_cls=$6 h_fails=$7
	shift 7
	h_runs=""
	for tr in raw curl; do
		mkdir -p "$h_name-$tr"
		measure "$h_name-$tr" 20 "$LOADTOP" "$h_url" -n "$h_n" -c "$h_n" \
		    --timeout "${h_to}s" --transport $tr --headless --quiet \
		    --report "$T_TMP/$h_name-$tr/report" "$@" &
		h_runs="$h_runs $!"
	done
	wait $h_runs
	for tr in raw curl; do
		set -- $(cat "$h_name-$tr/run")
		is "$1" "$h_rc" "$h_name ($tr): exit $h_rc, no crash, no hang"
		ok "$h_name ($tr): ended within its deadline ($2 cs)" \
		    test "$2" -lt $((h_to * 100 + 250))
		ok "$h_name ($tr): no sanitizer finding" \
		    sh -c '! grep -E "Sanitizer|runtime error" "$1"' - \
		    "$h_name-$tr/out"
		eval "RSS_$tr=\$3"
		is "$4 $5" "$h_cls $h_fails" "$h_name ($tr): classified $h_cls, failures $h_fails"
		is "$6" counts-add-up "$h_name ($tr): no count lost"
		eval "BYTES_$tr=\$7"
	done
}

# --- refused, silent, cut -----------------------------------------------
hostile refused "$CLOSED/" 2 1 3 connect_error=2 7
hostile never "$PLAIN/never" 2 1 3 timeout=2 28
hostile cut-headers "$PLAIN/cuthead" 2 2 3 transport_error=2 18
hostile cut-body "$PLAIN/cut" 2 2 3 transport_error=2 18
hostile garbage "$PLAIN/garbage" 2 2 3 transport_error=2 1

# --- bodies -------------------------------------------------------------
hostile huge "$PLAIN/huge" 1 20 0 ok=1 -
# The body is counted and dropped: a run that held it would need 1 GiB.
for tr in raw curl; do
	eval "bytes=\$BYTES_$tr rss=\$RSS_$tr"
	is "$bytes" 1073741824 "huge ($tr): every byte of 1 GiB counted"
	ok "huge ($tr): loadtop's peak RSS stays small ($rss KB)" \
	    test "$rss" -lt 65536
done
hostile endless "$PLAIN/endless" 2 1 3 timeout=2 28
ok "endless: its bytes were counted ($BYTES_raw, $BYTES_curl)" \
    test "$BYTES_raw" -gt 100000 -a "$BYTES_curl" -gt 100000
hostile bad-chunk "$PLAIN/badchunk" 2 2 3 transport_error=2 56

# --- headers ------------------------------------------------------------
hostile big-header "$PLAIN/bighead" 2 2 3 transport_error=2 100
hostile headers-without-end "$PLAIN/noend" 2 2 3 transport_error=2 100

# --- a byte every 100 ms --------------------------------------------------
hostile trickle "$PLAIN/trickle?n=5" 2 3 0 ok=2 -
is "$BYTES_raw $BYTES_curl" "10 10" "trickle: the bytes that came, counted"
hostile trickle-past-timeout "$PLAIN/trickle?n=50" 2 1 3 timeout=2 28

# --- TLS ----------------------------------------------------------------
hostile tls-garbage "$GARBAGE/" 2 2 3 transport_error=2 35
hostile self-signed "$TLS/cl" 2 2 3 transport_error=2 60
like "$(cat self-signed-curl/out)" \
    "no request got an answer \(SSL peer certificate.*\): the server's TLS certificate failed verification .*insecure_tls: true" \
    "self-signed: the error names the certificate's verification, and the way out"
hostile insecure "$TLS/cl" 2 2 0 ok=2 - --insecure

# --- streams to the same servers ---------------------------------------
# The WebSocket and SSE bad peers of stream-peers.py (refused upgrades,
# bad and huge frames, no pong, no close, malformed, silent and ended
# event streams, a refused port, a mute one that never answers) are
# streams.sh's; here each stream meets a hostile HTTP or TLS server.
# Two runs at once, in the clear and over TLS, each on one thread with
# one stream a server, dropped and opened again for 2 s (a TLS one takes
# a while on a loaded machine: each new TLS connection of libcurl reads
# the CA bundle).
P=127.0.0.1:$PLAIN_PORT
cat >streams-plain.yaml <<EOF
name: hostile-streams
target: {base_url: "$PLAIN"}
defaults: {timeout: 5s, connect_timeout: 5s}
requests:
  - {name: ws-garbage, url: "ws://$P/garbage", websocket: {}}
  - {name: ws-cut, url: "ws://$P/cuthead", websocket: {}}
  - {name: ws-noend, url: "ws://$P/noend", websocket: {}}
  - {name: sse-garbage, path: /garbage, sse: {}}
  - {name: sse-cut, path: /cuthead, sse: {}}
  - {name: sse-bad-chunk, path: /badchunk, sse: {}}
phases:
  - {name: peers, kind: connections, connections: 6, duration: 2s,
     reconnect_delay: 100ms}
EOF
cat >streams-tls.yaml <<EOF
name: hostile-tls-streams
target: {base_url: "$TLS"}
defaults: {timeout: 5s, connect_timeout: 5s}
requests:
  - {name: wss-garbage, url: "wss://127.0.0.1:$GARBAGE_PORT/", websocket: {}}
  - {name: wss-self-signed, url: "wss://127.0.0.1:$TLS_PORT/x", websocket: {}}
  - {name: sse-tls-garbage, url: "$GARBAGE/", sse: {}}
  - {name: sse-self-signed, url: "$TLS/x", sse: {}}
phases:
  - {name: peers, kind: connections, connections: 4, duration: 2s,
     reconnect_delay: 100ms}
EOF
h_runs=""
for k in plain tls; do
	mkdir -p "streams-$k"
	measure "streams-$k" 20 "$LOADTOP" --headless --quiet --threads 1 \
	    --report "$T_TMP/streams-$k/report" "streams-$k.yaml" &
	h_runs="$h_runs $!"
done
wait $h_runs
# Each attempt dropped for its server's fault, none opened, but for one
# the phase's end may cut short; none lost: drops = connect_errors.
# Over TLS no stream reaches its server: exit 3, saying why.
for k in plain:0 tls:3; do
	want=${k#*:}
	k=${k%:*}
	set -- $(cat "streams-$k/run")
	is "$1" "$want" "streams ($k): exit $want, no crash, no hang"
	ok "streams ($k): within the deadline ($2 cs)" test "$2" -lt 600
	ok "streams ($k): no sanitizer finding" \
	    sh -c '! grep -E "Sanitizer|runtime error" "$1"' - "streams-$k/out"
	if [ "$k" = tls ]; then
		like "$(cat "streams-$k/out")" "no stream reached its server .*TLS failed .*insecure_tls: true" \
		    "streams (tls): says TLS failed, and how to accept a certificate"
	fi
	python3 - "streams-$k/report/report.json" >>streams.drops <<'EOF'
import json, sys
for st in json.load(open(sys.argv[1]))["streams"]:
    drops = {k: v for k, v in st["drops"].items() if v}
    n = st["attempts"]
    kinds = ",".join(sorted(drops))
    whole = sum(drops.values()) in (n, n - 1) and n >= 2
    lost = sum(st["drops"].values()) != st["connect_errors"]
    print(st["name"], kinds, "all" if whole else "%d-of-%d" % (
          sum(drops.values()), n), st["opened"],
          "lost" if lost else "none-lost")
EOF
done
for p in ws-garbage:protocol ws-cut:handshake ws-noend:handshake \
    sse-garbage:protocol sse-cut:handshake sse-bad-chunk:handshake \
    wss-garbage:tls wss-self-signed:tls \
    sse-tls-garbage:tls sse-self-signed:tls; do
	is "$(sed -n "s/^${p%%:*} //p" streams.drops)" "${p#*:} all 0 none-lost" \
	    "streams: ${p%%:*}: each attempt dropped as ${p#*:}, none opened"
done

# --- the target killed mid-run ------------------------------------------
# loadtop starts and watches loadtop-target, which is killed 1 s into a
# 3 s run: the run fails on the crashed target's default threshold, the
# requests after its death fail to connect, and none is lost.
for tr in raw curl; do
	port=$(free_port)
	mkdir -p "killed-$tr"
	(i=0
	 while [ ! -s "$T_TMP/killed-$tr.pid" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	 done
	 sleep 1
	 kill -9 "$(cat "$T_TMP/killed-$tr.pid")") &
	killer=$!
	measure "killed-$tr" 20 "$LOADTOP" --headless --quiet -c 2 -d 3s \
	    --timeout 1s --transport $tr --report "$T_TMP/killed-$tr/report" \
	    --exec "$TARGET --port $port --quiet --pid-file $T_TMP/killed-$tr.pid" \
	    --ready-url "http://127.0.0.1:$port/health" \
	    "http://127.0.0.1:$port/ok"
	wait $killer
	set -- $(cat "killed-$tr/run")
	is "$1" 1 "killed target ($tr): exit 1, no crash, no hang"
	ok "killed target ($tr): within its deadline ($2 cs)" test "$2" -lt 600
	killed_facts="$4 $6"
	like "$(cat "killed-$tr/out")" 'target_exits == 0 \(default\) +1 +FAIL' \
	    "killed target ($tr): the default threshold failed"
	like "$(cat "killed-$tr/out")" 'verdict +FAIL' \
	    "killed target ($tr): the verdict is FAIL"
	set -- $killed_facts
	like "$1" '^connect_error=[0-9]+,ok=[0-9]+(,transport_error=[0-9]+)?$' \
	    "killed target ($tr): answers, then refused connections"
	is "$2" counts-add-up "killed target ($tr): no count lost"
done

[ -n "${HOSTILE_KEEP:-}" ] && cp -r "$T_TMP" "$HOSTILE_KEEP"
done_testing
