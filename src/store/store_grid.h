/*
 * store_grid.h - the store's side of `import grid`: area values derived
 * from grid cells go into stats (like imported statistics) and, with how
 * they were derived, into grid_results.
 */
#ifndef NBL_STORE_GRID_H
#define NBL_STORE_GRID_H

#include "nabolag/workspace.h"

/** One derived value. value is NAN when not evaluable (stored as NULL). */
typedef struct nbl__grid_row {
    const char *area_id;
    long year;
    const char *variable;
    double value;
    double missing_share;
    int not_evaluable;
} nbl__grid_row;

typedef struct nbl__grid_writer nbl__grid_writer;

/** What nbl__grid_writer_put() did. */
enum {
    NBL__GRID_INSERTED = 0,
    NBL__GRID_UPDATED = 1,
    NBL__GRID_UNCHANGED = 2,
    NBL__GRID_CONFLICT = 3 /* a different value is stored; nothing written */
};

/** Prepares the statements (inside the caller's transaction); creates
 * grid_results in workspaces made before it existed. method and source
 * are recorded with every row. */
int nbl__grid_writer_open(nbl_ws *ws, const char *method, const char *source,
                          nbl__grid_writer **out);

/**
 * Stores a value into stats (area_id, year, variable) and grid_results.
 * When stats already holds a different value (NULL-aware, exact) and
 * replace is 0, nothing is written, *outcome is NBL__GRID_CONFLICT and
 * *old the stored value (NAN for NULL).
 */
int nbl__grid_writer_put(nbl__grid_writer *w, const nbl__grid_row *r,
                         int replace, int *outcome, double *old);

/** Releases the writer; NULL-safe. */
void nbl__grid_writer_close(nbl__grid_writer *w);

/** For tests: the stats value (NAN when NULL), grid_results status
 * ("ok"/"not_evaluable") and missing share of a key; *status is malloc'ed,
 * NULL when grid_results has no row. */
int nbl__store_grid_result(nbl_ws *ws, const char *area_id, long year,
                           const char *variable, double *value, char **status,
                           double *missing_share);

#endif
