/* store.c - SQLite behind store.h. The schema is docs/schema.md; change
 * both together, and add a migration step for every new user_version. */
#include "store/store.h"
#include "base/err.h"
#include "base/util.h"

#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const STATE_NAMES[] = {"pending", "running", "completed",
                                          "failed",  "pruned",  "stopped"};

const char *store_state_name(enum trial_state s)
{
    return STATE_NAMES[s];
}

int store_state_parse(const char *name)
{
    for (int i = 0; i < TRIAL_NSTATES; i++)
        if (name && !strcmp(name, STATE_NAMES[i])) return i;
    return -1;
}

static const char SCHEMA_V1[] =
    "CREATE TABLE sweep (\n"
    "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  spec_path TEXT NOT NULL,\n"
    "  spec_text TEXT NOT NULL,\n"
    "  spec_hash TEXT NOT NULL,\n"
    "  cwd TEXT NOT NULL,\n"
    "  method TEXT NOT NULL,\n"
    "  objective TEXT,\n"
    "  goal TEXT CHECK (goal IN ('minimize', 'maximize')),\n"
    "  summary TEXT NOT NULL CHECK (summary IN ('best', 'last')),\n"
    "  total INTEGER,\n"
    "  seed INTEGER NOT NULL,\n"
    "  created REAL NOT NULL,\n"
    "  version TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE trials (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  params TEXT NOT NULL,\n"
    "  argv TEXT,\n"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN\n"
    "    ('pending', 'running', 'completed', 'failed', 'pruned', 'stopped')),\n"
    "  reason TEXT,\n"
    "  attempts INTEGER NOT NULL DEFAULT 0,\n"
    "  gpu TEXT,\n"
    "  pid INTEGER,\n"
    "  pid_start INTEGER,\n"
    "  queued REAL NOT NULL,\n"
    "  started REAL,\n"
    "  ended REAL,\n"
    "  exit_code INTEGER,\n"
    "  exit_signal INTEGER,\n"
    "  log_offset INTEGER NOT NULL DEFAULT 0,\n"
    "  objective REAL,\n"
    "  objective_step INTEGER,\n"
    "  last_step INTEGER,\n"
    "  last_output REAL\n"
    ");\n"
    "CREATE INDEX trials_by_state ON trials (state);\n"
    "CREATE INDEX trials_by_objective ON trials (objective);\n"
    "CREATE TABLE metrics (\n"
    "  trial INTEGER NOT NULL REFERENCES trials (id),\n"
    "  name TEXT NOT NULL,\n"
    "  step INTEGER NOT NULL,\n"
    "  value REAL,\n"
    "  time REAL NOT NULL,\n"
    "  PRIMARY KEY (trial, name, step)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE events (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  time REAL NOT NULL,\n"
    "  trial INTEGER,\n"
    "  kind TEXT NOT NULL,\n"
    "  detail TEXT\n"
    ");\n";

/* v2: successive halving and hyperband. rung: the budget level a trial
 * ran at (0 = the smallest budget); parent: the trial of the same
 * configuration at the level before, which this one was promoted from. */
static const char MIGRATE_V2[] =
    "ALTER TABLE trials ADD COLUMN rung INTEGER;\n"
    "ALTER TABLE trials ADD COLUMN parent INTEGER;\n";

/* v3: GPU packing. mem_est: the memory (MiB) reserved for the trial on its
 * GPU; mem_peak: the most it was seen using. */
static const char MIGRATE_V3[] =
    "ALTER TABLE trials ADD COLUMN mem_est REAL;\n"
    "ALTER TABLE trials ADD COLUMN mem_peak REAL;\n";

enum {
    S_TRIAL_ADD,
    S_TRIAL_START,
    S_TRIAL_SET_PID,
    S_TRIAL_END,
    S_TRIAL_REQUEUE,
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

static const char *const SQL[S_COUNT] = {
    [S_TRIAL_ADD] = "INSERT INTO trials (id, params, state, queued, rung, parent) "
                    "VALUES (?1, ?2, 'pending', ?3, ?4, ?5)",
    [S_TRIAL_MARK] = "UPDATE trials SET state = ?2, reason = ?3 WHERE id = ?1",
    [S_TRIAL_GPU] = "UPDATE trials SET gpu = ?2, mem_est = ?3 WHERE id = ?1",
    [S_TRIAL_PEAK] = "UPDATE trials SET mem_peak = ?2 WHERE id = ?1 AND (mem_peak IS NULL OR mem_peak < ?2)",
    [S_TRIAL_MEM_EST] = "UPDATE trials SET mem_est = ?2 WHERE id = ?1",
    [S_TRIAL_START] = "UPDATE trials SET state = 'running', reason = NULL, argv = ?2, pid = ?3, "
                      "pid_start = ?4, started = ?5, ended = NULL, exit_code = NULL, "
                      "exit_signal = NULL, attempts = attempts + 1 WHERE id = ?1",
    [S_TRIAL_SET_PID] = "UPDATE trials SET pid = ?2, pid_start = ?3 WHERE id = ?1",
    [S_TRIAL_END] = "UPDATE trials SET state = ?2, reason = ?3, exit_code = ?4, exit_signal = ?5, "
                    "ended = ?6 WHERE id = ?1",
    [S_TRIAL_REQUEUE] = "UPDATE trials SET state = 'pending', reason = ?2, log_offset = 0, "
                        "pid = NULL, pid_start = NULL WHERE id = ?1",
    [S_TRIAL_FRESH_METRICS] = "DELETE FROM metrics WHERE trial = ?1",
    [S_TRIAL_FRESH] = "UPDATE trials SET objective = NULL, objective_step = NULL, "
                      "last_step = NULL, last_output = NULL WHERE id = ?1",
    [S_METRIC_PUT] = "INSERT INTO metrics (trial, name, step, value, time) VALUES (?1, ?2, ?3, ?4, "
                     "?5) ON CONFLICT (trial, name, step) DO UPDATE SET value = excluded.value, "
                     "time = excluded.time",
    [S_OFFSET] = "UPDATE trials SET log_offset = ?2, last_step = coalesce(?3, last_step), "
                 "last_output = coalesce(?4, last_output) WHERE id = ?1",
    /* ties go to the earliest step */
    [S_OBJ_BEST_MAX] = "UPDATE trials SET (objective, objective_step) = (SELECT value, step FROM "
                       "metrics WHERE trial = ?1 AND name = ?2 AND value IS NOT NULL ORDER BY "
                       "value DESC, step ASC LIMIT 1) WHERE id = ?1",
    [S_OBJ_BEST_MIN] = "UPDATE trials SET (objective, objective_step) = (SELECT value, step FROM "
                       "metrics WHERE trial = ?1 AND name = ?2 AND value IS NOT NULL ORDER BY "
                       "value ASC, step ASC LIMIT 1) WHERE id = ?1",
    [S_OBJ_LAST] = "UPDATE trials SET (objective, objective_step) = (SELECT value, step FROM "
                   "metrics WHERE trial = ?1 AND name = ?2 ORDER BY step DESC LIMIT 1) WHERE id = "
                   "?1",
    [S_EVENT] = "INSERT INTO events (time, trial, kind, detail) VALUES (?1, ?2, ?3, ?4)",
};

struct store {
    sqlite3 *db;
    long crash_countdown;     /* tests: SIGKILL before this many-th COMMIT (0: never) */
    sqlite3_stmt *stmt[S_COUNT];
    int in_txn;               /* an explicit store_begin is open */
    char *objective;
    int maximize, summary_last;
    int version;              /* the schema's user_version */
};

/* SQLite's message, with the system's when there is one ("disk I/O
 * error: File too large"). */
static int db_err(struct store *st, struct err *e, const char *what)
{
    int sys = sqlite3_system_errno(st->db), ext = sqlite3_extended_errcode(st->db);
    if (sys && sqlite3_errcode(st->db) != SQLITE_OK)
        return err_set(e, "%s: %s: %s", what, sqlite3_errmsg(st->db), strerror(sys));
    if (ext == SQLITE_FULL || ext == SQLITE_IOERR_WRITE || ext == SQLITE_IOERR_SHMSIZE ||
        ext == SQLITE_IOERR_TRUNCATE)
        return err_set(e, "%s: %s while writing the store: is the disk full, or a file size "
                          "limit (ulimit -f) reached?",
                       what, sqlite3_errmsg(st->db));
    return err_set(e, "%s: %s", what, sqlite3_errmsg(st->db));
}

static int exec(struct store *st, const char *sql, struct err *e)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) return db_err(st, e, "sqlite");
    return 0;
}

static sqlite3_stmt *stmt(struct store *st, int which, struct err *e)
{
    if (!st->stmt[which] &&
        sqlite3_prepare_v3(st->db, SQL[which], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[which],
                           NULL) != SQLITE_OK) {
        db_err(st, e, "prepare");
        return NULL;
    }
    sqlite3_reset(st->stmt[which]);
    sqlite3_clear_bindings(st->stmt[which]);
    return st->stmt[which];
}

static int step_done(struct store *st, sqlite3_stmt *s, struct err *e)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return db_err(st, e, "sqlite");
    return 0;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *t)
{
    if (t) sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(s, i);
}

static int migrate(struct store *st, struct err *e)
{
    sqlite3_stmt *s;
    int version = 0;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return db_err(st, e, "user_version");
    if (sqlite3_step(s) == SQLITE_ROW) version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (version > STORE_SCHEMA_VERSION)
        return err_usage(e, "sweep.db has schema version %d; this sweep knows up to %d: use a "
                            "newer sweep",
                         version, STORE_SCHEMA_VERSION);
    st->version = STORE_SCHEMA_VERSION;
    if (version == STORE_SCHEMA_VERSION) return 0;
    if (exec(st, "BEGIN IMMEDIATE", e)) return -1;
    if (version < 1 && exec(st, SCHEMA_V1, e)) goto fail;
    if (version < 2 && exec(st, MIGRATE_V2, e)) goto fail;
    if (version < 3 && exec(st, MIGRATE_V3, e)) goto fail;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
    if (exec(st, pragma, e) || exec(st, "COMMIT", e)) goto fail;
    return 0;
fail:
    exec(st, "ROLLBACK", NULL);
    return -1;
}

static struct store *open_db(const char *path, int flags, struct err *e)
{
    struct store *st = xcalloc(1, sizeof *st);
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        err_set(e, "open %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, 10000);
    sqlite3_extended_result_codes(st->db, 1);
    return st;
}

struct store *store_open(const char *path, int create, struct err *e)
{
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    struct store *st = open_db(path, flags, e);
    if (!st) return NULL;
    /* NORMAL in WAL mode: a commit survives a crash of sweep (kill -9);
     * only a power loss can take back the last transactions. */
    if (exec(st, "PRAGMA journal_mode = WAL", e) || exec(st, "PRAGMA synchronous = NORMAL", e) ||
        exec(st, "PRAGMA foreign_keys = ON", e) || migrate(st, e)) {
        store_close(st);
        return NULL;
    }
    const char *crash = getenv("SWEEP_TEST_CRASH_BEFORE_COMMIT");
    if (crash) st->crash_countdown = strtol(crash, NULL, 10);
    return st;
}

struct store *store_open_ro(const char *path, struct err *e)
{
    struct store *st = open_db(path, SQLITE_OPEN_READONLY, e);
    if (!st) return NULL;
    sqlite3_stmt *s;
    int version = -1;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW) version = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    st->version = version;
    if (version < 1 || version > STORE_SCHEMA_VERSION) {
        if (version < 1) err_usage(e, "%s is not a sweep store", path);
        else err_usage(e, "%s has schema version %d; this sweep knows up to %d", path, version,
                       STORE_SCHEMA_VERSION);
        store_close(st);
        return NULL;
    }
    return st;
}

void store_close(struct store *st)
{
    if (!st) return;
    for (int i = 0; i < S_COUNT; i++) sqlite3_finalize(st->stmt[i]);
    sqlite3_close(st->db);
    free(st->objective);
    free(st);
}

void store_set_objective(struct store *st, const char *name, int maximize, int summary_last)
{
    free(st->objective);
    st->objective = name ? xstrdup(name) : NULL;
    st->maximize = maximize;
    st->summary_last = summary_last;
}

int store_begin(struct store *st, struct err *e)
{
    if (exec(st, "BEGIN IMMEDIATE", e)) return -1;
    st->in_txn = 1;
    return 0;
}

int store_commit(struct store *st, struct err *e)
{
    /* Test-only fault point: SWEEP_TEST_CRASH_BEFORE_COMMIT=N kills the
     * process, inside the open transaction, just before its Nth commit. */
    if (st->crash_countdown > 0 && --st->crash_countdown == 0) raise(SIGKILL);
    st->in_txn = 0;
    if (exec(st, "COMMIT", e)) {
        exec(st, "ROLLBACK", NULL);
        return -1;
    }
    return 0;
}

void store_rollback(struct store *st)
{
    st->in_txn = 0;
    exec(st, "ROLLBACK", NULL);
}

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

void store_sweep_release(struct store_sweep *s)
{
    free(s->spec_path);
    free(s->spec_text);
    free(s->spec_hash);
    free(s->cwd);
    free(s->method);
    free(s->objective);
    free(s->version);
    memset(s, 0, sizeof *s);
}

int store_init_sweep(struct store *st, const struct store_sweep *w, struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO sweep (id, spec_path, spec_text, spec_hash, cwd, method, "
                           "objective, goal, summary, total, seed, created, version) VALUES (1, "
                           "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                           -1, &s, NULL) != SQLITE_OK)
        return db_err(st, e, "prepare");
    sqlite3_bind_text(s, 1, w->spec_path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, w->spec_text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, w->spec_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, w->cwd, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, w->method, -1, SQLITE_TRANSIENT);
    bind_text_or_null(s, 6, w->objective);
    bind_text_or_null(s, 7, w->objective ? (w->maximize ? "maximize" : "minimize") : NULL);
    sqlite3_bind_text(s, 8, w->summary_last ? "last" : "best", -1, SQLITE_STATIC);
    if (w->total >= 0) sqlite3_bind_int64(s, 9, w->total);
    sqlite3_bind_int64(s, 10, w->seed);
    sqlite3_bind_double(s, 11, w->created);
    sqlite3_bind_text(s, 12, w->version, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return db_err(st, e, "init sweep");
    return 0;
}

int store_update_spec(struct store *st, const char *path, const char *text, const char *hash,
                      long long total, struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "UPDATE sweep SET spec_path = ?1, spec_text = ?2, spec_hash = ?3, "
                           "total = ?4 WHERE id = 1",
                           -1, &s, NULL) != SQLITE_OK)
        return db_err(st, e, "prepare");
    sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, hash, -1, SQLITE_TRANSIENT);
    if (total >= 0) sqlite3_bind_int64(s, 4, total);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return db_err(st, e, "update sweep");
    return 0;
}

static char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? xstrdup((const char *)t) : NULL;
}

int store_get_sweep(struct store *st, struct store_sweep *w, struct err *e)
{
    sqlite3_stmt *s;
    memset(w, 0, sizeof *w);
    if (sqlite3_prepare_v2(st->db,
                           "SELECT spec_path, spec_text, spec_hash, cwd, method, objective, goal, "
                           "summary, total, seed, created, version FROM sweep WHERE id = 1",
                           -1, &s, NULL) != SQLITE_OK)
        return db_err(st, e, "prepare");
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(s);
        return 1;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        return db_err(st, e, "read sweep");
    }
    w->spec_path = col_text(s, 0);
    w->spec_text = col_text(s, 1);
    w->spec_hash = col_text(s, 2);
    w->cwd = col_text(s, 3);
    w->method = col_text(s, 4);
    w->objective = col_text(s, 5);
    const char *goal = (const char *)sqlite3_column_text(s, 6);
    w->maximize = goal && !strcmp(goal, "maximize");
    const char *sum = (const char *)sqlite3_column_text(s, 7);
    w->summary_last = sum && !strcmp(sum, "last");
    w->total = sqlite3_column_type(s, 8) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 8);
    w->seed = sqlite3_column_int64(s, 9);
    w->created = sqlite3_column_double(s, 10);
    w->version = col_text(s, 11);
    sqlite3_finalize(s);
    return 0;
}

int store_trial_add(struct store *st, long long id, const char *params_json, struct err *e)
{
    return store_trial_add_rung(st, id, params_json, -1, -1, e);
}

int store_trial_add_rung(struct store *st, long long id, const char *params_json, int rung,
                         long long parent, struct err *e)
{
    sqlite3_stmt *s = stmt(st, S_TRIAL_ADD, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, params_json, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 3, util_now());
    if (rung >= 0) sqlite3_bind_int(s, 4, rung);
    else sqlite3_bind_null(s, 4);
    if (parent >= 0) sqlite3_bind_int64(s, 5, parent);
    else sqlite3_bind_null(s, 5);
    AUTOTXN_BEGIN(st, e);
    int rc = step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_gpu(struct store *st, long long id, const char *gpu, double mem_est,
                    struct err *e)
{
    sqlite3_stmt *s = stmt(st, S_TRIAL_GPU, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    bind_text_or_null(s, 2, gpu);
    if (mem_est >= 0) sqlite3_bind_double(s, 3, mem_est);
    else sqlite3_bind_null(s, 3);
    AUTOTXN_BEGIN(st, e);
    int rc = step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_mem(struct store *st, long long id, double mem_est, double mem_peak,
                    struct err *e)
{
    sqlite3_stmt *s = stmt(st, mem_peak >= 0 ? S_TRIAL_PEAK : S_TRIAL_MEM_EST, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_double(s, 2, mem_peak >= 0 ? mem_peak : mem_est);
    AUTOTXN_BEGIN(st, e);
    int rc = step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_mark(struct store *st, long long id, enum trial_state state, const char *reason,
                     struct err *e)
{
    sqlite3_stmt *s = stmt(st, S_TRIAL_MARK, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, STATE_NAMES[state], -1, SQLITE_STATIC);
    bind_text_or_null(s, 3, reason);
    AUTOTXN_BEGIN(st, e);
    int rc = step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_start(struct store *st, long long id, const char *argv_json, long long pid,
                      long long pid_start, double started, struct err *e)
{
    sqlite3_stmt *s = stmt(st, S_TRIAL_START, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    bind_text_or_null(s, 2, argv_json);
    sqlite3_bind_int64(s, 3, pid);
    sqlite3_bind_int64(s, 4, pid_start);
    sqlite3_bind_double(s, 5, started);
    AUTOTXN_BEGIN(st, e);
    int rc = step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_set_pid(struct store *st, long long id, long long pid, long long pid_start,
                        struct err *e)
{
    sqlite3_stmt *s = stmt(st, S_TRIAL_SET_PID, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, pid);
    sqlite3_bind_int64(s, 3, pid_start);
    AUTOTXN_BEGIN(st, e);
    int rc = step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_end(struct store *st, long long id, enum trial_state state, const char *reason,
                    int has_code, int code, int sig, double ended, struct err *e)
{
    sqlite3_stmt *s = stmt(st, S_TRIAL_END, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, STATE_NAMES[state], -1, SQLITE_STATIC);
    bind_text_or_null(s, 3, reason);
    if (has_code) sqlite3_bind_int(s, 4, code);
    if (sig) sqlite3_bind_int(s, 5, sig);
    sqlite3_bind_double(s, 6, ended);
    AUTOTXN_BEGIN(st, e);
    int rc = step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_requeue(struct store *st, long long id, const char *reason, struct err *e)
{
    sqlite3_stmt *s = stmt(st, S_TRIAL_REQUEUE, e);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    bind_text_or_null(s, 2, reason);
    AUTOTXN_BEGIN(st, e);
    int rc = step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_trial_fresh(struct store *st, long long id, struct err *e)
{
    AUTOTXN_BEGIN(st, e);
    int rc = -1;
    sqlite3_stmt *s = stmt(st, S_TRIAL_FRESH_METRICS, e);
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        rc = step_done(st, s, e);
    }
    if (!rc) {
        rc = -1;
        if ((s = stmt(st, S_TRIAL_FRESH, e))) {
            sqlite3_bind_int64(s, 1, id);
            rc = step_done(st, s, e);
        }
    }
    AUTOTXN_END(st, e, rc);
}

int store_ingest(struct store *st, long long trial, const struct metric *rows, size_t n,
                 long long new_offset, double now, struct err *e)
{
    AUTOTXN_BEGIN(st, e);
    int rc = 0, touched_objective = 0;
    long long last_step = -1;
    for (size_t i = 0; i < n && !rc; i++) {
        sqlite3_stmt *s = stmt(st, S_METRIC_PUT, e);
        if (!s) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(s, 1, trial);
        sqlite3_bind_text(s, 2, rows[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, rows[i].step);
        if (isfinite(rows[i].value)) sqlite3_bind_double(s, 4, rows[i].value);
        sqlite3_bind_double(s, 5, now);
        rc = step_done(st, s, e);
        if (rows[i].step > last_step) last_step = rows[i].step;
        if (st->objective && !strcmp(rows[i].name, st->objective)) touched_objective = 1;
    }
    if (!rc && touched_objective) {
        int which = st->summary_last ? S_OBJ_LAST : st->maximize ? S_OBJ_BEST_MAX : S_OBJ_BEST_MIN;
        sqlite3_stmt *s = stmt(st, which, e);
        if (!s) rc = -1;
        else {
            sqlite3_bind_int64(s, 1, trial);
            sqlite3_bind_text(s, 2, st->objective, -1, SQLITE_STATIC);
            rc = step_done(st, s, e);
        }
    }
    if (!rc) {
        sqlite3_stmt *s = stmt(st, S_OFFSET, e);
        if (!s) rc = -1;
        else {
            sqlite3_bind_int64(s, 1, trial);
            sqlite3_bind_int64(s, 2, new_offset);
            if (n) {
                sqlite3_bind_int64(s, 3, last_step);
                sqlite3_bind_double(s, 4, now);
            }
            rc = step_done(st, s, e);
        }
    }
    AUTOTXN_END(st, e, rc);
}

int store_event(struct store *st, long long trial, const char *kind, const char *detail,
                struct err *e)
{
    sqlite3_stmt *s = stmt(st, S_EVENT, e);
    if (!s) return -1;
    sqlite3_bind_double(s, 1, util_now());
    if (trial >= 0) sqlite3_bind_int64(s, 2, trial);
    sqlite3_bind_text(s, 3, kind, -1, SQLITE_TRANSIENT);
    bind_text_or_null(s, 4, detail);
    AUTOTXN_BEGIN(st, e);
    int rc = step_done(st, s, e);
    AUTOTXN_END(st, e, rc);
}

int store_counts(struct store *st, long long counts[TRIAL_NSTATES], struct err *e)
{
    sqlite3_stmt *s;
    for (int i = 0; i < TRIAL_NSTATES; i++) counts[i] = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT state, count(*) FROM trials GROUP BY state", -1, &s,
                           NULL) != SQLITE_OK)
        return db_err(st, e, "prepare");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int k = store_state_parse((const char *)sqlite3_column_text(s, 0));
        if (k >= 0) counts[k] = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return db_err(st, e, "count trials");
    return 0;
}

long long store_max_trial(struct store *st, struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT max(id) FROM trials", -1, &s, NULL) != SQLITE_OK)
        return db_err(st, e, "prepare"), -2;
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
#define TRIAL_COLS(st)                                                                  \
    ((st)->version >= 3   ? TRIAL_COLS_V1 "rung, parent, mem_est, mem_peak"             \
     : (st)->version >= 2 ? TRIAL_COLS_V1 "rung, parent, NULL, NULL"                    \
                          : TRIAL_COLS_V1 "NULL, NULL, NULL, NULL")

static void read_trial(sqlite3_stmt *s, struct trial_row *t)
{
    memset(t, 0, sizeof *t);
    t->id = sqlite3_column_int64(s, 0);
    t->params = col_text(s, 1);
    t->argv = col_text(s, 2);
    int k = store_state_parse((const char *)sqlite3_column_text(s, 3));
    t->state = k < 0 ? TRIAL_PENDING : (enum trial_state)k;
    t->reason = col_text(s, 4);
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
    t->gpu = col_text(s, 18);
    t->rung = sqlite3_column_type(s, 19) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 19);
    t->parent = sqlite3_column_type(s, 20) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 20);
    t->mem_est = sqlite3_column_type(s, 21) == SQLITE_NULL ? -1 : sqlite3_column_double(s, 21);
    t->mem_peak = sqlite3_column_type(s, 22) == SQLITE_NULL ? -1 : sqlite3_column_double(s, 22);
}

void trial_row_release(struct trial_row *t)
{
    free(t->params);
    free(t->argv);
    free(t->reason);
    free(t->gpu);
    memset(t, 0, sizeof *t);
}

int store_get_trial(struct store *st, long long id, struct trial_row *t, struct err *e)
{
    sqlite3_stmt *s;
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s FROM trials WHERE id = ?1", TRIAL_COLS(st));
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return db_err(st, e, "prepare");
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) {
        read_trial(s, t);
        found = 1;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_err(st, e, "read trial");
    return found;
}

int store_each_trial(struct store *st, enum store_order order, int state, long long limit,
                     store_trial_cb cb, void *ctx, struct err *e)
{
    /* Rank: completed trials first, then running, pruned (the furthest
     * first: by their last step), stopped, failed, pending; within a group by
     * the objective (trials without one last), then by id. */
    char sql[1024];
    const char *dir = "ASC";
    sqlite3_stmt *g;
    if (order == ORDER_RANK &&
        sqlite3_prepare_v2(st->db, "SELECT goal FROM sweep WHERE id = 1", -1, &g, NULL) ==
            SQLITE_OK) {
        if (sqlite3_step(g) == SQLITE_ROW) {
            const char *goal = (const char *)sqlite3_column_text(g, 0);
            if (goal && !strcmp(goal, "maximize")) dir = "DESC";
        }
        sqlite3_finalize(g);
    }
    snprintf(sql, sizeof sql,
             "SELECT %s FROM trials %s ORDER BY %s%s%s%s%s LIMIT ?2", TRIAL_COLS(st),
             state >= 0 ? "WHERE state = ?1" : "",
             order == ORDER_RANK
                 ? "CASE state WHEN 'completed' THEN 0 WHEN 'running' THEN 1 WHEN 'pruned' THEN "
                   "2 WHEN 'stopped' THEN 3 WHEN 'failed' THEN 4 ELSE 5 END, "
                 : "",
             /* halving: trials that ran at a larger budget first */
             order == ORDER_RANK && st->version >= 2 ? "-coalesce(rung, 0), " : "",
             order == ORDER_RANK
                 ? ""
                   /* pruned trials: the furthest first */
                   "CASE state WHEN 'pruned' THEN -coalesce(last_step, 0) ELSE 0 END, "
                   "objective IS NULL, objective "
                 : "id",
             order == ORDER_RANK ? dir : "", order == ORDER_RANK ? ", id" : "");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return db_err(st, e, "prepare");
    if (state >= 0) sqlite3_bind_text(s, 1, STATE_NAMES[state], -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
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
    if (rc != SQLITE_DONE) return db_err(st, e, "read trials");
    return 0;
}

int store_each_metric(struct store *st, store_metric_cb cb, void *ctx, struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT trial, name, step, value, time FROM metrics "
                           "ORDER BY trial, name, step",
                           -1, &s, NULL) != SQLITE_OK)
        return db_err(st, e, "prepare");
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
    if (rc != SQLITE_DONE) return db_err(st, e, "read metrics");
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
        return db_err(st, e, "prepare");
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        cb(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_double(s, 2),
           ctx);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return db_err(st, e, "read metric values");
    return 0;
}

int store_last_steps(struct store *st, long long trial, store_step_cb cb, void *ctx,
                     struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT name, max(step) FROM metrics WHERE trial = ?1 GROUP BY name",
                           -1, &s, NULL) != SQLITE_OK)
        return db_err(st, e, "prepare");
    sqlite3_bind_int64(s, 1, trial);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        cb((const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1), ctx);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return db_err(st, e, "read steps");
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
