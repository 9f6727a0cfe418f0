/*
 * crs.c - catching CRS mistakes (see crs.h): the working CRS of a new
 * workspace must be projected, in metres, and keep areas within 1 % over
 * its area of use (PROJ's scale factors sampled on a 21 x 21 grid of the
 * area of use); input coordinates must fall in the area of use that PROJ
 * gives for the CRS they are declared in (widened by AOU_MARGIN degrees).
 */
#include "import/crs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <ogr_srs_api.h>
#include <proj.h>

#include "util/ctx.h"
#include "util/util.h"

/* Degrees by which an area of use is widened: Danish national data is
 * published in UTM 32N including Bornholm, 3 degrees east of the zone's
 * official area; a wrong CRS puts coordinates thousands of km away. */
#define AOU_MARGIN 5.0
#define MAX_AREA_ERROR 0.01
#define SUGGEST                                                                \
    "use EPSG:25832 (ETRS89 / UTM zone 32N, all of Denmark) or EPSG:25833 "    \
    "(ETRS89 / UTM zone 33N, Bornholm)"

/* ---- the working CRS ---------------------------------------------------- */

/* The CRS's projection as a plain PROJ operation (from its PROJ.4 string
 * without +type=crs), which proj_factors() evaluates cheaply; NULL when
 * the CRS has no PROJ.4 form. */
static PJ *
plain_projection(PJ_CONTEXT *pc, PJ *crs)
{
    const char *p4 = proj_as_proj_string(pc, crs, PJ_PROJ_4, NULL);
    char buf[1024], *t;
    if (!p4 || strlen(p4) >= sizeof buf)
        return NULL;
    memcpy(buf, p4, strlen(p4) + 1);
    t = strstr(buf, " +type=crs");
    if (t)
        *t = '\0';
    return proj_create(pc, buf);
}

/* Largest |areal scale - 1| over the area of use, sampled on a 21 x 21
 * grid of it; -1 when unknown. */
static double
max_area_error(PJ_CONTEXT *pc, PJ *crs)
{
    double w, s, e, n, worst = -1;
    PJ *p;
    if (!proj_get_area_of_use(pc, crs, &w, &s, &e, &n, NULL) || w < -1000)
        return -1;
    if (e < w)
        e += 360;
    p = plain_projection(pc, crs);
    if (!p)
        return -1;
    for (int i = 0; i <= 20; i++)
        for (int j = 0; j <= 20; j++) {
            double lon = w + (e - w) * i / 20.0, lat = s + (n - s) * j / 20.0;
            PJ_COORD c = proj_coord(proj_torad(lon > 180 ? lon - 360 : lon),
                                    proj_torad(lat), 0, 0);
            PJ_FACTORS f = proj_factors(p, c);
            if (proj_errno(p)) { /* outside the projection's domain */
                proj_errno_reset(p);
                continue;
            }
            if (fabs(f.areal_scale - 1) > worst)
                worst = fabs(f.areal_scale - 1);
        }
    proj_destroy(p);
    return worst;
}

/* 1 when the first axis of the CRS is in metres. */
static int
in_metres(PJ_CONTEXT *pc, PJ *crs)
{
    PJ *cs = proj_crs_get_coordinate_system(pc, crs);
    double conv = 0;
    int ok;
    if (!cs)
        return 0;
    ok = proj_cs_get_axis_info(pc, cs, 0, NULL, NULL, NULL, &conv, NULL, NULL,
                               NULL) &&
         conv == 1.0;
    proj_destroy(cs);
    return ok;
}

static int
check_crs(nbl_ctx *ctx, PJ_CONTEXT *pc, PJ *crs, int srid)
{
    const char *name = proj_get_name(crs);
    double err;
    char pct[32];
    if (proj_get_type(crs) != PJ_TYPE_PROJECTED_CRS)
        return nbl__error(
            ctx, NBL_ECRS,
            "EPSG:%d (%s) is not a projected CRS: the working "
            "CRS measures areas and distances in metres; " SUGGEST,
            srid, name);
    if (!in_metres(pc, crs))
        return nbl__error(ctx, NBL_ECRS,
                          "EPSG:%d (%s) does not measure in metres; " SUGGEST,
                          srid, name);
    err = max_area_error(pc, crs);
    if (err > MAX_AREA_ERROR)
        return nbl__error(
            ctx, NBL_ECRS,
            "EPSG:%d (%s) changes areas by %s %s%s over its area of use (more "
            "than 1 %%), so areas and densities would be wrong; " SUGGEST,
            srid, name, err >= 1 ? "a factor of up to" : "up to",
            err >= 1 ? nbl__fmt_double(pct, sizeof pct, 1 + err, 1)
                     : nbl__fmt_double(pct, sizeof pct, err * 100, 1),
            err >= 1 ? "" : " %");
    return NBL_OK;
}

int
nbl_crs_check_working(nbl_ctx *ctx, int srid)
{
    PJ_CONTEXT *pc = proj_context_create();
    PJ *crs;
    char code[32];
    int rc;
    if (!pc)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    proj_log_level(pc, PJ_LOG_NONE);
    snprintf(code, sizeof code, "EPSG:%d", srid);
    crs = proj_create(pc, code);
    if (!crs)
        rc = nbl__error(ctx, NBL_ECRS, "%s: not a CRS PROJ knows; " SUGGEST,
                        code);
    else
        rc = check_crs(ctx, pc, crs, srid);
    proj_destroy(crs);
    proj_context_destroy(pc);
    return rc;
}

/* ---- area of use of a source CRS --------------------------------------- */

struct nbl__aou {
    OGRCoordinateTransformationH to_geo; /* NULL: already lon/lat */
    double w, s, e, n;                   /* widened, degrees */
    char name[300];
};

static void
crs_label(OGRSpatialReferenceH s, char *buf, size_t n)
{
    const char *auth = OSRGetAuthorityName(s, NULL);
    const char *code = OSRGetAuthorityCode(s, NULL);
    const char *name = OSRGetName(s);
    if (auth && code)
        snprintf(buf, n, "%s:%s (%s)", auth, code, name ? name : "unnamed");
    else
        snprintf(buf, n, "%s", name ? name : "the source CRS");
}

int
nbl__aou_new(OGRSpatialReferenceH src, nbl__aou **out)
{
    double w, s, e, n;
    nbl__aou *a;
    *out = NULL;
    if (!OSRGetAreaOfUse(src, &w, &s, &e, &n, NULL) || w < -1000) {
        if (!OSRIsGeographic(src))
            return NBL_OK; /* no area of use known: nothing to check */
        w = -180; /* lon/lat without one (a GeoJSON's CRS84): the world */
        s = -90;
        e = 180;
        n = 90;
    }
    a = calloc(1, sizeof *a);
    if (!a)
        return NBL_ENOMEM;
    if (e < w)
        e += 360;
    a->w = w - AOU_MARGIN;
    a->e = e + AOU_MARGIN;
    a->s = s - AOU_MARGIN < -90 ? -90 : s - AOU_MARGIN;
    a->n = n + AOU_MARGIN > 90 ? 90 : n + AOU_MARGIN;
    crs_label(src, a->name, sizeof a->name);
    if (!OSRIsGeographic(src)) {
        OGRSpatialReferenceH g = OSRCloneGeogCS(src), sc = OSRClone(src);
        OSRSetAxisMappingStrategy(g, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(sc, OAMS_TRADITIONAL_GIS_ORDER);
        a->to_geo = OCTNewCoordinateTransformation(sc, g);
        OSRRelease(g);
        OSRRelease(sc);
        if (!a->to_geo) {
            free(a);
            return NBL_OK; /* cannot tell: nothing to check */
        }
    }
    *out = a;
    return NBL_OK;
}

void
nbl__aou_free(nbl__aou *a)
{
    if (!a)
        return;
    if (a->to_geo)
        OCTDestroyCoordinateTransformation(a->to_geo);
    free(a);
}

const char *
nbl__aou_crs(const nbl__aou *a)
{
    return a->name;
}

/* 1 when (lon, lat) is outside the widened area of use. */
static int
outside(const nbl__aou *a, double lon, double lat)
{
    if (!isfinite(lon) || !isfinite(lat) || lat < a->s || lat > a->n)
        return 1;
    if (lon < a->w)
        lon += 360;
    return lon < a->w || lon > a->e;
}

int
nbl__aou_outside(const nbl__aou *a, const double *x, const double *y, size_t n,
                 size_t *which, double *lon, double *lat)
{
    for (size_t i = 0; i < n; i++) {
        double px = x[i], py = y[i], pz = 0;
        int ok = 1;
        if (a->to_geo) {
            CPLPushErrorHandler(CPLQuietErrorHandler);
            ok = OCTTransform(a->to_geo, 1, &px, &py, &pz);
            CPLPopErrorHandler();
        }
        if (!ok)
            px = py = NAN;
        if (outside(a, px, py)) {
            *which = i;
            *lon = px;
            *lat = py;
            return 1;
        }
    }
    return 0;
}
