/*
 * statusdyn.c - the configurable status/dynamics index (statusdyn.h;
 * docs/methods.md). Configuration parsing, class lists, and the index.
 *
 * Invariants of an nbl__sdconf after nbl__sdconf_check: 1..NBL_SD_MAX_IND
 * indicators with sign +1 or -1; 2..NBL_SD_MAX_CLASS classes per list with
 * strictly ascending cut-offs; groups index existing classes; exclude is
 * sorted (binary search).
 */
#include "model/statusdyn.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define ON_CUT 1e-9

const char *
nbl__sd_status_name(nbl__sd_status s)
{
    static const char *const n[] = {"ok", "excluded", "small", "missing"};
    return n[s];
}

/* ---- class lists -------------------------------------------------------- */

static const char *
skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Reads a name [A-Za-z_][A-Za-z0-9_-]* (UTF-8 letters allowed) into out. */
static const char *
read_name(const char *s, char out[NBL_SD_NAME])
{
    size_t n = 0;
    while (*s && *s != '<' && *s != ' ' && *s != '\t' && *s != ',' &&
           *s != '/') {
        if (n + 1 >= NBL_SD_NAME)
            return NULL;
        out[n++] = *s++;
    }
    out[n] = '\0';
    return n ? s : NULL;
}

/* Reads "<" or "<=": 1 for "<=", 0 for "<", -1 for neither. */
static int
read_op(const char **s)
{
    const char *p = skip_ws(*s);
    if (*p != '<')
        return -1;
    p++;
    if (*p == '=') {
        *s = p + 1;
        return 1;
    }
    *s = p;
    return 0;
}

static const char *
read_number(const char *s, double *v)
{
    char tok[64];
    size_t n = 0;
    s = skip_ws(s);
    while (*s && (isdigit((unsigned char)*s) || *s == '.' || *s == '-' ||
                  *s == '+' || *s == 'e' || *s == 'E')) {
        if (n + 1 >= sizeof tok)
            return NULL;
        tok[n++] = *s++;
    }
    tok[n] = '\0';
    if (!n || !nbl__parse_double(tok, '.', v) || !isfinite(*v))
        return NULL;
    return s;
}

const char *
nbl__sd_parse_classes(const char *text, nbl__sd_classes *out)
{
    const char *s = skip_ws(text);
    memset(out, 0, sizeof *out);
    for (;;) {
        int a, b;
        double v;
        if (out->n == NBL_SD_MAX_CLASS)
            return "at most 8 classes";
        s = read_name(skip_ws(s), out->name[out->n]);
        if (!s)
            return "expected a class name";
        for (int i = 0; i < out->n; i++)
            if (strcmp(out->name[i], out->name[out->n]) == 0)
                return "a class name appears twice";
        out->n++;
        s = skip_ws(s);
        if (!*s)
            break;
        if ((a = read_op(&s)) < 0)
            return "expected '<' or '<=' after a class name";
        if (!(s = read_number(s, &v)))
            return "expected a number after '<' or '<='";
        if ((b = read_op(&s)) < 0)
            return "expected '<' or '<=' after a cut-off";
        if (a == b)
            return "a cut-off needs '<' on one side and '<=' on the other "
                   "(it belongs to exactly one class)";
        if (out->n > 1 && !(v > out->cut[out->n - 2]))
            return "cut-offs must increase from left to right";
        out->cut[out->n - 1] = v;
        out->on_lower[out->n - 1] = a; /* "x <= v < y": v belongs to x */
    }
    if (out->n < 2)
        return "at least 2 classes";
    return NULL;
}

int
nbl__sd_classify(const nbl__sd_classes *cl, double v)
{
    for (int i = 0; i + 1 < cl->n; i++) {
        double c = cl->cut[i];
        int on = fabs(v - c) <= ON_CUT;
        if (on ? cl->on_lower[i] : v < c)
            return i;
    }
    return cl->n - 1;
}

char *
nbl__sd_classes_text(const nbl__sd_classes *cl, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < cl->n && len < n; i++) {
        char num[48];
        int w;
        if (i + 1 < cl->n)
            w = snprintf(buf + len, n - len, "%s %s %s %s ", cl->name[i],
                         cl->on_lower[i] ? "<=" : "<",
                         nbl__fmt_double(num, sizeof num, cl->cut[i], 9),
                         cl->on_lower[i] ? "<" : "<=");
        else
            w = snprintf(buf + len, n - len, "%s", cl->name[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return buf;
}

/* ---- configuration ------------------------------------------------------ */

static void
set_classes(nbl__sd_classes *cl, const char *text)
{
    const char *why = nbl__sd_parse_classes(text, cl);
    (void)why; /* built-in texts are valid (unit-tested) */
}

static int
class_index(const nbl__sd_classes *cl, const char *name)
{
    for (int i = 0; i < cl->n; i++)
        if (strcmp(cl->name[i], name) == 0)
            return i;
    return -1;
}

static void
add_indicator(nbl__sdconf *c, const char *name, double sign)
{
    snprintf(c->ind[c->nind].name, NBL_SD_NAME, "%s", name);
    c->ind[c->nind++].sign = sign;
}

void
nbl__sdconf_builtin(nbl__sdconf *c, int with_eth, double status_high,
                    double status_low, double status_very_low, double dyn_pos,
                    double dyn_neg)
{
    nbl__sd_classes *s = &c->status, *d = &c->dynamics;
    memset(c, 0, sizeof *c);
    snprintf(c->method, sizeof c->method, "builtin");
    add_indicator(c, "lab", 1);
    add_indicator(c, "cri", 1);
    add_indicator(c, "edu", 1);
    add_indicator(c, "inc", -1);
    if (with_eth)
        add_indicator(c, "eth", 1);
    c->sd = NBL_SD_POPULATION;
    c->composite = NBL_SD_MEAN_Z;
    c->dynamics_years = 2;
    /* high <= sh < medium < sl <= low < svl <= very_low */
    s->n = 4;
    snprintf(s->name[0], NBL_SD_NAME, "high");
    snprintf(s->name[1], NBL_SD_NAME, "medium");
    snprintf(s->name[2], NBL_SD_NAME, "low");
    snprintf(s->name[3], NBL_SD_NAME, "very_low");
    s->cut[0] = status_high;
    s->on_lower[0] = 1;
    s->cut[1] = status_low;
    s->on_lower[1] = 0;
    s->cut[2] = status_very_low;
    s->on_lower[2] = 0;
    d->n = 3;
    snprintf(d->name[0], NBL_SD_NAME, "positive");
    snprintf(d->name[1], NBL_SD_NAME, "stable");
    snprintf(d->name[2], NBL_SD_NAME, "negative");
    d->cut[0] = dyn_pos;
    d->on_lower[0] = 1;
    d->cut[1] = dyn_neg;
    d->on_lower[1] = 0;
    snprintf(c->groups_text, sizeof c->groups_text,
             "low/negative, very_low/negative");
    c->groups[0] = (nbl__sd_group){2, 2};
    c->groups[1] = (nbl__sd_group){3, 2};
    c->ngroups = 2;
}

void
nbl__sdconf_berlin_mss(nbl__sdconf *c)
{
    snprintf(c->method, sizeof c->method, "berlin_mss");
    c->sd = NBL_SD_POPULATION;
    c->composite = NBL_SD_STD_SUM;
    c->dynamics_years = 2;
    /* MSS: status < -1 hoch, <= +1 mittel, <= +1.5 niedrig, above sehr
     * niedrig; dynamics < -1 positiv, <= +1 stabil, above negativ. */
    set_classes(&c->status,
                "hoch < -1 <= mittel <= 1 < niedrig <= 1.5 < sehr_niedrig");
    set_classes(&c->dynamics, "positiv < -1 <= stabil <= 1 < negativ");
    c->min_residents = 300;
    snprintf(c->groups_text, sizeof c->groups_text,
             "niedrig/negativ, sehr_niedrig/*");
    c->groups[0] = (nbl__sd_group){2, 2};
    c->groups[1] = (nbl__sd_group){3, -1};
    c->ngroups = 2;
}

static int
bad(nbl_ctx *ctx, const char *where, const char *key, const char *why,
    const char *value)
{
    return nbl__error(ctx, NBL_EFORMAT, "%s: [status_dynamics] %s: %s: '%s'",
                      where, key, why, value);
}

/* Splits a comma-separated list; calls fn for each trimmed item. */
static int
each_item(const char *value, int (*fn)(void *, const char *), void *arg)
{
    const char *p = value;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char item[128];
        while (n && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n >= sizeof item)
            return -2;
        memcpy(item, p, n);
        item[n] = '\0';
        if (n) {
            int rc = fn(arg, item);
            if (rc)
                return rc;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static int
valid_var(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

static int
ind_item(void *arg, const char *item)
{
    nbl__sdconf *c = arg;
    char name[NBL_SD_NAME];
    const char *colon = strchr(item, ':');
    size_t n = colon ? (size_t)(colon - item) : strlen(item);
    double sign = 1;
    if (c->nind == NBL_SD_MAX_IND || n >= NBL_SD_NAME)
        return -1;
    memcpy(name, item, n);
    name[n] = '\0';
    while (n && name[n - 1] == ' ')
        name[--n] = '\0';
    if (!valid_var(name))
        return -1;
    if (colon) {
        const char *v = skip_ws(colon + 1);
        if (strcmp(v, "-1") == 0 || strcmp(v, "-") == 0)
            sign = -1;
        else if (strcmp(v, "1") && strcmp(v, "+1") && strcmp(v, "+"))
            return -1;
    }
    for (int i = 0; i < c->nind; i++)
        if (strcmp(c->ind[i].name, name) == 0)
            return -3;
    add_indicator(c, name, sign);
    return 0;
}

struct strlist {
    char **v;
    size_t n;
};

static int
excl_item(void *arg, const char *item)
{
    struct strlist *l = arg;
    char **w = realloc(l->v, (l->n + 1) * sizeof *w);
    if (!w)
        return NBL_ENOMEM;
    l->v = w;
    if (!(l->v[l->n] = nbl__strdup(item)))
        return NBL_ENOMEM;
    l->n++;
    return 0;
}

struct grouparse {
    char text[NBL_SD_MAX_GROUPS][2][NBL_SD_NAME];
    int n;
};

static int
group_item(void *arg, const char *item)
{
    struct grouparse *g = arg;
    const char *slash = strchr(item, '/');
    size_t n;
    if (!slash || g->n == NBL_SD_MAX_GROUPS)
        return -1;
    n = (size_t)(slash - item);
    while (n && item[n - 1] == ' ')
        n--;
    if (!n || n >= NBL_SD_NAME || strlen(skip_ws(slash + 1)) >= NBL_SD_NAME)
        return -1;
    memcpy(g->text[g->n][0], item, n);
    g->text[g->n][0][n] = '\0';
    snprintf(g->text[g->n][1], NBL_SD_NAME, "%s", skip_ws(slash + 1));
    g->n++;
    return 0;
}

static int
set_list_key(nbl__sdconf *c, nbl_ctx *ctx, const char *where, const char *key,
             const char *value)
{
    int rc;
    if (strcmp(key, "indicators") == 0) {
        nbl__sdconf t = *c;
        t.nind = 0;
        rc = each_item(value, ind_item, &t);
        if (rc == -3)
            return bad(ctx, where, key, "an indicator is listed twice", value);
        if (rc || t.nind == 0)
            return bad(ctx, where, key,
                       "expected names with an optional sign, e.g. 'lab, "
                       "edu, inc:-1' (at most 16)",
                       value);
        memcpy(c->ind, t.ind, sizeof c->ind);
        c->nind = t.nind;
        return NBL_OK;
    }
    if (strcmp(key, "exclude") == 0) {
        struct strlist l = {0};
        rc = each_item(value, excl_item, &l);
        if (rc) {
            for (size_t i = 0; i < l.n; i++)
                free(l.v[i]);
            free(l.v);
            return rc == NBL_ENOMEM
                       ? nbl__error(ctx, NBL_ENOMEM, "out of memory")
                       : bad(ctx, where, key, "id too long", value);
        }
        for (size_t i = 0; i < c->nexclude; i++)
            free(c->exclude[i]);
        free(c->exclude);
        if (l.n)
            qsort(l.v, l.n, sizeof *l.v, nbl__cmp_strp);
        c->exclude = l.v;
        c->nexclude = l.n;
        return NBL_OK;
    }
    return 1; /* not a list key */
}

static int
resolve_groups(nbl__sdconf *c, nbl_ctx *ctx, const char *where)
{
    struct grouparse g;
    memset(&g, 0, sizeof g);
    if (each_item(c->groups_text, group_item, &g))
        return bad(ctx, where, "alert_groups",
                   "expected status/dynamics class pairs separated by ',' "
                   "('*' = any), e.g. 'niedrig/negativ, sehr_niedrig/*'",
                   c->groups_text);
    for (int i = 0; i < g.n; i++) {
        int s = strcmp(g.text[i][0], "*") == 0
                    ? -1
                    : class_index(&c->status, g.text[i][0]);
        int d = strcmp(g.text[i][1], "*") == 0
                    ? -1
                    : class_index(&c->dynamics, g.text[i][1]);
        if ((s < 0 && strcmp(g.text[i][0], "*")) ||
            (d < 0 && strcmp(g.text[i][1], "*"))) {
            char cls[600], dcl[600];
            return nbl__error(
                ctx, NBL_EFORMAT,
                "%s: [status_dynamics] alert_groups: '%s/%s' names no class "
                "(status classes: %s; dynamics classes: %s)",
                where, g.text[i][0], g.text[i][1],
                nbl__sd_classes_text(&c->status, cls, sizeof cls),
                nbl__sd_classes_text(&c->dynamics, dcl, sizeof dcl));
        }
        c->groups[i] = (nbl__sd_group){s, d};
    }
    c->ngroups = g.n;
    return NBL_OK;
}

static int
set_scalar_key(nbl__sdconf *c, nbl_ctx *ctx, const char *where, const char *key,
               const char *value)
{
    double v;
    if (strcmp(key, "sd") == 0) {
        if (strcmp(value, "population") == 0)
            c->sd = NBL_SD_POPULATION;
        else if (strcmp(value, "sample") == 0)
            c->sd = NBL_SD_SAMPLE;
        else
            return bad(ctx, where, key, "must be population or sample", value);
    } else if (strcmp(key, "composite") == 0) {
        if (strcmp(value, "mean_z") == 0)
            c->composite = NBL_SD_MEAN_Z;
        else if (strcmp(value, "standardised_sum") == 0)
            c->composite = NBL_SD_STD_SUM;
        else
            return bad(ctx, where, key, "must be mean_z or standardised_sum",
                       value);
    } else if (strcmp(key, "dynamics_years") == 0) {
        long y;
        if (!nbl__parse_long(value, &y) || y < 1 || y > 10)
            return bad(ctx, where, key, "must be a whole number 1..10", value);
        c->dynamics_years = (int)y;
    } else if (strcmp(key, "min_residents") == 0) {
        if (!nbl__parse_double(value, '.', &v) || !(v >= 0) || isinf(v))
            return bad(ctx, where, key, "must be a number >= 0", value);
        c->min_residents = v;
    } else if (strcmp(key, "status_classes") == 0 ||
               strcmp(key, "dynamics_classes") == 0) {
        nbl__sd_classes cl;
        const char *why = nbl__sd_parse_classes(value, &cl);
        if (why)
            return bad(ctx, where, key, why, value);
        if (key[0] == 's')
            c->status = cl;
        else
            c->dynamics = cl;
    } else if (strcmp(key, "alert_groups") == 0) {
        if (strlen(value) >= sizeof c->groups_text)
            return bad(ctx, where, key, "too long", value);
        snprintf(c->groups_text, sizeof c->groups_text, "%s", value);
        c->ngroups = -1; /* resolved by nbl__sdconf_check */
    } else {
        return nbl__error(
            ctx, NBL_EFORMAT,
            "%s: [status_dynamics] unknown key '%s' (known: method, "
            "indicators, sd, composite, dynamics_years, status_classes, "
            "dynamics_classes, min_residents, exclude, alert_groups)",
            where, key);
    }
    return NBL_OK;
}

int
nbl__sdconf_set(nbl__sdconf *c, nbl_ctx *ctx, const char *where,
                const char *key, const char *value)
{
    int rc;
    if (strcmp(key, "method") == 0) {
        if (strcmp(value, "berlin_mss") == 0)
            nbl__sdconf_berlin_mss(c);
        else if (strcmp(value, "builtin") != 0)
            return bad(ctx, where, key, "must be builtin or berlin_mss", value);
        return NBL_OK;
    }
    rc = set_list_key(c, ctx, where, key, value);
    if (rc <= 0)
        return rc;
    return set_scalar_key(c, ctx, where, key, value);
}

int
nbl__sdconf_check(nbl__sdconf *c, nbl_ctx *ctx, const char *where)
{
    return resolve_groups(c, ctx, where);
}

void
nbl__sdconf_clear(nbl__sdconf *c)
{
    for (size_t i = 0; i < c->nexclude; i++)
        free(c->exclude[i]);
    free(c->exclude);
    c->exclude = NULL;
    c->nexclude = 0;
}

int
nbl__sdconf_copy(nbl__sdconf *dst, const nbl__sdconf *src)
{
    *dst = *src;
    dst->exclude = NULL;
    dst->nexclude = 0;
    if (!src->nexclude)
        return NBL_OK;
    dst->exclude = calloc(src->nexclude, sizeof *dst->exclude);
    if (!dst->exclude)
        return NBL_ENOMEM;
    for (size_t i = 0; i < src->nexclude; i++) {
        dst->exclude[i] = nbl__strdup(src->exclude[i]);
        if (!dst->exclude[i]) {
            dst->nexclude = i;
            nbl__sdconf_clear(dst);
            return NBL_ENOMEM;
        }
    }
    dst->nexclude = src->nexclude;
    return NBL_OK;
}

int
nbl__sd_in_groups(const nbl__sdconf *c, int s, int d)
{
    if (s < 0 || d < 0)
        return 0;
    for (int i = 0; i < c->ngroups; i++)
        if ((c->groups[i].status < 0 || c->groups[i].status == s) &&
            (c->groups[i].dynamics < 0 || c->groups[i].dynamics == d))
            return 1;
    return 0;
}

/* ---- the index ---------------------------------------------------------- */

/* z-standardises column j of x (n rows, k columns) over the rows with
 * use[i] and a value; other cells become NAN. Fewer than 3 values or an SD
 * of 0 drop the column (all NAN). */
static void
zcol(double *x, size_t n, int k, int j, const unsigned char *use, nbl__sd_sd sd)
{
    double s = 0, ss = 0, m, dev;
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        double *v = &x[i * (size_t)k + (size_t)j];
        if (!use[i])
            *v = NAN;
        else if (!isnan(*v)) {
            s += *v;
            c++;
        }
    }
    if (c < 3) {
        for (size_t i = 0; i < n; i++)
            x[i * (size_t)k + (size_t)j] = NAN;
        return;
    }
    m = s / (double)c;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * (size_t)k + (size_t)j];
        if (!isnan(v))
            ss += (v - m) * (v - m);
    }
    dev = sqrt(ss / (double)(sd == NBL_SD_SAMPLE ? c - 1 : c));
    for (size_t i = 0; i < n; i++) {
        double *v = &x[i * (size_t)k + (size_t)j];
        if (!isnan(*v))
            *v = dev > 1e-12 ? (*v - m) / dev : NAN;
    }
}

/* Standardises idx over its non-NAN entries (the sums). */
static void
zvec(double *idx, size_t n, nbl__sd_sd sd)
{
    double s = 0, ss = 0, m, dev;
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(idx[i])) {
            s += idx[i];
            c++;
        }
    if (c < 3) {
        for (size_t i = 0; i < n; i++)
            idx[i] = NAN;
        return;
    }
    m = s / (double)c;
    for (size_t i = 0; i < n; i++)
        if (!isnan(idx[i]))
            ss += (idx[i] - m) * (idx[i] - m);
    dev = sqrt(ss / (double)(sd == NBL_SD_SAMPLE ? c - 1 : c));
    for (size_t i = 0; i < n; i++)
        if (!isnan(idx[i]))
            idx[i] = dev > 1e-12 ? (idx[i] - m) / dev : NAN;
}

/* The composite of x (n x k, signs applied) over the rows with use[i]. */
static void
composite(const nbl__sdconf *c, double *x, size_t n, const unsigned char *use,
          double *idx)
{
    int k = c->nind;
    if (c->composite == NBL_SD_STD_SUM) /* complete rows only */
        for (size_t i = 0; i < n; i++)
            for (int j = 0; j < k && use[i]; j++)
                if (isnan(x[i * (size_t)k + (size_t)j]))
                    for (int t = 0; t < k; t++)
                        x[i * (size_t)k + (size_t)t] = NAN;
    for (int j = 0; j < k; j++)
        zcol(x, n, k, j, use, c->sd);
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        int m = 0;
        for (int j = 0; j < k; j++)
            if (!isnan(x[i * (size_t)k + (size_t)j])) {
                s += x[i * (size_t)k + (size_t)j];
                m++;
            }
        if (c->composite == NBL_SD_STD_SUM)
            idx[i] = use[i] && m == k ? s : NAN;
        else
            idx[i] = use[i] && m >= 1 && m >= (k < 2 ? k : 2) ? s / m : NAN;
    }
    if (c->composite == NBL_SD_STD_SUM)
        zvec(idx, n, c->sd);
}

static nbl__sd_status
eligibility(const nbl__sdconf *c, const nbl__sd_input *in, size_t i)
{
    if (c->nexclude && in->ids && in->ids[i] &&
        nbl__find_sorted(c->exclude, c->nexclude, in->ids[i]) >= 0)
        return NBL_SDS_EXCLUDED;
    if (c->min_residents > 0 && (!in->residents || isnan(in->residents[i]) ||
                                 in->residents[i] < c->min_residents))
        return NBL_SDS_SMALL;
    return NBL_SDS_OK;
}

int
nbl__statusdyn_compute(const nbl__sdconf *c, const nbl__sd_input *in,
                       nbl__sd_result *out)
{
    size_t n = in->n, k = (size_t)c->nind;
    size_t cells = n * k > 0 ? n * k : 1, rows = n > 0 ? n : 1;
    double *x = malloc(cells * sizeof *x), *d = malloc(cells * sizeof *d);
    double *si = malloc(rows * sizeof *si), *di = malloc(rows * sizeof *di);
    unsigned char *use = calloc(rows, 1);
    int rc = NBL_OK;
    if (!x || !d || !si || !di || !use) {
        rc = NBL_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        nbl__sd_status st = eligibility(c, in, i);
        out[i].status = out[i].dynamics = NAN;
        out[i].status_class = out[i].dynamics_class = -1;
        out[i].status_st = out[i].dynamics_st = st;
        use[i] = st == NBL_SDS_OK;
        for (size_t j = 0; j < k; j++) {
            double a = in->now[i * k + j], b = in->then[i * k + j];
            x[i * k + j] = a * c->ind[j].sign;
            d[i * k + j] = (a - b) * c->ind[j].sign; /* NAN stays NAN */
        }
    }
    composite(c, x, n, use, si);
    composite(c, d, n, use, di);
    for (size_t i = 0; i < n; i++) {
        if (!use[i])
            continue;
        if (isnan(si[i])) {
            out[i].status_st = out[i].dynamics_st = NBL_SDS_MISSING;
            continue;
        }
        out[i].status = si[i];
        out[i].status_class = nbl__sd_classify(&c->status, si[i]);
        if (isnan(di[i])) {
            out[i].dynamics_st = NBL_SDS_MISSING;
            continue;
        }
        out[i].dynamics = di[i];
        out[i].dynamics_class = nbl__sd_classify(&c->dynamics, di[i]);
    }
done:
    free(x);
    free(d);
    free(si);
    free(di);
    free(use);
    return rc;
}
