/* loop.c - the loop of `sweep run` (run.h): launch what fits, wait (poll)
 * for a signal, a trial's end, a changed log, nvidia-smi's answer or the
 * next deadline, then reap, read logs, record the trials that ended
 * (reading the rest of their log first), and enforce deadlines (timeout,
 * stall, SIGKILL after the grace period). */
#include "sweep/run/run_int.h"
#include "search/searcher.h"
#include "search/space.h"
#include "store/layout.h"
#include "store/store.h"
#include "base/err.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

static double sys_mono(void *ctx)
{
    (void)ctx;
    return util_mono();
}

static double sys_now(void *ctx)
{
    (void)ctx;
    return util_now();
}

static const struct run_clock system_clock = {.mono = sys_mono, .now = sys_now};

static void progress(struct sched *s)
{
    const struct run_observer *ob = &s->o->obs;
    if (!ob->progress) return;
    struct run_progress p = {.active = s->active, .total = s->total, .have_best = s->have_best,
                             .best = s->best, .best_trial = s->best_trial,
                             .elapsed = run_mono(s) - s->t0, .stopping = s->stopping};
    memcpy(p.counts, s->counts, sizeof p.counts);
    ob->progress(ob->ctx, &p);
    s->last_progress = run_mono(s);
}

static void slot_ended(struct sched *s, struct slot *sl)
{
    if (sl->ended) return;
    sl->ended = 1;
    s->active--;
}

static void reap(struct sched *s)
{
    run_executor_poll(s);
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->used || sl->ended) continue;
        int ended = exec_reap(s->exec, &sl->job);
        run_exec_state(s, sl);
        if (ended) slot_ended(s, sl);
    }
    run_exec_refs(s);
}

/* Stops a trial that ran out of time: "WHAT 12h00m". */
static void fail_after(struct sched *s, struct slot *sl, const char *what, double seconds)
{
    struct sb why;
    sb_init(&why);
    sb_addf(&why, "%s ", what);
    util_fmt_duration(&why, seconds);
    request_stop(s, sl, TRIAL_FAILED, sb_str(&why), "stop_decided");
    sb_release(&why);
}

static void enforce_deadlines(struct sched *s)
{
    double now = run_mono(s);
    const struct space *sp = s->sp;
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->used || sl->ended) continue;
        if (sl->kill_at && now >= sl->kill_at) {
            exec_stop(s->exec, sl->dir, &sl->job, SIGKILL);
            sl->kill_at = 0;
            continue;
        }
        if (sl->stop_reason || sl->job.waiting) continue; /* a queued job's time has not begun */
        struct stat stb;
        if (sp->stall_timeout > 0 && stat(sl->log, &stb) == 0 && stb.st_size != sl->log_size) {
            sl->log_size = stb.st_size;
            sl->last_out_mono = now;
        }
        if (sp->timeout > 0 && now - sl->start_mono >= sp->timeout)
            fail_after(s, sl, "timeout after", sp->timeout);
        else if (sp->stall_timeout > 0 && now - sl->last_out_mono >= sp->stall_timeout)
            fail_after(s, sl, "stalled: no output for", sp->stall_timeout);
    }
}

static int next_timeout_ms(struct sched *s)
{
    double now = run_mono(s), wait = RUN_IDLE_WAIT_S;
    /* with early termination, decisions wait for the logs: inotify wakes us
     * for watched ones; the others are read more often */
    if (s->running) wait = s->next_tick - now;
    if (s->sp->stagger > 0 && more_to_launch(s) && s->active < run_in_flight(s->sp)) {
        double d = s->last_launch + s->sp->stagger - now;
        double dg = gpu_stagger_due(s, now) - now; /* per GPU: the next whose stagger ends */
        if (dg < d) d = dg;
        if (d < wait) wait = d;
    }
    if (gpu_smi_due(s, now) - now < wait) wait = gpu_smi_due(s, now) - now;
    if (machine_wait(s) < wait) wait = machine_wait(s);
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i].used && s->slots[i].kill_at && s->slots[i].kill_at - now < wait)
            wait = s->slots[i].kill_at - now;
    if (s->running && exec_wake(s->exec) < wait) wait = exec_wake(s->exec);
    if (s->not_now_until && s->not_now_until - now < wait) wait = s->not_now_until - now;
    if (s->o->obs.progress && wait > RUN_PROGRESS_S) wait = RUN_PROGRESS_S;
    if (wait < 0) wait = 0;
    return (int)ceil(wait * 1000);
}

/* sweep stop DIR TRIAL...: running trials are stopped, queued ones are
 * recorded as stopped without running. */
static int stop_requested_trials(struct sched *s, struct err *e)
{
    static const char why[] = RUN_STOP_REASON;
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (sl->used && layout_stop_requested(s->o->dir, sl->id)) {
            say(s, "trial %lld: stop requested", sl->id);
            request_stop(s, sl, TRIAL_STOPPED, why, "stop_decided");
        }
    }
    for (size_t k = 0; k < s->queue.n;) {
        long long id = s->queue.id[k];
        if (!layout_stop_requested(s->o->dir, id)) {
            k++;
            continue;
        }
        if (store_trial_end(s->st, id, TRIAL_STOPPED, why, 0, 0, 0, run_now(s), e)) return -1;
        layout_stop_done(s->o->dir, id);
        s->counts[TRIAL_STOPPED]++;
        queue_remove(&s->queue, k);
        say(s, "trial %lld stopped before it ran again", id);
    }
    return 0;
}

static int best_cb(const struct trial_row *t, void *ctx)
{
    struct sched *s = ctx;
    if (t->state == TRIAL_COMPLETED && t->has_objective) {
        s->have_best = 1;
        s->best = t->objective;
        s->best_trial = t->id;
    }
    return 1;
}

/* Signals read from the signalfd. 1: leave the loop now (a second Ctrl-C). */
static int read_signals(struct sched *s, struct err *e)
{
    struct signalfd_siginfo si;
    while (read(s->sigfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD) continue;
        if (si.ssi_signo == SIGUSR1) {
            if (stop_requested_trials(s, e)) return -1;
            continue;
        }
        if (s->stopping) { /* second Ctrl-C: leave at once, trials keep running */
            s->res->interrupted = 2;
            s->res->signal = (int)si.ssi_signo;
            s->res->left_running = s->running;
            return 1;
        }
        s->stop_signal = (int)si.ssi_signo;
        s->res->signal = s->stop_signal;
        say(s, "%s: stopping %zu running trials (again to exit at once)",
            proc_signal_name(s->stop_signal), s->running);
        stop_sweep(s, proc_signal_name(s->stop_signal));
    }
    return 0;
}

/* The running trials' new rows and offsets: one transaction per turn;
 * every log on the tick, watched ones as soon as they change. */
static int read_logs(struct sched *s, struct err *e)
{
    double now = run_mono(s);
    int tick = now >= s->next_tick, any = 0;
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i].used && !s->slots[i].ended && (tick || s->slots[i].dirty)) any = 1;
    if (tick) {
        int unwatched = 0;
        for (size_t i = 0; i < s->nslots; i++)
            if (s->slots[i].used && !s->slots[i].ended && s->slots[i].wd < 0) unwatched = 1;
        s->next_tick = now + (s->early && (s->ifd < 0 || unwatched) ? RUN_TICK_S / 4 : RUN_TICK_S);
    }
    if (!any) return 0;
    if (store_begin(s->st, e)) return -1;
    int rc = 0;
    for (size_t i = 0; i < s->nslots && !rc; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->used || sl->ended || !(tick || sl->dirty)) continue;
        sl->dirty = 0;
        if (s->ifd >= 0 && sl->wd < 0) watch_slot(s, sl);
        rc = ingest(s, sl, 0, e);
    }
    if (store_settle(s->st, rc, e)) return -1;
    stop_diverged(s);
    return 0;
}

/* One wait: what is readable is marked (slots ended, logs dirty,
 * nvidia-smi's answer). 1: leave the loop now. */
static int wait_turn(struct sched *s, int first, struct err *e)
{
    struct pollfd pfd[RUN_MAX_POLL];
    size_t np = 0;
    pfd[np++] = (struct pollfd){.fd = s->sigfd, .events = POLLIN};
    int ino = -1, smi = -1;
    if (s->ifd >= 0) {
        ino = (int)np;
        pfd[np++] = (struct pollfd){.fd = s->ifd, .events = POLLIN};
    }
    if (gpu_fd(s) >= 0) {
        smi = (int)np;
        pfd[np++] = (struct pollfd){.fd = gpu_fd(s), .events = POLLIN};
    }
    if (exec_fd(s->exec) >= 0) /* the executor's query in flight: reap()'s poll reads it */
        pfd[np++] = (struct pollfd){.fd = exec_fd(s->exec), .events = POLLIN};
    size_t first_job = np;
    for (size_t i = 0; i < s->nslots && np < ARRAY_LEN(pfd); i++)
        if (s->slots[i].used && s->slots[i].job.fd >= 0 && !s->slots[i].ended)
            pfd[np++] = (struct pollfd){.fd = s->slots[i].job.fd, .events = POLLIN};
    /* no wait on the first turn: adopted trials' logs are read at once */
    int ms = first ? 0 : next_timeout_ms(s);
    int ready = poll(pfd, np, s->clk->pass ? 0 : ms);
    if (ready < 0 && errno != EINTR) return err_errno(e, "poll");
    if (ready == 0 && ms > 0 && s->clk->pass) s->clk->pass(s->clk->ctx, ms / 1000.0);
    int rc = read_signals(s, e);
    if (rc) return rc;
    reap(s);
    if (ino >= 0 && pfd[ino].revents) read_inotify(s);
    if (gpu_smi_ready(s, smi >= 0 && pfd[smi].revents)) gpu_smi_read(s);
    for (size_t i = first_job; i < np; i++)
        if (pfd[i].revents)
            for (size_t k = 0; k < s->nslots; k++)
                if (s->slots[k].used && s->slots[k].job.fd == pfd[i].fd) {
                    exec_reap(s->exec, &s->slots[k].job); /* the executor learns it too */
                    slot_ended(s, &s->slots[k]);
                }
    return 0;
}

/* The store's file was deleted or replaced: nothing more can be recorded.
 * Launch nothing, leave the running trials running (they record their end
 * in their directories), and say so. */
static int store_lost(struct sched *s, struct err *e)
{
    char what[sizeof e->msg];
    snprintf(what, sizeof what, "%s", e->msg);
    return err_set(e, "%.600s: stopping; nothing more can be recorded. %zu running trials "
                      "keep running; their logs and exit.json are in their directories",
                   what, s->running);
}

/* Records the trials whose process has ended (their logs read to the end). */
static int finish_ended(struct sched *s, struct err *e)
{
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i].used && s->slots[i].ended && finish(s, &s->slots[i], e)) return -1;
    return 0;
}

static int run_loop(struct sched *s, struct err *e)
{
    /* the trials that ended while no sweep was there are recorded before
     * anything is launched: a method that learns proposes from their results
     * as an uninterrupted sweep would, not with them as running liars */
    if (finish_ended(s, e)) return -1;
    for (int first = 1;; first = 0) {
        if (store_check(s->st, e)) return store_lost(s, e);
        if (launch_ready(s, e)) return -1;
        if (s->running == 0 && !more_to_launch(s)) return 0;
        int rc = wait_turn(s, first, e);
        if (rc) return rc < 0 ? -1 : 0;
        /* refill the slots first; recording the trials that ended can wait,
         * except for a method that learns (bayes, evolve): its suggestion for
         * the freed slot is made from every result, theirs too */
        int learns = searcher_learns(s->search);
        if (!learns && launch_ready(s, e)) return -1;
        if (finish_ended(s, e)) return -1;
        if (learns && launch_ready(s, e)) return -1;
        if (read_logs(s, e)) return -1;
        early_check(s);
        gpu_concur_tick(s);
        preempt_check(s);
        enforce_deadlines(s);
        if (s->g.on && (s->running || s->queue.n)) gpu_refresh(s);
        machine_counts(s, s->g.blocked_mib, gpu_held(s));
        if (run_mono(s) - s->last_progress >= RUN_PROGRESS_S) progress(s);
    }
}

static double cpu_seconds(const struct rusage *r)
{
    return (double)r->ru_utime.tv_sec + r->ru_utime.tv_usec / 1e6 + (double)r->ru_stime.tv_sec +
           r->ru_stime.tv_usec / 1e6;
}

static int setup(struct sched *s, struct err *e)
{
    const struct space *sp = s->sp;
    if (run_executor(s, e)) return -1;
    s->search = searcher_new(sp, e);
    if (!s->search) return -1;
    s->total = searcher_total(s->search);
    s->rungs = space_rungs(sp);
    if (sp->et_enabled && sp->metric_name) {
        s->early = 1;
        s->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        early_init(&s->rules, sp);
    }
    if ((s->early || s->rungs) && sp->metric_name &&
        store_metric_values(s->st, sp->metric_name, hist_load_cb, &s->hist, e))
        return -1;
    if ((sp->gpus_auto || sp->ngpu_list) && gpu_setup(s, e)) return -1;
    if (mps_setup(s, e)) return -1;
    cpus_setup(s); /* before the ledger: it says it is alone to a sweep that pins cores */
    if (machine_setup(s, e) || machine_stage(s, e)) return -1; /* after the GPUs: it says it is alone only to a
                                           sweep that packs */
    if (resume(s, e) || load_priors(s, e)) return -1;
    store_each_trial(s->st, ORDER_RANK, TRIAL_COMPLETED, 1, best_cb, s, NULL);
    store_event(s->st, -1, "sweep_started", NULL, NULL);
    return 0;
}

static void teardown(struct sched *s)
{
    if (s->sigfd >= 0) close(s->sigfd);
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i].used) slot_release(&s->slots[i]);
    free(s->slots);
    if (s->ifd >= 0) close(s->ifd);
    queue_release(&s->queue);
    free(s->ff_first);
    hist_release(&s->hist);
    mps_teardown(s);
    gpu_teardown(s);
    cpus_teardown(s);
    machine_teardown(s);
    metric_batch_release(&s->batch);
    run_executor_done(s);
    searcher_free(s->search);
}

int run_sweep(const struct run_opts *o, struct run_result *res, struct err *e)
{
    struct sched s;
    memset(&s, 0, sizeof s);
    memset(res, 0, sizeof *res);
    s.o = o;
    s.sp = o->sp;
    s.st = o->st;
    s.res = res;
    hist_init(&s.hist, space_maximizes(o->sp));
    s.clk = o->clock ? o->clock : &system_clock;
    s.nslots = 2 * run_in_flight(o->sp);
    s.slots = xcalloc(s.nslots, sizeof *s.slots);
    for (size_t i = 0; i < s.nslots; i++) slot_init(&s.slots[i]);
    s.ifd = -1;
    s.g.smi.job.fd = -1;
    s.t0 = run_mono(&s);
    metric_batch_init(&s.batch);

    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1); /* sweep stop DIR TRIAL...: look at DIR/stop/ */
    sigprocmask(SIG_BLOCK, &set, &old);
    /* a closed terminal must not stop the sweep or its trials */
    struct sigaction ign, old_hup, old_pipe;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &ign, &old_hup);
    sigaction(SIGPIPE, &ign, &old_pipe);

    s.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    int rc = -1;
    if (s.sigfd < 0) err_errno(e, "signalfd");
    else if (setup(&s, e) == 0 && run_loop(&s, e) == 0) rc = 0;
    if (rc == 0 && res->interrupted != 2) {
        res->interrupted = s.stopping ? 1 : 0;
        /* CPU seconds of sweep itself, and of the supervisors and trainers it reaped */
        struct rusage self, kids;
        getrusage(RUSAGE_SELF, &self);
        getrusage(RUSAGE_CHILDREN, &kids);
        char cpu[128];
        snprintf(cpu, sizeof cpu, "wall=%.3f cpu_self=%.3f cpu_children=%.3f",
                 run_mono(&s) - s.t0, cpu_seconds(&self), cpu_seconds(&kids));
        store_event(s.st, -1, s.stopping ? "sweep_stopped" : "sweep_finished", cpu, NULL);
    }
    teardown(&s);
    sigaction(SIGHUP, &old_hup, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}
