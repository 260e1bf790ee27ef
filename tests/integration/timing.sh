#!/bin/sh
# How long phases last and how the time series and the reports read them,
# on real runs against loadtop-target: a phase lasts its duration however
# its last start falls (sustained, soak, ramp, rate_limit at a rate, the
# closed model too); the peak comes from whole intervals, and the last,
# partial one is marked in every output; users and requests in flight
# are in the series; the summary and report.md say what latency counts
# from, how long a short run took, a ramp's load and length, and phase
# and request names whole.
. "$top_srcdir/tests/lib.sh"

scenario() {
	cat >"$T_TMP/$1.yaml"
}

# run NAME ARGS...: loadtop headless, its report in $T_TMP/NAME; stdout,
# stderr and the status in OUT, ERR and RC.
run() {
	_n=$1
	shift
	(cd "$T_TMP" && timeout 60 "$LOADTOP" --headless \
	    --report "$T_TMP/$_n" "$@") >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
	DIR="$T_TMP/$_n"
}

# jq_ EXPR: a value of report.json in $DIR, d being the document.
jq_() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2]+"/report.json")); v=eval(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' \
	    "$1" "$DIR"
}

# within EXPR LO HI NAME: a value of report.json in [LO, HI].
within() {
	ok "$4" python3 -c '
import json, sys
d = json.load(open(sys.argv[2] + "/report.json"))
v = eval(sys.argv[1])
assert float(sys.argv[3]) <= v <= float(sys.argv[4]), v
' "$1" "$DIR" "$2" "$3"
}

# phase_lasts I LO HI NAME: phase I ran from started_s to ended_s for a
# length in [LO, HI].
phase_lasts() {
	within "d['phases'][$1]['ended_s'] - d['phases'][$1]['started_s']" \
	    "$2" "$3" "$4"
}

start_target --threads 2

# --- -r 1/s -d 4s lasts 4s and averages 1 req/s --------------------------
run r1 -r 1/s -d 4s "$TARGET_URL/ok"
is "$RC" 0 "1/s for 4s: exit 0"
like "$OUT" '^loadtop: ad-hoc: completed after 4\.[0-4]s$' \
    "1/s for 4s: the summary says it lasted 4s"
like "$OUT" 'throughput 1\.0 req/s average' \
    "1/s for 4s: 1.0 req/s on average"
is "$(jq_ 'd["totals"]["requests"]')" 4 "1/s for 4s: 4 requests"
within 'd["duration_s"]' 4.0 4.5 "1/s for 4s: duration_s is 4s"
phase_lasts 0 4.0 4.5 "1/s for 4s: the phase lasts 4s"
within 'd["totals"]["rps"]' 0.9 1.0 "1/s for 4s: rps 1.0 in report.json"

like "$(cat "$DIR/report.md")" 'Latency counts from when a request was due \(open model\)' \
    "1/s for 4s: report.md says latency counts from when it was due"

# --- the peak is of whole intervals; the last, partial one says so -----
like "$OUT" 'throughput 1\.0 req/s average, 1\.0 peak,' \
    "1/s for 4s: a peak of 1.0, not of the last few milliseconds"
within 'd["totals"]["rps_peak"]' 0.9 1.01 "1/s for 4s: rps_peak 1.0"
ok "1/s for 4s: every interval but the last is whole, of 1s" python3 -c '
import json, sys
ts = json.load(open(sys.argv[1] + "/report.json"))["timeseries"]
assert [p["partial"] for p in ts] == [False] * (len(ts) - 1) + [True], ts
assert all(0.9 < p["seconds"] < 1.2 for p in ts[:-1]), ts
assert 0 <= ts[-1]["seconds"] < 1, ts[-1]
' "$DIR"
ok "1/s for 4s: timeseries.csv marks the last row partial" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/timeseries.csv")))
assert [r["partial"] for r in rows] == ["0"] * (len(rows) - 1) + ["1"], rows
assert float(rows[-1]["seconds"]) < 1, rows[-1]
' "$DIR"
like "$(printf '%s\n' "$ERR" | grep '^\[' | tail -1)" \
    '^\[ +4\.[0-9]s\] 1/1 sustained +sustained-1 .*\(partial: [0-9.]+(us|ms|s)\)$' \
    "1/s for 4s: the last progress line is marked partial"
is "$(printf '%s\n' "$ERR" | grep -c '^\[.*rps ')" "$(jq_ 'len(d["timeseries"])')" \
    "1/s for 4s: a progress line for every interval"
ok "1/s for 4s: report.html shades the partial interval" \
    grep -q 'class="partial"' "$DIR/report.html"
ok "1/s for 4s: the throughput chart draws no rate for it" python3 -c '
import json, re, sys
d = json.load(open(sys.argv[1] + "/report.json"))
html = open(sys.argv[1] + "/report.html").read()
chart = re.search(r"<title>Throughput</title>.*?</svg>", html, re.S).group(0)
path = re.search(r"<path fill=\"none\"[^>]* d=\"([^\"]*)\"", chart).group(1)
assert len(re.findall(r"[ML]", path)) == len(d["timeseries"]) - 1, path
' "$DIR"

# --- a run shorter than an interval has no peak --------------------------
run short -n 3 -c 1 "$TARGET_URL/ok"
is "$RC" 0 "3 requests: exit 0"
like "$OUT" '^loadtop: ad-hoc: completed after [0-9.]+(us|ms)$' \
    "3 requests: a run of milliseconds says so, not 0.0s"
like "$(cat "$DIR/report.md")" '^\*\*Date\*\*: .* \([0-9.]+(us|ms)\)  $' \
    "3 requests: report.md's date line in ms"
like "$(cat "$DIR/report.md")" '^\| Duration \| [0-9.]+(us|ms) \|$' \
    "3 requests: report.md's duration in ms"
like "$OUT" 'average, no peak \(no whole interval\),' \
    "3 requests: the summary has no peak"
is "$(jq_ 'd["totals"]["rps_peak"]')" null "3 requests: rps_peak is null"
like "$(cat "$DIR/report.md")" \
    '\| Peak rate \(one interval\) \| none: the run was shorter than an interval \|' \
    "3 requests: report.md has no peak"

# --- users and requests in flight, in every output ----------------------
run users -c 5 -d 3s "$TARGET_URL/delay?ms=20"
is "$RC" 0 "5 users: exit 0"
like "$OUT" '^  users      5 peak, 5\.0 average$' \
    "5 users: the summary states peak and average users"
# Between an answer and the next request a user has none in flight: as
# report.json's, the average may be a little under 5 on a slow build.
like "$OUT" '^  in flight  5 peak, (4\.[89]|5\.0) average$' \
    "5 users: and the requests in flight"
is "$(jq_ 'd["totals"]["users"]["peak"]')" 5 "5 users: report.json's peak"
within 'd["totals"]["users"]["avg"]' 4.9 5.0 "5 users: and its average"
is "$(jq_ 'd["totals"]["in_flight"]["peak"]')" 5 \
    "5 users: report.json's peak of requests in flight"
within 'd["totals"]["in_flight"]["avg"]' 4.8 5.0 "5 users: and their average"
is "$(jq_ '[(p["users"], p["in_flight"]) for p in d["timeseries"][:-1]]')" \
    '[[5, 5], [5, 5], [5, 5]]' "5 users: in each whole interval of the series"
ok "5 users: timeseries.csv has users and in_flight" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/timeseries.csv")))
assert [(r["users"], r["in_flight"]) for r in rows[:-1]] == [("5", "5")] * 3, rows
' "$DIR"
like "$(cat "$DIR/report.md")" 'Latency counts from when a request was sent: in the closed model' \
    "5 users: report.md says latency counts from the send"
ok "5 users: and does not speak of the open model" sh -c \
    '! grep -q "open model" "$1/report.md"' sh "$DIR"
like "$(cat "$DIR/report.md")" '^- Users: 5 at peak, 5\.0 on average$' \
    "5 users: report.md states peak and average users"
like "$(cat "$DIR/report.md")" '^\| Users \(closed model\), peak / average \| 5 / 5\.0 \|$' \
    "5 users: and in its throughput table"
ok "5 users: report.html charts users and requests in flight" \
    grep -q '<title>Users and requests in flight</title>' "$DIR/report.html"

scenario climb <<EOF
name: climb
target: {base_url: "$TARGET_URL"}
requests: [{path: "/delay?ms=10"}]
phases:
  - {name: up, kind: ramp, stages: [{duration: 4s, users: 4}]}
EOF
run climb "$T_TMP/climb.yaml"
is "$RC" 0 "a ramp of users: exit 0"
is "$(jq_ 'd["totals"]["users"]["peak"]')" 4 \
    "a ramp of users to 4: a peak of 4, though it ends on a tick"
within 'd["totals"]["users"]["avg"]' 1.8 2.3 \
    "a ramp of users to 4: an average of about 2"

# A burst's concurrency is no users: the phase has none.
scenario spike <<EOF
name: spike
target: {base_url: "$TARGET_URL"}
requests: [{path: "/delay?ms=300"}]
phases:
  - {name: spike, kind: burst, requests: 40, concurrency: 20}
EOF
run spike "$T_TMP/spike.yaml"
is "$RC" 0 "a burst: exit 0"
is "$(jq_ 'd["totals"]["users"]')" null "a burst: no users"

# The open model has no users; its requests in flight are still there.
run open -r 50/s -d 2s "$TARGET_URL/delay?ms=50"
is "$RC" 0 "50/s: exit 0"
is "$(jq_ 'd["totals"]["users"]')" null "50/s: no users in report.json"
is "$(jq_ '[p["users"] for p in d["timeseries"]]')" '[null, null, null]' \
    "50/s: no users in the series"
within 'd["totals"]["in_flight"]["peak"]' 1 13 \
    "50/s at 50ms: a few requests in flight at the peak, within its pool"
ok "50/s: the summary has no users line" sh -c \
    '! printf "%s\n" "$1" | grep -q "^  users "' sh "$OUT"

# --- a 3s phase at 1/s, then another: the first ends at 3s --------------
scenario two <<EOF
name: two
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases:
  - {name: slow, kind: sustained, rate: 1/s, duration: 3s}
  - {name: after, kind: sustained, rate: 2/s, duration: 1s}
EOF
run two "$T_TMP/two.yaml"
is "$RC" 0 "two phases: exit 0"
phase_lasts 0 3.0 3.4 "3s at 1/s: the phase lasts 3s, not 2s"
within 'd["phases"][1]["started_s"]' 3.0 3.5 \
    "3s at 1/s: the next phase starts at 3s"
is "$(jq_ 'd["phases"][0]["requests"]')" 3 "3s at 1/s: 3 requests"

# --- soak, open-model ramp, closed model --------------------------------
scenario kinds <<EOF
name: kinds
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases:
  - {name: soak, kind: soak, rate: 2/s, duration: 2s}
  - {name: climb, kind: ramp, stages: [{duration: 2s, rate: 4/s}]}
  - {name: users, kind: sustained, users: 2, duration: 1500ms}
  - {name: user-ramp, kind: ramp, stages: [{duration: 1s, users: 2}]}
EOF
run kinds "$T_TMP/kinds.yaml"
is "$RC" 0 "soak, ramps, users: exit 0"
phase_lasts 0 2.0 2.4 "soak at 2/s for 2s lasts 2s"
phase_lasts 1 2.0 2.4 "a ramp from 0 to 4/s over 2s lasts 2s"
is "$(jq_ 'd["phases"][1]["requests"]')" 4 \
    "the ramp sends its integral: 4 requests"
phase_lasts 2 1.5 1.9 "2 users for 1.5s last 1.5s"
phase_lasts 3 1.0 1.4 "a ramp of users over 1s lasts 1s"
# How report.md's configuration reads them.
MD=$(cat "$DIR/report.md")
like "$MD" '^\| 2 \| climb \| ramp \| 0 to 4 req/s in 1 stage \| 2s \| done \|$' \
    "report.md: the open ramp's load and length"
like "$MD" '^\| 4 \| user-ramp \| ramp \| 0 to 2 users in 1 stage \| 1s \| done \|$' \
    "report.md: the closed ramp's load and length"
like "$MD" '^\| 3 \| users \| sustained \| 2 users \| 1\.5s \| done \|$' \
    "report.md: users and a duration of 1.5s"
like "$MD" 'due in the phases with a rate \(open model\), and from when it was sent in the others' \
    "report.md: latency, when the models are mixed"

# --- the summary's tables are as wide as their names --------------------
scenario names <<EOF
name: names
target: {base_url: "$TARGET_URL"}
requests: [{name: a-request-with-a-long-name-here, path: /ok}]
phases:
  - {name: invalid-signature-probe, kind: burst, requests: 5}
  - {name: ok, kind: burst, requests: 5}
EOF
run names "$T_TMP/names.yaml"
is "$RC" 0 "long names: exit 0"
like "$OUT" '^  1  invalid-signature-probe burst +5 ' \
    "long names: the phase table has the whole name"
like "$OUT" '^  2  ok                      burst +5 ' \
    "long names: and the others line up with it"
like "$OUT" '^  a-request-with-a-long-name-here +10 ' \
    "long names: the request table has the whole name"

# --- rate_limit at a rate: n requests at r/s take n/r -------------------
scenario probe <<EOF
name: probe
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases:
  - {name: probe, kind: rate_limit, requests: 5, rate: 5/s}
EOF
run probe "$T_TMP/probe.yaml"
is "$RC" 0 "rate_limit at 5/s: exit 0"
is "$(jq_ 'd["phases"][0]["requests"]')" 5 "rate_limit at 5/s: 5 requests"
phase_lasts 0 1.0 1.4 "rate_limit: 5 requests at 5/s last 1s"
within 'd["phases"][0]["rps"]' 4.5 5.0 "rate_limit: 5.0 req/s, not more"

done_testing
