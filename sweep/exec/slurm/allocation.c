/* allocation.c - exec_host_env (exec.h): sweep inside a Slurm allocation
 * (salloc, or an sbatch script that runs sweep with executor local). The
 * trials get the allocation's environment, not the job step's that sweep
 * itself may run in. */
#include "sweep/exec/exec.h"
#include "base/util.h"

#include <string.h>

/* What a job step sets and a login shell of the allocation does not have
 * (Slurm 22.05: srun's output environment less salloc's): a trainer's own
 * srun must make a step of the allocation, not of sweep's step. */
static int step_var(const char *v)
{
    static const char *const step[] = {
        "SLURM_STEP",       "SLURM_STEPID=",      "SLURM_PROCID=",        "SLURM_LOCALID=",
        "SLURM_NODEID=",    "SLURM_TASK_PID=",    "SLURM_GTIDS=",         "SLURM_PRIO_PROCESS=",
        "SLURM_SRUN_COMM_", "SLURM_LAUNCH_NODE_", "SLURM_UMASK=",         "SLURM_CPU_BIND",
        "SLURM_CPU_FREQ_",  "SLURM_TOPOLOGY_",    "SLURM_DISTRIBUTION=",  "SLURMD_NODENAME=",
        "SLURM_JOB_CPUS_PER_NODE_PACK_GROUP_",    "SLURM_UNBUFFEREDIO=",  "SLURM_LABELIO=",
        "SLURM_PTY_",       "SLURM_NPROCS=",      "SLURM_NTASKS=",        NULL};
    for (const char *const *p = step; *p; p++)
        if (!strncmp(v, *p, strlen(*p))) return 1;
    return 0;
}

char **exec_host_env(char *const *envp)
{
    size_t n = 0;
    int cpu = 0, gpu = 0;
    for (char *const *p = envp; p && *p; p++, n++) {
        cpu |= !strncmp(*p, "SLURM_MEM_PER_CPU=", 18);
        gpu |= !strncmp(*p, "SLURM_MEM_PER_GPU=", 18);
    }
    char **out = xcalloc(n + 1, sizeof *out);
    size_t k = 0;
    for (char *const *p = envp; p && *p; p++) {
        if (step_var(*p)) continue;
        /* srun dies when two are set ("mutually exclusive"): a step exports
         * SLURM_MEM_PER_NODE beside the allocation's per-CPU or per-GPU one */
        if ((cpu || gpu) && !strncmp(*p, "SLURM_MEM_PER_NODE=", 19)) continue;
        if (cpu && !strncmp(*p, "SLURM_MEM_PER_GPU=", 18)) continue;
        out[k++] = *p;
    }
    return out;
}

