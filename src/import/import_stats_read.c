/*
 * import_stats_read.c - the file side of the statistics and references
 * import (import_stats_internal.h). The file is read once, streaming
 * (memory is constant in the file size), and again only for a rejects
 * file:
 *   rows     the header and layout; the decimal mark, unless given, from
 *            the value fields as they come (a file with both '.' and ','
 *            is refused at the row where the second appears); every data
 *            row checked on its own (import_stats_check.c) and its values
 *            staged with their line numbers, or held group by group on
 *            the fast path (import_stats_fast.c);
 *   rejects  only when a rejects file is asked for and rows were bad: the
 *            bad rows are copied from the file with their line and reasons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_stats_internal.h"
#include "util/ctx.h"
#include "util/i18n.h"

/* ---- header ------------------------------------------------------------- */

static const char *
key_names(const struct imp *im)
{
    return im->refs ? "scope,code,year" : "area_id,year";
}

static int
looks_like_data(const nbl__csv_row *row)
{
    double v;
    for (size_t i = 0; i < row->n; i++)
        if (row->lens[i] && (nbl__parse_double(row->fields[i], '.', &v) ||
                             nbl__parse_double(row->fields[i], ',', &v)))
            return 1;
    return 0;
}

static int
header_error(struct imp *im, const nbl__csv_row *row)
{
    nbl__buf found = {0};
    char d = row->delimiter ? row->delimiter : ',';
    int rc;
    for (size_t i = 0; i < row->n; i++)
        nbl__buf_printf(&found, "%.*s%s", i ? 1 : 0, &d, row->fields[i]);
    if (looks_like_data(row))
        rc = nbl__error(im->ctx, NBL_EFORMAT,
                        "%s:%ld: no header line: the first line looks like "
                        "data ('%s'); the first line must name the columns: "
                        "'%s,variable,value' (long) or '%s,<variable>,...' "
                        "(wide)",
                        im->path, row->line, found.s ? found.s : "",
                        key_names(im), key_names(im));
    else
        rc = nbl__error(im->ctx, NBL_EFORMAT,
                        "%s:%ld: header fits neither layout: expected "
                        "'%s,variable,value' (long) or '%s,<variable>,...' "
                        "(wide), found '%s'",
                        im->path, row->line, key_names(im), key_names(im),
                        found.s ? found.s : "");
    nbl__buf_free(&found);
    return rc;
}

int
nbl__sti_parse_header(struct imp *im, const nbl__csv_row *row)
{
    static const char *stats_keys[] = {"area_id", "year"};
    static const char *refs_keys[] = {"scope", "code", "year"};
    const char **keys = im->refs ? refs_keys : stats_keys;
    size_t nk = im->refs ? 3 : 2;

    im->nkeys = nk - 1;
    im->header_line = row->line;
    if (row->n < nk + 1)
        return header_error(im, row);
    for (size_t i = 0; i < nk; i++)
        if (!nbl__strieq(row->fields[i], keys[i]))
            return header_error(im, row);
    im->ncols = row->n;
    im->cols = calloc(row->n, sizeof *im->cols);
    im->colvar = calloc(row->n, sizeof *im->colvar);
    if (!im->cols || !im->colvar)
        return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < row->n; i++)
        if (!(im->cols[i] =
                  nbl__strdup(row->shown ? row->shown[i] : row->fields[i])))
            return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    if (row->n == nk + 2 && nbl__strieq(row->fields[nk], "variable") &&
        nbl__strieq(row->fields[nk + 1], "value")) {
        im->layout = 'l';
        return NBL_OK;
    }
    im->layout = 'w';
    for (size_t i = nk; i < row->n; i++) {
        const char *name = row->fields[i];
        const nbl__var_def *v = nbl__sti_find_var(im, name);
        if (!v) {
            const char *h = nbl__sti_var_case_hint(im, name);
            char hint[200] = "";
            if (h)
                snprintf(hint, sizeof hint,
                         _(" (did you mean '%s'? names are compared "
                           "exactly)"),
                         h);
            if (!*name)
                return nbl__error(im->ctx, NBL_EFORMAT,
                                  "%s:%ld: column %zu: empty column name",
                                  im->path, row->line, i + 1);
            return nbl__error(im->ctx, NBL_EFORMAT,
                              "%s:%ld: column '%s': unknown variable%s; "
                              "declare it with a [variable.%s] section in "
                              "--config FILE",
                              im->path, row->line, name, hint, name);
        }
        for (size_t j = nk; j < i; j++)
            if (strcmp(row->fields[j], name) == 0)
                return nbl__error(im->ctx, NBL_EFORMAT,
                                  "%s:%ld: column '%s' appears twice", im->path,
                                  row->line, name);
        im->colvar[i] = v;
    }
    return NBL_OK;
}

/* ---- the decimal mark ---------------------------------------------------- */

/* True when s's only mark ('.' or ',') is followed by exactly three digits
 * ("250.000", "1,234"): it could be a thousands separator as well as a
 * decimal mark. A value without a mark is not thousands-like either. */
static int
thousands_like(const char *s)
{
    const char *m = strpbrk(s, ".,");
    size_t digits = 0;
    if (!m)
        return 0;
    if (strpbrk(m + 1, ".,"))
        return 1; /* "1.234.567": a thousands separator */
    for (const char *p = m + 1; *p >= '0' && *p <= '9'; p++)
        digits++;
    return digits == 3 && m[4] == '\0';
}

/* The error for a file whose values use both marks: the two values (on
 * one line or two), a thousands separator named where one of them has
 * one in a file whose other value shows the decimal mark, and how to
 * say which mark it is. */
static int
mark_conflict(struct imp *im)
{
    char b1[80], b2[80], fix[80], hint[240] = "";
    const char *d = im->dot_raw ? im->dot_raw : "";
    const char *c = im->comma_raw ? im->comma_raw : "";
    long at = im->dot_line > im->comma_line ? im->dot_line : im->comma_line;
    if (thousands_like(d) && !thousands_like(c) &&
        nbl__sti_unthousand(d, '.', fix, sizeof fix))
        snprintf(hint, sizeof hint,
                 _(" ('%s' has a thousands separator? they are not "
                   "accepted: write '%s')"),
                 nbl__sti_clip(b1, d), fix);
    else if (thousands_like(c) && !thousands_like(d) &&
             nbl__sti_unthousand(c, ',', fix, sizeof fix))
        snprintf(hint, sizeof hint,
                 _(" ('%s' has a thousands separator? they are not "
                   "accepted: write '%s')"),
                 nbl__sti_clip(b1, c), fix);
    if (im->dot_line == im->comma_line)
        return nbl__error(im->ctx, NBL_EFORMAT,
                          "%s:%ld: cannot tell the decimal mark: the line "
                          "has '%s' and '%s'%s; pass --decimal . or "
                          "--decimal , (in a project file: decimal = . or ,)",
                          im->path, at, nbl__sti_clip(b1, d),
                          nbl__sti_clip(b2, c), hint);
    return nbl__error(im->ctx, NBL_EFORMAT,
                      "%s:%ld: cannot tell the decimal mark: line %ld has "
                      "'%s' and line %ld has '%s'%s; pass --decimal . or "
                      "--decimal , (in a project file: decimal = . or ,)",
                      im->path, at, im->dot_line, nbl__sti_clip(b1, d),
                      im->comma_line, nbl__sti_clip(b2, c), hint);
}

/* One value with both marks: a thousands separator ("412.392,7"), which
 * no decimal mark makes a number. */
static int
both_marks(struct imp *im, long line, const char *s)
{
    char b[80], fix[80];
    if (nbl__sti_unthousand(s, '.', fix, sizeof fix) ||
        nbl__sti_unthousand(s, ',', fix, sizeof fix))
        return nbl__error(im->ctx, NBL_EFORMAT,
                          "%s:%ld: '%s' has both '.' and ',': thousands "
                          "separators are not accepted: write '%s'",
                          im->path, line, nbl__sti_clip(b, s), fix);
    return nbl__error(im->ctx, NBL_EFORMAT,
                      "%s:%ld: cannot tell the decimal mark: '%s' has both "
                      "'.' and ','; pass --decimal . or --decimal , (in a "
                      "project file: decimal = . or ,)",
                      im->path, line, nbl__sti_clip(b, s));
}

/* Notes where the value fields of a data row use '.' and ','; an error as
 * soon as the file has both (a file uses one decimal mark). */
static int
detect_values(struct imp *im, const nbl__csv_row *row)
{
    size_t first = im->layout == 'l' ? im->ncols - 1 : im->nkeys + 1;
    for (size_t i = first; i < row->n; i++) {
        const char *s = row->fields[i], *dot, *comma;
        if (nbl__sti_is_missing(s) || (row->typed && row->typed[i]))
            continue; /* a workbook's number cell: always '.' */
        dot = strchr(s, '.');
        comma = strchr(s, ',');
        if (dot && comma)
            return both_marks(im, row->line, s);
        if (dot && !im->dot_line) {
            im->dot_line = row->line;
            im->dot_raw = nbl__strdup(s);
        }
        if (comma && !im->comma_line) {
            im->comma_line = row->line;
            im->comma_raw = nbl__strdup(s);
        }
        if (!im->mark_decided && (dot || comma) && !thousands_like(s))
            im->mark_decided = 1;
        if (im->dot_line && im->comma_line)
            return mark_conflict(im);
    }
    /* the values so far have at most one kind of mark, and the values
     * before the first mark have none: they read the same either way */
    im->decimal = im->comma_line ? ',' : '.';
    return 0;
}

/* ---- rows ------------------------------------------------------------------
 */

/* A row whose number of fields is not the header's. */
static int
ragged_row(struct imp *im, const nbl__csv_row *row)
{
    nbl__buf raw = {0};
    char b[80];
    int rc;
    char d = row->delimiter ? row->delimiter : ',';
    for (size_t i = 0; i < row->n; i++)
        nbl__buf_printf(&raw, "%.*s%s", i ? 1 : 0, &d, row->fields[i]);
    rc = nbl__sti_problem(
        im, row->line,
        _n("row: has %zu field, the header has %zu: '%s'",
           "row: has %zu fields, the header has %zu: '%s'", row->n),
        row->n, im->ncols, nbl__sti_clip(b, raw.s ? raw.s : ""));
    nbl__buf_free(&raw);
    return rc;
}

/* The variable and value of a long row. */
static int
long_value(struct imp *im, const nbl__csv_row *row, const char *k1,
           const char *k2, long year)
{
    size_t ycol = im->nkeys;
    const char *name = row->fields[ycol + 1];
    const nbl__var_def *v = nbl__sti_find_var(im, name);
    double val;
    int c;
    if (!v) {
        char b[80], hint[160] = "";
        const char *h = nbl__sti_var_case_hint(im, name);
        if (h)
            snprintf(hint, sizeof hint,
                     _(" (did you mean '%s'? names are compared exactly)"), h);
        if (!*name)
            return nbl__sti_problem(im, row->line,
                                    "column '%s': empty variable",
                                    im->cols[ycol + 1]);
        return nbl__sti_problem(
            im, row->line,
            "column '%s': unknown variable: '%s'%s; declare it "
            "with a [variable.%s] section in --config FILE",
            im->cols[ycol + 1], nbl__sti_clip(b, name), hint,
            nbl__sti_clip(b, name));
    }
    c = nbl__sti_check_value(im, row->line, ycol + 2, v, row->fields[ycol + 2],
                             &val);
    if (c <= 0)
        return c;
    return nbl__sti_stage_value(im, row->line, ycol + 2, k1, k2, year, v, val);
}

/* The value columns of a wide row. */
static int
wide_values(struct imp *im, const nbl__csv_row *row, const char *k1,
            const char *k2, long year)
{
    for (size_t i = im->nkeys + 1; i < row->n; i++) {
        double val;
        int rc, c = nbl__sti_check_value(im, row->line, i, im->colvar[i],
                                         row->fields[i], &val);
        if (c < 0)
            return c;
        if (c == 0)
            continue;
        rc = nbl__sti_stage_value(im, row->line, i, k1, k2, year, im->colvar[i],
                                  val);
        if (rc)
            return rc;
    }
    return 0;
}

static int
import_row(const nbl__csv_row *row, void *arg)
{
    struct imp *im = arg;
    const char *k1, *k2;
    long year;
    int ok, y, rc;

    if (row->index == 0)
        return im->have_header ? 0 : nbl__sti_parse_header(im, row);
    im->rows++;
    if (row->n != im->ncols)
        return ragged_row(im, row);
    if (!im->o->decimal && (rc = detect_values(im, row)) != NBL_OK)
        return rc;
    ok = nbl__sti_check_key(im, row, &k1, &k2);
    if (ok < 0)
        return ok;
    y = nbl__sti_check_year(im, row, im->nkeys, &year);
    if (y < 0)
        return y;
    if (!ok || !y)
        return 0;
    if (im->fast && (rc = nbl__sti_fast_group(im, k1, year)) != NBL_OK)
        return rc;
    if (im->layout == 'l')
        return long_value(im, row, k1, k2, year);
    return wide_values(im, row, k1, k2, year);
}

/* ---- rejects ---------------------------------------------------------------
 */

static int
put_field(FILE *f, const char *s, char delim)
{
    int quote = !*s ? 0 : (s[0] == ' ' || s[strlen(s) - 1] == ' ');
    for (const char *p = s; *p && !quote; p++)
        if (*p == delim || *p == '"' || *p == '\n' || *p == '\r')
            quote = 1;
    if (!quote)
        return fputs(s, f) < 0 ? -1 : 0;
    if (fputc('"', f) == EOF)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && fputc('"', f) == EOF)
            return -1;
        if (fputc(*p, f) == EOF)
            return -1;
    }
    return fputc('"', f) == EOF ? -1 : 0;
}

static int
reject_row(const nbl__csv_row *row, void *arg)
{
    struct imp *im = arg;
    char num[32];
    int e = 0;
    if (row->index == 0) {
        e |= fputs("line", im->rej) < 0;
        e |= fputc(im->delimiter, im->rej) == EOF;
        e |= fputs("reason", im->rej) < 0;
    } else {
        while (!im->bad_done && im->bad_line < row->line) {
            int r =
                nbl__stage_next_bad(im->st, &im->bad_line, &im->bad_reasons);
            if (r < 0)
                return r;
            if (r == 0)
                im->bad_done = 1;
        }
        if (im->bad_done || im->bad_line != row->line)
            return 0;
        snprintf(num, sizeof num, "%ld", row->line);
        e |= fputs(num, im->rej) < 0;
        e |= fputc(im->delimiter, im->rej) == EOF;
        e |= put_field(im->rej, im->bad_reasons, im->delimiter);
    }
    for (size_t i = 0; i < row->n; i++) {
        e |= fputc(im->delimiter, im->rej) == EOF;
        e |= put_field(im->rej, row->fields[i], im->delimiter);
    }
    e |= fputc('\n', im->rej) == EOF;
    if (e)
        return nbl__error(im->ctx, NBL_EIO, "%s: cannot write the rejects",
                          im->o->rejects_path);
    return 0;
}

/* After the rows: when every value with a mark looks like "250.000", it is
 * a decimal mark or a thousands separator - guessing could be off by 1000. */
static int
check_mark(struct imp *im)
{
    char b1[80];
    long line;
    const char *raw;
    if ((!im->dot_line && !im->comma_line) || im->mark_decided)
        return NBL_OK;
    line = im->comma_line ? im->comma_line : im->dot_line;
    raw = im->comma_line ? im->comma_raw : im->dot_raw;
    return nbl__error(im->ctx, NBL_EFORMAT,
                      "%s:%ld: cannot tell the decimal mark: '%s' could "
                      "be a decimal or a thousands separator; pass "
                      "--decimal . or --decimal , (in a project file: "
                      "decimal = . or ,)",
                      im->path, line, nbl__sti_clip(b1, raw ? raw : ""));
}

void
nbl__sti_read_reset(struct imp *im)
{
    im->have_header = 1; /* parsed on the first reading */
    im->rows = 0;
    im->dup_line = im->dup_other = 0;
    im->dot_line = im->comma_line = 0;
    free(im->dot_raw);
    free(im->comma_raw);
    im->dot_raw = im->comma_raw = NULL;
    im->mark_decided = 0;
    im->decimal = im->o->decimal ? im->o->decimal : '.';
}

int
nbl__sti_read_rows(struct imp *im)
{
    int rc;
    im->co.progress_lo = 0.0;
    im->co.progress_hi = 0.9;
    rc = nbl__sti_source_read(im, import_row, 0);
    if (rc == NBL_OK && !im->ncols)
        rc = nbl__error(im->ctx, NBL_EFORMAT, "%s: empty file", im->path);
    if (rc == NBL_OK && !im->o->decimal)
        rc = check_mark(im);
    if (rc == NBL_OK && im->rows == 0)
        rc = nbl__error(im->ctx, NBL_EFORMAT,
                        "%s:%ld: no data rows (only a header)", im->path,
                        im->header_line);
    return rc;
}

int
nbl__sti_write_rejects(struct imp *im)
{
    const char *progress = im->co.progress;
    int rc = nbl__outfile_open(im->ctx, &im->of, im->o->rejects_path,
                               im->o->overwrite_rejects);
    if (rc)
        return rc;
    im->rej = im->of.fp;
    /* a ';' file is Danish Excel's: with a byte order mark, Excel reads the
     * UTF-8 rejects file as UTF-8 (its æ, ø, å), and the import skips it */
    if (im->delimiter == ';')
        fputs("\xEF\xBB\xBF", im->rej);
    im->co.delimiter = im->delimiter;
    im->co.progress = NULL;
    rc = nbl__sti_source_read(im, reject_row, 1);
    im->co.progress = progress;
    im->rej = NULL;
    if (rc)
        nbl__outfile_abort(&im->of);
    return rc;
}
