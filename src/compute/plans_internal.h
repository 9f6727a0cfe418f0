/*
 * plans_internal.h - the plan comparison as plain numbers, for other
 * modules (the export's plans layer).
 */
#ifndef NBL_PLANS_INTERNAL_H
#define NBL_PLANS_INTERNAL_H

#include <stddef.h>

#include "nabolag/workspace.h"

#define NBL_PLANS_N_DEFAULT 6
/* lab, cri, edu, inc, eth, safety_index */
extern const char *const nbl__plans_default_indicators[NBL_PLANS_N_DEFAULT];

/* Status of an aggregate (as plancmp.h): 0 ok, 1 missing, 2 suppressed. */
typedef struct nbl__plan_result {
    char plan_id[128];
    int start_year;
    int baseline_year, latest_year;
    /* per default indicator: baseline, latest, change, comparison change,
     * did, target - rounded for publication; NAN = none */
    double v[NBL_PLANS_N_DEFAULT][6];
    int target_met[NBL_PLANS_N_DEFAULT]; /* 1, 0, -1 = none */
    int status[NBL_PLANS_N_DEFAULT];
} nbl__plan_result;

/**
 * Compares every plan (default indicators, comparison group and
 * [disclosure] min_residents_publish from config; unsuppressed: no
 * minimum). *out (malloc'ed, n entries, sorted by plan_id, start_year).
 */
int nbl__plans_results(nbl_ws *ws, const char *ruleset, const char *config,
                       int unsuppressed, nbl__plan_result **out, size_t *n);

#endif
