/* sched.c - launching trials into free slots, following their logs,
 * recording how they end, retrying failures, stopping on request.
 *
 * Order of work in one turn of the loop: launch what fits, wait (poll) for
 * a signal or the next deadline, reap, read logs, finish trials whose
 * supervisor has ended (reading the rest of their log first), enforce
 * deadlines (timeout, stall, SIGKILL after the grace period). */
#include "sweep/run/sched.h"
#include "search/halving.h"
#include "search/hyperband.h"
#include "search/space.h"
#include "search/stopping.h"
#include "search/trials.h"
#include "base/value.h"
#include "store/store.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "sweep/gpu/gpu.h"
#include "sweep/ingest/metrics.h"
#include "sweep/gpu/pack.h"
#include "sweep/exec/proc.h"
#include "search/render.h"
#include "sweep/ingest/tail.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define TICK_S 0.2 /* how often running trials' logs are read */

struct slot {
    int used;
    long long id;
    int attempt;
    pid_t pid;               /* supervisor = process group */
    int adopted;             /* started by an earlier sweep: not our child */
    int pidfd;               /* adopted: readable when the supervisor ends; -1 if none */
    char *dir;               /* trial directory */
    char *mfile;             /* the file the parser reads */
    char *log;               /* stdout.log */
    struct tail_pos tp;      /* where mfile is read; tp.offset is committed with the rows */
    char *rfile;             /* the trainer's results file (results.csv...), NULL until found */
    struct tail_pos rtp;     /* where it is read (from its start again after a resume:
                                its rows are stored again, the same) */
    struct mparser *rmp;     /* its parser, authoritative over mfile's for its columns */
    double rscan;            /* when the trial's directory was last searched for it */
    int log_missing;         /* its deletion was reported */
    int log_error;           /* a read error was reported */
    long long log_size;      /* of stdout.log when last seen (stall detection) */
    struct mparser *mp;
    double start_mono, last_out_mono;
    int ended;               /* the supervisor has ended */
    int wstatus;             /* its wait status (not for adopted trials) */
    enum trial_state stop_state; /* when stopping: the state to record */
    char *stop_reason;       /* NULL unless we asked it to stop */
    double kill_at;          /* SIGKILL then (monotonic), 0 if not due */
    long asha_rung;          /* the ASHA rung it was judged at (values), 0 if none */
    int ifd, wd;             /* inotify watch of mfile's directory; wd -1 if none */
    int g;                   /* GPU packing: index into sched.gpus, -1 if none */
    double est_mib;          /* the memory reserved for it (-1: the whole GPU) */
    double peak_mib;         /* the most it was seen using; -1 unknown */
    double held_mib;         /* what it adds to its GPU's reserved_mib now */
    char *kind;              /* what its estimate depends on (learning) */
    pid_t pgid;              /* its trainer's process group (trainer.pid), 0 unknown */
    int dirty;               /* inotify: mfile changed since it was last read */
};

struct sched {
    const struct sched_opts *o;
    const struct space *sp;
    struct store *st;
    struct slot *slots;      /* twice max_parallel: a trial that has ended but is
                                not yet recorded must not hold up the next launch */
    size_t nslots;
    size_t running;          /* slots in use, ended or not */
    size_t active;           /* of those, not ended: what max_parallel limits */
    long long total;         /* -1: unbounded */
    long long next_index;    /* the next new trial */
    long long *queue;        /* trials to (re)start before new ones */
    size_t nqueue;
    long long counts[TRIAL_NSTATES];
    int stopping;            /* a first SIGINT/SIGTERM came: launch nothing more */
    int stop_signal;
    int target_reached;
    double last_launch;
    int sigfd;
    int tty;
    double last_progress;
    double t0;
    int have_best;
    double best;
    long long best_trial;
    struct metric_batch batch;
    struct sched_result *res;
    /* early_terminate */
    int early;               /* on: objective histories are kept */
    long bands[64];          /* hyperband */
    size_t nbands;
    struct hist *hist;       /* by trial id: its objective values in step order */
    size_t nhist;
    int hist_changed;        /* new objective values since the last check */
    int ifd;                 /* early termination: inotify on the logs, else -1 */
    /* GPU packing */
    int gpu;                 /* on: resources.gpus is auto or a list */
    struct pack_cfg pc;
    struct pack_gpu *gpus;
    size_t ngpus;
    double next_smi;         /* gpus: auto - when nvidia-smi is asked next (monotonic) */
    struct learned {
        char *kind;
        double peak;         /* MiB: the most a trial of this kind was seen using */
        int final;           /* a completed trial's peak is among them */
    } *learned;
    size_t nlearned;
    double *override;        /* by trial id: an estimate from the store (OOM), -1 none */
    size_t noverride;
    double next_tick;        /* when every running trial's log is read next (monotonic) */
    /* method halving / hyperband */
    int hb;
    struct hb_plan plan;
    struct hbt *hbt;         /* by trial id */
    size_t nhbt;
    long long next_promo;    /* the number the next promoted trial gets */
};

/* What halving/hyperband knows of a trial: its configuration (the rung-0
 * trial it descends from), its level, the trial it was promoted from, and
 * its state once it has one that will not change (-1 before). */
struct hbt {
    int known;
    long long config;
    int level;
    long long parent;
    int state;
};

/* A trial's logged values of the objective (negated for maximize), by step:
 * W&B's "metric history", which hyperband bands index. */
struct hist {
    long long *step;
    double *v;
    size_t n, cap;
};

static void hist_put(struct sched *s, long long id, long long step, double v)
{
    if (id < 0) return;
    if ((size_t)id >= s->nhist) {
        size_t n = (size_t)id + 64;
        s->hist = xrealloc(s->hist, n * sizeof *s->hist);
        memset(s->hist + s->nhist, 0, (n - s->nhist) * sizeof *s->hist);
        s->nhist = n;
    }
    struct hist *h = &s->hist[id];
    if (s->sp->goal == GOAL_MAXIMIZE) v = -v;
    size_t i = h->n;
    while (i > 0 && h->step[i - 1] > step) i--;
    if (i > 0 && h->step[i - 1] == step) { /* the same step again: the last value wins */
        h->v[i - 1] = v;
        s->hist_changed = 1;
        return;
    }
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 16;
        h->step = xrealloc(h->step, h->cap * sizeof *h->step);
        h->v = xrealloc(h->v, h->cap * sizeof *h->v);
    }
    memmove(h->step + i + 1, h->step + i, (h->n - i) * sizeof *h->step);
    memmove(h->v + i + 1, h->v + i, (h->n - i) * sizeof *h->v);
    h->step[i] = step;
    h->v[i] = v;
    h->n++;
    s->hist_changed = 1;
}

static void hist_load_cb(long long trial, long long step, double value, void *ctx)
{
    hist_put(ctx, trial, step, value);
}

/* ---- output ---- */

static void progress_clear(struct sched *s)
{
    if (s->tty) fputs("\r\033[K", stderr);
}

static void progress_draw(struct sched *s)
{
    if (!s->tty) return;
    struct sb b;
    sb_init(&b);
    sb_addf(&b, "running %zu | completed %lld | failed %lld", s->active,
            s->counts[TRIAL_COMPLETED], s->counts[TRIAL_FAILED]);
    if (s->counts[TRIAL_STOPPED]) sb_addf(&b, " | stopped %lld", s->counts[TRIAL_STOPPED]);
    if (s->total >= 0) {
        long long done = s->counts[TRIAL_COMPLETED] + s->counts[TRIAL_FAILED] +
                         s->counts[TRIAL_STOPPED] + s->counts[TRIAL_PRUNED];
        sb_addf(&b, " | %lld/%lld", done, s->total);
    }
    if (s->have_best) {
        sb_addf(&b, " | best %s ", s->sp->metric_name);
        json_num(&b, s->best);
        sb_addf(&b, " (trial %lld)", s->best_trial);
    }
    sb_add(&b, " | ");
    util_fmt_duration(&b, util_mono() - s->t0);
    if (s->stopping) sb_add(&b, " | stopping");
    fprintf(stderr, "\r\033[K%s", sb_str(&b));
    fflush(stderr);
    sb_release(&b);
    s->last_progress = util_mono();
}

static void say(struct sched *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct sched *s, const char *fmt, ...)
{
    if (s->o->quiet) return;
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    progress_clear(s);
    fprintf(stderr, "%s\n", buf);
    progress_draw(s);
}

/* ---- queue ---- */

static void queue_push(struct sched *s, long long id)
{
    s->queue = xrealloc(s->queue, (s->nqueue + 1) * sizeof *s->queue);
    s->queue[s->nqueue++] = id;
}

static int more_to_launch(const struct sched *s)
{
    if (s->stopping || s->target_reached) return 0;
    if (s->hb) return s->nqueue > 0 || s->next_index < s->plan.nconfigs;
    return s->nqueue > 0 || s->total < 0 || s->next_index < s->total;
}

/* ---- metrics ---- */

struct line_ctx {
    struct mparser *mp;
    struct metric_batch *batch;
};

static void on_line(const char *line, size_t len, void *ctx)
{
    struct line_ctx *c = ctx;
    metrics_line(c->mp, line, len, c->batch);
}

static void check_target(struct sched *s, const struct slot *sl)
{
    const struct space *sp = s->sp;
    if (!sp->has_target || !sp->metric_name || s->target_reached) return;
    for (size_t i = 0; i < s->batch.n; i++) {
        const struct metric *m = &s->batch.rows[i];
        if (strcmp(m->name, sp->metric_name) || isnan(m->value)) continue;
        if (sp->goal == GOAL_MAXIMIZE ? m->value >= sp->target : m->value <= sp->target) {
            s->target_reached = 1;
            say(s, "trial %lld reached the target %s %g: no new trials will start", sl->id,
                sp->metric_name, sp->target);
            char detail[128];
            snprintf(detail, sizeof detail, "%s=%g", sp->metric_name, m->value);
            store_event(s->st, sl->id, "target_reached", detail, NULL);
            return;
        }
    }
}

/* The newest file under dir (depth <= 4, no symbolic links) named one of
 * names; NULL if none. */
static char *find_results(const char *dir, const char *const *names, int depth, double *mtime)
{
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char *best = NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char *path = xasprintf("%s/%s", dir, de->d_name);
        struct stat st;
        char *found = NULL;
        double t = -1;
        if (lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode) && depth > 0) {
                found = find_results(path, names, depth - 1, &t);
            } else if (S_ISREG(st.st_mode)) {
                for (const char *const *n = names; *n; n++)
                    if (!strcmp(de->d_name, *n)) {
                        found = xstrdup(path);
                        t = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec * 1e-9;
                    }
            }
        }
        if (found && t > *mtime) {
            free(best);
            best = found;
            *mtime = t;
        } else {
            free(found);
        }
        free(path);
    }
    closedir(d);
    return best;
}

/* The trainer's results file (parser ultralytics: results.csv...): found
 * under the trial's directory (looked for at most once a second), or named
 * by metrics.file; read into the same batch as the log. */
static void read_results(struct sched *s, struct slot *sl, int final)
{
    const char *const *names = metrics_results_files(s->sp->parser);
    if (!names) return;
    if (!sl->rfile) {
        double now = util_mono();
        if (!final && now - sl->rscan < 1.0) return;
        sl->rscan = now;
        double t = -1;
        sl->rfile = find_results(sl->dir, names, 4, &t);
        if (!sl->rfile) return;
    }
    if (!sl->rmp) {
        struct err e = {0};
        sl->rmp = metrics_new(s->sp->parser, NULL, 0, &e);
        if (!sl->rmp) return;
        metrics_follow(sl->mp, sl->rmp);
    }
    struct line_ctx lc = {sl->rmp, &s->batch};
    struct err te = {0};
    if (tail_read(sl->rfile, &sl->rtp, final, on_line, &lc, &te) >= 0 && final)
        metrics_end(sl->rmp, &s->batch);
}

/* Reads the trial's log from its offset; rows and offset commit together. */
static void slot_peak(struct sched *s, struct slot *sl, double mib);

static int ingest(struct sched *s, struct slot *sl, int final, struct err *e)
{
    struct line_ctx lc = {sl->mp, &s->batch};
    long long before = sl->tp.offset;
    unsigned long long ino = sl->tp.ino;
    metric_batch_reset(&s->batch);
    struct err te = {0};
    int ev = tail_read(sl->mfile, &sl->tp, final, on_line, &lc, &te);
    if (ev >= 0) read_results(s, sl, final);
    if (final) metrics_end(sl->mp, &s->batch);
    if (ev < 0) { /* this trial's problem, not the sweep's: say it once, go on */
        if (!sl->log_error) {
            say(s, "trial %lld: %s", sl->id, te.msg);
            store_event(s->st, sl->id, "log_unreadable", te.msg, NULL);
            sl->log_error = 1;
        }
        return 0;
    }
    sl->log_error = 0;
    if (ev == TAIL_TRUNCATED || ev == TAIL_REPLACED) {
        const char *what = ev == TAIL_TRUNCATED ? "became shorter than what was read"
                                                : "was replaced by another file";
        say(s, "trial %lld: %s %s; reading it again from its start", sl->id, sl->mfile, what);
        store_event(s->st, sl->id, ev == TAIL_TRUNCATED ? "log_truncated" : "log_replaced",
                    sl->mfile, NULL);
    } else if (ev == TAIL_MISSING && ino && !sl->log_missing) {
        /* keep the position: the same file may come back (moved away and
         * back), and another file at the path is told by its inode */
        say(s, "trial %lld: %s is gone; what the trainer writes to it now is lost", sl->id,
            sl->mfile);
        store_event(s->st, sl->id, "log_missing", sl->mfile, NULL);
        sl->log_missing = 1;
    }
    if (ev != TAIL_MISSING) sl->log_missing = 0;
    if (sl->tp.offset == before && s->batch.n == 0) return 0;
    if (store_ingest(s->st, sl->id, s->batch.rows, s->batch.n, sl->tp.offset, util_now(), e))
        return -1;
    if (sl->g >= 0)
        for (size_t i = 0; i < s->batch.n; i++) {
            const struct metric *m = &s->batch.rows[i];
            /* the trainer's own column (Ultralytics' GPU_mem, detectron2's max_mem) */
            double mib = metrics_mem_mib(sl->mp, m->name, m->value);
            if (mib > 0) slot_peak(s, sl, mib);
        }
    if (s->early || s->hb)
        for (size_t i = 0; i < s->batch.n; i++) {
            const struct metric *m = &s->batch.rows[i];
            if (!strcmp(m->name, s->sp->metric_name) && isfinite(m->value))
                hist_put(s, sl->id, m->step, m->value);
        }
    check_target(s, sl);
    return 0;
}

static void init_steps_cb(const char *name, long long step, void *ctx)
{
    metrics_set_last_step(ctx, name, step);
}

/* ---- starting ---- */

static void slot_release(struct slot *sl)
{
    free(sl->dir);
    free(sl->mfile);
    free(sl->rfile);
    metrics_free(sl->rmp);
    free(sl->log);
    free(sl->stop_reason);
    metrics_free(sl->mp);
    if (sl->pidfd >= 0) close(sl->pidfd);
    if (sl->wd >= 0 && sl->ifd >= 0) inotify_rm_watch(sl->ifd, sl->wd);
    free(sl->kind);
    memset(sl, 0, sizeof *sl);
    sl->pidfd = -1;
    sl->wd = -1;
    sl->g = -1;
}

static struct slot *free_slot(struct sched *s)
{
    for (size_t i = 0; i < s->nslots; i++)
        if (!s->slots[i].used) return &s->slots[i];
    return NULL;
}

static char *trial_dir(const struct sched *s, long long id)
{
    return xasprintf("%s/trials/%04lld", s->o->dir, id);
}

/* ---- GPU packing ---- */

static struct learned *learned_get(struct sched *s, const char *kind, int add)
{
    for (size_t i = 0; i < s->nlearned; i++)
        if (!strcmp(s->learned[i].kind, kind)) return &s->learned[i];
    if (!add) return NULL;
    s->learned = xrealloc(s->learned, (s->nlearned + 1) * sizeof *s->learned);
    s->learned[s->nlearned] = (struct learned){xstrdup(kind), -1, 0};
    return &s->learned[s->nlearned++];
}

/* A peak seen: it corrects the estimates of the trials of its kind still to
 * come (docs/config.md, "Learning"). */
static void learn(struct sched *s, const char *kind, double peak, int final)
{
    if (!kind || peak <= 0) return;
    struct learned *l = learned_get(s, kind, 1);
    if (peak > l->peak) l->peak = peak;
    if (final) l->final = 1;
}

/* The memory to reserve for a trial (MiB; -1: a GPU to itself): the file's
 * estimate, corrected by what trials of its kind used (1.1 x their peak:
 * lower once one of them completed, higher as soon as one used more), and
 * never below what the store asks (a trial requeued after running out of
 * memory). */
static double trial_estimate(struct sched *s, long long id, const struct value *params,
                             char **kind_out)
{
    struct sb kind;
    sb_init(&kind);
    double est = pack_estimate(s->sp, params, &kind);
    const struct learned *l = learned_get(s, sb_str(&kind), 0);
    if (l && l->peak > 0 && (l->final || est < 0 || l->peak * 1.1 > est)) est = l->peak * 1.1;
    if ((size_t)id < s->noverride && s->override[id] > 0 && (est < 0 || s->override[id] > est))
        est = s->override[id];
    if (kind_out) *kind_out = sb_detach(&kind);
    sb_release(&kind);
    return est;
}

static struct value *trial_params(struct sched *s, long long id, struct value **budget);

/* What a trial's estimate depends on (its "kind"), a new string. */
static char *trial_kind(struct sched *s, long long id)
{
    struct value *budget;
    struct value *params = trial_params(s, id, &budget);
    struct sb k;
    sb_init(&k);
    pack_estimate(s->sp, params, &k);
    value_free(params);
    value_free(budget);
    return sb_detach(&k);
}

static void set_override(struct sched *s, long long id, double mib)
{
    if ((size_t)id >= s->noverride) {
        size_t n = (size_t)id + 256;
        s->override = xrealloc(s->override, n * sizeof *s->override);
        for (size_t i = s->noverride; i < n; i++) s->override[i] = -1;
        s->noverride = n;
    }
    s->override[id] = mib;
}

/* What a trial holds on its GPU: the larger of its estimate and its peak. */
static void gpu_hold(struct sched *s, struct slot *sl)
{
    if (sl->g < 0) return;
    struct pack_gpu *g = &s->gpus[sl->g];
    double want = sl->est_mib < 0 ? 0 : sl->est_mib;
    if (sl->peak_mib > want) want = sl->peak_mib;
    g->reserved_mib += want - sl->held_mib;
    sl->held_mib = want;
}

static void gpu_take(struct sched *s, struct slot *sl, int gi, double est)
{
    struct pack_gpu *g = &s->gpus[gi];
    sl->g = gi;
    sl->est_mib = est;
    sl->held_mib = 0;
    g->ntrials++;
    if (est < 0) g->whole = 1;
    g->last_launch = util_mono();
    gpu_hold(s, sl);
}

/* The trial's process group is gone: its GPU memory is free again. With
 * gpus: auto, only once nvidia-smi shows it freed: until the next look
 * (at once) it counts as used by others. */
static void gpu_release(struct sched *s, struct slot *sl)
{
    if (sl->g < 0) return;
    struct pack_gpu *g = &s->gpus[sl->g];
    g->reserved_mib -= sl->held_mib;
    if (g->reserved_mib < 1e-6) g->reserved_mib = 0;
    if (s->sp->gpus_auto) {
        g->others_mib += sl->held_mib;
        s->next_smi = 0;
    }
    g->ntrials--;
    if (sl->est_mib < 0) g->whole = 0;
    sl->g = -1;
    sl->held_mib = 0;
}

/* The most one trial could ever get: the largest GPU less its headroom. */
static double largest_capacity(const struct sched *s)
{
    double u = 0;
    for (size_t i = 0; i < s->ngpus; i++)
        if (pack_capacity(&s->pc, &s->gpus[i]) > u) u = pack_capacity(&s->pc, &s->gpus[i]);
    return u;
}

static void slot_peak(struct sched *s, struct slot *sl, double mib)
{
    if (mib <= sl->peak_mib) return;
    sl->peak_mib = mib;
    gpu_hold(s, sl);
    learn(s, sl->kind, mib, 0);
    store_trial_mem(s->st, sl->id, -1, mib, NULL);
}

/* gpus: auto - what nvidia-smi says now: memory used by processes that are
 * not ours, and our trials' use (their trainers' process groups). */
static void gpu_refresh(struct sched *s)
{
    if (!s->sp->gpus_auto) return;
    double now = util_mono();
    if (now < s->next_smi) return;
    s->next_smi = now + 5;
    struct gpu_inv inv = {0};
    struct err e = {0};
    if (gpu_inventory(&inv, &e)) {
        log_warn("sched", "nvidia-smi: %s", e.msg);
        return;
    }
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (sl->used && !sl->pgid) {
            char *f = xasprintf("%s/trainer.pid", sl->dir);
            char *txt = util_read_file(f, NULL, NULL);
            if (txt) sl->pgid = (pid_t)atol(txt);
            free(txt);
            free(f);
        }
    }
    for (size_t k = 0; k < inv.n; k++) {
        const struct gpu *gg = &inv.gpus[k];
        struct pack_gpu *pg = NULL;
        for (size_t i = 0; i < s->ngpus; i++)
            if (s->gpus[i].id == gg->index) pg = &s->gpus[i];
        if (!pg) continue;
        double ours = 0;
        for (size_t p = 0; p < gg->nprocs; p++) {
            if (gg->procs[p].used_mib < 0) continue;
            pid_t pgid = getpgid((pid_t)gg->procs[p].pid);
            for (size_t i = 0; i < s->nslots; i++) {
                struct slot *sl = &s->slots[i];
                if (!sl->used || !sl->pgid || pgid != sl->pgid) continue;
                ours += (double)gg->procs[p].used_mib;
                slot_peak(s, sl, (double)gg->procs[p].used_mib);
            }
        }
        if (gg->used_mib >= 0) pg->others_mib = (double)gg->used_mib - ours > 0 ? (double)gg->used_mib - ours : 0;
        if (gg->total_mib > 0) pg->total_mib = (double)gg->total_mib;
    }
    gpu_inv_release(&inv);
}

static int gpu_setup(struct sched *s, struct err *e)
{
    pack_cfg_from_space(&s->pc, s->sp);
    if (pack_gpus(s->sp, &s->gpus, &s->ngpus, e)) return -1;
    if (s->sp->gpus_auto) s->next_smi = util_mono() + 5;
    s->gpu = 1;
    return 0;
}

/* ---- successive halving and hyperband ---- */

static struct hbt *hbt_get(struct sched *s, long long id)
{
    if ((size_t)id >= s->nhbt) {
        size_t n = (size_t)id + 256;
        s->hbt = xrealloc(s->hbt, n * sizeof *s->hbt);
        memset(s->hbt + s->nhbt, 0, (n - s->nhbt) * sizeof *s->hbt);
        s->nhbt = n;
    }
    return &s->hbt[id];
}

static void hbt_set(struct sched *s, long long id, long long config, int level, long long parent)
{
    struct hbt *h = hbt_get(s, id);
    *h = (struct hbt){1, config, level, parent, -1};
}

static struct value *budget_value(const struct sched *s, int level)
{
    return hb_budget(s->sp, &s->plan, level);
}

/* A trial's parameters; *budget (halving, hyperband) gets its budget. */
static struct value *trial_params(struct sched *s, long long id, struct value **budget)
{
    *budget = NULL;
    if (!s->hb) return trials_params(s->sp, (unsigned long long)id);
    const struct hbt *h = hbt_get(s, id);
    return hb_params(s->sp, &s->plan, h->config, h->level, budget);
}

/* A trial of halving/hyperband reached its final state: when its whole rung
 * has, the best 1/eta of the rung go on to the next level, as new trials,
 * in one transaction; the others become pruned. A resumed sweep makes the
 * same decision from the store. */
static int hb_rung_check(struct sched *s, int bi, int level, struct err *e)
{
    const struct hb_bracket *b = &s->plan.b[bi];
    if (s->stopping || level >= s->plan.nlevels - 1) return 0;
    if (level == b->start && s->next_index < b->first + b->n) return 0; /* not all started */
    long long *ids = NULL;
    size_t n = 0;
    for (size_t id = 0; id < s->nhbt; id++) {
        const struct hbt *h = &s->hbt[id];
        if (!h->known || hb_bracket_of(&s->plan, h->config) != bi) continue;
        if (h->level == level + 1) { /* already decided */
            free(ids);
            return 0;
        }
        if (h->level != level) continue;
        if (h->state < 0) {
            free(ids);
            return 0;
        }
        ids = xrealloc(ids, (n + 1) * sizeof *ids);
        ids[n++] = (long long)id;
    }
    if (!n) return 0;
    double *v = xmalloc(n * sizeof *v);
    int *go = xmalloc(n * sizeof *go);
    for (size_t i = 0; i < n; i++) {
        const struct hist *hi = (size_t)ids[i] < s->nhist ? &s->hist[ids[i]] : NULL;
        v[i] = s->hbt[ids[i]].state == TRIAL_COMPLETED && hi && hi->n ? hi->v[hi->n - 1] : NAN;
    }
    size_t keep = (size_t)hb_keep((long long)n, s->sp->budget_eta);
    double worst = hb_select(v, n, keep, go);
    double sign = s->sp->goal == GOAL_MAXIMIZE ? -1 : 1;
    struct value *bnext = budget_value(s, level + 1), *bnow = budget_value(s, level);
    struct sb bn, bc;
    sb_init(&bn);
    sb_init(&bc);
    value_py_str(&bn, bnext);
    value_py_str(&bc, bnow);
    long long *made = xmalloc(n * sizeof *made);
    size_t nmade = 0, npruned = 0;
    int rc = store_begin(s->st, e);
    for (size_t i = 0; !rc && i < n; i++) {
        struct hbt h = s->hbt[ids[i]];
        if (go[i]) {
            long long nid = s->next_promo++;
            hbt_set(s, nid, h.config, level + 1, ids[i]);
            struct value *budget;
            struct value *params = trial_params(s, nid, &budget);
            struct sb pj;
            sb_init(&pj);
            value_json(&pj, params);
            char *why = xasprintf("promoted to rung %d (budget %s) as trial %lld", level + 1,
                                  bn.buf, nid);
            rc = store_trial_add_rung(s->st, nid, pj.buf, level + 1, ids[i], e) ||
                 store_trial_mark(s->st, ids[i], TRIAL_COMPLETED, why, e) ||
                 store_event(s->st, ids[i], "promoted", why, e);
            free(why);
            sb_release(&pj);
            value_free(params);
            value_free(budget);
            made[nmade++] = nid;
        } else if (h.state == TRIAL_COMPLETED) {
            struct sb why;
            sb_init(&why);
            sb_addf(&why, "not promoted at rung %d (budget %s): ", level, bc.buf);
            if (isnan(v[i])) sb_add(&why, "it logged no value of the objective");
            else {
                sb_addf(&why, "%s ", s->sp->metric_name);
                json_num(&why, sign * v[i]);
                sb_addf(&why, " is not in the best %zu of %zu (threshold ", keep, n);
                json_num(&why, sign * worst);
                sb_addc(&why, ')');
            }
            rc = store_trial_mark(s->st, ids[i], TRIAL_PRUNED, why.buf, e) ||
                 store_event(s->st, ids[i], "pruned", why.buf, e);
            sb_release(&why);
            s->hbt[ids[i]].state = TRIAL_PRUNED;
            npruned++;
        }
    }
    if (rc) {
        store_rollback(s->st);
        s->next_promo -= (long long)nmade;
        for (size_t i = 0; i < nmade; i++) s->hbt[made[i]].known = 0;
    } else if (store_commit(s->st, e)) {
        rc = -1;
    } else {
        s->counts[TRIAL_COMPLETED] -= (long long)npruned;
        s->counts[TRIAL_PRUNED] += (long long)npruned;
        for (size_t i = 0; i < nmade; i++) queue_push(s, made[i]);
        if (s->plan.nbrackets > 1)
            say(s, "bracket %d, rung %d (budget %s): %zu of %zu go on to budget %s", bi, level,
                bc.buf, nmade, n, bn.buf);
        else
            say(s, "rung %d (budget %s): %zu of %zu go on to budget %s", level, bc.buf, nmade, n,
                bn.buf);
    }
    value_free(bnext);
    value_free(bnow);
    sb_release(&bn);
    sb_release(&bc);
    free(made);
    free(v);
    free(go);
    free(ids);
    return rc ? -1 : 0;
}

static int hb_ended(struct sched *s, long long id, enum trial_state state, struct err *e)
{
    if (!s->hb) return 0;
    struct hbt *h = hbt_get(s, id);
    if (!h->known) return 0;
    h->state = (int)state;
    return hb_rung_check(s, hb_bracket_of(&s->plan, h->config), h->level, e);
}

/* Prepares a slot's paths and parser. */
static int slot_setup(struct sched *s, struct slot *sl, long long id, const struct value *params,
                      struct err *e)
{
    sl->used = 1;
    sl->id = id;
    sl->pidfd = -1;
    sl->wd = -1;
    sl->ifd = s->ifd;
    sl->g = -1;
    sl->peak_mib = -1;
    sl->dir = trial_dir(s, id);
    sl->log = xasprintf("%s/stdout.log", sl->dir);
    sl->mp = metrics_new(s->sp->parser, s->sp->patterns, s->sp->npatterns, e);
    if (!sl->mp) return -1;
    sl->mfile = xstrdup(sl->log);
    if (s->sp->metrics_file) { /* the file to read; a trainer's parser reads it as its
                                  results file, besides the log */
        struct render_ctx r = {s->sp, params, id, sl->dir, s->o->dir, NULL, NULL, -1, 0, 0};
        char *f = render_text(&r, s->sp->metrics_file);
        char *path = f[0] == '/' ? f : xasprintf("%s/%s", sl->dir, f);
        if (path != f) free(f);
        if (metrics_results_files(s->sp->parser)) sl->rfile = path;
        else {
            free(sl->mfile);
            sl->mfile = path;
        }
    }
    sl->start_mono = sl->last_out_mono = util_mono();
    return 0;
}

/* Early termination decides on each new value: the directory of the
 * trial's metrics file is watched (inotify), so that a line is read as soon
 * as it is written, not at the next tick. Without a watch (the directory is
 * not there yet), the tick reads it. */
static void watch_slot(struct sched *s, struct slot *sl)
{
    if (s->ifd < 0 || sl->wd >= 0) return;
    char *dir = xstrdup(sl->mfile);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    sl->wd = inotify_add_watch(s->ifd, slash ? dir : ".", IN_MODIFY | IN_CREATE | IN_MOVED_TO);
    free(dir);
}

/* Marks the slots whose metrics file changed. */
static void read_inotify(struct sched *s)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;
    while ((n = read(s->ifd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            for (size_t i = 0; i < s->nslots; i++) {
                struct slot *sl = &s->slots[i];
                if (!sl->used || sl->wd != ev->wd) continue;
                const char *base = strrchr(sl->mfile, '/');
                base = base ? base + 1 : sl->mfile;
                if (!ev->len || !strcmp(ev->name, base)) sl->dirty = 1;
            }
            p += sizeof *ev + ev->len;
        }
    }
}

static int write_text(const char *path, const char *text, struct err *e)
{
    return util_write_atomic(path, text, strlen(text), e);
}

/* Writes the trial's files and starts it. On a failure that concerns only
 * this trial, records it as failed and returns 0; -1 is for store errors. */
/* Starts trial id; gi: its GPU (index into s->gpus, -1 none), est: the
 * memory reserved for it there. */
static int launch(struct sched *s, long long id, int is_new, int gi, double est, struct err *e)
{
    const struct space *sp = s->sp;
    struct slot *sl = free_slot(s);
    struct value *budget;
    struct value *params = trial_params(s, id, &budget);
    const struct hbt *hb = s->hb ? hbt_get(s, id) : NULL;
    char *prev_dir = hb && hb->parent >= 0 ? trial_dir(s, hb->parent) : NULL;
    struct sb pj;
    sb_init(&pj);
    value_json(&pj, params);
    int rc = 0;
    char **argv = NULL, **envp = NULL;
    struct err te = {0};
    if (slot_setup(s, sl, id, params, e)) {
        rc = -1;
        goto out;
    }
    struct render_ctx r = {sp, params, id, sl->dir, s->o->dir, budget, prev_dir, -1, 0, 0};
    char gpu_txt[32] = "";
    if (gi >= 0) {
        r.gpu = s->gpus[gi].id;
        r.gpu_total_mib = s->gpus[gi].total_mib;
        r.gpu_mem_mib = est >= 0 ? est : pack_usable(&s->pc, &s->gpus[gi]);
        snprintf(gpu_txt, sizeof gpu_txt, "%d", s->gpus[gi].id);
    }
    /* trial-local problems (a full disk, an unwritable template) fail this trial */
    int ok = util_mkdirs(sl->dir, &te) == 0;
    char *path = xasprintf("%s/params.json", sl->dir);
    sb_addc(&pj, '\n');
    if (ok) ok = write_text(path, pj.buf, &te) == 0;
    pj.buf[--pj.len] = '\0'; /* the store keeps it without the newline */
    free(path);
    for (size_t i = 0; ok && i < sp->ntemplates; i++) {
        char *to = render_text(&r, sp->templates[i].to);
        char *dest = to[0] == '/' ? to : xasprintf("%s/%s", sl->dir, to);
        char *text = render_text(&r, sp->templates[i].text);
        char *slash = strrchr(dest, '/');
        if (slash && slash != dest) {
            *slash = '\0';
            ok = util_mkdirs(dest, &te) == 0;
            *slash = '/';
        }
        if (ok) ok = write_text(dest, text, &te) == 0;
        free(text);
        if (dest != to) free(dest);
        free(to);
    }
    /* A trial that ran before continues from its checkpoint when the file
     * says how (resume:) and the checkpoint is there; otherwise it starts
     * again from scratch, and its earlier metrics go. */
    int attempt = 1, resuming = 0;
    if (!is_new) {
        struct trial_row prev;
        if (store_get_trial(s->st, id, &prev, NULL) == 1) {
            attempt = prev.attempts + 1;
            trial_row_release(&prev);
        }
    }
    if (attempt > 1 && sp->nresume_command) {
        resuming = 1;
        if (sp->resume_if_exists) {
            char *f = render_text(&r, sp->resume_if_exists);
            char *abs = f[0] == '/' ? xstrdup(f) : xasprintf("%s/%s", sl->dir, f);
            resuming = access(abs, F_OK) == 0;
            free(abs);
            free(f);
        }
    }
    size_t argc;
    argv = resuming ? render_command(&r, sp->resume_command, sp->nresume_command, &argc)
                    : render_argv(&r, &argc);
    if (!resuming && prev_dir && sp->npromote_args && !sp->shell) {
        /* a promoted trial continues from the rung before's checkpoint */
        size_t n2;
        char **more = render_command(&r, sp->promote_args, sp->npromote_args, &n2);
        argv = xrealloc(argv, (argc + n2 + 1) * sizeof *argv);
        memcpy(argv + argc, more, (n2 + 1) * sizeof *argv);
        argc += n2;
        free(more);
    }
    envp = render_env(&r, environ);
    struct sb aj;
    sb_init(&aj);
    sb_addc(&aj, '[');
    for (size_t i = 0; i < argc; i++) {
        if (i) sb_add(&aj, ", ");
        json_quote(&aj, argv[i]);
    }
    sb_add(&aj, "]\n");
    path = xasprintf("%s/argv.json", sl->dir);
    if (ok) ok = write_text(path, aj.buf, &te) == 0;
    free(path);
    path = xasprintf("%s/exit.json", sl->dir);
    unlink(path); /* from an earlier attempt */
    free(path);
    path = xasprintf("%s/trainer.pid", sl->dir);
    unlink(path);
    free(path);
    if (ok && argc == 0) {
        err_set(&te, "the command renders to no arguments");
        ok = 0;
    }
    /* The trial is recorded before its supervisor starts: a sweep killed in
     * between leaves a running row that a resume resolves (the supervisor is
     * found by its command line, or the trial runs again), never a second
     * trial with the same number. */
    if (store_begin(s->st, e)) {
        rc = -1;
        sb_release(&aj);
        goto out;
    }
    if (is_new && store_trial_add_rung(s->st, id, pj.buf, hb ? hb->level : -1, -1, e)) rc = -1;
    if (!rc && attempt > 1 && !resuming) {
        if (store_trial_fresh(s->st, id, e)) rc = -1;
        else if ((size_t)id < s->nhist) s->hist[id].n = 0; /* its old values are gone too */
    }
    if (!rc && resuming && store_event(s->st, id, "resumed", "from its checkpoint", e)) rc = -1;
    if (!rc && store_trial_start(s->st, id, aj.buf, 0, 0, util_now(), e)) rc = -1;
    if (!rc && gi >= 0 && store_trial_gpu(s->st, id, gpu_txt, r.gpu_mem_mib, e)) rc = -1;
    if (rc) store_rollback(s->st);
    else if (store_commit(s->st, e)) rc = -1;
    sb_release(&aj);
    if (rc) goto out;
    if (ok) ok = proc_start(sl->dir, s->o->cwd, sl->log, argv, envp, &sl->pid, &te) == 0;
    if (store_begin(s->st, e)) {
        rc = -1;
        goto out;
    }
    if (ok) {
        char detail[64];
        snprintf(detail, sizeof detail, "pid %ld", (long)sl->pid);
        if (store_trial_set_pid(s->st, id, sl->pid, proc_start_time(sl->pid), e) ||
            store_event(s->st, id, "started", detail, e))
            rc = -1;
    } else if (store_trial_end(s->st, id, TRIAL_FAILED, te.msg, 0, 0, 0, util_now(), e) ||
               store_event(s->st, id, "failed", te.msg, e)) {
        rc = -1;
    }
    if (rc) store_rollback(s->st);
    else if (store_commit(s->st, e)) rc = -1;
    if (rc) goto out;
    s->res->launched++;
    s->last_launch = util_mono();
    if (!ok) {
        s->counts[TRIAL_FAILED]++;
        say(s, "trial %lld failed to start: %s", id, te.msg);
        slot_release(sl);
        /* it may be the last of its rung */
        if (hb_ended(s, id, TRIAL_FAILED, e)) rc = -1;
        goto out;
    }
    sl->attempt = attempt;
    if (gi >= 0) {
        gpu_take(s, sl, gi, est);
        sl->kind = trial_kind(s, id);
    }
    watch_slot(s, sl);
    if (resuming) store_last_steps(s->st, id, init_steps_cb, sl->mp, NULL);
    s->running++;
    s->active++;
    s->counts[TRIAL_RUNNING]++;
    say(s, "trial %lld started%s (pid %ld)", id,
        resuming ? " again, from its checkpoint" : attempt > 1 ? " again" : "", (long)sl->pid);
out:
    if (rc && sl && sl->used) slot_release(sl);
    render_free_strv(argv);
    render_free_strv(envp);
    sb_release(&pj);
    value_free(params);
    value_free(budget);
    free(prev_dir);
    return rc;
}

/* GPU packing keeps the trials to come as pending rows (up to a window), so
 * that any of them can start where it fits, biggest first, and a resume
 * finds them. */
static int materialize(struct sched *s, struct err *e)
{
    size_t window = 4 * s->ngpus * (s->pc.max_per_gpu ? (size_t)s->pc.max_per_gpu : 4) + 16;
    if (s->nqueue >= window || !(s->hb ? s->next_index < s->plan.nconfigs
                                       : s->total < 0 || s->next_index < s->total))
        return 0;
    if (store_begin(s->st, e)) return -1;
    while (s->nqueue < window &&
           (s->hb ? s->next_index < s->plan.nconfigs : s->total < 0 || s->next_index < s->total)) {
        long long id = s->next_index++;
        if (s->hb) hbt_set(s, id, id, s->plan.b[hb_bracket_of(&s->plan, id)].start, -1);
        struct value *budget;
        struct value *params = trial_params(s, id, &budget);
        struct sb pj;
        sb_init(&pj);
        value_json(&pj, params);
        int rc = store_trial_add_rung(s->st, id, pj.buf, s->hb ? s->hbt[id].level : -1, -1, e);
        sb_release(&pj);
        value_free(params);
        value_free(budget);
        if (rc) {
            store_rollback(s->st);
            return -1;
        }
        queue_push(s, id);
        s->counts[TRIAL_PENDING]++;
    }
    return store_commit(s->st, e);
}

static void queue_remove(struct sched *s, size_t q)
{
    memmove(s->queue + q, s->queue + q + 1, (s->nqueue - q - 1) * sizeof *s->queue);
    s->nqueue--;
}

/* Starts what fits: every pending trial, biggest estimate first, on the GPU
 * where it fits tightest; a trial that fits nowhere now waits while smaller
 * ones go, so that no GPU idles while something fits. */
static int launch_gpus(struct sched *s, struct err *e)
{
    if (s->stopping || s->target_reached) return 0;
    if (materialize(s, e)) return -1;
    struct pack_job *c = xmalloc((s->nqueue + 1) * sizeof *c);
    size_t n = 0;
    for (size_t q = 0; q < s->nqueue; q++) {
        struct value *budget;
        struct value *params = trial_params(s, s->queue[q], &budget);
        c[n++] = (struct pack_job){s->queue[q], trial_estimate(s, s->queue[q], params, NULL),
                                   pack_quantity(&s->sp->duration, params, NULL), 1, q, -1, 0, 0};
        value_free(params);
        value_free(budget);
    }
    qsort(c, n, sizeof *c, pack_job_cmp);
    double now = util_mono();
    long long *started = xmalloc((n + 1) * sizeof *started);
    size_t nstarted = 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (s->active >= (size_t)s->sp->max_parallel || !free_slot(s)) break;
        int gi = pack_choose(&s->pc, s->gpus, s->ngpus, c[i].mem, now);
        if (gi < 0) {
            if (!pack_never_fits(&s->pc, s->gpus, s->ngpus, c[i].mem)) continue;
            /* no GPU could ever hold it: fail it now, with the numbers */
            char why[256];
            snprintf(why, sizeof why,
                     "needs %.1f GiB of GPU memory; the largest GPU holds %.1f GiB "
                     "(after headroom)",
                     c[i].mem / 1024, largest_capacity(s) / 1024);
            if (store_begin(s->st, e) || store_trial_end(s->st, c[i].id, TRIAL_FAILED, why, 0, 0, 0, util_now(), e) ||
                store_event(s->st, c[i].id, "failed", why, e) || store_commit(s->st, e)) {
                store_rollback(s->st);
                rc = -1;
                break;
            }
            say(s, "trial %lld: %s", c[i].id, why);
            s->counts[TRIAL_PENDING]--;
            s->counts[TRIAL_FAILED]++;
            started[nstarted++] = c[i].id;
            if (hb_ended(s, c[i].id, TRIAL_FAILED, e)) rc = -1;
            continue;
        }
        started[nstarted++] = c[i].id;
        s->counts[TRIAL_PENDING]--;
        if (launch(s, c[i].id, 0, gi, c[i].mem, e)) rc = -1;
        now = util_mono();
    }
    /* take them out of the queue */
    for (size_t k = 0; k < nstarted; k++)
        for (size_t q = 0; q < s->nqueue; q++)
            if (s->queue[q] == started[k]) {
                queue_remove(s, q);
                break;
            }
    free(started);
    free(c);
    return rc;
}

static int launch_ready(struct sched *s, struct err *e)
{
    if (s->gpu) return launch_gpus(s, e);
    while (more_to_launch(s) && s->active < (size_t)s->sp->max_parallel && free_slot(s)) {
        if (s->sp->stagger > 0 && s->res->launched > 0 &&
            util_mono() < s->last_launch + s->sp->stagger)
            return 0;
        long long id;
        int is_new = 0;
        if (s->nqueue) {
            id = s->queue[0];
            memmove(s->queue, s->queue + 1, (--s->nqueue) * sizeof *s->queue);
        } else {
            id = s->next_index++;
            is_new = 1;
            if (s->hb) hbt_set(s, id, id, s->plan.b[hb_bracket_of(&s->plan, id)].start, -1);
        }
        if (launch(s, id, is_new, -1, -1, e)) return -1;
    }
    return 0;
}

/* ---- stopping and finishing ---- */

static void request_stop(struct sched *s, struct slot *sl, enum trial_state state,
                         const char *reason)
{
    if (sl->stop_reason || sl->ended) return;
    sl->stop_state = state;
    sl->stop_reason = xstrdup(reason);
    sl->kill_at = util_mono() + s->sp->stop_grace;
    if (proc_stop(sl->dir, sl->pid, SIGTERM) != 0 && errno != ESRCH)
        log_warn("sched", "SIGTERM to trial %lld: %s", sl->id, strerror(errno));
}

static void describe_exit(struct sb *b, const struct proc_exit *x)
{
    if (x->error[0]) sb_add(b, x->error);
    else if (x->has_code) sb_addf(b, "exit code %d", x->code);
    else if (x->signal)
        sb_addf(b, "killed by signal %d (%s)%s", x->signal, proc_signal_name(x->signal),
                x->core ? ", core dumped" : "");
}

/* The out-of-memory message in the last 64 KiB of a log, or NULL: the
 * PyTorch, CUDA runtime, cuBLAS and darknet wordings. */
static const char *oom_in_log(const char *path)
{
    static const char *const words[] = {"CUDA out of memory",  "CUDA error: out of memory",
                                        "CUDA Error: out of memory", "OutOfMemoryError",
                                        "cudaErrorMemoryAllocation", "CUBLAS_STATUS_ALLOC_FAILED",
                                        NULL};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    static char buf[65537];
    ssize_t n = 0;
    if (fstat(fd, &st) == 0) {
        off_t from = st.st_size > 65536 ? st.st_size - 65536 : 0;
        n = pread(fd, buf, 65536, from);
    }
    close(fd);
    if (n <= 0) return NULL;
    buf[n] = '\0';
    for (ssize_t i = 0; i < n; i++)
        if (!buf[i]) buf[i] = ' ';
    for (const char *const *w = words; *w; w++)
        if (strstr(buf, *w)) return *w;
    return NULL;
}

static void describe_leftovers(struct sb *b, const struct proc_exit *x)
{
    if (x->leftovers > 0)
        sb_addf(b, "%s%d leftover process%s stopped", b->len ? "; " : "", x->leftovers,
                x->leftovers == 1 ? "" : "es");
}

static int finish(struct sched *s, struct slot *sl, struct err *e)
{
    const struct space *sp = s->sp;
    if (ingest(s, sl, 1, e)) return -1;
    struct proc_exit x;
    struct err xe = {0};
    int have = proc_read_exit(sl->dir, &x, &xe);
    enum trial_state state;
    struct sb reason;
    sb_init(&reason);
    int has_code = 0, code = 0, sig = 0;
    if (have == 1) {
        has_code = x.has_code && !x.error[0];
        code = x.code;
        sig = x.signal;
    }
    struct trial_row tr;
    int no_rows = 0;
    const char *oom = NULL; /* the out-of-memory words in its log, if it failed of that */
    if (metrics_requires_rows(sl->mp) && store_get_trial(s->st, sl->id, &tr, NULL) == 1) {
        no_rows = tr.last_step < 0;
        trial_row_release(&tr);
    }
    if (have == 1 && !x.error[0] && x.has_code && x.code == 0 && no_rows && !sl->stop_reason) {
        /* darknet exits 0 after "Couldn't open file" and the like */
        state = TRIAL_FAILED;
        sb_add(&reason, "exit code 0, but no iteration line in its log: the trainer did not train");
    } else if (have == 1 && !x.error[0] && x.has_code && x.code == 0) {
        state = TRIAL_COMPLETED;
    } else if (sl->stop_reason) {
        state = sl->stop_state;
        sb_add(&reason, sl->stop_reason);
        if (have == 1) {
            sb_add(&reason, "; ");
            describe_exit(&reason, &x);
        }
    } else if (have == 1) {
        state = TRIAL_FAILED;
        /* the cause, when the log names it (with GPU packing, it is requeued below) */
        oom = oom_in_log(sl->log);
        if (oom) sb_addf(&reason, "CUDA out of memory (\"%s\" in its log); ", oom);
        describe_exit(&reason, &x);
    } else {
        state = TRIAL_FAILED;
        if (have < 0) sb_addf(&reason, "%s", xe.msg);
        else if (!sl->adopted && WIFSIGNALED(sl->wstatus))
            sb_addf(&reason, "its supervisor was killed by signal %d (%s)",
                    WTERMSIG(sl->wstatus), proc_signal_name(WTERMSIG(sl->wstatus)));
        else sb_add(&reason, "its supervisor ended without recording an exit status");
    }
    if (have == 1) describe_leftovers(&reason, &x);
    double secs = util_mono() - sl->start_mono;
    /* its process group is gone (the supervisor waited for it): the GPU
     * memory it held is free for the next trial */
    int had_gpu = sl->g >= 0;
    double est = sl->est_mib;
    gpu_release(s, sl);
    if (had_gpu && state == TRIAL_COMPLETED) learn(s, sl->kind, sl->peak_mib, 1);
    /* out of GPU memory: not the trial's fault; again with a larger
     * estimate (on a GPU with more room, or one to itself), until even a
     * whole GPU is not enough */
    if (had_gpu && state == TRIAL_FAILED && oom && !s->stopping) {
        double whole = largest_capacity(s);
        double want = est < 0 ? whole : est * 1.5;
        if (sl->peak_mib * 1.2 > want) want = sl->peak_mib * 1.2;
        if (want > whole) want = whole;
        if (est >= 0 && est < whole - 1) {
            char *old = xasprintf("%s.attempt%d", sl->log, sl->attempt);
            rename(sl->log, old);
            free(old);
            char *why = xasprintf("CUDA out of memory with %.1f GiB reserved; requeued with "
                                  "%.1f GiB", est / 1024, want / 1024);
            int bad = store_begin(s->st, e) || store_trial_requeue(s->st, sl->id, why, e) ||
                      store_trial_mem(s->st, sl->id, want, -1, e) ||
                      store_event(s->st, sl->id, "oom_requeued", why, e);
            if (bad || store_commit(s->st, e)) {
                if (bad) store_rollback(s->st);
                free(why);
                sb_release(&reason);
                return -1;
            }
            set_override(s, sl->id, want);
            say(s, "trial %lld: %s", sl->id, why);
            free(why);
            queue_push(s, sl->id);
            proc_stop_done(s->o->dir, sl->id);
            s->counts[TRIAL_RUNNING]--;
            s->running--;
            s->res->finished++;
            slot_release(sl);
            sb_release(&reason);
            return 0;
        }
        sb_addf(&reason, "; it had a whole GPU (%.1f GiB usable)", whole / 1024);
    }
    /* retries, except for a trainer that could not even start */
    int cannot_start = have == 1 && x.error[0];
    if (state == TRIAL_FAILED && sl->attempt <= sp->retries && !s->stopping && !cannot_start) {
        /* keep the failed attempt's log beside the new one */
        char *old = xasprintf("%s.attempt%d", sl->log, sl->attempt);
        rename(sl->log, old);
        free(old);
        char *why = xasprintf("retry after: %s", sb_str(&reason));
        int bad = store_begin(s->st, e) || store_trial_requeue(s->st, sl->id, why, e) ||
                  store_event(s->st, sl->id, "retry", why, e);
        free(why);
        if (bad || store_commit(s->st, e)) {
            if (bad) store_rollback(s->st);
            sb_release(&reason);
            return -1;
        }
        queue_push(s, sl->id);
        say(s, "trial %lld failed (%s) after %.1fs; retrying (attempt %d of %d)", sl->id,
            sb_str(&reason), secs, sl->attempt + 1, sp->retries + 1);
    } else {
        int bad = store_begin(s->st, e) ||
                  store_trial_end(s->st, sl->id, state, reason.len ? reason.buf : NULL, has_code,
                                  code, sig, util_now(), e) ||
                  store_event(s->st, sl->id, store_state_name(state),
                              reason.len ? reason.buf : NULL, e);
        if (bad || store_commit(s->st, e)) {
            if (bad) store_rollback(s->st);
            sb_release(&reason);
            return -1;
        }
        s->counts[state]++;
        struct trial_row t;
        struct sb line;
        sb_init(&line);
        sb_addf(&line, "trial %lld %s in %.1fs", sl->id, store_state_name(state), secs);
        if (reason.len) sb_addf(&line, " (%s)", reason.buf);
        if (store_get_trial(s->st, sl->id, &t, NULL) == 1) {
            if (t.has_objective && sp->metric_name) {
                sb_addf(&line, ": %s ", sp->metric_name);
                json_num(&line, t.objective);
                if (state == TRIAL_COMPLETED &&
                    (!s->have_best || space_better(sp, t.objective, s->best))) {
                    s->have_best = 1;
                    s->best = t.objective;
                    s->best_trial = t.id;
                    sb_add(&line, " (best so far)");
                }
            }
            trial_row_release(&t);
        }
        say(s, "%s", sb_str(&line));
        sb_release(&line);
        if (hb_ended(s, sl->id, state, e)) {
            sb_release(&reason);
            return -1;
        }
    }
    sb_release(&reason);
    proc_stop_done(s->o->dir, sl->id);
    s->counts[TRIAL_RUNNING]--;
    s->running--;
    s->res->finished++;
    slot_release(sl);
    return 0;
}

static void slot_ended(struct sched *s, struct slot *sl)
{
    if (sl->ended) return;
    sl->ended = 1;
    s->active--;
}

static void reap(struct sched *s)
{
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->used || sl->ended) continue;
        if (sl->adopted) {
            /* not our child: the pidfd (or the pid's absence) tells */
            if (sl->pidfd < 0 && proc_start_time(sl->pid) < 0) slot_ended(s, sl);
            continue;
        }
        int st;
        pid_t w = waitpid(sl->pid, &st, WNOHANG);
        if (w == sl->pid) {
            sl->wstatus = st;
            slot_ended(s, sl);
        }
    }
}

/* Stops a trial that ran out of time: "WHAT 12h00m". */
static void fail_after(struct sched *s, struct slot *sl, const char *what, double seconds)
{
    struct sb why;
    sb_init(&why);
    sb_addf(&why, "%s ", what);
    util_fmt_duration(&why, seconds);
    request_stop(s, sl, TRIAL_FAILED, sb_str(&why));
    sb_release(&why);
}

static void enforce_deadlines(struct sched *s)
{
    double now = util_mono();
    const struct space *sp = s->sp;
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->used || sl->ended) continue;
        if (sl->kill_at && now >= sl->kill_at) {
            proc_stop(sl->dir, sl->pid, SIGKILL);
            sl->kill_at = 0;
            continue;
        }
        if (sl->stop_reason) continue;
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
    double now = util_mono(), wait = 3600;
    /* with early termination, decisions wait for the logs: inotify wakes us
     * for watched ones; the others are read more often */
    if (s->running) wait = s->next_tick - now;
    if (s->sp->stagger > 0 && more_to_launch(s) && s->active < (size_t)s->sp->max_parallel) {
        double d = s->last_launch + s->sp->stagger - now;
        if (s->gpu) /* per GPU: the next one whose stagger ends */
            for (size_t i = 0; i < s->ngpus; i++) {
                double dg = s->gpus[i].last_launch + s->sp->stagger - now;
                if (dg > 0 && dg < d) d = dg;
            }
        if (d < wait) wait = d;
    }
    /* GPUs: trials waiting for memory that others hold wait for nvidia-smi */
    if (s->gpu && s->sp->gpus_auto && (s->running || s->nqueue) && s->next_smi - now < wait)
        wait = s->next_smi - now;
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i].used && s->slots[i].kill_at && s->slots[i].kill_at - now < wait)
            wait = s->slots[i].kill_at - now;
    if (s->tty && wait > 0.5) wait = 0.5;
    if (wait < 0) wait = 0;
    return (int)ceil(wait * 1000);
}

/* sweep stop DIR TRIAL...: running trials are stopped, queued ones are
 * recorded as stopped without running. */
static int stop_requested_trials(struct sched *s, struct err *e)
{
    static const char why[] = "stopped by the user (sweep stop)";
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (sl->used && proc_stop_requested(s->o->dir, sl->id)) {
            say(s, "trial %lld: stop requested", sl->id);
            request_stop(s, sl, TRIAL_STOPPED, why);
        }
    }
    for (size_t k = 0; k < s->nqueue;) {
        long long id = s->queue[k];
        if (!proc_stop_requested(s->o->dir, id)) {
            k++;
            continue;
        }
        if (store_trial_end(s->st, id, TRIAL_STOPPED, why, 0, 0, 0, util_now(), e)) return -1;
        proc_stop_done(s->o->dir, id);
        s->counts[TRIAL_STOPPED]++;
        memmove(s->queue + k, s->queue + k + 1, (--s->nqueue - k) * sizeof *s->queue);
        say(s, "trial %lld stopped before it ran again", id);
    }
    return 0;
}

/* early_terminate: each running trial is judged on the values of the
 * objective logged so far, its own and the others' (search/hyperband.h,
 * search/stopping.h); a losing one is stopped and recorded as pruned. */
static void prune(struct sched *s, struct slot *sl, struct sb *why)
{
    say(s, "trial %lld: %s", sl->id, sb_str(why));
    /* when the decision was taken: what the trial logs after it is counted
     * against us (bench/early_stop.sh) */
    store_event(s->st, sl->id, "prune_decided", sb_str(why), NULL);
    request_stop(s, sl, TRIAL_PRUNED, sb_str(why));
}

/* The values of every trial at index i (those that have one). */
static size_t values_at(struct sched *s, size_t i, double *out)
{
    size_t n = 0;
    for (size_t t = 0; t < s->nhist; t++)
        if (s->hist[t].n > i) out[n++] = s->hist[t].v[i];
    return n;
}

static void early_check(struct sched *s)
{
    if (!s->early || !s->hist_changed) return;
    s->hist_changed = 0;
    const struct space *sp = s->sp;
    double sign = sp->goal == GOAL_MAXIMIZE ? -1 : 1; /* back from "smaller is better" */
    double thr[64];
    int have[64] = {0};
    double *vals = xcalloc(s->nhist ? s->nhist : 1, sizeof *vals);
    const double **others = xcalloc(s->nhist ? s->nhist : 1, sizeof *others);
    size_t *lens = xcalloc(s->nhist ? s->nhist : 1, sizeof *lens);
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->used || sl->ended || sl->stop_reason || (size_t)sl->id >= s->nhist) continue;
        const struct hist *h = &s->hist[sl->id];
        struct sb why;
        sb_init(&why);
        switch (sp->et_type) {
        case ET_HYPERBAND: {
            int c = hyperband_closest(s->bands, s->nbands, h->n);
            if (c < 0) break;
            long band = s->bands[c];
            if (!have[c]) {
                thr[c] = hyperband_threshold(vals, values_at(s, (size_t)band, vals), sp->et_eta);
                have[c] = 1;
            }
            if (!(h->v[band] > thr[c])) break;
            sb_addf(&why, "pruned by hyperband at value %ld of %s: ", band + 1, sp->metric_name);
            json_num(&why, sign * h->v[band]);
            sb_add(&why, " is worse than the band's threshold ");
            json_num(&why, sign * thr[c]);
            prune(s, sl, &why);
            break;
        }
        case ET_ASHA: {
            long rung = stopping_asha_rung(h->n, sp->et_min_iter, sp->et_max_iter, sp->et_eta);
            if (rung <= sl->asha_rung) break; /* judged once per rung, when it gets there */
            sl->asha_rung = rung;
            size_t nv = values_at(s, (size_t)rung - 1, vals), keep;
            double t = stopping_asha_threshold(vals, nv, sp->et_eta, &keep);
            if (!(h->v[rung - 1] > t)) break;
            sb_addf(&why, "pruned by asha at rung %ld (value %ld of %s): ", rung, rung,
                    sp->metric_name);
            json_num(&why, sign * h->v[rung - 1]);
            sb_addf(&why, " is not in the best %zu of %zu (threshold ", keep, nv);
            json_num(&why, sign * t);
            sb_addc(&why, ')');
            prune(s, sl, &why);
            break;
        }
        case ET_MEDIAN: {
            size_t no = 0;
            for (size_t t = 0; t < s->nhist; t++)
                if (t != (size_t)sl->id && s->hist[t].n) {
                    others[no] = s->hist[t].v;
                    lens[no++] = s->hist[t].n;
                }
            double med;
            if (!stopping_median(h->v, h->n, others, lens, no, sp->et_min_iter,
                                 sp->et_min_trials, &med))
                break;
            double best = h->v[0];
            for (size_t k = 1; k < h->n; k++)
                if (h->v[k] < best) best = h->v[k];
            sb_addf(&why, "pruned by the median rule at value %zu of %s: its best ", h->n,
                    sp->metric_name);
            json_num(&why, sign * best);
            sb_add(&why, " is worse than the median of the others' running averages ");
            json_num(&why, sign * med);
            prune(s, sl, &why);
            break;
        }
        case ET_PATIENCE: {
            double best;
            if (!stopping_patience(h->v, h->n, sp->et_patience, sp->et_min_delta, &best)) break;
            sb_addf(&why, "pruned: no improvement of %s", sp->metric_name);
            if (sp->et_min_delta > 0) {
                sb_add(&why, " by at least ");
                json_num(&why, sp->et_min_delta);
            }
            sb_add(&why, " on ");
            json_num(&why, sign * best);
            sb_addf(&why, " in its last %d values", sp->et_patience);
            prune(s, sl, &why);
            break;
        }
        }
        sb_release(&why);
    }
    free(vals);
    free(others);
    free(lens);
}

/* ---- resuming ---- */

struct resume_ctx {
    struct sched *s;
    struct err *e;
    int rc;
};

static int resume_pending(const struct trial_row *t, void *ctx)
{
    struct resume_ctx *rc = ctx;
    queue_push(rc->s, t->id);
    if (rc->s->gpu && t->attempts > 0 && t->mem_est > 0) set_override(rc->s, t->id, t->mem_est);
    return 0;
}

/* GPU packing: what completed trials used corrects the estimates again. */
static int resume_learn(const struct trial_row *t, void *ctx)
{
    struct sched *s = ctx;
    if (t->mem_peak <= 0) return 0;
    char *kind = trial_kind(s, t->id);
    learn(s, kind, t->mem_peak, t->state == TRIAL_COMPLETED);
    free(kind);
    return 0;
}

static int resume_running(const struct trial_row *t, void *ctx)
{
    struct resume_ctx *rc = ctx;
    struct sched *s = rc->s;
    struct slot *sl = free_slot(s);
    if (!sl) { /* more were running than there are slots now: grow */
        s->slots = xrealloc(s->slots, (s->nslots + 1) * sizeof *s->slots);
        memset(&s->slots[s->nslots], 0, sizeof *s->slots);
        s->slots[s->nslots].pidfd = -1;
        s->slots[s->nslots].wd = -1;
        s->slots[s->nslots].g = -1;
        sl = &s->slots[s->nslots++];
    }
    struct value *budget;
    struct value *params = trial_params(s, t->id, &budget);
    int r = slot_setup(s, sl, t->id, params, rc->e);
    value_free(params);
    value_free(budget);
    if (r) {
        rc->rc = -1;
        return 1;
    }
    sl->pid = (pid_t)t->pid;
    sl->attempt = t->attempts;
    sl->tp.offset = t->log_offset;
    metrics_prime(sl->mp, sl->mfile, sl->tp.offset); /* csv: its header row; consoles: headers */
    sl->adopted = 1;
    store_last_steps(s->st, t->id, init_steps_cb, sl->mp, NULL);
    struct proc_exit x;
    struct err xe = {0};
    int have = proc_read_exit(sl->dir, &x, &xe);
    /* the stored start time tells our supervisor from a process that got its
     * pid later; without a stored pid (sweep died right after starting it),
     * the supervisor is found by its command line */
    int alive = have != 1 && sl->pid > 1 && t->pid_start > 0 &&
                proc_start_time(sl->pid) == t->pid_start;
    if (have != 1 && !alive) {
        long long start;
        pid_t found = proc_find_supervisor(sl->dir, &start);
        if (found > 0) {
            sl->pid = found;
            alive = 1;
            if (store_trial_set_pid(s->st, t->id, found, start, rc->e)) {
                rc->rc = -1;
                slot_release(sl);
                return 1;
            }
        } else {
            /* it may have ended between the first look at exit.json and the
             * search: look again before calling it dead (and running it twice) */
            have = proc_read_exit(sl->dir, &x, &xe);
        }
    }
    static const char why[] = "stopped by the user (sweep stop)";
    int stop = proc_stop_requested(s->o->dir, t->id); /* sweep stop while no sweep ran */
    if ((have == 1 || alive) && s->gpu && t->gpu) {
        for (size_t i = 0; i < s->ngpus; i++)
            if (s->gpus[i].id == atoi(t->gpu)) {
                gpu_take(s, sl, (int)i, t->mem_est);
                sl->kind = trial_kind(s, t->id);
                if (t->mem_peak > 0) slot_peak(s, sl, t->mem_peak);
            }
    }
    if (have == 1 || alive) {
        s->running++;
        s->counts[TRIAL_RUNNING]++;
        if (alive) {
            s->active++;
            /* ASHA: the rungs it had reached were judged by the earlier sweep */
            if (s->early && s->sp->et_type == ET_ASHA && (size_t)t->id < s->nhist)
                sl->asha_rung = stopping_asha_rung(s->hist[t->id].n, s->sp->et_min_iter,
                                                   s->sp->et_max_iter, s->sp->et_eta);
            sl->pidfd = (int)syscall(SYS_pidfd_open, sl->pid, 0);
            watch_slot(s, sl);
            say(s, "trial %lld is still running (pid %ld): following it again", t->id,
                (long)sl->pid);
            store_event(s->st, t->id, "adopted", NULL, NULL);
            if (stop) request_stop(s, sl, TRIAL_STOPPED, why);
        } else {
            sl->ended = 1; /* it ended while no sweep was there: record it */
            if (stop) {
                sl->stop_state = TRIAL_STOPPED;
                sl->stop_reason = xstrdup(why);
            }
        }
        return 0;
    }
    if (stop) {
        slot_release(sl);
        proc_stop_done(s->o->dir, t->id);
        s->counts[TRIAL_STOPPED]++;
        if (store_trial_end(s->st, t->id, TRIAL_STOPPED, why, 0, 0, 0, util_now(), rc->e)) {
            rc->rc = -1;
            return 1;
        }
        return 0;
    }
    /* died with the previous sweep (or the machine): run it again */
    if (store_trial_requeue(s->st, t->id, "requeued: it died with an earlier sweep process",
                            rc->e)) {
        rc->rc = -1;
        slot_release(sl);
        return 1;
    }
    char *old = xasprintf("%s.attempt%d", sl->log, t->attempts);
    rename(sl->log, old);
    free(old);
    slot_release(sl);
    queue_push(s, t->id);
    say(s, "trial %lld died with an earlier sweep process: queued again", t->id);
    return 0;
}

static int hb_load(const struct trial_row *t, void *ctx)
{
    struct sched *s = ctx;
    long long config = t->id;
    if (t->parent >= 0 && (size_t)t->parent < s->nhbt && s->hbt[t->parent].known)
        config = s->hbt[t->parent].config;
    int level = t->rung >= 0 ? t->rung : 0;
    hbt_set(s, t->id, config, level, t->parent);
    if (t->state != TRIAL_PENDING && t->state != TRIAL_RUNNING) s->hbt[t->id].state = (int)t->state;
    if (t->parent < 0 && t->id + 1 > s->next_index) s->next_index = t->id + 1;
    if (t->id + 1 > s->next_promo) s->next_promo = t->id + 1;
    return 0;
}

static int resume(struct sched *s, struct err *e)
{
    long long counts[TRIAL_NSTATES];
    if (store_counts(s->st, counts, e)) return -1;
    for (int i = 0; i < TRIAL_NSTATES; i++)
        if (i != TRIAL_RUNNING && i != TRIAL_PENDING) s->counts[i] = counts[i];
    long long max = store_max_trial(s->st, e);
    if (max < -1) return -1;
    s->next_index = max + 1;
    if (s->hb) {
        /* rung-0 trials are numbered 0.. by configuration; promoted ones after them */
        s->next_index = 0;
        s->next_promo = s->plan.nconfigs;
        if (store_each_trial(s->st, ORDER_ID, -1, 0, hb_load, s, e)) return -1;
    }
    struct resume_ctx rc = {s, e, 0};
    if (s->gpu && store_each_trial(s->st, ORDER_ID, -1, 0, resume_learn, s, e)) return -1;
    if (store_each_trial(s->st, ORDER_ID, TRIAL_PENDING, 0, resume_pending, &rc, e)) return -1;
    if (store_each_trial(s->st, ORDER_ID, TRIAL_RUNNING, 0, resume_running, &rc, e) || rc.rc)
        return -1;
    /* rungs that ended while no sweep was there (or just before it died) */
    for (int b = 0; s->hb && b < s->plan.nbrackets; b++)
        for (int l = s->plan.b[b].start; l < s->plan.nlevels; l++)
            if (hb_rung_check(s, b, l, e)) return -1;
    if (max >= 0)
        say(s, "resuming: %lld trials done, %zu running, %zu queued, next new trial %lld",
            counts[TRIAL_COMPLETED] + counts[TRIAL_FAILED] + counts[TRIAL_STOPPED] +
                counts[TRIAL_PRUNED],
            s->running, s->nqueue, s->next_index);
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

/* ---- the loop ---- */

int sched_run(const struct sched_opts *o, struct sched_result *res, struct err *e)
{
    struct sched s;
    memset(&s, 0, sizeof s);
    memset(res, 0, sizeof *res);
    s.o = o;
    s.sp = o->sp;
    s.st = o->st;
    s.res = res;
    s.total = trials_total(o->sp);
    if (s.total == -2) return err_usage(e, "the grid has more than 2^63 points; set run_cap");
    if (o->sp->method == METHOD_HALVING || o->sp->method == METHOD_HYPERBAND) {
        s.hb = 1;
        hb_plan(o->sp, trials_configs(o->sp), &s.plan);
        s.total = s.plan.total;
        s.next_promo = s.plan.nconfigs;
    }
    s.nslots = 2 * (size_t)o->sp->max_parallel;
    s.slots = xcalloc(s.nslots, sizeof *s.slots);
    for (size_t i = 0; i < s.nslots; i++) s.slots[i].pidfd = s.slots[i].wd = s.slots[i].g = -1;
    s.ifd = -1;
    s.tty = isatty(STDERR_FILENO) && !o->quiet;
    s.t0 = util_mono();
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
    if (s.sigfd < 0) {
        err_errno(e, "signalfd");
        goto out;
    }
    if (o->sp->et_enabled && o->sp->metric_name) {
        const struct space *sp = o->sp;
        s.early = 1;
        s.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (sp->et_type == ET_HYPERBAND)
            s.nbands = hyperband_bands(sp->et_min_iter, sp->et_max_iter, sp->et_s, sp->et_eta,
                                       s.bands, ARRAY_LEN(s.bands));
        if (store_metric_values(s.st, sp->metric_name, hist_load_cb, &s, e)) goto out;
    }
    if (s.hb && store_metric_values(s.st, o->sp->metric_name, hist_load_cb, &s, e)) goto out;
    if ((o->sp->gpus_auto || o->sp->ngpu_list) && gpu_setup(&s, e)) goto out;
    if (resume(&s, e)) goto out;
    store_each_trial(s.st, ORDER_RANK, TRIAL_COMPLETED, 1, best_cb, &s, NULL);
    store_event(s.st, -1, "sweep_started", NULL, NULL);

    for (int first = 1;; first = 0) {
        if (launch_ready(&s, e)) goto out;
        if (s.running == 0 && !more_to_launch(&s)) break;
        struct pollfd pfd[1 + 4096];
        size_t np = 0;
        pfd[np++] = (struct pollfd){s.sigfd, POLLIN, 0};
        size_t first_pid = 1;
        if (s.ifd >= 0) {
            pfd[np++] = (struct pollfd){s.ifd, POLLIN, 0};
            first_pid = 2;
        }
        for (size_t i = 0; i < s.nslots && np < ARRAY_LEN(pfd); i++)
            if (s.slots[i].used && s.slots[i].pidfd >= 0 && !s.slots[i].ended)
                pfd[np++] = (struct pollfd){s.slots[i].pidfd, POLLIN, 0};
        /* no wait on the first turn: adopted trials' logs are read at once */
        if (poll(pfd, np, first ? 0 : next_timeout_ms(&s)) < 0 && errno != EINTR) {
            err_errno(e, "poll");
            goto out;
        }
        struct signalfd_siginfo si;
        while (read(s.sigfd, &si, sizeof si) == sizeof si) {
            if (si.ssi_signo == SIGCHLD) continue;
            if (si.ssi_signo == SIGUSR1) {
                if (stop_requested_trials(&s, e)) goto out;
                continue;
            }
            if (s.stopping) { /* second Ctrl-C: leave at once, trials keep running */
                progress_clear(&s);
                fprintf(stderr, "sweep: second %s: exiting now; %zu trials keep running and "
                                "`sweep run` on this directory follows them again\n",
                        proc_signal_name((int)si.ssi_signo), s.running);
                res->interrupted = 2;
                rc = 0;
                goto out;
            }
            s.stopping = 1;
            s.stop_signal = (int)si.ssi_signo;
            say(&s, "%s: stopping %zu running trials (again to exit at once)",
                proc_signal_name(s.stop_signal), s.running);
            char why[64];
            snprintf(why, sizeof why, "stopped by the user (%s)", proc_signal_name(s.stop_signal));
            for (size_t i = 0; i < s.nslots; i++)
                if (s.slots[i].used) request_stop(&s, &s.slots[i], TRIAL_STOPPED, why);
            store_event(s.st, -1, "stop_requested", proc_signal_name(s.stop_signal), NULL);
        }
        reap(&s);
        if (s.ifd >= 0 && pfd[1].revents) read_inotify(&s);
        for (size_t i = first_pid; i < np; i++)
            if (pfd[i].revents)
                for (size_t k = 0; k < s.nslots; k++)
                    if (s.slots[k].used && s.slots[k].pidfd == pfd[i].fd)
                        slot_ended(&s, &s.slots[k]);
        /* refill the slots first; recording the trials that ended can wait */
        if (launch_ready(&s, e)) goto out;
        for (size_t i = 0; i < s.nslots; i++)
            if (s.slots[i].used && s.slots[i].ended && finish(&s, &s.slots[i], e)) goto out;
        /* the running trials' new rows and offsets: one transaction per turn;
         * every log on the tick, watched ones as soon as they change */
        double now = util_mono();
        int tick = now >= s.next_tick, any = 0;
        for (size_t i = 0; i < s.nslots; i++)
            if (s.slots[i].used && !s.slots[i].ended && (tick || s.slots[i].dirty)) any = 1;
        if (tick) {
            int unwatched = 0;
            for (size_t i = 0; i < s.nslots; i++)
                if (s.slots[i].used && !s.slots[i].ended && s.slots[i].wd < 0) unwatched = 1;
            s.next_tick = now + (s.early && (s.ifd < 0 || unwatched) ? TICK_S / 4 : TICK_S);
        }
        if (any) {
            if (store_begin(s.st, e)) goto out;
            for (size_t i = 0; i < s.nslots; i++) {
                struct slot *sl = &s.slots[i];
                if (!sl->used || sl->ended || !(tick || sl->dirty)) continue;
                sl->dirty = 0;
                if (s.ifd >= 0 && sl->wd < 0) watch_slot(&s, sl);
                if (ingest(&s, sl, 0, e)) {
                    store_rollback(s.st);
                    goto out;
                }
            }
            if (store_commit(s.st, e)) goto out;
        }
        early_check(&s);
        enforce_deadlines(&s);
        if (s.gpu && (s.running || s.nqueue)) gpu_refresh(&s);
        if (s.tty && util_mono() - s.last_progress >= 0.5) progress_draw(&s);
    }
    res->interrupted = s.stopping ? 1 : 0;
    /* CPU seconds of sweep itself, and of the supervisors and trainers it reaped */
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    char cpu[128];
    snprintf(cpu, sizeof cpu, "wall=%.3f cpu_self=%.3f cpu_children=%.3f", util_mono() - s.t0,
             self.ru_utime.tv_sec + self.ru_utime.tv_usec / 1e6 + self.ru_stime.tv_sec +
                 self.ru_stime.tv_usec / 1e6,
             kids.ru_utime.tv_sec + kids.ru_utime.tv_usec / 1e6 + kids.ru_stime.tv_sec +
                 kids.ru_stime.tv_usec / 1e6);
    store_event(s.st, -1, s.stopping ? "sweep_stopped" : "sweep_finished", cpu, NULL);
    rc = 0;
out:
    progress_clear(&s);
    if (s.sigfd >= 0) close(s.sigfd);
    for (size_t i = 0; i < s.nslots; i++)
        if (s.slots[i].used) slot_release(&s.slots[i]);
    free(s.slots);
    if (s.ifd >= 0) close(s.ifd);
    free(s.queue);
    for (size_t i = 0; i < s.nhist; i++) {
        free(s.hist[i].step);
        free(s.hist[i].v);
    }
    free(s.hist);
    free(s.hbt);
    free(s.gpus);
    for (size_t i = 0; i < s.nlearned; i++) free(s.learned[i].kind);
    free(s.learned);
    free(s.override);
    metric_batch_release(&s.batch);
    sigaction(SIGHUP, &old_hup, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}
