/*
 * nabolag/profile.h - area profiles (BoSocData-style indicators with
 * municipal references, SD distances and the points-and-bands score after
 * Aarhus's kategoriseringsmodel) and the safety index (tryghedsindeks).
 *
 * Indicators are declared in the embedded gis/indicators.ini, the safety
 * index in gis/safety.ini; a configuration file's [indicator.<name>],
 * [profile] and [safety] sections override or add to them. Results go to
 * the workspace tables safety_results, profile_results and profile_scores.
 * Formulas: docs/profile.md and docs/safety.md.
 */
#ifndef NABOLAG_PROFILE_H
#define NABOLAG_PROFILE_H

#include "nabolag/common.h"
#include "nabolag/workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of nbl_profile_compute(). Zero-initialise, then set. */
typedef struct nbl_profile_opts {
    int year;                /**< data year to write; 0 = every year */
    const char *config_path; /**< INI file with overrides, or NULL */
} nbl_profile_opts;

/** What nbl_profile_compute() wrote. */
typedef struct nbl_profile_summary {
    int years;         /**< years written */
    long areas;        /**< areas in the workspace */
    long indicators;   /**< indicators computed */
    long profile_rows; /**< rows in profile_results */
    long values_ok;    /**< of which with a value (status ok) */
    long scored;       /**< area-years with a band in profile_scores */
    long safety_rows;  /**< rows in safety_results */
    long safety_index; /**< of which with a safety index */
} nbl_profile_summary;

/**
 * Computes the safety index, then the area profile (whose `safety`
 * indicator is the safety index), for opts->year (0: every year that has
 * statistics or incident counts) and replaces that year's rows of
 * safety_results, profile_results and profile_scores. Earlier years are read
 * for windows and the change from last year.
 *
 * Runs in one transaction and rolls back on failure (the workspace is then
 * as it was). When the caller already holds the workspace's transaction
 * (e.g. `nabolag compute` after the criteria, or `nabolag run`), it is a
 * savepoint inside it: a failure undoes only this call's work, and the
 * caller's commit or rollback decides the rest. A run is logged
 * (runs.kind 'profile').
 *
 * opts may be NULL (all years, built-in configuration); out may be NULL.
 * Fails with NBL_EINVAL (configuration error; the message names the file,
 * line, section and key), NBL_EIO (configuration file unreadable),
 * NBL_ENOTFOUND (no data for opts->year), NBL_EDB or NBL_ENOMEM.
 */
int nbl_profile_compute(nbl_ws *ws, const nbl_profile_opts *opts,
                        nbl_profile_summary *out);

#ifdef __cplusplus
}
#endif
#endif
