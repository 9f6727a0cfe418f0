/*
 * store_plans.h - persistence of plans and the data their comparison needs.
 */
#ifndef NBL_STORE_PLANS_H
#define NBL_STORE_PLANS_H

#include <stddef.h>

#include "nabolag/workspace.h"

/** One plan as read from a source, before it is stored. */
typedef struct nbl__plan_rec {
    char *plan_id, *name;
    int start_year, end_year;
    char **areas;   /* area ids */
    double *shares; /* share inside (polygon plans) or NULL */
    int n_areas;
    char **target_ind; /* indicator names */
    double *target;
    int n_targets;
    char *where; /* "file:line" or "file: feature N", for messages */
} nbl__plan_rec;

void nbl__plan_rec_clear(nbl__plan_rec *r);

/**
 * Stores plans (inside the caller's transaction), replacing plans with the
 * same (plan_id, start_year). Fails, naming rec->where, on unknown area ids
 * (with a leading-zero hint), on a period overlapping another period of the
 * same plan id (in the input or the workspace).
 */
int nbl__store_plans_write(nbl_ws *ws, const nbl__plan_rec *recs, int n,
                           const char *source);

/**
 * The areas with at least min_share of their area inside the polygon (WKB
 * in the working CRS): ids and shares (malloc'ed arrays), and the number of
 * areas that touch it with a smaller share (*partial).
 */
int nbl__store_plans_areas_in(nbl_ws *ws, const unsigned char *wkb,
                              size_t wkb_len, double min_share, char ***ids,
                              double **shares, int *n, long *partial);

/** The data of a comparison, loaded from the workspace. */
typedef struct nbl__plans_data {
    int n_areas;
    char **area_id, **name, **municipality;
    int first_year, n_years;
    double *pop;     /* [n_areas * n_years] */
    double *values;  /* [n_areas * n_years * n_ind] */
    char **category; /* [n_areas * n_years] */
    int n_plans;
    char **plan_id, **plan_name;
    int *start_year, *end_year;
    int **plan_areas; /* indices into the areas */
    int *plan_n_areas;
    double *targets; /* [n_plans * n_ind], NAN = none */
    char *ruleset;
    char *ruleset_version;
    int last_year; /* latest year with category results */
} nbl__plans_data;

/**
 * Loads areas, years, population, the named indicators (criterion ids from
 * criterion_results of the ruleset, "cri_ratio", "safety_index" from
 * safety_results, any other name from profile_results) and categories, and
 * all plans with their targets. ruleset NULL: meta current_ruleset.
 */
int nbl__store_plans_load(nbl_ws *ws, const char *ruleset,
                          const char *const *ind, int n_ind,
                          nbl__plans_data *out);

void nbl__plans_data_free(nbl__plans_data *d);

/** GeoJSON (RFC 7946: WGS 84, counter-clockwise exterior rings) of the
 * union of the given areas, 6 decimals; *out malloc'ed. */
int nbl__store_plans_union_geojson(nbl_ws *ws, char *const *area_ids, int n,
                                   char **out);

/** *any = 1 when the workspace has a plan (for the export's plans layer
 * and the report's plans section). */
int nbl__store_plans_any(nbl_ws *ws, int *any);

/** *found = 1 when the workspace has a safety index of any area and year
 * (the plans' default indicators then include it). A failed query is an
 * error, never "none". */
int nbl__store_plans_has_safety(nbl_ws *ws, int *found);

#endif
