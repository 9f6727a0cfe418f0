/*
 * store_statsread.c - reads table stats (key area_id, year, variable) once,
 * in its key order, into a dense table of areas x years x variables. The
 * years are not known before the scan: the table's span grows as rows
 * come (first the first area's years, then with room to spare) and is
 * cut to the years read at the end. An area's rows come together, so a
 * row's area is mostly the previous row's; a variable is looked up in the
 * sorted list of the names seen so far, first right after the previous
 * row's (the rows of an area and year come in name order).
 */
#include "store/store_statsread.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/util.h"

/* Years added beyond a row's year when the span grows. */
#define SLACK 16

/* A variable name seen in the scan and its column (-1: not asked for). */
typedef struct vname {
    char *name;
    int col;
} vname;

typedef struct scan {
    char *const *keys;
    size_t nkeys, key; /* key: the previous row's area, nkeys if none */
    const char *const *vars;
    int nvars, nvalued;
    nbl__stats_table *t; /* its span is the allocated one while reading */
    long long lo, hi;    /* years read; lo > hi when none */
    vname *names;
    size_t nnames, capnames, last;
} scan;

void
nbl__stats_table_free(nbl__stats_table *t)
{
    if (!t)
        return;
    free(t->v);
    free(t->any);
    free(t->valued);
    memset(t, 0, sizeof *t);
}

double *
nbl__stats_table_span(const nbl__stats_table *t, int year0, int nyears)
{
    size_t row = (size_t)t->nvars, n = t->nkeys * (size_t)nyears * row;
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++)
        v[i] = NAN;
    for (size_t k = 0; k < t->nkeys && row; k++)
        for (int y = 0; y < nyears; y++) {
            int src = year0 + y - t->year0;
            if (src < 0 || src >= t->nyears)
                continue;
            memcpy(&v[(k * (size_t)nyears + (size_t)y) * row],
                   &t->v[(k * (size_t)t->nyears + (size_t)src) * row],
                   row * sizeof *v);
        }
    return v;
}

double *
nbl__stats_table_take(nbl__stats_table *t, int year0, int nyears)
{
    double *v;
    if (year0 != t->year0 || nyears != t->nyears)
        return nbl__stats_table_span(t, year0, nyears);
    v = t->v;
    t->v = NULL;
    return v;
}

/* Copies the year flags of [year0, year0 + ny) from f (t's span). */
static unsigned char *
flags_span(const nbl__stats_table *t, const unsigned char *f, int year0, int ny)
{
    unsigned char *g = calloc(ny > 0 ? (size_t)ny : 1, 1);
    for (int y = 0; g && y < ny; y++) {
        int src = year0 + y - t->year0;
        if (src >= 0 && src < t->nyears)
            g[y] = f[src];
    }
    return g;
}

/* Gives t the span [year0, year0 + ny), keeping its values. */
static int
respan(nbl__stats_table *t, long long year0, long long ny)
{
    double *v;
    unsigned char *any, *valued;
    if (ny <= 0 || ny > 100000 || year0 < -1000000 || year0 > 1000000)
        return NBL_ENOMEM;
    v = nbl__stats_table_span(t, (int)year0, (int)ny);
    any = flags_span(t, t->any, (int)year0, (int)ny);
    valued = flags_span(t, t->valued, (int)year0, (int)ny);
    if (!v || !any || !valued) {
        free(v);
        free(any);
        free(valued);
        return NBL_ENOMEM;
    }
    free(t->v);
    free(t->any);
    free(t->valued);
    t->v = v;
    t->any = any;
    t->valued = valued;
    t->year0 = (int)year0;
    t->nyears = (int)ny;
    return NBL_OK;
}

/* Makes year part of the span; its index in the span, or -1 when out of
 * memory. */
static int
take_year(scan *s, long long year)
{
    nbl__stats_table *t = s->t;
    if (year < s->lo)
        s->lo = year;
    if (year > s->hi)
        s->hi = year;
    if (t->nyears == 0 || year < t->year0 || year >= t->year0 + t->nyears) {
        long long y0 = t->nyears ? t->year0 : year;
        long long y1 = t->nyears ? t->year0 + t->nyears - 1 : year;
        if (year < y0)
            y0 = year - SLACK;
        if (year >= y1)
            y1 = year + SLACK;
        if (respan(t, y0, y1 - y0 + 1))
            return -1;
    }
    return (int)(year - t->year0);
}

/* The column of variable v: a name seen before, else looked up in vars
 * and remembered. -2 when out of memory. */
static int
col_of(scan *s, const char *v)
{
    size_t lo = 0, hi = s->nnames, at = s->last + 1;
    vname nv = {NULL, -1};
    if (at < s->nnames && strcmp(s->names[at].name, v) == 0)
        return s->names[s->last = at].col;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->names[mid].name, v);
        if (c == 0)
            return s->names[s->last = mid].col;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (nbl__grow((void **)&s->names, &s->capnames, s->nnames + 1,
                  sizeof *s->names))
        return -2;
    if (!(nv.name = nbl__strdup(v)))
        return -2;
    for (int j = 0; j < s->nvars && nv.col < 0; j++)
        if (strcmp(s->vars[j], v) == 0)
            nv.col = j;
    memmove(&s->names[lo + 1], &s->names[lo],
            (s->nnames - lo) * sizeof *s->names);
    s->names[lo] = nv;
    s->nnames++;
    s->last = lo;
    return nv.col;
}

/* The index of area id among the keys, or -1. */
static long
key_of(scan *s, const char *id)
{
    long k;
    if (!id)
        return -1;
    if (s->key < s->nkeys && strcmp(s->keys[s->key], id) == 0)
        return (long)s->key;
    k = nbl__find_sorted(s->keys, s->nkeys, id);
    s->key = k >= 0 ? (size_t)k : s->nkeys;
    return k;
}

/* One row (area_id, year, variable, value): 0 or NBL_ENOMEM. */
static int
take_row(scan *s, sqlite3_stmt *st)
{
    const char *var = (const char *)sqlite3_column_text(st, 2);
    int col = var ? col_of(s, var) : -1;
    int y = take_year(s, sqlite3_column_int64(st, 1));
    int null = sqlite3_column_type(st, 3) == SQLITE_NULL;
    long k;
    if (col == -2 || y < 0)
        return NBL_ENOMEM;
    s->t->any[y] = 1;
    if (col < 0)
        return NBL_OK;
    if (col < s->nvalued && !null)
        s->t->valued[y] = 1;
    k = key_of(s, (const char *)sqlite3_column_text(st, 0));
    if (k >= 0)
        s->t->v[((size_t)k * (size_t)s->t->nyears + (size_t)y) *
                    (size_t)s->nvars +
                (size_t)col] = null ? NAN : sqlite3_column_double(st, 3);
    return NBL_OK;
}

/* Gives t the span of years of the first area's rows (a lookup by the
 * key's first column, not a scan), so that when every area has the same
 * years the table is allocated once, at its final size. */
static int
guess_span(nbl_ws *ws, nbl__stats_table *t)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st,
                             "SELECT min(year), max(year) FROM stats WHERE "
                             "area_id = (SELECT min(area_id) FROM stats)");
    if (rc)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = nbl__db_error(ws, "stats");
    else if (sqlite3_column_type(st, 0) != SQLITE_NULL &&
             respan(t, sqlite3_column_int64(st, 0),
                    sqlite3_column_int64(st, 1) - sqlite3_column_int64(st, 0) +
                        1))
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    sqlite3_finalize(st);
    return rc;
}

/* "SELECT ... FROM stats [WHERE variable IN (?, ...)]" in key order. */
static int
prepare(nbl_ws *ws, sqlite3_stmt **st, const char *const *vars, int nvars,
        int all)
{
    nbl__buf b = {0};
    int rc = nbl__buf_printf(&b, "SELECT area_id, year, variable, value "
                                 "FROM stats");
    for (int j = 0; !all && !rc && j < nvars; j++)
        rc = nbl__buf_printf(&b, "%s?", j ? "," : " WHERE variable IN (");
    if (!rc && !all)
        rc = nbl__buf_printf(&b, nvars ? ")" : " WHERE 0");
    if (!rc)
        rc = nbl__buf_printf(&b, " ORDER BY area_id, year, variable");
    if (rc) {
        nbl__buf_free(&b);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__db_prepare(ws, st, b.s);
    nbl__buf_free(&b);
    for (int j = 0; !rc && !all && j < nvars; j++)
        rc = nbl__db_bind_key(ws, *st, j + 1, vars[j]);
    if (rc && *st) {
        sqlite3_finalize(*st);
        *st = NULL;
    }
    return rc;
}

int
nbl__store_stats_read(nbl_ws *ws, char *const *keys, size_t nkeys,
                      const char *const *vars, int nvars, int nvalued, int all,
                      nbl__stats_table *out)
{
    scan s = {keys,      nkeys,     nkeys, vars, nvars, nvalued, out,
              LLONG_MAX, LLONG_MIN, NULL,  0,    0,     0};
    sqlite3_stmt *st = NULL;
    int rc, step = SQLITE_DONE;
    memset(out, 0, sizeof *out);
    out->nkeys = nkeys;
    out->nvars = nvars;
    s.last = (size_t)-1;
    rc = guess_span(ws, out);
    if (!rc)
        rc = prepare(ws, &st, vars, nvars, all);
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
        if (take_row(&s, st))
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (!rc && step != SQLITE_DONE)
        rc = nbl__db_error(ws, "stats");
    sqlite3_finalize(st);
    for (size_t i = 0; i < s.nnames; i++)
        free(s.names[i].name);
    free(s.names);
    if (!rc && s.lo > s.hi)
        nbl__stats_table_free(out);
    else if (!rc && (out->year0 != s.lo || out->nyears != s.hi - s.lo + 1) &&
             respan(out, s.lo, s.hi - s.lo + 1))
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (rc)
        nbl__stats_table_free(out);
    out->nkeys = nkeys;
    out->nvars = nvars;
    return rc;
}

int
nbl__store_variable_declared(nbl_ws *ws, const char *name, int *out)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st, "SELECT 1 FROM variables WHERE name = ?");
    *out = 0;
    if (rc)
        return rc;
    if (!(rc = nbl__db_bind_key(ws, st, 1, name))) {
        int step = sqlite3_step(st);
        *out = step == SQLITE_ROW;
        if (step != SQLITE_ROW && step != SQLITE_DONE)
            rc = nbl__db_error(ws, "variables");
    }
    sqlite3_finalize(st);
    return rc;
}
