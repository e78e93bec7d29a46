/* local.h - the local executor's operations, for the executors that run
 * each trial's sweep-supervisor on this machine too (slurm/srun.c: the supervisor
 * here, its trainer a job step on a node of the allocation). Each is the
 * exec_ops member of its name (exec.h). */
#ifndef SWEEP_EXEC_LOCAL_H
#define SWEEP_EXEC_LOCAL_H

#include "sweep/exec/exec.h"

/* The supervisor of s started here, with argv instead of s->argv. */
int local_start_argv(const struct exec_spec *s, char *const *argv, struct exec_job *j,
                     struct err *e);
int local_reap_job(struct exec_job *j);
int local_stop_job(const char *trial_dir, const struct exec_job *j, int sig);
enum exec_found local_adopt_job(const struct exec_record *r, struct exec_job *j);
pid_t local_group_of(const char *trial_dir);

#endif
