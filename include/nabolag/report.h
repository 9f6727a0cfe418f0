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

#ifdef __cplusplus
}
#endif
#endif
