/* supervisor.c - sweep-supervisor, the per-trial supervisor.
 *
 *   sweep-supervisor TRIAL_DIR CWD -- TRAINER [ARGS...]
 *   sweep-supervisor --batch-job SCRIPT TRIAL_DIR CWD -- TRAINER [ARGS...]
 *   sweep-supervisor --array-job SCRIPT ARRAY_DIR
 *
 * The second form is a Slurm job's: its batch script's #! line names the
 * supervisor with --batch-job (earlier versions wrote --NAME-job: the
 * same), so the kernel adds the script's path
 * (slurm.c); the job then exits as the trainer did, so that Slurm's own
 * state (COMPLETED, FAILED) agrees with exit.json. The third is a task of
 * a job array (slurm.array): task I reads ARRAY_DIR/I.task (proc.h:
 * the trial's environment, directory, cwd and argv) and goes on as the
 * second; I is SLURM_ARRAY_TASK_ID.
 *
 * sweep starts one per trial, in a session of its own, with the trial's
 * environment and its log file as stdout and stderr. It starts the trainer
 * in CWD, in a process group of its own, writes the trainer's pid to
 * TRIAL_DIR/trainer.pid, waits for it, and writes how it ended to
 * TRIAL_DIR/exit.json (a temp file, then rename). It outlives sweep, so a
 * sweep that did not start a trial still learns how it ended. SIGTERM,
 * SIGINT, SIGHUP, SIGQUIT and SIGUSR2 are passed on to the trainer's group;
 * SIGUSR1 becomes SIGKILL of that group (in a Slurm job, where it is the
 * user's --signal warning, it is passed on too). It is small and links only libc, so that
 * starting it costs little (docs/benchmarks.md). */
#include "sweep/exec/task_job.h"
#include "base/cpuset.h"
#include "base/err.h"
#include "base/json.h"
#include "sweep/exec/proc.h"
#include "base/spawn.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void write_exit(const char *dir, pid_t child, int status, const char *error,
                       double started, int leftovers)
{
    struct sb b;
    sb_init(&b);
    sb_addf(&b, "{\"pid\": %ld, ", (long)child);
    if (error) {
        sb_add(&b, "\"code\": 127, \"signal\": null, \"core\": false, \"error\": ");
        json_quote(&b, error);
    } else if (WIFEXITED(status)) {
        sb_addf(&b, "\"code\": %d, \"signal\": null, \"core\": false, \"error\": null",
                WEXITSTATUS(status));
    } else {
        sb_addf(&b, "\"code\": null, \"signal\": %d, \"core\": %s, \"error\": null",
                WTERMSIG(status), WCOREDUMP(status) ? "true" : "false");
    }
    sb_addf(&b, ", \"leftovers\": %d, \"started\": ", leftovers);
    json_num(&b, started);
    sb_add(&b, ", \"ended\": ");
    json_num(&b, util_now());
    sb_add(&b, "}\n");
    char *path = xasprintf("%s/exit.json", dir);
    struct err e = {0};
    if (util_write_atomic(path, b.buf, b.len, &e) != 0)
        fprintf(stderr, "sweep supervisor: %s\n", e.msg);
    free(path);
    sb_release(&b);
}

/* Processes the trainer left behind: its process group, and those that
 * left the group (a double fork and setsid) but carry the trial's
 * environment. They would hold GPU memory and files after the trial; they
 * get SIGTERM, then SIGKILL. Returns how many there were. */
static int stop_leftovers(const char *dir, pid_t group)
{
    /* what a signal to the group already killed may still be dying: a moment
     * (none at all when the group is already empty) before counting */
    for (int i = 0; i < 10 && kill(-group, 0) == 0; i++) {
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
    }
    pid_t self = getpid();
    int found = 0, again = 1, nseen = 0;
    long seen[64]; /* signalled in the first look (a second look counts the others) */
    for (int round = 0; round < 2; round++) {
        int sig = round ? SIGKILL : SIGTERM, here = 0, unsure = 0;
        DIR *d = opendir("/proc");
        struct dirent *de;
        while (d && (de = readdir(d))) {
            char *end;
            long pid = strtol(de->d_name, &end, 10);
            if (*end || pid <= 1 || pid == self || proc_start_time((pid_t)pid) < 0) continue;
            if (getpgid((pid_t)pid) != group && !proc_has_env((pid_t)pid, dir)) {
                unsure += round == 0 && proc_env_unsure((pid_t)pid);
                continue;
            }
            kill((pid_t)pid, sig);
            int known = 0;
            for (int k = 0; k < nseen; k++) known |= seen[k] == pid;
            if (round == 0 && !known && nseen < 64) seen[nseen++] = pid;
            here += !(round == 0 && known);
        }
        if (d) closedir(d);
        if (unsure && again) { /* one mid-exec (a leftover escaping with setsid and exec): once
                                  more in a moment */
            again = 0;
            found += here;
            struct timespec ts = {0, 20000000};
            nanosleep(&ts, NULL);
            round--;
            continue;
        }
        if (round == 0) { /* with the first look's, when it was looked at twice */
            found += here;
            here = found;
        }
        if (!here) break;
        /* a moment to exit cleanly before SIGKILL */
        for (int i = 0; i < 20 && kill(-group, 0) == 0; i++) {
            struct timespec ts = {0, 50000000};
            nanosleep(&ts, NULL);
        }
    }
    return found;
}

/* Starts the trainer: fork, then in the child a process group of its own,
 * PR_SET_PDEATHSIG (SIGKILL the moment the supervisor dies: a trainer never
 * runs on beside a retry of its trial), default signals and an empty mask,
 * exec. An exec failure comes back through a CLOEXEC pipe (EOF: the exec
 * succeeded). 0, or the errno of the failure. */
static int start_trainer(char *const targv[], pid_t *child)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return errno;
    pid_t self = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int er = errno;
        close(fds[0]);
        close(fds[1]);
        return er;
    }
    if (pid == 0) {
        close(fds[0]);
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != self) _exit(127); /* the supervisor died before the prctl */
        sigset_t dfl, none;
        spawn_default_signals(&dfl);
        for (int sig = 1; sig < NSIG; sig++)
            if (sigismember(&dfl, sig) == 1) signal(sig, SIG_DFL);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execvp(targv[0], targv);
        int er = errno;
        ssize_t w = write(fds[1], &er, sizeof er);
        (void)w;
        _exit(127);
    }
    close(fds[1]);
    setpgid(pid, pid); /* both sides: the group exists before either goes on */
    int er = 0;
    ssize_t n;
    while ((n = read(fds[0], &er, sizeof er)) < 0 && errno == EINTR) {
    }
    close(fds[0]);
    if (n == (ssize_t)sizeof er) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
        return er;
    }
    *child = pid;
    return 0;
}

/* Waits for the trainer and records how it ended; the exit status: 0, or
 * with as_job the trainer's own (128 + its signal). */
/* resources.cpus: the trial's cores (SWEEP_TRIAL_CPUS, "0-3"), for the
 * supervisor and so the trainer and all it starts. Said in the log when it
 * cannot be done; the trial runs unpinned then. */
static void pin(void)
{
    const char *list = getenv("SWEEP_TRIAL_CPUS");
    struct cpuset set;
    if (!list || !*list) return;
    if (cpuset_parse(list, &set) || !cpuset_count(&set)) {
        fprintf(stderr, "sweep: SWEEP_TRIAL_CPUS=%.100s is not a CPU list; not pinned\n", list);
        return;
    }
    cpu_set_t cs;
    CPU_ZERO(&cs);
    for (int c = 0; c < CPUSET_MAX && c < CPU_SETSIZE; c++)
        if (cpuset_has(&set, c)) CPU_SET(c, &cs);
    if (sched_setaffinity(0, sizeof cs, &cs) != 0)
        fprintf(stderr, "sweep: cannot pin the trial to CPUs %.100s: %s; not pinned\n", list,
                strerror(errno));
}

static int supervise(const char *dir, const char *cwd, char *const targv[], int as_job)
{
    double started = util_now();
    /* Signals are taken synchronously (sigwaitinfo), so none can slip in
     * between two checks. The trainer starts with an empty mask and default
     * handlers, in a process group of its own: a signal for the trial goes
     * to that group, and the supervisor stays to record the end. */
    sigset_t wait_set;
    proc_supervisor_signals(&wait_set);
    sigprocmask(SIG_SETMASK, &wait_set, NULL); /* sweep started us so; be sure */

    if (chdir(cwd) != 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "cannot enter %s: %s", cwd, strerror(errno));
        fprintf(stderr, "sweep: %s\n", msg);
        write_exit(dir, 0, 0, msg, started, 0);
        return as_job ? 127 : 0;
    }
    pin();
    pid_t child = 0;
    int rc = start_trainer(targv, &child);
    if (rc != 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "cannot run '%s': %s", targv[0], strerror(rc));
        fprintf(stderr, "sweep: %s\n", msg);
        write_exit(dir, 0, 0, msg, started, 0);
        return as_job ? 127 : 0;
    }
    /* so that sweep can signal the trainer's group directly; no rename
     * needed: a reader that finds it empty signals the supervisor instead */
    char *pidfile = xasprintf("%s/trainer.pid", dir), line[48];
    int n = snprintf(line, sizeof line, "%ld %lld\n", (long)child, proc_start_time(child));
    int fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        if (write(fd, line, (size_t)n) != n) unlink(pidfile);
        close(fd);
    }
    free(pidfile);

    int status = 0;
    for (;;) {
        pid_t w = waitpid(child, &status, WNOHANG);
        if (w == child) break;
        if (w < 0 && errno != EINTR) {
            char msg[300];
            snprintf(msg, sizeof msg, "waitpid: %s", strerror(errno));
            write_exit(dir, child, 0, msg, started, 0);
            return 1;
        }
        siginfo_t si;
        int sig = sigwaitinfo(&wait_set, &si);
        if (sig < 0 || sig == SIGCHLD) continue;
        /* SIGUSR1 from sweep asks for SIGKILL of the trainer's group; in a
         * Slurm job sweep never sends it (it uses scancel), and a USR1 or
         * USR2 there is the user's --signal=B:SIG@T warning: passed on */
        kill(-child, sig == SIGUSR1 && !as_job ? SIGKILL : sig);
    }
    int left = stop_leftovers(dir, child);
    write_exit(dir, child, status, NULL, started, left);
    if (!as_job) return 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --batch-job, or a batch script written by an older sweep: --NAME-job. */
static int is_job_flag(const char *a)
{
    size_t n = strlen(a);
    return !strcmp(a, "--batch-job") ||
           (n > 6 && !strncmp(a, "--", 2) && !strcmp(a + n - 4, "-job") &&
            strspn(a + 2, "abcdefghijklmnopqrstuvwxyz") == n - 6);
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--array-job")) return task_job_exec(argv[2], argv[3]);
    int as_job = argc > 1 && is_job_flag(argv[1]);
    if (as_job) { /* --batch-job SCRIPT: the rest as below */
        argc -= 2;
        argv += 2;
    }
    if (argc < 5 || strcmp(argv[3], "--")) {
        fprintf(stderr, "usage: sweep-supervisor TRIAL_DIR CWD -- TRAINER [ARGS...]\n"
                        "(started by sweep run, one per trial)\n");
        return 2;
    }
    util_ensure_stdio();
    return supervise(argv[1], argv[2], argv + 4, as_job);
}
