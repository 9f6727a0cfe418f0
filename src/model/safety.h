/*
 * safety.h - the safety index (tryghedsindeks) as pure C over nbl__pdata:
 * perceived, problems and registered sub-indices relative to the
 * municipality, their weighted mean, the band and the Copenhagen flags.
 * See docs/safety.md.
 */
#ifndef NBL_SAFETY_H
#define NBL_SAFETY_H

#include "model/profile.h"

/** One area and year. NAN = NULL; band/flags -1 = NULL. has_data is 0 when
 * the area had no survey answers, no incidents and no population that year
 * (no row is stored then). */
typedef struct nbl__srow {
    double perceived, problems, registered, index;
    int band; /* 0..3 into cfg band_labels */
    int flag_safe, flag_night;
    int has_data;
} nbl__srow;

/** Band index for a safety index under the descending cut points. */
int nbl__safety_band(const double bands[3], double index);

/**
 * Computes the safety rows for every area and year of d:
 * rows[a * n_years + (year - year0)]. d must contain the variables pop,
 * survey_n, survey_safe, survey_safe_night and survey_problems (a variable
 * absent from d counts as missing) and be indexed (nbl__pdata_index).
 */
int nbl__safety_run(const nbl__pdata *d, const nbl__safety_cfg *cfg,
                    nbl__srow *rows);

#endif
