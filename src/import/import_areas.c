/*
 * import_areas.c - nbl_import_areas(): one layer of any GDAL vector source
 * into the areas table.
 *
 * Per feature: id (and optional name/municipality/region) as text; the
 * geometry is made linear, Z/M dropped, reprojected to the working CRS
 * (traditional GIS axis order on both CRS), repaired with GEOS MakeValid
 * when invalid (polygons kept from a collection result) and forced to
 * MULTIPOLYGON. Without --dissolve each area is written as it is read, so
 * memory holds only the ids seen (for the duplicate check); with
 * --dissolve the parts are collected per id and unioned at the end.
 * Everything runs in one store transaction; any failure rolls it back.
 * GDAL/PROJ errors are captured into the context, never printed.
 */
#include "nabolag/areas.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <jansson.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "import/crs.h"
#include "util/ctx.h"
#include "util/i18n.h"
#include "store/store.h"
#include "store/store_areas.h"
#include "util/util.h"

/* ---- GDAL set-up and error capture ---------------------------------- */

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

static void
gdal_register(void)
{
    GDALAllRegister();
}

/* GDAL failures stay silent (read back with CPLGetLastErrorMsg); GDAL
 * warnings are forwarded to the context's log. */
static void CPL_STDCALL
gdal_handler(CPLErr cls, CPLErrorNum num, const char *msg)
{
    nbl_ctx *ctx = CPLGetErrorHandlerUserData();
    (void)num;
    if (cls == CE_Warning && ctx)
        nbl__warn(ctx, "GDAL: %s", msg);
}

static const char *
gdal_msg_or(const char *fallback)
{
    const char *m = CPLGetLastErrorMsg();
    return m && *m ? m : fallback;
}

static const char *
gdal_msg(void)
{
    return gdal_msg_or("no details from GDAL");
}

/* ---- ids seen, and parts collected for --dissolve ------------------- */

typedef struct entry {
    char *id, *name, *municipality, *region;
    long long fid;     /* FID of the first feature with this id */
    OGRGeometryH geom; /* dissolve: MULTIPOLYGON of all parts */
    int parts;
} entry;

typedef struct table {
    entry *e; /* in order of first appearance */
    size_t n, cap;
    size_t *slots; /* open addressing: index + 1, 0 = empty */
    size_t nslots;
} table;

static uint64_t
hash_str(const char *s)
{
    return nbl__hash_bytes(s, strlen(s));
}

static void
table_free(table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->e[i].id);
        free(t->e[i].name);
        free(t->e[i].municipality);
        free(t->e[i].region);
        if (t->e[i].geom)
            OGR_G_DestroyGeometry(t->e[i].geom);
    }
    free(t->e);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static entry *
table_find(const table *t, const char *id)
{
    size_t i;
    if (!t->nslots)
        return NULL;
    for (i = hash_str(id) & (t->nslots - 1); t->slots[i];
         i = (i + 1) & (t->nslots - 1))
        if (strcmp(t->e[t->slots[i] - 1].id, id) == 0)
            return &t->e[t->slots[i] - 1];
    return NULL;
}

static int
table_rehash(table *t, size_t nslots)
{
    size_t *s = calloc(nslots, sizeof *s);
    if (!s)
        return -1;
    for (size_t k = 0; k < t->n; k++) {
        size_t i = hash_str(t->e[k].id) & (nslots - 1);
        while (s[i])
            i = (i + 1) & (nslots - 1);
        s[i] = k + 1;
    }
    free(t->slots);
    t->slots = s;
    t->nslots = nslots;
    return 0;
}

/* Adds a new entry (the id must not be present); takes the strings. */
static entry *
table_add(table *t, char *id, char *name, char *mun, char *reg, long long fid)
{
    size_t i;
    if ((t->n + 1) * 2 > t->nslots &&
        table_rehash(t, t->nslots ? t->nslots * 2 : 64))
        return NULL;
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        entry *ne = realloc(t->e, nc * sizeof *ne);
        if (!ne)
            return NULL;
        t->e = ne;
        t->cap = nc;
    }
    t->e[t->n] = (entry){id, name, mun, reg, fid, NULL, 1};
    for (i = hash_str(id) & (t->nslots - 1); t->slots[i];
         i = (i + 1) & (t->nslots - 1))
        ;
    t->slots[i] = ++t->n;
    return &t->e[t->n - 1];
}

/* ---- fields ---------------------------------------------------------- */

typedef struct import {
    nbl_ws *ws;
    nbl_ctx *ctx;
    const char *src;
    const nbl_areas_opts *o;
    GDALDatasetH ds;
    OGRLayerH layer;
    OGRCoordinateTransformationH ct;
    nbl__aou *aou; /* area of use of the source CRS, NULL if unknown */
    int f_id, f_name, f_mun, f_reg;
    table seen;
    nbl_areas_summary sum;
    char *vsipath, *vsitext; /* TopoJSON copy without Z (see below) */
    nbl__area_writer *writer;
    long odd_size; /* areas under 100 m² or over 100 km² (warn_size) */
} import;

static int
field_index(import *im, const char *field, const char *opt, int *out)
{
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(im->layer);
    nbl__buf b = {0};
    int rc;
    *out = -1;
    if (!field)
        return NBL_OK;
    *out = OGR_FD_GetFieldIndex(fd, field);
    if (*out >= 0)
        return NBL_OK;
    for (int i = 0; i < OGR_FD_GetFieldCount(fd); i++)
        nbl__buf_printf(&b, "%s%s", i ? ", " : "",
                        OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i)));
    rc = nbl__error(im->ctx, NBL_ENOTFOUND,
                    "%s: layer '%s': %s: no field '%s' (fields: %s)", im->src,
                    OGR_L_GetName(im->layer), opt, field, b.s ? b.s : "none");
    nbl__buf_free(&b);
    return rc;
}

/* The field's value as text (malloc'ed), NULL when unset/null. Integer
 * fields, and real fields holding whole numbers, have no decimals. */
static int
field_text(import *im, OGRFeatureH f, int idx, const char *opt, char **out)
{
    OGRFieldDefnH fdef;
    char buf[64];
    const char *s;

    *out = NULL;
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx))
        return NBL_OK;
    fdef = OGR_F_GetFieldDefnRef(f, idx);
    switch (OGR_Fld_GetType(fdef)) {
    case OFTInteger:
    case OFTInteger64:
        snprintf(buf, sizeof buf, "%lld",
                 (long long)OGR_F_GetFieldAsInteger64(f, idx));
        s = buf;
        break;
    case OFTReal:
        nbl__fmt_double(buf, sizeof buf, OGR_F_GetFieldAsDouble(f, idx), 10);
        s = buf;
        break;
    default:
        s = OGR_F_GetFieldAsString(f, idx);
        break;
    }
    if (!nbl__utf8_valid(s, strlen(s)))
        return nbl__error(im->ctx, NBL_EDATA,
                          "%s: feature %lld: %s field '%s': not valid UTF-8",
                          im->src, (long long)OGR_F_GetFID(f), opt,
                          OGR_Fld_GetNameRef(fdef));
    *out = nbl__strdup(s);
    if (!*out)
        return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    return NBL_OK;
}

/* ---- geometry -------------------------------------------------------- */

static int
is_areal_type(OGRwkbGeometryType t)
{
    t = wkbFlatten(t);
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon ||
           t == wkbMultiSurface || t == wkbPolyhedralSurface || t == wkbTIN ||
           t == wkbTriangle;
}

/* Appends the polygons of g (recursively through collections) to mp;
 * counts non-areal members in *other. g is linear and 2-D. */
static void
collect_polygons(OGRGeometryH mp, OGRGeometryH g, int *other)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (OGR_G_IsEmpty(g))
        return;
    if (t == wkbPolygon || t == wkbTriangle) {
        OGRGeometryH c = OGR_G_Clone(g);
        if (t == wkbTriangle)
            c = OGR_G_ForceToPolygon(c);
        OGR_G_AddGeometryDirectly(mp, c);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection ||
               t == wkbPolyhedralSurface || t == wkbTIN) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            collect_polygons(mp, OGR_G_GetGeometryRef(g, i), other);
    } else {
        (*other)++;
    }
}

/* A new 2-D MULTIPOLYGON of the polygons in g (NULL when none); *other
 * counts the non-areal members left out. */
static OGRGeometryH
to_multipolygon(OGRGeometryH g, int *other)
{
    OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPolygon);
    *other = 0;
    collect_polygons(mp, g, other);
    if (OGR_G_GetGeometryCount(mp) == 0) {
        OGR_G_DestroyGeometry(mp);
        return NULL;
    }
    return mp;
}

static const char *
type_name(OGRwkbGeometryType t)
{
    return OGRGeometryTypeToName(wkbFlatten(t));
}

/* The corners of the feature's bounding box must lie in the area of use
 * of the CRS the source is declared in: lon/lat declared as EPSG:25832
 * would otherwise become areas of a fraction of a m² near (0, 0). */
static int
check_area_of_use(import *im, OGRGeometryH g, long long fid, const char *id)
{
    OGREnvelope env;
    double x[4], y[4], lon, lat;
    size_t k;
    char a[40], b[40];
    if (!im->aou)
        return NBL_OK;
    OGR_G_GetEnvelope(g, &env);
    x[0] = x[3] = env.MinX;
    x[1] = x[2] = env.MaxX;
    y[0] = y[1] = env.MinY;
    y[2] = y[3] = env.MaxY;
    if (!nbl__aou_outside(im->aou, x, y, 4, &k, &lon, &lat))
        return NBL_OK;
    nbl__fmt_double(a, sizeof a, x[k], 6);
    nbl__fmt_double(b, sizeof b, y[k], 6);
    if (isnan(lon))
        return nbl__error(im->ctx, NBL_ECRS,
                          "%s: feature %lld (id '%s'): coordinates (%s, %s) "
                          "cannot be coordinates of %s; check --src-crs "
                          "(the CRS the source's coordinates are in)",
                          im->src, fid, id, a, b, nbl__aou_crs(im->aou));
    if (lon == x[k] && lat == y[k] && (fabs(lat) > 90 || fabs(lon) > 360))
        return nbl__error(/* a lon/lat CRS given metres (UTM, say) */
                          im->ctx, NBL_ECRS,
                          "%s: feature %lld (id '%s'): coordinates (%s, %s) "
                          "are not longitude and latitude as %s has them; "
                          "they look like metres of a projected CRS (for "
                          "Danish data EPSG:25832): check --src-crs",
                          im->src, fid, id, a, b, nbl__aou_crs(im->aou));
    {
        char c[40], d[40];
        return nbl__error(
            im->ctx, NBL_ECRS,
            "%s: feature %lld (id '%s'): coordinates (%s, %s) lie outside "
            "the area of use of %s (they would be at longitude %s, "
            "latitude %s); check --src-crs (lon/lat data is EPSG:4326)",
            im->src, fid, id, a, b, nbl__aou_crs(im->aou),
            nbl__fmt_double(c, sizeof c, lon, 4),
            nbl__fmt_double(d, sizeof d, lat, 4));
    }
}

/* The feature's geometry g (taken) made linear and 2-D, as a new
 * MULTIPOLYGON in *out holding all of it; fails naming the feature when g
 * is missing, empty, or not (only) an area. */
static int
to_area(import *im, OGRGeometryH g, long long fid, const char *id,
        OGRGeometryH *out)
{
    OGRwkbGeometryType t;
    int other = 0, rc = NBL_OK;

    *out = NULL;
    if (!g || OGR_G_IsEmpty(g)) {
        rc = nbl__error(im->ctx, NBL_EDATA,
                        "%s: feature %lld (id '%s'): %s geometry", im->src, fid,
                        id, g ? "empty" : "no");
        goto done;
    }
    t = OGR_G_GetGeometryType(g);
    if (!is_areal_type(t) && wkbFlatten(t) != wkbGeometryCollection) {
        rc = nbl__error(im->ctx, NBL_EDATA,
                        "%s: feature %lld (id '%s'): geometry is a %s, not "
                        "an area (polygon or multipolygon)",
                        im->src, fid, id, type_name(t));
        goto done;
    }
    if (OGR_G_HasCurveGeometry(g, TRUE)) {
        OGRGeometryH lin = OGR_G_GetLinearGeometry(g, 0, NULL);
        OGR_G_DestroyGeometry(g);
        g = lin;
        if (!g) {
            rc = nbl__error(im->ctx, NBL_EDATA,
                            "%s: feature %lld (id '%s'): cannot linearise "
                            "curves: %s",
                            im->src, fid, id, gdal_msg());
            goto done;
        }
    }
    OGR_G_FlattenTo2D(g);
    OGR_G_SetMeasured(g, FALSE);
    *out = to_multipolygon(g, &other);
    if (!*out || other)
        rc = nbl__error(im->ctx, NBL_EDATA,
                        "%s: feature %lld (id '%s'): geometry is a %s with "
                        "%s, not an area",
                        im->src, fid, id, type_name(t),
                        *out ? "non-areal members" : "no polygons");
done:
    if (g)
        OGR_G_DestroyGeometry(g);
    if (rc && *out) {
        OGR_G_DestroyGeometry(*out);
        *out = NULL;
    }
    return rc;
}

/* Reprojects mp to the working CRS in place (nothing to do when the
 * source is in it already). */
static int
reproject(import *im, OGRGeometryH mp, long long fid, const char *id)
{
    if (im->ct && OGR_G_Transform(mp, im->ct) != OGRERR_NONE)
        return nbl__error(im->ctx, NBL_ECRS,
                          "%s: feature %lld (id '%s'): cannot reproject to "
                          "EPSG:%d: %s",
                          im->src, fid, id, nbl_ws_srid(im->ws), gdal_msg());
    return NBL_OK;
}

/* When *mp is invalid, replaces it by its GEOS MakeValid repair (the
 * polygons of it), sets *repaired and warns naming the feature; fails
 * when nothing areal is left. */
static int
repair(import *im, OGRGeometryH *mp, long long fid, const char *id,
       int *repaired)
{
    OGRGeometryH v, v2;
    int valid, other = 0;

    /* GEOS reports the reason for invalidity as a GDAL warning; our own
     * warning below names the feature instead. */
    CPLPushErrorHandler(CPLQuietErrorHandler);
    valid = OGR_G_IsValid(*mp);
    CPLPopErrorHandler();
    if (valid)
        return NBL_OK;
    v = OGR_G_MakeValid(*mp);
    if (!v)
        return nbl__error(im->ctx, NBL_EDATA,
                          "%s: feature %lld (id '%s'): invalid geometry "
                          "could not be repaired: %s",
                          im->src, fid, id, gdal_msg());
    v2 = to_multipolygon(v, &other);
    OGR_G_DestroyGeometry(v);
    if (!v2)
        return nbl__error(im->ctx, NBL_EDATA,
                          "%s: feature %lld (id '%s'): invalid geometry "
                          "with no area left after repair",
                          im->src, fid, id);
    OGR_G_DestroyGeometry(*mp);
    *mp = v2;
    *repaired = 1;
    nbl__warn(
        im->ctx, "%s: feature %lld (id '%s'): invalid geometry repaired%s",
        im->src, fid, id, other ? " (collapsed lines/points dropped)" : "");
    return NBL_OK;
}

/* Turns the feature's geometry (taken) into a valid 2-D MULTIPOLYGON in
 * the working CRS, or fails naming the feature. *repaired is set when
 * MakeValid was needed. */
static int
prepare_geometry(import *im, OGRGeometryH g, long long fid, const char *id,
                 OGRGeometryH *out, int *repaired)
{
    OGRGeometryH mp;
    int rc;

    *out = NULL;
    *repaired = 0;
    if ((rc = to_area(im, g, fid, id, &mp)))
        return rc;
    if ((rc = check_area_of_use(im, mp, fid, id)) ||
        (rc = reproject(im, mp, fid, id)) ||
        (rc = repair(im, &mp, fid, id, repaired))) {
        OGR_G_DestroyGeometry(mp);
        return rc;
    }
    *out = mp;
    return NBL_OK;
}

/* ---- writing --------------------------------------------------------- */

/* Areas under 100 m² or over 100 km² are more often a CRS or unit mistake
 * than a housing area: a warning names the first three, and finish() counts
 * the rest (municipalities are all over 100 km²: 73 warnings for DAGI's). */
static void
warn_size(import *im, const entry *e, double m2)
{
    char a[40];
    if ((m2 < 100 || m2 > 1e8) && ++im->odd_size > 3)
        return;
    if (m2 < 100)
        nbl__warn(im->ctx,
                  "%s: id '%s': area %s m² is under 100 m²; check the "
                  "source's CRS and units",
                  im->src, e->id, nbl__fmt_double(a, sizeof a, m2, 4));
    else if (m2 > 1e8)
        nbl__warn(im->ctx,
                  "%s: id '%s': area %s km² is over 100 km²; check the "
                  "source's CRS and units",
                  im->src, e->id, nbl__fmt_double(a, sizeof a, m2 / 1e6, 1));
}

static int
write_area(import *im, const entry *e, OGRGeometryH mp)
{
    nbl__area_rec rec;
    unsigned char *wkb;
    size_t len = (size_t)OGR_G_WkbSize(mp);
    int rc, inserted = 0;

    warn_size(im, e, OGR_G_Area(mp));
    wkb = malloc(len);
    if (!wkb)
        return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    if (OGR_G_ExportToWkb(mp, wkbNDR, wkb) != OGRERR_NONE) {
        free(wkb);
        return nbl__error(im->ctx, NBL_EFORMAT, "%s: id '%s': WKB: %s", im->src,
                          e->id, gdal_msg());
    }
    rec = (nbl__area_rec){e->id, e->name, e->municipality, e->region, im->src,
                          wkb,   len};
    rc = nbl__area_writer_put(im->writer, &rec, &inserted);
    free(wkb);
    if (rc)
        return rc;
    im->sum.areas_stored++;
    if (inserted)
        im->sum.inserted++;
    else
        im->sum.updated++;
    return NBL_OK;
}

static void
warn_differs(import *im, const entry *e, const char *what, const char *a,
             const char *b)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        nbl__warn(im->ctx,
                  "%s: id '%s': parts differ in %s ('%s' vs '%s'); keeping "
                  "the first",
                  im->src, e->id, what, a ? a : "", b ? b : "");
}

/* One feature: attributes, geometry, then write (or collect). */
static int
one_feature(import *im, OGRFeatureH f)
{
    long long fid = (long long)OGR_F_GetFID(f);
    char *id = NULL, *name = NULL, *mun = NULL, *reg = NULL;
    OGRGeometryH mp = NULL;
    entry *e;
    int rc, repaired;

    if ((rc = field_text(im, f, im->f_id, "--id", &id)) ||
        (rc = field_text(im, f, im->f_name, "--name", &name)) ||
        (rc = field_text(im, f, im->f_mun, "--municipality", &mun)) ||
        (rc = field_text(im, f, im->f_reg, "--region", &reg)))
        goto fail;
    if (!id || !*id) {
        rc = nbl__error(im->ctx, NBL_EDATA,
                        "%s: feature %lld: id field '%s' is empty", im->src,
                        fid, im->o->id_field);
        goto fail;
    }
    rc = prepare_geometry(im, OGR_F_StealGeometry(f), fid, id, &mp, &repaired);
    if (rc)
        goto fail;
    im->sum.repaired += repaired;

    e = table_find(&im->seen, id);
    if (e && !im->o->dissolve) {
        rc = nbl__error(im->ctx, NBL_EDATA,
                        "%s: duplicate id '%s' in features %lld and %lld "
                        "(use --dissolve to merge the parts into one area)",
                        im->src, id, e->fid, fid);
        goto fail;
    }
    if (e) {
        /* another part of an id seen before */
        warn_differs(im, e, "name", e->name, name);
        warn_differs(im, e, "municipality", e->municipality, mun);
        warn_differs(im, e, "region", e->region, reg);
        for (int i = 0; i < OGR_G_GetGeometryCount(mp); i++)
            OGR_G_AddGeometry(e->geom, OGR_G_GetGeometryRef(mp, i));
        e->parts++;
        im->sum.parts_dissolved++;
        OGR_G_DestroyGeometry(mp);
        free(id);
        free(name);
        free(mun);
        free(reg);
        return NBL_OK;
    }
    e = table_add(&im->seen, id, name, mun, reg, fid);
    if (!e) {
        rc = nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
        goto fail;
    }
    if (im->o->dissolve) {
        e->geom = mp; /* written after all parts are in */
        return NBL_OK;
    }
    rc = write_area(im, e, mp);
    OGR_G_DestroyGeometry(mp);
    /* only the id is needed from now on */
    free(e->name);
    free(e->municipality);
    free(e->region);
    e->name = e->municipality = e->region = NULL;
    return rc;
fail:
    if (mp)
        OGR_G_DestroyGeometry(mp);
    free(id);
    free(name);
    free(mun);
    free(reg);
    return rc;
}

/* --dissolve: union each id's parts and write the areas. */
static int
write_dissolved(import *im)
{
    for (size_t i = 0; i < im->seen.n; i++) {
        entry *e = &im->seen.e[i];
        OGRGeometryH mp = e->geom, u;
        int rc, other = 0;
        if (e->parts > 1) {
            u = OGR_G_UnionCascaded(e->geom);
            mp = u ? to_multipolygon(u, &other) : NULL;
            if (u)
                OGR_G_DestroyGeometry(u);
            if (!mp)
                return nbl__error(im->ctx, NBL_EDATA,
                                  "%s: id '%s': union of %d parts failed: %s",
                                  im->src, e->id, e->parts, gdal_msg());
        }
        rc = write_area(im, e, mp);
        if (mp != e->geom)
            OGR_G_DestroyGeometry(mp);
        if (rc)
            return rc;
        rc = nbl__progress(im->ctx,
                           0.9 + 0.1 * (double)(i + 1) / (double)im->seen.n,
                           "import areas");
        if (rc)
            return rc;
    }
    return NBL_OK;
}

/* ---- opening --------------------------------------------------------- */

/*
 * GDAL's TopoJSON reader (3.6 and later) accepts only 2-element positions
 * in "arcs": a position with a Z value (DAGI's files start every arc with
 * [x, y, -999]) is read as (0, 0) and the delta decoding goes astray, so
 * the polygons come out wrong without any error. When a TopoJSON source
 * has such positions, the arcs are cut to (x, y) in a copy in /vsimem/ and
 * that copy is read instead. Returns 1 when a copy was made.
 */
static int
topojson_strip_z(import *im, char **vsipath, char **text)
{
    json_t *root, *arcs, *arc, *pos;
    json_error_t jerr;
    size_t i, j;
    int changed = 0;
    char name[64];

    root = json_load_file(im->src, 0, &jerr);
    if (!root)
        return 0; /* let GDAL report what it thinks */
    arcs = json_object_get(root, "arcs");
    json_array_foreach(arcs, i, arc)
    {
        json_array_foreach(arc, j, pos)
        {
            while (json_is_array(pos) && json_array_size(pos) > 2) {
                json_array_remove(pos, json_array_size(pos) - 1);
                changed = 1;
            }
        }
    }
    if (changed)
        *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    if (!changed || !*text)
        return 0;
    snprintf(name, sizeof name, "/vsimem/nabolag_areas_%p.topojson",
             (void *)im);
    *vsipath = nbl__strdup(name);
    if (!*vsipath) {
        free(*text);
        *text = NULL;
        return 0;
    }
    VSIFCloseL(VSIFileFromMemBuffer(*vsipath, (GByte *)*text,
                                    (vsi_l_offset)strlen(*text), FALSE));
    return 1;
}

static int
open_layer(import *im)
{
    int n;
    nbl__buf b = {0};
    int rc;

    im->ds = GDALOpenEx(im->src, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL,
                        NULL);
    if (!im->ds) {
        struct stat st;
        if (!strchr(im->src, ':') && stat(im->src, &st) != 0)
            return nbl__error(im->ctx, NBL_EIO, "%s: no such file", im->src);
        return nbl__error(im->ctx, NBL_EIO,
                          "%s: cannot open as a vector source: %s", im->src,
                          gdal_msg_or("not a vector format GDAL reads"));
    }
    if (strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(im->ds)),
               "TopoJSON") == 0 &&
        topojson_strip_z(im, &im->vsipath, &im->vsitext)) {
        GDALClose(im->ds);
        im->ds = GDALOpenEx(im->vsipath, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                            NULL, NULL, NULL);
        if (!im->ds)
            return nbl__error(im->ctx, NBL_EIO,
                              "%s: cannot open as a vector source: %s", im->src,
                              gdal_msg());
    }
    n = GDALDatasetGetLayerCount(im->ds);
    if (im->o->layer)
        im->layer = GDALDatasetGetLayerByName(im->ds, im->o->layer);
    else if (n == 1)
        im->layer = GDALDatasetGetLayer(im->ds, 0);
    if (im->layer)
        return NBL_OK;
    for (int i = 0; i < n; i++)
        nbl__buf_printf(&b, "%s'%s'", i ? ", " : "",
                        OGR_L_GetName(GDALDatasetGetLayer(im->ds, i)));
    if (n == 0)
        rc =
            nbl__error(im->ctx, NBL_ENOTFOUND, "%s: no vector layers", im->src);
    else if (im->o->layer)
        rc =
            nbl__error(im->ctx, NBL_ENOTFOUND, "%s: no layer '%s' (layers: %s)",
                       im->src, im->o->layer, b.s);
    else
        rc = nbl__error(im->ctx, NBL_ENOTFOUND,
                        "%s: %d layers; choose one with -l (layers: %s)",
                        im->src, n, b.s);
    nbl__buf_free(&b);
    return rc;
}

static int
setup_transform(import *im)
{
    OGRSpatialReferenceH s = NULL, t = NULL;
    int rc = NBL_OK, srid = nbl_ws_srid(im->ws);

    if (OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(im->layer)) == 0) {
        rc = nbl__error(im->ctx, NBL_EDATA,
                        "%s: layer '%s' has no geometry (a CSV file "
                        "needs a WKT column)",
                        im->src, OGR_L_GetName(im->layer));
        goto done;
    }
    if (im->o->src_crs) {
        s = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(s, im->o->src_crs) != OGRERR_NONE) {
            rc = nbl__error(im->ctx, NBL_ECRS,
                            "--src-crs '%s': not a coordinate reference "
                            "system PROJ knows%s%s",
                            im->o->src_crs, *gdal_msg_or("") ? ": " : "",
                            gdal_msg_or(""));
            goto done;
        }
    } else {
        OGRSpatialReferenceH ls = OGR_L_GetSpatialRef(im->layer);
        if (!ls) {
            rc = nbl__error(im->ctx, NBL_ECRS,
                            "%s: layer '%s' has no coordinate reference "
                            "system; give --src-crs (e.g. EPSG:25832)",
                            im->src, OGR_L_GetName(im->layer));
            goto done;
        }
        s = OSRClone(ls);
    }
    if (nbl__aou_new(s, &im->aou)) {
        rc = nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    t = OSRNewSpatialReference(NULL);
    if (OSRImportFromEPSG(t, srid) != OGRERR_NONE) {
        rc = nbl__error(im->ctx, NBL_ECRS,
                        "EPSG:%d (working CRS): unknown to PROJ: %s", srid,
                        gdal_msg());
        goto done;
    }
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(t, OAMS_TRADITIONAL_GIS_ORDER);
    if (OSRIsSame(s, t))
        goto done; /* no transformation needed */
    im->ct = OCTNewCoordinateTransformation(s, t);
    if (!im->ct)
        rc = nbl__error(im->ctx, NBL_ECRS,
                        "%s: no transformation from the source CRS to "
                        "EPSG:%d: %s",
                        im->src, srid, gdal_msg());
done:
    if (s)
        OSRRelease(s);
    if (t)
        OSRRelease(t);
    return rc;
}

static char *
summary_json(const nbl_areas_summary *s, const nbl_areas_opts *o)
{
    nbl__buf b = {0};
    nbl__buf_printf(&b,
                    "{\"features_read\":%ld,\"areas_stored\":%ld,"
                    "\"inserted\":%ld,\"updated\":%ld,"
                    "\"parts_dissolved\":%ld,\"repaired\":%ld,"
                    "\"dissolve\":%s}",
                    s->features_read, s->areas_stored, s->inserted, s->updated,
                    s->parts_dissolved, s->repaired,
                    o->dissolve ? "true" : "false");
    return b.s;
}

/* Opens the source's layer, finds the fields the options name and sets up
 * the transformation to the working CRS. */
static int
open_source(import *im)
{
    const nbl_areas_opts *o = im->o;
    int rc;
    if ((rc = open_layer(im)) ||
        (rc = field_index(im, o->id_field, "--id", &im->f_id)) ||
        (rc = field_index(im, o->name_field, "--name", &im->f_name)) ||
        (rc = field_index(im, o->municipality_field, "--municipality",
                          &im->f_mun)) ||
        (rc = field_index(im, o->region_field, "--region", &im->f_reg)))
        return rc;
    return setup_transform(im);
}

/* Reads every feature of the layer and stores it (or, with --dissolve,
 * collects it), with progress up to 1 (0.9 with --dissolve) when total,
 * the layer's feature count, is known. A GDAL read error names the last
 * feature read; a layer without features is an error. */
static int
read_features(import *im, long long total)
{
    OGRFeatureH f;
    int rc;
    OGR_L_ResetReading(im->layer);
    for (;;) {
        CPLErrorReset();
        f = OGR_L_GetNextFeature(im->layer);
        if (!f) {
            if (CPLGetLastErrorType() == CE_Failure)
                return nbl__error(im->ctx, NBL_EFORMAT,
                                  "%s: reading layer '%s' after feature "
                                  "%ld: %s",
                                  im->src, OGR_L_GetName(im->layer),
                                  im->sum.features_read, gdal_msg());
            break;
        }
        im->sum.features_read++;
        rc = one_feature(im, f);
        OGR_F_Destroy(f);
        if (rc)
            return rc;
        if (total > 0) {
            double frac = (double)im->sum.features_read / (double)total;
            rc = nbl__progress(im->ctx, im->o->dissolve ? 0.9 * frac : frac,
                               "import areas");
            if (rc)
                return rc;
        }
    }
    if (im->sum.features_read == 0)
        return nbl__error(im->ctx, NBL_EDATA, "%s: layer '%s' has no features",
                          im->src, OGR_L_GetName(im->layer));
    return NBL_OK;
}

/* Everything after the features are read and before the commit: the
 * dissolved areas written, the run logged, the spatial index checked, the
 * area writer closed. */
static int
finish(import *im)
{
    char *detail, ids[200];
    int rc;
    if (im->o->dissolve && (rc = write_dissolved(im)))
        return rc;
    if (im->odd_size > 3)
        nbl__warn(im->ctx,
                  _n("%s: %ld more area under 100 m² or over 100 km²; check "
                     "the source's CRS and units",
                     "%s: %ld more areas under 100 m² or over 100 km²; check "
                     "the source's CRS and units",
                     im->odd_size - 3),
                  im->src, im->odd_size - 3);
    detail = summary_json(&im->sum, im->o);
    rc = nbl__store_log_run(im->ws, "areas", im->src, im->sum.features_read,
                            im->sum.areas_stored, 0, im->sum.repaired, detail);
    free(detail);
    if (rc || (rc = nbl__store_areas_check_index(im->ws)) ||
        (rc = nbl__store_areas_kept(im->ws, &im->sum.kept, ids, sizeof ids)))
        return rc;
    if (im->sum.kept > 0) /* e.g. the areas of another --id field */
        nbl__info(im->ctx,
                  _n("%s: %ld area of the workspace is not in this source "
                     "and was kept, with its statistics (%s%s); ids are "
                     "compared exactly, and a fresh workspace drops it",
                     "%s: %ld areas of the workspace are not in this source "
                     "and were kept, with their statistics (%s%s); ids are "
                     "compared exactly, and a fresh workspace drops them",
                     im->sum.kept),
                  im->src, im->sum.kept, ids, im->sum.kept > 3 ? ", ..." : "");
    nbl__area_writer_close(im->writer);
    im->writer = NULL;
    return NBL_OK;
}

/* Frees what the import holds: the ids seen, the transformation, the
 * dataset and the /vsimem/ copy of a TopoJSON source. */
static void
import_free(import *im)
{
    table_free(&im->seen);
    if (im->ct)
        OCTDestroyCoordinateTransformation(im->ct);
    nbl__aou_free(im->aou);
    if (im->ds)
        GDALClose(im->ds);
    if (im->vsipath)
        VSIUnlink(im->vsipath);
    free(im->vsipath);
    free(im->vsitext);
}

int
nbl_import_areas(nbl_ws *ws, const char *src, const nbl_areas_opts *opts,
                 nbl_areas_summary *out)
{
import im;
    long long total = -1;
    int rc, in_tx = 0;

    memset(&im, 0, sizeof im);
    im.ws = ws;
    im.ctx = nbl_ws_ctx(ws);
    im.src = src;
    im.o = opts;
    if (!src || !opts || !opts->id_field || !*opts->id_field)
        return nbl__error(im.ctx, NBL_EINVAL,
                          "import areas: a source and --id FIELD are needed");

    pthread_once(&gdal_once, gdal_register);
    CPLPushErrorHandlerEx(gdal_handler, im.ctx);
    CPLErrorReset();

    if ((rc = open_source(&im)))
        goto done;
    if (nbl__has_progress(im.ctx))
        total = (long long)OGR_L_GetFeatureCount(im.layer, TRUE);
    if ((rc = nbl__store_begin(ws)))
        goto done;
    in_tx = 1;
    if ((rc = nbl__area_writer_open(ws, &im.writer)) ||
        (rc = read_features(&im, total)) || (rc = finish(&im)))
        goto done;
    rc = nbl__store_commit(ws);
    if (rc == NBL_OK) {
        in_tx = 0;
        if (total <= 0)
            nbl__progress(im.ctx, 1.0, "import areas");
    }
done:
    nbl__area_writer_close(im.writer);
    if (rc && in_tx)
        nbl__store_rollback(ws);
    import_free(&im);
    CPLPopErrorHandler();
    if (out)
        *out = im.sum;
    return rc;
}
