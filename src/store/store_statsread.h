/*
 * store_statsread.h - one scan of table stats into a dense table, shared by
 * the criteria (store_compute.c), the profile (store_profile.c) and the
 * status/dynamics index (store_statusdyn.c).
 */
#ifndef NBL_STORE_STATSREAD_H
#define NBL_STORE_STATSREAD_H

#include <stddef.h>

#include "nabolag/workspace.h"

/**
 * Statistics as a dense table: v[(k * nyears + y) * nvars + j] is variable
 * vars[j] of key k (an index into the sorted keys) in year year0 + y, NAN
 * when missing. The years span every row read (nyears = 0: none); any[y]
 * marks the years with a row read, valued[y] those with a non-NULL value
 * of one of the first nvalued variables (of any area, known or not).
 */
typedef struct nbl__stats_table {
    int year0, nyears, nvars;
    size_t nkeys;
    double *v;
    unsigned char *any, *valued;
} nbl__stats_table;

/**
 * Reads table stats once, in its key order, into *out. keys[nkeys]: the
 * area ids, sorted (byte order); rows of other areas fill no cell. With
 * all = 0 only rows of the variables vars[nvars] are read; with all = 1
 * every row is read (any[] then marks years with a row of any variable).
 * Values of the first nvalued variables mark valued[].
 */
int nbl__store_stats_read(nbl_ws *ws, char *const *keys, size_t nkeys,
                          const char *const *vars, int nvars, int nvalued,
                          int all, nbl__stats_table *out);

/** The values of years [year0, year0 + nyears) of t (which may reach
 * beyond t's years: those cells are NAN), malloc'ed, laid out as t->v. */
double *nbl__stats_table_span(const nbl__stats_table *t, int year0, int nyears);

/** The same, but t->v itself (taken over: t->v becomes NULL, nothing is
 * copied) when [year0, year0 + nyears) is t's span, the usual case. */
double *nbl__stats_table_take(nbl__stats_table *t, int year0, int nyears);

void nbl__stats_table_free(nbl__stats_table *t);

/** *out = 1 when name is a declared variable (table variables, which every
 * stats row's variable is), else 0. */
int nbl__store_variable_declared(nbl_ws *ws, const char *name, int *out);

#endif
