/*
 * import_stats_fast.c - the fast path of `import stats`: the checks over
 * all rows done in C while the file streams, and each value written once,
 * straight into `stats` (import_stats_internal.h).
 *
 * It holds for a file whose values come grouped by area and year: every
 * (area, year) is one run of consecutive rows (one wide row, or the long
 * rows of an area-year next to each other), as statistics exports are
 * written. Then every check that spans rows - a duplicate key, a value
 * that differs from the workspace's, a numerator larger than its
 * denominator - only ever compares values of one area-year: the group's
 * values are held in arrays indexed by variable (with their lines), the
 * workspace's values of the group are read with one query, and when the
 * next group starts the checks run and the good values are written.
 * The checks, their messages and the order of each line's messages are
 * those of the staged path's SQL (store_stats.c), which stays the path of
 * the references and of files that are not grouped: when an area-year
 * comes back after another, nbl__sti_fast_group() returns
 * NBL__STI_FALLBACK and the caller rolls back and reads the file again the
 * staged way.
 *
 * Memory: one bit per area and year 1900-2100 (which groups were seen) and
 * a few arrays of the number of variables - nothing grows with the file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_stats_internal.h"
#include "util/ctx.h"

int nbl__stats_fast_path = 1;
int nbl__stats_fast_used;

#define NYEARS 201 /* 1900-2100, the years check_year accepts */

/* One (numerator, denominator) pair found over its limit. */
struct excess {
    nbl__stage_rec num, den;
};

struct nbl__sti_fast {
    nbl__stats_writer *w;
    int ws_empty;        /* no value in the workspace: no look-ups needed */
    int refused;         /* a problem without skip_invalid: nothing is kept */
    int nomem;           /* the list of bad lines could not grow */
    unsigned char *seen; /* bit per (area index, year - 1900) */
    long area;           /* current group: index into im->ids, -1 none */
    long year;
    const char *area_id;
    /* per variable (index into im->vars) */
    double *val, *wsval;
    long *line; /* line of the staged value, 0 when none */
    unsigned char *wshas, *good;
    long *den; /* index of the variable's denominator, -1 when none */
    /* lines of the current group with a problem */
    long *bad;
    size_t nbad, capbad;
    struct excess *ex;
    size_t nex;
    long inserted, updated, unchanged, missing;
};

static int
differs(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) != isnan(b);
    return a != b;
}

static long
var_index(const struct imp *im, const char *name)
{
    const nbl__var_def *v = name ? nbl__sti_find_var(im, name) : NULL;
    return v ? (long)(v - im->vars) : -1;
}

int
nbl__sti_fast_new(struct imp *im)
{
    struct nbl__sti_fast *f = calloc(1, sizeof *f);
    size_t nv = im->nvars ? im->nvars : 1;
    size_t nbits = im->ids.n * NYEARS;
    int rc;
    if (!f)
        return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    im->fast = f;
    f->area = -1;
    f->seen = calloc(nbits / 8 + 1, 1);
    f->val = calloc(nv, sizeof *f->val);
    f->wsval = calloc(nv, sizeof *f->wsval);
    f->line = calloc(nv, sizeof *f->line);
    f->wshas = calloc(nv, 1);
    f->good = calloc(nv, 1);
    f->den = calloc(nv, sizeof *f->den);
    f->ex = calloc(2 * nv, sizeof *f->ex);
    if (!f->seen || !f->val || !f->wsval || !f->line || !f->wshas || !f->good ||
        !f->den || !f->ex)
        return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < im->nvars; i++) /* a share's 'of' is no
                                                 numerator's denominator */
        f->den[i] = strcmp(im->vars[i].kind, "percent") == 0 ||
                            strcmp(im->vars[i].kind, "value") == 0
                        ? -1
                        : var_index(im, im->vars[i].denominator);
    rc = nbl__stats_writer_new(im->ws, &f->w, &f->ws_empty);
    return rc;
}

void
nbl__sti_fast_free(struct imp *im)
{
    struct nbl__sti_fast *f = im->fast;
    if (!f)
        return;
    nbl__stats_writer_free(f->w);
    free(f->seen);
    free(f->val);
    free(f->wsval);
    free(f->line);
    free(f->wshas);
    free(f->good);
    free(f->den);
    free(f->bad);
    free(f->ex);
    free(f);
    im->fast = NULL;
}

void
nbl__sti_fast_bad(struct imp *im, long line)
{
    struct nbl__sti_fast *f = im->fast;
    if (!f)
        return;
    if (!im->o->skip_invalid)
        f->refused = 1;
    if (f->nbad == f->capbad) {
        size_t cap = f->capbad ? 2 * f->capbad : 16;
        long *b = realloc(f->bad, cap * sizeof *b);
        if (!b) {
            f->nomem = 1; /* reported when the group ends */
            return;
        }
        f->bad = b;
        f->capbad = cap;
    }
    f->bad[f->nbad++] = line;
}

static int
is_bad(const struct nbl__sti_fast *f, long line)
{
    for (size_t i = 0; i < f->nbad; i++)
        if (f->bad[i] == line)
            return 1;
    return 0;
}

/* good[i]: variable i staged on a line without a problem (so far). */
static void
mark_good(const struct imp *im, struct nbl__sti_fast *f)
{
    for (size_t i = 0; i < im->nvars; i++)
        f->good[i] = f->line[i] > 0 && !is_bad(f, f->line[i]);
}

static nbl__stage_rec
rec(const struct imp *im, size_t var, double value, long line)
{
    nbl__stage_rec r;
    r.k1 = im->fast->area_id;
    r.k2 = "";
    r.year = im->fast->year;
    r.variable = im->vars[var].name;
    r.value = value;
    r.line = line;
    return r;
}

/* Values that differ from the workspace's (unless replace): as
 * nbl__stage_each_conflict, per line in variable order. */
static int
check_conflicts(struct imp *im)
{
    struct nbl__sti_fast *f = im->fast;
    int rc = NBL_OK;
    if (im->o->replace || f->ws_empty)
        return NBL_OK;
    mark_good(im, f);
    for (size_t i = 0; rc == NBL_OK && i < im->nvars; i++)
        if (f->good[i] && f->wshas[i] && differs(f->wsval[i], f->val[i])) {
            nbl__stage_rec r = rec(im, i, f->val[i], f->line[i]);
            rc = nbl__sti_on_conflict(&r, f->wsval[i], im);
        }
    return rc;
}

static int
cmp_excess(const void *a, const void *b)
{
    const struct excess *x = a, *y = b;
    if (x->num.line != y->num.line)
        return x->num.line < y->num.line ? -1 : 1;
    if (x->den.line != y->den.line)
        return x->den.line < y->den.line ? -1 : 1;
    return strcmp(x->num.variable, y->num.variable);
}

/* Numerators larger than their denominators, the values compared being
 * those the workspace will hold: as nbl__stage_each_excess (part 1: the
 * numerator from the file; part 2: the denominator from the file and the
 * numerator only in the workspace), ordered the same way. */
static int
check_excess(struct imp *im)
{
    struct nbl__sti_fast *f = im->fast;
    int rc = NBL_OK;
    f->nex = 0;
    mark_good(im, f);
    for (size_t n = 0; n < im->nvars; n++) {
        long d = f->den[n];
        double dv;
        long dline = 0;
        if (d < 0 || !f->good[n] || isnan(f->val[n]))
            continue;
        if (f->good[d]) {
            dv = f->val[d];
            dline = f->line[d];
        } else {
            dv = f->wshas[d] ? f->wsval[d] : NAN;
        }
        if (!isnan(dv) && f->val[n] > dv) {
            f->ex[f->nex].num = rec(im, (size_t)n, f->val[n], f->line[n]);
            f->ex[f->nex++].den = rec(im, (size_t)d, dv, dline);
        }
    }
    for (size_t n = 0; n < im->nvars; n++) {
        long d = f->den[n];
        if (d < 0 || !f->good[d] || isnan(f->val[d]) || f->good[n] ||
            !f->wshas[n] || !(f->wsval[n] > f->val[d]))
            continue;
        f->ex[f->nex].num = rec(im, n, f->wsval[n], 0);
        f->ex[f->nex++].den = rec(im, (size_t)d, f->val[d], f->line[d]);
    }
    qsort(f->ex, f->nex, sizeof *f->ex, cmp_excess);
    for (size_t i = 0; rc == NBL_OK && i < f->nex; i++)
        rc = nbl__sti_on_excess(&f->ex[i].num, &f->ex[i].den, im);
    return rc;
}

/* Counts the good values (as nbl__stage_counts) and writes them. */
static int
store_group(struct imp *im)
{
    struct nbl__sti_fast *f = im->fast;
    int rc = NBL_OK;
    mark_good(im, f);
    for (size_t i = 0; rc == NBL_OK && i < im->nvars; i++) {
        int change;
        if (!f->good[i])
            continue;
        f->missing += isnan(f->val[i]);
        change = !f->wshas[i] || differs(f->wsval[i], f->val[i]);
        if (!f->wshas[i])
            f->inserted++;
        else if (change)
            f->updated++;
        else
            f->unchanged++;
        if (change && !f->refused)
            rc = nbl__stats_writer_put(f->w, f->area_id, f->year,
                                       im->vars[i].name, f->val[i]);
    }
    return rc;
}

static int
finish_group(struct imp *im)
{
    struct nbl__sti_fast *f = im->fast;
    int rc;
    if (f->nomem)
        return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    if (f->area < 0)
        return NBL_OK;
    rc = check_conflicts(im);
    if (rc == NBL_OK)
        rc = check_excess(im);
    if (rc == NBL_OK)
        rc = store_group(im);
    f->area = -1;
    return rc;
}

static int
ws_value(const char *variable, double value, void *arg)
{
    struct imp *im = arg;
    long i = var_index(im, variable);
    if (i >= 0) {
        im->fast->wshas[i] = 1;
        im->fast->wsval[i] = value;
    }
    return 0;
}

int
nbl__sti_fast_group(struct imp *im, const char *area_id, long year)
{
    struct nbl__sti_fast *f = im->fast;
    const char *const *hit;
    size_t bit;
    int rc;
    if (f->area >= 0 && f->year == year && strcmp(f->area_id, area_id) == 0)
        return NBL_OK;
    rc = finish_group(im);
    if (rc)
        return rc;
    hit = bsearch(&area_id, im->ids.v, im->ids.n, sizeof *im->ids.v,
                  nbl__cmp_strp);
    if (!hit || year < 1900 || year >= 1900 + NYEARS)
        return nbl__error(im->ctx, NBL_EINVAL, "internal: area-year");
    bit = (size_t)(hit - (const char *const *)im->ids.v) * NYEARS +
          (size_t)(year - 1900);
    if (f->seen[bit / 8] & (1u << (bit % 8)))
        return NBL__STI_FALLBACK; /* the area-year came back */
    f->seen[bit / 8] |= (unsigned char)(1u << (bit % 8));
    f->area = (long)(hit - (const char *const *)im->ids.v);
    f->area_id = *hit;
    f->year = year;
    f->nbad = 0;
    for (size_t i = 0; i < im->nvars; i++) {
        f->line[i] = 0;
        f->wshas[i] = 0;
    }
    if (f->ws_empty)
        return NBL_OK;
    return nbl__stats_writer_group(f->w, area_id, year, ws_value, im);
}

int
nbl__sti_fast_stage(struct imp *im, const nbl__var_def *v, double value,
                    long line, long *dup_line)
{
    struct nbl__sti_fast *f = im->fast;
    size_t i = (size_t)(v - im->vars);
    *dup_line = f->line[i];
    if (*dup_line)
        return NBL_OK;
    f->line[i] = line;
    f->val[i] = value;
    return NBL_OK;
}

int
nbl__sti_fast_end(struct imp *im)
{
    struct nbl__sti_fast *f = im->fast;
    int rc = finish_group(im);
    im->sum.values_inserted = f->inserted;
    im->sum.values_updated = f->updated;
    im->sum.values_unchanged = f->unchanged;
    im->sum.values_missing = f->missing;
    return rc;
}
