/* cli.h - the command table and what the commands share.
 *
 * Each command is one cmd_*.c file exporting `int cmd_NAME(int argc, char
 * **argv)`, which parses its own options, prints its own errors and returns
 * the exit status: 0 success, 1 runtime error, 2 usage or config error
 * (docs/cli.md lists the rest). */
#ifndef SWEEP_CLI_H
#define SWEEP_CLI_H

#include <stddef.h>
#include <stdio.h>

#define SWEEP_EXIT_FAILED 3 /* sweep run: every trial failed, or fail_fast stopped it */

struct err;
struct store;
struct space;
struct store_sweep;
struct sb;

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

int cli_main(int argc, char **argv);

int cmd_run(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_gpus(int argc, char **argv);
int cmd_ps(int argc, char **argv);
/* The options of a command that takes only --json and --help, and no
 * argument: -1 to go on (*json set), else the exit status to return. */
int cli_json_only(int argc, char **argv, const char *cmd, const char *usage, int *json);
struct ledger_view;
struct ledger_sweep;
/* Why sweep w's trials wait: what every sweep holds on each GPU (to b). */
void cli_why_waits(const struct ledger_view *v, const struct ledger_sweep *w, struct sb *b);
/* sweep status: when the sweep in dir waits for GPU memory that other
 * sweeps hold (the machine ledger), says so. */
void cli_say_waits(const char *dir);
int cmd_export(int argc, char **argv);
int cmd_serve(int argc, char **argv);
/* A sweep of several objectives (mo.c): each returns 1 when the sweep in st
 * has one objective (the caller shows it as before), 0 done, -1 error (e).
 * The leaderboard by front (table, CSV, or JSON into json); the first
 * front; the status line (or its JSON fields, appended to json). */
int cli_mo_top(struct store *st, FILE *out, long long n, int csv, struct sb *json, struct err *e);
int cli_mo_front(struct store *st, FILE *out, struct sb *json, struct err *e);
/* The status line of the sweep in st whose stored file is sp (NULL: it
 * does not load). */
int cli_mo_status(struct store *st, const struct space *sp, FILE *out, struct sb *json);
/* Several objectives in sp (the stored file; NULL is fine): 1 and each
 * one's goal and name ("maximize a, minimize b", made visible) appended to
 * out; 0 with one. */
int cli_mo_goals(const struct space *sp, struct sb *out);
/* The best trial that meets the constraints by objective name (NULL: the
 * first): its id; -1 none; -2 one objective; -3 error (e). *ch gets the
 * objective and the trial's value of it (free name) when one is found. */
struct mo_choice {
    char *name;
    double value;
    int maximize;
};
long long cli_mo_best_by(struct store *st, const char *name, struct mo_choice *ch, struct err *e);
/* What --json prints, built into out (sweep serve serves the same): 0, or
 * -1 with e set. */
int cli_status_json(const char *dir, struct sb *out, struct err *e);
int cli_top_json(const char *dir, long long n, int all_rungs, struct sb *out, struct err *e);
int cli_ps_json(struct sb *out, struct err *e);
int cli_gpus_json(struct sb *out, struct err *e);
int cmd_report(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_best(int argc, char **argv);

/* "sweep CMD: message" and a pointer to --help; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An option getopt_long refused (opterr = 0, after '?'): unknown, with the
 * nearest long name as "did you mean", or missing its argument; said as
 * cli_usage, returns 2. */
struct option;
int cli_bad_option(const char *cmd, const struct option *opts, char **argv);
/* "sweep: message"; returns e->status (1 when unset). */
int cli_fail(const struct err *e);
/* Colour on f: a terminal, and NO_COLOR unset or empty. */
/* s as one word a person can paste into a shell: as it is when plain, else
 * single-quoted (control characters as \xNN). New string. */
char *cli_word(const char *s);
/* A trial's parameters for people: "lr=0.080944 model=yolov8n" (floats cut to
 * a few digits, nested names dotted). */
void cli_people_params(struct sb *b, const char *params_json);
int cli_color(FILE *f);
/* The sweep directory a reading command works on: dir if given; else the
 * current directory if it holds sweep.db; else the newest runs/NAME/ (by the age of its sweep.db).
 * A new string, or NULL (and an exit-2 error). */
char *cli_find_dir(const char *dir, struct err *e);
/* The directory sweep run uses for a file by default: runs/NAME, NAME its
 * stem, or its folder's name for sweep.yaml. A new string. */
char *cli_default_dir(const char *file);
/* Reads and checks a sweep file, printing its diagnostics; NULL if it has
 * errors (the caller exits 2). */
struct space *cli_load_space(const char *file);
/* Says on stderr (FILE: warning: ...) when the file passes no parameter to
 * its trials (space_passes_params). */
void cli_warn_params(const struct space *sp);
/* "4 at a time", or with GPUs and no max_parallel "as many at a time as the
 * GPUs' memory holds"; buf, returned. */
const char *cli_at_a_time(const struct space *sp, char *buf, size_t n);
/* A new sweep's row in st (w filled: caller releases) and the inputs its
 * file took from outside, in one transaction. */
int cli_init_sweep(struct store *st, const struct space *sp, struct store_sweep *w,
                   struct err *e);
/* The sweep a store holds (store/stored.h), loaded the same from anywhere;
 * when it does not load, says why on stderr and returns NULL. */
struct space *cli_load_stored(struct store *st, const struct store_sweep *w);
/* Opens DIR's store for reading (DIR as for cli_find_dir); *dir_out gets
 * the directory used (caller frees). NULL and e filled on error. */
struct store *cli_open_store(const char *dir, char **dir_out, struct err *e);
/* Prints the leaderboard (at most n rows, 0 = all) as a text table (or
 * CSV): one row per configuration, or every trial of every rung. */
int cli_print_top(struct store *st, FILE *f, long long n, int csv, int all_rungs, struct err *e);

#endif
