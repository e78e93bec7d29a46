/* How a trial ended (sweep/run/outcome.h): its state and the reason people
 * read, from the supervisor's record, sweep's stop request, the parser's
 * rows and the supervisor's own wait status. */
#include "sweep/run/outcome.h"
#include "base/util.h"
#include "tests/check.h"

#include <signal.h>
#include <string.h>

static int oom_asked;

static const char *oom_words(void *ctx)
{
    oom_asked++;
    return ctx;
}

static enum trial_state classify(const struct outcome_in *in, struct outcome *out, char *why,
                                 size_t n)
{
    struct sb b;
    sb_init(&b);
    outcome_classify(in, out, &b);
    snprintf(why, n, "%s", sb_str(&b));
    sb_release(&b);
    return out->state;
}

static void exit_zero_completes(void)
{
    struct proc_exit x = {.has_code = 1, .code = 0};
    struct outcome_in in = {.have = 1, .x = &x, .log_tail = oom_words, .log_ctx = NULL};
    struct outcome o;
    char why[256];
    oom_asked = 0;
    CHECK_INT_EQ(classify(&in, &o, why, sizeof why), TRIAL_COMPLETED);
    CHECK_STR_EQ(why, "");
    CHECK_INT_EQ(o.has_code, 1);
    CHECK_INT_EQ(oom_asked, 0); /* the log is not read for a completed trial */
    /* ... unless its parser saw nothing (darknet exits 0 after "Couldn't open file") */
    in.no_rows = 1;
    CHECK_INT_EQ(classify(&in, &o, why, sizeof why), TRIAL_FAILED);
    CHECK(strstr(why, "no iteration line in its log") != NULL);
}

static void a_failure_names_out_of_memory_and_leftovers(void)
{
    struct proc_exit x = {.has_code = 1, .code = 1, .leftovers = 2};
    struct outcome_in in = {.have = 1, .x = &x, .log_tail = oom_words,
                            .log_ctx = "CUDA out of memory"};
    struct outcome o;
    char why[256];
    CHECK_INT_EQ(classify(&in, &o, why, sizeof why), TRIAL_FAILED);
    CHECK_STR_EQ(why, "CUDA out of memory (\"CUDA out of memory\" in its log); exit code 1; "
                      "2 leftover processes stopped");
    CHECK_STR_EQ(o.oom, "CUDA out of memory");
    CHECK_INT_EQ(o.cannot_start, 0);
}

static void a_stop_sweep_asked_for_keeps_its_state(void)
{
    struct proc_exit x = {.signal = SIGTERM};
    struct outcome_in in = {.have = 1, .x = &x, .stop_reason = "pruned by asha at rung 1",
                            .stop_state = TRIAL_PRUNED};
    struct outcome o;
    char why[256];
    CHECK_INT_EQ(classify(&in, &o, why, sizeof why), TRIAL_PRUNED);
    CHECK_STR_EQ(why, "pruned by asha at rung 1");
    CHECK_INT_EQ(o.sig, SIGTERM);
    /* a trial that exited 0 although asked to stop completed */
    struct proc_exit ok = {.has_code = 1, .code = 0};
    in.x = &ok;
    CHECK_INT_EQ(classify(&in, &o, why, sizeof why), TRIAL_COMPLETED);
}

static void without_a_record_the_supervisor_tells(void)
{
    struct outcome_in in = {.have = 0, .our_child = 1, .wstatus = SIGKILL}; /* killed by 9 */
    struct outcome o;
    char why[256];
    CHECK_INT_EQ(classify(&in, &o, why, sizeof why), TRIAL_FAILED);
    CHECK_STR_EQ(why, "its supervisor was killed by signal 9 (SIGKILL)");
    in.our_child = 0; /* adopted: no wait status */
    classify(&in, &o, why, sizeof why);
    CHECK_STR_EQ(why, "its supervisor ended without recording an exit status");
    in.have = -1;
    in.read_error = "exit.json: not JSON";
    classify(&in, &o, why, sizeof why);
    CHECK_STR_EQ(why, "exit.json: not JSON");
    /* a trainer that could not start: not retried */
    struct proc_exit x = {.has_code = 1, .code = 127};
    snprintf(x.error, sizeof x.error, "nosuch: No such file or directory");
    struct outcome_in in2 = {.have = 1, .x = &x};
    CHECK_INT_EQ(classify(&in2, &o, why, sizeof why), TRIAL_FAILED);
    CHECK_INT_EQ(o.cannot_start, 1);
    CHECK_INT_EQ(o.has_code, 0);
    CHECK_STR_EQ(why, "nosuch: No such file or directory");
}

static const char *tail_is(void *ctx)
{
    return ctx;
}

static void error_of(const char *log, char *why, size_t n)
{
    struct proc_exit x = {.has_code = 1, .code = 1};
    struct outcome_in in = {.have = 1, .x = &x, .log_tail = tail_is, .log_ctx = (void *)log};
    struct outcome o;
    CHECK_INT_EQ(classify(&in, &o, why, n), TRIAL_FAILED);
}

/* What Python prints when torch is missing (verbatim, python3.11). */
static const char TB_IMPORT[] =
    "Traceback (most recent call last):\n"
    "  File \"/home/u/train.py\", line 3, in <module>\n"
    "    import torch\n"
    "ModuleNotFoundError: No module named 'torch'\n";

/* A chained exception: the last one is the cause people need. */
static const char TB_CHAINED[] =
    "epoch 1/10 loss 0.9\n"
    "Traceback (most recent call last):\n"
    "  File \"train.py\", line 40, in load\n"
    "    cfg = json.load(f)\n"
    "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n"
    "\n"
    "During handling of the above exception, another exception occurred:\n"
    "\n"
    "Traceback (most recent call last):\n"
    "  File \"train.py\", line 88, in <module>\n"
    "    main()\n"
    "    ^^^^^^\n"
    "RuntimeError: CUDA error: device-side assert triggered\n"
    "CUDA kernel errors might be asynchronously reported at some other API call.\n";

static void a_failure_reason_names_the_log_error(void)
{
    char why[512];
    error_of(TB_IMPORT, why, sizeof why);
    CHECK_STR_EQ(why, "exit code 1: ModuleNotFoundError: No module named 'torch'");
    error_of(TB_CHAINED, why, sizeof why);
    CHECK_STR_EQ(why, "exit code 1: RuntimeError: CUDA error: device-side assert triggered");
    /* argparse's usage error (verbatim) */
    error_of("usage: train.py [-h] [--lr LR]\ntrain.py: error: unrecognized arguments: --lr0 "
             "0.01\n",
             why, sizeof why);
    CHECK_STR_EQ(why, "exit code 1: train.py: error: unrecognized arguments: --lr0 0.01");
    /* colours and \r progress bars do not get in */
    error_of("  1/10  0%|    | 0/40\r  1/10 50%|##  | 20/40\r\x1b[31mERROR\x1b[0m dataset "
             "not found\r\n",
             why, sizeof why);
    CHECK_STR_EQ(why, "exit code 1: ERROR dataset not found");
    /* yolo-sim's own words, then its usage line */
    error_of("yolo-sim: unknown option 'optimizer=sgd'\nusage: yolo-sim --lr0 F --model "
             "{n,s,m,l,x}\n",
             why, sizeof why);
    CHECK_STR_EQ(why, "exit code 1: yolo-sim: unknown option 'optimizer=sgd'");
    /* python cannot find the program */
    error_of("/usr/bin/python3: can't open file '/w/train.py': [Errno 2] No such file or "
             "directory\n",
             why, sizeof why);
    CHECK_STR_EQ(why, "exit code 1: /usr/bin/python3: can't open file '/w/train.py': [Errno 2] "
                      "No such file or directory");
    /* nothing error-looking: the exit alone; values named *error are not errors */
    error_of("epoch=1 loss=0.5 val_error=0.2\nbye\n", why, sizeof why);
    CHECK_STR_EQ(why, "exit code 1");
    error_of("", why, sizeof why);
    CHECK_STR_EQ(why, "exit code 1");
    /* a long line is cut, never inside a UTF-8 character */
    const char *const heads[] = {"ValueError: ", "ValueError: x"}; /* cut between, inside */
    for (int h = 0; h < 2; h++) {
        char log[1024];
        memset(log, 0, sizeof log);
        strcpy(log, heads[h]);
        for (size_t i = strlen(log); i < 600; i += 2) memcpy(log + i, "\xc3\xa9", 2);
        error_of(log, why, sizeof why);
        size_t n = strlen(why);
        CHECK(n <= 13 + OUTCOME_ERROR_MAX + 3);
        CHECK(n >= 13 + OUTCOME_ERROR_MAX + 3 - 1);
        CHECK_STR_EQ(why + n - 5, "\xc3\xa9...");
    }
}

static void a_diverged_trial_is_final(void)
{
    struct proc_exit x = {.signal = SIGTERM};
    struct outcome_in in = {.have = 1, .x = &x, .stop_reason = OUTCOME_DIVERGED "loss nan at step 3",
                            .stop_state = TRIAL_FAILED};
    struct outcome o;
    char why[256];
    CHECK_INT_EQ(classify(&in, &o, why, sizeof why), TRIAL_FAILED);
    CHECK_INT_EQ(o.final, 1);
    CHECK_STR_EQ(why, "diverged: loss nan at step 3");
    /* it exits 0 on SIGTERM, or printed nan last and ended: failed all the same */
    struct proc_exit ok = {.has_code = 1, .code = 0};
    in.x = &ok;
    CHECK_INT_EQ(classify(&in, &o, why, sizeof why), TRIAL_FAILED);
    CHECK_STR_EQ(why, "diverged: loss nan at step 3");
    in.x = &x;
    in.stop_reason = "timeout after 10.0s";
    classify(&in, &o, why, sizeof why);
    CHECK_INT_EQ(o.final, 0);
}

/* a job lost with its node is requeued, a few times (issue 27), then it
 * ends as it ended, or is retried as any failure is */
static void node_requeues_are_capped(void)
{
    struct outcome oc = {.state = TRIAL_FAILED};
    struct outcome_when w = {.machine_lost = 1};
    CHECK_INT_EQ(outcome_next(&oc, &w), OUTCOME_NODE_REQUEUE);
    w.lost_capped = 1;
    CHECK_INT_EQ(outcome_next(&oc, &w), OUTCOME_RECORD);
    w.retries = 1;
    CHECK_INT_EQ(outcome_next(&oc, &w), OUTCOME_RETRY);
}

static const struct check_case cases[] = {
    CASE(node_requeues_are_capped),
    CASE(a_failure_reason_names_the_log_error),
    CASE(a_diverged_trial_is_final),
    CASE(exit_zero_completes),
    CASE(a_failure_names_out_of_memory_and_leftovers),
    CASE(a_stop_sweep_asked_for_keeps_its_state),
    CASE(without_a_record_the_supervisor_tells),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
