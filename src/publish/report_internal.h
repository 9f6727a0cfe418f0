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

/* Sections. */
void nbl__rep_area_charts(nbl__buf *b, const nbl__report_data *d,
                          const nbl__disclosure *disc, int i);
void nbl__rep_category_charts(nbl__buf *b, const nbl__report_data *d,
                              const nbl__disclosure *disc);
int nbl__rep_map(nbl_ws *ws, nbl__buf *b, const nbl__report_data *d,
                 const nbl__disclosure *disc, const char *context);
void nbl__rep_area_cards(nbl__buf *b, const nbl__report_data *d,
                         const nbl__disclosure *disc, const nbl__rep_plans *p);
void nbl__rep_plans_section(nbl__buf *b, const nbl__report_data *d,
                            const nbl__rep_plans *p);

#endif
