/*
 * import_stats_source.c - where the statistics and references import gets
 * its rows (import_stats_internal.h): the row source (CSV, workbook or
 * StatBank download, rowsrc.h) and the column mapping (colmap.h) between
 * it and the checks.
 *
 * With a mapping (or an ignore list), the header is resolved once into a
 * plan and every row is handed on in the plan's order (keys first, then
 * variable,value or the variable columns), so the checks see the canonical
 * layout while messages name the headings as the file writes them
 * (im->cols holds those). Without one, rows pass unchanged and the header
 * rules are those of the canonical layout. A StatBank download is already
 * canonical when it arrives (its column.* keys name its own columns).
 */
#include <stdlib.h>
#include <string.h>

#include "import/import_stats_internal.h"
#include "util/ctx.h"
#include "util/i18n.h"

static int
build_map(struct imp *im)
{
    const nbl_stats_opts *o = im->o;
    for (size_t i = 0; i < o->n_columns; i++)
        if (nbl__colmap_add(&im->map, o->columns[i].key, o->columns[i].value) <
            0)
            return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < o->n_ignore; i++)
        if (nbl__colmap_add_ignore(&im->map, o->ignore[i]))
            return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    return NBL_OK;
}

static void
statbank_opts(struct imp *im)
{
    const nbl_stats_opts *o = im->o;
    nbl__statbank_opts *s = &im->sbo;
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < o->n_columns; i++) {
        const char *k = o->columns[i].key, *v = o->columns[i].value;
        if (strcmp(k, im->refs ? "code" : "area_id") == 0)
            s->area_heading = v;
        else if (strcmp(k, "year") == 0)
            s->time_heading = v;
        else if (strcmp(k, "value") == 0)
            s->value_heading = v;
    }
    s->variable = o->variable;
    s->variable_from = o->variable_from;
    s->labels = o->labels;
    s->nlabels = o->n_labels;
    s->where = o->where;
    s->nwhere = o->n_where;
    s->period_last = o->period && strcmp(o->period, "last") == 0;
    s->refs = im->refs;
    s->scope = o->scope;
}

int
nbl__sti_source_init(struct imp *im)
{
    statbank_opts(im);
    return build_map(im);
}

void
nbl__sti_source_free(struct imp *im)
{
    nbl__colmap_clear(&im->map);
    nbl__colplan_free(&im->plan);
    free(im->mfields);
    free(im->mlens);
    free(im->mtyped);
}

const char *
nbl__sti_where(const struct imp *im, long line, char *buf, size_t n)
{
    return nbl__rowsrc_where(&im->src, im->path, line, buf, n);
}

/* The variable names the header may use: the workspace's. */
static int
resolve(struct imp *im, const nbl__csv_row *row)
{
    static const char *stats_keys[] = {"area_id", "year"};
    static const char *refs_keys[] = {"scope", "code", "year"};
    nbl__colmap_want w = {0};
    const char **names = calloc(im->nvars ? im->nvars : 1, sizeof *names);
    char *err = NULL, where[300];
    int rc;
    if (!names)
        return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < im->nvars; i++)
        names[i] = im->vars[i].name;
    w.keys = im->refs ? refs_keys : stats_keys;
    w.nkeys = im->refs ? 3 : 2;
    w.vars = names;
    w.nvars = im->nvars;
    w.long_ok = w.wide_ok = 1;
    nbl__colplan_free(&im->plan);
    rc = nbl__colmap_resolve(&im->map, &w, row->n, row->fields,
                             row->delimiter ? row->delimiter : ',', &im->plan,
                             &err);
    free(names);
    if (rc < 0)
        return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    if (rc > 0) {
        rc =
            nbl__error(im->ctx, NBL_EFORMAT, "%s: %s",
                       nbl__sti_where(im, row->line, where, sizeof where), err);
        free(err);
        return rc;
    }
    free(im->mfields);
    free(im->mlens);
    free(im->mtyped);
    im->mfields = calloc(im->plan.n, sizeof *im->mfields);
    im->mlens = calloc(im->plan.n, sizeof *im->mlens);
    im->mtyped = calloc(im->plan.n, sizeof *im->mtyped);
    if (!im->mfields || !im->mlens || !im->mtyped)
        return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    return NBL_OK;
}

/* After the checks took the canonical header: messages quote the file's
 * own headings. */
static int
own_headings(struct imp *im)
{
    for (size_t j = 0; j < im->plan.n && j < im->ncols; j++) {
        char *h = nbl__strdup(im->plan.heading[j]);
        if (!h)
            return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
        free(im->cols[j]);
        im->cols[j] = h;
    }
    return NBL_OK;
}

static int
mapped_row(struct imp *im, const nbl__csv_row *row)
{
    nbl__csv_row r = *row;
    const nbl__colplan *p = &im->plan;
    int rc;
    if (row->index > 0 && row->n != p->nin) {
        char b[80];
        nbl__buf raw = {0};
        char d = row->delimiter ? row->delimiter : ',';
        im->rows++;
        for (size_t i = 0; i < row->n; i++)
            nbl__buf_printf(&raw, "%.*s%s", i ? 1 : 0, &d, row->fields[i]);
        rc = nbl__sti_problem(
            im, row->line,
            _n("row: has %zu field, the header has %zu: '%s'",
               "row: has %zu fields, the header has %zu: '%s'", row->n),
            row->n, p->nin, nbl__sti_clip(b, raw.s ? raw.s : ""));
        nbl__buf_free(&raw);
        return rc;
    }
    for (size_t j = 0; j < p->n; j++) {
        size_t s = p->src[j];
        im->mfields[j] = row->index == 0 ? p->name[j] : row->fields[s];
        im->mlens[j] = strlen(im->mfields[j]);
        im->mtyped[j] = row->index > 0 && row->typed ? row->typed[s] : 0;
    }
    r.n = p->n;
    r.fields = im->mfields;
    r.lens = im->mlens;
    r.typed = im->mtyped;
    im->typed = r.typed;
    rc = im->inner(&r, im);
    if (rc == NBL_OK && row->index == 0 && im->ncols)
        rc = own_headings(im);
    return rc;
}

/* Empty headings at the end of the header - the ';' Excel writes after
 * the last column when an empty column was selected - and their fields are
 * left out of every row; a value under one is a row problem (0 returned
 * then, the row counted), never dropped. Otherwise row is cut to the
 * fields to read, and 1 is returned. */
static int
trailing_empty(struct imp *im, nbl__csv_row *row)
{
    if (row->index == 0) {
        im->nhead = row->n;
        im->trail = 0;
        while (im->trail + 1 < row->n && !*row->fields[row->n - 1 - im->trail])
            im->trail++;
    }
    if (!im->trail || row->n != im->nhead)
        return 1; /* a ragged row is the reader's to name */
    for (size_t i = row->n - im->trail; row->index > 0 && i < row->n; i++)
        if (*row->fields[i]) {
            char b[80];
            int rc;
            im->rows++;
            rc = nbl__sti_problem(im, row->line,
                                  "column %zu: a value under an empty "
                                  "heading: '%s'",
                                  i + 1, nbl__sti_clip(b, row->fields[i]));
            return rc ? rc : 0;
        }
    row->n -= im->trail;
    return 1;
}

static int
filter(const nbl__csv_row *in, void *arg)
{
    struct imp *im = arg;
    nbl__csv_row row = *in;
    int rc;
    if (!im->src.statbank && (rc = trailing_empty(im, &row)) != 1)
        return rc;
    if (row.index == 0 && !im->src.statbank && !nbl__colmap_empty(&im->map) &&
        !im->plan.n && (rc = resolve(im, &row)))
        return rc;
    if (im->plan.n)
        return mapped_row(im, &row);
    im->typed = row.typed;
    return im->inner(&row, im);
}

int
nbl__sti_source_read(struct imp *im, nbl__csv_row_fn fn, int raw)
{
    nbl__rowsrc src = {0};
    int rc;
    src.path = im->path;
    src.format = im->o->format;
    src.sheet = im->o->sheet;
    src.delimiter = im->co.delimiter;
    src.statbank = &im->sbo;
    src.progress = im->co.progress;
    src.progress_lo = im->co.progress_lo;
    src.progress_hi = im->co.progress_hi;
    src.raw = raw;
    im->inner = fn;
    nbl__colplan_free(&im->plan);
    rc = nbl__rowsrc_read(im->ctx, &src, raw ? fn : filter, im, &im->src);
    im->typed = NULL;
    if (rc == NBL_OK && im->src.kind == 'c')
        im->delimiter = im->src.csv.delimiter;
    else if (rc == NBL_OK)
        im->delimiter = ',';
    return rc;
}
