/* The run loop of `sweep run` (sweep/run/run.h), driven through the fake
 * executor and clock of fake_exec.h: the real loop, store, parsers,
 * searchers and rules, with no process and no sleep. Each case is a path
 * that the end-to-end scripts in tests/cli/ also prove with real processes
 * (named there); these show the loop's decisions alone, in milliseconds.
 * A crash of sweep is a forked child that leaves the loop with _exit (as a
 * kill -9 would: no cleanup, no commit), its trials left to the next run. */
#include "sweep/run/run.h"
#include "search/space.h"
#include "store/layout.h"
#include "store/store.h"
#include "base/err.h"
#include "base/util.h"
#include "tests/check.h"
#include "tests/fake_exec.h"
#include "tests/space_text.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct rig {
    char dir[64];
    struct space *sp;
    struct store *st;
    struct fake_clock clk;
    struct fake *f;
    struct run_result res;
    struct sb said;          /* the loop's lines, one per line */
    struct err e;
};

static void on_say(void *ctx, const char *line)
{
    struct rig *r = ctx;
    sb_addf(&r->said, "%s\n", line);
}

/* A new sweep of the file text in a temp directory, played by play. */
static int rig_open(struct rig *r, const char *text, fake_play play, void *ctx)
{
    memset(r, 0, sizeof *r);
    sb_init(&r->said);
    snprintf(r->dir, sizeof r->dir, "/tmp/sweep-run-XXXXXX");
    if (!mkdtemp(r->dir)) return -1;
    char *machine = xasprintf("%s/machine", r->dir); /* this test's machine ledger */
    mkdir(machine, 0755);
    setenv("SWEEP_MACHINE_DIR", machine, 1);
    free(machine);
    r->sp = space_text("%s", text);
    if (!r->sp) return -1;
    char *db = layout_db(r->dir);
    r->st = store_open(db, 1, &r->e);
    free(db);
    if (!r->st) return -1;
    struct store_sweep w = {.spec_path = "t.yaml", .spec_text = (char *)text, .spec_hash = "h",
                            .cwd = r->dir, .method = (char *)space_method_name(r->sp->method),
                            .objective = r->sp->metric_name,
                            .maximize = space_maximizes(r->sp), .total = -1,
                            .created = 1.8e9, .version = "test"};
    if (store_init_sweep(r->st, &w, &r->e)) return -1;
    store_set_objective(r->st, r->sp->metric_name, space_maximizes(r->sp),
                        r->sp->summary_last);
    fake_clock_init(&r->clk);
    r->f = fake_new(&r->clk, play, ctx);
    return 0;
}

/* One `sweep run` of the rig's sweep: 0, or -1 (r->e says why). */
static int rig_run(struct rig *r)
{
    struct run_opts o = {.sp = r->sp, .st = r->st, .dir = r->dir, .cwd = r->dir,
                         .obs = {.say = on_say, .warn = on_say, .ctx = r},
                         .exec = &r->f->x, .clock = &r->clk.rc};
    memset(&r->e, 0, sizeof r->e);
    int rc = run_sweep(&o, &r->res, &r->e);
    if (rc) fprintf(stderr, "run_sweep: %s\n", r->e.msg);
    return rc;
}

/* The sweep process dies (kill -9) while the loop runs, in a child: its
 * play calls _exit. The rig then goes on with a new fake executor (what the
 * dead one knew is gone) and the store as the child left it. */
static int rig_run_crashing(struct rig *r, fake_play survivor, void *ctx)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        rig_run(r);
        _exit(7); /* it did not crash */
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) return -1;
    fake_free(r->f);
    r->f = fake_new(&r->clk, survivor, ctx);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void rig_close(struct rig *r)
{
    store_close(r->st);
    space_free(r->sp);
    fake_free(r->f);
    fake_clock_release(&r->clk);
    sb_release(&r->said);
    char *argv[] = {"rm", "-rf", r->dir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
}

/* One value of a query on the sweep's store, as text ("" none). */
static const char *q(struct rig *r, const char *sql)
{
    static char out[2048];
    out[0] = '\0';
    sqlite3 *h;
    sqlite3_stmt *s;
    char *db = layout_db(r->dir);
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
            snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
    } else {
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(h));
    }
    sqlite3_close(h);
    free(db);
    return out;
}

static long long qi(struct rig *r, const char *sql)
{
    return atoll(q(r, sql));
}

static int said(const struct rig *r, const char *words)
{
    return strstr(sb_str((struct sb *)&r->said), words) != NULL;
}

/* The trial's argument n (after the program) as a number. */
static double arg(const struct fake_job *j, int n)
{
    return atof(j->argv[n]);
}

/* A trainer: one "epoch=K loss=L/K" line a second for argv[1] epochs, loss
 * scale argv[2], then exit 0. */
static void trainer(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    (void)ctx;
    int epochs = (int)arg(j, 1);
    while (j->lines < epochs && t >= j->lines + 1) {
        int k = j->lines + 1;
        fake_log(j, "epoch=%d loss=%.6f", k, arg(j, 2) / k);
    }
    if (j->lines >= epochs) fake_exit(f, j, 0);
}

/* launch and ingest (cli: test_run.sh, test_sched.sh) */
static void runs_a_grid_two_at_a_time(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {values: [3, 1, 2]}\n"
                          "command: [train, '5', '${l}']\nresources: {max_parallel: 2}\n",
                          trainer, NULL),
                 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_STR_EQ(q(&r, "select group_concat(state) from (select * from trials order by id)"), "completed,completed,completed");
    CHECK_INT_EQ(qi(&r, "select count(*) from metrics where name = 'loss'"), 15);
    CHECK_STR_EQ(q(&r, "select id from trials order by objective limit 1"), "1");
    CHECK_STR_EQ(q(&r, "select objective from trials where id = 1"), "0.2");
    /* two at a time: the third starts when the first two end, ~5 s in */
    CHECK_INT_EQ(qi(&r, "select count(*) from trials a join trials b on a.id < b.id and "
                        "a.started < b.ended and b.started < a.ended"),
                 1);
    CHECK_NEAR(atof(q(&r, "select started - (select min(started) from trials) from trials "
                          "where id = 2")),
               5.0, 1.0);
    CHECK_INT_EQ(r.res.launched, 3);
    CHECK(r.clk.passes > 0); /* the loop waited, on the fake clock */
    CHECK(said(&r, "trial 0 started (pid"));
    rig_close(&r);
}

/* A trainer that fails its first start with an error line. */
static void fails_once(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    (void)ctx;
    if (j->start_no == 1 && t >= 2) {
        fake_log(j, "Traceback (most recent call last):");
        fake_log(j, "RuntimeError: CUDA error: an illegal memory access was encountered");
        fake_exit(f, j, 1);
    } else if (j->start_no > 1) trainer(f, j, t, ctx);
}

/* retries (cli: test_failures.sh) */
static void retries_a_failed_trial(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {value: 1}\ncommand: [train, '2', '${l}']\n"
                          "retries: 1\n",
                          fails_once, NULL),
                 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_STR_EQ(q(&r, "select state || ' ' || attempts from trials"), "completed 2");
    CHECK_STR_EQ(q(&r, "select detail from events where kind = 'retry'"),
                 "retry after: exit code 1: RuntimeError: CUDA error: an illegal memory access was encountered");
    CHECK_INT_EQ(fake_starts(r.f, 0), 2);
    rig_close(&r);
}

/* Never ends, logs once; stubborn when ctx says so. */
static void hangs(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    (void)f;
    (void)t;
    j->stubborn = ctx != NULL;
    if (!j->lines) fake_log(j, "epoch=1 loss=1.0");
}

/* timeout, and SIGKILL after stop_grace (cli: test_timeouts.sh) */
static void a_timeout_then_sigkill_after_the_grace(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nparameters:\n  l: {value: 1}\ncommand: [train]\n"
                          "timeout: 30s\nstop_grace: 5s\n",
                          hangs, "stubborn"),
                 0);
    double t0 = *r.clk.t;
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_STR_EQ(q(&r, "select state || ': ' || reason from trials"),
                 "failed: timeout after 30.0s; killed by signal 9 (SIGKILL)");
    struct fake_job *j = fake_latest(r.f, 0);
    CHECK_INT_EQ(j->terms, 1);
    CHECK_NEAR(*r.clk.t - t0, 35.0, 1.0); /* the grace, then SIGKILL */
    rig_close(&r);
}

/* stall_timeout (cli: test_timeouts.sh) */
static void a_stalled_trial(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nparameters:\n  l: {value: 1}\ncommand: [train]\n"
                          "stall_timeout: 20s\n",
                          hangs, NULL),
                 0);
    double t0 = *r.clk.t;
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_STR_EQ(q(&r, "select state || ': ' || reason from trials"),
                 "failed: stalled: no output for 20.0s");
    CHECK_NEAR(*r.clk.t - t0, 20.0, 1.0);
    CHECK_INT_EQ(fake_latest(r.f, 0)->terms, 1);
    rig_close(&r);
}

/* early_terminate: median (cli: test_early.sh) */
static void prunes_a_losing_trial(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {values: [1, 1.1, 9]}\n"
                          "command: [train, '10', '${l}']\nresources: {max_parallel: 1}\n"
                          "early_terminate: {type: median, min_iter: 2, min_trials: 2}\n",
                          trainer, NULL),
                 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_STR_EQ(q(&r, "select group_concat(state) from (select * from trials order by id)"), "completed,completed,pruned");
    CHECK_INT_EQ(qi(&r, "select count(*) from metrics where trial = 2"), 2);
    CHECK(strstr(q(&r, "select reason from trials where id = 2"), "median") != NULL);
    CHECK_INT_EQ(qi(&r, "select count(*) from events where kind = 'prune_decided'"), 1);
    rig_close(&r);
}

/* halving's rungs (cli: test_halving.sh) */
static void halving_promotes_the_best(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: halving\nmetric: {name: loss, goal: minimize}\n"
                          "metrics: {summary: last}\n"
                          "budget: {parameter: epochs, min: 1, max: 9, eta: 3, sampler: grid}\n"
                          "parameters:\n  l: {values: [5, 2, 9, 1, 7, 3, 8, 4, 6]}\n"
                          "command: [train, '${epochs}', '${l}']\nresources: {max_parallel: 4}\n",
                          trainer, NULL),
                 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    /* rung 0: 9 at 1 epoch; the best 3 (l = 1, 2, 3) at 3; the best at 9 */
    CHECK_INT_EQ(qi(&r, "select count(*) from trials"), 13);
    CHECK_STR_EQ(q(&r, "select group_concat(json_extract(params, '$.l'), ',') from (select "
                       "params from trials where rung = 1 order by id)"),
                 "2,1,3");
    CHECK_STR_EQ(q(&r, "select json_extract(params, '$.l') || ' ' || state from trials "
                       "where rung = 2"),
                 "1 completed");
    CHECK_INT_EQ(qi(&r, "select count(*) from metrics where trial = 12"), 9);
    rig_close(&r);
}

/* Needs argv[1] GiB of GPU memory: out of memory below that. */
static void needs_memory(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    (void)ctx;
    const char *mb = fake_env(j, "SWEEP_GPU_MEM_MB");
    if (t < 1) return;
    if (!mb || atof(mb) < arg(j, 1) * 1024) {
        fake_log(j, "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.");
        fake_exit(f, j, 1);
        return;
    }
    fake_log(j, "epoch=1 loss=0.5");
    fake_exit(f, j, 0);
}

/* out of GPU memory: requeued with more (cli: test_packing.sh) */
static void oom_requeues_with_a_larger_estimate(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  m: {values: [3, 20]}\ncommand: [train, '${m}']\n"
                          "resources:\n  gpus: [{id: 0, memory: 10GiB}]\n  headroom: 512MiB\n"
                          "  memory: 2GiB\n",
                          needs_memory, NULL),
                 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_STR_EQ(q(&r, "select state || ' ' || attempts || ' ' || cast(mem_est as int) from "
                       "trials where id = 0"),
                 "completed 2 3072");
    CHECK_STR_EQ(q(&r, "select detail from events where trial = 0 and kind = 'oom_requeued'"),
                 "CUDA out of memory with 2.0 GiB reserved; requeued with 3.0 GiB");
    CHECK_STR_EQ(q(&r, "select state || ' ' || attempts from trials where id = 1"), "failed 5");
    CHECK(strstr(q(&r, "select reason from trials where id = 1"),
                 "it had a whole GPU (9.5 GiB usable)") != NULL);
    rig_close(&r);
}

/* The executor says "not now", then takes it (cli: test_slurm_refusals.sh) */
static void not_now_starts_it_later(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {value: 1}\ncommand: [train, '1', '${l}']\n",
                          trainer, NULL),
                 0);
    r.f->refuse = EAGAIN;
    double t0 = *r.clk.t;
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_INT_EQ(r.f->refusals, 1);
    CHECK_STR_EQ(q(&r, "select state || ' ' || attempts from trials"), "completed 1");
    CHECK(*r.clk.t - t0 >= 10.0); /* RUN_NOT_NOW_S */
    rig_close(&r);
}

static void never_stops_the_sweep(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nparameters:\n  l: {values: [1, 2]}\n"
                          "command: [train, '1', '${l}']\n",
                          trainer, NULL),
                 0);
    r.f->refuse = ENXIO;
    CHECK_INT_EQ(rig_run(&r), -1);
    CHECK(strstr(r.e.msg, "stopping (trial 0 was not started") != NULL);
    CHECK_STR_EQ(q(&r, "select count(*) from trials where attempts > 0"), "0");
    rig_close(&r);
}

/* The crash: once trial `crash_trial` has logged `crash_at` lines, the
 * sweep process dies. */
struct crash {
    long long trial;
    int at;
};

static void crashes(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    struct crash *c = ctx;
    trainer(f, j, t, NULL);
    if (j->trial == c->trial && j->lines >= c->at) _exit(0);
}

/* An adopted trainer goes on from the lines its log has. */
static void goes_on(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    (void)ctx;
    if (j->adopted && !j->lines) {
        FILE *fp = fopen(j->log, "r");
        int c;
        while (fp && (c = fgetc(fp)) != EOF) j->lines += c == '\n';
        if (fp) fclose(fp);
        j->started -= j->lines; /* as if it had run all along */
        t += j->lines;
    }
    trainer(f, j, t, NULL);
}

/* resume after kill -9: running trials adopted (cli: test_resume.sh,
 * test_torture.sh) */
static void a_crash_then_running_trials_are_adopted(void)
{
    struct rig r;
    struct crash c = {.trial = 1, .at = 3};
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {values: [1, 2, 3]}\n"
                          "command: [train, '6', '${l}']\nresources: {max_parallel: 2}\n",
                          crashes, &c),
                 0);
    CHECK_INT_EQ(rig_run_crashing(&r, goes_on, NULL), 0);
    CHECK_STR_EQ(q(&r, "select group_concat(state) from (select * from trials order by id)"), "running,running");
    r.f->adopt_alive = 1;
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK(said(&r, "resuming: 0 trials done, 2 were running, 0 pending"));
    CHECK(said(&r, "trial 0 is still running (pid"));
    CHECK_STR_EQ(q(&r, "select group_concat(state || ' ' || attempts) from (select * from trials order by id)"),
                 "completed 1,completed 1,completed 1");
    CHECK_INT_EQ(qi(&r, "select count(*) from events where kind = 'adopted'"), 2);
    /* every line once: what the dead sweep had committed is not read again */
    CHECK_INT_EQ(qi(&r, "select count(*) from metrics"), 18);
    CHECK_INT_EQ(qi(&r, "select count(*) from (select trial, step from metrics group by trial, "
                        "step, name having count(*) > 1)"),
                 0);
    rig_close(&r);
}

/* kill -9 of sweep after it decided to preempt a trial (preempt.c; the
 * decision recorded, as request_stop does): the resumed sweep honours it -
 * stops the trial, requeues it at once, runs it again - and follows the
 * other (cli: test_machine_preempt.sh for preemption itself) */
static void a_crash_after_a_preemption_honours_it(void)
{
    struct rig r;
    struct crash c = {.trial = 1, .at = 3};
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {values: [1, 2]}\n"
                          "command: [train, '6', '${l}']\nresources: {max_parallel: 2}\n"
                          "rerun: {command: [train, '6', '${l}']}\n",
                          crashes, &c),
                 0);
    CHECK_INT_EQ(rig_run_crashing(&r, goes_on, NULL), 0);
    CHECK_INT_EQ(store_trial_decide(r.st, 0, TRIAL_PENDING,
                                    "preempted for bob's sweep /s/b, waiting 40s", NULL),
                 0);
    r.f->adopt_alive = 1;
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK(said(&r, "trial 0: preempted; requeued, to continue from its checkpoint"));
    CHECK_STR_EQ(q(&r, "select group_concat(state || ' ' || attempts) from (select * from trials order by id)"),
                 "completed 2,completed 1");
    CHECK_INT_EQ(qi(&r, "select count(*) from events where kind = 'preempted' and trial = 0"), 1);
    CHECK_INT_EQ(qi(&r, "select count(*) from events where kind = 'resumed' and trial = 0"), 1);
    rig_close(&r);
}

/* resume after kill -9 of sweep and its trials: run again (cli:
 * test_supervisor_death.sh) */
static void a_crash_then_lost_trials_run_again(void)
{
    struct rig r;
    struct crash c = {.trial = 0, .at = 2};
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {values: [1, 2]}\n"
                          "command: [train, '4', '${l}']\nresources: {max_parallel: 2}\n",
                          crashes, &c),
                 0);
    CHECK_INT_EQ(rig_run_crashing(&r, trainer, NULL), 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK(said(&r, "trial 0 died with an earlier sweep process: queued again"));
    CHECK_STR_EQ(q(&r, "select group_concat(state || ' ' || attempts) from (select * from trials order by id)"),
                 "completed 2,completed 2");
    CHECK_INT_EQ(qi(&r, "select count(*) from metrics"), 8); /* the first attempts' are gone */
    rig_close(&r);
}

/* resume: a trial that ended while no sweep ran is recorded from its
 * exit.json (cli: test_resume.sh) */
static void a_crash_then_ended_trials_are_recorded(void)
{
    struct rig r;
    struct crash c = {.trial = 0, .at = 1};
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {value: 2}\ncommand: [train, '3', '${l}']\n",
                          crashes, &c),
                 0);
    CHECK_INT_EQ(rig_run_crashing(&r, trainer, NULL), 0);
    /* meanwhile the trainer finished: two more lines, exit 0 */
    struct fake_job *j = fake_latest(r.f, 0);
    CHECK(j == NULL);
    char *tdir = layout_trial_dir(r.dir, 0);
    struct fake_job dead = {.trial = 0, .dir = tdir, .log = layout_log(tdir), .pid = 1};
    fake_log(&dead, "epoch=2 loss=1.0");
    fake_log(&dead, "epoch=3 loss=0.666667");
    fake_exit(r.f, &dead, 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK(said(&r, "trial 0 ended while no sweep was running: recording how"));
    CHECK_STR_EQ(q(&r, "select state || ' ' || attempts || ' ' || objective from trials"),
                 "completed 1 0.666667");
    CHECK_INT_EQ(qi(&r, "select count(*) from metrics"), 3);
    CHECK_INT_EQ(fake_starts(r.f, 0), 0);
    free(dead.log);
    free(tdir);
    rig_close(&r);
}

/* Ctrl-C once it has logged a line: raised in the loop's own process. */
static void interrupted(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    int *sent = ctx;
    trainer(f, j, t, NULL);
    if (j->lines >= 1 && !*sent) {
        *sent = 1;
        raise(SIGINT);
    }
}

/* Ctrl-C: running trials interrupted (pending), run again on resume (cli:
 * test_signals.sh) */
static void ctrl_c_then_resume_runs_them_again(void)
{
    struct rig r;
    int sent = 0;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {values: [1, 2, 3]}\n"
                          "command: [train, '3', '${l}']\nresources: {max_parallel: 2}\n",
                          interrupted, &sent),
                 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_INT_EQ(r.res.interrupted, 1);
    CHECK_INT_EQ(r.res.signal, SIGINT);
    CHECK_STR_EQ(q(&r, "select group_concat(state) from (select * from trials order by id)"), "pending,pending");
    CHECK_INT_EQ(qi(&r, "select count(*) from events where kind = 'interrupted'"), 2);
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_INT_EQ(r.res.interrupted, 0);
    CHECK_STR_EQ(q(&r, "select group_concat(state) from (select * from trials order by id)"), "completed,completed,completed");
    CHECK_INT_EQ(fake_starts(r.f, 0), 2);
    CHECK_INT_EQ(fake_starts(r.f, 2), 1);
    rig_close(&r);
}


/* Logs nan at its third epoch (then goes on, as a trainer that does not
 * check would). */
static void diverges(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    (void)ctx;
    while (j->lines < 5 && t >= j->lines + 1) {
        int k = j->lines + 1;
        if (k >= 3) fake_log(j, "epoch=%d loss=nan", k);
        else fake_log(j, "epoch=%d loss=%.3f", k, 1.0 / k);
    }
    if (j->lines >= 5) fake_exit(f, j, 0);
}

/* metric becomes nan: failed at once, never retried (cli: test_failures.sh) */
static void a_diverged_trial_fails_without_retry(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {value: 1}\ncommand: [train]\nretries: 3\n",
                          diverges, NULL),
                 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    /* our SIGTERM is no news in the reason */
    CHECK_STR_EQ(q(&r, "select state || ' ' || attempts || ': ' || reason from trials"),
                 "failed 1: diverged: loss nan at step 3");
    CHECK_INT_EQ(fake_latest(r.f, 0)->terms, 1); /* stopped at once, not at its end */
    CHECK_INT_EQ(qi(&r, "select count(*) from events where kind = 'retry'"), 0);
    rig_close(&r);
}

/* metric.target: once a trial reaches it, no new trial starts (cli:
 * test_target.sh) */
static void the_target_stops_new_trials(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize, target: 0.5}\n"
                          "parameters:\n  l: {values: [4, 1, 3, 2]}\n"
                          "command: [train, '4', '${l}']\n",
                          trainer, NULL),
                 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    /* trial 1 logs 1/2 = 0.5 at epoch 2: trials 2 and 3 never start */
    CHECK_STR_EQ(q(&r, "select group_concat(state) from (select * from trials order by id)"), "completed,completed");
    CHECK_STR_EQ(q(&r, "select detail from events where kind = 'target_reached'"), "loss=0.5");
    CHECK(said(&r, "trial 1 reached the target loss 0.5: no new trials will start"));
    rig_close(&r);
}

static void crashes_at_once(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    (void)ctx;
    if (t < 0.5) return;
    fake_log(j, "ModuleNotFoundError: No module named 'ultralytics'");
    fake_exit(f, j, 1);
}

/* fail_fast: the first 3 started all failed; the sweep stops, exit 3 (cli:
 * test_failfast.sh) */
static void fail_fast_stops_a_broken_sweep(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nparameters:\n  l: {values: [1, 2, 3, 4, 5, 6]}\n"
                          "command: [train, '${l}']\nresources: {max_parallel: 2}\n",
                          crashes_at_once, NULL),
                 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK(strstr(r.res.failed_fast, "the first 3 trials all failed") != NULL);
    CHECK(strstr(r.res.failed_fast, "ModuleNotFoundError") != NULL);
    /* the first four failed; the two started meanwhile were interrupted:
     * pending, run again on resume */
    CHECK_STR_EQ(q(&r, "select group_concat(state) from (select * from trials order by id)"),
                 "failed,failed,failed,failed,pending,pending");
    CHECK_INT_EQ(qi(&r, "select count(*) from events where kind = 'stop_requested'"), 1);
    rig_close(&r);
}

/* Its machine fails at its second epoch, the first time. */
static void loses_its_machine(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    if (j->start_no == 1 && j->lines == 2) {
        fake_lost_machine(j, "its node failed (NODE_FAIL)");
        return;
    }
    trainer(f, j, t, ctx);
}

/* a node failure: run again as a new start, not a failure, not a retry
 * (cli: test_slurm.sh) */
static void a_lost_machine_runs_it_again(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {value: 1}\ncommand: [train, '4', '${l}']\n",
                          loses_its_machine, NULL),
                 0);
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_STR_EQ(q(&r, "select state || ' ' || attempts from trials"), "completed 2");
    CHECK_STR_EQ(q(&r, "select detail from events where kind = 'requeued'"),
                 "its node failed (NODE_FAIL); requeued");
    CHECK_INT_EQ(qi(&r, "select count(*) from events where kind = 'retry'"), 0);
    CHECK_INT_EQ(qi(&r, "select count(*) from metrics"), 4); /* the first run's rows gone */
    rig_close(&r);
}

/* A batch queue: each job waits 20 s, then trains for 6. */
static void waits_in_the_queue(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    if (j->queued) {
        if (*f->clk->t - j->started >= 20) fake_run(f, j);
        return;
    }
    trainer(f, j, t, ctx);
}

/* A queued job's time starts when it runs: a 10 s timeout does not fire
 * during 20 s in the queue (cli: test_slurm.sh) */
static void queued_time_is_not_run_time(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {value: 1}\ncommand: [train, '6', '${l}']\n"
                          "timeout: 10s\n",
                          waits_in_the_queue, NULL),
                 0);
    r.f->batch = 1;
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_STR_EQ(q(&r, "select state from trials"), "completed");
    CHECK_STR_EQ(q(&r, "select exec_ref is not null from trials"), "1");
    CHECK_STR_EQ(q(&r, "select exec_state from trials"), "RUNNING");
    CHECK(said(&r, "trial 0 started (ref "));
    /* its run began after the queue: started - queued is the 20 s wait */
    CHECK_NEAR(atof(q(&r, "select ended - started from trials")), 6.0, 1.0);
    rig_close(&r);
}

/* sweep stop DIR 1, while trial 1 trains: its stop file, then SIGUSR1. */
static void stopped_by_the_user(struct fake *f, struct fake_job *j, double t, void *ctx)
{
    const char *dir = ctx;
    if (j->trial == 1 && j->lines == 1 && !j->terms) {
        layout_request_stop(dir, 1, NULL);
        raise(SIGUSR1);
    }
    trainer(f, j, t, NULL);
}

/* sweep stop of one trial while the sweep runs (cli: test_stop.sh) */
static void sweep_stop_stops_one_trial(void)
{
    struct rig r;
    CHECK_INT_EQ(rig_open(&r,
                          "method: grid\nmetric: {name: loss, goal: minimize}\n"
                          "parameters:\n  l: {values: [1, 2, 3]}\n"
                          "command: [train, '5', '${l}']\nresources: {max_parallel: 3}\n",
                          stopped_by_the_user, NULL),
                 0);
    r.f->ctx = r.dir;
    CHECK_INT_EQ(rig_run(&r), 0);
    CHECK_STR_EQ(q(&r, "select group_concat(state) from (select * from trials order by id)"), "completed,stopped,completed");
    CHECK_STR_EQ(q(&r, "select reason from trials where id = 1"),
                 "stopped by the user (sweep stop)");
    CHECK(said(&r, "trial 1: stop requested"));
    rig_close(&r);
}

static const struct check_case cases[] = {
    CASE(runs_a_grid_two_at_a_time),
    CASE(retries_a_failed_trial),
    CASE(a_timeout_then_sigkill_after_the_grace),
    CASE(a_stalled_trial),
    CASE(prunes_a_losing_trial),
    CASE(halving_promotes_the_best),
    CASE(oom_requeues_with_a_larger_estimate),
    CASE(not_now_starts_it_later),
    CASE(never_stops_the_sweep),
    CASE(a_crash_then_running_trials_are_adopted),
    CASE(a_crash_then_lost_trials_run_again),
    CASE(a_crash_after_a_preemption_honours_it),
    CASE(a_crash_then_ended_trials_are_recorded),
    CASE(ctrl_c_then_resume_runs_them_again),
    CASE(a_diverged_trial_fails_without_retry),
    CASE(the_target_stops_new_trials),
    CASE(fail_fast_stops_a_broken_sweep),
    CASE(a_lost_machine_runs_it_again),
    CASE(queued_time_is_not_run_time),
    CASE(sweep_stop_stops_one_trial),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
