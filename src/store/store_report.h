/*
 * store_report.h - read-only queries behind the HTML report and
 * `nabolag area`. What grows with the workspace is read from cursors and
 * never held whole: the map's outlines (nbl__store_report_paths), the
 * year's alerts (nbl__store_report_year_alerts), the category of every
 * area and year (nbl__store_report_category_years), and an area's yearly
 * series and alerts one area at a time (nbl__store_report_area). What is
 * held is one row per area (nbl__report_area, a few hundred bytes).
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
    int has_path; /* its outline was drawn (set by nbl__store_report_paths) */
    double label_x, label_y; /* a point inside the area, map frame */
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

/* The prepared statements of the per-area loads (store_report_series.c). */
typedef struct nbl__report_stmts nbl__report_stmts;

typedef struct nbl__report_data {
    char *ruleset, *ruleset_version;
    int year, prev_year; /* prev_year 0: none */
    int n_areas;
    nbl__report_area *areas; /* sorted by area_id */
    int n_alerts;
    nbl__report_alert *alerts; /* of the series' area, every year up to
                                  year: year (latest first), state,
                                  severity, kind, rule */
    double width, height;      /* SVG viewBox (metres of the working CRS) */
    double minx, maxy;         /* the frame's origin in the working CRS */
    int first_year, n_years;   /* the series: first_year .. year */
    int series_first, series_count; /* the areas series holds */
    nbl__report_year *series;       /* [series_count * n_years], area-major */
    double threshold[NBL__XC_N];    /* main thresholds of the year, NAN = none
                                       (cri: ratio to the country) */
    char *inputs;                   /* input file names, ", "-joined */
    nbl__report_stmts *stmts; /* NULL until the first nbl__store_report_area */
} nbl__report_data;

/** Loads the year's data (year 0: latest; ruleset NULL: current): one row
 * per area, the thresholds, the years of the series; no series, alerts or
 * outlines (the functions below read those). */
int nbl__store_report_load(nbl_ws *ws, const char *ruleset, int year,
                           nbl__report_data *out);
void nbl__report_data_free(nbl__report_data *d);

/** Loads area i's series (d->series_first = i, d->series_count = 1) and
 * its alerts (d->alerts), replacing the area's before. */
int nbl__store_report_area(nbl_ws *ws, nbl__report_data *d, int i);
/** Finalizes the statements of the per-area loads; NULL-safe. */
void nbl__report_stmts_free(nbl__report_stmts *s);
/** Frees d->alerts. */
void nbl__report_alerts_clear(nbl__report_data *d);

/** Begins a read transaction, so that a report read over many statements
 * sees one state of the workspace, unless a transaction is open (`nabolag
 * run`); *began says whether nbl__store_report_snapshot_end ends it. */
int nbl__store_report_snapshot(nbl_ws *ws, int *began);
void nbl__store_report_snapshot_end(nbl_ws *ws, int began);

/** The year y of area i of the series, NULL outside it. */
const nbl__report_year *nbl__report_year_of(const nbl__report_data *d, int i,
                                            int y);

/* A part of an area's outline as the store hands it out: n points of
 * dims doubles each (x, y first, then z and/or m) in the working CRS;
 * closed for a polygon's ring (its exterior first, then its holes), 0
 * for a line. Borrowed during the callback of nbl__store_report_paths. */
typedef struct nbl__report_part {
    const double *xy;
    int n, dims, closed;
} nbl__report_part;

/** Calls fn for each area with an outline, in the order of d->areas,
 * with its n parts (n > 0); sets has_path of the areas it calls fn for.
 * A non-zero return of fn stops and is returned. A geometry that cannot
 * be decoded is an error naming the area (NBL_EFORMAT); a failed
 * allocation NBL_ENOMEM ("out of memory"). */
int nbl__store_report_paths(nbl_ws *ws, nbl__report_data *d,
                            int (*fn)(void *arg, int i,
                                      const nbl__report_part *parts, int n),
                            void *arg);

/** Calls fn for each alert of the report's year in the report's order
 * (area name, area, state, severity, kind, rule); a's text is valid
 * during the call. A non-zero return of fn stops and is returned. */
int nbl__store_report_year_alerts(nbl_ws *ws, const nbl__report_data *d,
                                  int (*fn)(void *arg,
                                            const nbl__report_alert *a),
                                  void *arg);

/** Calls fn for each area (index i) and year of the series with a
 * category under the report's ruleset, with the area's residents of that
 * year (NAN: none). */
int nbl__store_report_category_years(nbl_ws *ws, const nbl__report_data *d,
                                     void (*fn)(void *arg, int i, int year,
                                                const char *category,
                                                double pop),
                                     void *arg);

/** NBL__XC_* of a criterion id ("lab", ...), -1 if none. */
int nbl__report_crit_index(const char *c);

/** Index of an area by id, -1 if none. */
int nbl__report_find_area(const nbl__report_data *d, const char *id);

#endif
