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
#include "nabolag/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NBL_PROJECT_MAX_SOURCES 64
#define NBL_PROJECT_MAX_TABLES 16

/** One [stats] or [refs] section (also [stats.NAME], [refs.NAME]; a file
 * may have several): how its sources are read. All strings owned by the
 * project; NULL / 0 = not given. */
typedef struct nbl_project_table {
    char *section;           /**< "stats", "refs.dst", ... */
    int refs;                /**< a [refs] section */
    int line;                /**< line of the section header */
    nbl_stats_pair *columns; /**< column.<target> = HEADING */
    size_t n_columns;
    char **ignore; /**< ignore = A, B */
    size_t n_ignore;
    char *format, *sheet;
    char *variable, *variable_from, *period, *scope; /**< StatBank */
    nbl_stats_pair *labels; /**< label.<label> = VARIABLE */
    size_t n_labels;
    nbl_stats_pair *where; /**< where.<heading> = VALUE */
    size_t n_where;
    char delimiter; /**< delimiter = comma|semicolon|tab: ',', ';', '\t';
                         0 = detected */
    char decimal;   /**< decimal = . or ,: 0 = detected */
} nbl_project_table;

/** A parsed project file. Paths are resolved relative to the file's folder;
 * NULL means "not given". All strings are owned by the project. */
typedef struct nbl_project {
    char *path;      /**< the project file itself */
    char *name;      /**< [project] name */
    char *workspace; /**< [project] workspace (required) */
    int srid;        /**< [project] crs, default 25832 */
    char *ruleset;   /**< [project] ruleset, default "dk2021" */
    int year;        /**< [project] year, 0 = the latest year in the data */
    double wait;     /**< [project] wait: seconds to wait for another
                          nabolag writing the workspace or an output folder;
                          -1 = not given (the ctx's, default 60) */
    int language;    /**< [project] language: nbl_lang, -1 = not given */

    char *areas_source, *areas_layer, *areas_id, *areas_name;
    char *areas_municipality, *areas_region, *areas_src_crs;
    int areas_dissolve;

    /* [stats]/[refs] sources in file order, globs expanded (sorted by
     * name; a glob that matches nothing stays as written), each with its
     * section (index into tables) and the project-file line naming it */
    char *stats_sources[NBL_PROJECT_MAX_SOURCES];
    int n_stats_sources;
    int stats_source_table[NBL_PROJECT_MAX_SOURCES];
    int stats_source_line[NBL_PROJECT_MAX_SOURCES];
    char *refs_sources[NBL_PROJECT_MAX_SOURCES];
    int n_refs_sources;
    int refs_source_table[NBL_PROJECT_MAX_SOURCES];
    int refs_source_line[NBL_PROJECT_MAX_SOURCES];
    nbl_project_table tables[NBL_PROJECT_MAX_TABLES];
    int n_tables;

    char *incidents_source, *incidents_layer, *incidents_year_field;
    char *incidents_date_field, *incidents_category_field;
    char *incidents_x_field, *incidents_y_field, *incidents_src_crs;
    char incidents_delimiter; /**< [incidents] delimiter; 0 = detected */

    char *plans_source;
    char *plans_sheet; /**< [plans] sheet of a workbook, or NULL */
    /* project-file lines of the [areas]/[incidents]/[plans] source keys */
    int areas_source_line, incidents_source_line, plans_source_line;
    int grid_source_line;

    /** [grid]: source, method, max_missing_share, areas, column.cell,
     * column.year, column.variable, column.value, ignore, layer, src_crs */
    char *grid_source, *grid_layer, *grid_src_crs, *grid_areas, *grid_ignore;
    char *grid_column[4];         /**< cell, year, variable, value headings */
    nbl_stats_pair *grid_columns; /**< column.<variable> = HEADING */
    size_t n_grid_columns;
    int grid_centroid;
    char grid_delimiter; /**< [grid] delimiter; 0 = detected */
    int grid_max_missing_share_set;
    double grid_max_missing_share;

    char *notify; /**< [alerts] notify URL */
    char *mail_to, *mail_from;
    int fail_on_alert; /**< [alerts] fail_on = any|new, fail_on_alert */
    int fail_on_new;   /**< [alerts] fail_on = new */
    char *alerts_out;  /**< [alerts] output file (text), relative */
    char *alerts_format;

    char *export_dir;    /**< [export] dir or dest: a folder, or a database
                            connection string (PG:dbname=...) */
    char *export_format; /**< [export] format: GDAL driver name */
    char *export_schema; /**< [export] schema (PostgreSQL) */
    char *export_t_srs;  /**< [export] t_srs: output CRS */
    char *export_qgs;    /**< [export] qgs: project file (database) */
    char *export_layers; /**< [export] layers: the layers to write,
                            comma-separated (nbl_export_opts.layers);
                            NULL = all */
    int export_overwrite;

    char *report;         /**< [report] output file */
    char *report_context; /**< [report] context: outlines on the map */
} nbl_project;

/**
 * Reads a project file. Unknown keys in the pipeline sections ([project],
 * [areas], [stats], [refs], [grid], [incidents], [plans], [export], [report])
 * are errors naming file, line, section and key; other sections belong to the
 * modules' config and are not checked here. On success *out is owned by
 * the caller (nbl_project_free).
 */
int nbl_project_load(nbl_project **out, nbl_ctx *ctx, const char *path);

/** The same for a --config FILE: [project] workspace may be missing. */
int nbl_project_load_config(nbl_project **out, nbl_ctx *ctx, const char *path);

/**
 * The [project] language of a project or config file (any INI file; other
 * keys are not checked): *out = NBL_LANG_DA / NBL_LANG_EN, or -1 when the
 * file does not set it. A value other than da or en is an error naming the
 * file.
 */
int nbl_config_language(nbl_ctx *ctx, const char *path, int *out);

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

/**
 * Fills the reading options of a statistics or references import that o
 * leaves unset (column mapping, ignore, format, sheet, StatBank keys) from
 * table t (may be NULL: nothing to fill). Strings are borrowed from the
 * project. Used by `nabolag run` and by `import stats|refs --config`
 * (mappings given on the command line win).
 */
void nbl_project_table_opts(const nbl_project_table *t, nbl_stats_opts *o);

/**
 * The section whose sources name the file at path (the same file), else
 * the only [stats] (refs 0) or [refs] (refs 1) section with settings;
 * NULL when there is none or it is ambiguous.
 */
const nbl_project_table *nbl_project_table_for(const nbl_project *p, int refs,
                                               const char *path);

/**
 * Checks that every source ([areas], [stats], [refs], [incidents],
 * [plans]) exists and is readable before anything is imported: "project.ini:7:
 * [stats] source: no file matches 'statistik_*.csv'" or "...: cannot read
 * 'x.csv': No such file or directory" (NBL_EIO).
 */
int nbl_project_check_sources(const nbl_project *p, nbl_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
