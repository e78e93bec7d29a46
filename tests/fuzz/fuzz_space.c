/* fuzz_space - libFuzzer target for the whole sweep file: any bytes must
 * give a space or diagnostics, never a crash, a hang, a leak or undefined
 * behaviour. A space that loads is planned as `sweep run` would (its
 * searcher: grid, random, halving and hyperband plans; the first trials and
 * their budgets), and each trial's argv, environment, resume command and
 * promotion arguments are rendered; every rendered text must survive a
 * round trip through the shell quoting (shell: true) and the gnuplot quoting
 * (reports) unchanged.
 *
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DSWEEP_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_space
 *   build-fuzz/fuzz_space -max_len=1048576 -max_total_time=60 tests/config/bad tests/config/good
 * (scripts/fuzz.sh runs every target so; CI does, briefly.) */
#include "plots/plots.h"
#include "search/diag.h"
#include "search/render.h"
#include "search/searcher.h"
#include "search/space.h"
#include "sweep/ingest/metrics.h"
#include "base/err.h"
#include "base/util.h"
#include "base/value.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What /bin/sh makes of a word render_shell_quote wrote: '...' with '\'' for
 * a quote. NULL if it is not such a word. */
static char *sh_unquote(const char *q)
{
    struct sb b;
    sb_init(&b);
    int in = 0;
    for (const char *c = q; *c; c++) {
        if (*c == '\'') in = !in;
        else if (!in && *c == '\\' && c[1] == '\'') sb_addc(&b, *++c);
        else if (in) sb_addc(&b, *c);
        else {
            sb_release(&b);
            return NULL;
        }
    }
    if (in) {
        sb_release(&b);
        return NULL;
    }
    return sb_detach(&b);
}

/* What gnuplot makes of a string plots_quote wrote: '...' with '' for a
 * quote. NULL if it is not one. */
static char *gp_unquote(const char *q)
{
    size_t n = strlen(q);
    if (n < 2 || q[0] != '\'' || q[n - 1] != '\'') return NULL;
    struct sb b;
    sb_init(&b);
    for (size_t i = 1; i + 1 < n; i++) {
        if (q[i] == '\'') {
            if (q[i + 1] != '\'') {
                sb_release(&b);
                return NULL;
            }
            i++;
        }
        sb_addc(&b, q[i]);
    }
    return sb_detach(&b);
}

/* The text gnuplot should show for s: newlines as the two characters \n,
 * a tab as a space, other control bytes as '?' (plots.h). */
static char *gp_shown(const char *s)
{
    struct sb b;
    sb_init(&b);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '\n') sb_add(&b, "\\n");
        else if (*c == '\t') sb_addc(&b, ' ');
        else if (*c < 0x20 || *c == 0x7f) sb_addc(&b, '?');
        else sb_addc(&b, (char)*c);
    }
    return sb_detach(&b);
}

static void round_trips(char **v)
{
    for (size_t i = 0; v && v[i]; i++) {
        struct sb q;
        sb_init(&q);
        render_shell_quote(&q, v[i]);
        char *back = sh_unquote(sb_str(&q));
        if (!back || strcmp(back, v[i])) abort(); /* the shell would run something else */
        free(back);
        sb_reset(&q);
        plots_quote(&q, v[i]);
        char *gp = gp_unquote(sb_str(&q)), *want = gp_shown(v[i]);
        if (!gp || strcmp(gp, want)) abort(); /* gnuplot would read something else */
        free(gp);
        free(want);
        sb_release(&q);
    }
}

static void render_trial(const struct space *sp, struct searcher *s, const struct search_trial *t)
{
    struct value *budget;
    struct value *p = searcher_params(s, t->id, &budget);
    struct render_ctx r = {.sp = sp, .params = p, .id = t->id, .trial_dir = "/t/trials/0001",
                           .sweep_dir = "/t", .budget = budget, .prev_dir = "/t/trials/0000",
                           .gpu = -1};
    size_t argc;
    char **argv = render_argv(&r, &argc);
    round_trips(argv);
    render_free_strv(argv);
    char *base[] = {"PATH=/bin", NULL};
    char **env = render_env(&r, base);
    round_trips(env);
    render_free_strv(env);
    if (sp->nresume_command) {
        argv = render_command(&r, sp->resume_command, sp->nresume_command, &argc);
        round_trips(argv);
        render_free_strv(argv);
    }
    if (sp->npromote_args) {
        argv = render_command(&r, sp->promote_args, sp->npromote_args, &argc);
        round_trips(argv);
        render_free_strv(argv);
    }
    value_free(p);
    value_free(budget);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, '\0', size)) return 0; /* space_load refuses NUL bytes first */
    struct diag d;
    diag_init(&d, "fuzz.yaml");
    struct space_env env = {.parsers = metrics_parser_names()};
    struct space *sp = space_load_env("fuzz.yaml", (const char *)data, size, &env, &d);
    if (sp) {
        struct err e = {0};
        struct searcher *s = searcher_new(sp, &e);
        struct search_trial t;
        for (int i = 0; s && i < 3 && searcher_ask(s, &t) == 1; i++) render_trial(sp, s, &t);
        searcher_free(s);
        space_free(sp);
    }
    diag_release(&d);
    return 0;
}
