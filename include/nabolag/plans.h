/*
 * nabolag/plans.h - area plans (helhedsplaner): import and comparison.
 *
 * A plan covers a set of areas for the years start_year..end_year and may
 * set targets for indicators (target.<indicator> = level). The comparison
 * asks, per plan and indicator: how did the plan's areas change from the
 * baseline (the year before the start) to the latest year within the plan,
 * how did comparable areas without a plan change over the same years, and
 * what is the difference of the two changes (difference-in-differences)?
 */
#ifndef NABOLAG_PLANS_H
#define NABOLAG_PLANS_H

#include "nabolag/common.h"
#include "nabolag/workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Summary of an import. */
typedef struct nbl_plans_summary {
    long plans;         /**< plans stored */
    long plan_areas;    /**< (plan, area) memberships stored */
    long targets;       /**< targets stored */
    long partial_areas; /**< polygon plans: areas under half inside, left out */
} nbl_plans_summary;

/**
 * Imports plans from a CSV file (`plan_id, name, start_year, end_year,
 * areas` with area ids separated by '|', optional `target.<indicator>`
 * columns; read like the statistics: delimiter, BOM, UTF-8 or
 * Windows-1252) or from any GDAL vector source with polygons and the same
 * attributes except `areas` (a polygon plan covers the areas with at least
 * half of their area inside it). Replaces plans with the same
 * (plan_id, start_year). Errors: unknown area ids, end before start,
 * overlapping periods of the same plan id, unknown target indicators. One
 * transaction; on failure the workspace is unchanged.
 */
int nbl_plans_import(nbl_ws *ws, const char *src, nbl_plans_summary *out);

/**
 * The same with the sheet of a workbook named: a plans table may also be
 * an .xlsx or .ods workbook (read through GDAL, the first row the
 * header); sheet NULL reads the only sheet, and a workbook with several
 * is an error listing them. Errors name "file.xlsx: sheet 'X' row N". A
 * sheet given for a source that is not a workbook is NBL_EINVAL.
 */
int nbl_plans_import_sheet(nbl_ws *ws, const char *src, const char *sheet,
                           nbl_plans_summary *out);

/** Output formats of the comparison. */
typedef enum {
    NBL_PLANS_TEXT,
    NBL_PLANS_CSV,
    NBL_PLANS_JSON,
    NBL_PLANS_GEOJSON
} nbl_plans_format;

/** Options of nbl_plans_compare(). */
typedef struct nbl_plans_opts {
    const char *ruleset;    /**< NULL: the workspace's current ruleset */
    const char *indicators; /**< comma list; NULL: criteria + safety_index */
    const char *comparison; /**< "municipality" (default) or "all" */
    const char *config;     /**< config file ([disclosure], [plans]) */
    nbl_plans_format format;
    const char *output; /**< file path, or "-" for stdout */
    int overwrite;
    nbl_csv_style csv; /**< NBL_PLANS_CSV: delimiter, BOM, decimal comma */
} nbl_plans_opts;

/** Compares every plan with its comparison group and writes the result. */
int nbl_plans_compare(nbl_ws *ws, const nbl_plans_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
