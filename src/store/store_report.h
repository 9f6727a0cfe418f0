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
    char *svg_path;          /* SVG path data in report coordinates */
    double label_x, label_y; /* a point inside the area, same frame */
} nbl__report_area;

/* One area in one year of the series (charts, area card). NAN/NULL/-1 =
 * no value. val[] is in display units: lab, edu, eth percent, cri the
 * ratio to the country, inc percent of the region. */
typedef struct nbl__report_year {
    double pop;
    double den[NBL__XC_N]; /* the criteria's denominators (disclosure) */
    double val[NBL__XC_N];
    int met[NBL__XC_N]; /* 1, 0, -1 = not evaluable */
    char *category;
    int criteria_met; /* -1 = none */
    double safety_index, survey_n;
    int safety_survey;
    int points; /* profile points, -1 = not scored */
    char *band; /* profile band */
} nbl__report_year;

typedef struct nbl__report_alert {
    char *area_id, *area_name, *kind, *severity, *state, *message, *rule;
    int year;
    double pop, denom; /* for disclosure control (disclosure.h), NAN = none */
} nbl__report_alert;

typedef struct nbl__report_data {
    char *ruleset, *ruleset_version;
    int year, prev_year; /* prev_year 0: none */
    int n_areas;
    nbl__report_area *areas; /* sorted by area_id */
    int n_alerts;
    nbl__report_alert *alerts;   /* every year up to year; sorted by area,
                                    year (latest first), state, severity */
    double width, height;        /* SVG viewBox (metres of the working CRS) */
    double minx, maxy;           /* the frame's origin in the working CRS */
    int first_year, n_years;     /* the series: first_year .. year */
    nbl__report_year *series;    /* [n_areas * n_years], area-major */
    double threshold[NBL__XC_N]; /* main thresholds of the year, NAN = none
                                    (cri: ratio to the country) */
    char *inputs;                /* input file names, ", "-joined */
} nbl__report_data;

/** Loads the year's data (year 0: latest; ruleset NULL: current). */
int nbl__store_report_load(nbl_ws *ws, const char *ruleset, int year,
                           nbl__report_data *out);
void nbl__report_data_free(nbl__report_data *d);

/** Loads the series of every area (d->areas and d->year loaded). */
int nbl__store_report_series(nbl_ws *ws, nbl__report_data *d);

/** The year y of area i of the series, NULL outside it. */
const nbl__report_year *nbl__report_year_of(const nbl__report_data *d, int i,
                                            int y);

/** Index of an area by id, -1 if none. */
int nbl__report_find_area(const nbl__report_data *d, const char *id);

#endif
