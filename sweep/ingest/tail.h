/* tail.h - reading a growing log file by offset, line by line.
 *
 * A line ends at '\n' or '\r' (progress bars rewrite a line with '\r'; the
 * last rewrite is the one that counts, and every rewrite is a line here).
 * ANSI escapes and other control characters are removed. A partial last
 * line is not handed out until its end arrives, unless the writer has
 * finished (final), so the offset returned always sits at a line start. */
#ifndef SWEEP_TAIL_H
#define SWEEP_TAIL_H

#include <stddef.h>

struct err;

#define TAIL_MAX_LINE (1 << 20) /* longer lines are cut to this */

typedef void (*tail_line_cb)(const char *line, size_t len, void *ctx);

/* Where reading a file stands. Only offset needs to be durable (it is
 * stored with the rows); the rest is a reader's memory. */
struct tail_pos {
    long long offset;        /* after the last complete line handed out */
    unsigned long long ino;  /* the file's inode when last read; 0 = unknown */
    int skipping;            /* inside a line longer than TAIL_MAX_LINE */
    unsigned char last[16];  /* the bytes just before offset: a file truncated */
    int nlast;               /* and written again to the same length differs */
};

enum tail_event {
    TAIL_OK,
    TAIL_MISSING,    /* the file does not exist (yet, or any more) */
    TAIL_TRUNCATED,  /* shorter than the offset: read again from the start */
    TAIL_REPLACED,   /* another file (inode) at the path: read from its start */
};

/* Reads path from pos->offset to its end and calls cb for every complete
 * line, then moves pos->offset past the last complete one (to the end of
 * the file when final). A line longer than TAIL_MAX_LINE is handed out cut
 * as soon as it is that long; the rest of it is skipped. "-" (standard
 * input) and pipes are read to their end. Returns what happened to the
 * file, or -1 on error. */
int tail_read(const char *path, struct tail_pos *pos, int final, tail_line_cb cb, void *ctx,
              struct err *e);

/* The same, reading no further than offset limit: the complete lines before
 * it (a resumed parser re-learns what it had read). */
int tail_read_upto(const char *path, struct tail_pos *pos, long long limit, tail_line_cb cb,
                   void *ctx, struct err *e);

/* Removes ANSI escape sequences and control characters other than tab, in
 * place; returns the new length. */
size_t tail_clean(char *s, size_t len);
/* The length of a timestamp prefix that `docker logs -t` / `docker compose
 * logs -t` and log collectors put before each line, with the one space
 * after it: "2024-12-22T13:11:04.123456789Z ", "2024-12-22 13:11:04 ",
 * "2024-12-22T13:11:04+01:00 ". 0 if the line has none. Every line is
 * delivered without it. */
size_t tail_stamp(const char *s, size_t len);

#endif
