/*
 * grid_read.c - the readers of `import grid`: the header (which column is
 * the cell, the year, the variable and value of the long layout, or a
 * variable of the wide layout; resolved by the statistics' column mapping,
 * colmap.c, so --column/--ignore and [grid] column.* work alike), CSV files
 * with kvadratnet ids through csvread, and polygon cells from any GDAL vector
 * source, reprojected to the working CRS. Kvadratnet cells are squares in
 * EPSG:25832; in another working CRS their four corners are reprojected (a 100
 * m square's edges stay straight to well under a millimetre).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "import/colmap.h"
#include "import/csvread.h"
#include "import/grid_internal.h"
#include "util/ctx.h"
#include "util/i18n.h"
#include "util/util.h"

#define KVADRATNET_SRID 25832

/* ---- the header ------------------------------------------------------- */

/* The column mapping of the statistics (colmap.c): the fixed cell, year,
 * variable and value headings, then opts->columns (a later entry wins),
 * and the headings to ignore. 0, or -1 when out of memory. */
static int
build_map(const nbl_grid_opts *o, nbl__colmap *m)
{
    const char *fixed[4][2] = {{"cell", o->cell_column},
                               {"year", o->year_column},
                               {"variable", o->variable_column},
                               {"value", o->value_column}};
    for (int k = 0; k < 4; k++)
        if (fixed[k][1] && *fixed[k][1] &&
            nbl__colmap_add(m, fixed[k][0], fixed[k][1]) < 0)
            return -1;
    for (size_t i = 0; i < o->n_columns; i++)
        if (nbl__colmap_add(m, o->columns[i].key, o->columns[i].value) < 0)
            return -1;
    return o->ignore ? nbl__colmap_add_ignore_list(m, o->ignore) : 0;
}

/* Polygon sources name their cells only optionally: true when the header
 * has the cell column (mapped, or the default cell_id). */
static int
has_cell(const nbl__colmap *m, const char *const *names, size_t n)
{
    const char *h = nbl__colmap_heading(m, "cell");
    for (size_t i = 0; i < n; i++) {
        const char *t;
        size_t len = nbl__colmap_trim(names[i], &t);
        if (h ? strlen(h) == len && !strncmp(t, h, len)
              : len == 7 && !strncmp(t, "cell_id", 7))
            return 1;
    }
    return 0;
}

static int
header_alloc(nbl__gimp *g, const char *const *names, size_t n)
{
    g->ncols = n;
    g->colkind = calloc(n ? n : 1, sizeof *g->colkind);
    g->colvar = calloc(n ? n : 1, sizeof *g->colvar);
    g->colname = calloc(n ? n : 1, sizeof *g->colname);
    if (!g->colkind || !g->colvar || !g->colname)
        return nbl__error(g->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (!(g->colname[i] = nbl__strdup(names[i])))
            return nbl__error(g->ctx, NBL_ENOMEM, "out of memory");
    return NBL_OK;
}

/* The resolved columns into the reader's slots; a mean cannot be summed. */
static int
header_apply(nbl__gimp *g, const nbl__colplan *plan)
{
    static const char *const fixed[] = {"cell", "year", "variable", "value"};
    long *slot[] = {&g->col_cell, &g->col_year, &g->col_var, &g->col_val};
    g->col_cell = g->col_year = g->col_var = g->col_val = -1;
    for (size_t j = 0; j < plan->n; j++) {
        size_t i = plan->src[j];
        int k = 0;
        while (k < 4 && strcmp(plan->name[j], fixed[k]) != 0)
            k++;
        g->colkind[i] = k < 4 ? NBL__GCOL_CELL + k : NBL__GCOL_WIDE;
        if (k < 4) {
            *slot[k] = (long)i;
            continue;
        }
        g->colvar[i] = nbl__gimp_var(g, plan->name[j]);
        if (strcmp(g->vars[g->colvar[i]].kind, "mean") == 0)
            return nbl__error(g->ctx, NBL_EFORMAT,
                              "%s: column '%s': a mean cannot be "
                              "summed over cells; give the sum",
                              g->src, g->colname[i]);
    }
    if (g->col_cell >= 0)
        g->cell_col = g->colname[g->col_cell];
    return NBL_OK;
}

/* Which column is what, by the statistics' column mapping: the cell (CSV:
 * required; polygons: when present) and the year, then variable,value
 * (long) or one column per known variable (wide); an unplaced heading is
 * an error with the nearest names. delim quotes the header in messages. */
static int
header(nbl__gimp *g, const char *const *names, size_t n, int need_cell,
       char delim)
{
    static const char *const keys[] = {"cell", "year"}, *const defaults[] = {
                                                            "cell_id", "year"};
    nbl__colmap m = {0};
    nbl__colmap_want w = {0};
    nbl__colplan plan = {0};
    const char **vars = calloc(g->nvars + 1, sizeof *vars);
    char *err = NULL;
    int rc = header_alloc(g, names, n), cell;
    if (rc == NBL_OK && (!vars || build_map(g->o, &m)))
        rc = nbl__error(g->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; rc == NBL_OK && i < g->nvars; i++)
        vars[i] = g->vars[i].name;
    cell = need_cell || has_cell(&m, names, n);
    w = (nbl__colmap_want){
        keys + !cell, 2 - !cell, defaults + !cell, vars, g->nvars, 1, 1};
    if (rc == NBL_OK) {
        int r = nbl__colmap_resolve(&m, &w, n, names, delim, &plan, &err);
        rc = r < 0   ? nbl__error(g->ctx, NBL_ENOMEM, "out of memory")
             : r > 0 ? nbl__error(g->ctx, NBL_EFORMAT, "%s: %s", g->src, err)
                     : header_apply(g, &plan);
    }
    free(err);
    free(vars);
    nbl__colplan_free(&plan);
    nbl__colmap_clear(&m);
    return rc;
}

/* ---- rows -------------------------------------------------------------- */

static int
row_values(nbl__gimp *g, nbl__gcell *c, long year, const char *const *f)
{
    int rc;
    if (g->col_var >= 0) {
        long v = nbl__gimp_var(g, f[g->col_var]);
        if (v < 0)
            return nbl__error(
                g->ctx, NBL_EDATA, "%s: column '%s': unknown variable '%s'",
                nbl__gimp_where(g), g->colname[g->col_var], f[g->col_var]);
        if (strcmp(g->vars[v].kind, "mean") == 0)
            return nbl__error(g->ctx, NBL_EDATA,
                              "%s: column '%s': '%s' is a mean, which "
                              "cannot be summed over cells; give the sum",
                              nbl__gimp_where(g), g->colname[g->col_var],
                              f[g->col_var]);
        return nbl__gimp_value(g, c, year, v, g->colname[g->col_val],
                               f[g->col_val]);
    }
    for (size_t i = 0; i < g->ncols; i++)
        if (g->colkind[i] == NBL__GCOL_WIDE &&
            (rc = nbl__gimp_value(g, c, year, g->colvar[i], g->colname[i],
                                  f[i])))
            return rc;
    return NBL_OK;
}

/* One row: fields f (ncols of them), and for polygon sources the cell's
 * WKB in the working CRS. */
static int
row(nbl__gimp *g, const char *const *f, const unsigned char *wkb, size_t len)
{
    char key[32];
    const char *k = key;
    nbl__gcell *c;
    long year;
    int rc;
    g->sum.rows_read++;
    if (g->col_cell >= 0) {
        k = f[g->col_cell];
        if (!*k)
            return nbl__error(g->ctx, NBL_EDATA, "%s: column '%s': empty",
                              nbl__gimp_where(g), g->cell_col);
    } else {
        snprintf(key, sizeof key, "#%ld", g->line);
    }
    if ((rc = nbl__gimp_cell(g, k, wkb, len, &c)) ||
        (rc =
             nbl__gimp_year(g, g->colname[g->col_year], f[g->col_year], &year)))
        return rc;
    return row_values(g, c, year, f);
}

/* ---- CSV --------------------------------------------------------------- */

static int
csv_row(const nbl__csv_row *r, void *arg)
{
    nbl__gimp *g = arg;
    g->line = r->line;
    if (r->index == 0) {
        /* a ';' file may write decimals with ',' */
        g->decimal = r->delimiter == ';' ? ',' : '.';
        return header(g, r->fields, r->n, 1, r->delimiter);
    }
    if (r->n != g->ncols)
        return nbl__error(g->ctx, NBL_EDATA,
                          _n("%s:%ld: %zu field, the header has %zu",
                             "%s:%ld: %zu fields, the header has %zu", r->n),
                          g->src, r->line, r->n, g->ncols);
    return row(g, r->fields, NULL, 0);
}

int
nbl__gimp_read_csv(nbl__gimp *g)
{
    nbl__csv_opts co = {g->o->delimiter, "import grid", 0.0, 0.9};
    g->cell_col = "cell_id"; /* until the header names it */
    return nbl__csv_read(g->ctx, g->src, &co, csv_row, g, NULL, NULL);
}

/* ---- kvadratnet cells in the working CRS -------------------------------- */

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

static void
gdal_register(void)
{
    GDALAllRegister();
}

static const char *
gdal_msg(void)
{
    const char *m = CPLGetLastErrorMsg();
    return m && *m ? m : "no details from GDAL";
}

/* A transformation from src to the working CRS (NULL when the same). */
static int
to_working(nbl__gimp *g, OGRSpatialReferenceH s, void **out)
{
    OGRSpatialReferenceH t = OSRNewSpatialReference(NULL);
    int rc = NBL_OK;
    *out = NULL;
    if (OSRImportFromEPSG(t, nbl_ws_srid(g->ws)) != OGRERR_NONE) {
        OSRRelease(t);
        return nbl__error(g->ctx, NBL_ECRS, "EPSG:%d: %s", nbl_ws_srid(g->ws),
                          gdal_msg());
    }
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(t, OAMS_TRADITIONAL_GIS_ORDER);
    if (!OSRIsSame(s, t)) {
        *out = OCTNewCoordinateTransformation(s, t);
        if (!*out)
            rc = nbl__error(g->ctx, NBL_ECRS,
                            "%s: no transformation to EPSG:%d: %s", g->src,
                            nbl_ws_srid(g->ws), gdal_msg());
    }
    OSRRelease(t);
    return rc;
}

/* Parts of a geometry (taken) after transformation with ct (may be NULL). */
static int
geom_parts(nbl__gimp *g, OGRGeometryH geom, void *ct,
           const nbl__grid_part **parts, size_t *n, unsigned char **wkb,
           size_t *len)
{
    int rc = NBL_OK;
    *wkb = NULL;
    OGR_G_FlattenTo2D(geom);
    if (ct && OGR_G_Transform(geom, ct) != OGRERR_NONE)
        rc = nbl__error(g->ctx, NBL_ECRS, "%s: cannot reproject the cell: %s",
                        nbl__gimp_where(g), gdal_msg());
    if (!rc) {
        *len = (size_t)OGR_G_WkbSize(geom);
        *wkb = malloc(*len ? *len : 1);
        if (!*wkb || OGR_G_ExportToWkb(geom, wkbNDR, *wkb) != OGRERR_NONE)
            rc = nbl__error(g->ctx, NBL_ENOMEM, "out of memory");
    }
    OGR_G_DestroyGeometry(geom);
    if (!rc && parts)
        rc = nbl__overlay_wkb(g->ov, *wkb, *len, parts, n);
    return rc;
}

int
nbl__gimp_cell_rect(nbl__gimp *g, const nbl__grid_cell *c,
                    const nbl__grid_part **parts, size_t *n)
{
    OGRGeometryH ring, poly;
    unsigned char *wkb = NULL;
    size_t len;
    int rc;
    if (nbl_ws_srid(g->ws) == KVADRATNET_SRID)
        return nbl__overlay_rect(g->ov, c->e, c->n, c->e + c->size,
                                 c->n + c->size, parts, n);
    if (!g->ct_cell) {
        OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
        pthread_once(&gdal_once, gdal_register);
        OSRImportFromEPSG(s, KVADRATNET_SRID);
        rc = to_working(g, s, &g->ct_cell);
        OSRRelease(s);
        if (rc)
            return rc;
    }
    ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGR_G_AddPoint_2D(ring, c->e, c->n);
    OGR_G_AddPoint_2D(ring, c->e + c->size, c->n);
    OGR_G_AddPoint_2D(ring, c->e + c->size, c->n + c->size);
    OGR_G_AddPoint_2D(ring, c->e, c->n + c->size);
    OGR_G_AddPoint_2D(ring, c->e, c->n);
    poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    rc = geom_parts(g, poly, g->ct_cell, parts, n, &wkb, &len);
    free(wkb);
    return rc;
}

/* ---- polygon sources --------------------------------------------------- */

static int
open_layer(nbl__gimp *g)
{
    int n;
    pthread_once(&gdal_once, gdal_register);
    g->ds =
        GDALOpenEx(g->src, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!g->ds)
        return nbl__error(g->ctx, NBL_EIO,
                          "%s: cannot open as a CSV file or a vector "
                          "source: %s",
                          g->src, gdal_msg());
    n = GDALDatasetGetLayerCount(g->ds);
    if (g->o->layer)
        g->layer = GDALDatasetGetLayerByName(g->ds, g->o->layer);
    else if (n == 1)
        g->layer = GDALDatasetGetLayer(g->ds, 0);
    if (!g->layer && g->o->layer)
        return nbl__error(g->ctx, NBL_ENOTFOUND, "%s: no layer '%s'", g->src,
                          g->o->layer);
    if (!g->layer)
        return nbl__error(g->ctx, NBL_ENOTFOUND,
                          "%s: %d layers; choose one with --layer", g->src, n);
    return NBL_OK;
}

static int
setup_ogr(nbl__gimp *g)
{
    OGRFeatureDefnH fd;
    OGRSpatialReferenceH s;
    const char **names;
    int rc, nf;
    if ((rc = open_layer(g)))
        return rc;
    fd = OGR_L_GetLayerDefn(g->layer);
    nf = OGR_FD_GetFieldCount(fd);
    names = calloc((size_t)nf + 1, sizeof *names);
    if (!names)
        return nbl__error(g->ctx, NBL_ENOMEM, "out of memory");
    for (int i = 0; i < nf; i++)
        names[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i));
    g->cell_col = "cell_id"; /* until the header names it */
    g->decimal = '.';
    rc = header(g, names, (size_t)nf, 0, 0);
    free(names);
    if (rc)
        return rc;
    if (g->o->src_crs) {
        s = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(s, g->o->src_crs) != OGRERR_NONE) {
            OSRRelease(s);
            return nbl__error(g->ctx, NBL_ECRS,
                              "--src-crs '%s': not a coordinate reference "
                              "system PROJ knows",
                              g->o->src_crs);
        }
    } else {
        OGRSpatialReferenceH ls = OGR_L_GetSpatialRef(g->layer);
        if (!ls)
            return nbl__error(g->ctx, NBL_ECRS,
                              "%s: the layer has no coordinate reference "
                              "system; give --src-crs (e.g. EPSG:25832)",
                              g->src);
        s = OSRClone(ls);
    }
    rc = to_working(g, s, &g->ct);
    OSRRelease(s);
    return rc;
}

/* A field as text: integers without decimals, NULL/unset as "". */
static const char *
field_text(OGRFeatureH f, int i, char *buf, size_t n)
{
    if (!OGR_F_IsFieldSetAndNotNull(f, i))
        return "";
    switch (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i))) {
    case OFTInteger:
    case OFTInteger64:
        snprintf(buf, n, "%lld", (long long)OGR_F_GetFieldAsInteger64(f, i));
        return buf;
    case OFTReal:
        return nbl__fmt_double(buf, n, OGR_F_GetFieldAsDouble(f, i), 10);
    default:
        return OGR_F_GetFieldAsString(f, i);
    }
}

static int
ogr_feature(nbl__gimp *g, OGRFeatureH f, const char **fields, char (*bufs)[64])
{
    OGRGeometryH geom = OGR_F_StealGeometry(f);
    unsigned char *wkb = NULL;
    size_t len = 0;
    int rc;
    g->line = (long)OGR_F_GetFID(f);
    for (size_t i = 0; i < g->ncols; i++)
        fields[i] = field_text(f, (int)i, bufs[i], sizeof bufs[i]);
    if (!geom || OGR_G_IsEmpty(geom)) {
        if (geom)
            OGR_G_DestroyGeometry(geom);
        return nbl__error(g->ctx, NBL_EDATA, "%s: no cell geometry",
                          nbl__gimp_where(g));
    }
    rc = geom_parts(g, geom, g->ct, NULL, NULL, &wkb, &len);
    if (!rc)
        rc = row(g, fields, wkb, len);
    free(wkb);
    return rc;
}

int
nbl__gimp_read_ogr(nbl__gimp *g)
{
    const char **fields;
    char(*bufs)[64];
    OGRFeatureH f;
    int rc;
    g->feature = 1;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    rc = setup_ogr(g);
    fields = calloc(g->ncols + 1, sizeof *fields);
    bufs = calloc(g->ncols + 1, sizeof *bufs);
    if (!rc && (!fields || !bufs))
        rc = nbl__error(g->ctx, NBL_ENOMEM, "out of memory");
    if (!rc)
        OGR_L_ResetReading(g->layer);
    while (!rc && (f = OGR_L_GetNextFeature(g->layer))) {
        rc = ogr_feature(g, f, fields, bufs);
        OGR_F_Destroy(f);
    }
    free(fields);
    free(bufs);
    CPLPopErrorHandler();
    return rc;
}

void
nbl__gimp_free_reader(nbl__gimp *g)
{
    for (size_t i = 0; g->colname && i < g->ncols; i++)
        free(g->colname[i]);
    free(g->colname);
    free(g->colkind);
    free(g->colvar);
    if (g->ct)
        OCTDestroyCoordinateTransformation(g->ct);
    if (g->ct_cell)
        OCTDestroyCoordinateTransformation(g->ct_cell);
    if (g->ds)
        GDALClose(g->ds);
}
