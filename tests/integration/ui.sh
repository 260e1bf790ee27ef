#!/bin/sh
# The dashboard, driven in a tmux pane against loadtop-target: live
# panels, keys, resizes, the summary after quitting, and the plain mode
# (NO_COLOR, an ASCII locale).
. "$top_srcdir/tests/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi

. "$top_srcdir/tests/integration/ui-tmux.sh"

# The completed requests the throughput panel shows.
count() {
	printf '%s\n' "$SHOT" | sed -n 's/.*requests \([0-9][0-9]*\).*/\1/p' |
	    head -1
}

start_target

cat >"$T_TMP/ui.yaml" <<YAML
version: 1
name: ui-test
target:
  base_url: $TARGET_URL
requests:
  - name: ok
    path: /ok
    weight: 4
  - name: limited
    path: /limited
    weight: 3
  - name: leak
    path: /leak?kb=256
    weight: 1
phases:
  - name: mixed
    kind: sustained
    rate: 40/s
    duration: 60s
  - name: after
    kind: sustained
    rate: 20/s
    duration: 60s
    use: ok
YAML

start_pane "LC_ALL=C.UTF-8 '$LOADTOP' ui.yaml --pid $TARGET_PID --fps 10"

if wait_for 'loadtop +ui-test +phase 1/2' 15; then
	ok "the dashboard comes up" true
else
	printf '%s\n' "$SHOT" | sed 's/^/# /'
	echo "Bail out! the dashboard did not come up"
	exit 1
fi
like "$SHOT" 'q quit +p pause' "the footer lists the keys"
like "$SHOT" "target $TARGET_URL" "the header names the target"
like "$SHOT" "Target +pid $TARGET_PID" "the target panel watches the target"

wait_for 'requests [1-9]' 10
c1=$(count)
ok "the request count grows" wait_for "requests ($(( c1 + 1 ))|[0-9]{$(( ${#c1} + 1 )),})" 10
c2=$(count)
ok "the count went up ($c1 then $c2)" test "${c2:-0}" -gt "${c1:-0}"
ok "429s show in the responses" wait_for 'rate-limited +[1-9]' 10
ok "the status codes include 429" wait_for '429 +[0-9]' 5
ok "latency percentiles show" wait_for 'p99\.9 +[0-9.]+(us|ms)' 5
ok "the target's RSS grows under /leak" wait_for 'growth \+[0-9.]+(KB|MB)' 15
like "$SHOT" 'RSS +[0-9.]+MB' "RSS is shown"
like "$SHOT" 'CPU +[0-9.]+%' "CPU is shown"

# Colours are on: the pane carries colour escapes.
like "$(tm capture-pane -p -e -t ui)" '\[([0-9]+;)*(3[0-7]|4[0-7])[;m]' \
    "colours are used"

tm send-keys -t ui +
ok "+ scales the load" wait_for 'scale x1\.10' 5

tm send-keys -t ui p
ok "p pauses" wait_for 'PAUSED' 5
sleep 2.5	# in-flight requests land, the next snapshots settle
shot
p1=$(count)
sleep 2
shot
p2=$(count)
is "$p2" "$p1" "the count stops while paused"
tm send-keys -t ui p
ok "p resumes" wait_for 'running' 5

tm send-keys -t ui n
ok "n moves to the next phase" wait_for 'phase 2/2 sustained after' 5

tm send-keys -t ui s
ok "s answers with a message" \
    wait_for 'report written to' 5

tm send-keys -t ui 2
ok "2 shows the requests" wait_for 'request +count +req/s' 5
like "$SHOT" 'limited +[0-9]+' "the requests view lists each request"
tm send-keys -t ui 3
ok "3 shows the timing" wait_for 'connect +[1-9][0-9]* +[0-9.]+(us|ms)' 5
like "$SHOT" '^  ok +[1-9][0-9]* +[0-9.]+(us|ms)' "with the latency of the oks"
like "$SHOT" '^  rate_limited +[1-9][0-9]* +[0-9.]+(us|ms)' "and of the 429s"
tm send-keys -t ui 4
ok "4 shows the target over the session" wait_for 'RSS +now [0-9.]+MB' 5
like "$SHOT" 'leak +(stable|leak|inconclusive)' "with the leak verdict"
tm send-keys -t ui 5
ok "5 shows the phases, the one n ended cut short" \
    wait_for '1 +mixed +sustained +cut_short' 5
tm send-keys -t ui '?'
ok "? shows the keys" wait_for 'this help; any key closes it' 5
tm send-keys -t ui x
ok "any key closes the help" wait_gone 'any key closes it' 5
tm send-keys -t ui Tab
ok "Tab cycles back to the overview" wait_for 'Latency +from the planned' 5

tm resize-window -t ui -x 200 -y 60
ok "a resize to 200x60 redraws" wait_for 'Throughput' 5
sleep 0.5
shot
is "$(printf '%s\n' "$SHOT" | wc -l | tr -d ' ')" 60 "60 rows"
like "$(printf '%s\n' "$SHOT" | sed -n 60p)" 'q quit' "the footer is on the last row"
like "$(printf '%s\n' "$SHOT" | sed -n 1p)" '^ loadtop +ui-test' "the header is on the first row"
col=$(printf '%s\n' "$SHOT" | awk '/Throughput/ { print index($0, "Throughput"); exit }')
ok "the panels spread over the width (Throughput at $col)" test "${col:-0}" -gt 95

tm resize-window -t ui -x 80 -y 24
ok "a resize to 80x24 redraws" wait_for 'Throughput' 5
sleep 0.5
shot
is "$(printf '%s\n' "$SHOT" | wc -l | tr -d ' ')" 24 "24 rows"
like "$(printf '%s\n' "$SHOT" | sed -n 24p)" 'q quit' "the footer is on the last row"
is "$(printf '%s\n' "$SHOT" | grep -c 'loadtop  ui-test')" 1 \
    "one header, no leftovers"
is "$(printf '%s\n' "$SHOT" | grep -c 'Latency')" 1 "one latency panel"
like "$SHOT" 'rate-limited' "the responses fit at 80x24"
like "$SHOT" 'RSS' "the target fits at 80x24"
tm send-keys -t ui 3
ok "the timing fits at 80x24, latency by class too" \
    wait_for '^  rate_limited +[1-9][0-9]* +[0-9.]+(us|ms)' 5
ok "without the p99.9 and mean columns" sh -c \
    "! printf '%s\n' \"\$1\" | grep -q 'p99\.9'" sh "$SHOT"
tm send-keys -t ui 1

tm send-keys -t ui q
ok "q ends the run" wait_for 'loadtop exited with' 15
like "$SHOT" 'loadtop exited with [01]$' "with status 0 or 1"
SHOT=$(tm capture-pane -p -S -500 -t ui)
like "$SHOT" 'loadtop: ui-test: user_quit after' "the summary follows"
like "$SHOT" 'rate_limited [0-9]+' "with the classes"
is "$(tm display-message -p -t ui '#{alternate_on}')" 0 \
    "the terminal left the alternate screen"
is "$(tm display-message -p -t ui '#{cursor_flag}')" 1 "the cursor is back"
# q wrote the final report, and says how the run ended.
ok "q leaves a complete report" python3 -c '
import glob, json, os, sys
dirs = sorted(d for d in glob.glob(sys.argv[1] + "/loadtop-ui-test-*")
    if os.path.exists(d + "/report.json"))
d = json.load(open(dirs[-1] + "/report.json"))
assert d["end_reason"] == "user_quit", d["end_reason"]
for f in ("timeseries.csv", "report.md", "report.html"):
    assert os.path.getsize(dirs[-1] + "/" + f) > 0, f
' "$T_TMP"

# Plain: no colours, ASCII graphs.
start_pane "NO_COLOR=1 LC_ALL=C '$LOADTOP' '$TARGET_URL/ok' -r 50 -d 30s"
ok "the plain dashboard comes up" wait_for 'loadtop +ad-hoc' 15
ok "and draws a graph" wait_for '#' 10
plain=$(tm capture-pane -p -e -t ui)
ok "no colour escapes with NO_COLOR" sh -c \
    "! printf '%s\n' \"\$1\" | grep -Eq '\[([0-9]+;)*(3[0-7]|4[0-7]|38|48)[;m]'" \
    sh "$plain"
shot
ok "only ASCII in the C locale" sh -c \
    "! printf '%s\n' \"\$1\" | LC_ALL=C grep -q '[^ -~]'" sh "$SHOT"
tm send-keys -t ui q
ok "q ends the plain run" wait_for 'loadtop exited with' 15

# Ctrl-C arrives as a signal and ends the run the same way.
start_pane "'$LOADTOP' '$TARGET_URL/ok' -r 20 -d 30s"
ok "a third dashboard comes up" wait_for 'loadtop +ad-hoc' 15
tm send-keys -t ui C-c
ok "Ctrl-C ends it, the summary follows" wait_for 'ad-hoc: signal after' 15

# A terminal that cannot draw: a note, then the headless run.
start_pane "TERM=dumb '$LOADTOP' '$TARGET_URL/ok' -r 20 -d 2s"
ok "TERM=dumb falls back to headless" \
    wait_for 'no dashboard \(TERM is dumb\), running headless' 10
ok "with progress lines and the summary" wait_for 'ad-hoc: completed after' 10

# q during the demo: the phases it never reached are not evaluated, and
# the run passes on what it ran.
start_pane "'$LOADTOP' demo --report '$T_TMP/demo-q'"
ok "the demo's dashboard comes up" wait_for 'loadtop +demo' 20
sleep 3
tm send-keys -t ui q
ok "q during the demo exits 0" wait_for 'loadtop exited with 0' 20
is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["passed"], d["not_evaluated"] > 0, [t["expr"] for t in d["thresholds"] if t["status"] == "not_evaluated"])' "$T_TMP/demo-q/report.json")" \
    "True True ['phase:rate-limit.rate_limited == 10']" \
    "and its report lists the threshold not evaluated"

# Grades in the thresholds view.
cat >"$T_TMP/grades.yaml" <<YAML
name: grades
target: {base_url: "$TARGET_URL"}
requests: [{name: ok, path: /ok}]
phases: [{kind: sustained, rate: 50/s, duration: 30s}]
thresholds: [p95 < 1s]
grades:
  - {metric: ok.p95, excellent: 1s, good: 2s, acceptable: 3s}
  - {metric: p50, excellent: 1us, good: 2us, acceptable: 3us, fail_below: none}
YAML
start_pane "'$LOADTOP' --no-report '$T_TMP/grades.yaml'"
ok "a dashboard with grades comes up" wait_for 'loadtop +grades' 15
tm send-keys -t ui 5
ok "the thresholds view grades ok.p95 excellent" \
    wait_for 'excellent +ok\.p95 +[0-9.]+(us|ms)' 10
like "$SHOT" 'poor +p50 +[0-9.]+(us|ms)' "and p50 poor"
tm send-keys -t ui q
ok "q ends the graded run" wait_for 'loadtop exited with 0' 15

# A leak phase's own verdict in the phases view, beside the run's.
cat >"$T_TMP/hunt.yaml" <<YAML
name: hunt
target: {base_url: "$TARGET_URL"}
requests: [{name: ok, path: /ok}, {name: keep, path: "/leak?kb=64"}]
phases:
  - {name: hunt, kind: leak, requests: 200, batches: 8, settle: 100ms,
     concurrency: 4, use: keep}
  - {name: after, kind: sustained, rate: 20/s, duration: 60s, use: ok}
YAML
start_pane "'$LOADTOP' --no-report --pid $TARGET_PID '$T_TMP/hunt.yaml'"
ok "a dashboard with a leak phase comes up" wait_for 'loadtop +hunt' 15
ok "the leak phase ends" wait_for 'phase 2/2' 20
tm send-keys -t ui 5
tm send-keys -t ui k
ok "the phases table gives the leak phase's verdict" \
    wait_for 'hunt +leak +done .* leak' 10
ok "its detail gives the verdict and the bytes per request" \
    wait_for 'phase +leak +[0-9.]+KB/request' 5
like "$SHOT" 'whole run +(stable|leak|inconclusive)' "beside the whole run's"
tm send-keys -t ui q
ok "q ends the leak hunt" wait_for 'loadtop exited with 0' 15

# A crash gives the terminal back before the process dies of it.
start_pane "'$LOADTOP' '$TARGET_URL/ok' -r 20 -d 30s"
ok "a fourth dashboard comes up" wait_for 'loadtop +ad-hoc' 15
lpid=$(pgrep -P "$(tm display-message -p -t ui '#{pane_pid}')" loadtop)
kill -SEGV $lpid
ok "SIGSEGV ends it" wait_for 'loadtop exited with 139' 10
is "$(tm display-message -p -t ui '#{alternate_on}')" 0 \
    "the terminal left the alternate screen"
is "$(tm display-message -p -t ui '#{cursor_flag}')" 1 "the cursor is back"

done_testing
