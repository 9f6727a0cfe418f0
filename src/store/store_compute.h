/*
 * store_compute.h - persistence of the criteria computation over plain
 * structs: loading the statistics and references a ruleset needs, writing
 * criterion_results / category_results / rulesets.
 */
#ifndef NBL_STORE_COMPUTE_H
#define NBL_STORE_COMPUTE_H

#include "model/profile.h"
#include "nabolag/workspace.h"

/**
 * Everything the criteria need, as dense tables (NAN = missing):
 *   area[(a * nyears + y) * nvars + v]   area a, year first_year + y
 *   country[y * nvars + v]               NULL when refs has no country
 *   region[(r * nyears + y) * nvars + v] region r (region_codes[r])
 * Years span the statistics' first to last year (nyears = 0: no stats).
 */
typedef struct nbl__compute_data {
    int first_year, nyears, nvars;
    size_t nareas;
    char **area_ids;  /* sorted (byte order) */
    int *area_region; /* index into region_codes, -1 when none */
    double *area;
    char *country_code; /* NULL when none */
    double *country;
    size_t nregions;
    char **region_codes;
    double *region;
    int *data_years; /* years with any statistics row, ascending */
    int ndata_years;
} nbl__compute_data;

/** Loads the variables vars[nvars] for every area. Several country codes in
 * refs is an error (NBL_EDATA) naming them. */
int nbl__store_compute_load(nbl_ws *ws, const char *const *vars, int nvars,
                            nbl__compute_data *out);

/** The same from a table the profile loaded (nbl__store_profile_load_shared
 * with vars[nvars] as its first variables and nvalued = nvars), so that
 * the statistics are read once; refs are read here. */
int nbl__store_compute_from_pdata(nbl_ws *ws, const nbl__pdata *p,
                                  const unsigned char *valued,
                                  const char *const *vars, int nvars,
                                  nbl__compute_data *out);

void nbl__compute_data_free(nbl__compute_data *d);

typedef struct nbl__compute_writer nbl__compute_writer;

/** Prepares writing results of (ruleset, version). Inside the caller's
 * transaction. */
int nbl__store_compute_writer_new(nbl_ws *ws, const char *ruleset,
                                  const char *version,
                                  nbl__compute_writer **out);

/** Deletes the ruleset's stored results of the n years (one statement per
 * table, not one per year). */
int nbl__store_compute_clear(nbl__compute_writer *w, const int *years, int n);

/** One criterion_results row; NAN doubles and -1 booleans become NULL. */
int nbl__store_compute_put_criterion(nbl__compute_writer *w,
                                     const char *area_id, int year,
                                     const char *criterion, double value,
                                     double ratio, const char *status, int met,
                                     int met_low, double threshold,
                                     double threshold_low);

/** One category_results row (computed_at = nbl__now_iso). */
int nbl__store_compute_put_category(nbl__compute_writer *w, const char *area_id,
                                    int year, const char *category,
                                    int criteria_met,
                                    int criteria_not_evaluable,
                                    int criteria_needed, int criteria_met_low,
                                    int parallel_years, int omdannelse_years);

void nbl__store_compute_writer_free(nbl__compute_writer *w);

/** Records the effective ruleset definition (INI text) in `rulesets`. */
int nbl__store_compute_save_ruleset(nbl_ws *ws, const char *name,
                                    const char *version,
                                    const char *definition);

/** TEST ONLY: runs arbitrary SQL on the workspace (to build fixtures
 * without the import modules). Never call from library code. */
int nbl__store_compute_test_exec(nbl_ws *ws, const char *sql);

/** TEST ONLY: runs a query and returns its rows as text, columns joined by
 * '|' and rows ended by '\n' (NULL printed as empty); *out malloc'ed. */
int nbl__store_compute_test_query(nbl_ws *ws, const char *sql, char **out);

#endif
