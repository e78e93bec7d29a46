/* Following a log by offset: line ends, partial lines, escapes. */
#include "sweep/tail.h"
#include "sweep/util.h"
#include "tests/check.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static struct sb got;

static void on_line(const char *line, size_t len, void *ctx)
{
    (void)ctx;
    sb_addn(&got, line, len);
    sb_addc(&got, '|');
}

static void append(const char *path, const char *s, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    CHECK(write(fd, s, n) == (ssize_t)n);
    close(fd);
}

int main(void)
{
    char dir[] = "/tmp/sweep-tail-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/log", dir);
    sb_init(&got);

    /* a missing file reads as empty */
    CHECK_INT_EQ(tail_read(path, 0, 0, on_line, NULL, NULL, NULL), 0);

    const char *a = "one\ntwo\r\nbar 10%\rbar 50%\rbar 100%\npart";
    append(path, a, strlen(a));
    long long off = tail_read(path, 0, 0, on_line, NULL, NULL, NULL);
    CHECK_STR_EQ(sb_str(&got), "one|two|bar 10%|bar 50%|bar 100%|");
    CHECK_INT_EQ(off, (long long)strlen(a) - 4); /* the partial line waits */
    sb_reset(&got);
    append(path, "ial\n", 4);
    off = tail_read(path, off, 0, on_line, NULL, NULL, NULL);
    CHECK_STR_EQ(sb_str(&got), "partial|");
    sb_reset(&got);

    /* ANSI colours, cursor moves, OSC titles and stray controls go */
    const char *b = "\033[1m\033[32mloss=0.5\033[0m\033[K\033]0;title\007 ok\bx\033(B\n";
    append(path, b, strlen(b));
    off = tail_read(path, off, 0, on_line, NULL, NULL, NULL);
    CHECK_STR_EQ(sb_str(&got), "loss=0.5 okx|");
    sb_reset(&got);

    /* no final newline: delivered only when final */
    append(path, "last", 4);
    long long off2 = tail_read(path, off, 0, on_line, NULL, NULL, NULL);
    CHECK_INT_EQ(off2, off);
    CHECK_STR_EQ(sb_str(&got), "");
    off2 = tail_read(path, off, 1, on_line, NULL, NULL, NULL);
    CHECK_STR_EQ(sb_str(&got), "last|");
    sb_reset(&got);

    /* a file shorter than the offset was truncated: start again */
    int restarted = 0;
    CHECK(truncate(path, 0) == 0);
    append(path, "new\n", 4);
    off = tail_read(path, off2, 0, on_line, NULL, &restarted, NULL);
    CHECK_INT_EQ(restarted, 1);
    CHECK_INT_EQ(off, 4);
    CHECK_STR_EQ(sb_str(&got), "new|");
    sb_reset(&got);

    /* a line longer than TAIL_MAX_LINE is cut, and the next line is intact */
    size_t big = TAIL_MAX_LINE + 100000;
    char *huge = xmalloc(big + 1);
    memset(huge, 'a', big);
    huge[big] = '\n';
    append(path, huge, big + 1);
    append(path, "after\n", 6);
    free(huge);
    off = tail_read(path, off, 0, on_line, NULL, NULL, NULL);
    CHECK_INT_EQ(got.len, TAIL_MAX_LINE + 1 + 6);
    CHECK(!strcmp(got.buf + got.len - 6, "after|"));

    sb_release(&got);
    unlink(path);
    rmdir(dir);
    free(path);
    return check_done();
}
