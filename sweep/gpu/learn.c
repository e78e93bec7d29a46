/* learn.c - estimates corrected by what trials used (learn.h). */
#include "sweep/gpu/learn.h"
#include "sweep/gpu/pack.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

void learn_release(struct learn_table *t)
{
    for (size_t i = 0; i < t->n; i++) free(t->v[i].kind);
    free(t->v);
    free(t->override);
    memset(t, 0, sizeof *t);
}

static struct learned *find(const struct learn_table *t, const char *kind)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->v[i].kind, kind)) return &t->v[i];
    return NULL;
}

void learn_peak(struct learn_table *t, const char *kind, double peak, int final)
{
    if (!kind || peak <= 0) return;
    struct learned *l = find(t, kind);
    if (!l) {
        t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
        t->v[t->n] = (struct learned){.kind = xstrdup(kind), .peak = -1};
        l = &t->v[t->n++];
    }
    if (peak > l->peak) l->peak = peak;
    if (final) l->final = 1;
}

void learn_override(struct learn_table *t, long long id, double mib)
{
    if (id < 0) return;
    if ((size_t)id >= t->noverride) {
        size_t n = (size_t)id + 256;
        t->override = xrealloc(t->override, n * sizeof *t->override);
        for (size_t i = t->noverride; i < n; i++) t->override[i] = -1;
        t->noverride = n;
    }
    t->override[id] = mib;
}

double learn_estimate(const struct learn_table *t, const struct space *sp, long long id,
                      const struct value *params, char **kind)
{
    struct sb k;
    sb_init(&k);
    double est = pack_estimate(sp, params, &k);
    const struct learned *l = find(t, sb_str(&k));
    if (l && l->peak > 0 && (l->final || est < 0 || l->peak * LEARN_MARGIN > est))
        est = l->peak * LEARN_MARGIN;
    if (id >= 0 && (size_t)id < t->noverride && t->override[id] > 0 &&
        (est < 0 || t->override[id] > est))
        est = t->override[id];
    if (kind) *kind = sb_detach(&k);
    sb_release(&k);
    return est;
}

double learn_after_oom(double est, double peak, double whole)
{
    double want = est < 0 ? whole : est * OOM_GROWTH;
    if (peak * OOM_PEAK_MARGIN > want) want = peak * OOM_PEAK_MARGIN;
    if (want > whole) want = whole;
    return want;
}
