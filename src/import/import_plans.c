/*
 * import_plans.c - reading plans (helhedsplaner) through OGR: a CSV file
 * (OGR's CSV driver; all fields read as text and parsed here) with
 * `plan_id, name, start_year, end_year, areas` and optional
 * `target.<indicator>` columns, or any vector source with polygons and the
 * same attributes except `areas` - then a plan covers the areas with at
 * least half of their area inside its polygon. Polygons are transformed to
 * the working CRS. All plans are stored in one transaction.
 */
#include "nabolag/plans.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "import/csvread.h"
#include "util/ctx.h"
#include "store/store.h"
#include "store/store_plans.h"
#include "util/util.h"

/* Indicators a target may name: the criteria, the safety index and its
 * sub-indices; profile indicators are accepted too (checked by name
 * syntax only, since they are declared in configuration). */
static int
valid_indicator_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

static int
field_text(OGRFeatureH f, int idx, const char **out)
{
    *out = NULL;
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx))
        return 0;
    *out = OGR_F_GetFieldAsString(f, idx);
    while (**out == ' ')
        (*out)++;
    return **out != '\0';
}

/* Reads one feature into rec; where = "file:line" or "file: feature N". */
static int
read_feature(nbl_ctx *ctx, OGRFeatureH f, OGRFeatureDefnH defn,
             const int idx[5], nbl__plan_rec *rec, int is_csv)
{
    const char *v;
    long y;
    int n_fields = OGR_FD_GetFieldCount(defn);
    static const char *names[] = {"plan_id", "name", "start_year", "end_year",
                                  "areas"};

    if (!field_text(f, idx[0], &v))
        return nbl__error(ctx, NBL_EDATA, "%s: column 'plan_id': empty",
                          rec->where);
    rec->plan_id = nbl__strdup(v);
    if (!rec->plan_id)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    if (field_text(f, idx[1], &v) && !(rec->name = nbl__strdup(v)))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    for (int k = 2; k <= 3; k++) {
        if (!field_text(f, idx[k], &v) || !nbl__parse_long(v, &y) || y < 1900 ||
            y > 2200)
            return nbl__error(ctx, NBL_EDATA,
                              "%s: column '%s': not a year: '%s'", rec->where,
                              names[k], v ? v : "");
        if (k == 2)
            rec->start_year = (int)y;
        else
            rec->end_year = (int)y;
    }
    if (rec->end_year < rec->start_year)
        return nbl__error(ctx, NBL_EDATA,
                          "%s: column 'end_year': %d is before start_year %d",
                          rec->where, rec->end_year, rec->start_year);
    if (is_csv) {
        char *dup, *save = NULL;
        if (!field_text(f, idx[4], &v))
            return nbl__error(ctx, NBL_EDATA, "%s: column 'areas': no area ids",
                              rec->where);
        dup = nbl__strdup(v);
        rec->areas = calloc(strlen(v) + 1, sizeof(char *));
        if (!dup || !rec->areas) {
            free(dup);
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        }
        for (char *t = strtok_r(dup, "|", &save); t;
             t = strtok_r(NULL, "|", &save)) {
            char *e;
            while (*t == ' ')
                t++;
            e = t + strlen(t);
            while (e > t && e[-1] == ' ')
                *--e = '\0';
            if (*t && !(rec->areas[rec->n_areas++] = nbl__strdup(t))) {
                free(dup);
                return nbl__error(ctx, NBL_ENOMEM, "out of memory");
            }
        }
        free(dup);
        if (rec->n_areas == 0)
            return nbl__error(ctx, NBL_EDATA, "%s: column 'areas': no area ids",
                              rec->where);
    }
    rec->target_ind = calloc((size_t)n_fields + 1, sizeof(char *));
    rec->target = calloc((size_t)n_fields + 1, sizeof(double));
    if (!rec->target_ind || !rec->target)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    for (int i = 0; i < n_fields; i++) {
        const char *fname = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        double t;
        if (strncmp(fname, "target.", 7) != 0 &&
            strncmp(fname, "target_", 7) != 0)
            continue;
        if (!field_text(f, i, &v))
            continue; /* no target for this plan */
        if (!valid_indicator_name(fname + 7))
            return nbl__error(ctx, NBL_EDATA,
                              "%s: column '%s': not an indicator name",
                              rec->where, fname);
        if (!nbl__parse_double(v, '.', &t))
            return nbl__error(ctx, NBL_EDATA,
                              "%s: column '%s': not a number: '%s'", rec->where,
                              fname, v);
        rec->target_ind[rec->n_targets] = nbl__strdup(fname + 7);
        if (!rec->target_ind[rec->n_targets])
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        rec->target[rec->n_targets++] = t;
    }
    return NBL_OK;
}

/* A CSV plans table converted to UTF-8 in memory when it is Windows-1252
 * (OGR's CSV driver takes bytes as they are); vsi names it, "" if none. */
static int
csv_to_vsimem(nbl_ctx *ctx, const char *src, char vsi[80])
{
    char *text, head[4] = {0};
    size_t len;
    const char *enc, *kind;
    VSILFILE *fp;
    FILE *f = fopen(src, "rb");
    size_t got = f ? fread(head, 1, sizeof head, f) : 0;
    int rc;
    if (f)
        fclose(f);
    kind = nbl__csv_sniff(head, got);
    if (!f || (kind && strcmp(kind, "zip") == 0))
        return NBL_OK; /* OGR says why it cannot open it / a workbook */
    if ((rc = nbl__text_utf8(ctx, src, &text, &len, &enc)))
        return rc;
    if (strcmp(enc, "windows-1252") != 0) {
        free(text);
        return NBL_OK;
    }
    snprintf(vsi, 80, "/vsimem/nbl_plans_%p.csv", (void *)text);
    fp = VSIFileFromMemBuffer(vsi, (GByte *)text, (vsi_l_offset)len, TRUE);
    if (!fp) {
        free(text);
        vsi[0] = '\0';
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    VSIFCloseL(fp);
    nbl__info(ctx, "%s: read as Windows-1252 text (converted to UTF-8)", src);
    return NBL_OK;
}

/* Opens the plans source: any GDAL vector source or table (a CSV through
 * the same encoding detection as the statistics, an .xlsx/.ods sheet). */
static int
open_plans(nbl_ctx *ctx, const char *src, GDALDatasetH *ds, char vsi[80])
{
    static const char *const csv_opts[] = {"AUTODETECT_TYPE=NO",
                                           "KEEP_GEOM_COLUMNS=NO", NULL};
    size_t n = strlen(src);
    int rc;
    vsi[0] = '\0';
    *ds = NULL;
    if (n > 4 && nbl__strieq(src + n - 4, ".csv") &&
        (rc = csv_to_vsimem(ctx, src, vsi)))
        return rc;
    *ds = GDALOpenEx(vsi[0] ? vsi : src, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                     NULL, csv_opts, NULL);
    if (!*ds)
        return nbl__error(ctx, NBL_EIO, "%s: cannot open: %s", src,
                          CPLGetLastErrorMsg());
    return NBL_OK;
}

int
nbl_plans_import(nbl_ws *ws, const char *src, nbl_plans_summary *out)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    GDALDatasetH ds;
    OGRLayerH lyr;
    OGRFeatureDefnH defn;
    OGRFeatureH f;
    OGRCoordinateTransformationH ct = NULL;
    OGRSpatialReferenceH dst = NULL;
    nbl__plan_rec *recs = NULL;
    int n = 0, cap = 0, rc = NBL_OK, idx[5], is_csv;
    static const char *names[] = {"plan_id", "name", "start_year", "end_year",
                                  "areas"};
    char vsi[80];

    memset(out, 0, sizeof *out);
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if ((rc = open_plans(ctx, src, &ds, vsi)))
        goto done;
    if (GDALDatasetGetLayerCount(ds) != 1) {
        rc = nbl__error(ctx, NBL_EFORMAT,
                        "%s: expected one layer of plans, found %d", src,
                        GDALDatasetGetLayerCount(ds));
        goto done;
    }
    lyr = GDALDatasetGetLayer(ds, 0);
    defn = OGR_L_GetLayerDefn(lyr);
    is_csv = OGR_FD_GetGeomFieldCount(defn) == 0;
    for (int k = 0; k < 5; k++) {
        idx[k] = OGR_FD_GetFieldIndex(defn, names[k]);
        if (idx[k] < 0 && (k != 4 || is_csv) && k != 1) {
            rc = nbl__error(ctx, NBL_EFORMAT, "%s: no column '%s'%s", src,
                            names[k],
                            k == 4 ? " (a CSV plan lists its area ids, "
                                     "separated by '|')"
                                   : "");
            goto done;
        }
    }
    if (!is_csv) {
        OGRSpatialReferenceH s = OGR_L_GetSpatialRef(lyr);
        if (!s) {
            rc = nbl__error(ctx, NBL_ECRS,
                            "%s: the plan polygons have no coordinate "
                            "reference system",
                            src);
            goto done;
        }
        dst = OSRNewSpatialReference(NULL);
        OSRImportFromEPSG(dst, nbl_ws_srid(ws));
        OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
        {
            OGRSpatialReferenceH sc = OSRClone(s);
            OSRSetAxisMappingStrategy(sc, OAMS_TRADITIONAL_GIS_ORDER);
            ct = OCTNewCoordinateTransformation(sc, dst);
            OSRDestroySpatialReference(sc);
        }
        if (!ct) {
            rc = nbl__error(ctx, NBL_ECRS, "%s: cannot transform to EPSG:%d",
                            src, nbl_ws_srid(ws));
            goto done;
        }
    }
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        nbl__plan_rec *r;
        nbl__buf where = {0};
        if (n == cap) {
            nbl__plan_rec *nr;
            cap = cap ? cap * 2 : 8;
            nr = realloc(recs, (size_t)cap * sizeof *recs);
            if (!nr) {
                OGR_F_Destroy(f);
                rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
                goto done;
            }
            recs = nr;
        }
        r = &recs[n++];
        memset(r, 0, sizeof *r);
        /* OGR's CSV FIDs count data rows from 1: line = FID + 1 */
        if (is_csv)
            nbl__buf_printf(&where, "%s:%lld", src,
                            (long long)OGR_F_GetFID(f) + 1);
        else
            nbl__buf_printf(&where, "%s: feature %lld", src,
                            (long long)OGR_F_GetFID(f));
        r->where = where.s;
        rc = read_feature(ctx, f, defn, idx, r, is_csv);
        if (rc == NBL_OK && !is_csv) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            OGRwkbGeometryType t =
                g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
            if (!g || OGR_G_IsEmpty(g) ||
                (t != wkbPolygon && t != wkbMultiPolygon)) {
                rc = nbl__error(ctx, NBL_EDATA, "%s: plan '%s': not a polygon",
                                r->where, r->plan_id);
            } else {
                OGRGeometryH c = OGR_G_Clone(g);
                unsigned char *wkb;
                int len;
                long partial = 0;
                OGR_G_FlattenTo2D(c);
                if (OGR_G_Transform(c, ct) != OGRERR_NONE) {
                    rc = nbl__error(ctx, NBL_ECRS,
                                    "%s: plan '%s': cannot transform", r->where,
                                    r->plan_id);
                } else {
                    len = OGR_G_WkbSize(c);
                    wkb = len > 0 ? malloc((size_t)len) : NULL;
                    if (!wkb)
                        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
                    else if (OGR_G_ExportToWkb(c, wkbNDR, wkb) != OGRERR_NONE)
                        rc = nbl__error(ctx, NBL_EDATA,
                                        "%s: plan '%s': cannot encode the "
                                        "polygon",
                                        r->where, r->plan_id);
                    else
                        rc = nbl__store_plans_areas_in(
                            ws, wkb, (size_t)len, 0.5, &r->areas, &r->shares,
                            &r->n_areas, &partial);
                    free(wkb);
                    out->partial_areas += partial;
                    if (rc == NBL_OK && r->n_areas == 0)
                        rc = nbl__error(ctx, NBL_EDATA,
                                        "%s: plan '%s': no area lies at "
                                        "least half inside its polygon",
                                        r->where, r->plan_id);
                    if (rc == NBL_OK && partial)
                        nbl__warn(ctx,
                                  "%s: plan '%s': %ld area(s) lie less than "
                                  "half inside and are not covered",
                                  r->where, r->plan_id, partial);
                }
                OGR_G_DestroyGeometry(c);
            }
        }
        OGR_F_Destroy(f);
        if (rc)
            goto done;
    }
    if (n == 0) {
        rc = nbl__error(ctx, NBL_EDATA, "%s: no plans", src);
        goto done;
    }
    if ((rc = nbl__store_begin(ws)))
        goto done;
    rc = nbl__store_plans_write(ws, recs, n, src);
    for (int i = 0; rc == NBL_OK && i < n; i++) {
        out->plans++;
        out->plan_areas += recs[i].n_areas;
        out->targets += recs[i].n_targets;
    }
    if (rc == NBL_OK)
        rc = nbl__store_log_run(ws, "plans", src, n, n, 0, -1, NULL);
    if (rc == NBL_OK)
        rc = nbl__store_commit(ws);
    if (rc)
        nbl__store_rollback(ws);
done:
    for (int i = 0; i < n; i++)
        nbl__plan_rec_clear(&recs[i]);
    free(recs);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (dst)
        OSRDestroySpatialReference(dst);
    if (ds)
        GDALClose(ds);
    if (vsi[0])
        VSIUnlink(vsi);
    CPLPopErrorHandler();
    return rc;
}
