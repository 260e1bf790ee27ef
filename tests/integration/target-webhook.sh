#!/bin/sh
# loadtop-target: HMAC-signed POST /webhook.
. "$top_srcdir/tests/lib.sh"

# sign SECRET BODY: the hex HMAC-SHA256 of BODY, as openssl computes it.
sign() {
	printf '%s' "$2" | openssl dgst -sha256 -hmac "$1" | sed 's/^.*= *//'
}

# post BODY [SIGNATURE-HEADER]: "STATUS BODY" of POST /webhook.
post() {
	if [ $# -ge 2 ]; then
		curl -s -o "$T_TMP/body" -w '%{http_code}' \
		    -H "Content-Type: application/json" -H "$2" \
		    --data-binary "$1" "$TARGET_URL/webhook" >"$T_TMP/code"
	else
		curl -s -o "$T_TMP/body" -w '%{http_code}' \
		    -H "Content-Type: application/json" \
		    --data-binary "$1" "$TARGET_URL/webhook" >"$T_TMP/code"
	fi
	printf '%s %s' "$(cat "$T_TMP/code")" "$(cat "$T_TMP/body")"
}

# post_signed SECRET BODY: POST /webhook signed with SECRET.
post_signed() {
	post "$2" "X-Signature: sha256=$(sign "$1" "$2")"
}

SECRET=loadtop-demo-secret
high='{"event":"scale_up","service":"api","confidence":0.92}'
low='{"event":"scale_up","service":"api","confidence":0.41}'
edge='{"confidence":0.6}'
none='{"event":"noop"}'

start_target
is "$(post_signed "$SECRET" "$high")" '200 {"status":"dry_run"}' \
    "a valid signature and confidence 0.92 is a dry run"
is "$(post_signed "$SECRET" "$low")" '200 {"status":"ignored"}' \
    "confidence 0.41 is ignored"
is "$(post_signed "$SECRET" "$edge")" '200 {"status":"dry_run"}' \
    "confidence 0.6 is not below the bar"
is "$(post_signed "$SECRET" "$none")" '200 {"status":"dry_run"}' \
    "no confidence at all is a dry run"
sig=$(sign "$SECRET" "$high" | tr 'a-f' 'A-F')
is "$(post "$high" "X-Signature: sha256=$sig")" '200 {"status":"dry_run"}' \
    "upper-case hex is accepted"

is "$(post "$high")" '401 {"status":"invalid_signature"}' \
    "a missing signature is a 401"
is "$(post_signed wrong-secret "$high")" '401 {"status":"invalid_signature"}' \
    "a signature with another secret is a 401"
is "$(post "$low" "X-Signature: sha256=$(sign "$SECRET" "$high")")" \
    '401 {"status":"invalid_signature"}' "a signature of another body is a 401"
is "$(post "$high" "X-Signature: $(sign "$SECRET" "$high")")" \
    '401 {"status":"invalid_signature"}' "a signature without sha256= is a 401"
is "$(post "$high" "X-Signature: sha256=abc")" \
    '401 {"status":"invalid_signature"}' "a short signature is a 401"

is "$(post_signed "$SECRET" '{"confidence": 0.9')" \
    '400 {"status":"invalid_payload"}' "signed broken JSON is a 400"
is "$(post_signed "$SECRET" 'confidence=0.9')" \
    '400 {"status":"invalid_payload"}' "a signed form body is a 400"
is "$(post_signed "$SECRET" '[0.9]')" '400 {"status":"invalid_payload"}' \
    "a JSON array is a 400"
is "$(post_signed "$SECRET" '{"confidence":"high"}')" \
    '400 {"status":"invalid_payload"}' "a confidence that is not a number is a 400"
is "$(post '{"confidence": 0.9' "X-Signature: sha256=00")" \
    '401 {"status":"invalid_signature"}' "the signature is checked first"

{ printf '{"pad":"'; head -c 1100000 /dev/zero | tr '\0' 'x'; printf '"}'; } \
    >"$T_TMP/big.json"
sig=$(openssl dgst -sha256 -hmac "$SECRET" <"$T_TMP/big.json" | sed 's/^.*= *//')
is "$(curl -s -w ' %{http_code}' -H "X-Signature: sha256=$sig" \
    --data-binary "@$T_TMP/big.json" "$TARGET_URL/webhook")" \
    '{"status":"invalid_payload"} 400' "a signed body over 1 MiB is a 400"

is "$(curl -s -o /dev/null -w '%{http_code}' "$TARGET_URL/webhook")" 405 \
    "GET /webhook is a 405"

metrics=$(curl -s "$TARGET_URL/metrics")
like "$metrics" '^loadtop_target_webhook_requests_total\{status="dry_run"\} 4$' \
    "/metrics counts dry runs"
like "$metrics" '^loadtop_target_webhook_requests_total\{status="ignored"\} 1$' \
    "/metrics counts ignored"
like "$metrics" '^loadtop_target_webhook_requests_total\{status="invalid_signature"\} 6$' \
    "/metrics counts invalid signatures"
like "$metrics" '^loadtop_target_webhook_requests_total\{status="invalid_payload"\} 5$' \
    "/metrics counts invalid payloads"
like "$metrics" '^loadtop_target_webhook_requests_total\{status="rate_limited"\} 0$' \
    "nothing is rate-limited without --webhook-limit"
stats=$(curl -s "$TARGET_URL/stats")
like "$stats" \
    '"/webhook":\{"requests":17,"status":\{"200":5,"400":5,"401":6,"405":1\}\}' \
    "/stats counts the webhooks by status"
is "$(printf '%s' "$stats" | sed -n 's/.*"webhook":\({[^}]*}\).*/\1/p')" \
    '{"dry_run":4,"ignored":1,"invalid_payload":5,"invalid_signature":6,"rate_limited":0}' \
    "/stats counts the webhooks by outcome"
curl -s -o /dev/null -X DELETE "$TARGET_URL/stats"
like "$(curl -s "$TARGET_URL/stats")" \
    '"webhook":\{"dry_run":0,"ignored":0,"invalid_payload":0,"invalid_signature":0,"rate_limited":0\}' \
    "DELETE /stats zeroes the outcomes"
stop_target

# --- the secret ------------------------------------------------------------

start_target --secret s3cret
is "$(post_signed s3cret "$high")" '200 {"status":"dry_run"}' \
    "--secret sets the key"
is "$(post_signed "$SECRET" "$high")" '401 {"status":"invalid_signature"}' \
    "and the default no longer works"
stop_target

LOADTOP_TARGET_SECRET=from-env
export LOADTOP_TARGET_SECRET
start_target
is "$(post_signed from-env "$high")" '200 {"status":"dry_run"}' \
    "LOADTOP_TARGET_SECRET sets the key"
stop_target
start_target --secret from-flag
is "$(post_signed from-flag "$high")" '200 {"status":"dry_run"}' \
    "--secret wins over LOADTOP_TARGET_SECRET"
stop_target
unset LOADTOP_TARGET_SECRET

out=$(timeout 5 "$TARGET" --port 0 --secret '' 2>&1 </dev/null)
is "$?" 2 "an empty --secret is refused"

# --- --webhook-limit -------------------------------------------------------

start_target --limit 2/10s --webhook-limit
is "$(post_signed "$SECRET" "$high")" '200 {"status":"dry_run"}' \
    "the first webhook passes the limiter"
is "$(post "$high" "X-Signature: sha256=00")" \
    '401 {"status":"invalid_signature"}' "the second is checked"
is "$(post "$high" "X-Signature: sha256=00")" '429 {"status":"rate_limited"}' \
    "the third is refused before its signature is checked"
like "$(curl -s -D - -o /dev/null -H "X-Signature: sha256=00" -d '{}' \
    "$TARGET_URL/webhook" | tr -d '\r')" 'Retry-After: ([1-9]|10)' \
    "a refused webhook carries Retry-After"
is "$(curl -s -o /dev/null -w '%{http_code}' "$TARGET_URL/limited")" 200 \
    "/limited keeps a budget of its own"
metrics=$(curl -s "$TARGET_URL/metrics")
like "$metrics" '^loadtop_target_webhook_requests_total\{status="rate_limited"\} 2$' \
    "/metrics counts rate-limited webhooks"
like "$metrics" '^loadtop_target_rate_limited_total 2$' \
    "and in the rate-limited total"
stop_target

# --- every outcome, counted exactly under parallel load --------------------

# transfers FILE ROUNDS: a curl config of ROUNDS times one webhook of each
# outcome, every answer's body on a line of its own.
transfers() {
	_bad='{"confidence":"high"}'
	_next=
	_i=0
	while [ "$_i" -lt "$2" ]; do
		for _pair in "$high:$(sign "$SECRET" "$high")" \
		    "$low:$(sign "$SECRET" "$low")" \
		    "$_bad:$(sign "$SECRET" "$_bad")" "$high:00"; do
			# "next" between transfers: after the last it is an error.
			if [ -n "$_next" ]; then
				echo next
			fi
			_next=1
			printf 'url = "%s/webhook"\n' "$TARGET_URL"
			printf 'header = "X-Signature: sha256=%s"\n' "${_pair##*:}"
			printf "data-binary = \"%s\"\n" \
			    "$(printf '%s' "${_pair%:*}" | sed 's/"/\\"/g')"
			printf 'write-out = "\\n"\nsilent\n'
		done
		_i=$((_i + 1))
	done >"$1"
}

# 8 clients of 80 webhooks each; the limiter lets the first 300 through.
start_target --threads 4 --limit 300/1h --webhook-limit
transfers "$T_TMP/hooks.conf" 20
pids=""
for i in 1 2 3 4 5 6 7 8; do
	curl -K "$T_TMP/hooks.conf" >"$T_TMP/hooks.$i" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p"
done
cat "$T_TMP"/hooks.[1-8] >"$T_TMP/hooks.all"
is "$(wc -l <"$T_TMP/hooks.all" | tr -d ' ')" 640 "640 webhooks answered"
is "$(grep -c rate_limited "$T_TMP/hooks.all")" 340 \
    "exactly 340 over the limit of 300"
stats=$(curl -s "$TARGET_URL/stats")
metrics=$(curl -s "$TARGET_URL/metrics")
for s in dry_run ignored invalid_signature invalid_payload rate_limited; do
	n=$(grep -c "^{\"status\":\"$s\"}\$" "$T_TMP/hooks.all")
	like "$stats" "\"webhook\":\\{[^}]*\"$s\":${n}[,}]" \
	    "/stats counts the $n answers that said $s"
	like "$metrics" \
	    "^loadtop_target_webhook_requests_total\\{status=\"$s\"\\} $n\$" \
	    "/metrics counts the same $n"
	eval "n_$s=$n"
done
# shellcheck disable=SC2154
want="{\"requests\":640,\"status\":{\"200\":$((n_dry_run + n_ignored)),\
\"400\":$n_invalid_payload,\"401\":$n_invalid_signature,\"429\":340}}"
is "$(printf '%s' "$stats" | sed -n 's|.*"/webhook":\({[^}]*}}\).*|\1|p')" \
    "$want" "and their HTTP statuses agree with the outcomes"
stop_target

done_testing
