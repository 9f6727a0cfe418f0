/*
 * nabolag/export.h - `nabolag export`: the workspace's results for one year
 * as GIS layers (areas, alerts, plans, profile, safety, timeseries) in any
 * vector format GDAL writes: RFC 7946 GeoJSON files, one GeoPackage,
 * Shapefiles, FlatGeobuf, CSV, ... or tables of a PostgreSQL/PostGIS
 * database, with QGIS styles and a QGIS project. Layers and fields:
 * docs/outputs.md; formats: docs/formats.md.
 */
#ifndef NABOLAG_EXPORT_H
#define NABOLAG_EXPORT_H

#include "nabolag/workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NBL_EXPORT_GEOJSON = 0, /**< one .geojson + .qml per layer */
    NBL_EXPORT_GPKG = 1     /**< one nabolag.gpkg with styles inside */
} nbl_export_format;

/** Options of nbl_export(). Zero-initialise, then set dir. */
typedef struct nbl_export_opts {
    const char *dir;           /**< output folder (created if missing) */
    nbl_export_format format;  /**< GeoJSON (default) or GeoPackage */
    int year;                  /**< 0 = latest year with results */
    const char *ruleset;       /**< NULL = meta current_ruleset */
    int overwrite;             /**< replace existing output files */
    const char *config;        /**< INI file ([disclosure], [profile],
                                  [indicator.*], [plans]); NULL = defaults */
    int internal_unsuppressed; /**< publish values without disclosure control
                                  (internal use only; marked in every file) */
    const char *final_dir;     /**< where the files will end up when dir is a
                                  staging folder (nabolag run); used in the
                                  message and the run log; NULL = dir */
    const char *driver;        /**< GDAL driver name as ogr2ogr -f takes it
                                  ("GeoJSON", "GPKG", "ESRI Shapefile",
                                  "FlatGeobuf", "PostgreSQL", "CSV", ...) or
                                  an alias (geojson, gpkg, shp, fgb, pg,
                                  csv); NULL = format. For a database
                                  driver, dir is the connection string
                                  ("PG:dbname=gis") */
    const char *const *lco;    /**< NULL-terminated NAME=VALUE layer
                                  creation options, passed to GDAL after
                                  the export's own (which they override) */
    const char *const *dsco;   /**< dataset creation options, likewise */
    const char *schema;        /**< PostgreSQL schema; NULL = "public" */
    const char *t_srs;         /**< output CRS ("EPSG:25832"); NULL = the
                                  workspace's working CRS. GeoJSON is always
                                  WGS 84 (RFC 7946) and rejects it */
    const char *qgs;           /**< database destinations: where to write
                                  the QGIS project (its layers point at the
                                  database); NULL = no project. Files: the
                                  project is DIR/nabolag.qgs */
    const char *run_id;        /**< id of the `nabolag run` that writes the
                                  files (provenance `run_id` of every layer
                                  and a property of nabolag.qgs); NULL: none */
    const char *layers;        /**< the layers to write, comma-separated
                                  names ("areas,alerts"; spaces around a
                                  name ignored), written in the export's
                                  own order whatever the order here; the
                                  styles, nabolag.qgs and layer_styles name
                                  only these. NULL = all six */
    const char *title;         /**< the project's name ([project] name,
                                  export --title): heads the QGIS project's
                                  title and the print layout's title; NULL
                                  = the year and ruleset alone */
} nbl_export_opts;

/**
 * The names of the export's layers in the order they are written and
 * listed in nabolag.qgs: alerts, plans, areas, profile, safety,
 * timeseries. NULL-terminated; static.
 */
const char *const *nbl_export_layer_names(void);

/**
 * Checks a list of layers as nbl_export_opts.layers takes it. what names
 * the list in the message ("--layers", "project.ini:12: [export] layers").
 * NBL_OK, or NBL_EINVAL with the message on ctx: a name that is not a
 * layer (named, with the valid names listed), or a list with no name.
 */
int nbl_export_layers_check(nbl_ctx *ctx, const char *list, const char *what);

/**
 * Resolves a driver name or alias as nbl_export_opts.driver takes it to
 * GDAL's driver name (case-insensitive; "shp" -> "ESRI Shapefile"). NULL
 * when GDAL has no such vector driver that can create data sets.
 */
const char *nbl_export_driver_name(const char *name);

/**
 * Writes the layers, their styles and nabolag.qgs into opts->dir. Every file
 * is first written under a temporary name in that folder; only when all of
 * them are complete are they renamed into place, so a failure leaves no new
 * or partial file. Without overwrite, an existing output file is an
 * NBL_EEXISTS error before anything is written. A database destination gets
 * every table and its styles (layer_styles) in one transaction, so readers
 * see the old tables or the new ones, never a half-written set. Logs an
 * `export` run in the workspace. Returns NBL_OK or a negative code with the
 * message on the workspace's context.
 */
int nbl_export(nbl_ws *ws, const nbl_export_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
