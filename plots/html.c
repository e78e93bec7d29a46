/* html.c - the page: summary, leaderboard, figures; every piece of user
 * text escaped. index.html is written last, atomically. */
#include "plots/report_int.h"
#include "search/render.h"
#include "search/diag.h"
#include "search/methods.h"
#include "search/space.h"
#include "store/fronts.h"
#include "store/layout.h"
#include "store/stored.h"
#include "sweep/ingest/metrics.h"
#include "base/err.h"
#include "base/json.h"
#include "base/value.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the page ------------------------------------------------------------ */

static void html_esc(struct sb *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sb_add(b, "&amp;"); break;
        case '<': sb_add(b, "&lt;"); break;
        case '>': sb_add(b, "&gt;"); break;
        case '"': sb_add(b, "&quot;"); break;
        case '\'': sb_add(b, "&#39;"); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') sb_addc(b, '?');
            else sb_addc(b, *s);
        }
    }
}

/* An href: percent-encoded, so that no byte of a path can end the attribute. */
static void html_href(struct sb *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || strchr("/._-~", c)) sb_addc(b, (char)c);
        else sb_addf(b, "%%%02X", c);
    }
}

/* The path of to (a directory or file) relative to the directory from;
 * both absolute and canonical. */
static char *relpath(const char *from, const char *to)
{
    size_t i = 0, last = 0;
    while (from[i] && from[i] == to[i]) {
        if (from[i] == '/') last = i;
        i++;
    }
    if (!from[i] && (to[i] == '/' || !to[i])) last = i;
    struct sb b;
    sb_init(&b);
    for (const char *p = from + last; *p; p++)
        if (*p == '/') sb_add(&b, "../");
    sb_add(&b, to[last] == '/' ? to + last + 1 : to + last);
    if (!b.len) sb_add(&b, ".");
    return sb_detach(&b);
}

static void td_num(struct sb *b, int has, double x)
{
    if (has) {
        sb_add(b, "<td class=\"n\">");
        util_fmt_num(b, x); /* for people: a few digits */
        sb_add(b, "</td>");
    }
    else sb_add(b, "<td class=\"n\">-</td>");
}

/* A duration for people (3.2s, 4m10s, 2h01m), or "-". */
static void td_dur(struct sb *b, int has, double secs)
{
    sb_add(b, "<td class=\"n\">");
    if (has) util_fmt_duration(b, secs);
    else sb_add(b, "-");
    sb_add(b, "</td>");
}

static const char *et_name(const struct rsweep *s)
{
    /* halving and hyperband stop weak configurations at their rungs */
    if (s->sp && space_rungs(s->sp)) return method_of(s->sp)->rungs_note;
    if (!s->sp || !s->sp->et_enabled) return "none";
    switch (s->sp->et_type) {
    case ET_HYPERBAND: return "hyperband";
    case ET_ASHA: return "asha";
    case ET_MEDIAN: return "median";
    default: return "patience";
    }
}

/* A cell with trial id, linked to its directory (sweep_abs: the sweep's
 * directory, absolute; NULL: not linked) relative to the page's. */
static void td_trial(struct sb *b, const char *sweep_abs, const char *absout, long long id)
{
    char *tdir = sweep_abs ? layout_trial_dir(sweep_abs, id) : NULL;
    char *rel = tdir ? relpath(absout, tdir) : NULL;
    sb_add(b, "<td>");
    if (rel) {
        sb_add(b, "<a href=\"");
        html_href(b, rel);
        sb_add(b, "/\">");
    }
    sb_addf(b, "%lld%s</td>", id, rel ? "</a>" : "");
    free(tdir);
    free(rel);
}

static void page_summary(struct report *r, struct sb *b, const char *absout)
{
    sb_add(b, "<table class=\"sum\">\n<tr><th>sweep</th><th>method</th><th>early stopping</th>"
              "<th>trials</th><th>best trial</th><th>");
    html_esc(b, r->objname);
    sb_addf(b, "</th><th>values logged</th><th>%s</th><th>%s until the best</th></tr>\n",
            r->gpus ? "GPU time" : "trial time", r->gpus ? "GPU time" : "trial time");
    for (size_t si = 0; si < r->ns; si++) {
        struct rsweep *s = &r->s[si];
        sb_add(b, "<tr><td>");
        html_esc(b, s->label);
        sb_add(b, "<br/><span class=\"dim\">");
        html_esc(b, s->dir);
        sb_add(b, "</span></td><td>");
        html_esc(b, s->meta.method ? s->meta.method : "?");
        sb_add(b, "</td><td>");
        html_esc(b, et_name(s));
        sb_addf(b, "</td><td>%zu:", s->nt);
        for (int st = 0; st < TRIAL_NSTATES; st++)
            if (s->counts[st]) sb_addf(b, " %lld&#160;%s", s->counts[st], store_state_name((enum trial_state)st));
        sb_add(b, "</td>");
        if (s->sp && s->sp->nobjs >= 2) { /* no one best: the front, below */
            sb_add(b, "<td>the first front (below)</td><td class=\"n\">-</td>");
        } else if (s->best >= 0) {
            const struct rtrial *t = &s->t[s->best];
            char *abs = realpath(s->dir, NULL);
            td_trial(b, abs, absout, t->id);
            free(abs);
            td_num(b, 1, t->obj);
        } else {
            sb_add(b, "<td>-</td><td class=\"n\">-</td>");
        }
        sb_addf(b, "<td class=\"n\">%lld</td>", s->epochs);
        td_dur(b, 1, s->hours * 3600);
        td_dur(b, s->best >= 0 && s->hours_to_best > 0 && !(s->sp && s->sp->nobjs >= 2),
               s->hours_to_best * 3600);
        sb_add(b, "</tr>\n");
    }
    sb_add(b, "</table>\n");
}

/* A sweep of several objectives: its first front, a row per trial (best
 * first objective first), each objective and the parameters. */
static void page_front(struct rsweep *s, struct sb *b, const char *absout, int several)
{
    const struct space *sp = s->sp;
    if (!s->fronts) return;
    const struct fronts f = *s->fronts;
    size_t m = f.m, *row = xmalloc((f.n + 1) * sizeof *row), k = 0;
    for (size_t i = 0; i < f.n; i++)
        if (f.front[i] == 0 && f.viol[i] <= 0) row[k++] = i;
    for (size_t a = 1; a < k; a++) /* by the first objective, best first (k is small) */
        for (size_t c = a; c > 0; c--) {
            double x = f.obj[row[c] * m], y = f.obj[row[c - 1] * m];
            if (!(sp->obj_max[0] ? x > y : x < y)) break;
            size_t t = row[c];
            row[c] = row[c - 1];
            row[c - 1] = t;
        }
    sb_add(b, "<h2>The first front");
    if (several) {
        sb_add(b, ": ");
        html_esc(b, s->label);
    }
    sb_addf(b, "</h2>\n<p>%zu of %zu completed trials meet the constraints and no other such trial "
               "beats them in every objective (<code>sweep best</code>); hypervolume ",
            k, f.n);
    util_fmt_num(b, f.hypervolume);
    sb_add(b, ".</p>\n<table>\n<tr><th>trial</th>");
    for (size_t j = 0; j < m; j++) {
        sb_add(b, "<th>");
        html_esc(b, sp->obj_names[j]);
        sb_addf(b, " (%s)</th>", sp->obj_max[j] ? "max" : "min");
    }
    sb_add(b, "<th>parameters</th></tr>\n");
    char *abs = realpath(s->dir, NULL);
    for (size_t a = 0; a < k; a++) {
        long long id = f.trial[row[a]];
        sb_add(b, "<tr>");
        td_trial(b, abs, absout, id);
        for (size_t j = 0; j < m; j++) td_num(b, 1, f.obj[row[a] * m + j]);
        const struct rtrial *t = id >= 0 && id <= s->maxid ? s->byid[id] : NULL;
        sb_add(b, "<td>");
        for (size_t i = 0; t && t->params && t->params->kind == V_MAP && i < t->params->u.map.n;
             i++) { /* name=value, as sweep top shows them */
            char *v = rp_value_text(t->params->u.map.e[i].val);
            sb_add(b, i ? " " : "");
            html_esc(b, t->params->u.map.e[i].key);
            sb_addc(b, '=');
            html_esc(b, v);
            free(v);
        }
        sb_add(b, "</td></tr>\n");
    }
    sb_add(b, "</table>\n");
    free(abs);
    free(row);
}

/* Which parameters matter: per sweep, a row per parameter, most important
 * first, with what it says in words. */
static void page_importance(struct report *r, struct sb *b)
{
    if (!r->nc) return;
    size_t *order = xcalloc(r->nc, sizeof *order);
    int head = 0;
    for (size_t si = 0; si < r->ns; si++) {
        struct rsweep *s = &r->s[si];
        const struct importance *im = r->imp + si * r->nc;
        size_t n = r->nc;
        rp_importance_order(im, n, order);
        if (!head++) sb_add(b, "<h2>Which parameters matter</h2>\n");
        if (r->ns > 1) {
            sb_add(b, "<p>");
            html_esc(b, s->label);
            sb_add(b, "</p>\n");
        }
        if (!n || im[order[0]].n < IMPORTANCE_MIN_N) {
            sb_addf(b, "<p class=\"dim\">Too few trials to tell (%zu; it takes %d %s with a value "
                       "of the objective).</p>\n",
                    n ? im[order[0]].n : 0, IMPORTANCE_MIN_N,
                    s->rungs ? "configurations" : "completed or pruned trials");
            continue;
        }
        sb_add(b, "<table class=\"imp\">\n<tr><th>parameter</th><th>variance explained</th>"
                  "<th>rank correlation</th><th>trials</th><th>what it says</th></tr>\n");
        for (size_t i = 0; i < n; i++) {
            const struct importance *x = &im[order[i]];
            int says = rp_importance_says(x);
            if (says == IMP_NOTHING) continue; /* a constant (the budget at one rung) */
            sb_add(b, "<tr><td>");
            html_esc(b, r->c[x->col].path);
            sb_add(b, "</td>");
            if (isnan(x->eta2)) sb_add(b, "<td class=\"n\">-</td>");
            else sb_addf(b, "<td class=\"n\">%.0f%% <span class=\"dim\">(%d %s)</span></td>",
                         100 * x->eta2, x->groups, r->c[x->col].numeric ? "bins" : "categories");
            if (isnan(x->rho)) sb_add(b, "<td class=\"n\">-</td>");
            else sb_addf(b, "<td class=\"n\">%+.2f</td>", x->rho);
            sb_addf(b, "<td class=\"n\">%zu</td><td>", x->n);
            int maxi = s->meta.maximize;
            if (says == IMP_DIRECTION) {
                sb_add(b, "a larger ");
                html_esc(b, r->c[x->col].path);
                sb_addf(b, " goes with a %s objective", (x->rho > 0) == maxi ? "better" : "worse");
            } else if (says == IMP_MATTERS) {
                sb_add(b, "its value matters, not in one direction");
            } else {
                sb_add(b, "little effect seen");
            }
            sb_add(b, "</td></tr>\n");
        }
        sb_add(b, "</table>\n");
    }
    if (head)
        sb_add(b, "<p class=\"dim\">Variance explained: the share of the objective's variance "
                  "between the parameter's categories, or between quantile bins of its values "
                  "(eta squared; at least 3 trials a bin, and it still reads high by chance with "
                  "few). Rank correlation: Spearman's, of the parameter's values with the "
                  "objective; a direction is said only when it is clear of chance at that "
                  "number of trials. Both look at one parameter at a time: an effect that shows "
                  "only with another parameter is not seen (docs/reports.md).</p>\n");
    free(order);
}

/* Completed trials, none with a value of the objective: what `sweep run`
 * and `sweep status` say, here too (the names the parser read, a near one,
 * the command that shows what it reads). */
static void no_objective_hint(struct rsweep *s, struct sb *b)
{
    if (!s->meta.objective || s->obj >= 0 || !s->counts[TRIAL_COMPLETED]) return;
    const struct rtrial *first = NULL;
    for (size_t i = 0; i < s->nt && !first; i++)
        if (s->t[i].state == TRIAL_COMPLETED) first = &s->t[i];
    const char *near = NULL;
    int best = 4;
    for (size_t i = 0; i < s->nnames; i++) {
        int d = util_edit_distance(s->names[i], s->meta.objective);
        if (d < best) best = d, near = s->names[i];
    }
    const char *parser = s->sp ? s->sp->parser : "keyvalue";
    sb_add(b, "<p class=\"warn\">No completed trial logged a value of <b>");
    html_esc(b, s->meta.objective);
    sb_add(b, "</b>: the parser ");
    html_esc(b, parser);
    sb_add(b, " read ");
    if (!s->nnames) sb_add(b, "nothing");
    for (size_t i = 0; i < s->nnames && i < 12; i++) {
        sb_add(b, i ? ", " : "");
        html_esc(b, s->names[i]);
    }
    if (s->nnames > 12) sb_add(b, ", ...");
    if (near) {
        sb_add(b, " (is metric.name ");
        html_esc(b, near);
        sb_add(b, " meant?)");
    }
    if (first) {
        char *td = layout_trial_dir(s->dir, first->id), *log = layout_log(td);
        struct sb cmd;
        sb_init(&cmd);
        sb_add(&cmd, "sweep metrics --parser ");
        render_shell_word(&cmd, parser);
        sb_addc(&cmd, ' ');
        render_shell_word(&cmd, log);
        sb_add(b, ". <code>");
        html_esc(b, sb_str(&cmd));
        sb_add(b, "</code> shows what it reads from a trial's log");
        sb_release(&cmd);
        free(log);
        free(td);
    }
    sb_add(b, " (docs/parsers.md).</p>\n");
}

static void page_leaderboard(struct report *r, struct rsweep *s, struct sb *b, const char *absout)
{
    char *abs = realpath(s->dir, NULL);
    sb_add(b, "<h2>Leaderboard");
    if (r->ns > 1) {
        sb_add(b, ": ");
        html_esc(b, s->label);
    }
    sb_add(b, "</h2>\n");
    no_objective_hint(s, b);
    sb_add(b, "<table class=\"lb\">\n<tr><th>#</th><th>trial</th><th>state</th><th>");
    html_esc(b, s->meta.objective ? s->meta.objective : "objective");
    sb_add(b, "</th><th>at step</th>");
    if (s->rungs) sb_add(b, "<th>rung</th>");
    /* never two columns with one name: a parameter called like one of ours */
    static const char *const ours[] = {"#", "trial", "state", "at step", "rung", "values",
                                       "time", "log", "note", NULL};
    for (size_t k = 0; k < r->nc; k++) {
        int clash = s->meta.objective && !strcmp(r->c[k].path, s->meta.objective);
        for (const char *const *o = ours; *o; o++)
            if (!strcmp(r->c[k].path, *o)) clash = 1;
        sb_add(b, "<th>");
        html_esc(b, r->c[k].path);
        if (clash) sb_add(b, " (parameter)");
        sb_add(b, "</th>");
    }
    sb_add(b, "<th>values</th><th>time</th><th>log</th><th>note</th></tr>\n");
    for (size_t i = 0; i < s->nt; i++) {
        const struct rtrial *t = &s->t[i];
        if (t->promoted) continue; /* shown as its configuration's last rung */
        char *tdir = abs ? layout_trial_dir(abs, t->id) : NULL;
        char *rel = tdir ? relpath(absout, tdir) : NULL;
        sb_addf(b, "<tr class=\"%s\"><td class=\"n\">%d</td><td class=\"n\">", store_state_name(t->state),
                t->rank);
        if (rel) {
            sb_add(b, "<a href=\"");
            html_href(b, rel);
            sb_addf(b, "/\">%lld</a>", t->id);
        } else {
            sb_addf(b, "%lld", t->id);
        }
        sb_addf(b, "</td><td>%s</td>", store_state_name(t->state));
        td_num(b, t->has_obj, t->obj);
        if (t->has_obj) sb_addf(b, "<td class=\"n\">%lld</td>", t->obj_step);
        else sb_add(b, "<td class=\"n\">-</td>");
        if (s->rungs) {
            if (t->rung >= 0) sb_addf(b, "<td class=\"n\">%d</td>", t->rung);
            else sb_add(b, "<td class=\"n\">-</td>");
        }
        for (size_t k = 0; k < r->nc; k++) {
            const struct value *v = value_lookup(t->params, r->c[k].path);
            sb_add(b, r->c[k].numeric ? "<td class=\"n\">" : "<td>");
            if (v) {
                char *txt = rp_value_text(v);
                html_esc(b, txt);
                free(txt);
            } else {
                sb_add(b, "-");
            }
            sb_add(b, "</td>");
        }
        struct series *o = rp_trial_series(t, s->obj);
        sb_addf(b, "<td class=\"n\">%zu</td>", o ? o->n : 0);
        td_dur(b, t->started > 0 && t->ended >= t->started, t->ended - t->started);
        if (rel) {
            sb_add(b, "<td><a href=\"");
            html_href(b, rel);
            sb_add(b, "/stdout.log\">log</a></td>");
        } else {
            sb_add(b, "<td>-</td>");
        }
        sb_add(b, "<td class=\"note\">");
        if (t->parent >= 0) { /* its configuration's earlier rungs */
            long long up[32];
            size_t nup = 0;
            for (long long a = t->parent; a >= 0 && a <= s->maxid && s->byid[a] && nup < 32;
                 a = s->byid[a]->parent)
                up[nup++] = a;
            sb_add(b, "rungs: trials ");
            while (nup) sb_addf(b, "%lld &#8594; ", up[--nup]);
            sb_addf(b, "%lld. ", t->id);
        }
        if (t->reason) html_esc(b, t->reason);
        sb_add(b, "</td></tr>\n");
        free(tdir);
        free(rel);
    }
    sb_add(b, "</table>\n");
    free(abs);
}

static const char CSS[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:1.5em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}"
    "table{border-collapse:collapse;font-size:0.85em}"
    "th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.pruned td{color:#a0522d}tr.failed td{color:#c00}tr.stopped td,tr.pending td{color:#777}"
    "td.note{max-width:32em;font-size:0.9em}.dim{color:#777;font-size:0.85em}"
    ".warn{background:#fff3cd;border:1px solid #e0c36a;padding:0.6em}"
    "figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}"
    "figcaption{color:#555;font-size:0.85em;max-width:60em}";

int rp_write_page(struct report *r, struct err *e)
{
    char *absout = realpath(r->out, NULL);
    if (!absout) return err_errno(e, "%s", r->out);
    struct sb b;
    sb_init(&b);
    sb_add(&b, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
               "<head>\n<meta charset=\"utf-8\"/>\n<title>sweep report: ");
    for (size_t si = 0; si < r->ns; si++) {
        if (si) sb_add(&b, ", ");
        html_esc(&b, r->s[si].label);
    }
    sb_addf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", CSS);
    if (r->ns == 1) {
        sb_add(&b, "Sweep ");
        html_esc(&b, r->s[0].label);
    } else {
        sb_addf(&b, "%zu sweeps compared", r->ns);
    }
    time_t now = (time_t)r->now;
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", localtime(&now));
    sb_addf(&b, "</h1>\n<p class=\"dim\">Written by sweep %s on %s. ", SWEEP_VERSION, when);
    const struct space *sp0 = r->s[0].sp;
    if (sp0 && sp0->nobjs >= 2) {
        sb_add(&b, "Objectives: ");
        for (size_t j = 0; j < sp0->nobjs; j++) {
            sb_add(&b, j ? ", " : "");
            html_esc(&b, sp0->obj_names[j]);
            sb_addf(&b, " (%s)", sp0->obj_max[j] ? "maximize" : "minimize");
        }
        for (size_t k = 0; k < sp0->ncons; k++) {
            sb_add(&b, k ? ", " : "; constraints: ");
            html_esc(&b, sp0->con_names[k]);
            sb_addf(&b, " %s ", sp0->con_le[k] ? "&lt;=" : "&gt;=");
            util_fmt_num(&b, sp0->con_bound[k]);
        }
        sb_add(&b, ". The plots of one objective show the first.");
    } else {
        sb_add(&b, "Objective: ");
        html_esc(&b, r->objname);
        sb_addf(&b, " (%s).", r->s[0].meta.maximize ? "maximize" : "minimize");
    }
    if (r->fixed.len) {
        sb_add(&b, " Same in every trial: ");
        html_esc(&b, r->fixed.buf);
        sb_addc(&b, '.');
    }
    sb_add(&b, "</p>\n");
    if (!r->gnuplot)
        sb_add(&b, "<p class=\"warn\">The plots need gnuplot, which is not on PATH (Debian: "
                   "<code>apt-get install gnuplot-nox</code>, then run <code>sweep report</code> "
                   "again). The tables below are complete.</p>\n");
    if (r->nfails) {
        sb_add(&b, "<p class=\"warn\">Some plots could not be drawn:</p>\n<ul>\n");
        for (size_t i = 0; i < r->nfails; i++) {
            sb_add(&b, "<li>");
            html_esc(&b, r->fails[i]);
            sb_add(&b, "</li>\n");
        }
        sb_add(&b, "</ul>\n");
    }
    sb_add(&b, "<h2>Summary</h2>\n");
    page_summary(r, &b, absout);
    for (size_t si = 0; si < r->ns; si++)
        if (r->s[si].fronts) page_front(&r->s[si], &b, absout, r->ns > 1);
    page_importance(r, &b);
    if (r->nfig) sb_add(&b, "<h2>Plots</h2>\n");
    for (size_t i = 0; i < r->nfig; i++) {
        sb_add(&b, "<figure><img src=\"");
        html_href(&b, r->fig[i].file);
        sb_add(&b, "\" alt=\"");
        html_esc(&b, r->fig[i].caption);
        sb_add(&b, "\"/><figcaption>");
        html_esc(&b, r->fig[i].caption);
        sb_add(&b, "</figcaption></figure>\n");
    }
    for (size_t si = 0; si < r->ns; si++) page_leaderboard(r, &r->s[si], &b, absout);
    sb_add(&b, "<p class=\"dim\">time: each trial's wall-clock time (trial time and GPU time in "
               "the summary: their sum, each trial's time times its GPUs when GPUs are recorded); "
               "values: how many values of the objective it logged. Each plot's gnuplot script and data are next to this page "
               "(<code>NAME.gp</code>, <code>data/</code>).</p>\n</body>\n</html>\n");
    int rc = rp_write_file(r, "index.html", b.buf, b.len, e);
    sb_release(&b);
    free(absout);
    return rc;
}

