/* cpuset.c - CPU sets (cpuset.h). */
#include "base/cpuset.h"

#include <ctype.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cpuset_clear(struct cpuset *s)
{
    memset(s, 0, sizeof *s);
}

void cpuset_add(struct cpuset *s, int cpu)
{
    if (cpu >= 0 && cpu < CPUSET_MAX) s->w[cpu / 64] |= (uint64_t)1 << (cpu % 64);
}

int cpuset_has(const struct cpuset *s, int cpu)
{
    return cpu >= 0 && cpu < CPUSET_MAX && (s->w[cpu / 64] >> (cpu % 64) & 1);
}

int cpuset_count(const struct cpuset *s)
{
    int n = 0;
    for (size_t i = 0; i < CPUSET_MAX / 64; i++) n += __builtin_popcountll(s->w[i]);
    return n;
}

void cpuset_or(struct cpuset *a, const struct cpuset *b)
{
    for (size_t i = 0; i < CPUSET_MAX / 64; i++) a->w[i] |= b->w[i];
}

void cpuset_minus(struct cpuset *a, const struct cpuset *b)
{
    for (size_t i = 0; i < CPUSET_MAX / 64; i++) a->w[i] &= ~b->w[i];
}

static int number(const char **p)
{
    if (!isdigit((unsigned char)**p)) return -1;
    long v = 0;
    while (isdigit((unsigned char)**p) && v < CPUSET_MAX) v = v * 10 + (*(*p)++ - '0');
    return v < CPUSET_MAX && !isdigit((unsigned char)**p) ? (int)v : -1;
}

int cpuset_parse(const char *text, struct cpuset *s)
{
    cpuset_clear(s);
    const char *p = text;
    while (*p == ' ') p++;
    if (!*p || *p == '\n') return 0;
    for (;;) {
        int a = number(&p), b = a;
        if (a < 0) return -1;
        if (*p == '-') {
            p++;
            if ((b = number(&p)) < a) return -1;
        }
        for (int c = a; c <= b; c++) cpuset_add(s, c);
        if (*p != ',') break;
        p++;
    }
    while (*p == ' ' || *p == '\n') p++;
    return *p ? -1 : 0;
}

void cpuset_format(const struct cpuset *s, char *buf, size_t n)
{
    size_t len = 0;
    if (n) buf[0] = '\0';
    for (int c = 0; c < CPUSET_MAX; c++) {
        if (!cpuset_has(s, c)) continue;
        int e = c;
        while (e + 1 < CPUSET_MAX && cpuset_has(s, e + 1)) e++;
        int w = e > c ? snprintf(buf + len, n - len, "%s%d-%d", len ? "," : "", c, e)
                      : snprintf(buf + len, n - len, "%s%d", len ? "," : "", c);
        if (w < 0 || (size_t)w >= n - len) return; /* cut: n too small */
        len += (size_t)w;
        c = e;
    }
}

int cpuset_allowed(struct cpuset *s)
{
    cpu_set_t set;
    cpuset_clear(s);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    for (int c = 0; c < CPU_SETSIZE && c < CPUSET_MAX; c++)
        if (CPU_ISSET(c, &set)) cpuset_add(s, c);
    return 0;
}

int cpuset_take(const struct cpuset *free, int n, struct cpuset *out)
{
    cpuset_clear(out);
    if (n <= 0 || cpuset_count(free) < n) return -1;
    for (int c = 0; c + n <= CPUSET_MAX; c++) { /* a run of n */
        int k = 0;
        while (k < n && cpuset_has(free, c + k)) k++;
        if (k == n) {
            for (k = 0; k < n; k++) cpuset_add(out, c + k);
            return 0;
        }
        c += k; /* free has a gap at c + k */
    }
    for (int c = 0, k = 0; c < CPUSET_MAX && k < n; c++)
        if (cpuset_has(free, c)) cpuset_add(out, c), k++;
    return 0;
}
