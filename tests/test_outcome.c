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
    struct outcome_in in = {.have = 1, .x = &x, .oom_words = oom_words, .oom_ctx = NULL};
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
    struct outcome_in in = {.have = 1, .x = &x, .oom_words = oom_words,
                            .oom_ctx = "CUDA out of memory"};
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
    CHECK_STR_EQ(why, "pruned by asha at rung 1; killed by signal 15 (SIGTERM)");
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

static const struct check_case cases[] = {
    CASE(exit_zero_completes),
    CASE(a_failure_names_out_of_memory_and_leftovers),
    CASE(a_stop_sweep_asked_for_keeps_its_state),
    CASE(without_a_record_the_supervisor_tells),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
