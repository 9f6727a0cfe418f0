/*
 * disclosure.c - statistical disclosure control (see disclosure.h). Pure
 * arithmetic; the only I/O is reading the [disclosure] section of a config.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <ini.h>

#include "util/ctx.h"
#include "model/disclosure.h"
#include "util/i18n.h"
#include "util/util.h"

void
nbl__disclosure_defaults(nbl__disclosure *d)
{
    d->min_count = 3;
    d->min_denominator = 20;
    d->min_residents_publish = 100;
}

struct load_state {
    nbl__disclosure *d;
    const char *bad_key;
    char bad_value[64];
    char unknown[64]; /* first unknown key: warned about, not an error */
};

static int
on_ini(void *user, const char *section, const char *name, const char *value)
{
    struct load_state *s = user;
    double v, *dst = NULL;
    if (strcmp(section, "disclosure") != 0)
        return 1;
    if (strcmp(name, "min_count") == 0)
        dst = &s->d->min_count;
    else if (strcmp(name, "min_denominator") == 0)
        dst = &s->d->min_denominator;
    else if (strcmp(name, "min_residents_publish") == 0)
        dst = &s->d->min_residents_publish;
    if (!dst) {
        if (!s->unknown[0])
            snprintf(s->unknown, sizeof s->unknown, "%s", name);
        return 1;
    }
    if (!nbl__parse_double(value, '.', &v) || v < 0) {
        if (!s->bad_key) {
            s->bad_key = "value";
            snprintf(s->bad_value, sizeof s->bad_value, "%s", name);
        }
        return 1;
    }
    *dst = v;
    return 1;
}

int
nbl__disclosure_load(nbl_ctx *ctx, const char *path, nbl__disclosure *d)
{
    struct load_state s = {d, NULL, "", ""};
    FILE *f;
    int r;
    if (!path)
        return NBL_OK;
    f = fopen(path, "r");
    if (!f)
        return nbl__error(ctx, NBL_EIO, "%s: cannot read: %s", path,
                          strerror(errno));
    r = ini_parse_file(f, on_ini, &s);
    fclose(f);
    if (r > 0)
        return nbl__error(ctx, NBL_EFORMAT, "%s:%d: not valid INI", path, r);
    if (s.bad_key)
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: [disclosure] %s: not a non-negative number",
                          path, s.bad_value);
    /* The section is shared by several modules: warn, do not fail. */
    if (s.unknown[0])
        nbl__warn(ctx,
                  "%s: [disclosure] %s: unknown key (known: min_count, "
                  "min_denominator, min_residents_publish)",
                  path, s.unknown);
    return NBL_OK;
}

int
nbl__disclosure_count(const nbl__disclosure *d, double count)
{
    return !isnan(count) && count > 0 && count < d->min_count;
}

int
nbl__disclosure_rate(const nbl__disclosure *d, double denominator)
{
    return !isnan(denominator) && denominator < d->min_denominator;
}

int
nbl__disclosure_area(const nbl__disclosure *d, double residents)
{
    return !isnan(residents) && residents < d->min_residents_publish;
}

int
nbl__disclosure_alert(const nbl__disclosure *d, double residents,
                      double denominator)
{
    return nbl__disclosure_area(d, residents) ||
           nbl__disclosure_rate(d, denominator);
}

char *
nbl__disclosure_small_area_message(const nbl__disclosure *d, const char *name,
                                   const char *area_id)
{
    nbl__buf m = {0};
    char n[32];
    if (nbl__buf_printf(
            &m,
            T_("%s (%s): an area with fewer than %s residents has "
               "alerts; see the internal list."),
            name && *name ? name : T_("Area"), area_id,
            nbl__fmt_num(n, sizeof n, d->min_residents_publish, 0))) {
        nbl__buf_free(&m);
        return NULL;
    }
    return m.s;
}

char *
nbl__disclosure_alert_message(const char *name, const char *area_id,
                              const char *kind, const char *rule)
{
    nbl__buf m = {0};
    if (nbl__buf_printf(&m,
                        "%s: %s (%s): value withheld under disclosure control",
                        name && *name ? name : area_id, kind, rule)) {
        nbl__buf_free(&m);
        return NULL;
    }
    return m.s;
}
