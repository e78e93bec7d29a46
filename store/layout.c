/* layout.c - the paths of a sweep directory (layout.h). */
#include "store/layout.h"
#include "base/err.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *layout_db(const char *dir)
{
    return xasprintf("%s/sweep.db", dir);
}

/* DIR/trials.root's line, or NULL. */
static char *read_root(const char *dir)
{
    char *path = xasprintf("%s/trials.root", dir);
    size_t n = 0;
    char *text = util_read_file(path, &n, NULL);
    free(path);
    if (!text) return NULL;
    text[strcspn(text, "\n")] = '\0';
    if (text[0] != '/') {
        free(text);
        return NULL;
    }
    return text;
}

char *layout_trials_root(const char *dir)
{
    char *root = read_root(dir);
    return root ? root : xasprintf("%s/trials", dir);
}

char *layout_trial_dir(const char *dir, long long trial)
{
    char *root = read_root(dir);
    if (!root) return xasprintf("%s/trials/%04lld", dir, trial);
    char *t = xasprintf("%s/%04lld", root, trial);
    free(root);
    return t;
}

int layout_set_trials_root(const char *dir, const char *root, struct err *e)
{
    char *now = read_root(dir);
    if (now) {
        int same = !strcmp(now, root);
        if (!same)
            err_usage(e, "%s keeps its trial directories in %s, not %s (was the executor's "
                         "shared directory changed in the sweep file?)",
                      dir, now, root);
        free(now);
        return same ? 0 : -1;
    }
    if (util_mkdirs(root, e)) return -1;
    char *path = xasprintf("%s/trials.root", dir), *line = xasprintf("%s\n", root);
    int rc = util_write_atomic(path, line, strlen(line), e);
    free(path);
    free(line);
    return rc;
}

char *layout_log(const char *trial_dir)
{
    return xasprintf("%s/stdout.log", trial_dir);
}

void layout_rotate_log(const char *log, int attempt)
{
    char *old = xasprintf("%s.attempt%d", log, attempt);
    rename(log, old);
    free(old);
}

/* A directory fd for path's directory name under dirfd, made if missing;
 * a link there is not followed (ELOOP). -1 on error (errno). */
static int enter_dir(int dirfd, const char *name)
{
    if (mkdirat(dirfd, name, 0755) != 0 && errno != EEXIST) return -1;
    return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int layout_make_trial_dir(const char *dir, long long trial, struct err *e)
{
    char *root = read_root(dir); /* slurm.shared_dir: ROOT/NNNN */
    const char *base = root ? root : dir;
    if (util_mkdirs(base, e)) {
        free(root);
        return -1;
    }
    int shared = root != NULL;
    int top = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(root);
    if (top < 0) return err_errno(e, "%s", dir);
    char name[32];
    snprintf(name, sizeof name, "%04lld", trial);
    int trials = shared ? dup(top) : enter_dir(top, "trials");
    int t = trials >= 0 ? enter_dir(trials, name) : -1;
    int saved = errno;
    close(top);
    if (trials >= 0) close(trials);
    if (t >= 0) {
        close(t);
        return 0;
    }
    errno = saved;
    if (errno == ELOOP || errno == ENOTDIR)
        return err_set(e, "%s/trials/%s is not a directory of sweep's (a symbolic link?): it is "
                          "not followed",
                       dir, name);
    return err_errno(e, "%s/trials/%s", dir, name);
}

int layout_write_under(const char *root, const char *rel, const char *data, size_t len,
                       struct err *e)
{
    size_t rl = strlen(root);
    const char *p = rel;
    if (p[0] == '/') {
        if (strncmp(p, root, rl) || (p[rl] != '/' && p[rl] != '\0'))
            return err_usage(e, "%s: outside the trial directory", rel);
        p += rl;
    }
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return err_errno(e, "%s", root);
    char *copy = xstrdup(p), *save = NULL, *part = strtok_r(copy, "/", &save);
    int rc = 0;
    while (part && !rc) {
        char *next = strtok_r(NULL, "/", &save);
        if (!strcmp(part, ".")) {
            part = next;
            continue;
        }
        if (!strcmp(part, "..")) {
            rc = err_usage(e, "%s: outside the trial directory ('..')", rel);
            break;
        }
        if (next) { /* a directory on the way */
            int sub = enter_dir(fd, part);
            if (sub < 0) rc = err_errno(e, "%s: %s", rel, part);
            else {
                close(fd);
                fd = sub;
            }
        } else { /* the file: a temp beside it, then rename over it */
            char *tmp = xasprintf(".%s.tmp%ld", part, (long)getpid());
            int out = openat(fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (out < 0) rc = err_errno(e, "%s", rel);
            else {
                ssize_t w = len ? write(out, data, len) : 0;
                if (w != (ssize_t)len) rc = err_errno(e, "write %s", rel);
                if (close(out) != 0 && !rc) rc = err_errno(e, "close %s", rel);
                if (!rc && renameat(fd, tmp, fd, part) != 0) rc = err_errno(e, "rename %s", rel);
                if (rc) unlinkat(fd, tmp, 0);
            }
            free(tmp);
        }
        part = next;
    }
    if (!rc && !part && strspn(p, "/.") == strlen(p))
        rc = err_usage(e, "%s: names no file", rel);
    free(copy);
    close(fd);
    return rc;
}

int layout_environmental(int code)
{
    return code == EROFS || code == ENOSPC || code == EDQUOT || code == EACCES ||
           code == EIO || code == EFBIG;
}

int layout_probe(const char *dir, struct err *e)
{
    char *path = xasprintf("%s/.sweep-probe", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    int rc = 0;
    if (fd < 0 || write(fd, "x", 1) != 1) rc = err_errno(e, "cannot write in %s", dir);
    if (fd >= 0) close(fd);
    unlink(path);
    free(path);
    return rc;
}

static char *stop_path(const char *dir, long long trial)
{
    return xasprintf("%s/stop/%04lld", dir, trial);
}

int layout_request_stop(const char *dir, long long trial, struct err *e)
{
    char *sdir = xasprintf("%s/stop", dir);
    int rc = util_mkdirs(sdir, e);
    free(sdir);
    if (rc) return -1;
    char *path = stop_path(dir, trial);
    rc = util_write_atomic(path, "", 0, e);
    free(path);
    return rc;
}

int layout_stop_requested(const char *dir, long long trial)
{
    char *path = stop_path(dir, trial);
    int r = access(path, F_OK) == 0;
    free(path);
    return r;
}

void layout_stop_done(const char *dir, long long trial)
{
    char *path = stop_path(dir, trial);
    unlink(path);
    free(path);
}
