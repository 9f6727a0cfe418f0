/*
 * grid.h - the arithmetic of grid statistics (Danmarks Statistik's
 * kvadratnet) summed into areas, pure C without I/O or geometry library.
 *
 * Cell ids follow the Danish kvadratnet (DKN): "<network>_<N>_<E>" where
 * N and E are the northing and easting of the cell's lower-left corner in
 * ETRS89 / UTM zone 32N (EPSG:25832), truncated to the network's unit:
 *     100m_NNNNN_EEEE     unit 100 m     (100m_61756_7195: N 6175600, E 719500)
 *     250m_NNNNNN_EEEEE   unit 10 m, both multiples of 25
 *                                        (250m_622375_57550: N 6223750,
 *                                         E 575500)
 *     1km_NNNN_EEE        unit 1 km      (1km_6175_719)
 *     10km_NNN_EE         unit 10 km
 *     50km_NNN_EE         unit 10 km, both multiples of 5
 *     100km_NN_E          unit 100 km
 * (digit counts as in the kvadratnet tooling of kbevers/kvadratnet,
 * kvadratnet.py REGEX/TILE_FACTORS; see docs/grid.md). An id is parsed
 * whole: another digit count, a sign, spaces or trailing text is refused.
 *
 * Summing: a cell c with count v gives area A the amount v * w(c, A), where
 * w is the share of the cell's area inside A (area-weighted) or 1 for the
 * area(s) holding the cell's centre (centroid). A suppressed cell (value
 * missing) gives nothing but adds its overlap |c n A| (centroid: |c|) to
 * A's missing area; A's value is missing (status not evaluable) when the
 * missing area exceeds max_missing_share of A's own area.
 */
#ifndef NBL_GRID_H
#define NBL_GRID_H

#include <stddef.h>

/** A kvadratnet cell: lower-left corner and side, EPSG:25832 metres. */
typedef struct nbl__grid_cell {
    double e, n, size;
} nbl__grid_cell;

/**
 * Parses a kvadratnet cell id (whole string, strictly). Returns 0 and
 * fills *out, or -1 with *why set to a static English reason.
 */
int nbl__grid_parse_id(const char *s, nbl__grid_cell *out, const char **why);

/** One area's part of a cell: its index, the weight w in [0, 1] (share of
 * the cell's value the area gets) and the overlap in m² that counts
 * towards the area's missing share when the cell is suppressed. */
typedef struct nbl__grid_part {
    size_t area;
    double w;
    double overlap_m2;
} nbl__grid_part;

/** Area-weighted weight: overlap / cell area, clamped to [0, 1] (rounding
 * in the overlay can give 1 + 1e-15); 0 for an empty cell. */
double nbl__grid_weight(double overlap_m2, double cell_m2);

/**
 * Centroid mode: where[i] says how candidate area i holds the cell's
 * centre: 2 in its interior, 1 on its boundary, 0 not at all. Every area
 * with the centre in its interior gets w[i] = 1 (overlapping areas each
 * count the cell); when none has, the first with the centre on its
 * boundary gets it (candidates in area order: the smallest id), so a
 * centre on a shared edge is counted once. Other w[i] are 0. Returns the
 * number of areas that got the cell.
 */
size_t nbl__grid_centroid_pick(const int *where, size_t n, double *w);

/** Sums per (pair, area); a pair is the caller's index of a (year,
 * variable) combination, 0, 1, 2, ... in any order. */
typedef struct nbl__grid_acc nbl__grid_acc;

/** A new accumulator for nareas areas; NULL when out of memory. */
nbl__grid_acc *nbl__grid_acc_new(size_t nareas);
/** NULL-safe. */
void nbl__grid_acc_free(nbl__grid_acc *a);

/**
 * Adds one cell's value for a pair to its areas: value * w to each part's
 * sum, or, when value is NAN (suppressed), part.overlap_m2 to the part's
 * missing area. Marks the areas as touched. Returns 0, -1 when out of
 * memory.
 */
int nbl__grid_acc_add(nbl__grid_acc *a, size_t pair,
                      const nbl__grid_part *parts, size_t n, double value);

/** Marks areas as touched by a cell (also those of cells whose values are
 * all absent for some pair). */
void nbl__grid_acc_touch(nbl__grid_acc *a, const nbl__grid_part *parts,
                         size_t n);

/** True when some cell overlapped the area. */
int nbl__grid_acc_touched(const nbl__grid_acc *a, size_t area);

/** Number of pairs seen (highest pair index + 1). */
size_t nbl__grid_acc_pairs(const nbl__grid_acc *a);

enum { NBL__GRID_OK = 0, NBL__GRID_NOT_EVALUABLE = 1 };

/** An area's result for a pair. */
typedef struct nbl__grid_result {
    double value;         /* the sum; NAN when not evaluable */
    double missing_share; /* missing area / area_m2 (0 when none) */
    int status;           /* NBL__GRID_OK or NBL__GRID_NOT_EVALUABLE */
} nbl__grid_result;

/**
 * The result of an area for a pair: the sum of its cells (0 when none of
 * the pair's cells overlapped it), and NAN with NBL__GRID_NOT_EVALUABLE
 * when missing area / area_m2 > max_missing_share.
 */
void nbl__grid_acc_result(const nbl__grid_acc *a, size_t pair, size_t area,
                          double area_m2, double max_missing_share,
                          nbl__grid_result *out);

#endif
