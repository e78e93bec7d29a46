/* cmd_run.c - `sweep run FILE [-d DIR]` and `sweep resume DIR`. */
#include "search/diag.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/value.h"
#include "search/ydoc.h"
#include "store/store.h"
#include "sweep/cli.h"
#include "store/dirlock.h"
#include "store/layout.h"
#include "base/err.h"
#include "sweep/gpu/pack.h"
#include "sweep/progress.h"
#include "sweep/exec/proc.h"
#include "sweep/exec/executors.h"
#include "sweep/run/machine_cfg.h"
#include "sweep/run/run.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char RUN_USAGE[] =
    "usage: sweep run FILE.yaml [-d DIR] [-j N] [-q]\n"
    "\n"
    "Runs the sweep described by FILE.yaml: its trials, max_parallel at a time,\n"
    "each in DIR/trials/NNNN/, results in DIR/sweep.db. If DIR already holds\n"
    "this sweep, it is resumed: finished trials are not run again. A DIR that\n"
    "holds a different sweep is refused; one that differs only in how it runs\n"
    "(max_parallel, timeout, retries, a larger run_cap...) takes the new settings.\n"
    "\n"
    "  -d, --dir DIR   the sweep directory (default: runs/NAME, NAME being the\n"
    "                  file's name without .yaml, or its folder's name for a\n"
    "                  file called sweep.yaml)\n"
    "  -j, --jobs N    N trials at a time in this run (max_parallel)\n"
    "  -q, --quiet     no line per trial, no progress\n"
    "  -h, --help      this text\n"
    "\n"
    "Ctrl-C stops launching and stops the running trials (interrupted: resume\n"
    "runs them again);"
    "a second Ctrl-C exits at once and leaves them running. Exit status: 0 the\n"
    "sweep ran to its end (look at `sweep top` for how trials did), 1 runtime\n"
    "error, 2 bad file or usage or DIR in use, 3 the trials failed: every one, or\n"
    "fail_fast stopped the sweep, 130 stopped by a signal.\n";

static const char RESUME_USAGE[] =
    "usage: sweep resume DIR [-j N] [-q]\n"
    "\n"
    "Continues the sweep stored in DIR/sweep.db, with the file stored there:\n"
    "finished trials are not run again, trials that died with an earlier sweep\n"
    "process are queued again, trials still running are followed again.\n"
    "\n"
    "  -j, --jobs N    N trials at a time in this run (max_parallel)\n"
    "  -q, --quiet     no line per trial, no progress\n"
    "  -h, --help      this text\n";

static char *absolute(const char *path)
{
    if (path[0] == '/') return xstrdup(path);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return xstrdup(path);
    if (!strcmp(path, ".")) return xstrdup(cwd);
    return xasprintf("%s/%s", cwd, path);
}

/* A short line diff of two spec texts (LCS; small files only). */
static void print_diff(const char *a, const char *b)
{
    char **la = NULL, **lb = NULL;
    size_t na = 0, nb = 0;
    char *ca = xstrdup(a), *cb = xstrdup(b), *save;
    for (char *l = strtok_r(ca, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        la = xrealloc(la, (na + 1) * sizeof *la);
        la[na++] = l;
    }
    for (char *l = strtok_r(cb, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        lb = xrealloc(lb, (nb + 1) * sizeof *lb);
        lb[nb++] = l;
    }
    if (na > 3000 || nb > 3000) {
        fprintf(stderr, "  (the files are too long to compare line by line)\n");
    } else {
        unsigned short *L = xcalloc((na + 1) * (nb + 1), sizeof *L);
#define AT(i, j) L[(i) * (nb + 1) + (j)]
        for (size_t i = na; i-- > 0;)
            for (size_t j = nb; j-- > 0;)
                AT(i, j) = !strcmp(la[i], lb[j]) ? AT(i + 1, j + 1) + 1
                           : AT(i + 1, j) > AT(i, j + 1) ? AT(i + 1, j)
                                                         : AT(i, j + 1);
        size_t i = 0, j = 0;
        int shown = 0;
        while ((i < na || j < nb) && shown < 20) {
            if (i < na && j < nb && !strcmp(la[i], lb[j])) i++, j++;
            else if (i < na && (j == nb || AT(i + 1, j) >= AT(i, j + 1)))
                fprintf(stderr, "  - %d: %s\n", (int)i + 1, la[i]), i++, shown++;
            else fprintf(stderr, "  + %d: %s\n", (int)j + 1, lb[j]), j++, shown++;
        }
        if (shown == 20) fprintf(stderr, "  ...\n");
#undef AT
        free(L);
    }
    free(la);
    free(lb);
    free(ca);
    free(cb);
}

/* 1 if the two sweeps' templates are the same files with the same texts. */
static int same_templates(const struct space *a, const struct space *b)
{
    if (a->ntemplates != b->ntemplates) return 0;
    for (size_t i = 0; i < a->ntemplates; i++)
        if (strcmp(a->templates[i].name, b->templates[i].name) ||
            strcmp(a->templates[i].text, b->templates[i].text))
            return 0;
    return 1;
}

/* How to run, not what to search: the keys a stored sweep takes from a new
 * version of its file ("resources.max_parallel": a key of resources).
 * run_cap and trials may only grow (and not at all with rungs). */
static const char *const RUN_SETTINGS[] = {
    "run_cap", "trials", "retries", "timeout", "stall_timeout", "stop_grace", "fail_fast", "priority",
    "resources.max_parallel", "resources.stagger", "resources.max_per_gpu",
    "resources.headroom", "resources.cpus", NULL};

/* The entry of a dotted key in a map (NULL: none), and its map. */
static struct value *setting_map(struct value *root, const char *key, const char **leaf)
{
    const char *dot = strchr(key, '.');
    *leaf = dot ? dot + 1 : key;
    if (!dot) return root;
    char sect[32];
    snprintf(sect, sizeof sect, "%.*s", (int)(dot - key), key);
    struct value *m = value_map_get(root, sect);
    return m && m->kind == V_MAP ? m : NULL;
}

/* "max_parallel 2 -> 4" for a setting that differs, into what. */
static void describe_setting(struct sb *what, const char *key, const struct value *a,
                             const struct value *b)
{
    if ((!a && !b) || (a && b && value_same(a, b))) return;
    const char *dot = strchr(key, '.');
    sb_addf(what, "%s%s ", what->len ? ", " : "", dot ? dot + 1 : key);
    for (int i = 0; i < 2; i++) { /* as YAML writes it */
        const struct value *v = i ? b : a;
        if (i) sb_add(what, " -> ");
        if (!v) sb_add(what, "(default)");
        else if (v->kind == V_BOOL) sb_add(what, v->u.b ? "true" : "false");
        else value_people_str(what, v);
    }
}

/* The changes a stored sweep accepts from a new version of its file: its
 * run settings (RUN_SETTINGS); everything else must read the same
 * (comments and layout aside), templates included. 1 and a description in
 * what when nsp differs from the stored osp only so. */
static int compatible_extension(const struct space *osp, const struct space *nsp, struct sb *what)
{
    struct diag d1, d2;
    diag_init(&d1, "old");
    diag_init(&d2, "new");
    struct value *a = ydoc_load(osp->text, osp->textlen, &d1);
    struct value *b = ydoc_load(nsp->text, nsp->textlen, &d2);
    int ok = a && b && a->kind == V_MAP && b->kind == V_MAP && same_templates(osp, nsp);
    for (size_t k = 0; ok && RUN_SETTINGS[k]; k++) {
        const char *leaf;
        struct value *ma = setting_map(a, RUN_SETTINGS[k], &leaf);
        struct value *mb = setting_map(b, RUN_SETTINGS[k], &leaf);
        const struct value *va = ma ? value_map_get(ma, leaf) : NULL;
        const struct value *vb = mb ? value_map_get(mb, leaf) : NULL;
        if (strcmp(leaf, "run_cap") && strcmp(leaf, "trials")) describe_setting(what, RUN_SETTINGS[k], va, vb);
        if (ma) value_map_put(ma, leaf, value_null());
        if (mb) value_map_put(mb, leaf, value_null());
    }
    /* a resources section that held only run settings reads the same as none */
    for (struct value **r = (struct value *[]){a, b, NULL}; ok && *r; r++) {
        struct value *m = value_map_get(*r, "resources");
        int only_null = m && m->kind == V_MAP;
        for (size_t i = 0; only_null && i < m->u.map.n; i++)
            only_null = m->u.map.e[i].val->kind == V_NULL;
        if (only_null) value_map_put(*r, "resources", value_null());
    }
    if (ok) ok = value_same(a, b);
    /* halving and hyperband: the plan depends on run_cap (bracket and rung
     * sizes) */
    if (ok && space_rungs(nsp) && osp->run_cap != nsp->run_cap) ok = 0;
    if (ok) {
        long long ot = trials_total(osp), nt = trials_total(nsp);
        ok = (nt < 0 && ot >= 0) || (ot >= 0 && nt >= ot) || (ot < 0 && nt < 0);
        struct sb t;
        sb_init(&t);
        if (ok && nt != ot) {
            if (nt < 0) sb_addf(&t, "trials %lld -> until stopped", ot);
            else sb_addf(&t, "trials %lld -> %lld", ot, nt);
            if (what->len) sb_addf(&t, ", %s", what->buf);
            what->len = 0;
            sb_add(what, sb_str(&t));
        }
        sb_release(&t);
    }
    value_free(a);
    value_free(b);
    diag_release(&d1);
    diag_release(&d2);
    return ok;
}

/* What differs between the stored sweep and the new file: the file's
 * lines, then each template's. */
static void print_changes(const struct space *osp, const char *old_text, const struct space *sp)
{
    print_diff(old_text, sp->text);
    for (size_t i = 0; osp && i < sp->ntemplates; i++) {
        const struct template_file *t = &sp->templates[i], *o = NULL;
        for (size_t k = 0; k < osp->ntemplates; k++)
            if (!strcmp(osp->templates[k].name, t->name)) o = &osp->templates[k];
        if (o && !strcmp(o->text, t->text)) continue;
        fprintf(stderr, "  template %s%s\n", t->name, o ? " (as stored -> now):" : ": new");
        if (o) print_diff(o->text, t->text);
    }
}

/* Never mix a sweep into a folder of other things; the GPUs must be there
 * before anything is written. */
static int prepare_dir(const struct space *sp, const char *dir, const char *dir_arg, int exists,
                       struct err *e)
{
    if (sp->gpus_auto) {
        struct pack_gpu *g;
        size_t ng;
        int bad = pack_gpus(sp, &g, &ng, e);
        free(g);
        if (bad) {
            if (strncmp(e->msg, "gpus:", 5)) {
                char m[sizeof e->msg];
                memcpy(m, e->msg, sizeof m);
                snprintf(e->msg, sizeof e->msg, "gpus: auto: %.1000s", m);
            }
            return -1;
        }
    }
    if (exists) return 0;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        int other = 0;
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, "lock"))
                other = 1;
        closedir(d);
        if (other)
            return err_usage(e, "%s exists and is not a sweep directory; choose another with -d",
                             dir_arg);
    }
    return util_mkdirs(dir, e);
}

/* The file sp against the sweep stored in w: 0 the same sweep (or one it
 * extends: recorded), 2 a different one (said, with the changes), -1 an
 * error. A sweep stored before templates were part of the hash is the same
 * when its text is: its template texts are recorded from now on. */
static int same_sweep(struct store *st, const struct store_sweep *w, const struct space *sp,
                      const char *dir_arg, int quiet, struct err *e)
{
    struct space_input *in = NULL;
    size_t nin = 0;
    if (store_get_inputs(st, &in, &nin, e)) return -1;
    store_inputs_free(in, nin);
    if (!strcmp(w->spec_hash, sp->hash)) return 0;
    if (!nin && !strcmp(w->spec_hash, sp->text_hash)) /* stored by an earlier version */
        return store_put_inputs(st, sp->inputs, sp->ninputs, e) ||
               store_update_spec(st, w->spec_path, w->spec_text, sp->hash, w->total, e);
    struct space *osp = cli_load_stored(st, w);
    struct sb ext;
    sb_init(&ext);
    int rc = 2;
    if (osp && compatible_extension(osp, sp, &ext)) {
        rc = 0;
        if (store_begin(st, e)) rc = -1;
        else if (store_settle(st, store_update_spec(st, sp->path, sp->text, sp->hash,
                                                    trials_total(sp), e) ||
                                      store_put_inputs(st, sp->inputs, sp->ninputs, e) ||
                                      store_event(st, -1, "settings_changed",
                                                  ext.len ? ext.buf : "layout", e),
                              e))
            rc = -1;
        else if (!quiet)
            fprintf(stderr, "sweep: %s: the file changes how the stored sweep runs%s%s\n",
                    dir_arg, ext.len ? ": " : " (only comments or layout changed)",
                    sb_str(&ext));
    } else {
        fprintf(stderr,
                "sweep: %s holds a different sweep (from %s); refusing to mix them.\n"
                "Changes from the stored sweep to %s (only how it runs may change: a larger "
                "run_cap or trials (not with halving, hyperband or BOHB), retries, timeout, "
                "stall_timeout, stop_grace, fail_fast, and in resources max_parallel, stagger, "
                "max_per_gpu, headroom):\n",
                dir_arg, w->spec_path, sp->path);
        print_changes(osp, w->spec_text, sp);
        char *word = cli_word(dir_arg);
        fprintf(stderr, "Run the new file in another directory (-d DIR), or resume the stored "
                        "one with `sweep resume %s`.\n",
                word);
        free(word);
    }
    sb_release(&ext);
    space_free(osp);
    return rc;
}

/* 1 if name is a program this process could run: a path (relative to
 * cwd) to an executable file, or found so on path. */
static int runnable(const char *name, const char *path, const char *cwd)
{
    struct stat stb;
    if (strchr(name, '/')) {
        char *p = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", cwd, name);
        int ok = stat(p, &stb) == 0 && S_ISREG(stb.st_mode) && access(p, X_OK) == 0;
        free(p);
        return ok;
    }
    char *dirs = xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;
    int ok = 0;
    for (char *d = strtok_r(dirs, ":", &save); d && !ok; d = strtok_r(NULL, ":", &save)) {
        char *p = d[0] == '/' ? xasprintf("%s/%s", d, name) : xasprintf("%s/%s/%s", cwd, d, name);
        ok = stat(p, &stb) == 0 && S_ISREG(stb.st_mode) && access(p, X_OK) == 0;
        free(p);
    }
    free(dirs);
    return ok;
}

/* Where the file writes KEY (its first element for a list), for
 * FILE:LINE:COL; 1:1 if it cannot tell. */
static void key_pos(const struct space *sp, const char *key, int *line, int *col)
{
    struct diag d;
    diag_init(&d, sp->path);
    struct value *root = ydoc_load(sp->text, sp->textlen, &d);
    const struct mapent *me = root && root->kind == V_MAP ? value_map_entry(root, key) : NULL;
    *line = me ? me->line : 1;
    *col = me ? me->col : 1;
    if (me && me->val->kind == V_LIST && me->val->u.list.n)
        *line = me->val->u.list.v[0]->line, *col = me->val->u.list.v[0]->col;
    else if (me && me->val->kind != V_MAP && me->val->line)
        *line = me->val->line, *col = me->val->col;
    value_free(root);
    diag_release(&d);
}

/* Before the first launch (local executor): the program every trial would
 * run exists and can run, so that a typo is one clear error, not a failed
 * trial after another. Elements rendered per trial are not judged. 0, or 2
 * (said as FILE:LINE:COL). */
static int check_machine_cfg(const struct space *sp)
{
    if (exec_def(sp->executor) != &exec_local_def) return 0; /* Slurm's sweeps: not here */
    struct machine_cfg c;
    struct diag d;
    diag_init(&d, machine_cfg_path());
    int bad = machine_cfg_load(&c, &d);
    if (bad) diag_print(&d);
    diag_release(&d);
    machine_cfg_release(&c);
    return bad ? 2 : 0;
}

static int check_program(const struct space *sp, const char *cwd)
{
    if (exec_def(sp->executor) != &exec_local_def || sp->shell || !sp->ncommand) return 0;
    const char *path = getenv("PATH");
    for (size_t i = 0; i < sp->nenv; i++)
        if (!strcmp(sp->env[i].name, "PATH") && !strchr(sp->env[i].value, '$'))
            path = sp->env[i].value;
    size_t k = 0;
    if (!strcmp(sp->command[0], "${env}") && sp->ncommand > 1) k = 1; /* /usr/bin/env runs it */
    const char *first = sp->command[k], *bad = NULL, *key = "command";
    if (!strcmp(first, "${interpreter}")) {
        if (!runnable(sp->interpreter, path, cwd)) bad = sp->interpreter, key = "interpreter";
    } else if (!strchr(first, '$') && !runnable(first, path, cwd)) {
        bad = first;
    }
    struct stat stb;
    int no_program = !bad && sp->program && sp->runs_interpreter && !strchr(sp->program, '$') &&
                     stat(sp->program[0] == '/' ? sp->program : "", &stb) != 0;
    if (no_program && sp->program[0] != '/') {
        char *p = xasprintf("%s/%s", cwd, sp->program);
        no_program = stat(p, &stb) != 0;
        free(p);
    }
    if (!bad && !no_program) return 0;
    int line, col;
    key_pos(sp, no_program ? "program" : key, &line, &col);
    if (!strcmp(key, "interpreter") && line == 1 && col == 1) key_pos(sp, "command", &line, &col);
    struct sb m;
    sb_init(&m);
    sb_add_visible(&m, sp->path);
    sb_addf(&m, ":%d:%d: ", line, col);
    if (no_program) {
        sb_add(&m, "program: ");
        sb_add_visible(&m, sp->program);
        sb_add(&m, " does not exist in ");
        sb_add_visible(&m, cwd);
    } else {
        sb_add(&m, "the command's program ");
        sb_add_visible(&m, bad);
        sb_add(&m, strchr(bad, '/') ? " is not an executable file"
                                    : " is not found on PATH (nor executable there)");
        if (!strcmp(key, "interpreter"))
            sb_add(&m, " (${interpreter}; set interpreter: to the python to use)");
    }
    fprintf(stderr, "%s; no trial was started\n", sb_str(&m));
    sb_release(&m);
    return 2;
}

/* path made absolute without links: realpath, or for a path that is not
 * there yet, its folder's realpath and its name. A new string. */
static char *canon(const char *path)
{
    char *r = realpath(path, NULL);
    if (r) return r;
    char *a = xstrdup(path), *b = xstrdup(path);
    char *parent = realpath(dirname(a), NULL);
    char *out = xasprintf("%s/%s", parent ? parent : ".", basename(b));
    free(parent);
    free(a);
    free(b);
    return out;
}

/* prior: naming the sweep's own directory would teach the model its own
 * results twice after a resume: refused, FILE:LINE:COL, exit 2. */
static int check_priors(const struct space *sp, const char *dir)
{
    char *self = canon(dir);
    int rc = 0;
    for (size_t i = 0; i < sp->npriors && !rc; i++) {
        const char *p = sp->priors[i];
        char *pd = p[0] == '/' ? xstrdup(p) : xasprintf("%s/%s", sp->dir, p);
        char *c = canon(pd);
        if (!strcmp(c, self)) {
            int line, col;
            key_pos(sp, "prior", &line, &col);
            struct sb m;
            sb_init(&m);
            sb_add_visible(&m, sp->path);
            sb_addf(&m, ":%d:%d: prior ", line, col);
            sb_add_visible(&m, p);
            sb_add(&m, " is this sweep's own directory: its results are learnt as they come; "
                       "name earlier sweeps only");
            fprintf(stderr, "%s\n", sb_str(&m));
            sb_release(&m);
            rc = 2;
        }
        free(c);
        free(pd);
    }
    free(self);
    return rc;
}

/* Runs the loop and says how it ended. */
static int run_and_report(struct space *sp, struct store *st, const char *dir, const char *cwd,
                          const char *dir_arg, int quiet, struct err *e)
{
    if (!quiet) {
        long long total = trials_total(sp);
        fprintf(stderr, "sweep: %s -> %s: %s search, ", sp->path, dir_arg,
                space_method_name(sp->method));
        if (total >= 0) fprintf(stderr, "%lld trial%s", total, total == 1 ? "" : "s");
        else fprintf(stderr, "no trial limit (until Ctrl-C or the target)");
        char at[96];
        fprintf(stderr, ", %s\n", cli_at_a_time(sp, at, sizeof at));
    }
    struct progress pr;
    struct run_opts o = {.sp = sp, .st = st, .dir = dir, .cwd = cwd,
                         .obs = progress_observer(&pr, quiet, sp->metric_name)};
    struct run_result res;
    int failed = run_sweep(&o, &res, e);
    progress_clear(&pr);
    if (failed) return -1;
    if (res.interrupted == 2)
        fprintf(stderr, "sweep: second %s: exiting now; %zu trial%s keep%s running and "
                        "`sweep run` on this directory follows them again\n",
                proc_signal_name(res.signal), res.left_running,
                res.left_running == 1 ? "" : "s", res.left_running == 1 ? "s" : "");
    long long counts[TRIAL_NSTATES] = {0};
    int have_counts = store_counts(st, counts, e) == 0;
    int all_failed = have_counts && !res.interrupted && counts[TRIAL_FAILED] > 0 &&
                     !counts[TRIAL_COMPLETED] && !counts[TRIAL_PRUNED];
    if (!quiet && res.interrupted != 2) {
        if (have_counts)
            fprintf(stderr,
                    "sweep: %s: %lld completed, %lld pruned, %lld failed, %lld stopped, %lld pending\n",
                    res.failed_fast[0] ? "stopped (fail_fast)"
                    : res.interrupted  ? "stopped"
                                       : "finished",
                    counts[TRIAL_COMPLETED], counts[TRIAL_PRUNED], counts[TRIAL_FAILED],
                    counts[TRIAL_STOPPED], counts[TRIAL_PENDING]);
        char *word = cli_word(dir); /* absolute: it works from anywhere */
        if (res.interrupted && counts[TRIAL_PENDING] > 0)
            fprintf(stderr, "sweep: `sweep resume %s` runs the %lld interrupted trial%s and the "
                            "rest\n",
                    word, counts[TRIAL_PENDING], counts[TRIAL_PENDING] == 1 ? "" : "s");
        printf("top trials (sweep top %s):\n", word);
        free(word);
        if (cli_mo_top(st, stdout, 5, 0, NULL, NULL) == 1) /* several objectives: by front */
            cli_print_top(st, stdout, 5, 0, 0, NULL);
    }
    /* said even with -q: the sweep did not do its job */
    if (res.failed_fast[0]) {
        struct sb m;
        sb_init(&m);
        sb_add_visible(&m, res.failed_fast);
        fprintf(stderr, "sweep: stopped early: %s\n", sb_str(&m));
        sb_release(&m);
        return SWEEP_EXIT_FAILED;
    }
    if (all_failed) {
        fprintf(stderr, "sweep: every trial failed (`sweep status` shows why)\n");
        return SWEEP_EXIT_FAILED;
    }
    return res.interrupted ? 130 : 0;
}

/* 1 if DIR/trials holds any trial directory. */
static int has_trials(const char *dir)
{
    char *t = xasprintf("%s/trials", dir);
    DIR *d = opendir(t);
    free(t);
    if (!d) return 0;
    struct dirent *de;
    int any = 0;
    while (!any && (de = readdir(d))) any = de->d_name[0] != '.';
    closedir(d);
    return any;
}

/* Runs sp in dir: a new sweep, or the one stored there (must_exist: it has
 * to be there); jobs > 0: that many trials at a time in this run (-j). */
static int run_dir(struct space *sp, const char *dir_arg, int quiet, int jobs, int must_exist)
{
    struct err e = {0};
    char *dir = absolute(dir_arg);
    char *db = layout_db(dir);
    struct stat stb;
    int exists = stat(db, &stb) == 0;
    int rc = 1, lockfd = -1;
    struct store *st = NULL;
    struct store_sweep w = {0};
    if (!exists && must_exist) {
        err_usage(&e, "%s is not a sweep directory (no sweep.db)", dir_arg);
        goto fail;
    }
    if (exists && stb.st_size == 0 && has_trials(dir)) { /* never a new sweep over old trials */
        err_usage(&e, "%s/sweep.db is empty, but %s/trials/ holds trials: the store was emptied "
                      "or replaced; sweep does not run a new sweep over them",
                  dir_arg, dir_arg);
        goto fail;
    }
    if ((rc = check_priors(sp, dir))) goto out;
    if ((rc = check_machine_cfg(sp))) goto out;
    cli_warn_params(sp);
    char here[4096]; /* a new sweep runs its trials here: nothing is written before */
    if (!exists && getcwd(here, sizeof here) && (rc = check_program(sp, here))) goto out;
    if (prepare_dir(sp, dir, dir_arg, exists, &e)) goto fail;
    lockfd = dirlock_acquire(dir, &e);
    if (lockfd < 0) goto fail;
    st = store_open(db, 1, &e);
    if (!st) goto fail;
    int got = store_get_sweep(st, &w, &e);
    if (got < 0) goto fail;
    if (got == 1 && has_trials(dir)) {
        err_usage(&e, "%s/sweep.db holds no sweep, but %s/trials/ holds trials: the store was "
                      "emptied or replaced; sweep does not run a new sweep over them",
                  dir_arg, dir_arg);
        goto fail;
    }
    if (got == 1) { /* a new sweep */
        if (cli_init_sweep(st, sp, &w, &e)) goto fail;
    } else {
        int same = same_sweep(st, &w, sp, dir_arg, quiet, &e);
        if (same < 0) goto fail;
        if (same == 2) {
            rc = 2;
            goto out;
        }
    }
    store_set_objective(st, sp->metric_name, space_maximizes(sp), sp->summary_last);
    if (got == 0 && (rc = check_program(sp, w.cwd ? w.cwd : dir))) goto out;
    if (jobs > 0 && jobs != sp->max_parallel) { /* for this run; recorded */
        char what[96];
        snprintf(what, sizeof what, "max_parallel %d -> %d for this run (-j)", sp->max_parallel,
                 jobs);
        if (store_event(st, -1, "settings_changed", what, &e)) goto fail;
        if (!quiet) fprintf(stderr, "sweep: %s\n", what);
        sp->max_parallel = jobs;
    }
    rc = run_and_report(sp, st, dir, w.cwd, dir_arg, quiet, &e);
    if (rc >= 0) goto out;
fail:
    rc = cli_fail(&e);
out:
    store_sweep_release(&w);
    store_close(st);
    if (lockfd >= 0) close(lockfd);
    free(db);
    free(dir);
    return rc;
}

static int parse_common(int argc, char **argv, const char *cmd, const char *help, char **dir,
                        int *quiet, int *jobs, int want_dir)
{
    static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"jobs", required_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    char *end;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, want_dir ? "d:qj:h" : "qj:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': *dir = optarg; break;
        case 'q': *quiet = 1; break;
        case 'j':
            errno = 0;
            long j = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || j < 1 || j > 4096)
                return cli_usage(cmd, "-j takes a number of trials at a time, 1..4096: %s", optarg);
            *jobs = (int)j;
            break;
        case 'h': fputs(help, stdout); return 0;
        default:
            return cli_bad_option(cmd, opts, argv);
        }
    }
    return -1;
}

int cmd_run(int argc, char **argv)
{
    char *dir = NULL;
    int quiet = 0, jobs = 0;
    int r = parse_common(argc, argv, "run", RUN_USAGE, &dir, &quiet, &jobs, 1);
    if (r >= 0) return r;
    if (optind != argc - 1) return cli_usage("run", "expected one sweep file");
    const char *file = argv[optind];
    struct space *sp = cli_load_space(file);
    if (!sp) return 2;
    if (!sp->ncommand) { /* it plans; it cannot run */
        struct sb m;
        sb_init(&m);
        sb_add_visible(&m, file);
        fprintf(stderr, "%s:1:1: %s\n", sb_str(&m), SPACE_NO_COMMAND);
        sb_release(&m);
        space_free(sp);
        return 2;
    }
    char *dflt = dir ? NULL : cli_default_dir(file);
    int rc = run_dir(sp, dir ? dir : dflt, quiet, jobs, 0);
    free(dflt);
    space_free(sp);
    return rc;
}

int cmd_resume(int argc, char **argv)
{
    char *unused = NULL;
    int quiet = 0, jobs = 0;
    int r = parse_common(argc, argv, "resume", RESUME_USAGE, &unused, &quiet, &jobs, 0);
    if (r >= 0) return r;
    if (optind != argc - 1) return cli_usage("resume", "expected one sweep directory");
    const char *dir = argv[optind];
    struct err e = {0};
    char *db = layout_db(dir);
    struct stat stb;
    if (stat(db, &stb) != 0) {
        free(db);
        return cli_usage("resume", "%s is not a sweep directory (no sweep.db)", dir);
    }
    struct store *st = store_open_ro(db, &e);
    free(db);
    if (!st) return cli_fail(&e);
    struct store_sweep w;
    int got = store_get_sweep(st, &w, &e);
    if (got != 0) {
        store_close(st);
        if (got == 1) err_usage(&e, "%s holds no sweep yet", dir);
        return cli_fail(&e);
    }
    struct space *sp = cli_load_stored(st, &w);
    store_close(st);
    store_sweep_release(&w);
    if (!sp) return 2;
    int rc = run_dir(sp, dir, quiet, jobs, 1);
    space_free(sp);
    return rc;
}
