/*
 * writer.c - the export's writer, common part (writer.h): the driver and
 * the kind of destination, the output CRS, GDAL's error capture, writing
 * one layer feature by feature, the provenance, the output files under
 * temporary names and their renaming into place.
 *
 * Invariants: geometries are transformed from the working CRS to the
 * output CRS (EPSG:4326 in lon/lat order for GeoJSON; the working CRS or
 * --t-srs for every other format) before writing; every output file is
 * written under a temporary name in the output folder and renamed only when
 * all files are complete.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <jansson.h>

#include "publish/fieldnames.h"
#include "publish/qgis.h"
#include "publish/writer.h"
#include "store/store.h"
#include "store/store_export.h"
#include "util/ctx.h"
#include "util/fault.h"
#include "util/jsondoc.h"
#include "util/util.h"

/* ---- GDAL plumbing ------------------------------------------------------ */

static void CPL_STDCALL
capture_error(CPLErr cls, CPLErrorNum no, const char *msg)
{
    nbl__xwriter *w = CPLGetErrorHandlerUserData();
    (void)no;
    if (!w)
        return;
    if (cls >= CE_Failure && !w->gdal_msg[0])
        snprintf(w->gdal_msg, sizeof w->gdal_msg, "%s", msg);
    /* What a format cannot hold (a Shapefile's 254-byte strings) comes as
     * a warning: passed on, never dropped. */
    else if (cls == CE_Warning && w->kind != NBL__XW_GEOJSON &&
             strcmp(w->driver, "GPKG") != 0)
        nbl__warn(nbl_ws_ctx(w->ws), "%s: %s", w->display, msg);
}

int
nbl__xw_fail(const nbl__xwriter *w, const char *path, const char *what)
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

/* ---- one layer ---------------------------------------------------------- */

/* Sets every field of a feature from the row's values (l->vals). */
static void
set_fields(OGRFeatureH ft, const nbl__xlayer *l)
{
    const nbl__xval *v = l->vals;
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
            else /* as a new feature has it (the feature is reused) */
                OGR_F_UnsetField(ft, f);
            break;
        }
        }
    }
}

/* What the layer's one feature (reused row after row) holds as its
 * geometry: the WKB it was made from, transformed to the output CRS. The
 * timeseries layer repeats each area's geometry for every year (rows
 * sorted by area_id); the feature keeps it instead of parsing and
 * reprojecting it again, a fifth of the national GeoJSON export's own
 * work. */
typedef struct geom_memo {
    unsigned char *wkb;
    size_t len;
    int held; /* the feature's geometry is the one of wkb */
} geom_memo;

/* Notes that the feature now holds the geometry of wkb; without memory
 * for the copy, nothing is noted (the next row is transformed again). */
static void
geom_memo_set(geom_memo *gm, const unsigned char *wkb, size_t len)
{
    if (len > gm->len || !gm->wkb) {
        unsigned char *p = realloc(gm->wkb, len ? len : 1);
        if (!p) {
            gm->held = 0;
            return;
        }
        gm->wkb = p;
    }
    memcpy(gm->wkb, wkb, len);
    gm->len = len;
    gm->held = 1;
}

/* Sets a feature's geometry from the row's WKB (l->wkb) in the working
 * CRS, transformed to the output CRS, unless the feature holds it already
 * (gm). Extends w->env[0..3] (output CRS) and env[4..7] (working CRS); a
 * geometry the feature holds has extended both already. */
static int
set_geometry(nbl__xwriter *w, geom_memo *gm, OGRFeatureH ft, const char *path,
             const nbl__xlayer *l)
{
    const char *id = l->vals[0].s;
    OGRGeometryH g = NULL;
    int rc = NBL_OK;
    if (gm->held && gm->len == l->wkb_len &&
        memcmp(gm->wkb, l->wkb, l->wkb_len) == 0)
        return NBL_OK;
    gm->held = 0;
    if (OGR_G_CreateFromWkb(l->wkb, NULL, &g, (int)l->wkb_len) == OGRERR_NONE)
        env_add(w->env + 4, g);
    if (!g || (w->ct && OGR_G_Transform(g, w->ct) != OGRERR_NONE)) {
        rc = nbl__error(nbl_ws_ctx(w->ws), NBL_ECRS,
                        "%s: layer '%s': feature '%s': cannot "
                        "transform geometry to EPSG:%d",
                        path, l->name, id ? id : "?", w->job->out_srid);
    } else {
        if (l->geom == NBL__XG_POLYGON &&
            wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPolygon)
            g = OGR_G_ForceToMultiPolygon(g);
        env_add(w->env, g);
        OGR_F_SetGeometryDirectly(ft, g);
        geom_memo_set(gm, l->wkb, l->wkb_len);
        g = NULL;
    }
    if (g)
        OGR_G_DestroyGeometry(g);
    return rc;
}

/* Creates a layer and its fields in ds; checks that the driver kept the
 * names. */
static int
create_layer(nbl__xwriter *w, GDALDatasetH ds, const char *path,
             const nbl__xlayer *l, char **lco, char *const *names,
             OGRLayerH *out)
{
    OGRLayerH lyr = GDALDatasetCreateLayer(
        ds, l->name, w->dst,
        l->geom == NBL__XG_POINT ? wkbPoint : wkbMultiPolygon, lco);
    if (!lyr)
        return nbl__xw_fail(w, path, "cannot create layer");
    for (int f = 0; f < l->nfields; f++) {
        const char *name = names ? names[f] : l->fields[f].name;
        OGRFieldSubType sub;
        OGRFieldDefnH fd =
            OGR_Fld_Create(name, ogr_type(l->fields[f].type, &sub));
        int ok;
        OGR_Fld_SetSubType(fd, sub);
        ok = OGR_L_CreateField(lyr, fd, TRUE) == OGRERR_NONE;
        OGR_Fld_Destroy(fd);
        if (!ok)
            return nbl__xw_fail(w, path, "cannot create field");
        fd = OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(lyr), f);
        if (!fd || strcmp(OGR_Fld_GetNameRef(fd), name) != 0)
            return nbl__error(nbl_ws_ctx(w->ws), NBL_EFORMAT,
                              "%s: layer '%s': the %s driver renamed field "
                              "'%s' to '%s'",
                              path, l->name, w->driver, name,
                              fd ? OGR_Fld_GetNameRef(fd) : "?");
    }
    *out = lyr;
    return NBL_OK;
}

/* The years of the temporal layer's rows, for the project's time range
 * (field 4 is the year). */
static void
note_year(nbl__xwriter *w, const nbl__xlayer *l)
{
    int y;
    if (!l->temporal || !l->vals[4].set)
        return;
    y = (int)l->vals[4].i;
    if (!w->job->first_year || y < w->job->first_year)
        w->job->first_year = y;
    if (!w->job->last_year || y > w->job->last_year)
        w->job->last_year = y;
}

/* Writes the layer's rows, one feature each, as they come from its
 * cursor. */
static int
write_rows(nbl__xwriter *w, OGRLayerH lyr, const char *path, nbl__xlayer *l)
{
    int rc = nbl__xlayer_open(l, w->ws, w->job), more;
    geom_memo gm = {0};
    /* one feature for every row: each row sets every field (or nulls it)
     * and the FID is cleared, so the driver sees a new feature each time */
    OGRFeatureH ft = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
    if (!ft && rc == NBL_OK)
        rc = nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
    while (rc == NBL_OK && (more = nbl__xlayer_next(l, w->job)) != 0) {
        if (more < 0) {
            rc = more;
            break;
        }
        set_fields(ft, l);
        OGR_F_SetFID(ft, OGRNullFID);
        if (l->wkb) {
            rc = set_geometry(w, &gm, ft, path, l);
        } else if (OGR_F_GetGeometryRef(ft)) {
            OGR_F_SetGeometryDirectly(ft, NULL);
            gm.held = 0;
        }
        if (rc == NBL_OK && OGR_L_CreateFeature(lyr, ft) != OGRERR_NONE)
            rc = nbl__xw_fail(w, path, "cannot write feature");
        note_year(w, l);
    }
    if (ft)
        OGR_F_Destroy(ft);
    free(gm.wkb);
    nbl__xlayer_close(l);
    return rc;
}

int
nbl__xw_layer(nbl__xwriter *w, GDALDatasetH ds, const char *path,
              nbl__xlayer *l, char **lco, char *const *names)
{
    OGRLayerH lyr = NULL;
    int tx = w->kind != NBL__XW_DATABASE;
    int rc = create_layer(w, ds, path, l, lco, names, &lyr);
    if (rc)
        return rc;
    if (tx && OGR_L_StartTransaction(lyr) != OGRERR_NONE)
        return nbl__xw_fail(w, path, "cannot start transaction");
    rc = write_rows(w, lyr, path, l);
    if (tx && OGR_L_CommitTransaction(lyr) != OGRERR_NONE && rc == NBL_OK)
        rc = nbl__xw_fail(w, path, "cannot write layer");
    return rc;
}

char **
nbl__xw_user_options(const nbl__xwriter *w, char **lco, int dsco)
{
    const char *const *u = dsco ? w->job->opts->dsco : w->job->opts->lco;
    for (size_t i = 0; u && u[i]; i++) {
        char *key = NULL;
        const char *val = CPLParseNameValue(u[i], &key);
        if (key && val)
            lco = CSLSetNameValue(lco, key, val);
        CPLFree(key);
    }
    return lco;
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

/* The provenance object, or NULL when out of memory (jansson drops a key
 * whose value it could not allocate: every addition is checked, so a
 * layer never carries a provenance with a part missing). */
static json_t *
provenance(const nbl__xjob *job, const char *layer)
{
    json_t *p = json_object(), *in = json_array(), *d = json_object();
    int bad = !p || !in || !d;
    char now[32];
#define SET(o, k, v) nbl__jset(&bad, (o), (k), (v))
    nbl__store_export_now(now);
    SET(p, "tool", nbl__jstr("nabolag"));
    SET(p, "tool_version", nbl__jstr(nbl_version()));
    if (layer)
        SET(p, "layer", nbl__jstr(layer));
    SET(p, "ruleset", nbl__jstr(job->ruleset));
    SET(p, "ruleset_version",
        job->ruleset_version ? nbl__jstr(job->ruleset_version) : json_null());
    SET(p, "year", json_integer(job->year));
    for (size_t i = 0; i < job->n_inputs && !bad; i++) {
        json_t *o = json_object();
        bad = !o;
        SET(o, "kind", nbl__jstr(job->inputs[i].kind));
        SET(o, "source", nbl__jstr(job->inputs[i].source));
        nbl__jappend(&bad, in, o);
    }
    SET(p, "inputs", in);
    SET(p, "generated_at", nbl__jstr(now));
    if (job->opts->run_id)
        SET(p, "run_id", nbl__jstr(job->opts->run_id));
    SET(d, "applied", json_boolean(!job->unsuppressed));
    SET(d, "min_count", num_json(job->disc.min_count));
    SET(d, "min_denominator", num_json(job->disc.min_denominator));
    SET(d, "min_residents_publish", num_json(job->disc.min_residents_publish));
    SET(p, "disclosure", d);
    if (job->unsuppressed)
        SET(p, "internal_use_only", nbl__jstr(NBL__INTERNAL_USE_ONLY));
#undef SET
    if (bad) {
        json_decref(p);
        return NULL;
    }
    return p;
}

char *
nbl__xw_provenance(const nbl__xwriter *w, const char *layer)
{
    json_t *p = provenance(w->job, layer);
    char *s = p ? json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(p);
    return s;
}

const char **
nbl__xw_field_names(const nbl__xlayer *l)
{
    const char **v = calloc((size_t)l->nfields + 1, sizeof *v);
    for (int f = 0; v && f < l->nfields; f++)
        v[f] = l->fields[f].name;
    return v;
}

int
nbl__xw_qml(const nbl__xwriter *w, const nbl__xlayer *l, const char *style,
            char *const *names, char **out)
{
    char *qml;
    const char **from;
    *out = NULL;
    if (nbl__qgis_qml(w->job, l->name, style, &qml))
        return nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
    if (!qml || !names) {
        *out = qml;
        return NBL_OK;
    }
    from = nbl__xw_field_names(l);
    *out =
        from ? nbl__fieldnames_qml(qml, from, names, (size_t)l->nfields) : NULL;
    free(from);
    free(qml);
    return *out ? NBL_OK
                : nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
}

/* ---- output files ------------------------------------------------------- */

/* The temporary name keeps the extension so drivers accept it. */
const char *
nbl__xw_outset_add(nbl__xoutset *o, const char *dir, const char *base)
{
    nbl__xoutfile *f = realloc(o->f, (o->n + 1) * sizeof *f);
    nbl__buf a = {0}, b = {0};
    /* an unsuppressed export's names say INTERNAL before the first '.' */
    const char *dot = strchr(base, '.');
    int stem = dot ? (int)(dot - base) : (int)strlen(base);
    const char *infix = o->infix ? o->infix : "";
    if (!f)
        return NULL;
    o->f = f;
    nbl__buf_printf(&a, "%s/%.*s%s%s", dir, stem, base, infix, base + stem);
    nbl__buf_printf(&b, "%s/.nbltmp%ld.%.*s%s%s", dir, (long)getpid(), stem,
                    base, infix, base + stem);
    if (!a.s || !b.s) {
        nbl__buf_free(&a);
        nbl__buf_free(&b);
        return NULL;
    }
    o->f[o->n].final = a.s;
    o->f[o->n].tmp = b.s;
    return o->f[o->n++].tmp;
}

void
nbl__xw_outset_free(nbl__xoutset *o, int remove_tmp)
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

int
nbl__xw_write_text(nbl_ctx *ctx, const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    size_t n = strlen(text);
    int ok;
    if (!f)
        return nbl__error(ctx, NBL_EIO, "%s: cannot write: %s", path,
                          nbl__io_reason(errno));
    ok = fwrite(text, 1, n, f) == n && fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        return nbl__error(ctx, NBL_EIO, "%s: write failed: %s", path,
                          nbl__io_reason(errno));
    return NBL_OK;
}

/* Every final path must be absent, or (with overwrite) a regular file:
 * rename() would fail on a directory half-way through the set and leave a
 * half-replaced folder, so this is checked before anything is renamed. */
int
nbl__xw_check_exists(nbl_ctx *ctx, const nbl__xoutset *o, int overwrite)
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

/* ---- drivers and CRS ---------------------------------------------------- */

const char *
nbl_export_driver_name(const char *name)
{
    static const char *const alias[][2] = {
        {"geojson", "GeoJSON"},       {"gpkg", "GPKG"},
        {"shp", "ESRI Shapefile"},    {"shapefile", "ESRI Shapefile"},
        {"fgb", "FlatGeobuf"},        {"flatgeobuf", "FlatGeobuf"},
        {"pg", "PostgreSQL"},         {"postgis", "PostgreSQL"},
        {"postgresql", "PostgreSQL"}, {"csv", "CSV"},
    };
    GDALDriverH drv;
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcasecmp(name, alias[i][0]) == 0)
            name = alias[i][1];
    GDALAllRegister();
    drv = GDALGetDriverByName(name);
    if (!drv || !GDALGetMetadataItem(drv, GDAL_DCAP_VECTOR, NULL) ||
        !GDALGetMetadataItem(drv, GDAL_DCAP_CREATE, NULL))
        return NULL;
    return GDALGetDriverShortName(drv);
}

char *
nbl__xw_display_name(const char *dest)
{
    nbl__buf b = {0};
    const char *p = strstr(dest, "password=");
    if (!p) {
        nbl__buf_printf(&b, "%s", dest);
    } else {
        const char *e = p + 9;
        if (*e == '\'') {
            for (e++; *e && *e != '\''; e++)
                if (*e == '\\' && e[1])
                    e++;
            if (*e)
                e++;
        } else {
            while (*e && *e != ' ')
                e++;
        }
        nbl__buf_printf(&b, "%.*spassword=***%s", (int)(p - dest), dest, e);
    }
    return b.s;
}

/* The driver and the kind of destination. */
static int
resolve_driver(nbl__xwriter *w)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    const nbl_export_opts *o = w->job->opts;
    const char *name = o->driver                      ? o->driver
                       : o->format == NBL_EXPORT_GPKG ? "GPKG"
                                                      : "GeoJSON";
    const char *ext;
    w->driver = nbl_export_driver_name(name);
    if (!w->driver)
        return nbl__error(ctx, NBL_EINVAL,
                          "--format: GDAL has no vector driver '%s' that can "
                          "write (see `ogrinfo --formats`)",
                          name);
    w->drv = GDALGetDriverByName(w->driver);
    ext = GDALGetMetadataItem(w->drv, GDAL_DMD_EXTENSION, NULL);
    snprintf(w->ext, sizeof w->ext, "%s", ext ? ext : "");
    if (strcmp(w->driver, "GeoJSON") == 0) {
        w->kind = NBL__XW_GEOJSON;
        snprintf(w->ext, sizeof w->ext, "geojson");
    } else if (strcmp(w->driver, "PostgreSQL") == 0) {
        w->kind = NBL__XW_DATABASE;
        if (strncasecmp(o->dir, "PG:", 3) != 0)
            return nbl__error(ctx, NBL_EINVAL,
                              "-o: PostgreSQL needs a connection string "
                              "(PG:\"dbname=... host=...\"), not '%s'",
                              w->display);
    } else if (!w->ext[0]) {
        return nbl__error(ctx, NBL_EINVAL,
                          "--format: the %s driver writes no file nabolag "
                          "can name (no file extension)",
                          w->driver);
    } else {
        w->kind =
            GDALGetMetadataItem(w->drv, GDAL_DCAP_MULTIPLE_VECTOR_LAYERS, NULL)
                ? NBL__XW_SINGLE
                : NBL__XW_FILES;
        w->short_names = strcmp(w->driver, "ESRI Shapefile") == 0;
    }
    return NBL_OK;
}

/* The output CRS: EPSG:4326 for GeoJSON, else --t-srs or the working CRS;
 * an EPSG code is needed (the QGIS project names it). */
static int
output_srid(nbl__xwriter *w, int *srid)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    const char *t = w->job->opts->t_srs;
    OGRSpatialReferenceH s;
    const char *code = NULL;
    *srid = nbl_ws_srid(w->ws);
    if (w->kind == NBL__XW_GEOJSON) {
        *srid = 4326;
        if (t)
            return nbl__error(ctx, NBL_EINVAL,
                              "--t-srs: GeoJSON output is RFC 7946, always "
                              "WGS 84 (EPSG:4326); choose another format "
                              "(-f GPKG, FlatGeobuf, ...) for '%s'",
                              t);
        return NBL_OK;
    }
    if (!t)
        return NBL_OK;
    s = OSRNewSpatialReference(NULL);
    if (s && OSRSetFromUserInput(s, t) == OGRERR_NONE) {
        code = OSRGetAuthorityName(s, NULL);
        if (!code || strcmp(code, "EPSG") != 0) {
            OSRAutoIdentifyEPSG(s);
            code = OSRGetAuthorityName(s, NULL);
        }
        code = code && strcmp(code, "EPSG") == 0 ? OSRGetAuthorityCode(s, NULL)
                                                 : NULL;
    }
    long v = 0;
    int ok = code && nbl__parse_long(code, &v) && v > 0;
    if (s)
        OSRDestroySpatialReference(s);
    if (!ok)
        return nbl__error(ctx, NBL_ECRS,
                          "--t-srs: '%s' is not a CRS with an EPSG code "
                          "(give it as EPSG:NNNN)",
                          t);
    *srid = (int)v;
    return NBL_OK;
}

/* The transformation from the working CRS to the output CRS. */
static int
setup_crs(nbl__xwriter *w)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    const char *const wopt[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", NULL};
    int work = nbl_ws_srid(w->ws), out, rc;
    OGRSpatialReferenceH wgs;
    if ((rc = output_srid(w, &out)))
        return rc;
    w->src = srs_epsg(work);
    w->dst = srs_epsg(out);
    if (w->src && w->dst && out != work)
        w->ct = OCTNewCoordinateTransformation(w->src, w->dst);
    if (!w->src || !w->dst || (out != work && !w->ct))
        return nbl__error(ctx, NBL_ECRS,
                          "cannot transform EPSG:%d to EPSG:%d%s%s", work, out,
                          w->gdal_msg[0] ? ": " : "", w->gdal_msg);
    w->job->out_srid = out;
    if (OSRExportToWktEx(w->src, &w->wkt_work, wopt) == OGRERR_NONE)
        w->job->wkt_work = w->wkt_work;
    if (OSRExportToWktEx(w->dst, &w->wkt_dst, wopt) == OGRERR_NONE)
        w->job->wkt_out = w->wkt_dst;
    /* the QGIS project's fallback extent is in lon/lat */
    wgs = srs_epsg(4326);
    if (wgs && OSRExportToWktEx(wgs, &w->wkt_wgs, wopt) == OGRERR_NONE)
        w->job->wkt_wgs84 = w->wkt_wgs;
    if (wgs)
        OSRDestroySpatialReference(wgs);
    return NBL_OK;
}

/* ---- the writer --------------------------------------------------------- */

int
nbl__xwriter_open(nbl__xwriter *w, nbl_ws *ws, nbl__xjob *job)
{
    static const double empty[8] = {1, 1, 0, 0, 1, 1, 0, 0};
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    int rc;
    memset(w, 0, sizeof *w);
    w->lock_fd = -1;
    w->ws = ws;
    w->job = job;
    memcpy(w->env, empty, sizeof w->env);
    w->display = nbl__xw_display_name(job->opts->dir);
    w->out.infix = job->opts->internal_unsuppressed ? "-INTERNAL" : "";
    if (!w->display)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    GDALAllRegister();
    if ((rc = resolve_driver(w)))
        return rc;
    if (w->kind != NBL__XW_DATABASE &&
        (rc = nbl__mkdirs(ctx, job->opts->dir, &w->created)))
        return rc;
    /* Two exports into one folder never mix their files. `nabolag run`
     * (final_dir set) holds the lock of the real folder itself. */
    if (w->kind != NBL__XW_DATABASE && !job->opts->final_dir &&
        (rc = nbl__dir_lock(ctx, job->opts->dir, &w->lock_fd)))
        return rc;
    CPLPushErrorHandlerEx(capture_error, w);
    w->handler = 1;
    if ((rc = setup_crs(w)))
        return rc;
    if (w->kind == NBL__XW_DATABASE) {
        job->provider = "postgres";
        return nbl__xw_pg_open(w);
    }
    return NBL_OK;
}

int
nbl__xwriter_check(nbl__xwriter *w, const nbl__xlayer *layers, size_t n)
{
    if (w->kind == NBL__XW_DATABASE)
        return nbl__xw_pg_check(w, layers, n);
    return nbl__xw_check_files(w, layers, n);
}

int
nbl__xwriter_layers(nbl__xwriter *w, nbl__xlayer *layers, size_t n)
{
    switch (w->kind) {
    case NBL__XW_GEOJSON:
        return nbl__xw_write_geojson(w, layers, n);
    case NBL__XW_FILES:
        return nbl__xw_write_files(w, layers, n);
    case NBL__XW_SINGLE:
        return nbl__xw_write_single(w, layers, n);
    default:
        return nbl__xw_pg_write(w, layers, n);
    }
}

/* The QGIS data source of a layer written to a file, relative to the
 * project. */
static char *
file_source(const nbl__xwriter *w, const nbl__xlayer *l)
{
    nbl__buf b = {0};
    const char *in = w->out.infix;
    if (w->kind == NBL__XW_SINGLE)
        nbl__buf_printf(&b, "./nabolag%s.%s|layername=%s", in, w->ext, l->name);
    else if (w->kind == NBL__XW_GEOJSON)
        /* The geometry type lets QGIS load an empty layer. */
        nbl__buf_printf(&b, "./%s%s.geojson|geometrytype=%s", l->name, in,
                        l->geom == NBL__XG_POINT ? "Point" : "MultiPolygon");
    else
        nbl__buf_printf(&b, "./%s%s.%s", l->name, in, w->ext);
    return b.s;
}

/* Where the project goes: DIR/nabolag.qgs, or --qgs for a database (NULL:
 * none). The temporary name is registered in w->out. */
static const char *
project_path(nbl__xwriter *w)
{
    const char *q = w->job->opts->qgs;
    nbl__buf d = {0};
    const char *slash, *tmp;
    if (w->kind != NBL__XW_DATABASE)
        return nbl__xw_outset_add(&w->out, w->job->opts->dir, "nabolag.qgs");
    slash = strrchr(q, '/');
    if (!slash)
        return nbl__xw_outset_add(&w->out, ".", q);
    nbl__buf_printf(&d, "%.*s", (int)(slash - q), q);
    tmp = d.s ? nbl__xw_outset_add(&w->out, slash == q ? "/" : d.s, slash + 1)
              : NULL;
    nbl__buf_free(&d);
    return tmp;
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
    if (w->kind == NBL__XW_DATABASE && !w->job->opts->qgs) {
        free(srcs);
        free(names);
        return NBL_OK;
    }
    for (size_t i = 0; srcs && names && i < n; i++) {
        names[i] = w->kind == NBL__XW_DATABASE
                       ? nbl__xw_pg_source(w, &layers[i])
                       : file_source(w, &layers[i]);
        srcs[i] = names[i] ? names[i] : "";
    }
    NBL_FAULT_MARK("qgs", 1); /* the fault test tries each allocation */
    if (srcs && names)
        qgs = nbl__qgis_project(w->job, layers, n, srcs, w->env + 4,
                                nbl_ws_srid(w->ws));
    NBL_FAULT_MARK("qgs", 0);
    if (qgs && w->short_names) {
        char *s = nbl__xw_short_project(qgs, layers, n);
        free(qgs);
        qgs = s;
    }
    tmp = project_path(w);
    if (!qgs || !tmp)
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
    else
        rc = nbl__xw_write_text(ctx, tmp, qgs);
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
    int rc = nbl__xw_check_exists(ctx, &w->out, w->job->opts->overwrite);
    if (rc == NBL_OK && w->kind == NBL__XW_DATABASE)
        rc = nbl__xw_pg_commit(w);
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
    nbl__xw_pg_close(w);
    if (failed) /* name the outputs asked for, not temporary names */
        for (size_t i = 0; i < w->out.n; i++)
            nbl__error_rename(nbl_ws_ctx(w->ws), w->out.f[i].tmp,
                              w->out.f[i].final);
    if (w->handler)
        CPLPopErrorHandler();
    w->handler = 0;
    nbl__xw_outset_free(&w->out, 1);
    if (failed && w->created && !w->committed)
        nbl__rmdirs(w->job->opts->dir, w->created);
    nbl__dir_unlock(w->lock_fd);
    if (w->ct)
        OCTDestroyCoordinateTransformation(w->ct);
    if (w->src)
        OSRDestroySpatialReference(w->src);
    if (w->dst)
        OSRDestroySpatialReference(w->dst);
    CPLFree(w->wkt_work);
    CPLFree(w->wkt_dst);
    CPLFree(w->wkt_wgs);
    free(w->display);
    memset(w, 0, sizeof *w);
}
