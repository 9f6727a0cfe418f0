/*
 * grid_overlay.c - areas as GEOS geometries under an STRtree, and the
 * parts of each cell (see grid_overlay.h).
 *
 * Per cell: the STRtree gives the areas whose envelope meets the cell's;
 * they are visited in area order (area_id order, as the store lists them)
 * so sums are deterministic. Area-weighted: an area whose prepared
 * geometry contains the cell gets weight 1 without an overlay; one that
 * does not intersect it gets nothing; otherwise the overlap is the area of
 * the area's geometry clipped to the cell (GEOSClipByRect for rectangles,
 * GEOSIntersection for other cells). Centroid: the cell's centre is
 * located with the prepared geometries (interior, boundary or outside) and
 * nbl__grid_centroid_pick() decides. Prepared geometries are made on first
 * use. GEOS runs on its own context; its messages go into the nbl_ctx.
 */
#include "import/grid_overlay.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <geos_c.h>

#include "store/store_incidents.h"
#include "util/ctx.h"
#include "util/util.h"

typedef struct oarea {
    char *id;
    GEOSGeometry *g;
    const GEOSPreparedGeometry *prep;
    double m2;
} oarea;

struct nbl__overlay {
    nbl_ws *ws;
    nbl_ctx *ctx;
    GEOSContextHandle_t h;
    int centroid;
    oarea *a;
    size_t n, cap;
    GEOSSTRtree *tree;
    const char *areas; /* filter patterns, borrowed during open */
    size_t *cand;      /* candidates of the current cell */
    size_t ncand, capcand;
    int *where;
    double *w;
    nbl__grid_part *parts;
    size_t capparts;
    int oom; /* a candidate could not be recorded */
    char geos_msg[256];
};

static void
geos_error(const char *msg, void *arg)
{
    nbl__overlay *o = arg;
    snprintf(o->geos_msg, sizeof o->geos_msg, "%s", msg);
}

/* True when id matches one of the comma-separated patterns. */
static int
matches(const char *patterns, const char *id)
{
    const char *p = patterns;
    char pat[256];
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *s = p, *e = p + len;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if ((size_t)(e - s) < sizeof pat && e > s) {
            memcpy(pat, s, (size_t)(e - s));
            pat[e - s] = '\0';
            if (fnmatch(pat, id, 0) == 0)
                return 1;
        }
        p += len + (p[len] == ',');
    }
    return 0;
}

static int
add_area(const char *id, const unsigned char *wkb, size_t len, void *arg)
{
    nbl__overlay *o = arg;
    GEOSWKBReader *r;
    GEOSGeometry *g;
    if (!wkb || (o->areas && !matches(o->areas, id)))
        return 0;
    if (o->n == o->cap) {
        size_t nc = o->cap ? o->cap * 2 : 256;
        oarea *na = realloc(o->a, nc * sizeof *na);
        if (!na)
            return nbl__error(o->ctx, NBL_ENOMEM, "out of memory");
        o->a = na;
        o->cap = nc;
    }
    r = GEOSWKBReader_create_r(o->h);
    g = r ? GEOSWKBReader_read_r(o->h, r, wkb, len) : NULL;
    if (r)
        GEOSWKBReader_destroy_r(o->h, r);
    if (!g)
        return nbl__error(o->ctx, NBL_EDB, "area '%s': geometry: %s", id,
                          o->geos_msg);
    o->a[o->n] = (oarea){nbl__strdup(id), g, NULL, 0};
    if (!o->a[o->n].id) {
        GEOSGeom_destroy_r(o->h, g);
        return nbl__error(o->ctx, NBL_ENOMEM, "out of memory");
    }
    GEOSArea_r(o->h, g, &o->a[o->n].m2);
    o->n++;
    return 0;
}

/* Each pattern of the filter must match some loaded area. */
static int
check_patterns(nbl__overlay *o, const char *patterns)
{
    const char *p = patterns;
    while (*p) {
        size_t len = strcspn(p, ",");
        char pat[256];
        int hit = 0;
        const char *s = p, *e = p + len;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > s && (size_t)(e - s) < sizeof pat) {
            memcpy(pat, s, (size_t)(e - s));
            pat[e - s] = '\0';
            for (size_t i = 0; i < o->n && !hit; i++)
                hit = fnmatch(pat, o->a[i].id, 0) == 0;
            if (!hit)
                return nbl__error(o->ctx, NBL_ENOTFOUND,
                                  "--areas: '%s' matches no area of the "
                                  "workspace",
                                  pat);
        }
        p += len + (p[len] == ',');
    }
    return NBL_OK;
}

int
nbl__overlay_open(nbl_ws *ws, const char *areas, int centroid,
                  nbl__overlay **out)
{
    nbl__overlay *o = calloc(1, sizeof *o);
    int rc;
    *out = NULL;
    if (!o)
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    o->ws = ws;
    o->ctx = nbl_ws_ctx(ws);
    o->centroid = centroid;
    o->areas = areas && *areas ? areas : NULL;
    o->h = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(o->h, geos_error, o);
    rc = nbl__store_incidents_areas(ws, add_area, o);
    if (!rc && o->areas)
        rc = check_patterns(o, o->areas);
    if (!rc && o->n == 0)
        rc = nbl__error(o->ctx, NBL_ENOTFOUND,
                        "the workspace has no areas (import areas first)");
    o->areas = NULL;
    if (!rc) {
        o->tree = GEOSSTRtree_create_r(o->h, 10);
        for (size_t i = 0; o->tree && i < o->n; i++)
            GEOSSTRtree_insert_r(o->h, o->tree, o->a[i].g, &o->a[i]);
        if (!o->tree)
            rc = nbl__error(o->ctx, NBL_ENOMEM, "out of memory");
    }
    if (rc) {
        nbl__overlay_free(o);
        return rc;
    }
    *out = o;
    return NBL_OK;
}

void
nbl__overlay_free(nbl__overlay *o)
{
    if (!o)
        return;
    if (o->tree)
        GEOSSTRtree_destroy_r(o->h, o->tree);
    for (size_t i = 0; i < o->n; i++) {
        if (o->a[i].prep)
            GEOSPreparedGeom_destroy_r(o->h, o->a[i].prep);
        GEOSGeom_destroy_r(o->h, o->a[i].g);
        free(o->a[i].id);
    }
    free(o->a);
    free(o->cand);
    free(o->where);
    free(o->w);
    free(o->parts);
    GEOS_finish_r(o->h);
    free(o);
}

size_t
nbl__overlay_count(const nbl__overlay *o)
{
    return o->n;
}

const char *
nbl__overlay_id(const nbl__overlay *o, size_t i)
{
    return o->a[i].id;
}

double
nbl__overlay_m2(const nbl__overlay *o, size_t i)
{
    return o->a[i].m2;
}

/* ---- one cell ---------------------------------------------------------- */

static void
on_candidate(void *item, void *arg)
{
    nbl__overlay *o = arg;
    if (o->ncand == o->capcand) {
        size_t nc = o->capcand ? o->capcand * 2 : 16;
        size_t *c = realloc(o->cand, nc * sizeof *c);
        int *wh = realloc(o->where, nc * sizeof *wh);
        double *w = realloc(o->w, nc * sizeof *w);
        nbl__grid_part *p = realloc(o->parts, nc * sizeof *p);
        if (c)
            o->cand = c;
        if (wh)
            o->where = wh;
        if (w)
            o->w = w;
        if (p)
            o->parts = p;
        if (!c || !wh || !w || !p) {
            o->oom = 1; /* reported by cell_parts() */
            return;
        }
        o->capcand = nc;
    }
    o->cand[o->ncand++] = (size_t)((oarea *)item - o->a);
}

static int
cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static const GEOSPreparedGeometry *
prepared(nbl__overlay *o, size_t i)
{
    if (!o->a[i].prep)
        o->a[i].prep = GEOSPrepare_r(o->h, o->a[i].g);
    return o->a[i].prep;
}

/* The area of area i inside the cell; -1 on a GEOS failure. */
static double
overlap(nbl__overlay *o, size_t i, const GEOSGeometry *cell, const double *r)
{
    GEOSGeometry *x =
        r ? GEOSClipByRect_r(o->h, o->a[i].g, r[0], r[1], r[2], r[3])
          : GEOSIntersection_r(o->h, o->a[i].g, cell);
    double m2 = 0;
    if (!x)
        return -1;
    if (!GEOSArea_r(o->h, x, &m2))
        m2 = -1;
    GEOSGeom_destroy_r(o->h, x);
    return m2;
}

static int
weighted_parts(nbl__overlay *o, const GEOSGeometry *cell, const double *r,
               double cell_m2, size_t *n)
{
    *n = 0;
    for (size_t k = 0; k < o->ncand; k++) {
        size_t i = o->cand[k];
        const GEOSPreparedGeometry *p = prepared(o, i);
        double m2;
        if (!p)
            return nbl__error(o->ctx, NBL_EDB, "GEOS: %s", o->geos_msg);
        if (GEOSPreparedContains_r(o->h, p, cell) == 1) {
            o->parts[(*n)++] = (nbl__grid_part){i, 1, cell_m2};
            continue;
        }
        if (GEOSPreparedIntersects_r(o->h, p, cell) != 1)
            continue;
        m2 = overlap(o, i, cell, r);
        if (m2 < 0)
            return nbl__error(o->ctx, NBL_EDB, "area '%s': overlay: %s",
                              o->a[i].id, o->geos_msg);
        if (m2 > 0)
            o->parts[(*n)++] =
                (nbl__grid_part){i, nbl__grid_weight(m2, cell_m2), m2};
    }
    return NBL_OK;
}

static int
centroid_parts(nbl__overlay *o, const GEOSGeometry *cell, double cell_m2,
               size_t *n)
{
    GEOSGeometry *c = GEOSGetCentroid_r(o->h, cell);
    *n = 0;
    if (!c)
        return nbl__error(o->ctx, NBL_EDB, "GEOS: %s", o->geos_msg);
    for (size_t k = 0; k < o->ncand; k++) {
        const GEOSPreparedGeometry *p = prepared(o, o->cand[k]);
        if (!p) {
            GEOSGeom_destroy_r(o->h, c);
            return nbl__error(o->ctx, NBL_EDB, "GEOS: %s", o->geos_msg);
        }
        o->where[k] = GEOSPreparedContainsProperly_r(o->h, p, c) == 1 ? 2
                      : GEOSPreparedIntersects_r(o->h, p, c) == 1     ? 1
                                                                      : 0;
    }
    GEOSGeom_destroy_r(o->h, c);
    nbl__grid_centroid_pick(o->where, o->ncand, o->w);
    for (size_t k = 0; k < o->ncand; k++)
        if (o->w[k] > 0)
            o->parts[(*n)++] = (nbl__grid_part){o->cand[k], 1, cell_m2};
    return NBL_OK;
}

/* Parts of a cell geometry; r is its rectangle (x0, y0, x1, y1) or NULL. */
static int
cell_parts(nbl__overlay *o, const GEOSGeometry *cell, const double *r,
           const nbl__grid_part **parts, size_t *n)
{
    double cell_m2 = 0;
    o->ncand = 0;
    o->oom = 0;
    GEOSSTRtree_query_r(o->h, o->tree, cell, on_candidate, o);
    *parts = o->parts;
    *n = 0;
    if (o->oom)
        return nbl__error(o->ctx, NBL_ENOMEM, "out of memory");
    if (o->ncand == 0)
        return NBL_OK;
    qsort(o->cand, o->ncand, sizeof *o->cand, cmp_size);
    if (!GEOSArea_r(o->h, cell, &cell_m2) || !(cell_m2 > 0))
        return nbl__error(o->ctx, NBL_EDATA, "cell with no area");
    if (o->centroid)
        return centroid_parts(o, cell, cell_m2, n);
    return weighted_parts(o, cell, r, cell_m2, n);
}

int
nbl__overlay_rect(nbl__overlay *o, double x0, double y0, double x1, double y1,
                  const nbl__grid_part **parts, size_t *n)
{
    double r[4] = {x0, y0, x1, y1};
    GEOSGeometry *cell = GEOSGeom_createRectangle_r(o->h, x0, y0, x1, y1);
    int rc;
    if (!cell)
        return nbl__error(o->ctx, NBL_ENOMEM, "GEOS: %s", o->geos_msg);
    rc = cell_parts(o, cell, r, parts, n);
    GEOSGeom_destroy_r(o->h, cell);
    return rc;
}

int
nbl__overlay_wkb(nbl__overlay *o, const unsigned char *wkb, size_t len,
                 const nbl__grid_part **parts, size_t *n)
{
    GEOSWKBReader *r = GEOSWKBReader_create_r(o->h);
    GEOSGeometry *cell = r ? GEOSWKBReader_read_r(o->h, r, wkb, len) : NULL;
    int rc, t;
    if (r)
        GEOSWKBReader_destroy_r(o->h, r);
    if (!cell)
        return nbl__error(o->ctx, NBL_EDATA, "cell geometry: %s", o->geos_msg);
    t = GEOSGeomTypeId_r(o->h, cell);
    if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON)
        rc = nbl__error(o->ctx, NBL_EDATA, "cell geometry is not a polygon");
    else
        rc = cell_parts(o, cell, NULL, parts, n);
    GEOSGeom_destroy_r(o->h, cell);
    return rc;
}
