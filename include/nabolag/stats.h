/*
 * nabolag/stats.h - importing resident statistics and reference values
 * from CSV into a workspace.
 *
 * Statistics: one value per (area_id, year, variable), in the long layout
 *     area_id,year,variable,value
 * or the wide layout
 *     area_id,year,<variable>,<variable>,...
 * References: one value per (scope, code, year, variable), long
 *     scope,code,year,variable,value
 * or wide (scope,code,year,<variable>,...), scope one of country, region,
 * municipality.
 *
 * Files are UTF-8 (with or without BOM), ',' or ';' delimited, with '.' or
 * ',' as decimal mark (both detected), CRLF or LF, quoted fields allowed.
 * Blank, "..", "NA" and "NaN" are a missing value (stored as NULL), never
 * zero. Every row is either stored or reported as a problem
 * ("file:line: column 'x': reason: 'raw'"). An import is one transaction:
 * by default any bad row means nothing is stored; with skip_invalid the good
 * rows are stored and the bad ones reported (and written to a rejects file).
 * See docs/statistics.md for the full list of checks.
 */
#ifndef NABOLAG_STATS_H
#define NABOLAG_STATS_H

#include "nabolag/common.h"
#include "nabolag/workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Plausibility bound of a count in one area (more residents than any area
 * has): a larger count is a bad row, unless its [variable.<name>] in the
 * config sets another `max` (which bounds any variable, also in
 * references). */
#define NBL_STATS_MAX_COUNT 10000000.0
/** A name and a value: a column mapping (target -> heading), a StatBank
 * label mapping (label -> variable) or a held dimension (heading ->
 * value). */
typedef struct nbl_stats_pair {
    const char *key;
    const char *value;
} nbl_stats_pair;

/** Options of nbl_import_stats() and nbl_import_refs(). Zero-initialise
 * and set what you need; all-zero means the documented defaults. */
typedef struct nbl_stats_opts {
    /** Store the good rows and report the bad ones instead of storing
     * nothing when a row is bad. */
    int skip_invalid;
    /** Replace values already in the workspace that differ from the file's
     * (otherwise a differing value is a bad row; an identical one is
     * counted as unchanged). */
    int replace;
    /** ',' or ';'; 0 detects it from the header line. */
    char delimiter;
    /** '.' or ','; 0 detects it from the values (ambiguous files fail with
     * a message naming a line and the option to pass). */
    char decimal;
    /** When not NULL, the bad rows are written here as CSV (same delimiter
     * as the input): line, reason, then the row's original fields. The file
     * is written atomically, also when the import fails (it then lists every
     * problem); it must not exist unless overwrite_rejects is set. */
    const char *rejects_path;
    int overwrite_rejects;
    /** When not NULL, an INI file whose [variable.<name>] sections (kind =
     * count|amount|mean, denominator, label) declare or redefine variables
     * before the rows are checked, in the same transaction. */
    const char *config_path;
    /** How many problems the error/warning lists show (0 = 20). */
    int max_problems;

    /** Column mapping: which heading (as the file writes it; compared
     * exactly after trimming spaces and a BOM) is which target: a key
     * (area_id, year; refs: scope, code, year), the long layout's
     * variable and value, or a variable. Unmapped headings that name a
     * key or a known variable are placed as before. */
    const nbl_stats_pair *columns;
    size_t n_columns;
    /** Headings to leave out (a name column, remarks). */
    const char *const *ignore;
    size_t n_ignore;
    /** NULL or "auto" (decided from the bytes and the header), "csv",
     * "xlsx", "ods" or "statbank". */
    const char *format;
    /** Workbooks: the sheet to read (NULL: the only one). */
    const char *sheet;
    /** StatBank: the one variable of the file, or the dimension whose
     * labels name the variables (with labels: label -> variable, an empty
     * variable leaving the label's rows out). */
    const char *variable;
    const char *variable_from;
    const nbl_stats_pair *labels;
    size_t n_labels;
    /** StatBank: dimensions held to one value (heading -> value). */
    const nbl_stats_pair *where;
    size_t n_where;
    /** StatBank: NULL (TID must be a year) or "last" (a year's last
     * quarter or month stands for the year). */
    const char *period;
    /** StatBank references: country, region or municipality for every
     * row; NULL derives it from DST's code (000, 081-085, others). */
    const char *scope;
} nbl_stats_opts;

/** What an import did. Row counts are CSV data rows (the header is not
 * counted); value counts are single (key, year, variable) values, which
 * differ from rows in the wide layout. */
typedef struct nbl_stats_summary {
    long rows_read;          /**< data rows in the file */
    long rows_stored;        /**< rows whose values were all stored */
    long rows_rejected;      /**< bad rows (not stored) */
    long problems;           /**< problems found (a row can have several) */
    long values_inserted;    /**< new values */
    long values_updated;     /**< values replaced (only with replace) */
    long values_unchanged;   /**< values already present with the same value */
    long values_missing;     /**< stored values that are missing (NULL) */
    long variables_declared; /**< [variable.*] sections applied */
    long rows_empty;         /**< rows with every field empty (skipped) */
    long rows_left_out;      /**< StatBank rows left out (where, period) */
    const char *encoding;    /**< "utf-8", "windows-1252" (converted), or
                                  NULL for a workbook; static */
    char source;             /**< 'c' CSV, 'w' workbook, 's' StatBank */
    char layout;             /**< 'l' long or 'w' wide */
    char delimiter;          /**< ',' or ';' */
    char decimal;            /**< '.' or ',' */
} nbl_stats_summary;

/**
 * Imports statistics from csv_path into ws in one transaction. The areas
 * must have been imported first: unknown area ids are bad rows (with a hint
 * when only leading zeros differ). opts may be NULL (defaults); out may be
 * NULL and is filled also on NBL_EDATA so the caller can print the counts.
 *
 * Returns NBL_OK; NBL_EDATA when rows were bad and skip_invalid was not set
 * (nothing is stored; the problems were logged as warnings through the
 * ctx, the first max_problems of them one per line, then "... and N more";
 * the ctx error is one summary line); NBL_EFORMAT for a file that cannot be
 * read as statistics (not UTF-8, empty, no data rows, header that fits
 * neither layout, unknown variable column, ambiguous decimal mark, broken
 * quoting); NBL_EIO, NBL_EEXISTS (rejects file), NBL_EINVAL (options),
 * NBL_EDB, NBL_ECANCELLED. On any failure the workspace is unchanged.
 * With skip_invalid, bad rows are logged as warnings (the first
 * max_problems) and the call succeeds.
 */
int nbl_import_stats(nbl_ws *ws, const char *csv_path,
                     const nbl_stats_opts *opts, nbl_stats_summary *out);

/**
 * Imports reference values (country, region and municipality) from csv_path;
 * same options, checks and results as nbl_import_stats(), with the key
 * (scope, code) instead of area_id. Codes of region/municipality rows that
 * match no area's region/municipality are stored but warned about (with a
 * leading-zero hint). At most one country code may exist in the workspace.
 */
int nbl_import_refs(nbl_ws *ws, const char *csv_path,
                    const nbl_stats_opts *opts, nbl_stats_summary *out);

#ifdef __cplusplus
}
#endif
#endif
