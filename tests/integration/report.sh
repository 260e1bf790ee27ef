#!/bin/sh
# Reports written on every ending (the scenario's end, SIGINT, SIGTERM,
# SIGHUP, the target killed, abort_on_fail), checked against the run and
# the server's own counts; thresholds and their exit codes.
. "$top_srcdir/tests/lib.sh"

scenario() {
	cat >"$T_TMP/$1.yaml"
}

# run ARGS...: loadtop in $T_TMP/work; stdout, stderr, status in OUT, ERR, RC.
run() {
	(cd "$T_TMP/work" && timeout 60 "$LOADTOP" --quiet "$@") \
	    >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}

# The directory named by "report written to DIR", relative to work/.
report_dir() {
	_d=$(sed -n 's/^loadtop: report written to //p' "$T_TMP/err" | tail -1)
	case $_d in
	/*) echo "$_d" ;;
	"") echo "" ;;
	*) echo "$T_TMP/work/$_d" ;;
	esac
}

# jq EXPR [DIR]: a value of report.json, d being the document.
jq_() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2]+"/report.json")); v=eval(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' \
	    "$1" "${2:-$DIR}"
}

server() {
	curl -s "$TARGET_URL/stats" |
	    python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}
reset_server() {
	curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
}

# valid_report NAME: the files are there and well formed.
valid_report() {
	ok "$1: report.json parses" python3 -c \
	    'import json,sys; json.load(open(sys.argv[1]))' "$DIR/report.json"
	ok "$1: report.html is well-formed XHTML" xmllint --noout \
	    "$DIR/report.html"
	# Each chart on its own, as an SVG document.
	python3 - "$DIR/report.html" "$T_TMP/svg" <<'EOF'
import re, sys
html = open(sys.argv[1]).read()
for i, m in enumerate(re.findall(r'<svg .*?</svg>', html, re.S)):
    open("%s.%d.svg" % (sys.argv[2], i), "w").write(m)
EOF
	ok "$1: every SVG chart is well-formed" sh -c \
	    'ls "$1".*.svg >/dev/null && xmllint --noout "$1".*.svg' sh \
	    "$T_TMP/svg"
	rm -f "$T_TMP"/svg.*.svg
	rows=$(($(wc -l <"$DIR/timeseries.csv") - 1))
	is "$rows" "$(jq_ 'len(d["timeseries"])')" \
	    "$1: one CSV row per interval ($rows)"
	ok "$1: report.md has the verdict" grep -q '^\*\*Verdict\*\*' \
	    "$DIR/report.md"
}

mkdir -p "$T_TMP/work"
start_target --threads 2 --limit 10/10s

# --- the scenario ends: every figure against the server's ---------------
scenario done <<EOF
name: done
target: {base_url: "$TARGET_URL"}
requests:
  - {name: fine, path: /ok, weight: 3}
  - {name: flaky, path: "/flaky?every=10", weight: 1}
  - {name: limited, path: /limited}
phases:
  - {name: load, kind: sustained, rate: 200/s, duration: 2500ms,
     use: [fine, flaky]}
  - {name: probe, kind: rate_limit, requests: 15, expect_allowed: 10,
     expect_limited: 5, use: limited}
thresholds:
  - p95 < 1s
  - fine.errors == 0
  - phase:load.rps > 50
EOF
reset_server
run "$T_TMP/done.yaml" --report "$T_TMP/work/done-report" --interval 500ms
DIR=$(report_dir)
is "$RC" 0 "completed: exit 0 (thresholds and expectations met)"
is "$DIR" "$T_TMP/work/done-report" "completed: written where --report said"
valid_report completed
is "$(jq_ 'd["end_reason"]')" completed "completed: end_reason"
is "$(jq_ 'd["passed"]')" true "completed: passed"
n=$(jq_ 'd["totals"]["requests"]')
is "$n" "$(server 'd["requests"]')" "completed: totals.requests = server's ($n)"
is "$(jq_ 'd["totals"]["status"]["500"]')" \
    "$(server 'd["paths"]["/flaky"]["status"]["500"]')" \
    "completed: 500s = server's"
is "$(jq_ 'd["totals"]["classes"]["server_error"]')" \
    "$(jq_ 'd["totals"]["status"]["500"]')" "completed: server_error = 500s"
is "$(jq_ 'd["totals"]["status"]["429"]')" 5 "completed: 5 429s"
is "$(jq_ 'd["requests"][0]["requests"]')" \
    "$(server 'd["paths"]["/ok"]["requests"]')" "completed: request 'fine' = /ok"
is "$(jq_ '[p["name"] for p in d["phases"]]')" '["load", "probe"]' \
    "completed: both phases"
is "$(jq_ 'd["phases"][1]["first_limited_at"]')" 11 \
    "completed: the limit engaged at request 11"
is "$(jq_ 'd["phases"][1]["passed"]')" true "completed: expectations met"
is "$(jq_ '[t["passed"] for t in d["thresholds"]]')" '[true, true, true]' \
    "completed: three thresholds passed"
like "$(jq_ 'd["histogram"]["hdr"]')" '.' "completed: the histogram is kept"
is "$(jq_ 'd["target"]')" null "completed: no target watched"
like "$OUT" 'phase:load.rps > 50 +[0-9.]+ req/s +PASS' \
    "completed: the summary shows the threshold table"
like "$OUT" 'verdict +PASS' "completed: and the verdict"
like "$(cat "$DIR/report.md")" '\| phase load rps \| [0-9.]+ req/s \| > 50 req/s \| ✅ PASS' \
    "completed: report.md has the Metric | Result | Target | Status row"
like "$(cat "$DIR/report.md")" 'Limit engaged \|  \| at request 11' \
    "completed: report.md verifies the rate limit"

# --- signals: a headless run stops, the report says why -----------------
scenario long <<EOF
name: long
target: {base_url: "$TARGET_URL"}
requests: [{path: "/delay?ms=5"}]
phases: [{kind: sustained, users: 2, duration: 30s}]
EOF
for sig in INT TERM HUP; do
	reset_server
	(cd "$T_TMP/work" && exec timeout 60 "$LOADTOP" --quiet --headless \
	    --report "sig-$sig" "$T_TMP/long.yaml") >"$T_TMP/out" \
	    2>"$T_TMP/err" &
	pid=$!
	sleep 1.5
	kill -s "$sig" "$pid"
	wait "$pid"
	RC=$?
	DIR=$(report_dir)
	is "$RC" 0 "SIG$sig: exit 0"
	is "$DIR" "$T_TMP/work/sig-$sig" "SIG$sig: report written"
	is "$(jq_ 'd["end_reason"]')" signal "SIG$sig: end_reason signal"
	is "$(jq_ 'd["totals"]["requests"]')" "$(server 'd["requests"]')" \
	    "SIG$sig: every request counted"
	ok "SIG$sig: stopped early" python3 -c \
	    'import json,sys; assert json.load(open(sys.argv[1]))["duration_s"] < 10' \
	    "$DIR/report.json"
done
valid_report SIGHUP

# --- abort_on_fail: stopped as soon as the failure is certain ------------
scenario abort <<EOF
name: abort
target: {base_url: "$TARGET_URL"}
requests: [{path: "/flaky?every=5"}]
phases: [{kind: sustained, users: 2, duration: 20s}]
thresholds:
  - {expr: "errors < 3", abort_on_fail: true}
  - p99 < 10s
EOF
run "$T_TMP/abort.yaml" --report abort
DIR=$(report_dir)
is "$RC" 1 "abort: exit 1"
is "$(jq_ 'd["end_reason"]')" threshold_abort "abort: end_reason"
ok "abort: within a few seconds" python3 -c \
    'import json,sys; assert json.load(open(sys.argv[1]))["duration_s"] < 5' \
    "$DIR/report.json"
is "$(jq_ '[t["passed"] for t in d["thresholds"]]')" '[false, true]' \
    "abort: the errors threshold failed, the other passed"
like "$ERR" "stopped early: threshold 'errors < 3' failed" \
    "abort: says which threshold stopped it"
is "$(jq_ '[n["kind"] for n in d["notes"]]')" '["threshold_abort"]' \
    "abort: a note says why the run stopped"
like "$(jq_ '[a["kind"] for a in d["alerts"]]')" error_rate \
    "abort: the failures raised an error_rate alert"

# --- thresholds: scoped, from the command line, exit codes ----------------
scenario scoped <<EOF
name: scoped
target: {base_url: "$TARGET_URL"}
requests:
  - {name: quick, path: /ok}
  - {name: slow, path: "/delay?ms=30"}
phases:
  - {name: one, kind: burst, requests: 40, concurrency: 4, use: quick}
  - {name: two, kind: burst, requests: 20, concurrency: 4, use: slow}
EOF
run "$T_TMP/scoped.yaml" --no-report --threshold 'quick.p95 < 25ms' \
    --threshold 'phase:one.requests == 40'
is "$RC" 0 "thresholds: request and phase scopes pass, exit 0"
like "$OUT" 'quick.p95 < 25ms .* PASS' "thresholds: request scope shown"
run "$T_TMP/scoped.yaml" --no-report --threshold 'slow.p50 < 25ms'
is "$RC" 1 "thresholds: a slow request fails its bound, exit 1"
like "$OUT" 'slow.p50 < 25ms +[0-9.]+ms +FAIL' "thresholds: FAIL shown"
run "$T_TMP/scoped.yaml" --no-report --threshold 'phase:two.p50 < 25ms'
is "$RC" 1 "thresholds: a phase fails its bound, exit 1"
run "$T_TMP/scoped.yaml" --no-report --threshold 'phase:three.p50 < 25ms'
is "$RC" 2 "thresholds: an unknown phase is a usage error"
like "$ERR" "^loadtop: --threshold 'phase:three.p50 < 25ms': column 7: unknown phase 'three'" \
    "thresholds: and says so, naming the flag and the column"
run "$T_TMP/scoped.yaml" --no-report --threshold 'mem_growth < 50MB'
is "$RC" 1 "thresholds: a target metric without a target fails"
like "$OUT" 'UNKNOWN \(no target process is watched' "thresholds: and says why"
run "$T_TMP/scoped.yaml" --no-report --pid "$TARGET_PID" \
    --threshold 'rss_max < 1GB' --threshold 'cpu_max < 10000%'
is "$RC" 0 "thresholds: target metrics with --pid pass"
run "$T_TMP/scoped.yaml" --no-report --pid "$TARGET_PID" \
    --threshold 'rss_max < 100KB'
is "$RC" 1 "thresholds: rss_max < 100KB fails"
ls "$T_TMP/work" >"$T_TMP/ls"
ok "--no-report: no directory written" sh -c \
    '! grep -q "^loadtop-scoped" "$1"' sh "$T_TMP/ls"
(cd "$T_TMP/work" && timeout 60 "$LOADTOP" --quiet -n 20 -c 2 \
    --threshold 'errors == 0' "$TARGET_URL/ok") >"$T_TMP/out" 2>"$T_TMP/err"
is "$?" 0 "ad hoc: --threshold passes"
DIR=$(report_dir)
like "$DIR" "/work/loadtop-ad-hoc-[0-9]{8}-[0-9]{6}$" \
    "ad hoc: report in the current directory, stamped"
is "$(jq_ 'd["thresholds"][0]["expr"]')" "errors == 0" \
    "ad hoc: the threshold is in the report"

# --- an unwritable directory: said, and written under TMPDIR -------------
: >"$T_TMP/plain"
mkdir -p "$T_TMP/fallback"
(cd "$T_TMP/work" && TMPDIR="$T_TMP/fallback" timeout 60 "$LOADTOP" \
    --quiet -n 10 -c 1 --report "$T_TMP/plain/sub" "$TARGET_URL/ok") \
    >"$T_TMP/out" 2>"$T_TMP/err"
ERR=$(cat "$T_TMP/err")
like "$ERR" "cannot write the report in $T_TMP/plain/sub \(.*Not a directory\)" \
    "fallback: says where and why"
DIR=$(report_dir)
is "$DIR" "$T_TMP/fallback/sub" "fallback: written under TMPDIR"
ok "fallback: complete" test -s "$DIR/report.html"

# --- the target killed mid-run (--pid) -----------------------------------
start_target --threads 1
scenario victim <<EOF
name: victim
target: {base_url: "$TARGET_URL"}
requests: [{path: "/delay?ms=5"}]
phases: [{kind: sustained, users: 2, duration: 20s}]
EOF
(sleep 1.5; kill "$TARGET_PID") &
run "$T_TMP/victim.yaml" --pid "$TARGET_PID" --report victim-pid
DIR=$(report_dir)
is "$(jq_ 'd["end_reason"]')" target_exited "--pid killed: end_reason"
is "$(jq_ 'd["target"]["alive"]')" false "--pid killed: not alive"
like "$(jq_ '[a["kind"] for a in d["alerts"]]')" target_exited \
    "--pid killed: an alert"
valid_report "--pid killed"

# --- the target we started (--exec) killed mid-run -----------------------
port=$(free_port)
scenario exec <<EOF
name: exec
target: {base_url: "http://127.0.0.1:$port"}
requests: [{path: "/delay?ms=5"}]
phases: [{kind: sustained, users: 2, duration: 20s}]
EOF
(sleep 2; kill "$(cat "$T_TMP/exec.pid")") &
run "$T_TMP/exec.yaml" \
    --exec "$TARGET --port $port --quiet --pid-file $T_TMP/exec.pid" \
    --ready-url "http://127.0.0.1:$port/health" --report victim-exec
DIR=$(report_dir)
is "$(jq_ 'd["end_reason"]')" target_exited "--exec killed: end_reason"
is "$(jq_ 'len(d["target"]["exits"])')" 1 "--exec killed: the exit recorded"
like "$(jq_ 'd["target"]["command"]')" "loadtop-target --port $port" \
    "--exec killed: the command"
like "$(cat "$DIR/target.log")" "listening on http://127.0.0.1:$port" \
    "--exec killed: target.log copied"
like "$(cat "$DIR/report.md")" 'target\.log' "--exec killed: report.md says so"

done_testing
