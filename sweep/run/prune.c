/* prune.c - early_terminate in the loop: whenever new values of the
 * objective came, each running trial is judged on the values logged so
 * far, its own and the others' (search/stop_early.h); a losing one is stopped
 * and recorded as pruned. */
#include "sweep/run/run_int.h"
#include "store/store.h"

#include <stdlib.h>

static void prune(struct sched *s, struct slot *sl, struct sb *why)
{
    /* said once, when it has ended: "trial N pruned in Ts (why)" (finish.c) */
    /* the prune_decided event tells when the decision was taken: what the
     * trial logs after it is counted against us (bench/early_stop.sh) */
    request_stop(s, sl, TRIAL_PRUNED, sb_str(why), "prune_decided");
}

void early_check(struct sched *s)
{
    if (!s->early || !s->hist.changed) return;
    s->hist.changed = 0;
    struct early_hist *all = hist_early_view(&s->hist);
    struct early_round r;
    early_round_init(&r, s->hist.n);
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->used || sl->ended || sl->stop_reason || (size_t)sl->id >= s->hist.n) continue;
        struct sb why;
        sb_init(&why);
        if (early_judge(&s->rules, all, s->hist.n, (size_t)sl->id, &sl->asha_rung, &r, &why))
            prune(s, sl, &why);
        sb_release(&why);
    }
    early_round_release(&r);
    free(all);
}
