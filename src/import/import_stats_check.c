/*
 * import_stats_check.c - the checks of the statistics and references
 * import (import_stats_internal.h): of each value (a number, not negative,
 * whole for counts), key (a known area; a valid scope and code) and year as
 * a row is read, the duplicate keys, and the messages of the checks over all
 * rows that the staging area finds (store_stats.h). Every problem is
 * recorded against its line; a line with a problem stores no value.
 * Look-ups (area ids, variables) are small and held in sorted arrays.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_stats_internal.h"
#include "util/ctx.h"
#include "util/i18n.h"

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

int
nbl__sti_keyset_index(struct keyset *k)
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

void
nbl__sti_keyset_free(struct keyset *k)
{
    nbl__store_stats_free_strs(k->v, k->n);
    free(k->z);
    memset(k, 0, sizeof *k);
}

int
nbl__sti_keyset_has(const struct keyset *k, const char *s)
{
    return k->n && bsearch(&s, k->v, k->n, sizeof *k->v, nbl__cmp_strp) != NULL;
}

/* A key of the set that differs from s only in leading zeros, or NULL. */
const char *
nbl__sti_keyset_hint(const struct keyset *k, const char *s)
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

const nbl__var_def *
nbl__sti_find_var(const struct imp *im, const char *name)
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
const char *
nbl__sti_var_case_hint(const struct imp *im, const char *s)
{
    for (size_t i = 0; i < im->nvars; i++)
        if (nbl__strieq(im->vars[i].name, s))
            return im->vars[i].name;
    return NULL;
}

int
nbl__sti_is_missing(const char *s)
{
    return !*s || !strcmp(s, "..") || !strcmp(s, "NA") || !strcmp(s, "NaN");
}

static const char *
fmt_value(char buf[64], double v)
{
    if (isnan(v))
        return _("missing"); /* in a message: the message language */
    return nbl__fmt_double(buf, 64, v, 6);
}

int
nbl__sti_problem(struct imp *im, long line, const char *fmt, ...)
{
    va_list ap;
    char msg[640];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap);
    va_end(ap);
    nbl__sti_fast_bad(im, line);
    return nbl__stage_problem(im->st, line, msg);
}

/* Shortens a raw field for messages (max 60 bytes, on a UTF-8 boundary). */
const char *
nbl__sti_clip(char buf[80], const char *s)
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

/* ---- one row ------------------------------------------------------------ */

static const char *
value_col(const struct imp *im, size_t i)
{
    return im->cols[i];
}

/* Plausibility bounds: a count in one area above NBL_STATS_MAX_COUNT
 * (10,000,000: more residents than any area can have), or any value above
 * the max of its [variable.<name>] in the config, is a bad row. Returns 1
 * when within, 0 after recording the problem, negative on failure. */
static int
check_bound(struct imp *im, long line, size_t col, const nbl__var_def *v,
            const char *s, double x)
{
    char b[80];
    double bound = INFINITY;
    int from_config = 0, rc;
    for (size_t i = 0; i < im->nmax; i++)
        if (strcmp(im->max_names[i], v->name) == 0) {
            bound = im->max_values[i];
            from_config = 1;
        }
    if (!from_config && !im->refs && strcmp(v->kind, "count") == 0)
        bound = NBL_STATS_MAX_COUNT;
    if (!(x > bound))
        return 1;
    if (from_config)
        rc = nbl__sti_problem(im, line,
                              "column '%s': %s above the max of "
                              "[variable.%s] (%.15g): '%s'",
                              value_col(im, col), v->name, v->name, bound,
                              nbl__sti_clip(b, s));
    else
        rc = nbl__sti_problem(im, line,
                              "column '%s': implausible count for one area "
                              "(%s above %.0f; set max under [variable.%s] "
                              "if it is right): '%s'",
                              value_col(im, col), v->name, bound, v->name,
                              nbl__sti_clip(b, s));
    return rc ? rc : 0;
}

int
nbl__sti_unthousand(const char *s, char sep, char *buf, size_t size)
{
    size_t n = 0;
    int seen = 0;
    for (const char *p = s; *p; p++) {
        if (*p == sep) {
            if (p == s || p[-1] < '0' || p[-1] > '9')
                return 0;
            for (int k = 1; k <= 3; k++)
                if (p[k] < '0' || p[k] > '9')
                    return 0;
            if (p[4] >= '0' && p[4] <= '9')
                return 0;
            seen = 1;
            continue;
        }
        if (n + 1 >= size)
            return 0;
        buf[n++] = *p;
    }
    buf[n] = '\0';
    return seen;
}

/* A value that is no number in the file's decimal mark: why, when it is
 * plain (a thousands separator, or the other mark). */
static int
not_a_number(struct imp *im, long line, size_t col, const char *s)
{
    char b[80], fix[80];
    double x;
    char other = im->decimal == ',' ? '.' : ',';
    int rc;
    if (nbl__sti_unthousand(s, other, fix, sizeof fix) &&
        nbl__parse_double(fix, im->decimal, &x))
        rc = nbl__sti_problem(im, line,
                              "column '%s': not a number: '%s' (thousands "
                              "separators are not accepted: write '%s')",
                              value_col(im, col), nbl__sti_clip(b, s), fix);
    else if (strchr(s, other) && other == '.')
        rc = nbl__sti_problem(im, line,
                              "column '%s': not a number (the decimal mark "
                              "of this file is ','): '%s'",
                              value_col(im, col), nbl__sti_clip(b, s));
    else if (strchr(s, other))
        rc = nbl__sti_problem(im, line,
                              "column '%s': not a number (the decimal mark "
                              "of this file is '.'): '%s'",
                              value_col(im, col), nbl__sti_clip(b, s));
    else
        rc = nbl__sti_problem(im, line, "column '%s': not a number: '%s'",
                              value_col(im, col), nbl__sti_clip(b, s));
    return rc ? rc : 0;
}

/* A count that is not whole; "57.369" in a '.'-decimal file is named as
 * the thousands separator it likely is. */
static int
not_whole(struct imp *im, long line, size_t col, const nbl__var_def *v,
          const char *s)
{
    char b[80], fix[80], hint[200] = "";
    int rc;
    if (nbl__sti_unthousand(s, im->decimal, fix, sizeof fix))
        snprintf(hint, sizeof hint,
                 _(" (a thousands separator? they are not accepted: write "
                   "'%s')"),
                 fix);
    if (im->layout == 'w') /* the column names the variable */
        rc = nbl__sti_problem(
            im, line, "column '%s': a count must be a whole number: '%s'%s",
            value_col(im, col), nbl__sti_clip(b, s), hint);
    else
        rc = nbl__sti_problem(im, line,
                              "column '%s': %s is a count and must be a whole "
                              "number: '%s'%s",
                              value_col(im, col), v->name, nbl__sti_clip(b, s),
                              hint);
    return rc ? rc : 0;
}

/* Checks one value field; on success stores the number (NAN = missing) in
 * *out and returns 1; records a problem and returns 0 when bad; negative on
 * failure. */
int
nbl__sti_check_value(struct imp *im, long line, size_t col,
                     const nbl__var_def *v, const char *s, double *out)
{
    char b[80];
    int rc;
    if (nbl__sti_is_missing(s)) {
        *out = NAN;
        return 1;
    }
    if (!nbl__parse_double(s, im->typed && im->typed[col] ? '.' : im->decimal,
                           out))
        return not_a_number(im, line, col, s);
    if (*out < 0 && strcmp(v->kind, "value") != 0) {
        rc = nbl__sti_problem(im, line, "column '%s': negative value: '%s'",
                              value_col(im, col), nbl__sti_clip(b, s));
        return rc ? rc : 0;
    }
    if (*out == 0)
        *out = 0; /* -0 is stored as 0 */
    if ((rc = check_bound(im, line, col, v, s, *out)) != 1)
        return rc;
    if (strcmp(v->kind, "percent") == 0 && *out > 100) {
        rc = nbl__sti_problem(im, line,
                              "column '%s': %s is a percentage and must be "
                              "0..100: '%s'",
                              value_col(im, col), v->name, nbl__sti_clip(b, s));
        return rc ? rc : 0;
    }
    if (strcmp(v->kind, "count") == 0 && *out != floor(*out))
        return not_whole(im, line, col, v, s);
    return 1;
}

/* A wide row whose key repeats an earlier row's: one problem per line of
 * the pair, not one per column (a repeated row of seven values gave
 * fourteen lines). */
static int
duplicate_row(struct imp *im, long line, const char *k1, const char *k2,
              long year, long dup)
{
    char key[300];
    int rc;
    if (im->dup_line == line && im->dup_other == dup)
        return NBL_OK; /* this pair is named */
    im->dup_line = line;
    im->dup_other = dup;
    if (im->refs)
        snprintf(key, sizeof key, "scope '%s', code '%s', year %ld", k1, k2,
                 year);
    else
        snprintf(key, sizeof key, "area '%s', year %ld", k1, year);
    rc = nbl__sti_problem(im, line, "row: duplicate key (%s), also on line %ld",
                          key, dup);
    if (rc == NBL_OK)
        rc = nbl__sti_problem(
            im, dup, "row: duplicate key (%s), also on line %ld", key, line);
    return rc;
}

int
nbl__sti_stage_value(struct imp *im, long line, size_t col, const char *k1,
                     const char *k2, long year, const nbl__var_def *v,
                     double value)
{
    long dup = 0;
    int rc = im->fast ? nbl__sti_fast_stage(im, v, value, line, &dup)
                      : nbl__stage_add(im->st, k1, k2, year, v->name, value,
                                       line, &dup);
    char key[300];
    if (rc || !dup)
        return rc;
    if (im->layout == 'w')
        return duplicate_row(im, line, k1, k2, year, dup);
    if (im->refs)
        snprintf(key, sizeof key,
                 "scope '%s', code '%s', year %ld, "
                 "variable '%s'",
                 k1, k2, year, v->name);
    else
        snprintf(key, sizeof key, "area '%s', year %ld, variable '%s'", k1,
                 year, v->name);
    rc = nbl__sti_problem(im, line,
                          "column '%s': duplicate key (%s), also on line %ld",
                          value_col(im, col), key, dup);
    if (rc == NBL_OK)
        rc = nbl__sti_problem(
            im, dup, "column '%s': duplicate key (%s), also on line %ld",
            value_col(im, col), key, line);
    return rc;
}

/* The key columns; returns 1 when usable, 0 (problem recorded) if not. */
int
nbl__sti_check_key(struct imp *im, const nbl__csv_row *row, const char **k1,
                   const char **k2)
{
    char b[80];
    int rc;
    *k1 = row->fields[0];
    *k2 = "";
    if (!im->refs) {
        const char *hint;
        if (!**k1) {
            rc = nbl__sti_problem(im, row->line, "column '%s': empty area id",
                                  im->cols[0]);
            return rc ? rc : 0;
        }
        if (nbl__sti_keyset_has(&im->ids, *k1))
            return 1;
        hint = nbl__sti_keyset_hint(&im->ids, *k1);
        if (hint)
            rc = nbl__sti_problem(
                im, row->line,
                "column '%s': unknown area: '%s' (did you mean "
                "'%s'? area ids are compared exactly)",
                im->cols[0], nbl__sti_clip(b, *k1), hint);
        else if (im->ids.n == 0)
            rc = nbl__sti_problem(
                im, row->line,
                "column '%s': unknown area: '%s' (the workspace "
                "has no areas yet; run 'nabolag import areas' "
                "first)",
                im->cols[0], nbl__sti_clip(b, *k1));
        else
            rc = nbl__sti_problem(im, row->line,
                                  "column '%s': unknown area: '%s'",
                                  im->cols[0], nbl__sti_clip(b, *k1));
        return rc ? rc : 0;
    }
    /* refs: scope, code */
    *k2 = row->fields[1];
    if (strcmp(*k1, "country") && strcmp(*k1, "region") &&
        strcmp(*k1, "municipality")) {
        rc = nbl__sti_problem(im, row->line,
                              "column '%s': scope must be country, region or "
                              "municipality: '%s'",
                              im->cols[0], nbl__sti_clip(b, *k1));
        return rc ? rc : 0;
    }
    if (strcmp(*k1, "country") != 0) {
        const struct keyset *ks =
            strcmp(*k1, "region") == 0 ? &im->regions : &im->munis;
        if (!**k2) {
            rc = nbl__sti_problem(im, row->line, "column '%s': empty %s code",
                                  im->cols[1], *k1);
            return rc ? rc : 0;
        }
        if (!nbl__sti_keyset_has(ks, *k2)) {
            if (im->unknown_codes++ == 0) {
                const char *h = nbl__sti_keyset_hint(ks, *k2);
                im->first_unknown_line = row->line;
                im->first_unknown = nbl__strdup(*k2);
                im->first_unknown_hint = h ? nbl__strdup(h) : NULL;
            }
        }
    }
    return 1;
}

int
nbl__sti_check_year(struct imp *im, const nbl__csv_row *row, size_t col,
                    long *year)
{
    char b[80];
    const char *s = row->fields[col];
    int rc;
    if (!*s) { /* a cell left empty, not a malformed year */
        rc = nbl__sti_problem(im, row->line, "column '%s': empty year",
                              im->cols[col]);
        return rc ? rc : 0;
    }
    if (!nbl__parse_long(s, year)) {
        rc = nbl__sti_problem(im, row->line,
                              "column '%s': year is not an integer: "
                              "'%s'",
                              im->cols[col], nbl__sti_clip(b, s));
        return rc ? rc : 0;
    }
    if (*year < 1900 || *year > 2100) {
        rc = nbl__sti_problem(im, row->line,
                              "column '%s': year out of range 1900-2100: '%s'",
                              im->cols[col], nbl__sti_clip(b, s));
        return rc ? rc : 0;
    }
    return 1;
}

/* ---- checks after all rows ----------------------------------------------- */

/* The file's heading of a variable's values: the value column (long), or
 * the variable's own column (wide), as the file writes them (a mapped
 * 'Andel', a StatBank download's 'INDHOLD'). */
static const char *
col_of(const struct imp *im, const char *variable)
{
    if (!im->cols || !im->ncols)
        return im->layout == 'l' ? "value" : variable;
    if (im->layout == 'l')
        return im->cols[im->ncols - 1];
    for (size_t i = 0; im->colvar && i < im->ncols; i++)
        if (im->colvar[i] && strcmp(im->colvar[i]->name, variable) == 0)
            return im->cols[i];
    return variable;
}

int
nbl__sti_on_conflict(const nbl__stage_rec *r, double ws_value, void *arg)
{
    struct imp *im = arg;
    char a[64], b[64];
    return nbl__sti_problem(
        im, r->line,
        "column '%s': %s %s differs from the value already in the "
        "workspace (%s); pass --replace to replace it",
        col_of(im, r->variable), r->variable, fmt_value(a, r->value),
        fmt_value(b, ws_value));
}

int
nbl__sti_on_excess(const nbl__stage_rec *num, const nbl__stage_rec *den,
                   void *arg)
{
    struct imp *im = arg;
    char a[64], b[64], where[64];
    if (num->line > 0) {
        if (den->line > 0)
            snprintf(where, sizeof where, "line %ld", den->line);
        else
            snprintf(where, sizeof where, "the workspace");
        return nbl__sti_problem(
            im, num->line,
            "column '%s': %s %s is larger than its denominator "
            "%s %s (%s)",
            col_of(im, num->variable), num->variable, fmt_value(a, num->value),
            den->variable, fmt_value(b, den->value), where);
    }
    return nbl__sti_problem(
        im, den->line,
        "column '%s': %s %s is smaller than %s %s already in the "
        "workspace, which it is the denominator of",
        col_of(im, den->variable), den->variable, fmt_value(a, den->value),
        num->variable, fmt_value(b, num->value));
}

int
nbl__sti_on_other_country(const nbl__stage_rec *r, const char *kept, void *arg)
{
    struct imp *im = arg;
    return nbl__sti_problem(im, r->line,
                            "column '%s': a second country code '%s' (the "
                            "references already use '%s'; only one country is "
                            "allowed)",
                            im->cols[1], r->k2, kept);
}

int
nbl__sti_print_problem(long line, const char *msg, void *arg)
{
    struct imp *im = arg;
    char where[400];
    /* a row that makes the import fail is an error; one skipped under
     * --skip-invalid (the import goes on) a warning */
    if (im->o->skip_invalid)
        nbl__warn(im->ctx, "%s: %s",
                  nbl__sti_where(im, line, where, sizeof where), msg);
    else
        nbl__errline(im->ctx, "%s: %s",
                     nbl__sti_where(im, line, where, sizeof where), msg);
    return 0;
}
