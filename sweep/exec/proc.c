/* proc.c - the per-trial supervisor and process-group control. */
#include "sweep/exec/proc.h"
#include "base/value.h"
#include "base/err.h"
#include "base/json.h"
#include "base/spawn.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

void proc_supervisor_signals(sigset_t *set)
{
    sigemptyset(set);
    int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < ARRAY_LEN(sigs); i++) sigaddset(set, sigs[i]);
}

/* The supervisor executable: next to this binary (build tree or install). */
const char *proc_supervisor_path(void)
{
    static char path[4096];
    if (path[0]) return path;
    char self[4000];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return "sweep-supervisor"; /* then PATH decides */
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    *slash = '\0';
    snprintf(path, sizeof path, "%s/sweep-supervisor", self);
    return path;
}

int proc_start(const char *trial_dir, const char *cwd, const char *log_path,
               char *const argv[], char *const envp[], pid_t *pid, struct err *e)
{
    int logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logfd < 0) return err_errno(e, "open %s", log_path);
    size_t n = 0;
    while (argv[n]) n++;
    char **sargv = xcalloc(n + 5, sizeof *sargv);
    sargv[0] = (char *)"sweep-supervisor";
    sargv[1] = (char *)trial_dir;
    sargv[2] = (char *)cwd;
    sargv[3] = (char *)"--";
    for (size_t i = 0; i < n; i++) sargv[4 + i] = argv[i];

    /* A small executable of its own rather than a fork of sweep: a fork
     * makes every page sweep writes while the trial runs a copy-on-write
     * fault, and an exec of sweep loads SQLite and the rest (docs/benchmarks.md). */
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t blocked, dfl;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, logfd, 1); /* dup2 clears CLOEXEC */
    posix_spawn_file_actions_adddup2(&fa, logfd, 2);
    posix_spawnattr_init(&at);
    /* the supervisor is born with the signals it waits for blocked: one sent
     * before it is ready stays pending instead of killing it */
    proc_supervisor_signals(&blocked);
    spawn_default_signals(&dfl);
    posix_spawnattr_setsigmask(&at, &blocked);
    posix_spawnattr_setsigdefault(&at, &dfl);
    /* its own session: it outlives sweep and sweep's terminal */
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawn(pid, proc_supervisor_path(), &fa, &at, sargv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(logfd); /* the child holds it now; sweep reads the file by offset */
    free(sargv);
    if (rc != 0) {
        errno = rc;
        return err_errno(e, "start %s", proc_supervisor_path());
    }
    return 0;
}

int proc_has_env(pid_t pid, const char *trial_dir)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/environ", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    struct sb b; /* the whole environment: a variable before ours may be large */
    sb_init(&b);
    char buf[16384];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) sb_addn(&b, buf, (size_t)n);
    close(fd);
    char *tag = xasprintf("SWEEP_TRIAL_DIR=%s", trial_dir);
    size_t taglen = strlen(tag) + 1; /* with its NUL: the whole variable */
    int found = 0;
    for (size_t i = 0; !found && i + taglen <= b.len;) {
        found = !memcmp(b.buf + i, tag, taglen);
        const char *nul = memchr(b.buf + i, '\0', b.len - i);
        i = nul ? (size_t)(nul - b.buf) + 1 : b.len;
    }
    free(tag);
    sb_release(&b);
    return found;
}

int proc_env_unsure(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/environ", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, 1);
    close(fd);
    if (n != 0) return 0; /* it has one (or it is gone) */
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* "pid (comm) S ppid ..." */
    char state = 0;
    long ppid = 0;
    if (!p || sscanf(p + 1, " %c %ld", &state, &ppid) != 2) return 0;
    /* not a zombie, not a kernel thread (kthreadd's children) */
    return state != 'Z' && state != 'X' && ppid != 2 && ppid != 0 && pid != 2;
}

int proc_read_trainer(const char *trial_dir, pid_t *pid, long long *start)
{
    char *path = xasprintf("%s/trainer.pid", trial_dir);
    char *text = util_read_file(path, NULL, NULL);
    free(path);
    *pid = 0;
    *start = 0;
    if (!text) return 0;
    char *end;
    long p = strtol(text, &end, 10);
    long long st = strtoll(end, NULL, 10); /* absent (an older supervisor): 0 */
    free(text);
    if (p <= 1) return 0;
    *pid = (pid_t)p;
    *start = st;
    return 1;
}

/* 1 if group (the trainer's pid) is still the trial's group: its leader
 * with the recorded start time, or, the leader gone, a member that carries
 * the trial's environment (a group's id is not given to a new process while
 * the group has members, so such a member proves the group). */
static int group_of_trial(const char *trial_dir, pid_t group, long long start)
{
    if (start > 0 && proc_start_time(group) == start) return 1;
    DIR *d = opendir("/proc");
    if (!d) return 0;
    struct dirent *de;
    int found = 0;
    while (!found && (de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 1 || getpgid((pid_t)pid) != group) continue;
        found = proc_has_env((pid_t)pid, trial_dir);
    }
    closedir(d);
    return found;
}

int proc_stop(const char *trial_dir, pid_t supervisor, long long supervisor_start, int sig)
{
    pid_t group;
    long long start;
    int rc = -1;
    errno = ESRCH;
    if (proc_read_trainer(trial_dir, &group, &start) && group_of_trial(trial_dir, group, start))
        rc = kill(-group, sig);
    /* before the trainer has started, or if its group is gone: the
     * supervisor forwards (SIGUSR1 standing for SIGKILL), if it still is
     * the one that was started (its start time) */
    if (rc != 0 && supervisor > 1 && supervisor_start > 0 &&
        proc_start_time(supervisor) == supervisor_start)
        rc = kill(supervisor, sig == SIGKILL ? SIGUSR1 : sig);
    return rc;
}

int proc_read_exit(const char *trial_dir, struct proc_exit *x, struct err *e)
{
    memset(x, 0, sizeof *x);
    char *path = xasprintf("%s/exit.json", trial_dir);
    size_t len;
    struct err re = {0};
    char *text = util_read_file(path, &len, &re);
    free(path);
    if (!text) {
        if (re.code == ENOENT) return 0;
        if (e) *e = re;
        return -1;
    }
    struct value *v = json_parse(text, len, e);
    free(text);
    if (!v || v->kind != V_MAP) {
        value_free(v);
        return err_set(e, "%s/exit.json is damaged", trial_dir);
    }
    const struct value *f;
    if ((f = value_map_get(v, "code")) && f->kind == V_INT) {
        x->has_code = 1;
        x->code = (int)f->u.i;
    }
    if ((f = value_map_get(v, "signal")) && f->kind == V_INT) x->signal = (int)f->u.i;
    if ((f = value_map_get(v, "core")) && f->kind == V_BOOL) x->core = f->u.b;
    if ((f = value_map_get(v, "leftovers")) && f->kind == V_INT) x->leftovers = (int)f->u.i;
    if ((f = value_map_get(v, "error")) && f->kind == V_STR)
        snprintf(x->error, sizeof x->error, "%s", f->u.s);
    if ((f = value_map_get(v, "started")) && value_is_num(f)) x->started = value_num(f);
    if ((f = value_map_get(v, "ended")) && value_is_num(f)) x->ended = value_num(f);
    value_free(v);
    return 1;
}


int proc_alive(pid_t pid, long long start)
{
    return pid > 1 && start > 0 && proc_start_time(pid) == start;
}

long long proc_start_time(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    /* the command name may contain spaces and parentheses: skip to the last ')' */
    char *p = strrchr(buf, ')');
    if (!p || !p[1] || !p[2]) return -1;
    if (p[2] == 'Z' || p[2] == 'X') return -1; /* dead, waiting to be reaped */
    p++;
    for (int field = 3; field < 22 && p; field++) p = strchr(p + 1, ' ');
    return p ? strtoll(p + 1, NULL, 10) : -1;
}

pid_t proc_find_supervisor(const char *trial_dir, long long *start)
{
    DIR *d = opendir("/proc");
    if (!d) return 0;
    struct dirent *de;
    pid_t found = 0;
    size_t dlen = strlen(trial_dir);
    while (!found && (de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 1) continue;
        char path[64], buf[8192];
        snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0) continue;
        buf[n] = '\0';
        /* argv[0] ends in sweep-supervisor, argv[1] is the trial directory */
        const char *a0 = buf, *slash = strrchr(a0, '/');
        size_t l0 = strlen(a0);
        if (strcmp(slash ? slash + 1 : a0, "sweep-supervisor") || (size_t)n < l0 + 1 + dlen ||
            strcmp(buf + l0 + 1, trial_dir))
            continue;
        long long st = proc_start_time((pid_t)pid);
        if (st < 0) continue; /* a zombie */
        found = (pid_t)pid;
        if (start) *start = st;
    }
    closedir(d);
    return found;
}

const char *proc_signal_name(int sig)
{
    const char *abbrev = sigabbrev_np(sig);
    static char buf[80];
    snprintf(buf, sizeof buf, "SIG%s%s", abbrev ? abbrev : "?",
             sig == SIGXFSZ ? ": a file size limit, or the disk is full" : "");
    return buf;
}

int proc_write_task(const char *path, char *const envp[], const char *trial_dir, const char *cwd,
                    char *const argv[], struct err *e)
{
    struct sb b;
    sb_init(&b);
    for (size_t i = 0; envp && envp[i]; i++) sb_addn(&b, envp[i], strlen(envp[i]) + 1);
    sb_addn(&b, "", 1);
    sb_addn(&b, trial_dir, strlen(trial_dir) + 1);
    sb_addn(&b, cwd, strlen(cwd) + 1);
    for (size_t i = 0; argv[i]; i++) sb_addn(&b, argv[i], strlen(argv[i]) + 1);
    int rc = util_write_atomic(path, b.buf, b.len, e);
    sb_release(&b);
    return rc;
}

int proc_read_task(const char *path, char **buf, char ***env, char ***args, struct err *e)
{
    size_t len = 0;
    char *t = util_read_file(path, &len, e);
    *buf = NULL;
    *env = *args = NULL;
    if (!t) return -1;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += t[i] == '\0';
    char **v = xcalloc(n + 2, sizeof *v);
    size_t nv = 0, sep = (size_t)-1;
    for (size_t i = 0; i < len; i += strlen(t + i) + 1) {
        if (!t[i] && sep == (size_t)-1) sep = nv;
        v[nv++] = t + i;
    }
    /* complete (it ends with a NUL), an environment, then directory, cwd, argv[0] */
    if (!len || t[len - 1] || sep == (size_t)-1 || nv < sep + 4) {
        free(v);
        free(t);
        return err_set(e, "%s is not a job array task's file (sweep-supervisor --array-job)",
                       path);
    }
    char **a = xcalloc(nv - sep, sizeof *a);
    for (size_t i = sep + 1; i < nv; i++) a[i - sep - 1] = v[i];
    v[sep] = NULL;
    *buf = t;
    *env = v;
    *args = a;
    return 0;
}
