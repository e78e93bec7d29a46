/* tail.c - line-by-line reading of trial logs from a stored offset. */
#include "sweep/ingest/tail.h"
#include "base/err.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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

static int digits(const char *s, size_t len, size_t at, size_t n)
{
    if (at + n > len) return 0;
    for (size_t i = at; i < at + n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

size_t tail_stamp(const char *s, size_t len)
{
    /* YYYY-MM-DD[T ]HH:MM:SS */
    if (len < 20 || !digits(s, len, 0, 4) || s[4] != '-' || !digits(s, len, 5, 2) || s[7] != '-' ||
        !digits(s, len, 8, 2) || (s[10] != 'T' && s[10] != ' ') || !digits(s, len, 11, 2) ||
        s[13] != ':' || !digits(s, len, 14, 2) || s[16] != ':' || !digits(s, len, 17, 2))
        return 0;
    size_t i = 19;
    if (i < len && (s[i] == '.' || s[i] == ',')) { /* fraction */
        size_t d = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++;
        if (i == d) return 0;
    }
    if (i < len && s[i] == 'Z') i++;
    else if (i < len && (s[i] == '+' || s[i] == '-') && digits(s, len, i + 1, 2)) { /* offset */
        i += 3;
        if (i < len && s[i] == ':') i++;
        if (!digits(s, len, i, 2)) return 0;
        i += 2;
    }
    if (i >= len || s[i] != ' ') return 0; /* a stamp is followed by the line */
    return i + 1;
}

/* Whether any of the eight bytes in w is below 0x20 or is 0x7f (the bit
 * trick of "Bit Twiddling Hacks": a byte below n sets its high bit in
 * (w - n*0x01..) & ~w & 0x80..; a 0x7f byte is a zero one in w ^ 0x7f..). */
static int has_control(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t d = w ^ (ones * 0x7f);
    return (((w - ones * 0x20) & ~w) | ((d - ones) & ~d)) & highs ? 1 : 0;
}

/* s[len] may be written: it is the line's end (or the sb's spare byte).
 * dirty: the line has a byte below 0x20 (other than tab) or DEL to remove. */
static void deliver(char *s, size_t len, int dirty, tail_line_cb cb, void *ctx)
{
    if (len > TAIL_MAX_LINE) len = TAIL_MAX_LINE;
    size_t n = dirty ? tail_clean(s, len) : len;
    size_t k = tail_stamp(s, n); /* docker logs -t */
    if (n > k) {
        s[n] = '\0';
        cb(s + k, n - k, ctx);
    }
}

static void deliver_sb(struct sb *line, int dirty, tail_line_cb cb, void *ctx)
{
    if (line->len) deliver(line->buf, line->len, dirty, cb, ctx);
    sb_reset(line);
}

/* limit >= 0: read no further than that offset, as if the file ended there */
static int read_range(const char *path, struct tail_pos *pos, int final, long long limit,
                      tail_line_cb cb, void *ctx, struct err *e)
{
    int fd = !strcmp(path, "-") ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return TAIL_MISSING;
        return err_errno(e, "open %s", path);
    }
    struct stat sbuf;
    if (fstat(fd, &sbuf) != 0) {
        close(fd);
        return err_errno(e, "stat %s", path);
    }
    int event = TAIL_OK;
    int regular = S_ISREG(sbuf.st_mode); /* else a pipe or terminal: read to its end */
    if (regular) {
        if (pos->ino && pos->ino != (unsigned long long)sbuf.st_ino) event = TAIL_REPLACED;
        else if (sbuf.st_size < pos->offset) event = TAIL_TRUNCATED;
        else if (pos->nlast && pos->offset >= pos->nlast) {
            unsigned char now[sizeof pos->last];
            if (pread(fd, now, (size_t)pos->nlast, pos->offset - pos->nlast) != pos->nlast ||
                memcmp(now, pos->last, (size_t)pos->nlast))
                event = TAIL_TRUNCATED; /* rewritten under what was read */
        }
        if (event != TAIL_OK) {
            pos->offset = 0;
            pos->skipping = 0;
            pos->nlast = 0;
        }
        pos->ino = (unsigned long long)sbuf.st_ino;
        if (sbuf.st_size == pos->offset) {
            close(fd);
            return event;
        }
    }
    struct sb line;
    sb_init(&line);
    long long at = pos->offset;
    int dirty = 0;        /* the line so far has bytes for tail_clean to remove */
    char buf[65536 + 1];  /* + 1: a line ending at the end of a read gets its NUL */
    for (;;) {
        size_t want = sizeof buf - 1;
        if (limit >= 0 && limit - at < (long long)want) want = limit > at ? (size_t)(limit - at) : 0;
        if (!want) break;
        ssize_t n = regular ? pread(fd, buf, want, at) : read(fd, buf, want);
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
            uint64_t w;
            if (i + 8 <= (size_t)n && (memcpy(&w, buf + i, 8), !has_control(w))) {
                i += 7; /* eight plain bytes at once */
                continue;
            }
            unsigned char c = (unsigned char)buf[i];
            if (c >= 0x20 && c != 0x7f) continue; /* the common case, first */
            if (c != '\n' && c != '\r' && c != '\0') { /* a NUL ends a line too */
                dirty |= c != '\t';
                continue;
            }
            if (pos->skipping) pos->skipping = 0; /* the end of an overlong line */
            else if (line.len) { /* it began in an earlier read */
                sb_addn(&line, buf + start, i - start);
                deliver_sb(&line, dirty, cb, ctx);
            } else if (i > start) {
                deliver(buf + start, i - start, dirty, cb, ctx); /* in place: buf[i] is spent */
            }
            dirty = 0;
            start = i + 1;
            pos->offset = at + (long long)i + 1;
        }
        if (!pos->skipping) {
            sb_addn(&line, buf + start, (size_t)n - start);
            if (line.len >= TAIL_MAX_LINE) { /* hand it out cut; skip the rest */
                line.len = TAIL_MAX_LINE;
                deliver_sb(&line, dirty, cb, ctx);
                dirty = 0;
                pos->skipping = 1;
            }
        }
        at += n;
        if (pos->skipping) pos->offset = at;
    }
    if (final && line.len) {
        deliver_sb(&line, dirty, cb, ctx);
        pos->offset = at;
    }
    if (final) pos->skipping = 0;
    /* remember what lies before the offset, to notice a rewrite next time */
    pos->nlast = 0;
    if (regular && pos->offset > 0) {
        int n = pos->offset < (long long)sizeof pos->last ? (int)pos->offset : (int)sizeof pos->last;
        if (pread(fd, pos->last, (size_t)n, pos->offset - n) == n) pos->nlast = n;
    }
    close(fd);
    sb_release(&line);
    return event;
}

int tail_read(const char *path, struct tail_pos *pos, int final, tail_line_cb cb, void *ctx,
              struct err *e)
{
    return read_range(path, pos, final, -1, cb, ctx, e);
}

int tail_read_upto(const char *path, struct tail_pos *pos, long long limit, tail_line_cb cb,
                   void *ctx, struct err *e)
{
    return read_range(path, pos, 0, limit, cb, ctx, e);
}
