/*
 * statusdyn.h - the configurable status/dynamics index ([status_dynamics]
 * of a project file), as pure C over plain arrays. See docs/methods.md.
 *
 * Data model: n areas by k indicators (the configured order), the values
 * of the year and of `dynamics_years` earlier (NAN = missing), each area's
 * smallest known number of residents over those years (NAN = unknown) and
 * its id. Out: per area a status and a dynamics index, their classes
 * (indices into the configured class lists) and why an area is not
 * classified.
 *
 * Method (both composites):
 *   every indicator value is multiplied by its sign;
 *   z = (x - mean) / SD across the classified areas with a value (SD of
 *   the population, /N, or of the sample, /(N-1); at least 3 areas and
 *   SD > 1e-12, else the indicator is dropped);
 *   mean_z:            index = mean of an area's z (at least 2 of them);
 *   standardised_sum:  s = sum of the area's z (all of them required),
 *                      index = (s - mean(s)) / SD(s) over those areas;
 *   dynamics: the same on the change (value - value dynamics_years before).
 * Classes: ordered cut-offs with their inclusive side, applied to the
 * unrounded index; a value within 1e-9 of a cut-off counts as on it.
 * Areas listed in `exclude` or with fewer than min_residents residents in
 * any known year of the period take no part in the standardisation and get
 * no index ("not classified").
 */
#ifndef NBL_STATUSDYN_H
#define NBL_STATUSDYN_H

#include <stddef.h>

#include "util/ctx.h"

#define NBL_SD_MAX_IND 16
#define NBL_SD_MAX_CLASS 8
#define NBL_SD_MAX_GROUPS 32
#define NBL_SD_NAME 40

typedef enum { NBL_SD_POPULATION = 0, NBL_SD_SAMPLE } nbl__sd_sd;
typedef enum { NBL_SD_MEAN_Z = 0, NBL_SD_STD_SUM } nbl__sd_composite;

/** Why an area has no index (stored in the `*_status` fields). */
typedef enum {
    NBL_SDS_OK = 0,
    NBL_SDS_EXCLUDED, /* listed in exclude */
    NBL_SDS_SMALL,    /* under min_residents (or residents unknown) */
    NBL_SDS_MISSING   /* too few indicator values */
} nbl__sd_status;

typedef struct nbl__sd_indicator {
    char name[NBL_SD_NAME];
    double sign; /* +1 higher is more disadvantaged; -1 the reverse */
} nbl__sd_indicator;

/** Ordered classes: value v is in class i when it lies below cut[i] (or on
 * it and on_lower[i]) and above cut[i-1] (or on it and !on_lower[i-1]). */
typedef struct nbl__sd_classes {
    int n;
    char name[NBL_SD_MAX_CLASS][NBL_SD_NAME];
    double cut[NBL_SD_MAX_CLASS - 1];   /* strictly ascending */
    int on_lower[NBL_SD_MAX_CLASS - 1]; /* 1: a value on cut[i] is class i */
} nbl__sd_classes;

typedef struct nbl__sd_group {
    int status, dynamics; /* class index, or -1 = any ('*') */
} nbl__sd_group;

typedef struct nbl__sdconf {
    char method[NBL_SD_NAME]; /* builtin | berlin_mss */
    nbl__sd_indicator ind[NBL_SD_MAX_IND];
    int nind;
    nbl__sd_sd sd;
    nbl__sd_composite composite;
    int dynamics_years;
    nbl__sd_classes status, dynamics;
    double min_residents; /* 0 = none */
    char **exclude;       /* sorted, nexclude entries (owned) */
    size_t nexclude;
    char groups_text[512];                   /* alert_groups as given */
    nbl__sd_group groups[NBL_SD_MAX_GROUPS]; /* resolved by _check */
    int ngroups;
} nbl__sdconf;

typedef struct nbl__sd_input {
    size_t n;                /* areas */
    const char *const *ids;  /* n area ids (for exclude) */
    const double *now;       /* n * nind values in the year */
    const double *then;      /* n * nind values dynamics_years before */
    const double *residents; /* n: smallest known residents, NAN unknown */
} nbl__sd_input;

typedef struct nbl__sd_result {
    double status, dynamics;          /* NAN when not classified */
    int status_class, dynamics_class; /* -1 when not classified */
    nbl__sd_status status_st, dynamics_st;
} nbl__sd_result;

/** Overwrites c (clear it first if it owns an exclusion list) with the
 * built-in method (the defaults of gis/alerts.ini): indicators lab,
 * cri, edu, inc:-1 (and eth when with_eth), mean_z, population SD, 2
 * years, classes high <= status_high < medium < status_low <= low <
 * status_very_low <= very_low and positive <= dyn_pos < stable < dyn_neg
 * <= negative, groups low/negative and very_low/negative. */
void nbl__sdconf_builtin(nbl__sdconf *c, int with_eth, double status_high,
                         double status_low, double status_very_low,
                         double dyn_pos, double dyn_neg);

/** Applies the berlin_mss preset (MSS's published method) to c, keeping
 * its indicators. */
void nbl__sdconf_berlin_mss(nbl__sdconf *c);

/**
 * Sets one key of [status_dynamics] (method, indicators, sd, composite,
 * dynamics_years, status_classes, dynamics_classes, min_residents, exclude,
 * alert_groups). `method` replaces everything but the indicators, so it is
 * applied first by nbl__sdconf_load. Errors: NBL_EFORMAT with
 * "<where>: [status_dynamics] <key>: <reason>" (also for an unknown
 * key).
 */
int nbl__sdconf_set(nbl__sdconf *c, nbl_ctx *ctx, const char *where,
                    const char *key, const char *value);

/** Checks what one key cannot: alert_groups name existing classes (they
 * are resolved here, after both class lists are known). */
int nbl__sdconf_check(nbl__sdconf *c, nbl_ctx *ctx, const char *where);

/** Frees what c owns (the exclusion list); c may be reused after init. */
void nbl__sdconf_clear(nbl__sdconf *c);

/** Deep copy (0 or NBL_ENOMEM). */
int nbl__sdconf_copy(nbl__sdconf *dst, const nbl__sdconf *src);

/**
 * Parses an ordered class list such as
 * "hoch < -1.0 <= mittel <= 1.0 < niedrig <= 1.5 < sehr_niedrig".
 * Returns NULL on success, else a static reason.
 */
const char *nbl__sd_parse_classes(const char *text, nbl__sd_classes *out);

/** The class of v (0..n-1). */
int nbl__sd_classify(const nbl__sd_classes *cl, double v);

/** Class list as text (the syntax above) into buf. */
char *nbl__sd_classes_text(const nbl__sd_classes *cl, char *buf, size_t n);

/** 1 when the (status, dynamics) class pair is one of the alert groups. */
int nbl__sd_in_groups(const nbl__sdconf *c, int status_class,
                      int dynamics_class);

/** "ok", "excluded", "small", "missing" (stored; "not classified"). */
const char *nbl__sd_status_name(nbl__sd_status s);

/** Computes out[in->n]. Returns 0 or NBL_ENOMEM. */
int nbl__statusdyn_compute(const nbl__sdconf *c, const nbl__sd_input *in,
                           nbl__sd_result *out);

#endif
