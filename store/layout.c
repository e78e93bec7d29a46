/* layout.c - the paths of a sweep directory (layout.h). */
#include "store/layout.h"
#include "base/err.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

char *layout_db(const char *dir)
{
    return xasprintf("%s/sweep.db", dir);
}

char *layout_trial_dir(const char *dir, long long trial)
{
    return xasprintf("%s/trials/%04lld", dir, trial);
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
