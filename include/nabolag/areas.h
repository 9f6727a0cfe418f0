/*
 * nabolag/areas.h - importing housing-area polygons into a workspace.
 *
 * Any vector source GDAL opens (GeoPackage, Shapefile, GeoJSON, TopoJSON,
 * FlatGeobuf, GML, CSV with WKT ...) is read, reprojected to the working
 * CRS, reduced to 2-D, repaired where invalid and stored as MULTIPOLYGON
 * areas keyed by a text id. See docs/areas.md.
 */
#ifndef NABOLAG_AREAS_H
#define NABOLAG_AREAS_H

#include "nabolag/workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of nbl_import_areas(). Strings are borrowed for the call. */
typedef struct nbl_areas_opts {
    const char *layer;              /**< layer name; NULL: the only layer */
    const char *id_field;           /**< required: field holding the id */
    const char *name_field;         /**< optional field for areas.name */
    const char *municipality_field; /**< optional field for municipality */
    const char *region_field;       /**< optional field for region */
    const char *src_crs;            /**< overrides/sets the source CRS (anything
                                         OSRSetFromUserInput accepts); NULL: layer's */
    int dissolve; /**< non-zero: union the parts of a repeated id */
} nbl_areas_opts;

/** What an import did. */
typedef struct nbl_areas_summary {
    long features_read;   /**< features read from the layer */
    long areas_stored;    /**< areas written (inserted + updated) */
    long inserted;        /**< ids new to the workspace */
    long updated;         /**< ids that existed and were replaced */
    long parts_dissolved; /**< features merged into an earlier feature's
                               area by --dissolve */
    long repaired;        /**< invalid geometries repaired (MakeValid) */
    long kept;            /**< areas already in the workspace that the
                               source does not have: kept, with their
                               statistics (said in an info message) */
} nbl_areas_summary;

/**
 * Imports the areas of one layer of the vector source src into ws.
 *
 * Ids are text compared exactly (integer fields are formatted without
 * decimals). Each feature's geometry is reprojected to the workspace's
 * working CRS, Z and M are dropped, an invalid geometry is repaired with
 * GEOS MakeValid (a warning per feature names the id; counted in
 * out->repaired) and the result is stored as a MULTIPOLYGON with
 * area_m2 = its planar area in the working CRS.
 *
 * Fails, naming the source, feature (FID) and id where there is one, when:
 * the source cannot be opened (NBL_EIO); the layer is missing or there are
 * several and opts->layer is NULL (NBL_ENOTFOUND, the message lists the
 * layers); a named field does not exist (NBL_ENOTFOUND, lists the fields);
 * the layer has no CRS and opts->src_crs is NULL, or a CRS is unusable
 * (NBL_ECRS); an id is empty or NULL, a geometry is missing, empty or not
 * areal (points, lines, or nothing areal left after repair), or an id
 * repeats without opts->dissolve (NBL_EDATA); the progress callback cancels
 * (NBL_ECANCELLED).
 *
 * Areas already in the workspace are replaced by id (upsert); areas not in
 * the source are kept. Everything happens in one transaction: on any
 * failure the workspace file is left byte-for-byte as it was. The run is
 * logged in the runs table (kind "areas"). out may be NULL; on failure its
 * content is unspecified.
 */
int nbl_import_areas(nbl_ws *ws, const char *src, const nbl_areas_opts *opts,
                     nbl_areas_summary *out);

#ifdef __cplusplus
}
#endif
#endif
