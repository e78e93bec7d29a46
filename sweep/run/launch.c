/* launch.c - starting trials: the queue of trials to (re)start, slots,
 * writing a trial's files (params.json, templates, argv.json) and starting
 * it through the executor, in the two transactions around the start that a
 * resume relies on. New trials come from the searcher; with GPU packing, a
 * window of them is kept as pending rows so that any can start where it
 * fits. */
#include "sweep/run/run_int.h"
#include "search/render.h"
#include "search/searcher.h"
#include "search/space.h"
#include "store/layout.h"
#include "store/store.h"
#include "sweep/ingest/metrics.h"
#include "base/err.h"
#include "base/json.h"
#include "base/value.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

extern char **environ;


int more_to_launch(const struct sched *s)
{
    if (s->stopping || s->target_reached) return 0;
    return s->queue.n > 0 || searcher_more(s->search);
}

/* The trial's files: params.json, its templates, argv.json; the earlier
 * attempt's exit.json and trainer.pid go. Everything is written inside the
 * trial directory, which is a real directory (a link there is refused), and
 * no link is followed on the way (store/layout.h). 0, or -1 with te filled
 * (a problem of this trial only: a full disk, a template whose path leaves
 * the trial directory). */
static int write_trial_files(const struct space *sp, const struct render_ctx *r,
                             const char *sweep_dir, long long id, const char *dir,
                             const char *params_json, const char *argv_text, size_t argc,
                             struct err *te)
{
    if (layout_make_trial_dir(sweep_dir, id, te)) return -1;
    char *pj = xasprintf("%s\n", params_json);
    int rc = layout_write_under(dir, "params.json", pj, strlen(pj), te);
    free(pj);
    for (size_t i = 0; !rc && i < sp->ntemplates; i++) {
        char *to = render_text(r, sp->templates[i].to);
        char *text = render_text(r, sp->templates[i].text);
        if (layout_write_under(dir, to, text, strlen(text), te)) {
            struct sb m;
            sb_init(&m);
            sb_addf(&m, "template %s: %s", sp->templates[i].name, te->msg);
            rc = err_set(te, "%.900s", m.buf);
            sb_release(&m);
        }
        free(text);
        free(to);
    }
    if (!rc) rc = layout_write_under(dir, "argv.json", argv_text, strlen(argv_text), te);
    char *wc = render_wandb_config(r->params); /* WANDB_SWEEP_PARAM_PATH names it */
    if (!rc) rc = layout_write_under(dir, RENDER_WANDB_CONFIG, wc, strlen(wc), te);
    free(wc);
    const char *stale[] = {"exit.json", "trainer.pid"}; /* from an earlier attempt */
    for (size_t i = 0; i < ARRAY_LEN(stale); i++) {
        char *path = xasprintf("%s/%s", dir, stale[i]);
        unlink(path);
        free(path);
    }
    if (!rc && argc == 0) rc = err_set(te, "the command renders to no arguments");
    return rc;
}

/* argv as a JSON line: argv.json, and what the store keeps. */
static char *argv_json(char **argv, size_t argc)
{
    struct sb aj;
    sb_init(&aj);
    sb_addc(&aj, '[');
    for (size_t i = 0; i < argc; i++) {
        if (i) sb_add(&aj, ", ");
        json_quote(&aj, argv[i]);
    }
    sb_add(&aj, "]\n");
    return sb_detach(&aj);
}

/* argv.json: the exact argv, the program execvp runs (found on the
 * trial's PATH, from the directory trials run in), and the interpreter when
 * the command names ${interpreter}, so that a person sees which python ran. */
static char *argv_file(const struct space *sp, char **argv, size_t argc, char *const *envp,
                       const char *cwd, const char *aj)
{
    const char *path = NULL;
    for (char *const *e = envp; e && *e; e++)
        if (!strncmp(*e, "PATH=", 5)) path = *e + 5;
    char *exe = argc && !sp->shell ? util_which(argv[0], path, cwd) : NULL;
    struct sb b;
    sb_init(&b);
    sb_add(&b, "{\"argv\": ");
    sb_addn(&b, aj, strlen(aj) - 1); /* without its newline */
    sb_add(&b, ", \"executable\": ");
    if (exe) json_quote(&b, exe);
    else sb_add(&b, "null");
    if (sp->runs_interpreter) { /* ${env} runs it: where env finds it */
        char *ip = util_which(sp->interpreter, path, cwd);
        sb_add(&b, ", \"interpreter\": ");
        json_quote(&b, sp->interpreter);
        sb_add(&b, ", \"interpreter_path\": ");
        if (ip) json_quote(&b, ip);
        else sb_add(&b, "null");
        free(ip);
    }
    sb_add(&b, "}\n");
    free(exe);
    return sb_detach(&b);
}

/* A trial that ran before continues from its checkpoint when the file says
 * how (resume:) and the checkpoint is there; otherwise it starts again from
 * scratch, and its earlier metrics go. */
static int resumes(const struct space *sp, const struct render_ctx *r, const char *dir,
                   int attempt)
{
    if (attempt <= 1) return 0;
    char *ck = slot_checkpoint(sp, r, dir);
    int ok = ck && (!*ck || access(ck, F_OK) == 0);
    free(ck);
    return ok;
}

/* The command of a trial: its resume command, or its command (with the
 * promotion arguments of a promoted trial). */
static char **trial_argv(const struct space *sp, const struct render_ctx *r, int resuming,
                         size_t *argc)
{
    char **argv = resuming ? render_command(r, sp->resume_command, sp->nresume_command, argc)
                           : render_argv(r, argc);
    if (!resuming && r->prev_dir && sp->npromote_args && !sp->shell) {
        /* a promoted trial continues from the rung before's checkpoint */
        size_t n2;
        char **more = render_command(r, sp->promote_args, sp->npromote_args, &n2);
        argv = xrealloc(argv, (*argc + n2 + 1) * sizeof *argv);
        memcpy(argv + *argc, more, (n2 + 1) * sizeof *argv);
        *argc += n2;
        free(more);
    }
    return argv;
}

/* The executor takes no trial now (a batch system's submit limit, its controller
 * unreachable): the trial waits, first in the queue, and nothing starts
 * for RUN_NOT_NOW_S. */
static int not_now(struct sched *s, long long id, const char *why, int again, struct err *e)
{
    char *r = xasprintf("waiting to be submitted: %s", why);
    int rc = store_begin(s->st, e) ||
             store_settle(s->st,
                          store_trial_unstart(s->st, id, r, e) ||
                              store_event(s->st, id, "not_submitted", why, e),
                          e);
    free(r);
    if (rc) return -1;
    queue_put(&s->queue, id, 1); /* first in line: it was next */
    if (again && !s->not_now_said) /* once until a submission succeeds */
        say(s, "trial %lld waits to be submitted: %s; again every %.0fs", id, why, RUN_NOT_NOW_S);
    s->not_now_said = 1;
    s->not_now_until = run_mono(s) + RUN_NOT_NOW_S;
    return 0;
}

/* The transaction after the start: its process (pid) or the executor's own
 * name for it (a batch job's id, so that a resume follows that job), or
 * that it failed to start. */
static int record_start(struct sched *s, struct slot *sl, int ok, const char *why, struct err *e)
{
    long long id = sl->id;
    if (store_begin(s->st, e)) return -1;
    char detail[64];
    int rc = 0;
    if (ok) s->not_now_said = 0;
    if (ok && sl->job.ref[0]) {
        snprintf(detail, sizeof detail, "%s %s", s->def->ref_word ? s->def->ref_word : "ref",
                 sl->job.ref);
        snprintf(sl->exec_state, sizeof sl->exec_state, "%s", sl->job.state);
        sl->job_waited = sl->job.waiting;
        /* an executor that starts (srun) had its "started" event already:
         * where it went is an event of its own */
        const char *kind = s->def->ref_event ? s->def->ref_event : "named";
        if (store_trial_set_ref(s->st, id, sl->job.ref, sl->job.state, e) ||
            store_event(s->st, id, kind, detail, e))
            rc = -1;
        snprintf(sl->ref_stored, sizeof sl->ref_stored, "%s", sl->job.ref);
    }
    /* a supervisor here (srun: beside its node) */
    if (ok && (sl->job.pid > 0 || !sl->job.ref[0])) {
        if (!rc && store_trial_set_pid(s->st, id, sl->job.pid, sl->job.pid_start, e)) rc = -1;
    } else if (!ok && (store_trial_end(s->st, id, TRIAL_FAILED, why, 0, 0, 0, run_now(s), e) ||
                       store_event(s->st, id, "failed", why, e))) {
        rc = -1;
    }
    return store_settle(s->st, rc, e) ? -1 : rc;
}

/* `sweep stop DIR N` named a trial before it started (a grid trial not
 * yet run, a pending one): it is recorded as stopped without running. 1
 * if it was, 0 if not asked, -1 on a store error. */
static int stopped_before_start(struct sched *s, long long id, const struct search_trial *nt,
                                struct err *e)
{
    if (!layout_stop_requested(s->o->dir, id)) return 0;
    static const char why[] = RUN_STOP_REASON ", before it ran";
    struct value *budget, *params = nt ? searcher_params(s->search, id, &budget) : NULL;
    struct sb pj;
    sb_init(&pj);
    if (params) value_json(&pj, params);
    int bad = store_begin(s->st, e) ||
              store_settle(s->st,
                           (nt && store_trial_add_rung(s->st, id, pj.buf, nt->rung, nt->parent, e)) ||
                               store_trial_end(s->st, id, TRIAL_STOPPED, why, 0, 0, 0, run_now(s), e) ||
                               store_event(s->st, id, "stopped", why, e),
                           e);
    sb_release(&pj);
    if (params) value_free(params), value_free(budget);
    if (bad) return -1;
    layout_stop_done(s->o->dir, id);
    s->counts[TRIAL_STOPPED]++;
    say(s, "trial %lld stopped before it ran (sweep stop)", id);
    return trial_ended(s, id, TRIAL_STOPPED, e) ? -1 : 1;
}

/* The trial's files, argv.json with its argv and environment. */
static int write_files(struct sched *s, const struct render_ctx *r, long long id, const char *dir,
                       const char *pj, char **argv, size_t argc, char **envp, const char *aj,
                       struct err *te)
{
    char *af = argv_file(s->sp, argv, argc, envp, s->o->cwd, aj);
    int rc = write_trial_files(s->sp, r, s->o->dir, id, dir, pj, af, argc, te);
    free(af);
    return rc;
}

/* The started event, with the row that says running: a sweep killed
 * before the next commit keeps it. */
static int event_started(struct sched *s, long long id, int attempt, struct err *e)
{
    char detail[32];
    snprintf(detail, sizeof detail, "attempt %d", attempt);
    return store_event(s->st, id, "started", detail, e);
}

/* "trial 3 started (pid 4242)", "trial 3 submitted again (job 17)" */
static void say_started(struct sched *s, const struct slot *sl, const char *again)
{
    if (sl->job.ref[0])
        say(s, "trial %lld %s%s (%s %s)", sl->id, s->def->started, again,
            s->def->ref_word ? s->def->ref_word : "ref", sl->job.ref);
    else if (!sl->job.pid) /* named later (a job array's task): said then */
        return;
    else say(s, "trial %lld started%s (pid %ld)", sl->id, again, (long)sl->job.pid);
}

/* Starts trial id: a new one from the searcher (nt), or one the store
 * holds (nt NULL: pending, promoted, or to run again); gi: its GPU (index
 * of the packed GPUs, -1 none), est: the memory reserved for it there. On a
 * failure that concerns only this trial, records it as failed and returns
 * 0; -1 is for store errors. */
/* The cores cpus.c picked for the trial being started, in r: 1, or 0 when
 * it is not pinned. */
static int picked_cpus(struct sched *s, struct render_ctx *r, struct cpuset *cpus, char *txt,
                       size_t n)
{
    int pinned = s->c.has_next;
    *cpus = s->c.next;
    s->c.has_next = 0;
    if (pinned) {
        cpuset_format(cpus, txt, n);
        r->cpus = txt;
        r->ncpus = cpuset_count(cpus);
    }
    return pinned;
}

/* What a trial on GPU gi is told, in r (and its id as text). */
static void placed_gpu(struct sched *s, struct render_ctx *r, int gi, double est, char *txt,
                       size_t n)
{
    r->gpu = gpu_id(s, gi);
    gpu_describe(s, gi, est, &r->gpu_total_mib, &r->gpu_mem_mib);
    mps_trial(s, r, est, r->gpu_total_mib);
    gpu_text(s, gi, txt, n); /* "3", or on an executor's machine "node7:3" */
}

static int start_trial(struct sched *s, long long id, const struct search_trial *nt, int gi,
                       double est, struct err *e)
{
    const struct space *sp = s->sp;
    struct slot *sl = free_slot(s);
    struct value *budget;
    struct value *params = searcher_params(s->search, id, &budget);
    int attempt = 1, is_new = nt != NULL;
    char *prev_dir = NULL; /* ${prev_trial_dir}: the rung before's trial */
    struct trial_row prev;
    if (!is_new && store_get_trial(s->st, id, &prev, NULL) == 1) {
        attempt = prev.attempts + 1;
        if (prev.parent >= 0) prev_dir = layout_trial_dir(s->o->dir, prev.parent);
        trial_row_release(&prev);
    }
    struct sb pj;
    sb_init(&pj);
    value_json(&pj, params);
    int rc = 0, ok;
    char **argv = NULL, **envp = NULL;
    char *aj = NULL;
    struct err te = {0};
    if (slot_setup(s, sl, id, params, e)) {
        rc = -1;
        goto out;
    }
    struct render_ctx r = {.sp = sp, .params = params, .id = id, .trial_dir = sl->dir,
                           .sweep_dir = s->o->dir, .budget = budget, .prev_dir = prev_dir,
                           .gpu = -1, .stage = machine_staged(s)};
    char gpu_txt[160] = "", cpus_txt[CPUSET_TEXT] = "";
    struct cpuset cpus;
    int pinned = picked_cpus(s, &r, &cpus, cpus_txt, sizeof cpus_txt);
    if (gi >= 0) placed_gpu(s, &r, gi, est, gpu_txt, sizeof gpu_txt);
    if (!pinned && sp->cpus > 0) r.ncpus = sp->cpus; /* an executor's: cores on its machine */
    int resuming = resumes(sp, &r, sl->dir, attempt);
    size_t argc;
    argv = trial_argv(sp, &r, resuming, &argc);
    envp = render_env(&r, environ);
    aj = argv_json(argv, argc);
    struct exec_job found; /* a start the executor was not sure of, which happened */
    int recovered = exec_recover(s->exec, id, sl->dir, &found); /* its files stay as they are */
    ok = recovered || write_files(s, &r, id, sl->dir, pj.buf, argv, argc, envp, aj, &te) == 0;
    if (!ok && layout_environmental(te.code)) { /* the sweep directory's, not the trial's */
        rc = err_set(e, "%.700s: the sweep directory cannot be written; stopping (the trial was "
                        "not started; `sweep resume` goes on once it can be)",
                     te.msg);
        goto out;
    }
    /* The trial is recorded before its supervisor starts: a sweep killed in
     * between leaves a running row that a resume resolves (the supervisor is
     * found by its command line, or the trial runs again), never a second
     * trial with the same number. */
    if (store_begin(s->st, e)) {
        rc = -1;
        goto out;
    }
    if (is_new && store_trial_add_rung(s->st, id, pj.buf, nt->rung, nt->parent, e)) rc = -1;
    if (!rc && attempt > 1 && !resuming) {
        if (store_trial_fresh(s->st, id, e)) rc = -1;
        else hist_clear(&s->hist, id); /* its old values are gone too */
    }
    if (!rc && resuming && store_event(s->st, id, "resumed", "from its checkpoint", e)) rc = -1;
    if (!rc && store_trial_start(s->st, id, aj, 0, 0, run_now(s), e)) rc = -1;
    if (!rc && event_started(s, id, attempt, e)) rc = -1;
    if (!rc && gi >= 0 && store_trial_gpu(s->st, id, gpu_txt, r.gpu_mem_mib, e)) rc = -1;
    if (!rc && pinned && store_trial_cpus(s->st, id, cpus_txt, e)) rc = -1;
    if (store_settle(s->st, rc, e)) rc = -1;
    if (rc) goto out;
    struct exec_spec spec = {.trial_dir = sl->dir, .cwd = s->o->cwd, .log = sl->log,
                             .argv = argv, .envp = envp, .trial = id,
                             .mem_mib = pack_estimate(sp, params, NULL),
                             .node = gi >= 0 ? gpu_node(s, gi) : NULL,
                             .ncpus = sp->cpus > 0 ? sp->cpus : 0};
    if (recovered) sl->job = found;
    else if (ok) ok = exec_start(s->exec, &spec, &sl->job, &te) == 0;
    if (!ok && (te.code == EAGAIN || te.code == ENXIO)) {
        slot_release(sl);
        rc = not_now(s, id, te.msg, te.code == EAGAIN, e);
        if (!rc && te.code == ENXIO) /* not the trial's fault, and no other would start */
            rc = err_set(e, "%.700s; stopping (trial %lld was not started: `sweep resume` goes on "
                            "once it can be)",
                         te.msg, id);
        goto out;
    }
    if (record_start(s, sl, ok, te.msg, e)) {
        rc = -1;
        goto out;
    }
    s->res->launched++;
    s->last_launch = run_mono(s);
    if (!ok) {
        s->counts[TRIAL_FAILED]++;
        say(s, "trial %lld failed to start: %s", id, te.msg);
        fail_fast(s, id, TRIAL_FAILED, te.msg);
        slot_release(sl);
        if (trial_ended(s, id, TRIAL_FAILED, e)) rc = -1; /* it may be the last of its rung */
        goto out;
    }
    sl->attempt = attempt;
    if (pinned) cpus_take(s, sl, &cpus);
    if (gi >= 0) {
        gpu_take(s, sl, gi, est);
        sl->kind = trial_kind(s, id);
    }
    watch_slot(s, sl);
    if (resuming) store_last_steps(s->st, id, init_steps_cb, sl->mp, NULL);
    s->running++;
    s->active++;
    s->counts[TRIAL_RUNNING]++;
    say_started(s, sl, resuming ? " again, from its checkpoint" : attempt > 1 ? " again" : "");
out:
    if (rc && sl && sl->used) slot_release(sl);
    render_free_strv(argv);
    render_free_strv(envp);
    free(aj);
    sb_release(&pj);
    value_free(params);
    value_free(budget);
    free(prev_dir);
    return rc;
}

static int launch(struct sched *s, long long id, const struct search_trial *nt, int gi,
                  double est, struct err *e)
{
    int before = stopped_before_start(s, id, nt, e);
    if (before) return before < 0 ? -1 : 0;
    fail_fast_started(s, id);
    return start_trial(s, id, nt, gi, est, e);
}

/* A new trial from the searcher, recorded as pending (GPU packing). */
static int add_pending(struct sched *s, const struct search_trial *t, struct err *e)
{
    struct value *budget;
    struct value *params = searcher_params(s->search, t->id, &budget);
    struct sb pj;
    sb_init(&pj);
    value_json(&pj, params);
    int rc = store_trial_add_rung(s->st, t->id, pj.buf, t->rung, t->parent, e);
    sb_release(&pj);
    value_free(params);
    value_free(budget);
    if (rc) return -1;
    queue_put(&s->queue, t->id, 0);
    s->counts[TRIAL_PENDING]++;
    return 0;
}

/* GPU packing keeps the trials to come as pending rows (up to a window), so
 * that any of them can start where it fits, biggest first, and a resume
 * finds them. */
static int materialize(struct sched *s, struct err *e)
{
    /* a learning method (bayes, evolve) suggests from the results so far:
     * only as many ahead as could start now, not a queue made blind */
    size_t window = gpu_window(s, searcher_learns(s->search));
    if (s->queue.n >= window || !searcher_more(s->search)) return 0;
    if (store_begin(s->st, e)) return -1;
    struct search_trial t;
    int rc = 0;
    while (!rc && s->queue.n < window && searcher_ask(s->search, &t) == 1) rc = add_pending(s, &t, e);
    return store_settle(s->st, rc, e);
}

/* The cores for the next trial (resources.cpus), kept for start_trial: 1,
 * or 0 when none are free now. */
static int pick_cpus(struct sched *s, double mem, char *text, size_t n)
{
    s->c.has_next = cpus_pick(s, mem, &s->c.next) == 0;
    s->c.blocked = !s->c.has_next;
    if (s->c.has_next) cpuset_format(&s->c.next, text, n);
    return s->c.has_next;
}

/* Without GPU packing: cores for trial id, reserved in the machine ledger
 * (no other sweep's trial has them): 1, or 0 when it waits. */
static int cpus_for(struct sched *s, long long id)
{
    if (!s->c.on) return 1;
    gpu_sync(s); /* what other sweeps hold now */
    char cpus[CPUSET_TEXT];
    if (!pick_cpus(s, -1, cpus, sizeof cpus)) return 0;
    if (gpu_reserve(s, id, -1, 0, cpus)) return 1;
    s->c.has_next = 0;
    s->c.blocked = 1; /* another sweep took them first */
    return 0;
}

static int room_for(void *ctx, double mib)
{
    return gpu_room_for(ctx, mib);
}

/* 1 when trial id runs in a slot. */
static int slot_running(const struct sched *s, long long id)
{
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i].used && s->slots[i].id == id) return 1;
    return 0;
}

/* 1 when trial id runs in a slot on a GPU. */
static int slot_on_gpu(const struct sched *s, long long id)
{
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i].used && s->slots[i].id == id && s->slots[i].g >= 0) return 1;
    return 0;
}

/* A trial that no GPU could ever hold fails now, with the numbers. */
static int never_fits(struct sched *s, long long id, double mem, struct err *e)
{
    char why[256];
    double limit = machine_limit_mib(s);
    if (limit > 0 && mem > limit)
        snprintf(why, sizeof why,
                 "needs %.1f GiB of GPU memory; the machine configuration lets this user's "
                 "trials hold %.1f GiB at once (max_memory)",
                 mem / 1024, limit / 1024);
    else
        snprintf(why, sizeof why,
                 "needs %.1f GiB of GPU memory; the largest GPU holds %.1f GiB (after headroom)",
                 mem / 1024, largest_capacity(s) / 1024);
    if (store_begin(s->st, e) ||
        store_settle(s->st,
                     store_trial_end(s->st, id, TRIAL_FAILED, why, 0, 0, 0, run_now(s), e) ||
                         store_event(s->st, id, "failed", why, e),
                     e))
        return -1;
    say(s, "trial %lld: %s", id, why);
    s->counts[TRIAL_PENDING]--;
    s->counts[TRIAL_FAILED]++;
    return trial_ended(s, id, TRIAL_FAILED, e);
}

/* Starts what fits: every pending trial, biggest estimate first, on the GPU
 * where it fits tightest; a trial that fits nowhere now waits while smaller
 * ones go, so that no GPU idles while something fits. */
static int launch_gpus(struct sched *s, struct err *e)
{
    if (s->stopping || s->target_reached) return 0;
    if (materialize(s, e)) return -1;
    gpu_sync(s); /* what other sweeps on the machine hold now */
    s->g.blocked_mib = 0;
    struct pack_job *c = xmalloc((s->queue.n + 1) * sizeof *c);
    char **kinds = xcalloc(s->queue.n + 1, sizeof *kinds); /* by queue order */
    int learn = s->sp->max_per_gpu_auto;
    size_t n = 0;
    for (size_t q = 0; q < s->queue.n; q++) {
        struct value *budget;
        struct value *params = searcher_params(s->search, s->queue.id[q], &budget);
        c[n++] = (struct pack_job){.id = s->queue.id[q],
                                   .mem = trial_estimate(s, s->queue.id[q], params,
                                                         learn ? &kinds[q] : NULL),
                                   .dur = pack_quantity(&s->sp->duration, params, NULL),
                                   .util = 1, .order = q, .gpu = -1};
        value_free(params);
        value_free(budget);
    }
    qsort(c, n, sizeof *c, pack_job_cmp);
    double now = run_mono(s);
    long long *started = xmalloc((n + 1) * sizeof *started);
    size_t nstarted = 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (s->active >= run_in_flight(s->sp) || !free_slot(s)) break;
        int gi = gpu_choose(s, c[i].mem, now, kinds[c[i].order]);
        char cpus[CPUSET_TEXT] = "";
        if (gi >= 0 && machine_yields(s, room_for, s)) gi = -1; /* fair share: theirs first */
        else if (gi >= 0 && !exec_room(s->exec, gpu_node(s, gi), s->sp->cpus))
            gi = -1; /* its machine's cores are taken (srun): it waits for one to end */
        else if (gi >= 0 && s->c.on && !pick_cpus(s, c[i].mem, cpus, sizeof cpus))
            gi = -1; /* no free cores: it waits like one without GPU memory */
        else if (gi >= 0 && !gpu_reserve(s, c[i].id, gi, c[i].mem, cpus)) {
            gpu_sync(s); /* another sweep was first: as it stands now */
            s->c.has_next = 0;
            gi = -1;
        }
        if (gi < 0) {
            if (!s->g.blocked_mib) s->g.blocked_mib = c[i].mem < 0 ? -1 : c[i].mem;
            double limit = machine_limit_mib(s);
            if (!gpu_never_fits(s, c[i].mem) && !(limit > 0 && c[i].mem > limit)) continue;
            started[nstarted++] = c[i].id;
            if (never_fits(s, c[i].id, c[i].mem, e)) rc = -1;
            continue;
        }
        started[nstarted++] = c[i].id;
        s->counts[TRIAL_PENDING]--;
        if (launch(s, c[i].id, NULL, gi, c[i].mem, e)) rc = -1;
        if (!slot_on_gpu(s, c[i].id)) machine_release(s, c[i].id); /* it did not start */
        else machine_started(s);
        now = run_mono(s);
    }
    /* take them out of the queue */
    for (size_t k = 0; k < nstarted; k++) queue_take(&s->queue, started[k]);
    for (size_t q = 0; q < n; q++) free(kinds[q]);
    free(kinds);
    free(started);
    free(c);
    return rc;
}

int launch_ready(struct sched *s, struct err *e)
{
    if (s->not_now_until && run_mono(s) < s->not_now_until) return 0;
    s->not_now_until = 0;
    if (s->g.on) return launch_gpus(s, e);
    while (more_to_launch(s) && s->active < run_in_flight(s->sp) && free_slot(s)) {
        if (s->sp->stagger > 0 && s->res->launched > 0 &&
            run_mono(s) < s->last_launch + s->sp->stagger)
            return 0;
        if (s->not_now_until) return 0; /* the executor takes none for a while */
        if (!exec_room(s->exec, NULL, s->sp->cpus)) return 0; /* until a trial ends */
        if (s->queue.n) {
            if (!cpus_for(s, s->queue.id[0])) return 0;
            long long id = queue_remove(&s->queue, 0);
            if (launch(s, id, NULL, -1, -1, e)) return -1;
            if (s->c.on && !slot_running(s, id)) machine_release(s, id); /* it did not start */
            continue;
        }
        struct search_trial t;
        if (searcher_ask(s->search, &t) != 1) return 0;
        if (!cpus_for(s, t.id)) /* no free cores: it waits, as a pending row */
            return store_begin(s->st, e) || store_settle(s->st, add_pending(s, &t, e), e) ? -1 : 0;
        if (launch(s, t.id, &t, -1, -1, e)) return -1;
        if (s->c.on && !slot_running(s, t.id)) machine_release(s, t.id);
    }
    return 0;
}
