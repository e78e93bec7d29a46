/* concur.c - the concurrency learner of concur.h. */
#include "sweep/gpu/concur.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct concur_kind *find(struct concur *c, const char *kind)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->k[i].kind, kind)) return &c->k[i];
    c->k = xrealloc(c->k, (c->n + 1) * sizeof *c->k);
    struct concur_kind *k = &c->k[c->n++];
    memset(k, 0, sizeof *k);
    k->kind = xstrdup(kind);
    k->cap = 1;
    return k;
}

int concur_cap(struct concur *c, const char *kind)
{
    return find(c, kind)->cap;
}

void concur_figures(const struct concur_kind *k, char *buf, size_t len)
{
    size_t at = 0;
    if (len) buf[0] = '\0';
    for (int n = 1; n <= CONCUR_MAX && at < len; n++) {
        if (k->lv[n].rate <= 0) continue;
        int w = snprintf(buf + at, len - at, "%s%d: %.0f", at ? ", " : "", n,
                         k->lv[n].rate * 3600);
        if (w < 0) break;
        at += (size_t)w;
    }
    if (at && at < len) snprintf(buf + at, len - at, " steps/h");
}

/* The decision, said: "KIND: 3 at once (...)". */
static void tell(const struct concur_kind *k, char *why, size_t len, const char *what)
{
    char fig[256];
    concur_figures(k, fig, sizeof fig);
    snprintf(why, len, "%s: %d at once: %s (aggregate rate %s)", *k->kind ? k->kind : "trials",
             k->cap, what, fig);
}

/* A level's measurement is complete: judged. 1 when the cap changed. */
static int judge(struct concur_kind *k, int n, int mem_cap, char *why, size_t len)
{
    struct concur_level *l = &k->lv[n];
    l->rate = n * l->steps / l->secs; /* all n trials' steps per second */
    l->steps = l->secs = 0;
    int up = n + 1 <= mem_cap && n + 1 <= CONCUR_MAX;
    char what[160];
    if (!k->settled) {
        if (!k->best || l->rate > k->lv[k->best].rate * (1 + CONCUR_MARGIN)) {
            k->best = n;
            if (up) {
                k->cap = n + 1;
                snprintf(what, sizeof what, "%d did best so far, trying %d", n, n + 1);
                tell(k, why, len, what);
                return 1;
            }
            snprintf(what, sizeof what, "%d did best; the GPU's memory holds no more", n);
        } else if (l->rate >= k->lv[k->best].rate * (1 - CONCUR_MARGIN / 2)) {
            /* as good: kept (more at once hides trials' starts and ends, and
             * the sweep's tail), and no further */
            snprintf(what, sizeof what, "%d did as well as %d, not %.0f%% better", n, k->best,
                     CONCUR_MARGIN * 100);
            k->best = n;
        } else {
            snprintf(what, sizeof what, "%d did not beat %d by %.0f%%", n, k->best,
                     CONCUR_MARGIN * 100);
        }
        k->settled = 1; /* a decision, said, whether the cap changes or not */
        k->since = 0;
        k->cap = k->best;
        tell(k, why, len, what);
        return 1;
    }
    if (n != k->best) return 0;
    if (n > 1 && k->lv[n - 1].rate > 0 && l->rate < k->lv[n - 1].rate * (1 - CONCUR_MARGIN)) {
        k->best = k->cap = n - 1; /* it fell below the level under it: back off */
        k->since = 0;
        snprintf(what, sizeof what, "%d fell below %d's rate by more than %.0f%%", n, n - 1,
                 CONCUR_MARGIN * 100);
        tell(k, why, len, what);
        return 1;
    }
    if (++k->since >= CONCUR_REPROBE && up) { /* rarely: the level above again */
        k->settled = 0;
        k->lv[n + 1].steps = k->lv[n + 1].secs = 0;
        k->cap = n + 1;
        snprintf(what, sizeof what, "trying %d again after %d measurements of %d", n + 1,
                 k->since, n);
        tell(k, why, len, what);
        return 1;
    }
    return 0;
}

int concur_observe(struct concur *c, const char *kind, int n, double dt, double steps,
                   int mem_cap, char *why, size_t len)
{
    struct concur_kind *k = find(c, kind);
    if (n < 1 || n > CONCUR_MAX || dt <= 0 || steps < 0) return 0;
    struct concur_level *l = &k->lv[n];
    l->steps += steps;
    l->secs += dt;
    if (n != k->cap || l->steps < CONCUR_STEPS * n) return 0;
    return judge(k, n, mem_cap < 1 ? 1 : mem_cap, why, len);
}

void concur_release(struct concur *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->k[i].kind);
    free(c->k);
    memset(c, 0, sizeof *c);
}
