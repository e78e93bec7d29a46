/* store_metrics.c - metric rows: a batch and the log offset it was read up
 * to commit together (each row exactly once), and the queries over them
 * (store.h). */
#include "store/store_int.h"
#include "base/err.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_ingest(struct store *st, long long trial, const struct metric *rows, size_t n,
                 long long new_offset, double now, struct err *e)
{
    AUTOTXN_BEGIN(st, e);
    int rc = 0, touched_objective = 0;
    long long last_step = -1;
    for (size_t i = 0; i < n && !rc; i++) {
        sqlite3_stmt *s = st_stmt(st, S_METRIC_PUT, e);
        if (!s) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(s, 1, trial);
        sqlite3_bind_text(s, 2, rows[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, rows[i].step);
        if (isfinite(rows[i].value)) sqlite3_bind_double(s, 4, rows[i].value);
        sqlite3_bind_double(s, 5, now);
        rc = st_step_done(st, s, e);
        if (rows[i].step > last_step) last_step = rows[i].step;
        if (st->objective && !strcmp(rows[i].name, st->objective)) touched_objective = 1;
    }
    if (!rc && touched_objective) {
        int which = st->summary_last ? S_OBJ_LAST : st->maximize ? S_OBJ_BEST_MAX : S_OBJ_BEST_MIN;
        sqlite3_stmt *s = st_stmt(st, which, e);
        if (!s) rc = -1;
        else {
            sqlite3_bind_int64(s, 1, trial);
            sqlite3_bind_text(s, 2, st->objective, -1, SQLITE_STATIC);
            rc = st_step_done(st, s, e);
        }
    }
    if (!rc) {
        sqlite3_stmt *s = st_stmt(st, S_OFFSET, e);
        if (!s) rc = -1;
        else {
            sqlite3_bind_int64(s, 1, trial);
            sqlite3_bind_int64(s, 2, new_offset);
            if (n) {
                sqlite3_bind_int64(s, 3, last_step);
                sqlite3_bind_double(s, 4, now);
            }
            rc = st_step_done(st, s, e);
        }
    }
    AUTOTXN_END(st, e, rc);
}


int store_each_metric(struct store *st, store_metric_cb cb, void *ctx, struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT trial, name, step, value, time FROM metrics "
                           "ORDER BY trial, name, step",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int has = sqlite3_column_type(s, 3) != SQLITE_NULL;
        if (cb(sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
               sqlite3_column_int64(s, 2), has, has ? sqlite3_column_double(s, 3) : 0,
               sqlite3_column_double(s, 4), ctx)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return st_db_err(st, e, "read metrics");
    return 0;
}

int store_metric_values(struct store *st, const char *name, store_value_cb cb, void *ctx,
                        struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT trial, step, value FROM metrics WHERE name = ?1 AND value IS "
                           "NOT NULL ORDER BY trial, step",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        cb(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_double(s, 2),
           ctx);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return st_db_err(st, e, "read metric values");
    return 0;
}

int store_metric_since(struct store *st, const char *name, double since, const char *only,
                       store_row_cb cb, void *ctx, struct err *e)
{
    /* trial by trial through the primary key (trial, name, step): a
     * trial's rows of one name are one range, and a trial with no row since
     * `since` (its last_output older) is skipped without reading them */
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT t.id, m.step, m.value, m.time FROM trials t CROSS JOIN metrics "
                           "m ON m.trial = t.id AND m.name = ?1 WHERE m.value IS NOT NULL AND "
                           "(?2 <= 0 OR t.last_output > ?2) AND (?2 <= 0 OR m.time > ?2) AND (?3 IS NULL OR "
                           "instr(?3, ',' || t.id || ',') > 0) ORDER BY t.id, m.step",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 2, since);
    if (only) sqlite3_bind_text(s, 3, only, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        cb(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_double(s, 2),
           sqlite3_column_double(s, 3), ctx);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return st_db_err(st, e, "read metric values");
    return 0;
}

int store_last_steps(struct store *st, long long trial, store_step_cb cb, void *ctx,
                     struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT name, max(step) FROM metrics WHERE trial = ?1 GROUP BY name",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    sqlite3_bind_int64(s, 1, trial);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        cb((const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1), ctx);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return st_db_err(st, e, "read steps");
    return 0;
}

void metric_batch_init(struct metric_batch *b)
{
    memset(b, 0, sizeof *b);
}

void metric_batch_reset(struct metric_batch *b)
{
    for (size_t i = 0; i < b->n; i++) free(b->rows[i].name);
    b->n = 0;
}

void metric_batch_release(struct metric_batch *b)
{
    metric_batch_reset(b);
    free(b->rows);
    metric_batch_init(b);
}

