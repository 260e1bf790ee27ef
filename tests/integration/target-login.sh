#!/bin/sh
# loadtop-target: POST /login, GET /me with a bearer token, their counts.
. "$top_srcdir/tests/lib.sh"

# status_body URL [CURL ARGS...]: "STATUS BODY" of one request.
status_body() {
	_url=$1
	shift
	curl -s -o "$T_TMP/body" -w '%{http_code}' "$@" "$_url" >"$T_TMP/code"
	printf '%s %s' "$(cat "$T_TMP/code")" "$(cat "$T_TMP/body")"
}

# login BODY: "STATUS BODY" of POST /login.
login() {
	status_body "$TARGET_URL/login" --data-binary "$1"
}

# token_of USER: a new token for USER.
token_of() {
	curl -s --data-binary "{\"user\":\"$1\"}" "$TARGET_URL/login" |
	    sed -n 's/^{"token":"\([0-9a-f]*\)"}$/\1/p'
}

# me TOKEN: "STATUS BODY" of GET /me with that bearer token.
me() {
	status_body "$TARGET_URL/me" -H "Authorization: Bearer $1"
}

# counter NAME: a number at the top of /stats.
counter() {
	curl -s "$TARGET_URL/stats" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

# failures: /stats' login_failures object.
failures() {
	curl -s "$TARGET_URL/stats" |
	    sed -n 's/.*"login_failures":\({[^}]*}\).*/\1/p'
}

# config FILE PATH N PREFIX [HEADER-FILE]: a curl config of N transfers to
# PATH, each answer's body on a line of its own.  POST /login for user
# PREFIX-K without HEADER-FILE; with it, GET with its K-th line as the
# Authorization header.
config() {
	_k=1
	while [ "$_k" -le "$3" ]; do
		# "next" between transfers: after the last it is an error.
		if [ "$_k" -gt 1 ]; then
			echo next
		fi
		printf 'url = "%s%s"\nsilent\nwrite-out = "\\n"\n' \
		    "$TARGET_URL" "$2"
		if [ $# -ge 5 ]; then
			printf 'header = "Authorization: Bearer %s"\n' \
			    "$(sed -n "${_k}p" "$5")"
		else
			printf 'data-binary = "{\\"user\\":\\"%s-%d\\"}"\n' \
			    "$4" "$_k"
		fi
		_k=$((_k + 1))
	done >"$1"
}

# parallel CLIENTS NAME: run the configs NAME.1 ... NAME.CLIENTS at once,
# each client's answers into NAME.K.out.
parallel() {
	_pids=""
	_c=1
	while [ "$_c" -le "$1" ]; do
		curl -K "$2.$_c" >"$2.$_c.out" &
		_pids="$_pids $!"
		_c=$((_c + 1))
	done
	for _p in $_pids; do
		wait "$_p"
	done
}

# --- the flow ------------------------------------------------------------

start_target
curl -s -D "$T_TMP/headers" -o "$T_TMP/body" --data-binary '{"user":"u17"}' \
    "$TARGET_URL/login"
like "$(cat "$T_TMP/body")" '^\{"token":"[0-9a-f]{32}"\}$' \
    "POST /login answers a token of 32 hex digits"
like "$(tr -d '\r' <"$T_TMP/headers")" '^HTTP/1.1 200 ' "with a 200"
like "$(tr -d '\r' <"$T_TMP/headers")" '^Content-Type: application/json$' \
    "as JSON"
t17=$(sed -n 's/^{"token":"\([0-9a-f]*\)"}$/\1/p' "$T_TMP/body")
is "$(me "$t17")" '200 {"user":"u17"}' "GET /me with it names the user"
t17b=$(token_of u17)
ok "a second login of u17 gets another token" test "$t17b" != "$t17"
is "$(me "$t17b")" '200 {"user":"u17"}' "which is valid too"
is "$(me "$t17")" '200 {"user":"u17"}' "and so is the first"
t18=$(token_of u18)
is "$(me "$t18")" '200 {"user":"u18"}' "another user's token names them"
is "$(status_body "$TARGET_URL/me" -H "Authorization: bearer  $t18")" \
    '200 {"user":"u18"}' "the scheme is case-insensitive"
is "$(login '{"user":"u19","password":"x"}' | cut -c1-13)" '200 {"token":' \
    "other members of the body are ignored"
odd=$(token_of 'a \"b\" é')
is "$(me "$odd")" '200 {"user":"a \"b\" é"}' \
    "a user with quotes and UTF-8 comes back as it was sent"
long=1234567890123456789012345678901234567890123456789012345
is "$(me "$(token_of "$long")")" "200 {\"user\":\"$long\"}" \
    "a user of 55 bytes is kept whole"

# --- unauthorized --------------------------------------------------------

unauthorized='401 {"error":"unauthorized"}'
is "$(status_body "$TARGET_URL/me")" "$unauthorized" \
    "GET /me without Authorization is a 401"
like "$(curl -s -D - -o /dev/null "$TARGET_URL/me" | tr -d '\r')" \
    '^WWW-Authenticate: Bearer$' "which asks for a bearer token"
is "$(status_body "$TARGET_URL/me" -H "Authorization: Basic $t17")" \
    "$unauthorized" "another scheme is a 401"
is "$(status_body "$TARGET_URL/me" -H "Authorization: Bearer")" \
    "$unauthorized" "a scheme without a token is a 401"
is "$(status_body "$TARGET_URL/me" -H "Authorization: Bearer$t17")" \
    "$unauthorized" "a token glued to the scheme is a 401"
is "$(me 0123456789abcdef0123456789abcdef)" "$unauthorized" \
    "a token never issued is a 401"
is "$(me "${t17}0")" "$unauthorized" "a token with a digit more is a 401"
is "$(me "$(printf '%s' "$t17" | cut -c2-)")" "$unauthorized" \
    "a token with a digit less is a 401"
is "$(me "$(printf '%s' "$t17" | tr '0-9a-f' '1-9a-f0')")" "$unauthorized" \
    "a token with every digit changed is a 401"
like "$(curl -s -D - -o /dev/null -H "Authorization: Bearer x" \
    "$TARGET_URL/me" | tr -d '\r')" '^WWW-Authenticate: Bearer$' \
    "a bad token is asked for a bearer token as well"

# --- bad logins ----------------------------------------------------------

is "$(login 'user=u1')" '400 {"error":"the body is not a JSON object"}' \
    "a form body is a 400"
is "$(login '')" '400 {"error":"the body is not a JSON object"}' \
    "an empty body is a 400"
is "$(login '["u1"]')" '400 {"error":"the body is not a JSON object"}' \
    "a JSON array is a 400"
is "$(login '{"user":"u1"')" '400 {"error":"the body is not a JSON object"}' \
    "broken JSON is a 400"
is "$(login '{"name":"u1"}')" \
    '400 {"error":"user is missing or not a string"}' "no user is a 400"
is "$(login '{"user":17}')" '400 {"error":"user is missing or not a string"}' \
    "a user that is a number is a 400"
is "$(login '{"user":""}')" '400 {"error":"user must be 1 to 55 bytes"}' \
    "an empty user is a 400"
is "$(login "{\"user\":\"${long}6\"}")" \
    '400 {"error":"user must be 1 to 55 bytes"}' "a user of 56 bytes is a 400"
{ printf '{"user":"u1","pad":"'; head -c 1100000 /dev/zero | tr '\0' 'x'
    printf '"}'; } >"$T_TMP/big.json"
is "$(login "@$T_TMP/big.json")" '400 {"error":"the body is too large"}' \
    "a body over 1 MiB is a 400"
is "$(status_body "$TARGET_URL/login")" '405 {"status":"method_not_allowed"}' \
    "GET /login is a 405"
like "$(curl -s -D - -o /dev/null "$TARGET_URL/login" | tr -d '\r')" \
    '^Allow: POST$' "which says to POST"
is "$(status_body "$TARGET_URL/me" -X POST)" \
    '405 {"status":"method_not_allowed"}' "POST /me is a 405"

# --- the counts ----------------------------------------------------------

is "$(counter logins)" 6 "/stats counts 6 logins"
is "$(failures)" '{"bad_request":9,"injected":0}' \
    "and 9 bad ones, none failed on purpose"
is "$(counter me_ok)" 7 "/stats counts 7 GET /me that named a user"
is "$(counter me_unauthorized)" 10 "and 10 that were refused"
is "$(counter tokens_forgotten)" 0 "no token was forgotten"
stats=$(curl -s "$TARGET_URL/stats")
like "$stats" '"/login":\{"requests":17,"status":\{"200":6,"400":9,"405":2\}\}' \
    "/stats counts /login by status"
like "$stats" '"/me":\{"requests":18,"status":\{"200":7,"401":10,"405":1\}\}' \
    "and /me"
metrics=$(curl -s "$TARGET_URL/metrics")
like "$metrics" '^loadtop_target_login_requests_total\{status="ok"\} 6$' \
    "/metrics counts the logins"
like "$metrics" '^loadtop_target_login_requests_total\{status="bad_request"\} 9$' \
    "and the bad ones"
like "$metrics" '^loadtop_target_login_requests_total\{status="injected"\} 0$' \
    "and those failed on purpose"
like "$metrics" '^loadtop_target_me_requests_total\{status="ok"\} 7$' \
    "/metrics counts GET /me"
like "$metrics" '^loadtop_target_me_requests_total\{status="unauthorized"\} 10$' \
    "and the refused ones"
like "$metrics" '^loadtop_target_tokens_forgotten_total 0$' \
    "/metrics counts the forgotten tokens"
for name in login_requests_total me_requests_total tokens_forgotten_total; do
	like "$metrics" "^# TYPE loadtop_target_$name counter$" \
	    "/metrics declares loadtop_target_$name"
done

is "$(status_body "$TARGET_URL/stats" -X DELETE)" '200 {"status":"reset"}' \
    "DELETE /stats"
is "$(counter logins),$(failures),$(counter me_ok),$(counter me_unauthorized)" \
    '0,{"bad_request":0,"injected":0},0,0' "zeroes the login counts"
is "$(me "$t17")" '200 {"user":"u17"}' "but the tokens issued stay valid"
is "$(counter me_ok)" 1 "and are counted afresh"
stop_target

# --- many at once ----------------------------------------------------------

# 8 clients log 50 users in each, all at once; then each asks /me with the
# tokens it got, all at once again.
start_target --threads 4
for c in 1 2 3 4 5 6 7 8; do
	config "$T_TMP/login.$c" /login 50 "c$c"
done
parallel 8 "$T_TMP/login"
cat "$T_TMP"/login.[1-8].out >"$T_TMP/bodies"
is "$(grep -c '^{"token":"[0-9a-f]\{32\}"}$' "$T_TMP/bodies")" 400 \
    "400 parallel logins get 400 tokens"
is "$(sort -u "$T_TMP/bodies" | wc -l | tr -d ' ')" 400 "all distinct"
is "$(counter logins)" 400 "/stats counts exactly 400 logins"
for c in 1 2 3 4 5 6 7 8; do
	sed 's/^{"token":"\(.*\)"}$/\1/' "$T_TMP/login.$c.out" \
	    >"$T_TMP/tokens.$c"
	config "$T_TMP/me.$c" /me 50 "c$c" "$T_TMP/tokens.$c"
	k=1
	while [ "$k" -le 50 ]; do
		echo "{\"user\":\"c$c-$k\"}"
		k=$((k + 1))
	done >"$T_TMP/want.$c"
done
parallel 8 "$T_TMP/me"
same=0
for c in 1 2 3 4 5 6 7 8; do
	if cmp -s "$T_TMP/me.$c.out" "$T_TMP/want.$c"; then
		same=$((same + 1))
	fi
done
is "$same" 8 "every token names the user who logged in with it"
is "$(counter me_ok),$(counter me_unauthorized),$(counter tokens_forgotten)" \
    '400,0,0' "/stats counts exactly 400 GET /me, none refused"
like "$(curl -s "$TARGET_URL/stats")" \
    '"/login":\{"requests":400,"status":\{"200":400\}\}' \
    "/stats counts 400 answers to /login"
stop_target

# --- the oldest tokens are forgotten ---------------------------------------

start_target --login-tokens 5
i=1
while [ "$i" -le 8 ]; do
	eval "tok$i=$(token_of "f$i")"
	i=$((i + 1))
done
# shellcheck disable=SC2154
is "$(me "$tok1")|$(me "$tok2")|$(me "$tok3")" \
    "$unauthorized|$unauthorized|$unauthorized" \
    "with --login-tokens 5, the first 3 of 8 tokens are forgotten"
# shellcheck disable=SC2154
is "$(me "$tok4")" '200 {"user":"f4"}' "the 4th is still known"
# shellcheck disable=SC2154
is "$(me "$tok8")" '200 {"user":"f8"}' "and so is the last"
is "$(counter tokens_forgotten)" 3 "/stats counts 3 forgotten tokens"
like "$(curl -s "$TARGET_URL/metrics")" \
    '^loadtop_target_tokens_forgotten_total 3$' "and so does /metrics"
stop_target

# --- logins that fail on purpose -------------------------------------------

start_target --login-fail-every 3
got=""
for u in a b c d e f; do
	got="$got $(login "{\"user\":\"$u\"}" | cut -d' ' -f1)"
done
is "$got" " 200 200 503 200 200 503" "--login-fail-every 3 fails every third"
is "$(login '{"user":"g"}' | cut -c1-13)" '200 {"token":' \
    "and the others get a token"
is "$(login '{}' | cut -d' ' -f1) $(login '{"user":"h"}' | cut -d' ' -f1)" \
    '400 200' "a bad body is not counted as a login"
is "$(login '{"user":"i"}')" '503 {"error":"login is failing on purpose"}' \
    "the failure says why"
is "$(counter logins),$(failures)" '6,{"bad_request":1,"injected":3}' \
    "/stats counts the failures apart"
stop_target

start_target --login-fail-every 1
got=""
for u in a b c; do
	got="$got $(login "{\"user\":\"$u\"}" | cut -d' ' -f1)"
done
is "$got" " 503 503 503" "--login-fail-every 1 fails every login"
is "$(counter logins),$(failures)" '0,{"bad_request":0,"injected":3}' \
    "and counts them all"
stop_target

# Every 4th of 200 logins at once fails: exactly 50.
start_target --threads 4 --login-fail-every 4
for c in 1 2 3 4; do
	config "$T_TMP/fail.$c" /login 50 "x$c"
done
parallel 4 "$T_TMP/fail"
cat "$T_TMP"/fail.[1-4].out >"$T_TMP/fail.all"
is "$(grep -c 'failing on purpose' "$T_TMP/fail.all")" 50 \
    "every 4th of 200 parallel logins fails: 50"
is "$(grep -c '"token"' "$T_TMP/fail.all")" 150 "the other 150 get a token"
is "$(counter logins),$(failures)" '150,{"bad_request":0,"injected":50}' \
    "/stats counts both exactly"
stop_target

# --- the command line ------------------------------------------------------

like "$("$TARGET" --help)" '--login-fail-every N' "--help lists the login flags"
for args in "--login-tokens 0" "--login-tokens 1000001" "--login-tokens many" \
    "--login-fail-every 0" "--login-fail-every -1"; do
	# shellcheck disable=SC2086
	out=$(timeout 5 "$TARGET" $args 2>&1 </dev/null)
	is "$?" 2 "'$args' is a usage error"
	like "$out" "^loadtop-target: --login-[a-z-]+ must be a number" \
	    "'$args' says what is wrong"
done

done_testing
