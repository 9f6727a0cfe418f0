/*
 * store_incidents.h - the store's side of `import incidents`: reading the
 * areas (ids + WKB in the working CRS) and replacing incident counts.
 */
#ifndef NBL_STORE_INCIDENTS_H
#define NBL_STORE_INCIDENTS_H

#include <stddef.h>

#include "nabolag/workspace.h"

/** Called once per area, in area_id order; wkb is NULL when the area has no
 * geometry. Both pointers are borrowed for the call. Non-zero stops and is
 * returned. */
typedef int (*nbl__incidents_area_fn)(const char *area_id,
                                      const unsigned char *wkb, size_t len,
                                      void *arg);

/** Streams every area (id, OGC WKB of geom) sorted by area_id. */
int nbl__store_incidents_areas(nbl_ws *ws, nbl__incidents_area_fn fn,
                               void *arg);

/** A (year, category) pair present in an import. */
typedef struct {
    int year;
    const char *category;
} nbl__incident_pair;

/** One stored count. */
typedef struct {
    const char *area_id;
    int year;
    const char *category;
    long long n;
} nbl__incident_row;

/**
 * Replaces incident counts: deletes every row of incident_counts whose
 * (year, category) is one of pairs, then inserts rows. Must run inside the
 * caller's transaction (nbl__store_begin).
 */
int nbl__store_incidents_write(nbl_ws *ws, const nbl__incident_pair *pairs,
                               size_t npairs, const nbl__incident_row *rows,
                               size_t nrows);

/** Number of rows in incident_counts for (area_id, year, category), or the
 * sum over all areas when area_id is NULL (for tests and checks). */
int nbl__store_incidents_count(nbl_ws *ws, const char *area_id, int year,
                               const char *category, long long *out);

/**
 * TEST-ONLY helper: inserts an area with a WKT (Multi)Polygon in the working
 * CRS, so tests need not depend on `import areas`. Not used by commands.
 */
int nbl__store_incidents_test_add_area(nbl_ws *ws, const char *area_id,
                                       const char *wkt);

#endif
