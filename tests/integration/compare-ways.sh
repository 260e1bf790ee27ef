#!/bin/sh
# loadtop compare on pairs of real runs, each pair both ways.  A slower
# service regressed and a faster one did not, at every tolerance; so for
# a throughput that fell or rose.  Limits per metric, names for the
# sides, rows per phase and request, and a warning for runs of different
# scenarios.
. "$top_srcdir/tests/lib.sh"

start_target --threads 4

# scenario FILE NAME PATH PHASES: a scenario of one request, api.
scenario() {
	cat >"$T_TMP/$1.yaml" <<EOF
version: 1
name: $2
target:
  base_url: $TARGET_URL
requests:
  - name: api
    path: $3
phases:
$4
EOF
}

# report NAME: run NAME.yaml, its report in the directory NAME.
report() {
	timeout 60 "$LOADTOP" --quiet --report "$T_TMP/$1" "$T_TMP/$1.yaml" \
	    >/dev/null 2>"$T_TMP/$1.err"
	ok "$1: a report" test -s "$T_TMP/$1/report.json"
}

# compare ARGS...: stdout, stderr and status in OUT, ERR and RC.
compare() {
	"$LOADTOP" compare "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}

# row METRIC: the whole run's row of METRIC in OUT (text), squeezed.
row() {
	printf '%s\n' "$OUT" | sed -n '/^whole run$/,/^$/p' |
	    grep -E "^  $1 " | tr -s ' '
}

# ratio A B PATH: B's figure over A's, as compare prints it.
ratio() {
	python3 -c 'import json, sys
def get(f):
    v = json.load(open(sys.argv[f] + "/report.json"))
    for k in sys.argv[3].split("."):
        v = v[k]
    return v
r = get(2) / get(1)
print("%.0fx" % r if r >= 1000 else "%.2fx" % r)' "$T_TMP/$1" "$T_TMP/$2" "$3"
}

# Closed model, four at a time: /ok, and /delay?ms=300 hundreds of times
# slower at a hundredth of the throughput.  The slow run has a second
# phase, which the fast one does not.
scenario fast compare-pair /ok '  - {name: load, kind: burst, requests: 400, concurrency: 4}'
scenario slow compare-pair '/delay?ms=300' '  - {name: load, kind: burst, requests: 40, concurrency: 4}
  - {name: extra, kind: burst, requests: 4, concurrency: 4}'
# Open model, one service at two rates: throughput 0.6x, the rest alike.
scenario r100 compare-rate /ok '  - {name: load, kind: sustained, rate: 100/s, duration: 2s}'
scenario r60 compare-rate /ok '  - {name: load, kind: sustained, rate: 60/s, duration: 2s}'
for r in fast slow r100 r60; do
	report $r
done
F=$T_TMP/fast S=$T_TMP/slow R100=$T_TMP/r100 R60=$T_TMP/r60

# Latency and throughput, both ways, at every tolerance.
for tol in 0 10 50 100 1000; do
	compare "$F" "$S" --tolerance $tol%
	is "$RC" 1 "slower at --tolerance $tol%: exit 1"
	like "$(row p95)" ' p95 [0-9.]+ ms [0-9.]+ ms [0-9]+(\.[0-9]+)?x <= [0-9.]+x regressed$' \
	    "slower at --tolerance $tol%: p95 regressed"
	like "$(row rps)" ' rps .* >= [0-9.]+x regressed$' \
	    "slower at --tolerance $tol%: rps (it fell) regressed"
	like "$OUT" '^REGRESSION: new is worse than base past the limit' \
	    "slower at --tolerance $tol%: says so"

	compare "$S" "$F" --tolerance $tol%
	is "$RC" 0 "faster at --tolerance $tol%: exit 0"
	like "$(row p95)" ' p95 .* better$' "faster at --tolerance $tol%: p95 better"
	like "$(row rps)" ' rps .* better$' \
	    "faster at --tolerance $tol%: rps (it rose) better"
	like "$OUT" '^no regression' "faster at --tolerance $tol%: says so"

	# 0.6x: past 1/1.1 and 1/1.5, within 1/2 and 1/11.
	compare "$R100" "$R60" --tolerance $tol%
	case $tol in
	0 | 10 | 50) want=regressed ;;
	*) want=worse ;;
	esac
	like "$(row rps)" " rps .* 0\.[56][0-9]x >= [0-9.]+x $want\$" \
	    "throughput 0.6x at --tolerance $tol%: $want"
	compare "$R60" "$R100" --tolerance $tol%
	like "$(row rps)" ' rps .* 1\.[5-7][0-9]x >= [0-9.]+x better$' \
	    "throughput 1.67x at --tolerance $tol%: better"
done

# The ratios are the reports' own, NEW over BASE.
compare "$F" "$S"
like "$(row p95)" " $(ratio fast slow totals.latency_ms.p95) <= 1\\.1x regressed\$" \
    "p95's ratio is the reports' own"
compare "$R100" "$R60"
like "$(row rps)" " $(ratio r100 r60 totals.rps) >= 0\\.909x regressed\$" \
    "rps's ratio is the reports' own"

# Limits, per metric, on a ratio.
compare "$R100" "$R60" --tolerance 100000% --limit 'rps > 0.5x'
is "$RC" 0 "rps 0.6x, --limit 'rps > 0.5x': exit 0"
like "$(row rps)" ' > 0\.5x worse$' "and rps is worse, within its limit"
compare "$R100" "$R60" --tolerance 100000% --limit 'rps >= 0.7x'
is "$RC" 1 "rps 0.6x, --limit 'rps >= 0.7x': exit 1"
like "$(row rps)" ' >= 0\.7x regressed$' "and rps regressed"
compare "$S" "$F" --limit 'p95 <= 1x' --limit 'rps >= 1x' --tolerance 0%
is "$RC" 0 "faster, with the tightest limits: exit 0"
like "$(row p95)" ' <= 1x better$' "p95 better, whatever its limit"
compare "$F" "$S" --limit 'p95 < 100000x'
is "$RC" 1 "slower, p95 within a loose limit: exit 1 all the same"
like "$(row p95)" ' < 100000x worse$' "p95 worse, within its limit"
like "$(row p50)" ' <= 1\.1x regressed$' "p50 still regressed on its own"

# Names, in the text and in the seed's ratio table.
compare "$S" "$F" --names staging,production --format md
is "$RC" 0 "md, faster: exit 0"
like "$OUT" '^### production vs staging$' "md: the sides by name"
like "$OUT" '^\| Metric \| production \| staging \| Ratio \| Limit \| Status \|$' \
    "md: Metric | production | staging | Ratio | Limit | Status"
like "$OUT" '^\| p95 \| [0-9.]+ ms \| [0-9.]+ ms \| (<0\.0001|0\.[0-9]+)x \| <= 1\.1x \| ✅ better \|$' \
    "md: p95, production faster, better"
like "$OUT" '^\*\*No regression\*\*: every row of production' "md: no regression"
compare "$F" "$S" --names staging,production --format md --limit 'p95 < 2x'
is "$RC" 1 "md, slower: exit 1"
like "$OUT" "^\\| p95 \\| [0-9.]+ ms \\| [0-9.]+ ms \\| $(ratio fast slow totals.latency_ms.p95) \\| < 2x \\| ❌ regressed \\|\$" \
    "md: p95, production slower, regressed past < 2x"
like "$OUT" '^\*\*Regression\*\*: production is worse than staging past the limit in [0-9]+ rows: .*p95' \
    "md: the regression, and where"
compare "$F" "$S" --names staging,production
like "$OUT" '^base staging: .*/fast/report.json \(compare-pair, ' \
    "text: BASE named"
like "$OUT" '^REGRESSION: production is worse than staging' "text: the verdict by name"

# Rows per phase and per request, matched by name.
compare "$F" "$S" --by phase --by request
is "$RC" 1 "--by phase --by request: exit 1"
like "$OUT" '^phase load$' "a table for the phase in both"
like "$OUT" '^phase extra \(only in new\)$' "and one for the phase in NEW only"
like "$(printf '%s\n' "$OUT" | sed -n '/^phase extra/,/^$/p' | grep '^  p95 ' | tr -s ' ')" \
    ' p95 [0-9.]+ ms - - <= 1\.1x n/a$' "its rows: NEW's figure, no ratio, n/a"
like "$OUT" '^request api$' "a table for the request"
like "$OUT" '^REGRESSION: .*phase:load\.p95.*api\.p95' \
    "the phase's and request's regressions named as thresholds scope them"
compare "$F" "$S" --by phase --by request --format json
is "$(printf '%s' "$OUT" | python3 -c 'import json, sys
d = json.load(sys.stdin)
p = {g["name"]: g for g in d["phases"]}
row = lambda g, m: [r for r in g["rows"] if r["metric"] == m][0]
print(row(p["load"], "p95")["verdict"], p["load"]["only_in"],
      row(p["extra"], "p95")["verdict"], p["extra"]["only_in"],
      d["requests"][0]["name"], row(d["requests"][0], "rps")["verdict"],
      any(r["metric"] == "cpu_avg" for r in p["load"]["rows"]),
      row(d, "cpu_avg")["verdict"])')" \
    "regressed None n/a new api regressed False n/a" \
    "json: phases and requests, matched; the target's rows whole-run only"

# Runs of different scenarios: compared, with a warning.
is "$ERR" "" "same scenario: no warning"
timeout 60 "$LOADTOP" --quiet -n 400 -c 4 --report "$T_TMP/adhoc" \
    "$TARGET_URL/ok" >/dev/null 2>&1
compare "$F" "$T_TMP/adhoc" --tolerance 100000%
is "$RC" 0 "another scenario, within the tolerance: exit 0"
is "$ERR" "loadtop: warning: base is a run of scenario 'compare-pair', new of 'ad-hoc': they may not measure the same thing" \
    "another scenario: a warning"
compare "$F" "$T_TMP/adhoc" --tolerance 100000% --format json
is "$(printf '%s' "$OUT" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["warnings"]))')" \
    1 "json: the warning"
compare "$F" "$T_TMP/adhoc" --tolerance 100000% --format md
like "$OUT" "^> \\*\\*Warning\\*\\*: base is a run of scenario 'compare-pair'" \
    "md: the warning"

# A bad limit is a usage error that names the flag and the column.
compare "$F" "$S" --limit 'p95 < 2y'
is "$RC:$(head -n 1 "$T_TMP/err")" \
    "2:loadtop: --limit 'p95 < 2y': column 7: expected a ratio NEW/BASE such as 2x or 0.5x, not '2y'" \
    "--limit 'p95 < 2y': exit 2, column 7"
compare "$F" "$S" --limit 'rps < 2x'
is "$RC:$(head -n 1 "$T_TMP/err")" \
    "2:loadtop: --limit 'rps < 2x': column 5: lower is worse for rps, so its limit takes > or >=, not <" \
    "--limit 'rps < 2x': the wrong way, column 5"
compare "$F" "$S" --limit 'p95 < 0.5x'
is "$RC:$(head -n 1 "$T_TMP/err")" \
    "2:loadtop: --limit 'p95 < 0.5x': column 7: higher is worse for p95: expected a ratio of 1x or more, not 0.5x" \
    "--limit 'p95 < 0.5x': an improvement is no limit"
compare "$F" "$S" --limit 'p59 < 2x'
is "$RC:$(head -n 1 "$T_TMP/err")" \
    "2:loadtop: --limit 'p59 < 2x': column 1: unknown metric 'p59'; did you mean p50?" \
    "--limit 'p59 < 2x': a near miss"
compare "$F" "$S" --limit 'p95 < 2x' --limit 'p95<3x'
is "$RC:$ERR" "2:loadtop: --limit 'p95<3x': p95 has a limit already, 'p95 < 2x'" \
    "two limits on one metric: exit 2"
compare "$F" "$S" --names staging
is "$RC:$(head -n 1 "$T_TMP/err")" \
    "2:loadtop: --names 'staging': expected two names, BASE,NEW, such as staging,production" \
    "--names needs two"

done_testing
