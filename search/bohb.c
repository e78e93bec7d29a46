/* bohb.c - BOHB's model for rungs.c (bohb.h): a history of the trials of
 * each budget level, the parameters of every configuration, and TPE's
 * proposal fitted to one level. */
#include "search/bohb.h"
#include "search/learner.h"
#include "search/pcg.h"
#include "search/space.h"
#include "search/tpe.h"
#include "search/trials.h"
#include "base/util.h"
#include "base/value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BOHB_SALT 0x626f68625f7264ULL /* "bohb_rd": the draw that says random or model */

struct bohb {
    const struct space *sp;
    struct model_space m;
    int nlevels;
    struct history *lv;        /* [nlevels]: the trials run at each level, by trial id */
    struct value **cfg;        /* by configuration: its parameters (no budget) */
    size_t ncfg;
    long long startup;         /* results a level needs before TPE learns from it */
};

struct bohb *bohb_new(const struct space *sp, int nlevels)
{
    struct bohb *b = xcalloc(1, sizeof *b);
    b->sp = sp;
    model_space_init(&b->m, sp);
    b->nlevels = nlevels;
    b->lv = xcalloc((size_t)nlevels, sizeof *b->lv);
    for (int l = 0; l < nlevels; l++) history_init(&b->lv[l], b->m.n);
    b->startup = learner_startup(sp);
    return b;
}

void bohb_free(struct bohb *b)
{
    if (!b) return;
    for (int l = 0; l < b->nlevels; l++) history_release(&b->lv[l]);
    free(b->lv);
    for (size_t i = 0; i < b->ncfg; i++) value_free(b->cfg[i]);
    free(b->cfg);
    model_space_release(&b->m);
    free(b);
}

const struct value *bohb_config(const struct bohb *b, long long c)
{
    return c >= 0 && (size_t)c < b->ncfg ? b->cfg[c] : NULL;
}

static void keep(struct bohb *b, long long c, struct value *params)
{
    b->cfg = xgrow_index(b->cfg, &b->ncfg, (size_t)c, sizeof *b->cfg);
    value_free(b->cfg[c]);
    b->cfg[c] = params;
}

void bohb_set_config(struct bohb *b, long long c, const struct value *params)
{
    if (c >= 0) keep(b, c, value_clone(params));
}

void bohb_trial(struct bohb *b, long long id, long long c, int level, enum obs_state state,
                double value, long long step)
{
    if (level < 0 || level >= b->nlevels) return;
    struct obs *o = history_get(&b->lv[level], id);
    const struct value *p = bohb_config(b, c);
    if (p) model_point(&b->m, p, o->z);
    o->state = state;
    o->value = value;
    o->step = step;
}

/* The history TPE learns from for a proposal at level L: the trials of L,
 * and the ones still running below it as liars (they may yet reach it). */
static void level_view(const struct bohb *b, int L, struct history *h)
{
    history_init(h, b->m.n);
    for (int l = 0; l <= L; l++)
        for (size_t i = 0; i < b->lv[l].n; i++) {
            const struct obs *o = &b->lv[l].o[i];
            if (l < L && o->state != OBS_RUNNING) continue;
            struct obs *t = history_get(h, o->id);
            memcpy(t->z, o->z, b->m.n * sizeof *t->z);
            t->state = o->state;
            t->value = o->value;
            t->step = o->step;
        }
}

int bohb_propose(struct bohb *b, long long c)
{
    int level = -1;
    struct pcg r;
    model_rng(b->sp, c, BOHB_SALT, &r);
    int random = pcg_unit(&r) < BOHB_RANDOM || !b->m.nsearch;
    for (int l = b->nlevels; !random && l-- > 0;)
        if ((long long)history_results(&b->lv[l]) >= b->startup) {
            level = l;
            break;
        }
    if (level < 0) {
        keep(b, c, trials_params(b->sp, (unsigned long long)c)); /* hyperband's configuration c */
        return -1;
    }
    struct history h;
    level_view(b, level, &h);
    double *z = xcalloc(b->m.n ? b->m.n : 1, sizeof *z);
    model_rng(b->sp, c, TPE_SALT, &r);
    tpe_point(&b->m, &h, c, &r, z);
    keep(b, c, model_params(&b->m, z));
    free(z);
    history_release(&h);
    return level;
}
