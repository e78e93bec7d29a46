/* cmd_serve.c - `sweep serve [DIR...] [--root DIR] [--machine]`: the
 * sweeps over HTTP (serve/serve.h); this file gives the server the CLI's
 * own --json documents and its check of a sweep file. */
#include "base/err.h"
#include "search/diag.h"
#include "search/space.h"
#include "serve/serve.h"
#include "sweep/cli.h"
#include "sweep/exec/executors.h"
#include "sweep/ingest/metrics.h"
#include "base/util.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: sweep serve [DIR...] [--root DIR] [--machine] [--listen ADDR:PORT]\n"
    "                   [--read-only] [--token-file FILE]\n"
    "\n"
    "Serves a live dashboard of sweeps to a browser, and the JSON API of\n"
    "docs/api.md: the sweeps named, those directly under --root (without\n"
    "either: ./runs), and with --machine every sweep of this machine's\n"
    "ledger (sweep ps). Pages update while sweeps run. Stopping a trial or a\n"
    "sweep, resuming one and submitting a sweep file (into --root) need the\n"
    "token, written at start to a file only you can read.\n"
    "\n"
    "  --listen A:P     where to listen (default 127.0.0.1:8765; port 0: any free\n"
    "                   one). Anything but a loopback address is said loudly:\n"
    "                   whoever reaches it reads the sweeps\n"
    "  --root DIR       serve the sweeps under DIR; submitted sweeps go there\n"
    "  --machine        also every sweep running on this machine (the ledger)\n"
    "  --read-only      no token, nothing can be changed\n"
    "  --token-file F   where the token goes (default ~/.config/sweep/serve-token)\n"
    "  --web-dir D      where npm installed uPlot (default: SWEEP_WEB_DIR, then the\n"
    "                   build's share/sweep/web)\n"
    "  -h, --help       this text\n"
    "\n"
    "Stops on Ctrl-C or SIGTERM; the sweeps it shows are not touched.\n";

static int check(const char *name, const char *text, size_t len, struct sb *diags)
{
    struct diag d;
    diag_init(&d, name);
    struct space_env env = {.parsers = metrics_parser_names(), .executors = exec_names()};
    struct space *sp = space_load_env(name, text, len, &env, &d);
    if (sp) {
        exec_configure(sp, &d);
        space_free(sp);
    }
    size_t *order = diag_order(&d);
    for (size_t i = 0; i < d.n; i++) {
        sb_add_visible(diags, d.msgs[order[i]]);
        sb_addc(diags, '\n');
    }
    free(order);
    int n = (int)d.nerrors;
    diag_release(&d);
    return n;
}

static const struct serve_docs DOCS = {
    .status = cli_status_json,
    .top = cli_top_json,
    .ps = cli_ps_json,
    .gpus = cli_gpus_json,
    .check = check,
};

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
                                         {"root", required_argument, NULL, 'r'},
                                         {"machine", no_argument, NULL, 'm'},
                                         {"read-only", no_argument, NULL, 'R'},
                                         {"token-file", required_argument, NULL, 't'},
                                         {"web-dir", required_argument, NULL, 'w'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct serve_opts o = {.docs = &DOCS};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': o.listen = optarg; break;
        case 'r': o.root = optarg; break;
        case 'm': o.machine = 1; break;
        case 'R': o.read_only = 1; break;
        case 't': o.token_file = optarg; break;
        case 'w': o.web_dir = optarg; break;
        case 'h': fputs(USAGE, stdout); return 0;
        default: return cli_bad_option("serve", opts, argv);
        }
    }
    o.dirs = argv + optind;
    o.ndirs = (size_t)(argc - optind);
    struct stat st;
    if (!o.ndirs && !o.root && !o.machine) {
        if (stat("runs", &st) != 0 || !S_ISDIR(st.st_mode))
            return cli_usage("serve", "name sweep directories, --root DIR or --machine (there is "
                                      "no ./runs to serve)");
        o.root = "runs";
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "sweep serve: cannot find this program (/proc/self/exe)\n");
        return 1;
    }
    self[n] = '\0';
    o.self = self;
    return serve_run(&o);
}
