/*
 * nabolag/compute.h - the statutory area criteria (almenboligloven § 61 a /
 * § 61 b and their earlier wordings): evaluates a ruleset for every area and
 * year in a workspace and stores the results (tables criterion_results,
 * category_results, rulesets; meta key current_ruleset).
 */
#ifndef NABOLAG_COMPUTE_H
#define NABOLAG_COMPUTE_H

#include "nabolag/category.h"
#include "nabolag/common.h"
#include "nabolag/workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of nbl_compute(). Zero-initialise, then set what you need. */
typedef struct nbl_compute_opts {
    /** Year to compute; 0 = every year that has statistics. History years
     * (windows, omdannelse) are read either way. */
    int year;
    /** Built-in ruleset name ("dk2010", "dk2013", "dk2018", "dk2021") or a
     * path to a ruleset INI file. NULL: the config's [project] ruleset, or
     * dk2021. */
    const char *ruleset;
    /** Config/project file whose [ruleset] and [criterion.<id>] sections
     * override the ruleset's keys; NULL for none. Its [indicator.*],
     * [profile] and [safety] sections configure the profile. */
    const char *config;
    /** Non-zero: the statutory criteria only; otherwise the area profiles
     * and the safety index (nbl_profile_compute) are computed too, in the
     * same transaction. */
    int criteria_only;
} nbl_compute_opts;

/** Areas per category in one computed year. */
typedef struct nbl_compute_year {
    int year;
    long areas[NBL_CAT_COUNT]; /**< indexed by nbl_category */
} nbl_compute_year;

/** What nbl_compute() did. Free with nbl_compute_summary_free(). */
typedef struct nbl_compute_summary {
    char ruleset[64]; /**< ruleset name the results are stored under */
    char version[64]; /**< its version (with "+config" if overridden) */
    long areas;       /**< areas evaluated per year */
    int nyears;
    nbl_compute_year *years; /**< nyears entries, ascending; owned */
    long profile_scored;     /**< area-years with a profile band */
    long safety_index;       /**< area-years with a safety index */
} nbl_compute_summary;

/**
 * Evaluates the ruleset for every area of the workspace in the chosen
 * year(s) and replaces that ruleset's stored results for those years, in
 * one transaction (on failure the workspace is unchanged). Sets meta key
 * current_ruleset and logs a run of kind "compute". A missing reference for
 * a year makes the criteria that need it not evaluable (never an error); a
 * ruleset or config error, several country codes in refs, or a --year with
 * no statistics (NBL_ENOTFOUND) is an error. `out` may be NULL; when given
 * it is filled on success and must be freed with nbl_compute_summary_free().
 */
int nbl_compute(nbl_ws *ws, const nbl_compute_opts *opts,
                nbl_compute_summary *out);

/** Releases what a summary owns; NULL-safe. */
void nbl_compute_summary_free(nbl_compute_summary *s);

#ifdef __cplusplus
}
#endif
#endif
