/*
 * export.c - `nabolag export`: resolves the job (ruleset, year, disclosure
 * rules, profile configuration), builds the layers asked for (builders.c;
 * all, or those of opts->layers, always in the builders' order) and hands
 * them to the writer (writer.c), then logs the run in the workspace.
 * Layers and fields: docs/outputs.md.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "publish/builders.h"
#include "publish/layer.h"
#include "publish/writer.h"
#include "store/store.h"
#include "store/store_export.h"
#include "store/store_statusdyn.h"
#include "util/ctx.h"
#include "util/i18n.h"
#include "util/util.h"

#define NLAYERS_MAX 16

static int
resolve_job(nbl_ws *ws, const nbl_export_opts *opts, nbl__xjob *job,
            char **ruleset_own, char **version_own)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    int rc;
    memset(job, 0, sizeof *job);
    job->opts = opts;
    job->unsuppressed = opts->internal_unsuppressed;
    nbl__disclosure_defaults(&job->disc);
    if ((rc = nbl__disclosure_load(ctx, opts->config, &job->disc)))
        return rc;
    if (opts->ruleset) {
        job->ruleset = opts->ruleset;
    } else {
        if ((rc = nbl__store_meta_get(ws, "current_ruleset", ruleset_own)))
            return rc;
        if (!*ruleset_own)
            return nbl__error(ctx, NBL_ENOTFOUND,
                              "%s: no computed results (run `nabolag "
                              "compute` first, or pass --ruleset)",
                              nbl_ws_path(ws));
        job->ruleset = *ruleset_own;
    }
    if (opts->year > 0) {
        long n;
        int first, last;
        job->year = opts->year;
        if ((rc = nbl__store_export_years(ws, job->ruleset, job->year, &n,
                                          &first, &last)))
            return rc;
        if (n == 0 && first == 0)
            return nbl__error(ctx, NBL_ENOTFOUND,
                              "%s: no results for ruleset '%s' (run "
                              "`nabolag compute` first)",
                              nbl_ws_path(ws), job->ruleset);
        if (n == 0)
            return nbl__error(ctx, NBL_ENOTFOUND,
                              "%s: no results for ruleset '%s' in %d "
                              "(results exist for %d-%d)",
                              nbl_ws_path(ws), job->ruleset, job->year, first,
                              last);
    } else {
        if ((rc = nbl__store_export_latest_year(ws, job->ruleset, &job->year)))
            return rc;
        if (job->year == 0)
            return nbl__error(ctx, NBL_ENOTFOUND,
                              "%s: no results for ruleset '%s' (run "
                              "`nabolag compute` first)",
                              nbl_ws_path(ws), job->ruleset);
    }
    if ((rc = nbl__store_export_ruleset_version(ws, job->ruleset, version_own)))
        return rc;
    job->ruleset_version = *version_own;
    return NBL_OK;
}

/* Logs the export in the workspace. The files are in place; a run log
 * that cannot be written (a read-only workspace, or one another nabolag is
 * writing) is a warning, not a failed
 * export. */
static void
log_run(nbl_ws *ws, const nbl__xjob *job, size_t nl, const char *format)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    const nbl_export_opts *opts = job->opts;
    nbl__buf d = {0};
    char *dest =
        nbl__xw_display_name(opts->final_dir ? opts->final_dir : opts->dir);
    int lrc;
    nbl__buf_printf(&d,
                    "{\"year\": %d, \"format\": \"%s\", \"layers\": %zu, "
                    "\"disclosure_applied\": %s}",
                    job->year, format, nl,
                    job->unsuppressed ? "false" : "true");
    /* an export is a reader and does not wait for another nabolag writing
     * the workspace: its log is then a warning */
    lrc = nbl__store_try_begin(ws);
    if (lrc == NBL_OK) {
        lrc = nbl__store_log_run(ws, "export", dest ? dest : "?", -1, -1, -1,
                                 -1, d.s);
        if (lrc == NBL_OK)
            lrc = nbl__store_commit(ws);
        else
            nbl__store_rollback(ws);
    }
    if (lrc != NBL_OK) {
        nbl__warn(ctx, "export run not logged: %s", nbl_ctx_errmsg(ctx));
        nbl_ctx_clear_error(ctx);
    }
    nbl__buf_free(&d);
    nbl__info(ctx,
              _n("exported %zu layer for %d (ruleset %s) to %s",
                 "exported %zu layers for %d (ruleset %s) to %s", nl),
              nl, job->year, job->ruleset, dest ? dest : "?");
    free(dest);
}

/* The next name of a comma-separated list into name[0..*len), spaces
 * around it cut; *s moves past it. 0 at the end of the list. */
static int
list_next(const char **s, const char **name, size_t *len)
{
    const char *p = *s, *e;
    if (!*p)
        return 0;
    e = p + strcspn(p, ",");
    *s = *e ? e + 1 : e;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *name = p;
    *len = (size_t)(e - p);
    return 1;
}

/* The index of a layer's name in nbl_export_layer_names(), or -1. */
static int
layer_index(const char *name, size_t len)
{
    const char *const *names = nbl_export_layer_names();
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return i;
    return -1;
}

int
nbl_export_layers_check(nbl_ctx *ctx, const char *list, const char *what)
{
    const char *const *names = nbl_export_layer_names();
    const char *name;
    size_t len, given = 0;
    nbl__buf valid = {0};
    int rc = NBL_OK;
    for (int i = 0; names[i]; i++)
        nbl__buf_printf(&valid, "%s%s", i ? ", " : "", names[i]);
    while (rc == NBL_OK && list_next(&list, &name, &len)) {
        if (len == 0)
            continue; /* "areas," */
        given++;
        if (layer_index(name, len) < 0)
            rc = nbl__error(ctx, NBL_EINVAL,
                            "%s: unknown layer '%.*s'; the layers are: %s",
                            what, (int)len, name, valid.s ? valid.s : "");
    }
    if (rc == NBL_OK && given == 0)
        rc = nbl__error(ctx, NBL_EINVAL,
                        "%s: no layer given; the layers are: %s", what,
                        valid.s ? valid.s : "");
    nbl__buf_free(&valid);
    return rc;
}

/* Whether the job writes the layer of index i (opts->layers; NULL: all). */
static int
layer_wanted(const nbl__xjob *job, int i)
{
    const char *list = job->opts->layers, *name;
    size_t len;
    if (!list)
        return 1;
    while (list_next(&list, &name, &len))
        if (len > 0 && layer_index(name, len) == i)
            return 1;
    return 0;
}

/* Builds the layers asked for; *nl receives the number built (also on
 * failure, so that they can be freed). */
static int
build_layers(nbl_ws *ws, nbl__xjob *job, nbl__xlayer *layers, size_t *nl)
{
    size_t nb, nwant = 0;
    const nbl__xbuilder *builders = nbl__export_builders(&nb);
    int rc = NBL_OK;
    assert(nb <= NLAYERS_MAX);
    for (size_t b = 0; b < nb; b++)
        nwant += (size_t)layer_wanted(job, (int)b);
    *nl = 0;
    for (size_t b = 0; rc == NBL_OK && b < nb; b++) {
        if (!layer_wanted(job, (int)b))
            continue;
        rc = builders[b](ws, job, &layers[*nl]);
        (*nl)++;
        assert(rc != NBL_OK ||
               strcmp(layers[*nl - 1].name, nbl_export_layer_names()[b]) == 0);
        if (rc == NBL_OK)
            rc = nbl__progress(nbl_ws_ctx(ws),
                               0.1 + 0.4 * (double)*nl / (double)nwant,
                               "export");
    }
    /* the thresholds of the year's results, for the graduated styles */
    if (rc == NBL_OK)
        rc = nbl__store_export_thresholds(ws, job->ruleset, job->year,
                                          job->threshold, job->threshold_low);
    /* the year's status/dynamics classes, for their style */
    if (rc == NBL_OK)
        rc = nbl__store_sd_classes(ws, job->ruleset, job->year, job->sd_status,
                                   &job->n_sd_status, job->sd_dynamics,
                                   &job->n_sd_dynamics);
    return rc;
}

/* Writes the built layers, their styles and the project, and renames
 * them into place. */
static int
write_all(nbl_ws *ws, nbl__xjob *job, nbl__xlayer *layers, size_t nl,
          char *format, size_t cap)
{
    nbl__xwriter w;
    int rc = nbl__xwriter_open(&w, ws, job);
    /* Check every final name before writing anything. */
    if (rc == NBL_OK)
        rc = nbl__xwriter_check(&w, layers, nl);
    if (rc == NBL_OK)
        rc = nbl__xwriter_layers(&w, layers, nl);
    if (rc == NBL_OK)
        rc = nbl__progress(nbl_ws_ctx(ws), 0.9, "export");
    if (rc == NBL_OK)
        rc = nbl__xwriter_project(&w, layers, nl);
    if (rc == NBL_OK)
        rc = nbl__xwriter_commit(&w);
    if (rc == NBL_OK)
        snprintf(format, cap, "%s",
                 strcmp(w.driver, "GeoJSON") == 0 ? "geojson"
                 : strcmp(w.driver, "GPKG") == 0  ? "gpkg"
                                                  : w.driver);
    nbl__xwriter_close(&w, rc != NBL_OK);
    return rc;
}

int
nbl_export(nbl_ws *ws, const nbl_export_opts *opts)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    nbl__xjob job;
    nbl__profile_cfg pcfg;
    nbl__xlayer layers[NLAYERS_MAX];
    char *ruleset_own = NULL, *version_own = NULL;
    nbl__xinput *inputs_own = NULL;
    size_t nl = 0;
    char format[64] = "";
    int rc;

    memset(&job, 0, sizeof job);
    memset(layers, 0, sizeof layers);
    memset(&pcfg, 0, sizeof pcfg);
    mode_t umask_before;
    if (!opts || !opts->dir || !*opts->dir)
        return nbl__error(ctx, NBL_EINVAL, "export: no output folder given");
    /* Unsuppressed outputs are private from their first byte: everything
     * created meanwhile (by us, GDAL or SQLite) gets mode 0600 (a new
     * folder 0700), and their names say INTERNAL (writer.c). */
    umask_before = umask(opts->internal_unsuppressed ? 077 : 0);
    umask(opts->internal_unsuppressed ? (umask_before | 077) : umask_before);
    rc = opts->layers ? nbl_export_layers_check(ctx, opts->layers, "layers")
                      : NBL_OK;
    if (rc == NBL_OK)
        rc = resolve_job(ws, opts, &job, &ruleset_own, &version_own);
    if (rc == NBL_OK && (rc = nbl__store_export_inputs(
                             ws, &inputs_own, &job.n_inputs)) == NBL_OK)
        job.inputs = inputs_own;
    /* the indicators of the profile layer: gis/indicators.ini and the
     * config's [profile] and [indicator.*] sections */
    if (rc == NBL_OK &&
        (rc = nbl__profile_cfg_load(ctx, &pcfg, opts->config)) == NBL_OK)
        job.profile = &pcfg;
    if (rc == NBL_OK)
        rc = build_layers(ws, &job, layers, &nl);
    if (rc == NBL_OK)
        rc = write_all(ws, &job, layers, nl, format, sizeof format);
    if (rc == NBL_OK)
        log_run(ws, &job, nl, format);
    for (size_t i = 0; i < nl; i++)
        nbl__xlayer_free(&layers[i]);
    nbl__profile_cfg_free(&pcfg);
    nbl__xinputs_free(inputs_own, job.n_inputs);
    free(ruleset_own);
    free(version_own);
    umask(umask_before);
    return rc;
}
