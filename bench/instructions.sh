#!/bin/bash
# Instructions per request, loadtop against wrk, under callgrind: counts
# that a noisy or shared machine does not blur.
#
#   bench/instructions.sh [--conns-list "50 500"] [--requests N]
#       [--transports "raw curl"] [--loadtop PATH]
#
# Each generator runs twice against nginx (on loopback, one core each):
# a short run and a long one.  Instructions per request are the
# difference in instructions over the difference in requests nginx
# counted (stub_status), which leaves out start-up and the end.  loadtop
# runs -t 1 --headless with each transport; wrk runs -t 1.  Prints one
# line per generator and connection count, then the ratios to wrk.
set -u

. "$(dirname "$0")/lib.sh"

conns_list="50 500"
requests=20000
transports="raw curl"
loadtop_arg=

while [ $# -gt 0 ]; do
	case $1 in
	--conns-list) conns_list=$2; shift ;;
	--requests) requests=$2; shift ;;
	--transports) transports=$2; shift ;;
	--loadtop) loadtop_arg=$2; shift ;;
	-h|--help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) bench_die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case "$conns_list$requests" in
*[!0-9\ ]*) bench_die "numbers only, please (see --help)" ;;
esac

bench_init
bench_need valgrind:valgrind wrk:wrk curl:curl
LOADTOP=$(bench_find_loadtop "$loadtop_arg")
bench_nginx_start

served() {
	curl -s "$NGINX_STATUS_URL" | awk 'NR == 3 { print $3 }'
}

# instr OUT: the instructions callgrind counted in the run that wrote OUT.
instr() {
	awk '/^summary:/ { print $2 }' "$1"
}

# measure NAME CMD...: run CMD under callgrind; prints "requests instr".
measure() {
	local name=$1 before after out=$BENCH_TMP/cg.$1
	shift
	before=$(served)
	taskset -c "$BENCH_LOAD_CPU" valgrind --tool=callgrind \
	    --callgrind-out-file="$out" "$@" >"$BENCH_TMP/$name.log" 2>&1
	after=$(served)
	echo "$((after - before - 1)) $(instr "$out")"
}

# per_request SHORT LONG: (instructions) / (requests) between two runs.
per_request() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		if (y[1] <= x[1]) { print "n/a"; exit }
		printf "%.0f\n", (y[2] - x[2]) / (y[1] - x[1]) }'
}

bench_machine
echo "# libcurl $(curl-config --version 2>/dev/null | cut -d' ' -f2);" \
    "wrk $(wrk --version 2>&1 | awk 'NR == 1 { print $2 }');" \
    "$requests and $((requests * 3)) requests per loadtop run"
printf '%-14s %6s %14s\n' generator conns instr/request
for c in $conns_list; do
	# wrk runs for a time; under callgrind 2 s and 6 s are about the
	# request counts loadtop is given.
	a=$(measure wrk-s wrk -t 1 -c "$c" -d 2s "$NGINX_URL")
	b=$(measure wrk-l wrk -t 1 -c "$c" -d 6s "$NGINX_URL")
	wrk_ipr=$(per_request "$a" "$b")
	printf '%-14s %6s %14s\n' wrk "$c" "$wrk_ipr"
	for t in $transports; do
		a=$(measure "lt-$t-s" "$LOADTOP" --headless --quiet --no-report \
		    -t 1 -c "$c" -n "$requests" --transport "$t" "$NGINX_URL")
		b=$(measure "lt-$t-l" "$LOADTOP" --headless --quiet --no-report \
		    -t 1 -c "$c" -n "$((requests * 3))" --transport "$t" \
		    "$NGINX_URL")
		ipr=$(per_request "$a" "$b")
		printf '%-14s %6s %14s   %s x wrk\n' "loadtop-$t" "$c" "$ipr" \
		    "$(awk -v a="$ipr" -v b="$wrk_ipr" 'BEGIN {
			if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b;
			else print "n/a" }')"
	done
done
