/* store_trials.c - trial rows: every state change with its event, the
 * counts, and the queries over trials (store.h). */
#include "store/store_int.h"
#include "base/err.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_trial_add(struct store *st, long long id, const char *params_json, struct err *e)
{
    return store_trial_add_rung(st, id, params_json, -1, -1, e);
}

int store_trial_add_rung(struct store *st, long long id, const char *params_json, int rung,
                         long long parent, struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, S_TRIAL_ADD, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, params_json, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 3, util_now());
    if (rung >= 0) sqlite3_bind_int(s, 4, rung);
    else sqlite3_bind_null(s, 4);
    if (parent >= 0) sqlite3_bind_int64(s, 5, parent);
    else sqlite3_bind_null(s, 5);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_gpu(struct store *st, long long id, const char *gpu, double mem_est,
                    struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, S_TRIAL_GPU, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    st_bind_text(s, 2, gpu);
    if (mem_est >= 0) sqlite3_bind_double(s, 3, mem_est);
    else sqlite3_bind_null(s, 3);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_mem(struct store *st, long long id, double mem_est, double mem_peak,
                    struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, mem_peak >= 0 ? S_TRIAL_PEAK : S_TRIAL_MEM_EST, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_double(s, 2, mem_peak >= 0 ? mem_peak : mem_est);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

/* A statement that sets (id, a state, a reason): mark and decide. */
static int set_state_reason(struct store *st, int which, long long id, enum trial_state state,
                            const char *reason, struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, which, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, store_state_name(state), -1, SQLITE_STATIC);
    st_bind_text(s, 3, reason);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_mark(struct store *st, long long id, enum trial_state state, const char *reason,
                     struct err *e)
{
    return set_state_reason(st, S_TRIAL_MARK, id, state, reason, e);
}

int store_trial_start(struct store *st, long long id, const char *argv_json, long long pid,
                      long long pid_start, double started, struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, S_TRIAL_START, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    st_bind_text(s, 2, argv_json);
    sqlite3_bind_int64(s, 3, pid);
    sqlite3_bind_int64(s, 4, pid_start);
    sqlite3_bind_double(s, 5, started);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_set_ref(struct store *st, long long id, const char *ref, const char *state,
                        struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, S_TRIAL_SET_REF, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, ref, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, state, -1, SQLITE_TRANSIENT);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

/* One text column of a trial (the statement's ?2), set. */
static int set_text(struct store *st, int which, long long id, const char *text, struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, which, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, text, -1, SQLITE_TRANSIENT);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_cpus(struct store *st, long long id, const char *cpus, struct err *e)
{
    return set_text(st, S_TRIAL_CPUS, id, cpus, e);
}

int store_trial_exec_state(struct store *st, long long id, const char *state, struct err *e)
{
    return set_text(st, S_TRIAL_EXEC_STATE, id, state, e);
}

int store_trial_started(struct store *st, long long id, double started, struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, S_TRIAL_STARTED, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_double(s, 2, started);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_set_pid(struct store *st, long long id, long long pid, long long pid_start,
                        struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, S_TRIAL_SET_PID, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, pid);
    sqlite3_bind_int64(s, 3, pid_start);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_end(struct store *st, long long id, enum trial_state state, const char *reason,
                    int has_code, int code, int sig, double ended, struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, S_TRIAL_END, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, store_state_name(state), -1, SQLITE_STATIC);
    st_bind_text(s, 3, reason);
    if (has_code) sqlite3_bind_int(s, 4, code);
    if (sig) sqlite3_bind_int(s, 5, sig);
    sqlite3_bind_double(s, 6, ended);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

/* Back to pending by statement which (requeue, or unstart too). */
static int to_pending(struct store *st, int which, long long id, const char *reason,
                      struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, which, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    st_bind_text(s, 2, reason);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_unstart(struct store *st, long long id, const char *reason, struct err *e)
{
    return to_pending(st, S_TRIAL_UNSTART, id, reason, e);
}

int store_trial_requeue(struct store *st, long long id, const char *reason, struct err *e)
{
    return to_pending(st, S_TRIAL_REQUEUE, id, reason, e);
}

int store_trial_fresh(struct store *st, long long id, struct err *e)
{
    AUTOTXN_BEGIN(st, e);
    int rc = -1;
    sqlite3_stmt *s = st_stmt(st, S_TRIAL_FRESH_METRICS, e);
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        rc = st_step_done(st, s, e);
    }
    if (!rc) {
        rc = -1;
        if ((s = st_stmt(st, S_TRIAL_FRESH, e))) {
            sqlite3_bind_int64(s, 1, id);
            rc = st_step_done(st, s, e);
        }
    }
    AUTOTXN_END(st, e, rc);
}


int store_event(struct store *st, long long trial, const char *kind, const char *detail,
                struct err *e)
{
    sqlite3_stmt *s = st_stmt(st, S_EVENT, e);
    if (!s) return -1;
    sqlite3_bind_double(s, 1, util_now());
    if (trial >= 0) sqlite3_bind_int64(s, 2, trial);
    sqlite3_bind_text(s, 3, kind, -1, SQLITE_TRANSIENT);
    st_bind_text(s, 4, detail);
    AUTOTXN_BEGIN(st, e);
    int rc = st_step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_last_events(struct store *st, const char *kind, int n, store_detail_cb cb, void *ctx,
                      struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT detail, time FROM events WHERE kind = ?1 ORDER BY id DESC "
                           "LIMIT ?2",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    sqlite3_bind_text(s, 1, kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, n);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        cb(sqlite3_column_text(s, 0) ? (const char *)sqlite3_column_text(s, 0) : "",
           sqlite3_column_double(s, 1), ctx);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : st_db_err(st, e, "read events");
}

int store_recent_events(struct store *st, long long trial, int n, store_event_cb cb, void *ctx,
                        struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT * FROM (SELECT id, time, trial, kind, detail FROM events WHERE "
                           "?1 < 0 OR trial = ?1 ORDER BY id DESC LIMIT ?2) ORDER BY id",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    sqlite3_bind_int64(s, 1, trial);
    sqlite3_bind_int(s, 2, n);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *d = sqlite3_column_text(s, 4);
        cb(sqlite3_column_int64(s, 0), sqlite3_column_double(s, 1),
           sqlite3_column_type(s, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 2),
           (const char *)sqlite3_column_text(s, 3), d ? (const char *)d : "", ctx);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : st_db_err(st, e, "read events");
}

long long store_event_count(struct store *st, long long trial, const char *kind, struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM events WHERE trial = ?1 AND kind = ?2",
                           -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    sqlite3_bind_int64(s, 1, trial);
    sqlite3_bind_text(s, 2, kind, -1, SQLITE_TRANSIENT);
    long long n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    if (n < 0) return st_db_err(st, e, "count events");
    return n;
}

int store_counts(struct store *st, long long counts[TRIAL_NSTATES], struct err *e)
{
    sqlite3_stmt *s;
    for (int i = 0; i < TRIAL_NSTATES; i++) counts[i] = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT state, count(*) FROM trials GROUP BY state", -1, &s,
                           NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int k = store_state_parse((const char *)sqlite3_column_text(s, 0));
        if (k >= 0) counts[k] = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return st_db_err(st, e, "count trials");
    return 0;
}

long long store_max_trial(struct store *st, struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT max(id) FROM trials", -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare"), -2;
    long long v = -1;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* A version 1 store (opened read-only by a newer sweep) has no rung and parent. */
#define TRIAL_COLS_V1 \
    "id, params, argv, state, reason, attempts, pid, queued, started, ended, exit_code, " \
    "exit_signal, log_offset, objective, objective_step, last_step, last_output, pid_start, gpu, "
#define TRIAL_COLS(st)                                                                      \
    ((st)->version >= 8   ? TRIAL_COLS_V1 "rung, parent, mem_est, mem_peak, stop_state, "     \
                                          "stop_reason, exec_ref, exec_state, cpus"         \
     : (st)->version >= 7 ? TRIAL_COLS_V1 "rung, parent, mem_est, mem_peak, stop_state, "     \
                                          "stop_reason, exec_ref, exec_state, NULL"         \
     : (st)->version >= 6 ? TRIAL_COLS_V1 "rung, parent, mem_est, mem_peak, stop_state, "     \
                                          "stop_reason, CAST(NULLIF(job_id, 0) AS TEXT), "   \
                                          "job_state, NULL"                                 \
     : (st)->version >= 5 ? TRIAL_COLS_V1 "rung, parent, mem_est, mem_peak, stop_state, "     \
                                          "stop_reason, NULL, NULL, NULL"                   \
     : (st)->version >= 3 ? TRIAL_COLS_V1 "rung, parent, mem_est, mem_peak, NULL, NULL, "     \
                                          "NULL, NULL, NULL"                                \
     : (st)->version >= 2 ? TRIAL_COLS_V1 "rung, parent, NULL, NULL, NULL, NULL, NULL, NULL, " \
                                          "NULL"                                            \
                          : TRIAL_COLS_V1 "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL")

static void read_trial(sqlite3_stmt *s, struct trial_row *t)
{
    memset(t, 0, sizeof *t);
    t->id = sqlite3_column_int64(s, 0);
    t->params = st_col_text(s, 1);
    t->argv = st_col_text(s, 2);
    int k = store_state_parse((const char *)sqlite3_column_text(s, 3));
    t->state = k < 0 ? TRIAL_PENDING : (enum trial_state)k;
    t->reason = st_col_text(s, 4);
    t->attempts = sqlite3_column_int(s, 5);
    t->pid = sqlite3_column_int64(s, 6);
    t->queued = sqlite3_column_double(s, 7);
    t->started = sqlite3_column_double(s, 8);
    t->ended = sqlite3_column_double(s, 9);
    t->has_exit_code = sqlite3_column_type(s, 10) != SQLITE_NULL;
    t->exit_code = sqlite3_column_int(s, 10);
    t->exit_signal = sqlite3_column_int(s, 11);
    t->log_offset = sqlite3_column_int64(s, 12);
    t->has_objective = sqlite3_column_type(s, 13) != SQLITE_NULL;
    t->objective = sqlite3_column_double(s, 13);
    t->objective_step = sqlite3_column_int64(s, 14);
    t->last_step = sqlite3_column_type(s, 15) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 15);
    t->last_output = sqlite3_column_double(s, 16);
    t->pid_start = sqlite3_column_int64(s, 17);
    t->gpu = st_col_text(s, 18);
    t->rung = sqlite3_column_type(s, 19) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 19);
    t->parent = sqlite3_column_type(s, 20) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 20);
    t->mem_est = sqlite3_column_type(s, 21) == SQLITE_NULL ? -1 : sqlite3_column_double(s, 21);
    t->mem_peak = sqlite3_column_type(s, 22) == SQLITE_NULL ? -1 : sqlite3_column_double(s, 22);
    t->stop_state = store_state_parse((const char *)sqlite3_column_text(s, 23));
    t->stop_reason = st_col_text(s, 24);
    t->exec_ref = st_col_text(s, 25);
    t->exec_state = st_col_text(s, 26);
    t->cpus = st_col_text(s, 27);
}

void trial_row_release(struct trial_row *t)
{
    free(t->params);
    free(t->argv);
    free(t->reason);
    free(t->gpu);
    free(t->stop_reason);
    free(t->exec_ref);
    free(t->exec_state);
    free(t->cpus);
    memset(t, 0, sizeof *t);
}

int store_get_trial(struct store *st, long long id, struct trial_row *t, struct err *e)
{
    sqlite3_stmt *s;
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s FROM trials WHERE id = ?1", TRIAL_COLS(st));
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) {
        read_trial(s, t);
        found = 1;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return st_db_err(st, e, "read trial");
    return found;
}

/* Steps s (a SELECT of TRIAL_COLS) to its end or until cb returns
 * non-zero, then finalizes it. */
static int each_row(struct store *st, sqlite3_stmt *s, store_trial_cb cb, void *ctx,
                    struct err *e)
{
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct trial_row t;
        read_trial(s, &t);
        int stop = cb(&t, ctx);
        trial_row_release(&t);
        if (stop) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : st_db_err(st, e, "read trials");
}

int store_each_trial(struct store *st, enum store_order order, int state, long long limit,
                     store_trial_cb cb, void *ctx, struct err *e)
{
    /* Rank: completed trials first, then running, pruned (the furthest
     * first: by their last step), stopped, failed, pending; within a group by
     * the objective (trials without one last), then by id. Halving and
     * hyperband: trials that ran at a larger budget first in each group;
     * by configuration, a trial pruned at its rung ranks with the completed
     * ones (it got as far as its rung took it). */
    char sql[1400];
    const char *dir = "ASC";
    int rank = order != ORDER_ID, configs = order == ORDER_CONFIGS && st->version >= 2;
    sqlite3_stmt *g;
    if (rank &&
        sqlite3_prepare_v2(st->db, "SELECT goal FROM sweep WHERE id = 1", -1, &g, NULL) ==
            SQLITE_OK) {
        if (sqlite3_step(g) == SQLITE_ROW) {
            const char *goal = (const char *)sqlite3_column_text(g, 0);
            if (goal && !strcmp(goal, "maximize")) dir = "DESC";
        }
        sqlite3_finalize(g);
    }
    const char *where = state >= 0 ? "WHERE state = ?1" : "";
    if (configs)
        /* NOT IN a list made once (NOT EXISTS with no index on parent read the
         * whole table for each trial: 7 s for 10,000 trials) */
        where = state >= 0 ? "WHERE state = ?1 AND id NOT IN (SELECT parent FROM trials WHERE "
                             "parent IS NOT NULL)"
                           : "WHERE id NOT IN (SELECT parent FROM trials WHERE parent IS NOT "
                             "NULL)";
    snprintf(sql, sizeof sql, "SELECT %s FROM trials %s ORDER BY %s%s%s%s%s%s LIMIT ?2",
             TRIAL_COLS(st), where,
             !rank ? ""
             : configs
                 ? "CASE state WHEN 'completed' THEN 0 WHEN 'pruned' THEN (CASE WHEN rung IS "
                   "NULL THEN 2 ELSE 0 END) WHEN 'running' THEN 1 WHEN 'stopped' THEN 3 WHEN "
                   "'failed' THEN 4 ELSE 5 END, "
                 : "CASE state WHEN 'completed' THEN 0 WHEN 'running' THEN 1 WHEN 'pruned' THEN "
                   "2 WHEN 'stopped' THEN 3 WHEN 'failed' THEN 4 ELSE 5 END, ",
             rank && st->version >= 2 ? "-coalesce(rung, 0), " : "",
             /* pruned trials: the furthest first (by configuration: those
              * that ended at a rung rank by their objective there) */
             !rank     ? ""
             : configs ? "CASE WHEN state = 'pruned' AND rung IS NULL THEN -coalesce(last_step, "
                         "0) ELSE 0 END, "
                       : "CASE state WHEN 'pruned' THEN -coalesce(last_step, 0) ELSE 0 END, ",
             rank ? "objective IS NULL, objective " : "id",
             rank ? dir : "", rank ? ", id" : "");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    if (state >= 0) sqlite3_bind_text(s, 1, store_state_name(state), -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
    return each_row(st, s, cb, ctx, e);
}

int store_trials_since(struct store *st, double since, store_trial_cb cb, void *ctx,
                       struct err *e)
{
    char sql[800];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM trials WHERE state = 'running' OR queued > ?1 OR started > ?1 OR "
             "ended > ?1 OR last_output > ?1 ORDER BY id",
             TRIAL_COLS(st));
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    sqlite3_bind_double(s, 1, since);
    return each_row(st, s, cb, ctx, e);
}

int store_trial_decide(struct store *st, long long id, enum trial_state state,
                       const char *reason, struct err *e)
{
    return set_state_reason(st, S_TRIAL_DECIDE, id, state, reason, e);
}
