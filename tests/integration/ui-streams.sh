#!/bin/sh
# The dashboard's Streams view in a tmux pane, against loadtop-target's
# /ws/echo and /sse: the overview's streams panel while a connections
# phase runs, the view by key and by Tab, both sizes, and the report
# written on q.
. "$top_srcdir/tests/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi

. "$top_srcdir/tests/integration/ui-tmux.sh"

start_target
cat >"$T_TMP/s.yaml" <<YAML
version: 1
name: ui-streams
target: {base_url: $TARGET_URL}
requests:
  - name: prices
    path: /ws/echo
    websocket: {send: '{"seq":\${seq}}', message_rate: 5/s, ping_interval: 1s}
  - name: ticks
    path: /sse?rate=10
    sse: {}
phases:
  - {name: ws, kind: connections, use: prices, connections: 20, duration: 60s}
YAML

start_pane "LC_ALL=C.UTF-8 '$LOADTOP' s.yaml --pid $TARGET_PID --report '$T_TMP/r' --fps 10"
if wait_for 'loadtop +ui-streams +phase 1/1' 15; then
	ok "the dashboard comes up" true
else
	printf '%s\n' "$SHOT" | sed 's/^/# /'
	echo "Bail out! the dashboard did not come up"
	exit 1
fi
ok "the overview shows the streams, 20 open" wait_for ' 20 open' 10
ok "and no request throughput" sh -c "! printf '%s\n' \"\$0\" | grep -q 'Throughput'" "$SHOT"
tm send-keys -t ui 6
ok "6 shows the Streams view" wait_for 'Streams' 5
like "$SHOT" 'prices' "with the WebSocket request"
ok "its round trips" wait_for 'rtt' 5
ok "and its pings" wait_for 'ping +[0-9]' 10
tm send-keys -t ui Tab
ok "Tab leaves it for the overview" wait_for '1 Overview' 5
tm resize-window -t ui -x 80 -y 24 2>/dev/null
tm send-keys -t ui 6
ok "at 80x24 the view still shows the stream" wait_for 'prices' 5
ok "and the footer" wait_for 'q quit' 5
tm send-keys -t ui q
ok "q quits" wait_for 'loadtop exited with [01]' 15
ok "the report has the streams" grep -q '^## Streams' "$T_TMP/r/report.md"

done_testing
