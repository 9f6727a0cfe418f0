/*
 * plancmp.h - the arithmetic of plan comparison (pure C, no I/O).
 *
 * Input: indicators, areas with a yearly series of population, indicator
 * values and category, and plans. Output: per plan and indicator the
 * population-weighted baseline/latest values of the plan's areas and of the
 * comparison group, the changes, their difference, and the target; per plan
 * the category transitions of its areas and the other plans that cover
 * one of its areas in a year of its period (overlapping plans).
 */
#ifndef NBL_PLANCMP_H
#define NBL_PLANCMP_H

#include <stddef.h>

#define NBL_PC_MAX_IND 16

typedef struct nbl__pc_area {
    const char *area_id;
    const char *name;
    const char *municipality;
    int first_year; /* series cover first_year .. first_year+n-1 */
    int n_years;
    const double *pop;           /* [n_years], NAN = missing */
    const double *values;        /* [n_years * n_ind], NAN = missing */
    const char *const *category; /* [n_years], NULL = no result */
} nbl__pc_area;

typedef struct nbl__pc_plan {
    const char *plan_id;
    const char *name;
    int start_year, end_year;
    const int *areas; /* indices into the area array */
    int n_areas;
    double targets[NBL_PC_MAX_IND]; /* NAN = no target for the indicator */
} nbl__pc_plan;

typedef struct nbl__pc_input {
    int n_ind;
    const char *const *ind;      /* indicator names */
    const int *higher_is_better; /* per indicator */
    const nbl__pc_area *areas;
    int n_areas;
    const nbl__pc_plan *plans;
    int n_plans;
    int last_year;          /* latest year with results */
    int comparison_all;     /* 1: all areas without a plan; 0: same
                               municipalities as the plan's areas */
    double min_pop_publish; /* aggregates over fewer residents: suppressed;
                               an area with fewer residents in the baseline
                               or latest year takes part in no aggregate and
                               its category that year is not shown */
} nbl__pc_input;

/* Status of an aggregate. */
enum { NBL_PC_OK = 0, NBL_PC_MISSING = 1, NBL_PC_SUPPRESSED = 2 };

typedef struct nbl__pc_result {
    int plan; /* index into plans */
    int ind;  /* index into ind */
    int baseline_year, latest_year;
    double baseline, latest, change;             /* plan areas */
    double cmp_baseline, cmp_latest, cmp_change; /* comparison group */
    double did;                                  /* change - cmp_change */
    double target;                               /* NAN = none */
    int target_met;         /* 1, 0, -1 = no target or not evaluable */
    int n_used;             /* plan areas with both years */
    int n_cmp;              /* comparison areas with both years */
    int status, cmp_status; /* of the change (and baseline, did) */
    /* of the latest value: equals status, except when no plan area has both
     * years and the latest value alone is published (ok) or suppressed */
    int latest_status;
    char *missing;    /* '|'-joined plan areas left out (malloc) */
    char *suppressed; /* those of them left out under disclosure control */
    char *no_data;    /* the others: no value or population in a year */
} nbl__pc_result;

typedef struct nbl__pc_transition {
    int plan;
    int area;              /* index into areas */
    const char *from, *to; /* borrowed; NULL = no result that year, or
                              suppressed */
    int from_suppressed, to_suppressed; /* too few residents that year */
} nbl__pc_transition;

/* Two plans that cover the same area in the same year: their effects
 * cannot be told apart there. Listed once per plan (plan, other) and
 * (other, plan), in plan order. */
typedef struct nbl__pc_overlap {
    int plan, other;        /* indices into plans */
    int from_year, to_year; /* the years both periods cover */
    char *areas;            /* '|'-joined shared area ids (malloc) */
} nbl__pc_overlap;

typedef struct nbl__pc_output {
    nbl__pc_result *results; /* n_plans * n_ind, plan-major */
    size_t n_results;
    nbl__pc_transition *transitions;
    size_t n_transitions;
    nbl__pc_overlap *overlaps;
    size_t n_overlaps;
} nbl__pc_output;

/** Computes the comparison. Returns 0, or -1 when out of memory. */
int nbl__pc_compute(const nbl__pc_input *in, nbl__pc_output *out);

/** Frees what nbl__pc_compute allocated. */
void nbl__pc_output_free(nbl__pc_output *out);

#endif
