/*
 * alerts_rules.c - the early-warning rules (pure C, no I/O): which
 * conditions hold for one area in one year, in plain words, and the
 * status/dynamics classes of all areas in one year.
 *
 * Input: per area the stored criterion, category and safety results of all
 * years (nbl__aarea). The conditions of a year are derived from the results
 * alone; their states (new, ongoing, resolved) are derived in alerts_eval.c.
 * A year whose category is not_evaluable gives a note of kind
 * not_evaluable.
 *
 * Criterion measures: `ratio` when the criterion is cri and a ratio exists,
 * `value` otherwise. Direction: inc (and any criterion whose lower
 * threshold is above its main threshold) is "lower is worse"; all others
 * "higher is worse". Messages are one plain sentence; numbers are printed
 * locale-independently.
 */
#include "model/alerts.h"
#include "model/categories.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ctx.h"
#include "util/i18n.h"
#include "util/util.h"

#define GROW(arr, n, cap)                                                      \
    do {                                                                       \
        if ((n) == (cap)) {                                                    \
            size_t nc_ = (cap) ? 2 * (cap) : 8;                                \
            void *p_ = realloc((arr), nc_ * sizeof *(arr));                    \
            if (!p_)                                                           \
                return NBL_ENOMEM;                                             \
            (arr) = p_;                                                        \
            (cap) = nc_;                                                       \
        }                                                                      \
    } while (0)

int
nbl__aarea_add_crit(nbl__aarea *a, const nbl__acrit *c)
{
    GROW(a->crit, a->n_crit, a->cap_crit);
    a->crit[a->n_crit++] = *c;
    return NBL_OK;
}

int
nbl__aarea_add_cat(nbl__aarea *a, const nbl__acat *c)
{
    GROW(a->cat, a->n_cat, a->cap_cat);
    a->cat[a->n_cat++] = *c;
    return NBL_OK;
}

int
nbl__aarea_add_safety(nbl__aarea *a, const nbl__asafety *s)
{
    GROW(a->saf, a->n_saf, a->cap_saf);
    a->saf[a->n_saf++] = *s;
    return NBL_OK;
}

void
nbl__aareas_free(nbl__aarea *areas, size_t n)
{
    if (!areas)
        return;
    for (size_t i = 0; i < n; i++) {
        free(areas[i].area_id);
        free(areas[i].name);
        free(areas[i].crit);
        free(areas[i].cat);
        free(areas[i].saf);
        free(areas[i].ind);
    }
    free(areas);
}

const nbl__acrit *
nbl__aarea_crit(const nbl__aarea *a, const char *crit, int year)
{
    for (size_t i = 0; i < a->n_crit; i++)
        if (a->crit[i].year == year && strcmp(a->crit[i].criterion, crit) == 0)
            return &a->crit[i];
    return NULL;
}

const nbl__acat *
nbl__aarea_cat(const nbl__aarea *a, int year)
{
    for (size_t i = 0; i < a->n_cat; i++)
        if (a->cat[i].year == year)
            return &a->cat[i];
    return NULL;
}

const nbl__asafety *
nbl__aarea_safety(const nbl__aarea *a, int year)
{
    for (size_t i = 0; i < a->n_saf; i++)
        if (a->saf[i].year == year)
            return &a->saf[i];
    return NULL;
}

/* The latest result before `year` that can be compared with: a criterion
 * with status ok and met known, a category other than not_evaluable. A
 * year without data is skipped (the gap is bridged), so that a change
 * across the gap is still reported as crossed or improved. */
static const nbl__acrit *
prev_crit(const nbl__aarea *a, const char *crit, int year)
{
    const nbl__acrit *best = NULL;
    for (size_t i = 0; i < a->n_crit; i++) {
        const nbl__acrit *c = &a->crit[i];
        if (c->year < year && (!best || c->year > best->year) && c->ok &&
            c->met >= 0 && strcmp(c->criterion, crit) == 0)
            best = c;
    }
    return best;
}

static const nbl__acat *
prev_cat(const nbl__aarea *a, int year)
{
    const nbl__acat *best = NULL;
    for (size_t i = 0; i < a->n_cat; i++) {
        const nbl__acat *c = &a->cat[i];
        if (c->year < year && (!best || c->year > best->year) &&
            nbl__alert_category_rank(c->category) >= 0)
            best = c;
    }
    return best;
}

/* ------------------------------------------------------------------ */
/* criteria in words                                                   */

enum unit { U_PCT, U_RATIO, U_REGION, U_COUNT };

/* Strings are English msgids (N_), translated where they are printed. */
typedef struct critdesc {
    const char *id;
    const char *short_name; /* "employment criterion" */
    const char *words;      /* what the value measures */
    int lower_worse;
    int inclusive; /* threshold itself counts as met */
    enum unit unit;
} critdesc;

static const critdesc known[] = {
    {"lab", N_("employment criterion"),
     N_("the share of 18–64-year-olds outside work and education"), 0, 0,
     U_PCT},
    {"cri", N_("convictions criterion"),
     N_("the share of residents aged 18 and over with a conviction"), 0, 1,
     U_RATIO},
    {"edu", N_("education criterion"),
     N_("the share of 30–59-year-olds with only basic schooling"), 0, 0, U_PCT},
    {"inc", N_("income criterion"),
     N_("the mean gross income of taxpayers aged 15–64"), 1, 0, U_REGION},
    {"eth", N_("origin criterion"),
     N_("the share of residents who are immigrants or descendants from "
        "non-western countries"),
     0, 0, U_PCT},
    {"size", N_("size criterion"), N_("the number of residents"), 0, 1,
     U_COUNT},
};

static critdesc
describe(const nbl__acrit *c)
{
    critdesc d = {c->criterion, c->criterion, NULL, 0, 0, U_PCT};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].id, c->criterion) == 0) {
            d = known[i];
            break;
        }
    if (strcmp(c->criterion, "cri") == 0 && isnan(c->ratio)) {
        /* dk2013-style: a share with an absolute threshold */
        d.unit = U_PCT;
        d.inclusive = 0;
    }
    if (!d.words) {
        d.words = c->criterion;
        d.lower_worse = !isnan(c->threshold_low) && !isnan(c->threshold) &&
                        c->threshold_low > c->threshold;
    }
    return d;
}

static double
measure(const critdesc *d, const nbl__acrit *c)
{
    if (!c || !c->ok)
        return NAN;
    return d->unit == U_RATIO ? c->ratio : c->value;
}

/* v with `dec` decimals for the reader (Danish: decimal comma), no
 * trimming. */
static const char *
fmtn(char *buf, size_t n, double v, int dec)
{
    return nbl__fmt_num(buf, n, v, dec);
}

/* v with up to `dec` decimals, trailing zeros trimmed ("40", "2,7"). */
static const char *
fmtt(char *buf, size_t n, double v, int dec)
{
    nbl__fmt_double(buf, n, v, dec);
    if (nbl_output_language() == NBL_LANG_DA) {
        char *dot = strchr(buf, '.');
        if (dot)
            *dot = ',';
    }
    return buf;
}

/* A number in the unit of d: "41.0 %", "3.20 times the national share",
 * "1032 residents", "52.1 % of the regional mean". */
static void
fmt_unit(char *buf, size_t n, const critdesc *d, const char *num)
{
    switch (d->unit) {
    case U_RATIO:
        snprintf(buf, n, T_("%s times the national share"), num);
        break;
    case U_COUNT:
        snprintf(buf, n, T_("%s residents"), num);
        break;
    case U_REGION:
        snprintf(buf, n, T_("%s %% of the regional mean"), num);
        break;
    case U_PCT:
    default:
        snprintf(buf, n, "%s %%", num);
        break;
    }
}

static int
unit_decimals(const critdesc *d)
{
    return d->unit == U_RATIO ? 2 : d->unit == U_COUNT ? 0 : 1;
}

static void
fmt_value(char *buf, size_t n, const critdesc *d, double v)
{
    char b[64];
    fmt_unit(buf, n, d, fmtn(b, 64, v, unit_decimals(d)));
}

/* "over 40 %", "at least 3 times the national share", "under 55 %" */
static void
fmt_threshold(char *buf, size_t n, const critdesc *d, double thr)
{
    char v[96], t[64];
    const char *cmp = d->lower_worse
                          ? (d->inclusive ? T_("at most %s") : T_("under %s"))
                          : (d->inclusive ? T_("at least %s") : T_("over %s"));
    fmt_unit(v, sizeof v, d,
             fmtt(t, sizeof t, thr, d->unit == U_COUNT ? 0 : 2));
    snprintf(buf, n, cmp, v);
}

/* Distance in words: "3.5 percentage points", "0.30 times the national
 * share" */
static void
fmt_distance(char *buf, size_t n, const critdesc *d, double dist)
{
    char b[64];
    if (d->unit == U_PCT || d->unit == U_REGION)
        snprintf(buf, n, T_("%s percentage points"), fmtn(b, 64, dist, 1));
    else
        fmt_value(buf, n, d, dist);
}

/* Does v meet the threshold (direction and inclusiveness of d)? */
static int
beyond(const critdesc *d, double v, double thr)
{
    if (d->lower_worse)
        return d->inclusive ? v <= thr : v < thr;
    return d->inclusive ? v >= thr : v > thr;
}

static int
criterion_selected(const nbl_alert_config *cfg, const char *id)
{
    const char *s = cfg->criteria ? cfg->criteria : "lab,cri,edu,inc";
    size_t k = strlen(id);
    while (*s) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        while (len && *s == ' ')
            s++, len--;
        while (len && s[len - 1] == ' ')
            len--;
        if (len == k && strncmp(s, id, k) == 0)
            return 1;
        if (!e)
            break;
        s = e + 1;
    }
    return 0;
}

const char *
nbl__alert_criterion_words(const char *id)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].id, id) == 0)
            return known[i].words;
    return NULL;
}

int
nbl__alert_criterion_lower_worse(const char *id)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].id, id) == 0)
            return known[i].lower_worse;
    return -1;
}

/* The category as a phrase inside a sentence: the statutory Danish label
 * with a lower-case initial, and "not listed" / "not evaluable" in the
 * output language. */
const char *
nbl__alert_category_label(const char *code)
{
    static const char *phrase[NBL_N_CATEGORIES] = {
        "omdannelsesområde",   "parallelsamfund", "udsat boligområde",
        "forebyggelsesområde", N_("not listed"),  N_("not evaluable")};
    const nbl__category *c = nbl__category_find(code);
    return c ? T_(phrase[c - nbl__categories]) : code;
}

int
nbl__alert_category_rank(const char *code)
{
    const nbl__category *c = nbl__category_find(code);
    return c ? c->rank : -1; /* -1: not_evaluable or unknown */
}

/* ------------------------------------------------------------------ */
/* conditions of one area in one year                                  */

struct emit {
    const nbl__aarea *a;
    int year;
    int text; /* 0: no message (an earlier year, only its states count) */
    nbl_alert_list *out;
    int rc;
};

/* A condition without its message (message ""): kind, rule, value,
 * threshold and severity are all the states of later years need. */
static void
emit_bare(struct emit *e, const char *kind, const char *rule, double value,
          double thr, nbl_alert_severity sev)
{
    nbl_alert al;
    if (e->rc)
        return;
    memset(&al, 0, sizeof al);
    al.area_id = e->a->area_id;
    al.area_name = e->a->name;
    al.year = e->year;
    snprintf(al.kind, sizeof al.kind, "%s", kind);
    snprintf(al.rule, sizeof al.rule, "%s", rule);
    al.value = value;
    al.threshold = thr;
    al.severity = sev;
    al.first_year = e->year;
    e->rc = nbl__alert_list_push(e->out, &al);
}

static void emit_text(struct emit *e, const char *kind, const char *rule,
                      double value, double thr, nbl_alert_severity sev,
                      const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* The condition with "<name> (<id>): <sentence>" as its message. */
static void
emit_text(struct emit *e, const char *kind, const char *rule, double value,
          double thr, nbl_alert_severity sev, const char *fmt, ...)
{
    nbl__buf msg = {0};
    va_list ap;
    char tmp[1024];
    size_t n = e->out->n;
    emit_bare(e, kind, rule, value, thr, sev);
    if (e->rc)
        return;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (nbl__buf_printf(&msg, "%s (%s): %s",
                        e->a->name && *e->a->name ? e->a->name : T_("Area"),
                        e->a->area_id, tmp)) {
        e->rc = NBL_ENOMEM;
        return;
    }
    free(e->out->items[n].message);
    e->out->items[n].message = msg.s;
}

/* A condition that holds: with its message when e->text, else bare. The
 * message's arguments (numbers formatted for the reader, translation
 * lookups) are evaluated only when the message is made. */
#define EMIT(e, kind, rule, value, thr, sev, ...)                              \
    do {                                                                       \
        if ((e)->text)                                                         \
            emit_text(e, kind, rule, value, thr, sev, __VA_ARGS__);            \
        else                                                                   \
            emit_bare(e, kind, rule, value, thr, sev);                         \
    } while (0)

/* Least squares over (t, v): slope, means, and R² (the share of the
 * variance the line explains; 0 when the values do not vary). */
static void
lsq(const double *t, const double *v, int n, double *slope, double *mt,
    double *mv, double *r2)
{
    double st = 0, sv = 0, sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
        st += t[i];
        sv += v[i];
    }
    *mt = st / n;
    *mv = sv / n;
    for (int i = 0; i < n; i++) {
        sxy += (t[i] - *mt) * (v[i] - *mv);
        sxx += (t[i] - *mt) * (t[i] - *mt);
        syy += (v[i] - *mv) * (v[i] - *mv);
    }
    *slope = sxx > 0 ? sxy / sxx : 0;
    *r2 = sxx > 0 && syy > 0 ? sxy * sxy / (sxx * syy) : 0;
}

int
nbl__alerts_trend_fits(const double *t, const double *v, int n, int lower_worse,
                       double min_r2, double *slope_out, double *r2_out)
{
    double slope, mt, mv, r2;
    int worse;
    if (n < 3)
        return 0;
    lsq(t, v, n, &slope, &mt, &mv, &r2);
    if (slope_out)
        *slope_out = slope;
    if (r2_out)
        *r2_out = r2;
    worse = lower_worse ? slope < 0 : slope > 0;
    /* the fit must explain the data, and the data themselves must have
     * moved the way the line goes: last value beyond the first */
    return worse && r2 >= min_r2 &&
           (lower_worse ? v[n - 1] < v[0] : v[n - 1] > v[0]);
}

/* A criterion result with its description and formatted values. */
struct crit_text {
    critdesc d;
    const nbl__acrit *prev; /* previous evaluable result or NULL */
    double v, pv;           /* measures (NAN: not available) */
    char vs[96], ts[128], ps[96];
};

/* crossed / improved: met changed from the previous evaluable year
 * (normally Y-1) to Y */
static void
criterion_changes(struct emit *e, const nbl_alert_config *cfg,
                  const nbl__acrit *c, const struct crit_text *t)
{
    const nbl__acrit *p = t->prev;
    const critdesc *d = &t->d;
    int y = e->year, py = p ? p->year : y - 1;
    int both = !isnan(t->v) && !isnan(t->pv);
    if (p && c->met == 1 && p->met == 0)
        EMIT(e, "crossed", c->criterion, t->v, c->threshold,
             cfg->sev_crossed_criterion,
             T_("%s newly met in %d: %s was %s (threshold %s), %s from %s in "
                "%d."),
             T_(d->short_name), y, T_(d->words), t->vs, t->ts,
             both && t->v < t->pv ? T_("down") : T_("up"), t->ps, py);
    if (p && c->met == 0 && p->met == 1)
        EMIT(e, "improved", c->criterion, t->v, c->threshold, cfg->sev_improved,
             T_("%s no longer met in %d: %s was %s (threshold %s), %s from "
                "%s in %d."),
             T_(d->short_name), y, T_(d->words), t->vs, t->ts,
             both && t->v > t->pv ? T_("up") : T_("down"), t->ps, py);
}

/* approaching: not met, within margin x threshold */
static void
criterion_approaching(struct emit *e, const nbl_alert_config *cfg,
                      const nbl__acrit *c, const struct crit_text *t)
{
    const critdesc *d = &t->d;
    double dist = d->lower_worse ? t->v - c->threshold : c->threshold - t->v;
    double lim = cfg->margin * fabs(c->threshold);
    char ds[96];
    if (dist >= 0 && dist <= lim) {
        if (e->text)
            fmt_distance(ds, sizeof ds, d, dist);
        EMIT(e, "approaching", c->criterion, t->v, c->threshold,
             cfg->sev_approaching_criterion,
             T_("%s was %s in %d, %s from the threshold (%s)."), T_(d->words),
             t->vs, e->year, ds, t->ts);
    }
}

/* The criterion's values of the last N years (at most 64): n points
 * into tt/vals, the first year with a value into *first. */
static int
trend_points(const struct emit *e, const nbl_alert_config *cfg,
             const nbl__acrit *c, const critdesc *d, double *tt, double *vals,
             int *first)
{
    int n = 0, y = e->year;
    int nmax = cfg->trend_years < 64 ? cfg->trend_years : 64;
    for (int yy = y - nmax + 1; yy <= y; yy++) {
        const nbl__acrit *q =
            yy == y ? c : nbl__aarea_crit(e->a, c->criterion, yy);
        double qv = measure(d, q);
        if (!isnan(qv)) {
            if (!n)
                *first = yy;
            tt[n] = yy;
            vals[n++] = qv;
        }
    }
    return n;
}

/* trend: the least-squares line over the last N years fits the data
 * (nbl__alerts_trend_fits) and reaches the threshold within H years. The
 * wording follows the criterion's direction: a share rises towards its
 * threshold, income falls towards its. */
static void
criterion_trend(struct emit *e, const nbl_alert_config *cfg,
                const nbl__acrit *c, const struct crit_text *t)
{
    const critdesc *d = &t->d;
    double tt[64], vals[64], slope, r2, mt, mv;
    int y = e->year, first = 0;
    int n = trend_points(e, cfg, c, d, tt, vals, &first);
    int minp = cfg->trend_min_points < 3 ? 3 : cfg->trend_min_points;
    if (n < minp || !nbl__alerts_trend_fits(tt, vals, n, d->lower_worse,
                                            cfg->trend_min_r2, &slope, &r2))
        return;
    lsq(tt, vals, n, &slope, &mt, &mv, &r2);
    for (int h = 1; h <= cfg->horizon; h++) {
        double f = mv + slope * (y + h - mt);
        char fs[96], ss[96], s0[96], rs[32];
        if (!beyond(d, f, c->threshold))
            continue;
        if (e->text) {
            fmt_value(s0, sizeof s0, d, vals[0]);
            fmt_value(fs, sizeof fs, d, f);
            fmt_distance(ss, sizeof ss, d, fabs(slope));
            fmtn(rs, sizeof rs, r2, 2);
        }
        EMIT(e, "trend", c->criterion, t->v, c->threshold, cfg->sev_trend,
             d->lower_worse
                 ? T_("%s fell from %s in %d to %s in %d (down %s a year over "
                      "%d years, R² %s); on this trend it falls to the "
                      "threshold (%s) by %d (projected %s).")
                 : T_("%s rose from %s in %d to %s in %d (up %s a year over "
                      "%d years, R² %s); on this trend it rises to the "
                      "threshold (%s) by %d (projected %s)."),
             T_(d->words), s0, first, t->vs, y, ss, n, rs, t->ts, y + h, fs);
        return;
    }
}

/* The value, threshold and previous value of t in words. */
static void
crit_texts(struct crit_text *t, const nbl__acrit *c)
{
    if (!isnan(t->v))
        fmt_value(t->vs, sizeof t->vs, &t->d, t->v);
    else
        snprintf(t->vs, sizeof t->vs, "%s", T_("not available"));
    fmt_threshold(t->ts, sizeof t->ts, &t->d, c->threshold);
    if (!isnan(t->pv))
        fmt_value(t->ps, sizeof t->ps, &t->d, t->pv);
    else
        snprintf(t->ps, sizeof t->ps, "%s", T_("not available"));
}

static void
criterion_conditions(struct emit *e, const nbl_alert_config *cfg,
                     const nbl__acrit *c)
{
    struct crit_text t;
    if (!criterion_selected(cfg, c->criterion) || isnan(c->threshold))
        return;
    t.d = describe(c);
    t.prev = prev_crit(e->a, c->criterion, e->year);
    t.v = measure(&t.d, c);
    t.pv = measure(&t.d, t.prev);
    if (e->text)
        crit_texts(&t, c);
    criterion_changes(e, cfg, c, &t);
    if (c->met != 0 || isnan(t.v))
        return;
    criterion_approaching(e, cfg, c, &t);
    criterion_trend(e, cfg, c, &t);
}

/* A note, not an alert: the officer learns why the area's alerts are
 * neither repeated nor resolved this year. */
static void
note_not_evaluable(struct emit *e)
{
    const nbl__aarea *a = e->a;
    char ids[128] = "";
    size_t len = 0;
    for (size_t i = 0; e->text && i < a->n_crit; i++) {
        const nbl__acrit *c = &a->crit[i];
        if (c->year == e->year && (!c->ok || c->met < 0) && len < sizeof ids)
            len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%s",
                                    len ? ", " : "", c->criterion);
    }
    EMIT(e, "not_evaluable", "category", NAN, NAN, NBL_SEV_INFO,
         T_("the criteria for %d cannot be evaluated: data missing%s%s%s; "
            "earlier alerts are neither repeated nor resolved until the "
            "data return."),
         e->year, ids[0] ? " (" : "", ids, ids[0] ? ")" : "");
}

/* What decided a category besides the criteria count: too few residents,
 * or the non-western share that separates parallelsamfund. */
static void
category_why(const struct emit *e, const nbl__acat *cat, const nbl__acat *pcat,
             char *why, size_t n)
{
    const nbl__acrit *sz = nbl__aarea_crit(e->a, "size", e->year);
    const nbl__acrit *et = nbl__aarea_crit(e->a, "eth", e->year);
    char v1[64], v2[64];
    int par = strcmp(cat->category, "parallelsamfund") == 0 ||
              (pcat && strcmp(pcat->category, "parallelsamfund") == 0);
    why[0] = '\0';
    if (sz && sz->met == 0 && !isnan(sz->value))
        snprintf(why, n,
                 T_(" The area has %s residents, fewer than the %s the "
                    "size criterion requires."),
                 fmtn(v1, 64, sz->value, 0), fmtn(v2, 64, sz->threshold, 0));
    else if (par && et && !isnan(et->value))
        snprintf(why, n,
                 T_(" Non-western share %s %% (parallelsamfund needs "
                    "over %s %%)."),
                 fmtn(v1, 64, et->value, 1), fmtn(v2, 64, et->threshold, 0));
}

static void
category_changes(struct emit *e, const nbl_alert_config *cfg,
                 const nbl__acat *cat, const nbl__acat *pcat)
{
    int r = nbl__alert_category_rank(cat->category);
    int pr = pcat ? nbl__alert_category_rank(pcat->category) : -1;
    double met = cat->criteria_met >= 0 ? cat->criteria_met : NAN;
    double need = cat->criteria_needed >= 0 ? cat->criteria_needed : NAN;
    char rule[64], why[200];
    if (r < 0 || pr < 0 || r == pr)
        return;
    if (e->text)
        category_why(e, cat, pcat, why, sizeof why);
    if (r > pr) {
        snprintf(rule, sizeof rule, "category:%s", cat->category);
        EMIT(e, "crossed", rule, met, need,
             strcmp(cat->category, "forebyggelse") == 0
                 ? cfg->sev_crossed_forebyggelse
                 : cfg->sev_crossed_category,
             Tn_("now %s (%s) in %d, up from %s in %d; %d criterion met "
                 "(udsat needs %d).%s",
                 "now %s (%s) in %d, up from %s in %d; %d criteria met "
                 "(udsat needs %d).%s",
                 (unsigned long)cat->criteria_met),
             nbl__alert_category_label(cat->category), cat->category, e->year,
             nbl__alert_category_label(pcat->category), pcat->year,
             cat->criteria_met, cat->criteria_needed, why);
    } else {
        snprintf(rule, sizeof rule, "category:%s", pcat->category);
        EMIT(e, "improved", rule, met, need, cfg->sev_improved,
             Tn_("no longer %s (%s) in %d, now %s; %d criterion met "
                 "(udsat needs %d).%s",
                 "no longer %s (%s) in %d, now %s; %d criteria met "
                 "(udsat needs %d).%s",
                 (unsigned long)cat->criteria_met),
             nbl__alert_category_label(pcat->category), pcat->category, e->year,
             nbl__alert_category_label(cat->category), cat->criteria_met,
             cat->criteria_needed, why);
    }
}

/* approaching a category: one criterion short */
static void
category_approaching(struct emit *e, const nbl_alert_config *cfg,
                     const nbl__acat *cat)
{
    const nbl__acrit *size = nbl__aarea_crit(e->a, "size", e->year);
    const nbl__acrit *eth = nbl__aarea_crit(e->a, "eth", e->year);
    int r = nbl__alert_category_rank(cat->category);
    int size_ok = !size || size->met != 0;
    double met = cat->criteria_met >= 0 ? cat->criteria_met : NAN;
    double need = cat->criteria_needed;
    if (cat->criteria_needed <= 0)
        return;
    if ((r == 0 || r == 1) && size_ok &&
        cat->criteria_met == cat->criteria_needed - 1)
        EMIT(e, "approaching", "category:udsat", met, need,
             cfg->sev_approaching_category,
             T_("%d of the %d criteria needed for udsat boligområde "
                "met in %d, one criterion short of the category."),
             cat->criteria_met, cat->criteria_needed, e->year);
    if (r == 0 && size_ok && eth && eth->met_low == 1 &&
        cat->criteria_met_low == cat->criteria_needed - 1)
        EMIT(e, "approaching", "category:forebyggelse",
             (double)cat->criteria_met_low, need, cfg->sev_approaching_category,
             T_("%d of the %d criteria needed for forebyggelsesområde "
                "met at the lower thresholds in %d, one criterion "
                "short of the category."),
             cat->criteria_met_low, cat->criteria_needed, e->year);
}

/* countdown to omdannelse; each count of the text in its own plural form
 * (omdannelse_years > parallel_years > 0: "years make omdannelse" is a
 * plural) */
static void
category_countdown(struct emit *e, const nbl_alert_config *cfg,
                   const nbl__acat *cat)
{
    int k, y = e->year;
    char run[96] = "", left[96] = "";
    if (strcmp(cat->category, "parallelsamfund") != 0 ||
        cat->parallel_years <= 0 || cat->omdannelse_years <= 0 ||
        cat->parallel_years >= cat->omdannelse_years)
        return;
    k = cat->omdannelse_years - cat->parallel_years;
    if (e->text) {
        snprintf(run, sizeof run,
                 Tn_("%d consecutive year", "%d consecutive years",
                     (unsigned long)cat->parallel_years),
                 cat->parallel_years);
        snprintf(left, sizeof left,
                 Tn_("%d year from now", "%d years from now", (unsigned long)k),
                 k);
    }
    /* TRANSLATORS: consecutive years, the last year, the year it becomes
     * omdannelsesområde, years from now, the years that make omdannelse */
    EMIT(e, "countdown", "category:omdannelse", k, cat->omdannelse_years,
         k <= cfg->countdown_critical_years ? cfg->sev_countdown_critical
                                            : cfg->sev_countdown,
         T_("parallelsamfund for %s up to %d; if it stays so it becomes "
            "omdannelsesområde in %d (%s; %d consecutive years make "
            "omdannelse)."),
         run, y, y + k, left, cat->omdannelse_years);
}

/* "1st", "2nd", "3rd", "4th" (English), "1.", "2." (Danish). */
static const char *
ordinal(char *buf, size_t n, int k)
{
    const char *suf = "th";
    if (nbl_output_language() == NBL_LANG_DA) {
        snprintf(buf, n, "%d.", k);
        return buf;
    }
    if (k % 100 < 11 || k % 100 > 13)
        suf = k % 10 == 1   ? "st"
              : k % 10 == 2 ? "nd"
              : k % 10 == 3 ? "rd"
                            : "th";
    snprintf(buf, n, "%d%s", k, suf);
    return buf;
}

/* status: an area that stays in a category (forebyggelse or higher) from
 * its last evaluable year gets one line a year, as prominent as a change:
 * how long it has been there and how many criteria it meets. Counted
 * back over consecutive years in the same category. */
static void
category_status(struct emit *e, const nbl__acat *cat, const nbl__acat *pcat)
{
    char rule[64], ord[16];
    int k = 1, total = 0;
    if (!pcat || nbl__alert_category_rank(cat->category) < 1 ||
        strcmp(cat->category, pcat->category) != 0)
        return;
    for (int yy = e->year - 1; e->text; yy--) {
        const nbl__acat *q = nbl__aarea_cat(e->a, yy);
        if (!q || strcmp(q->category, cat->category) != 0)
            break;
        k++;
    }
    for (size_t i = 0; e->text && i < e->a->n_crit; i++) {
        const char *id = e->a->crit[i].criterion;
        if (e->a->crit[i].year == e->year &&
            (strcmp(id, "lab") == 0 || strcmp(id, "cri") == 0 ||
             strcmp(id, "edu") == 0 || strcmp(id, "inc") == 0 ||
             (cat->criteria_needed == 3 && strcmp(id, "eth") == 0)))
            total++;
    }
    snprintf(rule, sizeof rule, "category:%s", cat->category);
    if (strcmp(cat->category, "forebyggelse") == 0)
        EMIT(e, "status", rule, cat->criteria_met_low, cat->criteria_needed,
             NBL_SEV_INFO,
             T_("still %s (%s) in %d, the %s year in a row; %d of %d "
                "criteria met at the lower thresholds (forebyggelse needs "
                "%d)."),
             nbl__alert_category_label(cat->category), cat->category, e->year,
             ordinal(ord, sizeof ord, k), cat->criteria_met_low, total,
             cat->criteria_needed);
    else
        EMIT(e, "status", rule,
             cat->criteria_met >= 0 ? cat->criteria_met : NAN,
             cat->criteria_needed >= 0 ? cat->criteria_needed : NAN,
             NBL_SEV_INFO,
             T_("still %s (%s) in %d, the %s year in a row; %d of %d "
                "criteria met (udsat needs %d)."),
             nbl__alert_category_label(cat->category), cat->category, e->year,
             ordinal(ord, sizeof ord, k), cat->criteria_met, total,
             cat->criteria_needed);
}

/* "1.00 and above" / "above 1.00": the lower bound of status class k. */
static const char *
class_floor(char *buf, size_t n, const nbl__sd_classes *cl, int k)
{
    char v[64];
    if (k <= 0)
        snprintf(buf, n, "%s", T_("any value"));
    else if (cl->on_lower[k - 1])
        snprintf(buf, n, T_("above %s"), fmtn(v, sizeof v, cl->cut[k - 1], 2));
    else
        snprintf(buf, n, T_("%s and above"),
                 fmtn(v, sizeof v, cl->cut[k - 1], 2));
    return buf;
}

static const char *
class_words(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s", name);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
    return buf;
}

/* The indicators in words: the built-in ones as before, others listed. */
static const char *
sd_indicators(char *buf, size_t n, const nbl__sdconf *c)
{
    size_t len;
    if (strcmp(c->method, "builtin") == 0)
        return T_("the criterion indicators");
    snprintf(buf, n, "%s", T_("the indicators "));
    for (int j = 0; j < c->nind; j++) {
        len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s%s", j ? ", " : "", c->ind[j].name,
                 c->ind[j].sign < 0 ? T_(" (reversed)") : "");
    }
    return buf;
}

/* The built-in method with its own class names (the wording, and its
 * translation, of the messages before the method became configurable). */
static int
builtin_classes(const nbl__sdconf *c)
{
    return strcmp(c->method, "builtin") == 0 && c->status.n == 4 &&
           c->dynamics.n == 3 && strcmp(c->status.name[2], "low") == 0 &&
           strcmp(c->status.name[3], "very_low") == 0 &&
           strcmp(c->dynamics.name[2], "negative") == 0 &&
           !c->status.on_lower[1] && !c->status.on_lower[2] &&
           !c->dynamics.on_lower[1];
}

static void
builtin_message(struct emit *e, const nbl_alert_config *cfg, const nbl__asd *sd,
                int vl)
{
    const nbl__sdconf *c = cfg->status_dynamics;
    double thr = c->status.cut[vl ? 2 : 1];
    char b1[64], b2[64], b3[64], b4[64];
    EMIT(e, "status_dynamics", "status_dynamics", sd->status, thr,
         vl ? cfg->sev_status_very_low : cfg->sev_status_low,
         T_("status index %s on the criterion indicators (class %s: %s "
            "and above, in standard deviations from the average of all "
            "areas) with dynamics index %s (class negative: %s and above) "
            "from %d to %d."),
         fmtn(b1, 64, sd->status, 2), vl ? T_("very low") : T_("low"),
         fmtn(b3, 64, thr, 2), fmtn(b2, 64, sd->dynamics, 2),
         fmtn(b4, 64, c->dynamics.cut[1], 2), e->year - c->dynamics_years,
         e->year);
}

/* Status/dynamics: the area's group is one of the alert groups
 * ([status_dynamics] alert_groups). The worst status class is critical. */
static void
status_dynamics_condition(struct emit *e, const nbl_alert_config *cfg,
                          const nbl__asd *sd)
{
    const nbl__sdconf *c = cfg->status_dynamics;
    char b1[64], b2[64], b3[96], b4[96], w1[NBL_SD_NAME], w2[NBL_SD_NAME];
    char inds[400];
    int worst;
    if (!sd || !c || !nbl__sd_in_groups(c, sd->sclass, sd->dclass))
        return;
    worst = sd->sclass == c->status.n - 1;
    if (builtin_classes(c) && strcmp(sd->dynamics_class, "negative") == 0 &&
        sd->sclass >= 2) {
        builtin_message(e, cfg, sd, worst);
        return;
    }
    EMIT(e, "status_dynamics", "status_dynamics", sd->status,
         sd->sclass > 0 ? c->status.cut[sd->sclass - 1] : NAN,
         worst ? cfg->sev_status_very_low : cfg->sev_status_low,
         T_("status index %s on %s (class %s: %s, in standard deviations "
            "from the average of all areas) with dynamics index %s (class "
            "%s: %s) from %d to %d."),
         fmtn(b1, 64, sd->status, 2), sd_indicators(inds, sizeof inds, c),
         class_words(w1, sizeof w1, sd->status_class),
         class_floor(b3, sizeof b3, &c->status, sd->sclass),
         fmtn(b2, 64, sd->dynamics, 2),
         class_words(w2, sizeof w2, sd->dynamics_class),
         class_floor(b4, sizeof b4, &c->dynamics, sd->dclass),
         e->year - c->dynamics_years, e->year);
}

static void
safety_conditions(struct emit *e, const nbl_alert_config *cfg)
{
    int y = e->year;
    const nbl__asafety *s = nbl__aarea_safety(e->a, y);
    const nbl__asafety *ps = nbl__aarea_safety(e->a, y - 1);
    char b1[64], b2[64], b3[64], b4[64];
    if (!s || isnan(s->index))
        return;
    int crit = s->index < cfg->safety_critical;
    if (crit || s->index < cfg->safety_warning) {
        double thr = crit ? cfg->safety_critical : cfg->safety_warning;
        char band[80] = "";
        if (e->text && s->band[0])
            snprintf(band, sizeof band, T_(" (band: %s)"), s->band);
        EMIT(e, "safety", "safety_index", s->index, thr,
             crit ? cfg->sev_safety_band_critical : cfg->sev_safety_band,
             T_("safety index %s in %d, under %s%s (100 = municipal "
                "reference)."),
             fmtn(b1, 64, s->index, 1), y, fmtt(b2, 64, thr, 1), band);
    }
    if (ps && !isnan(ps->index) && ps->index - s->index > cfg->safety_drop)
        EMIT(e, "safety", "safety_drop", ps->index - s->index, cfg->safety_drop,
             cfg->sev_safety_drop,
             T_("safety index down %s points from %s in %d to %s in %d "
                "(alert at a drop of more than %s)."),
             fmtn(b1, 64, ps->index - s->index, 1), fmtn(b2, 64, ps->index, 1),
             y - 1, fmtn(b3, 64, s->index, 1), y,
             fmtt(b4, 64, cfg->safety_drop, 1));
}

int
nbl__alerts_area_conditions(const nbl__aarea *a, const nbl_alert_config *cfg,
                            int year, const nbl__asd *sd, int text,
                            nbl_alert_list *out)
{
    struct emit e = {a, year, text, out, NBL_OK};
    const nbl__acat *cat = nbl__aarea_cat(a, year);
    for (size_t i = 0; i < a->n_crit; i++)
        if (a->crit[i].year == year)
            criterion_conditions(&e, cfg, &a->crit[i]);
    if (cat && strcmp(cat->category, "not_evaluable") == 0)
        note_not_evaluable(&e);
    if (cat) {
        category_changes(&e, cfg, cat, prev_cat(a, year));
        category_status(&e, cat, prev_cat(a, year));
        category_approaching(&e, cfg, cat);
        category_countdown(&e, cfg, cat);
    }
    status_dynamics_condition(&e, cfg, sd);
    safety_conditions(&e, cfg);
    return e.rc;
}
