/*
 * store_profile.h - persistence of the area profile and the safety index:
 * reads areas, stats, refs and incident_counts into an nbl__pdata; writes
 * safety_results, profile_results and profile_scores. Plain C structs in
 * and out; the SQL stays in store_profile.c.
 */
#ifndef NBL_STORE_PROFILE_H
#define NBL_STORE_PROFILE_H

#include "nabolag/profile.h"
#include "model/profile.h"
#include "model/safety.h"

/**
 * Loads every area (sorted by id), the stats of the given variables for
 * every year from the first to the last year found in stats or
 * incident_counts, every reference and every incident count, and indexes
 * the table. has_year (malloc'ed, n_years entries, caller frees) marks the
 * years that have at least one stats row or incident count.
 */
int nbl__store_profile_load(nbl_ws *ws, const char *const *vars, size_t n_vars,
                            nbl__pdata *out, unsigned char **has_year);

/**
 * nbl__store_profile_load for a caller that shares the table with the
 * criteria (nbl__store_compute_from_pdata): *valued (malloc'ed, n_years
 * entries, may be NULL) marks the years with a non-NULL value of one of
 * vars[0 .. nvalued). The statistics are read in one scan.
 */
int nbl__store_profile_load_shared(nbl_ws *ws, const char *const *vars,
                                   size_t n_vars, int nvalued, nbl__pdata *out,
                                   unsigned char **has_year,
                                   unsigned char **valued);

/** Writes the profile results area by area (nbl__store_profile_writer_*). */
typedef struct nbl__pwriter nbl__pwriter;

/**
 * Starts replacing the rows of the given year (0: every year marked in
 * has_year) in safety_results (only area-years with data), profile_results
 * (every area, year and indicator) and profile_scores (every area and
 * year): deletes them and prepares the inserts. d, has_year, cfg and sum
 * must outlive *out; counts go to sum. The caller holds the transaction.
 */
int nbl__store_profile_writer_new(nbl_ws *ws, const nbl__pdata *d,
                                  const unsigned char *has_year,
                                  const nbl__profile_cfg *cfg, int year,
                                  nbl_profile_summary *sum, nbl__pwriter **out);

/**
 * Writes area a's rows (rows[y * n_ind + i]), scores[y] and safety rows
 * srows[y] for every year y of d that is written. Areas go in d's order
 * (by id), the tables' key order.
 */
int nbl__store_profile_writer_area(nbl__pwriter *w, size_t a,
                                   const nbl__prow *rows,
                                   const nbl__pscore *scores,
                                   const nbl__srow *srows);

void nbl__store_profile_writer_free(nbl__pwriter *w);

/**
 * TEST ONLY: runs plain SQL on the workspace (e.g. to insert stats, refs or
 * incident_counts rows in unit tests before the importers exist). Not for
 * library code.
 */
int nbl__store_profile_test_exec(nbl_ws *ws, const char *sql);

/** TEST ONLY: the first column of the first row as a double (NAN for
 * NULL) / as malloc'ed text (NULL for NULL); NBL_ENOTFOUND when no row. */
int nbl__store_profile_test_double(nbl_ws *ws, const char *sql, double *out);
int nbl__store_profile_test_text(nbl_ws *ws, const char *sql, char **out);

#endif
