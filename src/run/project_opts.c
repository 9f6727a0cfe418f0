/*
 * project_opts.c - what a loaded project gives the commands (see
 * nabolag/project.h): the import options it fills in where the caller left
 * them unset, the [stats]/[refs] table that describes a source file, and
 * the check that every source it names can be read before `nabolag run`
 * starts (so a typo in a path fails at once, naming the project file's
 * line, rather than after the first imports).
 */
#include "nabolag/project.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "util/ctx.h"
#include "util/util.h"

/* An option the caller left unset takes the project file's value. */
static void
fill(const char **opt, const char *from_project)
{
    if (!*opt && from_project && *from_project)
        *opt = from_project;
}

void
nbl_project_areas_opts(const nbl_project *p, nbl_areas_opts *o)
{
    fill(&o->layer, p->areas_layer);
    fill(&o->id_field, p->areas_id);
    fill(&o->name_field, p->areas_name);
    fill(&o->municipality_field, p->areas_municipality);
    fill(&o->region_field, p->areas_region);
    fill(&o->src_crs, p->areas_src_crs);
    o->dissolve = o->dissolve || p->areas_dissolve;
}

void
nbl_project_incidents_opts(const nbl_project *p, nbl_incidents_opts *o)
{
    fill(&o->layer, p->incidents_layer);
    fill(&o->year_field, p->incidents_year_field);
    fill(&o->date_field, p->incidents_date_field);
    fill(&o->category_field, p->incidents_category_field);
    fill(&o->x_field, p->incidents_x_field);
    fill(&o->y_field, p->incidents_y_field);
    fill(&o->src_crs, p->incidents_src_crs);
    if (!o->delimiter)
        o->delimiter = p->incidents_delimiter;
}

void
nbl_project_grid_opts(const nbl_project *p, nbl_grid_opts *o)
{
    fill(&o->cell_column, p->grid_column[0]);
    fill(&o->year_column, p->grid_column[1]);
    fill(&o->variable_column, p->grid_column[2]);
    fill(&o->value_column, p->grid_column[3]);
    fill(&o->ignore, p->grid_ignore);
    if (!o->columns) {
        o->columns = p->grid_columns;
        o->n_columns = p->n_grid_columns;
    }
    fill(&o->layer, p->grid_layer);
    fill(&o->src_crs, p->grid_src_crs);
    fill(&o->areas, p->grid_areas);
    if (!o->delimiter)
        o->delimiter = p->grid_delimiter;
    o->centroid = o->centroid || p->grid_centroid;
    if (!o->max_missing_share_set && p->grid_max_missing_share_set) {
        o->max_missing_share = p->grid_max_missing_share;
        o->max_missing_share_set = 1;
    }
}

void
nbl_project_table_opts(const nbl_project_table *t, nbl_stats_opts *o)
{
    if (!t)
        return;
    if (!o->columns) {
        o->columns = t->columns;
        o->n_columns = t->n_columns;
    }
    if (!o->ignore) {
        o->ignore = (const char *const *)t->ignore;
        o->n_ignore = t->n_ignore;
    }
    if (!o->labels) {
        o->labels = t->labels;
        o->n_labels = t->n_labels;
    }
    if (!o->where) {
        o->where = t->where;
        o->n_where = t->n_where;
    }
    fill(&o->format, t->format);
    fill(&o->sheet, t->sheet);
    fill(&o->variable, t->variable);
    fill(&o->variable_from, t->variable_from);
    fill(&o->period, t->period);
    fill(&o->scope, t->scope);
    if (!o->delimiter)
        o->delimiter = t->delimiter;
    if (!o->decimal)
        o->decimal = t->decimal;
}

static int
same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return strcmp(a, b) == 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

const nbl_project_table *
nbl_project_table_for(const nbl_project *p, int refs, const char *path)
{
    char *const *src = refs ? p->refs_sources : p->stats_sources;
    const int *tab = refs ? p->refs_source_table : p->stats_source_table;
    int n = refs ? p->n_refs_sources : p->n_stats_sources;
    const nbl_project_table *only = NULL;
    int count = 0;
    for (int i = 0; path && i < n; i++)
        if (tab[i] >= 0 && same_file(src[i], path))
            return &p->tables[tab[i]];
    for (int i = 0; i < p->n_tables; i++)
        if (p->tables[i].refs == refs) {
            only = &p->tables[i];
            count++;
        }
    return count == 1 ? only : NULL;
}

/* [areas], [incidents], [plans]: one file (GDAL may also take a folder or
 * a connection string, which are left to GDAL). */
static int
check_one(const nbl_project *p, nbl_ctx *ctx, const char *sec, const char *src,
          int line)
{
    struct stat sb;
    if (!src || strchr(src, ':') || strncmp(src, "/vsi", 4) == 0 ||
        access(src, R_OK) == 0 || (stat(src, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return NBL_OK;
    return nbl__error(ctx, NBL_EIO, "%s:%d: [%s] source: cannot read '%s': %s",
                      p->path, line, sec, src, strerror(errno));
}

int
nbl_project_check_sources(const nbl_project *p, nbl_ctx *ctx)
{
    int rc = check_one(p, ctx, "areas", p->areas_source, p->areas_source_line);
    if (rc == NBL_OK)
        rc = check_one(p, ctx, "incidents", p->incidents_source,
                       p->incidents_source_line);
    if (rc == NBL_OK)
        rc = check_one(p, ctx, "plans", p->plans_source, p->plans_source_line);
    if (rc == NBL_OK)
        rc = check_one(p, ctx, "grid", p->grid_source, p->grid_source_line);
    if (rc)
        return rc;
    for (int k = 0; k < 2; k++) {
        char *const *src = k ? p->refs_sources : p->stats_sources;
        const int *tab = k ? p->refs_source_table : p->stats_source_table;
        const int *line = k ? p->refs_source_line : p->stats_source_line;
        int n = k ? p->n_refs_sources : p->n_stats_sources;
        for (int i = 0; i < n; i++) {
            const char *sec = tab[i] >= 0 ? p->tables[tab[i]].section
                                          : (k ? "refs" : "stats");
            if (access(src[i], R_OK) == 0)
                continue;
            if (strpbrk(src[i], "*?["))
                return nbl__error(ctx, NBL_EIO,
                                  "%s:%d: [%s] source: no file matches '%s'",
                                  p->path, line[i], sec, src[i]);
            return nbl__error(ctx, NBL_EIO,
                              "%s:%d: [%s] source: cannot read '%s': %s",
                              p->path, line[i], sec, src[i], strerror(errno));
        }
    }
    return NBL_OK;
}
