/* queue.h - the trials the loop starts before it asks the searcher for new
 * ones: pending, requeued, promoted, or refused "not now" by the executor
 * (first in line again). Owned by the loop's launching; pure. */
#ifndef SWEEP_RUN_QUEUE_H
#define SWEEP_RUN_QUEUE_H

#include <stddef.h>

struct run_queue {
    long long *id;           /* in launch order */
    size_t n;
};

/* id goes last, or first (front). */
void queue_put(struct run_queue *q, long long id, int front);
/* The i-th goes; its id is returned. */
long long queue_remove(struct run_queue *q, size_t i);
/* id goes, wherever it is: 1, or 0 when it was not there. */
int queue_take(struct run_queue *q, long long id);
void queue_release(struct run_queue *q);

#endif
