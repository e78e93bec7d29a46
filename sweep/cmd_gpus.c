/* cmd_gpus.c - `sweep gpus`: the GPUs found and their memory. */
#include "sweep/cli.h"
#include "machine/ledger.h"
#include "base/err.h"
#include "sweep/gpu/gpu.h"
#include "base/json.h"
#include "sweep/table.h"
#include "base/util.h"

#include <getopt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: sweep gpus [--json]\n"
    "\n"
    "The NVIDIA GPUs this machine has (from nvidia-smi), as sweep sees them:\n"
    "only those CUDA_VISIBLE_DEVICES names, when it is set. Memory in MiB;\n"
    "free is total less used (by any process); \"-\" where nvidia-smi does not\n"
    "say (\"[N/A]\", \"[Not Supported]\"). Then what the sweeps on this machine\n"
    "hold on each GPU, by user and sweep (the machine ledger: docs/machine.md).\n"
    "\n"
    "  --json      [{\"index\": 0, \"uuid\": ..., \"name\": ..., \"memory_total_mib\": N,\n"
    "                \"memory_used_mib\": N, \"memory_free_mib\": N, \"utilization\": P,\n"
    "                \"processes\": [{\"pid\": N, \"used_memory_mib\": N}]}, ...]\n"
    "              (null where unknown)\n"
    "  -h, --help  this text\n"
    "\n"
    "Exit status: 0 (also with no GPU), 1 when nvidia-smi is missing or fails.\n";

static void num_or_dash(char *buf, size_t n, long long v, const char *unit)
{
    if (v < 0) snprintf(buf, n, "-");
    else snprintf(buf, n, "%lld%s", v, unit);
}

static void json_int(struct sb *b, long long v)
{
    if (v < 0) sb_add(b, "null");
    else sb_addf(b, "%lld", v);
}

/* What the sweeps on this machine hold on each GPU (the machine ledger),
 * by user and sweep; nothing when there is no ledger. */
static void show_holds(void)
{
    struct ledger *l = ledger_open_existing(ledger_dir(), NULL);
    struct ledger_view v;
    if (!l || ledger_view(l, &v, NULL)) {
        ledger_close(l);
        return;
    }
    ledger_close(l);
    if (v.nholds) {
        struct table t;
        table_init(&t, 6);
        const char *hdr[] = {"gpu", "user", "sweep", "trial", "held", "cpus"};
        table_add(&t, hdr);
        table_right(&t, 0);
        table_right(&t, 3);
        table_right(&t, 4);
        for (size_t i = 0; i < v.nholds; i++) {
            const struct ledger_hold *h = &v.holds[i];
            char gpu[16], trial[24], held[32];
            snprintf(gpu, sizeof gpu, h->gpu >= 0 ? "%d" : "-", h->gpu);
            snprintf(trial, sizeof trial, "%lld", h->trial);
            if (h->gpu < 0) snprintf(held, sizeof held, "-");
            else if (h->whole) snprintf(held, sizeof held, "whole GPU");
            else snprintf(held, sizeof held, "%.0f MiB", h->mib);
            struct sb user, dir;
            sb_init(&user);
            sb_init(&dir);
            sb_add_visible(&user, h->user);
            sb_add_visible(&dir, h->dir);
            const char *row[] = {gpu,  sb_str(&user), sb_str(&dir),
                                 trial, held,          h->cpus && *h->cpus ? h->cpus : "-"};
            table_add(&t, row);
            sb_release(&user);
            sb_release(&dir);
        }
        printf("\nheld by sweeps on this machine (the machine ledger; gpu -: CPU cores only):\n");
        table_print(&t, stdout);
        table_release(&t);
    }
    ledger_view_release(&v);
}

/* `sweep gpus --json` of inv, to b. */
static void gpus_json(const struct gpu_inv *inv, struct sb *b)
{
    sb_addc(b, '[');
    for (size_t i = 0; i < inv->n; i++) {
        const struct gpu *g = &inv->gpus[i];
        long long free_mib = g->total_mib >= 0 && g->used_mib >= 0 ? g->total_mib - g->used_mib : -1;
        sb_addf(b, "%s\n  {\"index\": %d, \"uuid\": ", i ? "," : "", g->index);
        json_quote(b, g->uuid);
        sb_add(b, ", \"name\": ");
        json_quote(b, g->name);
        sb_add(b, ", \"memory_total_mib\": ");
        json_int(b, g->total_mib);
        sb_add(b, ", \"memory_used_mib\": ");
        json_int(b, g->used_mib);
        sb_add(b, ", \"memory_free_mib\": ");
        json_int(b, free_mib);
        sb_add(b, ", \"utilization\": ");
        json_int(b, g->util);
        sb_add(b, ", \"processes\": [");
        for (size_t k = 0; k < g->nprocs; k++) {
            sb_addf(b, "%s{\"pid\": %ld, \"used_memory_mib\": ", k ? ", " : "",
                    g->procs[k].pid);
            json_int(b, g->procs[k].used_mib);
            sb_addc(b, '}');
        }
        sb_add(b, "]}");
    }
    sb_add(b, inv->n ? "\n]\n" : "]\n");
}

int cli_gpus_json(struct sb *out, struct err *e)
{
    struct gpu_inv inv;
    if (gpu_inventory(&inv, e)) {
        if (e->code != ENOENT) return -1;
        sb_add(out, "[]\n"); /* no nvidia-smi: no GPU, which is no error for a page */
        return 0;
    }
    gpus_json(&inv, out);
    gpu_inv_release(&inv);
    return 0;
}

int cmd_gpus(int argc, char **argv)
{
    int json, rc = cli_json_only(argc, argv, "gpus", USAGE, &json);
    if (rc >= 0) return rc;
    struct err e = {0};
    struct gpu_inv inv;
    if (gpu_inventory(&inv, &e)) return cli_fail(&e);
    if (json) {
        struct sb b;
        sb_init(&b);
        gpus_json(&inv, &b);
        fputs(b.buf, stdout);
        sb_release(&b);
        gpu_inv_release(&inv);
        return 0;
    }
    if (inv.n == 0) {
        printf("no GPU%s\n", getenv("CUDA_VISIBLE_DEVICES") ? " (CUDA_VISIBLE_DEVICES names none)" : "");
        gpu_inv_release(&inv);
        return 0;
    }
    struct table t;
    table_init(&t, 8);
    const char *hdr[] = {"index", "name", "total", "used", "free", "util", "processes", "uuid"};
    table_add(&t, hdr);
    for (int k = 2; k <= 6; k++) table_right(&t, (size_t)k);
    table_right(&t, 0);
    for (size_t i = 0; i < inv.n; i++) {
        const struct gpu *g = &inv.gpus[i];
        char idx[16], tot[32], used[32], fr[32], util[16], procs[16];
        snprintf(idx, sizeof idx, "%d", g->index);
        num_or_dash(tot, sizeof tot, g->total_mib, " MiB");
        num_or_dash(used, sizeof used, g->used_mib, " MiB");
        num_or_dash(fr, sizeof fr,
                    g->total_mib >= 0 && g->used_mib >= 0 ? g->total_mib - g->used_mib : -1,
                    " MiB");
        num_or_dash(util, sizeof util, g->util, "%");
        snprintf(procs, sizeof procs, "%zu", g->nprocs);
        const char *row[] = {idx, g->name, tot, used, fr, util, procs, g->uuid};
        table_add(&t, row);
    }
    table_print(&t, stdout);
    table_release(&t);
    gpu_inv_release(&inv);
    show_holds();
    return 0;
}
