/* fake_exec.c - the fake executor and clock of fake_exec.h. */
#include "tests/fake_exec.h"
#include "base/err.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FAKE_EPOCH 1.8e9 /* a wall time far from now: the store's times are the clock's */
#define FAKE_PID0 3000000

static double clk_mono(void *ctx)
{
    return *((struct fake_clock *)ctx)->t;
}

static double clk_now(void *ctx)
{
    struct fake_clock *c = ctx;
    return c->epoch + *c->t;
}

static void clk_pass(void *ctx, double seconds)
{
    struct fake_clock *c = ctx;
    *c->t += seconds;
    c->passes++;
}

void fake_clock_init(struct fake_clock *c)
{
    void *m = mmap(NULL, sizeof(double), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) abort();
    c->t = m;
    *c->t = 100.0;
    c->epoch = FAKE_EPOCH;
    c->passes = 0;
    c->rc = (struct run_clock){.mono = clk_mono, .now = clk_now, .pass = clk_pass, .ctx = c};
}

void fake_clock_release(struct fake_clock *c)
{
    munmap(c->t, sizeof(double));
}

static char **copy_strv(char *const *v)
{
    size_t n = 0;
    while (v && v[n]) n++;
    char **c = xcalloc(n + 1, sizeof *c);
    for (size_t i = 0; i < n; i++) c[i] = xstrdup(v[i]);
    return c;
}

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++) free(v[i]);
    free(v);
}

static struct fake_job *by_pid(struct fake *f, pid_t pid)
{
    for (size_t i = 0; i < f->njobs; i++)
        if (f->jobs[i].pid == pid) return &f->jobs[i];
    return NULL;
}

static struct fake_job *add_job(struct fake *f, long long trial, const char *dir, const char *log)
{
    f->jobs = xrealloc(f->jobs, (f->njobs + 1) * sizeof *f->jobs);
    struct fake_job *j = &f->jobs[f->njobs];
    memset(j, 0, sizeof *j);
    j->trial = trial;
    j->start_no = fake_starts(f, trial) + 1;
    j->pid = (pid_t)(FAKE_PID0 + f->njobs);
    j->dir = xstrdup(dir);
    j->log = log ? xstrdup(log) : xasprintf("%s/stdout.log", dir);
    j->started = *f->clk->t;
    f->njobs++;
    return j;
}

static int fake_start(struct executor *x, const struct exec_spec *s, struct exec_job *ej,
                      struct err *e)
{
    struct fake *f = (struct fake *)x;
    if (f->refuse) {
        int code = f->refuse;
        f->refuse = 0;
        f->refusals++;
        err_set(e, "the fake executor refuses (%s)", code == EAGAIN ? "not now" : "never");
        e->code = code;
        return -1;
    }
    struct fake_job *j = add_job(f, s->trial, s->trial_dir, s->log);
    j->argv = copy_strv(s->argv);
    j->envp = copy_strv(s->envp);
    int fd = open(j->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
    *ej = (struct exec_job){.pid = j->pid, .pid_start = 1, .fd = -1};
    if (f->batch) {
        j->queued = 1;
        snprintf(ej->ref, sizeof ej->ref, "%ld", (long)j->pid);
        snprintf(ej->state, sizeof ej->state, "PENDING");
        ej->waiting = 1;
        ej->adopted = 1; /* not our child */
    }
    return 0;
}

static int fake_reap(struct executor *x, struct exec_job *ej)
{
    struct fake_job *j = by_pid((struct fake *)x, ej->pid);
    if (j && ej->ref[0]) { /* how the queue shows it */
        snprintf(ej->state, sizeof ej->state, "%s", j->queued ? "PENDING" : "RUNNING");
        ej->waiting = j->queued;
    }
    if (j && j->state != FAKE_RUNNING) {
        ej->end = j->end;
        snprintf(ej->why, sizeof ej->why, "%s", j->why);
    }
    return !j || j->state != FAKE_RUNNING;
}

static struct fake_job *running_in(struct fake *f, const char *dir)
{
    for (size_t i = f->njobs; i-- > 0;)
        if (f->jobs[i].state == FAKE_RUNNING && !strcmp(f->jobs[i].dir, dir)) return &f->jobs[i];
    return NULL;
}

static int fake_stop(struct executor *x, const char *trial_dir, const struct exec_job *ej, int sig)
{
    (void)ej;
    struct fake *f = (struct fake *)x;
    struct fake_job *j = running_in(f, trial_dir);
    if (!j) {
        errno = ESRCH;
        return -1;
    }
    if (sig == SIGTERM) j->terms++;
    if (sig == SIGKILL || !j->stubborn) fake_killed(f, j, sig);
    return 0;
}

static int has_record(const char *dir)
{
    char *p = xasprintf("%s/exit.json", dir);
    int there = access(p, F_OK) == 0;
    free(p);
    return there;
}

/* What an adopted job runs: the argv the loop wrote to argv.json (a real
 * trainer's command line, as /proc shows it). */
static char **read_argv(const char *dir)
{
    char *path = xasprintf("%s/argv.json", dir);
    size_t len;
    struct err e = {0};
    char *text = util_read_file(path, &len, &e);
    free(path);
    struct value *v = text ? json_parse(text, len, &e) : NULL;
    free(text);
    const struct value *a = v ? value_map_get(v, "argv") : NULL;
    size_t n = a && a->kind == V_LIST ? a->u.list.n : 0;
    char **out = xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = xstrdup(a->u.list.v[i]->kind == V_STR ? a->u.list.v[i]->u.s : "");
    value_free(v);
    return out;
}

static enum exec_found fake_adopt(struct executor *x, const struct exec_record *r,
                                  struct exec_job *ej)
{
    struct fake *f = (struct fake *)x;
    struct fake_job *j = fake_latest(f, r->trial);
    if (has_record(r->trial_dir)) return EXEC_ENDED;
    if (!j && f->adopt_alive) { /* started by a sweep process that crashed */
        j = add_job(f, r->trial, r->trial_dir, NULL);
        j->adopted = 1;
        j->argv = read_argv(r->trial_dir);
    }
    if (!j || j->state != FAKE_RUNNING) return EXEC_GONE;
    *ej = (struct exec_job){.pid = j->pid, .pid_start = 1, .fd = -1, .adopted = 1};
    return EXEC_ALIVE;
}

static pid_t fake_group(struct executor *x, const char *trial_dir)
{
    (void)x;
    (void)trial_dir;
    return 0;
}

static int fake_poll(struct executor *x, struct err *e)
{
    (void)e;
    struct fake *f = (struct fake *)x;
    for (size_t i = 0; i < f->njobs; i++)
        if (f->jobs[i].state == FAKE_RUNNING)
            f->play(f, &f->jobs[i], f->jobs[i].queued ? -1 : *f->clk->t - f->jobs[i].started,
                    f->ctx);
    return 0;
}

static double fake_wake(struct executor *x)
{
    return ((struct fake *)x)->step;
}

static const struct exec_ops fake_ops = {
    .name = "fake", .start = fake_start, .reap = fake_reap, .stop = fake_stop,
    .adopt = fake_adopt, .group = fake_group, .poll = fake_poll, .wake = fake_wake};

struct fake *fake_new(struct fake_clock *c, fake_play play, void *ctx)
{
    struct fake *f = xcalloc(1, sizeof *f);
    f->x.ops = &fake_ops;
    f->clk = c;
    f->play = play;
    f->ctx = ctx;
    f->step = 1.0;
    return f;
}

void fake_free(struct fake *f)
{
    for (size_t i = 0; i < f->njobs; i++) {
        free(f->jobs[i].dir);
        free(f->jobs[i].log);
        free_strv(f->jobs[i].argv);
        free_strv(f->jobs[i].envp);
    }
    free(f->jobs);
    free(f);
}

void fake_log(struct fake_job *j, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    FILE *fp = fopen(j->log, "a");
    if (!fp) abort();
    fprintf(fp, "%s\n", line);
    fclose(fp);
    j->lines++;
}

/* exit.json as sweep-supervisor writes it: a temp file, then rename. */
static void write_exit(struct fake *f, struct fake_job *j, int code, int sig)
{
    struct sb b;
    sb_init(&b);
    sb_addf(&b, "{\"pid\": %ld, ", (long)j->pid);
    if (sig) sb_addf(&b, "\"code\": null, \"signal\": %d", sig);
    else sb_addf(&b, "\"code\": %d, \"signal\": null", code);
    sb_add(&b, ", \"core\": false, \"error\": null, \"leftovers\": 0, \"started\": ");
    json_num(&b, f->clk->epoch + j->started);
    sb_add(&b, ", \"ended\": ");
    json_num(&b, f->clk->epoch + *f->clk->t);
    sb_add(&b, "}\n");
    char *tmp = xasprintf("%s/exit.json.tmp", j->dir), *path = xasprintf("%s/exit.json", j->dir);
    FILE *fp = fopen(tmp, "w");
    if (!fp || fputs(b.buf, fp) < 0 || fclose(fp) != 0 || rename(tmp, path) != 0) abort();
    free(tmp);
    free(path);
    sb_release(&b);
    j->state = FAKE_ENDED;
}

void fake_exit(struct fake *f, struct fake_job *j, int code)
{
    write_exit(f, j, code, 0);
}

void fake_killed(struct fake *f, struct fake_job *j, int sig)
{
    write_exit(f, j, 0, sig);
}

void fake_lose(struct fake_job *j)
{
    j->state = FAKE_LOST;
}

void fake_lost_machine(struct fake_job *j, const char *why)
{
    j->state = FAKE_LOST;
    j->end = EXEC_END_REQUEUE;
    snprintf(j->why, sizeof j->why, "%s", why);
}

void fake_run(struct fake *f, struct fake_job *j)
{
    j->queued = 0;
    j->started = *f->clk->t;
}

const char *fake_env(const struct fake_job *j, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; j->envp && j->envp[i]; i++)
        if (!strncmp(j->envp[i], name, n) && j->envp[i][n] == '=') return j->envp[i] + n + 1;
    return NULL;
}

int fake_starts(const struct fake *f, long long trial)
{
    int n = 0;
    for (size_t i = 0; i < f->njobs; i++)
        if (f->jobs[i].trial == trial) n++;
    return n;
}

struct fake_job *fake_latest(struct fake *f, long long trial)
{
    for (size_t i = f->njobs; i-- > 0;)
        if (f->jobs[i].trial == trial) return &f->jobs[i];
    return NULL;
}
