/* srun.h - the srun executor (executor: srun, docs/slurm.md "Inside an
 * allocation"): `sweep run` inside salloc or an sbatch script places trials
 * on the allocation's nodes and starts each as a job step,
 *
 *   srun --jobid=J --nodes=1 --ntasks=1 --nodelist=NODE --exact
 *        --cpus-per-task=C --job-name=sweep-XXXXXXXX-N --quiet
 *        (--gres=none | --overlap --gres=gpu:G) -- [env CUDA_VISIBLE_DEVICES=K] ARGV
 *
 * run by the trial's sweep-supervisor on this machine (local.h): the trial
 * is followed, stopped and adopted again after a crash as a local one is,
 * its log is srun's output. The nodes and their cores come from the
 * allocation (SLURM_JOB_NODELIST through `scontrol show hostnames`,
 * SLURM_JOB_CPUS_PER_NODE); a trial without a GPU goes to the node with the
 * most free cores, one with a GPU where the run loop packed it (each node
 * has the GPUs resources.gpus declares). A stop is SIGTERM to the step's
 * trainer (`scancel --signal=TERM J.S`, the step found by its name), as
 * local trials get it; srun itself would cancel the step at once. */
#ifndef SWEEP_SRUN_H
#define SWEEP_SRUN_H

#include "sweep/exec/exec.h"

#include <stddef.h>

#define SRUN_NODES_TIMEOUT_S 10.0 /* scontrol show hostnames, once at the start */
#define SRUN_CMD_TIMEOUT_S 3.0    /* squeue --steps and scancel, at a stop: what a stop may
                                     hold the loop, each (then srun gets the signal) */

struct exec_srun_opts {
    const char *job;          /* the allocation: SLURM_JOB_ID */
    const char *nodelist;     /* SLURM_JOB_NODELIST */
    const char *cpus_per_node; /* SLURM_JOB_CPUS_PER_NODE: "8(x2),4" */
    const char *tag;          /* the sweep's (slurm_tag): steps are named TAG-TRIAL */
    int cpus;                 /* cores per trial */
    const char *gres;         /* srun.gres: a GPU trial's step asks for it with --overlap
                                 (the node's GPUs, shared: where cgroups confine devices);
                                 NULL: --gres=none */
};

/* Each node's cores from SLURM_JOB_CPUS_PER_NODE ("8(x2),4" is 8, 8, 4) into
 * out (at most max): how many nodes it names, -1 when malformed. */
int srun_parse_cpus(const char *text, int *out, size_t max);

struct executor *exec_srun(const struct exec_srun_opts *o, struct err *e);
/* The step's command line for a trial on node with cores ncpus (argv of
 * spec, CUDA_VISIBLE_DEVICES from its envp when gpu): NULL-terminated, new
 * strings (exec_free_strv). */
char **srun_step_argv(const struct exec_srun_opts *o, const struct exec_spec *s,
                      const char *node, int ncpus);
/* Sends sig to the trainer of trial's step in allocation job (named after
 * tag), proven ours by that name: 0, 1 when no such step runs, -1 when
 * Slurm did not answer (e). */
int srun_signal_step(const char *job, const char *tag, long long trial, int sig,
                     struct err *e);
/* Steps started, scancels sent (the summary). */
void srun_counts(struct executor *x, long *steps, long *signals);

#endif
