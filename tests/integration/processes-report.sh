#!/bin/sh
# Two loadtop-target processes watched in one run, through the real
# binaries on loopback: the headless lines and summary, report.json,
# report.md and timeseries.csv for each; a session without load is a
# server-health report; one of the two killed mid-run fails the run.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1

# run ARGS...: headless; OUT (the summary), ERR (the lines), RC.
run() {
	timeout 60 "$LOADTOP" --headless "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}
# jq EXPR DIR: a value of report.json, d being the document.
jq() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2]+"/report.json")); v=eval(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' \
	    "$1" "$2"
}

start_target
A_PID=$TARGET_PID
A_URL=$TARGET_URL
start_target
B_PID=$TARGET_PID

# --- load on a, both watched ---------------------------------------------
cat >duo.yaml <<EOF
name: duo
target:
  base_url: "$A_URL"
  processes: [{name: a, pid: $A_PID}, {name: b, pid: $B_PID}]
requests: [{path: /ok}]
phases: [{kind: sustained, rate: 50/s, duration: 3s}]
EOF
run --report "$T_TMP/duo" duo.yaml
is "$RC" 0 "duo: a run watching two processes passes"
is "$(jq '[(p["name"], p["pid"]) for p in d["processes"]]' duo)" \
    "[[\"a\", $A_PID], [\"b\", $B_PID]]" "duo: report.json names both, with their pids"
ok "duo: both have samples and their own series" python3 -c '
import json, sys
d = json.load(open(sys.argv[1] + "/report.json"))
assert d["watch_only"] is False
for p in d["processes"]:
    assert p["samples"] >= 3 and len(p["timeseries"]) >= 3, p["name"]
    assert p["alive"] and not p["may_exit"], p["name"]
assert d["target"]["pid"] == d["processes"][0]["pid"]' duo
md=$(cat duo/report.md)
like "$md" '^## Target resources: a$' "duo: report.md has a's section"
like "$md" '^## Target resources: b$' "duo: report.md has b's section"
like "$md" "^\\| Process 'b' \\| pid $B_PID" "duo: report.md's configuration lists b"
like "$(head -1 duo/timeseries.csv)" ',in_flight,checks_passed,checks_failed,check_failed,capture_missing,streams_open,streams_connecting,streams_dropped,messages_in,messages_out,events,a_cpu,a_rss_mb,b_cpu,b_rss_mb$' \
    "duo: timeseries.csv has both sets of columns"
ok "duo: every whole interval has both processes' figures" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/timeseries.csv")))
whole = [r for r in rows if r["partial"] == "0"]
assert len(whole) >= 2, rows
for r in whole:
    for k in ("a_cpu", "a_rss_mb", "b_cpu", "b_rss_mb"):
        assert r[k] != "", (k, r)
    assert float(r["b_rss_mb"]) > 0 and r["a_cpu"] == r["cpu"], r' duo
like "$OUT" "^  target     a: pid $A_PID\$" "duo: the summary shows a"
like "$OUT" "^  target     b: pid $B_PID\$" "duo: the summary shows b"
like "$OUT" '^  requests   [0-9]+ sent' "duo: the summary has the requests"
like "$ERR" '  a cpu [0-9]+% rss [0-9.]+MB  b cpu [0-9]+% rss [0-9.]+MB' \
    "duo: the progress lines show both"

# --- no load: a server-health report --------------------------------------
cat >health.yaml <<EOF
name: health
target:
  processes: [{name: a, pid: $A_PID}, {name: b, pid: $B_PID}]
phases: [{kind: idle, duration: 3s}]
EOF
run --report "$T_TMP/health" health.yaml
is "$RC" 0 "health: watching without load passes"
md=$(cat health/report.md)
is "$(head -1 health/report.md)" "# Server health: health" \
    "health: report.md is titled Server health"
like "$md" '^\| Process \| CPU max \| CPU avg \| RSS max \| Growth \| Leak verdict \| Alerts \| Exit \|$' \
    "health: the per-process table"
like "$md" "^\\| a \\(pid $A_PID\\) \\| [0-9.]+% \\| [0-9.]+% \\| [0-9.]+MB \\|.* \\| running \\|\$" \
    "health: a row for a"
like "$md" "^\\| b \\(pid $B_PID\\) \\|" "health: a row for b"
ok "health: no latency, throughput or requests section" sh -c \
    '! grep -Eq "^## (Latency|Throughput|Requests|Phases)" "$1"' sh health/report.md
is "$(jq 'd["watch_only"]' health)" true "health: report.json says watch_only"
like "$OUT" 'after [0-9.]+s, watching 2 processes' "health: the summary says so"
ok "health: the summary has no request table" sh -c \
    '! grep -Eq "^  (requests|latency|throughput) " "$1"' sh "$T_TMP/out"
like "$ERR" "^\\[ +[0-9.]+s\\] b +pid $B_PID  cpu +[0-9.]+%  rss [0-9.]+MB" \
    "health: a line per process and interval"

# --- b killed mid-run, not allowed to exit -------------------------------
cat >crash.yaml <<EOF
name: crash
target:
  processes: [{name: a, pid: $A_PID}, {name: b, pid: $B_PID}]
phases: [{kind: idle, duration: 8s}]
EOF
(sleep 1.5; kill -9 "$B_PID") &
run --report "$T_TMP/crash" crash.yaml
is "$RC" 1 "crash: one of two processes killed mid-run exits 1"
md=$(cat crash/report.md)
# Not loadtop's child: its status is not known, only that it went.
like "$md" "^- Process b exited at [0-9.]+s: target $B_PID (exited|killed by signal 9)" \
    "crash: report.md says which exited, when and how"
like "$md" "^\\| b \\(pid $B_PID\\) \\|.* \\| at [0-9.]+s: target $B_PID (exited|killed by signal 9) \\|\$" \
    "crash: the health table's exit column"
like "$md" "^\\| a \\(pid $A_PID\\) \\|.* \\| running \\|\$" "crash: a still ran"
is "$(jq '[(p["name"], p["alive"], len(p["exits"])) for p in d["processes"]]' crash)" \
    '[["a", true, 0], ["b", false, 1]]' "crash: report.json: b exited, a did not"
like "$OUT" "^  target     b: pid $B_PID, exited\$" "crash: the summary shows b exited"
like "$OUT" "^  exited     at [0-9.]+s: target $B_PID (exited|killed by signal 9)\$" \
    "crash: and when and how"

done_testing
