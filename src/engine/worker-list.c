/* A worker's lists of slots: raw requests in flight, slots waiting for
 * a handle to connect with.  Each slot has a link for each list. */
#include "config.h"

#include "worker-int.h"

void
worker_list_append(struct slot_list *l, struct slot *s)
{
	struct slot_link *k = &s->link[l->id];

	k->prev = l->tail;
	k->next = NULL;
	if (l->tail != NULL)
		l->tail->link[l->id].next = s;
	else
		l->head = s;
	l->tail = s;
}

/* Take s out of l; a slot that is not in l is left as it is. */
void
worker_list_unlink(struct slot_list *l, struct slot *s)
{
	struct slot_link *k = &s->link[l->id];

	if (k->prev != NULL)
		k->prev->link[l->id].next = k->next;
	else if (l->head == s)
		l->head = k->next;
	else
		return;
	if (k->next != NULL)
		k->next->link[l->id].prev = k->prev;
	else
		l->tail = k->prev;
	k->prev = k->next = NULL;
}
