/*
 * project.c - reading project files (see nabolag/project.h). Paths are
 * resolved against the project file's folder at load time; the pipeline
 * sections are validated strictly (a misspelt key is an error, not a
 * silently ignored setting).
 */
#include "nabolag/project.h"
#include "nabolag/export.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "nabolag/lang.h"
#include "util/ctx.h"
#include "util/util.h"

struct load_state {
    nbl_project *p;
    nbl_ctx *ctx;
    const char *dir; /* folder of the project file, with trailing '/' */
    int rc;
    int line;  /* the line being read (counted by read_line) */
    int table; /* index of the [stats]/[refs] section being read, or -1 */
    char section[256]; /* the section being read */
};

static int
is_true(const char *v)
{
    return nbl__strieq(v, "true") || nbl__strieq(v, "yes") ||
           nbl__strieq(v, "on") || strcmp(v, "1") == 0;
}

static int
is_false(const char *v)
{
    return nbl__strieq(v, "false") || nbl__strieq(v, "no") ||
           nbl__strieq(v, "off") || strcmp(v, "0") == 0;
}

static char *
resolve(const char *dir, const char *v)
{
    nbl__buf b = {0};
    if (v[0] == '/' || !dir[0] || strcmp(v, "-") == 0)
        return nbl__strdup(v);
    if (nbl__buf_printf(&b, "%s%s", dir, v) != NBL_OK) {
        nbl__buf_free(&b);
        return NULL;
    }
    return b.s;
}

static int
set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = nbl__strdup(v);
    return *dst ? NBL_OK : NBL_ENOMEM;
}

static int
set_path(struct load_state *st, char **dst, const char *v)
{
    free(*dst);
    *dst = resolve(st->dir, v);
    return *dst ? NBL_OK : NBL_ENOMEM;
}

static int
set_bool(struct load_state *st, int *dst, const char *section, const char *key,
         const char *v)
{
    if (is_true(v))
        *dst = 1;
    else if (is_false(v))
        *dst = 0;
    else
        return nbl__error(st->ctx, NBL_EFORMAT,
                          "%s:%d: [%s] %s: expected true or false, got '%s'",
                          st->p->path, st->line, section, key, v);
    return NBL_OK;
}

/* Splits a ','-separated list of paths into dst[]. */
static int
set_list(struct load_state *st, char **dst, int *n, const char *section,
         const char *v)
{
    const char *s = v;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char item[1024];
        while (len && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (len >= sizeof item)
            return nbl__error(st->ctx, NBL_EFORMAT, "%s:%d: [%s] path too long",
                              st->p->path, st->line, section);
        if (len) {
            if (*n >= NBL_PROJECT_MAX_SOURCES)
                return nbl__error(
                    st->ctx, NBL_EFORMAT, "%s:%d: [%s] more than %d sources",
                    st->p->path, st->line, section, NBL_PROJECT_MAX_SOURCES);
            memcpy(item, s, len);
            item[len] = '\0';
            dst[*n] = resolve(st->dir, item);
            if (!dst[*n])
                return NBL_ENOMEM;
            (*n)++;
        }
        if (!e)
            break;
        s = e + 1;
    }
    return NBL_OK;
}

/* delimiter = comma|semicolon|tab (or ',' / a tab): a CSV input's
 * delimiter, as --delimiter gives it. ';' cannot be written: after a
 * space it starts a comment, leaving the value empty. */
static int
set_delimiter(struct load_state *st, char *dst, const char *section,
              const char *v)
{
    if (strcmp(v, "comma") == 0 || strcmp(v, ",") == 0)
        *dst = ',';
    else if (strcmp(v, "semicolon") == 0)
        *dst = ';';
    else if (strcmp(v, "tab") == 0 || strcmp(v, "\t") == 0)
        *dst = '\t';
    else
        return nbl__error(st->ctx, NBL_EFORMAT,
                          "%s:%d: [%s] delimiter: expected comma, semicolon "
                          "or tab, got '%s' (';' starts a comment: write "
                          "semicolon)",
                          st->p->path, st->line, section, v);
    return NBL_OK;
}

/* decimal = . or , (also point or comma): a CSV input's decimal mark. */
static int
set_decimal(struct load_state *st, char *dst, const char *section,
            const char *v)
{
    if (strcmp(v, ".") == 0 || strcmp(v, "point") == 0)
        *dst = '.';
    else if (strcmp(v, ",") == 0 || strcmp(v, "comma") == 0)
        *dst = ',';
    else
        return nbl__error(st->ctx, NBL_EFORMAT,
                          "%s:%d: [%s] decimal: expected . or , (point or "
                          "comma), got '%s'",
                          st->p->path, st->line, section, v);
    return NBL_OK;
}

static int
unknown_key(struct load_state *st, const char *section, const char *key)
{
    return nbl__error(st->ctx, NBL_EFORMAT, "%s:%d: [%s] unknown key '%s'",
                      st->p->path, st->line, section, key);
}

/* The keys of [project]. */
static int
project_key(struct load_state *st, const char *k, const char *v)
{
    nbl_project *p = st->p;
#define KEY(key) (strcmp(k, key) == 0)
    if (KEY("name"))
        return set_str(&p->name, v);
    if (KEY("workspace"))
        return set_path(st, &p->workspace, v);
    if (KEY("ruleset")) {
        /* a built-in name, or a path to a user ruleset file */
        if (strchr(v, '/') || strstr(v, ".ini"))
            return set_path(st, &p->ruleset, v);
        return set_str(&p->ruleset, v);
    }
    if (KEY("crs")) {
        long srid;
        const char *c = strncasecmp(v, "EPSG:", 5) == 0 ? v + 5 : v;
        if (!nbl__parse_long(c, &srid) || srid <= 0)
            return nbl__error(st->ctx, NBL_EFORMAT,
                              "%s:%d: [project] crs: expected EPSG:CODE, "
                              "got '%s'",
                              p->path, st->line, v);
        p->srid = (int)srid;
        return NBL_OK;
    }
    if (KEY("language")) {
        if (nbl_lang_parse(v) < 0)
            return nbl__error(st->ctx, NBL_EFORMAT,
                              "%s:%d: [project] language: expected da or "
                              "en, got '%s'",
                              p->path, st->line, v);
        p->language = nbl_lang_parse(v);
        return NBL_OK;
    }
    if (KEY("year")) {
        long y;
        if (!nbl__parse_long(v, &y) || y < 1900 || y > 2200)
            return nbl__error(st->ctx, NBL_EFORMAT,
                              "%s:%d: [project] year: not a year: '%s'",
                              p->path, st->line, v);
        p->year = (int)y;
        return NBL_OK;
    }
    if (KEY("wait")) {
        double w;
        if (!nbl__parse_double(v, '.', &w) || !(w >= 0 && w <= 1e6))
            return nbl__error(st->ctx, NBL_EFORMAT,
                              "%s:%d: [project] wait: expected seconds (0 to "
                              "1000000), got '%s'",
                              p->path, st->line, v);
        p->wait = w;
        return NBL_OK;
    }
    return unknown_key(st, "project", k);
#undef KEY
}

/* [grid]: the grid import's keys (see nbl_project_grid_opts). */
static int add_pair(nbl_stats_pair **v, size_t *n, const char *key,
                    const char *value);

static int
handle_grid(struct load_state *st, const char *k, const char *v)
{
    static const char *cols[] = {"column.cell", "column.year",
                                 "column.variable", "column.value"};
    nbl_project *p = st->p;
    if (strcmp(k, "source") == 0) {
        p->grid_source_line = st->line;
        return set_path(st, &p->grid_source, v);
    }
    for (int i = 0; i < 4; i++)
        if (strcmp(k, cols[i]) == 0)
            return set_str(&p->grid_column[i], v);
    if (strncmp(k, "column.", 7) == 0 && k[7]) /* a variable, as in [stats] */
        return add_pair(&p->grid_columns, &p->n_grid_columns, k + 7, v);
    if (strcmp(k, "method") == 0) {
        if (strcmp(v, "area") && strcmp(v, "centroid"))
            return nbl__error(st->ctx, NBL_EFORMAT,
                              "%s:%d: [grid] method: expected area or "
                              "centroid, got '%s'",
                              p->path, st->line, v);
        p->grid_centroid = strcmp(v, "centroid") == 0;
        return NBL_OK;
    }
    if (strcmp(k, "max_missing_share") == 0) {
        double x;
        if (!nbl__parse_double(v, '.', &x) || x < 0 || x > 1)
            return nbl__error(st->ctx, NBL_EFORMAT,
                              "%s:%d: [grid] max_missing_share: expected a "
                              "number from 0 to 1, got '%s'",
                              p->path, st->line, v);
        p->grid_max_missing_share = x;
        p->grid_max_missing_share_set = 1;
        return NBL_OK;
    }
    if (strcmp(k, "areas") == 0)
        return set_str(&p->grid_areas, v);
    if (strcmp(k, "ignore") == 0)
        return set_str(&p->grid_ignore, v);
    if (strcmp(k, "layer") == 0)
        return set_str(&p->grid_layer, v);
    if (strcmp(k, "src_crs") == 0)
        return set_str(&p->grid_src_crs, v);
    if (strcmp(k, "delimiter") == 0)
        return set_delimiter(st, &p->grid_delimiter, "grid", v);
    return unknown_key(st, "grid", k);
}

/* ---- [stats] and [refs]: sources and how to read them --------------- */

/* 1 for "stats", "refs" (2 for refs) and their ".<name>" variants. */
static int
table_section(const char *s)
{
    if (strcmp(s, "stats") == 0 || (strncmp(s, "stats.", 6) == 0 && s[6]))
        return 1;
    if (strcmp(s, "refs") == 0 || (strncmp(s, "refs.", 5) == 0 && s[5]))
        return 2;
    return 0;
}

static int
new_table(struct load_state *st, const char *section)
{
    nbl_project *p = st->p;
    nbl_project_table *t;
    if (p->n_tables >= NBL_PROJECT_MAX_TABLES)
        return nbl__error(st->ctx, NBL_EFORMAT,
                          "%s:%d: more than %d [stats]/[refs] sections",
                          p->path, st->line, NBL_PROJECT_MAX_TABLES);
    t = &p->tables[p->n_tables];
    memset(t, 0, sizeof *t);
    t->section = nbl__strdup(section);
    if (!t->section)
        return NBL_ENOMEM;
    t->refs = table_section(section) == 2;
    t->line = st->line;
    st->table = p->n_tables++;
    return NBL_OK;
}

static int
add_pair(nbl_stats_pair **v, size_t *n, const char *key, const char *value)
{
    nbl_stats_pair *w = realloc(*v, (*n + 1) * sizeof *w);
    char *k, *val;
    if (!w)
        return NBL_ENOMEM;
    *v = w;
    k = nbl__strdup(key);
    val = nbl__strdup(value);
    if (!k || !val) {
        free(k);
        free(val);
        return NBL_ENOMEM;
    }
    w[*n].key = k;
    w[*n].value = val;
    (*n)++;
    return NBL_OK;
}

static int
add_ignore(nbl_project_table *t, const char *v)
{
    const char *s = v;
    for (;;) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        while (len && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (len) {
            char **w = realloc(t->ignore, (t->n_ignore + 1) * sizeof *w);
            if (!w)
                return NBL_ENOMEM;
            t->ignore = w;
            if (!(w[t->n_ignore] = malloc(len + 1)))
                return NBL_ENOMEM;
            memcpy(w[t->n_ignore], s, len);
            w[t->n_ignore++][len] = '\0';
        }
        if (!e)
            return NBL_OK;
        s = e + 1;
    }
}

/* Adds one source (a path or a glob, resolved) of the current table. */
static int
add_source(struct load_state *st, int refs, const char *resolved)
{
    nbl_project *p = st->p;
    char **dst = refs ? p->refs_sources : p->stats_sources;
    int *n = refs ? &p->n_refs_sources : &p->n_stats_sources;
    int *tab = refs ? p->refs_source_table : p->stats_source_table;
    int *line = refs ? p->refs_source_line : p->stats_source_line;
    if (*n >= NBL_PROJECT_MAX_SOURCES)
        return nbl__error(st->ctx, NBL_EFORMAT, "%s:%d: more than %d sources",
                          p->path, st->line, NBL_PROJECT_MAX_SOURCES);
    if (!(dst[*n] = nbl__strdup(resolved)))
        return NBL_ENOMEM;
    tab[*n] = st->table;
    line[*n] = st->line;
    (*n)++;
    return NBL_OK;
}

/* source = a, b, statistik_*.csv: globs expand to their matches sorted by
 * name; a glob that matches nothing is kept as written (and reported by
 * nbl_project_check_sources before anything is imported). */
static int
set_sources(struct load_state *st, int refs, const char *section, const char *v)
{
    char *items[NBL_PROJECT_MAX_SOURCES];
    int n = 0, rc;
    memset(items, 0, sizeof items);
    rc = set_list(st, items, &n, section, v);
    for (int i = 0; rc == NBL_OK && i < n; i++) {
        glob_t g;
        if (!strpbrk(items[i], "*?[") ||
            glob(items[i], GLOB_ERR, NULL, &g) != 0) {
            rc = add_source(st, refs, items[i]);
            continue;
        }
        for (size_t k = 0; rc == NBL_OK && k < g.gl_pathc; k++)
            rc = add_source(st, refs, g.gl_pathv[k]);
        globfree(&g);
    }
    for (int i = 0; i < n; i++)
        free(items[i]);
    return rc;
}

static int
check_choice(struct load_state *st, const char *s, const char *k, const char *v,
             const char *const *ok)
{
    nbl__buf list = {0};
    int rc;
    for (size_t i = 0; ok[i]; i++)
        if (strcmp(v, ok[i]) == 0)
            return NBL_OK;
    for (size_t i = 0; ok[i]; i++)
        nbl__buf_printf(&list, "%s%s", i ? ", " : "", ok[i]);
    rc = nbl__error(st->ctx, NBL_EFORMAT,
                    "%s:%d: [%s] %s: expected one of %s, got '%s'", st->p->path,
                    st->line, s, k, list.s ? list.s : "", v);
    nbl__buf_free(&list);
    return rc;
}

static int
handle_table(struct load_state *st, const char *s, const char *k, const char *v)
{
    static const char *const formats[] = {"auto", "csv",      "xlsx",
                                          "ods",  "statbank", NULL};
    static const char *const periods[] = {"last", NULL};
    static const char *const scopes[] = {"country", "region", "municipality",
                                         NULL};
    nbl_project_table *t = &st->p->tables[st->table];
    if (strcmp(k, "source") == 0)
        return set_sources(st, t->refs, s, v);
    if (strncmp(k, "column.", 7) == 0 && k[7])
        return add_pair(&t->columns, &t->n_columns, k + 7, v);
    if (strncmp(k, "label.", 6) == 0 && k[6])
        return add_pair(&t->labels, &t->n_labels, k + 6, v);
    if (strncmp(k, "where.", 6) == 0 && k[6])
        return add_pair(&t->where, &t->n_where, k + 6, v);
    if (strcmp(k, "ignore") == 0)
        return add_ignore(t, v);
    if (strcmp(k, "format") == 0)
        return check_choice(st, s, k, v, formats) ? NBL_EFORMAT
                                                  : set_str(&t->format, v);
    if (strcmp(k, "period") == 0)
        return check_choice(st, s, k, v, periods) ? NBL_EFORMAT
                                                  : set_str(&t->period, v);
    if (strcmp(k, "scope") == 0 && t->refs)
        return check_choice(st, s, k, v, scopes) ? NBL_EFORMAT
                                                 : set_str(&t->scope, v);
    if (strcmp(k, "sheet") == 0)
        return set_str(&t->sheet, v);
    if (strcmp(k, "variable") == 0)
        return set_str(&t->variable, v);
    if (strcmp(k, "variable_from") == 0)
        return set_str(&t->variable_from, v);
    if (strcmp(k, "delimiter") == 0)
        return set_delimiter(st, &t->delimiter, s, v);
    if (strcmp(k, "decimal") == 0)
        return set_decimal(st, &t->decimal, s, v);
    return unknown_key(st, s, k);
}

#define IS(key) (strcmp(k, key) == 0)

/* [export]: dir (or dest: a folder, or a database connection string
 * such as PG:dbname=gis, kept as written), format (a GDAL driver name or
 * alias), schema, t_srs, qgs, layers (checked here), overwrite. */
static int
export_key(struct load_state *st, const char *k, const char *v)
{
    nbl_project *p = st->p;
    if (IS("dir") || IS("dest")) {
        free(p->export_dir);
        p->export_dir = NULL;
        if (strncasecmp(v, "PG:", 3) == 0)
            return set_str(&p->export_dir, v);
        return set_path(st, &p->export_dir, v);
    }
    if (IS("format")) {
        const char *d = nbl_export_driver_name(v);
        if (!d)
            return nbl__error(st->ctx, NBL_EFORMAT,
                              "%s:%d: [export] format: GDAL has no vector "
                              "driver '%s' that can write (GeoJSON, GPKG, "
                              "\"ESRI Shapefile\", FlatGeobuf, PostgreSQL, "
                              "CSV, ...)",
                              p->path, st->line, v);
        return set_str(&p->export_format, d);
    }
    if (IS("schema"))
        return set_str(&p->export_schema, v);
    if (IS("t_srs") || IS("crs"))
        return set_str(&p->export_t_srs, v);
    if (IS("qgs"))
        return set_path(st, &p->export_qgs, v);
    if (IS("layers")) {
        nbl__buf what = {0};
        int rc;
        nbl__buf_printf(&what, "%s:%d: [export] layers", p->path, st->line);
        rc = nbl_export_layers_check(st->ctx, v, what.s ? what.s : "layers");
        nbl__buf_free(&what);
        return rc ? NBL_EFORMAT : set_str(&p->export_layers, v);
    }
    if (IS("overwrite"))
        return set_bool(st, &p->export_overwrite, "export", k, v);
    return unknown_key(st, "export", k);
}

static int
areas_key(struct load_state *st, const char *k, const char *v)
{
    nbl_project *p = st->p;
    if (IS("source")) {
        p->areas_source_line = st->line;
        return set_path(st, &p->areas_source, v);
    }
    if (IS("layer"))
        return set_str(&p->areas_layer, v);
    if (IS("id"))
        return set_str(&p->areas_id, v);
    if (IS("name"))
        return set_str(&p->areas_name, v);
    if (IS("municipality"))
        return set_str(&p->areas_municipality, v);
    if (IS("region"))
        return set_str(&p->areas_region, v);
    if (IS("src_crs"))
        return set_str(&p->areas_src_crs, v);
    if (IS("dissolve"))
        return set_bool(st, &p->areas_dissolve, "areas", k, v);
    return unknown_key(st, "areas", k);
}

static int
incidents_key(struct load_state *st, const char *k, const char *v)
{
    nbl_project *p = st->p;
    if (IS("source")) {
        p->incidents_source_line = st->line;
        return set_path(st, &p->incidents_source, v);
    }
    if (IS("layer"))
        return set_str(&p->incidents_layer, v);
    if (IS("year_field"))
        return set_str(&p->incidents_year_field, v);
    if (IS("date_field"))
        return set_str(&p->incidents_date_field, v);
    if (IS("category_field"))
        return set_str(&p->incidents_category_field, v);
    if (IS("x_field"))
        return set_str(&p->incidents_x_field, v);
    if (IS("y_field"))
        return set_str(&p->incidents_y_field, v);
    if (IS("src_crs"))
        return set_str(&p->incidents_src_crs, v);
    if (IS("delimiter"))
        return set_delimiter(st, &p->incidents_delimiter, "incidents", v);
    return unknown_key(st, "incidents", k);
}

static int
plans_key(struct load_state *st, const char *k, const char *v)
{
    nbl_project *p = st->p;
    if (IS("source")) {
        p->plans_source_line = st->line;
        return set_path(st, &p->plans_source, v);
    }
    if (IS("sheet"))
        return set_str(&p->plans_sheet, v);
    if (IS("indicators") || IS("comparison"))
        return NBL_OK; /* read by the plan comparison */
    return unknown_key(st, "plans", k);
}

static int
report_key(struct load_state *st, const char *k, const char *v)
{
    if (IS("output"))
        return set_path(st, &st->p->report, v);
    if (IS("context"))
        return set_path(st, &st->p->report_context, v);
    return unknown_key(st, "report", k);
}

/* Delivery and output belong to the pipeline; the alert rules' own keys
 * are read (and checked) by the alerts module. */
static int
alerts_key(struct load_state *st, const char *k, const char *v)
{
    nbl_project *p = st->p;
    if (IS("notify"))
        return set_str(&p->notify, v);
    if (IS("mail_to"))
        return set_str(&p->mail_to, v);
    if (IS("mail_from"))
        return set_str(&p->mail_from, v);
    if (IS("fail_on_alert"))
        return set_bool(st, &p->fail_on_alert, "alerts", k, v);
    if (IS("fail_on")) {
        if (strcmp(v, "new") && strcmp(v, "any") && strcmp(v, "none"))
            return nbl__error(st->ctx, NBL_EFORMAT,
                              "%s:%d: [alerts] fail_on: expected new, any or "
                              "none, got '%s'",
                              p->path, st->line, v);
        p->fail_on_alert = strcmp(v, "none") != 0;
        p->fail_on_new = strcmp(v, "new") == 0;
        return NBL_OK;
    }
    if (IS("output"))
        return set_path(st, &p->alerts_out, v);
    if (IS("format"))
        return set_str(&p->alerts_format, v);
    return NBL_OK;
}
#undef IS

/* A module's config section: read and checked by that module. A section
 * nobody reads (a typo such as [safty]) is an error rather than a silently
 * dropped setting. */
static int
module_section(struct load_state *st, const char *s)
{
    static const char *const exact[] = {"disclosure", "ruleset", "profile",
                                        "safety", "status_dynamics"};
    static const char *const prefix[] = {"criterion.", "variable.",
                                         "indicator."};
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(s, exact[i]) == 0)
            return NBL_OK;
    for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++)
        if (strncmp(s, prefix[i], strlen(prefix[i])) == 0 &&
            s[strlen(prefix[i])])
            return NBL_OK;
    return nbl__error(st->ctx, NBL_EFORMAT,
                      "%s: unknown section [%s] (known: project, areas, "
                      "stats, stats.<name>, refs, refs.<name>, grid, "
                      "incidents, plans, alerts, export, report, "
                      "disclosure, ruleset, criterion.<id>, variable.<name>, "
                      "indicator.<name>, profile, safety, status_dynamics)",
                      st->p->path, s);
}

/* One key of the project file, by its section. */
static int
handle(struct load_state *st, const char *s, const char *k, const char *v)
{
    if (strcmp(s, "project") == 0)
        return project_key(st, k, v);
    if (strcmp(s, "areas") == 0)
        return areas_key(st, k, v);
    if (table_section(s))
        return handle_table(st, s, k, v);
    if (strcmp(s, "incidents") == 0)
        return incidents_key(st, k, v);
    if (strcmp(s, "plans") == 0)
        return plans_key(st, k, v);
    if (strcmp(s, "grid") == 0)
        return handle_grid(st, k, v);
    if (strcmp(s, "export") == 0)
        return export_key(st, k, v);
    if (strcmp(s, "report") == 0)
        return report_key(st, k, v);
    if (strcmp(s, "alerts") == 0)
        return alerts_key(st, k, v);
    return module_section(st, s);
}

struct line_reader {
    FILE *f;
    struct load_state *st;
};

static int
ini_cb(void *user, const char *section, const char *key, const char *value)
{
    struct load_state *st = user;
    if (st->rc)
        return 0;
    /* a section starts: told by inih when built with
     * INI_CALL_HANDLER_ON_NEW_SECTION (key NULL), else seen on its first
     * key */
    if (!key || strncmp(section, st->section, sizeof st->section - 1)) {
        snprintf(st->section, sizeof st->section, "%s", section);
        st->table = -1;
        if (table_section(section))
            st->rc = new_table(st, section);
        if (st->rc == NBL_ENOMEM)
            nbl__error(st->ctx, NBL_ENOMEM, "out of memory");
        if (!key || st->rc)
            return st->rc == NBL_OK;
    }
    st->rc = handle(st, section, key, value);
    if (st->rc == NBL_ENOMEM)
        nbl__error(st->ctx, NBL_ENOMEM, "out of memory");
    return st->rc == NBL_OK;
}

/* fgets for ini_parse_stream that counts the lines read. */
static char *
read_line(char *buf, int size, void *arg)
{
    struct line_reader *lr = arg;
    char *r = fgets(buf, size, lr->f);
    if (r)
        lr->st->line++;
    return r;
}

static int
load(nbl_project **out, nbl_ctx *ctx, const char *path, int need_workspace)
{
    struct load_state st = {0};
    nbl_project *p;
    char dir[1024] = "";
    const char *slash = strrchr(path, '/');
    int r;

    *out = NULL;
    p = calloc(1, sizeof *p);
    if (!p)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    p->path = nbl__strdup(path);
    p->srid = 25832;
    p->wait = -1;
    p->language = -1;
    p->ruleset = nbl__strdup("dk2021");
    /* a project without its own path would read its [safety] and other
     * sections from nowhere: the defaults, silently */
    if (!p->path || !p->ruleset) {
        nbl_project_free(p);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    if (slash) {
        size_t n = (size_t)(slash - path + 1);
        if (n >= sizeof dir) {
            nbl_project_free(p);
            return nbl__error(ctx, NBL_EINVAL, "%s: path too long", path);
        }
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    st.p = p;
    st.ctx = ctx;
    st.dir = dir;
    st.table = -1;
    {
        struct line_reader lr;
        lr.f = fopen(path, "r");
        lr.st = &st;
        r = lr.f ? ini_parse_stream(read_line, &lr, ini_cb, &st) : -1;
        if (lr.f)
            fclose(lr.f);
    }
    if (r < 0) {
        nbl_project_free(p);
        return nbl__error(ctx, NBL_EIO, "%s: cannot read: %s", path,
                          strerror(errno));
    }
    if (st.rc) {
        nbl_project_free(p);
        return st.rc;
    }
    if (r > 0) {
        nbl_project_free(p);
        return nbl__error(ctx, NBL_EFORMAT, "%s:%d: not a valid INI line", path,
                          r);
    }
    if (!p->workspace && need_workspace) {
        nbl_project_free(p);
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: [project] workspace is required", path);
    }
    *out = p;
    return NBL_OK;
}

static void
pairs_free(nbl_stats_pair *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)v[i].key);
        free((char *)v[i].value);
    }
    free(v);
}

static void
table_free(nbl_project_table *t)
{
    char *strs[] = {t->section,       t->format, t->sheet, t->variable,
                    t->variable_from, t->period, t->scope};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(strs[i]);
    pairs_free(t->columns, t->n_columns);
    pairs_free(t->labels, t->n_labels);
    pairs_free(t->where, t->n_where);
    for (size_t i = 0; i < t->n_ignore; i++)
        free(t->ignore[i]);
    free(t->ignore);
}

int
nbl_project_load(nbl_project **out, nbl_ctx *ctx, const char *path)
{
    return load(out, ctx, path, 1);
}

int
nbl_project_load_config(nbl_project **out, nbl_ctx *ctx, const char *path)
{
    return load(out, ctx, path, 0);
}

struct lang_state {
    nbl_ctx *ctx;
    const char *path;
    int lang, rc;
};

static int
lang_cb(void *user, const char *section, const char *key, const char *value)
{
    struct lang_state *st = user;
    if (!key || strcmp(section, "project") != 0 || strcmp(key, "language") != 0)
        return 1;
    st->lang = nbl_lang_parse(value);
    if (st->lang < 0) {
        st->rc = nbl__error(st->ctx, NBL_EFORMAT,
                            "%s: [project] language: expected da or en, "
                            "got '%s'",
                            st->path, value);
        return 0;
    }
    return 1;
}

int
nbl_config_language(nbl_ctx *ctx, const char *path, int *out)
{
    struct lang_state st = {ctx, path, -1, NBL_OK};
    *out = -1;
    if (ini_parse(path, lang_cb, &st) < 0)
        return nbl__error(ctx, NBL_EIO, "%s: cannot read: %s", path,
                          strerror(errno));
    if (st.rc)
        return st.rc;
    *out = st.lang;
    return NBL_OK;
}

void
nbl_project_free(nbl_project *p)
{
    if (!p)
        return;
    char **strs[] = {&p->path,
                     &p->name,
                     &p->workspace,
                     &p->ruleset,
                     &p->areas_source,
                     &p->areas_layer,
                     &p->areas_id,
                     &p->areas_name,
                     &p->areas_municipality,
                     &p->areas_region,
                     &p->areas_src_crs,
                     &p->incidents_source,
                     &p->incidents_layer,
                     &p->incidents_year_field,
                     &p->incidents_date_field,
                     &p->incidents_category_field,
                     &p->incidents_x_field,
                     &p->incidents_y_field,
                     &p->incidents_src_crs,
                     &p->plans_source,
                     &p->plans_sheet,
                     &p->notify,
                     &p->mail_to,
                     &p->mail_from,
                     &p->alerts_out,
                     &p->alerts_format,
                     &p->export_dir,
                     &p->export_format,
                     &p->export_schema,
                     &p->export_t_srs,
                     &p->export_qgs,
                     &p->export_layers,
                     &p->report,
                     &p->report_context,
                     &p->grid_source,
                     &p->grid_layer,
                     &p->grid_src_crs,
                     &p->grid_areas,
                     &p->grid_ignore,
                     &p->grid_column[0],
                     &p->grid_column[1],
                     &p->grid_column[2],
                     &p->grid_column[3]};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(*strs[i]);
    for (int i = 0; i < p->n_tables; i++)
        table_free(&p->tables[i]);
    for (int i = 0; i < p->n_stats_sources; i++)
        free(p->stats_sources[i]);
    for (int i = 0; i < p->n_refs_sources; i++)
        free(p->refs_sources[i]);
    pairs_free(p->grid_columns, p->n_grid_columns);
    free(p);
}
