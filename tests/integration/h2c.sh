#!/bin/sh
# HTTP/2 without TLS against a real nginx on loopback: prior knowledge
# (h2c) on kept-alive connections, every request answered over HTTP/2 and
# counted as nginx counts it; and http_version 2 against servers that
# speak HTTP/1.1 only, in the clear (one clear error before the run) and
# over TLS (negotiated down to HTTP/1.1).
. "$top_srcdir/tests/lib.sh"

if [ ! -x "$NGINX" ]; then
	echo "1..0 # SKIP nginx is not installed (scripts/bootstrap installs it)"
	exit 0
fi
cd "$T_TMP" || exit 1

# The libcurl loadtop runs with, as "major.minor.patch".
libcurl=$(ldd "$LOADTOP" 2>/dev/null | awk '$1 ~ /^libcurl/ { print $3; exit }')
curl_version=$(python3 - "${libcurl:-libcurl.so.4}" <<'PY'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
lib.curl_version.restype = ctypes.c_char_p
print(lib.curl_version().decode().split()[0].split("/")[1])
PY
)
curl_major=${curl_version%%.*}
echo "# libcurl $curl_version"

h2c=$(free_port)
h1=$(free_port)
h1tls=$(free_port)
mkdir -p www
printf 'hello\n' >www/hello.txt
self_signed
start_nginx <<EOF || { echo "Bail out! nginx did not start"; exit 1; }
	log_format proto '\$server_port \$server_protocol \$status \$connection';
	access_log $T_TMP/access.log proto;
	keepalive_requests 100000;
	http2_max_requests 100000;
	root $T_TMP/www;
	server { listen 127.0.0.1:$h2c http2; }
	server { listen 127.0.0.1:$h1; }
	server {
		listen 127.0.0.1:$h1tls ssl;
		ssl_certificate $T_TMP/cert.pem;
		ssl_certificate_key $T_TMP/key.pem;
	}
EOF

# A new, empty access log.
fresh_log() {
	: >access.log
	"$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" -s reopen 2>/dev/null
	sleep 0.2
}

# logged PORT: "PROTOCOL STATUS COUNT;" for each kind of line nginx
# logged on PORT.
logged() {
	awk -v p="$1" '$1 == p { print $2, $3 }' access.log | sort | uniq -c |
	    awk '{ printf "%s %s %s;", $2, $3, $1 }'
}

# scenario NAME BASE_URL REQUESTS CONCURRENCY: an http_version 2 burst.
scenario() {
	cat >"$1.yaml" <<EOF
name: $1
target: {base_url: "$2"}
defaults: {http_version: 2, insecure_tls: true}
requests: [{path: /hello.txt}]
phases: [{kind: burst, requests: $3, concurrency: $4}]
EOF
}

# --- prior knowledge on kept-alive connections -------------------------
# Before libcurl 8.0 prior knowledge broke on the second request of a
# connection (curl issue 10634), so loadtop asks for an Upgrade instead,
# which nginx does not take: there is nothing to check.
why="libcurl $curl_version is older than 8.0, whose HTTP/2 prior knowledge breaks on a reused connection (curl issue 10634)"
if [ "$curl_major" -ge 8 ]; then
	fresh_log
	scenario h2c "http://127.0.0.1:$h2c" 2000 10
	out=$("$LOADTOP" --quiet --no-report -t 2 h2c.yaml 2>&1)
	status=$?
	is "$status" 0 "h2c: the run succeeds"
	like "$out" 'requests +2000 sent, 2000 completed, 2000 responses' \
	    "h2c: 2000 requests sent and answered"
	like "$out" 'classes +ok 2000 \(100\.0%\)$' "h2c: every one ok"
	is "$(logged "$h2c")" "HTTP/2.0 200 2000;" \
	    "h2c: nginx logged the same 2000, all over HTTP/2, all 200"
	conns=$(awk -v p="$h2c" '$1 == p { print $4 }' access.log | sort -u |
	    wc -l | tr -d ' ')
	ok "h2c: connections reused (2000 requests on $conns connections)" \
	    test "$conns" -ge 1 -a "$conns" -le 100

	fresh_log
	out=$("$LOADTOP" --quiet --no-report -n 300 -c 5 --http2 \
	    "http://127.0.0.1:$h2c/hello.txt" 2>&1)
	like "$out" 'classes +ok 300 \(100\.0%\)$' "h2c --http2: every one ok"
	is "$(logged "$h2c")" "HTTP/2.0 200 300;" \
	    "h2c --http2: nginx logged 300 over HTTP/2"
else
	for what in "the run succeeds" "2000 requests sent and answered" \
	    "every one ok" "nginx logged the same 2000" "connections reused" \
	    "--http2: every one ok" "--http2: nginx logged 300"; do
		T_N=$((T_N + 1))
		echo "ok $T_N - h2c: $what # SKIP $why"
	done
fi

# --- http_version 2 against HTTP/1.1 only, in the clear ---------------
fresh_log
scenario h1 "http://127.0.0.1:$h1" 200 4
out=$("$LOADTOP" --quiet --no-report h1.yaml 2>&1)
status=$?
if [ "$curl_major" -ge 8 ]; then
	# Prior knowledge: the server must speak HTTP/2 in the clear.
	is "$status" 3 "h1 in the clear: the run is refused (exit 3)"
	like "$out" "^loadtop: http://127\\.0\\.0\\.1:$h1 does not speak HTTP/2 in the clear: it answered HTTP/2's preface with \"HTTP/1\\.1 400 Bad Request\"; set http_version: 1\\.1 \\(or leave out --http2\\), or use https:// to negotiate HTTP/2 over TLS$" \
	    "h1 in the clear: one line says why and what to set"
	is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 \
	    "h1 in the clear: nothing else is printed"
	is "$(logged "$h1")" "- 400 1;" \
	    "h1 in the clear: no request reached the server, only the preface"
	out=$("$LOADTOP" --quiet --no-report -n 50 -c 2 --http2 \
	    "http://127.0.0.1:$h1/hello.txt" 2>&1)
	is "$?" 3 "h1 in the clear, --http2: refused too (exit 3)"
	like "$out" "does not speak HTTP/2 in the clear: .*leave out --http2" \
	    "h1 in the clear, --http2: the same reason"
else
	# An Upgrade the server ignores: the run goes on in HTTP/1.1.
	is "$status" 0 "h1 in the clear: the run succeeds"
	like "$out" 'classes +ok 200 \(100\.0%\)$' \
	    "h1 in the clear: every one ok, over the Upgrade's fallback"
	is "$(logged "$h1")" "HTTP/1.1 200 200;" \
	    "h1 in the clear: nginx logged 200 over HTTP/1.1"
fi

# Down or silent: left to the run, which says the target did not answer.
out=$("$LOADTOP" --quiet --no-report -n 5 -c 1 --http2 \
    "http://127.0.0.1:$(free_port)/hello.txt" 2>&1)
like "$out" 'no request got an answer \(Could(n.t| not) connect to server\)' \
    "nothing listening: the run's own message, not the HTTP/2 one"

# --- http_version 2 against HTTP/1.1 only, over TLS -------------------
fresh_log
scenario h1tls "https://127.0.0.1:$h1tls" 200 4
out=$("$LOADTOP" --quiet --no-report h1tls.yaml 2>&1)
is "$?" 0 "h1 over TLS: the run succeeds"
like "$out" 'classes +ok 200 \(100\.0%\)$' "h1 over TLS: every one ok"
is "$(logged "$h1tls")" "HTTP/1.1 200 200;" \
    "h1 over TLS: negotiated down, nginx logged 200 over HTTP/1.1"

"$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" -s stop 2>/dev/null
done_testing
