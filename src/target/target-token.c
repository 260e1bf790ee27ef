#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "target-token.h"
#include "util.h"

/*
 * The n-th token issued is the AES-128 encryption, under the table's
 * random key, of n followed by eight zero bytes.  A block cipher is a
 * permutation, so tokens are distinct without being compared, and a
 * token decrypts back to n, which names its slot in a ring of the last
 * `capacity` tokens: no index to keep.  A made-up token decrypts to
 * eight zero bytes once in 2^64 tries, and must then name a live slot.
 */
#define KEY_LEN		16
#define BLOCK_LEN	16
#define SEQ_LEN		8
/* Slots are locked in stripes, so that logins rarely wait for each other. */
#define STRIPES		64

struct slot {
	uint64_t	 seq;			/* 0: never used */
	char		 user[TTOKEN_MAX_USER + 1];
};

struct ttoken {
	unsigned char		 key[KEY_LEN];
	size_t			 capacity;
	atomic_uint_fast64_t	 issued;	/* the last seq handed out */
	pthread_mutex_t		 locks[STRIPES];
	struct slot		*slots;
};

struct ttoken *
target_token_create(size_t capacity, char **cause)
{
	struct ttoken *t;
	size_t i;

	if (capacity == 0 || capacity > TTOKEN_MAX_CAPACITY) {
		xasprintf(cause, "a token table holds 1 to %d tokens, not %zu",
		    TTOKEN_MAX_CAPACITY, capacity);
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	if (RAND_bytes(t->key, KEY_LEN) != 1) {
		xasprintf(cause, "cannot draw a random token key");
		free(t);
		return NULL;
	}
	/* calloc, not xcalloc: the pages stay untouched until used. */
	if ((t->slots = calloc(capacity, sizeof *t->slots)) == NULL) {
		xasprintf(cause, "cannot reserve room for %zu tokens: %s",
		    capacity, strerror(errno));
		free(t);
		return NULL;
	}
	t->capacity = capacity;
	for (i = 0; i < STRIPES; i++)
		pthread_mutex_init(&t->locks[i], NULL);
	return t;
}

void
target_token_free(struct ttoken *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&t->locks[i]);
	free(t->slots);
	free(t);
}

/* One block through AES-128 under the table's key, either way. */
static void
crypt_block(const struct ttoken *t, int encrypt,
    const unsigned char in[BLOCK_LEN], unsigned char out[BLOCK_LEN])
{
	EVP_CIPHER_CTX *ctx;
	int len = 0;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_CipherInit_ex(ctx, EVP_aes_128_ecb(), NULL, t->key, NULL,
	    encrypt) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_CipherUpdate(ctx, out, &len, in, BLOCK_LEN) != 1 ||
	    len != BLOCK_LEN) {
		fprintf(stderr, "loadtop-target: AES-128 failed\n");
		abort();
	}
	EVP_CIPHER_CTX_free(ctx);
}

static void
encode_token(const struct ttoken *t, uint64_t seq, char token[TTOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char plain[BLOCK_LEN] = { 0 }, sealed[BLOCK_LEN];
	int i;

	for (i = 0; i < SEQ_LEN; i++)
		plain[i] = (unsigned char)(seq >> (8 * (SEQ_LEN - 1 - i)));
	crypt_block(t, 1, plain, sealed);
	for (i = 0; i < BLOCK_LEN; i++) {
		token[2 * i] = hex[sealed[i] >> 4];
		token[2 * i + 1] = hex[sealed[i] & 0xf];
	}
	token[TTOKEN_LEN] = '\0';
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The seq a token stands for; 0 when it is not one of the table's. */
static uint64_t
decode_token(const struct ttoken *t, const char *token)
{
	unsigned char sealed[BLOCK_LEN], plain[BLOCK_LEN];
	uint64_t seq = 0;
	int i, hi, lo;

	if (strlen(token) != TTOKEN_LEN)
		return 0;
	for (i = 0; i < BLOCK_LEN; i++) {
		hi = hex_digit(token[2 * i]);
		lo = hex_digit(token[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return 0;
		sealed[i] = (unsigned char)(hi << 4 | lo);
	}
	crypt_block(t, 0, sealed, plain);
	for (i = SEQ_LEN; i < BLOCK_LEN; i++) {
		if (plain[i] != 0)
			return 0;
	}
	for (i = 0; i < SEQ_LEN; i++)
		seq = seq << 8 | plain[i];
	return seq;
}

int
target_token_issue(struct ttoken *t, const char *user,
    char token[TTOKEN_LEN + 1])
{
	uint64_t seq;
	size_t at, len;
	struct slot *s;
	int forgot;

	seq = atomic_fetch_add_explicit(&t->issued, 1,
	    memory_order_relaxed) + 1;
	at = (size_t)((seq - 1) % t->capacity);
	s = &t->slots[at];
	len = strnlen(user, TTOKEN_MAX_USER);

	pthread_mutex_lock(&t->locks[at % STRIPES]);
	/*
	 * A thread held up between taking seq and this lock may find the
	 * slot already taken by a later login: then its token is the one
	 * forgotten.
	 */
	if (s->seq < seq) {
		forgot = s->seq != 0;
		s->seq = seq;
		memcpy(s->user, user, len);
		s->user[len] = '\0';
	} else
		forgot = 1;
	pthread_mutex_unlock(&t->locks[at % STRIPES]);

	encode_token(t, seq, token);
	return forgot;
}

int
target_token_find(struct ttoken *t, const char *token,
    char user[TTOKEN_MAX_USER + 1])
{
	uint64_t seq;
	size_t at;
	int found;

	seq = decode_token(t, token);
	if (seq == 0 ||
	    seq > atomic_load_explicit(&t->issued, memory_order_relaxed))
		return 0;
	at = (size_t)((seq - 1) % t->capacity);

	pthread_mutex_lock(&t->locks[at % STRIPES]);
	found = t->slots[at].seq == seq;
	if (found)
		memcpy(user, t->slots[at].user, TTOKEN_MAX_USER + 1);
	pthread_mutex_unlock(&t->locks[at % STRIPES]);
	return found;
}
