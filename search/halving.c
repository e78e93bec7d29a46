/* halving.c - the plan of successive halving and hyperband, and selection. */
#include "search/halving.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/value.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>

void hb_plan(const struct space *sp, long long nconfigs, struct hb_plan *p)
{
    double eta = sp->budget_eta, mn = sp->budget_min, mx = sp->budget_max;
    int k = (int)floor(log(mx / mn) / log(eta) + 1e-9);
    if (k < 1) k = 1;
    if (k > HB_MAX_LEVELS - 1) k = HB_MAX_LEVELS - 1;
    p->nlevels = k + 1;
    for (int j = 0; j < k; j++) {
        double b = mn * pow(eta, j);
        p->level[j] = sp->budget_ints ? round(b) : b;
    }
    p->level[k] = mx;
    long long cap = nconfigs; /* -1: unbounded */
    if (sp->method == METHOD_HALVING) {
        p->nbrackets = 1;
        p->b[0] = (struct hb_bracket){.start = 0, .n = cap > 0 ? cap : 1, .first = 0};
    } else {
        p->nbrackets = k + 1;
        long long sum = 0;
        for (int s = k; s >= 0; s--) {
            struct hb_bracket *b = &p->b[k - s];
            b->start = k - s;
            b->n = (long long)ceil((double)(k + 1) / (s + 1) * pow(eta, s) - 1e-9);
            sum += b->n;
        }
        if (cap > 0 && (sp->run_cap || sp->sampler == METHOD_GRID)) {
            long long want = sp->run_cap && sp->run_cap < cap ? sp->run_cap : cap;
            double f = (double)want / (double)sum;
            sum = 0;
            for (int i = 0; i < p->nbrackets; i++) {
                p->b[i].n = llround((double)p->b[i].n * f);
                if (p->b[i].n < 1) p->b[i].n = 1;
                sum += p->b[i].n;
            }
            /* rounding must not ask for more configurations than there are */
            for (int i = 0; sum > cap && i < p->nbrackets; i++)
                while (sum > cap && p->b[i].n > 1) p->b[i].n--, sum--;
        }
    }
    long long first = 0;
    p->total = 0;
    for (int i = 0; i < p->nbrackets; i++) {
        struct hb_bracket *b = &p->b[i];
        b->first = first;
        first += b->n;
        for (int l = b->start; l < p->nlevels; l++) p->total += hb_rung_size(p, b, l, eta);
    }
    p->nconfigs = first;
}

struct value *hb_budget(const struct space *sp, const struct hb_plan *p, int level)
{
    double b = p->level[level];
    return sp->budget_ints ? value_int(llround(b)) : value_float(b);
}

struct value *hb_params(const struct space *sp, const struct hb_plan *p, long long c, int level,
                        struct value **budget)
{
    return hb_set_budget(sp, p, trials_params(sp, (unsigned long long)c), level, budget);
}

struct value *hb_set_budget(const struct space *sp, const struct hb_plan *p, struct value *params,
                            int level, struct value **budget)
{
    *budget = hb_budget(sp, p, level);
    const char *name = sp->budget_param;
    if (name) {
        const struct param *decl = space_find(sp, name);
        struct value *m = params;
        if (decl)
            for (int i = 0; i < decl->nsegs - 1 && m; i++) m = value_map_get(m, decl->segs[i]);
        if (m && m->kind == V_MAP)
            value_map_put(m, decl ? decl->segs[decl->nsegs - 1] : name, value_clone(*budget));
    }
    return params;
}

long long hb_keep(long long n, double eta)
{
    long long k = (long long)floor((double)n / eta + 1e-9);
    return k < 1 ? 1 : k;
}

int hb_bracket_of(const struct hb_plan *p, long long c)
{
    for (int i = 0; i < p->nbrackets; i++)
        if (c >= p->b[i].first && c < p->b[i].first + p->b[i].n) return i;
    return -1;
}

long long hb_rung_size(const struct hb_plan *p, const struct hb_bracket *b, int level, double eta)
{
    (void)p;
    if (level < b->start) return 0;
    long long n = b->n;
    for (int l = b->start; l < level; l++) n = hb_keep(n, eta);
    return n;
}

struct ranked {
    double v;
    size_t i;
};

static int by_value(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

double hb_select(const double *v, size_t n, size_t keep, int *promoted)
{
    struct ranked *r = xmalloc((n ? n : 1) * sizeof *r);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        promoted[i] = 0;
        if (!isnan(v[i])) r[m++] = (struct ranked){.v = v[i], .i = i};
    }
    qsort(r, m, sizeof *r, by_value);
    double worst = NAN;
    for (size_t j = 0; j < m && j < keep; j++) {
        promoted[r[j].i] = 1;
        worst = r[j].v;
    }
    free(r);
    return worst;
}
