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
like "$(curl -s "$TARGET_URL/stats")" \
    '"/webhook":\{"requests":17,"status":\{"200":5,"400":5,"401":6,"405":1\}\}' \
    "/stats counts the webhooks by status"
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

done_testing
