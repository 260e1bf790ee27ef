#!/bin/bash
# What the dashboard costs: the same closed-model ad-hoc run headless and
# with the dashboard in a tmux pane, against nginx when installed, else
# loadtop-target.
#
#   bench/ui-overhead.sh [--conns N] [--duration S] [--runs K] [--fps N]
#       [--loadtop PATH] [--server nginx|target] [--no-wait]
#
# Prints, for each, requests/s and loadtop's CPU time (user + system) per
# completed request, the median of K runs with the two modes taking turns,
# and the ratios dashboard / headless.  On a busy machine requests/s moves
# a lot from run to run; the CPU time per request is the steadier figure,
# and the CPU the dashboard's own thread used (sampled from /proc over the
# middle of each run) says what the dashboard itself costs.
set -u

. "$(dirname "$0")/lib.sh"

conns=20
duration=10
runs=3
fps=4
loadtop_arg=
server=
wait_quiet=1

while [ $# -gt 0 ]; do
	case $1 in
	--conns) conns=$2; shift ;;
	--duration) duration=${2%s}; shift ;;
	--runs) runs=$2; shift ;;
	--fps) fps=$2; shift ;;
	--loadtop) loadtop_arg=$2; shift ;;
	--server) server=$2; shift ;;
	--no-wait) wait_quiet=0 ;;
	-h|--help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) bench_die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case "$conns$duration$runs$fps" in
*[!0-9]*) bench_die "--conns, --duration, --runs and --fps take whole numbers" ;;
esac

bench_init
bench_need tmux:tmux taskset:util-linux /usr/bin/time:time
LOADTOP=$(bench_find_loadtop "$loadtop_arg")
if [ -z "$server" ]; then
	command -v nginx >/dev/null 2>&1 && server=nginx || server=target
fi

case $server in
nginx)
	bench_nginx_start
	url=$NGINX_URL
	;;
target)
	target=$(dirname "$LOADTOP")/loadtop-target
	[ -x "$target" ] || target=$(command -v loadtop-target) ||
	    bench_die "no loadtop-target beside $LOADTOP or on PATH"
	taskset -c "$BENCH_SERVER_CPU" "$target" --port 0 \
	    >"$BENCH_TMP/target.out" 2>&1 &
	BENCH_PIDS="$BENCH_PIDS $!"
	for i in $(seq 1 50); do
		port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' \
		    "$BENCH_TMP/target.out")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || bench_die "loadtop-target did not start"
	url="http://127.0.0.1:$port/ok"
	;;
*)
	bench_die "--server is nginx or target"
	;;
esac

socks=
trap 'for s in $socks; do tmux -L "$s" kill-server 2>/dev/null; done; bench_cleanup' EXIT

[ "$wait_quiet" -eq 1 ] && bench_wait_quiet
bench_machine
echo "# $server at $url; $conns connections, ${duration}s, one thread on CPU $BENCH_LOAD_CPU, $runs runs, dashboard at $fps fps"

args="$url -c $conns -d ${duration}s -t 1 --no-report"

# "RPS US_PER_REQUEST" from a summary (its "throughput N req/s average"
# and "N completed") and a /usr/bin/time file ("user sys").
figures() {
	local rps done

	rps=$(sed -n 's/^ *throughput \([0-9.]*\) req\/s average.*/\1/p' "$1" |
	    head -1)
	done=$(sed -n 's/^ *requests .* \([0-9][0-9]*\) completed.*/\1/p' "$1" |
	    head -1)
	[ -n "$rps" ] && [ -n "$done" ] && [ -s "$2" ] || return 0
	awk -v r="$rps" -v n="$done" '{ printf "%s %.3f\n", r, ($1 + $2) * 1e6 / n }' "$2"
}

headless_run() {
	/usr/bin/time -f '%U %S' -o "$BENCH_TMP/h.time" \
	    taskset -c "$BENCH_LOAD_CPU" "$LOADTOP" $args --headless \
	    >"$BENCH_TMP/h.out" 2>/dev/null </dev/null
	figures "$BENCH_TMP/h.out" "$BENCH_TMP/h.time"
}

# The dashboard needs a terminal: a tmux pane; the summary is read back
# from the pane's history once loadtop has exited.
ui_run() {
	local sock="loadtop-bench-ui-$$-$1"

	socks="$socks $sock"
	rm -f "$BENCH_TMP/u.time"
	tmux -L "$sock" -f /dev/null new-session -d -s b -x 100 -y 30 \
	    "/usr/bin/time -f '%U %S' -o '$BENCH_TMP/u.time' taskset -c $BENCH_LOAD_CPU '$LOADTOP' $args --fps $fps; echo BENCH-DONE; sleep 600"
	ui_thread_cpu "$sock" >>"$BENCH_TMP/t.all" &
	for i in $(seq 1 $(( (duration + 30) * 5 ))); do
		sleep 0.2
		tmux -L "$sock" capture-pane -p -S -300 -t b >"$BENCH_TMP/u.out"
		grep -q BENCH-DONE "$BENCH_TMP/u.out" && break
	done
	wait
	tmux -L "$sock" kill-server 2>/dev/null
	figures "$BENCH_TMP/u.out" "$BENCH_TMP/u.time"
}

# The dashboard's thread (loadtop's main thread) in % of a core, over the
# middle of the run: pane shell -> time -> loadtop.
ui_thread_cpu() {
	local tick pane tpid pid a b span=$(( duration - 4 ))

	[ "$span" -ge 2 ] || return 0
	tick=$(getconf CLK_TCK)
	sleep 2
	pane=$(tmux -L "$1" display-message -p -t b '#{pane_pid}')
	tpid=$(pgrep -P "$pane" | head -1)
	pid=$(pgrep -P "$tpid" | head -1)
	[ -n "$pid" ] || return 0
	a=$(awk '{ print $14 + $15 }' "/proc/$pid/task/$pid/stat") || return 0
	sleep "$span"
	b=$(awk '{ print $14 + $15 }' "/proc/$pid/task/$pid/stat") || return 0
	awk -v a="$a" -v b="$b" -v t="$tick" -v s="$span" \
	    'BEGIN { printf "%.2f\n", (b - a) / t / s * 100 }'
}

: >"$BENCH_TMP/h.all"
: >"$BENCH_TMP/u.all"
: >"$BENCH_TMP/t.all"
for r in $(seq 1 "$runs"); do
	h=$(headless_run)
	u=$(ui_run "$r")
	echo "# run $r: headless ${h:--} (req/s, CPU us/request), dashboard ${u:--}"
	[ -n "$h" ] && echo "$h" >>"$BENCH_TMP/h.all"
	[ -n "$u" ] && echo "$u" >>"$BENCH_TMP/u.all"
done
hr=$(cut -d' ' -f1 "$BENCH_TMP/h.all" | bench_median)
hc=$(cut -d' ' -f2 "$BENCH_TMP/h.all" | bench_median)
ur=$(cut -d' ' -f1 "$BENCH_TMP/u.all" | bench_median)
uc=$(cut -d' ' -f2 "$BENCH_TMP/u.all" | bench_median)
printf '%-10s %12s %16s\n' mode req/s "CPU us/request"
printf '%-10s %12s %16s\n' headless "$hr" "$hc" dashboard "$ur" "$uc"
if [ "$hr" != - ] && [ "$ur" != - ]; then
	awk -v hr="$hr" -v ur="$ur" -v hc="$hc" -v uc="$uc" 'BEGIN {
		printf "%-10s %12.3f %16.3f\n", "ratio", ur / hr, uc / hc }'
fi
echo "dashboard thread: $(bench_median <"$BENCH_TMP/t.all")% of a core (median;" \
    "one clock tick is $(awk -v t="$(getconf CLK_TCK)" -v s=$((duration - 4)) \
    'BEGIN { printf "%.2f", 100 / t / s }')%)"
