/*
 * workbook.c - .xlsx and .ods sheets as a row stream (see workbook.h).
 *
 * GDAL's XLSX/ODS drivers are told, through thread-local configuration
 * options set only around the open, that the first row is the header
 * (OGR_XLSX_HEADERS / OGR_ODS_HEADERS = FORCE) and to type columns
 * (FIELD_TYPES = AUTO): a column of numbers comes back as Integer or Real
 * (its text is '.'-decimal), anything else as String, exactly as written.
 * The feature id GDAL gives a row is its row number in the sheet.
 */
#include "import/workbook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "util/ctx.h"
#include "util/util.h"

int
nbl__workbook_ext(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && nbl__strieq(path + n - 5, ".xlsx")) ||
           (n > 4 && nbl__strieq(path + n - 4, ".ods"));
}

struct cfg {
    const char *key;
    char *old;
};

static void
cfg_set(struct cfg *c, const char *key, const char *value)
{
    const char *o = CPLGetThreadLocalConfigOption(key, NULL);
    c->key = key;
    c->old = o ? nbl__strdup(o) : NULL;
    CPLSetThreadLocalConfigOption(key, value);
}

static void
cfg_restore(struct cfg *c)
{
    CPLSetThreadLocalConfigOption(c->key, c->old);
    free(c->old);
}

/* The options are read when GDAL parses a sheet, which can be as late as
 * the first feature: they stay set until the dataset is closed. */
static void
cfg_push(struct cfg c[4])
{
    cfg_set(&c[0], "OGR_XLSX_HEADERS", "FORCE");
    cfg_set(&c[1], "OGR_ODS_HEADERS", "FORCE");
    cfg_set(&c[2], "OGR_XLSX_FIELD_TYPES", "AUTO");
    cfg_set(&c[3], "OGR_ODS_FIELD_TYPES", "AUTO");
}

static void
cfg_pop(struct cfg c[4])
{
    for (int i = 3; i >= 0; i--)
        cfg_restore(&c[i]);
}

static GDALDatasetH
open_workbook(const char *path)
{
    static const char *const drivers[] = {"XLSX", "ODS", NULL};
    GDALDatasetH ds;
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, NULL,
                    NULL);
    CPLPopErrorHandler();
    return ds;
}

static void
sheet_list(GDALDatasetH ds, nbl__buf *b)
{
    int n = GDALDatasetGetLayerCount(ds);
    for (int i = 0; i < n; i++)
        nbl__buf_printf(b, "%s'%s'", i ? ", " : "",
                        OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
}

static int
pick_sheet(nbl_ctx *ctx, const char *path, GDALDatasetH ds, const char *sheet,
           OGRLayerH *out)
{
    nbl__buf list = {0};
    int n = GDALDatasetGetLayerCount(ds), rc;
    *out = NULL;
    if (sheet && *sheet) {
        for (int i = 0; i < n && !*out; i++)
            if (strcmp(OGR_L_GetName(GDALDatasetGetLayer(ds, i)), sheet) == 0)
                *out = GDALDatasetGetLayer(ds, i);
    } else if (n == 1) {
        *out = GDALDatasetGetLayer(ds, 0);
    }
    if (*out)
        return NBL_OK;
    sheet_list(ds, &list);
    if (n == 0)
        rc = nbl__error(ctx, NBL_EFORMAT,
                        "%s: the workbook has no sheet with "
                        "data",
                        path);
    else if (sheet && *sheet)
        rc = nbl__error(ctx, NBL_EFORMAT, "%s: no sheet '%s' (sheets: %s)",
                        path, sheet, list.s ? list.s : "");
    else
        rc = nbl__error(ctx, NBL_EFORMAT,
                        "%s: the workbook has %d sheets (%s); name one with "
                        "sheet = NAME in the project file or --sheet NAME",
                        path, n, list.s ? list.s : "");
    nbl__buf_free(&list);
    return rc;
}

struct rowbuf {
    int n;
    const char **fields;
    size_t *lens;
    unsigned char *typed;
    char **own; /* copies of this row's texts */
};

static int
rowbuf_init(struct rowbuf *r, int n)
{
    size_t k = n > 0 ? (size_t)n : 1;
    r->n = n;
    r->fields = calloc(k, sizeof *r->fields);
    r->lens = calloc(k, sizeof *r->lens);
    r->typed = calloc(k, sizeof *r->typed);
    r->own = calloc(k, sizeof *r->own);
    return r->fields && r->lens && r->typed && r->own ? 0 : -1;
}

static void
rowbuf_clear(struct rowbuf *r)
{
    for (int i = 0; r->own && i < r->n; i++) {
        free(r->own[i]);
        r->own[i] = NULL;
    }
}

static void
rowbuf_free(struct rowbuf *r)
{
    rowbuf_clear(r);
    free(r->fields);
    free(r->lens);
    free(r->typed);
    free(r->own);
}

static int
deliver(struct rowbuf *b, long line, long index, nbl__csv_row_fn fn, void *arg)
{
    nbl__csv_row row;
    row.n = (size_t)b->n;
    row.fields = b->fields;
    row.lens = b->lens;
    row.line = line;
    row.index = index;
    row.typed = b->typed;
    row.delimiter = 0;
    row.shown = NULL;
    return fn(&row, arg);
}

/* The header: the field names GDAL took from the first row. */
static int
header_row(OGRFeatureDefnH defn, struct rowbuf *b, nbl__csv_row_fn fn,
           void *arg)
{
    for (int i = 0; i < b->n; i++) {
        b->fields[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        b->lens[i] = strlen(b->fields[i]);
        b->typed[i] = 0;
    }
    return deliver(b, 1, 0, fn, arg);
}

/* Fills b from f; returns 1 when every cell is empty, -1 out of memory. */
static int
feature_row(OGRFeatureH f, OGRFeatureDefnH defn, struct rowbuf *b)
{
    int filled = 0;
    rowbuf_clear(b);
    for (int i = 0; i < b->n; i++) {
        OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i));
        const char *s = "";
        if (OGR_F_IsFieldSetAndNotNull(f, i))
            s = OGR_F_GetFieldAsString(f, i);
        /* GetFieldAsString's buffer is reused: keep a copy */
        if (!(b->own[i] = nbl__strdup(s)))
            return -1;
        b->fields[i] = b->own[i];
        b->lens[i] = strlen(s);
        b->typed[i] =
            *s && (t == OFTInteger || t == OFTInteger64 || t == OFTReal);
        filled += *s != '\0';
    }
    return filled == 0;
}

static int
read_layer(nbl_ctx *ctx, OGRLayerH lyr, nbl__csv_row_fn fn, void *arg,
           nbl__workbook_info *info)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    struct rowbuf b;
    OGRFeatureH f;
    long index = 1;
    int rc;
    memset(&b, 0, sizeof b);
    if (rowbuf_init(&b, OGR_FD_GetFieldCount(defn))) {
        rowbuf_free(&b);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    rc = b.n > 0 ? header_row(defn, &b, fn, arg) : NBL_OK;
    OGR_L_ResetReading(lyr);
    while (rc == NBL_OK && b.n > 0 && (f = OGR_L_GetNextFeature(lyr))) {
        int e = feature_row(f, defn, &b);
        long line = (long)OGR_F_GetFID(f);
        OGR_F_Destroy(f);
        if (e < 0)
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
        else if (e > 0)
            info->empty_rows++;
        else {
            info->rows++;
            rc = deliver(&b, line, index++, fn, arg);
        }
    }
    rowbuf_free(&b);
    return rc;
}

int
nbl__workbook_read(nbl_ctx *ctx, const char *path, const char *sheet,
                   nbl__csv_row_fn fn, void *arg, nbl__workbook_info *info)
{
    nbl__workbook_info local;
    struct cfg c[4];
    GDALDatasetH ds;
    OGRLayerH lyr;
    int rc;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    cfg_push(c);
    ds = open_workbook(path);
    if (!ds) {
        cfg_pop(c);
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: not a workbook GDAL can read (.xlsx or .ods)",
                          path);
    }
    info->driver =
        strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "ODS") == 0
            ? "ODS"
            : "XLSX";
    rc = pick_sheet(ctx, path, ds, sheet, &lyr);
    if (rc == NBL_OK) {
        snprintf(info->sheet, sizeof info->sheet, "%s", OGR_L_GetName(lyr));
        rc = read_layer(ctx, lyr, fn, arg, info);
    }
    GDALClose(ds);
    cfg_pop(c);
    return rc;
}
