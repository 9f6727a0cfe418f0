/*
 * export.h (private) - the export module's layer model, shared by export.c
 * (OGR writing), qgis.c (styles and project) and any module that adds a
 * layer. A layer is a name, a geometry kind, a list of typed fields and rows
 * of values with one WKB geometry each (working CRS). No GDAL types here.
 * The field list is either a static array (fields/nfields set directly) or
 * built at run time with nbl__xlayer_add_field() when it depends on the
 * configuration (the profile's indicators, the plans' indicators); then the
 * layer owns the array and the names.
 *
 * Extension point for further layers: write a builder
 *     static int build_x(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *out);
 * in export.c that reads its rows through a store_export.c query, sets
 * name/title/geom/fields, calls layer_alloc() and fills the values (strings
 * and WKB borrowed from the row storage, which out->free_fn releases; made-up
 * strings kept with layer_keep()), and add it to the `builders` table; give
 * it a style in nbl__qgis_qml() (qgis.c). The project and the GeoPackage pick
 * the layer up automatically. build_safety() is the smallest example with
 * static fields, build_profile() one with fields built at run time.
 */
#ifndef NBL_EXPORT_PRIVATE_H
#define NBL_EXPORT_PRIVATE_H

#include <stddef.h>

#include "disclosure.h"
#include "indicators.h"
#include "nabolag/export.h"

typedef enum {
    NBL__XF_STR,
    NBL__XF_INT,
    NBL__XF_REAL,
    NBL__XF_BOOL,
    NBL__XF_DATE /* "YYYY-MM-DD" in .s */
} nbl__xftype;

typedef struct nbl__xfield {
    const char *name;
    nbl__xftype type;
} nbl__xfield;

typedef struct nbl__xval {
    int set; /* 0 = null */
    long i;
    double d;
    const char *s; /* borrowed from the layer's row storage */
} nbl__xval;

typedef enum { NBL__XG_POLYGON, NBL__XG_POINT } nbl__xgeom;

typedef struct nbl__xlayer {
    const char *name;  /* also the file's base name */
    const char *title; /* Danish layer title for the QGIS project */
    nbl__xgeom geom;
    const nbl__xfield *fields;
    int nfields;
    size_t nrows;
    nbl__xval *vals; /* nrows * nfields */
    const unsigned char **wkb;
    size_t *wkb_len;
    int temporal;  /* has year_start/year_end date fields */
    void *storage; /* row storage, released with free_fn */
    void (*free_fn)(void *storage, size_t n);
    size_t storage_n;
    char **strings; /* strings made for the rows (freed) */
    size_t nstrings;
    nbl__xfield *own_fields; /* run-time field list (freed), or NULL */
    size_t cap_fields;
} nbl__xlayer;

/* Appends a field to a layer's run-time field list (the name is copied;
 * fields must be NULL or own_fields). Call before the rows are allocated.
 * Fails with NBL_EFORMAT when the name is already a field of the layer (a
 * configuration that declares colliding names; the message names the layer
 * and the field), or NBL_ENOMEM. */
int nbl__xlayer_add_field(nbl_ctx *ctx, nbl__xlayer *l, const char *name,
                          nbl__xftype type);

/* What every layer builder is given. */
typedef struct nbl__xjob {
    const nbl_export_opts *opts;
    const char *ruleset;
    const char *ruleset_version;
    int year;
    int unsuppressed;
    nbl__disclosure disc;
    const char *wkt_work, *wkt_wgs84; /* WKT of the working CRS, EPSG:4326 */
    /* criterion thresholds of the year (NAN unknown), for styles */
    double threshold[5], threshold_low[5];
    /* the effective profile configuration (indicators, bands); NULL in
     * tests of the styles alone (default bands then) */
    const nbl__profile_cfg *profile;
} nbl__xjob;

/* The style of a layer as QML text (malloc'ed); NULL if the layer has none.
 * style: NULL = the default style; else a named extra style ("lab", ...). */
char *nbl__qgis_qml(const nbl__xjob *job, const char *layer, const char *style);

/* Names of the extra (non-default) styles of a layer, NULL-terminated. */
const char *const *nbl__qgis_extra_styles(const char *layer);

/* The QGIS project text for the exported layers (malloc'ed). sources[i] is
 * the data source relative to the project ("areas.geojson" or
 * "nabolag.gpkg|layername=areas"). The project CRS is EPSG:srid (the
 * working CRS) and extent the layers' extent in it. */
char *nbl__qgis_project(const nbl__xjob *job, const nbl__xlayer *layers,
                        size_t nlayers, const char *const *sources,
                        const double extent[4], int srid);

/* Danish label of a category code (NULL code: NULL). */
const char *nbl__category_label(const char *code);

/* Danish label of a profile band ("green".."red"; NULL: NULL). */
const char *nbl__band_label(const char *band);

#endif
