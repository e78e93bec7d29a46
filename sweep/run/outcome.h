/* outcome.h - how a trial ended, from what is known once its process is
 * gone: the supervisor's record (exit.json), whether sweep had asked it to
 * stop, whether its parser saw what it needs, and its supervisor's own wait
 * status. Pure: the one piece of I/O it may need (the out-of-memory words
 * in the log of a failed trial) is a callback. */
#ifndef SWEEP_OUTCOME_H
#define SWEEP_OUTCOME_H

#include "store/store.h" /* enum trial_state */
#include "sweep/exec/proc.h"

struct sb;

struct outcome_in {
    int have;                    /* exec_result: 1 a record, 0 none, -1 unreadable */
    const struct proc_exit *x;   /* the record, when have == 1 */
    const char *read_error;      /* why it was unreadable, when have == -1 */
    int no_rows;                 /* its parser needs rows (darknet) and it logged none */
    const char *stop_reason;     /* sweep asked it to stop, and why; NULL if not */
    enum trial_state stop_state; /* and the state that asks for */
    int our_child;               /* the supervisor was our child: wstatus is its status */
    int wstatus;
    /* The out-of-memory words in the trial's log, or NULL; asked only of a
     * trial that failed on its own. */
    const char *(*oom_words)(void *ctx);
    void *oom_ctx;
};

struct outcome {
    enum trial_state state;
    int has_code, code, sig;     /* what the store records of its exit */
    const char *oom;             /* failed of CUDA out of memory: the words seen */
    int cannot_start;            /* the trainer could not even start: no retry */
};

/* Classifies; the reason people read is appended to reason (nothing for a
 * plain completion). */
void outcome_classify(const struct outcome_in *in, struct outcome *out, struct sb *reason);

#endif
