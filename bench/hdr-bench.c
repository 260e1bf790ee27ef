/*
 * Cost of hdr_record, hdr_percentile, hdr_copy and hdr_encode, and the
 * bytes the histogram holds.  Not part of the build; from a configured
 * build directory BUILD:
 *
 *   gcc -std=gnu11 -O2 -g -I BUILD -I src/base bench/hdr-bench.c \
 *       src/base/hdr.c src/base/hdr-merge.c src/base/hdr-text.c \
 *       src/base/util.c -lm -lcrypto -o /tmp/hdr-bench
 *   /tmp/hdr-bench [RECORDS]
 *
 * Instructions per call, with fewer records so that it ends soon:
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg \
 *       /tmp/hdr-bench 2000000
 *   callgrind_annotate --inclusive=yes /tmp/cg | grep hdr_
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "util.h"

#define RECORDS		100000000
#define READS		1000

/* Percentile, copy and encode of h, READS times each. */
static int64_t
reads(const char *name, const struct hdr *h)
{
	struct hdr *copy = hdr_new(h->lowest, h->highest, h->sigfigs);
	int64_t t0, t1, sink = 0;
	char *text;

	printf("%s: %zu bytes\n", name, hdr_size(h));
	t0 = util_now_ns();
	for (int i = 0; i < READS; i++)
		sink += hdr_percentile(h, 99.9);
	t1 = util_now_ns();
	printf("  hdr_percentile  %6.2f us\n", (double)(t1 - t0) / READS / 1e3);

	t0 = util_now_ns();
	for (int i = 0; i < READS; i++)
		hdr_copy(copy, h);
	t1 = util_now_ns();
	printf("  hdr_copy        %6.2f us\n", (double)(t1 - t0) / READS / 1e3);

	t0 = util_now_ns();
	for (int i = 0; i < READS; i++) {
		text = hdr_encode(h);
		sink += (int64_t)text[0];
		free(text);
	}
	t1 = util_now_ns();
	text = hdr_encode(h);
	printf("  hdr_encode      %6.2f us (%zu bytes)\n",
	    (double)(t1 - t0) / READS / 1e3, strlen(text));
	free(text);
	hdr_free(copy);
	return sink;
}

/*
 * Records RECORDS values (or argv[1]) spread over 100us to 8s: nearly
 * every count of the histogram is used, the worst case for the reads.
 * Then the reads again on a narrow band, 700 to 1300 us, as loopback
 * latencies are.
 */
int
main(int argc, char **argv)
{
	struct hdr *h = hdr_new(1, 60000000, 3), *band = hdr_new(1, 60000000, 3);
	uint64_t x = 88172645463325252ULL;
	long records = argc > 1 ? atol(argv[1]) : RECORDS;
	int64_t t0, t1, sink = 0;

	t0 = util_now_ns();
	for (long i = 0; i < records; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		hdr_record(h, (int64_t)(x & ((1 << (i & 23)) - 1)) + 100);
	}
	t1 = util_now_ns();
	printf("hdr_record      %6.2f ns\n", (double)(t1 - t0) / records);
	for (long i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		hdr_record(band, 700 + (int64_t)(x % 601));
	}
	sink += reads("spread", h);
	sink += reads("band", band);
	hdr_free(h);
	hdr_free(band);
	return sink == 42;
}
