/* proc.c - the per-trial supervisor and process-group control. */
#include "sweep/proc.h"
#include "search/value.h"
#include "sweep/err.h"
#include "sweep/json.h"
#include "sweep/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void default_signals(sigset_t *set)
{
    sigemptyset(set);
    int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < ARRAY_LEN(sigs); i++) sigaddset(set, sigs[i]);
}

int proc_start(const char *trial_dir, const char *cwd, const char *log_path,
               char *const argv[], char *const envp[], pid_t *pid, struct err *e)
{
    int logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logfd < 0) return err_errno(e, "open %s", log_path);
    size_t n = 0;
    while (argv[n]) n++;
    char **sargv = xcalloc(n + 6, sizeof *sargv);
    sargv[0] = (char *)"sweep";
    sargv[1] = (char *)PROC_SUPERVISE_VERB;
    sargv[2] = (char *)trial_dir;
    sargv[3] = (char *)cwd;
    sargv[4] = (char *)"--";
    for (size_t i = 0; i < n; i++) sargv[5 + i] = argv[i];

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, dfl;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, logfd, 1); /* dup2 clears CLOEXEC */
    posix_spawn_file_actions_adddup2(&fa, logfd, 2);
    posix_spawnattr_init(&at);
    sigemptyset(&none); /* sweep blocks signals for its signalfd; the child must not */
    default_signals(&dfl);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawn(pid, "/proc/self/exe", &fa, &at, sargv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(logfd); /* the child holds it now; sweep reads the file by offset */
    free(sargv);
    if (rc != 0) {
        errno = rc;
        return err_errno(e, "start the supervisor of %s", trial_dir);
    }
    return 0;
}

static void write_exit(const char *dir, pid_t child, int status, const char *error,
                       double started)
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
    sb_add(&b, ", \"started\": ");
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

int proc_supervise_main(int argc, char **argv)
{
    if (argc < 6 || strcmp(argv[4], "--")) {
        fprintf(stderr, "sweep: %s is internal to sweep run\n", PROC_SUPERVISE_VERB);
        return 2;
    }
    const char *dir = argv[2], *cwd = argv[3];
    char **targv = argv + 5;
    double started = util_now();

    /* The supervisor takes its signals synchronously (sigwaitinfo), so none
     * can slip in between two checks. The trainer starts with an empty mask
     * and default handlers, in a process group of its own: a signal for the
     * trial goes to that group, and the supervisor stays to record the end. */
    sigset_t wait_set, none, dfl;
    sigemptyset(&wait_set);
    int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1};
    for (size_t i = 0; i < ARRAY_LEN(sigs); i++) sigaddset(&wait_set, sigs[i]);
    sigprocmask(SIG_BLOCK, &wait_set, NULL);

    if (chdir(cwd) != 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "cannot enter %s: %s", cwd, strerror(errno));
        fprintf(stderr, "sweep: %s\n", msg);
        write_exit(dir, 0, 0, msg, started);
        return 0;
    }
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigemptyset(&none);
    default_signals(&dfl);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP);
    pid_t child;
    int rc = posix_spawnp(&child, targv[0], NULL, &at, targv, environ);
    posix_spawnattr_destroy(&at);
    if (rc != 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "cannot run '%s': %s", targv[0], strerror(rc));
        fprintf(stderr, "sweep: %s\n", msg);
        write_exit(dir, 0, 0, msg, started);
        return 0;
    }
    /* so that sweep can signal the trainer's group directly */
    char *pidfile = xasprintf("%s/trainer.pid", dir), line[32];
    int n = snprintf(line, sizeof line, "%ld\n", (long)child);
    util_write_atomic(pidfile, line, (size_t)n, NULL);
    free(pidfile);

    int status = 0;
    for (;;) {
        pid_t w = waitpid(child, &status, WNOHANG);
        if (w == child) break;
        if (w < 0 && errno != EINTR) {
            char msg[300];
            snprintf(msg, sizeof msg, "waitpid: %s", strerror(errno));
            write_exit(dir, child, 0, msg, started);
            return 1;
        }
        siginfo_t si;
        int sig = sigwaitinfo(&wait_set, &si);
        if (sig < 0 || sig == SIGCHLD) continue;
        /* SIGUSR1 asks for SIGKILL of the trainer's group */
        kill(-child, sig == SIGUSR1 ? SIGKILL : sig);
    }
    write_exit(dir, child, status, NULL, started);
    return 0;
}

int proc_stop(const char *trial_dir, pid_t supervisor, int sig)
{
    char *path = xasprintf("%s/trainer.pid", trial_dir);
    char *text = util_read_file(path, NULL, NULL);
    free(path);
    long tpid = text ? strtol(text, NULL, 10) : 0;
    free(text);
    int rc = -1;
    if (tpid > 1) rc = kill((pid_t)-tpid, sig);
    /* before the trainer has started, or if its group is gone: the
     * supervisor forwards (SIGUSR1 standing for SIGKILL) */
    if (rc != 0 && supervisor > 1) rc = kill(supervisor, sig == SIGKILL ? SIGUSR1 : sig);
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
        *e = re;
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
    if ((f = value_map_get(v, "error")) && f->kind == V_STR)
        snprintf(x->error, sizeof x->error, "%s", f->u.s);
    if ((f = value_map_get(v, "started")) && value_is_num(f)) x->started = value_num(f);
    if ((f = value_map_get(v, "ended")) && value_is_num(f)) x->ended = value_num(f);
    value_free(v);
    return 1;
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

const char *proc_signal_name(int sig)
{
    const char *abbrev = sigabbrev_np(sig);
    static char buf[32];
    snprintf(buf, sizeof buf, "SIG%s", abbrev ? abbrev : "?");
    return buf;
}
