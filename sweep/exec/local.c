/* local.c - the local executor (exec.h): each trial is a sweep-supervisor
 * on this machine (proc.h), in a session of its own, its trainer in a
 * process group of its own. A trial started by this sweep is our child
 * (waitpid); one adopted from an earlier sweep is watched with a pidfd. */
#include "sweep/exec/exec.h"
#include "sweep/exec/executors.h"
#include "sweep/exec/local.h"
#include "base/util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int local_start_argv(const struct exec_spec *s, char *const *argv, struct exec_job *j,
                     struct err *e)
{
    *j = (struct exec_job){.fd = -1};
    char **env = exec_host_env(s->envp);
    int rc = proc_start(s->trial_dir, s->cwd, s->log, argv, env, &j->pid, e);
    free(env);
    if (rc) return -1;
    j->pid_start = proc_start_time(j->pid);
    return 0;
}

static int local_start(struct executor *x, const struct exec_spec *s, struct exec_job *j,
                       struct err *e)
{
    (void)x;
    return local_start_argv(s, s->argv, j, e);
}

int local_reap_job(struct exec_job *j)
{
    if (j->adopted) /* not our child: the pidfd (or the pid's absence) tells */
        return j->fd < 0 && proc_start_time(j->pid) < 0;
    int st;
    if (waitpid(j->pid, &st, WNOHANG) != j->pid) return 0;
    j->wstatus = st;
    return 1;
}

static int local_reap(struct executor *x, struct exec_job *j)
{
    (void)x;
    return local_reap_job(j);
}

int local_stop_job(const char *trial_dir, const struct exec_job *j, int sig)
{
    return proc_stop(trial_dir, j->pid, j->pid_start, sig);
}

static int local_stop(struct executor *x, const char *trial_dir, const struct exec_job *j,
                      int sig)
{
    (void)x;
    return local_stop_job(trial_dir, j, sig);
}

enum exec_found local_adopt_job(const struct exec_record *r, struct exec_job *j)
{
    const char *trial_dir = r->trial_dir;
    pid_t pid = r->pid;
    long long pid_start = r->pid_start;
    *j = (struct exec_job){.pid = pid, .pid_start = pid_start, .fd = -1, .adopted = 1};
    struct proc_exit px;
    if (proc_read_exit(trial_dir, &px, NULL) == 1) return EXEC_ENDED;
    /* the stored start time tells our supervisor from a process that got its
     * pid later; without a stored pid (sweep died right after starting it),
     * the supervisor is found by its command line */
    int alive = proc_alive(pid, pid_start);
    if (!alive) {
        long long start;
        pid_t found = proc_find_supervisor(trial_dir, &start);
        if (found <= 0) /* it may have ended between the first look at exit.json and
                           the search: look again before calling it gone */
            return proc_read_exit(trial_dir, &px, NULL) == 1 ? EXEC_ENDED : EXEC_GONE;
        j->pid = found;
        j->pid_start = start;
    }
    j->fd = (int)syscall(SYS_pidfd_open, j->pid, 0);
    return EXEC_ALIVE;
}

static enum exec_found local_adopt(struct executor *x, const struct exec_record *r,
                                   struct exec_job *j)
{
    (void)x;
    return local_adopt_job(r, j);
}

pid_t local_group_of(const char *trial_dir)
{
    pid_t g;
    long long start;
    return proc_read_trainer(trial_dir, &g, &start) ? g : 0;
}

static pid_t local_group(struct executor *x, const char *trial_dir)
{
    (void)x;
    return local_group_of(trial_dir);
}

static const struct exec_ops local_ops = {
    .name = "local",
    .start = local_start,
    .reap = local_reap,
    .stop = local_stop,
    .adopt = local_adopt,
    .group = local_group,
};

struct executor *exec_local(void)
{
    static struct executor local = {.ops = &local_ops};
    return &local;
}

int exec_start(struct executor *x, const struct exec_spec *s, struct exec_job *j, struct err *e)
{
    int rc = x->ops->start(x, s, j, e);
    j->trial = s->trial;
    return rc;
}

int exec_reap(struct executor *x, struct exec_job *j)
{
    return x->ops->reap(x, j);
}

int exec_stop(struct executor *x, const char *trial_dir, const struct exec_job *j, int sig)
{
    return x->ops->stop(x, trial_dir, j, sig);
}

enum exec_found exec_adopt(struct executor *x, const struct exec_record *r, struct exec_job *j)
{
    enum exec_found f = x->ops->adopt(x, r, j);
    j->trial = r->trial;
    return f;
}

int exec_prepare_adopt(struct executor *x, struct err *e)
{
    return x->ops->prepare_adopt ? x->ops->prepare_adopt(x, e) : 0;
}

int exec_recover(struct executor *x, long long trial, const char *trial_dir,
                 struct exec_job *j)
{
    int rc = x->ops->recover ? x->ops->recover(x, trial, trial_dir, j) : 0;
    if (rc == 1) j->trial = trial;
    return rc;
}

int exec_poll(struct executor *x, struct err *e)
{
    return x->ops->poll ? x->ops->poll(x, e) : 0;
}

double exec_wake(struct executor *x)
{
    return x->ops->wake ? x->ops->wake(x) : 1e9;
}

int exec_fd(struct executor *x)
{
    return x->ops->fd ? x->ops->fd(x) : -1;
}

size_t exec_nodes(struct executor *x, const char *const **names)
{
    *names = NULL;
    return x->ops->nodes ? x->ops->nodes(x, names) : 0;
}

int exec_room(struct executor *x, const char *node, int ncpus)
{
    return x->ops->room ? x->ops->room(x, node, ncpus) : 1;
}

void exec_free(struct executor *x)
{
    if (x && x->ops->free) x->ops->free(x);
}

pid_t exec_group(struct executor *x, const char *trial_dir)
{
    return x->ops->group(x, trial_dir);
}

int exec_result(const char *trial_dir, struct proc_exit *x, struct err *e)
{
    return proc_read_exit(trial_dir, x, e);
}

void exec_free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++) free(v[i]);
    free(v);
}

void exec_job_release(struct exec_job *j)
{
    if (j->fd >= 0) close(j->fd);
    j->fd = -1;
}

static struct executor *local_open(const struct exec_sweep *w, char **trials_root, struct err *e)
{
    (void)w, (void)e;
    *trials_root = NULL;
    return exec_local();
}

static int local_stop_trial(const struct exec_sweep *w, const struct exec_record *r, int sig,
                            struct err *e)
{
    (void)w, (void)e;
    return proc_stop(r->trial_dir, r->pid, r->pid_start, sig);
}

const struct exec_def exec_local_def = {
    .name = "local",
    .title = "this machine",
    .started = "started",
    .open = local_open,
    .stop_trial = local_stop_trial,
};
