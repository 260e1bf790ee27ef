#!/bin/sh
# Streams over TLS: wss:// and SSE over https://, through a real nginx
# that ends TLS in front of loadtop-target, counts reconciled with the
# target's /stats; a certificate not trusted refuses every stream unless
# insecure_tls says otherwise.
. "$top_srcdir/tests/lib.sh"

if [ ! -x "$NGINX" ]; then
	echo "1..0 # SKIP nginx is not installed (scripts/bootstrap installs it)"
	exit 0
fi
if ! grep -q '^#define HAVE_CURL_WS 1' "$top_builddir/config.h"; then
	echo "1..0 # SKIP this loadtop's libcurl has no WebSocket"
	exit 0
fi
cd "$T_TMP" || exit 1

start_target --threads 2
port=$(free_port)
self_signed
start_nginx <<EOF || { echo "Bail out! nginx did not start"; exit 1; }
	access_log off;
	server {
		listen 127.0.0.1:$port ssl;
		ssl_certificate $T_TMP/cert.pem;
		ssl_certificate_key $T_TMP/key.pem;
		location / {
			proxy_pass http://127.0.0.1:$TARGET_PORT;
			proxy_http_version 1.1;
			proxy_set_header Upgrade \$http_upgrade;
			proxy_set_header Connection "upgrade";
			proxy_buffering off;
			proxy_read_timeout 30s;
		}
	}
EOF
BASE=https://127.0.0.1:$port

# pick KEY...: the values at the dotted KEYs of the JSON on stdin.
pick() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
out = []
for k in sys.argv[1:]:
    v = d
    for p in k.split("."):
        v = v[p]
    out.append(str(v))
print(" ".join(out))' "$@"
}

# stats KEY...: loadtop-target's own counts.
stats() {
	curl -s "$TARGET_URL/stats" | pick "$@"
}

# report NAME KEY...: fields of the stream NAME in the last report.json.
report() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps([x for x in d["streams"] if x["name"] == sys.argv[2]][0]))' \
	    "$T_TMP/r/report.json" "$1" | { shift; pick "$@"; }
}

# scenario INSECURE: both streams through nginx; base_url's https:// turns
# a websocket's path into wss://.
scenario() {
	cat >"$T_TMP/wss.yaml" <<EOF
name: wss
target: {base_url: "$BASE"}
defaults: {insecure_tls: $1}
requests:
  - name: prices
    path: /ws/echo
    websocket: {send: '{"seq":\${seq}}', message_rate: 10/s, reply: echo,
                ping_interval: 200ms}
  - {name: ticks, path: "/sse?rate=100&count=10", sse: {}}
phases:
  - {name: ws, kind: connections, use: prices, connections: 10,
     connect_rate: 100/s, duration: 1500ms}
  - {name: sse, kind: connections, use: ticks, connections: 5,
     duration: 1s, reconnect: false}
EOF
}

scenario true
curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
rm -rf r
timeout 30 "$LOADTOP" --headless --report="$T_TMP/r" wss.yaml \
    >out 2>err
is "$?" 0 "wss: exit 0"
is "$(report prices attempts opened closed connect_errors)" "10 10 10 0" \
    "wss: 10 opened over TLS and closed cleanly"
is "$(stats ws.opened ws.closed ws.dropped)" "10 10 0" \
    "wss: the target saw 10 opened and closed, through nginx"
SENT=$(report prices messages.sent)
ok "wss: messages were sent ($SENT)" test "$SENT" -gt 100
is "$SENT $(report prices messages.received messages.unmatched)" \
    "$(stats ws.messages_in ws.messages_out) 0" \
    "wss: sent and received = the target's messages in and out"
is "$(report prices pings)" "$(report prices pongs)" "wss: every ping answered"
is "$(report ticks opened events drops.closed)" "5 50 5" \
    "sse over https: 5 streams of 10 events, each ended by the server"
is "$(stats sse.events)" 50 "sse over https: the target sent 50 events"

# Not trusted: no stream opens, each attempt a refusal, and none reaches
# the target.
scenario false
curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
rm -rf r
timeout 30 "$LOADTOP" --headless --report="$T_TMP/r" wss.yaml \
    >out 2>err
rc=$?
ok "untrusted: the run ends (status $rc)" test "$rc" -lt 128
is "$(report prices opened) $(report ticks opened)" "0 0" \
    "untrusted: no stream opened"
is "$rc" 3 "untrusted: no stream reached its server: exit 3"
like "$(cat err)" "no stream reached its server" "untrusted: and says so"
A=$(report prices attempts)
ok "untrusted: the websocket was attempted ($A)" test "$A" -ge 10
# Those the phase's end cuts short are not drops; every other is tls.
T=$(report prices drops.tls)
ok "untrusted: websocket attempts failed their TLS handshake ($T of $A)" \
    test "$T" -gt 0
is "$(report prices drops.tls)" "$(report prices connect_errors)" \
    "untrusted: no websocket dropped for another cause"
is "$(report ticks drops.tls)" "$(report ticks connect_errors)" \
    "untrusted: no SSE stream dropped for another cause"
like "$(cat out)" "dropped +tls [0-9]+" "untrusted: the summary names the cause"
is "$(stats ws.opened sse.opened)" "0 0" "untrusted: nothing reached the target"

done_testing
