/*
 * store_export.h - the read queries behind `nabolag export`: areas joined
 * with their category, criterion values (pivoted), denominators, residents
 * and profile band; alerts; safety results; provenance. Rows are plain
 * structs; geometries are WKB in the workspace's working CRS. Rows come
 * sorted by area_id, then year (then kind, rule for alerts).
 */
#ifndef NBL_STORE_EXPORT_H
#define NBL_STORE_EXPORT_H

#include <stddef.h>

#include "nabolag/workspace.h"

/* The criteria published as columns, in property order. */
enum {
    NBL__XC_LAB,
    NBL__XC_CRI,
    NBL__XC_EDU,
    NBL__XC_INC,
    NBL__XC_ETH,
    NBL__XC_N
};

/** Criterion ids ("lab", ...) and their denominator variables. */
extern const char *const nbl__xcrit_id[NBL__XC_N];
extern const char *const nbl__xcrit_denominator[NBL__XC_N];

/* How many years before its own year an alert's message can quote: trend
 * messages quote the first year of the trend window (trend_years, default
 * 4), crossed/improved and safety_drop messages the year before, lab/cri
 * values are 2-year means. */
#define NBL__ALERT_QUOTE_YEARS 4

struct nbl__buf;

/** Appends to sql the two columns by which an alert row (table alias `al`)
 * is checked for disclosure: the smallest residents count (pop) and the
 * smallest denominator of the alert's rule (nbl__xcrit_denominator; NULL
 * for rules without one) over the years al.year - NBL__ALERT_QUOTE_YEARS ..
 * al.year, so that no value its message quotes escapes the check.
 * Shared by export, `nabolag alerts` and the report. */
int nbl__xalert_disclosure_sql(struct nbl__buf *sql);

typedef struct nbl__xcrit {
    double value;     /* display units (percent); NAN = NULL */
    double ratio;     /* area share / country share (cri); NAN = NULL */
    char status[16];  /* ok|missing|not_evaluable; "" = no result row */
    int met;          /* 1, 0, -1 = NULL */
    double denom;     /* the year's denominator count; NAN = missing */
    double threshold; /* main threshold; NAN = NULL */
    double threshold_low;
} nbl__xcrit;

typedef struct nbl__xarea {
    const char *area_id, *name, *municipality, *region;
    int year;
    double pop; /* NAN = missing */
    nbl__xcrit crit[NBL__XC_N];
    int criteria_met;            /* -1 = NULL */
    const char *category;        /* NULL = no result for the year */
    const char *ruleset_version; /* NULL = no result */
    int profile_points;          /* -1 = NULL */
    const char *profile_band;
    /* status/dynamics (table status_dynamics; NAN/NULL = none) */
    double status_index, dynamics_index;
    const char *status_class, *dynamics_class, *sd_group;
    const char *sd_st, *sd_dst; /* ok|excluded|small|missing; NULL = no row */
    /* pop NULL because the grid import found too much of the area in
     * suppressed cells (grid_results status not_evaluable) */
    int pop_not_evaluable;
    const unsigned char *wkb; /* area geometry; NULL if none */
    size_t wkb_len;
} nbl__xarea;

typedef struct nbl__xalert {
    const char *area_id, *name;
    int year;
    const char *kind, *rule, *severity, *message, *state;
    double value, threshold;  /* NAN = NULL */
    int first_year;           /* 0 = NULL */
    double pop, denom;        /* residents; denominator of the rule's rate */
    const unsigned char *wkb; /* point on the area's surface */
    size_t wkb_len;
} nbl__xalert;

typedef struct nbl__xsafety {
    const char *area_id, *name;
    int year;
    double safety_index, perceived, problems, registered; /* NAN = NULL */
    const char *band;
    int flag_safe, flag_night; /* -1 = NULL */
    double pop, survey_n;
    const unsigned char *wkb;
    size_t wkb_len;
} nbl__xsafety;

typedef struct nbl__xplan {
    const char *plan_id, *name;
    int start_year, end_year, n_areas;
    const char *area_ids;     /* "A1|A2", sorted */
    const unsigned char *wkb; /* union of the plan's areas (multipolygon) */
    size_t wkb_len;
} nbl__xplan;

/* One profile indicator of an area and year (profile_results). */
typedef struct nbl__xpind {
    double value, reference, sd_distance, change; /* NAN = NULL */
    int points;                                   /* -1 = NULL */
    char status[16];   /* ok|missing|not_evaluable; "" = no result row */
    double denom;      /* the year's denominator count; NAN = missing */
    double prev_denom; /* the previous year's (the change's) denominator */
} nbl__xpind;

typedef struct nbl__xprofile {
    const char *area_id, *name, *municipality;
    int year;
    double pop;       /* NAN = missing */
    double prev_pop;  /* residents of year - 1 (the change's other end) */
    int has_score;    /* a profile_scores row exists */
    int points;       /* -1 = NULL */
    const char *band; /* NULL = not scored */
    nbl__xpind *ind;  /* n_ind entries, in the order asked for */
    const unsigned char *wkb;
    size_t wkb_len;
} nbl__xprofile;

typedef struct nbl__xinput {
    char *kind, *source;
} nbl__xinput;

/** The latest year with category results for ruleset (0 when none). */
int nbl__store_export_latest_year(nbl_ws *ws, const char *ruleset, int *year);

/** Number of category results of the ruleset in year, and the first and
 * last year with results (0 when none). */
int nbl__store_export_years(nbl_ws *ws, const char *ruleset, int year,
                            long *n_in_year, int *first, int *last);

/** The ruleset's version (rulesets table, else category_results); *out
 * malloc'ed, NULL if unknown. */
int nbl__store_export_ruleset_version(nbl_ws *ws, const char *ruleset,
                                      char **out);

/* A cursor over the rows of one export query: the layers are written
 * feature by feature, so the export's memory does not grow with the
 * number of features. nbl__xcursor_next() returns 1 and points *row at
 * the next row (an nbl__xarea, nbl__xalert, ... as the function that
 * opened the cursor says; owned by the cursor and valid until the next
 * call: its strings and WKB are SQLite's own, not copies), 0 at the end,
 * or a negative code. */
typedef struct nbl__xcursor nbl__xcursor;
int nbl__xcursor_next(nbl__xcursor *c, const void **row);
void nbl__xcursor_free(nbl__xcursor *c);

/** Rows: nbl__xarea. year > 0: every area, with that year's results (LEFT
 * JOIN). year == 0: one row per area and year with category results (the
 * category results merged with ordered scans of areas, criterion results,
 * profile scores and status rows: one pass over each, no look-ups). */
int nbl__store_export_areas(nbl_ws *ws, const char *ruleset, int year,
                            nbl__xcursor **out);

/** Rows: nbl__xalert. Alerts of the ruleset and year with the point on the
 * area's surface. */
int nbl__store_export_alerts(nbl_ws *ws, const char *ruleset, int year,
                             nbl__xcursor **out);

/** Rows: nbl__xsafety. Safety results of the year. */
int nbl__store_export_safety(nbl_ws *ws, int year, nbl__xcursor **out);

/** Rows: nbl__xplan. Plans (helhedsplaner) with the union of their areas,
 * by plan_id and start_year. */
int nbl__store_export_plans(nbl_ws *ws, nbl__xcursor **out);

/** Rows: nbl__xprofile. Every area with its profile score and, for each of
 * the n_ind indicators (names ind[i]), its profile_results row of the year
 * and the year's value of the stats variable denom[i] (NULL: none). Sorted
 * by area_id. ind and denom are borrowed: they must outlive the cursor. */
int nbl__store_export_profile(nbl_ws *ws, int year, const char *const *ind,
                              const char *const *denom, size_t n_ind,
                              nbl__xcursor **out);

/** The criteria's thresholds of the ruleset's results in year (the first
 * area's, by area_id, that has one; NAN when none), for the styles. */
int nbl__store_export_thresholds(nbl_ws *ws, const char *ruleset, int year,
                                 double thr[NBL__XC_N], double low[NBL__XC_N]);

/** Input files of the imports (kind, source), oldest first, distinct. */
int nbl__store_export_inputs(nbl_ws *ws, nbl__xinput **out, size_t *n);
void nbl__xinputs_free(nbl__xinput *a, size_t n);

/** Current UTC time (ISO 8601; SOURCE_DATE_EPOCH honoured) into buf. */
void nbl__store_export_now(char buf[32]);

/** Test helper: runs SQL (several statements) on the workspace. */
int nbl__store_export_test_exec(nbl_ws *ws, const char *sql);

#endif
