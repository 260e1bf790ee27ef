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

# jq EXPR [DIR]: a value of report.json (of the last session by default),
# d being the document.
jq() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2]+"/report.json")); v=eval(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' \
	    "$1" "${2:-$T_TMP/r}"
}
# session ARGS...: loadtop monitor --headless with a fresh report in r/.
session() {
	rm -rf "$T_TMP/r"
	run_monitor --headless --report "$T_TMP/r" "$@"
}

# A PID that is gone exits 3 with a clear message, and writes nothing.
sh -c 'exit 0' &
gone=$!
wait $gone
session --pid "$gone" --duration 1s
is "$RC" 3 "a missing PID exits 3"
like "$ERR" "no process with PID $gone" "a missing PID is named"
ok "no report for a session that never began" test ! -e "$T_TMP/r"

# --duration ends the session, with a complete report.
"$FIX/forker" -n 0 -d 30 >/dev/null &
wpid=$!
T_PIDS="$T_PIDS $wpid"
session --pid "$wpid" --duration 2s --interval 500ms
is "$RC" 0 "a session of 2s: exit 0"
for f in report.json report.md report.html timeseries.csv; do
	ok "the report has $f" test -s "$T_TMP/r/$f"
done
is "$(jq 'd["scenario"]["name"]')" monitor "the session is named monitor"
is "$(jq 'd["watch_only"]')" true "report.json: a session without load"
like "$(head -1 "$T_TMP/r/report.md")" "^# Server health: monitor" \
    "report.md: a server-health document"
like "$(cat "$T_TMP/r/report.md")" "## Server health" \
    "report.md: the per-process table"
ok "report.md: no latency section" sh -c "! grep -q '^## Latency' '$T_TMP/r/report.md'"
is "$(jq 'd["end_reason"]')" completed "it ended at its length"
is "$(jq 'd["target"]["pid"]')" "$wpid" "report.json: the PID watched"
is "$(jq 'd["target"]["alive"]')" true "report.json: still running"
ok "report.json: samples over 2s ($(jq 'd["target"]["samples"]'))" \
    test "$(jq 'd["target"]["samples"]')" -ge 6
is "$(jq 'round(d["duration_s"])')" 2 "report.json: it lasted 2s"
is "$(jq 'len(d["timeseries"])')" 5 "four intervals of 500ms and the last, partial"
is "$(jq 'd["thresholds"][0]["expr"] if d["thresholds"] else None')" \
    "target_exits == 0" "the crash rule holds in a session"
kill "$wpid"

# A watched process that exits ends the session and fails it; the
# report says so.
"$FIX/forker" -n 0 -d 1.5 -x 3 >/dev/null &
fpid=$!
T_PIDS="$T_PIDS $fpid"
session --pid "$fpid" --interval 500ms
is "$RC" 1 "monitor exits 1 when the target exits"
is "$(jq 'd["end_reason"]')" target_exited "report.json: how it ended"
is "$(jq 'd["target"]["alive"]')" false "report.json: the process exited"
is "$(jq '[e["kind"] for e in d["target"]["events"]][-1]')" exit \
    "report.json: the exit event"
is "$(jq '[a["kind"] for a in d["alerts"]]')" '["target_exited"]' \
    "report.json: the exit alert"
like "$(cat "$T_TMP/r/report.md")" "exited" "report.md: the exit"
like "$ERR" "target_exited: target $fpid exited" "the alert line"

# SIGTERM and SIGINT end the session with the report written.
for sig in TERM INT; do
	"$FIX/forker" -n 0 -d 30 >/dev/null &
	spid=$!
	T_PIDS="$T_PIDS $spid"
	rm -rf "$T_TMP/r"
	"$LOADTOP" monitor --headless --report "$T_TMP/r" --pid "$spid" \
	    >"$T_TMP/out" 2>"$T_TMP/err" &
	lpid=$!
	sleep 1.5
	kill -"$sig" "$lpid"
	wait "$lpid"
	RC=$?
	is "$RC" 0 "SIG$sig: the session ends, exit 0"
	is "$(jq 'd["end_reason"]')" signal "SIG$sig: report.json says why"
	is "$(jq 'd["target"]["pid"]')" "$spid" "SIG$sig: the report is whole"
	kill "$spid"
done

# --threshold on the target's figures: exit 1 when one fails.
"$FIX/cpu-burn" -p 30 -d 20 >/dev/null &
bpid=$!
T_PIDS="$T_PIDS $bpid"
sleep 0.3
session --pid "$bpid" --duration 3s --threshold 'cpu_max < 10%' \
    --threshold 'rss_max < 1GB'
is "$RC" 1 "a failed target threshold exits 1"
like "$OUT" 'cpu_max < 10% +[0-9.]+% +FAIL' "the failed threshold is shown"
like "$OUT" 'rss_max < 1GB +[0-9.]+MB +PASS' "the one met too"
session --pid "$bpid" --duration 3s --threshold 'cpu_max < 90%'
is "$RC" 0 "a met target threshold exits 0"
session --pid "$bpid" --duration 3s --threshold "process:pid-$bpid.cpu_max > 10%"
is "$RC" 0 "a process scope by the name of its flag"
session --pid "$bpid" --duration 3s --threshold 'process:api.cpu_max < 90%'
is "$RC:$ERR" "2:loadtop: threshold 'process:api.cpu_max < 90%': no process named 'api' is watched; the first is pid-$bpid" \
    "a process scope that names no process watched is a usage error"
kill "$bpid"

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
session --pid-file "$T_TMP/app.pid" --duration 3s --sample-rate 10
ticks1=$(awk '{ print $14 + $15 }' "/proc/$bpid/stat")
t1=$(date +%s.%N)
is "$RC" 0 "monitor a PID file"
is "$(jq 'd["target"]["pid"]')" "$bpid" "PID read from the file"
avg=$(jq 'd["target"]["cpu_percent"]["avg"]')
want=$(awk -v a="$ticks0" -v b="$ticks1" -v s="$t0" -v e="$t1" \
	-v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz / (e - s) * 100 }')
ok "busy loop CPU avg $avg% within 10 of its own $want%" \
	awk -v a="$avg" -v w="$want" 'BEGIN { exit !(a != "" && a - w < 10 && w - a < 10) }'
kill "$bpid"

# Name, through a private copy so the name is unique.
name="ltmon$$"
cp "$FIX/forker" "$T_TMP/$name"
"$T_TMP/$name" -n 2 -k 1 -r -d 10 >/dev/null &
npid=$!
T_PIDS="$T_PIDS $npid"
sleep 0.3
session --proc-name "$name" --duration 1s
is "$RC" 3 "a name shared by master and workers is ambiguous"
like "$ERR" "3 processes named '$name': .*$npid \($name\)" \
	"ambiguity lists the candidates"
# A worker's death is the tree's event; the session's own threshold on
# it (here: one may die) replaces the default.
session --proc-name "$name" --proc-tree --duration 2500ms \
	--sample-rate 10 --threshold 'worker_deaths <= 1'
is "$RC" 0 "a name as a tree"
is "$(jq 'd["target"]["pid"]')" "$npid" "the master is the tree's root"
is "$(jq 'd["target"]["tree"]')" true "watched as a tree"
is "$(jq 'd["target"]["processes_max"]')" 3 "three processes at most"
is "$(jq 'd["target"]["worker_deaths"]')" 1 "a replaced worker is counted"
like "$(jq '[e["message"] for e in d["target"]["events"]]')" \
	"worker [0-9]+ \($name\) exited" "the worker's death is an event"
kill "$npid"

# exec, wait for readiness, health and metrics, stop.
port=$("$FIX/tiny-http" -d 0.2 | sed -n 's/.*127\.0\.0\.1:\([0-9]*\)$/\1/p')
session --exec "$FIX/tiny-http -p $port -w 0.5" \
	--exec-log "$T_TMP/svc.log" \
	--ready-url "http://127.0.0.1:$port/health" \
	--health-url "http://127.0.0.1:$port/health" \
	--metrics-url "http://127.0.0.1:$port/metrics" \
	--metric tiny_up --metric tiny_requests_total --duration 2500ms
is "$RC" 0 "exec with a ready URL"
ok "health polled ($(jq 'd["target"]["health"]["checks"]') checks)" \
    test "$(jq 'd["target"]["health"]["checks"]')" -ge 2
is "$(jq 'd["target"]["health"]["failures"]')" 0 "health never failed"
is "$(jq '[d["target"]["metrics"]["tiny_up"][k] for k in ("last", "min", "max")]')" \
    "[1, 1, 1]" "a gauge scraped"
# The counter: what it counted from the first scrape to the last.
c='d["target"]["metrics"]["tiny_requests_total{path=\"any\"}"]'
is "$(jq "$c[\"delta\"]")" "$(jq "$c[\"last\"] - $c[\"first\"]")" \
    "its delta is last - first"
# A health check and a scrape a second for 2.5 s, and the final scrape.
ok "it counted the monitor's own requests ($(jq "$c[\"delta\"]"))" \
    test "$(jq "$c[\"delta\"]")" -ge 4 -a "$(jq "$c[\"delta\"]")" -le 9
like "$ERR" "the service we started killed by signal 15" \
	"stopped with SIGTERM, which it was not deaf to"
like "$(cat "$T_TMP/svc.log")" "listening on 127.0.0.1:$port" \
	"service output in the log"
like "$(cat "$T_TMP/r/target.log")" "listening on 127.0.0.1:$port" \
	"and beside the report"

session --exec "$FIX/forker -n 0 -d 5" --ready-port 1 \
	--ready-timeout 700ms --duration 1s
is "$RC" 3 "readiness never comes"
like "$ERR" "not ready after 0\.7s: port 1 does not answer" \
	"readiness failure explained"
session --exec "$FIX/forker -n 0 -d 0.2 -x 9" --ready-port 1
is "$RC" 3 "exit before readiness"
like "$ERR" "exited with status 9 before it was ready" \
	"early exit explained"

# Two processes: each watched, each in the report, the exit of either
# ends and fails the session.
"$FIX/forker" -n 0 -d 30 >/dev/null &
p1=$!
"$FIX/forker" -n 0 -d 2 -x 0 >/dev/null &
p2=$!
T_PIDS="$T_PIDS $p1 $p2"
session --pid "$p1" --pid "$p2" --duration 10s
is "$RC" 1 "two processes: the exit of one fails the session"
is "$(jq 'd["end_reason"]')" target_exited "two processes: it ended there"
is "$(jq '[p["pid"] for p in d.get("processes", [])]')" "[$p1, $p2]" \
    "report.json: both processes"
is "$(jq '[p["alive"] for p in d.get("processes", [])]')" "[true, false]" \
    "report.json: which one exited"
is "$(jq '[a["message"] for a in d["alerts"]]')" \
    "[\"pid-$p2: target $p2 exited\"]" "the alert names the one that exited"
like "$(cat "$T_TMP/r/report.md")" "\| pid-$p1 \(pid $p1\) \|.*\| 0 \| running \|" \
    "report.md: no alert about the one still running"
like "$(cat "$T_TMP/r/report.md")" "\| pid-$p2 \(pid $p2\) \|.*\| 1 \| at [0-9.]+s: target $p2 exited \|" \
    "report.md: its exit is the alert about the other"
kill "$p1"

# A saw-tooth is not a leak; a steady climb is.
session --exec "$FIX/alloc-rate -r 8 -f 20 -s 1 -d 30" \
	--duration 8s --sample-rate 10 --interval 2s
is "$(jq 'd["target"]["leak"]["verdict"]')" stable "saw-tooth RSS is stable"
session --exec "$FIX/alloc-rate -r 2 -d 30" --duration 7s \
	--sample-rate 10 --interval 2s
is "$(jq 'd["target"]["leak"]["verdict"]')" leak "a steady climb is a leak"
# 2 MB/s is 122880 KB/min; within 10%: 110592 to 135168.
slope=$(jq 'round(d["target"]["leak"]["slope_kb_per_min"])')
ok "slope $slope KB/min within 10% of 2 MB/s" \
	test "$slope" -ge 110592 -a "$slope" -le 135168

done_testing
