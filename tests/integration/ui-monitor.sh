#!/bin/sh
# The dashboard with several processes watched, under load and in a
# session without load (only idle phases): the processes listed and
# selected, the watch-only views, keys, report and exit.
. "$top_srcdir/tests/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi

. "$top_srcdir/tests/integration/ui-tmux.sh"

start_target
PID_A=$TARGET_PID
URL_A=$TARGET_URL
start_target
PID_B=$TARGET_PID

# --- two processes under load ------------------------------------------
cat >"$T_TMP/two.yaml" <<YAML
version: 1
name: two
target:
  base_url: $URL_A
  processes:
    - {name: front, pid: $PID_A}
    - {name: back, pid: $PID_B}
requests: [{name: ok, path: /ok}]
phases: [{kind: sustained, rate: 20/s, duration: 60s}]
YAML
start_pane "LC_ALL=C.UTF-8 '$LOADTOP' --no-report two.yaml --fps 10"
if ! wait_for 'loadtop +two +phase 1/1' 15; then
	printf '%s\n' "$SHOT" | sed 's/^/# /'
	echo "Bail out! the dashboard did not come up"
	exit 1
fi
ok "the overview counts the processes" wait_for 'Target +2 processes' 5
ok "and gives a line to each" wait_for 'back +ok +[0-9.]+%' 5
like "$SHOT" 'front +ok +[0-9.]+%' "the first one too"
tm send-keys -t ui 4
ok "the target view lists both" \
    wait_for "^front +$PID_A +alive" 5
like "$SHOT" "^back +$PID_B +alive" "with their pids and states"
like "$SHOT" "^ front +pid $PID_A +CPU +now" "the first is shown in detail"
like "$SHOT" 'jk process' "the footer offers the selection"
tm send-keys -t ui j
ok "j selects the second, its pid shows" \
    wait_for "^ back +pid $PID_B +CPU +now" 5
tm send-keys -t ui j
sleep 0.5
shot
like "$SHOT" "^ back +pid $PID_B +CPU" "the selection stops at the last"
tm send-keys -t ui Up
ok "Up selects the first again" wait_for "^ front +pid $PID_A +CPU" 5
tm send-keys -t ui Down Tab Tab Tab Tab Tab
ok "the selection survives a round of the views" \
    wait_for "^ back +pid $PID_B +CPU" 5
tm send-keys -t ui '?'
ok "the help lists the selection" wait_for 'the process below' 5
like "$SHOT" 'pause or resume the load' "and, under load, pause"
tm send-keys -t ui x q
ok "q ends the run" wait_for 'loadtop exited with 0' 15

# --- watching only: two processes, no load -----------------------------
cat >"$T_TMP/watch.yaml" <<YAML
version: 1
name: watch
target:
  processes:
    - {name: front, pid: $PID_A}
    - {name: back, pid: $PID_B}
phases: [{kind: idle, duration: 60s}]
YAML
start_pane "LC_ALL=C.UTF-8 '$LOADTOP' --report '$T_TMP/watch-report' watch.yaml --fps 10"
ok "a watch-only dashboard comes up, saying monitor" \
    wait_for 'loadtop +watch +monitor' 15
ok "on the target view" wait_for "^ front +pid $PID_A +CPU +now" 5
like "$SHOT" "^back +$PID_B +alive" "both processes listed"
like "$SHOT" "watching front $PID_A, back $PID_B" \
    "the status line names the processes"
ok "with the time and the time left" \
    wait_for '[0-9]+:[0-9]{2} +[0-9]+:[0-9]{2} left' 5
like "$SHOT" '1 front +2 back' "the views are the processes"
like "$SHOT" 'q quit +s report +Tab view +\? help' \
    "the footer offers quit, report, Tab and help"
ok "and not pause, rate or next" sh -c \
    "! printf '%s\n' \"\$1\" | grep -Eq 'p pause|\+- rate|n next'" sh "$SHOT"
ok "nor a phase or a rate in the header" sh -c \
    "! printf '%s\n' \"\$1\" | grep -Eq 'phase 1/1|req/s'" sh "$SHOT"

tm send-keys -t ui Tab
ok "Tab goes to the second process's view" \
    wait_for "^ back +pid $PID_B +CPU +now" 5
reached=""
for k in Tab Tab Tab 2 3 5 BTab; do
	tm send-keys -t ui "$k"
	sleep 0.3
	shot
	printf '%s\n' "$SHOT" | grep -Eq 'request +count|Latency +from|Phases' &&
	    reached="$reached $k"
	printf '%s\n' "$SHOT" | grep -Eq 'pid [0-9]+ +CPU +now' ||
	    reached="$reached $k(gone)"
done
is "$reached" "" "Tab and the digits stay on the target views"
tm send-keys -t ui 1
ok "1 selects the first process" wait_for "^ front +pid $PID_A +CPU" 5
tm send-keys -t ui p
sleep 0.5
shot
ok "p does not pause" sh -c \
    "! printf '%s\n' \"\$1\" | grep -q PAUSED" sh "$SHOT"
tm send-keys -t ui '?'
ok "the help comes up" wait_for 'this help; any key closes it' 5
ok "without the load's keys" sh -c \
    "! printf '%s\n' \"\$1\" | grep -Eq 'pause or resume|next phase'" \
    sh "$SHOT"
like "$SHOT" 'write a report now' "with the report key"
tm send-keys -t ui x
ok "any key closes it" wait_gone 'any key closes it' 5

tm send-keys -t ui s
ok "s writes a report" wait_for 'report written to ' 10
now=$(printf '%s\n' "$SHOT" | sed -n 's/.*report written to \([^ ]*\).*/\1/p' |
    head -1)
ok "its directory has the report ($now)" test -s "$now/report.json"

tm send-keys -t ui q
ok "q ends the session" wait_for 'loadtop exited with' 15
like "$SHOT" 'loadtop exited with 0$' "with status 0"
is "$(tm display-message -p -t ui '#{alternate_on}')" 0 \
    "the terminal left the alternate screen"
is "$(tm display-message -p -t ui '#{cursor_flag}')" 1 "the cursor is back"
ok "the final report is written" python3 -c '
import json, sys
d = json.load(open(sys.argv[1] + "/report.json"))
assert d["end_reason"] == "user_quit", d["end_reason"]
' "$T_TMP/watch-report"

# --- watching one process, from the flags ------------------------------
cat >"$T_TMP/one.yaml" <<YAML
version: 1
name: one
target: {}
phases: [{kind: idle, duration: 30s}]
YAML
start_pane "'$LOADTOP' --no-report one.yaml --pid $PID_B"
ok "one process watched: the target view as with load" \
    wait_for '^ Target +CPU +now' 15
like "$SHOT" 'loadtop +one +monitor' "the header says monitor"
like "$SHOT" '1 Target' "the one view"
ok "no table of processes" sh -c \
    "! printf '%s\n' \"\$1\" | grep -Eq '^process +pid'" sh "$SHOT"
tm send-keys -t ui q
ok "q ends it" wait_for 'loadtop exited with 0' 15

# --- loadtop monitor itself: its dashboard, q, the report -----------------
start_pane "LC_ALL=C.UTF-8 '$LOADTOP' monitor --pid $PID_A --pid $PID_B --report '$T_TMP/mon-report' --fps 10"
ok "loadtop monitor shows the dashboard" \
    wait_for 'loadtop +monitor +monitor' 15
ok "on the target view, both processes listed" \
    wait_for "^ pid-$PID_A +pid $PID_A +CPU +now" 5
like "$SHOT" "^pid-$PID_B +$PID_B +alive" "the second one too"
like "$SHOT" "q quit" "q is offered"
tm send-keys -t ui Tab
ok "Tab moves to the second process" \
    wait_for "^ pid-$PID_B +pid $PID_B +CPU +now" 5
tm send-keys -t ui q
ok "q ends the monitor session, exit 0" wait_for 'loadtop exited with 0' 15
ok "the terminal is restored" sh -c \
    "! printf '%s\n' \"\$1\" | grep -q 'CPU +now'" sh "$SHOT"
ok "q wrote the report" python3 -c '
import json, sys
d = json.load(open(sys.argv[1] + "/report.json"))
assert d["end_reason"] == "user_quit", d["end_reason"]
assert d["watch_only"] is True
assert [p["pid"] for p in d["processes"]] == [int(sys.argv[2]), int(sys.argv[3])]
md = open(sys.argv[1] + "/report.md").read()
assert md.startswith("# Server health: monitor"), md[:40]
for f in ("report.html", "timeseries.csv"):
    assert open(sys.argv[1] + "/" + f).read()
' "$T_TMP/mon-report" "$PID_A" "$PID_B"

done_testing
