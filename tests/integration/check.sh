#!/bin/sh
# loadtop --check: every example passes, every broken scenario fails with
# its FILE:LINE:COL: message and exit status 2, and no secret is printed.
. "$top_srcdir/tests/lib.sh"

SECRET=s3cr3t-Zebra-4711
LOADTOP_TARGET_SECRET=$SECRET
LT_S_TOKEN=$SECRET
LT_TEST_TOKEN=$SECRET
export LOADTOP_TARGET_SECRET LT_S_TOKEN LT_TEST_TOKEN

# The examples, as a user would check them from the source tree; a
# loadtop whose libcurl has no WebSocket refuses the streams example and
# says what it lacks.
examples=$(cd "$top_srcdir" && ls scenarios/*.yaml)
if ! grep -q '^#define HAVE_CURL_WS 1' "$top_builddir/config.h"; then
	examples=$(printf '%s\n' "$examples" | grep -v '^scenarios/streams.yaml$')
	"$LOADTOP" --check "$top_srcdir/scenarios/streams.yaml" >/dev/null \
	    2>"$T_TMP/ws.err"
	like "$(head -n 1 "$T_TMP/ws.err")" ":[0-9]+:[0-9]+: websocket needs \
libcurl with WebSocket support \(7\.86 or later, built with ws\); this \
loadtop was built against libcurl [0-9.]+ without it$" \
	    "without WebSocket, --check names what the streams example needs"
fi
cd "$top_srcdir" || exit 1
# shellcheck disable=SC2086
"$LOADTOP" --check $examples >"$T_TMP/ex.out" 2>"$T_TMP/ex.err"
is "$?" 0 "--check scenarios/*.yaml exits 0"
is "$(cat "$T_TMP/ex.err")" "" "--check of the examples prints no error"
n=0
for f in $examples; do
	n=$((n + 1))
	ok "$f: ok" grep -Fqx "$f: ok" "$T_TMP/ex.out"
done
is "$(wc -l <"$T_TMP/ex.out" | tr -d ' ')" "$n" "one line per example"

for f in tests/scenarios/valid/*.yaml; do
	out=$("$LOADTOP" --check "$f" 2>&1)
	is "$out" "$f: ok" "$f: ok"
done

# Each invalid file says on its first line what --check must print.
for f in tests/scenarios/invalid/*.yaml; do
	want=$(sed -n '1s/^# expect: //p' "$f")
	"$LOADTOP" --check "$f" >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
	first=$(head -n 1 "$T_TMP/err")
	case $first in
	"$f:$want"*) got=match ;;
	*) got="$rc: $first" ;;
	esac
	is "$rc:$got:$(cat "$T_TMP/out")" "2:match:" "$f: exit 2 and $want"
done

# Several files at once: each judged on its own; any failure gives 2.
"$LOADTOP" --check scenarios/burst.yaml tests/scenarios/invalid/bad-rate.yaml \
    scenarios/ramp.yaml >"$T_TMP/out" 2>"$T_TMP/err"
is "$?" 2 "a mix of good and bad files exits 2"
is "$(cat "$T_TMP/out")" "scenarios/burst.yaml: ok
scenarios/ramp.yaml: ok" "the good files of a mix are ok"
like "$(cat "$T_TMP/err")" "^tests/scenarios/invalid/bad-rate.yaml:11:11: " \
    "the bad file of a mix is reported"

"$LOADTOP" --check "$T_TMP/none.yaml" >/dev/null 2>"$T_TMP/err"
is "$?" 2 "a missing file exits 2"
like "$(cat "$T_TMP/err")" "^$T_TMP/none.yaml: cannot read: " \
    "a missing file is named"

# Limits: a phase of 200 requests and a ramp of 100 stages pass (the
# engine once had room for 64 of each); a ramp past the limit of stages
# is refused at its first stage too many.
ramp() {
	printf 'name: big\ntarget: {base_url: http://127.0.0.1:8080}\n'
	printf 'requests:\n'
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
	    printf "  - {name: r%d, path: /r%d}\n", i, i }'
	printf 'phases:\n  - {kind: burst, requests: 400}\n'
	printf '  - name: climb\n    kind: ramp\n    stages:\n'
	awk -v n="$2" 'BEGIN { for (i = 1; i <= n; i++)
	    printf "      - {duration: 1s, rate: %d}\n", i }'
}
ramp 200 100 >"$T_TMP/big.yaml"
is "$("$LOADTOP" --check "$T_TMP/big.yaml" 2>&1)" "$T_TMP/big.yaml: ok" \
    "200 requests and a ramp of 100 stages pass --check"
ramp 1 12001 >"$T_TMP/long.yaml"
"$LOADTOP" --check "$T_TMP/long.yaml" >"$T_TMP/out" 2>"$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "2:$T_TMP/long.yaml:10010:9: ramp 'climb' has \
12001 stages; at most 10000" "a ramp of 12001 stages fails at stage 10001"

# Secrets: the values of ${env:...} variables and header values or bodies
# written in the file never appear, whatever goes wrong around them.
cat >"$T_TMP/leaky.yaml" <<'YAML'
name: leaky
target: {base_url: http://127.0.0.1:8080}
defaults:
  headers:
    Authorization: "Bearer s3cr3t-Zebra-4711 ${env:LT_S_TOKEN} ${nope}"
    X-Empty:
requests:
  - path: /a/${env:LT_S_TOKEN}
    body: 's3cr3t-Zebra-4711 ${env:LT_S_TOKEN} ${rand:9-1}'
    headers: {X-Key: [s3cr3t-Zebra-4711]}
    sign: {hmac_sha256: {secret_env: LOADTOP_TARGET_SECRET, prefix: [x]}}
phases:
  - {kind: burst, requests: 1, concurrency: 2}
YAML
"$LOADTOP" --check "$T_TMP/leaky.yaml" tests/scenarios/invalid/*.yaml \
    scenarios/*.yaml >"$T_TMP/out" 2>"$T_TMP/err"
is "$?" 2 "the leaky scenario fails"
is "$(grep -c "^$T_TMP/leaky.yaml:" "$T_TMP/err")" 6 \
    "the leaky scenario's six problems are reported"
is "$(cat "$T_TMP/out" "$T_TMP/err" | grep -c "$SECRET")" 0 \
    "no secret in anything --check prints"

done_testing
