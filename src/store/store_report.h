/*
 * store_report.h - read-only queries behind the HTML report.
 */
#ifndef NBL_STORE_REPORT_H
#define NBL_STORE_REPORT_H

#include "nabolag/workspace.h"
#include "store/store_export.h"

/** One area's row of the report for a year. NAN/NULL = no value. */
typedef struct nbl__report_area {
    char *area_id, *name, *municipality;
    double pop, prev_pop; /* residents of the year and of prev_year */
    double lab, cri, cri_ratio, edu, inc, eth;
    double den[NBL__XC_N]; /* the criteria's denominators (disclosure) */
    int lab_met, cri_met, edu_met, inc_met; /* 1, 0, -1 = not evaluable */
    int criteria_met;                       /* -1 = none */
    char *category, *prev_category;         /* NULL: no result */
    double safety_index;
    int safety_survey; /* the index includes survey sub-indices */
    double survey_n;   /* their respondents (disclosure), NAN = missing */
    char *safety_band;
    char *svg_path; /* SVG path data in report coordinates */
} nbl__report_area;

typedef struct nbl__report_alert {
    char *area_id, *area_name, *kind, *severity, *state, *message, *rule;
    double pop, denom; /* for disclosure control (disclosure.h), NAN = none */
} nbl__report_alert;

typedef struct nbl__report_data {
    char *ruleset, *ruleset_version;
    int year, prev_year; /* prev_year 0: none */
    int n_areas;
    nbl__report_area *areas; /* sorted by area_id */
    int n_alerts;
    nbl__report_alert *alerts; /* sorted by area, state, severity */
    double width, height;      /* SVG viewBox (metres of the working CRS) */
    char *inputs;              /* input file names, ", "-joined */
} nbl__report_data;

/** Loads the year's data (year 0: latest; ruleset NULL: current). */
int nbl__store_report_load(nbl_ws *ws, const char *ruleset, int year,
                           nbl__report_data *out);
void nbl__report_data_free(nbl__report_data *d);

#endif
