#!/bin/sh
# HTTPS with a self-signed certificate, HTTP/1.1 and HTTP/2, against a
# real nginx on loopback: the TLS handshake shows in the timing, HTTP/2
# multiplexes, and a certificate that is not trusted is refused unless
# insecure_tls says otherwise.
. "$top_srcdir/tests/lib.sh"

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
	echo "1..0 # SKIP nginx is not installed (scripts/bootstrap installs it)"
	exit 0
fi
cd "$T_TMP" || exit 1

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p www
printf 'hello\n' >www/hello.txt
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -days 2 -subj /CN=127.0.0.1 >/dev/null 2>&1
cat >nginx.conf <<EOF
worker_processes 1;
pid $T_TMP/nginx.pid;
error_log $T_TMP/error.log;
events { worker_connections 1024; }
http {
	access_log $T_TMP/access.log;
	client_body_temp_path $T_TMP; proxy_temp_path $T_TMP;
	fastcgi_temp_path $T_TMP; uwsgi_temp_path $T_TMP; scgi_temp_path $T_TMP;
	keepalive_requests 100000;
	server {
		listen 127.0.0.1:$port ssl http2;
		ssl_certificate $T_TMP/cert.pem;
		ssl_certificate_key $T_TMP/key.pem;
		root $T_TMP/www;
	}
}
EOF
"$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" 2>"$T_TMP/nginx.err"
i=0
while [ ! -s "$T_TMP/nginx.pid" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
T_PIDS="$T_PIDS $(cat "$T_TMP/nginx.pid" 2>/dev/null)"
url="https://127.0.0.1:$port/hello.txt"

# versions COUNT: how many requests the server logged per HTTP version.
versions() {
	awk '{print $8}' access.log | tr -d '"' | sort | uniq -c |
	    awk '{printf "%s %s;", $2, $1}'
}

out=$("$LOADTOP" --quiet --no-report -n 200 -c 10 -k "$url" 2>&1)
like "$out" 'requests +200 sent, 200 completed' "HTTPS: 200 requests"
like "$out" 'classes +ok 200 ' "HTTPS: all answered 200"
like "$out" 'tls p50 [0-9.]+(us|ms)' "HTTPS: the TLS handshake is timed"
is "$(versions)" "HTTP/1.1 200;" "HTTPS: HTTP/1.1 unless asked"

: >access.log
"$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" -s reopen 2>/dev/null
sleep 0.2
out=$("$LOADTOP" --quiet --no-report -n 200 -c 10 -k --http2 "$url" 2>&1)
like "$out" 'classes +ok 200 ' "HTTP/2: all answered 200"
is "$(versions)" "HTTP/2.0 200;" "HTTP/2: every request over HTTP/2"
like "$out" 'tls p50' "HTTP/2: the handshakes are timed"

out=$("$LOADTOP" --quiet --no-report -n 5 -c 1 "$url" 2>&1)
like "$out" 'transport_error 5 ' \
    "an untrusted certificate is refused without --insecure"
like "$out" 'failed +SSL peer certificate .*: 5' \
    "the summary says why the requests failed"

cat >tls.yaml <<EOF
name: tls
target: {base_url: "https://127.0.0.1:$port"}
defaults: {insecure_tls: true, http_version: 2}
requests: [{path: /hello.txt}]
phases: [{kind: burst, requests: 50, concurrency: 5}]
EOF
out=$("$LOADTOP" --quiet --no-report tls.yaml 2>&1)
like "$out" 'classes +ok 50 ' "insecure_tls and http_version 2 from a scenario"

"$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" -s stop 2>/dev/null
done_testing
