/* util.c - memory, growable strings, files, time, SHA-256. */
#include "base/util.h"
#include "base/err.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void oom(size_t n)
{
    fprintf(stderr, "sweep: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xgrow_index(void *p, size_t *n, size_t i, size_t elem)
{
    if (i < *n) return p;
    size_t want = i + 64;
    p = xrealloc(p, want * elem);
    memset((char *)p + *n * elem, 0, (want - *n) * elem);
    *n = want;
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, again);
    va_end(again);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void sb_init(struct sb *b)
{
    b->buf = NULL;
    b->len = 0;
    b->cap = 0;
}

void sb_release(struct sb *b)
{
    free(b->buf);
    sb_init(b);
}

void sb_reset(struct sb *b)
{
    b->len = 0;
    if (b->buf) b->buf[0] = '\0';
}

char *sb_detach(struct sb *b)
{
    char *p = b->buf ? b->buf : xstrdup("");
    sb_init(b);
    return p;
}

const char *sb_str(struct sb *b)
{
    return b->buf ? b->buf : "";
}

static void grow(struct sb *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->buf = xrealloc(b->buf, cap);
    b->cap = cap;
}

void sb_addn(struct sb *b, const char *s, size_t n)
{
    grow(b, n);
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

void sb_add(struct sb *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

void sb_addc(struct sb *b, char c)
{
    sb_addn(b, &c, 1);
}

void sb_addf(struct sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *util_read_file(const char *path, size_t *len, struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_errno(e, "%s", path), NULL;
    struct sb b;
    sb_init(&b);
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) continue;
            err_errno(e, "read %s", path);
            close(fd);
            sb_release(&b);
            return NULL;
        }
        if (n == 0) break;
        sb_addn(&b, chunk, (size_t)n);
    }
    close(fd);
    if (len) *len = b.len;
    return sb_detach(&b);
}

int util_write_atomic(const char *path, const char *data, size_t len, struct err *e)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        err_errno(e, "create %s", tmp);
        free(tmp);
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            err_errno(e, "write %s", tmp);
            close(fd);
            unlink(tmp);
            free(tmp);
            return -1;
        }
        off += (size_t)n;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        err_errno(e, "write %s", path);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int util_mkdirs(const char *path, struct err *e)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            err_errno(e, "mkdir %s", p);
            free(p);
            return -1;
        }
        *s = '/';
    }
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        err_errno(e, "mkdir %s", p);
        free(p);
        return -1;
    }
    free(p);
    return 0;
}

double util_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double util_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double util_parse_duration(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v < 0) return -1;
    while (*end == ' ') end++;
    double mul = 1;
    if (*end == '\0' || !strcmp(end, "s")) mul = 1;
    else if (!strcmp(end, "ms")) mul = 0.001;
    else if (!strcmp(end, "m") || !strcmp(end, "min")) mul = 60;
    else if (!strcmp(end, "h")) mul = 3600;
    else if (!strcmp(end, "d")) mul = 86400;
    else return -1;
    return v * mul;
}

void util_fmt_duration(struct sb *b, double s)
{
    if (s < 0 || !isfinite(s)) {
        sb_add(b, "-");
        return;
    }
    if (s < 60) {
        sb_addf(b, "%.1fs", s);
        return;
    }
    long t = (long)(s + 0.5);
    if (t < 3600) sb_addf(b, "%ldm%02lds", t / 60, t % 60);
    else if (t < 86400) sb_addf(b, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
    else sb_addf(b, "%ldd%02ldh", t / 86400, (t % 86400) / 3600);
}

void util_fmt_num(struct sb *b, double v)
{
    if (isnan(v)) sb_add(b, "nan");
    else if (isinf(v)) sb_add(b, v > 0 ? "inf" : "-inf");
    else sb_addf(b, "%.*g", UTIL_PEOPLE_DIGITS, v == 0 ? 0.0 : v); /* no "-0" */
}

int util_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 99;
    int d[65][65];
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + c < v) v = d[i - 1][j - 1] + c;
            /* a transposition counts as one edit (Damerau) */
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

const char *util_suggest(const char *s, const char *const *words)
{
    const char *best = NULL;
    int bestd = 99;
    size_t ls = strlen(s);
    for (; *words; words++) {
        int d = util_edit_distance(s, *words);
        if (d < bestd) {
            bestd = d;
            best = *words;
        }
    }
    /* close enough: at most a third of the word's letters, and at least one */
    int limit = (int)(ls / 3);
    if (limit < 1) limit = 1;
    if (limit > 3) limit = 3;
    return bestd <= limit ? best : NULL;
}

/* SHA-256 (FIPS 180-4), for the spec hash stored with a sweep. */
static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) +
                      K256[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

void util_sha256_hex(const void *data, size_t len, char out[65])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const unsigned char *p = data;
    size_t n = len;
    while (n >= 64) {
        sha256_block(h, p);
        p += 64;
        n -= 64;
    }
    unsigned char tail[128] = {0};
    memcpy(tail, p, n);
    tail[n] = 0x80;
    size_t tl = n + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) tail[tl - 1 - i] = (unsigned char)(bits >> (8 * i));
    sha256_block(h, tail);
    if (tl == 128) sha256_block(h, tail + 64);
    for (int i = 0; i < 8; i++) sprintf(out + 8 * i, "%08x", h[i]);
    out[64] = '\0';
}

void util_ensure_stdio(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        int n = open("/dev/null", O_RDWR);
        if (n >= 0 && n != fd) {
            dup2(n, fd);
            close(n);
        }
    }
}

double util_parse_size_mib(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0) return -1;
    while (*end == ' ') end++;
    static const struct { const char *unit; double mib; } units[] = {
        {"", 1024},    {"G", 1024},     {"GB", 1024},     {"GiB", 1024}, {"M", 1},
        {"MB", 1},     {"MiB", 1},      {"T", 1048576},   {"TB", 1048576}, {"TiB", 1048576}};
    for (size_t i = 0; i < ARRAY_LEN(units); i++)
        if (!strcmp(end, units[i].unit)) return v * units[i].mib;
    return -1;
}

char *util_which(const char *name, const char *path, const char *cwd)
{
    if (!name || !*name) return NULL;
    if (strchr(name, '/')) {
        char *p = name[0] == '/' || !cwd ? xstrdup(name) : xasprintf("%s/%s", cwd, name);
        if (access(p, X_OK) == 0) return p;
        free(p);
        return NULL;
    }
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        char *p;
        if (n == 0) p = cwd ? xasprintf("%s/%s", cwd, name) : xasprintf("./%s", name);
        else if (path[0] != '/' && cwd) p = xasprintf("%s/%.*s/%s", cwd, (int)n, path, name);
        else p = xasprintf("%.*s/%s", (int)n, path, name);
        struct stat st;
        if (access(p, X_OK) == 0 && stat(p, &st) == 0 && S_ISREG(st.st_mode)) return p;
        free(p);
        path += n;
        if (*path == ':') path++;
    }
    return NULL;
}

int util_on_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        char *p = xasprintf("%.*s/%s", (int)n, n ? path : ".", name);
        int ok = access(p, X_OK) == 0;
        free(p);
        if (ok) return 1;
        path += n;
        if (*path == ':') path++;
    }
    return 0;
}

static size_t utf8_seq(const unsigned char *s, size_t n);

void sb_add_visible(struct sb *b, const char *s)
{
    const unsigned char *c = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t l = c[i] >= 0x80 ? utf8_seq(c + i, n - i) : 1;
        /* C0 and DEL, a byte that is not UTF-8 (a raw 0x9b is CSI to some
         * terminals), and the C1 controls U+0080..U+009F as UTF-8 */
        if (c[i] < 0x20 || c[i] == 0x7f || l == 0 || (l == 2 && c[i] == 0xc2 && c[i + 1] < 0xa0)) {
            for (size_t k = 0; k < (l ? l : 1); k++) sb_addf(b, "\\x%02x", c[i + k]);
            i += l ? l : 1;
            continue;
        }
        for (size_t k = 0; k < l; k++) sb_addc(b, (char)c[i + k]);
        i += l;
    }
}

/* The length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xbf; /* the allowed range of the second byte */
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0) lo = 0xa0;      /* no overlong forms */
        else if (c == 0xed) hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0) lo = 0x90;
        else if (c == 0xf4) hi = 0x8f; /* not past U+10FFFF */
    } else return 0;
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    return len;
}

char *util_utf8_fix(const char *s, size_t n, size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n && u[i] < 0x80) i++; /* the common case: ASCII */
    while (i < n) {
        size_t l = utf8_seq(u + i, n - i);
        if (!l) break;
        i += l;
    }
    if (i == n) return NULL;
    char *out = xmalloc(3 * n + 1); /* at worst each byte becomes three */
    size_t o = 0;
    for (i = 0; i < n;) {
        size_t l = utf8_seq(u + i, n - i);
        if (l) {
            for (size_t k = 0; k < l; k++) out[o++] = s[i + k];
            i += l;
        } else { /* U+FFFD for a byte that is not UTF-8 */
            out[o++] = (char)0xef;
            out[o++] = (char)0xbf;
            out[o++] = (char)0xbd;
            i++;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}
