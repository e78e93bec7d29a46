/* regex.c - metrics.patterns: PCRE2 patterns with a (?<value>...) group,
 * and a name or a (?<name>...) group, optionally a (?<step>...) group
 * (docs/parsers.md). Patterns come from the user: compiled once, matched
 * with JIT where there is one, never passed anywhere else. */
#include "sweep/ingest/parser.h"
#include "search/space.h"
#include "base/err.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* The regex parser's compiled patterns (struct mparser.own). */
struct regex_own {
    struct compiled *pats;
    size_t npats;
};

#define RX(p) ((struct regex_own *)(p)->own)


struct compiled {
    char *name;             /* NULL: taken from the (?<name>) group */
    pcre2_code *re;
    pcre2_match_data *md;
    int g_value, g_step, g_name;
};

static void parse_regex(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    for (size_t k = 0; k < RX(p)->npats; k++) {
        struct compiled *c = &RX(p)->pats[k];
        size_t off = 0;
        while (off <= n) {
            int rc = pcre2_match(c->re, (PCRE2_SPTR)s, n, off, 0, c->md, NULL);
            if (rc < 0) break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
            double v;
            size_t vs = ov[2 * c->g_value], ve = ov[2 * c->g_value + 1];
            if (vs != PCRE2_UNSET && ve > vs) {
                size_t l = metrics_scan_number(s + vs, ve - vs, &v);
                int has_step = 0;
                long long step = 0;
                if (c->g_step >= 0 && ov[2 * c->g_step] != PCRE2_UNSET) {
                    double sv;
                    size_t ss = ov[2 * c->g_step], se = ov[2 * c->g_step + 1];
                    if (se > ss && metrics_scan_number(s + ss, se - ss, &sv) == se - ss &&
                        metrics_step(round(sv), &step))
                        has_step = 1;
                }
                const char *name = c->name;
                size_t nlen = name ? strlen(name) : 0;
                if (!name && c->g_name >= 0 && ov[2 * c->g_name] != PCRE2_UNSET) {
                    name = s + ov[2 * c->g_name];
                    nlen = ov[2 * c->g_name + 1] - ov[2 * c->g_name];
                }
                if (l == ve - vs && name && nlen) metrics_emit(p, b, name, nlen, has_step, step, v);
            }
            if (ov[1] == ov[0]) { /* an empty match: move on by one */
                if (ov[1] >= n) break;
                off = ov[1] + 1;
            } else {
                off = ov[1];
            }
        }
    }
}


static void regex_release(struct mparser *p)
{
    for (size_t i = 0; i < RX(p)->npats; i++) {
        pcre2_code_free(RX(p)->pats[i].re);
        pcre2_match_data_free(RX(p)->pats[i].md);
        free(RX(p)->pats[i].name);
    }
    free(RX(p)->pats);
    RX(p)->pats = NULL;
    RX(p)->npats = 0;
}

static int regex_init(struct mparser *p, const struct pattern *pats, size_t npats, struct err *e)
{
    if (npats == 0) return err_usage(e, "parser regex needs at least one pattern");
    RX(p)->pats = xcalloc(npats, sizeof *RX(p)->pats);
    for (size_t i = 0; i < npats; i++) {
        int ecode;
        PCRE2_SIZE eoff;
        struct compiled *c = &RX(p)->pats[RX(p)->npats];
        c->re = pcre2_compile((PCRE2_SPTR)pats[i].regex, PCRE2_ZERO_TERMINATED, 0, &ecode, &eoff,
                              NULL);
        if (!c->re) {
            PCRE2_UCHAR buf[256];
            pcre2_get_error_message(ecode, buf, sizeof buf);
            return err_usage(e, "invalid regex '%s': %s (at offset %zu)", pats[i].regex,
                             (char *)buf, (size_t)eoff);
        }
        RX(p)->npats++;
        pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE); /* optional speed-up */
        c->md = pcre2_match_data_create_from_pattern(c->re, NULL);
        c->g_value = pcre2_substring_number_from_name(c->re, (PCRE2_SPTR) "value");
        c->g_step = pcre2_substring_number_from_name(c->re, (PCRE2_SPTR) "step");
        c->g_name = pcre2_substring_number_from_name(c->re, (PCRE2_SPTR) "name");
        c->name = pats[i].name ? xstrdup(pats[i].name) : NULL;
        if (c->g_value < 0 || (!c->name && c->g_name < 0))
            return err_usage(e, "regex '%s' needs a (?<value>...) group%s", pats[i].regex,
                             c->name ? "" : " and a name (or a (?<name>...) group)");
    }
    return 0;
}

const struct parser_def parser_regex = {
    .own_size = sizeof(struct regex_own),
    .name = "regex",
    .init = regex_init,
    .line = parse_regex,
    .release = regex_release,
};
