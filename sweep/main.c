/* main.c - the sweep program: a hyperparameter-sweep engine for training
 * commands. Everything but this file is in the sweepcore library. */
#include "sweep/cli.h"
#include "sweep/util.h"

int main(int argc, char **argv)
{
    util_ensure_stdio();
    return cli_main(argc, argv);
}
