/*
 * project.c - reading project files (see nabolag/project.h). Paths are
 * resolved against the project file's folder at load time; the pipeline
 * sections are validated strictly (a misspelt key is an error, not a
 * silently ignored setting).
 */
#include "nabolag/project.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "util/ctx.h"
#include "util/util.h"

struct load_state {
    nbl_project *p;
    nbl_ctx *ctx;
    const char *dir; /* folder of the project file, with trailing '/' */
    int rc;
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
                          "%s: [%s] %s: expected true or false, got '%s'",
                          st->p->path, section, key, v);
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
            return nbl__error(st->ctx, NBL_EFORMAT, "%s: [%s] path too long",
                              st->p->path, section);
        if (len) {
            if (*n >= NBL_PROJECT_MAX_SOURCES)
                return nbl__error(st->ctx, NBL_EFORMAT,
                                  "%s: [%s] more than %d sources", st->p->path,
                                  section, NBL_PROJECT_MAX_SOURCES);
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

static int
unknown_key(struct load_state *st, const char *section, const char *key)
{
    return nbl__error(st->ctx, NBL_EFORMAT, "%s: [%s] unknown key '%s'",
                      st->p->path, section, key);
}

static int
handle(struct load_state *st, const char *s, const char *k, const char *v)
{
    nbl_project *p = st->p;
#define IS(sec, key) (strcmp(s, sec) == 0 && strcmp(k, key) == 0)
    if (strcmp(s, "project") == 0) {
        if (IS("project", "name"))
            return set_str(&p->name, v);
        if (IS("project", "workspace"))
            return set_path(st, &p->workspace, v);
        if (IS("project", "ruleset")) {
            /* a built-in name, or a path to a user ruleset file */
            if (strchr(v, '/') || strstr(v, ".ini"))
                return set_path(st, &p->ruleset, v);
            return set_str(&p->ruleset, v);
        }
        if (IS("project", "crs")) {
            long srid;
            const char *c = strncasecmp(v, "EPSG:", 5) == 0 ? v + 5 : v;
            if (!nbl__parse_long(c, &srid) || srid <= 0)
                return nbl__error(st->ctx, NBL_EFORMAT,
                                  "%s: [project] crs: expected EPSG:CODE, "
                                  "got '%s'",
                                  p->path, v);
            p->srid = (int)srid;
            return NBL_OK;
        }
        if (IS("project", "year")) {
            long y;
            if (!nbl__parse_long(v, &y) || y < 1900 || y > 2200)
                return nbl__error(st->ctx, NBL_EFORMAT,
                                  "%s: [project] year: not a year: '%s'",
                                  p->path, v);
            p->year = (int)y;
            return NBL_OK;
        }
        return unknown_key(st, s, k);
    }
    if (strcmp(s, "areas") == 0) {
        if (IS("areas", "source"))
            return set_path(st, &p->areas_source, v);
        if (IS("areas", "layer"))
            return set_str(&p->areas_layer, v);
        if (IS("areas", "id"))
            return set_str(&p->areas_id, v);
        if (IS("areas", "name"))
            return set_str(&p->areas_name, v);
        if (IS("areas", "municipality"))
            return set_str(&p->areas_municipality, v);
        if (IS("areas", "region"))
            return set_str(&p->areas_region, v);
        if (IS("areas", "src_crs"))
            return set_str(&p->areas_src_crs, v);
        if (IS("areas", "dissolve"))
            return set_bool(st, &p->areas_dissolve, s, k, v);
        return unknown_key(st, s, k);
    }
    if (strcmp(s, "stats") == 0) {
        if (IS("stats", "source"))
            return set_list(st, p->stats_sources, &p->n_stats_sources, s, v);
        return unknown_key(st, s, k);
    }
    if (strcmp(s, "refs") == 0) {
        if (IS("refs", "source"))
            return set_list(st, p->refs_sources, &p->n_refs_sources, s, v);
        return unknown_key(st, s, k);
    }
    if (strcmp(s, "incidents") == 0) {
        if (IS("incidents", "source"))
            return set_path(st, &p->incidents_source, v);
        if (IS("incidents", "layer"))
            return set_str(&p->incidents_layer, v);
        if (IS("incidents", "year_field"))
            return set_str(&p->incidents_year_field, v);
        if (IS("incidents", "date_field"))
            return set_str(&p->incidents_date_field, v);
        if (IS("incidents", "category_field"))
            return set_str(&p->incidents_category_field, v);
        if (IS("incidents", "x_field"))
            return set_str(&p->incidents_x_field, v);
        if (IS("incidents", "y_field"))
            return set_str(&p->incidents_y_field, v);
        if (IS("incidents", "src_crs"))
            return set_str(&p->incidents_src_crs, v);
        return unknown_key(st, s, k);
    }
    if (strcmp(s, "plans") == 0) {
        if (IS("plans", "source"))
            return set_path(st, &p->plans_source, v);
        if (IS("plans", "indicators") || IS("plans", "comparison"))
            return NBL_OK; /* read by the plan comparison */
        return unknown_key(st, s, k);
    }
    if (strcmp(s, "export") == 0) {
        if (IS("export", "dir"))
            return set_path(st, &p->export_dir, v);
        if (IS("export", "format")) {
            if (strcmp(v, "geojson") && strcmp(v, "gpkg"))
                return nbl__error(st->ctx, NBL_EFORMAT,
                                  "%s: [export] format: expected geojson "
                                  "or gpkg, got '%s'",
                                  p->path, v);
            return set_str(&p->export_format, v);
        }
        if (IS("export", "overwrite"))
            return set_bool(st, &p->export_overwrite, s, k, v);
        return unknown_key(st, s, k);
    }
    if (strcmp(s, "report") == 0) {
        if (IS("report", "output"))
            return set_path(st, &p->report, v);
        return unknown_key(st, s, k);
    }
    if (strcmp(s, "alerts") == 0) {
        /* Delivery and output belong to the pipeline; the alert rules'
         * own keys are read (and checked) by the alerts module. */
        if (IS("alerts", "notify"))
            return set_str(&p->notify, v);
        if (IS("alerts", "mail_to"))
            return set_str(&p->mail_to, v);
        if (IS("alerts", "mail_from"))
            return set_str(&p->mail_from, v);
        if (IS("alerts", "fail_on_alert"))
            return set_bool(st, &p->fail_on_alert, s, k, v);
        if (IS("alerts", "output"))
            return set_path(st, &p->alerts_out, v);
        if (IS("alerts", "format"))
            return set_str(&p->alerts_format, v);
        return NBL_OK;
    }
#undef IS
    {
        /* A module's config section: read and checked by that module. A
         * section nobody reads (a typo such as [safty]) is an error rather
         * than a silently dropped setting. */
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
    }
    return nbl__error(st->ctx, NBL_EFORMAT,
                      "%s: unknown section [%s] (known: project, areas, "
                      "stats, refs, incidents, plans, alerts, export, report, "
                      "disclosure, ruleset, criterion.<id>, variable.<name>, "
                      "indicator.<name>, profile, safety, status_dynamics)",
                      st->p->path, s);
}

static int
ini_cb(void *user, const char *section, const char *key, const char *value)
{
    struct load_state *st = user;
    if (st->rc)
        return 0;
    if (!key) /* section start (INI_CALL_HANDLER_ON_NEW_SECTION) */
        return 1;
    st->rc = handle(st, section, key, value);
    if (st->rc == NBL_ENOMEM)
        nbl__error(st->ctx, NBL_ENOMEM, "out of memory");
    return st->rc == NBL_OK;
}

int
nbl_project_load(nbl_project **out, nbl_ctx *ctx, const char *path)
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
    p->ruleset = nbl__strdup("dk2021");
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
    r = ini_parse(path, ini_cb, &st);
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
    if (!p->workspace) {
        nbl_project_free(p);
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: [project] workspace is required", path);
    }
    *out = p;
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
                     &p->notify,
                     &p->mail_to,
                     &p->mail_from,
                     &p->alerts_out,
                     &p->alerts_format,
                     &p->export_dir,
                     &p->export_format,
                     &p->report};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(*strs[i]);
    for (int i = 0; i < p->n_stats_sources; i++)
        free(p->stats_sources[i]);
    for (int i = 0; i < p->n_refs_sources; i++)
        free(p->refs_sources[i]);
    free(p);
}

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
}
