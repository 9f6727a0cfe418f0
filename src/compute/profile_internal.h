/*
 * profile_internal.h - the profile computation over data already loaded,
 * for `nabolag compute`, which reads the statistics once for the criteria
 * and the profile.
 */
#ifndef NBL_PROFILE_INTERNAL_H
#define NBL_PROFILE_INTERNAL_H

#include <stddef.h>

#include "model/indicators.h"
#include "model/profile.h"
#include "nabolag/profile.h"

/** The variables the safety index and cfg's indicators read (*vars
 * malloc'ed, its names borrowed from cfg or static). 0 or NBL_ENOMEM. */
int nbl__profile_needed_vars(const nbl__profile_cfg *cfg, const char ***vars,
                             size_t *n);

/** nbl_profile_compute's work on a table d loaded by
 * nbl__store_profile_load[_shared] with at least the variables of
 * nbl__profile_needed_vars, inside the caller's transaction. */
int nbl__profile_compute_loaded(nbl_ws *ws, const nbl_profile_opts *o,
                                const nbl__profile_cfg *cfg,
                                const nbl__pdata *d,
                                const unsigned char *has_year,
                                nbl_profile_summary *sum);

#endif
