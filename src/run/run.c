/*
 * run.c - `nabolag run PROJECT.ini`: the whole yearly job from one project
 * file. Imports (areas, statistics, references, incidents, plans), the
 * statutory compute, profiles and the safety index, and the alert
 * evaluation, and the outputs (alert list, export, report) happen in ONE
 * workspace transaction: if any step fails the workspace is as it was.
 * The outputs are written to staging names first (the export into
 * `<export dir>/.nabolag-staging/`, the alert list and the report to
 * temporary names beside their targets) and moved into place only after the
 * commit, so a failed run leaves the earlier outputs as they were.
 * Then new alerts are delivered (they stay undelivered if delivery
 * fails, and the next run delivers them).
 */
#include "nabolag/run.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/ctx.h"
#include "nabolag/alerts.h"
#include "nabolag/areas.h"
#include "nabolag/compute.h"
#include "nabolag/export.h"
#include "nabolag/incidents.h"
#include "nabolag/plans.h"
#include "nabolag/profile.h"
#include "nabolag/project.h"
#include "nabolag/report.h"
#include "nabolag/stats.h"
#include "util/util.h"

static const char *
base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* What the summary line adds about how a file was read (static text). */
static const char *
source_notes(const nbl_stats_summary *s)
{
    static char buf[160];
    int n = 0;
    buf[0] = '\0';
    if (s->encoding && strcmp(s->encoding, "windows-1252") == 0)
        n +=
            snprintf(buf + n, sizeof buf - (size_t)n, "; read as Windows-1252");
    if (s->rows_empty > 0 && n < (int)sizeof buf)
        n += snprintf(buf + n, sizeof buf - (size_t)n,
                      "; %ld empty rows skipped", s->rows_empty);
    if (s->rows_left_out > 0 && n < (int)sizeof buf)
        snprintf(buf + n, sizeof buf - (size_t)n,
                 "; %ld StatBank rows left out", s->rows_left_out);
    return buf;
}

static int
imports(nbl_ws *ws, const nbl_project *p)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    int rc;
    if (p->areas_source) {
        nbl_areas_opts o = {0};
        nbl_areas_summary s;
        nbl_project_areas_opts(p, &o);
        if (!o.id_field)
            return nbl__error(ctx, NBL_EINVAL, "%s: [areas] id is required",
                              p->path);
        if ((rc = nbl_import_areas(ws, p->areas_source, &o, &s)))
            return rc;
        nbl__info(ctx,
                  "areas: %s: %ld features, %ld areas (%ld new, %ld "
                  "updated), %ld repaired",
                  base(p->areas_source), s.features_read, s.areas_stored,
                  s.inserted, s.updated, s.repaired);
    }
    for (int i = 0; i < p->n_stats_sources + p->n_refs_sources; i++) {
        int is_ref = i >= p->n_stats_sources;
        const char *src = is_ref ? p->refs_sources[i - p->n_stats_sources]
                                 : p->stats_sources[i];
        int tab = is_ref ? p->refs_source_table[i - p->n_stats_sources]
                         : p->stats_source_table[i];
        nbl_stats_opts o = {0};
        nbl_stats_summary s;
        o.replace = 1; /* revised figures replace old ones (reported) */
        o.config_path = p->path;
        nbl_project_table_opts(tab >= 0 ? &p->tables[tab] : NULL, &o);
        rc = is_ref ? nbl_import_refs(ws, src, &o, &s)
                    : nbl_import_stats(ws, src, &o, &s);
        if (rc)
            return rc;
        nbl__info(ctx,
                  "%s: %s: %ld rows: %ld values new, %ld updated, %ld "
                  "unchanged, %ld missing%s",
                  is_ref ? "refs" : "stats", base(src), s.rows_read,
                  s.values_inserted, s.values_updated, s.values_unchanged,
                  s.values_missing, source_notes(&s));
    }
    if (p->incidents_source) {
        nbl_incidents_opts o = {0};
        nbl_incidents_summary s;
        memset(&s, 0, sizeof s);
        nbl_project_incidents_opts(p, &o);
        rc = nbl_import_incidents(ws, p->incidents_source, &o, &s);
        if (rc == NBL_OK)
            nbl__info(ctx,
                      "incidents: %s: %lld points, %lld in an area, %lld "
                      "outside every area, %lld without a usable date",
                      base(p->incidents_source), s.read, s.assigned, s.outside,
                      s.no_date);
        nbl_incidents_summary_clear(&s);
        if (rc)
            return rc;
    }
    if (p->plans_source) {
        nbl_plans_summary s;
        if ((rc = nbl_plans_import(ws, p->plans_source, &s)))
            return rc;
        nbl__info(ctx, "plans: %s: %ld plans covering %ld areas",
                  base(p->plans_source), s.plans, s.plan_areas);
    }
    return NBL_OK;
}

/* Creates the folder that will hold path (one level, like `mkdir`). */
static int
ensure_parent(nbl_ctx *ctx, const char *path)
{
    char dir[1024];
    const char *slash = strrchr(path, '/');
    struct stat st;
    size_t n;
    if (!slash)
        return NBL_OK;
    n = (size_t)(slash - path);
    if (n == 0 || n >= sizeof dir)
        return NBL_OK;
    memcpy(dir, path, n);
    dir[n] = '\0';
    if (stat(dir, &st) == 0)
        return NBL_OK;
    if (mkdir(dir, 0777) != 0)
        return nbl__error(ctx, NBL_EIO, "%s: cannot create folder", dir);
    return NBL_OK;
}

static int
write_text_file(nbl_ctx *ctx, const char *path, const char *text)
{
    nbl__outfile of;
    int rc = nbl__outfile_open(ctx, &of, path, 1);
    if (rc)
        return rc;
    fputs(text, of.fp);
    return nbl__outfile_commit(ctx, &of);
}

/* Outputs written under staging names, moved into place after the commit. */
typedef struct staging {
    char **tmp, **final;
    int *overwrite;
    size_t n, cap;
    char *dir; /* the export's staging folder, NULL if none */
} staging;

/* Takes ownership of tmp and final (freed on failure too). */
static int
stage_add(nbl_ctx *ctx, staging *st, char *tmp, char *final, int overwrite)
{
    if (tmp && final && st->n == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 8;
        char **t = realloc(st->tmp, cap * sizeof *t);
        if (t)
            st->tmp = t;
        char **f = t ? realloc(st->final, cap * sizeof *f) : NULL;
        if (f)
            st->final = f;
        int *o = f ? realloc(st->overwrite, cap * sizeof *o) : NULL;
        if (o) {
            st->overwrite = o;
            st->cap = cap;
        }
    }
    if (!tmp || !final || st->n == st->cap) {
        if (tmp)
            remove(tmp);
        free(tmp);
        free(final);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    st->tmp[st->n] = tmp;
    st->final[st->n] = final;
    st->overwrite[st->n] = overwrite;
    st->n++;
    return NBL_OK;
}

static char *
path_join(const char *dir, const char *name)
{
    nbl__buf b = {0};
    if (nbl__buf_printf(&b, "%s/%s", dir, name)) {
        nbl__buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* Adds every file the export wrote into the staging folder. */
static int
stage_export(nbl_ctx *ctx, staging *st, const char *export_dir, int overwrite)
{
    DIR *d = opendir(st->dir);
    struct dirent *e;
    int rc = NBL_OK;
    if (!d)
        return nbl__error(ctx, NBL_EIO, "%s: cannot read folder: %s", st->dir,
                          strerror(errno));
    while (rc == NBL_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        rc = stage_add(ctx, st, path_join(st->dir, e->d_name),
                       path_join(export_dir, e->d_name), overwrite);
    }
    closedir(d);
    return rc;
}

/* Before the commit: every final path may be replaced (not a folder; not an
 * existing file unless overwrite). */
static int
stage_check(nbl_ctx *ctx, const staging *st)
{
    struct stat sb;
    for (size_t i = 0; i < st->n; i++) {
        if (lstat(st->final[i], &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            return nbl__error(ctx, NBL_EIO,
                              "%s: is a folder, cannot write the output there",
                              st->final[i]);
        if (!st->overwrite[i])
            return nbl__error(ctx, NBL_EEXISTS,
                              "%s: already exists (set [export] overwrite = "
                              "true to replace it)",
                              st->final[i]);
    }
    return NBL_OK;
}

/* After the commit: moves everything into place. */
static int
stage_commit(nbl_ctx *ctx, staging *st)
{
    int rc = NBL_OK;
    for (size_t i = 0; i < st->n; i++) {
        if (rename(st->tmp[i], st->final[i]) != 0) {
            if (rc == NBL_OK)
                rc = nbl__error(ctx, NBL_EIO, "%s: cannot move into place: %s",
                                st->final[i], strerror(errno));
            remove(st->tmp[i]);
        }
    }
    return rc;
}

/* Removes the files in a staging folder, and the folder. */
static void
remove_staging_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char *f;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if ((f = path_join(dir, e->d_name)) != NULL)
            remove(f);
        free(f);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Removes whatever is still staged and frees. */
static void
stage_free(staging *st)
{
    for (size_t i = 0; i < st->n; i++) {
        remove(st->tmp[i]); /* already moved: nothing there */
        free(st->tmp[i]);
        free(st->final[i]);
    }
    if (st->dir)
        remove_staging_dir(st->dir);
    free(st->tmp);
    free(st->final);
    free(st->overwrite);
    free(st->dir);
    memset(st, 0, sizeof *st);
}

int
nbl_run(nbl_ctx *ctx, const char *project_path, const nbl_run_opts *opts,
        nbl_run_result *res)
{
    nbl_project *p = NULL;
    nbl_ws *ws = NULL;
    nbl_alert_config acfg;
    nbl_alert_list *list = NULL;
    char *ruleset = NULL, *text = NULL;
    int rc, year = 0, acfg_init = 0, created = 0, export_dir_created = 0;
    struct stat st;
    staging sg;

    memset(&sg, 0, sizeof sg);
    memset(res, 0, sizeof *res);
    if ((rc = nbl_project_load(&p, ctx, project_path)))
        return rc;
    /* every named statistics file is there before anything is touched */
    if ((rc = nbl_project_check_sources(p, ctx)))
        goto done;
    if ((rc = nbl_alert_config_init(&acfg, ctx)))
        goto done;
    acfg_init = 1;
    if ((rc = nbl_alert_config_load(&acfg, ctx, project_path)))
        goto done;

    /* 1. The workspace: created on the first run, reused after that. */
    if (stat(p->workspace, &st) != 0) {
        if ((rc = ensure_parent(ctx, p->workspace)) ||
            (rc = nbl_ws_create(&ws, ctx, p->workspace, p->srid)))
            goto done;
        created = 1; /* removed again if this first run fails */
        nbl__info(ctx, "created workspace %s (EPSG:%d)", p->workspace, p->srid);
    } else if ((rc = nbl_ws_open(&ws, ctx, p->workspace))) {
        goto done;
    }
    if (nbl_ws_srid(ws) != p->srid) {
        rc = nbl__error(ctx, NBL_ECRS,
                        "%s: [project] crs EPSG:%d differs from the "
                        "workspace's working CRS EPSG:%d",
                        p->path, p->srid, nbl_ws_srid(ws));
        goto done;
    }

    /* 2. Imports, compute and alert evaluation: one transaction. */
    if ((rc = nbl_ws_begin(ws)))
        goto done;
    rc = imports(ws, p);
    if (rc == NBL_OK) {
        nbl_compute_opts co = {0};
        nbl_compute_summary cs;
        co.ruleset = p->ruleset;
        co.config = p->path;
        rc = nbl_compute(ws, &co, &cs);
        if (rc == NBL_OK) {
            nbl__info(ctx,
                      "compute: ruleset %s %s, %ld areas, %d years; "
                      "profiles for %ld area-years, safety index for %ld",
                      cs.ruleset, cs.version, cs.areas, cs.nyears,
                      cs.profile_scored, cs.safety_index);
            nbl_compute_summary_free(&cs);
        }
    }
    if (rc == NBL_OK)
        rc = nbl_alerts_evaluate(ws, &acfg, NULL, p->year, &year, &ruleset);
    if (rc)
        goto done;
    res->year = year;

    /* 3. Outputs, still inside the transaction: if one cannot be written,
     * the workspace is left as it was (each file is written atomically). */
    if ((rc = nbl_alerts_list(ws, &acfg, ruleset, year, year, &list)))
        goto done;
    free(list->workspace_name);
    list->workspace_name = nbl__strdup(p->name ? p->name : base(p->path));
    res->alerts_raised = nbl_alerts_raised(list);
    res->alerts_raised_new = nbl_alerts_raised_new(list);
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i].state, "resolved") != 0)
            res->alerts++;
    {
        int fmt = p->alerts_format ? nbl_alerts_format_parse(p->alerts_format)
                                   : NBL_ALERTS_TEXT;
        if (fmt < 0) {
            rc = nbl__error(ctx, NBL_EINVAL,
                            "%s: [alerts] format: expected text, csv, json "
                            "or geojson, got '%s'",
                            p->path, p->alerts_format);
            goto done;
        }
        if ((rc = nbl_alerts_format_string(ws, ctx, list,
                                           (nbl_alerts_format)fmt, &text)))
            goto done;
        if (p->alerts_out) {
            char *tmp = nbl__tmp_path_for(p->alerts_out);
            if ((rc = ensure_parent(ctx, p->alerts_out)) ||
                (rc = tmp ? write_text_file(ctx, tmp, text)
                          : nbl__error(ctx, NBL_ENOMEM, "out of memory"))) {
                free(tmp);
                goto done;
            }
            if ((rc = stage_add(ctx, &sg, tmp, nbl__strdup(p->alerts_out), 1)))
                goto done;
        }
    }
    if (p->export_dir) {
        nbl_export_opts eo = {0};
        nbl__buf sd = {0};
        if (stat(p->export_dir, &st) != 0) {
            if (mkdir(p->export_dir, 0777) != 0) {
                rc = nbl__error(ctx, NBL_EIO, "%s: cannot create folder: %s",
                                p->export_dir, strerror(errno));
                goto done;
            }
            export_dir_created = 1;
        } else if (!S_ISDIR(st.st_mode)) {
            rc = nbl__error(ctx, NBL_EIO, "%s: not a folder", p->export_dir);
            goto done;
        }
        /* a fixed name (the export logs its folder, and the log must be
         * reproducible); what an interrupted run left there is removed */
        if (nbl__buf_printf(&sd, "%s/.nabolag-staging", p->export_dir)) {
            nbl__buf_free(&sd);
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
            goto done;
        }
        sg.dir = sd.s;
        remove_staging_dir(sg.dir);
        eo.dir = sg.dir;
        eo.format = (p->export_format && strcmp(p->export_format, "gpkg") == 0)
                        ? NBL_EXPORT_GPKG
                        : NBL_EXPORT_GEOJSON;
        eo.year = year;
        eo.ruleset = ruleset;
        eo.overwrite = 1; /* the staging folder; the policy: stage_check */
        eo.config = p->path;
        eo.final_dir = p->export_dir; /* messages name the real folder */
        if ((rc = nbl_export(ws, &eo)) ||
            (rc = stage_export(ctx, &sg, p->export_dir, p->export_overwrite)))
            goto done;
        snprintf(res->export_dir, sizeof res->export_dir, "%s", p->export_dir);
    }
    if (p->report) {
        nbl_report_opts ro = {0};
        int to_stdout = strcmp(p->report, "-") == 0;
        char *tmp = to_stdout ? NULL : nbl__tmp_path_for(p->report);
        if (!to_stdout && !tmp) {
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
            goto done;
        }
        ro.output = to_stdout ? p->report : tmp;
        ro.year = year;
        ro.ruleset = ruleset;
        ro.title = p->name;
        ro.config = p->path;
        ro.overwrite = 1;
        if ((rc = ensure_parent(ctx, p->report)) ||
            (rc = nbl_report_write(ws, &ro))) {
            free(tmp);
            goto done;
        }
        if (tmp && (rc = stage_add(ctx, &sg, tmp, nbl__strdup(p->report), 1)))
            goto done;
    }
    /* the outputs may replace their targets: checked before the commit */
    if ((rc = stage_check(ctx, &sg)))
        goto done;
    if ((rc = nbl_ws_commit(ws)))
        goto done;
    created = 0;
    export_dir_created = 0;
    if ((rc = stage_commit(ctx, &sg)))
        goto done;
    if (p->alerts_out)
        nbl__info(ctx, "alerts: %s", p->alerts_out);
    if (p->report && strcmp(p->report, "-") != 0)
        nbl__info(ctx, "report: %s", p->report);
    /* the alert list on stdout only for a run that succeeded */
    if (!p->alerts_out && opts && opts->alerts_fp)
        fputs(text, opts->alerts_fp);

    /* 4. Delivery last, after the commit (a message sent cannot be taken
     * back): a failure keeps the alerts undelivered for the next run and
     * makes the run fail, after everything else is written. */
    if (p->notify) {
        size_t sent = 0;
        if ((rc = nbl_alerts_notify(ws, &acfg, list, p->notify, p->mail_to,
                                    p->mail_from, &sent)))
            goto done;
        nbl__info(ctx, "delivered %zu new alert(s) to %s", sent, p->notify);
    }
    res->fail_on_alert = p->fail_on_alert;
    res->fail_on_new = p->fail_on_new;
done:
    if (rc && ws)
        nbl_ws_rollback(ws); /* no-op once committed */
    stage_free(&sg);
    if (export_dir_created)
        rmdir(p->export_dir); /* only if empty */
    free(text);
    nbl_alert_list_free(list);
    free(ruleset);
    if (acfg_init)
        nbl_alert_config_clear(&acfg);
    nbl_ws_free(ws);
    if (rc && created)
        remove(p->workspace); /* a failed first run leaves no workspace */
    nbl_project_free(p);
    return rc;
}
