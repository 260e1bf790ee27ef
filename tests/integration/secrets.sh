#!/bin/sh
# Secrets planted every way a scenario holds them -- an ${env:} in a
# header and a body, an HMAC key, a token captured from loadtop-target's
# POST /login -- are in no output: standard output and error, every file
# of the report, the dashboard's every view and detail, and the messages
# of a file that is wrong further down.  The report is the user's only
# (0600 files in a 0700 directory), and the process cannot dump core.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1
chmod 755 "$T_TMP"
start_fixture http-edges
EDGES="http://127.0.0.1:$FIXTURE_PORT"
start_target

LT_SECRET_ENV=envS3cret-Quokka-9174
LT_SECRET_KEY=hmacS3cret-Wombat-3782
export LT_SECRET_ENV LT_SECRET_KEY

# The token is new at every login: any 32 hex digits in an output that
# loadtop-target takes as a token is a captured one that leaked.
token=$(curl -s -X POST -d '{"user":"probe"}' "$TARGET_URL/login" |
    sed -n 's/.*"token" *: *"\([0-9a-f]*\)".*/\1/p')
like "$token" '^[0-9a-f]{32}$' "loadtop-target's tokens are 32 hex digits"

# leaks FILE...: the planted values and live tokens found in the files.
leaks() {
	grep -l -e "$LT_SECRET_ENV" -e "$LT_SECRET_KEY" "$@" 2>/dev/null
	cat "$@" 2>/dev/null | grep -Eo '[0-9a-f]{32}' | sort -u | head -500 |
	    while read -r t; do
		c=$(curl -s -o /dev/null -w '%{http_code}' \
		    -H "Authorization: Bearer $t" "$TARGET_URL/me")
		[ "$c" = 200 ] && echo "a live token: $t"
	done
}

# scenario DURATION: the run's file, planting each secret.
scenario() {
	cat <<EOF
name: secrets
target: {base_url: "$TARGET_URL"}
requests:
  - name: login
    method: POST
    path: /login
    headers: {Content-Type: application/json}
    body: '{"user":"u\${seq}"}'
    capture:
      token: {json: /token}
  - name: me
    path: /me
    headers: {Authorization: 'Bearer \${var:token}'}
  - name: token-echo
    method: POST
    url: "$EDGES/echo?status=500"
    headers: {X-Token: '\${var:token}'}
    body: '{"token":"\${var:token}"}'
  - name: env-echo
    method: POST
    url: "$EDGES/echo?status=500"
    headers: {X-Api-Key: 'key \${env:LT_SECRET_ENV}'}
    body: '{"key":"\${env:LT_SECRET_ENV}"}'
  - name: signed
    method: POST
    url: "$EDGES/echo?status=500"
    body: '{"signed":"yes"}'
    sign: {hmac_sha256: {secret_env: LT_SECRET_KEY}}
flows:
  - name: session
    steps: [login, me, token-echo]
phases:
  - {name: users, kind: sustained, users: 2, duration: $1, use: session}
  - {name: others, kind: sustained, rate: 20/s, duration: $1,
     use: [env-echo, signed]}
EOF
}

# --- a headless run: its output and every file of its report ----------
scenario 1s >run.yaml
timeout 60 "$LOADTOP" --report "$T_TMP/rep" run.yaml >run.out 2>run.err
is "$?" 0 "the run ends, exit 0 (no threshold to fail)"
like "$(cat run.out)" "token-echo +[1-9]" "the token was captured and sent"
python3 - rep/report.json >rep.facts <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
by = {r["name"]: r for r in d["requests"]}
print("me", by["me"]["classes"].get("ok", 0) > 0)
print("samples", len([f for f in d["failures"] if f.get("sample")]))
PYEOF
like "$(cat rep.facts)" "me True" "GET /me got 200s with the captured token"
like "$(cat rep.facts)" "samples [1-9]" "the failures list has body samples"
is "$(leaks run.out run.err rep/*)" "" "no secret in the run's output or report"
ls rep >rep.files
like "$(cat rep.files)" "report.json" "the report is there to search"
is "$(stat -c %a rep)" 700 "the report directory is 0700"
is "$(find rep -type f ! -perm 600 | wc -l | tr -d ' ')" 0 \
    "every report file is 0600"

# --- a later key wrong: the messages name it, never a value -----------
scenario 1s >late.yaml
cat >>late.yaml <<'EOF'
alerts: {p95: soon}
EOF
timeout 20 "$LOADTOP" --no-report late.yaml >late.out 2>late.err
is "$?" 2 "a scenario wrong after its secrets: exit 2"
like "$(head -n 1 late.err)" "^late.yaml:3[0-9]:[0-9]+: " "and the place"
timeout 20 "$LOADTOP" --check late.yaml >check.out 2>check.err
is "$?" 2 "--check of it: exit 2"
LT_SECRET_KEY= timeout 20 "$LOADTOP" --no-report run.yaml >empty.out 2>empty.err
like "$(cat empty.err)" "environment variable 'LT_SECRET_KEY' is empty" \
    "an empty key is named, not shown"
is "$(leaks late.out late.err check.out check.err empty.out empty.err)" "" \
    "no secret in the messages"

# --- the process: not dumpable once it holds secrets ------------------
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$LOADTOP" \
    --version >/dev/null 2>&1; then
	# To its own user a dumpable process's /proc files are its own; a
	# process that is not dumpable has them owned by root.
	owner() {
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		    "$LOADTOP" --no-report --quiet "$1" >/dev/null 2>&1 &
		_p=$!
		sleep 0.5
		stat -c %u "/proc/$_p/status"
		wait "$_p"
	}
	scenario 1s >dump.yaml
	chmod 644 dump.yaml
	is "$(owner dump.yaml)" 0 "with secrets, loadtop is not dumpable"
	cat >plain.yaml <<EOF
name: plain
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases: [{kind: sustained, rate: 10/s, duration: 1s}]
EOF
	chmod 644 plain.yaml
	is "$(owner plain.yaml)" 65534 "without, it is"
else
	T_N=$((T_N + 2))
	echo "ok $((T_N - 1)) # SKIP the dumpable flag: needs root, and loadtop to run as nobody"
	echo "ok $T_N # SKIP the dumpable flag: needs root, and loadtop to run as nobody"
fi

# --- the dashboard: each view, each request's detail ------------------
if ! command -v tmux >/dev/null 2>&1; then
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP the dashboard: tmux is not installed"
	done_testing
	exit 0
fi
. "$top_srcdir/tests/integration/ui-tmux.sh"
scenario 60s >ui.yaml
: >screens
start_pane "LT_SECRET_ENV=$LT_SECRET_ENV LT_SECRET_KEY=$LT_SECRET_KEY '$LOADTOP' --report '$T_TMP/ui-rep' --pid $TARGET_PID --fps 10 ui.yaml"
ok "the dashboard comes up" wait_for 'loadtop +secrets +phase 1/2' 15
sleep 2
for k in 1 2 3 4 5 6 7 8 9; do
	tm send-keys -t ui "$k"
	sleep 0.4
	shot
	printf '%s\n' "$SHOT" >>screens
done
# The requests view, each request selected in turn, its detail beside.
tm send-keys -t ui 2
for i in 1 2 3 4 5 6; do
	sleep 0.4
	shot
	printf '%s\n' "$SHOT" >>screens
	tm send-keys -t ui j
done
tm send-keys -t ui '?'
sleep 0.4
shot
printf '%s\n' "$SHOT" >>screens
tm send-keys -t ui q
tm send-keys -t ui q
ok "q ends the run" wait_for 'loadtop exited with' 15
shot
printf '%s\n' "$SHOT" >>screens
for v in Overview Requests Timing Target Phases; do
	like "$(cat screens)" " $v( |$)" "the $v view was searched"
done
like "$(cat screens)" "statuses: 500 x " "and a request's detail"
is "$(leaks screens ui-rep/*)" "" "no secret on any screen or in its report"

done_testing
