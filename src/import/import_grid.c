/*
 * import_grid.c - nbl_import_grid(): grid statistics (kvadratnet cells or
 * cell polygons) summed into the areas' statistics (see nabolag/grid.h).
 *
 * One pass over the source, streaming: each row's cell is looked up in a
 * hash table of the cells seen so far; a new cell is parsed (id) or read
 * (polygon) and overlaid on the areas once (grid_overlay.c), and its parts
 * (area, weight, overlap) are kept, so a cell repeated over years and
 * variables costs one look-up. Each value goes straight into the
 * accumulator of its (year, variable) pair (model/grid.c). Memory is the
 * cells' parts (about 40 bytes a cell) plus pairs x areas x 16 bytes,
 * independent of the number of rows. After the pass, every area that some
 * cell overlapped gets one value per pair, checked (numerators not above
 * their denominators) and written in one transaction (store_grid.c).
 * The first bad row stops the import with one line naming it.
 */
#include "nabolag/grid.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/csvread.h"
#include "import/grid_internal.h"
#include "import/grid_overlay.h"
#include "model/grid.h"
#include "store/store.h"
#include "store/store_grid.h"
#include "store/store_stats.h"
#include "util/ctx.h"
#include "util/i18n.h"
#include "util/util.h"

#define YEAR_MIN 1900
#define YEAR_MAX 2100

/* ---- cells ------------------------------------------------------------- */

static uint64_t
hash_str(const char *s)
{
    return nbl__hash_bytes(s, strlen(s));
}

static void
cells_free(nbl__gimp *g)
{
    for (size_t i = 0; i < g->ncells; i++) {
        free(g->cells[i].key);
        free(g->cells[i].seen);
    }
    free(g->cells);
    free(g->slots);
    free(g->parts);
}

static int
cells_rehash(nbl__gimp *g, size_t nslots)
{
    uint32_t *s = calloc(nslots, sizeof *s);
    if (!s)
        return -1;
    for (size_t k = 0; k < g->ncells; k++) {
        size_t i = hash_str(g->cells[k].key) & (nslots - 1);
        while (s[i])
            i = (i + 1) & (nslots - 1);
        s[i] = (uint32_t)(k + 1);
    }
    free(g->slots);
    g->slots = s;
    g->nslots = nslots;
    return 0;
}

/* The cell with this key, or NULL (then *slot is where it would go). */
static nbl__gcell *
cell_find(nbl__gimp *g, const char *key, size_t *slot)
{
    size_t i;
    if (!g->nslots) {
        *slot = 0;
        return NULL;
    }
    for (i = hash_str(key) & (g->nslots - 1); g->slots[i];
         i = (i + 1) & (g->nslots - 1))
        if (strcmp(g->cells[g->slots[i] - 1].key, key) == 0)
            return &g->cells[g->slots[i] - 1];
    *slot = i;
    return NULL;
}

/* Adds a cell with its parts (copied). */
static nbl__gcell *
cell_add(nbl__gimp *g, const char *key, const nbl__grid_part *parts, size_t n)
{
    size_t slot = 0;
    if (((g->ncells + 1) * 2 > g->nslots &&
         cells_rehash(g, g->nslots ? g->nslots * 2 : 1024)) ||
        g->ncells >= UINT32_MAX - 1)
        return NULL;
    if (g->ncells == g->capcells) {
        size_t nc = g->capcells ? g->capcells * 2 : 1024;
        nbl__gcell *c = realloc(g->cells, nc * sizeof *c);
        if (!c)
            return NULL;
        g->cells = c;
        g->capcells = nc;
    }
    if (g->nparts + n > g->capparts) {
        size_t nc = g->capparts ? g->capparts * 2 : 1024;
        nbl__grid_part *p;
        while (nc < g->nparts + n)
            nc *= 2;
        p = realloc(g->parts, nc * sizeof *p);
        if (!p)
            return NULL;
        g->parts = p;
        g->capparts = nc;
    }
    if (n)
        memcpy(g->parts + g->nparts, parts, n * sizeof *parts);
    g->cells[g->ncells] =
        (nbl__gcell){nbl__strdup(key), g->nparts, (uint32_t)n, 0, NULL, 0};
    if (!g->cells[g->ncells].key)
        return NULL;
    g->nparts += n;
    cell_find(g, key, &slot);
    g->slots[slot] = (uint32_t)(++g->ncells);
    if (n == 0)
        g->sum.cells_outside++;
    else
        nbl__grid_acc_touch(g->acc, parts, n);
    return &g->cells[g->ncells - 1];
}

/* Marks (cell, pair) as seen; 1 when it already was, -1 out of memory. */
static int
cell_seen(nbl__gcell *c, size_t pair)
{
    size_t w = pair / 64;
    if (w >= c->nwords) {
        uint64_t *s = realloc(c->seen, (w + 1) * sizeof *s);
        if (!s)
            return -1;
        memset(s + c->nwords, 0, (w + 1 - c->nwords) * sizeof *s);
        c->seen = s;
        c->nwords = (uint32_t)(w + 1);
    }
    if (c->seen[w] >> (pair % 64) & 1)
        return 1;
    c->seen[w] |= (uint64_t)1 << (pair % 64);
    return 0;
}

/* ---- where a row is, for messages -------------------------------------- */

const char *
nbl__gimp_where(nbl__gimp *g)
{
    if (g->feature)
        snprintf(g->where, sizeof g->where, "%s: feature %ld", g->src, g->line);
    else
        snprintf(g->where, sizeof g->where, "%s:%ld", g->src, g->line);
    return g->where;
}

/* ---- variables and pairs ----------------------------------------------- */

long
nbl__gimp_var(const nbl__gimp *g, const char *name)
{
    size_t lo = 0, hi = g->nvars;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(g->vars[mid].name, name);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The pair index of (year, var), made on first use; -1 out of memory. */
static long
pair_of(nbl__gimp *g, long year, long var)
{
    size_t k = (size_t)(year - YEAR_MIN) * g->nvars + (size_t)var;
    if (!g->pair_by) {
        g->pair_by =
            calloc((size_t)(YEAR_MAX - YEAR_MIN + 1) * g->nvars, sizeof(long));
        if (!g->pair_by)
            return -1;
    }
    if (!g->pair_by[k]) {
        if (g->npairs == g->cappairs) {
            size_t nc = g->cappairs ? g->cappairs * 2 : 32;
            nbl__gpair *p = realloc(g->pairs, nc * sizeof *p);
            if (!p)
                return -1;
            g->pairs = p;
            g->cappairs = nc;
        }
        g->pairs[g->npairs] = (nbl__gpair){year, var};
        g->pair_by[k] = (long)++g->npairs;
    }
    return g->pair_by[k] - 1;
}

/* ---- values ------------------------------------------------------------ */

static int
is_missing(const char *s)
{
    return !*s || !strcmp(s, "..") || !strcmp(s, "NA") || !strcmp(s, "NaN");
}

static int bad(nbl__gimp *g, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(nbl__gimp *g, const char *column, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap);
    va_end(ap);
    return nbl__error(g->ctx, NBL_EDATA, "%s: column '%s': %s",
                      nbl__gimp_where(g), column, msg);
}

int
nbl__gimp_year(nbl__gimp *g, const char *column, const char *s, long *year)
{
    if (!nbl__parse_long(s, year) || *year < YEAR_MIN || *year > YEAR_MAX)
        return bad(g, column, "not a year (%d-%d): '%s'", YEAR_MIN, YEAR_MAX,
                   s);
    return NBL_OK;
}

/* One value of a cell: checked, then added to its pair. */
int
nbl__gimp_value(nbl__gimp *g, nbl__gcell *c, long year, long var,
                const char *column, const char *s)
{
    const nbl__var_def *v = &g->vars[var];
    long pair = pair_of(g, year, var);
    double x = NAN;
    int seen;
    if (pair < 0)
        return nbl__error(g->ctx, NBL_ENOMEM, "out of memory");
    if (!is_missing(s)) {
        if (!nbl__parse_double(s, g->decimal, &x))
            return bad(g, column, "not a number: '%s'", s);
        if (x < 0)
            return bad(g, column, "negative count: '%s'", s);
        if (strcmp(v->kind, "count") == 0 && x != floor(x))
            return bad(g, column, "not a whole count: '%s'", s);
    } else {
        g->sum.values_suppressed++;
    }
    seen = cell_seen(c, (size_t)pair);
    if (seen < 0)
        return nbl__error(g->ctx, NBL_ENOMEM, "out of memory");
    if (seen)
        return bad(g, column,
                   "cell '%s', year %ld, variable '%s' appears twice", c->key,
                   year, v->name);
    /* a cell outside every area has no parts (and g->parts may be NULL) */
    if (nbl__grid_acc_add(g->acc, (size_t)pair,
                          c->nparts ? g->parts + c->part0 : NULL, c->nparts, x))
        return nbl__error(g->ctx, NBL_ENOMEM, "out of memory");
    return NBL_OK;
}

/* The cell of this row when it is the previous row's again, or the one
 * that followed the previous row's cell last time: files list the cells
 * in the same order every year (or every variable), and then this finds
 * them without the hash table, in the order they were added (which the
 * memory prefetcher follows), where a hash look-up is three cache misses
 * (slot, cell, key) in tables of tens of megabytes at national scale. */
static nbl__gcell *
cell_predict(const nbl__gimp *g, const char *key)
{
    nbl__gcell *p;
    if (!g->last)
        return NULL;
    p = &g->cells[g->last - 1];
    if (strcmp(p->key, key) == 0)
        return p;
    if (p->next && strcmp(g->cells[p->next - 1].key, key) == 0)
        return &g->cells[p->next - 1];
    return NULL;
}

/* Notes c as this row's cell: the successor of the previous row's. */
static void
cell_follow(nbl__gimp *g, const nbl__gcell *c)
{
    uint32_t k = (uint32_t)(c - g->cells) + 1;
    if (g->last && g->last != k)
        g->cells[g->last - 1].next = k;
    g->last = k;
}

/* The cell of a row: found, or made from its id (CSV) or its WKB
 * (polygon sources; wkb NULL for CSV). */
int
nbl__gimp_cell(nbl__gimp *g, const char *key, const unsigned char *wkb,
               size_t len, nbl__gcell **out)
{
    const nbl__grid_part *parts;
    size_t n, slot;
    int rc;
    if (!(*out = cell_predict(g, key)))
        *out = cell_find(g, key, &slot);
    if (*out) {
        cell_follow(g, *out);
        return NBL_OK;
    }
    if (wkb) {
        rc = nbl__overlay_wkb(g->ov, wkb, len, &parts, &n);
        if (rc)
            return nbl__error(g->ctx, rc, "%s: %s", nbl__gimp_where(g),
                              nbl_ctx_errmsg(g->ctx));
    } else {
        nbl__grid_cell cell;
        const char *why;
        if (nbl__grid_parse_id(key, &cell, &why))
            return bad(g, g->cell_col, "%s: '%s'", why, key);
        rc = nbl__gimp_cell_rect(g, &cell, &parts, &n);
        if (rc)
            return rc;
    }
    *out = cell_add(g, key, parts, n);
    if (!*out)
        return nbl__error(g->ctx, NBL_ENOMEM, "out of memory");
    cell_follow(g, *out);
    return NBL_OK;
}

/* ---- results ----------------------------------------------------------- */

/* The pair of (year, variable name), or -1. */
static long
pair_find(const nbl__gimp *g, long year, const char *name)
{
    long v = nbl__gimp_var(g, name);
    if (v < 0 || !g->pair_by)
        return -1;
    return g->pair_by[(size_t)(year - YEAR_MIN) * g->nvars + (size_t)v] - 1;
}

/* Summed numerators may not exceed their summed denominators. */
static int
check_denominator(nbl__gimp *g, size_t area, const nbl__gpair *p,
                  const nbl__grid_result *r)
{
    const nbl__var_def *v = &g->vars[p->var];
    nbl__grid_result d;
    long dp;
    if (!v->denominator || r->status != NBL__GRID_OK)
        return NBL_OK;
    dp = pair_find(g, p->year, v->denominator);
    if (dp < 0)
        return NBL_OK;
    nbl__grid_acc_result(g->acc, (size_t)dp, area, nbl__overlay_m2(g->ov, area),
                         g->max_missing, &d);
    if (d.status == NBL__GRID_OK && r->value > d.value * (1 + 1e-9) + 1e-9) {
        char a[32], b[32];
        return nbl__error(g->ctx, NBL_EDATA,
                          "%s: area '%s', year %ld: %s summed from the "
                          "cells (%s) exceeds %s (%s); check the cells' "
                          "values",
                          g->src, nbl__overlay_id(g->ov, area), p->year,
                          v->name, nbl__fmt_double(a, sizeof a, r->value, 2),
                          v->denominator,
                          nbl__fmt_double(b, sizeof b, d.value, 2));
    }
    return NBL_OK;
}

static void
conflict(nbl__gimp *g, const nbl__grid_row *row, double old)
{
    char a[32], b[32];
    if (g->conflicts++ == 0)
        snprintf(g->first_conflict, sizeof g->first_conflict,
                 "area '%s', year %ld, %s: stored %s, from the grid %s",
                 row->area_id, row->year, row->variable,
                 isnan(old) ? "missing" : nbl__fmt_double(a, sizeof a, old, 4),
                 isnan(row->value)
                     ? "missing"
                     : nbl__fmt_double(b, sizeof b, row->value, 4));
}

static int
store_area(nbl__gimp *g, nbl__grid_writer *w, size_t area)
{
    for (size_t k = 0; k < g->npairs; k++) {
        const nbl__gpair *p = &g->pairs[k];
        nbl__grid_result r;
        nbl__grid_row row;
        int rc, outcome;
        double old = NAN;
        nbl__grid_acc_result(g->acc, k, area, nbl__overlay_m2(g->ov, area),
                             g->max_missing, &r);
        if ((rc = check_denominator(g, area, p, &r)))
            return rc;
        row = (nbl__grid_row){nbl__overlay_id(g->ov, area),
                              p->year,
                              g->vars[p->var].name,
                              r.value,
                              r.missing_share,
                              r.status == NBL__GRID_NOT_EVALUABLE};
        if ((rc = nbl__grid_writer_put(w, &row, g->o->replace, &outcome, &old)))
            return rc;
        if (outcome == NBL__GRID_CONFLICT)
            conflict(g, &row, old);
        else {
            long *cnt[] = {&g->sum.values_inserted, &g->sum.values_updated,
                           &g->sum.values_unchanged};
            (*cnt[outcome])++;
            g->sum.values_not_evaluable += row.not_evaluable;
        }
    }
    return NBL_OK;
}

static int
store_all(nbl__gimp *g)
{
    nbl__grid_writer *w = NULL;
    int rc = nbl__grid_writer_open(g->ws, g->o->centroid ? "centroid" : "area",
                                   g->src, &w);
    for (size_t a = 0; !rc && a < nbl__overlay_count(g->ov); a++) {
        if (!nbl__grid_acc_touched(g->acc, a))
            continue;
        g->sum.areas++;
        rc = store_area(g, w, a);
    }
    nbl__grid_writer_close(w);
    if (!rc && g->conflicts)
        rc = nbl__error(
            g->ctx, NBL_EDATA,
            _n("%s: %ld area value differs from the workspace's (first: %s); "
               "use --replace to replace it, or --areas to choose the areas "
               "that take grid values",
               "%s: %ld area values differ from the workspace's (first: %s); "
               "use --replace to replace them, or --areas to choose the areas "
               "that take grid values",
               g->conflicts),
            g->src, g->conflicts, g->first_conflict);
    return rc;
}

/* ---- the import -------------------------------------------------------- */

static char *
summary_json(const nbl__gimp *g)
{
    nbl__buf b = {0};
    char share[32];
    nbl__buf_printf(
        &b,
        "{\"method\":\"%s\",\"max_missing_share\":%s,\"cells\":%ld,"
        "\"cells_outside\":%ld,\"values_suppressed\":%ld,\"areas\":%ld,"
        "\"values_inserted\":%ld,\"values_updated\":%ld,"
        "\"values_unchanged\":%ld,\"values_not_evaluable\":%ld}",
        g->o->centroid ? "centroid" : "area",
        nbl__fmt_double(share, sizeof share, g->max_missing, 6), g->sum.cells,
        g->sum.cells_outside, g->sum.values_suppressed, g->sum.areas,
        g->sum.values_inserted, g->sum.values_updated, g->sum.values_unchanged,
        g->sum.values_not_evaluable);
    return b.s;
}

static int
is_csv(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".txt"));
}

static int
finish(nbl__gimp *g)
{
    char *detail;
    int rc;
    g->sum.cells = (long)g->ncells;
    if (g->sum.rows_read == 0)
        return nbl__error(g->ctx, NBL_EFORMAT, "%s: no data rows", g->src);
    if ((rc = nbl__store_begin(g->ws)))
        return rc;
    rc = store_all(g);
    detail = rc ? NULL : summary_json(g);
    if (!rc)
        rc = nbl__store_log_run(g->ws, "grid", g->src, g->sum.rows_read,
                                g->sum.rows_read, 0, -1, detail);
    free(detail);
    if (!rc)
        rc = nbl__store_commit(g->ws);
    if (rc)
        nbl__store_rollback(g->ws);
    return rc;
}

int
nbl_import_grid(nbl_ws *ws, const char *src, const nbl_grid_opts *opts,
                nbl_grid_summary *out)
{
    static const nbl_grid_opts defaults;
    nbl__gimp g;
    int rc;

    memset(&g, 0, sizeof g);
    g.ws = ws;
    g.ctx = nbl_ws_ctx(ws);
    g.src = src;
    g.o = opts ? opts : &defaults;
    g.max_missing = g.o->max_missing_share_set ? g.o->max_missing_share : 0.05;
    if (!src)
        return nbl__error(g.ctx, NBL_EINVAL, "import grid: a source is needed");
    if (!(g.max_missing >= 0))
        return nbl__error(g.ctx, NBL_EINVAL,
                          "max_missing_share must be 0 or more");
    rc = nbl__store_stats_variables(ws, &g.vars, &g.nvars);
    if (!rc)
        rc = nbl__overlay_open(ws, g.o->areas, g.o->centroid, &g.ov);
    if (!rc) {
        g.acc = nbl__grid_acc_new(nbl__overlay_count(g.ov));
        if (!g.acc)
            rc = nbl__error(g.ctx, NBL_ENOMEM, "out of memory");
    }
    if (!rc)
        rc = is_csv(src) ? nbl__gimp_read_csv(&g) : nbl__gimp_read_ogr(&g);
    if (!rc)
        rc = finish(&g);
    if (out)
        *out = g.sum;
    nbl__gimp_free_reader(&g);
    cells_free(&g);
    free(g.pairs);
    free(g.pair_by);
    nbl__grid_acc_free(g.acc);
    nbl__overlay_free(g.ov);
    nbl__store_stats_free_vars(g.vars, g.nvars);
    return rc;
}
