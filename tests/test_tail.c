/* Following a log by offset: line ends, partial lines, escapes. */
#include "sweep/ingest/tail.h"
#include "base/util.h"
#include "tests/check.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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

static void a_log_read_by_offset_through_every_misadventure(void)
{
    char dir[] = "/tmp/sweep-tail-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/log", dir);
    sb_init(&got);

    /* a missing file reads as empty */
    struct tail_pos pos = {0};
    CHECK_INT_EQ(tail_read(path, &pos, 0, on_line, NULL, NULL), TAIL_MISSING);

    const char *a = "one\ntwo\r\nbar 10%\rbar 50%\rbar 100%\npart";
    append(path, a, strlen(a));
    CHECK_INT_EQ(tail_read(path, &pos, 0, on_line, NULL, NULL), TAIL_OK);
    CHECK_STR_EQ(sb_str(&got), "one|two|bar 10%|bar 50%|bar 100%|");
    CHECK_INT_EQ(pos.offset, (long long)strlen(a) - 4); /* the partial line waits */
    sb_reset(&got);
    append(path, "ial\n", 4);
    tail_read(path, &pos, 0, on_line, NULL, NULL);
    CHECK_STR_EQ(sb_str(&got), "partial|");
    sb_reset(&got);

    /* ANSI colours, cursor moves, OSC titles and stray controls go */
    const char *b = "\033[1m\033[32mloss=0.5\033[0m\033[K\033]0;title\007 ok\bx\033(B\n";
    append(path, b, strlen(b));
    tail_read(path, &pos, 0, on_line, NULL, NULL);
    CHECK_STR_EQ(sb_str(&got), "loss=0.5 okx|");
    sb_reset(&got);

    /* control bytes at every offset within the 8-byte words that are
     * checked at once; DEL and UTF-8 (bytes >= 0x80) */
    for (int k = 0; k < 9; k++) {
        struct sb in, want;
        sb_init(&in);
        sb_init(&want);
        for (int i = 0; i < k; i++) sb_addc(&in, 'a'), sb_addc(&want, 'a');
        sb_add(&in, "\033[31m\177b\xe2\x94\x81" "c\n");
        sb_add(&want, "b\xe2\x94\x81" "c|");
        append(path, in.buf, in.len);
        tail_read(path, &pos, 0, on_line, NULL, NULL);
        CHECK_STR_EQ(sb_str(&got), sb_str(&want));
        sb_reset(&got);
        sb_release(&in);
        sb_release(&want);
    }

    /* a line across two reads (64 KiB): its escape in the first part is
     * still removed, and a clean line after it is untouched */
    {
        size_t n = 70000;
        char *big = xmalloc(n + 16);
        memset(big, 'x', n);
        memcpy(big + 65530, "\033[1m", 4); /* straddles the read boundary */
        memcpy(big + n, "\nclean\n", 7);
        append(path, big, n + 7);
        tail_read(path, &pos, 0, on_line, NULL, NULL);
        CHECK_INT_EQ(got.len, n - 4 + 1 + 6);
        CHECK(memchr(got.buf, '\033', got.len) == NULL);
        CHECK_STR_EQ(got.buf + got.len - 7, "|clean|");
        sb_reset(&got);
        free(big);
    }

    /* no final newline: delivered only when final */
    append(path, "last", 4);
    long long off = pos.offset;
    tail_read(path, &pos, 0, on_line, NULL, NULL);
    CHECK_INT_EQ(pos.offset, off);
    CHECK_STR_EQ(sb_str(&got), "");
    tail_read(path, &pos, 1, on_line, NULL, NULL);
    CHECK_STR_EQ(sb_str(&got), "last|");
    sb_reset(&got);

    /* a file shorter than the offset was truncated: start again */
    CHECK(truncate(path, 0) == 0);
    append(path, "new\n", 4);
    CHECK_INT_EQ(tail_read(path, &pos, 0, on_line, NULL, NULL), TAIL_TRUNCATED);
    CHECK_INT_EQ(pos.offset, 4);
    CHECK_STR_EQ(sb_str(&got), "new|");
    sb_reset(&got);

    /* another file at the path (a new inode): read from its start */
    char *other = xasprintf("%s/other", dir);
    append(other, "x=1\ny=2\n", 8);
    CHECK(rename(other, path) == 0);
    free(other);
    CHECK_INT_EQ(tail_read(path, &pos, 0, on_line, NULL, NULL), TAIL_REPLACED);
    CHECK_STR_EQ(sb_str(&got), "x=1|y=2|");
    sb_reset(&got);

    /* a line longer than TAIL_MAX_LINE is cut, and the next line is intact */
    size_t big = TAIL_MAX_LINE + 100000;
    char *huge = xmalloc(big + 1);
    memset(huge, 'a', big);
    huge[big] = '\n';
    append(path, huge, big + 1);
    append(path, "after\n", 6);
    tail_read(path, &pos, 0, on_line, NULL, NULL);
    CHECK_INT_EQ(got.len, TAIL_MAX_LINE + 1 + 6);
    CHECK(!strcmp(got.buf + got.len - 6, "after|"));
    sb_reset(&got);

    /* ... and it is not read again while its end has not come: 16 MB, in parts */
    long long before = pos.offset;
    for (int i = 0; i < 8; i++) {
        append(path, huge, big); /* no newline */
        tail_read(path, &pos, 0, on_line, NULL, NULL);
        CHECK_INT_EQ(pos.offset, before + (long long)big * (i + 1)); /* consumed, skipping */
    }
    CHECK_INT_EQ(got.len, TAIL_MAX_LINE + 1); /* handed out once, cut */
    CHECK_INT_EQ(pos.skipping, 1);
    sb_reset(&got);
    append(path, "tail\nok=1\n", 10);
    tail_read(path, &pos, 0, on_line, NULL, NULL);
    CHECK_STR_EQ(sb_str(&got), "ok=1|");
    CHECK_INT_EQ(pos.skipping, 0);
    free(huge);

    sb_release(&got);
    unlink(path);
    rmdir(dir);
    free(path);
}

static size_t stamp(const char *s)
{
    return tail_stamp(s, strlen(s));
}

static void timestamp_prefixes(void)
{
    CHECK_INT_EQ(stamp("2024-12-22T13:11:04.123456789Z loss=1"), 31);
    CHECK_INT_EQ(stamp("2024-12-22 13:11:04 loss=1"), 20);
    CHECK_INT_EQ(stamp("2024-12-22 13:11:04,123 INFO x"), 24); /* Python logging's asctime */
    CHECK_INT_EQ(stamp("2024-12-22T13:11:04+01:00 x"), 26);
    CHECK_INT_EQ(stamp("2024-12-22T13:11:04-0500 x"), 25);
    CHECK_INT_EQ(stamp("2024-12-22T13:11:04Z   1/3  2.61G"), 21); /* one space: columns kept */
    /* not stamps */
    CHECK_INT_EQ(stamp("2024-12-22T13:11:04Z"), 0); /* nothing after it */
    CHECK_INT_EQ(stamp("2024-12-22 13:11:04,0.5,0.6"), 0);  /* a CSV row */
    CHECK_INT_EQ(stamp("2024-12-22 loss=1"), 0);
    CHECK_INT_EQ(stamp("epoch 2024-12-22 13:11:04 x"), 0);
    CHECK_INT_EQ(stamp("2024-12-22T13:11:04. x"), 0);
    CHECK_INT_EQ(stamp("20x4-12-22T13:11:04 x"), 0);
}

static const struct check_case cases[] = {CASE(a_log_read_by_offset_through_every_misadventure),
                                          CASE(timestamp_prefixes)};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
