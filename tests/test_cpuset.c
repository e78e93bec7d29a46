/* CPU sets (base/cpuset.h): the kernel's list format both ways, and the
 * choice of a trial's cores. */
#include "base/cpuset.h"
#include "tests/check.h"

#include <string.h>

static const char *fmt(const struct cpuset *s)
{
    static char buf[256];
    cpuset_format(s, buf, sizeof buf);
    return buf;
}

static void lists_read_and_written_as_linux_does(void)
{
    struct cpuset s;
    CHECK_INT_EQ(cpuset_parse("0-3,8,10-11\n", &s), 0);
    CHECK_INT_EQ(cpuset_count(&s), 7);
    CHECK_STR_EQ(fmt(&s), "0-3,8,10-11");
    CHECK_INT_EQ(cpuset_parse("", &s), 0);
    CHECK_INT_EQ(cpuset_count(&s), 0);
    CHECK_STR_EQ(fmt(&s), "");
    CHECK_INT_EQ(cpuset_parse("5", &s), 0);
    CHECK_STR_EQ(fmt(&s), "5");
    CHECK_INT_EQ(cpuset_parse("1023", &s), 0);
    CHECK_INT_EQ(cpuset_has(&s, 1023), 1);
    const char *bad[] = {"3-1", "1,", "a", "1-", "-1", "1 2", "1024", "0-99999999999", NULL};
    for (const char **b = bad; *b; b++) CHECK_INT_EQ(cpuset_parse(*b, &s), -1);
    char small[4];
    CHECK_INT_EQ(cpuset_parse("0-3,8", &s), 0);
    cpuset_format(&s, small, sizeof small); /* cut, never overrun */
    CHECK(strlen(small) < sizeof small);
}

static void a_trials_cores_are_adjacent_when_they_can_be(void)
{
    struct cpuset free, out;
    cpuset_parse("0,2-5,7", &free);
    CHECK_INT_EQ(cpuset_take(&free, 3, &out), 0);
    CHECK_STR_EQ(fmt(&out), "2-4");
    CHECK_INT_EQ(cpuset_take(&free, 1, &out), 0);
    CHECK_STR_EQ(fmt(&out), "0");
    cpuset_parse("0,2,4,6", &free); /* no run of 2: the lowest 2 */
    CHECK_INT_EQ(cpuset_take(&free, 2, &out), 0);
    CHECK_STR_EQ(fmt(&out), "0,2");
    CHECK_INT_EQ(cpuset_take(&free, 5, &out), -1);
    /* taken cores are not free for the next trial */
    cpuset_parse("0-7", &free);
    for (int i = 0; i < 4; i++) {
        CHECK_INT_EQ(cpuset_take(&free, 2, &out), 0);
        cpuset_minus(&free, &out);
    }
    CHECK_INT_EQ(cpuset_count(&free), 0);
    CHECK_STR_EQ(fmt(&out), "6-7");
}

static void this_process_has_cores(void)
{
    struct cpuset s;
    CHECK_INT_EQ(cpuset_allowed(&s), 0);
    CHECK(cpuset_count(&s) >= 1);
}

static const struct check_case cases[] = {
    CASE(lists_read_and_written_as_linux_does),
    CASE(a_trials_cores_are_adjacent_when_they_can_be),
    CASE(this_process_has_cores),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
