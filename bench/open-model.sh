#!/bin/bash
# loadtop's open model: does it keep the rate it is asked for, and does it
# report the latency a stalling server really causes?
#
#   bench/open-model.sh [--rates "1000 20000 50000"] [--duration S]
#       [--conns N] [--stall-rate R] [--stall MS] [--period MS]
#       [--loadtop PATH] [--no-wait]
#
# Part 1 drives nginx (one worker, CPU 0) at each rate with one generator
# thread on CPU 1 and prints achieved / requested rate and the late and
# skipped starts loadtop reports.  Part 2 drives bench/stall-server.c,
# which stops answering for MS of every PERIOD ms, at a constant rate,
# and prints p50/p90/p99 from loadtop, wrk2 (when installed), wrk and hey
# (hey -q: a fixed rate per connection, closed loop) beside what a tool
# that measures from each request's planned start must report.  wrk runs
# flat out, but wrk 4 back-fills its histogram after the run with the
# samples a stalled connection did not send (stats_correct), so its
# percentiles are corrected too; hey's are not.
set -u

. "$(dirname "$0")/lib.sh"

rates="1000 20000 50000"
duration=10
conns=100
stall_rate=1000
stall_ms=200
period_ms=1000
stall_conns=300
loadtop_arg=
wait_quiet=1

while [ $# -gt 0 ]; do
	case $1 in
	--rates) rates=$2; shift ;;
	--duration) duration=${2%s}; shift ;;
	--conns) conns=$2; shift ;;
	--stall-rate) stall_rate=$2; shift ;;
	--stall) stall_ms=$2; shift ;;
	--period) period_ms=$2; shift ;;
	--loadtop) loadtop_arg=$2; shift ;;
	--no-wait) wait_quiet=0 ;;
	-h|--help) sed -n '2,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) bench_die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case "$rates$duration$conns$stall_rate$stall_ms$period_ms" in
*[!0-9\ ]*) bench_die "numbers only, please (see --help)" ;;
esac

bench_init
bench_need /usr/bin/time:time taskset:util-linux cc:gcc wrk:wrk hey:hey
LT=$(bench_find_loadtop "$loadtop_arg")

# Pull a percentile (p50, p90, p99, ...) or min/max, in ms, from a
# loadtop summary line such as "  latency    min 39us  p50 41us ...".
lt_field()
{
	awk -v line="$2" -v key="$3" '
	function ms(s) {
		if (s ~ /us$/) return s / 1000;
		if (s ~ /ms$/) return s + 0;
		if (s ~ /s$/) return s * 1000;
		return s + 0 }
	$1 == line { for (i = 2; i < NF; i++) if ($i == key) {
		printf "%.3f", ms($(i + 1)); exit } }' "$1"
}

[ "$wait_quiet" = 1 ] && bench_wait_quiet
bench_machine

# Part 1: achieved rate against nginx.
bench_nginx_start
echo "# part 1: loadtop -r RATE -d ${duration}s -c $conns -t 1 against nginx"
echo "#   (one nginx worker on CPU $BENCH_SERVER_CPU, loadtop on CPU $BENCH_LOAD_CPU)"
printf '%9s %10s %9s %9s %7s %8s %9s %9s %6s\n' requested achieved \
    "ach/req" sent late skipped p50 p99 "CPU%"
for r in $rates; do
	o=$BENCH_TMP/rate.$r
	bench_timed "$o" "$LT" "$NGINX_URL" -r "$r" -d "${duration}s" \
	    -c "$conns" -t 1 --quiet
	read -r wall user sys rss <"$o.time"
	awk -v r="$r" -v d="$duration" -v wall="$wall" -v u="$user" \
	    -v s="$sys" -v p50="$(lt_field "$o.out" latency p50)" \
	    -v p99="$(lt_field "$o.out" latency p99)" '
	    /^  requests /{ sent = $2 }
	    /^  throughput /{ ach = $2 }
	    /^  open model /{ late = $3; skipped = $6 }
	    END {
		if (ach == "") { print r, "failed"; exit }
		printf "%9d %10.1f %8.3fx %9d %7d %8d %7.2fms %7.2fms %5.0f%%\n",
		    r, ach, ach / r, sent, late, skipped, p50, p99,
		    100 * (u + s) / wall }' "$o.out"
done

# Part 2: the coordinated-omission check.
cc -O2 -o "$BENCH_TMP/stall-server" "$BENCH_DIR/stall-server.c" ||
    bench_die "cannot compile stall-server.c"
life=$(( (duration + 5) * 6 + 30 ))
taskset -c "$BENCH_SERVER_CPU" "$BENCH_TMP/stall-server" -s "$stall_ms" \
    -p "$period_ms" -l "$life" >"$BENCH_TMP/stall.port" \
    2>"$BENCH_TMP/stall.err" &
BENCH_PIDS="$BENCH_PIDS $!"
for i in $(seq 1 50); do
	[ -s "$BENCH_TMP/stall.port" ] && break
	sleep 0.1
done
port=$(awk '/^port /{ print $2 }' "$BENCH_TMP/stall.port")
[ -n "$port" ] || bench_die "stall-server did not start"
surl="http://127.0.0.1:$port/"

echo
echo "# part 2: a server that stops answering for ${stall_ms}ms of every ${period_ms}ms,"
echo "#   driven at $stall_rate req/s for ${duration}s (latencies in ms)"
printf '%-34s %9s %9s %9s %9s\n' tool p50 p90 p99 max

# What a tool that times each request from its planned start must see:
# a share S/P of the plan lands in a stall and waits 0..S ms, uniformly.
awk -v s="$stall_ms" -v p="$period_ms" 'BEGIN {
	f = s / p
	split("0.50 0.90 0.99", q)
	for (i = 1; i <= 3; i++) {
		v[i] = sprintf("%.0f", s * (q[i] - (1 - f)) / f)
		if (q[i] <= 1 - f)
			v[i] = "~service"
	}
	printf "%-34s %9s %9s %9s %9s\n", "expected (open model)", v[1], v[2],
	    v[3], s }'

o=$BENCH_TMP/co.loadtop
bench_timed "$o" "$LT" "$surl" -r "$stall_rate" -d "${duration}s" \
    -c "$stall_conns" -t 1 --quiet
printf '%-34s %9s %9s %9s %9s\n' "loadtop -r $stall_rate -c $stall_conns" \
    "$(lt_field "$o.out" latency p50)" "$(lt_field "$o.out" latency p90)" \
    "$(lt_field "$o.out" latency p99)" "$(lt_field "$o.out" latency max)"
if grep -q '^  service ' "$o.out"; then
	printf '%-34s %9s %9s %9s %9s\n' "  (service time, from actual send)" \
	    "$(lt_field "$o.out" service p50)" \
	    "$(lt_field "$o.out" service p90)" \
	    "$(lt_field "$o.out" service p99)" \
	    "$(lt_field "$o.out" service max)"
fi
lt_out=$o.out

# wrk and wrk2 print "Latency Distribution" lines such as "  99%  1.20ms".
wrk_row()
{
	awk -v label="$2" '
	function ms(s) {
		if (s ~ /us$/) return s / 1000;
		if (s ~ /ms$/) return s + 0;
		if (s ~ /m$/) return s * 60000;
		if (s ~ /s$/) return s * 1000;
		return s + 0 }
	/^ +50(\.000)?%/{ p50 = ms($2) } /^ +90(\.000)?%/{ p90 = ms($2) }
	/^ +99(\.000)?%/{ p99 = ms($2) }
	/^    Latency /{ max = ms($4) }
	END { printf "%-34s %9.3f %9.3f %9.3f %9.3f\n", label, p50, p90, p99,
	    max }' "$1"
}

if command -v wrk2 >/dev/null 2>&1; then
	o=$BENCH_TMP/co.wrk2
	bench_timed "$o" wrk2 -t1 -c50 -R "$stall_rate" -d "${duration}s" \
	    --latency "$surl"
	wrk_row "$o.out" "wrk2 -R $stall_rate -c 50"
else
	printf '%-34s %s\n' "wrk2" "not packaged for this system; skipped"
fi

o=$BENCH_TMP/co.wrk
bench_timed "$o" wrk -t1 -c50 -d"${duration}s" --latency "$surl"
wrk_row "$o.out" "wrk -c 50 (closed, back-filled)"

# hey -q is per connection: 50 connections at rate/50 each.
o=$BENCH_TMP/co.hey
bench_timed "$o" hey -z "${duration}s" -c 50 \
    -q "$(awk -v r="$stall_rate" 'BEGIN { printf "%g", r / 50 }')" "$surl"
awk -v label="hey -c 50 -q $((stall_rate / 50)) (closed, paced)" '
	/^ +50% in /{ p50 = $3 * 1000 } /^ +90% in /{ p90 = $3 * 1000 }
	/^ +99% in /{ p99 = $3 * 1000 } /^  Slowest:/{ max = $2 * 1000 }
	END { printf "%-34s %9.3f %9.3f %9.3f %9.3f\n", label, p50, p90, p99,
	    max }' "$o.out"

echo
awk -v s="$stall_ms" -v p="$period_ms" \
    -v p90="$(lt_field "$lt_out" latency p90)" \
    -v p99="$(lt_field "$lt_out" latency p99)" 'BEGIN {
	f = s / p
	e90 = s * (0.90 - (1 - f)) / f; e99 = s * (0.99 - (1 - f)) / f
	ok = p90 >= 0.8 * e90 && p99 >= 0.9 * e99
	printf "loadtop %s the stalls: p90 %.1fms (expected ~%.0f), " \
	    "p99 %.1fms (expected ~%.0f)\n", ok ? "reports" : "UNDER-REPORTS",
	    p90, e90, p99, e99 }'
