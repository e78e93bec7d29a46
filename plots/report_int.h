/* report_int.h - what the files of `sweep report` share: the sweeps as read
 * into memory, the parameter columns, the figures drawn so far, and the
 * helpers that write data files and gnuplot scripts. Not for other modules:
 * they use plots.h.
 *
 *   report.c     the entry point and the table of figures
 *   load.c       reading the sweeps (trials in leaderboard order, metric series)
 *   columns.c    the parameters that vary, as plot axes
 *   draw.c       data files, scripts, running gnuplot, the trials drawn in colour
 *   fig_*.c      one figure each (report.c's table lists them)
 *   html.c       the page */
#ifndef SWEEP_REPORT_INT_H
#define SWEEP_REPORT_INT_H

#include "plots/plots.h"
#include "store/fronts.h"
#include "store/store.h"
#include "base/util.h"

#include <stddef.h>

struct space;
struct value;

#define TOP_N 5          /* trials highlighted in a single-sweep report */
#define MAX_LOSSES 6     /* loss panels */
#define MAX_PAXES 12     /* parallel-coordinate axes for parameters */
#define MAX_LABELLED 80  /* timeline bars labelled with their trial number */

extern const char *const rp_colors[];
#define NCOLORS 8
#define COLORS rp_colors

struct series {
    long long *step;
    double *v;
    size_t n, cap;
};

struct tmetric {
    int name;              /* index into rsweep.names */
    struct series s;
};

struct rtrial {
    long long id;
    int rank;              /* 1-based, leaderboard order */
    enum trial_state state;
    char *reason;
    int has_obj;
    double obj;
    long long obj_step;
    double started, ended; /* ended: now for a running trial; 0 if never started */
    struct value *params;
    struct tmetric *m;
    size_t nm;
    double mem;            /* peak GPU memory printed by the trainer, GB; < 0 unknown */
    int block;             /* its curve's index in data/objective.dat, -1 none */
    char *gpu;             /* as stored, or NULL */
    int lane;              /* timeline lane, 1-based */
    int rung;              /* halving/hyperband: its rung; -1 otherwise */
    long long parent;      /* the trial it was promoted from; -1 none */
    int promoted;          /* it went on as another trial: the leaderboard shows that one */
    int joined;            /* its curve is part of a later rung's (rp_objective_curve) */
};

/* Points of a curve, x ascending. */
struct rcurve {
    double *x, *y;
    size_t n;
};

struct rsweep {
    char *dir;
    char *label;
    struct store_sweep meta;
    struct space *sp;      /* the stored file read again; NULL if it does not load now */
    struct rtrial *t;      /* leaderboard order: one per configuration (store ORDER_CONFIGS,
                              rank 1...), then the promoted trials of halving and
                              hyperband (rank 0: shown as their configuration's last) */
    int rungs;             /* its trials have rungs */
    size_t nt;
    struct rtrial **byid;
    long long maxid;
    char **names;          /* metric names */
    size_t nnames;
    int obj;               /* objective's index in names, -1 none */
    long long counts[TRIAL_NSTATES];
    double t0;             /* the first start */
    double hours;          /* trial-hours (load_sweep), then the cost plot_cost integrates:
                              GPU-hours when GPUs are recorded */
    double hours_to_best;  /* trial-hours spent when the best trial ended */
    struct rcurve cost_best;   /* rp_cost: best so far against the hours spent */
    struct rcurve cost_trials; /* and each completed trial's objective */
    long long epochs;      /* objective values logged, all trials */
    struct series *chain;  /* per trial (index into t): its configuration's values of
                              the objective across rungs, when a promoted trial continued
                              its parent's steps (NULL: its own series) */
    int best;              /* index into t of the best completed trial, -1 */
    struct fronts *fronts; /* several objectives (sp->nobjs >= 2): its completed trials'
                              fronts, read once (load.c); NULL otherwise */
};

struct col {               /* a parameter that varies within the report */
    char *path;
    int numeric;           /* every value is a number, on a number axis */
    int ordered;           /* a short list of numbers (values: [8, 16, 32, 64]) drawn as
                              categories, in their order: ranks still mean something */
    int logx;
    char **cats;           /* categorical: labels in axis order */
    size_t ncats;
    double min, max;
};

struct figure {
    char *file;
    char *caption;
};

/* Which parameters matter (importance.c): per parameter of r->c, over a
 * sweep's completed trials (halving, hyperband: every configuration at rung
 * 0), Spearman's rank correlation with the objective (ordered parameters)
 * and the share of the objective's variance its categories or quantile
 * bins explain (eta squared). NaN where it cannot be told. */
#define IMPORTANCE_MIN_N 10   /* fewer trials than this: "too few trials to tell" */
#define IMPORTANCE_BINS 5      /* quantile bins of a numeric parameter, at most */
#define IMPORTANCE_PER_BIN 3   /* trials per bin at least (fewer bins then): with one
                                  trial a bin, every parameter explains 100% */
struct importance {
    size_t col;      /* index into r->c */
    int ordered;     /* numeric: rho is defined */
    double rho;      /* rank correlation with the objective, -1..1 */
    double eta2;     /* variance explained, 0..1 */
    int groups;      /* categories or bins eta2 is over */
    size_t n;        /* trials */
};
struct report {
    struct rsweep *s;
    size_t ns;
    struct col *c;
    size_t nc;
    const char *out;
    const char *ext;
    enum plots_format fmt;
    int gnuplot;
    double now;
    const char *objname;   /* the first sweep's objective, for axis labels */
    struct figure *fig;
    size_t nfig;
    char **fails;          /* "NAME.png: why", plots that could not be drawn */
    size_t nfails;
    struct sb fixed;       /* "name=value, ...": parameters with one value throughout */
    int gpus;              /* some trial has a GPU recorded: costs are GPU-hours */
    double cost_unit;      /* rp_cost: the hours of the cost plot's axis (1/60: minutes) */
    struct importance *imp; /* [ns * nc]: which parameters matter (rp_importance_all) */
};




/* Data files hold numbers only. Blocks are separated by two blank lines
 * (gnuplot's `index`); only non-empty blocks are written, and the caller
 * keeps their numbers. */
struct dat {
    struct sb b;
    int nblocks;
    int open;      /* rows since the block began */
};


/* The trials drawn in colour: the TOP_N best with a curve (one sweep), or
 * each sweep's best (several). */
struct pick {
    struct rsweep *s;
    struct rtrial *t;
    const char *color;
    char *title;
};


/* Fills r->imp: each sweep's r->nc entries, in column order. */
void rp_importance_all(struct report *r);
/* order[0..n) gets the indices of im[0..n), the most important first
 * (what cannot be told last; ties keep column order). */
/* What one parameter's figures allow saying: a direction (its rank
 * correlation is clear of chance at its number of trials), that its value
 * matters, that little effect is seen, or nothing (a constant). */
enum { IMP_NOTHING, IMP_LITTLE, IMP_MATTERS, IMP_DIRECTION };
int rp_importance_says(const struct importance *im);
void rp_importance_order(const struct importance *im, size_t n, size_t *order);

/* A figure: draws itself into r (r->fig gets its image, r->fails its
 * failure) from the trials picked for colour. */
void fig_cost(struct report *r, struct pick *pk, size_t npk, struct err *e);
void fig_objective(struct report *r, struct pick *pk, size_t npk, struct err *e);
void fig_losses(struct report *r, struct pick *pk, size_t npk, struct err *e);
void fig_params(struct report *r, struct pick *pk, size_t npk, struct err *e);
void fig_parallel(struct report *r, struct pick *pk, size_t npk, struct err *e);
void fig_timeline(struct report *r, struct pick *pk, size_t npk, struct err *e);
void fig_importance(struct report *r, struct pick *pk, size_t npk, struct err *e);
void fig_throughput(struct report *r, struct pick *pk, size_t npk, struct err *e);
void fig_pareto(struct report *r, struct pick *pk, size_t npk, struct err *e);
/* fig_front.c */
void fig_hypervolume(struct report *r, struct pick *pk, size_t npk, struct err *e);
void fig_front_parallel(struct report *r, struct pick *pk, size_t npk, struct err *e);

struct series *rp_trial_series(const struct rtrial *t, int name);
/* The objective's curve of a trial's configuration: joined to its parents'
 * where it continued their steps (halving, hyperband), else its own. */
const struct series *rp_objective_curve(const struct rsweep *s, const struct rtrial *t);
int rp_load_sweep(struct report *r, struct rsweep *s, struct err *e);
void rp_free_sweep(struct rsweep *s);
char *rp_value_text(const struct value *v);
void rp_find_columns(struct report *r);
double rp_col_pos(const struct col *c, const struct rtrial *t, int log);
/* The compute spent and the best so far (fig_cost.c), before any figure:
 * the summary reads hours and hours_to_best. */
void rp_cost(struct report *r);
void rp_dat_row(struct dat *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rp_dat_end(struct dat *d);
int rp_write_file(struct report *r, const char *name, const char *data, size_t len,
                      struct err *e);
void rp_gp_begin(struct report *r, struct sb *g, const char *name, int w, int h);
void rp_gp_set(struct sb *g, const char *what, const char *text);
void rp_run_plot(struct report *r, const char *name, struct sb *g, const char *caption);
void rp_plot_sep(struct sb *p);
size_t rp_pick_trials(struct report *r, struct pick *out, size_t max);
void rp_free_picks(struct pick *p, size_t n);
void rp_faint_color(char out[10], const char *rgb);
void rp_cat_tics(struct sb *g, const char *what, const struct col *c);
int rp_write_page(struct report *r, struct err *e);
const char *rp_state_color(enum trial_state s);

#endif
