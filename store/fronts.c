/* fronts.c - several objectives' fronts from the store (fronts.h). */
#include "store/fronts.h"

#include "base/err.h"
#include "base/util.h"
#include "search/pareto.h"
#include "search/space.h"
#include "store/store_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int add_id(const struct trial_row *t, void *ctx)
{
    struct fronts *f = ctx;
    f->trial = xrealloc(f->trial, (f->n + 1) * sizeof *f->trial);
    f->trial[f->n++] = t->id;
    return 0;
}

long fronts_find(const struct fronts *f, long long id)
{
    size_t lo = 0, hi = f->n; /* ids in order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->trial[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < f->n && f->trial[lo] == id ? (long)lo : -1;
}

/* Each trial's value of metric name into col (stride m) of out: its best
 * (min or max) or its last. */
static int values(struct store *st, const char *name, int how, const struct fronts *f,
                  double *out, size_t stride, struct err *e)
{
    static const char *const sql[] = {
        "SELECT trial, min(value) FROM metrics WHERE name = ?1 AND value IS NOT NULL GROUP BY trial",
        "SELECT trial, max(value) FROM metrics WHERE name = ?1 AND value IS NOT NULL GROUP BY trial",
        "SELECT m.trial, m.value FROM metrics m WHERE m.name = ?1 AND m.value IS NOT NULL AND "
        "m.step = (SELECT max(step) FROM metrics WHERE trial = m.trial AND name = ?1 AND value "
        "IS NOT NULL)"};
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql[how], -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        long i = fronts_find(f, sqlite3_column_int64(s, 0));
        if (i >= 0) out[(size_t)i * stride] = sqlite3_column_double(s, 1);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : st_db_err(st, e, "read metric values");
}

/* Trial id's value of metric name (how: 0 min, 1 max, 2 last), NaN none. */
static int one_value(struct store *st, long long id, const char *name, int how, double *out,
                     struct err *e)
{
    static const char *const sql[] = {
        "SELECT min(value) FROM metrics WHERE trial = ?1 AND name = ?2 AND value IS NOT NULL",
        "SELECT max(value) FROM metrics WHERE trial = ?1 AND name = ?2 AND value IS NOT NULL",
        "SELECT value FROM metrics WHERE trial = ?1 AND name = ?2 AND value IS NOT NULL "
        "ORDER BY step DESC LIMIT 1"};
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql[how], -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL ? sqlite3_column_double(s, 0)
                                                                        : NAN;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : st_db_err(st, e, "read a metric value");
}

int store_trial_objectives(struct store *st, const struct space *sp, long long id, double *obj,
                           double *viol, struct err *e)
{
    for (size_t j = 0; j < sp->nobjs; j++)
        if (one_value(st, id, sp->obj_names[j], sp->summary_last ? 2 : sp->obj_max[j], &obj[j], e))
            return -1;
    double *cons = xmalloc((sp->ncons + 1) * sizeof *cons);
    int rc = 0;
    for (size_t k = 0; !rc && k < sp->ncons; k++)
        rc = one_value(st, id, sp->con_names[k], 2, &cons[k], e);
    *viol = rc ? 0 : space_violation(sp, cons);
    free(cons);
    return rc;
}

/* The reference point and the first front's hypervolume, in minimized
 * form z (maximized objectives negated). */
static void hypervolume(struct fronts *f, const double *z, const struct space *sp)
{
    size_t m = f->m;
    double *lo = xmalloc(m * sizeof *lo), *hi = xmalloc(m * sizeof *hi);
    for (size_t j = 0; j < m; j++) lo[j] = INFINITY, hi[j] = -INFINITY;
    size_t nf = 0;
    for (size_t i = 0; i < f->n; i++) {
        int ok = f->viol[i] <= 0;
        for (size_t j = 0; j < m; j++) ok &= isfinite(z[i * m + j]);
        if (!ok) continue;
        nf++;
        for (size_t j = 0; j < m; j++) {
            if (z[i * m + j] < lo[j]) lo[j] = z[i * m + j];
            if (z[i * m + j] > hi[j]) hi[j] = z[i * m + j];
        }
    }
    f->ref = xcalloc(m, sizeof *f->ref);
    if (!nf) goto out;
    double *zr = xmalloc(m * sizeof *zr), *pts = xmalloc((nf * m + 1) * sizeof *pts);
    for (size_t j = 0; j < m; j++) {
        double span = hi[j] - lo[j];
        zr[j] = hi[j] + (span > 0 ? span / 10 : fabs(hi[j]) > 0 ? fabs(hi[j]) / 10 : 1);
        f->ref[j] = sp->obj_max[j] ? -zr[j] : zr[j];
    }
    size_t k = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->front[i] == 0 && f->viol[i] <= 0) {
            memcpy(pts + k * m, z + i * m, m * sizeof *pts);
            k++;
        }
    f->front_size = k;
    f->hypervolume = pareto_hypervolume(pts, k, m, zr);
    free(zr);
    free(pts);
out:
    free(lo);
    free(hi);
}

int store_fronts(struct store *st, const struct space *sp, struct fronts *f, struct err *e)
{
    memset(f, 0, sizeof *f);
    f->m = sp->nobjs;
    if (store_each_trial(st, ORDER_ID, TRIAL_COMPLETED, 0, add_id, f, e)) return -1;
    size_t n = f->n, m = f->m;
    f->obj = xmalloc((n * m + 1) * sizeof *f->obj);
    double *cons = xmalloc((n * (sp->ncons + 1) + 1) * sizeof *cons);
    for (size_t i = 0; i < n * m; i++) f->obj[i] = NAN;
    for (size_t i = 0; i < n * (sp->ncons + 1); i++) cons[i] = NAN;
    int rc = 0;
    for (size_t j = 0; !rc && j < m; j++)
        rc = values(st, sp->obj_names[j], sp->summary_last ? 2 : sp->obj_max[j], f, f->obj + j, m, e);
    size_t stride = sp->ncons ? sp->ncons : 1;
    for (size_t k = 0; !rc && k < sp->ncons; k++)
        rc = values(st, sp->con_names[k], 2, f, cons + k, stride, e);
    f->viol = xmalloc((n + 1) * sizeof *f->viol);
    f->front = xmalloc((n + 1) * sizeof *f->front);
    double *z = xmalloc((n * m + 1) * sizeof *z);
    for (size_t i = 0; i < n; i++) {
        f->viol[i] = space_violation(sp, cons + i * stride);
        for (size_t j = 0; j < m; j++) {
            double v = f->obj[i * m + j];
            z[i * m + j] = isnan(v) ? NAN : sp->obj_max[j] ? -v : v;
        }
    }
    free(cons);
    if (!rc) {
        pareto_fronts(z, f->viol, n, m, f->front);
        hypervolume(f, z, sp);
    }
    free(z);
    if (rc) fronts_release(f);
    return rc;
}

void fronts_release(struct fronts *f)
{
    free(f->trial);
    free(f->obj);
    free(f->viol);
    free(f->front);
    free(f->ref);
    memset(f, 0, sizeof *f);
}
