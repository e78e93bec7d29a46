/* util.h - memory, growable strings and small file helpers used everywhere.
 *
 * Out of memory aborts (x*alloc). struct sb is a growable NUL-terminated
 * byte string the caller embeds: sb_init, then sb_add*, then sb_release. */
#ifndef SWEEP_UTIL_H
#define SWEEP_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct err;

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* An array indexed by a number (a trial id) that must hold index i: grown
 * (to i + 64 elements, the new ones zeroed) when it does not; *n is its
 * length in elements of size elem. Returns the array. */
void *xgrow_index(void *p, size_t *n, size_t i, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

struct sb {
    char *buf;  /* always NUL-terminated once anything was added */
    size_t len; /* bytes, without the NUL */
    size_t cap;
};

void sb_init(struct sb *b);
void sb_release(struct sb *b);
void sb_reset(struct sb *b);            /* length 0, keeps the memory */
char *sb_detach(struct sb *b);          /* caller frees; b is re-initialised */
const char *sb_str(struct sb *b);       /* "" when empty */
void sb_addn(struct sb *b, const char *s, size_t n);
void sb_add(struct sb *b, const char *s);
void sb_addc(struct sb *b, char c);
void sb_addf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with control characters as \xNN: C0 (below 0x20), DEL, the C1
 * controls (U+0080..U+009F, as UTF-8), and every byte that is not part of
 * valid UTF-8 (a raw 0x9b is CSI to some terminals): text for a terminal,
 * which an ESC, CSI, \r, \b or newline in a value must not steer; one line
 * stays one line. Valid UTF-8 text (names in any script) stays as it is. */
void sb_add_visible(struct sb *b, const char *s);
/* s (n bytes) as valid UTF-8: NULL when it already is (the caller keeps s),
 * else a new string (caller frees, *out_len its length) in which each byte
 * that is not part of a valid sequence became U+FFFD. */
char *util_utf8_fix(const char *s, size_t n, size_t *out_len);

/* Reads a whole file; *len gets its size. NULL on error. */
char *util_read_file(const char *path, size_t *len, struct err *e);
/* Writes a temp file in the same directory, fsyncs nothing, renames over path. */
int util_write_atomic(const char *path, const char *data, size_t len, struct err *e);
/* mkdir -p. */
int util_mkdirs(const char *path, struct err *e);
/* Seconds since the epoch, with sub-second precision. */
double util_now(void);
/* A monotonic clock, in seconds. */
double util_mono(void);
/* Parses "90", "15s", "2m", "1.5h", "1d" into seconds; -1 when invalid. */
double util_parse_duration(const char *s);
/* Parses a memory size into MiB: "24GiB", "24G", "24GB" (GiB), "1500MiB",
 * "1500M", "1500MB" (MiB), "0.5TiB"; a bare number is GiB. -1 when invalid. */
double util_parse_size_mib(const char *s);
/* Formats seconds as "1h02m", "3m05s", "12.3s". */
void util_fmt_duration(struct sb *b, double s);
/* A number for people: 5 significant digits, no trailing zeros ("0.082782",
 * "1234.6", "1.5e-05"), nan and inf as such. Machines get json_num. */
#define UTIL_PEOPLE_DIGITS 5
void util_fmt_num(struct sb *b, double v);
/* Levenshtein distance, for "did you mean". */
int util_edit_distance(const char *a, const char *b);
/* The closest of the NULL-terminated words to s, or NULL if none is close. */
const char *util_suggest(const char *s, const char *const *words);
/* A hex SHA-256 of data (64 characters + NUL into out). */
void util_sha256_hex(const void *data, size_t len, char out[65]);
/* 1 if an executable called name is in a directory of PATH (an empty or
 * unset PATH: /usr/local/bin:/usr/bin:/bin). */
int util_on_path(const char *name);
/* Where execvp would find name with PATH path (NULL: the default
 * /usr/local/bin:/usr/bin:/bin), as an absolute path when cwd is given for a
 * relative one; a name with a '/' is itself (made absolute). NULL if it is
 * not there or not executable. Caller frees. */
char *util_which(const char *name, const char *path, const char *cwd);
/* Makes sure fds 0, 1 and 2 are open (on /dev/null if they were closed). */
void util_ensure_stdio(void);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
