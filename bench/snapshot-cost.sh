#!/bin/bash
# What a snapshot costs the engine thread: instructions per engine_tick
# (callgrind, counting inside engine_tick only), idle, paused and loaded,
# against loadtop-target on loopback, and as the series grow.
#
#   bench/snapshot-cost.sh [--loadtop PATH] [--rate N] [--idle S]
#       [--load S] [--pause S] [--every S] [--cases "idle loaded paused"]
#       [--no-wait]
#
# idle: WARM (3 s) at RATE (300/s), then an idle phase of S seconds
# (default 120), headless, --interval 10ms so that the series grows by a
# hundred points a second of run.  loaded: a sustained phase of S
# seconds (default 30) at RATE, --interval 100ms.  paused: the dashboard
# in a tmux pane, a sustained phase at RATE, --interval 10ms, paused
# ('p') after WARM for S seconds (default 60).  Every S seconds (--every,
# default 10) the script asks callgrind for a dump; each line is one
# window: the engine_tick calls so far (about the series' length), the
# calls in the window and the instructions per call.  The first window
# of idle and paused is the load before them; valgrind runs loadtop 20
# to 50 times slower, so the runs are longer than their scenarios say.
set -u

. "$(dirname "$0")/lib.sh"

rate=300
warm=3
idle=120
load=30
pause=60
every=10
cases="idle loaded paused"
loadtop_arg=
wait_quiet=1

while [ $# -gt 0 ]; do
	case $1 in
	--loadtop) loadtop_arg=$2; shift ;;
	--rate) rate=$2; shift ;;
	--idle) idle=${2%s}; shift ;;
	--load) load=${2%s}; shift ;;
	--pause) pause=${2%s}; shift ;;
	--every) every=${2%s}; shift ;;
	--cases) cases=$2; shift ;;
	--no-wait) wait_quiet=0 ;;
	-h|--help) sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) bench_die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case "$rate$idle$load$pause$every" in
*[!0-9]*) bench_die "--rate, --idle, --load, --pause and --every take whole numbers" ;;
esac

bench_init
bench_need valgrind:valgrind tmux:tmux taskset:util-linux curl:curl
LOADTOP=$(bench_find_loadtop "$loadtop_arg")
target=$(dirname "$LOADTOP")/loadtop-target
[ -x "$target" ] || target=$(command -v loadtop-target) ||
    bench_die "no loadtop-target beside $LOADTOP or on PATH"

taskset -c "$BENCH_SERVER_CPU" "$target" --port 0 --quiet \
    >"$BENCH_TMP/target.out" 2>&1 &
BENCH_PIDS="$BENCH_PIDS $!"
port=
for i in $(seq 1 50); do
	port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' \
	    "$BENCH_TMP/target.out")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || bench_die "loadtop-target did not start"
base="http://127.0.0.1:$port"
sock="loadtop-bench-snap-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; bench_cleanup' EXIT

[ "$wait_quiet" -eq 1 ] && bench_wait_quiet
bench_machine
echo "# loadtop-target at $base on CPU $BENCH_SERVER_CPU; loadtop -t 2 on CPU $BENCH_LOAD_CPU under callgrind --toggle-collect=engine_tick"

# A scenario: its name, then phases as "name kind duration [rate]".
scenario() {
	local f=$BENCH_TMP/$1.yaml name kind dur r

	shift
	printf 'version: 1\nname: snapshot-cost\ntarget:\n  base_url: %s\n' \
	    "$base" >"$f"
	printf 'requests:\n  - name: ok\n    path: /ok\nphases:\n' >>"$f"
	for p in "$@"; do
		read -r name kind dur r <<<"$p"
		printf '  - name: %s\n    kind: %s\n    duration: %ss\n' \
		    "$name" "$kind" "$dur" >>"$f"
		[ -n "$r" ] && printf '    rate: %s/s\n' "$r" >>"$f"
	done
	echo "$f"
}

served() {
	curl -s "$base/stats" | sed -n 's/.*"requests":\([0-9]*\),"status".*/\1/p'
}

# Wait until the target has served more than $2 requests, then none
# for a second.
wait_load_over() {
	local a b=$2

	while :; do
		sleep 1
		a=$b
		b=$(served)
		[ "$b" -gt "$2" ] && [ "$a" = "$b" ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
	done
}

# Wait until the target has served more than $2 requests, then $3 s.
wait_load_for() {
	while [ "$(served)" -le "$2" ]; do
		sleep 0.2
		kill -0 "$1" 2>/dev/null || return 1
	done
	sleep "$3"
}

valgrind_pid() {
	pgrep -f "^[^ ]*valgrind[^ ]* --tool=callgrind .*--callgrind-out-file=$1 " |
	    head -1
}

# Dump every $every seconds while the run lasts.
dump_while() {
	while kill -0 "$1" 2>/dev/null; do
		sleep "$every"
		callgrind_control --dump=window "$1" >/dev/null 2>&1
	done
}

# One line per dump: calls so far, calls in it, instructions per call.
# Function names are given once per run, by number afterwards.
report() {
	local out=$1 files=() i=1

	while [ -e "$out.$i" ]; do
		files+=("$out.$i")
		i=$((i + 1))
	done
	files+=("$out")
	awk -v name="$2" '
	function flush() {
		if (FILENAME_prev == "")
			return
		total += calls
		printf "%-8s %6d %12d %8d %14.0f\n", name, ++w, total, calls,
		    calls ? ir / calls : 0
	}
	FNR == 1 { flush(); FILENAME_prev = FILENAME; calls = 0; ir = 0 }
	/^summary:/ { ir = $2 }
	/^c?fn=\(/ {
		id = $1; sub(/^c?fn=/, "", id)
		if (NF > 1) names[id] = $2
		tick = ($1 ~ /^cfn/ && names[id] == "engine_tick")
		next
	}
	/^calls=/ { if (tick) { split($1, c, "="); calls += c[2] } tick = 0 }
	END { flush() }' "${files[@]}"
}

run_idle() {
	local f pid n0 out=$BENCH_TMP/idle.cg

	f=$(scenario idle "warm sustained $warm $rate" "rest idle $idle")
	n0=$(served)
	taskset -c "$BENCH_LOAD_CPU" valgrind --tool=callgrind \
	    --toggle-collect=engine_tick --callgrind-out-file="$out" \
	    "$LOADTOP" --headless --quiet --no-report -t 2 --interval 10ms \
	    "$f" >"$BENCH_TMP/idle.log" 2>&1 &
	pid=$!
	wait_load_over "$pid" "$n0" && callgrind_control --dump=warm "$pid" >/dev/null 2>&1
	dump_while "$pid"
	wait "$pid"
	report "$out" idle
}

run_loaded() {
	local f pid out=$BENCH_TMP/loaded.cg

	f=$(scenario loaded "steady sustained $load $rate")
	taskset -c "$BENCH_LOAD_CPU" valgrind --tool=callgrind \
	    --toggle-collect=engine_tick --callgrind-out-file="$out" \
	    "$LOADTOP" --headless --quiet --no-report -t 2 --interval 100ms \
	    "$f" >"$BENCH_TMP/loaded.log" 2>&1 &
	pid=$!
	dump_while "$pid"
	wait "$pid"
	report "$out" loaded
}

# The dashboard needs a terminal: a tmux pane, keys sent to it.
run_paused() {
	local f pid n0 out=$BENCH_TMP/paused.cg end

	f=$(scenario paused "steady sustained $((pause * 4)) $rate")
	n0=$(served)
	tmux -L "$sock" -f /dev/null new-session -d -s b -x 100 -y 30 \
	    "taskset -c $BENCH_LOAD_CPU valgrind --tool=callgrind --toggle-collect=engine_tick --callgrind-out-file='$out' '$LOADTOP' --no-report -t 2 --interval 10ms '$f' 2>'$BENCH_TMP/paused.log'"
	sleep 1
	pid=$(valgrind_pid "$out")
	[ -n "$pid" ] || bench_die "the paused run did not start"
	wait_load_for "$pid" "$n0" "$warm"
	tmux -L "$sock" send-keys -t b p
	callgrind_control --dump=loaded "$pid" >/dev/null 2>&1
	end=$(($(date +%s) + pause))
	while [ "$(date +%s)" -lt "$end" ]; do
		sleep "$every"
		callgrind_control --dump=window "$pid" >/dev/null 2>&1
	done
	tmux -L "$sock" send-keys -t b q
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.5
	done
	tmux -L "$sock" kill-server 2>/dev/null
	report "$out" paused
}

printf '%-8s %6s %12s %8s %14s\n' case window "calls so far" calls "Ir per call"
for c in $cases; do
	case $c in
	idle|loaded|paused) "run_$c" ;;
	*) bench_die "unknown case '$c'" ;;
	esac
done
