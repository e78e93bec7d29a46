/* dirlock.c - flock-based lock on DIR/lock. */
#include "store/dirlock.h"
#include "search/render.h"
#include "base/err.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static void describe(int fd, char *who, size_t size)
{
    char buf[256] = {0};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    long pid = 0;
    char host[128] = "?";
    long long since = 0;
    if (n > 0 && sscanf(buf, "%ld %127s %lld", &pid, host, &since) >= 2) {
        char when[64] = "?";
        time_t t = (time_t)since;
        struct tm tm;
        if (since && localtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(who, size, "pid %ld on %s since %s", pid, host, when);
    } else {
        snprintf(who, size, "another process");
    }
}

#define STALE_WAIT_TRIES 100     /* times STALE_WAIT_NS: 2 s */
#define STALE_WAIT_NS 20000000L

/* 1 if the process the lock file names, on this host, is gone (or a zombie). */
static int holder_dead(int fd)
{
    char buf[256] = {0}, host[128] = "", here[128] = "";
    long pid = 0;
    if (pread(fd, buf, sizeof buf - 1, 0) <= 0 || sscanf(buf, "%ld %127s", &pid, host) != 2 ||
        pid <= 1)
        return 0;
    gethostname(here, sizeof here - 1);
    if (strcmp(host, here)) return 0; /* another machine's: not ours to judge */
    char path[64], st[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return 1;
    size_t n = fread(st, 1, sizeof st - 1, f);
    fclose(f);
    st[n] = '\0';
    const char *close_paren = strrchr(st, ')');
    return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

int dirlock_acquire(const char *dir, struct err *e)
{
    char *path = xasprintf("%s/lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        err_errno(e, "open %s", path);
        free(path);
        return -1;
    }
    int locked = flock(fd, LOCK_EX | LOCK_NB) == 0, saved = errno;
    /* A sweep killed while starting a trial leaves its lock with the child
     * it was spawning until that child's exec closes it: when the recorded
     * holder is dead, the lock is about to go - wait for it a moment. */
    for (int i = 0; !locked && saved == EWOULDBLOCK && i < STALE_WAIT_TRIES && holder_dead(fd);
         i++) {
        struct timespec ts = {.tv_nsec = STALE_WAIT_NS};
        nanosleep(&ts, NULL);
        locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
        saved = errno;
    }
    if (!locked) {
        if (saved == EWOULDBLOCK) {
            char who[300];
            describe(fd, who, sizeof who);
            struct sb w;
            sb_init(&w);
            render_shell_word(&w, dir);
            err_usage(e, "%s is in use by another sweep (%s); wait for it, or `sweep stop %s`",
                      dir, who, sb_str(&w));
            sb_release(&w);
        } else {
            errno = saved;
            err_errno(e, "lock %s", path);
        }
        close(fd);
        free(path);
        return -1;
    }
    char host[128] = "unknown";
    gethostname(host, sizeof host - 1);
    char line[256];
    int n = snprintf(line, sizeof line, "%ld %s %lld\n", (long)getpid(), host,
                     (long long)time(NULL));
    if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)n, 0) != n) {
        err_errno(e, "write %s", path);
        close(fd);
        free(path);
        return -1;
    }
    free(path);
    return fd;
}

int dirlock_held(const char *dir, char *who, unsigned long whosize, long *pid)
{
    char *path = xasprintf("%s/lock", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0) return 0;
    int held = 0;
    if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
        held = errno == EWOULDBLOCK;
        if (held && who) describe(fd, who, whosize);
        char buf[64] = {0};
        if (held && pid && pread(fd, buf, sizeof buf - 1, 0) > 0) *pid = strtol(buf, NULL, 10);
    } else {
        flock(fd, LOCK_UN);
    }
    close(fd);
    return held;
}
