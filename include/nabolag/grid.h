/*
 * nabolag/grid.h - grid statistics (Danmarks Statistik's kvadratnet) summed
 * into the areas' statistics.
 *
 * A grid source holds counts per cell and year, in the layouts of the
 * statistics: long (cell_id, year, variable, value) or wide (cell_id, year,
 * <variable>, ...). Cells are given either by kvadratnet ids in a CSV file
 * (100m_61756_7195 = the 100 m cell whose lower-left corner is N 6175600,
 * E 719500 in EPSG:25832; see src/model/grid.h for every network) or as
 * polygons of any GDAL vector source (fields named like the CSV columns;
 * the cell column is then optional). Each area gets, per year and
 * variable, the sum over the cells it overlaps of count x (share of the
 * cell's area inside the area) -- or, with centroid, the counts of the
 * cells whose centre it holds. The values go into the statistics (table
 * stats) and feed criteria, profiles and exports like imported ones; how
 * each was derived is kept in grid_results. See docs/grid.md.
 */
#ifndef NABOLAG_GRID_H
#define NABOLAG_GRID_H

#include "nabolag/common.h"
#include "nabolag/stats.h"
#include "nabolag/workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of nbl_import_grid(). Zero-initialise and set what you need;
 * strings are borrowed for the call. */
typedef struct nbl_grid_opts {
    const char *cell_column;     /**< default "cell_id" */
    const char *year_column;     /**< default "year" */
    const char *variable_column; /**< long layout; default "variable" */
    const char *value_column;    /**< long layout; default "value" */
    const char *ignore;          /**< comma-separated columns to skip */
    /** Column mapping as for statistics (nbl_stats_opts.columns): target
     * (cell, year, variable, value or a variable name) -> heading as the
     * file writes it; wins over the four fields above. */
    const nbl_stats_pair *columns;
    size_t n_columns;
    const char *layer;   /**< polygon sources: the layer */
    const char *src_crs; /**< polygon sources without a CRS */
    /** Comma-separated area ids or shell patterns (BY-*) of the areas
     * that receive grid values; NULL: every area a cell overlaps. */
    const char *areas;
    int centroid; /**< a cell counts wholly for the area holding its centre */
    /** An area whose suppressed cells cover more than this share of its
     * area gets a missing value (status not_evaluable). Used when
     * max_missing_share_set is non-zero; else 0.05. */
    double max_missing_share;
    int max_missing_share_set;
    int replace;    /**< replace differing values already stored */
    char delimiter; /**< CSV: ',' or ';'; 0 detects it */
} nbl_grid_opts;

/** What an import did. */
typedef struct nbl_grid_summary {
    long rows_read;            /**< data rows (CSV) or features */
    long cells;                /**< distinct cells */
    long cells_outside;        /**< cells that overlap no area */
    long values_suppressed;    /**< cell values missing (blank, '..') */
    long areas;                /**< areas that received values */
    long values_inserted;      /**< area values new to the workspace */
    long values_updated;       /**< replaced (only with replace) */
    long values_unchanged;     /**< already stored with the same value */
    long values_not_evaluable; /**< stored as missing: too much suppressed */
} nbl_grid_summary;

/**
 * Imports the grid source src into ws in one transaction. The areas must
 * be imported first. Fails (NBL_EFORMAT, NBL_EDATA) naming the file, line
 * or feature and column on: a cell id that is not a kvadratnet id, a
 * year, number or count that is not one, a negative count, an unknown
 * variable (or one of kind mean, which cannot be summed), a repeated
 * (cell, year, variable), a column that is not placed; NBL_EDATA when an
 * area's summed numerator exceeds its denominator or a derived value
 * differs from one already stored and replace is not set. On any failure
 * the workspace is unchanged. out may be NULL.
 */
int nbl_import_grid(nbl_ws *ws, const char *src, const nbl_grid_opts *opts,
                    nbl_grid_summary *out);

#ifdef __cplusplus
}
#endif
#endif
