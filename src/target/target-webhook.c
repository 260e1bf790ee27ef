#include "config.h"

#include <stdint.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "target-webhook.h"

#define SIGNATURE_PREFIX	"sha256="
#define DIGEST_LEN		32

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode exactly DIGEST_LEN bytes of hex; -1 on any other shape. */
static int
decode_digest(const char *hex, unsigned char out[DIGEST_LEN])
{
	int i, hi, lo;

	if (strlen(hex) != DIGEST_LEN * 2)
		return -1;
	for (i = 0; i < DIGEST_LEN; i++) {
		hi = hex_value(hex[2 * i]);
		lo = hex_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static int
signature_valid(const char *secret, const char *signature, const void *body,
    size_t len)
{
	unsigned char want[EVP_MAX_MD_SIZE], got[DIGEST_LEN];
	unsigned int want_len = 0;

	if (signature == NULL)
		return 0;
	signature += strspn(signature, " \t");
	if (strncmp(signature, SIGNATURE_PREFIX, strlen(SIGNATURE_PREFIX)) != 0)
		return 0;
	if (decode_digest(signature + strlen(SIGNATURE_PREFIX), got) != 0)
		return 0;
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    len == 0 ? (const unsigned char *)"" : body, len, want,
	    &want_len) == NULL || want_len != DIGEST_LEN)
		return 0;
	return CRYPTO_memcmp(want, got, DIGEST_LEN) == 0;
}

enum target_stats_webhook
target_webhook_check(const char *secret, const char *signature, const void *body,
    size_t len)
{
	json_t *root, *confidence;
	json_error_t error;
	enum target_stats_webhook outcome;

	if (!signature_valid(secret, signature, body, len))
		return TSTATS_WEBHOOK_INVALID_SIGNATURE;

	root = json_loadb(body, len, 0, &error);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return TSTATS_WEBHOOK_INVALID_PAYLOAD;
	}
	confidence = json_object_get(root, "confidence");
	if (confidence == NULL)
		outcome = TSTATS_WEBHOOK_DRY_RUN;
	else if (!json_is_number(confidence))
		outcome = TSTATS_WEBHOOK_INVALID_PAYLOAD;
	else if (json_number_value(confidence) < TWEBHOOK_MIN_CONFIDENCE)
		outcome = TSTATS_WEBHOOK_IGNORED;
	else
		outcome = TSTATS_WEBHOOK_DRY_RUN;
	json_decref(root);
	return outcome;
}

unsigned int
target_webhook_http_status(enum target_stats_webhook outcome)
{
	switch (outcome) {
	case TSTATS_WEBHOOK_DRY_RUN:
	case TSTATS_WEBHOOK_IGNORED:
		return 200;
	case TSTATS_WEBHOOK_INVALID_SIGNATURE:
		return 401;
	case TSTATS_WEBHOOK_INVALID_PAYLOAD:
		return 400;
	case TSTATS_WEBHOOK_RATE_LIMITED:
		return 429;
	default:
		return 500;
	}
}

const char *
target_webhook_body(enum target_stats_webhook outcome)
{
	switch (outcome) {
	case TSTATS_WEBHOOK_DRY_RUN:
		return "{\"status\":\"dry_run\"}";
	case TSTATS_WEBHOOK_IGNORED:
		return "{\"status\":\"ignored\"}";
	case TSTATS_WEBHOOK_INVALID_SIGNATURE:
		return "{\"status\":\"invalid_signature\"}";
	case TSTATS_WEBHOOK_INVALID_PAYLOAD:
		return "{\"status\":\"invalid_payload\"}";
	case TSTATS_WEBHOOK_RATE_LIMITED:
		return "{\"status\":\"rate_limited\"}";
	default:
		return "{\"status\":\"error\"}";
	}
}
