/*
 * criteria.h - evaluation of a ruleset's criteria and categories for one
 * area. Pure C over plain arrays: no I/O, no allocation.
 *
 * Data model: per area a table of years (first_year .. first_year+nyears-1)
 * by the ruleset's variables (rs->vars), NAN = missing, plus the same table
 * for the country and for the area's region (NULL when there is none).
 * Years outside the table count as missing.
 */
#ifndef NBL_CRITERIA_H
#define NBL_CRITERIA_H

#include "model/ruleset.h"
#include "nabolag/category.h"

typedef struct nbl__crit_table {
    int first_year;
    int nyears;
    int nvars;             /* == rs->nvars */
    const double *area;    /* [nyears * nvars] */
    const double *country; /* [nyears * nvars] or NULL */
    const double *region;  /* [nyears * nvars] or NULL */
} nbl__crit_table;

/** Criterion status, stored as "ok", "missing", "not_evaluable". */
typedef enum {
    NBL_CS_OK = 0,
    NBL_CS_MISSING,      /* the area's own inputs are missing in the window */
    NBL_CS_NOT_EVALUABLE /* inputs present, but the reference is missing or
                            a denominator is zero */
} nbl__crit_status;

typedef struct nbl__crit_result {
    double value; /* percent (shares), percent of the region's mean
                     (region_mean), the count (count); NAN if none */
    double ratio; /* kind country: value / country share; else NAN */
    double threshold, threshold_low; /* from the ruleset (NAN = none) */
    nbl__crit_status status;
    int met, met_low; /* 1, 0, or -1 (not evaluable / no threshold) */
} nbl__crit_result;

typedef struct nbl__cat_result {
    nbl_category category;
    int criteria_met;           /* counted criteria met */
    int criteria_not_evaluable; /* counted criteria not evaluable */
    int criteria_needed;        /* rs->needed */
    int criteria_met_low;       /* counted criteria met at threshold_low */
    int parallel_years;         /* consecutive parallelsamfund years to now */
    int omdannelse_years;       /* years that make omdannelse this year */
    int parallel;               /* parallelsamfund this year: 1, 0, -1 */
} nbl__cat_result;

/** Compares v with a threshold; values within a relative 1e-9 of it count
 * as equal (so 40.0000000001 from floating-point averaging is not "> 40"). */
int nbl__crit_compare(nbl__op op, double v, double threshold);

/** The stored status name. */
const char *nbl__crit_status_name(nbl__crit_status s);

/** Evaluates criterion ci of rs at year. */
void nbl__criterion_eval(const nbl__ruleset *rs, int ci,
                         const nbl__crit_table *t, int year,
                         nbl__crit_result *out);

/**
 * Evaluates every criterion at year into res[rs->ncrit] and the category
 * into *cat, reading earlier years of the table for windows and for the
 * omdannelse history.
 */
void nbl__criteria_eval(const nbl__ruleset *rs, const nbl__crit_table *t,
                        int year, nbl__crit_result *res, nbl__cat_result *cat);

#endif
