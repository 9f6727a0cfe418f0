/*
 * import_incidents_internal.h - what the files of `import incidents` share
 * (nbl_import_incidents(), nabolag/incidents.h):
 *   import_incidents_read.c   the sources: a CSV file (libcsv, the fast
 *                             path) or any GDAL vector source, the roles of
 *                             their fields, years, dates and coordinates;
 *   import_incidents_count.c  the points: categories, reprojection with
 *                             PROJ in batches, location in the area index
 *                             (pip.c) and the counts per (area, year,
 *                             category);
 *   import_incidents.c        the import: the areas, the counts written in
 *                             one transaction, the summary.
 * Names here are nbl__inc_*. The state of one import is `imp`.
 */
#ifndef NBL_IMPORT_INCIDENTS_INTERNAL_H
#define NBL_IMPORT_INCIDENTS_INTERNAL_H

#include <proj.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "model/pip.h"
#include "nabolag/incidents.h"

#define BATCH 4096
#define MAX_WARN 10
#define NO_AREA 0xffffffffu

enum { R_NONE, R_X, R_Y, R_YEAR, R_DATE, R_CAT };

/* A batch of points: read, then transformed and located (area index or
 * -1), then counted. */
typedef struct {
    double x[BATCH], y[BATCH];
    int year[BATCH];
    uint32_t cat[BATCH];
    long area[BATCH];
    size_t n;
    int done; /* located by a worker, not yet counted */
} nbl__inc_batch;

typedef struct nbl__inc_imp imp;

/* A worker thread with its own copy of the transformation. */
struct nbl__inc_worker {
    imp *m;
    pthread_t thread;
    PJ_CONTEXT *ctx;
    PJ *pj;
    int started;
};

struct nbl__inc_imp {
    nbl_ws *ws;
    nbl_ctx *ctx;
    const char *src;
    nbl_incidents_summary *sum;
    int rc; /* first failure inside a callback */

    nbl__pip *pip;
    char **area_ids;
    size_t n_areas, cap_areas;
    size_t bad_areas;

    /* categories: names[] and an open-addressing table of indices + 1 */
    char **cats;
    size_t *cat_len;
    size_t ncats, capcats;
    uint32_t *cat_tab;
    size_t cat_tab_cap;
    uint32_t cat_default; /* "all" when the source has no category column */
    uint32_t cat_unspec;  /* "unspecified" for empty values */
    uint32_t last_cat;
    uint32_t *by_rank; /* category indices in byte order of their names */
    int has_cat_col;

    /* counts, keyed (area+1 or 0 for outside, year, category): a dense
     * array [area+1][year - ymin][category] while it stays small (the
     * fast path), else a hash map of key = (area+1) << 32 | year << 16 |
     * category. Either way the size depends on areas, years and
     * categories only. */
    uint32_t *dense;
    int ymin, nyears;
    uint32_t ncap;
    int use_hash;
    uint64_t *keys;
    long long *vals;
    size_t cap, used;

    /* batches of points awaiting transformation and location: filled in
     * turn by the reading thread, located by the workers (jobs > 1) and
     * counted by the reading thread in the order they were read */
    int jobs;
    nbl__inc_batch *batches;
    size_t nbatches;
    unsigned long long submitted, taken, collected; /* batch sequence */
    struct nbl__inc_worker *workers;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    int stop, sync_ready;

    PJ_CONTEXT *pjctx;
    PJ *pj;

    int warn_coords, warn_date;
};

/* ---- import_incidents_count.c ---- */

/** Index of a known category s[0..n), UINT32_MAX when new. */
uint32_t nbl__inc_cat_find(const imp *m, const char *s, size_t n);
/** Index of category s[0..n), added when new; UINT32_MAX on failure (error
 * set in m->rc, where names the row). */
uint32_t nbl__inc_cat_intern(imp *m, const char *s, size_t n,
                             const char *where);
/** Sets up m->pj from src_crs (NULL: the working CRS, no transformation);
 * shown names the CRS's origin in messages. */
int nbl__inc_setup_crs(imp *m, const char *src_crs, const char *shown);
/** Queues one point (year 0: none usable); transforms, locates and counts
 * the batch when it is full. */
int nbl__inc_push(imp *m, double x, double y, int year, uint32_t cat);
/** Transforms, locates and counts the queued points. */
int nbl__inc_flush(imp *m);
/** Stops and joins the workers, frees the batches; idempotent. */
void nbl__inc_stop(imp *m);

/* ---- import_incidents_read.c ---- */

/** Reads every point of the CSV file m->src (then flushes). */
int nbl__inc_read_csv(imp *m, const nbl_incidents_opts *o);
/** Reads every point of the GDAL vector source m->src (then flushes). */
int nbl__inc_read_ogr(imp *m, const nbl_incidents_opts *o);

#endif
