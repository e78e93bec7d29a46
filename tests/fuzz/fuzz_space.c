/* fuzz_space - libFuzzer target: any bytes as a sweep file must give a
 * space or diagnostics, never a crash, a leak or undefined behaviour; a
 * space that loads must plan its first trials and render their argv.
 *
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DSWEEP_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_space
 *   build-fuzz/tests/fuzz_space -max_total_time=60 tests/config/bad tests/config/good */
#include "search/diag.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/value.h"
#include "search/render.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, '\0', size)) return 0; /* space_load refuses NUL bytes first */
    struct diag d;
    diag_init(&d, "fuzz.yaml");
    struct space *sp = space_load_text("fuzz.yaml", (const char *)data, size, &d);
    if (sp) {
        long long total = trials_total(sp);
        for (long long i = 0; i < 3 && (total < 0 || i < total); i++) {
            struct value *p = trials_params(sp, (unsigned long long)i);
            struct render_ctx r = {sp, p, i, "/t", "/s"};
            size_t argc;
            render_free_strv(render_argv(&r, &argc));
            value_free(p);
        }
        space_free(sp);
    }
    diag_release(&d);
    return 0;
}
