/* space.h - a search-space file, read and checked.
 *
 * A W&B sweep file works as it is; sweep's own keys (seed, trials, metrics,
 * templates, resources, retries, timeout...) are documented in
 * docs/config.md. space_load reads and checks the whole file and reports
 * every problem as FILE:LINE:COL through struct diag; nothing else happens
 * before a file has loaded without errors. */
#ifndef SWEEP_SPACE_H
#define SWEEP_SPACE_H

#include <stddef.h>

struct value;
struct diag;

enum method { METHOD_OTHER, METHOD_GRID, METHOD_RANDOM, METHOD_HALVING, METHOD_HYPERBAND, METHOD_BAYES,
              METHOD_EVOLVE };
enum goal { GOAL_MINIMIZE, GOAL_MAXIMIZE };

enum dist {
    DIST_CONSTANT,
    DIST_CATEGORICAL,          /* values, optionally with probabilities */
    DIST_INT_UNIFORM,
    DIST_UNIFORM,
    DIST_Q_UNIFORM,
    DIST_LOG_UNIFORM,          /* min/max are natural-log exponents */
    DIST_LOG_UNIFORM_VALUES,
    DIST_Q_LOG_UNIFORM,
    DIST_Q_LOG_UNIFORM_VALUES,
    DIST_INV_LOG_UNIFORM,
    DIST_INV_LOG_UNIFORM_VALUES,
    DIST_NORMAL,
    DIST_Q_NORMAL,
    DIST_LOG_NORMAL,
    DIST_Q_LOG_NORMAL,
    DIST_BETA,
    DIST_Q_BETA,
};

const char *space_dist_name(enum dist d);
const char *space_method_name(enum method m);

/* A per-trial quantity of resources (memory, duration): a constant, a table
 * by one parameter's value, or a formula over parameters. */
struct quantity {
    enum qkind { Q_NONE, Q_CONST, Q_TABLE, Q_FORMULA } kind;
    double value;               /* Q_CONST */
    char *by;                   /* Q_TABLE: the parameter it goes by */
    struct qentry {
        char *key;              /* the parameter's value, as ${name} renders it */
        double value;
    } *table;
    size_t ntable;
    double dflt;                /* Q_TABLE: for other values; < 0: none */
    struct expr *expr;          /* Q_FORMULA */
    double unit;                /* Q_FORMULA: its result times this */
};

/* One leaf of the parameter tree. */
struct param {
    char *path;                 /* "optimizer.lr": segments joined with '.' */
    char **segs;                /* nesting path; a declared dotted name is one segment */
    int nsegs;
    char *sortkey;              /* W&B's flattened name: orders grid and random draws */
    enum dist dist;
    struct value *value;        /* constant */
    struct value **values;      /* categorical, as written */
    size_t nvalues;
    double *probs;              /* categorical: NULL, or one weight per value */
    struct value **distinct;    /* categorical: distinct values, first-seen order (grid) */
    size_t ndistinct;
    double min, max, mu, sigma, q, a, b;
    int ints;                   /* outputs are integers (int_uniform, or an integer q) */
    long num;                   /* grid points for a continuous range; 0 if not given */
    int line, col;              /* of the parameter's name */
};

struct pattern {
    char *name;                 /* metric name, or NULL when the regex has (?<name>...) */
    char *regex;
    int line, col;
};

struct template_file {
    char *name;                 /* its 'from' as the file writes it */
    char *from;                 /* resolved path of the template */
    char *text;                 /* its contents */
    char *to;                   /* destination, a placeholder string */
};

struct envvar {
    char *name;
    char *value;                /* a placeholder string */
};

/* What a sweep file's meaning takes from outside its text: the text of
 * each template it names ("template:FROM", FROM as the file writes it) and,
 * when the file does not say, the interpreter found on PATH
 * ("interpreter"). A new sweep reads them; a stored sweep gets them back
 * from the store, so that it loads the same from any directory. */
struct space_input {
    char *name;
    char *text;
};

/* Where a sweep file's outside parts come from (space_load_env). */
struct space_env {
    const char *base_dir;            /* relative template paths resolve against it
                                        (absolute); NULL: the file's own directory */
    const char *const *parsers;      /* the metrics.parser names there are (the parser
                                        registry's); NULL: any name */
    const char *const *executors;    /* the executor names there are (sweep/exec's table);
                                        NULL: any word. Each may have a section of its name */
    const struct space_input *inputs; /* stored: the inputs recorded with the sweep */
    size_t ninputs;
    int stored;                      /* a stored sweep: inputs come from `inputs`, PATH is
                                        never looked at; a template missing there (a sweep
                                        stored before they were) is read under base_dir */
};

/* Why a file without 'command' or 'program' plans but does not run. */
/* fail_fast's defaults: the first 3 trials started in a run all failed, or
 * 10 failures in a row, stop the sweep (W&B's agent: 3 failures in its
 * first 60 s). */
/* max_parallel with GPUs when the file does not say: no limit but theirs */
#define SPACE_GPU_PARALLEL 4096
#define SPACE_CPUS_AUTO (-1) /* resources.cpus: auto */
#define SPACE_FAIL_FIRST 3
#define SPACE_FAIL_CONSECUTIVE 10

#define SPACE_NO_COMMAND                                                                          \
    "the sweep file needs 'command' or 'program' to run (W&B runs such a file with a Python "     \
    "function agent; sweep runs a program: add 'program: train.py', whose default command is "    \
    "${env} ${interpreter} ${program} ${args}, or a 'command')"

struct space {
    char *path;                 /* the file as given */
    char *dir;                  /* where relative template paths resolve */
    struct space_stage {        /* stage: datasets copied once per machine (docs/config.md) */
        char *from;             /* the source directory: absolute, or under dir */
        char *to;               /* the root its copy goes under; NULL: the machine
                                   directory's stage/ */
    } *stages;
    size_t nstages;
    char *text;                 /* the whole file, as read */
    size_t textlen;
    char hash[65];              /* SHA-256 of text and, when it has templates, of their
                                   texts: what tells one sweep from another */
    char text_hash[65];         /* SHA-256 of text alone (sweeps stored before templates
                                   were part of the hash) */
    struct space_input *inputs; /* what it took from outside its text (see above) */
    size_t ninputs;
    char *name;                 /* name:, or NULL */
    char **priors;              /* prior: earlier sweeps' directories, as written (relative
                                   ones to dir) */
    size_t npriors;

    enum method method;
    const struct method_def *mdef; /* its line of methods.c's table (methods.h) */
    enum method sampler;        /* where configurations come from: grid or random (=
                                   method, or budget.sampler for halving/hyperband) */
    unsigned long long seed;
    long long run_cap;          /* run_cap / trials; 0 = no cap */

    char *metric_name;          /* NULL: no objective; with several, the first's */
    enum goal goal;
    /* metric as a list (space_objs.c): nobjs >= 2 objectives, the first one
     * metric_name and goal above; 0 with one objective */
    size_t nobjs;
    char **obj_names;
    int *obj_max;               /* 1: maximized */
    /* constraints: "NAME <= 5": the last value of a logged metric bound */
    size_t ncons;
    char **con_names;
    int *con_le;                /* 1: NAME <= (or <) bound; 0: NAME >= (or >) bound */
    double *con_bound;
    int has_target;
    double target;

    int et_enabled;             /* early_terminate given */
    enum et_type { ET_HYPERBAND, ET_ASHA, ET_MEDIAN, ET_PATIENCE } et_type;
    int et_min_iter, et_max_iter, et_s, et_strict;
    double et_eta;
    int et_patience, et_min_trials;
    double et_min_delta;

    char **command;             /* argv templates, one element each */
    size_t ncommand;            /* 0: neither command nor program (plans, does not run:
                                   SPACE_NO_COMMAND) */
    int shell;                  /* shell: true - command joined and run by /bin/sh -c */
    int has_budget;             /* halving, hyperband, bayes (BOHB): budget given */
    char *budget_param;         /* budget.parameter: the parameter the budget sets, or NULL */
    double budget_min, budget_max, budget_eta;
    int budget_ints;            /* min and max are integers: budgets are rounded */
    char **promote_args;        /* resume as a list: appended to the command of a promoted trial */
    size_t npromote_args;
    char **resume_command;      /* resume.command: a trial run again from its checkpoint */
    size_t nresume_command;
    char *resume_if_exists;     /* resume.if_exists: only when this file exists */
    char *program;
    char *interpreter;
    int runs_interpreter;       /* an element of command is ${interpreter} (W&B's default
                                   command): the program ${env} runs */

    char *parser;               /* keyvalue | jsonl | regex */
    struct pattern *patterns;
    size_t npatterns;
    int summary_last;           /* summary: last (default best) */
    char *metrics_file;         /* placeholder string; NULL = the trial's stdout.log */

    struct template_file *templates;
    size_t ntemplates;
    struct envvar *env;
    size_t nenv;

    /* executor: where trials run. search/ reads its name and keeps its
     * section (the top-level key of the same name) as written; the
     * executor reads that (sweep/exec/executors.h: exec_configure) */
    char *executor;             /* "local" unless the file says */
    int executor_line, executor_col; /* where the file names it; 0 when it does not */
    const struct value *executor_section; /* its section, in doc; NULL none */
    struct value *doc;          /* the file as read (for the executor's checks) */
    void *exec_opts;            /* what the executor made of its section */
    void (*exec_opts_free)(void *opts);
    int max_parallel_given;     /* resources.max_parallel was written */
    int gpus_none;              /* resources.gpus: none was written: hide GPUs from trials */
    /* GPU packing (resources.gpus: auto or a list); docs/config.md "GPUs" */
    int gpus_auto;              /* gpus: auto - the GPUs nvidia-smi shows */
    struct vgpu {
        int id;                 /* CUDA_VISIBLE_DEVICES value given to its trials */
        double mem_mib;
    } *gpu_list;                /* gpus: [{id, memory}] - declared by hand (virtual on a CPU machine) */
    size_t ngpu_list;
    struct quantity mem;        /* resources.memory, MiB */
    struct quantity duration;   /* resources.duration, seconds */
    double headroom_frac;       /* kept free on every GPU: a fraction of it... */
    double headroom_mib;        /* ...or an amount (one of the two is 0) */
    int max_per_gpu;            /* 0: no limit */
    int max_per_gpu_auto;       /* max_per_gpu: auto - learned from the trials' rates */
    int cpus;                   /* resources.cpus: cores per trial, SPACE_CPUS_AUTO, 0 none */
    int share_mps;              /* resources.share: mps - NVIDIA MPS for trials on one GPU */
    int max_parallel;
    int in_flight;              /* trials the executor takes at once, queued or running, when
                                   more than max_parallel (slurm.array: a job array's worth,
                                   max_parallel its throttle); 0: max_parallel */
    double stagger;             /* seconds between two launches */
    int retries;
    int priority;               /* among its user's sweeps on the machine (fair share) */
    int fail_first;             /* fail_fast.first: stop when the first N trials started in a
                                   run all failed (0: off) */
    int fail_consecutive;       /* fail_fast.consecutive: stop after N failures in a row (0: off) */
    double timeout;             /* seconds, 0 = none */
    double stall_timeout;       /* seconds, 0 = none */
    double stop_grace;          /* seconds between SIGTERM and SIGKILL */

    struct param *params;       /* leaves in declaration order (depth first) */
    size_t nparams;
    size_t *order;              /* indices into params, sorted by sortkey */
};

/* Reads and checks a file. NULL when it has errors (all of them in d);
 * warnings may be in d either way. */
struct space *space_load(const char *path, const struct space_env *env, struct diag *d);
/* 1 if the trials get their parameters from the file by some route: the
 * command (${args...}, ${name}, ${budget}), the rerun command, promote_args,
 * a template or env; 0 if each would run the same command (a W&B trainer
 * that reads wandb.config reads them from WANDB_SWEEP_PARAM_PATH). */
int space_passes_params(const struct space *sp);
#define SPACE_NO_PARAMS_PASSED                                                                    \
    "the command passes none of the parameters (no ${args}, ${args_no_hyphens}, ${NAME}, in the " \
    "command, a template or env): every trial runs the same command, and only a trainer that "    \
    "reads wandb.config (from WANDB_SWEEP_PARAM_PATH, as W&B's agent gives it) sees its values"

/* The same from text (path is used for messages and relative paths). */
struct space *space_load_text(const char *path, const char *text, size_t len, struct diag *d);
/* The same with its outside parts from env (NULL: as space_load_text). */
struct space *space_load_env(const char *path, const char *text, size_t len,
                             const struct space_env *env, struct diag *d);
/* The input called name that sp took from outside, or NULL. */
const char *space_input(const struct space *sp, const char *name);
void space_free(struct space *sp);

/* The parameter whose path is name, or NULL. */
const struct param *space_find(const struct space *sp, const char *name);
/* 1 if name is a parameter path or a group of parameters. */
int space_has_name(const struct space *sp, const char *name);
/* 1 for the methods that run budget rungs: halving, hyperband, and bayes
 * with a budget (BOHB: hyperband's brackets, the model's configurations). */
int space_rungs(const struct space *sp);
/* 1 for the methods that learn from results (bayes, evolve: methods.h). */
int space_learns(const struct space *sp);
/* The metric ranking goes by is "better" when a beats b. */
int space_better(const struct space *sp, double a, double b);
/* 1 when the metric is maximized; its goal's word ("maximize", "minimize"). */
int space_maximizes(const struct space *sp);
/* A trial's violation of the constraints, from the metrics' last values
 * (vals[k] for con_names[k], NaN when not logged: violated by 1): 0 when it
 * meets them all, else the sum of how far each is off. */
double space_violation(const struct space *sp, const double *vals);
const char *space_goal_name(const struct space *sp);

#endif
