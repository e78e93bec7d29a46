/* section.h - reading a section of the sweep file that search/ does not
 * own (an executor's: sweep/exec/), with the same typed readers, positions
 * and messages as its own sections. Each reports to d what is wrong
 * (FILE:LINE:COL) and returns the default, or NULL. */
#ifndef SWEEP_SECTION_H
#define SWEEP_SECTION_H

struct diag;
struct value;

/* Unknown keys of map m (with a "did you mean"), where: "slurm". */
void section_check_keys(struct diag *d, const struct value *m, const char *const *allowed,
                        const char *where);
/* A scalar as text (a new string), what: its name for the message. */
char *section_text(struct diag *d, const struct value *v, const char *what);
long long section_int(struct diag *d, const struct value *m, const char *key, long long lo,
                      long long hi, long long dflt);
/* A duration (90, 90s, 2h30m): seconds. */
double section_duration(struct diag *d, const struct value *m, const char *key, double dflt);

#endif
