/* Memory that /leak holds on purpose, so the dashboard sees RSS grow. */
#ifndef LT_TARGET_LEAK_H
#define LT_TARGET_LEAK_H

#include <stddef.h>
#include <stdint.h>

/* The most one /leak request may take, in KiB (1 GiB). */
#define TLEAK_MAX_KB	(1024 * 1024)

/* Allocate kb KiB, touch every page and keep it; -1 if out of memory. */
int		 target_leak_add(uint64_t kb);
/* Free everything held. */
void		 target_leak_reset(void);
uint64_t	 target_leak_bytes(void);

#endif
