# Shared helpers for the integration tests.  Each test script sources this
# file and reports in TAP: one "ok"/"not ok" line per check, the plan last.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
LOADTOP="$top_builddir/loadtop"
TARGET="$top_builddir/loadtop-target"
SCENARIOS="$top_srcdir/scenarios"
TESTDATA="$top_srcdir/tests"
export LOADTOP TARGET SCENARIOS TESTDATA

T_N=0
T_FAILED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/loadtop-test.XXXXXX")
T_PIDS=""

t_cleanup() {
	for p in $T_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $T_PIDS; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

# ok NAME COMMAND...: the command must succeed.
ok() {
	_name=$1
	shift
	T_N=$((T_N + 1))
	if "$@" >"$T_TMP/ok.out" 2>&1; then
		echo "ok $T_N - $_name"
	else
		T_FAILED=$((T_FAILED + 1))
		echo "not ok $T_N - $_name"
		sed 's/^/# /' "$T_TMP/ok.out" | head -20
	fi
}

# is GOT WANT NAME: string equality.
is() {
	T_N=$((T_N + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $T_N - $3"
	else
		T_FAILED=$((T_FAILED + 1))
		echo "not ok $T_N - $3"
		echo "#   got:  '$1'"
		echo "#   want: '$2'"
	fi
}

# like GOT REGEX NAME: extended regular expression match.
like() {
	T_N=$((T_N + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		echo "ok $T_N - $3"
	else
		T_FAILED=$((T_FAILED + 1))
		echo "not ok $T_N - $3"
		printf '%s\n' "$1" | head -20 | sed 's/^/#   got: /'
		echo "#   want match: $2"
	fi
}

# Print the plan; call once at the end.
done_testing() {
	echo "1..$T_N"
}

# start_target [FLAGS...]: run loadtop-target on a free loopback port.
# Sets TARGET_PID, TARGET_PORT and TARGET_URL.
start_target() {
	_out="$T_TMP/target.$$.$T_N.out"
	"$TARGET" --port 0 "$@" >"$_out" 2>&1 &
	TARGET_PID=$!
	T_PIDS="$T_PIDS $TARGET_PID"
	_i=0
	TARGET_PORT=""
	while [ $_i -lt 100 ]; do
		TARGET_PORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$_out" | head -1)
		[ -n "$TARGET_PORT" ] && break
		sleep 0.05
		_i=$((_i + 1))
	done
	if [ -z "$TARGET_PORT" ]; then
		echo "# loadtop-target did not start:"
		sed 's/^/#   /' "$_out"
		echo "Bail out! loadtop-target did not start"
		exit 1
	fi
	TARGET_URL="http://127.0.0.1:$TARGET_PORT"
}

stop_target() {
	kill "$TARGET_PID" 2>/dev/null
	wait "$TARGET_PID" 2>/dev/null
}

# start_fixture NAME [ARGS...]: tests/fixtures/NAME.py ARGS on a free
# loopback port, in the background, its errors in $T_TMP/NAME.K.err (the
# K-th fixture).  Sets FIXTURE_PORT; bails out, the errors shown as
# comments, when the fixture does not listen within 10 s.
T_FIXTURES=0
start_fixture() {
	T_FIXTURES=$((T_FIXTURES + 1))
	_base="$T_TMP/$1.$T_FIXTURES"
	_py="$TESTDATA/fixtures/$1.py"
	shift
	python3 "$_py" "$_base.port" "$@" 2>"$_base.err" &
	_pid=$!
	T_PIDS="$T_PIDS $_pid"
	_i=0
	while [ ! -s "$_base.port" ] && [ $_i -lt 100 ] &&
	    kill -0 "$_pid" 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if [ ! -s "$_base.port" ]; then
		echo "# $_py did not start:"
		sed 's/^/#   /' "$_base.err"
		echo "Bail out! $_py did not start"
		exit 1
	fi
	FIXTURE_PORT=$(cat "$_base.port")
}

# free_port: a TCP port of 127.0.0.1 that is free now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# self_signed: a certificate for 127.0.0.1 that nothing trusts, in
# $T_TMP/cert.pem with its key in $T_TMP/key.pem.
self_signed() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/key.pem" \
	    -out "$T_TMP/cert.pem" -days 2 -subj /CN=127.0.0.1 >/dev/null 2>&1
}

# start_nginx: nginx with one worker, the body of its http block read
# from stdin, and its configuration (nginx.conf), pid, logs and temporary
# files in $T_TMP.  Fails, its errors shown as comments, when it does not
# start; NGINX names the program.
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
start_nginx() {
	[ -x "$NGINX" ] || return 1
	{
		cat <<EOF
worker_processes 1;
pid $T_TMP/nginx.pid;
error_log $T_TMP/error.log;
events { worker_connections 1024; }
http {
	client_body_temp_path $T_TMP; proxy_temp_path $T_TMP;
	fastcgi_temp_path $T_TMP; uwsgi_temp_path $T_TMP; scgi_temp_path $T_TMP;
EOF
		cat
		echo "}"
	} >"$T_TMP/nginx.conf"
	"$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" 2>"$T_TMP/nginx.err"
	_i=0
	while [ ! -s "$T_TMP/nginx.pid" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if [ ! -s "$T_TMP/nginx.pid" ]; then
		sed 's/^/# /' "$T_TMP/nginx.err"
		return 1
	fi
	T_PIDS="$T_PIDS $(cat "$T_TMP/nginx.pid")"
}
