/*
 * import_stats_config.c - [variable.<name>] sections of the --config file
 * of `import stats` (kind, denominator, label), checked and declared in the
 * workspace inside the import's transaction (import_stats_internal.h).
 */
#include <ini.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_stats_internal.h"
#include "util/ctx.h"

struct vdecl {
    char *name, *kind, *denominator, *label, *max;
    int line;
};
struct vconf {
    struct vdecl *v;
    size_t n, cap;
    nbl_ctx *ctx;
    int nomem;
};

static int
conf_handler(void *user, const char *section, const char *name,
             const char *value)
{
    struct vconf *c = user;
    struct vdecl *d = NULL;
    char **slot;
    if (strncmp(section, "variable.", 9) != 0)
        return 1;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].name, section + 9) == 0)
            d = &c->v[i];
    if (!d) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 8;
            struct vdecl *w = realloc(c->v, cap * sizeof *w);
            if (!w) {
                c->nomem = 1;
                return 0;
            }
            c->v = w;
            c->cap = cap;
        }
        d = &c->v[c->n++];
        memset(d, 0, sizeof *d);
        d->name = nbl__strdup(section + 9);
        if (!d->name) {
            c->nomem = 1;
            return 0;
        }
    }
    if (strcmp(name, "kind") == 0)
        slot = &d->kind;
    else if (strcmp(name, "denominator") == 0 || strcmp(name, "of") == 0)
        slot = &d->denominator; /* of: the population a share is of */
    else if (strcmp(name, "label") == 0)
        slot = &d->label;
    else if (strcmp(name, "max") == 0)
        slot = &d->max;
    else
        return 1; /* other modules' keys (e.g. indicator settings) */
    free(*slot);
    *slot = *value ? nbl__strdup(value) : NULL;
    if (*value && !*slot) {
        c->nomem = 1;
        return 0;
    }
    return 1;
}

static void
vconf_free(struct vconf *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].name);
        free(c->v[i].kind);
        free(c->v[i].denominator);
        free(c->v[i].label);
        free(c->v[i].max);
    }
    free(c->v);
}

static int
valid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* Keeps a [variable.<name>] max for the plausibility check. */
static int
add_max(struct imp *im, const char *path, const char *name, const char *v)
{
    double x;
    char **n;
    double *m;
    if (!nbl__parse_double(v, '.', &x) || x < 0)
        return nbl__error(im->ctx, NBL_EFORMAT,
                          "%s: [variable.%s] max: not a number >= 0: '%s'",
                          path, name, v);
    n = realloc(im->max_names, (im->nmax + 1) * sizeof *n);
    if (n)
        im->max_names = n;
    m = n ? realloc(im->max_values, (im->nmax + 1) * sizeof *m) : NULL;
    if (m)
        im->max_values = m;
    if (!n || !m || !(n[im->nmax] = nbl__strdup(name)))
        return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    m[im->nmax++] = x;
    return NBL_OK;
}

int
nbl__sti_apply_config(struct imp *im, long *declared)
{
    struct vconf c = {0};
    int rc = NBL_OK, e;
    const char *path = im->o->config_path;

    c.ctx = im->ctx;
    e = ini_parse(path, conf_handler, &c);
    if (c.nomem)
        rc = nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    else if (e < 0)
        rc = nbl__error(im->ctx, NBL_EIO, "%s: cannot open the config file",
                        path);
    else if (e > 0)
        rc = nbl__error(im->ctx, NBL_EFORMAT, "%s:%d: not valid INI syntax",
                        path, e);
    for (size_t i = 0; rc == NBL_OK && i < c.n; i++) {
        struct vdecl *d = &c.v[i];
        const char *kind = d->kind ? d->kind : "count";
        if (!valid_name(d->name))
            rc = nbl__error(im->ctx, NBL_EFORMAT,
                            "%s: [variable.%s]: a variable name uses only "
                            "letters, digits and '_'",
                            path, d->name);
        else if (strcmp(kind, "count") && strcmp(kind, "amount") &&
                 strcmp(kind, "mean") && strcmp(kind, "percent") &&
                 strcmp(kind, "value"))
            rc = nbl__error(im->ctx, NBL_EFORMAT,
                            "%s: [variable.%s]: kind must be count, amount, "
                            "mean, percent or value: '%s'",
                            path, d->name, kind);
        else if (d->denominator && strcmp(d->denominator, d->name) == 0)
            rc = nbl__error(im->ctx, NBL_EFORMAT,
                            "%s: [variable.%s]: a variable cannot be its own "
                            "denominator",
                            path, d->name);
        if (rc == NBL_OK && d->denominator &&
            !nbl__sti_find_var(im, d->denominator)) {
            int found = 0;
            for (size_t j = 0; j < c.n; j++)
                found |= strcmp(c.v[j].name, d->denominator) == 0;
            if (!found)
                rc = nbl__error(im->ctx, NBL_EFORMAT,
                                "%s: [variable.%s]: unknown denominator "
                                "'%s'",
                                path, d->name, d->denominator);
        }
        if (rc == NBL_OK)
            rc = nbl__store_stats_put_variable(im->ws, d->name, kind,
                                               d->denominator, d->label);
        if (rc == NBL_OK && d->max)
            rc = add_max(im, path, d->name, d->max);
    }
    if (rc == NBL_OK)
        *declared = (long)c.n;
    vconf_free(&c);
    return rc;
}
