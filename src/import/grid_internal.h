/*
 * grid_internal.h - shared by import_grid.c (cells, values, results) and
 * grid_read.c (the CSV and polygon readers and the header): the state of
 * one `import grid`.
 */
#ifndef NBL_GRID_INTERNAL_H
#define NBL_GRID_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "nabolag/grid.h"
#include "import/grid_overlay.h"
#include "model/grid.h"
#include "store/store_stats.h"

/* A cell seen in the source: its key (id or "#FID"), its parts in
 * nbl__gimp.parts, and which pairs it already gave (duplicate check). */
typedef struct nbl__gcell {
    char *key;
    size_t part0;
    uint32_t nparts;
    uint32_t nwords;
    uint64_t *seen;
    uint32_t next; /* index + 1 of the cell of the row after this one's */
} nbl__gcell;

typedef struct nbl__gpair {
    long year, var;
} nbl__gpair;

/* How a column of the header is used. */
enum {
    NBL__GCOL_IGNORE,
    NBL__GCOL_CELL,
    NBL__GCOL_YEAR,
    NBL__GCOL_VARIABLE,
    NBL__GCOL_VALUE,
    NBL__GCOL_WIDE
};

typedef struct nbl__gimp {
    nbl_ws *ws;
    nbl_ctx *ctx;
    const char *src;
    const nbl_grid_opts *o;
    double max_missing;
    nbl__var_def *vars; /* sorted by name */
    size_t nvars;
    nbl__overlay *ov;
    nbl__grid_acc *acc;
    nbl_grid_summary sum;
    /* cells: hash table over keys */
    nbl__gcell *cells;
    size_t ncells, capcells;
    uint32_t *slots; /* index + 1; 0 empty */
    size_t nslots;
    uint32_t last; /* index + 1 of the previous row's cell; 0 none */
    nbl__grid_part *parts;
    size_t nparts, capparts;
    /* (year, variable) pairs */
    nbl__gpair *pairs;
    size_t npairs, cappairs;
    long *pair_by; /* [(year - min) * nvars + var] = pair + 1 */
    /* the current row */
    int feature; /* rows are features (polygon source) */
    long line;   /* CSV line or feature id */
    char where[1100];
    /* header */
    size_t ncols;
    int *colkind;
    long *colvar; /* wide: variable index per column */
    char **colname;
    long col_cell, col_year, col_var, col_val;
    const char *cell_col;
    char decimal;
    /* results */
    long conflicts;
    char first_conflict[512];
    /* reader (grid_read.c) */
    void *ds, *layer, *ct, *ct_cell;
} nbl__gimp;

/* grid_read.c */
int nbl__gimp_read_csv(nbl__gimp *g);
int nbl__gimp_read_ogr(nbl__gimp *g);
void nbl__gimp_free_reader(nbl__gimp *g);
int nbl__gimp_cell_rect(nbl__gimp *g, const nbl__grid_cell *cell,
                        const nbl__grid_part **parts, size_t *n);

/* import_grid.c */
const char *nbl__gimp_where(nbl__gimp *g);
long nbl__gimp_var(const nbl__gimp *g, const char *name);
int nbl__gimp_year(nbl__gimp *g, const char *column, const char *s, long *year);
int nbl__gimp_cell(nbl__gimp *g, const char *key, const unsigned char *wkb,
                   size_t len, nbl__gcell **out);
int nbl__gimp_value(nbl__gimp *g, nbl__gcell *c, long year, long var,
                    const char *column, const char *s);

#endif
