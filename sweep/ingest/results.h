/* results.h - finding a trainer's own results file (results.csv,
 * scalars.json...) under its trial directory. */
#ifndef SWEEP_RESULTS_H
#define SWEEP_RESULTS_H

/* The newest regular file under dir (at most depth directories down, no
 * symbolic links followed) named one of the NULL-terminated names; NULL if
 * none. Caller frees. */
char *results_find(const char *dir, const char *const *names, int depth);

#endif
