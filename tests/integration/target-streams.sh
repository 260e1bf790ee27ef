#!/bin/sh
# loadtop-target's WebSockets (/ws/echo, /ws/feed) and event streams
# (/sse), driven by a small client and reconciled with /stats exactly;
# and the bad stream peers of stream-peers.py, each as documented.
. "$top_srcdir/tests/lib.sh"

CLIENT="$TESTDATA/fixtures/stream-client.py"

# ws PATH STEP...: what the client saw, its lines joined by '|'.
ws() {
	_path=$1
	shift
	python3 "$CLIENT" ws "ws://127.0.0.1:$PORT$_path" "$@" 2>&1 |
	    paste -sd'|' -
}

# sse PATH [SECONDS [LAST-EVENT-ID]]
sse() {
	_path=$1
	shift
	python3 "$CLIENT" sse "http://127.0.0.1:$PORT$_path" "$@" 2>&1 |
	    paste -sd'|' -
}

# stats GROUP.NAME...: those counters of /stats, space-separated.
stats() {
	curl -s "$TARGET_URL/stats" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(str(d[g][k]) for g, k in (a.split(".") for a in sys.argv[1:])))
' "$@"
}

# settle: wait until no stream is open, so that none ends after a reset.
settle() {
	_i=0
	while [ "$(stats ws.open sse.open)" != "0 0" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# sum_counts TEXT: the sum of the "count text N" lines in TEXT.
sum_counts() {
	printf '%s\n' "$1" | tr '|' '\n' |
	    awk '$1 == "count" && $2 == "text" { n += $3 } END { print n + 0 }'
}

start_target
PORT=$TARGET_PORT

# --- the handshake -----------------------------------------------------
is "$(ws /ws/echo send:hello recv)" "101|text hello" \
    "/ws/echo upgrades (Sec-WebSocket-Accept checked) and echoes"
is "$(curl -s -o /dev/null -w '%{http_code}' "$TARGET_URL/ws/echo")" 426 \
    "a plain GET /ws/echo is a 426"
like "$(curl -s -i "$TARGET_URL/ws/echo")" "Sec-WebSocket-Version: 13" \
    "the 426 names the protocol version"
is "$(curl -s -o /dev/null -w '%{http_code}' -H 'Upgrade: websocket' \
    -H 'Connection: Upgrade' -H 'Sec-WebSocket-Version: 8' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$TARGET_URL/ws/echo")" \
    426 "another protocol version is a 426"
is "$(curl -s -w ' %{http_code}' -H 'Upgrade: websocket' \
    -H 'Connection: Upgrade' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: short' "$TARGET_URL/ws/echo")" \
    '{"status":"bad_request"} 400' "a key that is not 16 bytes is a 400"
is "$(ws '/ws/feed?rate=0')" 400 "a feed at rate 0 is a 400"
is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$TARGET_URL/ws/echo")" \
    405 "POST /ws/echo is a 405"

# --- frames ------------------------------------------------------------
is "$(ws /ws/echo frag:hel,lo recv)" "101|text hello" \
    "a fragmented message is echoed whole"
is "$(ws /ws/echo bin:300 recv bin:70000 recv)" "101|binary 300|binary 70000" \
    "binary messages with 16- and 64-bit lengths are echoed"
is "$(ws /ws/echo ping:p1 recv send:a recv)" "101|pong p1|text a" \
    "a ping is answered with a pong of the same payload"
is "$(ws /ws/echo close:1000 recv recv)" "101|close 1000|eof" \
    "a close is answered with the same code, then the connection ends"
is "$(ws /ws/echo close:4000 recv)" "101|close 4000" \
    "an application's close code comes back as well"
is "$(ws /ws/echo close: recv)" "101|close -" \
    "a close without a code is answered without one"
is "$(ws /ws/echo raw:c180000000 recv)" "101|close 1002" \
    "a reserved bit is a protocol error (1002)"
is "$(ws /ws/echo raw:810161 recv)" "101|close 1002" \
    "an unmasked client frame is a protocol error"
is "$(ws /ws/echo raw:808000000000 recv)" "101|close 1002" \
    "a continuation with nothing to continue is a protocol error"
is "$(ws /ws/echo raw:89fe007e00000000 recv)" "101|close 1002" \
    "a ping longer than 125 bytes is a protocol error"
is "$(ws /ws/echo raw:818100000000ff recv)" "101|close 1007" \
    "a text message that is not UTF-8 is closed with 1007"
is "$(ws /ws/echo close:999 recv)" "101|close 1002" \
    "a close code no one may send is a protocol error"
is "$(ws /ws/echo big:17000000 recv)" "101|close 1009" \
    "a message over 16 MiB is closed with 1009"

# --- the feed ----------------------------------------------------------
settle
curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
out=$(ws '/ws/feed?rate=50' count:1 close:1000 count:2)
like "$out" "^101\|count text (3[5-9]|4[0-9]|5[0-5])\|seq 1\.\." \
    "/ws/feed?rate=50 pushes about 50 messages a second, from seq 1"
like "$out" "gaps 0" "the feed's seqs have no gaps"
like "$out" "close 1000$" "the feed answers a close"
is "$(sum_counts "$out")" "$(stats ws.messages_out)" \
    "every message the feed sent was received"
like "$(ws '/ws/feed?rate=1' ping:p recv recv)" \
    '^101\|text \{"seq":1,"t":[0-9]+\}\|pong p$' \
    "the feed pushes at once and answers pings"
is "$(ws '/ws/feed?rate=1' send:x count:0.5)" '101|count text 1|seq 1..1 gaps 0' \
    "the feed echoes nothing"

# --- drops -------------------------------------------------------------
before=$(stats ws.dropped)
is "$(ws '/ws/echo?drop_after=2' send:a send:b send:c drain:3)" \
    "101|text a|text b|eof" "drop_after=2 ends after two echoes, no close"
is "$(ws '/ws/feed?rate=100&drop_after=5' count:3)" \
    "101|count text 5|seq 1..5 gaps 0|eof" "a feed drops after 5 messages"
settle
is "$(stats ws.dropped)" "$((before + 2))" "both count as dropped"

# --- exact counts ------------------------------------------------------
settle
curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
is "$(stats ws.opened ws.closed ws.messages_in ws.open)" "0 0 0 0" \
    "DELETE /stats zeroes the ws counters"
is "$(python3 "$CLIENT" echo "ws://127.0.0.1:$PORT/ws/echo" 40 25)" \
    "sent 1000 echoed 1000 closed 40" "40 clients of 25 messages at once"
# Messages m0..m24: 10 of 2 bytes, 15 of 3, so 65 bytes a client.
is "$(stats ws.opened ws.closed ws.dropped ws.messages_in ws.messages_out \
    ws.bytes_in ws.bytes_out ws.open)" "40 40 0 1000 1000 2600 2600 0" \
    "/stats counts them exactly"
ws /ws/echo ping:a recv ping:b recv close:1000 recv >/dev/null
is "$(stats ws.pings ws.messages_in ws.closed)" "2 1000 41" \
    "pings are counted apart from messages"

# --- event streams -----------------------------------------------------
is "$(sse '/sse?rate=50&count=10')" \
    "status 200|type text/event-stream|events 10 first 1 last 10|end" \
    "/sse?count=10 sends events 1 to 10, then ends"
is "$(sse '/sse?rate=50&count=10' 5 4)" \
    "status 200|type text/event-stream|events 6 first 5 last 10|end" \
    "Last-Event-ID: 4 resumes at 5"
is "$(sse '/sse?rate=50&count=10' 5 10)" "status 204|type -|events 0|end" \
    "nothing left after Last-Event-ID: 10 is a 204"
like "$(sse '/sse?rate=10' 0.45)" "events [3-5] first 1 last [3-5]\|timeout$" \
    "rate=10 without a count: the first at once, one every 100 ms"
is "$(curl -s -w ' %{http_code}' "$TARGET_URL/sse?rate=0")" \
    '{"status":"bad_request"} 400' "rate=0 is a 400"
is "$(curl -s -o /dev/null -w '%{http_code}' "$TARGET_URL/sse?count=x")" 400 \
    "a count that is not a number is a 400"
like "$(curl -s -i "$TARGET_URL/sse?count=1")" "Cache-Control: no-cache" \
    "event streams are not to be cached"

settle
curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
python3 "$CLIENT" sses "http://127.0.0.1:$PORT/sse?rate=100&count=5" 30 \
    >"$T_TMP/fresh" &
fresh=$!
python3 "$CLIENT" sses "http://127.0.0.1:$PORT/sse?rate=100&count=5" 30 2 \
    >"$T_TMP/resumed"
wait $fresh
is "$(cat "$T_TMP/fresh")" "streams 30 events 150 ended 30" \
    "30 streams at once got their 5 events"
is "$(cat "$T_TMP/resumed")" "streams 30 events 90 ended 30" \
    "30 resumed streams at once got the 3 left"
is "$(stats sse.opened sse.closed sse.events sse.resumed sse.open)" \
    "60 60 240 30 0" "/stats counts the streams and their events exactly"

# --- stopping ----------------------------------------------------------
python3 "$CLIENT" ws "ws://127.0.0.1:$PORT/ws/echo" count:10 >"$T_TMP/held" &
held=$!
i=0
while [ "$(stats ws.open)" != 1 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
stop_target
wait $held
is "$(paste -sd'|' "$T_TMP/held")" "101|count close 1|close 1001" \
    "a stopping target closes its WebSockets with 1001"

start_target --ws-drop-after 3
PORT=$TARGET_PORT
is "$(ws /ws/echo send:a send:b send:c send:d drain:3)" \
    "101|text a|text b|text c|eof" "--ws-drop-after 3 drops after three"
settle
is "$(stats ws.dropped ws.closed)" "1 0" "and that is a drop"
stop_target

# --- the bad peers -----------------------------------------------------
cd "$T_TMP" || exit 1
start_fixture stream-peers
PORT=$FIXTURE_PORT

is "$(ws /refuse400)" 400 "/refuse400 refuses the upgrade with a 400"
is "$(ws /refuse200)" 200 "/refuse200 answers 200 without an upgrade"
is "$(ws /nowhere)" 404 "another path is a 404"
is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/nopong")" \
    426 "a WebSocket path without the handshake is a 426"
is "$(ws /badframe recv close:1002 recv)" "101|bad c102|close 1002" \
    "/badframe sends a reserved bit, and answers the 1002"
is "$(ws '/badframe?kind=opcode' recv)" "101|bad 8302" \
    "/badframe?kind=opcode sends opcode 3"
is "$(ws /bigframe recv)" "101|huge 104857600" \
    "/bigframe announces 100 MiB"
is "$(ws /nopong ping:x send:a recv recv:0.5)" "101|text a|timeout" \
    "/nopong echoes, and never answers the ping"
is "$(ws /noclose send:1 send:2 send:3 drain:3)" "101|text 1|text 2|text 3|eof" \
    "/noclose echoes 3, then ends without a close frame"
is "$(ws /close1011 recv close:1011 recv)" "101|close 1011|eof" \
    "/close1011 closes with 1011 and waits for the answer"
is "$(sse /sse-malformed 0.5)" \
    "status 200|type text/event-stream|events 1 first 1 last 1|timeout" \
    "/sse-malformed: one event, then a line that never ends"
is "$(sse '/sse-malformed?kind=binary' 1)" \
    "status 200|type text/event-stream|events 3 first 1 last 3|end" \
    "/sse-malformed?kind=binary: an event that is not UTF-8 among two"
is "$(sse /sse-silent 0.5)" "status 200|type text/event-stream|events 0|timeout" \
    "/sse-silent sends no event"
is "$(sse /sse-notsse 1)" "status 200|type text/plain|events 0|end" \
    "/sse-notsse is text/plain"
is "$(sse /sse-end 1)" \
    "status 200|type text/event-stream|events 5 first 1 last 5|end" \
    "/sse-end sends 5 events and ends"
is "$(sse /sse-end 1 7)" \
    "status 200|type text/event-stream|events 5 first 8 last 12|end" \
    "/sse-end after Last-Event-ID: 7 sends 8 to 12"
is "$(curl -s "http://127.0.0.1:$PORT/count" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["paths"]["/sse-end"], d["paths"]["/badframe"], d["messages"]["/noclose"],
      d["pings"]["/nopong"], d["closes"]["/badframe"], d["closes"]["/close1011"])
')" "2 2 3 1 [1002] [1011]" "/count holds what the peers saw"

done_testing
