#!/bin/sh
# Connections phases against loadtop-target: WebSocket echoes and feeds,
# SSE streams the server ends and resumes, a reconnect after the server
# drops a connection, every count reconciled exactly with the server's
# /stats, in report.json and the summary; then each bad peer of
# stream-peers.py, classified, within its deadline, nothing lost.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1

scenario() {
	cat >"$T_TMP/$1.yaml"
}

# run NAME [ARGS...]: loadtop on NAME.yaml, its report in NAME/; stdout,
# the status and the seconds it took in OUT, RC and SECS.
run() {
	_name=$1
	shift
	_t0=$(date +%s%N)
	timeout 30 "$LOADTOP" --headless --report="$T_TMP/$_name" "$@" \
	    "$T_TMP/$_name.yaml" >"$T_TMP/$_name.out" 2>"$T_TMP/$_name.err"
	RC=$?
	SECS=$(( ($(date +%s%N) - _t0) / 1000000000 ))
	OUT=$(cat "$T_TMP/$_name.out")
	REPORT="$T_TMP/$_name/report.json"
}

# flat FILE: the JSON on stdin as "path=value" lines into FILE, a list's
# items by index, report.json's streams by name at the top.
flat() {
	python3 -c '
import json, sys
def walk(p, v):
    if isinstance(v, dict):
        for k, x in v.items():
            walk(p + [str(k)], x)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(p + [str(i)], x)
    else:
        print("%s=%s" % (".".join(p), v))
d = json.load(sys.stdin)
if isinstance(d.get("streams"), list):
    d.update({s["name"]: s for s in d.pop("streams")})
walk([], d)' >"$1"
}

# get FILE KEY...: the values, space separated.
get() {
	_f=$1
	shift
	for _k in "$@"; do
		sed -n "s|^$_k=||p" "$_f" | head -1
	done | paste -sd' '
}

# The last run's report (rj NAME KEY...) and the server's /stats at
# the time (server KEY...), each read once.
take() {
	flat "$T_TMP/report.flat" <"$REPORT"
	curl -s "$TARGET_URL/stats" | flat "$T_TMP/server.flat"
}
rj() {
	_n=$1
	shift
	get "$T_TMP/report.flat" $(for _k in "$@"; do echo "$_n.$_k"; done)
}
server() {
	get "$T_TMP/server.flat" "$@"
}
reset_server() {
	curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
}

start_target --threads 2
WS=ws://127.0.0.1:$TARGET_PORT

# --- echo: every message and ping answered -----------------------------
scenario echo <<EOF
name: echo
target: {base_url: "$TARGET_URL"}
requests:
  - name: prices
    url: $WS/ws/echo
    websocket:
      on_open: '{"op":"subscribe","channel":"prices"}'
      send: '{"seq":\${seq},"t":\${now_ms}}'
      message_rate: 10/s
      ping_interval: 200ms
phases:
  - {name: ws, kind: connections, use: prices, connections: 20,
     connect_rate: 100/s, duration: 2s}
EOF
reset_server
run echo
take
is "$RC" 0 "echo: exit 0"
ok "echo: within its deadline ($SECS s)" test "$SECS" -le 5
is "$(rj prices attempts opened closed connect_errors)" "20 20 20 0" \
    "echo: 20 opened and closed cleanly, no error"
is "$(server ws.opened ws.closed ws.dropped ws.open)" "20 20 0 0" \
    "echo: the server saw 20 opened and closed, none dropped"
SENT=$(rj prices messages.sent)
ok "echo: messages were sent ($SENT)" test "$SENT" -gt 200
is "$SENT" "$(server ws.messages_in)" "echo: sent = the server's messages in"
is "$(rj prices messages.received)" "$(server ws.messages_out)" \
    "echo: received = the server's messages out"
# on_open's echo is pushed: no reply is awaited for it.
is "$(rj prices messages.matched messages.unmatched messages.pushed)" \
    "$((SENT - 20)) 0 20" "echo: every message matched, on_open's pushed"
is "$(rj prices rtt_ms.count connect_ms.count session_ms.count)" \
    "$((SENT - 20)) 20 20" \
    "echo: a round trip per message, a connect and a session per stream"
PINGS=$(rj prices pings)
ok "echo: pings were sent ($PINGS)" test "$PINGS" -gt 100
is "$PINGS $(rj prices pongs)" "$(server ws.pings) $PINGS" \
    "echo: pings = the server's, each answered"
is "$(rj prices bytes_out bytes_in)" "$(server ws.bytes_in ws.bytes_out)" \
    "echo: payload bytes both ways = the server's"
like "$OUT" "prices \(websocket\): 20 attempts, 20 opened \(100\.00%\), 20 closed cleanly, 0 dropped" \
    "echo: the summary's streams"
like "$OUT" "messages +$SENT sent .*$((SENT - 20)) matched, 0 unmatched, 20 pushed" \
    "echo: the summary's messages"
is "$(sed -n 's/^timeseries\.[0-9]*\.messages_out=//p' "$T_TMP/report.flat" |
    awk '{ n += $1 } END { print n }')" "$SENT" \
    "echo: the series' messages out add up to those sent"

# --- json: replies matched by a field, in any order --------------------
scenario keyed <<EOF
name: keyed
target: {base_url: "$TARGET_URL"}
requests:
  - name: orders
    url: $WS/ws/echo
    websocket: {send: '{"id":"o-\${seq}","n":\${rand:1-9}}', message_rate: 20/s,
                reply: 'json:/id'}
phases:
  - {name: ws, kind: connections, use: orders, connections: 10, duration: 1s}
EOF
reset_server
run keyed
take
SENT=$(rj orders messages.sent)
ok "keyed: messages were sent ($SENT)" test "$SENT" -gt 50
is "$(rj orders messages.received messages.matched messages.unmatched)" \
    "$SENT $SENT 0" "keyed: each reply matched by its id"
is "$(server ws.messages_in ws.messages_out)" "$SENT $SENT" \
    "keyed: the server's counts"

# --- a feed: messages pushed, none sent --------------------------------
scenario feed <<EOF
name: feed
target: {base_url: "$TARGET_URL"}
requests:
  - {name: ticker, url: "$WS/ws/feed?rate=25", websocket: {}}
phases:
  - {name: ws, kind: connections, use: ticker, connections: 10, duration: 2s}
EOF
reset_server
run feed
take
GOT=$(rj ticker messages.received)
ok "feed: messages came ($GOT)" test "$GOT" -gt 300
is "$GOT" "$(server ws.messages_out)" \
    "feed: received = the server's messages out"
is "$(rj ticker messages.pushed messages.sent)" "$GOT 0" \
    "feed: every message pushed, none sent"
is "$(server ws.messages_in ws.closed)" "0 10" \
    "feed: the server got nothing, and 10 closes"

# --- SSE: streams the server ends --------------------------------------
scenario sse <<EOF
name: sse
target: {base_url: "$TARGET_URL"}
requests:
  - {name: ticks, path: "/sse?rate=100&count=20", sse: {}}
phases:
  - {name: sse, kind: connections, use: ticks, connections: 10,
     duration: 1500ms, reconnect: false}
EOF
reset_server
run sse
take
is "$RC" 0 "sse: exit 0"
is "$(rj ticks events)" 200 "sse: 10 streams of 20 events"
is "$(server sse.events sse.opened sse.closed)" "200 10 10" \
    "sse: the server sent 200 in 10 streams it ended"
is "$(rj ticks opened drops.closed reconnects closed)" "10 10 0 0" \
    "sse: each closed by the server, none opened again"
is "$(rj ticks first_event_ms.count gap_ms.count)" "10 190" \
    "sse: a first event per stream, a gap between the others"
like "$OUT" "events +200 " "sse: the summary's events"

# --- SSE: resumed with Last-Event-ID -----------------------------------
scenario resume <<EOF
name: resume
target: {base_url: "$TARGET_URL"}
requests:
  - {name: ticks, path: "/sse?rate=200&count=5", sse: {}}
phases:
  - {name: sse, kind: connections, use: ticks, connections: 5,
     duration: 1500ms, reconnect_delay: 100ms}
EOF
reset_server
run resume
take
# Each reconnect follows events, so each sends the last one's id.
RECONNECTS=$(rj ticks reconnects)
ok "resume: streams opened again ($RECONNECTS)" test "$RECONNECTS" -gt 0
is "$RECONNECTS" "$(server sse.resumed)" \
    "resume: each reconnect resumed, as the server saw"
is "$(rj ticks events)" "$(server sse.events)" "resume: events = the server's"
is "$(( $(rj ticks attempts) - RECONNECTS ))" 5 \
    "resume: every attempt past the first 5 a reconnect"

# --- a reconnect after the server drops a connection --------------------
stop_target
start_target --threads 2 --ws-drop-after 5
WS=ws://127.0.0.1:$TARGET_PORT
scenario drops <<EOF
name: drops
target: {base_url: "$TARGET_URL"}
requests:
  - name: prices
    url: $WS/ws/echo
    websocket: {send: 'm\${seq}', message_rate: 20/s}
phases:
  - {name: ws, kind: connections, use: prices, connections: 5,
     duration: 2s, reconnect_delay: 100ms}
EOF
run drops
take
RESETS=$(rj prices drops.reset)
ok "drops: the server's drops seen ($RESETS)" test "$RESETS" -gt 5
is "$RESETS" "$(server ws.dropped)" "drops: resets = the server's drops"
# A drop in the phase's last moment is not followed by a reconnect.
RECONNECTS=$(rj prices reconnects)
ok "drops: each opened again ($RECONNECTS of $RESETS)" \
    test "$RECONNECTS" -le "$RESETS" -a "$RECONNECTS" -ge $((RESETS - 5))
is "$(rj prices attempts opened)" "$((5 + RECONNECTS)) $(server ws.opened)" \
    "drops: attempts = opened = the server's"
is "$(rj prices messages.sent messages.received)" \
    "$(server ws.messages_in ws.messages_out)" "drops: messages = the server's"
stop_target

# --- more streams than open files --------------------------------------
scenario many <<EOF
name: many
target: {base_url: "$TARGET_URL"}
requests: [{name: feed, url: "ws://127.0.0.1:1/ws/feed", websocket: {}}]
phases: [{name: many, kind: connections, connections: 2000, duration: 1s}]
EOF
(ulimit -n 1000 && exec "$LOADTOP" --quiet --no-report "$T_TMP/many.yaml") \
    >"$T_TMP/many.out" 2>&1
is "$?" 3 "file limit: a phase past it is refused"
like "$(cat "$T_TMP/many.out")" \
    "phase 'many' holds 2000 connections, which need 2256 open files; the limit is 1000" \
    "file limit: saying what it needs"

# --- the bad peers -----------------------------------------------------
start_fixture stream-peers
PEER=127.0.0.1:$FIXTURE_PORT
# And a port that takes connections and never answers.
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(128)
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
time.sleep(60)' "$T_TMP/mute.port" &
T_PIDS="$T_PIDS $!"
i=0
while [ ! -s mute.port ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
MUTE=127.0.0.1:$(cat mute.port)

# One stream a peer (one thread: the requests take their turns), each
# dropped and opened again for 1.5 s.
scenario peers <<EOF
name: peers
target: {base_url: "http://$PEER"}
defaults: {timeout: 2s, connect_timeout: 300ms}
requests:
  - {name: refuse400, url: "ws://$PEER/refuse400", websocket: {}}
  - {name: refuse200, url: "ws://$PEER/refuse200", websocket: {}}
  - {name: badframe, url: "ws://$PEER/badframe", websocket: {}}
  - {name: badop, url: "ws://$PEER/badframe?kind=opcode", websocket: {}}
  - {name: bigframe, url: "ws://$PEER/bigframe", websocket: {}}
  - name: nopong
    url: ws://$PEER/nopong
    websocket: {send: 'm\${seq}', message_rate: 20/s, ping_interval: 100ms,
                pong_timeout: 300ms}
  - name: noclose
    url: ws://$PEER/noclose
    websocket: {send: 'm\${seq}', message_rate: 50/s}
  - {name: close1011, url: "ws://$PEER/close1011", websocket: {}}
  - {name: refused, url: "ws://127.0.0.1:1/nothing", websocket: {}}
  - {name: sse-malformed, path: /sse-malformed, sse: {}}
  - {name: sse-binary, path: "/sse-malformed?kind=binary", sse: {}}
  - {name: sse-silent, path: /sse-silent, sse: {first_event_timeout: 300ms}}
  - {name: sse-notsse, path: /sse-notsse, sse: {}}
  - {name: sse-end, path: /sse-end, sse: {}}
  - {name: ws-mute, url: "ws://$MUTE/", websocket: {}}
  - {name: sse-mute, url: "http://$MUTE/", sse: {}}
phases:
  - {name: peers, kind: connections, connections: 16, duration: 1500ms,
     reconnect_delay: 200ms}
EOF
run peers --threads 1
flat "$T_TMP/report.flat" <"$REPORT"
curl -s "http://$PEER/count" | flat "$T_TMP/server.flat"
is "$RC" 0 "peers: exit 0, no crash"
ok "peers: within the deadline ($SECS s)" test "$SECS" -le 5

# drops NAME: its drops by cause, those that had any.
drops() {
	sed -n "s|^$1\.drops\.\([a-z_]*\)=\([1-9][0-9]*\)\$|\1:\2|p" \
	    "$T_TMP/report.flat" | paste -sd' '
}
# Each attempt dropped by its peer's cause, but for one the phase's end
# may cut short.
for p in refuse400:handshake refuse200:handshake badframe:protocol \
    badop:protocol bigframe:too_big noclose:reset close1011:closed \
    refused:refused sse-malformed:too_big sse-binary:protocol \
    sse-silent:timeout sse-notsse:handshake sse-end:closed \
    ws-mute:timeout sse-mute:timeout; do
	name=${p%%:*}
	n=$(rj "$name" attempts)
	got=$(drops "$name")
	case $got in
	"${p#*:}:$n"|"${p#*:}:$((n - 1))") got="${p#*:}: all" ;;
	esac
	is "$got" "${p#*:}: all" "peers: $name: $n attempts, each ${p#*:}"
done
N=$(rj nopong drops.timeout)
is "$(drops nopong)" "timeout:$N" "peers: nopong: dropped as pongs timed out"
ok "peers: nopong: at least twice ($N)" test "$N" -ge 2
is "$(rj refuse400 handshake_statuses.0.code) $(rj refuse200 handshake_statuses.0.code) $(rj sse-notsse handshake_statuses.0.code)" \
    "400 200 200" "peers: the refused upgrades' statuses kept"
is "$(rj close1011 close_codes.0.code close_codes.0.count)" \
    "1011 $(rj close1011 drops.closed)" "peers: close1011: its code kept for each"
is "$(sed -n 's|^closes\./close1011\.[0-9]*=||p' "$T_TMP/server.flat" |
    sort -u | paste -sd' ')" 1011 "peers: close1011: answered with the same code"
# No lost counts: the connections and messages as the peers saw them.
is "$(rj refuse400 attempts) $(( $(rj badframe attempts) + $(rj badop attempts) ))" \
    "$(server paths./refuse400 paths./badframe)" \
    "peers: attempts = the connections the peers saw"
# 5 events in each stream the peer ended; fewer in one the phase's end
# may cut short, which may not have reached the peer at all.
E=$(rj sse-end events)
A=$(rj sse-end attempts)
S=$(server paths./sse-end)
ok "peers: sse-end: the streams the peer served ($S), one cut short at most ($A attempts)" \
    test "$S" -le "$A" -a "$A" -le $((S + 1))
ok "peers: sse-end: 5 events a stream the peer ended ($E)" \
    test "$E" -ge $(( $(rj sse-end drops.closed) * 5 )) -a "$E" -le $((S * 5))
# Those sent as the peer hangs up may never reach it.
is "$(rj noclose messages.matched)" "$(server messages./noclose)" \
    "peers: noclose: every message the peer got, echoed and matched"
ok "peers: noclose: none counted that was not sent" \
    test "$(rj noclose messages.sent)" -ge "$(server messages./noclose)"
is "$(rj nopong messages.sent pings pongs)" \
    "$(server messages./nopong pings./nopong) 0" \
    "peers: nopong: messages and pings as the peer saw them, no pong"
ok "peers: bigframe: capped, not read whole" \
    test "$(rj bigframe bytes_in)" -lt 10000000
is "$(rj sse-malformed events)" "$(rj sse-malformed attempts)" \
    "peers: sse-malformed: the one good event of each"
like "$OUT" "dropped +handshake [0-9]+ \(400 x [0-9]+\)" \
    "peers: the summary's refused upgrades"
like "$OUT" "dropped +closed [0-9]+ \(1011 x [0-9]+\)" \
    "peers: the summary's close codes"

done_testing
