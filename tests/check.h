/* check.h - the unit-test harness. A test program is a table of named
 * cases; check_main runs each case in a child process of its own (as libuv
 * does), with a timeout, so that a crash or a hang is that case's failure
 * and the others still run. A case fails when a check in it fails, when it
 * crashes or times out, and when it ran no check at all. CHECK macros print
 * both sides of a failed comparison; the summary is "N passed, M failed"
 * (of cases). `test_x NAME...` runs only those cases.
 *
 *   static void parses_empty_map(void) { CHECK_INT_EQ(...); }
 *   static const struct check_case cases[] = {CASE(parses_empty_map), ...};
 *   int main(int argc, char **argv) { return check_main(cases, CHECK_N(cases), argc, argv); }
 */
#ifndef SWEEP_CHECK_H
#define SWEEP_CHECK_H

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CHECK_TIMEOUT_S
#define CHECK_TIMEOUT_S 30 /* per case */
#endif

static int check_passed, check_failed;

#define CHECK(cond) check_((cond), #cond, __FILE__, __LINE__)
#define CHECK_INT_EQ(a, b) check_int_((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STR_EQ(a, b) check_str_((a), (b), #a, __FILE__, __LINE__)
#define CHECK_NEAR(a, b, tol) check_near_((a), (b), (tol), #a, __FILE__, __LINE__)

struct check_case {
    const char *name;
    void (*fn)(void);
};
#define CASE(fn) {#fn, fn}
#define CHECK_N(cases) (sizeof(cases) / sizeof((cases)[0]))

static inline int check_(int ok, const char *expr, const char *file, int line)
{
    if (ok) check_passed++;
    else {
        check_failed++;
        fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, expr);
    }
    return ok;
}

static inline int check_int_(long long a, long long b, const char *ea, const char *eb,
                             const char *file, int line)
{
    if (a == b) {
        check_passed++;
        return 1;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: FAILED: %s == %s (%lld vs %lld)\n", file, line, ea, eb, a, b);
    return 0;
}

static inline int check_str_(const char *a, const char *b, const char *ea, const char *file,
                             int line)
{
    if (a && b && !strcmp(a, b)) {
        check_passed++;
        return 1;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: FAILED: %s is \"%s\", expected \"%s\"\n", file, line, ea,
            a ? a : "(null)", b ? b : "(null)");
    return 0;
}

static inline int check_near_(double a, double b, double tol, const char *ea, const char *file,
                              int line)
{
    if (a == b || fabs(a - b) <= tol || (isnan(a) && isnan(b))) {
        check_passed++;
        return 1;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: FAILED: %s is %.17g, expected %.17g (+-%g)\n", file, line, ea, a, b,
            tol);
    return 0;
}

/* Runs one case in a child; 1 if it passed. */
static inline int check_case_run(const struct check_case *c)
{
    int fds[2];
    if (pipe(fds) != 0) return 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        alarm(CHECK_TIMEOUT_S);
        c->fn();
        int counts[2] = {check_passed, check_failed};
        ssize_t w = write(fds[1], counts, sizeof counts);
        (void)w;
        exit(0); /* not _exit: LeakSanitizer checks the case at exit */
    }
    close(fds[1]);
    int counts[2] = {0, 0}, ws = 0;
    ssize_t got = pid > 0 ? read(fds[0], counts, sizeof counts) : -1;
    close(fds[0]);
    if (pid > 0) waitpid(pid, &ws, 0);
    const char *why = NULL;
    char buf[64];
    if (pid < 0) why = "could not fork";
    else if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGALRM) {
        snprintf(buf, sizeof buf, "timed out after %d s", CHECK_TIMEOUT_S);
        why = buf;
    } else if (WIFSIGNALED(ws)) {
        snprintf(buf, sizeof buf, "crashed (signal %d)", WTERMSIG(ws));
        why = buf;
    } else if (got != (ssize_t)sizeof counts || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
        why = "exited before it finished";
    else if (counts[1]) {
        snprintf(buf, sizeof buf, "%d of %d checks failed", counts[1], counts[0] + counts[1]);
        why = buf;
    } else if (counts[0] == 0) why = "ran no check";
    if (why) fprintf(stderr, "case %s: FAILED: %s\n", c->name, why);
    return why == NULL;
}

static inline int check_main(const struct check_case *cases, size_t n, int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        int want = argc <= 1;
        for (int a = 1; a < argc; a++) want |= !strcmp(argv[a], cases[i].name);
        if (!want) continue;
        if (check_case_run(&cases[i])) passed++;
        else failed++;
    }
    if (passed + failed == 0) {
        fprintf(stderr, "no case ran\n");
        failed = 1;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif
