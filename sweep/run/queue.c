/* queue.c - the launch queue of queue.h. */
#include "sweep/run/queue.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

void queue_put(struct run_queue *q, long long id, int front)
{
    q->id = xrealloc(q->id, (q->n + 1) * sizeof *q->id);
    if (front) memmove(q->id + 1, q->id, q->n * sizeof *q->id);
    q->id[front ? 0 : q->n] = id;
    q->n++;
}

long long queue_remove(struct run_queue *q, size_t i)
{
    long long id = q->id[i];
    memmove(q->id + i, q->id + i + 1, (q->n - i - 1) * sizeof *q->id);
    q->n--;
    return id;
}

int queue_take(struct run_queue *q, long long id)
{
    for (size_t i = 0; i < q->n; i++)
        if (q->id[i] == id) {
            queue_remove(q, i);
            return 1;
        }
    return 0;
}

void queue_release(struct run_queue *q)
{
    free(q->id);
    q->id = NULL;
    q->n = 0;
}
