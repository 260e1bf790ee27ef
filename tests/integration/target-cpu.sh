#!/bin/sh
# The target's CPU over each second and its memory beside RSS, through
# the real binaries: cpu-burn watched by `loadtop monitor` and by runs
# against loadtop-target; CPU thresholds and their 2 s of samples.
. "$top_srcdir/tests/lib.sh"

FIX="$top_builddir/tests/fixtures"

printf 'leak:libproc2.so\n' >"$T_TMP/lsan.supp"
LSAN_OPTIONS="suppressions=$T_TMP/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

mkdir -p "$T_TMP/work"

# run ARGS...: loadtop in $T_TMP/work; stdout, stderr, status in OUT, ERR, RC.
run() {
	(cd "$T_TMP/work" && timeout 60 "$LOADTOP" "$@") \
	    >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}

# burn ARGS...: start cpu-burn, setting BURN.
burn() {
	"$FIX/cpu-burn" "$@" >/dev/null &
	BURN=$!
	T_PIDS="$T_PIDS $BURN"
}

# within VALUE LOW HIGH: LOW <= VALUE <= HIGH, VALUE a number.
within() {
	awk -v v="$1" -v lo="$2" -v hi="$3" \
	    'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 >= lo && v + 0 <= hi) }'
}

jq_() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2]+"/report.json")); v=eval(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' \
	    "$1" "$2"
}

# --- a quarter of a core reads 25 +- 3 each second ----------------------
burn -p 25 -d 30
sleep 0.3
run monitor --pid "$BURN" --interval 1s --duration 6s --report "$T_TMP/m"
is "$RC" 0 "monitor a 25% burner"
# Each whole second's CPU, from the report's time series.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "cpu") c = i
	if ($i == "partial") p = i }; next } $p == 0 { print $c }' \
    "$T_TMP/m/timeseries.csv" >"$T_TMP/cpu"
ok "a line a second" test "$(wc -l <"$T_TMP/cpu")" -ge 5
ok "every second reads 25 +- 3: $(tr '\n' ' ' <"$T_TMP/cpu")" awk '
	$1 < 22 || $1 > 28 { bad = 1 } END { exit bad }' "$T_TMP/cpu"

# --- a run watching it: the summary, report.md, report.json -------------
start_target
run --headless -d 4s -r 20 --pid "$BURN" --report "$T_TMP/work/r1" \
    --threshold 'cpu_max < 30%' --threshold 'cpu_avg > 20%' \
    --threshold 'cpu_max > 50%' "$TARGET_URL/ok"
is "$RC" 1 "a run: cpu_max > 50% fails, exit 1"
like "$OUT" 'cpu_max < 30% +2[2-8]\.[0-9]+% +PASS' "cpu_max < 30% passes"
like "$OUT" 'cpu_avg > 20% +2[2-8]\.[0-9]+% +PASS' "cpu_avg > 20% passes"
like "$OUT" 'cpu_max > 50% +2[2-8]\.[0-9]+% +FAIL' "cpu_max > 50% fails"
like "$OUT" '^  cpu +avg 2[2-8]\.[0-9]%  max 2[2-8]\.[0-9]%  p95 2[2-8]\.[0-9]%  \(each second' \
    "summary: avg, max and p95 of each second"
like "$OUT" '^ +pss [0-9.]+MB at end, [0-9.]+MB max; uss [0-9.]+MB at end' \
    "summary: PSS and USS"
D="$T_TMP/work/r1"
ok "report.json: p95 of 4 whole seconds near 25" within \
    "$(jq_ 'd["target"]["cpu_percent"]["p95"]' "$D")" 22 28
ok "report.json: max near 25" within \
    "$(jq_ 'd["target"]["cpu_percent"]["max"]' "$D")" 22 28
ok "report.json: the whole seconds" within \
    "$(jq_ 'd["target"]["cpu_percent"]["windows"]' "$D")" 3 5
ok "report.json: PSS below RSS" python3 -c '
import json, sys
t = json.load(open(sys.argv[1] + "/report.json"))["target"]
assert 0 < t["uss_mb"]["end"] <= t["pss_mb"]["end"] <= t["pss_mb"]["max"]
assert t["pss_mb"]["max"] < t["rss_mb"]["max"], t' "$D"
md=$(cat "$D/report.md")
like "$md" '\| CPU max / p95 \| 2[2-8]\.[0-9]% / 2[2-8]\.[0-9]% \(of each second' \
    "report.md: max and p95"
like "$md" '\| PSS end / max \| [0-9.]+MB / [0-9.]+MB \|' "report.md: PSS"
like "$md" '\| USS end / max \| [0-9.]+MB / [0-9.]+MB \|' "report.md: USS"
like "$md" 'Target: CPU 2[2-8]\.[0-9]% average, .* p95 \(each second\)' \
    "report.md: the summary's CPU"

# --- too short to judge: not evaluated, and the run passes --------------
run --headless -n 5 --pid "$BURN" --no-report \
    --threshold 'cpu_max < 100%' --threshold 'cpu_avg < 1%' "$TARGET_URL/ok"
is "$RC" 0 "a short run: CPU thresholds do not fail it"
like "$OUT" 'cpu_max < 100% +n/a +NOT EVALUATED \(cpu_max needs 2s of CPU samples, the run had 0\.[0-9]s\)' \
    "cpu_max not evaluated, with the reason"
like "$OUT" 'cpu_avg < 1% +n/a +NOT EVALUATED' "cpu_avg not evaluated"
like "$OUT" 'verdict +PASS on what ran: 2 of 3 thresholds not evaluated' \
    "the verdict says what it left out"
run --headless -n 5 --pid "$BURN" --report "$T_TMP/work/r2" \
    --threshold 'cpu_max < 100%' "$TARGET_URL/ok"
is "$(jq_ '[r["status"] for r in d["thresholds"] if r["expr"] == "cpu_max < 100%"]' "$T_TMP/work/r2")" \
    '["not_evaluated"]' "report.json: not_evaluated"
kill "$BURN"

# --- a tree: its members summed ------------------------------------------
sh -c "'$FIX/cpu-burn' -p 20 -d 30 & '$FIX/cpu-burn' -p 15 -d 30 & wait" &
tree=$!
T_PIDS="$T_PIDS $tree"
sleep 0.3
run --headless -d 3s -r 10 --pid "$tree" --proc-tree --no-report \
    --threshold 'cpu_avg < 40%' --threshold 'cpu_avg > 30%' "$TARGET_URL/ok"
is "$RC" 0 "a tree of 20% and 15% burners: 35% +- 5"
like "$OUT" '^  cpu +avg 3[0-9]\.[0-9]%' "the tree's CPU is summed"
like "$OUT" '^ +pss [0-9.]+MB at end' "the tree's PSS is read"
pkill -P "$tree" 2>/dev/null
kill "$tree" 2>/dev/null

# --- smaps_rollup out of reach: said so; CPU still measured --------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	burn -p 25 -d 30
	sleep 0.3
	(cd "$T_TMP" && setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$LOADTOP" --headless -d 3s -r 10 --pid "$BURN" --no-report \
	    "$TARGET_URL/ok") >"$T_TMP/out" 2>"$T_TMP/err"
	OUT=$(cat "$T_TMP/out")
	like "$OUT" 'pss, uss unknown \(smaps_rollup not readable\)' \
	    "another user's process: PSS and USS unknown, and why"
	like "$OUT" '^  cpu +avg [0-9.]+%  max 2[2-8]\.[0-9]%' \
	    "another user's process: its CPU still read"
	kill "$BURN"
fi
stop_target

done_testing
