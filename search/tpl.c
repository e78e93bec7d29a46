/* tpl.c - placeholder scanning. */
#include "search/tpl.h"

#include <string.h>

int tpl_next(const char *s, size_t *pos, struct tpl_piece *p)
{
    size_t i = *pos;
    if (!s[i]) return 0;
    if (s[i] == '$' && s[i + 1] == '$' && s[i + 2] == '{') {
        *p = (struct tpl_piece){.s = s + i + 1, .len = 2, .offset = i};
        *pos = i + 3;
        return 1;
    }
    if (s[i] == '$' && s[i + 1] == '{') {
        const char *close = strchr(s + i + 2, '}');
        if (!close) {
            p->offset = i;
            return -1;
        }
        *p = (struct tpl_piece){
            .is_placeholder = 1, .s = s + i + 2, .len = (size_t)(close - (s + i + 2)), .offset = i};
        *pos = (size_t)(close - s) + 1;
        return 1;
    }
    size_t j = i;
    while (s[j] && !(s[j] == '$' && (s[j + 1] == '{' || (s[j + 1] == '$' && s[j + 2] == '{'))))
        j++;
    if (j == i) j++; /* a lone '$' */
    *p = (struct tpl_piece){.s = s + i, .len = j - i, .offset = i};
    *pos = j;
    return 1;
}

int tpl_whole(const char *s, const char **name, size_t *len)
{
    size_t n = strlen(s);
    if (n < 3 || s[0] != '$' || s[1] != '{' || s[n - 1] != '}') return 0;
    if (memchr(s + 2, '}', n - 3)) return 0;
    *name = s + 2;
    *len = n - 3;
    return 1;
}

const struct tpl_builtin_def tpl_builtins[TPL_NBUILTINS] = {
    [TPL_ENV] = {.name = "env"},
    [TPL_INTERPRETER] = {.name = "interpreter"},
    [TPL_PROGRAM] = {.name = "program"},
    [TPL_ARGS_JSON] = {.name = "args_json"},
    [TPL_ARGS_JSON_FILE] = {.name = "args_json_file"},
    [TPL_TRIAL_ID] = {.name = "trial_id"},
    [TPL_TRIAL_DIR] = {.name = "trial_dir"},
    [TPL_SWEEP_DIR] = {.name = "sweep_dir"},
    [TPL_CPUS] = {.name = "cpus"},
    [TPL_STAGE] = {.name = "stage"},
    [TPL_BUDGET] = {.name = "budget", .rung = 1},
    [TPL_PREV_TRIAL_DIR] = {.name = "prev_trial_dir", .rung = 1},
    [TPL_ARGS] = {.name = "args", .list = 1},
    [TPL_ARGS_NO_HYPHENS] = {.name = "args_no_hyphens", .list = 1},
    [TPL_ARGS_NO_BOOLEAN_FLAGS] = {.name = "args_no_boolean_flags", .list = 1},
    [TPL_ARGS_NO_EQUALS] = {.name = "args_no_equals", .list = 1},
};

int tpl_builtin(const char *name)
{
    for (int i = 0; i < TPL_NBUILTINS; i++)
        if (!strcmp(tpl_builtins[i].name, name)) return i;
    return TPL_NONE;
}
