/* space_int.h - what the files that read a sweep file share: the reading
 * context and each section's parser. Not for other modules: they use
 * space.h.
 *
 *   space.c         loading, the top-level keys, the checks across sections
 *   space_check.c   typed getters, key and placeholder checks
 *   space_params.c  parameters (W&B's distributions, nested groups)
 *   space_run.c     metric, early_terminate, command, resume, budget
 *   space_res.c     metrics (the log parser) and resources (GPUs, memory)
 *   space_files.c   templates and env
 *   space_exec.c    executor, and its section kept for it */
#ifndef SWEEP_SPACE_INT_H
#define SWEEP_SPACE_INT_H

#include "search/space.h"
#include "search/diag.h"

#include <stddef.h>

struct value;

struct ctx {
    struct diag *d;
    struct space *sp;
    char **names;                /* valid ${...} parameter names: leaves and groups */
    size_t nnames;
    const struct space_env *env; /* where the file's outside parts come from */
};

/* space_check.c: typed getters, key and placeholder checks */
void sx_add_name(struct ctx *c, const char *n);
void sx_check_keys(struct ctx *c, const struct value *m, const char *const *allowed,
                       const char *where);
int sx_is_int_value(const struct value *v);
int sx_get_num(struct ctx *c, const struct value *m, const char *key, double *out,
                   const char *what);
char *sx_get_scalar_text(struct ctx *c, const struct value *v, const char *what);
char *sx_get_string(struct ctx *c, const struct value *m, const char *key, const char *what);
int sx_get_bool(struct ctx *c, const struct value *m, const char *key, int dflt);
long long sx_get_int(struct ctx *c, const struct value *m, const char *key, long long lo,
                         long long hi, long long dflt);
double sx_get_duration(struct ctx *c, const struct value *m, const char *key, double dflt);
void sx_check_placeholders(struct ctx *c, const char *s, int line, int col, int lists,
                               const char *where);
void sx_check_template_text(struct ctx *c, const char *file, const char *text);

/* space_params.c: parameters */
void sx_param_release(struct param *p);
int sx_cmp_sortkey(const void *a, const void *b, void *arg);
void sx_parse_params(struct ctx *c, const struct value *m, char **prefix, int nprefix);

/* space_run.c: metric, early_terminate, command, resume, budget */
void sx_parse_metric(struct ctx *c, const struct value *m);
/* space_objs.c: metric as a list of objectives, and constraints. */
void sx_parse_objectives(struct ctx *c, const struct value *list);
void sx_parse_constraints(struct ctx *c, const struct value *list);
void sx_objs_free(struct space *sp);
void sx_parse_early_terminate(struct ctx *c, const struct value *m);
void sx_parse_command(struct ctx *c, const struct value *v, char ***cmd, size_t *ncmd,
                          const char *where);
/* resume (either form, as KEY), promote_args (a list), rerun (a map). */
void sx_parse_resume(struct ctx *c, const struct value *m, const char *key);
void sx_parse_promote_args(struct ctx *c, const struct value *m, const char *key);
void sx_parse_rerun(struct ctx *c, const struct value *m, const char *key);
/* prior: a directory or a list of them (bayes and evolve only). */
void sx_parse_prior(struct ctx *c, const struct value *v, int method_ok);
void sx_parse_budget(struct ctx *c, const struct value *m);

/* space_res.c: metrics (the log parser) and resources */
void sx_parse_metrics(struct ctx *c, const struct value *m);
void sx_quantity_release(struct quantity *q);
void sx_parse_resources(struct ctx *c, const struct value *m);

/* space_exec.c: executor (read before resources, which lets an executor
 * other than local take a memory estimate without GPU packing) */
void sx_parse_executor(struct ctx *c, const struct value *root);

/* space_files.c: templates and env */
void sx_parse_templates(struct ctx *c, const struct value *v);
void sx_parse_stage(struct ctx *c, const struct value *v);
void sx_parse_env(struct ctx *c, const struct value *m);
/* ${interpreter} when the file does not say: the stored one, else python
 * if it is on PATH, else python3 (recorded as an input either way). */
char *sx_interpreter(struct ctx *c);

#endif
