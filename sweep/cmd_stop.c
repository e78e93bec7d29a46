/* cmd_stop.c - `sweep stop DIR [TRIAL...]`: stop a sweep, or some of its
 * trials, from another terminal. */
#include "search/diag.h"
#include "search/space.h"
#include "store/store.h"
#include "sweep/cli.h"
#include "store/dirlock.h"
#include "store/layout.h"
#include "base/err.h"
#include "sweep/exec/proc.h"
#include "sweep/exec/executors.h"
#include "base/util.h"

#define DEFAULT_GRACE_S 10.0 /* stop_grace when the stored file does not load */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: sweep stop DIR [TRIAL...]\n"
    "\n"
    "Without TRIAL: stops the sweep running in DIR as Ctrl-C does (no new\n"
    "trials; running ones get SIGTERM, then SIGKILL after stop_grace, and are\n"
    "recorded as stopped). With TRIAL numbers: stops only those trials; the\n"
    "sweep goes on. A queued trial is recorded as stopped without running.\n"
    "\n"
    "When no sweep runs in DIR (after a second Ctrl-C, say), the trials still\n"
    "running are stopped directly, and the next `sweep resume DIR` records\n"
    "them as stopped.\n"
    "\n"
    "  -h, --help  this text\n"
    "\n"
    "Exit status: 0 done, 1 a signal could not be sent, 2 usage (not a sweep\n"
    "directory, a trial that does not exist).\n";

struct running {
    long long *ids;
    pid_t *pids;            /* their supervisors, as the store recorded them */
    long long *starts;      /* and the supervisors' start times: their identity */
    char **refs;            /* their executor's names for them (a batch job), NULL none */
    size_t n;
    const struct exec_def *def; /* the sweep's executor */
    struct exec_sweep w;
};

/* A trial gets sig (SIGTERM or SIGKILL) through its executor; one whose
 * executor named it nothing (never submitted, or local), through its
 * supervisor on this machine. */
static int stop_one(const char *tdir, const struct running *r, size_t i, int sig)
{
    struct err e = {0};
    struct exec_record rec = {.trial_dir = tdir, .trial = r->ids[i], .pid = r->pids[i],
                              .pid_start = r->starts[i], .ref = r->refs[i]};
    if (r->refs[i] && r->def) return r->def->stop_trial(&r->w, &rec, sig, &e);
    return proc_stop(tdir, r->pids[i], r->starts[i], sig);
}

static int collect(const struct trial_row *t, void *ctx)
{
    struct running *r = ctx;
    r->ids = xrealloc(r->ids, (r->n + 1) * sizeof *r->ids);
    r->pids = xrealloc(r->pids, (r->n + 1) * sizeof *r->pids);
    r->starts = xrealloc(r->starts, (r->n + 1) * sizeof *r->starts);
    r->refs = xrealloc(r->refs, (r->n + 1) * sizeof *r->refs);
    r->refs[r->n] = t->exec_ref ? xstrdup(t->exec_ref) : NULL;
    r->ids[r->n] = t->id;
    r->pids[r->n] = (pid_t)t->pid;
    r->starts[r->n] = t->pid_start;
    r->n++;
    return 0;
}

/* No sweep holds DIR: signal the trials' groups ourselves, SIGKILL after
 * the grace period for those whose supervisor has not recorded an end. */
static int stop_orphans(const char *dir, struct running *r, double grace)
{
    int rc = 0;
    for (size_t i = 0; i < r->n; i++) {
        char *tdir = layout_trial_dir(dir, r->ids[i]);
        if (stop_one(tdir, r, i, SIGTERM) != 0 && errno != ESRCH) rc = 1;
        free(tdir);
    }
    double until = util_mono() + grace;
    for (size_t i = 0; i < r->n; i++) {
        char *tdir = layout_trial_dir(dir, r->ids[i]);
        char *exitf = xasprintf("%s/exit.json", tdir);
        struct stat st;
        while (stat(exitf, &st) != 0 && util_mono() < until) {
            struct timespec ts = {0, 50000000};
            nanosleep(&ts, NULL);
        }
        if (stat(exitf, &st) != 0) stop_one(tdir, r, i, SIGKILL);
        free(exitf);
        free(tdir);
    }
    return rc;
}

/* No sweep runs, the whole sweep is stopped: what its executor started
 * that the store does not know (a batch job submitted just before a crash)
 * is stopped too. 0, or 1 when the executor could not tell. */
static int cancel_unrecorded(const struct running *run, const char *dir)
{
    const struct exec_def *x = run->def;
    if (!x || !x->stop_rest) return 0;
    struct err e = {0};
    long n = x->stop_rest(&run->w, (const char *const *)run->refs, run->n, &e);
    const char *what = x->ref_word ? x->ref_word : "trial";
    if (n < 0) {
        fprintf(stderr, "sweep: cannot list the sweep's %ss in %s: %s\n", what, x->title, e.msg);
        return 1;
    }
    if (n > 0)
        printf("%s: %ld more %s%s of this sweep cancelled in %s (queued, not yet recorded)\n",
               dir, n, what, n == 1 ? "" : "s", x->title);
    return 0;
}

int cmd_stop(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(USAGE, stdout);
            return 0;
        }
        return cli_bad_option("stop", opts, argv);
    }
    if (optind >= argc) return cli_usage("stop", "expected a sweep directory");
    const char *dir = argv[optind++];
    struct err e = {0};
    struct store *st = cli_open_store(dir, NULL, &e);
    if (!st) return cli_fail(&e);
    struct store_sweep w = {0};
    struct running run = {0};
    struct space *sp = NULL;
    int rc = 0;
    if (store_get_sweep(st, &w, &e) != 0) {
        if (!e.msg[0]) err_usage(&e, "%s holds no sweep yet", dir);
        rc = cli_fail(&e);
        goto out;
    }
    long pid = 0;
    int live = dirlock_held(dir, NULL, 0, &pid);
    if (!live) sp = cli_load_stored(st, &w);
    if (optind < argc) { /* some trials */
        for (int i = optind; i < argc; i++) {
            char *end;
            long long id = strtoll(argv[i], &end, 10);
            struct trial_row t;
            int found = *argv[i] && !*end ? store_get_trial(st, id, &t, &e) : 0;
            if (found < 0) {
                rc = cli_fail(&e);
                goto out;
            }
            if (!found && *argv[i] && !*end && id >= 0 && (w.total < 0 || id < w.total)) {
                /* not started yet (a grid trial further on): stopped when its turn comes */
                if (layout_request_stop(dir, id, &e)) {
                    rc = cli_fail(&e);
                    goto out;
                }
                printf("trial %lld has not started: it is recorded as stopped without running "
                       "when its turn comes\n",
                       id);
                continue;
            }
            if (!found) {
                rc = cli_usage("stop", "%s: no trial %s", dir, argv[i]);
                goto out;
            }
            if (t.state == TRIAL_RUNNING || t.state == TRIAL_PENDING) {
                if (layout_request_stop(dir, id, &e)) {
                    trial_row_release(&t);
                    rc = cli_fail(&e);
                    goto out;
                }
                if (t.state == TRIAL_RUNNING) collect(&t, &run);
                printf("trial %lld: stop requested\n", id);
            } else {
                printf("trial %lld is already %s\n", id, store_state_name(t.state));
            }
            trial_row_release(&t);
        }
        if (live && pid > 1 && kill((pid_t)pid, SIGUSR1) != 0) {
            err_errno(&e, "signal the sweep (pid %ld)", pid);
            rc = cli_fail(&e);
        }
    } else if (live && pid > 1) { /* the whole sweep: as Ctrl-C */
        if (kill((pid_t)pid, SIGTERM) != 0) {
            err_errno(&e, "signal the sweep (pid %ld)", pid);
            rc = cli_fail(&e);
        } else {
            printf("%s: the sweep (pid %ld) is stopping its trials\n", dir, pid);
        }
    } else {
        if (store_each_trial(st, ORDER_ID, TRIAL_RUNNING, 0, collect, &run, &e)) {
            rc = cli_fail(&e);
            goto out;
        }
        for (size_t i = 0; i < run.n; i++) layout_request_stop(dir, run.ids[i], NULL);
    }
    /* the trials know their directory by its absolute path
     * (SWEEP_TRIAL_DIR): what proves a process is theirs */
    char *abs = realpath(dir, NULL);
    run.def = sp ? exec_def(sp->executor) : NULL;
    run.w = (struct exec_sweep){.sp = sp, .dir = abs ? abs : dir, .cwd = w.cwd,
                                .created = w.created};
    if (!live && run.n) {
        double grace = sp ? sp->stop_grace : DEFAULT_GRACE_S;
        if (!sp)
            fprintf(stderr, "sweep: stopping with the default grace period of %.0f s instead\n",
                    DEFAULT_GRACE_S);
        rc = stop_orphans(abs ? abs : dir, &run, grace);
        char *word = cli_word(dir);
        printf("%s: no sweep is running; %zu trial%s stopped, and `sweep resume %s` records "
               "%s\n",
               dir, run.n, run.n == 1 ? "" : "s", word, run.n == 1 ? "it" : "them");
        free(word);
    } else if (!live && optind >= argc) {
        printf("%s: no sweep is running, and no trial either\n", dir);
    }
    if (!live && optind >= argc) rc |= cancel_unrecorded(&run, dir);
    free(abs);
out:
    space_free(sp);
    for (size_t i = 0; i < run.n; i++) free(run.refs[i]);
    free(run.refs);
    free(run.ids);
    free(run.pids);
    free(run.starts);
    store_sweep_release(&w);
    store_close(st);
    return rc;
}
