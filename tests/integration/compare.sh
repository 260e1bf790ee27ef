#!/bin/sh
# loadtop compare on real reports: a slower service is a regression, a
# faster one is not, a report equals itself, and bad input is refused.
. "$top_srcdir/tests/lib.sh"

start_target --threads 4

# report NAME MS: 60 requests to /delay?ms=MS, four at a time.
report() {
	timeout 60 "$LOADTOP" --quiet -n 60 -c 4 --report "$T_TMP/$1" \
	    "$TARGET_URL/delay?ms=$2" >/dev/null 2>"$T_TMP/$1.err"
}

# compare ARGS...: stdout and status in OUT and RC.
compare() {
	"$LOADTOP" compare "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}

report fast 1
# Far apart, so that a busy machine's outliers in the fast run (tens of
# milliseconds) cannot make it look slower than the slow one.
report slow 150
ok "two reports written" test -s "$T_TMP/fast/report.json" -a \
    -s "$T_TMP/slow/report.json"

compare "$T_TMP/fast/report.json" "$T_TMP/slow/report.json"
is "$RC" 1 "1ms then 150ms: a regression, exit 1"
like "$OUT" 'p50 +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+x +<= 1\.1x +regressed' \
    "p50 regressed past its own limit"
like "$OUT" 'rps .* >= 0\.909x +regressed' "rps regressed (it fell)"
like "$OUT" 'error_rate +0 ?% +0 ?% +- +<= 1\.1x +same' \
    "the error rate did not move"
like "$OUT" 'cpu_avg .* n/a' "no target: CPU is n/a"
like "$OUT" 'REGRESSION' "says so"

compare "$T_TMP/slow" "$T_TMP/fast"
is "$RC" 0 "150ms then 1ms (directories): no regression, exit 0"
like "$OUT" 'p95 .* better' "p95 is better"
like "$OUT" 'no regression' "says so"

compare "$T_TMP/slow" "$T_TMP/slow" --tolerance 5%
is "$RC" 0 "a report against itself: exit 0"
like "$OUT" 'p99 .* 1\.00x +<= 1\.05x +same' "ratio 1.00x, same"

# The ratio printed is the reports' own p50s divided.
want=$(python3 -c 'import json,sys
b=json.load(open(sys.argv[1]))["totals"]["latency_ms"]["p50"]
n=json.load(open(sys.argv[2]))["totals"]["latency_ms"]["p50"]
print("%.2f" % (n/b))' "$T_TMP/fast/report.json" "$T_TMP/slow/report.json")
compare "$T_TMP/fast" "$T_TMP/slow" --format json
is "$RC" 1 "json: exit 1"
is "$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["regressed"], "%.2f" % d["rows"][0]["ratio"], d["rows"][0]["verdict"])')" \
    "True $want regressed" "json: regressed, p50 ratio $want"

compare "$T_TMP/fast" "$T_TMP/slow" --format md
like "$OUT" '^\| Metric \| new \| base \| Ratio \| Limit \| Status \|' "md: a table"
like "$OUT" '\| p50 \| .* \| ❌ regressed \|' "md: the regression marked"

# A huge tolerance forgives it.
compare "$T_TMP/fast" "$T_TMP/slow" --tolerance 100000%
is "$RC" 0 "--tolerance 100000%: exit 0"

compare "$T_TMP/fast"
is "$RC" 2 "one report: usage, exit 2"
echo '{"not": "a report"}' >"$T_TMP/bogus.json"
compare "$T_TMP/fast" "$T_TMP/bogus.json"
is "$RC" 2 "not a report: exit 2"
like "$ERR" 'not a loadtop report' "and says so"
compare "$T_TMP/fast" "$T_TMP/missing.json"
is "$RC" 2 "a missing file: exit 2"
compare "$T_TMP/fast" "$T_TMP/slow" --format xml
is "$RC" 2 "an unknown format: exit 2"

done_testing
