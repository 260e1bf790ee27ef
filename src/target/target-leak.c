#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "target-leak.h"

struct chunk {
	struct chunk	*next;
	size_t		 size;
};

static pthread_mutex_t	 leak_lock = PTHREAD_MUTEX_INITIALIZER;
static struct chunk	*chunks;
static atomic_uint_fast64_t leaked;

int
target_leak_add(uint64_t kb)
{
	struct chunk *c;
	size_t size, off, page;
	long ps;

	if (kb == 0)
		return 0;
	if (kb > TLEAK_MAX_KB)
		return -1;
	size = (size_t)kb * 1024;
	if ((c = malloc(sizeof *c + size)) == NULL)
		return -1;
	c->size = size;

	/* Write every page so that the memory is resident, not just mapped. */
	ps = sysconf(_SC_PAGESIZE);
	page = ps > 0 ? (size_t)ps : 4096;
	for (off = 0; off < size; off += page)
		((volatile unsigned char *)(c + 1))[off] = (unsigned char)off | 1;
	((volatile unsigned char *)(c + 1))[size - 1] = 1;

	pthread_mutex_lock(&leak_lock);
	c->next = chunks;
	chunks = c;
	pthread_mutex_unlock(&leak_lock);
	atomic_fetch_add(&leaked, size);
	return 0;
}

void
target_leak_reset(void)
{
	struct chunk *c, *next;

	pthread_mutex_lock(&leak_lock);
	c = chunks;
	chunks = NULL;
	pthread_mutex_unlock(&leak_lock);
	for (; c != NULL; c = next) {
		next = c->next;
		atomic_fetch_sub(&leaked, c->size);
		free(c);
	}
}

uint64_t
target_leak_bytes(void)
{
	return atomic_load(&leaked);
}
