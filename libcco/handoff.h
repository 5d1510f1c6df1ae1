/*
 * handoff.h: two buffers taking turns between a producer thread and a
 * consumer.  The producer fills buffer k, hands it over and goes on with
 * buffer k ^ 1 as soon as the consumer has given that one back; the
 * consumer takes 0, 1, 0, ... in order.  What a buffer holds is the
 * users' business: only the turns are kept here.
 */
#ifndef CCO_HANDOFF_H
#define CCO_HANDOFF_H

#include <pthread.h>

struct handoff {
	pthread_mutex_t mu;
	pthread_cond_t changed;
	int full[2];         /* handed to the consumer, not yet given back */
	int stop;            /* the consumer gave up: the producer quits */
};

void handoff_init(struct handoff *h);
void handoff_destroy(struct handoff *h);

/* Producer: hand buffer k over and wait until buffer k ^ 1 is free.
 * Returns 0, or -1 once the consumer has stopped. */
int handoff_put(struct handoff *h, int k);

/* Consumer: wait until buffer k has been handed over. */
void handoff_take(struct handoff *h, int k);

/* Consumer: give buffer k back. */
void handoff_give_back(struct handoff *h, int k);

/* Consumer: tell the producer to quit at its next handoff_put() (and wake
 * it if it waits there). */
void handoff_stop(struct handoff *h);

#endif
