/* array_job.c - a task of a Slurm job array (slurm.array; task_job.h),
 * in sweep-supervisor: task I of the array whose files are in ARRAY_DIR
 * (slurm_array.c wrote them) runs the trial that ARRAY_DIR/I.task names. */
#include "base/err.h"
#include "base/util.h"
#include "sweep/exec/proc.h"
#include "sweep/exec/task_job.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Variables of the job's own that a task's file does not replace: Slurm's,
 * and the GPUs Slurm gave the job (the environment of the array's sbatch
 * was another trial's). */
static int slurms(const char *kv)
{
    if (!strncmp(kv, "SLURM", 5)) return 1;
    int gpus = getenv("SLURM_JOB_GPUS") || getenv("SLURM_STEP_GPUS");
    return gpus &&
           (!strncmp(kv, "CUDA_VISIBLE_DEVICES=", 21) || !strncmp(kv, "GPU_DEVICE_ORDINAL=", 19));
}

int task_job_exec(const char *script, const char *adir)
{
    const char *task = getenv("SLURM_ARRAY_TASK_ID");
    util_ensure_stdio();
    if (!task || !*task || strspn(task, "0123456789") != strlen(task) || strlen(task) > 9) {
        fprintf(stderr, "sweep-supervisor --array-job: SLURM_ARRAY_TASK_ID is not set (a task "
                        "of a job array runs this)\n");
        return 2;
    }
    char *path = xasprintf("%s/%s.task", adir, task), *buf, **env, **args;
    struct err e = {0};
    if (proc_read_task(path, &buf, &env, &args, &e)) {
        fprintf(stderr, "sweep-supervisor: %s\n", e.msg);
        free(path);
        return 2;
    }
    free(path);
    for (size_t i = 0; env[i]; i++) {
        char *eq = strchr(env[i], '=');
        if (!eq || eq == env[i] || slurms(env[i])) continue;
        *eq = '\0';
        setenv(env[i], eq + 1, 1);
        *eq = '=';
    }
    size_t n = 0;
    while (args[n])
        n++;
    char **av = xcalloc(n + 5, sizeof *av);
    av[0] = "sweep-supervisor";
    av[1] = "--batch-job";
    av[2] = (char *)script;
    av[3] = args[0];
    av[4] = args[1];
    av[5] = "--";
    for (size_t i = 2; i < n; i++)
        av[i + 4] = args[i];
    execv("/proc/self/exe", av);
    fprintf(stderr, "sweep-supervisor: cannot run itself again (/proc/self/exe): %s\n",
            strerror(errno));
    free(av);
    free(args);
    free(env);
    free(buf);
    return 2;
}
