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

bench_machine
echo "# libcurl $(curl-config --version 2>/dev/null | cut -d' ' -f2);" \
    "wrk $(wrk --version 2>&1 | awk 'NR == 1 { print $2 }');" \
    "$requests and $((requests * 3)) requests per loadtop run"
printf '%-14s %6s %14s\n' generator conns instr/request
for c in $conns_list; do
	# wrk runs for a time; under callgrind 2 s and 6 s are about the
	# request counts loadtop is given.
	a=$(bench_callgrind wrk-s wrk -t 1 -c "$c" -d 2s "$NGINX_URL")
	b=$(bench_callgrind wrk-l wrk -t 1 -c "$c" -d 6s "$NGINX_URL")
	wrk_ipr=$(bench_per_request "$a" "$b")
	printf '%-14s %6s %14s\n' wrk "$c" "$wrk_ipr"
	for t in $transports; do
		a=$(bench_callgrind "lt-$t-s" "$LOADTOP" --headless --quiet \
		    --no-report -t 1 -c "$c" -n "$requests" --transport "$t" \
		    "$NGINX_URL")
		b=$(bench_callgrind "lt-$t-l" "$LOADTOP" --headless --quiet \
		    --no-report -t 1 -c "$c" -n "$((requests * 3))" \
		    --transport "$t" "$NGINX_URL")
		ipr=$(bench_per_request "$a" "$b")
		printf '%-14s %6s %14s   %s x wrk\n' "loadtop-$t" "$c" "$ipr" \
		    "$(awk -v a="$ipr" -v b="$wrk_ipr" 'BEGIN {
			if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b;
			else print "n/a" }')"
	done
done
