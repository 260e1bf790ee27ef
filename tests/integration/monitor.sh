#!/bin/sh
# loadtop monitor, headless, against the fixture processes.
. "$top_srcdir/tests/lib.sh"

FIX="$top_builddir/tests/fixtures"

# libproc2 4.0.2 never frees the per-thread buffers of its readers; in a
# sanitizer build that would fail every run of the sampler thread.
printf 'leak:libproc2.so\n' >"$T_TMP/lsan.supp"
LSAN_OPTIONS="suppressions=$T_TMP/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

# run_monitor ARGS...: sets RC, OUT (stdout) and ERR (stderr).
run_monitor() {
	"$LOADTOP" monitor "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}

# Usage errors exit 2.
run_monitor
is "$RC" 2 "no target is a usage error"
like "$ERR" "give one of --pid" "no target: says what is needed"
run_monitor --pid 1 --sample-rate 0
is "$RC" 2 "a zero sample rate is a usage error"
run_monitor --pid 1 --duration soon
is "$RC" 2 "a bad duration is a usage error"
run_monitor --pid 1 --ready-url http://127.0.0.1:1/
is "$RC" 2 "--ready-url without --exec is a usage error"

# A PID that is gone exits 3 with a clear message.
sh -c 'exit 0' &
gone=$!
wait $gone
run_monitor --pid "$gone" --duration 1s
is "$RC" 3 "a missing PID exits 3"
like "$ERR" "no process with PID $gone" "a missing PID is named"

# A watched process that exits ends the session; the summary says so.
"$FIX/forker" -n 0 -d 1.5 -x 3 >/dev/null &
fpid=$!
T_PIDS="$T_PIDS $fpid"
run_monitor --pid "$fpid" --interval 500ms
is "$RC" 0 "monitor exits 0 when the target exits"
like "$OUT" "^pid: $fpid$" "summary names the PID"
like "$OUT" "^exit: exited$" "summary records the exit"
like "$OUT" "event .* exit: target $fpid exited" "exit event listed"
like "$ERR" "pid $fpid cpu +[0-9.]+% rss [0-9.]+[KM]B" "per-interval lines"

# PID file.
"$FIX/cpu-burn" -p 100 -d 10 &
bpid=$!
T_PIDS="$T_PIDS $bpid"
echo "$bpid" >"$T_TMP/app.pid"
sleep 0.3
# The busy loop's own ticks over the same stretch: the CPU% to expect
# (a saturated host may not give it a whole core).
ticks0=$(awk '{ print $14 + $15 }' "/proc/$bpid/stat")
t0=$(date +%s.%N)
run_monitor --pid-file "$T_TMP/app.pid" --duration 3s --sample-rate 10
ticks1=$(awk '{ print $14 + $15 }' "/proc/$bpid/stat")
t1=$(date +%s.%N)
is "$RC" 0 "monitor a PID file"
like "$OUT" "^pid: $bpid$" "PID read from the file"
avg=$(printf '%s\n' "$OUT" | sed -n 's/^cpu: avg \([0-9.]*\)%.*/\1/p')
want=$(awk -v a="$ticks0" -v b="$ticks1" -v s="$t0" -v e="$t1" \
	-v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz / (e - s) * 100 }')
ok "busy loop CPU avg $avg% within 10 of its own $want%" \
	awk -v a="$avg" -v w="$want" 'BEGIN { exit !(a != "" && a - w < 10 && w - a < 10) }'
like "$OUT" "^exit: still running$" "a process that outlives the run"
kill "$bpid"

# Name, through a private copy so the name is unique.
name="ltmon$$"
cp "$FIX/forker" "$T_TMP/$name"
"$T_TMP/$name" -n 2 -k 1 -r -d 10 >/dev/null &
npid=$!
T_PIDS="$T_PIDS $npid"
sleep 0.3
run_monitor --proc-name "$name" --duration 1s
is "$RC" 3 "a name shared by master and workers is ambiguous"
like "$ERR" "3 processes named '$name': .*$npid \($name\)" \
	"ambiguity lists the candidates"
run_monitor --proc-name "$name" --proc-tree --duration 2500ms \
	--sample-rate 10
is "$RC" 0 "a name as a tree"
like "$OUT" "^pid: $npid \(tree\)$" "the master is the tree's root"
like "$OUT" "^processes: max 3, workers exited 1, started 1$" \
	"a replaced worker is counted"
like "$OUT" "worker-exit: worker [0-9]+ \($name\) exited" \
	"the worker's death is an event"
kill "$npid"

# exec, wait for readiness, health and metrics, stop.
port=$("$FIX/tiny-http" -d 0.2 | sed -n 's/.*127\.0\.0\.1:\([0-9]*\)$/\1/p')
run_monitor --exec "$FIX/tiny-http -p $port -w 0.5" \
	--exec-log "$T_TMP/svc.log" \
	--ready-url "http://127.0.0.1:$port/health" \
	--health-url "http://127.0.0.1:$port/health" \
	--metrics-url "http://127.0.0.1:$port/metrics" \
	--metric tiny_up --metric tiny_requests_total --duration 2500ms
is "$RC" 0 "exec with a ready URL"
like "$OUT" "^health: up, [0-9]+ checks, 0 failed" "health polled"
like "$OUT" "^metric tiny_up: last 1, min 1, max 1$" "a gauge scraped"
# The counter: what it counted from the first scrape to the last.
counted=$(printf '%s\n' "$OUT" | sed -n \
    's/^metric tiny_requests_total{path="any"}: delta \([0-9]*\), [0-9.]*\/s, from \([0-9]*\) to \([0-9]*\)$/\1 \2 \3/p')
like "$counted" '^[0-9]+ [0-9]+ [0-9]+$' "a counter's figures over the run"
set -- $counted
is "${1:-}" "$((${3:-0} - ${2:-0}))" "its delta is last - first (${counted})"
# A health check and a scrape a second for 2.5 s, and the final scrape.
ok "it counted the monitor's own requests (${1:-})" \
    test "${1:-0}" -ge 4 -a "${1:-0}" -le 9
like "$OUT" "^stopped: killed by signal 15" "stopped with SIGTERM"
like "$(cat "$T_TMP/svc.log")" "listening on 127.0.0.1:$port" \
	"service output in the log"

run_monitor --exec "$FIX/forker -n 0 -d 5" --ready-port 1 \
	--ready-timeout 700ms --duration 1s
is "$RC" 3 "readiness never comes"
like "$ERR" "not ready after 0\.7s: port 1 does not answer" \
	"readiness failure explained"
run_monitor --exec "$FIX/forker -n 0 -d 0.2 -x 9" --ready-port 1
is "$RC" 3 "exit before readiness"
like "$ERR" "exited with status 9 before it was ready" \
	"early exit explained"

# A saw-tooth is not a leak; a steady climb is.
run_monitor --exec "$FIX/alloc-rate -r 8 -f 20 -s 1 -d 30" \
	--duration 8s --sample-rate 10 --interval 2s
like "$OUT" "^leak: stable " "saw-tooth RSS is stable"
run_monitor --exec "$FIX/alloc-rate -r 2 -d 30" --duration 7s \
	--sample-rate 10 --interval 2s
like "$OUT" "^leak: leak " "a steady climb is a leak"
# 2 MB/s is 122880 KB/min; within 10%: 110592 to 135168.
like "$OUT" "^leak: .* slope 1(1[1-9]|2[0-9]|3[0-5])[0-9]{3}\.[0-9]KB/min" \
	"slope within 10% of 2 MB/s"

done_testing
