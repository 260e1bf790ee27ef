#!/bin/sh
# Verdicts a team can act on: a target that dies fails the run, and an
# interrupted run is judged on what ran.  Real runs against real
# processes: loadtop-target, and the forker fixture for a tree.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1

scenario() {
	cat >"$T_TMP/$1.yaml"
}
# run ARGS...: headless, quiet; OUT, ERR and RC.
run() {
	timeout 60 "$LOADTOP" --quiet --headless "$@" >"$T_TMP/out" \
	    2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}
# jq EXPR DIR: a value of report.json, d being the document.
jq() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2]+"/report.json")); v=eval(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' \
	    "$1" "$2"
}
# interrupt SECONDS ARGS...: a headless run, sent SIGINT after SECONDS.
interrupt() {
	_after=$1
	shift
	timeout 60 "$LOADTOP" --quiet --headless "$@" >"$T_TMP/out" \
	    2>"$T_TMP/err" &
	_p=$!
	sleep "$_after"
	kill -INT $_p
	wait $_p
	RC=$?
	OUT=$(cat "$T_TMP/out")
}

# --- the target killed with SIGKILL mid-run fails it ---------------------
port=$(free_port)
scenario crash <<EOF
name: crash
target: {base_url: "http://127.0.0.1:$port"}
requests: [{path: /ok}]
phases: [{kind: sustained, rate: 100/s, duration: 8s}]
EOF
(sleep 3; kill -9 "$(cat "$T_TMP/crash.pid")") &
run --report "$T_TMP/crash" \
    --exec "$TARGET --port $port --quiet --pid-file $T_TMP/crash.pid" \
    --ready-url "http://127.0.0.1:$port/health" "$T_TMP/crash.yaml"
is "$RC" 1 "crash: a target killed mid-run exits 1"
like "$OUT" 'target_exits == 0 \(default\) +1 +FAIL' \
    "crash: the default threshold failed"
like "$OUT" 'verdict +FAIL' "crash: the verdict is FAIL"
like "$OUT" 'exited +at [0-9.]+s: target [0-9]+ killed by signal 9' \
    "crash: the summary says when and how it exited"
like "$OUT" 'last seen +[0-9.]+s +cpu +[0-9.]+% +rss [0-9.]+MB' \
    "crash: and what the last samples were"
is "$(jq 'd["passed"]' "$T_TMP/crash")" false "crash: report.json passed false"
is "$(jq '[(t["expr"], t["status"], t["by_default"]) for t in d["thresholds"]]' "$T_TMP/crash")" \
    '[["target_exits == 0", "fail", true]]' \
    "crash: report.json lists the default threshold, failed"
like "$(cat "$T_TMP/crash/report.md")" 'Target exited at [0-9.]+s: target [0-9]+ killed by signal 9' \
    "crash: report.md says when it exited"
like "$(cat "$T_TMP/crash/report.md")" 'target_exits \(default\)' \
    "crash: report.md lists the default threshold"

# --- may_exit: a run that stops its own target ---------------------------
port=$(free_port)
scenario mayexit <<EOF
name: mayexit
target:
  base_url: "http://127.0.0.1:$port"
  process: {may_exit: true}
requests: [{path: /ok}]
phases: [{kind: sustained, rate: 50/s, duration: 3s}]
EOF
(sleep 1.5; kill "$(cat "$T_TMP/mayexit.pid")") &
run --report "$T_TMP/mayexit" \
    --exec "$TARGET --port $port --quiet --pid-file $T_TMP/mayexit.pid" \
    --ready-url "http://127.0.0.1:$port/health" "$T_TMP/mayexit.yaml"
is "$RC" 0 "may_exit: the exit fails nothing"
is "$(jq 'd["thresholds"]' "$T_TMP/mayexit")" '[]' \
    "may_exit: no default threshold"
is "$(jq 'd["end_reason"]' "$T_TMP/mayexit")" completed \
    "may_exit: the run goes on to its end"
ok "may_exit: the phase lasted its 3 s" python3 -c \
    "import sys; sys.exit(not $(jq 'd["phases"][0]["ended_s"] - d["phases"][0]["started_s"]' "$T_TMP/mayexit") >= 2.9)"

# --- a scenario's own threshold on exits replaces the default -------------
start_target --threads 1
scenario own <<EOF
name: own
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases: [{kind: burst, requests: 20, concurrency: 2}]
thresholds: ["target_exits <= 1"]
EOF
run --report "$T_TMP/own" --pid "$TARGET_PID" "$T_TMP/own.yaml"
is "$RC" 0 "own: passes"
is "$(jq '[(t["expr"], t["by_default"]) for t in d["thresholds"]]' "$T_TMP/own")" \
    '[["target_exits <= 1", false]]' "own: only the scenario's threshold"

# --- a worker of a watched tree dies --------------------------------------
"$top_builddir/tests/fixtures/forker" -n 2 -k 1 -d 20 &
FORKER=$!
T_PIDS="$T_PIDS $FORKER"
scenario tree <<EOF
name: tree
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases: [{kind: sustained, rate: 20/s, duration: 2500ms}]
EOF
sleep 0.2
run --report "$T_TMP/tree" --pid "$FORKER" --proc-tree "$T_TMP/tree.yaml"
is "$RC" 1 "tree: a worker killed mid-run exits 1"
like "$OUT" 'worker_deaths == 0 \(default\) +1 +FAIL' \
    "tree: the default worker_deaths threshold failed"
like "$OUT" 'target_exits == 0 \(default\) +0 +PASS' \
    "tree: the master itself lives"
kill "$FORKER" 2>/dev/null

# --- interrupted: judged on what ran --------------------------------------
scenario stages <<EOF
name: stages
target: {base_url: "$TARGET_URL"}
requests:
  - {name: ok, path: /ok}
  - {name: late, path: /health, weight: 0}
phases:
  - {name: first, kind: sustained, rate: 50/s, duration: 10s}
  - {name: second, kind: burst, requests: 10, use: [late]}
thresholds:
  - p95 < 1s
  - phase:first.errors == 0
  - phase:second.rate_limited == 10
  - late.p99 < 1ms
EOF
interrupt 2.5 --report "$T_TMP/int" "$T_TMP/stages.yaml"
is "$RC" 0 "Ctrl-C: exits 0 when every evaluated threshold passes"
like "$OUT" "phase:second.rate_limited == 10 +n/a +NOT EVALUATED \(phase 'second' never ran\)" \
    "Ctrl-C: a threshold on a phase that never ran is not evaluated"
like "$OUT" "late.p99 < 1ms +n/a +NOT EVALUATED \(request 'late' never ran\)" \
    "Ctrl-C: so is one on a request no phase sent"
like "$OUT" 'phase:first.errors == 0 +0 +PASS' \
    "Ctrl-C: the phase cut short is judged on what it ran"
like "$OUT" 'verdict +PASS on what ran: 2 of 4 thresholds not evaluated' \
    "Ctrl-C: the verdict says what was not evaluated"
is "$(jq '[p["state"] for p in d["phases"]]' "$T_TMP/int")" \
    '["cut_short", "skipped"]' "Ctrl-C: cut short, then skipped"
is "$(jq '[t["status"] for t in d["thresholds"]]' "$T_TMP/int")" \
    '["pass", "pass", "not_evaluated", "not_evaluated"]' \
    "Ctrl-C: report.json has each status"
is "$(jq 'd["not_evaluated"]' "$T_TMP/int")" 2 \
    "Ctrl-C: report.json counts them"
like "$(cat "$T_TMP/int/report.md")" "Not evaluated: phase:second.rate_limited == 10" \
    "Ctrl-C: report.md lists them"

# An evaluated threshold that fails still fails an interrupted run.
sed 's/p95 < 1s/p95 < 1us/' "$T_TMP/stages.yaml" >"$T_TMP/stages2.yaml"
interrupt 2 --no-report "$T_TMP/stages2.yaml"
is "$RC" 1 "Ctrl-C: a failed evaluated threshold still exits 1"

# --- stages as scopes ----------------------------------------------------
scenario ramp <<EOF
name: ramp
target: {base_url: "$TARGET_URL"}
requests: [{name: ok, path: /ok}]
phases:
  - name: climb
    kind: ramp
    start_users: 1
    stages:
      - {name: warm, duration: 1s, users: 2}
      - {name: steady, duration: 1s, users: 2}
      - {name: cool, duration: 2s, users: 1}
thresholds:
  - stage:steady.p95 < 1s
  - stage:warm.requests > 0
  - stage:cool.requests > 0
EOF
interrupt 2.6 --report "$T_TMP/ramp" "$T_TMP/ramp.yaml"
is "$RC" 0 "stages: Ctrl-C in the third stage exits 0"
like "$OUT" 'stage:steady\.p95 < 1s +[0-9.]+(us|ms) +PASS' \
    "stages: a threshold on a stage is judged on that stage"
is "$(jq '[(s["name"], s["state"]) for s in d["stages"]]' "$T_TMP/ramp")" \
    '[["warm", "done"], ["steady", "done"], ["cool", "cut_short"]]' \
    "stages: report.json has each stage and how it ended"
ok "stages: a stage spans its own second" python3 -c \
    "import sys; sys.exit(not 0.95 <= $(jq 'd["stages"][1]["ended_s"] - d["stages"][1]["started_s"]' "$T_TMP/ramp") <= 1.1)"
is "$(jq 'sum(s["requests"] for s in d["stages"]) <= d["phases"][0]["requests"] and all(s["requests"] > 0 for s in d["stages"])' "$T_TMP/ramp")" \
    true "stages: their requests add up within the phase's"
like "$(cat "$T_TMP/ramp/report.md")" '^\| steady \| climb \| [0-9]+ \|' \
    "stages: report.md has a row per stage"

done_testing
