/*
 * layer.h (private) - the export's layer model, shared by builders.c (the
 * layer builders), writer.c (OGR writing), qgis.c (styles and project) and any
 * module that adds a layer; layer.c owns its memory. A layer is a name, a
 * geometry kind, a list of typed fields and a stream of rows: the writer
 * opens the layer, takes one row at a time (values and one WKB geometry in
 * the working CRS) and writes it as one feature, so no layer is ever held
 * in memory whole (the national export's peak memory does not grow with
 * the number of features). No GDAL types here. The field list is either a
 * static array (fields/nfields set directly) or built at run time with
 * nbl__xlayer_add_field() when it depends on the configuration (the
 * profile's indicators, the plans' indicators); then the layer owns the
 * array and the names.
 *
 * Extension point for further layers: write a builder
 *     static int build_x(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *out);
 * in builders.c that sets name/title/geom/fields and the two callbacks:
 * open (opens a store cursor, a store_export.c query, into out->cursor) and
 * fill (one row of the cursor into the values, the strings and WKB
 * borrowed from the row; made-up strings kept with nbl__xlayer_keep(),
 * which lasts until the next row), and add it to the `builders` table;
 * give it a style in nbl__qgis_qml() (qgis.c). The project and the
 * GeoPackage pick the layer up automatically. build_safety() is the
 * smallest example with static fields, build_profile() one with fields
 * built at run time.
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

struct nbl__xjob;

typedef struct nbl__xlayer {
    const char *name;  /* also the file's base name */
    const char *title; /* Danish layer title for the QGIS project */
    nbl__xgeom geom;
    const nbl__xfield *fields;
    int nfields;
    int temporal; /* has year_start/year_end date fields */
    /* opens the cursor (l->cursor) of the layer's rows */
    int (*open)(nbl_ws *ws, const struct nbl__xjob *job, struct nbl__xlayer *l);
    /* fills l->vals, l->wkb and l->wkb_len from one row of the cursor;
     * 1, or 0 when the row is not published (the next one is taken) */
    int (*fill)(struct nbl__xlayer *l, const struct nbl__xjob *job,
                const void *row);
    void *cursor; /* nbl__xcursor (store_export.h) while open */
    void *data;   /* the builder's own (freed with data_free) */
    void (*data_free)(void *data);
    /* the current row */
    nbl__xval *vals; /* nfields */
    const unsigned char *wkb;
    size_t wkb_len;
    size_t nrows;   /* rows read since open */
    char **strings; /* strings made for the current row (freed) */
    size_t nstrings;
    int oom;    /* a string of the row could not be made: an error, never
                 * a value published as missing (nbl__xlayer_keep) */
    nbl_ws *ws; /* while open: for the error */
    nbl__xfield *own_fields; /* run-time field list (freed), or NULL */
    size_t cap_fields;
} nbl__xlayer;

/* Releases everything a layer owns and zeroes it. */
void nbl__xlayer_free(nbl__xlayer *l);

/* Opens the layer's rows. */
int nbl__xlayer_open(nbl__xlayer *l, nbl_ws *ws, const struct nbl__xjob *job);

/* The next row into l->vals, l->wkb: 1, 0 at the end, or a negative code
 * (the message on the workspace's context). */
int nbl__xlayer_next(nbl__xlayer *l, const struct nbl__xjob *job);

/* Closes the rows (also after an error); the layer can be opened again. */
void nbl__xlayer_close(nbl__xlayer *l);

/* Keeps a made-up (malloc'ed) string alive until the next row and returns
 * it; NULL (and s freed) when out of memory or s is NULL (its maker ran
 * out of memory): then nbl__xlayer_next() fails with "out of memory". */
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
    /* the layers' CRS in the output (0: EPSG:4326) and its WKT */
    int out_srid;
    const char *wkt_out;
    const char *provider; /* QGIS data provider: NULL "ogr", or "postgres" */
    /* the workspace's inputs for the provenance, read once per export */
    const struct nbl__xinput *inputs;
    size_t n_inputs;
    /* criterion thresholds of the year (NAN unknown), for styles */
    double threshold[5], threshold_low[5];
    /* the effective profile configuration (indicators, bands); NULL in
     * tests of the styles alone (default bands then) */
    const nbl__profile_cfg *profile;
    /* the years of the temporal layer's rows (set while writing; 0: the
     * job's year only) */
    int first_year, last_year;
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
