/* machine.c - this sweep in the machine ledger (machine/ledger.h): it
 * registers while it runs; each trial on a GPU has its hold reserved before
 * it starts, in a transaction that counts every sweep's holds, taken over
 * with its supervisor's identity once started (or adopted), grown with its
 * peak and released when it ends; before each placement the other sweeps'
 * holds and their trainers' process groups are read, and holds whose sweep
 * and supervisor are both dead are reclaimed. A ledger deleted or replaced
 * is opened anew and our holds written again. Without a usable ledger the
 * sweep says so once (when it packs GPUs) and places as if alone. */
#include "sweep/run/run_int.h"
#include "machine/ledger.h"
#include "search/methods.h"
#include "search/space.h"
#include "base/err.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MACHINE_COUNTS_S 2.0 /* how often sweep ps's counts are written */

static int alive(long pid, long long start)
{
    return pid > 0 && start > 0 && proc_start_time((pid_t)pid) == start;
}

static void not_coordinated(struct sched *s, const char *why)
{
    if (s->m.said || !s->g.on) return;
    s->m.said = 1;
    warn(s, "machine ledger: %s; other sweeps on this machine are not coordinated with this "
            "one (docs/machine.md)",
         why);
}

/* Registers the sweep; 0, or -1 (the ledger is given up). */
static int enroll(struct sched *s)
{
    struct ledger_sweep w = {.dir = s->m.dir, .uid = s->m.uid, .user = s->m.user,
                             .pid = s->m.pid, .pid_start = s->m.pid_start,
                             .method = (char *)method_of(s->sp)->name};
    struct err e = {0};
    if (ledger_register(s->m.l, &w, &e) == 0) return 0;
    not_coordinated(s, e.msg);
    ledger_close(s->m.l);
    s->m.l = NULL;
    return -1;
}

void machine_setup(struct sched *s)
{
    if (s->own_exec && s->def != &exec_local_def) return; /* another machine's business */
    s->m.dir = xstrdup(s->o->dir);
    s->m.uid = getuid();
    struct passwd *pw = getpwuid(s->m.uid);
    snprintf(s->m.user, sizeof s->m.user, "%s", pw ? pw->pw_name : "?");
    s->m.pid = (long)getpid();
    s->m.pid_start = proc_start_time(getpid());
    struct err e = {0};
    s->m.l = ledger_open(ledger_dir(), &e);
    if (!s->m.l) {
        not_coordinated(s, e.msg);
        return;
    }
    enroll(s);
}

/* A ledger error: said once, and the ledger is given up for this run. */
static void lost(struct sched *s, const struct err *e)
{
    not_coordinated(s, e->msg);
    ledger_close(s->m.l);
    s->m.l = NULL;
}

int machine_sync(struct sched *s)
{
    if (!s->m.l) return 0;
    int again = 0;
    if (ledger_gone(s->m.l)) { /* deleted or replaced: opened anew, our holds again */
        ledger_close(s->m.l);
        struct err e = {0};
        s->m.l = ledger_open(ledger_dir(), &e);
        if (!s->m.l) {
            not_coordinated(s, e.msg);
            return 0;
        }
        if (enroll(s)) return 0;
        warn(s, "machine ledger: %s/%s was replaced; this sweep's holds are written again",
            ledger_dir(), LEDGER_FILE);
        again = 1;
    }
    struct err e = {0};
    ledger_view_release(&s->m.view);
    double now = run_mono(s);
    int reclaim = now >= s->m.next_reclaim; /* each hold's /proc: once a second at most */
    if (reclaim) s->m.next_reclaim = now + RUN_LEDGER_S;
    if ((reclaim && ledger_reclaim(s->m.l, alive, &e) < 0) || ledger_view(s->m.l, &s->m.view, &e))
        lost(s, &e);
    return again;
}

int machine_reserve(struct sched *s, long long trial, int gpu_id, double mib, double capacity,
                    double strangers)
{
    if (!s->m.l) return 1;
    struct ledger_hold h = {.dir = s->m.dir, .trial = trial, .uid = s->m.uid, .user = s->m.user,
                            .gpu = gpu_id, .mib = mib, .whole = mib < 0,
                            .holder_pid = s->m.pid, .holder_start = s->m.pid_start};
    struct err e = {0};
    int r = ledger_reserve(s->m.l, &h, capacity, strangers, &e);
    if (r < 0) {
        lost(s, &e);
        return 1;
    }
    return r;
}

void machine_hold(struct sched *s, long long trial, int gpu_id, double mib, int whole,
                  const struct exec_job *job, pid_t pgid)
{
    if (!s->m.l) return;
    struct ledger_hold h = {.dir = s->m.dir, .trial = trial, .uid = s->m.uid, .user = s->m.user,
                            .gpu = gpu_id, .mib = mib, .whole = whole, .sup_pid = (long)job->pid,
                            .sup_start = job->pid_start, .pgid = (long)pgid,
                            .holder_pid = s->m.pid, .holder_start = s->m.pid_start};
    struct err e = {0};
    if (ledger_hold(s->m.l, &h, &e)) lost(s, &e);
}

void machine_grow(struct sched *s, long long trial, double mib, pid_t pgid)
{
    struct err e = {0};
    if (s->m.l && ledger_grow(s->m.l, s->m.dir, trial, mib, (long)pgid, &e)) lost(s, &e);
}

void machine_release(struct sched *s, long long trial)
{
    struct err e = {0};
    if (s->m.l && ledger_release(s->m.l, s->m.dir, trial, &e)) lost(s, &e);
}

double machine_shared(const struct sched *s, int gpu_id, int *ntrials, int *whole)
{
    double mib = 0;
    *ntrials = *whole = 0;
    for (size_t i = 0; i < s->m.view.nholds; i++) {
        const struct ledger_hold *h = &s->m.view.holds[i];
        if (h->gpu != gpu_id || !strcmp(h->dir, s->m.dir)) continue;
        mib += h->mib;
        (*ntrials)++;
        *whole |= h->whole;
    }
    return mib;
}

int machine_theirs(const struct sched *s, pid_t pgid)
{
    for (size_t i = 0; pgid > 0 && i < s->m.view.nholds; i++)
        if (s->m.view.holds[i].pgid == (long)pgid && strcmp(s->m.view.holds[i].dir, s->m.dir))
            return 1;
    return 0;
}

void machine_counts(struct sched *s, double waiting_mib)
{
    double now = run_mono(s);
    if (!s->m.l || now < s->m.next_counts) return;
    s->m.next_counts = now + MACHINE_COUNTS_S;
    struct err e = {0};
    long waiting = (long)s->queue.n;
    if (ledger_counts(s->m.l, s->m.dir, (long)s->active, waiting, waiting_mib, &e)) lost(s, &e);
}

double machine_wait(const struct sched *s)
{
    /* trials wait while other sweeps hold the GPUs: their ends free room
     * that only the ledger tells of */
    return s->m.l && s->g.on && s->queue.n ? RUN_LEDGER_S : 1e300;
}

void machine_teardown(struct sched *s)
{
    if (s->m.l) ledger_unregister(s->m.l, s->m.dir, NULL);
    ledger_view_release(&s->m.view);
    ledger_close(s->m.l);
    free(s->m.dir);
    memset(&s->m, 0, sizeof s->m);
}
