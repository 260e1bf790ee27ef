#!/bin/sh
# Response checks, outcomes and the failures list, through both
# transports, against the edge fixture (whose /echo answers a request's
# own body with the status asked for) and reconciled with its counts;
# a secret planted in bodies never shows in any output.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1
start_fixture http-edges
EDGES="http://127.0.0.1:$FIXTURE_PORT"

served() {
	curl -s "$EDGES/count" | python3 -c 'import json,sys; print(json.load(sys.stdin)["paths"].get("/echo", 0))'
}

PLANTED=pl4nted-s3cret-v4lue
export PLANTED

cat >pass.yaml <<EOF
version: 1
name: t
target: {base_url: "$EDGES"}
requests:
  - name: echo
    method: POST
    path: /echo
    body: '{"status":"s\${rand:0-2}","n":\${seq}}'
    checks:
      - {json: /status, matches: '^s[0-2]\$'}
      - {json: /n, exists: true}
      - {header: Content-Type, matches: 'application/json'}
      - {header: X-Echo-Length, exists: true}
      - {body_contains: '"status"'}
    outcome: {json: /status}
phases: [{kind: burst, requests: 300, concurrency: 6}]
thresholds: ['checks > 99%', 'echo.checks == 100%', 'phase:burst-1.checks == 100%']
EOF

cat >fail.yaml <<EOF
version: 1
name: t
target: {base_url: "$EDGES"}
requests:
  - name: wrong
    method: POST
    path: /echo
    body: '{"status":"bad","key":"\${env:PLANTED}","pad":"\${uuid}"}'
    checks:
      - {name: status is ok, json: /status, equals: ok}
  - name: broken
    method: POST
    path: /echo?status=500
    body: '{"error":"\${env:PLANTED}"}'
phases: [{kind: burst, requests: 100, concurrency: 4}]
thresholds: ['checks > 99%']
EOF

# Answers without a body: their headers are still checked.
cat >empty.yaml <<EOF
version: 1
name: empty
target: {base_url: "$EDGES"}
requests:
  - name: nc
    path: /nc
    checks: [{header: ETag, exists: false}, {max_body: 1}]
  - name: nm
    path: /nm
    checks: [{header: ETag, matches: '^"1"\$'}, {header: X-Absent, exists: true}]
phases: [{kind: burst, requests: 20, concurrency: 2}]
EOF

# facts DIR: what report.json says of checks, outcomes and failures.
facts() {
	python3 - "$1/report.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"]
checks = d.get("checks", [])
print("checks", t["checks"]["passed"], t["checks"]["failed"], len(checks))
for r in d["requests"]:
    outs = sorted((o["value"], o["count"]) for o in r.get("outcomes") or [])
    print("req", r["name"], r["requests"], r["classes"].get("ok", 0),
          r["classes"].get("check_failed", 0),
          " ".join("%s=%d" % o for o in outs) or "-")
for f in d.get("failures", []):
    print("failure", f["request"], f["class"], f.get("status"),
          f.get("check") or "-", f["count"])
PYEOF
}

for tr in raw curl; do
	before=$(served)
	"$LOADTOP" --headless --quiet -t 2 --transport "$tr" \
	    --report "$T_TMP/p-$tr" pass.yaml >"p-$tr.out" 2>&1
	is "$?" 0 "$tr: every check holds, the run passes"
	after=$(served)
	facts "p-$tr" >"p-$tr.facts"
	like "$(cat "p-$tr.facts")" "checks 1500 0 5" \
	    "$tr: 5 checks, 1,500 evaluations passed"
	sum=$(sed -n 's/^req echo 300 300 0 //p' "p-$tr.facts" |
	    tr ' =' '\n ' | awk 'NF == 2 { n += $2 } END { print n + 0 }')
	is "$sum" 300 "$tr: outcome values add up to the 300 responses"
	is "$((after - before))" 300 "$tr: the server answered 300"
	like "$(cat "p-$tr.facts")" "s0=[0-9]* s1=[0-9]* s2=[0-9]*" \
	    "$tr: the three outcome values"

	before=$(served)
	"$LOADTOP" --headless -t 2 --transport "$tr" \
	    --report "$T_TMP/f-$tr" fail.yaml >"f-$tr.out" 2>&1
	is "$?" 1 "$tr: a failing check fails the run, exit 1"
	after=$(served)
	is "$((after - before))" 100 "$tr: the server answered 100"
	facts "f-$tr" >"f-$tr.facts"
	like "$(cat "f-$tr.facts")" "req wrong 50 0 50" \
	    "$tr: 50 responses check_failed"
	like "$(cat "f-$tr.facts")" "failure wrong check_failed 200 status is ok 50" \
	    "$tr: the failures list names the check"
	like "$(cat "f-$tr.facts")" "failure broken server_error 500 - 50" \
	    "$tr: and the 500s"
	python3 - "f-$tr/report.json" >"f-$tr.samples" <<'PYEOF'
import json, sys
for f in json.load(open(sys.argv[1]))["failures"]:
    print(f["sample"])
PYEOF
	like "$(cat "f-$tr.samples")" '"key":"\[redacted\]"' \
	    "$tr: the sample shows the body, the secret redacted"
	like "$(cat "f-$tr.samples")" '"error":"\[redacted\]"' \
	    "$tr: the 500's sample too"
	ok "$tr: the planted secret is in no output" \
	    sh -c "! grep -r -l '$PLANTED' f-$tr f-$tr.out"
	like "$(cat "f-$tr.out")" "status is ok" "$tr: the summary names the check"

	"$LOADTOP" --headless --quiet -t 1 --transport "$tr" \
	    --report "$T_TMP/e-$tr" empty.yaml >"e-$tr.out" 2>&1
	facts "e-$tr" >"e-$tr.facts"
	like "$(cat "e-$tr.facts")" "checks 30 10 4" \
	    "$tr: bodiless answers' headers are checked (204, 304)"
	like "$(cat "e-$tr.facts")" "req nm 10 0 10" \
	    "$tr: the 304 without X-Absent is check_failed"
done

# The webhook's own verdicts as outcomes, against loadtop-target's
# count of each: signed deliveries (dry_run or ignored by confidence),
# forged ones (invalid_signature), and a limit that answers 429
# (rate_limited).  scenarios/webhook-outcomes.yaml, with a forger added.
start_target --webhook-limit --limit 100/1s
LOADTOP_TARGET_SECRET=loadtop-demo-secret
export LOADTOP_TARGET_SECRET
# Its latency bound is for a quiet machine, not for one running tests.
sed 's/duration: 30s/duration: 2s/; s|rate: 50/s|rate: 150/s|; /p95 </d' \
    "$SCENARIOS/webhook-outcomes.yaml" >w.yaml
cat >>w.yaml <<EOF
  - signal.outcome:rate_limited > 0
EOF
python3 - w.yaml <<'PYEOF2'
import sys
s = open(sys.argv[1]).read()
s = s.replace("phases:", """  - name: forged
    method: POST
    path: /webhook
    headers: {X-Signature: sha256=00}
    body: '{"id":"x"}'
    expect_status: 401
    outcome: {json: /status}

phases:""", 1)
open(sys.argv[1], "w").write(s)
PYEOF2
webhook_counts() {
	curl -s "$TARGET_URL/stats" | python3 -c '
import json, sys
w = json.load(sys.stdin)["webhook"]
print(" ".join("%s=%d" % kv for kv in sorted(w.items()) if kv[1]))'
}
outcome_counts() {
	python3 - "$1/report.json" <<'PYEOF2'
import json, sys
n = {}
for r in json.load(open(sys.argv[1]))["requests"]:
    for o in r.get("outcomes") or []:
        n[o["value"]] = n.get(o["value"], 0) + o["count"]
print(" ".join("%s=%d" % kv for kv in sorted(n.items()) if kv[1]))
PYEOF2
}
for tr in raw curl; do
	curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
	sleep 1	# a fresh window of the limit
	"$LOADTOP" --headless --quiet -t 2 --transport "$tr" \
	    --base-url "$TARGET_URL" --pid "$TARGET_PID" \
	    --report "$T_TMP/w-$tr" w.yaml >"w-$tr.out" 2>&1
	rc=$?
	is "$rc" 0 "$tr: webhook outcomes: the run passes"
	[ "$rc" = 0 ] || grep -E 'FAIL|UNKNOWN' "w-$tr.out" | sed 's/^/# /'
	got=$(outcome_counts "w-$tr")
	is "$got" "$(webhook_counts)" "$tr: outcomes are the server's counts ($got)"
	like "$got" "dry_run=.*ignored=.*invalid_signature=.*rate_limited=" \
	    "$tr: all four outcomes came"
done

done_testing
