#!/bin/sh
# HTTPS with a self-signed certificate, HTTP/1.1 and HTTP/2, against a
# real nginx on loopback: the TLS handshake shows in the timing, HTTP/2
# multiplexes, and a certificate that is not trusted is refused unless
# insecure_tls says otherwise.
. "$top_srcdir/tests/lib.sh"

if [ ! -x "$NGINX" ]; then
	echo "1..0 # SKIP nginx is not installed (scripts/bootstrap installs it)"
	exit 0
fi
cd "$T_TMP" || exit 1

port=$(free_port)
mkdir -p www
printf 'hello\n' >www/hello.txt
self_signed
start_nginx <<EOF || { echo "Bail out! nginx did not start"; exit 1; }
	access_log $T_TMP/access.log;
	keepalive_requests 100000;
	server {
		listen 127.0.0.1:$port ssl http2;
		ssl_certificate $T_TMP/cert.pem;
		ssl_certificate_key $T_TMP/key.pem;
		root $T_TMP/www;
	}
EOF
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

# ${seq} from two threads, each taking its own blocks of numbers: every
# request the server logged had a number of its own.
: >access.log
"$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" -s reopen 2>/dev/null
sleep 0.2
out=$("$LOADTOP" --quiet --no-report -n 500 -c 10 -t 2 -k \
    "https://127.0.0.1:$port/hello.txt?n=\${seq}" 2>&1)
like "$out" 'classes +ok 500 ' "\${seq}: 500 requests answered"
is "$(awk '{print $7}' access.log | sort -u | wc -l | tr -d ' ')" 500 \
    "\${seq}: 500 numbers, none twice, from two threads"

# A self-signed certificate fails verification however the machine's CA
# store stands: with one, libcurl says CURLE_PEER_FAILED_VERIFICATION (60)
# or CURLE_SSL_ISSUER_ERROR (83); with none, CURLE_SSL_CACERT_BADFILE (77)
# before it looks at the peer.  The summary names a failure by its
# curl_easy_strerror text, so ask loadtop's own libcurl for the text of
# each of these codes.
libcurl=$(ldd "$LOADTOP" 2>/dev/null | awk '$1 ~ /^libcurl/ { print $3; exit }')
python3 - "${libcurl:-libcurl.so.4}" 60 77 83 >verify.txt <<'PY'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
lib.curl_easy_strerror.restype = ctypes.c_char_p
lib.curl_easy_strerror.argtypes = [ctypes.c_int]
for code in sys.argv[2:]:
    print(lib.curl_easy_strerror(int(code)).decode())
PY
is "$(wc -l <verify.txt)" 3 "libcurl names its certificate verification failures"

out=$("$LOADTOP" --quiet --no-report -n 5 -c 1 "$url" 2>&1)
like "$out" 'classes +ok 0 .*transport_error 5 ' \
    "an untrusted certificate is refused without --insecure"
# How many failures the summary puts down to certificate verification.
refused=$(printf '%s\n' "$out" | awk '
	NR == FNR { verify[$0] = 1; next }
	/^  failed / {
		what = $0; sub(/^  failed +/, "", what); sub(/: [0-9]+$/, "", what)
		if (what in verify) n += $NF
	}
	END { print n + 0 }' verify.txt -)
is "$refused" 5 "the summary puts all 5 failures down to certificate verification"
printf '%s\n' "$out" | sed -n 's/^  failed  *\(.*\)/# refused: \1/p'

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
