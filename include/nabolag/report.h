/*
 * nabolag/report.h - a self-contained HTML report of one year: a map of
 * the areas by category, the categories and how they changed since the
 * previous year, every area's criteria, the alerts, the safety index and
 * the provenance. One file, no external resources, printable.
 */
#ifndef NABOLAG_REPORT_H
#define NABOLAG_REPORT_H

#include "nabolag/common.h"
#include "nabolag/workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nbl_report_opts {
    const char *output;  /**< HTML file path ("-" = stdout) */
    int year;            /**< 0 = the latest year with results */
    const char *ruleset; /**< NULL = the workspace's current ruleset */
    const char *title;   /**< NULL = "nabolag report" */
    const char *config;  /**< config file ([disclosure]); may be NULL */
    int overwrite;
    const char *context; /**< a vector file drawn as outlines on the map
                              ([report] context), NULL: none */
    const char *run_id;  /**< id of the `nabolag run` writing the report
                              (meta tag nabolag-run-id and the footer);
                              NULL: none */
} nbl_report_opts;

/** Writes the report (atomically: temporary file, then rename). */
int nbl_report_write(nbl_ws *ws, const nbl_report_opts *opts);

/** Formats of nbl_area_write(). */
typedef enum { NBL_AREA_TEXT, NBL_AREA_JSON } nbl_area_format;

/** Options of nbl_area_write(): one area's card, the report's section
 * "områdekort" as text or JSON. */
typedef struct nbl_area_opts {
    const char *area_id;
    nbl_area_format format;
    const char *output;  /**< file path; NULL or "-": stdout */
    int year;            /**< 0 = the latest year with results */
    const char *ruleset; /**< NULL = the workspace's current ruleset */
    const char *config;  /**< config file ([disclosure], [plans]) */
    int overwrite;
} nbl_area_opts;

/** One area's history: every year's criteria against their thresholds,
 * category, criteria met, profile points and safety index, its plans and
 * its alerts. Disclosure as the report. An unknown id is NBL_ENOTFOUND. */
int nbl_area_write(nbl_ws *ws, const nbl_area_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
