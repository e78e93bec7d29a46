/* The srun executor's pure half (sweep/exec/slurm/srun.h): the allocation's
 * cores per node as Slurm 22.05 sets SLURM_JOB_CPUS_PER_NODE (verbatim
 * forms: "8(x2)" from the test cluster, "4,8" and "16(x3),4" as sbatch's
 * manual gives them), and each trial's step as an argv. */
#include "sweep/exec/slurm/srun.h"
#include "tests/check.h"

#include <string.h>

static void cores_per_node(void)
{
    int c[8];
    CHECK_INT_EQ(srun_parse_cpus("8(x2)", c, 8), 2);
    CHECK(c[0] == 8 && c[1] == 8);
    CHECK_INT_EQ(srun_parse_cpus("4,8", c, 8), 2);
    CHECK(c[0] == 4 && c[1] == 8);
    CHECK_INT_EQ(srun_parse_cpus("16(x3),4", c, 8), 4);
    CHECK(c[0] == 16 && c[2] == 16 && c[3] == 4);
    CHECK_INT_EQ(srun_parse_cpus("2", c, 8), 1);
    CHECK_INT_EQ(srun_parse_cpus("", c, 8), -1);
    CHECK_INT_EQ(srun_parse_cpus("8(x)", c, 8), -1);
    CHECK_INT_EQ(srun_parse_cpus("8(x2", c, 8), -1);
    CHECK_INT_EQ(srun_parse_cpus("8,", c, 8), -1);
    CHECK_INT_EQ(srun_parse_cpus("a", c, 8), -1);
    CHECK_INT_EQ(srun_parse_cpus("8(x9)", c, 8), -1); /* more nodes than room */
}

static void check_argv(char **v, const char *const *want)
{
    size_t i = 0;
    for (; want[i] && v[i]; i++) CHECK_STR_EQ(v[i], want[i]);
    CHECK(want[i] == NULL && v[i] == NULL);
    exec_free_strv(v);
}

static void a_step_is_an_argv(void)
{
    struct exec_srun_opts o = {.job = "42", .tag = "sweep-0123abcd", .cpus = 2};
    char *argv[] = {"python3", "train.py", "--lr=it's; rm -rf /", NULL};
    char *envp[] = {"HOME=/h", "CUDA_VISIBLE_DEVICES=3", NULL};
    struct exec_spec s = {.trial_dir = "/d/trials/0007", .argv = argv, .envp = envp, .trial = 7};
    /* a trial without a GPU: no GRES, its own argv */
    const char *cpu[] = {"srun", "--jobid=42", "--nodes=1", "--ntasks=1", "--nodelist=n1",
                         "--exact", "--cpus-per-task=2", "--job-name=sweep-0123abcd-7", "--quiet",
                         "--gres=none", "--", "python3", "train.py", "--lr=it's; rm -rf /", NULL};
    check_argv(srun_step_argv(&o, &s, "n1", 2), cpu);
    /* on a GPU of node n2: told its GPU, through env (Slurm unsets it) */
    s.node = "n2";
    const char *gpu[] = {"srun", "--jobid=42", "--nodes=1", "--ntasks=1", "--nodelist=n2",
                         "--exact", "--cpus-per-task=4", "--job-name=sweep-0123abcd-7", "--quiet",
                         "--gres=none", "--", "/usr/bin/env", "CUDA_VISIBLE_DEVICES=3",
                         "python3", "train.py", "--lr=it's; rm -rf /", NULL};
    check_argv(srun_step_argv(&o, &s, "n2", 4), gpu);
    /* srun.gres: the node's GPUs, shared by the steps */
    o.gres = "gpu:4";
    const char *gres[] = {"srun", "--jobid=42", "--nodes=1", "--ntasks=1", "--nodelist=n2",
                          "--exact", "--cpus-per-task=2", "--job-name=sweep-0123abcd-7", "--quiet",
                          "--overlap", "--gres=gpu:4", "--", "/usr/bin/env",
                          "CUDA_VISIBLE_DEVICES=3", "python3", "train.py",
                          "--lr=it's; rm -rf /", NULL};
    check_argv(srun_step_argv(&o, &s, "n2", 2), gres);
}

static const struct check_case cases[] = {
    CASE(cores_per_node),
    CASE(a_step_is_an_argv),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
