/* cmd_report.c - `sweep report DIR... [-o OUT] [--format png|svg]`. */
#include "plots/plots.h"
#include "sweep/cli.h"
#include "base/err.h"
#include "base/util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: sweep report [DIR...] [-o OUT] [--format png|svg]\n"
    "\n"
    "Writes OUT/index.html: the leaderboard, and gnuplot images of the\n"
    "objective per epoch, training losses, the objective against each\n"
    "parameter, parallel coordinates, a timeline of the trials, and the best\n"
    "objective against trial-hours. Several DIRs are compared on shared axes,\n"
    "one colour per sweep (they must share their objective). Each image's\n"
    "gnuplot script and data are kept in OUT. Without gnuplot on PATH the\n"
    "page still comes, with its tables.\n"
    "\n"
    "DIR defaults to the current directory when it holds sweep.db, else the\n"
    "newest sweep under runs/.\n"
    "\n"
    "  -o, --output OUT     where to write (default DIR/report; with several\n"
    "                       DIRs, -o is needed)\n"
    "  --format png|svg     image format (default png)\n"
    "  -h, --help           this text\n";

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    enum plots_format fmt = PLOTS_PNG;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f':
            if (!strcmp(optarg, "png")) fmt = PLOTS_PNG;
            else if (!strcmp(optarg, "svg")) fmt = PLOTS_SVG;
            else return cli_usage("report", "--format takes png or svg, not '%s'", optarg);
            break;
        case 'h': fputs(USAGE, stdout); return 0;
        default: return cli_bad_option("report", opts, argv);
        }
    }
    int ndirs = argc - optind;
    if (ndirs > 1 && !out) return cli_usage("report", "several sweeps need -o OUT");
    struct err e = {0};
    char **dirs;
    char *found = NULL;
    if (ndirs == 0) {
        found = cli_find_dir(NULL, &e);
        if (!found) return cli_fail(&e);
        dirs = &found;
        ndirs = 1;
    } else {
        dirs = argv + optind;
    }
    char *def = out ? NULL : xasprintf("%s/report", dirs[0]);
    int rc = plots_report(dirs, (size_t)ndirs, out ? out : def, fmt, &e);
    if (rc == 0) printf("%s/index.html\n", out ? out : def);
    else rc = cli_fail(&e);
    free(def);
    free(found);
    return rc;
}
