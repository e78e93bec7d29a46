/* The SQLite store: schema, trial states, exactly-once ingest, readers. */
#include "store/store.h"
#include "base/err.h"
#include "sweep/ingest/metrics.h"
#include "base/util.h"
#include "tests/check.h"

#include <math.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static long long scalar(const char *db, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    long long v = -1;
    sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL);
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(h);
    return v;
}

static void a_store_through_its_lifecycle(void)
{
    char dir[] = "/tmp/sweep-store-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *db = xasprintf("%s/sweep.db", dir);
    struct err e = {0};
    struct store *st = store_open(db, 1, &e);
    CHECK(st != NULL);
    if (!st) return;
    CHECK_INT_EQ(scalar(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    struct store_sweep w = {0}, r;
    CHECK_INT_EQ(store_get_sweep(st, &r, &e), 1);
    w.spec_path = "s.yaml";
    w.spec_text = "method: grid\n";
    w.spec_hash = "abc";
    w.cwd = "/tmp";
    w.method = "grid";
    w.objective = "mAP";
    w.maximize = 1;
    w.total = 10;
    w.created = 1.5;
    w.version = "0";
    CHECK_INT_EQ(store_init_sweep(st, &w, &e), 0);
    CHECK_INT_EQ(store_get_sweep(st, &r, &e), 0);
    CHECK_STR_EQ(r.spec_hash, "abc");
    CHECK_INT_EQ(r.total, 10);
    CHECK_INT_EQ(r.maximize, 1);
    store_sweep_release(&r);
    store_set_objective(st, "mAP", 1, 0);

    CHECK_INT_EQ(store_trial_add(st, 0, "{\"a\": 1}", &e), 0);
    CHECK_INT_EQ(store_trial_add(st, 1, "{\"a\": 2}", &e), 0);
    CHECK_INT_EQ(store_trial_add(st, 1, "{\"a\": 2}", &e), -1); /* one row per trial */
    CHECK_INT_EQ(store_trial_start(st, 0, "[\"x\"]", 123, 456, 2.0, &e), 0);

    /* rows and offset in one transaction; a repeated step replaces the value */
    struct metric rows[] = {{"mAP", 1, 0.1}, {"mAP", 2, 0.3}, {"loss", 1, NAN}, {"mAP", 3, 0.2}};
    CHECK_INT_EQ(store_ingest(st, 0, rows, 4, 100, 3.0, &e), 0);
    struct trial_row t;
    CHECK_INT_EQ(store_get_trial(st, 0, &t, &e), 1);
    CHECK_INT_EQ(t.state, TRIAL_RUNNING);
    CHECK_INT_EQ(t.attempts, 1);
    CHECK_INT_EQ(t.log_offset, 100);
    CHECK_INT_EQ(t.pid_start, 456);
    CHECK_NEAR(t.objective, 0.3, 0); /* best, maximizing */
    CHECK_INT_EQ(t.objective_step, 2);
    CHECK_INT_EQ(t.last_step, 3);
    trial_row_release(&t);
    struct metric again[] = {{"mAP", 2, 0.05}};
    CHECK_INT_EQ(store_ingest(st, 0, again, 1, 120, 4.0, &e), 0);
    CHECK_INT_EQ(scalar(db, "SELECT count(*) FROM metrics WHERE trial = 0"), 4);
    CHECK_INT_EQ(scalar(db, "SELECT count(*) FROM metrics WHERE value IS NULL"), 1);
    CHECK_INT_EQ(store_get_trial(st, 0, &t, &e), 1);
    CHECK_NEAR(t.objective, 0.2, 0); /* 0.3 was replaced by 0.05 */
    trial_row_release(&t);

    /* a failed ingest changes nothing: no rows, no offset */
    store_begin(st, &e);
    struct metric more[] = {{"mAP", 4, 0.9}};
    CHECK_INT_EQ(store_ingest(st, 0, more, 1, 999, 5.0, &e), 0);
    store_rollback(st);
    CHECK_INT_EQ(scalar(db, "SELECT log_offset FROM trials WHERE id = 0"), 120);
    CHECK_INT_EQ(scalar(db, "SELECT count(*) FROM metrics WHERE step = 4"), 0);

    /* a reader while the writer is open */
    struct store *ro = store_open_ro(db, &e);
    CHECK(ro != NULL);
    long long counts[TRIAL_NSTATES];
    CHECK_INT_EQ(store_counts(ro, counts, &e), 0);
    CHECK_INT_EQ(counts[TRIAL_RUNNING], 1);
    CHECK_INT_EQ(counts[TRIAL_PENDING], 1);
    CHECK_INT_EQ(store_max_trial(ro, &e), 1);

    /* end, requeue */
    CHECK_INT_EQ(store_trial_end(st, 0, TRIAL_FAILED, "exit code 3", 1, 3, 0, 6.0, &e), 0);
    CHECK_INT_EQ(store_trial_requeue(st, 0, "retry", &e), 0);
    /* a requeued trial keeps its rows (it may resume from a checkpoint) */
    CHECK_INT_EQ(scalar(db, "SELECT count(*) FROM metrics WHERE trial = 0"), 4);
    CHECK_INT_EQ(store_get_trial(ro, 0, &t, &e), 1);
    CHECK_INT_EQ(t.state, TRIAL_PENDING);
    CHECK_INT_EQ(t.log_offset, 0);
    CHECK_INT_EQ(t.has_objective, 1);
    trial_row_release(&t);
    /* ... until it starts again from scratch */
    CHECK_INT_EQ(store_trial_fresh(st, 0, &e), 0);
    CHECK_INT_EQ(scalar(db, "SELECT count(*) FROM metrics WHERE trial = 0"), 0);
    CHECK_INT_EQ(store_get_trial(ro, 0, &t, &e), 1);
    CHECK_INT_EQ(t.has_objective, 0);
    CHECK_INT_EQ(t.last_step, -1);
    trial_row_release(&t);
    CHECK_INT_EQ(store_trial_start(st, 0, NULL, 124, 457, 7.0, &e), 0);
    CHECK_INT_EQ(store_trial_end(st, 0, TRIAL_COMPLETED, NULL, 1, 0, 0, 8.0, &e), 0);
    CHECK_INT_EQ(store_get_trial(ro, 0, &t, &e), 1);
    CHECK_INT_EQ(t.attempts, 2);
    CHECK_INT_EQ(t.state, TRIAL_COMPLETED);
    trial_row_release(&t);
    CHECK_INT_EQ(store_event(st, 0, "note", "x", &e), 0);
    CHECK_INT_EQ(scalar(db, "SELECT count(*) FROM events"), 1);
    char *wal = xasprintf("%s-wal", db);
    CHECK(access(wal, F_OK) == 0); /* WAL mode */
    free(wal);
    store_close(ro);
    store_close(st);

    /* a newer schema is refused; a file that is not a store too */
    sqlite3 *h;
    sqlite3_open(db, &h);
    sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL);
    sqlite3_close(h);
    CHECK(store_open(db, 0, &e) == NULL);
    CHECK_INT_EQ(e.status, 2);
    CHECK(store_open_ro(db, &e) == NULL);
    char *other = xasprintf("%s/other.db", dir);
    sqlite3_open(other, &h);
    sqlite3_close(h);
    CHECK(store_open_ro(other, &e) == NULL);

    const char *const files[] = {"sweep.db", "sweep.db-wal", "sweep.db-shm", "other.db"};
    for (size_t i = 0; i < 4; i++) {
        char *f = xasprintf("%s/%s", dir, files[i]);
        unlink(f);
        free(f);
    }
    rmdir(dir);
    free(other);
    free(db);
}

static void run_sql(const char *db, const char *sql)
{
    sqlite3 *h;
    sqlite3_open(db, &h);
    char *msg = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) fprintf(stderr, "%s: %s\n", sql, msg);
    sqlite3_free(msg);
    sqlite3_close(h);
}

/* Trial 0 has its job, trial 1 none. */
static void check_refs(struct store *st)
{
    struct trial_row t;
    CHECK(st != NULL);
    if (!st) return;
    CHECK_INT_EQ(store_get_trial(st, 0, &t, NULL), 1);
    CHECK_STR_EQ(t.exec_ref, "1234");
    CHECK_STR_EQ(t.exec_state, "RUNNING");
    trial_row_release(&t);
    CHECK_INT_EQ(store_get_trial(st, 1, &t, NULL), 1);
    CHECK(t.exec_ref == NULL);
    trial_row_release(&t);
}

/* Schema v6 kept a Slurm job id (job_id INTEGER, job_state); v7 keeps the
 * executor's own reference: a v6 store reads the same, and the first
 * writer migrates it. */
static void a_v6_store_keeps_its_jobs(void)
{
    char dir[] = "/tmp/sweep-store-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *db = xasprintf("%s/sweep.db", dir);
    struct err e = {0};
    struct store *st = store_open(db, 1, &e);
    struct store_sweep w = {.spec_path = "s.yaml", .spec_text = "method: grid\n", .spec_hash = "h",
                            .cwd = "/tmp", .method = "grid", .total = 2, .version = "0"};
    CHECK_INT_EQ(store_init_sweep(st, &w, &e), 0);
    CHECK_INT_EQ(store_trial_add(st, 0, "{}", &e), 0);
    CHECK_INT_EQ(store_trial_add(st, 1, "{}", &e), 0);
    CHECK_INT_EQ(store_trial_start(st, 0, "[]", 0, 0, 2.0, &e), 0);
    CHECK_INT_EQ(store_trial_set_ref(st, 0, "1234", "RUNNING", &e), 0);
    store_close(st);
    /* back to v6, as a sweep of then left it */
    run_sql(db, "ALTER TABLE trials ADD COLUMN job_id INTEGER;"
                "UPDATE trials SET job_id = CAST(exec_ref AS INTEGER) WHERE exec_ref IS NOT NULL;"
                "ALTER TABLE trials DROP COLUMN exec_ref;"
                "ALTER TABLE trials RENAME COLUMN exec_state TO job_state;"
                "ALTER TABLE trials DROP COLUMN cpus;"
                "PRAGMA user_version = 6;");
    st = store_open_ro(db, &e);
    check_refs(st);
    store_close(st);
    st = store_open(db, 1, &e); /* migrates */
    CHECK_INT_EQ(scalar(db, "PRAGMA user_version"), 8);
    CHECK_INT_EQ(scalar(db, "select count(*) from pragma_table_info('trials') where name = 'cpus'"), 1);
    CHECK_INT_EQ(scalar(db, "select count(*) from pragma_table_info('trials') where name = 'job_id'"), 0);
    check_refs(st);
    store_close(st);
    unlink(db);
    rmdir(dir);
    free(db);
}

/* Two processes opening one new store at once (sweep run making its
 * schema, sweep serve recording a request in it): the schema is made once,
 * and neither fails ("table sweep already exists" when the version was read
 * outside the write lock). 40 rounds of two forks opening the same new
 * file. */
static void two_openers_of_a_new_store(void)
{
    char tmpl[] = "/tmp/sweep-store2.XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL);
    char *db = xasprintf("%s/sweep.db", dir);
    char *wal = xasprintf("%s-wal", db), *shm = xasprintf("%s-shm", db);
    int bad = 0;
    for (int round = 0; round < 40; round++) {
        unlink(db); /* a new store each round: no WAL of the last one */
        unlink(wal);
        unlink(shm);
        /* empty, in WAL mode: as sweep run's open leaves it before its schema
         * (the WAL switch itself happens once, under sweep run's directory lock) */
        run_sql(db, "PRAGMA journal_mode = WAL;");
        pid_t kids[2];
        for (int k = 0; k < 2; k++) {
            kids[k] = fork();
            if (kids[k] == 0) {
                struct err e = {0};
                struct store *st = store_open(db, 0, &e);
                if (!st) fprintf(stderr, "round %d: %s\n", round, e.msg);
                _exit(st ? 0 : 1);
            }
        }
        for (int k = 0; k < 2; k++) {
            int status;
            waitpid(kids[k], &status, 0);
            bad += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        }
    }
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(scalar(db, "PRAGMA user_version"), 8);
    unlink(db);
    unlink(wal);
    unlink(shm);
    free(wal);
    free(shm);
    rmdir(dir);
    free(db);
}

static const struct check_case cases[] = {CASE(a_store_through_its_lifecycle),
                                          CASE(a_v6_store_keeps_its_jobs),
                                          CASE(two_openers_of_a_new_store)};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
