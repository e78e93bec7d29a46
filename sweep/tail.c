/* tail.c - line-by-line reading of trial logs from a stored offset. */
#include "sweep/tail.h"
#include "sweep/err.h"
#include "sweep/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

size_t tail_clean(char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x1b) {
            if (i + 1 < len && s[i + 1] == '[') { /* CSI: params, intermediates, final */
                i += 2;
                while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x3f) i++;
                /* i now at the final byte (0x40-0x7e), which the loop skips */
            } else if (i + 1 < len && s[i + 1] == ']') { /* OSC: to BEL or ESC \ */
                i += 2;
                while (i < len && s[i] != 0x07 && !(s[i] == 0x1b && i + 1 < len && s[i + 1] == '\\'))
                    i++;
                if (i < len && s[i] == 0x1b) i++;
            } else if (i + 1 < len && strchr("()*+", s[i + 1])) { /* charset: ESC ( B */
                i += 2;
            } else {
                i++; /* ESC and one more byte */
            }
            continue;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f) continue;
        s[o++] = (char)c;
    }
    return o;
}

static void deliver(struct sb *line, tail_line_cb cb, void *ctx)
{
    size_t n = tail_clean(line->buf ? line->buf : (char *)"", line->len);
    if (n) {
        line->buf[n] = '\0';
        cb(line->buf, n, ctx);
    }
    sb_reset(line);
}

long long tail_read(const char *path, long long offset, int final, tail_line_cb cb, void *ctx,
                    int *restarted, struct err *e)
{
    if (restarted) *restarted = 0;
    int fd = !strcmp(path, "-") ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return offset;
        return err_errno(e, "open %s", path);
    }
    struct stat sbuf;
    if (fstat(fd, &sbuf) != 0) {
        close(fd);
        return err_errno(e, "stat %s", path);
    }
    int regular = S_ISREG(sbuf.st_mode); /* else a pipe or terminal: read to its end */
    if (regular && sbuf.st_size < offset) {
        offset = 0;
        if (restarted) *restarted = 1;
    }
    if (regular && sbuf.st_size == offset) {
        close(fd);
        return offset;
    }
    struct sb line;
    sb_init(&line);
    long long pos = offset, committed = offset;
    int overlong = 0;
    char buf[65536];
    for (;;) {
        ssize_t n = regular ? pread(fd, buf, sizeof buf, pos) : read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            err_errno(e, "read %s", path);
            close(fd);
            sb_release(&line);
            return -1;
        }
        if (n == 0) break;
        size_t start = 0;
        for (size_t i = 0; i < (size_t)n; i++) {
            if (buf[i] != '\n' && buf[i] != '\r') continue;
            if (!overlong) sb_addn(&line, buf + start, i - start);
            deliver(&line, cb, ctx);
            overlong = 0;
            start = i + 1;
            committed = pos + (long long)i + 1;
        }
        if (!overlong) {
            size_t room = TAIL_MAX_LINE > line.len ? TAIL_MAX_LINE - line.len : 0;
            size_t take = (size_t)n - start < room ? (size_t)n - start : room;
            sb_addn(&line, buf + start, take);
            if (take < (size_t)n - start) overlong = 1; /* the rest of the line is dropped */
        }
        pos += n;
    }
    close(fd);
    if (final && (line.len || overlong)) {
        deliver(&line, cb, ctx);
        committed = pos;
    }
    sb_release(&line);
    return committed;
}
