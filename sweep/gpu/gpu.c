/* gpu.c - nvidia-smi, run and parsed. */
#include "sweep/gpu/gpu.h"
#include "base/err.h"
#include "base/spawn.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gpu_inv_release(struct gpu_inv *inv)
{
    for (size_t i = 0; i < inv->n; i++) free(inv->gpus[i].procs);
    free(inv->gpus);
    inv->gpus = NULL;
    inv->n = 0;
}

/* Splits a CSV line at ", " into at most max trimmed fields (in place). */
static size_t split(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        while (*p == ' ') p++;
        f[n++] = p;
        char *comma = strchr(p, ',');
        char *end = comma ? comma : p + strlen(p);
        while (end > p && isspace((unsigned char)end[-1])) end--;
        if (!comma) {
            *end = '\0';
            break;
        }
        *end = '\0';
        p = comma + 1;
    }
    return n;
}

/* A number, or -1 for "[N/A]", "[Not Supported]" and the like. 0 if it is
 * neither (malformed). */
static int number(const char *s, long long *out)
{
    if (s[0] == '[') {
        *out = -1;
        return 1;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno) return 0;
    *out = (long long)v;
    return 1;
}

/* Calls row(fields, n, ctx) for each non-empty line of nvidia-smi CSV
 * output; row returns 0 when the line is malformed, which is an error
 * quoting the line. */
static int each_row(const char *csv, int (*row)(char **f, size_t n, void *ctx), void *ctx,
                    struct err *e)
{
    char *copy = xstrdup(csv), *save = NULL;
    int ln = 0, rc = 0;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        ln++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[len - 1] = '\0';
        if (!*line || strstr(line, "No running")) continue;
        char *raw = xstrdup(line), *f[8];
        size_t n = split(line, f, 8);
        if (!row(f, n, ctx)) rc = err_set(e, "nvidia-smi: unexpected output, line %d: %s", ln, raw);
        free(raw);
        if (rc) break;
    }
    free(copy);
    return rc;
}

static int gpu_row(char **f, size_t n, void *ctx)
{
    struct gpu_inv *inv = ctx;
    struct gpu g;
    memset(&g, 0, sizeof g);
    long long idx, util;
    if (n != 6 || !number(f[0], &idx) || idx < 0 || !number(f[3], &g.total_mib) ||
        !number(f[4], &g.used_mib) || !number(f[5], &util))
        return 0;
    g.index = (int)idx;
    g.util = (int)util;
    snprintf(g.uuid, sizeof g.uuid, "%s", f[1]);
    snprintf(g.name, sizeof g.name, "%s", f[2]);
    inv->gpus = xrealloc(inv->gpus, (inv->n + 1) * sizeof *inv->gpus);
    inv->gpus[inv->n++] = g;
    return 1;
}

static int app_row(char **f, size_t n, void *ctx)
{
    struct gpu_inv *inv = ctx;
    long long pid, used;
    if (n != 3 || !number(f[0], &pid) || !number(f[2], &used)) return 0;
    for (size_t i = 0; i < inv->n; i++) {
        struct gpu *g = &inv->gpus[i];
        if (strcmp(g->uuid, f[1])) continue; /* a MIG instance's UUID matches none */
        g->procs = xrealloc(g->procs, (g->nprocs + 1) * sizeof *g->procs);
        g->procs[g->nprocs++] = (struct gpu_proc){.pid = (long)pid, .used_mib = used};
    }
    return 1;
}

int gpu_parse_query(const char *csv, struct gpu_inv *inv, struct err *e)
{
    return each_row(csv, gpu_row, inv, e);
}

int gpu_parse_apps(const char *csv, struct gpu_inv *inv, struct err *e)
{
    return each_row(csv, app_row, inv, e);
}

void gpu_filter_visible(struct gpu_inv *inv, const char *visible)
{
    if (!visible) return;
    struct gpu *kept = xcalloc(inv->n ? inv->n : 1, sizeof *kept);
    size_t nk = 0;
    char *copy = xstrdup(visible), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') tok++;
        struct gpu *match = NULL;
        char *end;
        long idx = strtol(tok, &end, 10);
        for (size_t i = 0; i < inv->n && !match; i++) {
            struct gpu *g = &inv->gpus[i];
            if (end != tok && !*end ? g->index == idx
                                    : *tok && !strncmp(g->uuid, tok, strlen(tok)))
                match = g;
        }
        if (!match) break; /* CUDA ignores this entry and all after it */
        int dup = 0;
        for (size_t k = 0; k < nk; k++) dup |= kept[k].index == match->index;
        if (dup) break;
        kept[nk++] = *match;
        match->procs = NULL; /* moved */
        match->nprocs = 0;
    }
    free(copy);
    gpu_inv_release(inv);
    inv->gpus = kept;
    inv->n = nk;
}

static char *const query_gpus[] = {
    "nvidia-smi", "--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu",
    "--format=csv,noheader,nounits", NULL};
static char *const query_apps[] = {"nvidia-smi", "--query-compute-apps=pid,gpu_uuid,used_memory",
                                   "--format=csv,noheader,nounits", NULL};

static int start_phase(struct gpu_query *q, int phase, struct err *e)
{
    q->phase = phase;
    if (spawn_job_start(&q->job, phase == 1 ? query_gpus : query_apps, GPU_SMI_TIMEOUT_S, e)) {
        q->phase = 0;
        if (e && e->code == ENOENT) {
            err_set(e, "nvidia-smi not found: no NVIDIA driver on this machine "
                       "(resources.gpus: none runs trials on CPU slots)");
            e->code = ENOENT; /* no GPU, as a caller may tell */
            return -1;
        }
        return -1;
    }
    return 0;
}

int gpu_query_start(struct gpu_query *q, struct err *e)
{
    memset(q, 0, sizeof *q);
    q->job.fd = -1;
    return start_phase(q, 1, e);
}

int gpu_query_fd(const struct gpu_query *q)
{
    return q->phase ? q->job.fd : -1;
}

double gpu_query_deadline(const struct gpu_query *q)
{
    return q->phase ? q->job.deadline : 0;
}

void gpu_query_cancel(struct gpu_query *q)
{
    if (q->phase) {
        char *out;
        int status;
        spawn_job_finish(&q->job, "nvidia-smi", GPU_SMI_TIMEOUT_S, &out, &status, NULL);
        free(out);
    }
    gpu_inv_release(&q->inv);
    q->phase = 0;
}

int gpu_query_step(struct gpu_query *q, struct gpu_inv *inv, struct err *e)
{
    if (!q->phase) return err_set(e, "nvidia-smi: no query running");
    int eof = spawn_job_read(&q->job);
    if (!eof && util_mono() < q->job.deadline) return 0;
    char *out = NULL;
    int status, phase = q->phase;
    q->phase = 0;
    if (spawn_job_finish(&q->job, "nvidia-smi", GPU_SMI_TIMEOUT_S, &out, &status, e)) {
        gpu_inv_release(&q->inv);
        return -1;
    }
    int rc = 0;
    if (phase == 1) {
        if (status != 0) {
            /* "No devices were found" is no GPU, not an error */
            if (strstr(out, "No devices were found")) {
                free(out);
                memset(inv, 0, sizeof *inv);
                return 1;
            }
            char *nl = strchr(out, '\n');
            if (nl) *nl = '\0';
            err_set(e, "nvidia-smi failed (exit status %d): %s", status,
                    *out ? out : "no message");
            free(out);
            return -1;
        }
        rc = gpu_parse_query(out, &q->inv, e);
        free(out);
        if (rc == 0 && start_phase(q, 2, NULL) == 0) return 0;
        /* without the process list, the totals still count */
    } else {
        if (status == 0) rc = gpu_parse_apps(out, &q->inv, e);
        free(out);
    }
    if (rc) {
        gpu_inv_release(&q->inv);
        return -1;
    }
    gpu_filter_visible(&q->inv, getenv("CUDA_VISIBLE_DEVICES"));
    *inv = q->inv;
    memset(&q->inv, 0, sizeof q->inv);
    return 1;
}

int gpu_inventory(struct gpu_inv *inv, struct err *e)
{
    struct gpu_query q;
    memset(inv, 0, sizeof *inv);
    if (gpu_query_start(&q, e)) return -1;
    for (;;) {
        int left = (int)((gpu_query_deadline(&q) - util_mono()) * 1000);
        struct pollfd p = {.fd = gpu_query_fd(&q), .events = POLLIN};
        if (left > 0 && p.fd >= 0 && poll(&p, 1, left) < 0 && errno != EINTR) {
            gpu_query_cancel(&q);
            return err_errno(e, "poll");
        }
        int rc = gpu_query_step(&q, inv, e);
        if (rc) return rc < 0 ? -1 : 0;
    }
}
