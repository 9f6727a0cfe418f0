/*
 * compute_internal.h - what `nabolag run` hands from its compute step to
 * its alerts step, so that table stats is read once in a run: the values
 * of the status/dynamics index's variables, taken from the table the
 * compute read.
 */
#ifndef NBL_COMPUTE_INTERNAL_H
#define NBL_COMPUTE_INTERNAL_H

#include "nabolag/alerts.h"
#include "nabolag/compute.h"
#include "model/statusdyn.h"
#include "store/store_compute.h"

/** Room nbl__alerts_sd_vars needs. */
#define NBL__SD_VARS_MAX (NBL_SD_MAX_IND + 1)

/**
 * Statistics handed over. In: vars[nvars] (borrowed), the variables
 * wanted. Out: kept = 1 when d holds what nbl__store_compute_load would
 * read for them (areas, years from the first to the last with a value of
 * one of them, values; no references); kept = 0 when the compute could
 * not (criteria only, or a declared variable it did not read).
 */
typedef struct nbl__handover {
    const char *const *vars;
    int nvars;
    int kept;
    nbl__compute_data d;
} nbl__handover;

void nbl__handover_free(nbl__handover *h);

/** nbl_compute that also fills h (may be NULL) inside its transaction;
 * on failure h holds nothing. */
int nbl__compute_handing(nbl_ws *ws, const nbl_compute_opts *opts,
                         nbl_compute_summary *out, nbl__handover *h);

/** The variables cfg's status/dynamics index reads from stats (its
 * indicators' names, then pop) into vars (room for NBL__SD_VARS_MAX,
 * names borrowed from cfg); how many, 0 when cfg has no such index. */
int nbl__alerts_sd_vars(const nbl_alert_config *cfg, const char **vars);

/** nbl_alerts_evaluate taking the status/dynamics statistics from h when
 * it kept them (h may be NULL: they are read). */
int nbl__alerts_evaluate_handed(nbl_ws *ws, const nbl_alert_config *cfg,
                                const char *ruleset, int year, int *out_year,
                                char **out_ruleset, const nbl__handover *h);

#endif
