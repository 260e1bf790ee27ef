#!/bin/sh
# User flows against loadtop-target's login: a token captured from POST
# /login and sent to GET /me, by closed-model users and by an open-model
# schedule, through both transports; every count reconciled with the
# server's /stats.  A failing login leaves /me unsent (capture_missing);
# think times drawn from a range keep their mean.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1

# stat NAME...: the server's counters, by name, on one line.
stat() {
	curl -s "$TARGET_URL/stats" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(str(d.get(k, 0)) for k in sys.argv[1:]))' "$@"
}

# facts DIR: per request "name requests ok capture_missing", per flow
# "flow name started completed failed mean_ms".
facts() {
	python3 - "$1/report.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["requests"]:
    c = r["classes"]
    print("req", r["name"], r["requests"], c.get("ok", 0),
          c.get("capture_missing", 0))
for f in d.get("flows", []):
    it = f.get("iteration_ms") or {}
    print("flow", f["name"], f["started"], f["completed"], f["failed"],
          round(it.get("mean") or 0))
PYEOF
}

flow_yaml() {
	cat <<EOF
version: 1
name: t
target: {base_url: "$TARGET_URL"}
requests:
  - name: login
    method: POST
    path: /login
    headers: {Content-Type: application/json}
    body: '{"user":"u\${seq}"}'
    capture: {token: {json: /token}}
  - name: me
    path: /me
    headers: {Authorization: 'Bearer \${var:token}'}
    checks: [{json: /user, matches: '^u[0-9]+\$'}]
flows:
  - name: session
    steps:
      - login
      - {request: me, repeat: 5, think_time: 20ms..60ms}
phases:
$1
EOF
}

start_target --threads 2
# 20 users for 3 s: each iteration a login and five authorised /me.
flow_yaml "  - {kind: sustained, users: 20, duration: 3s, use: session}" \
    >closed.yaml
for tr in raw curl; do
	set -- $(stat logins me_ok me_unauthorized)
	l0=$1 m0=$2 u0=$3
	"$LOADTOP" --headless --quiet -t 2 --transport "$tr" \
	    --report "$T_TMP/c-$tr" closed.yaml >"c-$tr.out" 2>&1
	is "$?" 0 "$tr: the login flow passes"
	set -- $(stat logins me_ok me_unauthorized)
	facts "c-$tr" >"c-$tr.facts"
	logins=$(awk '$1 == "req" && $2 == "login" { print $4 }' "c-$tr.facts")
	mes=$(awk '$1 == "req" && $2 == "me" { print $4 }' "c-$tr.facts")
	is "$(($1 - l0))" "$logins" "$tr: the server issued a token per login ($logins)"
	is "$(($2 - m0))" "$mes" "$tr: and authorised every /me ($mes)"
	is "$(($3 - u0))" 0 "$tr: none unauthorised"
	set -- $(awk '$1 == "flow" { print $3, $4, $5, $6 }' "c-$tr.facts")
	# Iterations the end cut short sent fewer.
	ok "$tr: five /me a login" test "$mes" -ge "$((5 * $2))" \
	    -a "$mes" -le "$((5 * logins))"
	ok "$tr: iterations started, completed, none failed ($*)" \
	    test "$2" -gt 50 -a "$3" -eq 0 -a "$1" -ge "$2" \
	    -a "$1" -le "$(($2 + 20))"
	# Four think times of 20..60 ms (40 on average) an iteration.
	ok "$tr: think ranges keep their mean: 4 x 40 ms ($4 ms)" \
	    test "$4" -ge 150 -a "$4" -le 180
done

# Open model: 20 iterations a second for 3 s, whatever they take.
flow_yaml "  - {kind: sustained, rate: 20/s, duration: 3s, use: session}" \
    >open.yaml
"$LOADTOP" --headless --quiet -t 1 --report "$T_TMP/o" open.yaml \
    >o.out 2>&1
is "$?" 0 "open model: the run passes"
facts o >o.facts
set -- $(awk '$1 == "flow" { print $3, $4, $5 }' o.facts)
ok "open model: 60 iterations started ($1)" test "$1" -ge 59 -a "$1" -le 61
ok "open model: those that ended completed ($2)" test "$2" -ge 50 -a "$3" -eq 0
skipped=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["skipped"])' o/report.json)
is "$skipped" 0 "open model: no start was skipped"
stop_target

# A login endpoint that fails: /me is never sent blind.
start_target --login-fail-every 1
set -- $(stat me_ok me_unauthorized)
"$LOADTOP" --headless --quiet -t 1 --report "$T_TMP/m" closed.yaml \
    >m.out 2>&1
ok "a failing login fails the run (exit $?)" test "$?" -ne 0
facts m >m.facts
set -- $(stat me_ok me_unauthorized) "$@"
is "$(($1 + $2 - $3 - $4))" 0 "the server saw no /me"
missing=$(awk '$1 == "req" && $2 == "me" { print $5 }' m.facts)
failed=$(awk '$1 == "flow" { print $5 }' m.facts)
ok "each iteration's /me is capture_missing ($missing)" test "$missing" -gt 0
is "$failed" "$missing" "and each such iteration failed"
stop_target

# The example, its phases shortened, against a fresh loadtop-target.
start_target
sed 's/duration: 30s/duration: 2s/' "$SCENARIOS/flow-login.yaml" >example.yaml
"$LOADTOP" --headless --quiet -t 2 --base-url "$TARGET_URL" \
    --pid "$TARGET_PID" --report "$T_TMP/x" example.yaml >x.out 2>&1
is "$?" 0 "scenarios/flow-login.yaml passes against loadtop-target"
facts x >x.facts
set -- $(stat logins me_ok me_unauthorized)
is "$1 $2 $3" "$(awk '$1 == "req" && $2 == "login" { l = $4 }
    $1 == "req" && $2 == "me" { m = $4 } END { print l, m, 0 }' x.facts)" \
    "its logins and /me are the server's ($1, $2), none unauthorised"

done_testing
