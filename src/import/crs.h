/*
 * crs.h - checks that catch coordinate reference system mistakes: the
 * working CRS of a workspace (projected, metres, areas right within 1 %
 * over its area of use) and input coordinates against the area of use of
 * the CRS they are declared in (lon/lat data declared as EPSG:25832 lands
 * near (0, 0) in UTM and is refused). PROJ and GDAL's OSR know the areas
 * of use; nbl_crs_check_working() is declared in nabolag/workspace.h.
 */
#ifndef NBL_CRS_H
#define NBL_CRS_H

#include <stddef.h>

#include <ogr_srs_api.h>

#include "nabolag/workspace.h"

typedef struct nbl__aou nbl__aou;

/**
 * The area of use of src (borrowed), widened by a margin of 5 degrees.
 * *out is NULL when PROJ knows no area of use for src (nothing to check).
 * Returns NBL_OK or NBL_ENOMEM (no message set).
 */
int nbl__aou_new(OGRSpatialReferenceH src, nbl__aou **out);
void nbl__aou_free(nbl__aou *a);

/** "EPSG:25832 (ETRS89 / UTM zone 32N)". */
const char *nbl__aou_crs(const nbl__aou *a);

/**
 * Checks n points (x[i], y[i]) given in src's coordinates (traditional
 * GIS order: easting/longitude first). Returns 1 for the first outside
 * the area of use, with *which its index and *lon, *lat where it lands
 * (NAN when it cannot be converted to lon/lat at all); 0 when all are in.
 */
int nbl__aou_outside(const nbl__aou *a, const double *x, const double *y,
                     size_t n, size_t *which, double *lon, double *lat);

#endif
