/*
 * nabolag/export.h - `nabolag export`: the workspace's results for one year
 * as GIS layers (areas, alerts, plans, profile, safety, timeseries) in
 * RFC 7946 GeoJSON files or one GeoPackage, with QGIS
 * styles and a QGIS project beside them. Layers and fields: docs/outputs.md.
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
    const char *run_id;        /**< id of the `nabolag run` that writes the
                                  files (provenance `run_id` of every layer
                                  and a property of nabolag.qgs); NULL: none */
} nbl_export_opts;

/**
 * Writes the layers, their styles and nabolag.qgs into opts->dir. Every file
 * is first written under a temporary name in that folder; only when all of
 * them are complete are they renamed into place, so a failure leaves no new
 * or partial file. Without overwrite, an existing output file is an
 * NBL_EEXISTS error before anything is written. Logs an `export` run in the
 * workspace. Returns NBL_OK or a negative code with the message on the
 * workspace's context.
 */
int nbl_export(nbl_ws *ws, const nbl_export_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
