/* main.c - the sweep program: a hyperparameter-sweep engine for training
 * commands. Everything but this file is in the sweepcore library. */
#include "sweep/cli.h"
#include "sweep/proc.h"
#include "sweep/util.h"

#include <string.h>

int main(int argc, char **argv)
{
    util_ensure_stdio();
    /* the per-trial supervisor is this binary re-executed (proc.h) */
    if (argc > 1 && !strcmp(argv[1], PROC_SUPERVISE_VERB)) return proc_supervise_main(argc, argv);
    return cli_main(argc, argv);
}
