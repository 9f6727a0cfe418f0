/*
 * import_stats.c - nbl_import_stats() and nbl_import_refs(): CSV statistics
 * and reference values into the workspace (see nabolag/stats.h).
 *
 * One import runs in one transaction and reads the file up to three times,
 * streaming each time (memory is constant in the file size):
 *   pass 1  header and decimal mark: which of '.' and ',' the value fields
 *           use (skipped when the caller gives the mark);
 *   pass 2  every data row is checked on its own (field count, key, year,
 *           variable, number, sign, whole counts) and its values are staged
 *           in TEMP tables with their line numbers (store_stats.c); a key
 *           staged twice is a duplicate on both lines;
 *   checks  set-based, after all rows: other country codes (refs), values
 *           that differ from the workspace's (unless replace), numerators
 *           larger than their denominators (file and workspace together);
 *   pass 3  only when a rejects file is asked for and rows were bad: the
 *           bad rows are copied from the file with their line and reasons.
 * Invariant: a line with any problem contributes no value; without
 * skip_invalid any problem means nothing is stored (rollback).
 * Look-ups (area ids, variables) are small and held in sorted arrays.
 */
#include "nabolag/stats.h"

#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/csvread.h"
#include "util/ctx.h"
#include "store/store.h"
#include "store/store_stats.h"
#include "util/util.h"

#define MAX_DEFAULT_PROBLEMS 20

/* A set of keys (area ids, region or municipality codes), sorted, with a
 * second index by the key stripped of leading zeros for hints. */
struct zpair {
    const char *stripped, *orig;
};
struct keyset {
    char **v;
    size_t n;
    struct zpair *z;
    size_t nz;
};

struct imp {
    nbl_ws *ws;
    nbl_ctx *ctx;
    const char *path;
    int refs;
    const nbl_stats_opts *o;
    nbl__var_def *vars;
    size_t nvars;
    struct keyset ids, regions, munis;
    /* header */
    int have_header;
    long header_line;
    int layout;   /* 'l' or 'w' */
    size_t nkeys; /* key columns before year: 1 (area_id) or 2 */
    size_t ncols;
    char **cols;
    const nbl__var_def **colvar; /* wide: variable per column, else NULL */
    /* decimal detection */
    char decimal;
    long dot_line, comma_line;
    char *dot_raw, *comma_raw;
    int mark_decided; /* a value shows its mark is a decimal mark */
    /* pass 2 */
    nbl__stage *st;
    long rows;
    long unknown_codes, first_unknown_line;
    char *first_unknown, *first_unknown_hint;
    /* pass 3 */
    FILE *rej;
    char delimiter;
    long bad_line;
    const char *bad_reasons;
    int bad_done;
};

/* ---- small helpers ------------------------------------------------------ */

static int
cmp_zpair(const void *a, const void *b)
{
    const struct zpair *x = a, *y = b;
    int c = strcmp(x->stripped, y->stripped);
    return c ? c : strcmp(x->orig, y->orig);
}

static int
all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static const char *
strip_zeros(const char *s)
{
    while (s[0] == '0' && s[1])
        s++;
    return s;
}

static int
keyset_index(struct keyset *k)
{
    size_t nz = 0;
    for (size_t i = 0; i < k->n; i++)
        nz += all_digits(k->v[i]);
    if (!nz)
        return 0;
    k->z = malloc(nz * sizeof *k->z);
    if (!k->z)
        return -1;
    for (size_t i = 0; i < k->n; i++)
        if (all_digits(k->v[i])) {
            k->z[k->nz].stripped = strip_zeros(k->v[i]);
            k->z[k->nz].orig = k->v[i];
            k->nz++;
        }
    qsort(k->z, k->nz, sizeof *k->z, cmp_zpair);
    return 0;
}

static void
keyset_free(struct keyset *k)
{
    nbl__store_stats_free_strs(k->v, k->n);
    free(k->z);
    memset(k, 0, sizeof *k);
}

static int
keyset_has(const struct keyset *k, const char *s)
{
    return k->n && bsearch(&s, k->v, k->n, sizeof *k->v, nbl__cmp_strp) != NULL;
}

/* A key of the set that differs from s only in leading zeros, or NULL. */
static const char *
keyset_hint(const struct keyset *k, const char *s)
{
    const char *st;
    size_t lo = 0, hi = k->nz;
    if (!all_digits(s) || !k->nz)
        return NULL;
    st = strip_zeros(s);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(k->z[mid].stripped, st) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < k->nz && strcmp(k->z[lo].stripped, st) == 0; lo++)
        if (strcmp(k->z[lo].orig, s) != 0)
            return k->z[lo].orig;
    return NULL;
}

static const nbl__var_def *
find_var(const struct imp *im, const char *name)
{
    size_t lo = 0, hi = im->nvars;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(im->vars[mid].name, name);
        if (c == 0)
            return &im->vars[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* A variable whose name differs from s only in ASCII case, or NULL. */
static const char *
var_case_hint(const struct imp *im, const char *s)
{
    for (size_t i = 0; i < im->nvars; i++)
        if (nbl__strieq(im->vars[i].name, s))
            return im->vars[i].name;
    return NULL;
}

static int
is_missing(const char *s)
{
    return !*s || !strcmp(s, "..") || !strcmp(s, "NA") || !strcmp(s, "NaN");
}

static const char *
fmt_value(char buf[64], double v)
{
    if (isnan(v))
        return "missing";
    return nbl__fmt_double(buf, 64, v, 6);
}

/* Records a problem of a line; msg is printf-style. */
static int problem(struct imp *im, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
problem(struct imp *im, long line, const char *fmt, ...)
{
    va_list ap;
    char msg[640];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return nbl__stage_problem(im->st, line, msg);
}

/* Shortens a raw field for messages (max 60 bytes, on a UTF-8 boundary). */
static const char *
clip(char buf[80], const char *s)
{
    size_t n = strlen(s);
    if (n <= 60)
        return s;
    n = 57;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(buf, s, n);
    memcpy(buf + n, "...", 4);
    return buf;
}

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
    int rc;
    for (size_t i = 0; i < row->n; i++)
        nbl__buf_printf(&found, "%s%s", i ? "," : "", row->fields[i]);
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

static int
parse_header(struct imp *im, const nbl__csv_row *row)
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
        if (!(im->cols[i] = nbl__strdup(row->fields[i])))
            return nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    if (row->n == nk + 2 && nbl__strieq(row->fields[nk], "variable") &&
        nbl__strieq(row->fields[nk + 1], "value")) {
        im->layout = 'l';
        return NBL_OK;
    }
    im->layout = 'w';
    for (size_t i = nk; i < row->n; i++) {
        const char *name = row->fields[i];
        const nbl__var_def *v = find_var(im, name);
        if (!v) {
            const char *h = var_case_hint(im, name);
            char hint[200] = "";
            if (h)
                snprintf(hint, sizeof hint,
                         " (did you mean '%s'? names "
                         "are compared exactly)",
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

/* ---- pass 1: decimal mark ------------------------------------------------ */

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

static int
detect_row(const nbl__csv_row *row, void *arg)
{
    struct imp *im = arg;
    size_t first;
    if (row->index == 0)
        return parse_header(im, row);
    if (row->n != im->ncols)
        return 0; /* ragged: reported in pass 2 */
    first = im->layout == 'l' ? im->ncols - 1 : im->nkeys + 1;
    for (size_t i = first; i < row->n; i++) {
        const char *s = row->fields[i];
        if (is_missing(s))
            continue;
        if (strchr(s, '.') && !im->dot_line) {
            im->dot_line = row->line;
            im->dot_raw = nbl__strdup(s);
        }
        if (strchr(s, ',') && !im->comma_line) {
            im->comma_line = row->line;
            im->comma_raw = nbl__strdup(s);
        }
        if (!im->mark_decided && strpbrk(s, ".,") && !thousands_like(s))
            im->mark_decided = 1;
        if (im->dot_line && im->comma_line) {
            char b1[80], b2[80];
            if (im->dot_line == im->comma_line &&
                !strcmp(im->dot_raw ? im->dot_raw : "",
                        im->comma_raw ? im->comma_raw : ""))
                return nbl__error(
                    im->ctx, NBL_EFORMAT,
                    "%s:%ld: cannot tell the decimal mark: '%s' has both "
                    "'.' and ','; pass --decimal . or --decimal ,",
                    im->path, im->dot_line,
                    clip(b1, im->dot_raw ? im->dot_raw : ""));
            return nbl__error(
                im->ctx, NBL_EFORMAT,
                "%s:%ld: cannot tell the decimal mark: line %ld has '%s' "
                "and line %ld has '%s'; pass --decimal . or --decimal ,",
                im->path,
                im->dot_line > im->comma_line ? im->dot_line : im->comma_line,
                im->dot_line, clip(b1, im->dot_raw ? im->dot_raw : ""),
                im->comma_line, clip(b2, im->comma_raw ? im->comma_raw : ""));
        }
    }
    return 0;
}

/* ---- pass 2: rows -------------------------------------------------------- */

static const char *
value_col(const struct imp *im, size_t i)
{
    return im->cols[i];
}

/* Checks one value field; on success stores the number (NAN = missing) in
 * *out and returns 1; records a problem and returns 0 when bad; negative on
 * failure. */
static int
check_value(struct imp *im, long line, size_t col, const nbl__var_def *v,
            const char *s, double *out)
{
    char b[80];
    int rc;
    if (is_missing(s)) {
        *out = NAN;
        return 1;
    }
    if (!nbl__parse_double(s, im->decimal, out)) {
        const char *why = "";
        if (im->decimal == ',' && strchr(s, '.'))
            why = " (the decimal mark of this file is ',')";
        else if (im->decimal == '.' && strchr(s, ','))
            why = " (the decimal mark of this file is '.')";
        rc = problem(im, line, "column '%s': not a number%s: '%s'",
                     value_col(im, col), why, clip(b, s));
        return rc ? rc : 0;
    }
    if (*out < 0 && strcmp(v->kind, "value") != 0) {
        rc = problem(im, line, "column '%s': negative value: '%s'",
                     value_col(im, col), clip(b, s));
        return rc ? rc : 0;
    }
    if (strcmp(v->kind, "percent") == 0 && *out > 100) {
        rc = problem(im, line,
                     "column '%s': %s is a percentage and must be 0..100: "
                     "'%s'",
                     value_col(im, col), v->name, clip(b, s));
        return rc ? rc : 0;
    }
    if (strcmp(v->kind, "count") == 0 && *out != floor(*out)) {
        if (im->layout == 'w') /* the column names the variable */
            rc = problem(im, line,
                         "column '%s': a count must be a whole number: '%s'",
                         value_col(im, col), clip(b, s));
        else
            rc = problem(im, line,
                         "column '%s': %s is a count and must be a whole "
                         "number: '%s'",
                         value_col(im, col), v->name, clip(b, s));
        return rc ? rc : 0;
    }
    return 1;
}

static int
stage_value(struct imp *im, long line, size_t col, const char *k1,
            const char *k2, long year, const nbl__var_def *v, double value)
{
    long dup = 0;
    int rc = nbl__stage_add(im->st, k1, k2, year, v->name, value, line, &dup);
    char key[300];
    if (rc || !dup)
        return rc;
    if (im->refs)
        snprintf(key, sizeof key,
                 "scope '%s', code '%s', year %ld, "
                 "variable '%s'",
                 k1, k2, year, v->name);
    else
        snprintf(key, sizeof key, "area '%s', year %ld, variable '%s'", k1,
                 year, v->name);
    rc = problem(im, line, "column '%s': duplicate key (%s), also on line %ld",
                 value_col(im, col), key, dup);
    if (rc == NBL_OK)
        rc = problem(im, dup,
                     "column '%s': duplicate key (%s), also on line %ld",
                     value_col(im, col), key, line);
    return rc;
}

/* The key columns; returns 1 when usable, 0 (problem recorded) if not. */
static int
check_key(struct imp *im, const nbl__csv_row *row, const char **k1,
          const char **k2)
{
    char b[80];
    int rc;
    *k1 = row->fields[0];
    *k2 = "";
    if (!im->refs) {
        const char *hint;
        if (!**k1) {
            rc = problem(im, row->line, "column '%s': empty area id",
                         im->cols[0]);
            return rc ? rc : 0;
        }
        if (keyset_has(&im->ids, *k1))
            return 1;
        hint = keyset_hint(&im->ids, *k1);
        if (hint)
            rc = problem(im, row->line,
                         "column '%s': unknown area: '%s' (did you mean "
                         "'%s'? area ids are compared exactly)",
                         im->cols[0], clip(b, *k1), hint);
        else if (im->ids.n == 0)
            rc = problem(im, row->line,
                         "column '%s': unknown area: '%s' (the workspace "
                         "has no areas yet; run 'nabolag import areas' "
                         "first)",
                         im->cols[0], clip(b, *k1));
        else
            rc = problem(im, row->line, "column '%s': unknown area: '%s'",
                         im->cols[0], clip(b, *k1));
        return rc ? rc : 0;
    }
    /* refs: scope, code */
    *k2 = row->fields[1];
    if (strcmp(*k1, "country") && strcmp(*k1, "region") &&
        strcmp(*k1, "municipality")) {
        rc = problem(im, row->line,
                     "column '%s': scope must be country, region or "
                     "municipality: '%s'",
                     im->cols[0], clip(b, *k1));
        return rc ? rc : 0;
    }
    if (strcmp(*k1, "country") != 0) {
        const struct keyset *ks =
            strcmp(*k1, "region") == 0 ? &im->regions : &im->munis;
        if (!**k2) {
            rc = problem(im, row->line, "column '%s': empty %s code",
                         im->cols[1], *k1);
            return rc ? rc : 0;
        }
        if (!keyset_has(ks, *k2)) {
            if (im->unknown_codes++ == 0) {
                const char *h = keyset_hint(ks, *k2);
                im->first_unknown_line = row->line;
                im->first_unknown = nbl__strdup(*k2);
                im->first_unknown_hint = h ? nbl__strdup(h) : NULL;
            }
        }
    }
    return 1;
}

static int
check_year(struct imp *im, const nbl__csv_row *row, size_t col, long *year)
{
    char b[80];
    const char *s = row->fields[col];
    int rc;
    if (!nbl__parse_long(s, year)) {
        rc = problem(im, row->line,
                     "column '%s': year is not an integer: "
                     "'%s'",
                     im->cols[col], clip(b, s));
        return rc ? rc : 0;
    }
    if (*year < 1900 || *year > 2100) {
        rc = problem(im, row->line,
                     "column '%s': year out of range 1900-2100: '%s'",
                     im->cols[col], clip(b, s));
        return rc ? rc : 0;
    }
    return 1;
}

static int
import_row(const nbl__csv_row *row, void *arg)
{
    struct imp *im = arg;
    const char *k1, *k2;
    long year;
    size_t ycol = im->nkeys;
    int ok, rc;

    if (row->index == 0)
        return im->have_header ? 0 : parse_header(im, row);
    im->rows++;
    if (row->n != im->ncols) {
        nbl__buf raw = {0};
        char b[80];
        for (size_t i = 0; i < row->n; i++)
            nbl__buf_printf(&raw, "%s%s", i ? "," : "", row->fields[i]);
        rc = problem(im, row->line,
                     "row: has %zu field%s, the header has %zu: '%s'", row->n,
                     row->n == 1 ? "" : "s", im->ncols,
                     clip(b, raw.s ? raw.s : ""));
        nbl__buf_free(&raw);
        return rc;
    }
    ok = check_key(im, row, &k1, &k2);
    if (ok < 0)
        return ok;
    {
        int y = check_year(im, row, ycol, &year);
        if (y < 0)
            return y;
        ok = ok && y;
    }
    if (!ok)
        return 0;
    if (im->layout == 'l') {
        const char *name = row->fields[ycol + 1];
        const nbl__var_def *v = find_var(im, name);
        double val;
        int c;
        if (!v) {
            char b[80], hint[160] = "";
            const char *h = var_case_hint(im, name);
            if (h)
                snprintf(hint, sizeof hint,
                         " (did you mean '%s'? names are compared exactly)", h);
            if (!*name)
                return problem(im, row->line, "column '%s': empty variable",
                               im->cols[ycol + 1]);
            return problem(im, row->line,
                           "column '%s': unknown variable: '%s'%s; declare it "
                           "with a [variable.%s] section in --config FILE",
                           im->cols[ycol + 1], clip(b, name), hint,
                           clip(b, name));
        }
        c = check_value(im, row->line, ycol + 2, v, row->fields[ycol + 2],
                        &val);
        if (c <= 0)
            return c;
        return stage_value(im, row->line, ycol + 2, k1, k2, year, v, val);
    }
    for (size_t i = ycol + 1; i < row->n; i++) {
        double val;
        int c =
            check_value(im, row->line, i, im->colvar[i], row->fields[i], &val);
        if (c < 0)
            return c;
        if (c == 0)
            continue;
        rc = stage_value(im, row->line, i, k1, k2, year, im->colvar[i], val);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- checks after all rows ----------------------------------------------- */

static const char *
col_of(const struct imp *im, const char *variable)
{
    return im->layout == 'l' ? "value" : variable;
}

static int
on_conflict(const nbl__stage_rec *r, double ws_value, void *arg)
{
    struct imp *im = arg;
    char a[64], b[64];
    return problem(im, r->line,
                   "column '%s': %s %s differs from the value already in the "
                   "workspace (%s); pass --replace to replace it",
                   col_of(im, r->variable), r->variable, fmt_value(a, r->value),
                   fmt_value(b, ws_value));
}

static int
on_excess(const nbl__stage_rec *num, const nbl__stage_rec *den, void *arg)
{
    struct imp *im = arg;
    char a[64], b[64], where[64];
    if (num->line > 0) {
        if (den->line > 0)
            snprintf(where, sizeof where, "line %ld", den->line);
        else
            snprintf(where, sizeof where, "the workspace");
        return problem(im, num->line,
                       "column '%s': %s %s is larger than its denominator "
                       "%s %s (%s)",
                       col_of(im, num->variable), num->variable,
                       fmt_value(a, num->value), den->variable,
                       fmt_value(b, den->value), where);
    }
    return problem(im, den->line,
                   "column '%s': %s %s is smaller than %s %s already in the "
                   "workspace, which it is the denominator of",
                   col_of(im, den->variable), den->variable,
                   fmt_value(a, den->value), num->variable,
                   fmt_value(b, num->value));
}

static int
on_other_country(const nbl__stage_rec *r, const char *kept, void *arg)
{
    struct imp *im = arg;
    return problem(im, r->line,
                   "column '%s': a second country code '%s' (the "
                   "references already use '%s'; only one country is "
                   "allowed)",
                   im->cols[1], r->k2, kept);
}

static int
print_problem(long line, const char *msg, void *arg)
{
    struct imp *im = arg;
    nbl__warn(im->ctx, "%s:%ld: %s", im->path, line, msg);
    return 0;
}

/* ---- pass 3: rejects ----------------------------------------------------- */

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

/* ---- config: [variable.<name>] --------------------------------------------
 */

struct vdecl {
    char *name, *kind, *denominator, *label;
    int line;
};
struct vconf {
    struct vdecl *v;
    size_t n, cap;
    nbl_ctx *ctx;
    int nomem;
};

static int
conf_handler(void *user, const char *section, const char *name,
             const char *value)
{
    struct vconf *c = user;
    struct vdecl *d = NULL;
    char **slot;
    if (strncmp(section, "variable.", 9) != 0)
        return 1;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].name, section + 9) == 0)
            d = &c->v[i];
    if (!d) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 8;
            struct vdecl *w = realloc(c->v, cap * sizeof *w);
            if (!w) {
                c->nomem = 1;
                return 0;
            }
            c->v = w;
            c->cap = cap;
        }
        d = &c->v[c->n++];
        memset(d, 0, sizeof *d);
        d->name = nbl__strdup(section + 9);
        if (!d->name) {
            c->nomem = 1;
            return 0;
        }
    }
    if (strcmp(name, "kind") == 0)
        slot = &d->kind;
    else if (strcmp(name, "denominator") == 0 || strcmp(name, "of") == 0)
        slot = &d->denominator; /* of: the population a share is of */
    else if (strcmp(name, "label") == 0)
        slot = &d->label;
    else
        return 1; /* other modules' keys (e.g. indicator settings) */
    free(*slot);
    *slot = *value ? nbl__strdup(value) : NULL;
    if (*value && !*slot) {
        c->nomem = 1;
        return 0;
    }
    return 1;
}

static void
vconf_free(struct vconf *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].name);
        free(c->v[i].kind);
        free(c->v[i].denominator);
        free(c->v[i].label);
    }
    free(c->v);
}

static int
valid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static int
apply_config(struct imp *im, long *declared)
{
    struct vconf c = {0};
    int rc = NBL_OK, e;
    const char *path = im->o->config_path;

    c.ctx = im->ctx;
    e = ini_parse(path, conf_handler, &c);
    if (c.nomem)
        rc = nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    else if (e < 0)
        rc = nbl__error(im->ctx, NBL_EIO, "%s: cannot open the config file",
                        path);
    else if (e > 0)
        rc = nbl__error(im->ctx, NBL_EFORMAT, "%s:%d: not valid INI syntax",
                        path, e);
    for (size_t i = 0; rc == NBL_OK && i < c.n; i++) {
        struct vdecl *d = &c.v[i];
        const char *kind = d->kind ? d->kind : "count";
        if (!valid_name(d->name))
            rc = nbl__error(im->ctx, NBL_EFORMAT,
                            "%s: [variable.%s]: a variable name uses only "
                            "letters, digits and '_'",
                            path, d->name);
        else if (strcmp(kind, "count") && strcmp(kind, "amount") &&
                 strcmp(kind, "mean") && strcmp(kind, "percent") &&
                 strcmp(kind, "value"))
            rc = nbl__error(im->ctx, NBL_EFORMAT,
                            "%s: [variable.%s]: kind must be count, amount, "
                            "mean, percent or value: '%s'",
                            path, d->name, kind);
        else if (d->denominator && strcmp(d->denominator, d->name) == 0)
            rc = nbl__error(im->ctx, NBL_EFORMAT,
                            "%s: [variable.%s]: a variable cannot be its own "
                            "denominator",
                            path, d->name);
        if (rc == NBL_OK && d->denominator && !find_var(im, d->denominator)) {
            int found = 0;
            for (size_t j = 0; j < c.n; j++)
                found |= strcmp(c.v[j].name, d->denominator) == 0;
            if (!found)
                rc = nbl__error(im->ctx, NBL_EFORMAT,
                                "%s: [variable.%s]: unknown denominator "
                                "'%s'",
                                path, d->name, d->denominator);
        }
        if (rc == NBL_OK)
            rc = nbl__store_stats_put_variable(im->ws, d->name, kind,
                                               d->denominator, d->label);
    }
    if (rc == NBL_OK)
        *declared = (long)c.n;
    vconf_free(&c);
    return rc;
}

/* ---- the import ---------------------------------------------------------- */

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
        if (rc == NBL_OK && keyset_index(&im->ids))
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
    if (rc == NBL_OK &&
        (keyset_index(&im->regions) || keyset_index(&im->munis)))
        rc = nbl__error(im->ctx, NBL_ENOMEM, "out of memory");
    return rc;
}

static void
imp_free(struct imp *im)
{
    nbl__stage_free(im->st);
    nbl__store_stats_free_vars(im->vars, im->nvars);
    keyset_free(&im->ids);
    keyset_free(&im->regions);
    keyset_free(&im->munis);
    for (size_t i = 0; im->cols && i < im->ncols; i++)
        free(im->cols[i]);
    free(im->cols);
    free(im->colvar);
    free(im->dot_raw);
    free(im->comma_raw);
    free(im->first_unknown);
    free(im->first_unknown_hint);
}

static int
write_rejects(struct imp *im, nbl__outfile *of)
{
    nbl__csv_opts co = {0};
    int rc = nbl__outfile_open(im->ctx, of, im->o->rejects_path,
                               im->o->overwrite_rejects);
    if (rc)
        return rc;
    im->rej = of->fp;
    co.delimiter = im->delimiter;
    rc = nbl__csv_read(im->ctx, im->path, &co, reject_row, im, NULL, NULL);
    im->rej = NULL;
    if (rc)
        nbl__outfile_abort(of);
    return rc;
}

static int
do_import(nbl_ws *ws, const char *path, const nbl_stats_opts *opts,
          nbl_stats_summary *out, int refs)
{
    static const nbl_stats_opts defaults = {0};
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    struct imp im;
    nbl_stats_summary sum;
    nbl__csv_opts co = {0};
    nbl__outfile of = {0};
    int rc, have_rejects = 0;
    long problems = 0, bad_lines = 0, max_problems;
    const char *kind = refs ? "refs" : "stats";

    memset(&im, 0, sizeof im);
    memset(&sum, 0, sizeof sum);
    if (out)
        memset(out, 0, sizeof *out);
    if (!opts)
        opts = &defaults;
    if (!path || !*path)
        return nbl__error(ctx, NBL_EINVAL, "no CSV file given");
    if (opts->delimiter && opts->delimiter != ',' && opts->delimiter != ';')
        return nbl__error(ctx, NBL_EINVAL,
                          "--delimiter must be ',' or ';', not '%c'",
                          opts->delimiter);
    if (opts->decimal && opts->decimal != ',' && opts->decimal != '.')
        return nbl__error(ctx, NBL_EINVAL,
                          "--decimal must be '.' or ',', not '%c'",
                          opts->decimal);
    max_problems =
        opts->max_problems > 0 ? opts->max_problems : MAX_DEFAULT_PROBLEMS;
    im.ws = ws;
    im.ctx = ctx;
    im.path = path;
    im.refs = refs;
    im.o = opts;

    rc = nbl__store_begin(ws);
    if (rc)
        return rc;
    if (rc == NBL_OK)
        rc = load_lookups(&im);
    if (rc == NBL_OK && opts->config_path) {
        rc = apply_config(&im, &sum.variables_declared);
        if (rc == NBL_OK)
            rc = load_lookups(&im);
    }

    /* pass 1: header and decimal mark */
    co.delimiter = opts->delimiter;
    co.progress = refs ? "reading references" : "reading statistics";
    if (rc == NBL_OK && !opts->decimal) {
        co.progress_lo = 0.0;
        co.progress_hi = 0.3;
        rc =
            nbl__csv_read(ctx, path, &co, detect_row, &im, &im.delimiter, NULL);
        if (rc == NBL_OK && !im.ncols)
            rc = nbl__error(ctx, NBL_EFORMAT, "%s: empty file", path);
        im.decimal = im.comma_line ? ',' : '.';
        if (rc == NBL_OK && (im.dot_line || im.comma_line) &&
            !im.mark_decided) {
            /* every value with a mark looks like "250.000": a decimal mark
             * or a thousands separator - guessing could be off by 1000 */
            char b1[80];
            long line = im.comma_line ? im.comma_line : im.dot_line;
            const char *raw = im.comma_line ? im.comma_raw : im.dot_raw;
            rc = nbl__error(ctx, NBL_EFORMAT,
                            "%s:%ld: cannot tell the decimal mark: '%s' could "
                            "be a decimal or a thousands separator; pass "
                            "--decimal . or --decimal ,",
                            path, line, clip(b1, raw ? raw : ""));
        }
        im.have_header = 1;
    } else {
        im.decimal = opts->decimal;
    }
    co.delimiter = opts->delimiter ? opts->delimiter : im.delimiter;

    /* pass 2: rows */
    if (rc == NBL_OK)
        rc = nbl__stage_new(ws, refs ? NBL__STAGE_REFS : NBL__STAGE_STATS,
                            &im.st);
    if (rc == NBL_OK) {
        co.progress_lo = opts->decimal ? 0.0 : 0.3;
        co.progress_hi = 0.9;
        rc =
            nbl__csv_read(ctx, path, &co, import_row, &im, &im.delimiter, NULL);
    }
    if (rc == NBL_OK && !im.ncols)
        rc = nbl__error(ctx, NBL_EFORMAT, "%s: empty file", path);
    if (rc == NBL_OK && im.rows == 0)
        rc =
            nbl__error(ctx, NBL_EFORMAT, "%s:%ld: no data rows (only a header)",
                       path, im.header_line);

    /* checks over all rows */
    if (rc == NBL_OK)
        rc = nbl__stage_each_other_country(im.st, on_other_country, &im);
    if (rc == NBL_OK && !opts->replace)
        rc = nbl__stage_each_conflict(im.st, on_conflict, &im);
    if (rc == NBL_OK)
        rc = nbl__stage_each_excess(im.st, on_excess, &im);
    if (rc == NBL_OK)
        rc = nbl__stage_problem_counts(im.st, &problems, &bad_lines);
    if (rc == NBL_OK)
        rc = nbl__stage_counts(im.st, &sum.values_inserted, &sum.values_updated,
                               &sum.values_unchanged, &sum.values_missing);
    sum.rows_read = im.rows;
    sum.rows_rejected = bad_lines;
    sum.rows_stored = im.rows - bad_lines;
    sum.problems = problems;
    sum.layout = (char)im.layout;
    sum.delimiter = im.delimiter;
    sum.decimal = im.decimal;

    if (rc == NBL_OK && problems > 0) {
        rc = nbl__stage_each_problem(im.st, max_problems, print_problem, &im);
        if (rc == NBL_OK && problems > max_problems)
            nbl__warn(ctx, "... and %ld more", problems - max_problems);
    }
    if (rc == NBL_OK && bad_lines > 0 && opts->rejects_path) {
        rc = write_rejects(&im, &of);
        have_rejects = rc == NBL_OK;
    }
    if (rc == NBL_OK && bad_lines > 0 && !opts->skip_invalid) {
        sum.rows_stored = 0;
        sum.values_inserted = sum.values_updated = 0;
        sum.values_unchanged = sum.values_missing = 0;
        /* the rejects file is complete (every bad row), so it is kept even
         * though nothing is imported: it is the list of what to fix */
        if (have_rejects) {
            have_rejects = 0;
            rc = nbl__outfile_commit(ctx, &of);
        }
        if (rc == NBL_OK)
            rc = nbl__error(ctx, NBL_EDATA,
                            "%s: %ld invalid row%s; nothing was imported "
                            "(--skip-invalid stores the valid rows)",
                            path, bad_lines, bad_lines == 1 ? "" : "s");
    }
    if (rc == NBL_OK && refs && im.unknown_codes > 0) {
        char hint[200] = "";
        if (im.first_unknown_hint)
            snprintf(hint, sizeof hint,
                     "; did you mean '%s'? codes are "
                     "compared exactly",
                     im.first_unknown_hint);
        nbl__warn(ctx,
                  "%s:%ld: %ld reference row%s with a region or "
                  "municipality code that no area has (first: '%s'%s)",
                  path, im.first_unknown_line, im.unknown_codes,
                  im.unknown_codes == 1 ? "" : "s",
                  im.first_unknown ? im.first_unknown : "", hint);
    }
    if (rc == NBL_OK)
        rc = nbl__stage_apply(im.st);
    if (rc == NBL_OK) {
        nbl__buf d = {0};
        nbl__buf_printf(&d,
                        "{\"layout\":\"%s\",\"delimiter\":\"%c\","
                        "\"decimal\":\"%c\",\"problems\":%ld,"
                        "\"values_inserted\":%ld,\"values_updated\":%ld,"
                        "\"values_unchanged\":%ld,\"values_missing\":%ld,"
                        "\"variables_declared\":%ld}",
                        im.layout == 'l' ? "long" : "wide", im.delimiter,
                        im.decimal, problems, sum.values_inserted,
                        sum.values_updated, sum.values_unchanged,
                        sum.values_missing, sum.variables_declared);
        rc = d.s ? nbl__store_log_run(ws, kind, path, sum.rows_read,
                                      sum.rows_stored, sum.rows_rejected, -1,
                                      d.s)
                 : nbl__error(ctx, NBL_ENOMEM, "out of memory");
        nbl__buf_free(&d);
    }
    nbl__stage_free(im.st);
    im.st = NULL;
    if (rc == NBL_OK)
        rc = nbl__progress(ctx, 1.0, co.progress);
    if (rc == NBL_OK)
        rc = nbl__store_commit(ws);
    if (rc == NBL_OK && have_rejects) {
        rc = nbl__outfile_commit(ctx, &of);
        have_rejects = 0;
        /* the import itself is committed; a failed rejects file is still
         * reported as a failure */
    }
    if (rc != NBL_OK) {
        if (have_rejects)
            nbl__outfile_abort(&of);
        nbl__store_rollback(ws);
    }
    if (out)
        *out = sum;
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
