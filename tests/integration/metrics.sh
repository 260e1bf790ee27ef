#!/bin/sh
# Prometheus metrics over a run, against loadtop-target's /metrics: a
# counter's delta equals the server's own count, in the summary,
# report.md and report.json; a run shorter than a scrape interval still
# has its figures; a counter reset (the server restarted) is counted on.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1

scenario() {
	cat >"$T_TMP/$1.yaml"
}

# run ARGS...: loadtop's stdout, stderr and status in OUT, ERR and RC.
run() {
	timeout 60 "$LOADTOP" --quiet "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}

# jq_ EXPR: a value of $DIR/report.json, d being the document.
jq_() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2]+"/report.json")); v=eval(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' \
	    "$1" "$DIR"
}

# metric SERIES FIELD: a figure of report.json's target.metrics.
metric() {
	jq_ "d['target']['metrics']['$1']['$2']"
}

server() {
	curl -s "$TARGET_URL/stats" |
	    python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

RL=loadtop_target_rate_limited_total
LIMITED_429='loadtop_target_requests_total{path="/limited",status="429"}'

# --- a short run: 42 requests, the limit lets 10 through -----------------
start_target --limit 10/60s
scenario short <<EOF
name: short
target:
  base_url: "$TARGET_URL"
  metrics_url: /metrics
  metrics: [$RL, loadtop_target_requests_total,
            loadtop_target_inflight_requests]
requests: [{name: limited, path: /limited}]
phases:
  - {name: probe, kind: rate_limit, requests: 42, expect_allowed: 10,
     expect_limited: 32, use: limited}
EOF
run "$T_TMP/short.yaml" --pid "$TARGET_PID" --report "$T_TMP/short"
DIR=$T_TMP/short
is "$RC" 0 "short: exit 0"
refused=$(server 'd["paths"]["/limited"]["status"]["429"]')
is "$refused" 32 "short: the server refused 32"
is "$(metric "$RL" delta)" "$refused" \
    "short: report.json's delta of $RL is the server's count"
is "$(metric "$RL" first):$(metric "$RL" last)" "0:32" \
    "short: first and last, the last from the scrape after the phase"
is "$(metric "$RL" type):$(metric "$RL" counter)" "counter:true" \
    "short: it is a counter"
like "$(metric "$RL" rate)" '^[0-9.e+]+$' "short: with a rate"
ok "short: from two scrapes at least ($(metric "$RL" scrapes))" \
    test "$(metric "$RL" scrapes)" -ge 2
is "$(metric "$LIMITED_429" delta)" 32 \
    "short: a series born during the run counted from 0"
is "$(metric "$LIMITED_429" first)" 0 "short: and its first is 0"
is "$(jq_ 'd["target"]["metrics_scrapes"]["failed"]')" 0 \
    "short: no scrape failed"
is "$(metric loadtop_target_inflight_requests type)" gauge \
    "short: the gauge is a gauge"
like "$(metric loadtop_target_inflight_requests min):$(metric \
    loadtop_target_inflight_requests max)" '^[0-9]+:[0-9]+$' \
    "short: with its min and max"
like "$OUT" "^  metric     $RL: delta 32, [0-9.e]+/s, from 0 to 32$" \
    "short: the summary shows the run's delta"
like "$OUT" '^  metric     loadtop_target_inflight_requests: last [0-9]+, min [0-9]+, max [0-9]+$' \
    "short: and the gauge's extremes"
md=$(cat "$DIR/report.md")
like "$md" '^\| Series \| Type \| First \| Last \| Delta \| Rate \| Min \| Max \|$' \
    "short: report.md has the metrics table"
like "$md" "^\| $RL \| counter \| 0 \| 32 \| 32 \| [0-9.e]+/s \|  \|  \|$" \
    "short: its row for $RL"
like "$md" '^\| loadtop_target_inflight_requests \| gauge \|  \| [0-9]+ \|  \|  \| [0-9]+ \| [0-9]+ \|$' \
    "short: a gauge's row"
like "$md" '^\| Metrics scrapes \| [0-9]+, 0 failed \|$' \
    "short: report.md counts the scrapes"
ok "short: report.html shows the figures" grep -q \
    "<td>$RL</td><td>counter</td><td>0</td><td>32</td><td>32</td>" \
    "$DIR/report.html"
stop_target

# Thresholds on the figures: the delta is the server's count, exactly.
start_target --limit 10/60s
scenario short_thr <<EOF
name: short_thr
target:
  base_url: "$TARGET_URL"
  metrics_url: /metrics
requests: [{name: limited, path: /limited}]
phases: [{name: probe, kind: rate_limit, requests: 42, use: limited}]
thresholds:
  - metric:$RL.delta == 32
  - metric:$RL.last >= 32
  - metric:loadtop_target_inflight_requests.max < 100
EOF
run "$T_TMP/short_thr.yaml" --pid "$TARGET_PID" --no-report --headless \
    --threshold "metric:$RL.delta == 31"
is "$RC" 1 "thresholds: a wrong delta fails the run"
like "$OUT" "metric:$RL.delta == 32 +32 +PASS" \
    "thresholds: metric:NAME.delta == 32 passes on 32 refusals"
like "$OUT" "metric:$RL.last >= 32 +32 +PASS" "thresholds: .last"
like "$OUT" 'metric:loadtop_target_inflight_requests.max < 100 +[0-9]+ +PASS' \
    "thresholds: a gauge's .max, watched though not listed in metrics"
like "$OUT" "metric:$RL.delta == 31 +32 +FAIL" \
    "thresholds: --threshold takes a metric too"
stop_target


# --- a reset: the server restarts between two probes --------------------
start_target --limit 10/60s
port=$TARGET_PORT
sleep 30 &
other=$!
T_PIDS="$T_PIDS $other"
scenario reset <<EOF
name: reset
target:
  base_url: "$TARGET_URL"
  metrics_url: /metrics
  metrics: [$RL]
  health_interval: 200ms
requests:
  - {name: limited, path: /limited}
  - {name: fine, path: /ok}
phases:
  - {name: before, kind: rate_limit, requests: 42, use: limited}
  - {name: pause, kind: sustained, rate: 20/s, duration: 3s, use: fine}
  - {name: after, kind: rate_limit, requests: 15, use: limited}
EOF
# The metrics come from the URL; the process watched is another one.
"$LOADTOP" --quiet "$T_TMP/reset.yaml" --pid "$other" \
    --report "$T_TMP/reset" >"$T_TMP/out" 2>"$T_TMP/err" &
lt=$!
sleep 1.2
before=$(server 'd["paths"]["/limited"]["status"]["429"]')
stop_target
start_target --port "$port" --limit 10/60s
wait "$lt"
RC=$?
OUT=$(cat "$T_TMP/out")
DIR=$T_TMP/reset
after=$(server 'd["paths"]["/limited"]["status"]["429"]')
is "$before:$after" "32:5" "reset: the servers refused 32, then 5"
is "$(metric "$RL" delta)" 37 "reset: the delta counts both (32 + 5)"
is "$(metric "$RL" resets)" 1 "reset: one reset"
is "$(metric "$RL" last)" 5 "reset: the last is the new server's"
like "$OUT" "^  metric     $RL: delta 37, [0-9.e]+/s, from 0 to 5, 1 reset$" \
    "reset: the summary says so"
stop_target

# --- the dashboard: a counter's run delta and its rate now ---------------
if command -v tmux >/dev/null 2>&1; then
	start_target --limit 5/60s
	scenario ui <<EOF
name: ui
target:
  base_url: "$TARGET_URL"
  metrics_url: /metrics
  metrics: [$RL, loadtop_target_inflight_requests]
  health_interval: 250ms
requests: [{name: limited, path: /limited}]
phases: [{name: load, kind: sustained, rate: 20/s, duration: 30s}]
EOF
	SOCK="loadtop-metrics-$$"
	trap 'tmux -L "$SOCK" kill-server 2>/dev/null; t_cleanup' EXIT
	tmux -L "$SOCK" -f /dev/null new-session -d -s ui -x 100 -y 30 \
	    "cd '$T_TMP' && LC_ALL=C.UTF-8 '$LOADTOP' ui.yaml --pid $TARGET_PID; sleep 60"
	shown=""
	for _ in $(seq 50); do
		shown=$(tmux -L "$SOCK" capture-pane -p -t ui 2>/dev/null)
		printf '%s\n' "$shown" |
		    grep -Eq "$RL \+[1-9][0-9]*, [0-9.]+/s now" && break
		sleep 0.2
	done
	like "$shown" "$RL \+[1-9][0-9]*, [0-9.]+/s now" \
	    "dashboard: the counter's delta and its rate now"
	like "$shown" 'loadtop_target_inflight_requests [0-9]+, min [0-9]+, max [0-9]+' \
	    "dashboard: the gauge's last value and extremes"
	tmux -L "$SOCK" kill-server 2>/dev/null
	stop_target
fi

done_testing
