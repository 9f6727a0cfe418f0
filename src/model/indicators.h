/*
 * indicators.h - the profile and safety configuration: indicator
 * declarations ([indicator.<name>]), scoring ([profile]) and the safety
 * index ([safety]). Loaded from the embedded gis/indicators.ini and
 * gis/safety.ini, then overridden/extended by a user INI file. Plain
 * structs; no I/O beyond reading the user file.
 */
#ifndef NBL_INDICATORS_H
#define NBL_INDICATORS_H

#include <stddef.h>

#include "nabolag/common.h"

typedef enum {
    NBL__UNIT_PERCENT = 0,
    NBL__UNIT_PER_1000,
    NBL__UNIT_INDEX
} nbl__unit;

typedef enum { NBL__SRC_STATS = 0, NBL__SRC_SAFETY } nbl__source;

typedef enum {
    NBL__REF_MUNICIPAL = 0,
    NBL__REF_IMPORTED,
    NBL__REF_FIXED
} nbl__reftype;

typedef enum {
    NBL__REL_NONE = 0,
    NBL__REL_REGION,
    NBL__REL_COUNTRY
} nbl__relative;

typedef struct nbl__indicator {
    char *name;
    char *label_da, *label_en;
    nbl__source source;
    char *numerator, *denominator, *mean_variable; /* NULL when unset */
    nbl__unit unit;
    nbl__relative relative_to;
    int direction; /* +1 higher_is_worse, -1 higher_is_better, 0 unset */
    int window;    /* >= 1 */
    double min_denominator;
    nbl__reftype reference;
    int ref_scope_region; /* imported reference: 0 municipality, 1 region */
    double reference_value;
    int scored;
    int enabled;
} nbl__indicator;

typedef struct nbl__safety_cfg {
    double w_perceived, w_problems, w_registered;
    double bands[3]; /* descending cut points */
    char *band_labels[4];
    double flag_safe, flag_night; /* percent */
    double min_respondents;
    int imported_ref; /* 0: pooled over the municipality, 1: refs */
    double category_weight;
    size_t n_cat;
    char **cat;    /* category names */
    double *cat_w; /* their weights */
} nbl__safety_cfg;

typedef struct nbl__profile_cfg {
    nbl__indicator *ind; /* enabled indicators, in declaration order */
    size_t n_ind;
    double min_residents;
    double steps[3]; /* ascending SD distances */
    double bands[3]; /* ascending point sums: yellow, orange, red */
    int max_missing;
    nbl__safety_cfg safety;
} nbl__profile_cfg;

/** Defaults only (no file read): used by the unit tests. */
void nbl__profile_cfg_init(nbl__profile_cfg *cfg);

/**
 * Loads the embedded gis/indicators.ini and gis/safety.ini, then, when
 * user_path is not NULL, the user file's [profile], [safety] and
 * [indicator.<name>] sections (other sections are ignored). Validates the
 * result; errors name the file, section and key. On success *cfg owns its
 * memory (nbl__profile_cfg_free); on failure it is left empty.
 */
int nbl__profile_cfg_load(nbl_ctx *ctx, nbl__profile_cfg *cfg,
                          const char *user_path);

/** Same, with the user configuration given as text (name for messages). */
int nbl__profile_cfg_load_text(nbl_ctx *ctx, nbl__profile_cfg *cfg,
                               const char *user_text, const char *name);

void nbl__profile_cfg_free(nbl__profile_cfg *cfg);

/** Weight of an incident category under cfg. */
double nbl__safety_category_weight(const nbl__safety_cfg *cfg,
                                   const char *category);

/** Index of the indicator named name, or -1. */
int nbl__profile_cfg_find(const nbl__profile_cfg *cfg, const char *name);

#endif
