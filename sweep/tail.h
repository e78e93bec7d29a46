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

/* Reads path from offset to its end and calls cb for every complete line.
 * Returns the offset after the last complete line (or the end of the file
 * when final), -1 on error. A missing file reads as empty; "-" (standard
 * input) and pipes are read to their end. If the file is
 * now shorter than offset it was truncated or replaced: reading restarts at
 * 0 and *restarted is set. */
long long tail_read(const char *path, long long offset, int final, tail_line_cb cb, void *ctx,
                    int *restarted, struct err *e);

/* Removes ANSI escape sequences and control characters other than tab, in
 * place; returns the new length. */
size_t tail_clean(char *s, size_t len);

#endif
