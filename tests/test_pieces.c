/* The run loop's pure pieces: the launch queue (queue.h), the objective's
 * history with the goal's sign (hist.h), and what follows a trial's end
 * (outcome.h's outcome_next). */
#include "sweep/run/hist.h"
#include "sweep/run/outcome.h"
#include "sweep/run/queue.h"
#include "search/stop_early.h"
#include "tests/check.h"

#include <math.h>
#include <stdlib.h>

static void the_queue_keeps_launch_order(void)
{
    struct run_queue q = {0};
    queue_put(&q, 4, 0);
    queue_put(&q, 7, 0);
    queue_put(&q, 2, 1); /* refused "not now": first in line again */
    CHECK_INT_EQ(q.n, 3);
    CHECK_INT_EQ(q.id[0], 2);
    CHECK_INT_EQ(q.id[2], 7);
    CHECK_INT_EQ(queue_take(&q, 4), 1);
    CHECK_INT_EQ(queue_take(&q, 4), 0);
    CHECK_INT_EQ(queue_remove(&q, 0), 2);
    CHECK_INT_EQ(q.n, 1);
    CHECK_INT_EQ(q.id[0], 7);
    queue_release(&q);
    CHECK_INT_EQ(q.n, 0);
}

static void history_is_in_step_order_as_losses(void)
{
    struct run_hist h;
    hist_init(&h, 1); /* maximize: values become losses */
    hist_put(&h, 3, 2, 0.5);
    hist_put(&h, 3, 1, 0.25); /* late, an earlier step */
    hist_put(&h, 3, 2, 0.75); /* the same step again: the last value wins */
    CHECK(h.changed);
    CHECK_INT_EQ(hist_count(&h, 3), 2);
    CHECK_INT_EQ(hist_count(&h, 0), 0);
    CHECK_INT_EQ(hist_count(&h, 1000), 0);
    CHECK_NEAR(hist_last(&h, 3), -0.75, 1e-12);
    CHECK_NEAR(hist_value(&h, hist_last(&h, 3)), 0.75, 1e-12);
    CHECK(isnan(hist_last(&h, 1)));
    struct early_hist *all = hist_early_view(&h);
    CHECK_INT_EQ(all[3].n, 2);
    CHECK_NEAR(all[3].v[0], -0.25, 1e-12);
    free(all);
    hist_clear(&h, 3);
    CHECK_INT_EQ(hist_count(&h, 3), 0);
    hist_put(&h, -1, 1, 1.0); /* a prior sweep's trial: not kept */
    hist_release(&h);
    hist_init(&h, 0);
    hist_put(&h, 0, 1, 2.0);
    CHECK_NEAR(hist_last(&h, 0), 2.0, 1e-12);
    CHECK_NEAR(hist_loss(&h, 2.0), 2.0, 1e-12);
    hist_release(&h);
}

static void what_follows_a_trials_end(void)
{
    struct outcome failed = {.state = TRIAL_FAILED, .has_code = 1, .code = 1};
    struct outcome oom = failed, done = {.state = TRIAL_COMPLETED}, back = {.state = TRIAL_PENDING};
    oom.oom = "CUDA out of memory";
    struct outcome_when w = {.retries = 2};
    CHECK_INT_EQ(outcome_next(&done, &w), OUTCOME_RECORD);
    CHECK_INT_EQ(outcome_next(&failed, &w), OUTCOME_RETRY);
    w.retries_done = 2; /* its retries are used up */
    CHECK_INT_EQ(outcome_next(&failed, &w), OUTCOME_RECORD);
    /* out of memory with GPU packing: requeued, not a retry; without a GPU
     * held, or with a whole GPU refused, an ordinary failure */
    CHECK_INT_EQ(outcome_next(&oom, &w), OUTCOME_RECORD);
    w.had_gpu = 1;
    CHECK_INT_EQ(outcome_next(&oom, &w), OUTCOME_OOM_REQUEUE);
    w.oom_refused = 1;
    CHECK_INT_EQ(outcome_next(&oom, &w), OUTCOME_RECORD);
    w.retries_done = 0;
    CHECK_INT_EQ(outcome_next(&oom, &w), OUTCOME_RETRY);
    /* a lost machine: again, unless sweep asked it to stop */
    w.machine_lost = 1;
    CHECK_INT_EQ(outcome_next(&failed, &w), OUTCOME_NODE_REQUEUE);
    w.stop_asked = 1;
    CHECK_INT_EQ(outcome_next(&failed, &w), OUTCOME_RETRY);
    /* interrupted with the sweep: pending again; while stopping nothing
     * is retried */
    CHECK_INT_EQ(outcome_next(&back, &w), OUTCOME_INTERRUPTED);
    /* preempted for another user's wait: requeued now, unless the sweep
     * stops (then it runs again on resume, as any interrupted trial) */
    w.preempted = 1;
    CHECK_INT_EQ(outcome_next(&back, &w), OUTCOME_PREEMPTED);
    CHECK_INT_EQ(outcome_next(&done, &w), OUTCOME_RECORD); /* it completed first */
    w.stopping = 1;
    CHECK_INT_EQ(outcome_next(&back, &w), OUTCOME_INTERRUPTED);
    CHECK_INT_EQ(outcome_next(&failed, &w), OUTCOME_RECORD);
    /* a trainer that could not start, or diverged: never retried */
    struct outcome nostart = failed, diverged = failed;
    nostart.cannot_start = 1;
    diverged.final = 1;
    w = (struct outcome_when){.retries = 5};
    CHECK_INT_EQ(outcome_next(&nostart, &w), OUTCOME_RECORD);
    CHECK_INT_EQ(outcome_next(&diverged, &w), OUTCOME_RECORD);
}

static const struct check_case cases[] = {
    CASE(the_queue_keeps_launch_order),
    CASE(history_is_in_step_order_as_losses),
    CASE(what_follows_a_trials_end),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
