/* argv and env rendering: W&B's macros, placeholders, shell quoting. */
#include "search/diag.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/value.h"
#include "search/render.h"
#include "base/util.h"
#include "tests/check.h"
#include "tests/space_text.h"

#include <stdlib.h>

static char *joined(char **argv)
{
    struct sb b;
    sb_init(&b);
    for (char **p = argv; *p; p++) {
        if (p != argv) sb_addc(&b, '|');
        sb_add(&b, *p);
    }
    return sb_detach(&b);
}

static void renders_every_placeholder_and_the_environment(void)
{
    setenv("SWEEP_TEST_VAR", "hello", 1);
    unsetenv("SWEEP_UNSET_VAR");
    struct space *sp = space_text("%s", 
        "method: grid\nprogram: train.py\ninterpreter: python3\n"
        "parameters:\n"
        "  lr: {value: 1e-5}\n  flag: {value: true}\n  off: {value: false}\n"
        "  name: {value: 'a b'}\n  opt:\n    parameters:\n      beta: {value: 0.9}\n"
        "command:\n"
        "  - ${env}\n  - ${interpreter}\n  - ${program}\n  - ${args}\n  - ${args_no_hyphens}\n"
        "  - ${args_no_boolean_flags}\n  - ${args_no_equals}\n  - ${args_json}\n"
        "  - --lr=${lr}\n  - ${opt.beta}\n  - ${opt}\n  - 'id=${trial_id} dir=${trial_dir} sw=${sweep_dir}'\n"
        "  - ${envvar:SWEEP_TEST_VAR}-${envvar:SWEEP_UNSET_VAR}\n  - '$${lr}'\n  - ${args_json_file}\n");
    CHECK(sp != NULL);
    if (!sp) return;
    struct value *p = trials_params(sp, 0);
    struct render_ctx r = {.sp = sp, .params = p, .id = 7, .trial_dir = "/s/trials/0007", .sweep_dir = "/s", .gpu = -1};
    size_t argc;
    char **argv = render_argv(&r, &argc);
    char *j = joined(argv);
    CHECK_STR_EQ(j,
                 "/usr/bin/env|python3|train.py|"
                 "--lr=1e-05|--flag=True|--off=False|--name=a b|--opt={'beta': 0.9}|"
                 "lr=1e-05|flag=True|off=False|name=a b|opt={'beta': 0.9}|"
                 "--lr=1e-05|--flag|--name=a b|--opt={'beta': 0.9}|"
                 "--lr|1e-05|--flag|True|--off|False|--name|a b|--opt|{'beta': 0.9}|"
                 "{\"lr\": 1e-05, \"flag\": true, \"off\": false, \"name\": \"a b\", \"opt\": {\"beta\": 0.9}}|"
                 "--lr=1e-05|0.9|{'beta': 0.9}|id=7 dir=/s/trials/0007 sw=/s|"
                 "hello-SWEEP_UNSET_VAR|${lr}|/s/trials/0007/params.json");
    free(j);
    render_free_strv(argv);

    /* the environment: SWEEP_*, PYTHONUNBUFFERED, env: from the file */
    char *base[] = {"PATH=/bin", "SWEEP_TRIAL_ID=old", NULL};
    char **env = render_env(&r, base);
    j = joined(env);
    CHECK_STR_EQ(j, "PATH=/bin|SWEEP_TRIAL_ID=7|PYTHONUNBUFFERED=1|SWEEP_TRIAL_DIR=/s/trials/0007|"
                    "SWEEP_SWEEP_DIR=/s|WANDB_SWEEP_PARAM_PATH=/s/trials/0007/wandb-config.yaml");
    free(j);
    render_free_strv(env);
    value_free(p);
    space_free(sp);
}

static void shell_true_quotes_substituted_values(void)
{
    char *j;
    char **env;
    size_t argc;
    char **argv;
    struct value *p;
    struct space *sp;
    /* shell: true - substituted values are quoted, literal text is not */
    sp = space_text("%s", "method: grid\nshell: true\nparameters:\n  v: {value: \"it's; $(touch x)\"}\n"
              "  n: {value: 3}\nenv: {X: 'v=${v}'}\nresources: {gpus: none}\n"
              "command: 'train --v ${v} ${args} > ${trial_dir}/o.txt'\n");
    CHECK(sp != NULL);
    if (!sp) return;
    p = trials_params(sp, 0);
    struct render_ctx r2 = {.sp = sp, .params = p, .id = 1, .trial_dir = "/t d", .sweep_dir = "/s", .gpu = -1};
    argv = render_argv(&r2, &argc);
    CHECK_INT_EQ(argc, 3);
    CHECK_STR_EQ(argv[0], "/bin/sh");
    CHECK_STR_EQ(argv[2], "train --v 'it'\\''s; $(touch x)' '--v=it'\\''s; $(touch x)' '--n=3' > '/t d'/o.txt");
    render_free_strv(argv);
    char *none[] = {NULL};
    env = render_env(&r2, none);
    j = joined(env);
    CHECK_STR_EQ(j, "PYTHONUNBUFFERED=1|SWEEP_TRIAL_ID=1|SWEEP_TRIAL_DIR=/t d|SWEEP_SWEEP_DIR=/s|"
                    "WANDB_SWEEP_PARAM_PATH=/t d/wandb-config.yaml|"
                    "CUDA_VISIBLE_DEVICES=|X=v=it's; $(touch x)");
    free(j);
    render_free_strv(env);
    value_free(p);
    space_free(sp);
}

static const struct check_case cases[] = {
    CASE(renders_every_placeholder_and_the_environment),
    CASE(shell_true_quotes_substituted_values),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
