#!/bin/sh
# Cost of sampling: CPU used by `loadtop monitor --sample-rate 10` while it
# watches an idle process, from the ticks in its /proc/PID/stat.  The
# target is a sleeping process; add --proc-tree via TREE=1 to include the
# scan of every process on the host.  Not part of the test suite.
#
#   bench/monitor-cost.sh [BUILD_DIR]      (SECONDS=60, RATE=10, TREE=0)
set -eu
build=${1:-.}
secs=${SECONDS_TO_RUN:-${SECONDS:-60}}
rate=${RATE:-10}
tree=""
[ "${TREE:-0}" = 1 ] && tree=--proc-tree

sleep $((secs + 30)) &
target=$!
"$build/loadtop" monitor --pid "$target" $tree --sample-rate "$rate" \
	--interval 1h --duration "$((secs + 5))s" >/dev/null 2>&1 &
mon=$!
hz=$(getconf CLK_TCK)

# utime + stime (fields 14 and 15; comm has no spaces here).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

sleep 1			# past start-up
t0=$(ticks "$mon")
start=$(date +%s.%N)
sleep "$secs"
t1=$(ticks "$mon")
end=$(date +%s.%N)
kill "$mon" "$target" 2>/dev/null || true
wait 2>/dev/null || true

awk -v t0="$t0" -v t1="$t1" -v hz="$hz" -v s="$start" -v e="$end" \
    -v rate="$rate" 'BEGIN {
	cpu = (t1 - t0) / hz / (e - s) * 100
	printf "loadtop monitor at %s Hz: %.3f%% of a core over %.1fs (%d ticks)\n",
	    rate, cpu, e - s, t1 - t0
	exit (cpu < 0.5 ? 0 : 1)
}'
