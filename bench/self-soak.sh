#!/bin/bash
# loadtop's own resources over a long run: does its RSS or its count of
# open file descriptors grow with the requests it has sent?
#
#   bench/self-soak.sh [--requests N] [--conns C] [--server nginx|target]
#       [--loadtop PATH] [--no-wait]
#
# Runs loadtop --headless -n N (default 10000000) -c C (default 50) -t 1
# on CPU 1 against a server on CPU 0 on loopback: nginx serving 100
# bytes (the default), or loadtop-target's /ok (--server target; it is
# slower, and found beside loadtop).  Once a second it reads loadtop's
# VmRSS (/proc/PID/status) and its open fds (/proc/PID/fd), with the
# server's own request count as the clock.  It prints the RSS and fds
# at the start (the first sample past 10% of the requests, after the
# warm-up), the middle and the end, the least-squares slope of each
# against requests from the start on, and FLAT or GROWING: FLAT when
# RSS grew by at most 1 MB (or 2%, whichever is more) from the start to
# the end and the fds did not grow at all.  The run is bounded: it is
# stopped after N/1000 + 120 s (a floor of 1,000 requests a second).
set -u

. "$(dirname "$0")/lib.sh"

total=10000000
conns=50
server=nginx
loadtop_arg=
wait_quiet=1

while [ $# -gt 0 ]; do
	case $1 in
	--requests) total=$2; shift ;;
	--conns) conns=$2; shift ;;
	--server) server=$2; shift ;;
	--loadtop) loadtop_arg=$2; shift ;;
	--no-wait) wait_quiet=0 ;;
	-h|--help) sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) bench_die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case "$total$conns" in
*[!0-9]*) bench_die "numbers only, please (see --help)" ;;
esac
case $server in
nginx | target) ;;
*) bench_die "--server is nginx or target, not '$server'" ;;
esac
[ "$total" -ge 100000 ] || bench_die "--requests must be at least 100000"

bench_init
bench_need taskset:util-linux curl:curl
LT=$(bench_find_loadtop "$loadtop_arg")

[ "$wait_quiet" = 1 ] && bench_wait_quiet
bench_machine

# The server, and served_requests: how many requests it has answered.
if [ "$server" = nginx ]; then
	bench_nginx_start
	URL=$NGINX_URL
	served_requests() { bench_nginx_served; }
	echo "# server: nginx $(nginx -v 2>&1 | sed 's|.*/||'), 1 worker on CPU 0"
else
	TGT=$(dirname "$LT")/loadtop-target
	[ -x "$TGT" ] || bench_die "no loadtop-target beside $LT"
	port=$(bench_free_port)
	taskset -c "$BENCH_SERVER_CPU" "$TGT" --port "$port" --quiet \
	    >"$BENCH_TMP/target.log" 2>&1 &
	BENCH_PIDS="$BENCH_PIDS $!"
	bench_wait_port "$port" || bench_die "loadtop-target did not start"
	URL="http://127.0.0.1:$port/ok"
	served_requests()
	{
		curl -s "http://127.0.0.1:$port/stats" |
			sed -n 's|.*"/ok":{"requests":\([0-9]*\).*|\1|p'
	}
	echo "# server: loadtop-target on CPU 0"
fi

echo "# loadtop --headless -n $total -c $conns -t 1 --no-report on CPU $BENCH_LOAD_CPU; VmRSS and fds sampled every 1s"
base=$(served_requests)
taskset -c "$BENCH_LOAD_CPU" "$LT" "$URL" --headless --quiet --no-report \
    -n "$total" -c "$conns" -t 1 >"$BENCH_TMP/soak.out" \
    2>"$BENCH_TMP/soak.err" </dev/null &
lpid=$!
BENCH_PIDS="$BENCH_PIDS $lpid"
samples=$BENCH_TMP/soak.samples
: >"$samples"
start=$(date +%s)
limit=$((total / 1000 + 120))
while kill -0 "$lpid" 2>/dev/null; do
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$lpid/status" 2>/dev/null)
	fds=$(ls "/proc/$lpid/fd" 2>/dev/null | wc -l)
	n=$(served_requests)
	[ -n "$rss" ] && [ -n "$n" ] && [ "$fds" -gt 0 ] &&
	    echo "$(($(date +%s) - start)) $((n - base)) $rss $fds" >>"$samples"
	if [ $(($(date +%s) - start)) -gt "$limit" ]; then
		bench_note "loadtop still running after ${limit}s; stopping it"
		kill "$lpid"
		break
	fi
	sleep 1
done
wait "$lpid"
rc=$?
[ "$rc" -eq 0 ] || bench_note "loadtop exited $rc: $(tail -3 "$BENCH_TMP/soak.err")"
grep -E '^  (requests|throughput) ' "$BENCH_TMP/soak.out"

awk -v total="$total" '
	{ t[NR] = $1; n[NR] = $2; rss[NR] = $3; fds[NR] = $4 }
	END {
		if (NR < 3) {
			print "# too few samples (" NR ")"
			exit 1
		}
		# From the first sample past 10% of the requests on.
		for (a = 1; a < NR && n[a] < total / 10; a++)
			;
		m = a
		for (i = a; i <= NR; i++)
			if (n[i] <= (n[a] + n[NR]) / 2)
				m = i
		printf "%8s %12s %8s %10s %5s\n", "", "at request", "elapsed",
		    "VmRSS", "fds"
		split("start middle end", label, " ")
		split(a " " m " " NR, at, " ")
		for (k = 1; k <= 3; k++) {
			i = at[k]
			printf "%8s %12d %7ds %7d KB %5d\n", label[k], n[i], t[i],
			    rss[i], fds[i]
		}
		# Least squares against requests, in millions.
		for (i = a; i <= NR; i++) {
			x = n[i] / 1e6
			sx += x; sy += rss[i]; sf += fds[i]
			sxx += x * x; sxy += x * rss[i]; sxf += x * fds[i]; c++
		}
		d = c * sxx - sx * sx
		rs = d > 0 ? (c * sxy - sx * sy) / d : 0
		fs = d > 0 ? (c * sxf - sx * sf) / d : 0
		printf "slope: %+.1f KB RSS and %+.3f fds per million requests, over %d samples\n",
		    rs, fs, c
		grow = rss[NR] - rss[a]
		allow = rss[a] * 0.02 > 1024 ? rss[a] * 0.02 : 1024
		verdict = grow <= allow && fds[NR] <= fds[a] ? "FLAT" : "GROWING"
		printf "RSS %+d KB and fds %+d from start to end: %s\n", grow,
		    fds[NR] - fds[a], verdict
	}' "$samples"
