/*
 * nabolag/project.h - project files: one INI file naming the inputs, the
 * ruleset, the settings that differ from the defaults and the outputs, so
 * that `nabolag run project.ini` is the whole yearly job. The same file is
 * a valid --config FILE for every command (each module reads its own
 * sections and ignores the rest).
 */
#ifndef NABOLAG_PROJECT_H
#define NABOLAG_PROJECT_H

#include "nabolag/areas.h"
#include "nabolag/common.h"
#include "nabolag/grid.h"
#include "nabolag/incidents.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NBL_PROJECT_MAX_SOURCES 16

/** A parsed project file. Paths are resolved relative to the file's folder;
 * NULL means "not given". All strings are owned by the project. */
typedef struct nbl_project {
    char *path;      /**< the project file itself */
    char *name;      /**< [project] name */
    char *workspace; /**< [project] workspace (required) */
    int srid;        /**< [project] crs, default 25832 */
    char *ruleset;   /**< [project] ruleset, default "dk2021" */
    int year;        /**< [project] year, 0 = the latest year in the data */

    char *areas_source, *areas_layer, *areas_id, *areas_name;
    char *areas_municipality, *areas_region, *areas_src_crs;
    int areas_dissolve;

    char *stats_sources[NBL_PROJECT_MAX_SOURCES];
    int n_stats_sources;
    char *refs_sources[NBL_PROJECT_MAX_SOURCES];
    int n_refs_sources;

    char *incidents_source, *incidents_layer, *incidents_year_field;
    char *incidents_date_field, *incidents_category_field;
    char *incidents_x_field, *incidents_y_field, *incidents_src_crs;

    char *plans_source;

    /** [grid]: source, method, max_missing_share, areas, column.cell,
     * column.year, column.variable, column.value, ignore, layer, src_crs */
    char *grid_source, *grid_layer, *grid_src_crs, *grid_areas, *grid_ignore;
    char *grid_column[4]; /**< cell, year, variable, value headings */
    int grid_centroid;
    int grid_max_missing_share_set;
    double grid_max_missing_share;

    char *notify; /**< [alerts] notify URL */
    char *mail_to, *mail_from;
    int fail_on_alert;
    char *alerts_out; /**< [alerts] output file (text), relative */
    char *alerts_format;

    char *export_dir; /**< [export] dir */
    char *export_format;
    int export_overwrite;

    char *report; /**< [report] output file */
} nbl_project;

/**
 * Reads a project file. Unknown keys in the pipeline sections ([project],
 * [areas], [stats], [refs], [grid], [incidents], [plans], [export], [report])
 * are errors naming file, line, section and key; other sections belong to the
 * modules' config and are not checked here. On success *out is owned by
 * the caller (nbl_project_free).
 */
int nbl_project_load(nbl_project **out, nbl_ctx *ctx, const char *path);

/** Frees a project; NULL-safe. */
void nbl_project_free(nbl_project *p);

/**
 * Fills the options of an areas import that o leaves unset (NULL, or
 * dissolve 0) from the project's [areas] section. The strings are borrowed
 * from p. Used by `nabolag run` (all from the project) and by
 * `import areas --config` (the command line wins).
 */
void nbl_project_areas_opts(const nbl_project *p, nbl_areas_opts *o);

/** The same for an incidents import and the [incidents] section. */
void nbl_project_incidents_opts(const nbl_project *p, nbl_incidents_opts *o);

/** The same for a grid import and the [grid] section. */
void nbl_project_grid_opts(const nbl_project *p, nbl_grid_opts *o);

#ifdef __cplusplus
}
#endif
#endif
