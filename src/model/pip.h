/*
 * pip.h - an in-memory point-in-polygon index over a set of areas (polygons
 * and multipolygons given as rings), pure C without I/O.
 *
 * Boundary rule (exact, documented in docs/incidents.md): a point belongs to
 * the area that contains the point moved an infinitesimal step to the right
 * (+x) and, where that still touches a horizontal edge, an even smaller step
 * up (+y). Formally it is the half-open crossing-number test with a ray to
 * +x: an edge from (x0,y0) to (x1,y1), y0 < y1, is crossed when
 * y0 <= y < y1 and the point lies strictly to the left of it, decided by an
 * exact orientation predicate. Hence on a partition of the plane every point
 * lies in exactly one polygon; a point on a boundary shared by areas A and B
 * is counted once (in the one to its right, or above on a horizontal edge).
 * Holes and even-odd: all rings of an area (exteriors and holes of every
 * part) are crossed together, so a point in a hole is not in the area.
 * Where areas overlap (invalid input) the first area in insertion order
 * (the store loads areas sorted by area_id) wins.
 */
#ifndef NBL_PIP_H
#define NBL_PIP_H

#include <stddef.h>

typedef struct nbl__pip nbl__pip;

/** A new, empty index, or NULL when out of memory. */
nbl__pip *nbl__pip_new(void);

/** Frees the index; NULL-safe. */
void nbl__pip_free(nbl__pip *p);

/** Starts a new area; its index (0, 1, ...) is returned, -1 on no memory.
 * Rings added after this belong to it. */
long nbl__pip_begin_area(nbl__pip *p);

/** Adds a ring of n points (xy interleaved; closed or not) to the current
 * area. Returns 0, or -1 when out of memory or no area was begun. */
int nbl__pip_add_ring(nbl__pip *p, const double *xy, size_t n);

/* What nbl__pip_add_wkb() returns when it adds no rings. */
enum { NBL__PIP_NOMEM = -1, NBL__PIP_BAD = -2 };

/** Begins an area and adds the rings of an OGC WKB Polygon or MultiPolygon
 * (either byte order; Z/M ordinates ignored). Returns the area index,
 * NBL__PIP_NOMEM when out of memory or NBL__PIP_BAD when the WKB is not
 * such a geometry (a NULL wkb too); the area is begun and left empty then,
 * unless beginning it failed (NBL__PIP_NOMEM). */
long nbl__pip_add_wkb(nbl__pip *p, const unsigned char *wkb, size_t len);

/** Builds the search structures; call once after all areas are added.
 * Returns 0, -1 when out of memory. */
int nbl__pip_build(nbl__pip *p);

/** The area containing (x, y) under the boundary rule above, or -1. */
long nbl__pip_locate(const nbl__pip *p, double x, double y);

/** nbl__pip_locate() for n points at once (out[i] for (x[i], y[i])); the
 * same answers, faster: memory is fetched ahead for a run of points. */
void nbl__pip_locate_many(const nbl__pip *p, size_t n, const double *x,
                          const double *y, long *out);

/** Number of areas. */
size_t nbl__pip_count(const nbl__pip *p);

/** Exact sign of the orientation of (a, b, c): +1 counter-clockwise, -1
 * clockwise, 0 collinear (exposed for tests). */
int nbl__orient2d(double ax, double ay, double bx, double by, double cx,
                  double cy);

#endif
