/* gp.c - starting gnuplot and quoting text for it.
 *
 * gnuplot reads its script from a pipe; its stderr goes to an unlinked
 * temporary file (read back when it fails), so a chatty gnuplot can never
 * block us while we write. */
#include "plots/plots.h"
#include "base/err.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

void plots_quote(struct sb *b, const char *s)
{
    sb_addc(b, '\'');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\'') sb_add(b, "''");
        else if (c == '\n') sb_add(b, "\\n");
        else if (c == '\t') sb_addc(b, ' ');
        else if (c < 0x20 || c == 0x7f) sb_addc(b, '?');
        else sb_addc(b, (char)c);
    }
    sb_addc(b, '\'');
}

int plots_have_gnuplot(void)
{
    return util_on_path("gnuplot");
}

/* The first lines of what gnuplot wrote to stderr, on one line. */
static void read_messages(int fd, struct sb *out)
{
    char buf[2048];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return;
    buf[n] = 0;
    int lines = 0;
    for (char *p = buf; *p && lines < 4;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        while (len && (p[len - 1] == '\r' || p[len - 1] == ' ')) len--;
        const char *q = p;
        while (len && *q == ' ') q++, len--;
        if (len && strspn(q, "^ ") < len) {
            if (out->len) sb_add(out, " | ");
            sb_addn(out, q, len);
            lines++;
        }
        if (!nl) break;
        p = nl + 1;
    }
}

int plots_gnuplot(const char *script, size_t len, const char *dir, int out_fd, struct err *e)
{
    char tmpl[] = "/tmp/sweep-gnuplot-XXXXXX";
    int errfd = mkstemp(tmpl);
    if (errfd < 0) return err_errno(e, "gnuplot: temporary file");
    unlink(tmpl);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        close(errfd);
        return err_errno(e, "gnuplot: pipe");
    }
    int nullfd = -1;
    if (out_fd < 0) {
        nullfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        out_fd = nullfd;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_adddup2(&fa, p[0], 0);
    if (out_fd >= 0) posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, errfd, 2);
    if (dir) posix_spawn_file_actions_addchdir_np(&fa, dir);
    sigset_t def, none;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    char *argv[] = {"gnuplot", NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "gnuplot", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(p[0]);
    if (nullfd >= 0) close(nullfd);
    if (rc) {
        close(p[1]);
        close(errfd);
        errno = rc;
        return err_errno(e, "cannot start gnuplot");
    }
    /* gnuplot may stop reading early (an error ends a script): EPIPE, not SIGPIPE. */
    struct sigaction ign = {0}, old;
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(p[1], script + off, len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += (size_t)n;
    }
    close(p[1]);
    sigaction(SIGPIPE, &old, NULL);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            close(errfd);
            return err_errno(e, "gnuplot: wait");
        }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        close(errfd);
        return 0;
    }
    struct sb m;
    sb_init(&m);
    read_messages(errfd, &m);
    close(errfd);
    if (WIFSIGNALED(st)) err_set(e, "gnuplot was killed by signal %d%s%s", WTERMSIG(st),
                                 m.len ? ": " : "", sb_str(&m));
    else err_set(e, "gnuplot failed (exit %d)%s%s", WEXITSTATUS(st), m.len ? ": " : "",
                 sb_str(&m));
    sb_release(&m);
    return -1;
}
