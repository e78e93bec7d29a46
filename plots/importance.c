/* importance.c - which parameters matter for the objective (report_int.h):
 * Spearman's rank correlation for ordered parameters, and the share of the
 * objective's variance that a parameter's categories (or, for a number,
 * its quantile bins) explain (the correlation ratio, eta squared).
 * docs/reports.md says how it is computed and what it cannot tell. */
#include "plots/report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct pt {
    double x, y;
    double rx, ry; /* ranks (ties: the mean of their ranks) */
};

static int by_x(const void *a, const void *b)
{
    const struct pt *p = a, *q = b;
    return p->x < q->x ? -1 : p->x > q->x;
}

static int by_y(const void *a, const void *b)
{
    const struct pt *p = a, *q = b;
    return p->y < q->y ? -1 : p->y > q->y;
}

/* Ranks by x (which 0) or y (which 1), 1-based, ties averaged; pts end up
 * sorted by that coordinate. */
static void rank(struct pt *pts, size_t n, int which)
{
    qsort(pts, n, sizeof *pts, which ? by_y : by_x);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double v = which ? pts[i].y : pts[i].x;
        while (j < n && (which ? pts[j].y : pts[j].x) == v) j++;
        double r = (double)(i + 1 + j) / 2; /* mean of ranks i+1 .. j */
        for (size_t k = i; k < j; k++) *(which ? &pts[k].ry : &pts[k].rx) = r;
        i = j;
    }
}

static double pearson_ranks(const struct pt *p, size_t n)
{
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) mx += p[i].rx, my += p[i].ry;
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = p[i].rx - mx, dy = p[i].ry - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

/* eta^2 = SS between groups / SS total; group g of point i in grp[i]. */
static double eta_squared(const struct pt *p, const int *grp, size_t n, int ngroups)
{
    double *sum = calloc((size_t)ngroups, sizeof *sum), *cnt = calloc((size_t)ngroups, sizeof *cnt);
    if (!sum || !cnt) abort();
    double mean = 0;
    for (size_t i = 0; i < n; i++) {
        mean += p[i].y;
        sum[grp[i]] += p[i].y;
        cnt[grp[i]]++;
    }
    mean /= (double)n;
    double total = 0, between = 0;
    for (size_t i = 0; i < n; i++) total += (p[i].y - mean) * (p[i].y - mean);
    for (int g = 0; g < ngroups; g++)
        if (cnt[g] > 0) {
            double d = sum[g] / cnt[g] - mean;
            between += cnt[g] * d * d;
        }
    free(sum);
    free(cnt);
    return total > 0 ? between / total : NAN;
}

/* The trials a sweep's importance is computed over: completed and pruned
 * ones with an objective (a pruned trial at the value it was stopped with:
 * leaving them out keeps only the good ones); for halving and hyperband
 * every configuration's value at the first rung (the one budget all of
 * them ran at). */
static int sample(const struct rsweep *s, const struct rtrial *t)
{
    if (!t->has_obj || !isfinite(t->obj)) return 0;
    if (t->state != TRIAL_COMPLETED && t->state != TRIAL_PRUNED) return 0;
    return !s->rungs || t->rung == 0;
}

static size_t importance_of(const struct report *r, const struct rsweep *s, struct importance *out)
{
    size_t nout = 0;
    struct pt *pts = xcalloc(s->nt ? s->nt : 1, sizeof *pts);
    int *grp = xcalloc(s->nt ? s->nt : 1, sizeof *grp);
    for (size_t k = 0; k < r->nc; k++) {
        const struct col *c = &r->c[k];
        size_t n = 0;
        for (size_t i = 0; i < s->nt; i++) {
            const struct rtrial *t = &s->t[i];
            if (!sample(s, t)) continue;
            double x = rp_col_pos(c, t, 1);
            if (isnan(x)) continue;
            pts[n++] = (struct pt){.x = x, .y = t->obj};
        }
        struct importance *im = &out[nout];
        memset(im, 0, sizeof *im);
        im->col = k;
        im->n = n;
        im->ordered = c->numeric || c->ordered;
        im->rho = NAN;
        im->eta2 = NAN;
        if (n < IMPORTANCE_MIN_N) {
            nout++;
            continue;
        }
        rank(pts, n, 1);
        rank(pts, n, 0); /* sorted by x now */
        if (im->ordered) im->rho = pearson_ranks(pts, n);
        /* groups: the categories, or quantile bins of a number's ranks */
        int ngroups;
        if (!c->numeric) {
            ngroups = (int)c->ncats;
            for (size_t i = 0; i < n; i++) grp[i] = (int)pts[i].x;
        } else {
            size_t distinct = 0;
            for (size_t i = 0; i < n; i++)
                if (i == 0 || pts[i].x != pts[i - 1].x) distinct++;
            ngroups = distinct < IMPORTANCE_BINS ? (int)distinct : IMPORTANCE_BINS;
            if ((size_t)ngroups > n / IMPORTANCE_PER_BIN) ngroups = (int)(n / IMPORTANCE_PER_BIN);
            /* by rank, ties kept together: a bin is never split inside a value */
            for (size_t i = 0; i < n; i++) {
                int g = (int)((pts[i].rx - 1) * ngroups / (double)n);
                grp[i] = g >= ngroups ? ngroups - 1 : g;
            }
        }
        im->groups = ngroups;
        if (ngroups >= 2) im->eta2 = eta_squared(pts, grp, n, ngroups);
        nout++;
    }
    free(pts);
    free(grp);
    return nout;
}

void rp_importance_all(struct report *r)
{
    r->imp = xcalloc(r->ns * (r->nc ? r->nc : 1), sizeof *r->imp);
    for (size_t si = 0; si < r->ns; si++) importance_of(r, &r->s[si], r->imp + si * r->nc);
}

void rp_importance_order(const struct importance *im, size_t n, size_t *order)
{
    for (size_t i = 0; i < n; i++) { /* insertion: a handful of rows, stable */
        size_t j = i;
        double v = isnan(im[i].eta2) ? -1 : im[i].eta2;
        for (; j > 0 && (isnan(im[order[j - 1]].eta2) ? -1 : im[order[j - 1]].eta2) < v; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
}

int rp_importance_says(const struct importance *im)
{
    /* Spearman's rho against no relation, two-sided 5%: |rho| above
     * 1.96 / sqrt(n - 1) (0.65 at 10 trials, 0.28 at 50); and 0.3 at least */
    if (!isnan(im->rho) && im->n > 1 && fabs(im->rho) >= 0.3 &&
        fabs(im->rho) >= 1.96 / sqrt((double)im->n - 1))
        return IMP_DIRECTION;
    if (!isnan(im->eta2) && im->eta2 >= 0.3) return IMP_MATTERS;
    if (!isnan(im->eta2) || !isnan(im->rho)) return IMP_LITTLE;
    return IMP_NOTHING;
}
