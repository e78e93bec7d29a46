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
#include "machine/stage.h"
#include "store/store.h"
#include "search/methods.h"
#include "search/space.h"
#include "sweep/run/machine_cfg.h"
#include "search/diag.h"
#include "base/err.h"

#include <math.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MACHINE_COUNTS_S 2.0 /* how often sweep ps's counts are written */

static int alive(long pid, long long start)
{
    return proc_alive((pid_t)pid, start);
}

static void not_coordinated(struct sched *s, const char *why)
{
    if (s->m.said || (!s->g.on && !s->c.on)) return;
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
                             .method = (char *)method_of(s->sp)->name,
                             .priority = s->sp->priority};
    struct err e = {0};
    if (ledger_register(s->m.l, &w, &e) == 0) return 0;
    not_coordinated(s, e.msg);
    ledger_close(s->m.l);
    s->m.l = NULL;
    return -1;
}

/* The machine configuration: its errors stop the sweep before anything
 * runs, as the sweep file's do (FILE:LINE:COL, exit 2). */
static int read_cfg(struct sched *s, struct err *e)
{
    struct diag d;
    diag_init(&d, machine_cfg_path());
    int rc = machine_cfg_load(&s->m.cfg, &d);
    if (rc) { /* every error, in file order */
        struct sb all;
        sb_init(&all);
        size_t *ord = diag_order(&d);
        for (size_t i = 0; i < d.n; i++)
            if (d.is_error[ord[i]]) sb_addf(&all, "%s%s", all.len ? "; " : "", d.msgs[ord[i]]);
        err_usage(e, "%s", all.len ? sb_str(&all) : "the machine configuration does not load");
        free(ord);
        sb_release(&all);
    }
    diag_release(&d);
    return rc;
}

int machine_setup(struct sched *s, struct err *e)
{
    if (s->own_exec && s->def != &exec_local_def) return 0; /* another machine's business */
    if (read_cfg(s, e)) return -1;
    s->m.dir = xstrdup(s->o->dir);
    s->m.uid = getuid();
    struct passwd *pw = getpwuid(s->m.uid);
    snprintf(s->m.user, sizeof s->m.user, "%s", pw ? pw->pw_name : "?");
    s->m.pid = (long)getpid();
    s->m.pid_start = proc_start_time(getpid());
    struct err le = {0};
    s->m.l = ledger_open(ledger_dir(), &le);
    if (!s->m.l) {
        not_coordinated(s, le.msg);
        return 0;
    }
    enroll(s);
    return 0;
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
                    double strangers, const char *cpus)
{
    if (!s->m.l) return 1;
    struct ledger_hold h = {.dir = s->m.dir, .trial = trial, .uid = s->m.uid, .user = s->m.user,
                            .gpu = gpu_id, .mib = mib, .whole = mib < 0,
                            .holder_pid = s->m.pid, .holder_start = s->m.pid_start,
                            .cpus = (char *)cpus};
    struct err e = {0};
    const struct machine_user *u = machine_cfg_user(&s->m.cfg, s->m.user);
    int r = ledger_reserve_within(s->m.l, &h, capacity, strangers, u->max_mib, u->max_gpus, &e);
    if (r < 0) {
        lost(s, &e);
        return 1;
    }
    if (r) { /* in our view at once: the next placement of this turn counts it */
        struct ledger_view *v = &s->m.view;
        v->holds = xrealloc(v->holds, (v->nholds + 1) * sizeof *v->holds);
        h.dir = xstrdup(h.dir);
        h.user = xstrdup(h.user);
        h.cpus = xstrdup(cpus ? cpus : "");
        v->holds[v->nholds++] = h;
    }
    return r;
}

void machine_hold(struct sched *s, long long trial, int gpu_id, double mib, int whole,
                  const struct exec_job *job, pid_t pgid, const char *cpus)
{
    if (!s->m.l) return;
    struct ledger_hold h = {.dir = s->m.dir, .trial = trial, .uid = s->m.uid, .user = s->m.user,
                            .gpu = gpu_id, .mib = mib, .whole = whole, .sup_pid = (long)job->pid,
                            .sup_start = job->pid_start, .pgid = (long)pgid,
                            .holder_pid = s->m.pid, .holder_start = s->m.pid_start,
                            .cpus = (char *)cpus};
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

void machine_cpus_theirs(const struct sched *s, struct cpuset *out)
{
    cpuset_clear(out);
    for (size_t i = 0; i < s->m.view.nholds; i++) {
        const struct ledger_hold *h = &s->m.view.holds[i];
        struct cpuset c;
        if (h->cpus && *h->cpus && strcmp(h->dir, s->m.dir) && cpuset_parse(h->cpus, &c) == 0)
            cpuset_or(out, &c);
    }
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

void machine_counts(struct sched *s, double waiting_mib, double held_mib)
{
    double now = run_mono(s);
    if (waiting_mib == 0) s->m.waiting_since = 0;
    else if (!s->m.waiting_since) s->m.waiting_since = run_now(s);
    if (!s->m.l || now < s->m.next_counts) return;
    double dt = s->m.last_charge > 0 ? now - s->m.last_charge : 0;
    s->m.last_charge = now;
    s->m.next_counts = now + MACHINE_COUNTS_S;
    struct err e = {0};
    long waiting = (long)s->queue.n;
    if (ledger_counts(s->m.l, s->m.dir, (long)s->active, waiting, waiting_mib, s->m.waiting_since,
                      &e) ||
        (held_mib > 0 && dt > 0 &&
         ledger_charge(s->m.l, s->m.user, held_mib * dt, s->m.cfg.halflife, &e)))
        lost(s, &e);
}

/* What a user has held of the machine, by their share: memory x time,
 * decayed to now, over the share (lower comes first). */
static double standing(const struct sched *s, const char *user)
{
    double used = 0;
    for (size_t i = 0; i < s->m.view.nusage; i++) {
        const struct ledger_usage *u = &s->m.view.usage[i];
        if (!strcmp(u->user, user)) used = u->mib_s * pow(2.0, -u->age / s->m.cfg.halflife);
    }
    return used / machine_cfg_user(&s->m.cfg, user)->share;
}

/* What a user's trials hold now, by their share (MiB). */
static double holding(const struct sched *s, const char *user)
{
    double mib = 0;
    for (size_t i = 0; i < s->m.view.nholds; i++)
        if (!strcmp(s->m.view.holds[i].user, user)) mib += s->m.view.holds[i].mib;
    return mib / machine_cfg_user(&s->m.cfg, user)->share;
}

/* a < b by more than rounding */
static int less(double a, double b)
{
    return a < b - 1e-6 * (fabs(a) > fabs(b) ? fabs(a) : fabs(b)) - 1e-9;
}

/* 1 when sweep w comes before us for freed room: its user holds less of
 * the machine now for their share, then has held less over the window;
 * between one user's sweeps the higher priority; then the one waiting
 * longer; then the directory, so that the order is total and two sweeps
 * never yield to each other. */
static int before_us(const struct sched *s, const struct ledger_sweep *w)
{
    if (strcmp(w->user, s->m.user)) {
        double mine = holding(s, s->m.user), theirs = holding(s, w->user);
        if (less(theirs, mine) || less(mine, theirs)) return less(theirs, mine);
        mine = standing(s, s->m.user);
        theirs = standing(s, w->user);
        if (less(theirs, mine) || less(mine, theirs)) return less(theirs, mine);
    }
    if (!strcmp(w->user, s->m.user) && w->priority != s->sp->priority)
        return w->priority > s->sp->priority;
    double ours = s->m.waiting_since ? s->m.waiting_since : run_now(s);
    if (w->waiting_since != ours) return w->waiting_since < ours;
    return strcmp(w->dir, s->m.dir) < 0;
}

int machine_yields(struct sched *s, int (*fits)(void *ctx, double mib), void *ctx)
{
    if (!s->m.l) return 0;
    double now = run_mono(s);
    for (size_t i = 0; i < s->m.view.nsweeps; i++) {
        const struct ledger_sweep *w = &s->m.view.sweeps[i];
        if (!strcmp(w->dir, s->m.dir) || !w->waiting || w->waiting_mib == 0 ||
            w->waiting_since <= 0 || !before_us(s, w) || !fits(ctx, w->waiting_mib) ||
            !alive(w->pid, w->pid_start))
            continue;
        /* it should take the room; it looks at least once a second. One
         * that does not take it in RUN_YIELD_MAX_S (its own limits, its
         * stagger) is not waited for longer */
        if (!s->m.yield_since) s->m.yield_since = now;
        if (now - s->m.yield_since < RUN_YIELD_MAX_S) return 1;
    }
    s->m.yield_since = 0;
    return 0;
}

void machine_started(struct sched *s)
{
    s->m.waiting_since = 0; /* a trial started: a trial still waiting waits from now */
}

/* The share of capacity a user is due: capacity x their share over the
 * shares of every user with a sweep that runs or waits here. */
static double due(const struct sched *s, const char *user, double capacity)
{
    double all = 0;
    for (size_t i = 0; i < s->m.view.nsweeps; i++) {
        const struct ledger_sweep *w = &s->m.view.sweeps[i];
        int first = 1; /* each user once */
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(s->m.view.sweeps[k].user, w->user) != 0;
        if (first && (w->running || w->waiting || !strcmp(w->user, s->m.user)))
            all += machine_cfg_user(&s->m.cfg, w->user)->share;
    }
    double mine = machine_cfg_user(&s->m.cfg, user)->share;
    return all > 0 ? capacity * mine / all : capacity;
}

int machine_owed(const struct sched *s, double capacity, struct machine_owed *o)
{
    double after = s->m.cfg.preempt_after, now = run_now(s);
    if (!s->m.l || after <= 0) return 0;
    double share = machine_cfg_user(&s->m.cfg, s->m.user)->share;
    double ours = holding(s, s->m.user) * share; /* MiB */
    if (!less(due(s, s->m.user, capacity), ours)) return 0; /* we are not above our share */
    const struct ledger_sweep *best = NULL;
    for (size_t i = 0; i < s->m.view.nsweeps; i++) {
        const struct ledger_sweep *w = &s->m.view.sweeps[i];
        if (!strcmp(w->user, s->m.user) || !w->waiting || w->waiting_mib == 0 ||
            w->waiting_since <= 0 || now - w->waiting_since < after)
            continue;
        double theirs = holding(s, w->user) * machine_cfg_user(&s->m.cfg, w->user)->share;
        if (!less(theirs, due(s, w->user, capacity)) || !alive(w->pid, w->pid_start)) continue;
        if (!best || w->waiting_since < best->waiting_since) best = w;
    }
    if (!best) return 0;
    *o = (struct machine_owed){.dir = best->dir, .user = best->user, .mib = best->waiting_mib,
                               .since = best->waiting_since, .waited = now - best->waiting_since,
                               .after = after, .ours_mib = ours,
                               .ours_due_mib = due(s, s->m.user, capacity),
                               .theirs_mib = holding(s, best->user) *
                                             machine_cfg_user(&s->m.cfg, best->user)->share};
    return 1;
}

int machine_claim(struct sched *s, const struct machine_owed *o, long long trial)
{
    struct err e = {0};
    int r = ledger_claim_preempt(s->m.l, o->dir, o->since, s->m.dir, trial, &e);
    if (r < 0) lost(s, &e);
    return r > 0;
}

int machine_barred(const struct sched *s, int gpu_id)
{
    int max = s->m.l ? machine_cfg_user(&s->m.cfg, s->m.user)->max_gpus : 0;
    if (max <= 0) return 0;
    int ids[64], n = 0, here = 0;
    for (size_t i = 0; i < s->m.view.nholds; i++) {
        const struct ledger_hold *h = &s->m.view.holds[i];
        if (strcmp(h->user, s->m.user) || h->gpu < 0) continue;
        here |= h->gpu == gpu_id;
        int seen = 0;
        for (int k = 0; k < n; k++) seen |= ids[k] == h->gpu;
        if (!seen && n < 64) ids[n++] = h->gpu;
    }
    return !here && n >= max;
}

double machine_limit_mib(const struct sched *s)
{
    return s->m.l ? machine_cfg_user(&s->m.cfg, s->m.user)->max_mib : 0;
}

double machine_wait(const struct sched *s)
{
    /* trials wait while other sweeps hold the GPUs: their ends free room
     * that only the ledger tells of */
    return s->m.l && ((s->g.on && s->queue.n) || s->c.blocked) ? RUN_LEDGER_S : 1e300;
}

static void stage_say(void *ctx, const char *line)
{
    say(ctx, "%s", line);
}

int machine_stage(struct sched *s, struct err *e)
{
    const struct space *sp = s->sp;
    if (!sp->nstages) return 0;
    s->m.staged = xcalloc(sp->nstages + 1, sizeof *s->m.staged);
    struct stage_who w = {.dir = s->o->dir, .pid = s->m.pid, .pid_start = s->m.pid_start,
                          .alive = alive, .say = stage_say, .ctx = s};
    for (size_t i = 0; i < sp->nstages; i++) {
        char *root = sp->stages[i].to ? xstrdup(sp->stages[i].to)
                                      : xasprintf("%s/%s", ledger_dir(), STAGE_SUBDIR);
        if (!sp->stages[i].to && !s->m.l) {
            err_usage(e, "stage: %s: the copies go to the machine directory's %s/, and there is "
                         "no usable machine directory (%s); write stage: [{from: ..., to: DIR}]",
                      sp->stages[i].from, STAGE_SUBDIR, ledger_dir());
            free(root);
            return -1;
        }
        int rc = stage_prepare(s->m.l, sp->stages[i].from, root, &w, &s->m.staged[i], e);
        free(root);
        if (rc) return -1;
        store_event(s->st, -1, "staged", s->m.staged[i], NULL);
    }
    return 0;
}

char *const *machine_staged(const struct sched *s)
{
    return s->m.staged;
}

void machine_teardown(struct sched *s)
{
    if (s->m.staged) {
        if (s->m.l) stage_release(s->m.l, s->m.dir, NULL);
        for (size_t i = 0; i < s->sp->nstages; i++) free(s->m.staged[i]);
        free(s->m.staged);
    }
    if (s->m.l) ledger_unregister(s->m.l, s->m.dir, NULL);
    ledger_view_release(&s->m.view);
    ledger_close(s->m.l);
    machine_cfg_release(&s->m.cfg);
    free(s->m.dir);
    memset(&s->m, 0, sizeof s->m);
}
