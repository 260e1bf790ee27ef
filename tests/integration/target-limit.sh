#!/bin/sh
# loadtop-target: the per-address rate limiter of /limited.
. "$top_srcdir/tests/lib.sh"

# repeat N ARGS...: ARGS N times, so that one curl makes N transfers.
repeat() {
	_n=$1
	shift
	_i=0
	while [ "$_i" -lt "$_n" ]; do
		printf '%s ' "$@"
		_i=$((_i + 1))
	done
}

# burst N [CURL ARGS...]: N requests to /limited on one connection,
# printed as "COUNT STATUS" lines.
burst() {
	_n=$1
	shift
	# shellcheck disable=SC2046
	curl -s "$@" -w '%{http_code}\n' \
	    $(repeat "$_n" -o /dev/null "$TARGET_URL/limited") 2>/dev/null |
	    sort | uniq -c | sed 's/^ *//' | tr '\n' ' '
}

retry_after() {
	curl -s -D - -o /dev/null "$TARGET_URL/limited" | tr -d '\r' |
	    sed -n 's/^[Rr]etry-[Aa]fter: *//p'
}

# --- fixed window --------------------------------------------------------

start_target --limit 10/10s
is "$(burst 25)" "10 200 15 429 " \
    "25 quick requests with 10/10s: exactly 10 allowed"
ra=$(retry_after)
like "$ra" '^[0-9]+$' "a 429 carries Retry-After"
ok "Retry-After is from 1 to 10 (${ra})" test "${ra:-0}" -ge 1 -a "${ra:-0}" -le 10
like "$(curl -s "$TARGET_URL/limited")" '^\{"status":"rate_limited"\}$' \
    "the 429 body says rate_limited"
stats=$(curl -s "$TARGET_URL/stats")
like "$stats" '"/limited":\{"requests":27,"status":\{"200":10,"429":17\}\}' \
    "/stats counts the allowed and the refused"
like "$(curl -s "$TARGET_URL/metrics")" '^loadtop_target_rate_limited_total 17$' \
    "/metrics counts the refused"
like "$(curl -s -o /dev/null -w '%{http_code}' "$TARGET_URL/ok")" '^200$' \
    "other endpoints are not limited"
stop_target

start_target --limit 10/10s --threads 4
is "$(burst 25 --parallel --parallel-immediate --parallel-max 25)" \
    "10 200 15 429 " "25 parallel requests with 10/10s: exactly 10 allowed"
stop_target

# A second window opens once the first has ended.
start_target --limit 3/1s
is "$(burst 5)" "3 200 2 429 " "3/1s allows 3 of 5"
ra=$(retry_after)
is "$ra" 1 "Retry-After is at least 1 second"
sleep 1.2
is "$(burst 5)" "3 200 2 429 " "a new window allows 3 more"
stop_target

start_target --limit 4/500ms
is "$(burst 6)" "4 200 2 429 " "windows in milliseconds work"
stop_target

# --- token bucket --------------------------------------------------------

# 5 per 10 s: the bucket starts full and gains a token every 2 s.
start_target --limit 5/10s --limit-mode bucket
is "$(burst 8)" "5 200 3 429 " "the bucket lets its capacity through"
ra=$(retry_after)
ok "Retry-After is the wait for one token (${ra})" \
    test "${ra:-0}" -ge 1 -a "${ra:-0}" -le 2
sleep 2.3
is "$(burst 3)" "1 200 2 429 " "one token has come back after 2 s"
stop_target

# The same wait gives nothing back in a fixed window.
start_target --limit 5/10s --limit-mode window
is "$(burst 8)" "5 200 3 429 " "the window lets N through"
sleep 2.3
is "$(burst 3)" "3 429 " "and nothing more until it ends"
stop_target

# --- flags ---------------------------------------------------------------

for spec in 10/1s 100/60s 100/1m 5/500ms 7/s 2/1h; do
	start_target --limit "$spec"
	is "$(curl -s -o /dev/null -w '%{http_code}' "$TARGET_URL/limited")" \
	    200 "--limit $spec is accepted"
	stop_target
done
for spec in 10 /1s 0/1s -1/1s 10/ 10/0s 10/1d 10/1.5s 10/25h x/1s; do
	out=$(timeout 5 "$TARGET" --port 0 --limit "$spec" 2>&1 </dev/null)
	is "$?" 2 "--limit $spec is refused"
	like "$out" "bad limit" "and says why"
done

done_testing
