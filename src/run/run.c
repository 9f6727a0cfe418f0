/*
 * run.c - `nabolag run PROJECT.ini`: the whole yearly job from one project
 * file. Imports (areas, statistics, references, incidents, plans), the
 * statutory compute, profiles and the safety index, and the alert
 * evaluation, and the outputs (alert list, export, report) happen in ONE
 * workspace transaction: if any step fails the workspace is as it was.
 *
 * The output set is one run's. The run is logged first in the transaction
 * and its run_id is written into every output (layer provenance, the .qgs,
 * the report, the alert file). Every output folder is locked (flock on the
 * folder: a second run into it waits, see --wait), and every output is
 * written into `<folder>/.nabolag-staging/`, synced, and moved into place
 * in one tight loop of renames only after the workspace has committed; a
 * staging folder left by a killed run is removed by the next run (under
 * the lock). A kill before the loop leaves the previous set, after it the
 * new set; only a kill inside the loop (a few renames) leaves a mix, which
 * the next run replaces.
 * Then new alerts are delivered (they stay undelivered if delivery
 * fails, and the next run delivers them).
 */
#include "nabolag/run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compute/compute_internal.h"
#include "store/store.h"
#include "util/ctx.h"
#include "util/i18n.h"
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

/* [grid]: after the statistics, so that grid values meet them; a re-run
 * replaces the previous run's grid values (like revised statistics). */
static int
import_grid(nbl_ws *ws, const nbl_project *p)
{
    nbl_grid_opts o;
    nbl_grid_summary s;
    int rc;
    memset(&o, 0, sizeof o);
    nbl_project_grid_opts(p, &o);
    o.replace = 1;
    rc = nbl_import_grid(ws, p->grid_source, &o, &s);
    if (rc == NBL_OK) {
        char c[5][96];
        NBL_COUNT(c[0], "%ld cell", "%ld cells", s.cells);
        NBL_COUNT(c[1], "%ld area", "%ld areas", s.areas);
        NBL_COUNT(c[2], "%ld value new", "%ld values new", s.values_inserted);
        NBL_COUNT(c[3], "%ld updated", "%ld updated", s.values_updated);
        NBL_COUNT(c[4], "%ld unchanged", "%ld unchanged", s.values_unchanged);
        /* TRANSLATORS: cells (...) into areas: values new, updated,
         * unchanged, ... */
        nbl__info(nbl_ws_ctx(ws),
                  "grid: %s: %s (%ld outside every area) into %s: %s, %s, %s, "
                  "%ld not evaluable",
                  base(p->grid_source), c[0], s.cells_outside, c[1], c[2], c[3],
                  c[4], s.values_not_evaluable);
    }
    return rc;
}

/* What the summary line adds about how a file was read (static text). */
static const char *
source_notes(const nbl_stats_summary *s)
{
    static char buf[256];
    int n = 0;
    buf[0] = '\0';
    if (s->encoding && strcmp(s->encoding, "windows-1252") == 0)
        n += snprintf(buf + n, sizeof buf - (size_t)n,
                      _("; read as Windows-1252"));
    if (s->rows_empty > 0 && n < (int)sizeof buf)
        n += snprintf(buf + n, sizeof buf - (size_t)n,
                      _n("; %ld empty row skipped", "; %ld empty rows skipped",
                         s->rows_empty),
                      s->rows_empty);
    if (s->rows_left_out > 0 && n < (int)sizeof buf)
        snprintf(buf + n, sizeof buf - (size_t)n,
                 _n("; %ld StatBank row left out",
                    "; %ld StatBank rows left out", s->rows_left_out),
                 s->rows_left_out);
    return buf;
}

/* The areas' summary line, each count in its own plural form. */
static void
info_areas(nbl_ctx *ctx, const char *src, const nbl_areas_summary *s)
{
    char c[5][96];
    NBL_COUNT(c[0], "%ld feature", "%ld features", s->features_read);
    NBL_COUNT(c[1], "%ld area", "%ld areas", s->areas_stored);
    NBL_COUNT(c[2], "%ld inserted", "%ld inserted", s->inserted);
    NBL_COUNT(c[3], "%ld updated", "%ld updated", s->updated);
    NBL_COUNT(c[4], "%ld repaired", "%ld repaired", s->repaired);
    /* TRANSLATORS: features, areas (inserted, updated), repaired */
    nbl__info(ctx, "areas: %s: %s, %s (%s, %s), %s", src, c[0], c[1], c[2],
              c[3], c[4]);
}

/* A statistics or references file's summary line (kind "stats" or
 * "refs"), each count in its own plural form. */
static void
info_stats(nbl_ctx *ctx, const char *kind, const char *src,
           const nbl_stats_summary *s)
{
    char c[5][96];
    NBL_COUNT(c[0], "%ld row", "%ld rows", s->rows_read);
    NBL_COUNT(c[1], "%ld value new", "%ld values new", s->values_inserted);
    NBL_COUNT(c[2], "%ld updated", "%ld updated", s->values_updated);
    NBL_COUNT(c[3], "%ld unchanged", "%ld unchanged", s->values_unchanged);
    NBL_COUNT(c[4], "%ld missing", "%ld missing", s->values_missing);
    /* TRANSLATORS: stats|refs: file: rows: values new, updated, unchanged,
     * missing; notes */
    nbl__info(ctx, "%s: %s: %s: %s, %s, %s, %s%s", kind, src, c[0], c[1], c[2],
              c[3], c[4], source_notes(s));
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
        info_areas(ctx, base(p->areas_source), &s);
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
        info_stats(ctx, is_ref ? "refs" : "stats", base(src), &s);
    }
    if (p->grid_source && (rc = import_grid(ws, p)))
        return rc;
    if (p->incidents_source) {
        nbl_incidents_opts o = {0};
        nbl_incidents_summary s;
        memset(&s, 0, sizeof s);
        nbl_project_incidents_opts(p, &o);
        rc = nbl_import_incidents(ws, p->incidents_source, &o, &s);
        if (rc == NBL_OK)
            nbl__info(ctx,
                      _n("incidents: %s: %lld point, %lld in an area, %lld "
                         "outside every area, %lld without a usable date",
                         "incidents: %s: %lld points, %lld in an area, %lld "
                         "outside every area, %lld without a usable date",
                         (unsigned long)s.read),
                      base(p->incidents_source), s.read, s.assigned, s.outside,
                      s.no_date);
        nbl_incidents_summary_clear(&s);
        if (rc)
            return rc;
    }
    if (p->plans_source) {
        nbl_plans_summary s;
        if ((rc = nbl_plans_import_sheet(ws, p->plans_source, p->plans_sheet,
                                         &s)))
            return rc;
        char c[2][64];
        NBL_COUNT(c[0], "%ld plan", "%ld plans", s.plans);
        NBL_COUNT(c[1], "%ld area", "%ld areas", s.plan_areas);
        nbl__info(ctx, "plans: %s: %s covering %s", base(p->plans_source), c[0],
                  c[1]);
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
        return nbl__error(ctx, NBL_EIO, "%s: cannot create folder: %s", dir,
                          nbl__io_reason(errno));
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

/* The folder part of path ("." when none), malloc'ed. */
static char *
dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    nbl__buf b = {0};
    if (!slash)
        return nbl__strdup(".");
    if (slash == path)
        return nbl__strdup("/");
    if (nbl__buf_append(&b, path, (size_t)(slash - path))) {
        nbl__buf_free(&b);
        return NULL;
    }
    return b.s;
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

/* fsync of a file or folder; returns errno or 0. */
static int
sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), e = 0;
    if (fd < 0)
        return errno;
    if (fsync(fd) != 0 && errno != EINVAL)
        e = errno;
    close(fd);
    return e;
}

/* One output folder of the run: locked, with its staging folder. */
typedef struct outdir {
    char *dir;   /* as named by the project */
    char *stage; /* <dir>/.nabolag-staging */
    int lock_fd;
    int created; /* folders made by this run, this one and those above it
                    (removed again if it fails) */
    dev_t dev;
    ino_t ino;
} outdir;

/* The staged outputs: moved into place after the commit. */
typedef struct staging {
    char **tmp, **final;
    int *overwrite;
    size_t n, cap;
} staging;

/* Everything the run holds, released by run_free(). */
typedef struct run_state {
    nbl_ctx *ctx;
    nbl_project *p;
    nbl_ws *ws;
    nbl_alert_config acfg;
    int acfg_init, created;
    nbl_alert_list *list;
    char *ruleset, *text;
    int year;
    char run_id[32];
    outdir dirs[3];
    int ndirs;
    int export_dir, report_dir, alerts_dir; /* index in dirs, -1 none */
    staging sg;
} run_state;

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

/* Locks the folder of an output (created if missing) and prepares its
 * staging folder; folders named twice are locked once. Sets *idx. */
static int
outdir_add(run_state *r, const char *dir, int *idx)
{
    outdir *o = &r->dirs[r->ndirs];
    struct stat st;
    int rc;
    /* a missing folder is made, with the missing ones above it */
    if ((rc = nbl__mkdirs(r->ctx, dir, &o->created)))
        return rc;
    if (stat(dir, &st) != 0)
        return nbl__error(r->ctx, NBL_EIO, "%s: %s", dir, strerror(errno));
    for (int i = 0; i < r->ndirs; i++)
        if (r->dirs[i].dev == st.st_dev && r->dirs[i].ino == st.st_ino) {
            *idx = i;
            return NBL_OK;
        }
    o->dev = st.st_dev;
    o->ino = st.st_ino;
    o->lock_fd = -1;
    o->dir = nbl__strdup(dir);
    o->stage = path_join(dir, ".nabolag-staging");
    *idx = r->ndirs++;
    if (!o->dir || !o->stage)
        return nbl__error(r->ctx, NBL_ENOMEM, "out of memory");
    if ((rc = nbl__dir_lock(r->ctx, dir, &o->lock_fd)))
        return rc;
    /* what a killed run left; we hold the lock, so no run is writing it */
    remove_staging_dir(o->stage);
    if (mkdir(o->stage, 0777) != 0)
        return nbl__error(r->ctx, NBL_EIO, "%s: cannot write there: %s", dir,
                          nbl__io_reason(errno));
    return NBL_OK;
}

/* [export] format = PostgreSQL: dest is a connection string. */
static int
export_to_db(const nbl_project *p)
{
    return p->export_format && strcmp(p->export_format, "PostgreSQL") == 0;
}

/* Locks the folders of every output before the workspace transaction, so
 * a second run into the same folders waits for the first to finish. */
static int
lock_outputs(run_state *r)
{
    const nbl_project *p = r->p;
    const char *files[2] = {p->report, p->alerts_out};
    int *idx[2] = {&r->report_dir, &r->alerts_dir};
    int rc;
    r->export_dir = r->report_dir = r->alerts_dir = -1;
    /* a database destination is written in the export's own transaction
     * and has no folder */
    if (p->export_dir && !export_to_db(p) &&
        (rc = outdir_add(r, p->export_dir, &r->export_dir)))
        return rc;
    for (int i = 0; i < 2; i++) {
        char *d;
        struct stat sb;
        if (!files[i] || strcmp(files[i], "-") == 0)
            continue;
        /* a staged file renamed over /dev/null or a pipe would replace it */
        if (stat(files[i], &sb) == 0 && !S_ISREG(sb.st_mode) &&
            !S_ISDIR(sb.st_mode))
            return nbl__error(r->ctx, NBL_EIO,
                              "%s: not a regular file (a device or a pipe); "
                              "a run puts its outputs in place together: "
                              "name a file, or '-' for standard output",
                              files[i]);
        if (!(d = dir_of(files[i])))
            return nbl__error(r->ctx, NBL_ENOMEM, "out of memory");
        rc = outdir_add(r, d, idx[i]);
        free(d);
        if (rc)
            return rc;
    }
    return NBL_OK;
}

/* With [export] overwrite = false, an export folder that holds an earlier
 * run's nabolag.qgs (written by every file export) stops the run before it
 * imports or writes anything: found only at the commit, it came after the
 * whole job and its 'exported ... layers' line. stage_check still checks
 * every file. */
static int
early_overwrite_check(run_state *r)
{
    struct stat sb;
    char *qgs;
    int rc = NBL_OK;
    if (r->export_dir < 0 || r->p->export_overwrite)
        return NBL_OK;
    if (!(qgs = path_join(r->p->export_dir, "nabolag.qgs")))
        return nbl__error(r->ctx, NBL_ENOMEM, "out of memory");
    if (lstat(qgs, &sb) == 0)
        rc = nbl__error(r->ctx, NBL_EEXISTS,
                        "%s: already exists (set [export] overwrite = "
                        "true to replace it)",
                        qgs);
    free(qgs);
    return rc;
}

/* The staging name of the output file path (in its folder's stage). */
static char *
staged_name(const run_state *r, int dir_idx, const char *path)
{
    return path_join(r->dirs[dir_idx].stage, base(path));
}

/* Adds every file in the staging folders, synced, with its final name.
 * Exported files follow [export] overwrite; the report and alert list
 * are always replaced. */
static int
stage_collect(run_state *r)
{
    int rc = NBL_OK;
    for (int i = 0; rc == NBL_OK && i < r->ndirs; i++) {
        DIR *d = opendir(r->dirs[i].stage);
        struct dirent *e;
        if (!d)
            return nbl__error(r->ctx, NBL_EIO, "%s: cannot read folder: %s",
                              r->dirs[i].dir, strerror(errno));
        while (rc == NBL_OK && (e = readdir(d)) != NULL) {
            char *tmp;
            int ow = 1, err;
            if (e->d_name[0] == '.')
                continue; /* ".", "..", temporary names */
            if (i == r->export_dir &&
                !((i == r->report_dir &&
                   strcmp(e->d_name, base(r->p->report)) == 0) ||
                  (i == r->alerts_dir &&
                   strcmp(e->d_name, base(r->p->alerts_out)) == 0)))
                ow = r->p->export_overwrite;
            tmp = path_join(r->dirs[i].stage, e->d_name);
            if (tmp && (err = sync_path(tmp)) != 0) {
                rc = nbl__error(r->ctx, NBL_EIO, "%s/%s: write failed: %s",
                                r->dirs[i].dir, e->d_name, nbl__io_reason(err));
                free(tmp);
                break;
            }
            rc = stage_add(r->ctx, &r->sg, tmp,
                           path_join(r->dirs[i].dir, e->d_name), ow);
        }
        closedir(d);
        if (rc == NBL_OK && (rc = sync_path(r->dirs[i].stage)) != 0)
            rc = nbl__error(r->ctx, NBL_EIO, "%s: write failed: %s",
                            r->dirs[i].dir, nbl__io_reason(rc));
    }
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

/* After the commit: the tight loop that moves the set into place, then the
 * folders synced so that the renames are on disk too. */
static int
stage_commit(run_state *r)
{
    staging *st = &r->sg;
    int rc = NBL_OK;
    for (size_t i = 0; i < st->n; i++)
        if (rename(st->tmp[i], st->final[i]) != 0 && rc == NBL_OK)
            rc = nbl__error(r->ctx, NBL_EIO, "%s: cannot move into place: %s",
                            st->final[i], nbl__io_reason(errno));
    for (int i = 0; i < r->ndirs; i++)
        sync_path(r->dirs[i].dir);
    return rc;
}

/* Names the folders the user asked for in a failure message, not the
 * staging folders. */
static void
error_names(run_state *r)
{
    for (int i = 0; i < r->ndirs; i++)
        if (r->dirs[i].stage)
            nbl__error_rename(r->ctx, r->dirs[i].stage, r->dirs[i].dir);
}

static void
run_free(run_state *r, int failed)
{
    staging *st = &r->sg;
    if (failed && r->ws)
        nbl_ws_rollback(r->ws); /* no-op once committed */
    for (size_t i = 0; i < st->n; i++) {
        free(st->tmp[i]);
        free(st->final[i]);
    }
    free(st->tmp);
    free(st->final);
    free(st->overwrite);
    for (int i = r->ndirs - 1; i >= 0; i--) {
        outdir *o = &r->dirs[i];
        if (o->stage)
            remove_staging_dir(o->stage);
        if (failed && o->created)
            nbl__rmdirs(o->dir, o->created); /* only if empty */
        nbl__dir_unlock(o->lock_fd);
        free(o->dir);
        free(o->stage);
    }
    free(r->text);
    nbl_alert_list_free(r->list);
    free(r->ruleset);
    if (r->acfg_init)
        nbl_alert_config_clear(&r->acfg);
    nbl_ws_free(r->ws);
    if (failed && r->created && remove(r->p->workspace) == 0)
        nbl__info(r->ctx, /* a failed first run leaves no workspace */
                  "workspace %s removed again: the run that created it failed",
                  r->p->workspace);
    nbl_project_free(r->p);
}

/* 1. The project, the alert rules, the output locks and the workspace
 * (created on the first run, reused after that). */
static int
run_open(run_state *r, const char *project_path)
{
    struct stat st;
    int rc;
    if ((rc = nbl_project_load(&r->p, r->ctx, project_path)))
        return rc;
    /* every named statistics file is there before anything is touched */
    if ((rc = nbl_project_check_sources(r->p, r->ctx)))
        return rc;
    if (r->p->wait >= 0 && !nbl__ctx_wait_is_set(r->ctx))
        nbl_ctx_set_wait(r->ctx, r->p->wait); /* --wait wins */
    if ((rc = nbl_alert_config_init(&r->acfg, r->ctx)))
        return rc;
    r->acfg_init = 1;
    if ((rc = nbl_alert_config_load(&r->acfg, r->ctx, project_path)) ||
        (rc = lock_outputs(r)) || (rc = early_overwrite_check(r)))
        return rc;
    if (stat(r->p->workspace, &st) != 0) {
        if ((rc = ensure_parent(r->ctx, r->p->workspace)) ||
            (rc = nbl_crs_check_working(r->ctx, r->p->srid)) ||
            (rc = nbl_ws_create(&r->ws, r->ctx, r->p->workspace, r->p->srid)))
            return rc;
        r->created = 1; /* removed again if this first run fails */
        nbl__info(r->ctx, "created workspace %s (EPSG:%d)", r->p->workspace,
                  r->p->srid);
    } else if ((rc = nbl_ws_open(&r->ws, r->ctx, r->p->workspace))) {
        return rc;
    }
    if (nbl_ws_srid(r->ws) != r->p->srid)
        return nbl__error(r->ctx, NBL_ECRS,
                          "%s: [project] crs EPSG:%d differs from the "
                          "workspace's working CRS EPSG:%d",
                          r->p->path, r->p->srid, nbl_ws_srid(r->ws));
    return NBL_OK;
}

/* The compute summary line, each count in its own plural form. */
static void
info_compute(nbl_ctx *ctx, const nbl_compute_summary *cs)
{
    char c[3][96];
    NBL_COUNT(c[0], "%ld area", "%ld areas", cs->areas);
    NBL_COUNT(c[1], "%d year", "%d years", cs->nyears);
    NBL_COUNT(c[2], "%ld area-year", "%ld area-years", cs->profile_scored);
    /* TRANSLATORS: ruleset id version, areas, years; profiles for
     * area-years, ... */
    nbl__info(ctx,
              "compute: ruleset %s %s, %s, %s; profiles for %s, safety index "
              "for %ld",
              cs->ruleset, cs->version, c[0], c[1], c[2], cs->safety_index);
}

/* 2. Inside the transaction: the run's id, imports, compute, alerts. */
static int
run_pipeline(run_state *r)
{
    nbl_compute_opts co = {0};
    nbl_compute_summary cs;
    const char *vars[NBL__SD_VARS_MAX];
    nbl__handover h = {0};
    int rc;
    if ((rc = nbl__store_log_run(r->ws, "run", r->p->path, -1, -1, -1, -1,
                                 NULL)))
        return rc;
    snprintf(r->run_id, sizeof r->run_id, "%lld",
             nbl__store_last_run_id(r->ws));
    if ((rc = imports(r->ws, r->p)))
        return rc;
    co.ruleset = r->p->ruleset;
    co.config = r->p->path;
    /* the compute hands the statistics of the alerts' status/dynamics
     * index over, so that the run reads table stats once */
    h.nvars = nbl__alerts_sd_vars(&r->acfg, vars);
    h.vars = vars;
    /* without a status/dynamics index nothing is handed over */
    if ((rc = nbl__compute_handing(r->ws, &co, &cs, h.nvars ? &h : NULL)))
        return rc;
    info_compute(r->ctx, &cs);
    nbl_compute_summary_free(&cs);
    rc = nbl__alerts_evaluate_handed(r->ws, &r->acfg, NULL, r->p->year,
                                     &r->year, &r->ruleset, &h);
    nbl__handover_free(&h);
    return rc;
}

/* 3a. The alert list: the text for stdout (printed once the run has
 * succeeded), or the file, written into the stage as the list is made. */
static int
run_alerts_out(run_state *r, nbl_run_result *res)
{
    const nbl_project *p = r->p;
    int fmt = p->alerts_format ? nbl_alerts_format_parse(p->alerts_format)
                               : NBL_ALERTS_TEXT;
    char *staged;
    int rc;
    if ((rc = nbl_alerts_list(r->ws, &r->acfg, r->ruleset, r->year, r->year,
                              &r->list)))
        return rc;
    free(r->list->workspace_name);
    r->list->workspace_name = nbl__strdup(p->name ? p->name : base(p->path));
    res->alerts_raised = nbl_alerts_raised(r->list);
    res->alerts_raised_new = nbl_alerts_raised_new(r->list);
    for (size_t i = 0; i < r->list->n; i++)
        if (strcmp(r->list->items[i].state, "resolved") != 0)
            res->alerts++;
    if (fmt < 0)
        return nbl__error(r->ctx, NBL_EINVAL,
                          "%s: [alerts] format: expected text, csv, json "
                          "or geojson, got '%s'",
                          p->path, p->alerts_format);
    if (r->alerts_dir >= 0 && !(r->list->run_id = nbl__strdup(r->run_id)))
        return nbl__error(r->ctx, NBL_ENOMEM, "out of memory");
    if (r->alerts_dir < 0)
        return nbl_alerts_format_string(r->ws, r->ctx, r->list,
                                        (nbl_alerts_format)fmt, &r->text);
    if (!(staged = staged_name(r, r->alerts_dir, p->alerts_out)))
        return nbl__error(r->ctx, NBL_ENOMEM, "out of memory");
    rc = nbl_alerts_write_file(r->ws, r->ctx, r->list, (nbl_alerts_format)fmt,
                               staged, 1);
    free(staged);
    return rc;
}

/* 3b. The layers, styles and .qgs into the export folder's stage. */
static int
run_export(run_state *r, nbl_run_result *res)
{
    const nbl_project *p = r->p;
    nbl_export_opts eo = {0};
    int rc;
    if (!p->export_dir)
        return NBL_OK;
    eo.driver = p->export_format;
    eo.schema = p->export_schema;
    eo.t_srs = p->export_t_srs;
    eo.layers = p->export_layers;
    eo.year = r->year;
    eo.ruleset = r->ruleset;
    eo.overwrite = 1; /* the staging folder; the policy: stage_check */
    eo.config = p->path;
    eo.final_dir = p->export_dir; /* messages name the real folder */
    eo.run_id = r->run_id;
    eo.title = p->name; /* the board map names the project */
    if (export_to_db(p)) {
        /* straight into the database, in the export's own transaction */
        eo.dir = p->export_dir;
        eo.qgs = p->export_qgs;
        eo.overwrite = p->export_overwrite;
        eo.final_dir = NULL;
        return nbl_export(r->ws, &eo);
    }
    eo.dir = r->dirs[r->export_dir].stage;
    if ((rc = nbl_export(r->ws, &eo)))
        return rc;
    snprintf(res->export_dir, sizeof res->export_dir, "%s", p->export_dir);
    return NBL_OK;
}

/* 3c. The report (staged, or to stdout). */
static int
run_report(run_state *r)
{
    const nbl_project *p = r->p;
    nbl_report_opts ro = {0};
    char *staged = NULL;
    int rc;
    if (!p->report)
        return NBL_OK;
    if (r->report_dir >= 0 &&
        !(staged = staged_name(r, r->report_dir, p->report)))
        return nbl__error(r->ctx, NBL_ENOMEM, "out of memory");
    ro.output = staged ? staged : p->report;
    ro.year = r->year;
    ro.ruleset = r->ruleset;
    ro.title = p->name;
    ro.config = p->path;
    ro.overwrite = 1;
    ro.run_id = r->run_id;
    ro.context = p->report_context;
    rc = nbl_report_write(r->ws, &ro);
    free(staged);
    return rc;
}

/* 3d. Commit, then move the staged set into place. */
static int
run_commit(run_state *r, const nbl_run_opts *opts)
{
    const nbl_project *p = r->p;
    int rc;
    if ((rc = stage_collect(r)) || (rc = stage_check(r->ctx, &r->sg)) ||
        (rc = nbl_ws_commit(r->ws)))
        return rc;
    r->created = 0;
    for (int i = 0; i < r->ndirs; i++)
        r->dirs[i].created = 0;
    if ((rc = stage_commit(r)))
        return rc;
    if (p->alerts_out && strcmp(p->alerts_out, "-") != 0)
        nbl__info(r->ctx, "alerts: %s", p->alerts_out);
    if (p->report && strcmp(p->report, "-") != 0)
        nbl__info(r->ctx, "report: %s", p->report);
    /* the alert list on stdout only for a run that succeeded */
    if ((!p->alerts_out || strcmp(p->alerts_out, "-") == 0) && opts &&
        opts->alerts_fp)
        fputs(r->text, opts->alerts_fp);
    return NBL_OK;
}

int
nbl_run(nbl_ctx *ctx, const char *project_path, const nbl_run_opts *opts,
        nbl_run_result *res)
{
    run_state r;
    int rc;

    memset(&r, 0, sizeof r);
    memset(res, 0, sizeof *res);
    r.ctx = ctx;
    /* Every writer of the run checks its keys in C against the areas and
     * variables (stats, grid, plans) and areas are upserted, never
     * deleted, so SQLite's foreign-key look-ups would only repeat those
     * checks: 1.5-2 s of the national statistics import. */
    if ((rc = run_open(&r, project_path)) ||
        (rc = nbl__store_begin_checked_keys(r.ws)))
        goto done;
    if ((rc = run_pipeline(&r)))
        goto done;
    res->year = r.year;
    /* 3. Outputs, still inside the transaction: if one cannot be written,
     * the workspace is left as it was; none is moved into place before
     * the commit. */
    if ((rc = run_alerts_out(&r, res)) || (rc = run_export(&r, res)) ||
        (rc = run_report(&r)) || (rc = run_commit(&r, opts)))
        goto done;

    /* 4. Delivery last, after the commit (a message sent cannot be taken
     * back): a failure keeps the alerts undelivered for the next run and
     * makes the run fail, after everything else is written. */
    if (r.p->notify) {
        size_t sent = 0;
        nbl_notify_opts no = {0};
        if (opts)
            no = opts->notify; /* the command line's settings first */
        no.url = r.p->notify;
        nbl_notify_opts_fill(&no, &r.acfg);
        if ((rc = nbl_alerts_notify(r.ws, &r.acfg, r.list, &no, &sent)))
            goto done;
        nbl__info(ctx,
                  _n("delivered %zu new alert to %s",
                     "delivered %zu new alerts to %s", sent),
                  sent, r.p->notify);
    }
    res->fail_on_alert = r.p->fail_on_alert;
    res->fail_on_new = r.p->fail_on_new;
done:
    if (rc)
        error_names(&r);
    run_free(&r, rc != NBL_OK);
    return rc;
}
