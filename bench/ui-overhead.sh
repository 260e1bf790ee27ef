#!/bin/bash
# What the dashboard costs: the same closed-model ad-hoc run headless and
# with the dashboard in a tmux pane, against nginx when installed, else
# loadtop-target.
#
#   bench/ui-overhead.sh [--conns N] [--duration S] [--runs K] [--fps N]
#       [--loadtop PATH] [--server nginx|target] [--no-wait]
#
# Prints the requests/s of each (the median of K runs, the two modes
# taking turns) and the ratio dashboard / headless.
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
bench_need tmux:tmux taskset:util-linux
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

sock="loadtop-bench-ui-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; bench_cleanup' EXIT

[ "$wait_quiet" -eq 1 ] && bench_wait_quiet
bench_machine
echo "# $server at $url; $conns connections, ${duration}s, one thread on CPU $BENCH_LOAD_CPU, $runs runs, dashboard at $fps fps"

args="$url -c $conns -d ${duration}s -t 1 --no-report"

# The "throughput N req/s average" line of a summary.
rps_of() {
	sed -n 's/^ *throughput \([0-9.]*\) req\/s average.*/\1/p' "$1" | head -1
}

headless_run() {
	taskset -c "$BENCH_LOAD_CPU" "$LOADTOP" $args --headless \
	    >"$BENCH_TMP/h.out" 2>/dev/null </dev/null
	rps_of "$BENCH_TMP/h.out"
}

# The dashboard needs a terminal: a tmux pane; the summary is read back
# from the pane's history once loadtop has exited.
ui_run() {
	tmux -L "$sock" kill-server 2>/dev/null
	tmux -L "$sock" -f /dev/null new-session -d -s b -x 100 -y 30 \
	    "taskset -c $BENCH_LOAD_CPU '$LOADTOP' $args --fps $fps; echo BENCH-DONE; sleep 600"
	for i in $(seq 1 $(( (duration + 30) * 5 ))); do
		sleep 0.2
		tmux -L "$sock" capture-pane -p -S -300 -t b >"$BENCH_TMP/u.out"
		grep -q BENCH-DONE "$BENCH_TMP/u.out" && break
	done
	rps_of "$BENCH_TMP/u.out"
}

: >"$BENCH_TMP/h.all"
: >"$BENCH_TMP/u.all"
for r in $(seq 1 "$runs"); do
	h=$(headless_run)
	u=$(ui_run)
	echo "# run $r: headless ${h:--} req/s, dashboard ${u:--} req/s"
	[ -n "$h" ] && echo "$h" >>"$BENCH_TMP/h.all"
	[ -n "$u" ] && echo "$u" >>"$BENCH_TMP/u.all"
done
h=$(bench_median <"$BENCH_TMP/h.all")
u=$(bench_median <"$BENCH_TMP/u.all")
printf '%-10s %12s\n' mode req/s
printf '%-10s %12s\n' headless "$h" dashboard "$u"
if [ "$h" != - ] && [ "$u" != - ]; then
	awk -v h="$h" -v u="$u" 'BEGIN { printf "ratio      %12.3f\n", u / h }'
fi
