/*
 * grid_overlay.h - the geometry of `import grid`: the areas in memory as
 * GEOS geometries under an STRtree, and each cell's parts (which areas it
 * overlaps, by how much), computed exactly with GEOS: a rectangle clip
 * (GEOSClipByRect) for kvadratnet cells in the working CRS, a polygon
 * intersection otherwise; prepared geometries decide the cells wholly
 * inside or outside an area without an overlay.
 */
#ifndef NBL_GRID_OVERLAY_H
#define NBL_GRID_OVERLAY_H

#include <stddef.h>

#include "nabolag/workspace.h"
#include "model/grid.h"

typedef struct nbl__overlay nbl__overlay;

/**
 * Loads the workspace's areas (all, or those matching one of the
 * comma-separated ids/shell patterns in `areas`) and builds the index.
 * centroid selects the centroid method. Fails with NBL_ENOTFOUND when a
 * pattern matches no area or there are no areas.
 */
int nbl__overlay_open(nbl_ws *ws, const char *areas, int centroid,
                      nbl__overlay **out);
void nbl__overlay_free(nbl__overlay *o);

/** Number of areas loaded, an area's id and planar area (m²). */
size_t nbl__overlay_count(const nbl__overlay *o);
const char *nbl__overlay_id(const nbl__overlay *o, size_t i);
double nbl__overlay_m2(const nbl__overlay *o, size_t i);

/**
 * The parts of an axis-parallel rectangular cell [x0,x1] x [y0,y1] in the
 * working CRS: *parts points into storage owned by o, valid until the next
 * call; *n may be 0 (the cell overlaps no area).
 */
int nbl__overlay_rect(nbl__overlay *o, double x0, double y0, double x1,
                      double y1, const nbl__grid_part **parts, size_t *n);

/** The same for a cell given as OGC WKB (Polygon or MultiPolygon) in the
 * working CRS. Fails with NBL_EDATA when the WKB is not an areal geometry
 * with a positive area. */
int nbl__overlay_wkb(nbl__overlay *o, const unsigned char *wkb, size_t len,
                     const nbl__grid_part **parts, size_t *n);

#endif
