/*
 * store_areas.h - persistence of areas (table areas, geometry column geom
 * MULTIPOLYGON in the working CRS with a SpatiaLite spatial index) over
 * plain C structs. Geometries travel as 2-D WKB.
 */
#ifndef NBL_STORE_AREAS_H
#define NBL_STORE_AREAS_H

#include <stddef.h>

#include "nabolag/workspace.h"

/** One area to write. Strings may be NULL (stored as NULL) except id. */
typedef struct nbl__area_rec {
    const char *id;
    const char *name;
    const char *municipality;
    const char *region;
    const char *source;
    const unsigned char *wkb; /* 2-D MULTIPOLYGON in the working CRS */
    size_t wkb_len;
} nbl__area_rec;

/* Writes areas with statements prepared once per import. */
typedef struct nbl__area_writer nbl__area_writer;

/** Prepares the writer; must be used inside nbl__store_begin/commit. */
int nbl__area_writer_open(nbl_ws *ws, nbl__area_writer **out);

/**
 * Inserts the area or replaces the one with the same id (attributes and
 * geometry); sets area_m2 = ST_Area(geom). *inserted is 1 when the id was
 * new.
 */
int nbl__area_writer_put(nbl__area_writer *w, const nbl__area_rec *rec,
                         int *inserted);

/** Releases the writer; NULL-safe. */
void nbl__area_writer_close(nbl__area_writer *w);

/** After the writer's areas: how many areas of the workspace it did not
 * write (kept by an import that replaces only the ids it has) in *n, and
 * the first three ids, quoted and comma-separated, into ids (cut to
 * size). */
int nbl__store_areas_kept(nbl_ws *ws, long *n, char *ids, size_t size);

/** The number of areas without a municipality code (NULL or empty). */
int nbl__store_areas_no_municipality(nbl_ws *ws, long *n);

/**
 * Checks, before the commit, that the spatial index of areas holds every
 * area with a geometry: SpatiaLite's index triggers skip a row silently
 * when they run out of memory. NBL_EDB when it does not.
 */
int nbl__store_areas_check_index(nbl_ws *ws);

/** An area as stored (for reading back). */
typedef struct nbl__area_row {
    char *id, *name, *municipality, *region, *source;
    double area_m2;                /* NAN when NULL */
    int dims;                      /* coordinate dimensions of geom (2 = XY) */
    int n_polygons;                /* polygons in the MULTIPOLYGON */
    double minx, miny, maxx, maxy; /* bounding box in the working CRS */
} nbl__area_row;

/** All areas sorted by id; *out is an array of *n rows, free it with
 * nbl__area_rows_free(). */
int nbl__store_areas_list(nbl_ws *ws, nbl__area_row **out, size_t *n);

/** Frees an array from nbl__store_areas_list(); NULL-safe. */
void nbl__area_rows_free(nbl__area_row *rows, size_t n);

/** Number of entries in the areas' spatial index (idx_areas_geom). */
int nbl__store_areas_index_count(nbl_ws *ws, long *out);

#endif
