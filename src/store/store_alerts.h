/*
 * store_alerts.h - persistence of the alerts module: reads the criterion,
 * category and safety results into plain structs, stores alerts with their
 * states and the status/dynamics classes, lists alerts, marks deliveries,
 * and gives the areas' representative points for GeoJSON output.
 */
#ifndef NBL_STORE_ALERTS_H
#define NBL_STORE_ALERTS_H

#include "model/alerts.h"
#include "nabolag/workspace.h"

/* Resolves the ruleset: `ruleset` if given, else meta current_ruleset, else
 * the only ruleset with category results. *out (malloc'ed) and *version
 * (malloc'ed, may be NULL; the newest ruleset_version of its results). */
int nbl__store_alerts_ruleset(nbl_ws *ws, const char *ruleset, char **out,
                              char **version);

/* The latest year with category results of the ruleset (NBL_ENOTFOUND if
 * none). */
int nbl__store_alerts_latest_year(nbl_ws *ws, const char *ruleset, int *year);

/* True (1) if the ruleset has category or criterion results in year. */
int nbl__store_alerts_has_year(nbl_ws *ws, const char *ruleset, int year,
                               int *has);

/* All areas with results of the ruleset (or safety results) up to year,
 * sorted by area_id, with their names but no results, and the earliest
 * year of those results (*ymin; `year` when there are none). Free with
 * nbl__aareas_free. */
int nbl__store_alerts_areas(nbl_ws *ws, const char *ruleset, int year,
                            nbl__aarea **out, size_t *n_out, int *ymin);

/* The results of the ruleset up to year, one area at a time: three
 * cursors in area_id order (criterion, category, safety results). next
 * gives the results of area_id (ids asked in ascending order; rows of ids
 * not asked for are passed over) in an area owned by the stream, valid up
 * to the next call (its area_id and name are the caller's strings). */
#define NBL_ASTREAM_TABLES 3
typedef struct nbl__astream {
    struct sqlite3_stmt *st[NBL_ASTREAM_TABLES];
    int row[NBL_ASTREAM_TABLES]; /* the cursor stands on a row */
    nbl__aarea cur;
} nbl__astream;
int nbl__store_alerts_stream_open(nbl_ws *ws, const char *ruleset, int year,
                                  nbl__astream *s);
int nbl__store_alerts_stream_next(nbl_ws *ws, nbl__astream *s,
                                  const char *area_id, const char *name,
                                  nbl__aarea **out);
void nbl__store_alerts_stream_close(nbl__astream *s);

/* Stores the alerts of `year` (upsert on the identity; rows of the year
 * that are no longer raised are deleted; created_at and delivered_at are
 * kept). *changed = rows changed. The status/dynamics rows are written by
 * nbl__store_sd_save (store_statusdyn.h). Call inside a transaction. */
int nbl__store_alerts_save(nbl_ws *ws, const char *ruleset, int year,
                           const nbl_alert_list *alerts, long *changed);

/* Appends the stored alerts of years from..to to out (sorted as
 * nbl_alerts_list documents). *pop and *denom (malloc'ed, one per appended
 * alert, NAN = none) receive the area's residents in the alert's year and
 * the denominator of the rate the rule is about (see disclosure.h). */
int nbl__store_alerts_list(nbl_ws *ws, const char *ruleset, int from, int to,
                           double **pop, double **denom, nbl_alert_list *out);

/* Sets delivered_at = when (NULL: now) for the alerts with these ids (inside a
 * transaction). */
int nbl__store_alerts_mark_delivered(nbl_ws *ws, const long long *ids, size_t n,
                                     const char *when);

/* Representative points of the areas (PointOnSurface, WGS 84) as GeoJSON
 * geometry texts, sorted by area_id. Free with nbl__store_points_free. */
typedef struct nbl__apoints {
    char **ids, **geojson;
    size_t n;
} nbl__apoints;
int nbl__store_alerts_points(nbl_ws *ws, nbl__apoints *out);
void nbl__store_points_free(nbl__apoints *p);

#endif
