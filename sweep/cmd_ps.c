/* cmd_ps.c - `sweep ps`: every sweep on this machine, from the machine
 * ledger (machine/ledger.h): whose, where, how many trials run and wait,
 * what each holds on each GPU, and for one whose trials wait, what holds
 * the GPUs. Read only: it changes nothing, for anyone. */
#include "sweep/cli.h"
#include "machine/ledger.h"
#include "search/diag.h"
#include "sweep/run/machine_cfg.h"
#include "sweep/exec/proc.h"
#include "sweep/table.h"
#include "base/err.h"
#include "base/json.h"
#include "base/util.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: sweep ps [--json]\n"
    "\n"
    "Every sweep running on this machine, from the machine ledger\n"
    "(SWEEP_MACHINE_DIR, else /var/lib/sweep; docs/machine.md): its user and\n"
    "directory, its user's share and use of the machine (GPU memory x time held,\n"
    "over the fair share's window), its method, its trials running and waiting, the GPU memory\n"
    "its trials hold on each GPU, and for a sweep whose trials wait for GPU\n"
    "memory, what holds the GPUs. Anyone may look; nobody can change another\n"
    "user's sweep from here.\n"
    "\n"
    "  --json      {\"sweeps\": [{\"user\": ..., \"uid\": N, \"dir\": ..., \"method\": ...,\n"
    "                \"pid\": N, \"running\": N, \"waiting\": N, \"waits_for_mib\": N,\n"
    "                \"held\": [{\"gpu\": N, \"mib\": N, \"trials\": N}], \"share\": N,\n"
    "                \"use_gib_hours\": N, \"priority\": N[, \"why\": ...]}]}\n"
    "  -h, --help  this text\n"
    "\n"
    "Exit status: 0 (also when no ledger exists: nothing is coordinated),\n"
    "1 when the ledger cannot be read.\n";

static int alive(long pid, long long start)
{
    return proc_alive((pid_t)pid, start);
}

/* What sweep dir holds on each GPU: "0: 20.0 GiB (2)". */
static void held_text(const struct ledger_view *v, const char *dir, struct sb *b, struct sb *j)
{
    int gpus[64], n = 0;
    for (size_t i = 0; i < v->nholds; i++) {
        int seen = 0;
        for (int k = 0; k < n; k++) seen |= gpus[k] == v->holds[i].gpu;
        if (!seen && n < 64 && !strcmp(v->holds[i].dir, dir)) gpus[n++] = v->holds[i].gpu;
    }
    for (int k = 0; k < n; k++) {
        double mib = 0;
        int trials = 0;
        for (size_t i = 0; i < v->nholds; i++)
            if (v->holds[i].gpu == gpus[k] && !strcmp(v->holds[i].dir, dir)) {
                mib += v->holds[i].mib;
                trials++;
            }
        if (gpus[k] < 0) { /* trials on CPU cores only (resources.cpus) */
            sb_addf(b, "%sCPUs (%d)", k ? ", " : "", trials);
            sb_addf(j, "%s{\"gpu\": null, \"mib\": 0, \"trials\": %d}", k ? ", " : "", trials);
            continue;
        }
        sb_addf(b, "%sGPU %d: %.1f GiB (%d)", k ? ", " : "", gpus[k], mib / 1024, trials);
        sb_addf(j, "%s{\"gpu\": %d, \"mib\": %.0f, \"trials\": %d}", k ? ", " : "", gpus[k], mib,
                trials);
    }
    if (!n) sb_add(b, "-");
}

void cli_why_waits(const struct ledger_view *v, const struct ledger_sweep *w, struct sb *b)
{
    sb_add(b, "  ");
    sb_add_visible(b, w->dir);
    sb_addf(b, " waits to place %.1f GiB:", w->waiting_mib / 1024);
    for (int g = 0; g < 64; g++) {
        double mib = 0;
        int trials = 0;
        struct sb users;
        sb_init(&users);
        for (size_t i = 0; i < v->nholds; i++) {
            const struct ledger_hold *h = &v->holds[i];
            if (h->gpu != g) continue;
            mib += h->mib;
            trials++;
            struct sb u;
            sb_init(&u);
            sb_add_visible(&u, h->user);
            if (!strstr(sb_str(&users), sb_str(&u)))
                sb_addf(&users, "%s%s", users.len ? ", " : "", sb_str(&u));
            sb_release(&u);
        }
        if (trials)
            sb_addf(b, " GPU %d: %.1f GiB held by %d trial%s of %s;", g, mib / 1024, trials,
                    trials == 1 ? "" : "s", sb_str(&users));
        sb_release(&users);
    }
    b->len--; /* the last ';' */
    b->buf[b->len] = '\0';
}

/* A user's use of the machine: GPU memory x time held, decayed over the
 * window (GiB-hours). */
static double use_gibh(const struct ledger_view *v, const struct machine_cfg *c, const char *user)
{
    for (size_t i = 0; i < v->nusage; i++)
        if (!strcmp(v->usage[i].user, user))
            return v->usage[i].mib_s * pow(2.0, -v->usage[i].age / c->halflife) / 1024 / 3600;
    return 0;
}

static void show(const struct ledger_view *v, const struct machine_cfg *cfg, int json,
                 struct sb *jout)
{
    struct table t;
    struct sb js, waits;
    sb_init(&js);
    sb_init(&waits);
    table_init(&t, 9);
    const char *hdr[] = {"user", "share", "use", "dir", "method", "running", "waiting", "held",
                         "pid"};
    table_add(&t, hdr);
    for (size_t k = 1; k <= 2; k++) table_right(&t, k);
    table_right(&t, 5);
    table_right(&t, 6);
    sb_add(&js, "{\"sweeps\": [");
    int n = 0;
    for (size_t i = 0; i < v->nsweeps; i++) {
        const struct ledger_sweep *w = &v->sweeps[i];
        if (!alive(w->pid, w->pid_start)) continue; /* gone: the next sweep reclaims its row */
        struct sb held, hj, dir, user;
        sb_init(&held);
        sb_init(&hj);
        sb_init(&dir);
        sb_init(&user);
        held_text(v, w->dir, &held, &hj);
        sb_add_visible(&dir, w->dir);
        sb_add_visible(&user, w->user);
        char run[24], wait[24], pid[24];
        snprintf(run, sizeof run, "%ld", w->running);
        snprintf(wait, sizeof wait, "%ld", w->waiting);
        snprintf(pid, sizeof pid, "%ld", w->pid);
        struct sb method;
        sb_init(&method);
        sb_add_visible(&method, w->method);
        char share[32], use[32];
        double gibh = use_gibh(v, cfg, w->user);
        snprintf(share, sizeof share, "%g", machine_cfg_user(cfg, w->user)->share);
        snprintf(use, sizeof use, "%.2f GiB h", gibh);
        const char *row[] = {sb_str(&user), share, use, sb_str(&dir), sb_str(&method), run, wait,
                             sb_str(&held), pid};
        table_add(&t, row);
        struct sb why;
        sb_init(&why);
        if (w->waiting && w->waiting_mib > 0) {
            cli_why_waits(v, w, &why);
            sb_addf(&waits, "%s\n", sb_str(&why));
        }
        sb_addf(&js, "%s{\"user\": ", n++ ? ", " : "");
        json_quote(&js, w->user);
        sb_addf(&js, ", \"uid\": %ld, \"dir\": ", (long)w->uid);
        json_quote(&js, w->dir);
        sb_add(&js, ", \"method\": ");
        json_quote(&js, w->method);
        sb_addf(&js, ", \"pid\": %ld, \"running\": %ld, \"waiting\": %ld, \"waits_for_mib\": %.0f, "
                     "\"held\": [%s], \"share\": %g, \"use_gib_hours\": %.4f, \"priority\": %d}",
                w->pid, w->running, w->waiting, w->waiting_mib, sb_str(&hj),
                machine_cfg_user(cfg, w->user)->share, gibh, w->priority);
        if (why.len) { /* as `sweep ps` says it, without its indent */
            js.len--;
            sb_add(&js, ", \"why\": ");
            json_quote(&js, sb_str(&why) + 2);
            sb_addc(&js, '}');
        }
        sb_release(&why);
        sb_release(&held);
        sb_release(&hj);
        sb_release(&dir);
        sb_release(&user);
        sb_release(&method);
    }
    sb_add(&js, "]}\n");
    if (jout) sb_add(jout, sb_str(&js));
    else if (json) fputs(sb_str(&js), stdout);
    else if (!n) printf("no sweep is running on this machine\n");
    else {
        table_print(&t, stdout);
        if (waits.len) printf("\n%s", sb_str(&waits));
    }
    table_release(&t);
    sb_release(&js);
    sb_release(&waits);
}

void cli_say_waits(const char *dir)
{
    char *abs = realpath(dir, NULL);
    struct ledger *l = ledger_open_existing(ledger_dir(), NULL);
    struct ledger_view v;
    if (abs && l && ledger_view(l, &v, NULL) == 0) {
        for (size_t i = 0; i < v.nsweeps; i++) {
            const struct ledger_sweep *w = &v.sweeps[i];
            int others = 0; /* a sweep that waits for its own trials only waits for no one */
            for (size_t k = 0; k < v.nholds; k++) others |= strcmp(v.holds[k].dir, abs) != 0;
            if (strcmp(w->dir, abs) || !w->waiting || w->waiting_mib <= 0 || !others ||
                !alive(w->pid, w->pid_start))
                continue;
            struct sb b;
            sb_init(&b);
            cli_why_waits(&v, w, &b);
            printf("\nwaiting for other sweeps on this machine (sweep ps):\n%s\n", sb_str(&b));
            sb_release(&b);
        }
        ledger_view_release(&v);
    }
    ledger_close(l);
    free(abs);
}

/* What `sweep ps` shows: to jout as JSON when jout, else printed (as JSON
 * when json). */
static int ps(int json, struct sb *jout, struct err *e)
{
    struct ledger *l = ledger_open_existing(ledger_dir(), e);
    if (!l) {
        if (jout) sb_add(jout, "{\"sweeps\": []}\n");
        else if (json) printf("{\"sweeps\": []}\n");
        else printf("%s\n", e->msg);
        return 0;
    }
    struct ledger_view v;
    int rc = ledger_view(l, &v, e);
    ledger_close(l);
    if (rc) return -1;
    struct machine_cfg cfg;
    struct diag d;
    diag_init(&d, machine_cfg_path());
    if (machine_cfg_load(&cfg, &d)) diag_print(&d); /* its errors, and the defaults */
    diag_release(&d);
    show(&v, &cfg, json, jout);
    machine_cfg_release(&cfg);
    ledger_view_release(&v);
    return 0;
}

int cli_ps_json(struct sb *out, struct err *e)
{
    return ps(1, out, e);
}

int cmd_ps(int argc, char **argv)
{
    int json, rc = cli_json_only(argc, argv, "ps", USAGE, &json);
    if (rc >= 0) return rc;
    struct err e = {0};
    return ps(json, NULL, &e) ? cli_fail(&e) : 0;
}
