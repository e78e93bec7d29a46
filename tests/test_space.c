/* Reading sweep files: W&B's type inference and defaults, sweep's keys. */
#include "search/diag.h"
#include "search/space.h"
#include "base/value.h"
#include "base/util.h"
#include "tests/check.h"
#include "tests/space_text.h"

#include <stdlib.h>


static void wandb_file(void)
{
    struct diag d;
    struct space *sp = space_text_diag(&d, "program: train.py\n"
                            "method: random\n"
                            "metric: {name: val/mAP, goal: maximize, target: 0.9}\n"
                            "parameters:\n"
                            "  e: {min: 1, max: 10}\n"
                            "  u: {min: 0, max: 1.0}\n"
                            "  du: {distribution: uniform, min: 0, max: 1}\n"
                            "  c: {values: [a, b]}\n"
                            "  k: {value: [1, 2]}\n"
                            "  q: {distribution: q_uniform, min: 0, max: 10}\n"
                            "  opt:\n"
                            "    parameters:\n"
                            "      lr: {values: [0.1]}\n"
                            "      nadam:\n"
                            "        parameters:\n"
                            "          beta: {value: 0.9}\n"
                            "early_terminate: {type: hyperband, min_iter: 3}\n");
    CHECK(sp != NULL);
    CHECK_INT_EQ(d.nerrors, 0);
    if (sp) {
        CHECK_INT_EQ(space_find(sp, "e")->dist, DIST_INT_UNIFORM);
        CHECK_INT_EQ(space_find(sp, "u")->dist, DIST_UNIFORM);
        CHECK_INT_EQ(space_find(sp, "du")->dist, DIST_UNIFORM);
        CHECK_INT_EQ(space_find(sp, "c")->dist, DIST_CATEGORICAL);
        CHECK_INT_EQ(space_find(sp, "k")->dist, DIST_CONSTANT);
        CHECK_NEAR(space_find(sp, "q")->q, 1.0, 0); /* the default q is the float 1.0 */
        CHECK_INT_EQ(space_find(sp, "q")->ints, 0);
        CHECK(space_find(sp, "opt.nadam.beta") != NULL);
        CHECK_INT_EQ(space_find(sp, "opt.nadam.beta")->nsegs, 3);
        CHECK(space_has_name(sp, "opt.nadam"));
        CHECK(!space_has_name(sp, "opt.nad"));
        CHECK_STR_EQ(sp->metric_name, "val/mAP");
        CHECK_INT_EQ(sp->goal, GOAL_MAXIMIZE);
        CHECK_INT_EQ(sp->has_target, 1);
        CHECK_INT_EQ(sp->et_enabled, 1);
        CHECK_INT_EQ(sp->et_min_iter, 3);
        CHECK_NEAR(sp->et_eta, 3, 0);
        CHECK_INT_EQ(sp->et_strict, 0);
        /* the default W&B command */
        CHECK_INT_EQ(sp->ncommand, 4);
        CHECK_STR_EQ(sp->command[0], "${env}");
        CHECK_STR_EQ(sp->command[3], "${args}");
        CHECK_STR_EQ(sp->parser, "keyvalue");
        CHECK_INT_EQ(sp->max_parallel, 1);
        CHECK_INT_EQ(sp->run_cap, 0);
        CHECK_INT_EQ(strlen(sp->hash), 64);
        CHECK(space_better(sp, 0.5, 0.4));
    }
    space_free(sp);
    diag_release(&d);
}

static void sweep_keys(void)
{
    struct space *sp;
    struct diag d;
    /* sweep's own keys */
    sp = space_text_diag(&d, "method: grid\nseed: 3\ntrials: 5\nretries: 2\ntimeout: 12h\nstall_timeout: 90\n"
              "stop_grace: 2m\nshell: true\ncommand: 'train --lr ${lr} > out.txt'\n"
              "env: {OMP_NUM_THREADS: 4, RUN: 'r${trial_id}'}\n"
              "metrics: {parser: regex, summary: last, file: metrics.log,\n"
              "  patterns: [{name: loss, regex: 'loss=(?<value>\\S+)'}]}\n"
              "resources: {gpus: none, max_parallel: 8, stagger: 1.5s}\n"
              "parameters:\n  lr: {values: [0.1, 0.2]}\n");
    CHECK(sp != NULL);
    if (sp) {
        CHECK_INT_EQ(sp->seed, 3);
        CHECK_INT_EQ(sp->run_cap, 5);
        CHECK_INT_EQ(sp->retries, 2);
        CHECK_NEAR(sp->timeout, 12 * 3600, 0);
        CHECK_NEAR(sp->stall_timeout, 90, 0);
        CHECK_NEAR(sp->stop_grace, 120, 0);
        CHECK_INT_EQ(sp->shell, 1);
        CHECK_INT_EQ(sp->ncommand, 1);
        CHECK_INT_EQ(sp->nenv, 2);
        CHECK_STR_EQ(sp->env[0].value, "4");
        CHECK_STR_EQ(sp->parser, "regex");
        CHECK_INT_EQ(sp->npatterns, 1);
        CHECK_INT_EQ(sp->summary_last, 1);
        CHECK_STR_EQ(sp->metrics_file, "metrics.log");
        CHECK_INT_EQ(sp->max_parallel, 8);
        CHECK_NEAR(sp->stagger, 1.5, 0);
        CHECK_INT_EQ(sp->gpus_none, 1);
    }
    space_free(sp);
    diag_release(&d);
}

static void several_errors_each_positioned(void)
{
    struct space *sp;
    struct diag d;
    /* several errors in one file, each with its position */
    sp = space_text_diag(&d, "method: random\nparameters:\n  lr: {min: 0.1, max: 0.01}\n  b: {valeus: [1]}\n"
              "metric: {goal: up}\ncommand: [x, '${lrr}']\n");
    CHECK(sp == NULL);
    CHECK_INT_EQ(d.nerrors, 6);
    const char *const want[] = {
        "t.yaml:3:13: lr: 'min' (0.1) must be less than 'max' (0.01)",
        "t.yaml:4:7: unknown key 'valeus' in a parameter (did you mean 'values'?)",
        "t.yaml:4:3: b: a parameter needs 'value', 'values', 'min' and 'max', or a 'distribution'",
        "t.yaml:5:9: metric needs a 'name'",
        "t.yaml:5:16: metric goal must be 'minimize' or 'maximize', not 'up'; W&B would silently minimize",
        "t.yaml:6:14: unknown placeholder ${lrr} in command (did you mean ${lr}?)",
    };
    for (size_t i = 0; i < d.n && i < 6; i++) CHECK_STR_EQ(d.msgs[i], want[i]);
    space_free(sp);
    diag_release(&d);
}

static void a_warning_alone_does_not_stop(void)
{
    struct space *sp;
    struct diag d;
    /* a warning alone does not stop a file */
    sp = space_text_diag(&d, "method: random\nparameters:\n  lr: {distribution: log_uniform, min: 0.0001, max: 0.1}\n"
              "command: [x]\n");
    CHECK(sp != NULL);
    CHECK_INT_EQ(d.nerrors, 0);
    CHECK_INT_EQ(d.n, 1);
    space_free(sp);
    diag_release(&d);
}

static const struct check_case cases[] = {
    CASE(wandb_file),
    CASE(sweep_keys),
    CASE(several_errors_each_positioned),
    CASE(a_warning_alone_does_not_stop),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
