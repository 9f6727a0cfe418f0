/*
 * store_statusdyn.h - the status/dynamics index in the workspace (see
 * store_statusdyn.c for table status_dynamics).
 */
#ifndef NBL_STORE_STATUSDYN_H
#define NBL_STORE_STATUSDYN_H

#include "model/alerts.h"
#include "store/store_compute.h"
#include "nabolag/workspace.h"

/** Loads the indicator tables (nbl__aarea.ind) of the configured method:
 * per indicator the profile indicator of that name, else the variable;
 * the last column is the variable pop. Years span the statistics. stats:
 * NULL, or the variables' table already read (what
 * nbl__store_compute_load gives for the indicators' names and pop, in
 * that order; references not needed), so that stats is not read again. */
int nbl__store_sd_load(nbl_ws *ws, const nbl__sdconf *c, nbl__aarea *areas,
                       size_t n, const nbl__compute_data *stats);

/** Merges the criterion results of the ruleset up to `year` that the
 * method reads into each area's indicator table (widened to the years
 * ymin..year): an indicator that is a criterion takes its measure (NAN
 * unless ok; cri: the ratio), the residents column (nind) the size
 * criterion's value where the statistics have none. nbl__alerts_sd_value
 * and the residents then read the same from the table alone as from the
 * criterion results, so the status/dynamics need no criterion rows.
 * areas sorted by area_id, after nbl__store_sd_load. */
int nbl__store_sd_merge_criteria(nbl_ws *ws, const nbl__sdconf *c,
                                 const char *ruleset, int ymin, int year,
                                 nbl__aarea *areas, size_t n);

/** Writes the status/dynamics of `year` for the n areas (areas with no
 * indicator values get no row). *changed += rows changed. In the caller's
 * transaction. */
int nbl__store_sd_save(nbl_ws *ws, const char *ruleset, int year,
                       const nbl__aarea *areas, const nbl__asd *sd, size_t n,
                       const char *method, long *changed);

/** 1 when status_dynamics has the columns of the configurable method
 * (sd_group, status_st, dynamics_st, method), 0 when not (older workspaces
 * get them on the next alerts evaluation), -1 when the look-up failed (the
 * error is set). */
int nbl__store_sd_has_columns(nbl_ws *ws);

/** The status and the dynamics classes stored for (ruleset, year), best
 * first (ordered by their mean index), at most 8 each; for the export's
 * status_dynamics style. */
int nbl__store_sd_classes(nbl_ws *ws, const char *ruleset, int year,
                          char status[8][40], int *ns, char dynamics[8][40],
                          int *nd);

#endif
