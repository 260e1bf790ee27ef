#!/bin/sh
# Ramps that go down to nothing, in rate and in users, and Locust's
# stages ({users, spawn_rate}), against loadtop-target, whose own count
# must match.
. "$top_srcdir/tests/lib.sh"

start_target --threads 2
cd "$T_TMP" || exit 1
cat >ramp0.yaml <<EOF
version: 1
name: ramp0
target: {base_url: "$TARGET_URL"}
requests: [{name: ok, path: /ok}]
phases:
  # 100/s falling to 0 over 2 s: 100 starts.
  - {name: down, kind: ramp, start_rate: 100, stages: [{duration: 2s, rate: 0}]}
  # 0 to 4 users at 4 a second, 4 for 1 s, back to 0 at 4 a second:
  # 8 user-seconds of 100 ms loops, about 80 requests.
  - name: users
    kind: ramp
    start_users: 0
    think_time: 100ms
    stages:
      - {users: 4, spawn_rate: 4/s}
      - {duration: 1s, users: 4}
      - {users: 0, spawn_rate: 4/s}
EOF
before=$(curl -s "$TARGET_URL/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')
"$LOADTOP" --headless --quiet -t 1 --report "$T_TMP/r" ramp0.yaml >out 2>&1
is "$?" 0 "the run succeeds"
after=$(curl -s "$TARGET_URL/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')
facts=$(python3 - "$T_TMP/r/report.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(d["totals"]["requests"], *[p["requests"] for p in d["phases"]],
      *[round(p["ended_s"] - p["started_s"], 1) for p in d["phases"]])
PYEOF
)
# shellcheck disable=SC2086
set -- $facts
is "$((after - before))" "$1" "the server saw every request ($1)"
ok "rate to 0: about 100 requests ($2)" test "$2" -ge 95 -a "$2" -le 105
ok "users to 0: about 80 requests ($3)" test "$3" -ge 65 -a "$3" -le 90
is "$4" 2.0 "rate to 0: 2 s"
is "$5" 3.0 "Locust stages: 1 s up, 1 s held, 1 s down"

done_testing
