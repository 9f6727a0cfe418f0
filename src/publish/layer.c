/*
 * layer.c - the export's layer model (layer.h): a layer's field list, its
 * stream of rows (a store cursor, one row's values and the strings made
 * for it), and the Danish labels of categories and profile bands that
 * layers and styles show.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "model/categories.h"
#include "publish/layer.h"
#include "store/store_export.h"
#include "util/ctx.h"
#include "util/util.h"

static void
free_strings(nbl__xlayer *l)
{
    for (size_t i = 0; i < l->nstrings; i++)
        free(l->strings[i]);
    l->nstrings = 0;
}

void
nbl__xlayer_close(nbl__xlayer *l)
{
    nbl__xcursor_free(l->cursor);
    l->cursor = NULL;
    free_strings(l);
    free(l->vals);
    l->vals = NULL;
}

void
nbl__xlayer_free(nbl__xlayer *l)
{
    nbl__xlayer_close(l);
    if (l->data_free)
        l->data_free(l->data);
    free(l->strings);
    for (size_t i = 0; i < (size_t)l->nfields && l->own_fields; i++)
        free((char *)l->own_fields[i].name);
    free(l->own_fields);
    memset(l, 0, sizeof *l);
}

int
nbl__xlayer_open(nbl__xlayer *l, nbl_ws *ws, const nbl__xjob *job)
{
    nbl__xlayer_close(l);
    l->nrows = 0;
    l->oom = 0;
    l->ws = ws;
    l->vals = calloc(l->nfields ? (size_t)l->nfields : 1, sizeof *l->vals);
    if (!l->vals)
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    return l->open(ws, job, l);
}

int
nbl__xlayer_next(nbl__xlayer *l, const nbl__xjob *job)
{
    const void *row;
    int rc;
    do {
        free_strings(l);
        memset(l->vals, 0, (size_t)l->nfields * sizeof *l->vals);
        l->wkb = NULL;
        l->wkb_len = 0;
        rc = nbl__xcursor_next(l->cursor, &row);
        if (rc != 1)
            return rc;
    } while (!l->fill(l, job, row) && !l->oom);
    if (l->oom) {
        l->oom = 0;
        return nbl__error(nbl_ws_ctx(l->ws), NBL_ENOMEM, "out of memory");
    }
    l->nrows++;
    return 1;
}

int
nbl__xlayer_add_field(nbl_ctx *ctx, nbl__xlayer *l, const char *name,
                      nbl__xftype type)
{
    char *copy;
    assert(!l->fields || l->fields == l->own_fields);
    for (int i = 0; i < l->nfields; i++)
        if (strcmp(l->own_fields[i].name, name) == 0)
            return nbl__error(ctx, NBL_EFORMAT,
                              "layer '%s': property '%s' would appear twice "
                              "(rename the indicator)",
                              l->name ? l->name : "?", name);
    if ((size_t)l->nfields == l->cap_fields) {
        size_t cap = l->cap_fields ? 2 * l->cap_fields : 32;
        nbl__xfield *f = realloc(l->own_fields, cap * sizeof *f);
        if (!f)
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        l->own_fields = f;
        l->cap_fields = cap;
    }
    if (!(copy = nbl__strdup(name)))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    l->own_fields[l->nfields].name = copy;
    l->own_fields[l->nfields].type = type;
    l->nfields++;
    l->fields = l->own_fields;
    return NBL_OK;
}

const char *
nbl__xlayer_keep(nbl__xlayer *l, char *s)
{
    char **v;
    if (!s) { /* its maker ran out of memory */
        l->oom = 1;
        return NULL;
    }
    v = realloc(l->strings, (l->nstrings + 1) * sizeof *v);
    if (!v) {
        free(s);
        l->oom = 1;
        return NULL;
    }
    l->strings = v;
    l->strings[l->nstrings++] = s;
    return s;
}

const char *
nbl__category_label(const char *code)
{
    const nbl__category *c = nbl__category_find(code);
    return c ? c->label : code;
}

const char *
nbl__band_label(const char *band)
{
    /* Neutral wording of the profile's risk levels (docs/outputs.md): the
     * statutory word "udsat" is left to the statutory categories. */
    static const char *const map[][2] = {
        {"green", "Uden for risiko"},
        {"yellow", "Risikoområde"},
        {"orange", "Forhøjet risiko"},
        {"red", "Høj risiko"},
    };
    if (!band)
        return NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], band) == 0)
            return map[i][1];
    return band;
}
