/* main.c - the sweep program: a hyperparameter-sweep engine for training
 * commands. Everything but this file is in the sweepcore library. */
#include "sweep/cli.h"
#include "base/util.h"

#include <signal.h>

int main(int argc, char **argv)
{
    util_ensure_stdio();
    /* a file size limit or a full disk is an error from write(), which the
     * store reports, not a death in the middle of a transaction */
    signal(SIGXFSZ, SIG_IGN);
    return cli_main(argc, argv);
}
