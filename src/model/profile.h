/*
 * profile.h - the area profile (BoSocData-style) as pure C over plain
 * structs: the data table every profile/safety computation reads
 * (nbl__pdata: areas x years x variables, references, incident counts) and
 * the computation of indicator values, municipal references, SD distances,
 * changes, points and bands. No I/O; store_profile.c fills nbl__pdata and
 * writes the results.
 */
#ifndef NBL_PROFILE_H
#define NBL_PROFILE_H

#include <stddef.h>

#include "model/indicators.h"

/** One imported reference value (refs table). */
typedef struct nbl__pref {
    char *scope, *code, *variable;
    int year;
    double value; /* NAN = missing */
} nbl__pref;

/** One aggregated incident count (incident_counts table): 24 bytes, as
 * there are 640,000 of them at national scale. */
typedef struct nbl__pinc {
    char *category;
    double n;
    unsigned area; /* index into the areas */
    int year;
} nbl__pinc;

/**
 * The input table. Areas are sorted by id; years are year0 .. year0 +
 * n_years - 1; v holds n_areas x n_years x n_vars values (NAN = missing),
 * addressed by nbl__pdata_get. refs are sorted by (scope, code, year,
 * variable) (nbl__pdata_sort). muni[a] is the index of area a's
 * municipality among the n_munis distinct municipality codes, or -1 when the
 * area has none (nbl__pdata_index sets it).
 */
typedef struct nbl__pdata {
    size_t n_areas;
    char **area_id, **municipality, **region; /* municipality/region NULL ok */
    int year0, n_years;
    size_t n_vars;
    char **vars;
    double *v;
    nbl__pref *refs;
    size_t n_refs, cap_refs;
    nbl__pinc *inc;
    size_t n_inc, cap_inc;
    char **cats; /* the distinct incident categories, sorted; inc[i].category
                    points to one of them */
    size_t n_cats, cap_cats;
    int *muni;
    size_t n_munis;
} nbl__pdata;

/** Allocates v (all NAN) for the given dimensions; names are copied. */
int nbl__pdata_alloc(nbl__pdata *d, size_t n_areas, int year0, int n_years,
                     const char *const *vars, size_t n_vars);
/** The same with v taken over as the values (malloc'ed, n_areas x n_years
 * x n_vars, laid out as d->v; freed on failure too); v NULL: all NAN. The
 * table the statistics were read into becomes d's without a second copy. */
int nbl__pdata_alloc_take(nbl__pdata *d, size_t n_areas, int year0, int n_years,
                          const char *const *vars, size_t n_vars, double *v);
/** Sets an area's id, municipality and region (copied). */
int nbl__pdata_set_area(nbl__pdata *d, size_t a, const char *id,
                        const char *municipality, const char *region);
/** Adds a reference / an incident count (copied; an incident category is
 * kept once however many counts name it). */
int nbl__pdata_add_ref(nbl__pdata *d, const char *scope, const char *code,
                       int year, const char *variable, double value);
int nbl__pdata_add_inc(nbl__pdata *d, size_t area, int year,
                       const char *category, double n);
/** Makes room for n incident counts in all (n: how many will be added), so
 * that the array is not grown by doubling. */
int nbl__pdata_reserve_inc(nbl__pdata *d, size_t n);
/** Sorts refs and fills muni/n_munis; call after filling, before use. */
int nbl__pdata_index(nbl__pdata *d);
void nbl__pdata_free(nbl__pdata *d);

/** Index of a variable, or -1. */
int nbl__pdata_var(const nbl__pdata *d, const char *name);
/** Value of variable k of area a in year (NAN when missing/out of range). */
double nbl__pdata_get(const nbl__pdata *d, size_t a, int year, int k);
/** Pointer to that cell (year must be in range). */
double *nbl__pdata_cell(nbl__pdata *d, size_t a, int year, int k);
/** A reference value, NAN when absent. */
double nbl__pdata_ref(const nbl__pdata *d, const char *scope, const char *code,
                      int year, const char *variable);

/** Status of an indicator value. */
typedef enum {
    NBL__ST_OK = 0,
    NBL__ST_MISSING,
    NBL__ST_NOT_EVALUABLE
} nbl__status;

/** "ok", "missing", "not_evaluable". */
const char *nbl__status_name(nbl__status s);

/** One area, year and indicator. NAN = NULL; points -1 = NULL. */
typedef struct nbl__prow {
    double value;
    nbl__status status;
    double reference;
    double sd_distance; /* signed: positive = worse than the reference */
    double change;      /* value - last year's value */
    int points;
} nbl__prow;

/** One area and year: summed points and band (-1 = NULL; 0 green, 1
 * yellow, 2 orange, 3 red). n_missing = scored indicators without points. */
typedef struct nbl__pscore {
    int points;
    int band;
    int n_missing;
} nbl__pscore;

/** "green", "yellow", "orange", "red". */
const char *nbl__band_name(int band);

/** Points for a signed SD distance d under steps (lower bounds inclusive). */
int nbl__profile_points(const double steps[3], double d);

/** Band for a point sum under bands (lower bounds inclusive). */
int nbl__profile_band(const double bands[3], int points);

/**
 * The part of the profile that needs every area of a year, made before the
 * rows of any area (nbl__profile_prepare): each area's value and status
 * per year and indicator, and per year, indicator and municipality the
 * pooled numerator and denominator, the count, sum and squared deviations
 * of the values in its standard deviation, and whether some area has a
 * value. About 9 bytes per area, year and indicator: the rows themselves
 * (48 bytes each) are made one area at a time (nbl__profile_area).
 */
typedef struct nbl__pprep {
    const nbl__pdata *d;
    const nbl__profile_cfg *cfg;
    const double *safety_index;
    int k_pop;
    size_t nm;                            /* municipalities (at least 1) */
    double *value;                        /* [(a * n_years + y) * n_ind + i] */
    unsigned char *status;                /* the same */
    double *pnum, *pden, *sum, *cnt, *sq; /* [(y * n_ind + i) * nm + m] */
    unsigned char *present;               /* [(y * nm + m) * n_ind + i] */
} nbl__pprep;

/** Makes *p for d, cfg and safety_index (as nbl__profile_run; all three
 * must outlive *p). 0 or NBL_ENOMEM (then *p holds nothing). */
int nbl__profile_prepare(nbl__pprep *p, const nbl__pdata *d,
                         const nbl__profile_cfg *cfg,
                         const double *safety_index);

/** The rows of area a, rows[y * n_ind + i] for every year and indicator,
 * and its scores[y]: the same values nbl__profile_run gives it. */
void nbl__profile_area(const nbl__pprep *p, size_t a, nbl__prow *rows,
                       nbl__pscore *scores);

void nbl__pprep_free(nbl__pprep *p);

/**
 * Computes the profile for every area, every year of d and every indicator
 * of cfg (nbl__profile_prepare, then nbl__profile_area per area). safety_index
 * (may be NULL) holds the safety index per area and year, [a * n_years + (year
 * - year0)], NAN when missing. rows must hold n_areas x n_years x n_ind entries
 * ([(a * n_years + y) * n_ind + i]), scores n_areas x n_years. d must be
 * indexed (nbl__pdata_index).
 */
int nbl__profile_run(const nbl__pdata *d, const nbl__profile_cfg *cfg,
                     const double *safety_index, nbl__prow *rows,
                     nbl__pscore *scores);

#endif
