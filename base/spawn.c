/* spawn.c - helper programs with a fixed argv and a pipe for their output
 * (spawn.h). posix_spawnp: no shell, an empty signal mask and default
 * handlers in the child whatever the parent blocks or ignores. */
#include "base/spawn.h"
#include "base/err.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

void spawn_default_signals(sigset_t *set)
{
    sigemptyset(set);
    int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGXFSZ};
    for (size_t i = 0; i < ARRAY_LEN(sigs); i++) sigaddset(set, sigs[i]);
}

int spawn_job_start(struct spawn_job *j, char *const argv[], double timeout, struct err *e)
{
    return spawn_job_start_env(j, argv, environ, timeout, e);
}

int spawn_job_start_env(struct spawn_job *j, char *const argv[], char *const envp[],
                        double timeout, struct err *e)
{
    j->pid = 0;
    j->fd = -1;
    sb_init(&j->out);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return err_errno(e, "pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawnattr_t at;
    sigset_t none, dfl;
    posix_spawnattr_init(&at);
    sigemptyset(&none);
    spawn_default_signals(&dfl);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        errno = rc;
        return err_errno(e, "%s", argv[0]);
    }
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    j->pid = pid;
    j->fd = fds[0];
    j->deadline = util_mono() + timeout;
    return 0;
}

int spawn_job_read(struct spawn_job *j)
{
    if (j->fd < 0) return 1;
    for (;;) {
        char buf[4096];
        ssize_t n = read(j->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0;
        if (n <= 0) {
            close(j->fd);
            j->fd = -1;
            return 1;
        }
        if (j->out.len < SPAWN_MAX_OUTPUT) sb_addn(&j->out, buf, (size_t)n);
    }
}

int spawn_job_finish(struct spawn_job *j, const char *name, double timeout, char **out,
                     int *status, struct err *e)
{
    int killed = 0;
    if (j->fd >= 0) {
        close(j->fd);
        j->fd = -1;
        kill(j->pid, SIGKILL); /* our own child, not yet reaped: the pid is still its */
        killed = 1;
    }
    int ws = 0;
    while (waitpid(j->pid, &ws, 0) < 0 && errno == EINTR) {
    }
    j->pid = 0;
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    if (killed) {
        sb_release(&j->out);
        *out = NULL;
        return err_set(e, "%s did not answer within %.0f s", name, timeout);
    }
    *out = sb_detach(&j->out);
    return 0;
}

int spawn_run(char *const argv[], char *const envp[], double timeout, char **out, int *status,
              struct err *e)
{
    struct spawn_job j;
    *out = NULL;
    if (spawn_job_start_env(&j, argv, envp ? envp : environ, timeout, e)) return -1;
    while (!spawn_job_read(&j)) {
        double left = j.deadline - util_mono();
        if (left <= 0) break;
        struct pollfd p = {.fd = j.fd, .events = POLLIN};
        int ms = left > 60 ? 60000 : (int)(left * 1000) + 1;
        if (poll(&p, 1, ms) < 0 && errno != EINTR) break;
    }
    return spawn_job_finish(&j, argv[0], timeout, out, status, e);
}
