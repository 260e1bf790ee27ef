#!/bin/sh
# Cost of watching: CPU used by a `loadtop monitor` session (headless,
# no report) that samples PROCS idle loadtop-target processes at RATE Hz
# each, from the ticks in its /proc/PID/stat.  The session is what a
# user runs for a soak whose load comes from elsewhere: the samplers, the
# engine's snapshot a second, the verdicts.  TREE=1 adds --proc-tree,
# the scan of every process on the host for each.  Not part of the test
# suite.
#
#   bench/monitor-cost.sh [BUILD_DIR]   (SECONDS=60, RATE=10, PROCS=5, TREE=0)
set -eu
build=${1:-.}
secs=${SECONDS_TO_RUN:-${SECONDS:-60}}
rate=${RATE:-10}
procs=${PROCS:-5}
tree=""
[ "${TREE:-0}" = 1 ] && tree=--proc-tree

pids=""
args=""
i=0
while [ "$i" -lt "$procs" ]; do
	"$build/loadtop-target" --port 0 --quiet >/dev/null 2>&1 &
	pids="$pids $!"
	args="$args --pid $!"
	i=$((i + 1))
done
sleep 0.5
# shellcheck disable=SC2086
"$build/loadtop" monitor $args $tree --sample-rate "$rate" --headless \
	--quiet --no-report --duration "$((secs + 5))s" >/dev/null 2>&1 &
mon=$!
hz=$(getconf CLK_TCK)

# utime + stime (fields 14 and 15; comm has no spaces here).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

sleep 2			# past start-up
t0=$(ticks "$mon")
start=$(date +%s.%N)
sleep "$secs"
t1=$(ticks "$mon")
end=$(date +%s.%N)
# shellcheck disable=SC2086
kill "$mon" $pids 2>/dev/null || true
wait 2>/dev/null || true

awk -v t0="$t0" -v t1="$t1" -v hz="$hz" -v s="$start" -v e="$end" \
    -v rate="$rate" -v n="$procs" 'BEGIN {
	cpu = (t1 - t0) / hz / (e - s) * 100
	printf "loadtop monitor, %d processes at %s Hz: %.3f%% of a core " \
	    "over %.1fs (%d ticks)\n", n, rate, cpu, e - s, t1 - t0
	exit (cpu < 1 ? 0 : 1)
}'
