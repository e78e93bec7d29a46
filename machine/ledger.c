/* ledger.c - the machine ledger of ledger.h: machine.db (SQLite). */
#include "machine/ledger.h"
#include "machine/ledger_int.h"
#include "base/cpuset.h"
#include "base/err.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LEDGER_BUSY_MS 5000 /* the longest a sweep waits for another's transaction */

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS sweeps (\n"
    "  dir TEXT PRIMARY KEY,\n"
    "  uid INTEGER NOT NULL,\n"
    "  user TEXT NOT NULL,\n"
    "  pid INTEGER NOT NULL,\n"
    "  pid_start INTEGER NOT NULL,\n"
    "  method TEXT,\n"
    "  since REAL NOT NULL,\n"
    "  running INTEGER NOT NULL DEFAULT 0,\n"
    "  waiting INTEGER NOT NULL DEFAULT 0,\n"
    "  waiting_mib REAL NOT NULL DEFAULT 0,\n"
    "  waiting_since REAL NOT NULL DEFAULT 0,\n"
    "  priority INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS usage (\n"
    "  user TEXT PRIMARY KEY,\n"
    "  mib_s REAL NOT NULL,\n"
    "  at REAL NOT NULL\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS holds (\n"
    "  dir TEXT NOT NULL,\n"
    "  trial INTEGER NOT NULL,\n"
    "  uid INTEGER NOT NULL,\n"
    "  user TEXT NOT NULL,\n"
    "  gpu INTEGER NOT NULL,\n"
    "  mib REAL NOT NULL,\n"
    "  whole INTEGER NOT NULL,\n"
    "  sup_pid INTEGER NOT NULL DEFAULT 0,\n"
    "  sup_start INTEGER NOT NULL DEFAULT 0,\n"
    "  pgid INTEGER NOT NULL DEFAULT 0,\n"
    "  holder_pid INTEGER NOT NULL,\n"
    "  holder_start INTEGER NOT NULL,\n"
    "  since REAL NOT NULL,\n"
    "  cpus TEXT NOT NULL DEFAULT '',\n"
    "  PRIMARY KEY (dir, trial)\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS holds_by_gpu ON holds (gpu);\n"
    "CREATE TABLE IF NOT EXISTS stages (\n"
    "  path TEXT PRIMARY KEY,\n"
    "  source TEXT NOT NULL,\n"
    "  sig TEXT NOT NULL,\n"
    "  bytes INTEGER NOT NULL,\n"
    "  ready INTEGER NOT NULL DEFAULT 0,\n"
    "  pid INTEGER NOT NULL,\n"
    "  pid_start INTEGER NOT NULL,\n"
    "  used REAL NOT NULL\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS stage_users (\n"
    "  path TEXT NOT NULL,\n"
    "  dir TEXT NOT NULL,\n"
    "  PRIMARY KEY (path, dir)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS preempts (\n"
    "  for_dir TEXT PRIMARY KEY,\n"
    "  for_since REAL NOT NULL,\n"
    "  by_dir TEXT NOT NULL,\n"
    "  trial INTEGER NOT NULL,\n"
    "  at REAL NOT NULL\n"
    ");\n";


const char *ledger_dir(void)
{
    const char *d = getenv("SWEEP_MACHINE_DIR");
    return d && *d ? d : LEDGER_DEFAULT_DIR;
}

double ledger_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int ledger_db_err(struct ledger *l, struct err *e, const char *what)
{
    return err_set(e, "%s: %s: %s", l->path, what, sqlite3_errmsg(l->db));
}

int ledger_exec_sql(struct ledger *l, const char *sql, struct err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(l->db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    err_set(e, "%s: %s", l->path, msg ? msg : sqlite3_errmsg(l->db));
    sqlite3_free(msg);
    return -1;
}

/* The file, made with the directory's group access: a machine directory
 * set up for a group of users (g+w) gets a ledger they can all write. */
static int make_file(const char *dir, const char *path, struct err *e)
{
    struct stat ds;
    if (stat(dir, &ds) != 0) return err_errno(e, "%s", dir);
    mode_t mode = (ds.st_mode & S_IWGRP) ? 0664 : 0644;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) return err_errno(e, "%s", path);
    struct stat fs;
    if (fstat(fd, &fs) == 0 && fs.st_uid == geteuid() && fs.st_size == 0) fchmod(fd, mode);
    close(fd);
    return 0;
}

/* 1 when holds has the column (a ledger made by an earlier sweep may not). */
static int holds_have(struct ledger *l, const char *column)
{
    sqlite3_stmt *s;
    int n = 0;
    if (sqlite3_prepare_v2(l->db, "SELECT count(*) FROM pragma_table_info('holds') WHERE name = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, column, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n > 0;
}

static int open_db(struct ledger *l, struct err *e)
{
    if (sqlite3_open_v2(l->path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
        SQLITE_OK)
        return ledger_db_err(l, e, "open");
    sqlite3_busy_timeout(l->db, LEDGER_BUSY_MS);
    if (ledger_exec_sql(l, "PRAGMA journal_mode = WAL", e) ||
        ledger_exec_sql(l, "PRAGMA synchronous = NORMAL", e) || ledger_exec_sql(l, SCHEMA, e))
        return -1;
    /* a ledger of sweeps before CPU isolation: the holds' cores (its
     * readers read it with or without) */
    if (!holds_have(l, "cpus") &&
        ledger_exec_sql(l, "ALTER TABLE holds ADD COLUMN cpus TEXT NOT NULL DEFAULT ''", e) &&
        !holds_have(l, "cpus"))
        return -1;
    struct stat st;
    if (stat(l->path, &st) == 0) {
        l->dev = st.st_dev;
        l->ino = st.st_ino;
    }
    return 0;
}

struct ledger *ledger_open(const char *dir, struct err *e)
{
    struct stat st;
    if (stat(dir, &st) != 0 && errno == ENOENT && geteuid() == 0) mkdir(dir, 0755);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        err_set(e, "no machine directory %s (an administrator makes it, group-writable for the "
                   "users who share the GPUs)",
                dir);
        return NULL;
    }
    struct ledger *l = xcalloc(1, sizeof *l);
    l->path = xasprintf("%s/%s", dir, LEDGER_FILE);
    if (access(l->path, F_OK) != 0 && make_file(dir, l->path, e)) {
        ledger_close(l);
        return NULL;
    }
    if (open_db(l, e) == 0) return l;
    int damaged = l->db && (sqlite3_errcode(l->db) == SQLITE_CORRUPT ||
                            sqlite3_errcode(l->db) == SQLITE_NOTADB);
    sqlite3_close(l->db);
    l->db = NULL;
    if (damaged) { /* made anew: the live sweeps register again */
        char *aside = xasprintf("%s.damaged", l->path);
        int moved = rename(l->path, aside) == 0;
        free(aside);
        struct err re = {0};
        if (moved && make_file(dir, l->path, &re) == 0 && open_db(l, &re) == 0) return l;
    }
    ledger_close(l);
    return NULL;
}

struct ledger *ledger_open_existing(const char *dir, struct err *e)
{
    struct ledger *l = xcalloc(1, sizeof *l);
    l->path = xasprintf("%s/%s", dir, LEDGER_FILE);
    if (access(l->path, F_OK) != 0) {
        err_set(e, "no machine ledger at %s: sweeps here are not coordinated (docs/machine.md)",
                l->path);
        ledger_close(l);
        return NULL;
    }
    int flags = access(l->path, W_OK) == 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(l->path, &l->db, flags | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
        ledger_db_err(l, e, "open");
        ledger_close(l);
        return NULL;
    }
    sqlite3_busy_timeout(l->db, LEDGER_BUSY_MS);
    return l;
}

void ledger_close(struct ledger *l)
{
    if (!l) return;
    sqlite3_close(l->db);
    free(l->path);
    free(l);
}

int ledger_gone(struct ledger *l)
{
    struct stat st;
    return stat(l->path, &st) != 0 || st.st_dev != l->dev || st.st_ino != l->ino;
}

sqlite3_stmt *ledger_prep(struct ledger *l, const char *sql, struct err *e)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(l->db, sql, -1, &s, NULL) != SQLITE_OK) {
        ledger_db_err(l, e, "prepare");
        return NULL;
    }
    return s;
}

/* Steps s to its end and finalizes it: 0 or -1. */
int ledger_done(struct ledger *l, sqlite3_stmt *s, struct err *e)
{
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : ledger_db_err(l, e, "write");
}

int ledger_register(struct ledger *l, const struct ledger_sweep *w, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l,
                           "INSERT OR REPLACE INTO sweeps (dir, uid, user, pid, pid_start, method, "
                           "since, priority) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, w->dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)w->uid);
    sqlite3_bind_text(s, 3, w->user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, w->pid);
    sqlite3_bind_int64(s, 5, w->pid_start);
    sqlite3_bind_text(s, 6, w->method, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 7, ledger_now());
    sqlite3_bind_int(s, 8, w->priority);
    return ledger_done(l, s, e);
}

int ledger_counts(struct ledger *l, const char *dir, long running, long waiting,
                  double waiting_mib, double waiting_since, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l,
                           "UPDATE sweeps SET running = ?2, waiting = ?3, waiting_mib = ?4, "
                           "waiting_since = ?5 WHERE dir = ?1",
                           e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, running);
    sqlite3_bind_int64(s, 3, waiting);
    sqlite3_bind_double(s, 4, waiting_mib);
    sqlite3_bind_double(s, 5, waiting_since);
    return ledger_done(l, s, e);
}

int ledger_charge(struct ledger *l, const char *user, double mib_s, double halflife,
                  struct err *e)
{
    /* the row decays by the time since anyone last charged it (in C: not
     * every SQLite has its math functions) */
    if (ledger_exec_sql(l, "BEGIN IMMEDIATE", e)) return -1;
    sqlite3_stmt *s = ledger_prep(l, "SELECT mib_s, at FROM usage WHERE user = ?1", e);
    double had = 0, at = 0, t = ledger_now();
    int rc = s ? 0 : -1;
    if (s) {
        sqlite3_bind_text(s, 1, user, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) == SQLITE_ROW) {
            had = sqlite3_column_double(s, 0);
            at = sqlite3_column_double(s, 1);
        }
        sqlite3_finalize(s);
    }
    double age = at > 0 && t > at ? t - at : 0;
    double value = had * pow(2.0, -age / (halflife > 0 ? halflife : 86400)) + mib_s;
    if (!rc) {
        s = ledger_prep(l, "INSERT OR REPLACE INTO usage (user, mib_s, at) VALUES (?1, ?2, ?3)", e);
        if (!s) rc = -1;
        else {
            sqlite3_bind_text(s, 1, user, -1, SQLITE_TRANSIENT);
            sqlite3_bind_double(s, 2, value);
            sqlite3_bind_double(s, 3, t > at ? t : at);
            rc = ledger_done(l, s, e);
        }
    }
    if (rc || ledger_exec_sql(l, "COMMIT", e)) {
        ledger_exec_sql(l, "ROLLBACK", NULL);
        return -1;
    }
    return 0;
}

int ledger_unregister(struct ledger *l, const char *dir, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l, "DELETE FROM sweeps WHERE dir = ?1", e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, dir, -1, SQLITE_TRANSIENT);
    if (ledger_done(l, s, e)) return -1;
    if (!(s = ledger_prep(l, "DELETE FROM preempts WHERE for_dir = ?1", e))) return -1;
    sqlite3_bind_text(s, 1, dir, -1, SQLITE_TRANSIENT);
    return ledger_done(l, s, e);
}

int ledger_claim_preempt(struct ledger *l, const char *for_dir, double for_since,
                         const char *by_dir, long long trial, struct err *e)
{
    /* one statement: the first sweep to write this wait wins it */
    sqlite3_stmt *s = ledger_prep(l,
                           "INSERT INTO preempts (for_dir, for_since, by_dir, trial, at) VALUES "
                           "(?1, ?2, ?3, ?4, ?5) ON CONFLICT (for_dir) DO UPDATE SET "
                           "for_since = excluded.for_since, by_dir = excluded.by_dir, "
                           "trial = excluded.trial, at = excluded.at "
                           "WHERE for_since != excluded.for_since",
                           e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, for_dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 2, for_since);
    sqlite3_bind_text(s, 3, by_dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, trial);
    sqlite3_bind_double(s, 5, ledger_now());
    if (ledger_done(l, s, e)) return -1;
    return sqlite3_changes(l->db) > 0;
}

static int put_hold(struct ledger *l, const struct ledger_hold *h, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l,
                           "INSERT OR REPLACE INTO holds (dir, trial, uid, user, gpu, mib, whole, "
                           "sup_pid, sup_start, pgid, holder_pid, holder_start, since, cpus) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                           e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, h->dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, h->trial);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)h->uid);
    sqlite3_bind_text(s, 4, h->user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 5, h->gpu);
    sqlite3_bind_double(s, 6, h->mib < 0 ? 0 : h->mib);
    sqlite3_bind_int(s, 7, h->whole);
    sqlite3_bind_int64(s, 8, h->sup_pid);
    sqlite3_bind_int64(s, 9, h->sup_start);
    sqlite3_bind_int64(s, 10, h->pgid);
    sqlite3_bind_int64(s, 11, h->holder_pid);
    sqlite3_bind_int64(s, 12, h->holder_start);
    sqlite3_bind_double(s, 13, h->since > 0 ? h->since : ledger_now());
    sqlite3_bind_text(s, 14, h->cpus ? h->cpus : "", -1, SQLITE_TRANSIENT);
    return ledger_done(l, s, e);
}

/* 1 when no other sweep's hold has one of h's cores (a sweep's own trials
 * may share cores: resources.cpus: auto with more trials than cores). */
static int cpus_free(struct ledger *l, const struct ledger_hold *h, struct err *e)
{
    struct cpuset mine, theirs;
    if (!h->cpus || !*h->cpus || cpuset_parse(h->cpus, &mine)) return 1;
    sqlite3_stmt *s = ledger_prep(l, "SELECT cpus FROM holds WHERE cpus != '' AND dir != ?1", e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, h->dir, -1, SQLITE_TRANSIENT);
    int ok = 1, rc;
    while (ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        if (t && cpuset_parse((const char *)t, &theirs) == 0) {
            struct cpuset both = mine;
            cpuset_minus(&both, &theirs);
            ok = cpuset_count(&both) == cpuset_count(&mine);
        }
    }
    sqlite3_finalize(s);
    return ok;
}

/* What the other holds on h's GPU take: 1 when h fits beside them. */
static int fits(struct ledger *l, const struct ledger_hold *h, double capacity, double strangers,
                struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l,
                           "SELECT coalesce(sum(mib), 0), coalesce(max(whole), 0), count(*) "
                           "FROM holds WHERE gpu = ?1 AND NOT (dir = ?2 AND trial = ?3)",
                           e);
    if (!s) return -1;
    if (h->gpu < 0) { /* a trial on CPUs only: its cores alone */
        sqlite3_finalize(s);
        return cpus_free(l, h, e);
    }
    sqlite3_bind_int(s, 1, h->gpu);
    sqlite3_bind_text(s, 2, h->dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, h->trial);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return ledger_db_err(l, e, "read");
    }
    double held = sqlite3_column_double(s, 0);
    int whole = sqlite3_column_int(s, 1);
    long n = (long)sqlite3_column_int64(s, 2);
    sqlite3_finalize(s);
    int room = h->whole ? n == 0 : !whole && held + strangers + h->mib <= capacity + 1e-6;
    return room ? cpus_free(l, h, e) : 0;
}

/* Within the user's limits (0: none): 1 when h keeps them. */
static int within(struct ledger *l, const struct ledger_hold *h, double max_mib, int max_gpus,
                  struct err *e)
{
    if (max_mib <= 0 && max_gpus <= 0) return 1;
    sqlite3_stmt *s = ledger_prep(l,
                           "SELECT coalesce(sum(mib), 0), count(DISTINCT CASE WHEN gpu != ?2 AND "
                           "gpu >= 0 THEN gpu END) FROM holds WHERE user = ?1 AND "
                           "NOT (dir = ?3 AND trial = ?4)",
                           e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, h->user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, h->gpu);
    sqlite3_bind_text(s, 3, h->dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, h->trial);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return ledger_db_err(l, e, "read");
    }
    double held = sqlite3_column_double(s, 0);
    long gpus = (long)sqlite3_column_int64(s, 1) + (h->gpu >= 0);
    sqlite3_finalize(s);
    return (max_mib <= 0 || held + h->mib <= max_mib + 1e-6) && (max_gpus <= 0 || gpus <= max_gpus);
}

int ledger_reserve(struct ledger *l, const struct ledger_hold *h, double capacity_mib,
                   double strangers_mib, struct err *e)
{
    return ledger_reserve_within(l, h, capacity_mib, strangers_mib, 0, 0, e);
}

int ledger_reserve_within(struct ledger *l, const struct ledger_hold *h, double capacity_mib,
                          double strangers_mib, double max_mib, int max_gpus, struct err *e)
{
    if (ledger_exec_sql(l, "BEGIN IMMEDIATE", e)) return -1;
    int ok = fits(l, h, capacity_mib, strangers_mib, e);
    if (ok == 1) ok = within(l, h, max_mib, max_gpus, e);
    if (ok == 1 && put_hold(l, h, e)) ok = -1;
    if (ok < 0 || ledger_exec_sql(l, ok ? "COMMIT" : "ROLLBACK", e)) {
        ledger_exec_sql(l, "ROLLBACK", NULL);
        return -1;
    }
    return ok;
}

int ledger_hold(struct ledger *l, const struct ledger_hold *h, struct err *e)
{
    return put_hold(l, h, e);
}

int ledger_started(struct ledger *l, const char *dir, long long trial, long sup_pid,
                   long long sup_start, long pgid, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l,
                           "UPDATE holds SET sup_pid = ?3, sup_start = ?4, pgid = ?5 "
                           "WHERE dir = ?1 AND trial = ?2",
                           e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, trial);
    sqlite3_bind_int64(s, 3, sup_pid);
    sqlite3_bind_int64(s, 4, sup_start);
    sqlite3_bind_int64(s, 5, pgid);
    return ledger_done(l, s, e);
}

int ledger_grow(struct ledger *l, const char *dir, long long trial, double mib, long pgid,
                struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l,
                           "UPDATE holds SET mib = max(mib, ?3), pgid = CASE WHEN ?4 != 0 THEN ?4 "
                           "ELSE pgid END WHERE dir = ?1 AND trial = ?2",
                           e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, trial);
    sqlite3_bind_double(s, 3, mib);
    sqlite3_bind_int64(s, 4, pgid);
    return ledger_done(l, s, e);
}

int ledger_release(struct ledger *l, const char *dir, long long trial, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l, "DELETE FROM holds WHERE dir = ?1 AND trial = ?2", e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, trial);
    return ledger_done(l, s, e);
}

static char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return xstrdup(t ? (const char *)t : "");
}

static int read_sweeps(struct ledger *l, struct ledger_view *v, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l,
                           "SELECT dir, uid, user, pid, pid_start, method, since, running, "
                           "waiting, waiting_mib, waiting_since, priority FROM sweeps ORDER BY since",
                           e);
    if (!s) return -1;
    while (sqlite3_step(s) == SQLITE_ROW) {
        v->sweeps = xrealloc(v->sweeps, (v->nsweeps + 1) * sizeof *v->sweeps);
        v->sweeps[v->nsweeps++] = (struct ledger_sweep){
            .dir = col_text(s, 0), .uid = (uid_t)sqlite3_column_int64(s, 1),
            .user = col_text(s, 2), .pid = (long)sqlite3_column_int64(s, 3),
            .pid_start = sqlite3_column_int64(s, 4), .method = col_text(s, 5),
            .since = sqlite3_column_double(s, 6), .running = (long)sqlite3_column_int64(s, 7),
            .waiting = (long)sqlite3_column_int64(s, 8),
            .waiting_mib = sqlite3_column_double(s, 9),
            .waiting_since = sqlite3_column_double(s, 10), .priority = sqlite3_column_int(s, 11)};
    }
    sqlite3_finalize(s);
    return 0;
}

static int read_holds(struct ledger *l, struct ledger_view *v, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l,
                           holds_have(l, "cpus")
                               ? "SELECT dir, trial, uid, user, gpu, mib, whole, sup_pid, "
                                 "sup_start, pgid, holder_pid, holder_start, since, cpus FROM holds "
                                 "ORDER BY gpu, since"
                               : "SELECT dir, trial, uid, user, gpu, mib, whole, sup_pid, "
                                 "sup_start, pgid, holder_pid, holder_start, since, '' FROM holds "
                                 "ORDER BY gpu, since",
                           e);
    if (!s) return -1;
    while (sqlite3_step(s) == SQLITE_ROW) {
        v->holds = xrealloc(v->holds, (v->nholds + 1) * sizeof *v->holds);
        v->holds[v->nholds++] = (struct ledger_hold){
            .dir = col_text(s, 0), .trial = sqlite3_column_int64(s, 1),
            .uid = (uid_t)sqlite3_column_int64(s, 2), .user = col_text(s, 3),
            .gpu = sqlite3_column_int(s, 4), .mib = sqlite3_column_double(s, 5),
            .whole = sqlite3_column_int(s, 6), .sup_pid = (long)sqlite3_column_int64(s, 7),
            .sup_start = sqlite3_column_int64(s, 8), .pgid = (long)sqlite3_column_int64(s, 9),
            .holder_pid = (long)sqlite3_column_int64(s, 10),
            .holder_start = sqlite3_column_int64(s, 11), .since = sqlite3_column_double(s, 12),
            .cpus = col_text(s, 13)};
    }
    sqlite3_finalize(s);
    return 0;
}

/* 1 when the file has its tables (a file no sweep has written yet has none). */
static int has_tables(struct ledger *l)
{
    sqlite3_stmt *s;
    int n = 0;
    if (sqlite3_prepare_v2(l->db,
                           "SELECT count(*) FROM sqlite_master WHERE name IN ('sweeps', 'holds', "
                           "'usage')",
                           -1, &s, NULL) != SQLITE_OK)
        return 1; /* the reads below say what is wrong */
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n == 3;
}

static int read_usage(struct ledger *l, struct ledger_view *v, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l, "SELECT user, mib_s, at FROM usage", e);
    if (!s) return -1;
    double t = ledger_now();
    while (sqlite3_step(s) == SQLITE_ROW) {
        v->usage = xrealloc(v->usage, (v->nusage + 1) * sizeof *v->usage);
        v->usage[v->nusage++] = (struct ledger_usage){
            .user = col_text(s, 0), .mib_s = sqlite3_column_double(s, 1),
            .age = t - sqlite3_column_double(s, 2)};
    }
    sqlite3_finalize(s);
    return 0;
}

int ledger_view(struct ledger *l, struct ledger_view *v, struct err *e)
{
    memset(v, 0, sizeof *v);
    if (!has_tables(l)) return 0; /* nothing held yet */
    /* one read transaction: the sweeps and holds of one moment */
    if (ledger_exec_sql(l, "BEGIN", e)) return -1;
    int rc = read_sweeps(l, v, e) || read_holds(l, v, e) || read_usage(l, v, e) ? -1 : 0;
    ledger_exec_sql(l, rc ? "ROLLBACK" : "COMMIT", NULL);
    if (rc) ledger_view_release(v);
    return rc;
}

void ledger_view_release(struct ledger_view *v)
{
    for (size_t i = 0; i < v->nsweeps; i++) {
        free(v->sweeps[i].dir);
        free(v->sweeps[i].user);
        free(v->sweeps[i].method);
    }
    free(v->sweeps);
    for (size_t i = 0; i < v->nholds; i++) {
        free(v->holds[i].dir);
        free(v->holds[i].user);
        free(v->holds[i].cpus);
    }
    free(v->holds);
    for (size_t i = 0; i < v->nusage; i++) free(v->usage[i].user);
    free(v->usage);
    memset(v, 0, sizeof *v);
}

/* Deletes one hold or sweep row, proven dead while read: only if it is
 * still the row that was judged (same holder and supervisor). */
static int forget_hold(struct ledger *l, const struct ledger_hold *h, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l,
                           "DELETE FROM holds WHERE dir = ?1 AND trial = ?2 AND holder_pid = ?3 "
                           "AND holder_start = ?4 AND sup_pid = ?5 AND sup_start = ?6",
                           e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, h->dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, h->trial);
    sqlite3_bind_int64(s, 3, h->holder_pid);
    sqlite3_bind_int64(s, 4, h->holder_start);
    sqlite3_bind_int64(s, 5, h->sup_pid);
    sqlite3_bind_int64(s, 6, h->sup_start);
    return ledger_done(l, s, e);
}

static int forget_sweep(struct ledger *l, const struct ledger_sweep *w, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l,
                           "DELETE FROM sweeps WHERE dir = ?1 AND pid = ?2 AND pid_start = ?3 AND "
                           "NOT EXISTS (SELECT 1 FROM holds WHERE holds.dir = sweeps.dir)",
                           e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, w->dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, w->pid);
    sqlite3_bind_int64(s, 3, w->pid_start);
    return ledger_done(l, s, e);
}

long ledger_reclaim(struct ledger *l, ledger_alive_fn alive, struct err *e)
{
    struct ledger_view v;
    if (ledger_view(l, &v, e)) return -1;
    long n = 0;
    int rc = 0;
    for (size_t i = 0; i < v.nholds && !rc; i++) {
        const struct ledger_hold *h = &v.holds[i];
        /* its sweep may be gone while its trial runs on (resume takes it
         * over), and its supervisor not yet started while its sweep lives */
        if (alive(h->holder_pid, h->holder_start)) continue;
        if (h->sup_pid > 0 && alive(h->sup_pid, h->sup_start)) continue;
        rc = forget_hold(l, h, e);
        n += !rc && sqlite3_changes(l->db) > 0;
    }
    for (size_t i = 0; i < v.nsweeps && !rc; i++)
        if (!alive(v.sweeps[i].pid, v.sweeps[i].pid_start)) rc = forget_sweep(l, &v.sweeps[i], e);
    if (!rc) /* claims for waits of sweeps that are gone */
        rc = ledger_exec_sql(l, "DELETE FROM preempts WHERE for_dir NOT IN (SELECT dir FROM sweeps)", e);
    ledger_view_release(&v);
    return rc ? -1 : n;
}
