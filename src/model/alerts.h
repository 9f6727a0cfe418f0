/*
 * alerts.h - the alert rules as pure C over plain structs (no I/O): per
 * area a series of criterion, category and safety results in, a list of
 * alerts with states and the status/dynamics classes out. The store
 * (store_alerts.c) fills the structs and persists the output.
 * alerts_config.c reads the configuration, alerts_rules.c holds the rules
 * (conditions of one area in one year), alerts_eval.c their states.
 */
#ifndef NBL_ALERTS_INTERNAL_H
#define NBL_ALERTS_INTERNAL_H

#include <stddef.h>

#include "model/statusdyn.h"
#include "nabolag/alerts.h"

/* One criterion result (criterion_results row). NAN/-1 = NULL. */
typedef struct nbl__acrit {
    int year;
    char criterion[16];
    double value, ratio;
    int ok;           /* status == 'ok' */
    int met, met_low; /* 1, 0, -1 (not evaluable) */
    double threshold, threshold_low;
} nbl__acrit;

/* One category result (category_results row). -1 = NULL. */
typedef struct nbl__acat {
    int year;
    char category[24];
    int criteria_met, criteria_needed, criteria_met_low;
    int parallel_years, omdannelse_years;
} nbl__acat;

/* One safety result (safety_results row). */
typedef struct nbl__asafety {
    int year;
    double index; /* NAN when missing */
    char band[48];
} nbl__asafety;

/* All results of one area (any order within the arrays). */
typedef struct nbl__aarea {
    char *area_id, *name;
    nbl__acrit *crit;
    size_t n_crit, cap_crit;
    nbl__acat *cat;
    size_t n_cat, cap_cat;
    nbl__asafety *saf;
    size_t n_saf, cap_saf;
    /* status/dynamics indicators that are no criterion (profile indicators,
     * variables) and the residents, loaded for the configured method:
     * ind[(year - ind_y0) * ind_k + j], j < nind; column nind = pop. NULL
     * when none are loaded. */
    double *ind;
    int ind_y0, ind_ny, ind_k;
} nbl__aarea;

/* Status/dynamics of one area in one year (NAN / "" when not classified;
 * the class names are those of the configured method). */
typedef struct nbl__asd {
    double status, dynamics;
    char status_class[NBL_SD_NAME];   /* e.g. high|medium|low|very_low */
    char dynamics_class[NBL_SD_NAME]; /* e.g. positive|stable|negative */
    int sclass, dclass;               /* class indices, -1 = none */
    nbl__sd_status st, dst;           /* why not classified */
} nbl__asd;

/* A [status_dynamics] key as read from a file (for nbl__alerts_sd_build). */
typedef struct nbl__sdpair {
    char *key, *value;
    int line;
} nbl__sdpair;

/* (Re)builds cfg->status_dynamics: the built-in method from cfg's status_*
 * keys, then `method`, then the other pairs in order, then the checks.
 * Errors name "file:line". 0, NBL_EFORMAT or NBL_ENOMEM. */
int nbl__alerts_sd_build(nbl_alert_config *cfg, nbl_ctx *ctx, const char *file,
                         const nbl__sdpair *pairs, size_t n);

/* The value of indicator j of the configured method for area a in year
 * (criterion measure, else the loaded table), sign not applied. */
double nbl__alerts_sd_value(const nbl__aarea *a, const nbl__sdconf *c, int j,
                            int year);

/* Frees the arrays and strings of n areas and the array itself. */
void nbl__aareas_free(nbl__aarea *areas, size_t n);

/* Appends to an area's arrays (0 or NBL_ENOMEM). */
int nbl__aarea_add_crit(nbl__aarea *a, const nbl__acrit *c);
int nbl__aarea_add_cat(nbl__aarea *a, const nbl__acat *c);
int nbl__aarea_add_safety(nbl__aarea *a, const nbl__asafety *s);

/*
 * Status/dynamics for `year` over all areas: out[i] for areas[i], by the
 * method cfg->status_dynamics (statusdyn.h): by default the mean over the
 * indicators (lab, cri ratio, edu, -inc, and eth when cfg->status_eth) of
 * z-scores across the areas with a value (population SD, at least 3 areas,
 * SD > 0), at least 2 indicators per area; dynamics the same over the
 * changes from year-2 to year. Out of memory leaves every area unclassified.
 */
void nbl__alerts_status_dynamics(const nbl__aarea *areas, size_t n,
                                 const nbl_alert_config *cfg, int year,
                                 nbl__asd *out);

/*
 * The alerts of `year` with states: evaluates the conditions of every year
 * from the first year with results up to `year` and derives the state of
 * each (new / ongoing since first_year / resolved). crossed and improved
 * are events: always new in their year. Results are appended to out;
 * sd_out (may be NULL) receives n status/dynamics entries for the year.
 */
int nbl__alerts_evaluate(const nbl__aarea *areas, size_t n,
                         const nbl_alert_config *cfg, int year,
                         nbl_alert_list *out, nbl__asd *sd_out);

/* How many years before the evaluated one the states look back at most. */
#define NBL_ALERTS_LOOKBACK 40

/* The first year of an evaluation of `year` whose earliest result is of
 * year ymin: ymin, but at most NBL_ALERTS_LOOKBACK years back (and never
 * after `year`). */
int nbl__alerts_y0(int ymin, int year);

/* Status/dynamics of one area in one year in 24 bytes (the class names
 * are those of the method, by index): what an evaluation keeps of every
 * area and year. */
typedef struct nbl__asdc {
    double status, dynamics;
    signed char sclass, dclass, st, dst;
} nbl__asdc;
void nbl__asd_pack(const nbl__asd *s, nbl__asdc *c);
/* conf: the method whose class names sclass/dclass index (NULL: none). */
void nbl__asd_unpack(const nbl__asdc *c, const nbl__sdconf *conf, nbl__asd *s);

/*
 * nbl__alerts_evaluate in steps, one area at a time, so that a caller can
 * read the areas' results one area at a time: begin computes the
 * status/dynamics of all n areas (only their names and indicator tables
 * are read: areas[i].ind, or their criterion results) in every year
 * y0..year; then nbl__aeval_area for each area i (in any order) appends
 * its alerts of `year` with states to out. The areas given to begin and to
 * nbl__aeval_area are matched by index i.
 */
typedef struct nbl__aeval {
    const nbl_alert_config *cfg;
    size_t n;
    int y0, year, ny;
    nbl__asdc *sd;       /* sd[k * n + i]: area i in year y0 + k */
    nbl__asd *cur;       /* the area's ny years, unpacked */
    nbl_alert_list *per; /* the area's conditions of each year */
} nbl__aeval;
int nbl__aeval_begin(nbl__aeval *e, const nbl__aarea *areas, size_t n,
                     const nbl_alert_config *cfg, int y0, int year);
int nbl__aeval_area(nbl__aeval *e, const nbl__aarea *a, size_t i,
                    nbl_alert_list *out);
/* The status/dynamics of area i in `year`. */
void nbl__aeval_sd(const nbl__aeval *e, size_t i, nbl__asd *out);
void nbl__aeval_end(nbl__aeval *e);

/* The result of an area in a year, or NULL. */
const nbl__acrit *nbl__aarea_crit(const nbl__aarea *a, const char *crit,
                                  int year);
const nbl__acat *nbl__aarea_cat(const nbl__aarea *a, int year);
const nbl__asafety *nbl__aarea_safety(const nbl__aarea *a, int year);

/* Rank of a category code (categories.c); -1 for not_evaluable/unknown. */
int nbl__alert_category_rank(const char *code);

/* What a known criterion measures, in words ("the share of ..."); NULL for
 * an unknown id. */
const char *nbl__alert_criterion_words(const char *id);

/* The conditions of area a that hold in `year` (state "", first_year =
 * year), appended to out. sd: the area's status/dynamics or NULL. text 0:
 * message "" (not formatted; every other field is the same), for the
 * earlier years whose conditions only decide the states. */
int nbl__alerts_area_conditions(const nbl__aarea *a,
                                const nbl_alert_config *cfg, int year,
                                const nbl__asd *sd, int text,
                                nbl_alert_list *out);

/* The trend rule: does the least-squares line over (t, v), n points,
 * point the worse way (down when lower_worse, else up), explain the data
 * (R² >= min_r2) and do the data agree (last value beyond the first in
 * that direction)? slope_out, r2_out (may be NULL) receive the fit. */
int nbl__alerts_trend_fits(const double *t, const double *v, int n,
                           int lower_worse, double min_r2, double *slope_out,
                           double *r2_out);

/* 1 when a known criterion is "lower is worse" (inc), 0 when "higher is
 * worse", -1 for an unknown id. */
int nbl__alert_criterion_lower_worse(const char *id);

/* Appends a copy of a (strings duplicated). */
int nbl__alert_list_push(nbl_alert_list *l, const nbl_alert *a);

/* Parses "info|warning|critical"; -1 if unknown. */
int nbl__alert_severity_parse(const char *s);

/* alerts_delivery.c: a delivery key of [alerts] (notify, mail_to,
 * mail_from, smtp_user, ca_file, credentials, insecure_plaintext) into c.
 * NBL_ENOTFOUND (no message) when name is none of them; secrets and a
 * notify URL with a password are NBL_EFORMAT naming file:line. */
int nbl__alerts_delivery_key(nbl_alert_config *c, nbl_ctx *ctx,
                             const char *file, int line, const char *name,
                             const char *value);
/* Frees the delivery strings of c. */
void nbl__alerts_delivery_clear(nbl_alert_config *c);
/* Where secrets go instead of a project file (one sentence). */
extern const char nbl__secret_advice[];

/* Plain-words label of a category code ("udsat boligområde", ...). */
const char *nbl__alert_category_label(const char *code);

#endif
