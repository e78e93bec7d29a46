/* The Slurm executor's pure half (sweep/exec/slurm.h): the sbatch command
 * line, and reading what Slurm 22.05 prints - the outputs below are
 * verbatim from the test cluster (scripts/slurm-cluster.sh) and, for
 * sacct, from ../shared/reference/slurm-test-cluster.md. */
#include "sweep/exec/slurm/slurm.h"
#include "base/err.h"
#include "base/util.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void the_sbatch_line_is_an_argv(void)
{
    char *args[] = {"--exclusive"};
    struct exec_slurm_opts o = {.partition = "gpu", .qos = "normal", .time = 3700, .gpus = 2,
                                .mem = "16G", .cpus = 4, .args = args, .nargs = 1,
                                .tag = "sweep-0123abcd"};
    char *argv[] = {"python3", "train.py", "--lr=it's; rm -rf /", NULL};
    struct exec_spec s = {.trial_dir = "/d/trials/0007", .cwd = "/home/u", .log = "/d/trials/0007/stdout.log",
                          .argv = argv, .trial = 7, .mem_mib = -1};
    char **v = slurm_sbatch_argv(&o, &s, "/d/trials/0007/job.sh", NULL);
    const char *want[] = {"sbatch", "--parsable", "--job-name=sweep-0123abcd-7",
                          "--comment=sweep trial 7 of sweep-0123abcd",
                          "--output=/d/trials/0007/stdout.log", "--open-mode=append",
                          "--chdir=/home/u", "--no-requeue", "--partition=gpu", "--qos=normal",
                          "--time=0-01:02:00", "--gres=gpu:2", "--mem=16G", "--cpus-per-task=4",
                          "--exclusive", "/d/trials/0007/job.sh", "/d/trials/0007", "/home/u",
                          "--", "python3", "train.py", "--lr=it's; rm -rf /", NULL};
    size_t i = 0;
    for (; want[i] && v[i]; i++) CHECK_STR_EQ(v[i], want[i]);
    CHECK(want[i] == NULL && v[i] == NULL);
    exec_free_strv(v);
}

static void shards_follow_the_memory_estimate(void)
{
    struct exec_slurm_opts o = {.gpus = 1, .share_shard = 1, .shards_per_gpu = 8,
                                .gpu_mib = 81920, .tag = "t"};
    char *argv[] = {"x", NULL};
    struct exec_spec s = {.trial_dir = "/d", .cwd = "/", .log = "/d/l", .argv = argv,
                          .mem_mib = 20000};
    char **v = slurm_sbatch_argv(&o, &s, "/d/job.sh", NULL);
    int found = 0;
    for (size_t i = 0; v[i]; i++)
        if (!strcmp(v[i], "--gres=shard:2")) found = 1; /* 20000 / 81920 of 8, up */
    CHECK(found);
    exec_free_strv(v);
    s.mem_mib = -1; /* no estimate: a whole GPU's shards */
    v = slurm_sbatch_argv(&o, &s, "/d/job.sh", NULL);
    found = 0;
    for (size_t i = 0; v[i]; i++)
        if (!strcmp(v[i], "--gres=shard:8")) found = 1;
    CHECK(found);
    exec_free_strv(v);
}

static void time_limits_round_up_to_minutes(void)
{
    char b[32];
    slurm_fmt_time(b, sizeof b, 30);
    CHECK_STR_EQ(b, "0-00:01:00");
    slurm_fmt_time(b, sizeof b, 3 * 86400 + 3600 * 5 + 61);
    CHECK_STR_EQ(b, "3-05:02:00");
}

static void sbatch_answers(void)
{
    CHECK_INT_EQ(slurm_parse_jobid("42\n"), 42);
    CHECK_INT_EQ(slurm_parse_jobid("42;ci\n"), 42);
    CHECK_INT_EQ(slurm_parse_jobid("sbatch: warning: can't honor --ntasks-per-node\n1234\n"), 1234);
    CHECK_INT_EQ(slurm_parse_jobid(""), -1);
    struct sb b;
    sb_init(&b);
    slurm_error_line("sbatch: error: Batch job submission failed: Requested node configuration "
                     "is not available\n",
                     &b);
    CHECK_STR_EQ(b.buf, "Requested node configuration is not available");
    b.len = 0;
    slurm_error_line("sbatch: error: invalid partition specified: nosuch\nsbatch: error: Batch job "
                     "submission failed: Invalid partition name specified\n",
                     &b);
    CHECK_STR_EQ(b.buf, "Invalid partition name specified");
    b.len = 0;
    slurm_error_line("slurm_load_jobs error: Invalid job id specified\n", &b);
    CHECK_STR_EQ(b.buf, "Invalid job id specified");
    sb_release(&b);
}

static void refusals_told_apart(void)
{
    const char *f = "sbatch: error: Batch job submission failed: ";
    struct {
        const char *what;
        enum slurm_refusal want;
    } v[] = {
        {"Socket timed out on send/recv operation", SLURM_REFUSED_UNSURE},
        {"Resource temporarily unavailable", SLURM_REFUSED_UNSURE},
        {"Unable to contact slurm controller (connect failure)", SLURM_REFUSED_BUSY},
        {"Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)",
         SLURM_REFUSED_POLICY},
        {"Invalid account or account/partition combination specified", SLURM_REFUSED_SWEEP},
        {"Invalid partition name specified", SLURM_REFUSED_SWEEP},
        {"Invalid qos specification", SLURM_REFUSED_SWEEP},
        {"Requested node configuration is not available", SLURM_REFUSED_JOB},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char out[300];
        snprintf(out, sizeof out, "%s%s\n", f, v[i].what);
        CHECK_INT_EQ(slurm_refusal(out), v[i].want);
    }
    struct sb b;
    sb_init(&b);
    slurm_output_path(&b, "/runs/50%off/trials/0001/stdout.log");
    CHECK_STR_EQ(sb_str(&b), "/runs/50%%off/trials/0001/stdout.log");
    sb_release(&b);
}

static void squeue_rows(void)
{
    const char *out = "5|PENDING|Resources|sweep-00b10867-4\n"
                      "1|RUNNING|None|sweep-00b10867-0\n"
                      "3|COMPLETED|None|sweep-00b10867-2\n"
                      "21_[4-5%2]|PENDING|JobArrayTaskLimit|wrap\n";
    struct slurm_row *r;
    size_t n = slurm_parse_rows(out, 0, &r);
    CHECK_INT_EQ(n, 3); /* the array row is not one of ours */
    CHECK_INT_EQ(r[0].id, 5);
    CHECK_STR_EQ(r[0].state, "PENDING");
    CHECK_STR_EQ(r[0].reason, "Resources");
    CHECK_STR_EQ(r[0].name, "sweep-00b10867-4");
    CHECK_STR_EQ(r[2].state, "COMPLETED");
    free(r);
}

static void sacct_rows(void)
{
    const char *out = "1|COMPLETED|0:0|wrap\n"
                      "2|FAILED|3:0|wrap\n"
                      "3|CANCELLED by 0|0:0|wrap\n"
                      "3.batch|CANCELLED|0:15|batch\n";
    struct slurm_row *r;
    size_t n = slurm_parse_rows(out, 1, &r);
    CHECK_INT_EQ(n, 3); /* 3.batch is a step */
    CHECK_STR_EQ(r[1].exit, "3:0");
    CHECK_STR_EQ(r[2].state, "CANCELLED");
    free(r);
}

static void scontrol_line(void)
{
    const char *out =
        "JobId=3 JobName=sweep-00b10867-0 UserId=root(0) GroupId=root(0) MCS_label=N/A "
        "Priority=4294901757 Nice=0 Account=(null) QOS=(null) JobState=FAILED "
        "Reason=NonZeroExitCode Dependency=(null) Requeue=0 Restarts=0 BatchFlag=1 Reboot=0 "
        "ExitCode=3:0 RunTime=00:00:01 TimeLimit=365-00:00:00\n";
    struct slurm_row r;
    CHECK_INT_EQ(slurm_parse_scontrol(out, &r), 1);
    CHECK_INT_EQ(r.id, 3);
    CHECK_STR_EQ(r.state, "FAILED");
    CHECK_STR_EQ(r.reason, "NonZeroExitCode");
    CHECK_STR_EQ(r.exit, "3:0");
    CHECK_STR_EQ(r.name, "sweep-00b10867-0");
    CHECK_INT_EQ(slurm_parse_scontrol("slurm_load_jobs error: Invalid job id specified\n", &r), 0);
}

static enum exec_end end_of(const char *state, const char *reason, int record, int ours,
                            char *why)
{
    struct slurm_row r = {.id = 12, .task = -1};
    snprintf(r.state, sizeof r.state, "%s", state);
    snprintf(r.reason, sizeof r.reason, "%s", reason);
    return slurm_end(&r, record, ours, "0-00:01:00", why, 256);
}

static void states_map_to_trial_ends(void)
{
    char why[256];
    CHECK_INT_EQ(end_of("COMPLETED", "None", 1, 0, why), EXEC_END_RECORD);
    CHECK_INT_EQ(end_of("FAILED", "NonZeroExitCode", 1, 0, why), EXEC_END_RECORD);
    CHECK_INT_EQ(end_of("FAILED", "JobLaunchFailure", 0, 0, why), EXEC_END_FAILED);
    CHECK_STR_EQ(why, "job 12 FAILED in Slurm (JobLaunchFailure), and its supervisor left no record");
    CHECK_INT_EQ(end_of("TIMEOUT", "TimeLimit", 1, 0, why), EXEC_END_FAILED);
    CHECK_STR_EQ(why, "Slurm's time limit --time=0-00:01:00 reached (job 12 TIMEOUT)");
    CHECK_INT_EQ(end_of("CANCELLED", "None", 1, 1, why), EXEC_END_RECORD); /* sweep's own */
    CHECK_INT_EQ(end_of("CANCELLED", "None", 1, 0, why), EXEC_END_FAILED);
    CHECK_STR_EQ(why, "its job 12 was cancelled in Slurm, not by sweep (scancel)");
    CHECK_INT_EQ(end_of("NODE_FAIL", "None", 0, 0, why), EXEC_END_REQUEUE);
    CHECK_INT_EQ(end_of("PREEMPTED", "None", 1, 0, why), EXEC_END_REQUEUE);
    CHECK_INT_EQ(end_of("BOOT_FAIL", "None", 0, 0, why), EXEC_END_REQUEUE);
    CHECK_INT_EQ(end_of("OUT_OF_MEMORY", "OutOfMemory", 1, 0, why), EXEC_END_FAILED);
    CHECK_INT_EQ(slurm_state_phase("PENDING"), SLURM_WAITING);
    CHECK_INT_EQ(slurm_state_phase("REQUEUED"), SLURM_WAITING);
    CHECK_INT_EQ(slurm_state_phase("COMPLETING"), SLURM_RUNNING);
    CHECK_INT_EQ(slurm_state_phase("TIMEOUT"), SLURM_ENDED);
    CHECK(slurm_never_runs("DependencyNeverSatisfied"));
    CHECK(!slurm_never_runs("Resources"));
    CHECK(!slurm_never_runs("Priority"));
    CHECK(!slurm_never_runs("QOSMaxJobsPerUserLimit")); /* waits for the user's other jobs */
}

/* `squeue --version` of the test cluster (Debian 12's slurm-client
 * 22.05.8, verbatim) and of later releases' packages */
static void versions_read(void)
{
    CHECK_INT_EQ(slurm_parse_version("slurm 22.05.8\n"), 220508);
    CHECK_INT_EQ(slurm_parse_version("slurm-wlm 23.11.4\n"), 231104);
    CHECK_INT_EQ(slurm_parse_version("slurm 24.05.2\n"), 240502);
    CHECK(slurm_parse_version("slurm 24.05.2\n") >= SLURM_ONLY_STATE_VERSION);
    CHECK(slurm_parse_version("slurm 23.11.4\n") < SLURM_ONLY_STATE_VERSION);
    CHECK_INT_EQ(slurm_parse_version("squeue: fatal: Could not establish a configuration source\n"), 0);
    CHECK_INT_EQ(slurm_parse_version(NULL), 0);
    CHECK_INT_EQ(slurm_parse_version(""), 0);
}

static void tags_differ_by_sweep(void)
{
    char a[32], b[32];
    slurm_tag(a, 1764600000.5);
    slurm_tag(b, 1764600000.500001); /* another sweep a microsecond later */
    CHECK(strncmp(a, "sweep-", 6) == 0 && strlen(a) == 14);
    CHECK(strcmp(a, b) != 0);
    slurm_tag(b, 1764600000.5);
    CHECK_STR_EQ(a, b); /* the same sweep: the same tag after a resume */
}

/* Job arrays (slurm.array): squeue -r of the test cluster, verbatim (an
 * array of six tasks, two at a time), with the line squeue prints without
 * -r; scontrol's line of a pending task, verbatim. */
static void array_tasks_read(void)
{
    const char *out = "1_2|PENDING|JobArrayTaskLimit|tag-a0|\n"
                      "1_3|PENDING|JobArrayTaskLimit|tag-a0|\n"
                      "1_1|RUNNING|None|tag-a0|vm\n"
                      "1_0|RUNNING|None|tag-a0|vm\n"
                      "1_[4-5%2]|PENDING|JobArrayTaskLimit|tag-a0|\n"
                      "7|RUNNING|None|sweep-0123abcd-3|vm-2\n";
    struct slurm_row *r;
    size_t n = slurm_parse_rows(out, 0, &r);
    CHECK_INT_EQ(n, 5); /* the line of tasks not shown one by one is left out */
    CHECK_INT_EQ(r[0].id, 1);
    CHECK_INT_EQ(r[0].task, 2);
    CHECK_STR_EQ(r[0].reason, "JobArrayTaskLimit");
    CHECK_INT_EQ(r[3].task, 0);
    CHECK_STR_EQ(r[3].nodes, "vm");
    CHECK_INT_EQ(r[4].id, 7);
    CHECK_INT_EQ(r[4].task, -1);
    free(r);
    const char *sc = "JobId=1 ArrayJobId=1 ArrayTaskId=5 ArrayTaskThrottle=2 JobName=tag-a0 "
                     "UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901759 Nice=0 "
                     "Account=(null) QOS=(null) JobState=PENDING Reason=JobArrayTaskLimit "
                     "Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0 "
                     "RunTime=00:00:00\n";
    struct slurm_row s;
    CHECK_INT_EQ(slurm_parse_scontrol(sc, &s), 1);
    CHECK_INT_EQ(s.id, 1);
    CHECK_INT_EQ(s.task, 5);
    CHECK_STR_EQ(s.name, "tag-a0");
    char ref[40];
    long long id;
    int task;
    slurm_ref(ref, sizeof ref, 42, 7);
    CHECK_STR_EQ(ref, "42_7");
    CHECK(slurm_parse_ref(ref, &id, &task) && id == 42 && task == 7);
    slurm_ref(ref, sizeof ref, 42, -1);
    CHECK_STR_EQ(ref, "42");
    CHECK(slurm_parse_ref(ref, &id, &task) && id == 42 && task == -1);
    CHECK(!slurm_parse_ref("42_", &id, &task));
    CHECK(!slurm_parse_ref("42_[1-3]", &id, &task));
    CHECK(!slurm_parse_ref("", &id, &task));
    struct slurm_row e = {.id = 42, .task = 7, .state = "CANCELLED"};
    char why[256];
    CHECK_INT_EQ(slurm_end(&e, 0, 0, NULL, why, sizeof why), EXEC_END_FAILED);
    CHECK_STR_EQ(why, "its job 42_7 was cancelled in Slurm, not by sweep (scancel)");
}

static void the_array_sbatch_line(void)
{
    struct exec_slurm_opts o = {.partition = "gpu", .gpus = 1, .mem = "8G", .tag = "sweep-0123abcd"};
    char **v = slurm_array_argv(&o, 3, "/home/u", "/d/trials/arrays/3", "/d/trials/arrays/3/job.sh",
                                "0-9,12", 4);
    const char *want[] = {"sbatch", "--parsable", "--job-name=sweep-0123abcd-a3",
                          "--array=0-9,12%4", "--comment=sweep job array 3 of sweep-0123abcd",
                          "--output=/d/trials/arrays/3/%a.log", "--open-mode=append",
                          "--chdir=/home/u", "--no-requeue", "--partition=gpu", "--gres=gpu:1",
                          "--mem=8G", "/d/trials/arrays/3/job.sh", "/d/trials/arrays/3", NULL};
    size_t i = 0;
    for (; want[i] && v[i]; i++) CHECK_STR_EQ(v[i], want[i]);
    CHECK(want[i] == NULL && v[i] == NULL);
    exec_free_strv(v);
    char name[64];
    slurm_array_name(name, sizeof name, "sweep-0123abcd", 3);
    CHECK_STR_EQ(name, "sweep-0123abcd-a3");
}

/* A task's file holds its trial's environment and argv as they are
 * (spaces, quotes, newlines: no shell ever reads them). */
static void task_files_round_trip(void)
{
    char dir[] = "/tmp/sweep-task-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/0.task", dir);
    char *envp[] = {"A=1", "LR=it's; rm -rf /", "M=two\nlines", NULL};
    char *argv[] = {"python3", "train.py", "--lr=$(reboot)", "", NULL};
    struct err e = {0};
    CHECK_INT_EQ(proc_write_task(path, envp, "/d/trials/0004", "/home/u", argv, &e), 0);
    char *buf, **env, **args;
    CHECK_INT_EQ(proc_read_task(path, &buf, &env, &args, &e), 0);
    for (size_t i = 0; i < 3; i++) CHECK_STR_EQ(env[i], envp[i]);
    CHECK(env[3] == NULL);
    CHECK_STR_EQ(args[0], "/d/trials/0004");
    CHECK_STR_EQ(args[1], "/home/u");
    for (size_t i = 0; i < 4; i++) CHECK_STR_EQ(args[2 + i], argv[i]);
    CHECK(args[6] == NULL);
    free(buf);
    free(env);
    free(args);
    CHECK_INT_EQ(util_write_atomic(path, "A=1", 3, &e), 0); /* cut short */
    CHECK_INT_EQ(proc_read_task(path, &buf, &env, &args, &e), -1);
    CHECK(strstr(e.msg, "not a job array task's file") != NULL);
    unlink(path);
    rmdir(dir);
    free(path);
}

static const struct check_case cases[] = {
    CASE(task_files_round_trip),
    CASE(array_tasks_read),
    CASE(the_array_sbatch_line),
    CASE(the_sbatch_line_is_an_argv),
    CASE(shards_follow_the_memory_estimate),
    CASE(time_limits_round_up_to_minutes),
    CASE(sbatch_answers),
    CASE(refusals_told_apart),
    CASE(squeue_rows),
    CASE(sacct_rows),
    CASE(scontrol_line),
    CASE(states_map_to_trial_ends),
    CASE(tags_differ_by_sweep),
    CASE(versions_read),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
