/* The machine ledger (machine/ledger.h): reservations that count every
 * sweep's holds, in one transaction; a whole GPU; holds released and
 * grown; dead holders reclaimed by identity only; a damaged or replaced
 * file. Two handles on one file stand for two sweep processes. */
#include "machine/ledger.h"
#include "base/err.h"
#include "base/util.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static struct ledger *open_here(void)
{
    struct err e = {0};
    struct ledger *l = ledger_open(dir, &e);
    if (!l) fprintf(stderr, "ledger_open: %s\n", e.msg);
    return l;
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/sweep-ledger-XXXXXX");
    if (!mkdtemp(dir)) abort();
}

static struct ledger_hold hold(const char *sweep, long long trial, int gpu, double mib)
{
    return (struct ledger_hold){.dir = (char *)sweep, .trial = trial, .uid = 1000,
                                .user = "alice", .gpu = gpu, .mib = mib, .holder_pid = 100,
                                .holder_start = 1};
}

static double held(struct ledger *l, int gpu)
{
    struct ledger_view v;
    double sum = 0;
    if (ledger_view(l, &v, NULL)) return -1;
    for (size_t i = 0; i < v.nholds; i++)
        if (v.holds[i].gpu == gpu) sum += v.holds[i].mib;
    ledger_view_release(&v);
    return sum;
}

static void two_sweeps_share_one_gpu(void)
{
    setup();
    struct ledger *a = open_here(), *b = open_here();
    CHECK(a && b);
    if (!a || !b) return;
    struct err e = {0};
    struct ledger_hold h;
    /* 23.5 GiB usable: two 10 GiB trials fit, the third does not, whoever asks */
    h = hold("/s/a", 0, 0, 10240);
    CHECK_INT_EQ(ledger_reserve(a, &h, 24064, 0, &e), 1);
    h = hold("/s/b", 0, 0, 10240);
    CHECK_INT_EQ(ledger_reserve(b, &h, 24064, 0, &e), 1);
    h = hold("/s/a", 1, 0, 10240);
    CHECK_INT_EQ(ledger_reserve(a, &h, 24064, 0, &e), 0);
    /* what nvidia-smi shows of strangers counts too */
    h = hold("/s/b", 1, 1, 10240);
    CHECK_INT_EQ(ledger_reserve(b, &h, 24064, 20000, &e), 0);
    CHECK_INT_EQ(ledger_reserve(b, &h, 24064, 2000, &e), 1);
    CHECK_NEAR(held(a, 0), 20480, 1e-6);
    /* a trial ends: its memory is the next one's */
    CHECK_INT_EQ(ledger_release(b, "/s/b", 0, &e), 0);
    h = hold("/s/a", 1, 0, 10240);
    CHECK_INT_EQ(ledger_reserve(a, &h, 24064, 0, &e), 1);
    /* its peak grows past its estimate */
    CHECK_INT_EQ(ledger_grow(a, "/s/a", 1, 12000, 4242, &e), 0);
    CHECK_NEAR(held(b, 0), 22240, 1e-6);
    CHECK_INT_EQ(ledger_grow(a, "/s/a", 1, 9000, 0, &e), 0); /* never shrinks */
    CHECK_NEAR(held(b, 0), 22240, 1e-6);
    ledger_close(a);
    ledger_close(b);
}

static void a_whole_gpu_is_alone(void)
{
    setup();
    struct ledger *a = open_here();
    CHECK(a != NULL);
    if (!a) return;
    struct ledger_hold h = hold("/s/a", 0, 0, 0);
    h.whole = 1;
    CHECK_INT_EQ(ledger_reserve(a, &h, 24064, 0, NULL), 1);
    struct ledger_hold small = hold("/s/b", 0, 0, 100);
    CHECK_INT_EQ(ledger_reserve(a, &small, 24064, 0, NULL), 0);
    ledger_release(a, "/s/a", 0, NULL);
    CHECK_INT_EQ(ledger_reserve(a, &small, 24064, 0, NULL), 1);
    CHECK_INT_EQ(ledger_reserve(a, &h, 24064, 0, NULL), 0);
    ledger_close(a);
}

/* pids 100 (a sweep) and 200 (a supervisor) are "alive" as the test says */
static int alive_now[1000];
static int alive(long pid, long long start)
{
    return pid > 0 && pid < 1000 && start == 1 && alive_now[pid];
}

static void dead_holders_are_reclaimed_by_identity(void)
{
    setup();
    struct ledger *a = open_here();
    CHECK(a != NULL);
    if (!a) return;
    struct ledger_sweep w = {.dir = "/s/a", .uid = 1000, .user = "alice", .pid = 100,
                             .pid_start = 1, .method = "grid"};
    CHECK_INT_EQ(ledger_register(a, &w, NULL), 0);
    struct ledger_hold h0 = hold("/s/a", 0, 0, 1000), h1 = hold("/s/a", 1, 0, 1000);
    ledger_reserve(a, &h0, 24064, 0, NULL);
    ledger_reserve(a, &h1, 24064, 0, NULL);
    ledger_started(a, "/s/a", 0, 200, 1, 0, NULL); /* trial 0's supervisor: 200 */
    alive_now[100] = alive_now[200] = 1;
    CHECK_INT_EQ(ledger_reclaim(a, alive, NULL), 0);
    /* the sweep dies (kill -9): trial 0 runs on and keeps its hold, trial 1
     * never started and goes */
    alive_now[100] = 0;
    CHECK_INT_EQ(ledger_reclaim(a, alive, NULL), 1);
    CHECK_NEAR(held(a, 0), 1000, 1e-6);
    /* a resume takes it over: new holder */
    struct ledger_hold again = h0;
    again.holder_pid = 300;
    again.sup_pid = 200;
    again.sup_start = 1;
    alive_now[300] = 1;
    CHECK_INT_EQ(ledger_hold(a, &again, NULL), 0);
    alive_now[200] = 0; /* the trial ends while its resumed sweep lives: not reclaimed */
    CHECK_INT_EQ(ledger_reclaim(a, alive, NULL), 0);
    alive_now[300] = 0; /* and that sweep dies too */
    CHECK_INT_EQ(ledger_reclaim(a, alive, NULL), 1);
    CHECK_NEAR(held(a, 0), 0, 1e-6);
    struct ledger_view v;
    CHECK_INT_EQ(ledger_view(a, &v, NULL), 0);
    CHECK_INT_EQ(v.nsweeps, 0); /* its dead, empty row went too */
    ledger_view_release(&v);
    ledger_close(a);
}

static void a_damaged_or_replaced_file_is_made_anew(void)
{
    setup();
    char *path = xasprintf("%s/" LEDGER_FILE, dir);
    FILE *f = fopen(path, "w");
    fputs("this is not a database, it is text of some length to be sure ........\n", f);
    fclose(f);
    struct ledger *a = open_here();
    CHECK(a != NULL);
    char *aside = xasprintf("%s.damaged", path);
    CHECK(access(aside, F_OK) == 0);
    CHECK(a && !ledger_gone(a));
    unlink(path);
    CHECK(a && ledger_gone(a));
    ledger_close(a);
    struct ledger *b = open_here();
    CHECK(b != NULL);
    ledger_close(b);
    free(aside);
    free(path);
}

/* Two sweeps of a user above their share both see bob's wait: only the
 * first to claim it stops a trial; a new wait (bob started a trial and
 * waits again) can be claimed once more; the claims of a sweep that is gone
 * go with it. */
static void one_preemption_per_wait(void)
{
    setup();
    struct ledger *a = open_here(), *a2 = open_here();
    CHECK(a && a2);
    if (!a || !a2) return;
    struct ledger_sweep w = {.dir = "/s/bob", .uid = 1001, .user = "bob", .pid = 101,
                             .pid_start = 1, .method = "grid"};
    CHECK_INT_EQ(ledger_register(a, &w, NULL), 0);
    CHECK_INT_EQ(ledger_claim_preempt(a, "/s/bob", 1000.5, "/s/a", 3, NULL), 1);
    CHECK_INT_EQ(ledger_claim_preempt(a2, "/s/bob", 1000.5, "/s/a2", 7, NULL), 0);
    CHECK_INT_EQ(ledger_claim_preempt(a, "/s/bob", 1000.5, "/s/a", 4, NULL), 0);
    CHECK_INT_EQ(ledger_claim_preempt(a2, "/s/bob", 1010.25, "/s/a2", 7, NULL), 1);
    CHECK_INT_EQ(ledger_unregister(a, "/s/bob", NULL), 0);
    CHECK_INT_EQ(ledger_claim_preempt(a, "/s/bob", 1010.25, "/s/a", 4, NULL), 1);
    CHECK_INT_EQ(ledger_reclaim(a, alive, NULL), 0); /* bob is not registered: his claim goes */
    CHECK_INT_EQ(ledger_claim_preempt(a2, "/s/bob", 1010.25, "/s/a2", 8, NULL), 1);
    ledger_close(a);
    ledger_close(a2);
}

static void no_machine_directory_says_so(void)
{
    struct err e = {0};
    /* its parent is missing too: not made, even by root */
    CHECK(ledger_open("/nonexistent/sweep-machine", &e) == NULL);
    CHECK(strstr(e.msg, "group-writable") != NULL);
}

static const struct check_case cases[] = {
    CASE(two_sweeps_share_one_gpu),
    CASE(a_whole_gpu_is_alone),
    CASE(dead_holders_are_reclaimed_by_identity),
    CASE(a_damaged_or_replaced_file_is_made_anew),
    CASE(one_preemption_per_wait),
    CASE(no_machine_directory_says_so),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
