/* cpuset.h - sets of CPU cores as Linux writes them ("0-3,8,10-11": the
 * kernel's cpulist format, as in /proc/PID/status's Cpus_allowed_list and
 * taskset -c), and the choice of a trial's cores (resources.cpus,
 * docs/config.md). Pure, apart from cpuset_allowed. */
#ifndef SWEEP_CPUSET_H
#define SWEEP_CPUSET_H

#include <stddef.h>
#include <stdint.h>

#define CPUSET_MAX 1024 /* cores a set can name (glibc's CPU_SETSIZE) */
#define CPUSET_TEXT 4096 /* a buffer any set's list fits in (most are a few bytes) */

struct cpuset {
    uint64_t w[CPUSET_MAX / 64];
};

void cpuset_clear(struct cpuset *s);
void cpuset_add(struct cpuset *s, int cpu);
int cpuset_has(const struct cpuset *s, int cpu);
int cpuset_count(const struct cpuset *s);
/* a |= b; a &= ~b */
void cpuset_or(struct cpuset *a, const struct cpuset *b);
void cpuset_minus(struct cpuset *a, const struct cpuset *b);
/* "0-3,8": 0, or -1 when text is not a CPU list (empty is an empty set). */
int cpuset_parse(const char *text, struct cpuset *s);
/* The list, in buf (size n; 16 bytes per core is always enough). */
void cpuset_format(const struct cpuset *s, char *buf, size_t n);
/* The cores this process may run on (sched_getaffinity). */
int cpuset_allowed(struct cpuset *s);
/* n cores of free for a trial, into out: the lowest run of n adjacent
 * ones when there is one (cores that share caches), else the lowest n. 0,
 * or -1 when free has fewer than n. */
int cpuset_take(const struct cpuset *free, int n, struct cpuset *out);

#endif
