/* mps.c - NVIDIA's Multi-Process Service for trials that share a GPU
 * (resources.share: mps, docs/config.md): the sweep runs its own MPS
 * control daemon, its pipe and log directories under DIR/mps, and each
 * trial is told to use it (CUDA_MPS_PIPE_DIRECTORY) with an active-thread
 * percentage from its share of the GPU. The daemon runs in a session of its
 * own, so that it outlives a sweep killed with its trials still running; a
 * resumed sweep takes it over, proven by pid, start time and program (as
 * trials are); it is told to quit when the sweep ends with no trial
 * running. Where MPS cannot run - no control program, a GPU in MIG mode or
 * in a compute mode that forbids it - the sweep does not start, saying
 * why. */
#include "sweep/run/run_int.h"
#include "search/render.h"
#include "search/space.h"
#include "store/store.h"
#include "sweep/exec/proc.h"
#include "base/err.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MPS_CONTROL "nvidia-cuda-mps-control"
#define MPS_WAIT_S 10.0 /* for the daemon to start, or to quit */

static void nap(void)
{
    struct timespec ts = {0, 50000000};
    nanosleep(&ts, NULL);
}

/* MIG or a compute mode without MPS on one of our GPUs: -1 with e. */
static int check_gpus(struct sched *s, struct err *e)
{
    char *const argv[] = {"nvidia-smi", "--query-gpu=index,mig.mode.current,compute_mode",
                          "--format=csv,noheader", NULL};
    char *out = NULL;
    int status = 0;
    struct err se = {0};
    if (spawn_run(argv, NULL, RUN_SMI_TIMEOUT_S, &out, &status, &se) || status != 0) {
        err_usage(e, "resources.share: mps: cannot tell whether MPS can run here: nvidia-smi %s",
                  se.msg[0] ? se.msg : "failed");
        free(out);
        return -1;
    }
    int rc = 0;
    for (char *line = out, *next; line && *line && !rc; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        int idx;
        char mig[32] = "", mode[32] = "";
        char id[16];
        if (sscanf(line, "%d, %31[^,], %31[^\r\n]", &idx, mig, mode) != 3) continue;
        snprintf(id, sizeof id, "%d", idx);
        if (gpu_index(s, id) < 0) continue; /* not one of ours */
        if (!strcmp(mig, "Enabled"))
            rc = err_usage(e, "resources.share: mps: GPU %d is in MIG mode (its instances are "
                              "partitions already; sweep does not run MPS on them): remove "
                              "share: mps, or disable MIG (nvidia-smi -i %d -mig 0)",
                           idx, idx);
        else if (!strcmp(mode, "Prohibited") || !strcmp(mode, "Exclusive_Thread"))
            rc = err_usage(e, "resources.share: mps: GPU %d's compute mode is %s, where MPS "
                              "cannot run (Default or Exclusive_Process can: nvidia-smi -i %d -c "
                              "DEFAULT)",
                           idx, mode, idx);
    }
    free(out);
    return rc;
}

/* The daemon recorded in DIR/mps/control.pid, if it still runs: proven
 * by its start time and its program. */
static int recorded_daemon(struct sched *s)
{
    FILE *f = fopen(s->mps.pidfile, "r");
    long pid = 0;
    long long start = 0;
    int ok = f && fscanf(f, "%ld %lld", &pid, &start) == 2;
    if (f) fclose(f);
    if (!ok || !proc_alive((pid_t)pid, start)) return 0;
    char path[64], exe[256] = "";
    snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
    FILE *c = fopen(path, "r");
    size_t n = c ? fread(exe, 1, sizeof exe - 1, c) : 0;
    if (c) fclose(c);
    exe[n] = '\0';
    /* the program, or the script an interpreter runs (its next argument) */
    int ours = 0;
    for (size_t at = 0, k = 0; at < n && k < 2 && !ours; at += strlen(exe + at) + 1, k++) {
        const char *base = strrchr(exe + at, '/');
        ours = !strcmp(base ? base + 1 : exe + at, MPS_CONTROL);
    }
    if (!ours) return 0;
    s->mps.pid = pid;
    s->mps.start = start;
    return 1;
}

/* The daemon's environment: ours, with its directories, CUDA's indices as
 * nvidia-smi's, and every GPU visible (the trials choose theirs). */
static char **daemon_env(const struct sched *s)
{
    size_t n = 0;
    while (environ[n]) n++;
    char **env = xcalloc(n + 4, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "CUDA_MPS_", 9) && strncmp(environ[i], "CUDA_VISIBLE_DEVICES=", 21) &&
            strncmp(environ[i], "CUDA_DEVICE_ORDER=", 18))
            env[k++] = environ[i];
    env[k++] = xasprintf("CUDA_MPS_PIPE_DIRECTORY=%s", s->mps.pipe);
    env[k++] = xasprintf("CUDA_MPS_LOG_DIRECTORY=%s", s->mps.log);
    env[k++] = xstrdup("CUDA_DEVICE_ORDER=PCI_BUS_ID");
    env[k] = NULL;
    return env;
}

static void free_env(char **env)
{
    size_t n = 0;
    while (env[n]) n++;
    for (size_t i = n - 3; i < n; i++) free(env[i]);
    free(env);
}

/* Starts prog with args in a session of its own, stdin from in (NULL:
 * /dev/null), its output to the log directory's daemon.out: a grandchild,
 * so that nothing of ours waits for it. Its pid, or -1. */
static long start_detached(const struct sched *s, char *const argv[], const char *in)
{
    char **env = daemon_env(s);
    char *out = xasprintf("%s/daemon.out", s->mps.log);
    int fds[2];
    long pid = -1;
    if (pipe2(fds, O_CLOEXEC) == 0) {
        pid_t child = fork();
        if (child == 0) {
            setsid();
            pid_t g = fork();
            if (g == 0) {
                int i = open(in ? in : "/dev/null", O_RDONLY | O_CLOEXEC);
                int o = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
                if (i >= 0) dup2(i, 0);
                if (o >= 0) dup2(o, 1), dup2(o, 2);
                sigset_t none;
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                execve(argv[0], argv, env);
                _exit(127);
            }
            long gp = g;
            ssize_t w = write(fds[1], &gp, sizeof gp);
            _exit(w == (ssize_t)sizeof gp ? 0 : 1);
        }
        close(fds[1]);
        if (child > 0) {
            if (read(fds[0], &pid, sizeof pid) != (ssize_t)sizeof pid) pid = -1;
            while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
            }
        }
        close(fds[0]);
    }
    free(out);
    free_env(env);
    return pid;
}

static int start_daemon(struct sched *s, const char *prog, struct err *e)
{
    char *const argv[] = {(char *)prog, "-f", NULL};
    char *control = xasprintf("%s/control", s->mps.pipe);
    unlink(control); /* a daemon killed with the machine left it */
    long pid = start_detached(s, argv, NULL);
    if (pid <= 0) {
        free(control);
        return err_errno(e, "resources.share: mps: cannot start %s", prog);
    }
    struct stat st;
    long long born = proc_start_time((pid_t)pid); /* its identity, from now on */
    double until = util_mono() + MPS_WAIT_S;
    while (stat(control, &st) != 0 && util_mono() < until && proc_alive((pid_t)pid, born)) nap();
    nap(); /* one that makes its pipe and dies at once is not up */
    int up = stat(control, &st) == 0 && proc_alive((pid_t)pid, born);
    free(control);
    if (!up) {
        if (proc_alive((pid_t)pid, born)) kill((pid_t)pid, SIGKILL);
        return err_usage(e, "resources.share: mps: the MPS control daemon did not start (%s/daemon.out "
                            "and control.log say why)",
                         s->mps.log);
    }
    s->mps.pid = pid;
    s->mps.start = born;
    FILE *f = fopen(s->mps.pidfile, "w");
    if (f) {
        fprintf(f, "%ld %lld\n", s->mps.pid, s->mps.start);
        fclose(f);
    }
    say(s, "MPS: control daemon started (pid %ld; pipe %s)", pid, s->mps.pipe);
    store_event(s->st, -1, "mps_started", s->mps.pipe, NULL);
    return 0;
}

int mps_setup(struct sched *s, struct err *e)
{
    if (!s->sp->share_mps || !s->g.on) return 0;
    char *prog = util_which(MPS_CONTROL, getenv("PATH"), s->o->cwd);
    if (!prog)
        return err_usage(e, "resources.share: mps: %s is not on PATH (NVIDIA's MPS comes with the "
                            "driver's utilities); remove share: mps to run without it",
                         MPS_CONTROL);
    int rc = check_gpus(s, e);
    char *top = xasprintf("%s/mps", s->o->dir);
    s->mps.pipe = xasprintf("%s/pipe", top);
    s->mps.log = xasprintf("%s/log", top);
    s->mps.pidfile = xasprintf("%s/control.pid", top);
    s->mps.prog = prog;
    if (!rc && ((mkdir(top, 0700) && errno != EEXIST) || (mkdir(s->mps.pipe, 0700) && errno != EEXIST) ||
                (mkdir(s->mps.log, 0700) && errno != EEXIST)))
        rc = err_errno(e, "resources.share: mps: %s", top);
    free(top);
    if (rc) return -1;
    s->mps.on = 1;
    if (recorded_daemon(s)) { /* a resume: the daemon of the sweep before */
        say(s, "MPS: the control daemon of the sweep before still runs (pid %ld): used again",
            s->mps.pid);
        return 0;
    }
    return start_daemon(s, prog, e);
}

void mps_trial(const struct sched *s, struct render_ctx *r, double est, double capacity)
{
    if (!s->mps.on) return;
    r->mps_pipe = s->mps.pipe;
    r->mps_log = s->mps.log;
    /* its share of the GPU's memory, as a share of its compute: at least 10 % */
    double pct = est < 0 || capacity <= 0 ? 100 : ceil(100 * est / capacity);
    r->mps_pct = pct < 10 ? 10 : pct > 100 ? 100 : (int)pct;
}

void mps_teardown(struct sched *s)
{
    if (s->mps.on && s->running == 0 && s->mps.pid > 0) {
        /* echo quit | nvidia-cuda-mps-control, then wait for it to go */
        char *quit = xasprintf("%s/quit", s->mps.log);
        FILE *f = fopen(quit, "w");
        if (f) {
            fputs("quit\n", f);
            fclose(f);
        }
        char *const argv[] = {s->mps.prog, NULL};
        start_detached(s, argv, quit);
        double until = util_mono() + MPS_WAIT_S;
        while (proc_alive((pid_t)s->mps.pid, s->mps.start) && util_mono() < until) nap();
        if (proc_alive((pid_t)s->mps.pid, s->mps.start)) /* proven ours: it is gone */
            kill((pid_t)s->mps.pid, SIGTERM);
        unlink(s->mps.pidfile);
        unlink(quit);
        free(quit);
        say(s, "MPS: control daemon stopped");
        store_event(s->st, -1, "mps_stopped", NULL, NULL);
    }
    free(s->mps.pipe);
    free(s->mps.log);
    free(s->mps.pidfile);
    free(s->mps.prog);
    memset(&s->mps, 0, sizeof s->mps);
}
