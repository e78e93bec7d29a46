/* pack.c - GPU placement by memory, and memory estimates. */
#include "sweep/pack.h"
#include "search/expr.h"
#include "search/space.h"
#include "search/value.h"
#include "sweep/render.h"
#include "sweep/util.h"

#include <math.h>
#include <string.h>

void pack_cfg_from_space(struct pack_cfg *c, const struct space *sp)
{
    c->headroom_frac = sp->headroom_frac;
    c->headroom_mib = sp->headroom_mib;
    c->max_per_gpu = sp->max_per_gpu;
    c->stagger = sp->stagger;
}

double pack_usable(const struct pack_cfg *c, const struct pack_gpu *g)
{
    double head = c->headroom_mib > 0 ? c->headroom_mib : c->headroom_frac * g->total_mib;
    return g->total_mib - head - g->others_mib;
}

double pack_free(const struct pack_cfg *c, const struct pack_gpu *g)
{
    return pack_usable(c, g) - g->reserved_mib;
}

int pack_choose(const struct pack_cfg *c, const struct pack_gpu *g, size_t n, double need,
                double now)
{
    int best = -1;
    double best_left = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (g[i].whole) continue;
        if (c->max_per_gpu > 0 && g[i].ntrials >= c->max_per_gpu) continue;
        if (c->stagger > 0 && now < g[i].last_launch + c->stagger) continue;
        double left;
        if (need < 0) {
            if (g[i].ntrials > 0 || pack_usable(c, &g[i]) <= 0) continue;
            left = pack_usable(c, &g[i]);
        } else {
            left = pack_free(c, &g[i]) - need;
            if (left < 0) continue;
        }
        if (left < best_left) { /* best fit; ties to the lower index */
            best_left = left;
            best = (int)i;
        }
    }
    return best;
}

int pack_never_fits(const struct pack_cfg *c, const struct pack_gpu *g, size_t n, double need)
{
    for (size_t i = 0; i < n; i++)
        if (pack_usable(c, &g[i]) >= (need < 0 ? 1 : need)) return 0;
    return 1;
}

double pack_estimate(const struct space *sp, const struct value *params, struct sb *kind)
{
    switch (sp->mem_kind) {
    case MEM_CONST:
        return sp->mem_mib;
    case MEM_TABLE: {
        const struct value *v = render_lookup(params, sp->mem_by);
        struct sb t;
        sb_init(&t);
        if (v) value_py_str(&t, v);
        if (kind) sb_addf(kind, "%s=%s", sp->mem_by, sb_str(&t));
        double mib = sp->mem_default_mib;
        for (size_t i = 0; i < sp->nmem_table; i++)
            if (!strcmp(sp->mem_table[i].key, sb_str(&t))) mib = sp->mem_table[i].mib;
        sb_release(&t);
        return mib;
    }
    case MEM_FORMULA: {
        for (size_t i = 0; kind && expr_name(sp->mem_expr, i); i++) {
            const struct value *v = render_lookup(params, expr_name(sp->mem_expr, i));
            sb_addf(kind, "%s%s=", i ? "," : "", expr_name(sp->mem_expr, i));
            if (v) value_py_str(kind, v);
        }
        double gib = expr_eval(sp->mem_expr, params);
        return isnan(gib) || gib <= 0 ? -1 : gib * 1024;
    }
    default:
        return -1;
    }
}
