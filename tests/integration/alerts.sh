#!/bin/sh
# Alerts on real runs against loadtop-target: slow answers raise p95,
# failures raise error_rate, a schedule not kept raises one late_starts
# record (a burst none), a busy process raises target_cpu, an exit
# raises target_exited; a rule turned off says nothing; the dashboard
# shows an alert while it is active.
. "$top_srcdir/tests/lib.sh"

BURN="$top_builddir/tests/fixtures/cpu-burn"

# scenario NAME PATH [ALERTS] [PHASE]: one request, 2 users for 2.5s.
scenario() {
	_phase=${4:-}
	[ -n "$_phase" ] ||
	    _phase='{kind: sustained, users: 2, duration: 2500ms}'
	cat >"$T_TMP/$1.yaml" <<EOF
name: $1
target: {base_url: "$TARGET_URL"}
requests: [{path: "$2"}]
phases: [$_phase]
${3:+alerts: $3}
EOF
}

# run NAME ARGS...: loadtop headless, its report in $T_TMP/NAME.
run() {
	_n=$1
	shift
	(cd "$T_TMP" && timeout 60 "$LOADTOP" --quiet --headless \
	    --report "$T_TMP/$_n" "$@") >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	DIR="$T_TMP/$_n"
}

# alerts EXPR: a value computed from the list of alerts (a) and the
# document (d), both from report.json in $DIR.
alerts() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2]+"/report.json")); a=d["alerts"]; v=eval(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' \
	    "$1" "$DIR"
}

start_target --threads 2

# --- p95: every answer takes 600ms --------------------------------------
scenario slow "/delay?ms=600"
run slow "$T_TMP/slow.yaml" --pid "$TARGET_PID"
is "$RC" 0 "p95: the run completes"
is "$(alerts '[x["kind"] for x in a if x["kind"] == "p95"][:1]')" '["p95"]' \
    "p95: raised"
is "$(alerts '[x["level"] for x in a if x["kind"] == "p95"][0]')" warning \
    "p95: a warning"
like "$(alerts '[x["message"] for x in a if x["kind"] == "p95"][0]')" \
    '^p95 6[0-9][0-9]ms in an interval \(over 500ms\)$' \
    "p95: the message has the figures"
ok "p95: raised within the run, at an interval's end" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = [x for x in d["alerts"] if x["kind"] == "p95"][0]
assert 0.5 < a["t_start"] <= d["duration_s"] + 0.01, a
assert a["t_end"] is None or a["t_end"] >= a["t_start"], a
' "$DIR/report.json"
like "$(cat "$DIR/report.md")" 'warning from [0-9.]+s.*: p95 6[0-9][0-9]ms' \
    "p95: listed in report.md with its time"
is "$(alerts '[x["kind"] for x in a if x["kind"] == "error_rate"]')" '[]' \
    "p95: no error_rate alert when nothing fails"

# --- the same with p95 off ------------------------------------------------
scenario slow-off "/delay?ms=600" "{p95: off}"
run slow-off "$T_TMP/slow-off.yaml" --pid "$TARGET_PID"
is "$RC" 0 "p95 off: the run completes"
is "$(alerts '[x["kind"] for x in a if x["kind"] == "p95"]')" '[]' \
    "p95 off: no p95 alert"
ok "p95 off: the latency was as high" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["totals"]["latency_ms"]["p95"] > 500, d["totals"]["latency_ms"]
' "$DIR/report.json"

# --- error_rate: every other request fails -------------------------------
scenario flaky "/flaky?every=2" "" \
    '{kind: sustained, rate: 40/s, duration: 2500ms}'
run flaky "$T_TMP/flaky.yaml"
is "$(alerts '[x["level"] for x in a if x["kind"] == "error_rate"][:1]')" \
    '["critical"]' "error_rate: raised, critical"
like "$(alerts '[x["message"] for x in a if x["kind"] == "error_rate"][0]')" \
    '^error rate (4[0-9]|5[0-9])% \([0-9]+ of [0-9]+ requests in an interval; over 5%\)$' \
    "error_rate: about half, with the counts"
is "$(alerts 'd["alerts_dropped"]')" 0 "error_rate: nothing dropped"

# --- late_starts: one record while the schedule is not kept -------------
# One connection for 20/s of 100ms answers: the starts fall behind from
# the first second.  A burst then, and a calm phase: the alert ends.
cat >"$T_TMP/late.yaml" <<EOF
name: late
target: {base_url: "$TARGET_URL"}
requests:
  - {name: slow, path: "/delay?ms=100"}
  - {name: fast, path: /ok}
phases:
  - {name: behind, kind: sustained, rate: 20/s, duration: 3s, connections: 1,
     use: slow}
  - {name: spike, kind: burst, requests: 2000, concurrency: 200, use: fast}
  - {name: calm, kind: sustained, rate: 4/s, duration: 4s, use: fast}
EOF
run late "$T_TMP/late.yaml"
is "$RC" 0 "late_starts: the run completes"
is "$(alerts 'len([x for x in a if x["kind"] == "late_starts"])')" 1 \
    "late_starts: one record, not one an interval"
ok "late_starts: it spans the late phase, and ended after it" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
late, calm = d["phases"][0], d["phases"][2]
x = [x for x in d["alerts"] if x["kind"] == "late_starts"][0]
assert x["t_start"] < 1.1 and x["t_end"] is not None, x
assert late["ended_s"] - 1.1 <= x["t_end"] < calm["ended_s"], (x, late)
' "$DIR/report.json"
ok "late_starts: the record has its worst interval, in percent" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
x = [x for x in d["alerts"] if x["kind"] == "late_starts"][0]
assert x["unit"] == "%" and x["worst"] > 10, x
assert x["t_start"] <= x["worst_t"] <= x["t_end"], x
assert "scheduled starts late" in x["message"], x
' "$DIR/report.json"
like "$(grep -c 'starts late' "$T_TMP/out")" '^1$' \
    "late_starts: the summary lists it once"
like "$(cat "$T_TMP/out")" \
    '^  alert      from [0-9.]+s to [0-9.]+s, worst at [0-9.]+s: [0-9]+ of [0-9]+ scheduled starts late' \
    "late_starts: with its span and worst interval"
like "$(cat "$DIR/report.md")" \
    '^- ⚠️ warning from [0-9.]+s to [0-9.]+s, worst at [0-9.]+s: [0-9]+ of [0-9]+ scheduled starts late' \
    "late_starts: report.md lists it once, with its span and worst"
is "$(grep -c 'starts late' "$DIR/report.md")" 1 \
    "late_starts: once in report.md"

# A burst alone has no schedule: however many it starts, none is late.
cat >"$T_TMP/burst.yaml" <<EOF
name: burst
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases:
  - {kind: burst, requests: 3000, concurrency: 300}
  - {kind: burst, requests: 3000, concurrency: 300}
EOF
run burst "$T_TMP/burst.yaml"
is "$RC" 0 "burst: the run completes"
is "$(alerts '[x["kind"] for x in a if x["kind"] == "late_starts"]')" '[]' \
    "burst: no late_starts alert"
is "$(alerts 'd["totals"]["late_starts"]')" 0 "burst: no start counted late"

# --- target_cpu: load one process, watch a busy one ----------------------
# 20%: beside make -j2's other tests a busy loop may not get a whole core,
# but it never falls to a fifth of one.
"$BURN" -p 100 -d 20 &
burn=$!
T_PIDS="$T_PIDS $burn"
scenario busy /ok "{target_cpu: 20%, target_cpu_for: 1s}" \
    '{kind: sustained, rate: 20/s, duration: 4s}'
run busy "$T_TMP/busy.yaml" --pid "$burn"
kill "$burn" 2>/dev/null
is "$RC" 0 "target_cpu: the run completes"
like "$(alerts '[x["message"] for x in a if x["kind"] == "target_cpu"][0]')" \
    '^target CPU [0-9.]+% for [0-9.]+m?s \(over 20%\)$' \
    "target_cpu: raised with the figures"
ok "target_cpu: not before the CPU was over for 1s" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = [x for x in d["alerts"] if x["kind"] == "target_cpu"][0]
assert a["t_start"] >= 1.0, a
' "$DIR/report.json"
# The same process under the default rule (10s) says nothing in 3s.
"$BURN" -p 100 -d 20 &
burn=$!
T_PIDS="$T_PIDS $burn"
scenario busy-default /ok "" '{kind: sustained, rate: 20/s, duration: 3s}'
run busy-default "$T_TMP/busy-default.yaml" --pid "$burn"
kill "$burn" 2>/dev/null
is "$(alerts '[x["kind"] for x in a if x["kind"] == "target_cpu"]')" '[]' \
    "target_cpu: the default 10s is not reached in 3s"

# --- target_exited: the watched process ends mid-run ---------------------
scenario gone /ok "" '{kind: sustained, rate: 20/s, duration: 20s}'
run gone "$T_TMP/gone.yaml" --exec "$BURN -p 5 -d 1"
is "$(alerts 'd["end_reason"]')" target_exited "target_exited: the run ended"
is "$(alerts '[x["level"] for x in a if x["kind"] == "target_exited"]')" \
    '["critical"]' "target_exited: one critical alert"
like "$(alerts '[x["message"] for x in a if x["kind"] == "target_exited"][0]')" \
    'exited with status 0' "target_exited: with its status"
ok "target_exited: an event, t_end = t_start, about 1s in" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = [x for x in d["alerts"] if x["kind"] == "target_exited"][0]
assert a["t_end"] == a["t_start"] and 0.5 < a["t_start"] < 5, a
' "$DIR/report.json"

# --- live: the dashboard's alerts line -----------------------------------
if command -v tmux >/dev/null 2>&1; then
	SOCK="loadtop-alerts-$$"
	trap 'tmux -L "$SOCK" kill-server 2>/dev/null; t_cleanup' EXIT
	scenario live "/delay?ms=600" "" \
	    '{kind: sustained, users: 2, duration: 20s}'
	tmux -L "$SOCK" -f /dev/null new-session -d -s ui -x 120 -y 30 \
	    "cd '$T_TMP' && '$LOADTOP' --no-report live.yaml; sleep 30"
	_end=$(( $(date +%s) + 15 ))
	row=""
	while [ "$(date +%s)" -lt "$_end" ]; do
		row=$(tmux -L "$SOCK" capture-pane -p -t ui 2>/dev/null |
		    sed -n 29p)
		case $row in *"p95 6"*) break ;; esac
		sleep 0.2
	done
	like "$row" '^ p95 6[0-9][0-9]ms in an interval \(over 500ms\)' \
	    "live: the alerts line shows the active p95 alert"
	tmux -L "$SOCK" send-keys -t ui q
	sleep 0.5
	tmux -L "$SOCK" kill-server 2>/dev/null
else
	echo "ok $((T_N += 1)) # SKIP tmux is not installed"
fi

done_testing
