# Shared helpers for the benchmark scripts in bench/; sourced, not run.
#
# Every target is on loopback and every run is bounded in time.  The
# machine is split in two: the server under test on CPU 0, the load
# generator on CPU 1, so a generator's cost shows up as its own CPU time
# and not as a slower server.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_TMP=
BENCH_PIDS=
BENCH_SERVER_CPU=0
BENCH_LOAD_CPU=1
BENCH_QUIET_LOAD=${BENCH_QUIET_LOAD:-0.7}
BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-1200}
BENCH_NPM_PREFIX=${BENCH_NPM_PREFIX:-/tmp/loadtop-bench-npm}

bench_die()
{
	echo "${0##*/}: $*" >&2
	exit 1
}

bench_note()
{
	echo "${0##*/}: $*" >&2
}

bench_cleanup()
{
	local p

	for p in $BENCH_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $BENCH_PIDS; do
		wait "$p" 2>/dev/null
	done
	BENCH_PIDS=
	[ -n "$BENCH_TMP" ] && rm -rf "$BENCH_TMP"
	BENCH_TMP=
}

bench_init()
{
	BENCH_TMP=$(mktemp -d /tmp/loadtop-bench.XXXXXX) ||
	    bench_die "cannot make a temporary directory"
	chmod 755 "$BENCH_TMP"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	if [ "$(nproc)" -lt 2 ]; then
		bench_note "fewer than 2 CPUs: server and generator share one"
		BENCH_LOAD_CPU=0
	fi
}

# Install the Debian packages that provide the missing commands, or say
# how to.  Arguments are command:package pairs.
bench_need()
{
	local pair cmd pkg missing=

	for pair in "$@"; do
		cmd=${pair%%:*}
		pkg=${pair#*:}
		[ -x "$cmd" ] || command -v "$cmd" >/dev/null 2>&1 ||
		    missing="$missing $pkg"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		bench_die "missing packages; run: sudo apt-get install -y$missing"
	fi
	bench_note "installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing \
	    >"${BENCH_TMP:-/tmp}/apt.log" 2>&1 || {
		apt-get update -q >/dev/null 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    $missing >"${BENCH_TMP:-/tmp}/apt.log" 2>&1
	} || bench_die "apt-get install$missing failed; see the log above"
}

# Print the path of autocannon, installing it from npm under a /tmp
# prefix when it is not on PATH.
bench_autocannon()
{
	if command -v autocannon >/dev/null 2>&1; then
		command -v autocannon
		return 0
	fi
	if [ ! -x "$BENCH_NPM_PREFIX/node_modules/.bin/autocannon" ]; then
		bench_need npm:npm node:nodejs
		bench_note "installing autocannon under $BENCH_NPM_PREFIX"
		npm install --prefix "$BENCH_NPM_PREFIX" --no-audit --no-fund \
		    autocannon >"$BENCH_TMP/npm.log" 2>&1 ||
		    bench_die "npm install autocannon failed:" \
		    "$(tail -5 "$BENCH_TMP/npm.log")"
	fi
	echo "$BENCH_NPM_PREFIX/node_modules/.bin/autocannon"
}

# The loadtop binary: --loadtop, $LOADTOP, PATH, or ./loadtop.
bench_find_loadtop()
{
	local l=${1:-${LOADTOP:-}}

	if [ -z "$l" ]; then
		if command -v loadtop >/dev/null 2>&1; then
			l=$(command -v loadtop)
		elif [ -x ./loadtop ]; then
			l=./loadtop
		fi
	fi
	[ -n "$l" ] && [ -x "$l" ] || bench_die "no loadtop binary; build" \
	    "one and pass --loadtop PATH (or set LOADTOP)"
	(cd "$(dirname "$l")" && echo "$(pwd)/$(basename "$l")")
}

# Wait until the 1-minute load average drops under $BENCH_QUIET_LOAD,
# polling every 30 s for at most $BENCH_QUIET_WAIT s.  Sets BENCH_LOAD to
# the load average the run starts at.
bench_wait_quiet()
{
	local waited=0 load

	while :; do
		load=$(cut -d' ' -f1 /proc/loadavg)
		if awk -v l="$load" -v q="$BENCH_QUIET_LOAD" \
		    'BEGIN { exit !(l < q) }'; then
			break
		fi
		if [ "$waited" -ge "$BENCH_QUIET_WAIT" ]; then
			bench_note "load $load never fell under" \
			    "$BENCH_QUIET_LOAD in ${waited}s; running anyway"
			BENCH_NOT_QUIET=1
			break
		fi
		bench_note "load $load, waiting for it to fall under" \
		    "$BENCH_QUIET_LOAD (${waited}s so far)"
		sleep 30
		waited=$((waited + 30))
	done
	BENCH_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
}

bench_machine()
{
	local model

	model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'); $(nproc) CPUs, ${model:-unknown CPU}; Linux $(uname -r)"
	echo "# load average at start: ${BENCH_LOAD:-$(cut -d' ' -f1-3 /proc/loadavg)}${BENCH_NOT_QUIET:+ (never got quiet)}"
}

# A loopback TCP port nobody listens on, under the ephemeral range (the
# caller retries on a race).
bench_free_port()
{
	local p i

	for i in $(seq 1 100); do
		p=$((10000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	bench_die "no free loopback port found"
}

# Wait up to 5 s for something to listen on a loopback port.
bench_wait_port()
{
	local i

	for i in $(seq 1 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Start nginx from a config of our own: one worker on CPU 0, a ~100 byte
# static file, keep-alive without a request cap, no access log, and
# stub_status for a request count.  Sets NGINX_URL, NGINX_STATUS_URL.
bench_nginx_start()
{
	local d=$BENCH_TMP/nginx port try

	bench_need nginx:nginx-light
	mkdir -p "$d/www" "$d/tmp"
	chmod 755 "$d" "$d/www"
	# 100 bytes: 99 characters and a newline.
	printf '%099d\n' 0 | tr 0 x >"$d/www/index.html"
	chmod 644 "$d/www/index.html"
	for try in 1 2 3 4 5; do
		port=$(bench_free_port)
		cat >"$d/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
master_process on;
pid $d/nginx.pid;
error_log $d/error.log warn;
events {
	worker_connections 8192;
	multi_accept on;
}
http {
	access_log off;
	keepalive_requests 1000000000;
	keepalive_timeout 300s;
	default_type text/html;
	client_body_temp_path $d/tmp/body;
	proxy_temp_path $d/tmp/proxy;
	fastcgi_temp_path $d/tmp/fastcgi;
	uwsgi_temp_path $d/tmp/uwsgi;
	scgi_temp_path $d/tmp/scgi;
	server {
		listen 127.0.0.1:$port backlog=4096 reuseport;
		root $d/www;
		location = /nginx_status {
			stub_status;
		}
	}
}
EOF
		taskset -c "$BENCH_SERVER_CPU" nginx -p "$d" -e "$d/error.log" \
		    -c "$d/nginx.conf" >"$d/stdout.log" 2>&1 &
		NGINX_PID=$!
		BENCH_PIDS="$BENCH_PIDS $NGINX_PID"
		if bench_wait_port "$port" && kill -0 "$NGINX_PID" 2>/dev/null
		then
			NGINX_URL="http://127.0.0.1:$port/index.html"
			NGINX_STATUS_URL="http://127.0.0.1:$port/nginx_status"
			return 0
		fi
		kill "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
	done
	bench_die "nginx did not start: $(tail -3 "$d/error.log" 2>/dev/null)"
}

# The requests nginx has answered, from stub_status (this one counted).
bench_nginx_served()
{
	curl -s "$NGINX_STATUS_URL" | awk 'NR == 3 { print $3 }'
}

# bench_callgrind NAME CMD...: run CMD on the generator CPU under
# callgrind against bench_nginx_start's nginx; prints "requests
# instructions", the requests nginx answered during it (the status
# requests around it not counted).  CMD's output goes to $BENCH_TMP/NAME.log.
bench_callgrind()
{
	local name=$1 before after out=$BENCH_TMP/cg.$1

	shift
	before=$(bench_nginx_served)
	taskset -c "$BENCH_LOAD_CPU" valgrind --tool=callgrind \
	    --callgrind-out-file="$out" "$@" >"$BENCH_TMP/$name.log" 2>&1
	after=$(bench_nginx_served)
	echo "$((after - before - 1)) $(awk '/^summary:/ { print $2 }' "$out")"
}

# bench_per_request SHORT LONG: the instructions per request between two
# bench_callgrind results, the fixed cost of starting and ending taken
# out; "n/a" when the longer run served no more.
bench_per_request()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		if (y[1] <= x[1]) { print "n/a"; exit }
		printf "%.0f\n", (y[2] - x[2]) / (y[1] - x[1]) }'
}

# Run a command on the generator CPU under /usr/bin/time: its standard
# output goes to $1.out, its errors to $1.err, and "elapsed user sys
# maxrss_kb" to $1.time.
bench_timed()
{
	local out=$1

	shift
	/usr/bin/time -f '%e %U %S %M' -o "$out.time" \
	    taskset -c "$BENCH_LOAD_CPU" "$@" >"$out.out" 2>"$out.err" \
	    </dev/null
}

# The median of the numbers on standard input, or "-" when none.
bench_median()
{
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
