/*
 * colmap.c - column mapping (see colmap.h).
 *
 * Data model: a mapping is two parallel string arrays (target, heading)
 * and an ignore list, all owned copies. Resolving works on the trimmed
 * headings and an `role` slot per file column (NULL = not placed yet);
 * every step only fills empty slots, so a mapped heading always wins over
 * automatic placement. Messages are built in an nbl__buf and returned to
 * the caller, which adds the file and line.
 */
#include "import/colmap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabolag/common.h"
#include "util/i18n.h"
#include "util/util.h"

size_t
nbl__colmap_trim(const char *s, const char **start)
{
    size_t n;
    if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        s += 3;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *start = s;
    return n;
}

static char *
trimmed_dup(const char *s)
{
    const char *b;
    size_t n = nbl__colmap_trim(s, &b);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, b, n);
        d[n] = '\0';
    }
    return d;
}

static int
grow_strs(char ***v, size_t *cap, size_t need)
{
    size_t c;
    char **w;
    if (need <= *cap)
        return 0;
    c = *cap ? *cap * 2 : 8;
    w = realloc(*v, c * sizeof *w);
    if (!w)
        return -1;
    *v = w;
    *cap = c;
    return 0;
}

int
nbl__colmap_add(nbl__colmap *m, const char *target, const char *heading)
{
    char *h = trimmed_dup(heading), *t;
    for (size_t i = 0; h && i < m->n; i++)
        if (strcmp(m->target[i], target) == 0) {
            int same = strcmp(m->heading[i], h) == 0;
            free(m->heading[i]);
            m->heading[i] = h;
            return same ? 0 : 1;
        }
    t = h ? trimmed_dup(target) : NULL;
    if (!t || grow_strs(&m->target, &m->cap, m->n + 1)) {
        free(h);
        free(t);
        return -1;
    }
    /* target and heading share one capacity */
    {
        char **w = realloc(m->heading, m->cap * sizeof *w);
        if (!w) {
            free(h);
            free(t);
            return -1;
        }
        m->heading = w;
    }
    m->target[m->n] = t;
    m->heading[m->n] = h;
    m->n++;
    return 0;
}

int
nbl__colmap_add_arg(nbl__colmap *m, const char *arg)
{
    const char *eq = strchr(arg, '='), *b;
    char target[256];
    size_t n;
    if (!eq)
        return 2;
    n = (size_t)(eq - arg);
    if (n >= sizeof target)
        return 2;
    memcpy(target, arg, n);
    target[n] = '\0';
    n = nbl__colmap_trim(target, &b);
    if (!n || !nbl__colmap_trim(eq + 1, &b))
        return 2;
    return nbl__colmap_add(m, target, eq + 1) < 0 ? -1 : 0;
}

int
nbl__colmap_add_ignore(nbl__colmap *m, const char *heading)
{
    char *h = trimmed_dup(heading);
    if (!h || grow_strs(&m->ignore, &m->ignore_cap, m->nignore + 1)) {
        free(h);
        return -1;
    }
    m->ignore[m->nignore++] = h;
    return 0;
}

int
nbl__colmap_add_ignore_list(nbl__colmap *m, const char *list)
{
    const char *s = list;
    for (;;) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char *item = malloc(len + 1);
        const char *b;
        int rc = 0;
        if (!item)
            return -1;
        memcpy(item, s, len);
        item[len] = '\0';
        if (nbl__colmap_trim(item, &b))
            rc = nbl__colmap_add_ignore(m, item);
        free(item);
        if (rc)
            return rc;
        if (!e)
            return 0;
        s = e + 1;
    }
}

int
nbl__colmap_merge(nbl__colmap *dst, const nbl__colmap *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (!nbl__colmap_heading(dst, src->target[i]) &&
            nbl__colmap_add(dst, src->target[i], src->heading[i]) < 0)
            return -1;
    for (size_t i = 0; i < src->nignore; i++)
        if (!nbl__colmap_ignored(dst, src->ignore[i]) &&
            nbl__colmap_add_ignore(dst, src->ignore[i]))
            return -1;
    return 0;
}

int
nbl__colmap_empty(const nbl__colmap *m)
{
    return !m || (m->n == 0 && m->nignore == 0);
}

const char *
nbl__colmap_heading(const nbl__colmap *m, const char *target)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (strcmp(m->target[i], target) == 0)
            return m->heading[i];
    return NULL;
}

int
nbl__colmap_ignored(const nbl__colmap *m, const char *heading)
{
    const char *b;
    size_t n = nbl__colmap_trim(heading, &b);
    for (size_t i = 0; m && i < m->nignore; i++)
        if (strlen(m->ignore[i]) == n && memcmp(m->ignore[i], b, n) == 0)
            return 1;
    return 0;
}

void
nbl__colmap_clear(nbl__colmap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->target[i]);
        free(m->heading[i]);
    }
    for (size_t i = 0; i < m->nignore; i++)
        free(m->ignore[i]);
    free(m->target);
    free(m->heading);
    free(m->ignore);
    memset(m, 0, sizeof *m);
}

void
nbl__colplan_free(nbl__colplan *p)
{
    for (size_t i = 0; p->name && i < p->n; i++)
        free(p->name[i]);
    for (size_t i = 0; p->heading && i < p->n; i++)
        free(p->heading[i]);
    free(p->src);
    free(p->name);
    free(p->heading);
    memset(p, 0, sizeof *p);
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
nbl__colmap_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char row[201];
    if (na > 200 || nb > 200)
        return 255;
    for (size_t j = 0; j <= nb; j++)
        row[j] = (unsigned char)(j > 255 ? 255 : j);
    for (size_t i = 1; i <= na; i++) {
        unsigned char diag = row[0];
        row[0] = (unsigned char)(i > 255 ? 255 : i);
        for (size_t j = 1; j <= nb; j++) {
            unsigned char up = row[j];
            int best = diag + (lower(a[i - 1]) != lower(b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = (unsigned char)(best > 255 ? 255 : best);
            diag = up;
        }
    }
    return row[nb];
}

/* ---- resolving ----------------------------------------------------------- */

struct res {
    const nbl__colmap *m;
    const nbl__colmap_want *w;
    size_t n;
    char **th;         /* trimmed headings */
    const char **role; /* canonical name per file column, NULL = unplaced */
    char delim;
    nbl__buf msg;
    nbl__buf hdr;
};

static const char *
key_heading(const nbl__colmap_want *w, size_t k)
{
    if (w->key_defaults && w->key_defaults[k])
        return w->key_defaults[k];
    return w->keys[k];
}

static int
is_var(const nbl__colmap_want *w, const char *s)
{
    for (size_t i = 0; i < w->nvars; i++)
        if (strcmp(w->vars[i], s) == 0)
            return 1;
    return 0;
}

/* The canonical name target stands for, or NULL when it names nothing the
 * reader knows. */
static const char *
target_role(const nbl__colmap_want *w, const char *target)
{
    for (size_t k = 0; k < w->nkeys; k++)
        if (strcmp(w->keys[k], target) == 0)
            return w->keys[k];
    if (w->long_ok && strcmp(target, "variable") == 0)
        return "variable";
    if (w->long_ok && strcmp(target, "value") == 0)
        return "value";
    for (size_t i = 0; w->wide_ok && i < w->nvars; i++)
        if (strcmp(w->vars[i], target) == 0)
            return w->vars[i];
    return NULL;
}

static int
role_used(const struct res *r, const char *role)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->role[i] && strcmp(r->role[i], role) == 0)
            return 1;
    return 0;
}

static void
header_text(struct res *r, nbl__buf *b)
{
    char d = r->delim ? r->delim : ',';
    for (size_t i = 0; i < r->n; i++)
        nbl__buf_printf(b, "%.*s%s", i ? 1 : 0, &d, r->th[i]);
}

/* Up to three nearest names to h, as "'a', 'b', 'c'"; sets *close when the
 * nearest is near enough to be a likely typo. */
static void
nearest(const struct res *r, const char *h, nbl__buf *b, int *close)
{
    const char *best[3] = {0};
    int bd[3] = {256, 256, 256};
    size_t total = r->w->nkeys + r->w->nvars + (r->w->long_ok ? 2 : 0);
    for (size_t i = 0; i < total; i++) {
        const char *c;
        int d;
        if (i < r->w->nkeys)
            c = key_heading(r->w, i);
        else if (i < r->w->nkeys + r->w->nvars)
            c = r->w->vars[i - r->w->nkeys];
        else
            c = i == total - 2 ? "variable" : "value";
        if (role_used(r, c))
            continue;
        d = nbl__colmap_distance(h, c);
        for (int k = 0; k < 3; k++)
            if (d < bd[k]) {
                for (int j = 2; j > k; j--) {
                    bd[j] = bd[j - 1];
                    best[j] = best[j - 1];
                }
                bd[k] = d;
                best[k] = c;
                break;
            }
    }
    *close = best[0] && (size_t)bd[0] * 4 <= strlen(h) + 3;
    for (int k = 0; k < 3 && best[k] && !(*close && k > 0); k++)
        nbl__buf_printf(b, "%s'%s'", k ? ", " : "", best[k]);
}

/* Sets the message (printf-style; "%H" is not special: the header text is
 * passed as an argument where a message quotes it) and returns 1. */
static int fail(struct res *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct res *r, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    int n;
    va_start(ap, fmt);
    fmt = _(fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (s = malloc((size_t)n + 1))) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
        nbl__buf_append(&r->msg, s, (size_t)n);
    }
    free(s);
    return 1;
}

/* The header as the file writes it; owned by r (freed with it). */
static const char *
header(struct res *r)
{
    if (!r->hdr.s) {
        header_text(r, &r->hdr);
        if (!r->hdr.s)
            return "";
    }
    return r->hdr.s;
}

/* True when role is a key or the long layout's variable/value. */
static int
fixed_role(const nbl__colmap_want *w, const char *role)
{
    for (size_t k = 0; k < w->nkeys; k++)
        if (strcmp(w->keys[k], role) == 0)
            return 1;
    return strcmp(role, "variable") == 0 || strcmp(role, "value") == 0;
}

/* Step 1: the user's mapping. */
static int
place_mapped(struct res *r)
{
    const nbl__colmap *m = r->m;
    for (size_t e = 0; e < m->n; e++) {
        const char *t = m->target[e], *h = m->heading[e];
        const char *role = target_role(r->w, t);
        size_t at = r->n;
        if (!role)
            return fail(r,
                        "column.%s: '%s' is not a column this file can have "
                        "(a key, variable, value or a known variable; "
                        "declare a new one with a [variable.%s] section)",
                        t, t, t);
        for (size_t i = 0; i < r->n; i++)
            if (strcmp(r->th[i], h) == 0) {
                if (at < r->n)
                    return fail(r,
                                "column.%s: heading '%s' appears twice in "
                                "the header '%s'",
                                t, h, header(r));
                at = i;
            }
        if (at == r->n)
            return fail(r,
                        "column.%s: heading '%s' is not in the header '%s' "
                        "(headings are compared exactly)",
                        t, h, header(r));
        if (r->role[at])
            return fail(r, "heading '%s' is mapped to both '%s' and '%s'", h,
                        r->role[at], role);
        if (nbl__colmap_ignored(m, h))
            return fail(r,
                        "heading '%s' is both mapped (column.%s) and "
                        "ignored",
                        h, t);
        r->role[at] = role;
    }
    return 0;
}

/* Step 2: headings that name a key, variable/value or a known variable. */
static int
place_known(struct res *r, size_t *ignored)
{
    for (size_t i = 0; i < r->n; i++) {
        const char *h = r->th[i], *role = NULL;
        if (r->role[i])
            continue;
        if (nbl__colmap_ignored(r->m, h)) {
            (*ignored)++;
            continue;
        }
        for (size_t k = 0; !role && k < r->w->nkeys; k++)
            if (!nbl__colmap_heading(r->m, r->w->keys[k]) &&
                nbl__strieq(h, key_heading(r->w, k)))
                role = r->w->keys[k];
        if (!role && r->w->long_ok && nbl__strieq(h, "variable"))
            role = "variable";
        if (!role && r->w->long_ok && nbl__strieq(h, "value"))
            role = "value";
        if (!role && r->w->wide_ok && is_var(r->w, h))
            role = target_role(r->w, h);
        if (!role)
            continue;
        if (role_used(r, role))
            return fail(r, "column '%s' appears twice", h);
        r->role[i] = role;
    }
    return 0;
}

/* The headings no step placed, each with the nearest known names, as
 * "'Celle' (nearest: 'cell_id', ...), column 4 (empty heading)" in the
 * message language; their number in *n. */
static void
unplaced_list(const struct res *r, nbl__buf *out, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < r->n; i++) {
        nbl__buf near = {0};
        int close = 0;
        if (r->role[i] || nbl__colmap_ignored(r->m, r->th[i]))
            continue;
        if (*n)
            nbl__buf_printf(out, ", ");
        (*n)++;
        if (!*r->th[i]) {
            nbl__buf_printf(out, _("column %zu (empty heading)"), i + 1);
            continue;
        }
        nearest(r, r->th[i], &near, &close);
        nbl__buf_printf(
            out, close ? _("'%s' (did you mean %s?)") : _("'%s' (nearest: %s)"),
            r->th[i], near.s ? near.s : "-");
        nbl__buf_free(&near);
    }
}

/* Step 3: every key present, nothing unplaced. Singular and plural are
 * whole messages (no English "s", "it" or "them" pasted in). */
static int
check_complete(struct res *r)
{
    nbl__buf missing = {0}, unplaced = {0};
    size_t nmiss = 0, nun = 0;
    const char *first_missing = "";
    for (size_t k = 0; k < r->w->nkeys; k++)
        if (!role_used(r, r->w->keys[k])) {
            if (!nmiss)
                first_missing = r->w->keys[k];
            nbl__buf_printf(&missing, "%s'%s'", nmiss++ ? ", " : "",
                            r->w->keys[k]);
        }
    unplaced_list(r, &unplaced, &nun);
    if (nmiss == 1)
        fail(r, "no column for %s (map it with column.%s = HEADING)",
             missing.s ? missing.s : "", first_missing);
    else if (nmiss)
        fail(r, "no column for %s (map each with column.<key> = HEADING)",
             missing.s ? missing.s : "");
    if (nun == 1)
        fail(r,
             "%sunplaced heading %s: map it with column.<variable> = "
             "HEADING or list it under ignore",
             nmiss ? "; " : "", unplaced.s ? unplaced.s : "");
    else if (nun)
        fail(r,
             "%sunplaced headings %s: map each with column.<variable> = "
             "HEADING or list them under ignore",
             nmiss ? "; " : "", unplaced.s ? unplaced.s : "");
    if (nmiss || nun)
        fail(r, " (header '%s')", header(r));
    nbl__buf_free(&missing);
    nbl__buf_free(&unplaced);
    return nmiss || nun;
}

/* Step 4: the layout and the output order. */
static int
build_plan(struct res *r, nbl__colplan *out)
{
    int has_var = role_used(r, "variable"), has_val = role_used(r, "value");
    size_t nvarcols = 0, j = 0, nfixed = r->w->nkeys + (has_var ? 2 : 0);
    for (size_t i = 0; i < r->n; i++)
        nvarcols += r->role[i] && !fixed_role(r->w, r->role[i]);
    if (has_var != has_val)
        return fail(r,
                    "the long layout needs both a variable and a value "
                    "column; the header has only %s ('%s')",
                    has_var ? "variable" : "value", header(r));
    if (has_var && nvarcols)
        return fail(r,
                    "a header with variable and value columns (long layout) "
                    "cannot also have variable columns ('%s')",
                    header(r));
    if (!has_var && !nvarcols)
        return fail(r,
                    "no value columns: expected variable,value (long) or one "
                    "column per variable (wide), found '%s'",
                    header(r));
    out->layout = has_var ? 'l' : 'w';
    out->n = nfixed + nvarcols;
    out->src = calloc(out->n, sizeof *out->src);
    out->name = calloc(out->n, sizeof *out->name);
    out->heading = calloc(out->n, sizeof *out->heading);
    if (!out->src || !out->name || !out->heading)
        return -1;
    for (size_t k = 0; k < nfixed; k++) {
        const char *want = k < r->w->nkeys    ? r->w->keys[k]
                           : k == r->w->nkeys ? "variable"
                                              : "value";
        for (size_t i = 0; i < r->n; i++)
            if (r->role[i] && strcmp(r->role[i], want) == 0)
                out->src[j] = i;
        j++;
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->role[i] && !fixed_role(r->w, r->role[i]))
            out->src[j++] = i;
    for (j = 0; j < out->n; j++) {
        out->name[j] = nbl__strdup(r->role[out->src[j]]);
        out->heading[j] = nbl__strdup(r->th[out->src[j]]);
        if (!out->name[j] || !out->heading[j])
            return -1;
    }
    return 0;
}

int
nbl__colmap_resolve(const nbl__colmap *m, const nbl__colmap_want *w, size_t n,
                    const char *const *headings, char delim, nbl__colplan *out,
                    char **err)
{
    static const nbl__colmap none = {0};
    struct res r;
    int rc = 0;

    memset(out, 0, sizeof *out);
    *err = NULL;
    memset(&r, 0, sizeof r);
    r.m = m ? m : &none;
    r.w = w;
    r.n = n;
    r.delim = delim;
    r.th = calloc(n ? n : 1, sizeof *r.th);
    r.role = calloc(n ? n : 1, sizeof *r.role);
    if (!r.th || !r.role)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!(r.th[i] = trimmed_dup(headings[i])))
            rc = -1;
    if (rc == 0)
        rc = place_mapped(&r);
    if (rc == 0)
        rc = place_known(&r, &out->nignored);
    if (rc == 0)
        rc = check_complete(&r);
    if (rc == 0)
        rc = build_plan(&r, out);
    out->nin = n;
    for (size_t i = 0; r.th && i < n; i++)
        free(r.th[i]);
    free(r.th);
    free(r.role);
    nbl__buf_free(&r.hdr);
    if (rc > 0 && !r.msg.s)
        rc = -1; /* the message could not be allocated */
    if (rc > 0)
        *err = r.msg.s;
    else
        nbl__buf_free(&r.msg);
    return rc;
}
