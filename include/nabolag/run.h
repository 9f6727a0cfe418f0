/*
 * nabolag/run.h - the whole yearly job from one project file (see
 * nabolag/project.h for the file format).
 */
#ifndef NABOLAG_RUN_H
#define NABOLAG_RUN_H

#include <stdio.h>

#include "nabolag/alerts.h"
#include "nabolag/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nbl_run_opts {
    FILE *alerts_fp; /**< where the alert list goes when the project names
                          no [alerts] output file (NULL: nowhere) */
    nbl_notify_opts notify; /**< delivery settings that override the
                                 project's [alerts] keys (url is ignored:
                                 [alerts] notify decides) */
} nbl_run_opts;

typedef struct nbl_run_result {
    int year;              /**< the year the alerts and outputs are for */
    long alerts;           /**< new and ongoing alerts of that year */
    int alerts_raised;     /**< a new/ongoing warning or critical alert */
    int fail_on_alert;     /**< the project asks for exit 3 when raised */
    int alerts_raised_new; /**< a new warning or critical alert */
    int fail_on_new;       /**< exit 3 only for new ones ([alerts] fail_on) */
    char export_dir[1024];
} nbl_run_result;

/**
 * Runs the project: creates the workspace on the first run; imports areas,
 * statistics, references, incidents and plans; computes the ruleset, the
 * profiles and the safety index; evaluates the alerts of the project's year
 * (default: the latest) - all in one workspace transaction, so a failure
 * leaves the workspace as it was. Then writes the alert list, the export
 * and the report, and delivers new alerts ([alerts] notify). Re-running
 * with unchanged inputs changes nothing and delivers nothing twice.
 */
int nbl_run(nbl_ctx *ctx, const char *project_path, const nbl_run_opts *opts,
            nbl_run_result *res);

#ifdef __cplusplus
}
#endif
#endif
