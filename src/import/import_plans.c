/*
 * import_plans.c - reading plans (helhedsplaner). A table - a CSV file
 * (through the shared CSV reader: delimiter, BOM, UTF-8 or Windows-1252,
 * empty rows) or a workbook sheet (.xlsx/.ods through GDAL, rowsrc.c) -
 * has `plan_id, name, start_year, end_year, areas` and optional
 * `target.<indicator>` columns. Any other vector source (and a CSV with a
 * WKT column) is read through OGR: polygons with the same attributes
 * except `areas`, and a plan covers the areas with at least half of their
 * area inside its polygon (transformed to the working CRS). Both kinds of
 * row become the same text row (struct prow) and are parsed alike. All
 * plans are stored in one transaction.
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
#include "import/rowsrc.h"
#include "store/store.h"
#include "store/store_plans.h"
#include "util/ctx.h"
#include "util/i18n.h"
#include "util/util.h"

enum { C_ID, C_NAME, C_START, C_END, C_AREAS, N_COLS };
static const char *const col_names[N_COLS] = {"plan_id", "name", "start_year",
                                              "end_year", "areas"};

/* One plan as text, from a table row or an OGR feature. */
struct prow {
    int n;
    const char *const *names;   /* column names */
    const char *const *vals;    /* the texts; NULL or "" = empty */
    const unsigned char *typed; /* workbook: 1 = a number cell; may be NULL */
    char delimiter; /* the CSV's delimiter; 0 for a workbook or OGR */
    const int *idx; /* [N_COLS] column of each field, -1 = none */
    int with_areas; /* a table: the areas column lists the area ids */
};

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

/* The text of column i (leading spaces skipped), NULL when empty. */
static const char *
cell(const struct prow *r, int i)
{
    const char *v = i >= 0 && i < r->n ? r->vals[i] : NULL;
    while (v && *v == ' ')
        v++;
    return v && *v ? v : NULL;
}

/* plan_id, name and the period. */
static int
parse_head(nbl_ctx *ctx, const struct prow *r, nbl__plan_rec *rec)
{
    const char *v = cell(r, r->idx[C_ID]);
    long y;
    if (!v)
        return nbl__error(ctx, NBL_EDATA, "%s: column 'plan_id': empty",
                          rec->where);
    if (!(rec->plan_id = nbl__strdup(v)))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    if ((v = cell(r, r->idx[C_NAME])) && !(rec->name = nbl__strdup(v)))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    for (int k = C_START; k <= C_END; k++) {
        v = cell(r, r->idx[k]);
        if (!v || !nbl__parse_long(v, &y) || y < 1900 || y > 2200)
            return nbl__error(ctx, NBL_EDATA,
                              "%s: column '%s': not a year: '%s'", rec->where,
                              col_names[k], v ? v : "");
        *(k == C_START ? &rec->start_year : &rec->end_year) = (int)y;
    }
    if (rec->end_year < rec->start_year)
        return nbl__error(ctx, NBL_EDATA,
                          "%s: column 'end_year': %d is before start_year %d",
                          rec->where, rec->end_year, rec->start_year);
    return NBL_OK;
}

/* The '|'-separated area ids of a table row. */
static int
parse_areas(nbl_ctx *ctx, const struct prow *r, nbl__plan_rec *rec)
{
    const char *v = cell(r, r->idx[C_AREAS]);
    char *dup, *save = NULL;
    if (!v)
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
    return NBL_OK;
}

/* A target level: '.' decimals; in a ';' file and in a workbook's text
 * cells also the decimal comma (Danish Excel). */
static int
parse_level(const struct prow *r, int i, const char *v, double *out)
{
    int comma_ok =
        r->delimiter == ';' || (r->delimiter == 0 && r->typed && !r->typed[i]);
    return nbl__parse_double(v, '.', out) ||
           (comma_ok && nbl__parse_double(v, ',', out));
}

/* The target.<indicator> (or target_<indicator>) columns. */
static int
parse_targets(nbl_ctx *ctx, const struct prow *r, nbl__plan_rec *rec)
{
    rec->target_ind = calloc((size_t)r->n + 1, sizeof(char *));
    rec->target = calloc((size_t)r->n + 1, sizeof(double));
    if (!rec->target_ind || !rec->target)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    for (int i = 0; i < r->n; i++) {
        const char *fname = r->names[i], *v;
        double t;
        if (strncmp(fname, "target.", 7) != 0 &&
            strncmp(fname, "target_", 7) != 0)
            continue;
        if (!(v = cell(r, i)))
            continue; /* no target for this plan */
        if (!valid_indicator_name(fname + 7))
            return nbl__error(ctx, NBL_EDATA,
                              "%s: column '%s': not an indicator name",
                              rec->where, fname);
        if (!parse_level(r, i, v, &t))
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

/* One row into rec (rec->where is set). */
static int
parse_row(nbl_ctx *ctx, const struct prow *r, nbl__plan_rec *rec)
{
    int rc = parse_head(ctx, r, rec);
    if (rc == NBL_OK && r->with_areas)
        rc = parse_areas(ctx, r, rec);
    return rc ? rc : parse_targets(ctx, r, rec);
}

/* The column of each field; a missing required one is an error. */
static int
find_columns(nbl_ctx *ctx, const char *src, const char *const *names, int n,
             int with_areas, int idx[N_COLS])
{
    for (int k = 0; k < N_COLS; k++) {
        idx[k] = -1;
        for (int i = 0; i < n && idx[k] < 0; i++)
            if (nbl__strieq(names[i], col_names[k]))
                idx[k] = i;
        if (idx[k] < 0 && k != C_NAME && (k != C_AREAS || with_areas))
            return nbl__error(ctx, NBL_EFORMAT, "%s: no column '%s'%s", src,
                              col_names[k],
                              k == C_AREAS ? " (a CSV plan lists its area ids, "
                                             "separated by '|')"
                                           : "");
    }
    return NBL_OK;
}

/* The plans read so far. */
struct plans {
    nbl__plan_rec *recs;
    int n, cap;
};

/* A new zeroed record named where (copied); NULL when out of memory. */
static nbl__plan_rec *
plans_add(struct plans *p, const char *where)
{
    nbl__plan_rec *r;
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 8;
        nbl__plan_rec *nr = realloc(p->recs, (size_t)cap * sizeof *nr);
        if (!nr)
            return NULL;
        p->recs = nr;
        p->cap = cap;
    }
    r = &p->recs[p->n];
    memset(r, 0, sizeof *r);
    if (!(r->where = nbl__strdup(where)))
        return NULL;
    p->n++;
    return r;
}

static void
plans_free(struct plans *p)
{
    for (int i = 0; i < p->n; i++)
        nbl__plan_rec_clear(&p->recs[i]);
    free(p->recs);
}

/* ---- tables: CSV and workbook sheets ------------------------------------ */

#define USE_OGR 1 /* the header has a WKT column: a CSV of polygons */

struct table {
    nbl_ctx *ctx;
    const char *src;
    struct plans *plans;
    nbl__rowsrc_info *info;
    char **names; /* the header */
    int n, idx[N_COLS];
};

static int
table_header(struct table *t, const nbl__csv_row *row)
{
    if (!(t->names = calloc(row->n, sizeof *t->names)))
        return nbl__error(t->ctx, NBL_ENOMEM, "out of memory");
    t->n = (int)row->n;
    for (size_t i = 0; i < row->n; i++) {
        if (!(t->names[i] = nbl__strdup(row->fields[i])))
            return nbl__error(t->ctx, NBL_ENOMEM, "out of memory");
        if (row->delimiter && nbl__strieq(row->fields[i], "WKT"))
            return USE_OGR;
    }
    return find_columns(t->ctx, t->src, (const char *const *)t->names, t->n, 1,
                        t->idx);
}

static int
table_row(const nbl__csv_row *row, void *arg)
{
    struct table *t = arg;
    struct prow r;
    nbl__plan_rec *rec;
    char where[512];
    if (row->index == 0)
        return table_header(t, row);
    nbl__rowsrc_where(t->info, t->src, row->line, where, sizeof where);
    if (!(rec = plans_add(t->plans, where)))
        return nbl__error(t->ctx, NBL_ENOMEM, "out of memory");
    r = (struct prow){(int)row->n < t->n ? (int)row->n : t->n,
                      (const char *const *)t->names,
                      row->fields,
                      row->typed,
                      row->delimiter,
                      t->idx,
                      1};
    return parse_row(t->ctx, &r, rec);
}

/* Reads a table; USE_OGR when it is a CSV of polygons. */
static int
read_table(nbl_ctx *ctx, const char *src, const char *sheet,
           struct plans *plans)
{
    nbl__rowsrc rs = {0};
    nbl__rowsrc_info info;
    struct table t = {0};
    int rc;
    rs.path = src;
    rs.sheet = sheet;
    rs.raw = 1;
    t.ctx = ctx;
    t.src = src;
    t.plans = plans;
    t.info = &info;
    rc = nbl__rowsrc_read(ctx, &rs, table_row, &t, &info);
    for (int i = 0; i < t.n; i++)
        free(t.names[i]);
    free(t.names);
    if (rc == NBL_OK && info.encoding &&
        strcmp(info.encoding, "windows-1252") == 0)
        nbl__info(ctx, "%s: read as Windows-1252 text (converted to UTF-8)",
                  src);
    return rc;
}

/* ---- polygons through OGR ----------------------------------------------- */

/* A CSV plans table converted to UTF-8 in memory when it is Windows-1252
 * (OGR's CSV driver takes bytes as they are); vsi names it, "" if none. */
static int
csv_to_vsimem(nbl_ctx *ctx, const char *src, char vsi[80])
{
    char *text;
    size_t len;
    const char *enc;
    VSILFILE *fp;
    int rc;
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

/* The OGR side of a read: the dataset, its layer and the transformation
 * to the working CRS. */
struct ogrsrc {
    GDALDatasetH ds;
    OGRLayerH lyr;
    OGRCoordinateTransformationH ct;
    char vsi[80];
};

static void
ogrsrc_close(struct ogrsrc *o)
{
    if (o->ct)
        OCTDestroyCoordinateTransformation(o->ct);
    if (o->ds)
        GDALClose(o->ds);
    if (o->vsi[0])
        VSIUnlink(o->vsi);
}

/* Opens the source (one layer) and, when it has geometries, the
 * transformation from its CRS to the working CRS. */
static int
ogr_open(nbl_ws *ws, const char *src, struct ogrsrc *o)
{
    static const char *const csv_opts[] = {"AUTODETECT_TYPE=NO",
                                           "KEEP_GEOM_COLUMNS=NO", NULL};
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    OGRSpatialReferenceH s, sc, dst;
    size_t n = strlen(src);
    int rc;
    if (n > 4 && nbl__strieq(src + n - 4, ".csv") &&
        (rc = csv_to_vsimem(ctx, src, o->vsi)))
        return rc;
    o->ds = GDALOpenEx(o->vsi[0] ? o->vsi : src,
                       GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, csv_opts, NULL);
    if (!o->ds)
        return nbl__error(ctx, NBL_EIO, "%s: cannot open: %s", src,
                          CPLGetLastErrorMsg());
    if (GDALDatasetGetLayerCount(o->ds) != 1)
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: expected one layer of plans, found %d", src,
                          GDALDatasetGetLayerCount(o->ds));
    o->lyr = GDALDatasetGetLayer(o->ds, 0);
    if (OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(o->lyr)) == 0)
        return NBL_OK; /* a table: the areas column lists the ids */
    if (!(s = OGR_L_GetSpatialRef(o->lyr)))
        return nbl__error(ctx, NBL_ECRS,
                          "%s: the plan polygons have no coordinate "
                          "reference system",
                          src);
    dst = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(dst, nbl_ws_srid(ws));
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    sc = OSRClone(s);
    OSRSetAxisMappingStrategy(sc, OAMS_TRADITIONAL_GIS_ORDER);
    o->ct = OCTNewCoordinateTransformation(sc, dst);
    OSRDestroySpatialReference(sc);
    OSRDestroySpatialReference(dst);
    if (!o->ct)
        return nbl__error(ctx, NBL_ECRS, "%s: cannot transform to EPSG:%d", src,
                          nbl_ws_srid(ws));
    return NBL_OK;
}

/* The areas at least half inside the plan's polygon g. */
static int
polygon_areas(nbl_ws *ws, OGRGeometryH g, OGRCoordinateTransformationH ct,
              nbl__plan_rec *r, long *partial)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    OGRwkbGeometryType t =
        g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
    OGRGeometryH c;
    unsigned char *wkb = NULL;
    int len, rc = NBL_OK;
    if (!g || OGR_G_IsEmpty(g) || (t != wkbPolygon && t != wkbMultiPolygon))
        return nbl__error(ctx, NBL_EDATA, "%s: plan '%s': not a polygon",
                          r->where, r->plan_id);
    c = OGR_G_Clone(g);
    OGR_G_FlattenTo2D(c);
    if (OGR_G_Transform(c, ct) != OGRERR_NONE)
        rc = nbl__error(ctx, NBL_ECRS, "%s: plan '%s': cannot transform",
                        r->where, r->plan_id);
    else if ((len = OGR_G_WkbSize(c)) <= 0 || !(wkb = malloc((size_t)len)))
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
    else if (OGR_G_ExportToWkb(c, wkbNDR, wkb) != OGRERR_NONE)
        rc = nbl__error(ctx, NBL_EDATA,
                        "%s: plan '%s': cannot encode the polygon", r->where,
                        r->plan_id);
    else
        rc = nbl__store_plans_areas_in(ws, wkb, (size_t)len, 0.5, &r->areas,
                                       &r->shares, &r->n_areas, partial);
    free(wkb);
    OGR_G_DestroyGeometry(c);
    if (rc == NBL_OK && r->n_areas == 0)
        rc = nbl__error(ctx, NBL_EDATA,
                        "%s: plan '%s': no area lies at least half inside "
                        "its polygon",
                        r->where, r->plan_id);
    if (rc == NBL_OK && *partial)
        nbl__warn(ctx,
                  _n("%s: plan '%s': %ld area lies less than half inside and "
                     "is not covered",
                     "%s: plan '%s': %ld areas lie less than half inside and "
                     "are not covered",
                     *partial),
                  r->where, r->plan_id, *partial);
    return rc;
}

/* One feature: its attributes as a text row, then (o->ct: a polygon) the
 * areas inside it. */
static int
read_feature(nbl_ws *ws, const char *src, OGRFeatureH f,
             const char *const *names, const int idx[N_COLS],
             const struct ogrsrc *o, struct plans *plans, long *partial)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    int n = OGR_F_GetFieldCount(f), rc = NBL_OK;
    char **vals = calloc((size_t)n + 1, sizeof *vals), where[512];
    nbl__plan_rec *rec;
    snprintf(where, sizeof where, "%s: feature %lld", src,
             (long long)OGR_F_GetFID(f));
    if (!vals || !(rec = plans_add(plans, where))) {
        free(vals);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    /* GetFieldAsString's buffer is reused: keep copies */
    for (int i = 0; i < n && rc == NBL_OK; i++)
        if (OGR_F_IsFieldSetAndNotNull(f, i) &&
            !(vals[i] = nbl__strdup(OGR_F_GetFieldAsString(f, i))))
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
    if (rc == NBL_OK) {
        struct prow r = {n,   names, (const char *const *)vals, NULL, 0,
                         idx, !o->ct};
        rc = parse_row(ctx, &r, rec);
    }
    if (rc == NBL_OK && o->ct)
        rc = polygon_areas(ws, OGR_F_GetGeometryRef(f), o->ct, rec, partial);
    for (int i = 0; i < n; i++)
        free(vals[i]);
    free(vals);
    return rc;
}

/* Reads the plans of an OGR source: polygons, or a table with areas. */
static int
read_polygons(nbl_ws *ws, const char *src, struct plans *plans, long *partial)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    struct ogrsrc o = {0};
    OGRFeatureDefnH defn;
    OGRFeatureH f;
    const char **names = NULL;
    int idx[N_COLS], n, rc = ogr_open(ws, src, &o);
    if (rc == NBL_OK) {
        defn = OGR_L_GetLayerDefn(o.lyr);
        n = OGR_FD_GetFieldCount(defn);
        if (!(names = calloc((size_t)n + 1, sizeof *names)))
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
        for (int i = 0; rc == NBL_OK && i < n; i++)
            names[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        if (rc == NBL_OK)
            rc = find_columns(ctx, src, names, n, !o.ct, idx);
        OGR_L_ResetReading(o.lyr);
    }
    while (rc == NBL_OK && (f = OGR_L_GetNextFeature(o.lyr)) != NULL) {
        long part = 0;
        rc = read_feature(ws, src, f, names, idx, &o, plans, &part);
        *partial += part;
        OGR_F_Destroy(f);
    }
    free(names);
    ogrsrc_close(&o);
    return rc;
}

/* ---- the import ---------------------------------------------------------- */

/* 'w' a workbook (by its extension, or a zip not called .zip: GDAL's
 * /vsizip/ reads those), 'c' a CSV file, 'o' anything else (OGR). */
static char
source_kind(const char *src)
{
    char head[4] = {0};
    size_t n = strlen(src), got;
    FILE *f;
    if (nbl__workbook_ext(src))
        return 'w';
    if ((f = fopen(src, "rb")) != NULL) {
        got = fread(head, 1, sizeof head, f);
        fclose(f);
        if (got == 4 && memcmp(head, "PK\x03\x04", 4) == 0 &&
            !(n > 4 && nbl__strieq(src + n - 4, ".zip")))
            return 'w';
    }
    return n > 4 && nbl__strieq(src + n - 4, ".csv") ? 'c' : 'o';
}

/* Stores the plans in one transaction and counts them into out. */
static int
store_plans(nbl_ws *ws, const char *src, const struct plans *p,
            nbl_plans_summary *out)
{
    int rc;
    if (p->n == 0)
        return nbl__error(nbl_ws_ctx(ws), NBL_EDATA, "%s: no plans", src);
    if ((rc = nbl__store_begin(ws)))
        return rc;
    rc = nbl__store_plans_write(ws, p->recs, p->n, src);
    for (int i = 0; rc == NBL_OK && i < p->n; i++) {
        out->plans++;
        out->plan_areas += p->recs[i].n_areas;
        out->targets += p->recs[i].n_targets;
    }
    if (rc == NBL_OK)
        rc = nbl__store_log_run(ws, "plans", src, p->n, p->n, 0, -1, NULL);
    if (rc == NBL_OK)
        rc = nbl__store_commit(ws);
    if (rc)
        nbl__store_rollback(ws);
    return rc;
}

int
nbl_plans_import_sheet(nbl_ws *ws, const char *src, const char *sheet,
                       nbl_plans_summary *out)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    struct plans p = {0};
    int rc = USE_OGR;
    char kind;
    memset(out, 0, sizeof *out);
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    kind = source_kind(src);
    if (sheet && *sheet && kind != 'w') {
        rc = nbl__error(ctx, NBL_EINVAL,
                        "%s: a sheet is named, but this is not a workbook "
                        "(.xlsx, .ods)",
                        src);
    } else if (kind != 'o') {
        rc = read_table(ctx, src, sheet, &p);
        if (rc == USE_OGR) { /* a CSV of polygons: start again with OGR */
            plans_free(&p);
            memset(&p, 0, sizeof p);
        }
    }
    if (rc == USE_OGR)
        rc = read_polygons(ws, src, &p, &out->partial_areas);
    if (rc == NBL_OK)
        rc = store_plans(ws, src, &p, out);
    plans_free(&p);
    CPLPopErrorHandler();
    return rc;
}

int
nbl_plans_import(nbl_ws *ws, const char *src, nbl_plans_summary *out)
{
    return nbl_plans_import_sheet(ws, src, NULL, out);
}
