/*
 * report_internal.h - the parts of the HTML report (report*.c) and of
 * `nabolag area` (report_card.c): shared labels, colours, disclosure
 * tests and the sections each file writes.
 */
#ifndef NBL_REPORT_INTERNAL_H
#define NBL_REPORT_INTERNAL_H

#include "compute/plans_internal.h"
#include "model/disclosure.h"
#include "store/store_plans.h"
#include "store/store_report.h"
#include "util/util.h"

/* The category's label in the output language (the statutory labels stay
 * Danish; "not listed" and "not evaluable" are translated). */
const char *nbl__rep_cat_label(const char *code);
/* "#rrggbb" of a category (white when unknown) into buf[8]. */
const char *nbl__rep_cat_colour(const char *code, char buf[8]);
/* 1 if every value of an area with these residents is withheld. */
int nbl__rep_withheld(const nbl__disclosure *disc, double pop);
/* 1 if criterion k of a year is not shown: the area is withheld that year
 * or the criterion's denominator is below the minimum. */
int nbl__rep_rate_hidden(const nbl__disclosure *disc, const nbl__report_year *y,
                         int k);
/* Label of criterion k (NBL__XC_*) in the output language, and the
 * decimals its value is shown with. */
const char *nbl__rep_crit_label(int k);
int nbl__rep_crit_decimals(int k);
/* Appends the fragment id of an area's card: "area-" and the id with every
 * byte that is not [A-Za-z0-9_-] as "." and two hex digits. */
void nbl__rep_anchor(nbl__buf *b, const char *area_id);
/* The HTML-escaped name (or the id) of an area. */
void nbl__rep_esc(nbl__buf *b, const char *s);

/* The disclosure settings of config and the report's data of a year. */
int nbl__rep_load(nbl_ws *ws, const char *config, const char *ruleset, int year,
                  nbl__disclosure *disc, nbl__report_data *d);
/* Writes b to path ("-": stdout) under a temporary name, then renames. */
int nbl__rep_output(nbl_ws *ws, const char *path, int overwrite,
                    const nbl__buf *b);

/* The page being written: the parts append to b, and nbl__rep_flush()
 * hands b to the output file once it holds a chunk, so the page is never
 * whole in memory. The file is written under a temporary name and renamed
 * into place at the end (util's nbl__outfile); a failure removes it. With
 * no file open (of.fp NULL) b keeps the whole text (tests, fuzzing). */
typedef struct nbl__rep_out {
    nbl__buf b;
    nbl__outfile of;
    nbl_ctx *ctx;
    int rc; /* the first error; after it b is dropped at every flush */
} nbl__rep_out;
/* Writes b out when it holds a chunk (all: whatever it holds). Returns
 * the first error: a part that could not be built (out of memory) or a
 * failed write, whose message names the file. */
int nbl__rep_flush(nbl__rep_out *o, int all);

/* The map's one path writer, for the areas and the context layer: points
 * in the working CRS become SVG path data in the map's frame (x - minx to
 * the right, maxy - y down, one decimal, '.' decimals), each part (a ring
 * or a line) as "M x y L x y x y ...", a ring closed with " z" and its
 * repeated last point left out, parts apart by a space. Appends to *b (a
 * failed append leaves b failed, see nbl__buf); x0..y1 is the extent of
 * the points written, in the frame (any: one was written). */
typedef struct nbl__rep_path {
    nbl__buf *b;
    double minx, maxy;
    double x0, y0, x1, y1;
    int any;
    long n;        /* points of the part being written */
    double fx, fy; /* its first point */
    double px, py; /* its last point, not yet written */
} nbl__rep_path;
void nbl__rep_path_init(nbl__rep_path *p, nbl__buf *b,
                        const nbl__report_data *d);
/* Adds a point to the part being written (the first one begins it). */
void nbl__rep_path_point(nbl__rep_path *p, double x, double y);
/* Ends the part, closed (a ring) or not (a line). */
void nbl__rep_path_end(nbl__rep_path *p, int closed);

/* The map's context layer ([report] context) as SVG path data in the
 * map's frame (x right, y down from the areas' top-left corner) and its
 * extent in the same frame. */
typedef struct nbl__rep_context {
    nbl__buf path;
    double x0, y0, x1, y1;
    int any;
} nbl__rep_context;
/* Reads the first layer of path into c; an error names the file. */
int nbl__rep_context_read(nbl_ws *ws, const nbl__report_data *d,
                          const char *path, nbl__rep_context *c);
void nbl__rep_context_free(nbl__rep_context *c);

/* The counts of the category charts: per group of areas (a municipality
 * in the order of the areas; all areas in one group when none has a
 * municipality) and year, the areas in each category and, apart, the
 * withheld ones. Filled by nbl__rep_catcounts_add for each area and year
 * with a category (nbl__store_report_category_years). */
typedef struct nbl__rep_catcounts {
    const nbl__report_data *d;
    const nbl__disclosure *disc;
    int n_groups, all;
    int *group_of; /* [n_areas] */
    int *first;    /* [n_groups]: the group's first area */
    int *counts;   /* [n_groups][n_years][categories + withheld] */
} nbl__rep_catcounts;
int nbl__rep_catcounts_init(nbl__rep_catcounts *c, const nbl__report_data *d,
                            const nbl__disclosure *disc);
void nbl__rep_catcounts_add(void *c, int i, int year, const char *category,
                            double pop);
void nbl__rep_catcounts_free(nbl__rep_catcounts *c);

/* Plans for the report and the area card: the workspace's plans (names,
 * years, areas) and their comparison (compute/plans.c's numbers). */
typedef struct nbl__rep_plans {
    nbl__plans_data d;
    nbl__plan_result *r; /* per plan of d, matched by (plan_id, start) */
    int have;            /* 1 if loaded */
} nbl__rep_plans;
int nbl__rep_plans_load(nbl_ws *ws, const char *ruleset, const char *config,
                        nbl__rep_plans *p);
void nbl__rep_plans_free(nbl__rep_plans *p);
/* 1 if plans i and j share an area and their periods overlap. */
int nbl__rep_plans_overlap(const nbl__rep_plans *p, int i, int j);
/* 1 if plan i covers the area with id. */
int nbl__rep_plan_has_area(const nbl__rep_plans *p, int i, const char *id);

/* Sections. The charts of area i need its series loaded
 * (nbl__store_report_area); the map and the cards read the workspace
 * area by area and flush o as they go. */
void nbl__rep_area_charts(nbl__buf *b, const nbl__report_data *d,
                          const nbl__disclosure *disc, int i);
void nbl__rep_category_charts(nbl__buf *b, const nbl__rep_catcounts *c);
int nbl__rep_map(nbl_ws *ws, nbl__rep_out *o, nbl__report_data *d,
                 const nbl__disclosure *disc, const nbl__rep_context *c);
int nbl__rep_area_cards(nbl_ws *ws, nbl__rep_out *o, nbl__report_data *d,
                        const nbl__disclosure *disc, const nbl__rep_plans *p);
void nbl__rep_plans_section(nbl__buf *b, const nbl__report_data *d,
                            const nbl__rep_plans *p);

#endif
