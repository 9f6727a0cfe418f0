/*
 * import_stats.c - nbl_import_stats() and nbl_import_refs(): CSV statistics
 * and reference values into the workspace (see nabolag/stats.h).
 *
 * One import runs in one transaction: the look-ups and --config
 * declarations, the file read and each row checked and staged
 * (import_stats_read.c, import_stats_check.c), then the set-based checks
 * over all rows: other country codes (refs), values that differ from the
 * workspace's (unless replace), numerators larger than their denominators
 * (file and workspace together); then the problems, the rejects file, and
 * the staged values applied.
 * Invariant: a line with any problem contributes no value; without
 * skip_invalid any problem means nothing is stored (rollback).
 */
#include "nabolag/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_stats_internal.h"
#include "store/store.h"
#include "util/ctx.h"
#include "util/i18n.h"

static int
load_lookups(struct imp *im)
{
    int rc;
    nbl__store_stats_free_vars(im->vars, im->nvars);
    im->vars = NULL;
    rc = nbl__store_stats_variables(im->ws, &im->vars, &im->nvars);
    if (rc)
        return rc;
    if (!im->refs) {
        if (im->ids.v)
            return NBL_OK;
        rc = nbl__store_stats_area_column(im->ws, "area_id", &im->ids.v,
                                          &im->ids.n);
        if (rc == NBL_OK && nbl__sti_keyset_index(&im->ids))
            rc = nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
        return rc;
    }
    if (im->regions.v || im->munis.v)
        return NBL_OK;
    rc = nbl__store_stats_area_column(im->ws, "region", &im->regions.v,
                                      &im->regions.n);
    if (rc == NBL_OK)
        rc = nbl__store_stats_area_column(im->ws, "municipality", &im->munis.v,
                                          &im->munis.n);
    if (rc == NBL_OK && (nbl__sti_keyset_index(&im->regions) ||
                         nbl__sti_keyset_index(&im->munis)))
        rc = nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    return rc;
}

static void
imp_free(struct imp *im)
{
    nbl__sti_fast_free(im);
    nbl__stage_free(im->st);
    nbl__store_stats_free_vars(im->vars, im->nvars);
    nbl__sti_keyset_free(&im->ids);
    nbl__sti_keyset_free(&im->regions);
    nbl__sti_keyset_free(&im->munis);
    for (size_t i = 0; im->cols && i < im->ncols; i++)
        free(im->cols[i]);
    free(im->cols);
    free(im->colvar);
    free(im->dot_raw);
    free(im->comma_raw);
    free(im->first_unknown);
    free(im->first_unknown_hint);
    for (size_t i = 0; i < im->nmax; i++)
        free(im->max_names[i]);
    free(im->max_names);
    free(im->max_values);
    nbl__sti_source_free(im);
}

static int
check_opts(nbl_ctx *ctx, const char *path, const nbl_stats_opts *opts)
{
    if (!path || !*path)
        return nbl__error(ctx, NBL_EINVAL, "no CSV file given");
    if (opts->delimiter && opts->delimiter != ',' && opts->delimiter != ';' &&
        opts->delimiter != '\t')
        return nbl__error(ctx, NBL_EINVAL,
                          "--delimiter must be ',', ';' or tab, not '%c'",
                          opts->delimiter);
    if (opts->format) {
        nbl__rowsrc src = {0};
        int rc;
        src.format = opts->format;
        if ((rc = nbl__rowsrc_check(ctx, &src)))
            return rc;
    }
    if (opts->period && strcmp(opts->period, "last") != 0)
        return nbl__error(ctx, NBL_EINVAL, "period must be last, not '%s'",
                          opts->period);
    if (opts->decimal && opts->decimal != ',' && opts->decimal != '.')
        return nbl__error(ctx, NBL_EINVAL,
                          "--decimal must be '.' or ',', not '%c'",
                          opts->decimal);
    return NBL_OK;
}

/* The rows: the fast path when it applies (statistics grouped by area and
 * year), inside a savepoint; when the file turns out not to be grouped,
 * everything it did is rolled back and the file is read the staged way. */
static int
read_rows(struct imp *im)
{
    int rc;
    nbl__stats_fast_used = 0;
    if (im->refs || !nbl__stats_fast_path)
        return nbl__sti_read_rows(im);
    rc = nbl__sti_fast_new(im);
    if (rc == NBL_OK)
        rc = nbl__store_begin(im->ws);
    if (rc != NBL_OK) {
        nbl__sti_fast_free(im);
        return rc;
    }
    rc = nbl__sti_read_rows(im);
    if (rc == NBL_OK)
        rc = nbl__sti_fast_end(im);
    if (rc == NBL_OK && (rc = nbl__store_commit(im->ws)) == NBL_OK) {
        nbl__stats_fast_used = 1;
        return NBL_OK;
    }
    nbl__store_rollback(im->ws);
    if (rc != NBL__STI_FALLBACK)
        return rc;
    nbl__sti_fast_free(im);
    nbl__sti_read_reset(im);
    return nbl__sti_read_rows(im);
}

/* The look-ups, the declarations of --config and the file read, inside the
 * transaction. */
static int
read_file(struct imp *im)
{
    int rc = load_lookups(im);
    if (rc == NBL_OK && im->o->config_path) {
        rc = nbl__sti_apply_config(im, &im->sum.variables_declared);
        if (rc == NBL_OK)
            rc = load_lookups(im);
    }
    im->co.delimiter = im->o->delimiter;
    im->co.progress = im->refs ? "reading references" : "reading statistics";
    im->decimal = im->o->decimal ? im->o->decimal : '.';
    if (rc == NBL_OK)
        rc = nbl__stage_new(
            im->ws, im->refs ? NBL__STAGE_REFS : NBL__STAGE_STATS, &im->st);
    if (rc == NBL_OK)
        rc = read_rows(im);
    return rc;
}

/* The checks over all rows, then the counts of the summary. */
static int
check_all(struct imp *im)
{
    nbl_stats_summary *sum = &im->sum;
    int rc;
    if (im->fast) /* checked and counted group by group */
        return nbl__stage_problem_counts(im->st, &im->problems, &im->bad_lines);
    rc = nbl__stage_each_other_country(im->st, nbl__sti_on_other_country, im);
    if (rc == NBL_OK && !im->o->replace)
        rc = nbl__stage_each_conflict(im->st, nbl__sti_on_conflict, im);
    if (rc == NBL_OK)
        rc = nbl__stage_each_excess(im->st, nbl__sti_on_excess, im);
    if (rc == NBL_OK)
        rc = nbl__stage_problem_counts(im->st, &im->problems, &im->bad_lines);
    if (rc == NBL_OK)
        rc = nbl__stage_counts(im->st, &sum->values_inserted,
                               &sum->values_updated, &sum->values_unchanged,
                               &sum->values_missing);
    return rc;
}

static void
fill_summary(struct imp *im)
{
    nbl_stats_summary *sum = &im->sum;
    sum->rows_read = im->rows;
    sum->rows_rejected = im->bad_lines;
    sum->rows_stored = im->rows - im->bad_lines;
    sum->problems = im->problems;
    sum->layout = (char)im->layout;
    sum->rows_empty = im->src.empty_rows;
    sum->rows_left_out = im->src.left_out;
    sum->encoding = im->src.encoding;
    sum->source = im->src.statbank ? 's' : im->src.kind ? im->src.kind : 'c';
    sum->delimiter = im->delimiter;
    sum->decimal = im->decimal;
}

/* The problems as warnings, the rejects file, and the refusal when rows are
 * bad and skip_invalid is not set. */
static int
report_problems(struct imp *im)
{
    nbl_stats_summary *sum = &im->sum;
    int rc = NBL_OK;
    if (im->problems > 0) {
        rc = nbl__stage_each_problem(im->st, im->max_problems,
                                     nbl__sti_print_problem, im);
        if (rc == NBL_OK && im->problems > im->max_problems) {
            long more = im->problems - im->max_problems;
            if (im->o->skip_invalid)
                nbl__warn(im->ctx,
                          _n("... and %ld more", "... and %ld more", more),
                          more);
            else
                nbl__errline(im->ctx,
                             _n("... and %ld more", "... and %ld more", more),
                             more);
        }
    }
    if (rc == NBL_OK && im->bad_lines > 0 && im->o->rejects_path) {
        rc = nbl__sti_write_rejects(im);
        im->have_rejects = rc == NBL_OK;
    }
    if (rc != NBL_OK || im->bad_lines == 0 || im->o->skip_invalid)
        return rc;
    sum->rows_stored = 0;
    sum->values_inserted = sum->values_updated = 0;
    sum->values_unchanged = sum->values_missing = 0;
    /* the rejects file is complete (every bad row), so it is kept even
     * though nothing is imported: it is the list of what to fix */
    if (im->have_rejects) {
        im->have_rejects = 0;
        rc = nbl__outfile_commit(im->ctx, &im->of);
    }
    if (rc == NBL_OK)
        rc = nbl__error(im->ctx, NBL_EDATA,
                        _n("%s: %ld invalid row; nothing was imported "
                           "(--skip-invalid stores the valid rows)",
                           "%s: %ld invalid rows; nothing was imported "
                           "(--skip-invalid stores the valid rows)",
                           im->bad_lines),
                        im->path, im->bad_lines);
    return rc;
}

static void
warn_unknown_codes(struct imp *im)
{
    char hint[200] = "";
    if (!im->refs || im->unknown_codes == 0)
        return;
    if (im->first_unknown_hint)
        snprintf(hint, sizeof hint,
                 _("; did you mean '%s'? codes are compared exactly"),
                 im->first_unknown_hint);
    nbl__warn(im->ctx,
              _n("%s:%ld: %ld reference row with a region or municipality "
                 "code that no area has (first: '%s'%s)",
                 "%s:%ld: %ld reference rows with a region or municipality "
                 "code that no area has (first: '%s'%s)",
                 im->unknown_codes),
              im->path, im->first_unknown_line, im->unknown_codes,
              im->first_unknown ? im->first_unknown : "", hint);
}

static int
log_run(struct imp *im)
{
    const nbl_stats_summary *sum = &im->sum;
    nbl__buf d = {0};
    int rc;
    nbl__buf_printf(&d,
                    "{\"layout\":\"%s\",\"delimiter\":\"%s\","
                    "\"decimal\":\"%c\",\"problems\":%ld,"
                    "\"values_inserted\":%ld,\"values_updated\":%ld,"
                    "\"values_unchanged\":%ld,\"values_missing\":%ld,"
                    "\"variables_declared\":%ld,\"source\":\"%s\","
                    "\"encoding\":\"%s\",\"rows_empty\":%ld,"
                    "\"rows_left_out\":%ld}",
                    im->layout == 'l' ? "long" : "wide",
                    im->delimiter == '\t' ? "\\t" : (char[2]){im->delimiter, 0},
                    im->decimal, im->problems, sum->values_inserted,
                    sum->values_updated, sum->values_unchanged,
                    sum->values_missing, sum->variables_declared,
                    sum->source == 's'   ? "statbank"
                    : sum->source == 'w' ? "workbook"
                                         : "csv",
                    sum->encoding ? sum->encoding : "", sum->rows_empty,
                    sum->rows_left_out);
    rc = d.s ? nbl__store_log_run(im->ws, im->refs ? "refs" : "stats", im->path,
                                  sum->rows_read, sum->rows_stored,
                                  sum->rows_rejected, -1, d.s)
             : nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    nbl__buf_free(&d);
    return rc;
}

/* Commits the import and then the rejects file, or rolls both back. */
static int
finish(struct imp *im, int rc)
{
    nbl__stage_free(im->st);
    im->st = NULL;
    if (rc == NBL_OK)
        rc = nbl__progress(im->ctx, 1.0, im->co.progress);
    /* the rejects file complete on disk before the commit: a full disk
     * fails the import, not just the list of what was skipped */
    if (rc == NBL_OK && im->have_rejects)
        rc = nbl__outfile_finish(im->ctx, &im->of);
    if (rc == NBL_OK)
        rc = nbl__store_commit(im->ws);
    if (rc == NBL_OK && im->have_rejects) {
        rc = nbl__outfile_commit(im->ctx, &im->of);
        im->have_rejects = 0;
        /* the import itself is committed; a failed rejects file is still
         * reported as a failure */
    }
    if (rc != NBL_OK) {
        if (im->have_rejects)
            nbl__outfile_abort(&im->of);
        nbl__store_rollback(im->ws);
    }
    return rc;
}

static int
do_import(nbl_ws *ws, const char *path, const nbl_stats_opts *opts,
          nbl_stats_summary *out, int refs)
{
    static const nbl_stats_opts defaults = {0};
    struct imp im;
    int rc;

    memset(&im, 0, sizeof im);
    if (out)
        memset(out, 0, sizeof *out);
    if (!opts)
        opts = &defaults;
    rc = check_opts(nbl_ws_ctx(ws), path, opts);
    if (rc)
        return rc;
    im.max_problems = opts->max_problems > 0 ? opts->max_problems
                                             : NBL__STI_MAX_DEFAULT_PROBLEMS;
    im.ws = ws;
    im.ctx = nbl_ws_ctx(ws);
    im.path = path;
    im.refs = refs;
    im.o = opts;
    rc = nbl__sti_source_init(&im);
    /* every key is checked in C against the areas and variables */
    if (rc == NBL_OK)
        rc = nbl__store_begin_checked_keys(ws);
    if (rc) {
        imp_free(&im);
        return rc;
    }
    rc = read_file(&im);
    if (rc == NBL_OK)
        rc = check_all(&im);
    fill_summary(&im);
    if (rc == NBL_OK)
        rc = report_problems(&im);
    if (rc == NBL_OK)
        warn_unknown_codes(&im);
    if (rc == NBL_OK && !im.fast) /* the fast path wrote as it went */
        rc = nbl__stage_apply(im.st);
    if (rc == NBL_OK)
        rc = log_run(&im);
    rc = finish(&im, rc);
    if (out)
        *out = im.sum;
    imp_free(&im);
    return rc;
}

int
nbl_import_stats(nbl_ws *ws, const char *csv_path, const nbl_stats_opts *opts,
                 nbl_stats_summary *out)
{
    return do_import(ws, csv_path, opts, out, 0);
}

int
nbl_import_refs(nbl_ws *ws, const char *csv_path, const nbl_stats_opts *opts,
                nbl_stats_summary *out)
{
    return do_import(ws, csv_path, opts, out, 1);
}
