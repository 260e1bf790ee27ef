/*
 * Closed-model users thinking between requests, by when they go again:
 * a binary heap, since think times drawn from a range do not end in the
 * order they began.
 */
#include "config.h"

#include <stdlib.h>

#include "util.h"
#include "worker-int.h"

static void
swap(struct slot **h, unsigned a, unsigned b)
{
	struct slot *t = h[a];

	h[a] = h[b];
	h[b] = t;
}

void
worker_think_push(struct worker *w, struct slot *s, int64_t ready)
{
	struct slot **h;
	unsigned i, up;

	if (w->nthink == w->think_cap) {
		w->think_cap = w->think_cap ? 2 * w->think_cap : 16;
		w->think = xreallocarray(w->think, w->think_cap,
		    sizeof *w->think);
	}
	h = w->think;
	s->state = SLOT_THINK;
	s->ready_ns = ready;
	i = w->nthink++;
	h[i] = s;
	while (i > 0 && h[up = (i - 1) / 2]->ready_ns > h[i]->ready_ns) {
		swap(h, i, up);
		i = up;
	}
}

struct slot *
worker_think_first(const struct worker *w)
{
	return w->nthink > 0 ? w->think[0] : NULL;
}

struct slot *
worker_think_pop(struct worker *w)
{
	struct slot **h = w->think, *top;
	unsigned i = 0, c;

	if (w->nthink == 0)
		return NULL;
	top = h[0];
	h[0] = h[--w->nthink];
	while ((c = 2 * i + 1) < w->nthink) {
		if (c + 1 < w->nthink && h[c + 1]->ready_ns < h[c]->ready_ns)
			c++;
		if (h[i]->ready_ns <= h[c]->ready_ns)
			break;
		swap(h, i, c);
		i = c;
	}
	return top;
}

/* A pause moves every user's time on by d: the order stays. */
void
worker_think_shift(struct worker *w, int64_t d)
{
	unsigned i;

	for (i = 0; i < w->nthink; i++)
		w->think[i]->ready_ns += d;
}
