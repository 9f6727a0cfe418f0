/*
 * writer_files.c - the export's file destinations (writer.h): RFC 7946
 * GeoJSON (one file per layer, provenance as a foreign member via the
 * driver's NATIVE_DATA option), one data set per layer (Shapefile with
 * short field names, FlatGeobuf, CSV, ...) and one data set for every
 * layer (GeoPackage: provenance as metadata, styles in layer_styles). Each
 * layer of a per-layer format gets <layer>.qml beside it, which QGIS
 * applies on load.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include "publish/fieldnames.h"
#include "publish/qgis.h"
#include "publish/writer.h"
#include "store/store_export.h"
#include "util/ctx.h"
#include "util/fault.h"
#include "util/util.h"

#define COORD_PRECISION "7"
#define SHP_NAME_MAX 10

/* Registers the output file <stem>.<ext> of dir in o; its temporary path
 * (borrowed), NULL when out of memory. */
static const char *
out_add(nbl__xoutset *o, const char *dir, const char *stem, const char *ext)
{
    nbl__buf b = {0};
    const char *tmp;
    nbl__buf_printf(&b, "%s.%s", stem, ext);
    tmp = b.s ? nbl__xw_outset_add(o, dir, b.s) : NULL;
    nbl__buf_free(&b);
    return tmp;
}

/* Writes a layer's default style as <layer>.qml beside its file. */
static int
write_qml(nbl__xwriter *w, const nbl__xlayer *l, char *const *names)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    char *qml;
    const char *tmp;
    int rc = nbl__xw_qml(w, l, NULL, names, &qml);
    if (rc)
        return rc;
    tmp = out_add(&w->out, w->job->opts->dir, l->name, "qml");
    if (qml && tmp)
        rc = nbl__xw_write_text(ctx, tmp, qml);
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
    char *prov = nbl__xw_provenance(w, l->name);
    nbl__buf nat = {0};
    if (!prov)
        return NULL;
    nbl__buf_printf(&nat, "{\"nabolag\":%s}", prov);
    free(prov);
    if (!nat.s)
        return NULL;
    lco = CSLSetNameValue(lco, "RFC7946", "YES");
    lco = CSLSetNameValue(lco, "COORDINATE_PRECISION", COORD_PRECISION);
    lco = CSLSetNameValue(lco, "WRITE_NAME", "NO");
    lco = CSLSetNameValue(lco, "WRITE_BBOX", "NO");
    lco = CSLSetNameValue(lco, "NATIVE_DATA", nat.s);
    lco = CSLSetNameValue(lco, "NATIVE_MEDIA_TYPE", "application/vnd.geo+json");
    nbl__buf_free(&nat);
    return nbl__xw_user_options(w, lco, 0);
}

/* Creation options of a per-layer data set of the driver. */
static char **
files_lco(const nbl__xwriter *w)
{
    char **lco = NULL;
    if (strcmp(w->driver, "ESRI Shapefile") == 0)
        lco = CSLSetNameValue(lco, "ENCODING", "UTF-8");
    else if (strcmp(w->driver, "CSV") == 0)
        lco = CSLSetNameValue(lco, "GEOMETRY", "AS_WKT");
    return nbl__xw_user_options(w, lco, 0);
}

/* Registers the side files the driver wrote beside a layer's temporary
 * data set (.shx, .dbf, .prj, .cpg of a Shapefile): every file of the
 * folder named <tmp base>.* other than the data set itself. */
static int
register_side_files(nbl__xwriter *w, const nbl__xlayer *l)
{
    const char *dir = w->job->opts->dir;
    nbl__buf pre = {0};
    DIR *d;
    struct dirent *e;
    int rc = NBL_OK;
    nbl__buf_printf(&pre, ".nbltmp%ld.%s%s.", (long)getpid(), l->name,
                    w->out.infix);
    if (!pre.s || !(d = opendir(dir))) {
        nbl__buf_free(&pre);
        return nbl__error(nbl_ws_ctx(w->ws), NBL_EIO, "%s: cannot list", dir);
    }
    while (rc == NBL_OK && (e = readdir(d)) != NULL) {
        size_t pl = strlen(pre.s);
        const char *ext = e->d_name + pl;
        if (strncmp(e->d_name, pre.s, pl) != 0 || strcmp(ext, w->ext) == 0 ||
            strcmp(ext, "qml") == 0)
            continue;
        if (!out_add(&w->out, dir, l->name, ext))
            rc = nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
    }
    closedir(d);
    nbl__buf_free(&pre);
    return rc;
}

/* Creates a data set; dsco: the driver's own options (taken). */
static GDALDatasetH
create_dataset(nbl__xwriter *w, const char *tmp, char **dsco)
{
    GDALDatasetH ds;
    dsco = nbl__xw_user_options(w, dsco, 1);
    ds = GDALCreate(w->drv, tmp, 0, 0, 0, GDT_Unknown, dsco);
    CSLDestroy(dsco);
    return ds;
}

/* One layer as its own data set <layer>.<ext> with its style. */
static int
write_layer_file(nbl__xwriter *w, nbl__xlayer *l, char **lco)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    const char *tmp = out_add(&w->out, w->job->opts->dir, l->name, w->ext);
    const char *final;
    char **names = NULL;
    GDALDatasetH ds;
    int rc = NBL_OK;
    if (!tmp)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    final = w->out.f[w->out.n - 1].final;
    if (w->short_names) {
        const char **full = nbl__xw_field_names(l);
        names =
            full ? nbl__fieldnames_short(full, (size_t)l->nfields, SHP_NAME_MAX)
                 : NULL;
        free(full);
        if (!names)
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    if (!(ds = create_dataset(w, tmp, NULL)))
        rc = nbl__xw_fail(w, final, "cannot create");
    if (rc == NBL_OK)
        rc = nbl__xw_layer(w, ds, final, l, lco, names);
    if (ds)
        GDALClose(ds);
    if (rc == NBL_OK && w->gdal_msg[0])
        rc = nbl__xw_fail(w, final, "write failed");
    if (rc == NBL_OK)
        rc = register_side_files(w, l);
    NBL_FAULT_MARK("qml", 1); /* the first layer's: the fault test tries */
    if (rc == NBL_OK)         /* each allocation */
        rc = write_qml(w, l, names);
    NBL_FAULT_MARK("qml", 0);
    nbl__fieldnames_free(names, names ? (size_t)l->nfields : 0);
    return rc;
}

int
nbl__xw_write_geojson(nbl__xwriter *w, nbl__xlayer *layers, size_t n)
{
    int rc = NBL_OK;
    for (size_t i = 0; i < n && rc == NBL_OK; i++) {
        char **lco = geojson_lco(w, &layers[i]);
        rc = lco ? write_layer_file(w, &layers[i], lco)
                 : nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
        CSLDestroy(lco);
    }
    return rc;
}

int
nbl__xw_write_files(nbl__xwriter *w, nbl__xlayer *layers, size_t n)
{
    int rc = NBL_OK;
    for (size_t i = 0; i < n && rc == NBL_OK; i++) {
        char **lco = files_lco(w);
        rc = write_layer_file(w, &layers[i], lco);
        CSLDestroy(lco);
    }
    return rc;
}

static int
gpkg_styles(nbl__xwriter *w, GDALDatasetH ds, const char *path,
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
    int rc = NBL_OK, y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, has_now;
    if (!lyr)
        return nbl__xw_fail(w, path, "cannot create layer_styles");
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(
            cols[i], i == 7 ? OFTInteger : (i == 11 ? OFTDateTime : OFTString));
        if (i == 7)
            OGR_Fld_SetSubType(fd, OFSTBoolean);
        if (OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE)
            rc = nbl__xw_fail(w, path, "cannot create layer_styles");
        OGR_Fld_Destroy(fd);
        if (rc)
            return rc;
    }
    nbl__store_export_now(now);
    has_now = sscanf(now, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se) == 6;
    for (size_t i = 0; i < n && rc == NBL_OK; i++) {
        const char *const *extra = nbl__qgis_extra_styles(layers[i].name);
        for (int s = -1; rc == NBL_OK && (s < 0 || (extra && extra[s])); s++) {
            const char *sname = s < 0 ? NULL : extra[s];
            char *qml;
            OGRFeatureH ft;
            if ((rc = nbl__xw_qml(w, &layers[i], sname, NULL, &qml)) || !qml)
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
            if (has_now)
                OGR_F_SetFieldDateTime(ft, 11, y, mo, d, h, mi, se, 100);
            if (OGR_L_CreateFeature(lyr, ft) != OGRERR_NONE)
                rc = nbl__xw_fail(w, path, "cannot write layer_styles");
            OGR_F_Destroy(ft);
            free(qml);
        }
    }
    return rc;
}

/* The workspace's provenance as the data set's metadata. */
static int
single_provenance(nbl__xwriter *w, GDALDatasetH ds, const char *final)
{
    char *provs = nbl__xw_provenance(w, NULL);
    int rc = NBL_OK;
    if (!provs)
        rc = nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
    else if (GDALSetMetadataItem(ds, "NABOLAG_PROVENANCE", provs, NULL) !=
             CE_None)
        rc = nbl__xw_fail(w, final, "cannot write metadata");
    free(provs);
    return rc;
}

int
nbl__xw_write_single(nbl__xwriter *w, nbl__xlayer *layers, size_t n)
{
    nbl_ctx *ctx = nbl_ws_ctx(w->ws);
    int gpkg = strcmp(w->driver, "GPKG") == 0;
    const char *tmp = out_add(&w->out, w->job->opts->dir, "nabolag", w->ext);
    const char *final;
    GDALDatasetH ds;
    char now[32];
    int rc = NBL_OK;
    if (!tmp)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    final = w->out.f[w->out.n - 1].final;
    /* gpkg_contents.last_change from our clock (SOURCE_DATE_EPOCH), so the
     * file is reproducible. */
    nbl__store_export_now(now);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", now);
    ds = create_dataset(w, tmp, NULL);
    if (!ds) {
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
        return nbl__xw_fail(w, final, "cannot create");
    }
    for (size_t i = 0; i < n && rc == NBL_OK; i++) {
        char **lco = NULL;
        if (gpkg) {
            lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
            lco = CSLSetNameValue(lco, "IDENTIFIER", layers[i].title);
            lco = CSLSetNameValue(lco, "SPATIAL_INDEX", "YES");
        }
        lco = nbl__xw_user_options(w, lco, 0);
        rc = nbl__xw_layer(w, ds, final, &layers[i], lco, NULL);
        CSLDestroy(lco);
    }
    if (rc == NBL_OK && gpkg)
        rc = gpkg_styles(w, ds, final, layers, n);
    if (rc == NBL_OK)
        rc = single_provenance(w, ds, final);
    GDALClose(ds);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    if (rc == NBL_OK && w->gdal_msg[0])
        rc = nbl__xw_fail(w, final, "write failed");
    return rc;
}

int
nbl__xw_check_files(nbl__xwriter *w, const nbl__xlayer *layers, size_t n)
{
    const nbl_export_opts *opts = w->job->opts;
    nbl__xoutset probe = {0};
    int ok = 1, rc;
    probe.infix = w->out.infix;
    if (w->kind == NBL__XW_SINGLE)
        ok = out_add(&probe, opts->dir, "nabolag", w->ext) != NULL;
    else
        for (size_t i = 0; ok && i < n; i++)
            ok = out_add(&probe, opts->dir, layers[i].name, w->ext) &&
                 out_add(&probe, opts->dir, layers[i].name, "qml");
    ok = ok && nbl__xw_outset_add(&probe, opts->dir, "nabolag.qgs");
    rc = ok ? nbl__xw_check_exists(nbl_ws_ctx(w->ws), &probe, opts->overwrite)
            : nbl__error(nbl_ws_ctx(w->ws), NBL_ENOMEM, "out of memory");
    nbl__xw_outset_free(&probe, 0);
    return rc;
}

/* The maplayer element of layer `name` in a project: [*b, *e). */
static int
maplayer_span(const char *qgs, const char *name, const char **b, const char **e)
{
    char id[160];
    const char *at, *p;
    snprintf(id, sizeof id, "<id>nabolag_%s</id>", name);
    if (!(at = strstr(qgs, id)))
        return 0;
    for (p = at; p > qgs && strncmp(p, "<maplayer ", 10) != 0; p--)
        ;
    if (!(*e = strstr(at, "</maplayer>")))
        return 0;
    *b = p;
    *e += strlen("</maplayer>");
    return 1;
}

/* One layer's element of the project with its short field names. */
static int
shorten_layer(nbl__buf *out, const char *block, size_t len,
              const nbl__xlayer *l)
{
    const char **full = nbl__xw_field_names(l);
    char **names = NULL, *part = NULL, *r = NULL;
    int ok = 0;
    if (full)
        names = nbl__fieldnames_short(full, (size_t)l->nfields, SHP_NAME_MAX);
    if (names && (part = malloc(len + 1))) {
        memcpy(part, block, len);
        part[len] = '\0';
        r = nbl__fieldnames_qml(part, full, names, (size_t)l->nfields);
    }
    ok = r && nbl__buf_append(out, r, strlen(r)) == 0;
    free(r);
    free(part);
    nbl__fieldnames_free(names, names ? (size_t)l->nfields : 0);
    free(full);
    return ok;
}

char *
nbl__xw_short_project(const char *qgs, const nbl__xlayer *layers, size_t n)
{
    nbl__buf out = {0};
    const char *p = qgs;
    int ok = 1;
    /* the layers' elements come in the order of `layers` */
    for (size_t i = 0; ok && i < n; i++) {
        const char *b, *e;
        if (!maplayer_span(p, layers[i].name, &b, &e))
            continue;
        ok = nbl__buf_append(&out, p, (size_t)(b - p)) == 0 &&
             shorten_layer(&out, b, (size_t)(e - b), &layers[i]);
        p = e;
    }
    if (ok)
        ok = nbl__buf_append(&out, p, strlen(p)) == 0;
    if (!ok) {
        nbl__buf_free(&out);
        return NULL;
    }
    return out.s;
}
