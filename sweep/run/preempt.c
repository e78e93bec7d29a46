/* preempt.c - the opt-in preemption of the machine configuration
 * (preempt: {after: ...}, docs/machine.md): when another user's sweep has
 * waited for room longer than that while its user holds less than their
 * share and ours more, this sweep - the one whose trial goes, never another
 * user's - stops one of its own trials that can continue from its
 * checkpoint (rerun: in the sweep file, its checkpoint there) and whose room
 * lets the waiting trial fit. The trial is pending again at once and
 * continues later from its checkpoint (finish.c); the fair share's yield
 * leaves the room to the waiting sweep. One trial per wait on the whole
 * machine (the ledger's claim), one at a time per sweep. */
#include "sweep/run/run_int.h"
#include "search/render.h"
#include "search/searcher.h"
#include "search/space.h"
#include "base/value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* How old the checkpoint a running trial would continue from is (seconds;
 * 0 unknown: rerun without if_exists), or -1 when it cannot continue. */
static double checkpoint_age(struct sched *s, const struct slot *sl, double now_wall)
{
    struct value *budget;
    struct value *params = searcher_params(s->search, sl->id, &budget);
    struct render_ctx r = {.sp = s->sp, .params = params, .id = sl->id, .trial_dir = sl->dir,
                           .sweep_dir = s->o->dir, .budget = budget, .gpu = -1};
    char *ck = slot_checkpoint(s->sp, &r, sl->dir);
    value_free(params);
    value_free(budget);
    double age = -1;
    struct stat st;
    if (ck && !*ck) age = 0;
    else if (ck && stat(ck, &st) == 0)
        age = now_wall > st.st_mtime ? now_wall - (double)st.st_mtime : 0;
    free(ck);
    return age;
}

/* The trial to stop for a waiting trial of mib: one that can continue, on
 * a GPU where its room lets that trial fit; the freshest checkpoint (it
 * loses least), then the one started last. NULL when none. */
static struct slot *victim(struct sched *s, double mib, double *age)
{
    struct slot *best = NULL;
    double now = run_now(s);
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->used || sl->ended || sl->stop_reason || !gpu_fits_freed(s, sl, mib)) continue;
        double a = checkpoint_age(s, sl, now);
        if (a < 0) continue;
        if (!best || a < *age || (a == *age && sl->start_mono > best->start_mono)) {
            best = sl;
            *age = a;
        }
    }
    return best;
}

static int preempting(const struct sched *s)
{
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i].used && !s->slots[i].ended && run_preempted(&s->slots[i])) return 1;
    return 0;
}

void preempt_check(struct sched *s)
{
    double now = run_mono(s);
    if (!s->g.on || s->stopping || !s->sp->nresume_command || now < s->next_preempt) return;
    s->next_preempt = now + RUN_LEDGER_S;
    struct machine_owed o;
    if (preempting(s) || !machine_owed(s, gpu_capacity(s), &o)) return;
    double age = 0;
    struct slot *sl = victim(s, o.mib, &age);
    if (!sl || !machine_claim(s, &o, sl->id)) return;
    char ck[64] = "its checkpoint";
    if (s->sp->resume_if_exists) snprintf(ck, sizeof ck, "its checkpoint (%.0fs old)", age);
    char mem[32] = "a whole GPU";
    if (o.mib >= 0) snprintf(mem, sizeof mem, "%.1f GiB", o.mib / 1024);
    char *why = xasprintf("%s for %s's sweep %.300s, waiting %.0fs for %s (preempt.after %.0fs): "
                          "%s holds %.1f GiB of the GPUs (due %.1f GiB), %s %.1f GiB; continues "
                          "from %s",
                          RUN_PREEMPTED, o.user, o.dir, o.waited, mem, o.after, s->m.user,
                          o.ours_mib / 1024, o.ours_due_mib / 1024, o.user, o.theirs_mib / 1024,
                          ck);
    say(s, "trial %lld: %s", sl->id, why);
    request_stop(s, sl, TRIAL_PENDING, why, "preempt_decided");
    free(why);
}
