/*
 * Cost of hdr_record, hdr_percentile, hdr_copy and hdr_encode.  Not part
 * of the build; from a configured build directory BUILD:
 *
 *   gcc -std=gnu11 -O2 -I BUILD -I src/base bench/hdr-bench.c src/base/hdr.c src/base/util.c -lm -o /tmp/hdr-bench
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "util.h"

#define RECORDS		100000000
#define READS		1000

int
main(void)
{
	struct hdr *h = hdr_new(1, 60000000, 3), *copy = hdr_new(1, 60000000, 3);
	uint64_t x = 88172645463325252ULL;
	int64_t t0, t1, sink = 0;
	char *text;

	t0 = util_now_ns();
	for (int i = 0; i < RECORDS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		hdr_record(h, (int64_t)(x & ((1 << (i & 23)) - 1)) + 100);
	}
	t1 = util_now_ns();
	printf("hdr_record      %6.2f ns\n", (double)(t1 - t0) / RECORDS);

	t0 = util_now_ns();
	for (int i = 0; i < READS; i++)
		sink += hdr_percentile(h, 99.9);
	t1 = util_now_ns();
	printf("hdr_percentile  %6.2f us\n", (double)(t1 - t0) / READS / 1e3);

	t0 = util_now_ns();
	for (int i = 0; i < READS; i++)
		hdr_copy(copy, h);
	t1 = util_now_ns();
	printf("hdr_copy        %6.2f us\n", (double)(t1 - t0) / READS / 1e3);

	t0 = util_now_ns();
	for (int i = 0; i < READS; i++) {
		text = hdr_encode(h);
		sink += (int64_t)text[0];
		free(text);
	}
	t1 = util_now_ns();
	text = hdr_encode(h);
	printf("hdr_encode      %6.2f us (%zu bytes)\n",
	    (double)(t1 - t0) / READS / 1e3, strlen(text));
	free(text);
	hdr_free(h);
	hdr_free(copy);
	return sink == 42;
}
