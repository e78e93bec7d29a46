/* machine_cfg.h - the machine configuration: the fair share's window,
 * each user's share and limits, and the opt-in preemption (machine_cfg.c, docs/machine.md). */
#ifndef SWEEP_MACHINE_CFG_H
#define SWEEP_MACHINE_CFG_H

#include <stddef.h>

struct diag;

#define MACHINE_CFG_DEFAULT "/etc/sweep/machine.yaml"
#define MACHINE_CFG_WINDOW_S 86400.0 /* what users held is halved every day */

struct machine_user {
    char *name;               /* NULL: the default */
    double share;             /* the weight of the user's claim (> 0) */
    double max_mib;           /* GPU memory the user's trials may hold at once; 0 none */
    int max_gpus;             /* GPUs they may hold memory on at once; 0 none */
};

struct machine_cfg {
    double halflife;          /* seconds: the window */
    struct machine_user dflt;
    struct machine_user *users;
    size_t nusers;
    double preempt_after;     /* seconds a user waits before a trial of a user above their
                                 share that can continue from its checkpoint is stopped and
                                 requeued (preempt: {after: ...}); 0: never (the default) */
};

/* SWEEP_MACHINE_CONFIG, else MACHINE_CFG_DEFAULT. */
const char *machine_cfg_path(void);
/* Reads it into c (defaults when there is no file). 0, or -1 with the
 * errors in d (FILE:LINE:COL). */
int machine_cfg_load(struct machine_cfg *c, struct diag *d);
/* A user's entry, or the default's. */
const struct machine_user *machine_cfg_user(const struct machine_cfg *c, const char *name);
void machine_cfg_release(struct machine_cfg *c);

#endif
