#!/bin/sh
# Grades on real runs against loadtop-target: the summary, report.json,
# report.md's graded table, the exit status, and compare on a pair.
# (The dashboard's grades are in ui.sh.)
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1

start_target --threads 2

# graded PATH NAME: a run of PATH whose p95 is graded 10/30/50ms.
graded() {
	cat >"$T_TMP/$2.yaml" <<EOF
name: graded
target: {base_url: "$TARGET_URL"}
requests: [{name: api, path: "$1"}]
phases: [{name: steady, kind: sustained, users: 4, duration: 1500ms}]
grades:
  - {metric: api.p95, excellent: 10ms, good: 30ms, acceptable: 50ms}
  - {metric: error_rate, excellent: 0.1%, good: 0.5%, acceptable: 1%}
  - {metric: phase:steady.rps, excellent: 9000000, good: 8000000,
     acceptable: 7000000, fail_below: none}
EOF
	timeout 60 "$LOADTOP" --quiet --headless --report "$T_TMP/$2" \
	    "$T_TMP/$2.yaml" >"$T_TMP/$2.out" 2>"$T_TMP/$2.err"
	RC=$?
	OUT=$(cat "$T_TMP/$2.out")
}
jq() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2]+"/report.json")); v=eval(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' \
	    "$1" "$T_TMP/$2"
}

# --- a fast endpoint: excellent, and the run passes ----------------------
graded /ok fast
is "$RC" 0 "fast: exit 0"
like "$OUT" 'api\.p95 +[0-9.]+(us|ms) +excellent +<10ms / <30ms / <50ms' \
    "fast: the summary grades api.p95 excellent, with its bounds"
like "$OUT" 'phase:steady\.rps +[0-9.]+ req/s +poor +>9000000 req/s' \
    "fast: more is better for rps: its bounds go down"
like "$OUT" 'verdict +PASS' "fast: a poor grade with fail_below: none passes"
is "$(jq '[(g["metric"], g["grade"], g["status"]) for g in d["grades"]]' fast)" \
    '[["api.p95", "excellent", "pass"], ["error_rate", "excellent", "pass"], ["phase:steady.rps", "poor", "pass"]]' \
    "fast: report.json has each grade"
is "$(jq 'd["grades"][2]["higher_better"]' fast)" true \
    "fast: report.json says which way rps is better"
md=$(cat "$T_TMP/fast/report.md")
like "$md" '^\| Metric \| Excellent \| Good \| Acceptable \| Poor \| Result \| Grade \|$' \
    "fast: report.md has the graded table"
like "$md" '^\| api\.p95 \| <10ms \| <30ms \| <50ms \| >50ms \| [0-9.]+(us|ms) \| excellent \|$' \
    "fast: with the row of api.p95"

# --- a slow one: poor, below its bar, and the run fails ------------------
graded '/delay?ms=60' slow
is "$RC" 1 "slow: a poor grade fails the run, exit 1"
like "$OUT" 'api\.p95 +[0-9.]+ms +poor +<10ms / <30ms / <50ms +FAIL \(below acceptable\)' \
    "slow: the summary says poor, below acceptable"
like "$OUT" 'verdict +FAIL: 1 of 3 grades below their bar' "slow: the verdict says why"
is "$(jq 'd["passed"]' slow)" false "slow: report.json passed false"
like "$(cat "$T_TMP/slow/report.md")" 'Graded poor: api\.p95 \(actual [0-9.]+ms\), below acceptable' \
    "slow: report.md's summary lists it"

# --- compare knows a grade that fell ------------------------------------
timeout 30 "$LOADTOP" compare "$T_TMP/fast" "$T_TMP/slow" >"$T_TMP/cmp" 2>&1
is "$?" 1 "compare: a grade fallen below its bar is a regression"
like "$(cat "$T_TMP/cmp")" 'api\.p95 +poor \(below its bar\) +excellent +regressed' \
    "compare: it shows both grades"
like "$(cat "$T_TMP/cmp")" 'grade api\.p95' "compare: and names it"
timeout 30 "$LOADTOP" compare "$T_TMP/slow" "$T_TMP/fast" --format md \
    >"$T_TMP/cmp" 2>&1
like "$(cat "$T_TMP/cmp")" '^\| api\.p95 \| excellent \| poor \(below its bar\) \| better \|$' \
    "compare: the other way it is better, in the md table"

done_testing
