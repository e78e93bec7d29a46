/* stage.c - datasets copied once per machine (stage.h): the copy itself,
 * never following a symbolic link, into a temporary directory renamed into
 * place; its rows in the machine ledger. */
#include "machine/stage.h"
#include "machine/ledger_int.h"
#include "base/err.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define STAGE_WAIT_S 3600.0 /* the longest a sweep waits for another's copy */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 1099511628211ULL;
    return h;
}

/* Walks dir (an open directory, rel its path from the top): each entry's
 * record (its path, size and time) hashed and added up, so that the order
 * readdir gives does not matter. */
static int walk(int dfd, const char *rel, struct stage_sig *s, uint64_t *sum, struct err *e)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return err_errno(e, "%s", *rel ? rel : ".");
    }
    int rc = 0;
    struct dirent *de;
    while (!rc && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) continue;
        char *path = *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
        long long rec[3] = {(long long)st.st_size, (long long)st.st_mtim.tv_sec,
                            (long long)st.st_mtim.tv_nsec};
        *sum += fnv(fnv(1469598103934665603ULL, path, strlen(path)), rec, sizeof rec);
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            rc = sub < 0 ? err_errno(e, "%s", path) : walk(sub, path, s, sum, e);
        } else if (S_ISREG(st.st_mode)) {
            s->bytes += st.st_size;
            s->files++;
        }
        free(path);
    }
    closedir(d);
    return rc;
}

int stage_signature(const char *dir, struct stage_sig *sig, struct err *e)
{
    memset(sig, 0, sizeof *sig);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return err_errno(e, "stage: %s", dir);
    uint64_t sum = 0;
    if (walk(fd, "", sig, &sum, e)) return -1;
    snprintf(sig->hex, sizeof sig->hex, "%016llx", (unsigned long long)sum);
    return 0;
}

/* A regular file's copy, with its mode and times. */
static int copy_file(int sd, int dd, const char *name, const struct stat *st, struct err *e)
{
    int in = openat(sd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0) return err_errno(e, "%s", name);
    int out = openat(dd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        return err_errno(e, "%s", name);
    }
    int rc = 0;
    for (off_t left = st->st_size; left > 0 && !rc;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
            char buf[1 << 16];
            n = read(in, buf, sizeof buf);
            if (n > 0 && write(out, buf, (size_t)n) != n) n = -1;
        }
        if (n < 0) rc = err_errno(e, "%s", name);
        else if (n == 0) break; /* it shrank while read */
        else left -= n;
    }
    struct timespec times[2] = {st->st_atim, st->st_mtim};
    if (!rc && (fchmod(out, st->st_mode & 07777) || futimens(out, times)))
        rc = err_errno(e, "%s", name);
    if (close(out) && !rc) rc = err_errno(e, "%s", name);
    close(in);
    return rc;
}

/* The tree under sd into dd: directories, files, symbolic links as links. */
static int copy_tree(int sd, int dd, struct err *e)
{
    int dup = fcntl(sd, F_DUPFD_CLOEXEC, 0);
    DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
    if (!d) {
        if (dup >= 0) close(dup);
        return err_errno(e, "stage: reading a directory");
    }
    int rc = 0;
    struct dirent *de;
    while (!rc && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        struct stat st;
        if (fstatat(sd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)) continue;
        if (S_ISREG(st.st_mode)) {
            rc = copy_file(sd, dd, de->d_name, &st, e);
        } else if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = readlinkat(sd, de->d_name, target, sizeof target - 1);
            if (n >= 0) target[n] = '\0';
            if (n < 0 || symlinkat(target, dd, de->d_name)) rc = err_errno(e, "%s", de->d_name);
        } else if (S_ISDIR(st.st_mode)) {
            int s2 = openat(sd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            int d2 = -1;
            if (s2 >= 0 && mkdirat(dd, de->d_name, 0700) == 0)
                d2 = openat(dd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            rc = s2 < 0 || d2 < 0 ? err_errno(e, "%s", de->d_name) : copy_tree(s2, d2, e);
            struct timespec times[2] = {st.st_atim, st.st_mtim};
            if (!rc && (fchmod(d2, st.st_mode & 07777) || futimens(d2, times)))
                rc = err_errno(e, "%s", de->d_name);
            if (s2 >= 0) close(s2);
            if (d2 >= 0) close(d2);
        } /* devices, FIFOs and sockets are not data: left out */
    }
    closedir(d);
    return rc;
}

/* Removes a tree, never following a link out of it. */
static void remove_tree_at(int pfd, const char *name)
{
    int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
                unlinkat(dirfd(d), de->d_name, 0) && errno == EISDIR)
                remove_tree_at(dirfd(d), de->d_name);
        closedir(d);
    } else if (fd >= 0) close(fd);
    unlinkat(pfd, name, AT_REMOVEDIR);
}

static void remove_tree(const char *path)
{
    char *tmp = xstrdup(path), *tmp2 = xstrdup(path);
    int pfd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd >= 0) {
        remove_tree_at(pfd, basename(tmp2));
        close(pfd);
    }
    free(tmp);
    free(tmp2);
}

static int copy_to(const char *source, const char *tmp, const char *path, struct err *e)
{
    int sd = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sd < 0) return err_errno(e, "stage: %s", source);
    int rc = mkdir(tmp, 0755) ? err_errno(e, "stage: %s", tmp) : 0;
    int dd = rc ? -1 : open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (!rc && dd < 0) rc = err_errno(e, "stage: %s", tmp);
    if (!rc) rc = copy_tree(sd, dd, e);
    if (dd >= 0) close(dd);
    close(sd);
    if (!rc && rename(tmp, path)) rc = err_errno(e, "stage: %s", path);
    if (rc) remove_tree(tmp);
    return rc;
}

static void tell(const struct stage_who *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void tell(const struct stage_who *w, const char *fmt, ...)
{
    if (!w->say) return;
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    w->say(w->ctx, line);
}

enum claim { CLAIM_COPY, CLAIM_READY, CLAIM_WAIT };

/* The sweep in dir uses the copy at path. */
static int use(struct ledger *l, const char *path, const char *dir, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l, "INSERT OR IGNORE INTO stage_users (path, dir) VALUES (?1, ?2)", e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, dir, -1, SQLITE_TRANSIENT);
    return ledger_done(l, s, e);
}

/* Who copies path: this sweep (no row, or one whose copier died, or a
 * ready copy deleted by hand), nobody (ready: this sweep uses it), or
 * another sweep now (wait). *dead_pid: the copier that died (its
 * temporary directory is left to remove). */
static int claim(struct ledger *l, const char *path, const char *source,
                 const struct stage_sig *sig, const struct stage_who *w, long *dead_pid,
                 struct err *e)
{
    *dead_pid = 0;
    if (ledger_exec_sql(l, "BEGIN IMMEDIATE", e)) return -1;
    sqlite3_stmt *s = ledger_prep(l, "SELECT ready, pid, pid_start FROM stages WHERE path = ?1", e);
    int rc = s ? CLAIM_COPY : -1, have = 0, ready = 0;
    long pid = 0;
    long long start = 0;
    if (s) {
        sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) == SQLITE_ROW) {
            have = 1;
            ready = sqlite3_column_int(s, 0);
            pid = (long)sqlite3_column_int64(s, 1);
            start = sqlite3_column_int64(s, 2);
        }
        sqlite3_finalize(s);
    }
    struct stat st;
    if (rc >= 0 && have && ready && stat(path, &st) == 0) rc = CLAIM_READY;
    else if (rc >= 0 && have && !ready && w->alive(pid, start) && pid != w->pid) rc = CLAIM_WAIT;
    else if (rc >= 0 && have && !ready) *dead_pid = pid;
    const char *sql = rc == CLAIM_READY
                          ? "UPDATE stages SET used = ?5 WHERE path = ?1"
                          : "INSERT OR REPLACE INTO stages (path, source, sig, bytes, ready, pid, "
                            "pid_start, used) VALUES (?1, ?2, ?3, ?4, 0, ?6, ?7, ?5)";
    if (rc >= 0 && rc != CLAIM_WAIT && (s = ledger_prep(l, sql, e))) {
        sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
        if (rc != CLAIM_READY) {
            sqlite3_bind_text(s, 2, source, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(s, 3, sig->hex, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(s, 4, sig->bytes);
            sqlite3_bind_int64(s, 6, w->pid);
            sqlite3_bind_int64(s, 7, w->pid_start);
        }
        sqlite3_bind_double(s, 5, ledger_now());
        if (ledger_done(l, s, e)) rc = -1;
    } else if (rc >= 0 && rc != CLAIM_WAIT) rc = -1;
    if (rc == CLAIM_READY && use(l, path, w->dir, e)) rc = -1;
    if (ledger_exec_sql(l, rc < 0 ? "ROLLBACK" : "COMMIT", rc < 0 ? NULL : e)) rc = -1;
    return rc;
}

/* One statement on a path (and our pid as ?2 where it names one). */
static int on_path(struct ledger *l, const char *sql, const char *path, long pid, struct err *e)
{
    sqlite3_stmt *s = ledger_prep(l, sql, e);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
    if (sqlite3_bind_parameter_count(s) > 1) sqlite3_bind_int64(s, 2, pid);
    return ledger_done(l, s, e);
}

static double free_bytes(const char *root)
{
    struct statvfs v;
    return statvfs(root, &v) ? -1 : (double)v.f_bavail * (double)v.f_frsize;
}

/* Room for need bytes under root: copies there that no running sweep uses
 * go, the least recently used first. The room there is then. */
static double make_room(struct ledger *l, const char *root, double need,
                        const struct stage_who *w)
{
    double have = free_bytes(root);
    if (!l || have >= need) return have;
    sqlite3_stmt *s = ledger_prep(l,
                                  "SELECT path, bytes FROM stages WHERE ready = 1 AND "
                                  "substr(path, 1, length(?1) + 1) = ?1 || '/' AND path NOT IN "
                                  "(SELECT path FROM stage_users WHERE dir IN "
                                  "(SELECT dir FROM sweeps)) ORDER BY used",
                                  NULL);
    if (!s) return have;
    sqlite3_bind_text(s, 1, root, -1, SQLITE_TRANSIENT);
    char **gone = NULL;
    size_t n = 0;
    while (have < need && sqlite3_step(s) == SQLITE_ROW) {
        gone = xrealloc(gone, (n + 1) * sizeof *gone);
        gone[n++] = xstrdup((const char *)sqlite3_column_text(s, 0));
        have += (double)sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    for (size_t i = 0; i < n; i++) {
        tell(w, "stage: %s goes (no running sweep uses it; its room is wanted)", gone[i]);
        remove_tree(gone[i]);
        on_path(l, "DELETE FROM stages WHERE path = ?1", gone[i], 0, NULL);
        on_path(l, "DELETE FROM stage_users WHERE path = ?1", gone[i], 0, NULL);
        free(gone[i]);
    }
    free(gone);
    return free_bytes(root);
}

/* "1.2 GiB", "350.0 MiB", "12.0 KiB" */
static void size_text(char *buf, size_t n, double bytes)
{
    if (bytes >= 1073741824.0) snprintf(buf, n, "%.1f GiB", bytes / 1073741824.0);
    else if (bytes >= 1048576.0) snprintf(buf, n, "%.1f MiB", bytes / 1048576.0);
    else snprintf(buf, n, "%.1f KiB", bytes / 1024.0);
}

/* Copies source to path (a temporary directory, then renamed into place),
 * after making room. */
static int copy(struct ledger *l, const char *source, const char *root, const char *path,
                const struct stage_sig *sig, const struct stage_who *w, struct err *e)
{
    double need = (double)sig->bytes * 1.02 + 1e6, room = make_room(l, root, need, w);
    char have[32], want[32];
    size_text(want, sizeof want, (double)sig->bytes);
    size_text(have, sizeof have, room);
    if (room >= 0 && room < need)
        return err_set(e, "stage: %s (%s in %lld files) does not fit in %s: %s free there, after "
                          "removing the copies no running sweep uses (stage: to: names another "
                          "directory)",
                       source, want, sig->files, root, have);
    tell(w, "stage: copying %s (%s, %lld files) to %s", source, want, sig->files, path);
    char *tmp = xasprintf("%s.tmp.%ld", path, w->pid);
    double t0 = ledger_now();
    int rc = copy_to(source, tmp, path, e);
    free(tmp);
    if (!rc) tell(w, "stage: %s copied in %.1fs", path, ledger_now() - t0);
    return rc;
}

int stage_prepare(struct ledger *l, const char *source, const char *root,
                  const struct stage_who *w, char **path, struct err *e)
{
    *path = NULL;
    struct stage_sig sig;
    if (stage_signature(source, &sig, e)) return -1;
    if (mkdir(root, 0775) && errno != EEXIST) return err_errno(e, "stage: %s", root);
    char *src = realpath(source, NULL), *name = xstrdup(source);
    uint64_t h = fnv(1469598103934665603ULL, src ? src : source, strlen(src ? src : source));
    h = fnv(h, sig.hex, strlen(sig.hex));
    char *p = xasprintf("%s/%s-%016llx", root, basename(name), (unsigned long long)h);
    free(name);
    int rc = 0, said = 0;
    double until = ledger_now() + STAGE_WAIT_S;
    struct stat st;
    for (;;) {
        long dead = 0;
        int c = l ? claim(l, p, src ? src : source, &sig, w, &dead, e)
                  : stat(p, &st) == 0 ? CLAIM_READY : CLAIM_COPY;
        if (c < 0) rc = -1;
        if (c == CLAIM_WAIT && ledger_now() < until) {
            if (!said++) tell(w, "stage: another sweep is copying %s; waiting for it", p);
            struct timespec ts = {0, 500000000};
            nanosleep(&ts, NULL);
            continue;
        }
        if (c == CLAIM_WAIT) rc = err_set(e, "stage: %s: another sweep's copy took over an hour", p);
        if (c == CLAIM_READY)
            tell(w, "stage: %s is there (%s, unchanged): used", p, src ? src : source);
        if (c == CLAIM_COPY) {
            if (dead > 0) { /* the copy of a sweep that died: from scratch */
                char *old = xasprintf("%s.tmp.%ld", p, dead);
                remove_tree(old);
                free(old);
            }
            rc = copy(l, src ? src : source, root, p, &sig, w, e);
            if (l && !rc && (on_path(l, "UPDATE stages SET ready = 1 WHERE path = ?1", p, 0, e) ||
                             use(l, p, w->dir, e)))
                rc = -1;
            if (l && rc) on_path(l, "DELETE FROM stages WHERE path = ?1 AND pid = ?2", p, w->pid, NULL);
        }
        break;
    }
    free(src);
    if (rc) free(p);
    else *path = p;
    return rc;
}

int stage_release(struct ledger *l, const char *dir, struct err *e)
{
    return l ? on_path(l, "DELETE FROM stage_users WHERE dir = ?1", dir, 0, e) : 0;
}
