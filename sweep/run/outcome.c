/* outcome.c - classifying how a trial ended (outcome.h). */
#include "sweep/run/outcome.h"
#include "base/util.h"

#include <string.h>
#include <sys/wait.h>

static void describe_exit(struct sb *b, const struct proc_exit *x)
{
    if (x->error[0]) sb_add(b, x->error);
    else if (x->has_code) sb_addf(b, "exit code %d", x->code);
    else if (x->signal)
        sb_addf(b, "killed by signal %d (%s)%s", x->signal, proc_signal_name(x->signal),
                x->core ? ", core dumped" : "");
}

void outcome_classify(const struct outcome_in *in, struct outcome *out, struct sb *reason)
{
    const struct proc_exit *x = in->have == 1 ? in->x : NULL;
    memset(out, 0, sizeof *out);
    if (x) {
        out->has_code = x->has_code && !x->error[0];
        out->code = x->code;
        out->sig = x->signal;
        out->cannot_start = x->error[0] != 0;
    }
    int clean = x && !x->error[0] && x->has_code && x->code == 0;
    if (clean && in->no_rows && !in->stop_reason) {
        /* darknet exits 0 after "Couldn't open file" and the like */
        out->state = TRIAL_FAILED;
        sb_add(reason, "exit code 0, but no iteration line in its log: the trainer did not train");
    } else if (clean) {
        out->state = TRIAL_COMPLETED;
    } else if (in->stop_reason) {
        out->state = in->stop_state;
        sb_add(reason, in->stop_reason);
        if (x) {
            sb_add(reason, "; ");
            describe_exit(reason, x);
        }
    } else if (x) {
        out->state = TRIAL_FAILED;
        /* the cause, when the log names it (with GPU packing, it is requeued) */
        out->oom = in->oom_words ? in->oom_words(in->oom_ctx) : NULL;
        if (out->oom) sb_addf(reason, "CUDA out of memory (\"%s\" in its log); ", out->oom);
        describe_exit(reason, x);
    } else {
        out->state = TRIAL_FAILED;
        if (in->have < 0) sb_addf(reason, "%s", in->read_error ? in->read_error : "unreadable");
        else if (in->our_child && WIFSIGNALED(in->wstatus))
            sb_addf(reason, "its supervisor was killed by signal %d (%s)",
                    WTERMSIG(in->wstatus), proc_signal_name(WTERMSIG(in->wstatus)));
        else sb_add(reason, "its supervisor ended without recording an exit status");
    }
    if (x && x->leftovers > 0)
        sb_addf(reason, "%s%d leftover process%s stopped", reason->len ? "; " : "",
                x->leftovers, x->leftovers == 1 ? "" : "es");
}
