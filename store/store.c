/* store.c - SQLite behind store.h. The schema is docs/schema.md; change
 * both together, and add a migration step for every new user_version. */
#include "store/store_int.h"
#include "search/space.h"
#include "base/err.h"
#include "base/util.h"

#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* v4: what the sweep file took from outside its text (templates' texts,
 * the interpreter found on PATH), so that a stored sweep loads the same
 * from any directory. */
static const char MIGRATE_V4[] =
    "CREATE TABLE spec_inputs (\n"
    "  name TEXT PRIMARY KEY,\n"
    "  text TEXT NOT NULL\n"
    ");\n";

/* v5: a decision to end a running trial (pruned, stopped, failed: timeout
 * or stall), recorded with its event before the trial is signalled, so
 * that a sweep killed before the trial ended still honours it on resume. */
static const char MIGRATE_V5[] =
    "ALTER TABLE trials ADD COLUMN stop_state TEXT;\n"
    "ALTER TABLE trials ADD COLUMN stop_reason TEXT;\n";

/* v6: executor slurm. job_id: the trial's Slurm job (recorded in the
 * transaction after its submission; a resume finds a job whose id was never
 * recorded by its name); job_state: how the queue last showed it
 * ("PENDING (Resources)"), for sweep status. */
static const char MIGRATE_V6[] =
    "ALTER TABLE trials ADD COLUMN job_id INTEGER;\n"
    "ALTER TABLE trials ADD COLUMN job_state TEXT;\n";

/* v7: the executor's reference in the executor's own words, not Slurm's
 * column: exec_ref (text: a job id, a pod name) and exec_state, the v6
 * columns carried over. */
static const char MIGRATE_V7[] =
    "ALTER TABLE trials ADD COLUMN exec_ref TEXT;\n"
    "UPDATE trials SET exec_ref = CAST(job_id AS TEXT) WHERE job_id IS NOT NULL AND job_id != 0;\n"
    "ALTER TABLE trials DROP COLUMN job_id;\n"
    "ALTER TABLE trials RENAME COLUMN job_state TO exec_state;\n";

/* v8: CPU isolation (resources.cpus): the cores a trial is pinned to. */
static const char MIGRATE_V8[] = "ALTER TABLE trials ADD COLUMN cpus TEXT;\n";

/* v3: GPU packing. mem_est: the memory (MiB) reserved for the trial on its
 * GPU; mem_peak: the most it was seen using. */
static const char MIGRATE_V3[] =
    "ALTER TABLE trials ADD COLUMN mem_est REAL;\n"
    "ALTER TABLE trials ADD COLUMN mem_peak REAL;\n";


const char *const store_sql[S_COUNT] = {
    [S_TRIAL_ADD] = "INSERT INTO trials (id, params, state, queued, rung, parent) "
                    "VALUES (?1, ?2, 'pending', ?3, ?4, ?5)",
    [S_TRIAL_MARK] = "UPDATE trials SET state = ?2, reason = ?3 WHERE id = ?1",
    [S_TRIAL_GPU] = "UPDATE trials SET gpu = ?2, mem_est = ?3 WHERE id = ?1",
    [S_TRIAL_PEAK] = "UPDATE trials SET mem_peak = ?2 WHERE id = ?1 AND (mem_peak IS NULL OR mem_peak < ?2)",
    [S_TRIAL_MEM_EST] = "UPDATE trials SET mem_est = ?2 WHERE id = ?1",
    [S_TRIAL_START] = "UPDATE trials SET state = 'running', reason = NULL, argv = ?2, pid = ?3, "
                      "pid_start = ?4, started = ?5, ended = NULL, exit_code = NULL, "
                      "exit_signal = NULL, attempts = attempts + 1, stop_state = NULL, "
                      "stop_reason = NULL, exec_ref = NULL, exec_state = NULL WHERE id = ?1",
    [S_TRIAL_SET_REF] = "UPDATE trials SET exec_ref = ?2, exec_state = ?3 WHERE id = ?1",
    [S_TRIAL_EXEC_STATE] = "UPDATE trials SET exec_state = ?2 WHERE id = ?1",
    [S_TRIAL_CPUS] = "UPDATE trials SET cpus = ?2 WHERE id = ?1",
    [S_TRIAL_STARTED] = "UPDATE trials SET started = ?2 WHERE id = ?1",
    [S_TRIAL_SET_PID] = "UPDATE trials SET pid = ?2, pid_start = ?3 WHERE id = ?1",
    [S_TRIAL_END] = "UPDATE trials SET state = ?2, reason = ?3, exit_code = ?4, exit_signal = ?5, "
                    "ended = ?6 WHERE id = ?1",
    [S_TRIAL_REQUEUE] = "UPDATE trials SET state = 'pending', reason = ?2, log_offset = 0, "
                        "pid = NULL, pid_start = NULL, stop_state = NULL, stop_reason = NULL, "
                        "cpus = NULL WHERE id = ?1",
    [S_TRIAL_UNSTART] = "UPDATE trials SET state = 'pending', reason = ?2, log_offset = 0, "
                        "pid = NULL, pid_start = NULL, stop_state = NULL, stop_reason = NULL, "
                        "attempts = MAX(attempts - 1, 0) WHERE id = ?1",
    [S_TRIAL_DECIDE] = "UPDATE trials SET stop_state = ?2, stop_reason = ?3 WHERE id = ?1",
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

/* SQLite's message, with the system's when there is one ("disk I/O
 * error: File too large"). */
int st_db_err(struct store *st, struct err *e, const char *what)
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

int st_exec(struct store *st, const char *sql, struct err *e)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) return st_db_err(st, e, "sqlite");
    return 0;
}

sqlite3_stmt *st_stmt(struct store *st, int which, struct err *e)
{
    if (!st->stmt[which] &&
        sqlite3_prepare_v3(st->db, store_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[which],
                           NULL) != SQLITE_OK) {
        st_db_err(st, e, "prepare");
        return NULL;
    }
    sqlite3_reset(st->stmt[which]);
    sqlite3_clear_bindings(st->stmt[which]);
    return st->stmt[which];
}

int st_step_done(struct store *st, sqlite3_stmt *s, struct err *e)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return st_db_err(st, e, "sqlite");
    return 0;
}

void st_bind_text(sqlite3_stmt *s, int i, const char *t)
{
    if (t) sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(s, i);
}


/* A file that is an SQLite database but not a sweep's: never written into. */
static int foreign(struct store *st)
{
    sqlite3_stmt *s;
    int n = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL) ==
        SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    return n > 0;
}

static int user_version(struct store *st, int *version, struct err *e)
{
    sqlite3_stmt *s;
    *version = 0;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return st_db_err(st, e, "user_version");
    if (sqlite3_step(s) == SQLITE_ROW) *version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return 0;
}

static int migrate(struct store *st, struct err *e)
{
    int version;
    if (user_version(st, &version, e)) return -1;
    if (version > STORE_SCHEMA_VERSION)
        return err_usage(e, "sweep.db has schema version %d; this sweep knows up to %d: use a "
                            "newer sweep",
                         version, STORE_SCHEMA_VERSION);
    if (version == 0 && foreign(st))
        return err_usage(e, "%s is an SQLite database of something else, not a sweep's store",
                         st->path);
    st->version = STORE_SCHEMA_VERSION;
    if (version == STORE_SCHEMA_VERSION) return 0;
    if (st_exec(st, "BEGIN IMMEDIATE", e)) return -1;
    /* again under the write lock: another process may have just made or
     * migrated it (a second opener of a new store ran into "table sweep
     * already exists") */
    if (user_version(st, &version, e)) goto fail;
    if (version == STORE_SCHEMA_VERSION) return st_exec(st, "COMMIT", e);
    if (version < 1 && st_exec(st, SCHEMA_V1, e)) goto fail;
    if (version < 2 && st_exec(st, MIGRATE_V2, e)) goto fail;
    if (version < 3 && st_exec(st, MIGRATE_V3, e)) goto fail;
    if (version < 4 && st_exec(st, MIGRATE_V4, e)) goto fail;
    if (version < 5 && st_exec(st, MIGRATE_V5, e)) goto fail;
    if (version < 6 && st_exec(st, MIGRATE_V6, e)) goto fail;
    if (version < 7 && st_exec(st, MIGRATE_V7, e)) goto fail;
    if (version < 8 && st_exec(st, MIGRATE_V8, e)) goto fail;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
    if (st_exec(st, pragma, e) || st_exec(st, "COMMIT", e)) goto fail;
    return 0;
fail:
    st_exec(st, "ROLLBACK", NULL);
    return -1;
}

static struct store *open_db(const char *path, int flags, struct err *e)
{
    /* only a regular file (or none yet, to create): a FIFO or a device
     * would block sqlite's open() for ever; O_NONBLOCK does not */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat sb;
    if (fd >= 0) {
        int regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
        close(fd);
        if (!regular) {
            err_usage(e, "%s is not a regular file", path);
            return NULL;
        }
    }
    struct store *st = xcalloc(1, sizeof *st);
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        err_set(e, "open %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, 10000);
    sqlite3_extended_result_codes(st->db, 1);
    st->path = xstrdup(path);
    if (stat(path, &sb) == 0) {
        st->dev = (unsigned long long)sb.st_dev;
        st->ino = (unsigned long long)sb.st_ino;
    }
    return st;
}

struct store *store_open(const char *path, int create, struct err *e)
{
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    struct store *st = open_db(path, flags, e);
    if (!st) return NULL;
    /* NORMAL in WAL mode: a commit survives a crash of sweep (kill -9);
     * only a power loss can take back the last transactions. */
    if (st_exec(st, "PRAGMA journal_mode = WAL", e) || st_exec(st, "PRAGMA synchronous = NORMAL", e) ||
        st_exec(st, "PRAGMA foreign_keys = ON", e) || migrate(st, e)) {
        store_close(st);
        return NULL;
    }
    const char *crash = getenv("SWEEP_TEST_CRASH_BEFORE_COMMIT");
    if (crash) st->crash_countdown = strtol(crash, NULL, 10);
    crash = getenv("SWEEP_TEST_CRASH_AFTER_COMMIT");
    if (crash) st->crash_after = strtol(crash, NULL, 10);
    return st;
}

struct store *store_open_ro(const char *path, struct err *e)
{
    struct store *st = open_db(path, SQLITE_OPEN_READONLY, e);
    if (!st) return NULL;
    sqlite3_stmt *s;
    int version = -1, rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) version = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    if (version < 0 && rc != SQLITE_NOTADB && rc != SQLITE_CORRUPT) {
        /* another user's sweep, say: its WAL needs a writable -shm to read */
        err_set(e, "%s: cannot read it: %s", path, sqlite3_errstr(rc));
        store_close(st);
        return NULL;
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
    free(st->path);
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
    if (st_exec(st, "BEGIN IMMEDIATE", e)) return -1;
    st->in_txn = 1;
    return 0;
}

int store_commit(struct store *st, struct err *e)
{
    /* Test-only fault points: SWEEP_TEST_CRASH_BEFORE_COMMIT=N kills the
     * process, inside the open transaction, just before its Nth commit; */
    if (st->crash_countdown > 0 && --st->crash_countdown == 0) raise(SIGKILL);
    st->in_txn = 0;
    if (st_exec(st, "COMMIT", e)) {
        st_exec(st, "ROLLBACK", NULL);
        return -1;
    }
    /* ... and SWEEP_TEST_CRASH_AFTER_COMMIT=N just after its Nth */
    if (st->crash_after > 0 && --st->crash_after == 0) raise(SIGKILL);
    return 0;
}

void store_rollback(struct store *st)
{
    st->in_txn = 0;
    st_exec(st, "ROLLBACK", NULL);
}

int store_check(struct store *st, struct err *e)
{
    struct stat sb;
    if (stat(st->path, &sb) != 0)
        return err_set(e, "%s was deleted while the sweep ran", st->path);
    if ((unsigned long long)sb.st_dev != st->dev || (unsigned long long)sb.st_ino != st->ino)
        return err_set(e, "%s was replaced by another file while the sweep ran", st->path);
    return 0;
}

int store_settle(struct store *st, int rc, struct err *e)
{
    if (rc) {
        store_rollback(st);
        return -1;
    }
    return store_commit(st, e);
}

int store_put_inputs(struct store *st, const struct space_input *in, size_t n, struct err *e)
{
    AUTOTXN_BEGIN(st, e);
    int rc = st_exec(st, "DELETE FROM spec_inputs", e);
    sqlite3_stmt *s = NULL;
    if (!rc && sqlite3_prepare_v2(st->db, "INSERT INTO spec_inputs (name, text) VALUES (?1, ?2)",
                                  -1, &s, NULL) != SQLITE_OK)
        rc = st_db_err(st, e, "prepare");
    for (size_t i = 0; !rc && i < n; i++) {
        sqlite3_bind_text(s, 1, in[i].name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, in[i].text, -1, SQLITE_TRANSIENT);
        rc = st_step_done(st, s, e);
    }
    sqlite3_finalize(s);
    AUTOTXN_END(st, e, rc);
}

int store_get_inputs(struct store *st, struct space_input **out, size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (st->version < 4) return 0; /* a read-only look at an older store: none */
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT name, text FROM spec_inputs ORDER BY name", -1, &s,
                           NULL) != SQLITE_OK)
        return st_db_err(st, e, "prepare");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        *out = xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] = (struct space_input){.name = st_col_text(s, 0), .text = st_col_text(s, 1)};
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return st_db_err(st, e, "spec_inputs");
    return 0;
}

void store_inputs_free(struct space_input *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(in[i].name);
        free(in[i].text);
    }
    free(in);
}



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
        return st_db_err(st, e, "prepare");
    sqlite3_bind_text(s, 1, w->spec_path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, w->spec_text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, w->spec_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, w->cwd, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, w->method, -1, SQLITE_TRANSIENT);
    st_bind_text(s, 6, w->objective);
    st_bind_text(s, 7, w->objective ? (w->maximize ? "maximize" : "minimize") : NULL);
    sqlite3_bind_text(s, 8, w->summary_last ? "last" : "best", -1, SQLITE_STATIC);
    if (w->total >= 0) sqlite3_bind_int64(s, 9, w->total);
    sqlite3_bind_int64(s, 10, w->seed);
    sqlite3_bind_double(s, 11, w->created);
    sqlite3_bind_text(s, 12, w->version, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return st_db_err(st, e, "init sweep");
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
        return st_db_err(st, e, "prepare");
    sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, hash, -1, SQLITE_TRANSIENT);
    if (total >= 0) sqlite3_bind_int64(s, 4, total);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return st_db_err(st, e, "update sweep");
    return 0;
}


char *st_col_text(sqlite3_stmt *s, int i)
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
        return st_db_err(st, e, "prepare");
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(s);
        return 1;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        return st_db_err(st, e, "read sweep");
    }
    w->spec_path = st_col_text(s, 0);
    w->spec_text = st_col_text(s, 1);
    w->spec_hash = st_col_text(s, 2);
    w->cwd = st_col_text(s, 3);
    w->method = st_col_text(s, 4);
    w->objective = st_col_text(s, 5);
    const char *goal = (const char *)sqlite3_column_text(s, 6);
    w->maximize = goal && !strcmp(goal, "maximize");
    const char *sum = (const char *)sqlite3_column_text(s, 7);
    w->summary_last = sum && !strcmp(sum, "last");
    w->total = sqlite3_column_type(s, 8) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 8);
    w->seed = sqlite3_column_int64(s, 9);
    w->created = sqlite3_column_double(s, 10);
    w->version = st_col_text(s, 11);
    sqlite3_finalize(s);
    return 0;
}

