/* task_job.h - sweep-supervisor --array-job SCRIPT ARRAY_DIR: one task of
 * a batch system's job array (slurm.array). The executor whose arrays
 * they are implements it (slurm/array_job.c), linked into the supervisor
 * alone. */
#ifndef SWEEP_TASK_JOB_H
#define SWEEP_TASK_JOB_H

/* Reads this task's file in adir (proc.h: proc_read_task; the task's id
 * from the batch system's environment) and runs the supervisor again as
 * that trial's --batch-job SCRIPT with the trial's environment, which is
 * what proves a process the trial's (proc.h: read from /proc, as it was at
 * exec). Returns only when it could not: 2, said on stderr. */
int task_job_exec(const char *script, const char *adir);

#endif
