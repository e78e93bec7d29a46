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
    const char *exec_end;        /* the executor's words that decide how it ended (a Slurm
                                    time limit, a job cancelled by someone else), or NULL */
    int our_child;               /* the supervisor was our child: wstatus is its status */
    int wstatus;
    /* The end of the trial's log (OUTCOME_TAIL_BYTES at most, no NUL
     * bytes), or NULL; asked only of a trial that failed on its own, for
     * the out-of-memory words and the error line in it. */
    const char *(*log_tail)(void *ctx);
    void *log_ctx;
};

#define OUTCOME_TAIL_BYTES 65536
#define OUTCOME_ERROR_MAX 200    /* bytes of a log's error line kept in a reason */
#define OUTCOME_DIVERGED "diverged: " /* how the reason of a diverged trial starts */

struct outcome {
    enum trial_state state;
    int has_code, code, sig;     /* what the store records of its exit */
    const char *oom;             /* failed of CUDA out of memory: the words seen */
    int cannot_start;            /* the trainer could not even start: no retry */
    int final;                   /* not retried: it would end so again (diverged) */
};

/* Classifies; the reason people read is appended to reason (nothing for a
 * plain completion). */
void outcome_classify(const struct outcome_in *in, struct outcome *out, struct sb *reason);

/* What follows a trial's end, in this order: requeued after running out of
 * GPU memory (with a larger estimate), requeued after its machine failed
 * (the executor says so), pending again after an interruption of the whole
 * sweep, retried, or else its end recorded. */
enum outcome_step {
    OUTCOME_RECORD,
    OUTCOME_OOM_REQUEUE,
    OUTCOME_NODE_REQUEUE,
    OUTCOME_INTERRUPTED,
    OUTCOME_PREEMPTED,
    OUTCOME_RETRY,
};

struct outcome_when {
    int had_gpu;                 /* it held GPU memory (packing) */
    int stopping;                /* the sweep is stopping: nothing is requeued or retried */
    int machine_lost;            /* the executor: its node failed, or it was preempted */
    int lost_capped;             /* it was requeued for that RUN_MAX_NODE_REQUEUES times
                                    already: not again (its end is recorded, or retried) */
    int stop_asked;              /* sweep had asked it to stop */
    long long retries_done;      /* retries it had (attempts lost with a sweep, or out of
                                    memory, are not) */
    int retries;                 /* the sweep file's */
    int oom_refused;             /* a larger estimate was refused: a whole GPU was not enough */
    int preempted;               /* stopped for another user's wait: it continues later */
};

enum outcome_step outcome_next(const struct outcome *oc, const struct outcome_when *w);

/* The out-of-memory words in a log's tail (PyTorch, the CUDA runtime,
 * cuBLAS, darknet), or NULL. */
const char *outcome_oom_words(const char *tail);
/* The line of a log's tail that says why the trainer failed, appended to b
 * (control characters dropped, cut to OUTCOME_ERROR_MAX bytes): a Python
 * exception's line after the last traceback, else the last line that
 * looks like an error (an "...Error:" or "...Exception" word, "error:",
 * "ERROR", "FATAL", "Fatal", "Killed", "Aborted", "Segmentation fault",
 * "No such file or directory", "CUDA error", "unknown option",
 * "[Uu]nrecognized", "[Ii]nvalid", "not found"). 1 if one was found. */
int outcome_error_line(const char *tail, struct sb *b);
#endif
