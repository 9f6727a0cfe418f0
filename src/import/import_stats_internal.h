/*
 * import_stats_internal.h - what the files of the statistics and references
 * import share (nbl_import_stats() and nbl_import_refs(), nabolag/stats.h):
 *   import_stats_read.c    the file: header and layout, the decimal mark,
 *                          the data rows, the rejects file;
 *   import_stats_check.c   the checks of one value, key and year as a row is
 *                          read, the checks over all rows (callbacks of the
 *                          staging area) and the problem messages;
 *   import_stats_fast.c    the fast path: the checks over all rows in C,
 *                          group by group, values written as they come;
 *   import_stats_config.c  [variable.<name>] declarations from --config;
 *   import_stats_source.c  where the rows come from: CSV, workbook or
 *                          StatBank download (rowsrc.h), through the
 *                          column mapping (colmap.h);
 *   import_stats.c         one import: the transaction, the look-ups, the
 *                          order of the steps, the summary and the run log.
 * Names here are nbl__sti_* (statistics import). The state of one import is
 * struct imp; nothing outlives nbl_import_stats()/nbl_import_refs().
 */
#ifndef NBL_IMPORT_STATS_INTERNAL_H
#define NBL_IMPORT_STATS_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "import/colmap.h"
#include "import/csvread.h"
#include "import/rowsrc.h"
#include "nabolag/stats.h"
#include "store/store_stats.h"
#include "util/util.h"

#define NBL__STI_MAX_DEFAULT_PROBLEMS 20

/* A set of keys (area ids, region or municipality codes), sorted, with a
 * second index by the key stripped of leading zeros for hints. */
struct zpair {
    const char *stripped, *orig;
};
struct keyset {
    char **v;
    size_t n;
    struct zpair *z;
    size_t nz;
};

struct imp {
    nbl_ws *ws;
    nbl_ctx *ctx;
    const char *path;
    int refs;
    const nbl_stats_opts *o;
    nbl__var_def *vars;
    size_t nvars;
    /* [variable.<name>] max of the config: plausibility bounds */
    char **max_names;
    double *max_values;
    size_t nmax;
    struct keyset ids, regions, munis;
    /* header */
    int have_header;
    long header_line;
    int layout;   /* 'l' or 'w' */
    size_t nkeys; /* key columns before year: 1 (area_id) or 2 */
    size_t ncols;
    char **cols;
    const nbl__var_def **colvar; /* wide: variable per column, else NULL */
    /* decimal detection */
    char decimal;
    long dot_line, comma_line;
    char *dot_raw, *comma_raw;
    int mark_decided; /* a value shows its mark is a decimal mark */
    /* rows */
    nbl__stage *st;
    long rows;
    long dup_line, dup_other; /* wide: the row pair last named duplicate */
    size_t nhead, trail;      /* header fields; empty headings at its end */
    long unknown_codes, first_unknown_line;
    char *first_unknown, *first_unknown_hint;
    /* rejects */
    FILE *rej;
    char delimiter;
    long bad_line;
    const char *bad_reasons;
    int bad_done;
    /* the run: options for the reader, counts, the rejects file */
    nbl__csv_opts co;
    nbl_stats_summary sum;
    long problems, bad_lines, max_problems;
    nbl__outfile of;
    int have_rejects;
    /* the fast path (import_stats_fast.c); NULL on the staged path */
    struct nbl__sti_fast *fast;
    /* the source (import_stats_source.c) */
    nbl__rowsrc_info src;
    nbl__statbank_opts sbo;
    nbl__colmap map;
    nbl__colplan plan;
    nbl__csv_row_fn inner;      /* the pass's own row function */
    const unsigned char *typed; /* cells of the current row stored as
                                   numbers (workbooks), or NULL */
    const char **mfields;       /* a mapped row */
    size_t *mlens;
    unsigned char *mtyped;
};

/* Returned by a row callback when the fast path cannot go on. */
#define NBL__STI_FALLBACK 2

/* ---- import_stats_check.c ---- */

/** Indexes a key set by its keys stripped of leading zeros (for hints). */
int nbl__sti_keyset_index(struct keyset *k);
void nbl__sti_keyset_free(struct keyset *k);
int nbl__sti_keyset_has(const struct keyset *k, const char *s);
/** A key of the set that differs from s only in leading zeros, or NULL. */
const char *nbl__sti_keyset_hint(const struct keyset *k, const char *s);
/** The workspace variable of that name (exact), or NULL. */
const nbl__var_def *nbl__sti_find_var(const struct imp *im, const char *name);
/** A variable whose name differs from s only in ASCII case, or NULL. */
const char *nbl__sti_var_case_hint(const struct imp *im, const char *s);
/** "", "..", "NA" and "NaN" are missing values. */
int nbl__sti_is_missing(const char *s);
/** Records a problem of a line; msg is printf-style. */
int nbl__sti_problem(struct imp *im, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Shortens a raw field for messages (max 60 bytes, on a UTF-8 boundary). */
const char *nbl__sti_clip(char buf[80], const char *s);
/** s without its thousands separators sep ("412.392,7" with '.' gives
 * "412392,7") into buf, when every sep follows a digit and is followed by
 * exactly three digits; 0 (buf undefined) when s has none or another use
 * of sep. */
int nbl__sti_unthousand(const char *s, char sep, char *buf, size_t size);
/** Checks one value field: 1 and the number (NAN = missing) in *out when
 * good, 0 with a problem recorded when bad, negative on failure. */
int nbl__sti_check_value(struct imp *im, long line, size_t col,
                         const nbl__var_def *v, const char *s, double *out);
/** Stages a checked value; a duplicate key is a problem on both lines. */
int nbl__sti_stage_value(struct imp *im, long line, size_t col, const char *k1,
                         const char *k2, long year, const nbl__var_def *v,
                         double value);
/** The key columns: 1 when usable, 0 (problem recorded) if not. */
int nbl__sti_check_key(struct imp *im, const nbl__csv_row *row, const char **k1,
                       const char **k2);
/** The year column: 1 when usable, 0 (problem recorded) if not. */
int nbl__sti_check_year(struct imp *im, const nbl__csv_row *row, size_t col,
                        long *year);
/* callbacks of the checks over all rows (store_stats.h) */
int nbl__sti_on_conflict(const nbl__stage_rec *r, double ws_value, void *arg);
int nbl__sti_on_excess(const nbl__stage_rec *num, const nbl__stage_rec *den,
                       void *arg);
int nbl__sti_on_other_country(const nbl__stage_rec *r, const char *kept,
                              void *arg);
int nbl__sti_print_problem(long line, const char *msg, void *arg);

/* ---- import_stats_read.c ---- */

/** The header row: key columns, layout, wide variables. */
int nbl__sti_parse_header(struct imp *im, const nbl__csv_row *row);
/** Reads the file: the header, the decimal mark (unless given), every data
 * row checked and its values staged (or held, on the fast path). */
int nbl__sti_read_rows(struct imp *im);
/** Before reading the file again: what the first reading found, but for
 * the header, forgotten. */
void nbl__sti_read_reset(struct imp *im);
/** The bad rows with their line and reasons into im->of. */
int nbl__sti_write_rejects(struct imp *im);

/* ---- import_stats_fast.c ---- */

/** 1 (default): `import stats` tries the fast path; 0: always the staged
 * path (for tests that compare the two). */
extern int nbl__stats_fast_path;
/** Set by each import: 1 when it took the fast path to the end. */
extern int nbl__stats_fast_used;

/** Starts the fast path (im->fast), after the look-ups are loaded. */
int nbl__sti_fast_new(struct imp *im);
/** NULL-safe; im->fast becomes NULL. */
void nbl__sti_fast_free(struct imp *im);
/** The row being read belongs to area_id and year: ends the previous group
 * (its checks, its values written) when that differs. NBL__STI_FALLBACK
 * when the area-year was seen before another one. */
int nbl__sti_fast_group(struct imp *im, const char *area_id, long year);
/** Holds a checked value of the current group; *dup_line is the line of
 * the value already held for its variable (then this one is not), or 0. */
int nbl__sti_fast_stage(struct imp *im, const nbl__var_def *v, double value,
                        long line, long *dup_line);
/** A problem was recorded for line. */
void nbl__sti_fast_bad(struct imp *im, long line);
/** Ends the last group; the value counts go to im->sum. */
int nbl__sti_fast_end(struct imp *im);
/* ---- import_stats_source.c ---- */

/** The mapping and StatBank settings from the options. */
int nbl__sti_source_init(struct imp *im);
void nbl__sti_source_free(struct imp *im);
/** Reads the source, calling fn with each row in the canonical layout
 * (mapped); raw: the file's own rows (for the rejects file). */
int nbl__sti_source_read(struct imp *im, nbl__csv_row_fn fn, int raw);
/** "file:line" or "file.xlsx: sheet 'X' row N", into buf. */
const char *nbl__sti_where(const struct imp *im, long line, char *buf,
                           size_t n);

/* ---- import_stats_config.c ---- */

/** Declares the [variable.<name>] sections of --config in the workspace;
 * *declared is their number. */
int nbl__sti_apply_config(struct imp *im, long *declared);

#endif
