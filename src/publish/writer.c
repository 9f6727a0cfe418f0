/*
 * writer.c - the export's writer (writer.h): writes the layer model through
 * GDAL/OGR as RFC 7946 GeoJSON (one file per layer, provenance as a foreign
 * member via the driver's NATIVE_DATA option) or as one GeoPackage
 * (provenance as dataset metadata, styles in layer_styles), plus a .qml
 * style per layer and nabolag.qgs.
 *
 * Invariants: geometries are transformed from the working CRS to EPSG:4326
 * in lon/lat order before writing; every output file is written under a
 * temporary name in the output folder and renamed only when all files are
 * complete.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <jansson.h>

#include "publish/qgis.h"
#include "publish/writer.h"
#include "store/store.h"
#include "store/store_export.h"
#include "util/ctx.h"
#include "util/util.h"

#define COORD_PRECISION "7"

/* ---- GDAL plumbing ------------------------------------------------------ */

static void CPL_STDCALL
capture_error(CPLErr cls, CPLErrorNum no, const char *msg)
{
    nbl__xwriter *w = CPLGetErrorHandlerUserData();
    (void)no;
    if (cls >= CE_Failure && w && !w->gdal_msg[0])
        snprintf(w->gdal_msg, sizeof w->gdal_msg, "%s", msg);
}

static int
gdal_fail(const nbl__xwriter *w, const char *path, const char *what)
{
    return nbl__error(nbl_ws_ctx(w->ws), NBL_EIO, "%s: %s%s%s", path, what,
                      w->gdal_msg[0] ? ": " : "", w->gdal_msg);
}

static OGRSpatialReferenceH
srs_epsg(int code)
{
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    if (s && OSRImportFromEPSG(s, code) != OGRERR_NONE) {
        OSRDestroySpatialReference(s);
        return NULL;
    }
    if (s)
        OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

static OGRFieldType
ogr_type(nbl__xftype t, OGRFieldSubType *sub)
{
    *sub = OFSTNone;
    switch (t) {
    case NBL__XF_INT:
        return OFTInteger;
    case NBL__XF_REAL:
        return OFTReal;
    case NBL__XF_BOOL:
        *sub = OFSTBoolean;
        return OFTInteger;
    case NBL__XF_DATE:
        return OFTDate;
    default:
        return OFTString;
    }
}

static void
env_add(double env[4], OGRGeometryH g)
{
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    if (env[0] > env[2]) {
        env[0] = e.MinX, env[1] = e.MinY;
        env[2] = e.MaxX, env[3] = e.MaxY;
    } else {
        env[0] = e.MinX < env[0] ? e.MinX : env[0];
        env[1] = e.MinY < env[1] ? e.MinY : env[1];
        env[2] = e.MaxX > env[2] ? e.MaxX : env[2];
        env[3] = e.MaxY > env[3] ? e.MaxY : env[3];
    }
}

/* Sets the fields of a feature from a row's values. */
static void
set_fields(OGRFeatureH ft, const nbl__xlayer *l, const nbl__xval *v)
{
    for (int f = 0; f < l->nfields; f++) {
        if (!v[f].set) {
            OGR_F_SetFieldNull(ft, f);
            continue;
        }
        switch (l->fields[f].type) {
        case NBL__XF_STR:
            OGR_F_SetFieldString(ft, f, v[f].s);
            break;
        case NBL__XF_INT:
        case NBL__XF_BOOL:
            OGR_F_SetFieldInteger(ft, f, (int)v[f].i);
            break;
        case NBL__XF_REAL:
            OGR_F_SetFieldDouble(ft, f, v[f].d);
            break;
        case NBL__XF_DATE: {
            long y, m, d;
            char tmp[16];
            snprintf(tmp, sizeof tmp, "%s", v[f].s);
            tmp[4] = tmp[7] = '\0';
            if (nbl__parse_long(tmp, &y) && nbl__parse_long(tmp + 5, &m) &&
                nbl__parse_long(tmp + 8, &d))
                OGR_F_SetFieldDateTime(ft, f, (int)y, (int)m, (int)d, 0, 0, 0,
                                       0);
            break;
        }
        }
    }
}

/* Sets a feature's geometry from WKB in the working CRS, transformed for
 * output. Extends w->env[0..3] (output CRS) and env[4..7] (working CRS). */
static int
set_geometry(nbl__xwriter *w, OGRFeatureH ft, const char *path,
             const nbl__xlayer *l, const unsigned char *wkb, size_t len,
             const char *id)
{
    OGRGeometryH g = NULL;
    int rc = NBL_OK;
    if (OGR_G_CreateFromWkb(wkb, NULL, &g, (int)len) == OGRERR_NONE)
        env_add(w->env + 4, g);
    if (!g || OGR_G_Transform(g, w->ct) != OGRERR_NONE) {
        rc = nbl__error(nbl_ws_ctx(w->ws), NBL_ECRS,
                        "%s: layer '%s': feature '%s': cannot "
                        "transform geometry to EPSG:4326",
                        path, l->name, id ? id : "?");
    } else {
        if (l->geom == NBL__XG_POLYGON &&
            wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPolygon)
            g = OGR_G_ForceToMultiPolygon(g);
        env_add(w->env, g);
        OGR_F_SetGeometryDirectly(ft, g);
        g = NULL;
    }
    if (g)
        OGR_G_DestroyGeometry(g);
    return rc;
}

/* Creates a layer and its fields in ds. */
static OGRLayerH
create_layer(nbl__xwriter *w, GDALDatasetH ds, const char *path,
             const nbl__xlayer *l, char **lco)
{
    OGRLayerH lyr = GDALDatasetCreateLayer(
        ds, l->name, w->wgs,
        l->geom == NBL__XG_POINT ? wkbPoint : wkbMultiPolygon, lco);
    if (!lyr) {
        gdal_fail(w, path, "cannot create layer");
        return NULL;
    }
    for (int f = 0; f < l->nfields; f++) {
        OGRFieldSubType sub;
        OGRFieldDefnH fd = OGR_Fld_Create(l->fields[f].name,
                                          ogr_type(l->fields[f].type, &sub));
        int ok;
        OGR_Fld_SetSubType(fd, sub);
        ok = OGR_L_CreateField(lyr, fd, TRUE) == OGRERR_NONE;
        OGR_Fld_Destroy(fd);
        if (!ok) {
            gdal_fail(w, path, "cannot create field");
            return NULL;
        }
    }
    return lyr;
}

/* Writes one layer into ds. */
static int
write_layer(nbl__xwriter *w, GDALDatasetH ds, const char *path,
            const nbl__xlayer *l, char **lco)
{
    OGRLayerH lyr = create_layer(w, ds, path, l, lco);
    int rc = NBL_OK;
    if (!lyr)
        return NBL_EIO;
    if (OGR_L_StartTransaction(lyr) != OGRERR_NONE)
        return gdal_fail(w, path, "cannot start transaction");
    for (size_t i = 0; i < l->nrows && rc == NBL_OK; i++) {
        OGRFeatureH ft = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        const nbl__xval *v = &l->vals[i * (size_t)l->nfields];
        set_fields(ft, l, v);
        if (l->wkb[i])
            rc = set_geometry(w, ft, path, l, l->wkb[i], l->wkb_len[i], v[0].s);
        if (rc == NBL_OK && OGR_L_CreateFeature(lyr, ft) != OGRERR_NONE)
            rc = gdal_fail(w, path, "cannot write feature");
        OGR_F_Destroy(ft);
    }
    if (OGR_L_CommitTransaction(lyr) != OGRERR_NONE && rc == NBL_OK)
        rc = gdal_fail(w, path, "cannot write layer");
    return rc;
}

/* ---- provenance --------------------------------------------------------- */

/* An integer when the value is whole (3, not 3.0). */
static json_t *
num_json(double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *
provenance(nbl_ws *ws, const nbl__xjob *job, const char *layer)
{
    json_t *p = json_object(), *in = json_array(), *d = json_object();
    nbl__xinput *inputs = NULL;
    size_t n = 0;
    char now[32];
    nbl__store_export_now(now);
    json_object_set_new(p, "tool", json_string("nabolag"));
    json_object_set_new(p, "tool_version", json_string(nbl_version()));
    if (layer)
        json_object_set_new(p, "layer", json_string(layer));
    json_object_set_new(p, "ruleset", json_string(job->ruleset));
    json_object_set_new(p, "ruleset_version",
                        job->ruleset_version ? json_string(job->ruleset_version)
                                             : json_null());
    json_object_set_new(p, "year", json_integer(job->year));
    if (nbl__store_export_inputs(ws, &inputs, &n) == NBL_OK) {
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "kind", json_string(inputs[i].kind));
            json_object_set_new(o, "source", json_string(inputs[i].source));
            json_array_append_new(in, o);
        }
        nbl__xinputs_free(inputs, n);
    }
    json_object_set_new(p, "inputs", in);
    json_object_set_new(p, "generated_at", json_string(now));
    json_object_set_new(d, "applied", json_boolean(!job->unsuppressed));
    json_object_set_new(d, "min_count", num_json(job->disc.min_count));
    json_object_set_new(d, "min_denominator",
                        num_json(job->disc.min_denominator));
    json_object_set_new(d, "min_residents_publish",
                        num_json(job->disc.min_residents_publish));
    json_object_set_new(p, "disclosure", d);
    if (job->unsuppressed)
        json_object_set_new(p, "internal_use_only",
                            json_string(NBL__INTERNAL_USE_ONLY));
    return p;
}

/* ---- output files ------------------------------------------------------- */

typedef nbl__xoutfile outfile;
typedef nbl__xoutset outset;

/* Registers an output file; returns its temporary path (borrowed). The
 * temporary name keeps the extension so drivers accept it. */
static const char *
outset_add(outset *o, const char *dir, const char *base)
{
    outfile *f = realloc(o->f, (o->n + 1) * sizeof *f);
    nbl__buf a = {0}, b = {0};
    if (!f)
        return NULL;
    o->f = f;
    nbl__buf_printf(&a, "%s/%s", dir, base);
    nbl__buf_printf(&b, "%s/.nbltmp%ld.%s", dir, (long)getpid(), base);
    if (!a.s || !b.s) {
        nbl__buf_free(&a);
        nbl__buf_free(&b);
        return NULL;
    }
    o->f[o->n].final = a.s;
    o->f[o->n].tmp = b.s;
    return o->f[o->n++].tmp;
}

static void
outset_free(outset *o, int remove_tmp)
{
    for (size_t i = 0; i < o->n; i++) {
        if (remove_tmp)
            remove(o->f[i].tmp);
        free(o->f[i].final);
        free(o->f[i].tmp);
    }
    free(o->f);
    o->f = NULL;
    o->n = 0;
}

static int
write_text(nbl_ctx *ctx, const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    size_t n = strlen(text);
    int ok;
    if (!f)
        return nbl__error(ctx, NBL_EIO, "%s: cannot write: %s", path,
                          strerror(errno));
    ok = fwrite(text, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        return nbl__error(ctx, NBL_EIO, "%s: write failed: %s", path,
                          strerror(errno));
    return NBL_OK;
}

/* ---- GeoPackage styles -------------------------------------------------- */

static int
gpkg_styles(const nbl__xwriter *w, GDALDatasetH ds, const char *path,
            const nbl__xlayer *layers, size_t n)
{
    /* QGIS's own schema for styles stored in a GeoPackage. */
    static const char *const cols[] = {"f_table_catalog",
                                       "f_table_schema",
                                       "f_table_name",
                                       "f_geometry_column",
                                       "styleName",
                                       "styleQML",
                                       "styleSLD",
                                       "useAsDefault",
                                       "description",
                                       "owner",
                                       "ui",
                                       "update_time"};
    OGRLayerH lyr =
        GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone, NULL);
    char now[32];
    int rc = NBL_OK;
    if (!lyr)
        return gdal_fail(w, path, "cannot create layer_styles");
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(
            cols[i], i == 7 ? OFTInteger : (i == 11 ? OFTDateTime : OFTString));
        if (i == 7)
            OGR_Fld_SetSubType(fd, OFSTBoolean);
        if (OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE)
            rc = gdal_fail(w, path, "cannot create layer_styles");
        OGR_Fld_Destroy(fd);
        if (rc)
            return rc;
    }
    nbl__store_export_now(now);
    for (size_t i = 0; i < n && rc == NBL_OK; i++) {
        const char *const *extra = nbl__qgis_extra_styles(layers[i].name);
        for (int s = -1; rc == NBL_OK && (s < 0 || (extra && extra[s])); s++) {
            const char *sname = s < 0 ? NULL : extra[s];
            char *qml = nbl__qgis_qml(w->job, layers[i].name, sname);
            OGRFeatureH ft;
            int y, mo, d, h, mi, se;
            if (!qml)
                break;
            ft = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
            OGR_F_SetFieldString(ft, 0, "");
            OGR_F_SetFieldString(ft, 1, "");
            OGR_F_SetFieldString(ft, 2, layers[i].name);
            OGR_F_SetFieldString(ft, 3, "geom");
            OGR_F_SetFieldString(ft, 4, sname ? sname : layers[i].name);
            OGR_F_SetFieldString(ft, 5, qml);
            OGR_F_SetFieldString(ft, 6, "");
            OGR_F_SetFieldInteger(ft, 7, s < 0);
            OGR_F_SetFieldString(ft, 8, "nabolag");
            OGR_F_SetFieldString(ft, 9, "");
            if (sscanf(now, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se) ==
                6)
                OGR_F_SetFieldDateTime(ft, 11, y, mo, d, h, mi, se, 100);
            if (OGR_L_CreateFeature(lyr, ft) != OGRERR_NONE)
                rc = gdal_fail(w, path, "cannot write layer_styles");
            OGR_F_Destroy(ft);
            free(qml);
        }
    }
    return rc;
}

/* ---- the writer --------------------------------------------------------- */

static int
ensure_dir(nbl_ctx *ctx, const char *dir, int *created)
{
    struct stat st;
    *created = 0;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return nbl__error(ctx, NBL_EIO, "%s: not a folder", dir);
        return NBL_OK;
    }
    if (mkdir(dir, 0777) != 0)
        return nbl__error(ctx, NBL_EIO, "%s: cannot create folder: %s", dir,
                          strerror(errno));
    *created = 1;
    return NBL_OK;
}

/* Every final path must be absent, or (with overwrite) a regular file:
 * rename() would fail on a directory half-way through the set and leave a
 * half-replaced folder, so this is checked before anything is renamed. */
static int
check_exists(nbl_ctx *ctx, const outset *o, int overwrite)
{
    struct stat st;
    for (size_t i = 0; i < o->n; i++) {
        if (stat(o->f[i].final, &st) != 0)
            continue;
        if (!S_ISREG(st.st_mode))
            return nbl__error(ctx, NBL_EEXISTS,
                              "%s: exists and is not a regular file; "
                              "nothing was replaced",
                              o->f[i].final);
        if (!overwrite)
            return nbl__error(ctx, NBL_EEXISTS,
                              "%s: already exists (use --overwrite to "
                              "replace it)",
                              o->f[i].final);
    }
    return NBL_OK;
}

/* Writes a layer's default style as <layer>.qml beside its file. */
static int
write_qml(nbl__xwriter *w, const nbl__xlayer *l)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    char *qml = nbl__qgis_qml(w->job, l->name, NULL);
    nbl__buf qb = {0};
    const char *tmp;
    int rc = NBL_OK;
    nbl__buf_printf(&qb, "%s.qml", l->name);
    tmp = qb.s ? outset_add(&w->out, w->job->opts->dir, qb.s) : NULL;
    nbl__buf_free(&qb);
    if (qml && tmp)
        rc = write_text(ctx, tmp, qml);
    else if (!tmp)
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
    free(qml);
    return rc;
}

/* The GeoJSON layer creation options: RFC 7946 and the provenance as a
 * foreign member. NULL when out of memory. */
static char **
geojson_lco(nbl__xwriter *w, const nbl__xlayer *l)
{
    char **lco = NULL;
    json_t *nat = json_object();
    char *nats;
    json_object_set_new(nat, "nabolag", provenance(w->ws, w->job, l->name));
    nats = json_dumps(nat, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(nat);
    if (!nats)
        return NULL;
    lco = CSLSetNameValue(lco, "RFC7946", "YES");
    lco = CSLSetNameValue(lco, "COORDINATE_PRECISION", COORD_PRECISION);
    lco = CSLSetNameValue(lco, "WRITE_NAME", "NO");
    lco = CSLSetNameValue(lco, "WRITE_BBOX", "NO");
    lco = CSLSetNameValue(lco, "NATIVE_DATA", nats);
    lco = CSLSetNameValue(lco, "NATIVE_MEDIA_TYPE", "application/vnd.geo+json");
    free(nats);
    return lco;
}

static int
write_geojson_layer(nbl__xwriter *w, GDALDriverH drv, const nbl__xlayer *l)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    nbl__buf base = {0};
    const char *tmp, *final;
    GDALDatasetH ds;
    char **lco = geojson_lco(w, l);
    int rc;
    nbl__buf_printf(&base, "%s.geojson", l->name);
    tmp = base.s ? outset_add(&w->out, w->job->opts->dir, base.s) : NULL;
    nbl__buf_free(&base);
    if (!tmp || !lco) {
        CSLDestroy(lco);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    final = w->out.f[w->out.n - 1].final;
    ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        CSLDestroy(lco);
        return gdal_fail(w, final, "cannot create");
    }
    rc = write_layer(w, ds, final, l, lco);
    CSLDestroy(lco);
    GDALClose(ds);
    if (rc == NBL_OK && w->gdal_msg[0])
        rc = gdal_fail(w, final, "write failed");
    if (rc == NBL_OK)
        rc = write_qml(w, l);
    return rc;
}

static int
write_geojson(nbl__xwriter *w, const nbl__xlayer *layers, size_t n)
{
    GDALDriverH drv = GDALGetDriverByName("GeoJSON");
    int rc = NBL_OK;
    if (!drv)
        return nbl__error(nbl_ws_ctx(w->ws), NBL_EIO,
                          "GDAL has no GeoJSON driver");
    for (size_t i = 0; i < n && rc == NBL_OK; i++)
        rc = write_geojson_layer(w, drv, &layers[i]);
    return rc;
}

/* The workspace's provenance as the dataset's metadata. */
static int
gpkg_provenance(nbl__xwriter *w, GDALDatasetH ds, const char *final)
{
    json_t *prov = provenance(w->ws, w->job, NULL);
    char *provs = json_dumps(prov, JSON_COMPACT | JSON_PRESERVE_ORDER);
    int rc = NBL_OK;
    json_decref(prov);
    if (provs &&
        GDALSetMetadataItem(ds, "NABOLAG_PROVENANCE", provs, NULL) != CE_None)
        rc = gdal_fail(w, final, "cannot write metadata");
    free(provs);
    return rc;
}

static int
write_gpkg(nbl__xwriter *w, const nbl__xlayer *layers, size_t n)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    const char *tmp = outset_add(&w->out, w->job->opts->dir, "nabolag.gpkg");
    const char *final;
    GDALDatasetH ds;
    char now[32];
    int rc = NBL_OK;
    if (!drv)
        return nbl__error(ctx, NBL_EIO, "GDAL has no GPKG driver");
    if (!tmp)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    final = w->out.f[w->out.n - 1].final;
    /* gpkg_contents.last_change from our clock (SOURCE_DATE_EPOCH), so the
     * file is reproducible. */
    nbl__store_export_now(now);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", now);
    ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
        return gdal_fail(w, final, "cannot create");
    }
    for (size_t i = 0; i < n && rc == NBL_OK; i++) {
        char **lco = NULL;
        lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
        lco = CSLSetNameValue(lco, "IDENTIFIER", layers[i].title);
        lco = CSLSetNameValue(lco, "SPATIAL_INDEX", "YES");
        rc = write_layer(w, ds, final, &layers[i], lco);
        CSLDestroy(lco);
    }
    if (rc == NBL_OK)
        rc = gpkg_styles(w, ds, final, layers, n);
    if (rc == NBL_OK)
        rc = gpkg_provenance(w, ds, final);
    GDALClose(ds);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    if (rc == NBL_OK && w->gdal_msg[0])
        rc = gdal_fail(w, final, "write failed");
    return rc;
}

int
nbl__xwriter_open(nbl__xwriter *w, nbl_ws *ws, nbl__xjob *job)
{
    static const double empty[8] = {1, 1, 0, 0, 1, 1, 0, 0};
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    const char *const wopt[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", NULL};
    int rc;
    memset(w, 0, sizeof *w);
    w->ws = ws;
    w->job = job;
    memcpy(w->env, empty, sizeof w->env);
    rc = ensure_dir(ctx, job->opts->dir, &w->created);
    GDALAllRegister();
    CPLPushErrorHandlerEx(capture_error, w);
    w->handler = 1;
    if (rc)
        return rc;
    w->src = srs_epsg(nbl_ws_srid(ws));
    w->wgs = srs_epsg(4326);
    w->ct = w->src && w->wgs ? OCTNewCoordinateTransformation(w->src, w->wgs)
                             : NULL;
    if (!w->ct)
        return nbl__error(
            ctx, NBL_ECRS, "cannot transform EPSG:%d to EPSG:4326%s%s",
            nbl_ws_srid(ws), w->gdal_msg[0] ? ": " : "", w->gdal_msg);
    if (OSRExportToWktEx(w->src, &w->wkt_work, wopt) == OGRERR_NONE &&
        OSRExportToWktEx(w->wgs, &w->wkt_wgs, wopt) == OGRERR_NONE) {
        job->wkt_work = w->wkt_work;
        job->wkt_wgs84 = w->wkt_wgs;
    }
    return NBL_OK;
}

int
nbl__xwriter_check(nbl__xwriter *w, const nbl__xlayer *layers, size_t n)
{
    const nbl_export_opts *opts = w->job->opts;
    outset probe = {0};
    int ok = 1, rc;
    if (opts->format == NBL_EXPORT_GPKG) {
        ok = outset_add(&probe, opts->dir, "nabolag.gpkg") != NULL;
    } else {
        for (size_t i = 0; ok && i < n; i++) {
            nbl__buf b = {0}, q = {0};
            nbl__buf_printf(&b, "%s.geojson", layers[i].name);
            nbl__buf_printf(&q, "%s.qml", layers[i].name);
            ok = b.s && q.s && outset_add(&probe, opts->dir, b.s) &&
                 outset_add(&probe, opts->dir, q.s);
            nbl__buf_free(&b);
            nbl__buf_free(&q);
        }
    }
    ok = ok && outset_add(&probe, opts->dir, "nabolag.qgs");
    rc = ok ? check_exists(nbl_ws_ctx(w->ws), &probe, opts->overwrite)
            : nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
    outset_free(&probe, 0);
    return rc;
}

int
nbl__xwriter_layers(nbl__xwriter *w, const nbl__xlayer *layers, size_t n)
{
    if (w->job->opts->format == NBL_EXPORT_GPKG)
        return write_gpkg(w, layers, n);
    return write_geojson(w, layers, n);
}

int
nbl__xwriter_project(nbl__xwriter *w, const nbl__xlayer *layers, size_t n)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    const char **srcs = calloc(n + 1, sizeof *srcs);
    char **names = calloc(n + 1, sizeof *names);
    char *qgs = NULL;
    const char *tmp;
    int rc;
    for (size_t i = 0; srcs && names && i < n; i++) {
        nbl__buf b = {0};
        if (w->job->opts->format == NBL_EXPORT_GPKG)
            nbl__buf_printf(&b, "./nabolag.gpkg|layername=%s", layers[i].name);
        else
            /* The geometry type lets QGIS load an empty layer. */
            nbl__buf_printf(&b, "./%s.geojson|geometrytype=%s", layers[i].name,
                            layers[i].geom == NBL__XG_POINT ? "Point"
                                                            : "MultiPolygon");
        names[i] = b.s;
        srcs[i] = b.s ? b.s : "";
    }
    if (srcs && names)
        qgs = nbl__qgis_project(w->job, layers, n, srcs, w->env + 4,
                                nbl_ws_srid(w->ws));
    tmp = outset_add(&w->out, w->job->opts->dir, "nabolag.qgs");
    if (!qgs || !tmp)
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
    else
        rc = write_text(ctx, tmp, qgs);
    free(qgs);
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    free(srcs);
    return rc;
}

int
nbl__xwriter_commit(nbl__xwriter *w)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    /* The folder may have changed while writing. */
    int rc = check_exists(ctx, &w->out, w->job->opts->overwrite);
    for (size_t i = 0; rc == NBL_OK && i < w->out.n; i++) {
        if (rename(w->out.f[i].tmp, w->out.f[i].final) != 0)
            rc = nbl__error(ctx, NBL_EIO, "%s: cannot rename into place: %s",
                            w->out.f[i].final, strerror(errno));
        else
            w->committed = 1;
    }
    return rc;
}

void
nbl__xwriter_close(nbl__xwriter *w, int failed)
{
    if (w->handler)
        CPLPopErrorHandler();
    w->handler = 0;
    outset_free(&w->out, 1);
    if (failed && w->created && !w->committed)
        rmdir(w->job->opts->dir);
    if (w->ct)
        OCTDestroyCoordinateTransformation(w->ct);
    if (w->src)
        OSRDestroySpatialReference(w->src);
    if (w->wgs)
        OSRDestroySpatialReference(w->wgs);
    CPLFree(w->wkt_work);
    CPLFree(w->wkt_wgs);
    w->ct = NULL;
    w->src = w->wgs = NULL;
    w->wkt_work = w->wkt_wgs = NULL;
}
