/*
 * nabolag/incidents.h - `import incidents`: police-registered incidents as
 * points, aggregated to per-area, per-year, per-category counts by
 * point-in-polygon in the working CRS (table incident_counts).
 */
#ifndef NABOLAG_INCIDENTS_H
#define NABOLAG_INCIDENTS_H

#include "nabolag/workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Options; every member may be NULL (zero-initialise the struct).
 * Field names are matched case-insensitively. When a field is not named,
 * it is detected from the header: x: x, easting, utm_x, lon, longitude,
 * lng; y: y, northing, utm_y, lat, latitude; year: year, aar, år; date:
 * date, dato, datetime, timestamp, time; category: category, kategori,
 * type. A year field wins over a date field.
 */
typedef struct nbl_incidents_opts {
    const char *layer;          /**< GDAL layer name (default: the first) */
    const char *x_field;        /**< CSV x / longitude column */
    const char *y_field;        /**< CSV y / latitude column */
    const char *year_field;     /**< integer year column */
    const char *date_field;     /**< date column (the year is used) */
    const char *category_field; /**< category column; none: "all" */
    const char *src_crs;        /**< source CRS ("EPSG:4326", WKT, PROJ) */
    int jobs;       /**< threads that locate points, 1..NBL_INCIDENTS_MAX_JOBS;
                         0: the number of cores. Counts do not depend on it. */
    char delimiter; /**< CSV: ',', ';' or '\t'; 0 detects it from the
                         header (more than one of them there: an error) */
} nbl_incidents_opts;

/** The largest number of jobs of nbl_import_incidents(). */
#define NBL_INCIDENTS_MAX_JOBS 64

/** Points per data year. */
typedef struct nbl_incidents_year {
    int year;
    long long assigned; /**< inside an area (stored) */
    long long outside;  /**< outside every area */
} nbl_incidents_year;

/** What an import did; free the years array with
 * nbl_incidents_summary_clear(). */
typedef struct nbl_incidents_summary {
    long long read;            /**< points (rows/features) read */
    long long assigned;        /**< inside an area with a usable year: stored */
    long long outside;         /**< usable point outside every area */
    long long no_date;         /**< no usable year/date (not stored) */
    long long no_date_inside;  /**< of no_date, how many lay in an area */
    long long no_coords;       /**< no usable coordinates (not stored) */
    long long no_category;     /**< empty category (stored as "unspecified") */
    long long rows_stored;     /**< rows written to incident_counts */
    size_t n_areas;            /**< areas points were assigned against */
    nbl_incidents_year *years; /**< sorted by year; owned */
    size_t n_years;
    const char *encoding; /**< CSV: "utf-8" or "windows-1252" (converted);
                             NULL for other sources (static) */
} nbl_incidents_summary;

/**
 * Imports incident points from src: a CSV file (extension .csv; the fast,
 * streaming path) or any GDAL vector source with point geometries. Each
 * point is located in the workspace's areas (boundary rule in
 * docs/incidents.md: every point is counted at most once), and
 * incident_counts receives per (area, year, category) counts. The counts of
 * each (year, category) that occurs in src are replaced for all areas;
 * others are kept. Everything happens in one transaction. Points without
 * usable coordinates or date and points outside every area are counted in
 * *summary (and the run log), never silently dropped. summary may be NULL.
 */
int nbl_import_incidents(nbl_ws *ws, const char *src,
                         const nbl_incidents_opts *opts,
                         nbl_incidents_summary *summary);

/** Releases what a summary owns and zeroes it; NULL-safe. */
void nbl_incidents_summary_clear(nbl_incidents_summary *summary);

#ifdef __cplusplus
}
#endif
#endif
