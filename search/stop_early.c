/* stop_early.c - the early-termination judgement of stop_early.h: which rule, its
 * numbers, and the reason a person reads. */
#include "search/stop_early.h"
#include "search/stop_hyperband.h"
#include "search/space.h"
#include "search/stop_rules.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void early_init(struct early *x, const struct space *sp)
{
    x->sp = sp;
    x->nbands = 0;
    if (sp->et_type == ET_HYPERBAND)
        x->nbands = hyperband_bands(sp->et_min_iter, sp->et_max_iter, sp->et_s, sp->et_eta,
                                    x->bands, EARLY_MAX_BANDS);
}

void early_round_init(struct early_round *r, size_t ntrials)
{
    size_t n = ntrials ? ntrials : 1;
    for (size_t i = 0; i < EARLY_MAX_BANDS; i++) r->have[i] = 0;
    r->vals = xcalloc(n, sizeof *r->vals);
    r->others = xcalloc(n, sizeof *r->others);
    r->lens = xcalloc(n, sizeof *r->lens);
}

void early_round_release(struct early_round *r)
{
    free(r->vals);
    free(r->others);
    free(r->lens);
}

/* A value in a reason people read: 8 significant digits (2.304, not
 * 2.3040000000000003), always with a point or an exponent (3.0). */
static void say_num(struct sb *b, double x)
{
    char t[40];
    snprintf(t, sizeof t, "%.8g", x);
    sb_add(b, t);
    if (!strpbrk(t, ".einEIN")) sb_add(b, ".0");
}

/* The values of every trial at index i (those that have one). */
static size_t values_at(const struct early_hist *all, size_t n, size_t i, double *out)
{
    size_t k = 0;
    for (size_t t = 0; t < n; t++)
        if (all[t].n > i) out[k++] = all[t].v[i];
    return k;
}

int early_judge(const struct early *x, const struct early_hist *all, size_t n, size_t self,
                long *asha_rung, struct early_round *r, struct sb *why)
{
    const struct space *sp = x->sp;
    const struct early_hist *h = &all[self];
    double sign = sp->goal == GOAL_MAXIMIZE ? -1 : 1; /* back from "smaller is better" */
    switch (sp->et_type) {
    case ET_HYPERBAND: {
        int c = hyperband_closest(x->bands, x->nbands, h->n);
        if (c < 0) return 0;
        long band = x->bands[c];
        if (!r->have[c]) {
            r->thr[c] = hyperband_threshold(r->vals, values_at(all, n, (size_t)band, r->vals),
                                            sp->et_eta);
            r->have[c] = 1;
        }
        if (!(h->v[band] > r->thr[c])) return 0;
        sb_addf(why, "pruned by hyperband at value %ld of %s: ", band + 1, sp->metric_name);
        say_num(why, sign * h->v[band]);
        sb_add(why, " is worse than the band's threshold ");
        say_num(why, sign * r->thr[c]);
        return 1;
    }
    case ET_ASHA: {
        long rung = stopping_asha_rung(h->n, sp->et_min_iter, sp->et_max_iter, sp->et_eta);
        if (rung <= *asha_rung) return 0; /* judged once per rung, when it gets there */
        *asha_rung = rung;
        size_t keep, nv = values_at(all, n, (size_t)rung - 1, r->vals);
        double t = stopping_asha_threshold(r->vals, nv, sp->et_eta, &keep);
        if (!(h->v[rung - 1] > t)) return 0;
        sb_addf(why, "pruned by asha at rung %ld (value %ld of %s): ", rung, rung,
                sp->metric_name);
        say_num(why, sign * h->v[rung - 1]);
        sb_addf(why, " is not in the best %zu of %zu (threshold ", keep, nv);
        say_num(why, sign * t);
        sb_addc(why, ')');
        return 1;
    }
    case ET_MEDIAN: {
        size_t no = 0;
        for (size_t t = 0; t < n; t++)
            if (t != self && all[t].n) {
                r->others[no] = all[t].v;
                r->lens[no++] = all[t].n;
            }
        double med;
        if (!stopping_median(h->v, h->n, r->others, r->lens, no, sp->et_min_iter,
                             sp->et_min_trials, &med))
            return 0;
        double best = h->v[0];
        for (size_t k = 1; k < h->n; k++)
            if (h->v[k] < best) best = h->v[k];
        sb_addf(why, "pruned by the median rule at value %zu of %s: its best ", h->n,
                sp->metric_name);
        say_num(why, sign * best);
        sb_add(why, " is worse than the median of the others' running averages ");
        say_num(why, sign * med);
        return 1;
    }
    case ET_PATIENCE: {
        double best;
        if (!stopping_patience(h->v, h->n, sp->et_patience, sp->et_min_delta, &best)) return 0;
        sb_addf(why, "pruned: no improvement of %s", sp->metric_name);
        if (sp->et_min_delta > 0) {
            sb_add(why, " by at least ");
            say_num(why, sp->et_min_delta);
        }
        sb_add(why, " on ");
        say_num(why, sign * best);
        sb_addf(why, " in its last %d values", sp->et_patience);
        return 1;
    }
    }
    return 0;
}
