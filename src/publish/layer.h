/*
 * layer.h (private) - the export's layer model, shared by export.c (the
 * layer builders and OGR writing), qgis.c (styles and project) and any
 * module that adds a layer; layer.c owns its memory. A layer is a name, a
 * geometry kind, a list of typed fields and rows of values with one WKB
 * geometry each (working CRS). No GDAL types here. The field list is either a
 * static array (fields/nfields set directly) or built at run time with
 * nbl__xlayer_add_field() when it depends on the configuration (the profile's
 * indicators, the plans' indicators); then the layer owns the array and the
 * names.
 *
 * Extension point for further layers: write a builder
 *     static int build_x(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *out);
 * in export.c that reads its rows through a store_export.c query, sets
 * name/title/geom/fields, calls nbl__xlayer_alloc() and fills the values
 * (strings and WKB borrowed from the row storage, which out->free_fn releases;
 * made-up strings kept with nbl__xlayer_keep()), and add it to the `builders`
 * table; give it a style in nbl__qgis_qml() (qgis.c). The project and the
 * GeoPackage pick the layer up automatically. build_safety() is the smallest
 * example with static fields, build_profile() one with fields built at run
 * time.
 */
#ifndef NBL_PUBLISH_LAYER_H
#define NBL_PUBLISH_LAYER_H

#include <stddef.h>

#include "model/disclosure.h"
#include "model/indicators.h"
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

/* Releases everything a layer owns and zeroes it. */
void nbl__xlayer_free(nbl__xlayer *l);

/* Allocates the value and geometry arrays for nrows rows of the layer's
 * fields (which must be set first); 1 on success, 0 when out of memory. */
int nbl__xlayer_alloc(nbl__xlayer *l, size_t nrows);

/* Keeps a made-up (malloc'ed) string alive as long as the layer and returns
 * it; NULL (and s freed) when out of memory or s is NULL. */
const char *nbl__xlayer_keep(nbl__xlayer *l, char *s);

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
    /* the status/dynamics classes of the year, best first (by their mean
     * index), for the status_dynamics style; 0 classes: none stored */
    char sd_status[8][40], sd_dynamics[8][40];
    int n_sd_status, n_sd_dynamics;
} nbl__xjob;

/* Danish label of a category code (NULL code: NULL). */
const char *nbl__category_label(const char *code);

/* Danish label of a profile band ("green".."red"; NULL: NULL). */
const char *nbl__band_label(const char *band);

#endif
