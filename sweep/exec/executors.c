/* executors.c - the table of executors (executors.h): one line each. */
#include "sweep/exec/executors.h"
#include "search/render.h"
#include "search/space.h"
#include "base/util.h"

#include <string.h>

extern const struct exec_def exec_slurm_def; /* slurm/ */
extern const struct exec_def exec_srun_def;  /* slurm/srun_def.c */

static const struct exec_def *const executors[] = {&exec_local_def, &exec_slurm_def,
                                                   &exec_srun_def};

void exec_plan_line(struct sb *out, char *const *argv)
{
    sb_add(out, " ");
    for (size_t k = 0; argv[k]; k++) {
        sb_addc(out, ' ');
        render_shell_word(out, argv[k]);
    }
    sb_addc(out, '\n');
}

const struct exec_def *exec_def(const char *name)
{
    for (size_t i = 0; i < sizeof executors / sizeof *executors; i++)
        if (name && !strcmp(executors[i]->name, name)) return executors[i];
    return NULL;
}

const char *const *exec_names(void)
{
    static const char *names[sizeof executors / sizeof *executors + 1];
    for (size_t i = 0; i < sizeof executors / sizeof *executors; i++)
        names[i] = executors[i]->name;
    return names;
}

void exec_configure(struct space *sp, struct diag *d)
{
    const struct exec_def *x = exec_def(sp->executor);
    if (x && x->configure) x->configure(sp, d);
}
