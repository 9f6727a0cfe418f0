/*
 * store_stats.h - persistence for the statistics and reference imports:
 * look-ups (areas, variables), declaring variables, and a staging area in
 * TEMP tables where an import's values wait, with their line numbers, until
 * every cross-row check has run. Plain C types only.
 */
#ifndef NBL_STORE_STATS_H
#define NBL_STORE_STATS_H

#include <stddef.h>

#include "nabolag/workspace.h"

/** A variable of the workspace. */
typedef struct nbl__var_def {
    char *name;
    char *kind;        /* count | amount | mean */
    char *denominator; /* NULL if none */
} nbl__var_def;

/** All variables sorted by name (strcmp). Free with
 * nbl__store_stats_free_vars(). */
int nbl__store_stats_variables(nbl_ws *ws, nbl__var_def **out, size_t *n);
void nbl__store_stats_free_vars(nbl__var_def *v, size_t n);

/** Distinct non-NULL values of an areas column ("area_id", "region" or
 * "municipality"), sorted by strcmp. Free with nbl__store_stats_free_strs. */
int nbl__store_stats_area_column(nbl_ws *ws, const char *column, char ***out,
                                 size_t *n);
void nbl__store_stats_free_strs(char **v, size_t n);

/** Inserts or replaces a variable definition (inside the caller's
 * transaction). denominator and label may be NULL. */
int nbl__store_stats_put_variable(nbl_ws *ws, const char *name,
                                  const char *kind, const char *denominator,
                                  const char *label);

/** FOR TESTS (the areas import owns the areas table): adds an area with a
 * 1 m square geometry at the origin. */
int nbl__store_stats_test_add_area(nbl_ws *ws, const char *id, const char *name,
                                   const char *municipality,
                                   const char *region);

/** Which table a stage is written to. Key columns: stats (area_id) with k2
 * always ""; refs (scope, code). */
enum { NBL__STAGE_STATS = 0, NBL__STAGE_REFS = 1 };

typedef struct nbl__stage nbl__stage;

/** One staged value; line 0 means "already in the workspace". value is
 * NAN when missing. Strings are borrowed for the duration of a callback. */
typedef struct nbl__stage_rec {
    const char *k1, *k2;
    long year;
    const char *variable;
    double value;
    long line;
} nbl__stage_rec;

typedef int (*nbl__stage_rec_fn)(const nbl__stage_rec *rec, void *arg);

/** Creates the TEMP staging tables (inside the caller's transaction). */
int nbl__stage_new(nbl_ws *ws, int target, nbl__stage **out);
/** Drops the staging tables and frees; NULL-safe. */
void nbl__stage_free(nbl__stage *st);

/**
 * Stages one value. If the key was already staged, nothing is added and
 * *dup_line is the line of the earlier value; otherwise *dup_line is 0.
 */
int nbl__stage_add(nbl__stage *st, const char *k1, const char *k2, long year,
                   const char *variable, double value, long line,
                   long *dup_line);

/** Records a problem of a line (msg: "column 'x': reason: 'raw'"). The line
 * becomes bad: none of its values will be stored. */
int nbl__stage_problem(nbl__stage *st, long line, const char *msg);

/** Calls fn(rec, ws_value) for each staged value of a good line whose key
 * is in the workspace with a different value (NULL-aware). */
int nbl__stage_each_conflict(nbl__stage *st,
                             int (*fn)(const nbl__stage_rec *rec,
                                       double ws_value, void *arg),
                             void *arg);

/**
 * Calls fn(num, den, den_variable) for each numerator value larger than its
 * denominator (variables.denominator) for the same key and year, where the
 * values that will be in the workspace after the import are compared: a
 * staged value of a good line, else the workspace's. At least one of num
 * and den comes from the file (line > 0).
 */
int nbl__stage_each_excess(nbl__stage *st,
                           int (*fn)(const nbl__stage_rec *num,
                                     const nbl__stage_rec *den, void *arg),
                           void *arg);

/** Refs only: the country code kept (the workspace's, else the one on the
 * earliest line) is passed as kept; fn is called for staged country values
 * of good lines with another code. */
int nbl__stage_each_other_country(nbl__stage *st,
                                  int (*fn)(const nbl__stage_rec *rec,
                                            const char *kept, void *arg),
                                  void *arg);

/** Counts for the values of good lines: new keys, keys with a different
 * value, keys with the same value, and missing values. */
int nbl__stage_counts(nbl__stage *st, long *inserted, long *updated,
                      long *unchanged, long *missing);

/** Writes the values of good lines to the target table (differing values
 * are replaced; call only when that is wanted or there are none). */
int nbl__stage_apply(nbl__stage *st);

/** Number of problems and of bad lines recorded so far. */
int nbl__stage_problem_counts(nbl__stage *st, long *problems, long *bad_lines);

/** Calls fn for the first `limit` problems ordered by line (then by the
 * order they were found). */
int nbl__stage_each_problem(nbl__stage *st, long limit,
                            int (*fn)(long line, const char *msg, void *arg),
                            void *arg);

/** Iterates the bad lines in order: returns 1 with *line and *reasons (all
 * the line's problems joined by "; ", borrowed until the next call), 0 at
 * the end, negative on error. */
int nbl__stage_next_bad(nbl__stage *st, long *line, const char **reasons);

/* ---- direct writing (the fast path of the statistics import) ---------- */

/** Prepared statements that read one area-year of `stats` and write single
 * values into it, inside the caller's transaction. */
typedef struct nbl__stats_writer nbl__stats_writer;

/** *empty is set to 1 when `stats` holds no value at all. */
int nbl__stats_writer_new(nbl_ws *ws, nbl__stats_writer **out, int *empty);
/** NULL-safe. */
void nbl__stats_writer_free(nbl__stats_writer *w);

/** Calls fn(variable, value) for each value stored for area_id and year
 * (value NAN when missing); a non-zero return of fn stops and is returned. */
int nbl__stats_writer_group(
    nbl__stats_writer *w, const char *area_id, long year,
    int (*fn)(const char *variable, double value, void *arg), void *arg);

/** Writes one value: a new key is inserted; an existing key's value is
 * replaced. The strings are borrowed for the call only. */
int nbl__stats_writer_put(nbl__stats_writer *w, const char *area_id, long year,
                          const char *variable, double value);

#endif
