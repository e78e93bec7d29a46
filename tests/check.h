/* check.h - the unit-test harness: CHECK macros that print both sides of a
 * failed comparison, and a summary line "N passed, M failed". Each test
 * program is one ctest test with a timeout. */
#ifndef SWEEP_CHECK_H
#define SWEEP_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) check_((cond), #cond, __FILE__, __LINE__)
#define CHECK_INT_EQ(a, b) check_int_((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STR_EQ(a, b) check_str_((a), (b), #a, __FILE__, __LINE__)
#define CHECK_NEAR(a, b, tol) check_near_((a), (b), (tol), #a, __FILE__, __LINE__)

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

static inline int check_done(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
