/* store_int.h - what the files of the store share: the connection, its
 * prepared statements and the helpers around SQLite. Not for other
 * modules: they use store.h. Only these files know SQL.
 *
 *   store.c          schema and migrations, opening, transactions, the sweep
 *   store_trials.c   trial rows, events, counts, queries over trials
 *   store_metrics.c  metric rows (ingest with the log offset), their queries */
#ifndef SWEEP_STORE_INT_H
#define SWEEP_STORE_INT_H

#include "store/store.h"

#include <sqlite3.h>

enum {
    S_TRIAL_ADD,
    S_TRIAL_START,
    S_TRIAL_SET_PID,
    S_TRIAL_SET_REF,
    S_TRIAL_EXEC_STATE,
    S_TRIAL_CPUS,
    S_TRIAL_STARTED,
    S_TRIAL_END,
    S_TRIAL_REQUEUE,
    S_TRIAL_UNSTART,
    S_TRIAL_DECIDE,
    S_TRIAL_FRESH_METRICS,
    S_TRIAL_FRESH,
    S_METRIC_PUT,
    S_OFFSET,
    S_OBJ_BEST_MAX,
    S_OBJ_BEST_MIN,
    S_OBJ_LAST,
    S_EVENT,
    S_TRIAL_MARK,
    S_TRIAL_GPU,
    S_TRIAL_PEAK,
    S_TRIAL_MEM_EST,
    S_COUNT
};


extern const char *const store_sql[S_COUNT];

struct store {
    sqlite3 *db;
    long crash_countdown;     /* tests: SIGKILL before this many-th COMMIT (0: never) */
    long crash_after;         /* tests: SIGKILL just after this many-th COMMIT (0: never) */
    sqlite3_stmt *stmt[S_COUNT];
    int in_txn;               /* an explicit store_begin is open */
    char *objective;
    int maximize, summary_last;
    int version;              /* the schema's user_version */
    char *path;               /* the file, as opened */
    unsigned long long dev, ino; /* its identity when opened (store_check) */
};

/* SQLite's message, with the system's when there is one. -1. */
int st_db_err(struct store *st, struct err *e, const char *what);
int st_exec(struct store *st, const char *sql, struct err *e);
/* The prepared statement `which`, reset and unbound; NULL on error. */
sqlite3_stmt *st_stmt(struct store *st, int which, struct err *e);
int st_step_done(struct store *st, sqlite3_stmt *s, struct err *e);
void st_bind_text(sqlite3_stmt *s, int i, const char *t); /* NULL binds NULL */
char *st_col_text(sqlite3_stmt *s, int i);                 /* new, or NULL */

/* Runs a single-statement change in its own transaction unless one is open. */
#define AUTOTXN_BEGIN(st, e) \
    int own_ = !(st)->in_txn; \
    if (own_ && store_begin(st, e)) return -1;
#define AUTOTXN_END(st, e, rc) \
    do { \
        if (own_) { \
            if (rc) store_rollback(st); \
            else if (store_commit(st, e)) return -1; \
        } \
        return rc; \
    } while (0)

#endif
