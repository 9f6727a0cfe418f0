/*
 * statbank.c - StatBank downloads as the long layout (see statbank.h).
 *
 * Data model: the header fixes the role of each column (area, time,
 * value, the variable's dimension, held dimensions, free dimensions);
 * `first`/`first_line` remember each free dimension's first value so that
 * a second value is an error on the line it appears. For period = last,
 * a scan pass records the largest (kind, number) period per year in a
 * small array (one entry per year). A converted row points into `code`,
 * `year` and the caller's own fields; it lives for one callback.
 */
#include "import/statbank.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ctx.h"
#include "util/util.h"

#define NONE SIZE_MAX

struct period {
    long year, number;
    char kind;
};

struct nbl__statbank {
    nbl_ctx *ctx;
    const char *path;
    const nbl__statbank_opts *o;
    nbl__csv_row_fn fn;
    void *arg;
    int have_header;
    size_t ncols, area, time, value, varcol;
    size_t *where_col;
    char **head;  /* headings as written */
    char **first; /* free dimensions: first value */
    long *first_line;
    struct period *last; /* period = last: per year */
    size_t nlast, last_cap;
    long rows, left_out;
    char code[256], year[32];
};

int
nbl__statbank_detect(size_t n, const char *const *h)
{
    return n >= 3 && nbl__strieq(h[n - 2], "TID") &&
           nbl__strieq(h[n - 1], "INDHOLD");
}

int
nbl__statbank_time(const char *s, long *year, char *kind, long *period)
{
    long y = 0, p = 0;
    int i = 0;
    for (; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        y = y * 10 + (s[i] - '0');
    }
    *year = y;
    *kind = 0;
    *period = 0;
    if (!s[4])
        return 1;
    if (!strchr("KQMHU", s[4]) || !s[5])
        return 0;
    for (i = 5; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || i > 7)
            return 0;
        p = p * 10 + (s[i] - '0');
    }
    *kind = s[4];
    *period = p;
    return 1;
}

void
nbl__statbank_free(nbl__statbank *sb)
{
    if (!sb)
        return;
    for (size_t i = 0; i < sb->ncols; i++) {
        free(sb->head ? sb->head[i] : NULL);
        free(sb->first ? sb->first[i] : NULL);
    }
    free(sb->head);
    free(sb->first);
    free(sb->first_line);
    free(sb->where_col);
    free(sb->last);
    free(sb);
}

int
nbl__statbank_new(nbl__statbank **out, nbl_ctx *ctx, const char *path,
                  const nbl__statbank_opts *o, nbl__csv_row_fn fn, void *arg)
{
    nbl__statbank *sb = calloc(1, sizeof *sb);
    *out = NULL;
    if (!sb)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    sb->ctx = ctx;
    sb->path = path;
    sb->o = o;
    sb->fn = fn;
    sb->arg = arg;
    if (!o->variable == !o->variable_from) {
        nbl__statbank_free(sb);
        return nbl__error(ctx, NBL_EINVAL,
                          "%s: a StatBank file needs either variable = NAME "
                          "(one variable) or variable_from = COLUMN with "
                          "label.<label> = NAME (not both)",
                          path);
    }
    *out = sb;
    return NBL_OK;
}

void
nbl__statbank_rewind(nbl__statbank *sb)
{
    for (size_t i = 0; i < sb->ncols; i++) {
        free(sb->head[i]);
        free(sb->first[i]);
    }
    free(sb->head);
    free(sb->first);
    free(sb->first_line);
    free(sb->where_col);
    sb->head = sb->first = NULL;
    sb->first_line = NULL;
    sb->where_col = NULL;
    sb->ncols = 0;
    sb->have_header = 0;
    sb->rows = sb->left_out = 0;
}

void
nbl__statbank_counts(const nbl__statbank *sb, long *rows, long *left_out)
{
    *rows = sb->rows;
    *left_out = sb->left_out;
}

/* ---- header -------------------------------------------------------------- */

static size_t
find_col(const nbl__statbank *sb, const nbl__csv_row *row, const char *h)
{
    for (size_t i = 0; i < row->n; i++)
        if (strcmp(row->fields[i], h) == 0)
            return i;
    return NONE;
}

static int
need_col(nbl__statbank *sb, const nbl__csv_row *row, const char *key,
         const char *h, size_t *out)
{
    nbl__buf all = {0};
    int rc;
    *out = find_col(sb, row, h);
    if (*out != NONE)
        return NBL_OK;
    for (size_t i = 0; i < row->n; i++)
        nbl__buf_printf(&all, "%s%s", i ? ";" : "", row->fields[i]);
    rc = nbl__error(sb->ctx, NBL_EFORMAT,
                    "%s:%ld: %s: no column '%s' in the header '%s' "
                    "(headings are compared exactly)",
                    sb->path, row->line, key, h, all.s ? all.s : "");
    nbl__buf_free(&all);
    return rc;
}

/* The long layout's header, with the file's own headings of the area,
 * year, variable and value columns for messages ("column 'OMRKK': unknown
 * area"). */
static int
out_header(nbl__statbank *sb, long line)
{
    static const char *stats[] = {"area_id", "year", "variable", "value"};
    static const char *refs[] = {"scope", "code", "year", "variable", "value"};
    const char *shown[5];
    size_t lens[5], k = 0;
    nbl__csv_row r;
    memset(&r, 0, sizeof r);
    r.n = sb->o->refs ? 5 : 4;
    r.fields = sb->o->refs ? refs : stats;
    if (sb->o->refs)
        shown[k++] = "scope";
    shown[k++] = sb->head[sb->area];
    shown[k++] = sb->head[sb->time];
    shown[k++] = sb->varcol != NONE ? sb->head[sb->varcol] : "variable";
    shown[k] = sb->head[sb->value];
    for (size_t i = 0; i < r.n; i++)
        lens[i] = strlen(r.fields[i]);
    r.lens = lens;
    r.line = line;
    r.shown = shown;
    return sb->fn(&r, sb->arg);
}

static int
header(nbl__statbank *sb, const nbl__csv_row *row, int emit)
{
    const nbl__statbank_opts *o = sb->o;
    int rc;
    sb->ncols = row->n;
    sb->head = calloc(row->n, sizeof *sb->head);
    sb->first = calloc(row->n, sizeof *sb->first);
    sb->first_line = calloc(row->n, sizeof *sb->first_line);
    sb->where_col = calloc(o->nwhere ? o->nwhere : 1, sizeof *sb->where_col);
    if (!sb->head || !sb->first || !sb->first_line || !sb->where_col)
        return nbl__error(sb->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < row->n; i++)
        if (!(sb->head[i] = nbl__strdup(row->fields[i])))
            return nbl__error(sb->ctx, NBL_ENOMEM, "out of memory");
    sb->area = 0;
    sb->varcol = NONE;
    rc = o->area_heading
             ? need_col(sb, row, o->refs ? "column.code" : "column.area_id",
                        o->area_heading, &sb->area)
             : NBL_OK;
    if (rc == NBL_OK)
        rc = need_col(sb, row, "column.year",
                      o->time_heading ? o->time_heading : "TID", &sb->time);
    if (rc == NBL_OK)
        rc = need_col(sb, row, "column.value",
                      o->value_heading ? o->value_heading : "INDHOLD",
                      &sb->value);
    if (rc == NBL_OK && o->variable_from)
        rc = need_col(sb, row, "variable_from", o->variable_from, &sb->varcol);
    for (size_t w = 0; rc == NBL_OK && w < o->nwhere; w++) {
        char key[300];
        snprintf(key, sizeof key, "where.%s", o->where[w].key);
        rc = need_col(sb, row, key, o->where[w].key, &sb->where_col[w]);
    }
    sb->have_header = 1;
    return rc == NBL_OK && emit ? out_header(sb, row->line) : rc;
}

/* ---- rows ---------------------------------------------------------------- */

static int
is_free_dim(const nbl__statbank *sb, size_t c)
{
    if (c == sb->area || c == sb->time || c == sb->value || c == sb->varcol)
        return 0;
    for (size_t w = 0; w < sb->o->nwhere; w++)
        if (sb->where_col[w] == c)
            return 0;
    return 1;
}

static int
check_dims(nbl__statbank *sb, const nbl__csv_row *row)
{
    for (size_t c = 0; c < row->n; c++) {
        if (!is_free_dim(sb, c))
            continue;
        if (!sb->first[c]) {
            if (!(sb->first[c] = nbl__strdup(row->fields[c])))
                return nbl__error(sb->ctx, NBL_ENOMEM, "out of memory");
            sb->first_line[c] = row->line;
        } else if (strcmp(sb->first[c], row->fields[c]) != 0) {
            return nbl__error(sb->ctx, NBL_EFORMAT,
                              "%s:%ld: column '%s' varies: '%s' here, '%s' "
                              "on line %ld; hold it to one value with "
                              "where.%s = VALUE",
                              sb->path, row->line, sb->head[c], row->fields[c],
                              sb->first[c], sb->first_line[c], sb->head[c]);
        }
    }
    return NBL_OK;
}

static struct period *
last_of(nbl__statbank *sb, long year)
{
    for (size_t i = 0; i < sb->nlast; i++)
        if (sb->last[i].year == year)
            return &sb->last[i];
    return NULL;
}

int
nbl__statbank_scan(const nbl__csv_row *row, void *arg)
{
    nbl__statbank *sb = arg;
    struct period p, *have;
    if (row->index == 0)
        return header(sb, row, 0);
    if (row->n != sb->ncols ||
        !nbl__statbank_time(row->fields[sb->time], &p.year, &p.kind,
                            &p.number) ||
        !p.kind)
        return 0;
    have = last_of(sb, p.year);
    if (have) {
        if (p.kind > have->kind ||
            (p.kind == have->kind && p.number > have->number))
            *have = p;
        return 0;
    }
    if (sb->nlast == sb->last_cap) {
        size_t cap = sb->last_cap ? sb->last_cap * 2 : 16;
        struct period *w = realloc(sb->last, cap * sizeof *w);
        if (!w)
            return nbl__error(sb->ctx, NBL_ENOMEM, "out of memory");
        sb->last = w;
        sb->last_cap = cap;
    }
    sb->last[sb->nlast++] = p;
    return 0;
}

/* The year of the row into sb->year; 1 keep, 0 leave out, <0 error. */
static int
row_year(nbl__statbank *sb, const nbl__csv_row *row)
{
    const char *s = row->fields[sb->time];
    struct period p, *last;
    snprintf(sb->year, sizeof sb->year, "%.31s", s);
    if (!nbl__statbank_time(s, &p.year, &p.kind, &p.number) || !p.kind)
        return 1; /* a year, or not a time: the importer checks the year */
    if (!sb->o->period_last)
        return nbl__error(sb->ctx, NBL_EFORMAT,
                          "%s:%ld: column '%s': '%s' is a period of %ld, not "
                          "a year; download yearly figures, or add period = "
                          "last to take each year's last period",
                          sb->path, row->line, sb->head[sb->time], s, p.year);
    last = last_of(sb, p.year);
    if (!last || last->kind != p.kind || last->number != p.number)
        return 0;
    snprintf(sb->year, sizeof sb->year, "%ld", p.year);
    return 1;
}

/* The variable of the row; NULL with *keep 0 to leave it out, NULL with
 * an error set (return < 0 through *err) when the label is unmapped. */
static const char *
row_variable(nbl__statbank *sb, const nbl__csv_row *row, int *err)
{
    const char *label;
    *err = 0;
    if (sb->o->variable)
        return sb->o->variable;
    label = row->fields[sb->varcol];
    for (size_t i = 0; i < sb->o->nlabels; i++)
        if (strcmp(sb->o->labels[i].key, label) == 0)
            return sb->o->labels[i].value;
    *err = nbl__error(sb->ctx, NBL_EFORMAT,
                      "%s:%ld: column '%s': label '%s' names no variable; "
                      "map it with label.%s = VARIABLE (or label.%s = with "
                      "nothing to leave its rows out)",
                      sb->path, row->line, sb->head[sb->varcol], label, label,
                      label);
    return NULL;
}

static const char *
scope_of(const nbl__statbank *sb, const char *code)
{
    long n;
    if (sb->o->scope)
        return sb->o->scope;
    if (strcmp(code, "000") == 0)
        return "country";
    if (strlen(code) == 3 && nbl__parse_long(code, &n) && n >= 81 && n <= 85)
        return "region";
    return "municipality";
}

static int
emit(nbl__statbank *sb, const nbl__csv_row *row, const char *variable)
{
    const char *f[5];
    size_t lens[5], k = 0;
    unsigned char typed[5] = {0, 0, 0, 0, 0};
    const char *area = row->fields[sb->area], *sp = strchr(area, ' ');
    size_t n = strlen(area);
    /* "101 København": DST's code before the label; a label without a
     * leading code ("Indre By") is its own id */
    if (sp && sp > area && strspn(area, "0123456789") == (size_t)(sp - area))
        n = (size_t)(sp - area);
    nbl__csv_row r;
    if (n >= sizeof sb->code)
        n = sizeof sb->code - 1;
    memcpy(sb->code, area, n);
    sb->code[n] = '\0';
    if (sb->o->refs)
        f[k++] = scope_of(sb, sb->code);
    f[k++] = sb->code;
    f[k++] = sb->year;
    f[k++] = variable;
    f[k++] = row->fields[sb->value];
    for (size_t i = 0; i < k; i++)
        lens[i] = strlen(f[i]);
    memset(&r, 0, sizeof r);
    r.n = k;
    r.fields = f;
    r.lens = lens;
    r.line = row->line;
    r.index = row->index;
    r.delimiter = row->delimiter;
    if (row->typed) {
        typed[k - 1] = row->typed[sb->value];
        r.typed = typed;
    }
    return sb->fn(&r, sb->arg);
}

int
nbl__statbank_row(const nbl__csv_row *row, void *arg)
{
    nbl__statbank *sb = arg;
    const char *variable;
    int rc = 0, keep;
    if (row->index == 0)
        return header(sb, row, 1);
    sb->rows++;
    if (row->n != sb->ncols)
        return sb->fn(row, sb->arg); /* the importer reports the count */
    for (size_t w = 0; w < sb->o->nwhere; w++)
        if (strcmp(row->fields[sb->where_col[w]], sb->o->where[w].value)) {
            sb->left_out++;
            return 0;
        }
    if ((rc = check_dims(sb, row)))
        return rc;
    keep = row_year(sb, row);
    if (keep < 0)
        return keep;
    variable = keep ? row_variable(sb, row, &rc) : NULL;
    if (rc)
        return rc;
    if (!keep || !*variable) {
        sb->left_out++;
        return 0;
    }
    return emit(sb, row, variable);
}
