/*
 * criteria.c - the arithmetic of the statutory area criteria and the
 * category decision with not-evaluable criteria (see criteria.h, and
 * docs/criteria.md for the user-facing rules).
 *
 * Category decision: every criterion that is not evaluable may turn out
 * met or not (and met or not at its lower threshold); the category is
 * decided when every such completion gives the same category, otherwise it
 * is not_evaluable. The same three-valued reasoning extends over the
 * omdannelse history: a history year that cannot be decided makes the
 * outcome undecided unless the ruleset says unknown_history = not_met.
 */
#include "model/criteria.h"

#include <math.h>
#include <string.h>

/* Bits of the possible per-year classes. */
enum { C_NONE = 1, C_FORE = 2, C_UDSAT = 4, C_PAR = 8 };

int
nbl__crit_compare(nbl__op op, double v, double t)
{
    int eq = fabs(v - t) <= 1e-9 * fmax(1.0, fabs(t));
    switch (op) {
    case NBL_OP_GT:
        return v > t && !eq;
    case NBL_OP_GE:
        return v > t || eq;
    case NBL_OP_LT:
        return v < t && !eq;
    case NBL_OP_LE:
        return v < t || eq;
    default:
        return 0;
    }
}

const char *
nbl__crit_status_name(nbl__crit_status s)
{
    static const char *const n[] = {"ok", "missing", "not_evaluable"};
    return n[s];
}

static double
cell(const double *tab, const nbl__crit_table *t, int year, int var)
{
    int row = year - t->first_year;
    if (!tab || var < 0 || row < 0 || row >= t->nyears)
        return NAN;
    return tab[(size_t)row * (size_t)t->nvars + (size_t)var];
}

/* Share (percent) of num in den over the window ending at year. A year
 * whose counts are missing takes the criterion's share variable (percent)
 * when there is one: counts win where both are present. With any year from
 * a share the window mean is the mean of the yearly shares (pooling needs
 * counts). */
static nbl__crit_status
window_share(const double *tab, const nbl__crit_table *t,
             const nbl__criterion *c, nbl__avg avg, int year, double *out)
{
    double sum_share = 0, sum_n = 0, sum_d = 0;
    int zero = 0, from_share = 0;
    *out = NAN;
    for (int y = year - c->window + 1; y <= year; y++) {
        double n = cell(tab, t, y, c->num), d = cell(tab, t, y, c->den);
        if (isnan(n) || isnan(d)) {
            double sh = cell(tab, t, y, c->share_idx);
            if (isnan(sh))
                return NBL_CS_MISSING;
            sum_share += sh;
            from_share = 1;
            continue;
        }
        if (d <= 0) {
            zero = 1;
            continue;
        }
        sum_share += 100.0 * n / d;
        sum_n += n;
        sum_d += d;
    }
    if (zero)
        return NBL_CS_NOT_EVALUABLE;
    *out = avg == NBL_AVG_POOLED && !from_share ? 100.0 * sum_n / sum_d
                                                : sum_share / c->window;
    return NBL_CS_OK;
}

/* Mean income of one year: sum / count, or the mean variable. */
static nbl__crit_status
year_mean(const double *tab, const nbl__crit_table *t, const nbl__criterion *c,
          int year, double *mean, double *weight)
{
    double sum = cell(tab, t, year, c->num), cnt = cell(tab, t, year, c->den);
    double m = cell(tab, t, year, c->mean_idx);
    *weight = cnt;
    if (!isnan(sum) && !isnan(cnt)) {
        if (cnt <= 0)
            return NBL_CS_NOT_EVALUABLE;
        *mean = sum / cnt;
        return NBL_CS_OK;
    }
    if (!isnan(m)) {
        *mean = m;
        return NBL_CS_OK;
    }
    return NBL_CS_MISSING;
}

/* Window mean income of a table: pooled = weighted by the number of
 * taxpayers when every year has it (else the plain mean of the means). */
static nbl__crit_status
window_mean(const double *tab, const nbl__crit_table *t,
            const nbl__criterion *c, nbl__avg avg, int year, double means[],
            double *pooled)
{
    double sw = 0, swm = 0, sm = 0;
    int weighted = 1;
    for (int k = 0; k < c->window; k++) {
        double w;
        nbl__crit_status s =
            year_mean(tab, t, c, year - c->window + 1 + k, &means[k], &w);
        if (s != NBL_CS_OK)
            return s;
        if (isnan(w) || w <= 0)
            weighted = 0;
        else {
            sw += w;
            swm += w * means[k];
        }
        sm += means[k];
    }
    *pooled = avg == NBL_AVG_POOLED && weighted ? swm / sw : sm / c->window;
    return NBL_CS_OK;
}

/* kind country: the area's share as a ratio to the country's share; with
 * no country share, the country's printed threshold share (threshold_share)
 * stands for threshold x the country share. */
static nbl__crit_status
eval_country(const nbl__criterion *c, const nbl__crit_table *t, nbl__avg avg,
             int year, nbl__crit_result *out)
{
    double cs, thr;
    nbl__crit_status s = window_share(t->area, t, c, avg, year, &out->value);
    if (s != NBL_CS_OK)
        return s;
    if (t->country &&
        window_share(t->country, t, c, avg, year, &cs) == NBL_CS_OK && cs > 0) {
        out->ratio = out->value / cs;
        return NBL_CS_OK;
    }
    thr = cell(t->country, t, year, c->thr_idx);
    if (isnan(thr) || thr <= 0)
        return NBL_CS_NOT_EVALUABLE;
    out->ratio = out->value * c->threshold / thr;
    return NBL_CS_OK;
}

/* kind region_mean: 100 x area mean / region mean; when that cannot be
 * formed, the area's share variable (percent of the regional mean) over
 * the window. */
static nbl__crit_status
eval_region(const nbl__criterion *c, const nbl__crit_table *t, nbl__avg avg,
            int year, nbl__crit_result *out)
{
    double am[NBL_RS_MAX_WINDOW], rm[NBL_RS_MAX_WINDOW], ap, rp, s = 0;
    nbl__crit_status st = window_mean(t->area, t, c, avg, year, am, &ap);
    if (st == NBL_CS_OK &&
        (!t->region ||
         window_mean(t->region, t, c, avg, year, rm, &rp) != NBL_CS_OK))
        st = NBL_CS_NOT_EVALUABLE;
    for (int k = 0; st == NBL_CS_OK && k < c->window; k++)
        if (rm[k] <= 0)
            st = NBL_CS_NOT_EVALUABLE;
    if (st == NBL_CS_OK) {
        if (avg == NBL_AVG_POOLED) {
            out->value = 100.0 * ap / rp;
            return NBL_CS_OK;
        }
        for (int k = 0; k < c->window; k++)
            s += 100.0 * am[k] / rm[k];
        out->value = s / c->window;
        return NBL_CS_OK;
    }
    for (int y = year - c->window + 1; y <= year; y++) {
        double v = cell(t->area, t, y, c->share_idx);
        if (isnan(v))
            return st;
        s += v;
    }
    out->value = s / c->window;
    return NBL_CS_OK;
}

static nbl__crit_status
eval_count(const nbl__criterion *c, const nbl__crit_table *t, int year,
           nbl__crit_result *out)
{
    double s = 0;
    for (int y = year - c->window + 1; y <= year; y++) {
        double v = cell(t->area, t, y, c->num);
        if (isnan(v))
            return NBL_CS_MISSING;
        s += v;
    }
    out->value = s / c->window;
    return NBL_CS_OK;
}

void
nbl__criterion_eval(const nbl__ruleset *rs, int ci, const nbl__crit_table *t,
                    int year, nbl__crit_result *out)
{
    const nbl__criterion *c = &rs->crit[ci];
    nbl__avg avg = c->average != NBL_AVG_DEFAULT ? c->average : rs->average;
    double cmp;

    out->value = out->ratio = NAN;
    out->threshold = c->threshold;
    out->threshold_low = c->threshold_low;
    out->met = out->met_low = -1;
    switch (c->kind) {
    case NBL_CK_SHARE:
        out->status = window_share(t->area, t, c, avg, year, &out->value);
        break;
    case NBL_CK_COUNTRY:
        out->status = eval_country(c, t, avg, year, out);
        if (out->status == NBL_CS_NOT_EVALUABLE)
            return; /* the area's value stays: only the reference is
                       missing */
        break;
    case NBL_CK_REGION_MEAN:
        out->status = eval_region(c, t, avg, year, out);
        break;
    case NBL_CK_COUNT:
        out->status = eval_count(c, t, year, out);
        break;
    default:
        out->status = NBL_CS_NOT_EVALUABLE;
    }
    if (out->status != NBL_CS_OK) {
        out->value = out->ratio = NAN;
        return;
    }
    cmp = c->kind == NBL_CK_COUNTRY ? out->ratio : out->value;
    out->met = nbl__crit_compare(c->op, cmp, c->threshold);
    if (isfinite(c->threshold_low))
        out->met_low = nbl__crit_compare(c->op, cmp, c->threshold_low);
}

/* ---- category decision ---- */

struct enum_state {
    const nbl__ruleset *rs;
    int met[NBL_RS_MAX_CRIT], low[NBL_RS_MAX_CRIT];
    int unknown[NBL_RS_MAX_CRIT], nunknown;
    int mask;
};

static int
classify(const nbl__ruleset *rs, const int *met, const int *low)
{
    int size = rs->size_idx < 0 || met[rs->size_idx] == 1;
    int m = 0, ml = 0, udsat;
    for (int k = 0; k < rs->ncounted; k++) {
        m += met[rs->counted[k]] == 1;
        ml += low[rs->counted[k]] == 1;
    }
    udsat = size && m >= rs->needed;
    if (udsat)
        return rs->parallel_idx >= 0 && met[rs->parallel_idx] == 1 ? C_PAR
                                                                   : C_UDSAT;
    if (rs->forebyggelse && size &&
        (rs->parallel_idx < 0 || low[rs->parallel_idx] == 1) &&
        ml >= rs->forebyggelse_needed)
        return C_FORE;
    return C_NONE;
}

/* Whether met at the lower threshold follows from met (the lower
 * threshold is at least as lax), so (met, not met_low) cannot happen. */
static int
low_is_laxer(const nbl__criterion *c)
{
    if (c->op == NBL_OP_GT || c->op == NBL_OP_GE)
        return c->threshold_low <= c->threshold;
    return c->threshold_low >= c->threshold;
}

static void
enumerate(struct enum_state *e, int k)
{
    int ci;
    const nbl__criterion *c;
    if (k == e->nunknown) {
        e->mask |= classify(e->rs, e->met, e->low);
        return;
    }
    ci = e->unknown[k];
    c = &e->rs->crit[ci];
    for (int m = 0; m <= 1; m++) {
        e->met[ci] = m;
        if (!isfinite(c->threshold_low)) {
            e->low[ci] = -1;
            enumerate(e, k + 1);
            continue;
        }
        for (int l = 0; l <= 1; l++) {
            if (m && !l && low_is_laxer(c))
                continue;
            e->low[ci] = l;
            enumerate(e, k + 1);
        }
    }
}

static int
used(const nbl__ruleset *rs, int ci)
{
    if (ci == rs->size_idx || ci == rs->parallel_idx)
        return 1;
    for (int k = 0; k < rs->ncounted; k++)
        if (rs->counted[k] == ci)
            return 1;
    return 0;
}

/* The classes the year could have, given the criteria results. */
static int
possible(const nbl__ruleset *rs, const nbl__crit_result *res)
{
    struct enum_state e;
    memset(&e, 0, sizeof e);
    e.rs = rs;
    for (int i = 0; i < rs->ncrit; i++) {
        e.met[i] = res[i].met;
        e.low[i] = res[i].met_low;
        if (res[i].status != NBL_CS_OK && used(rs, i))
            e.unknown[e.nunknown++] = i;
    }
    enumerate(&e, 0);
    return e.mask;
}

/* Parallelsamfund in year: 1, 0 or -1 (cannot be decided). */
static int
parallel_in(const nbl__ruleset *rs, const nbl__crit_table *t, int year)
{
    nbl__crit_result res[NBL_RS_MAX_CRIT];
    int mask;
    if (rs->parallel_idx < 0)
        return 0;
    for (int i = 0; i < rs->ncrit; i++)
        nbl__criterion_eval(rs, i, t, year, &res[i]);
    mask = possible(rs, res);
    if (mask == C_PAR)
        return 1;
    return (mask & C_PAR) ? -1 : 0;
}

void
nbl__criteria_eval(const nbl__ruleset *rs, const nbl__crit_table *t, int year,
                   nbl__crit_result *res, nbl__cat_result *cat)
{
    int mask, final = 0, nbits = 0, n;
    enum { F_OMD = 16 };

    memset(cat, 0, sizeof *cat);
    for (int i = 0; i < rs->ncrit; i++)
        nbl__criterion_eval(rs, i, t, year, &res[i]);
    for (int k = 0; k < rs->ncounted; k++) {
        const nbl__crit_result *r = &res[rs->counted[k]];
        cat->criteria_met += r->met == 1;
        cat->criteria_met_low += r->met_low == 1;
        cat->criteria_not_evaluable += r->status != NBL_CS_OK;
    }
    cat->criteria_needed = rs->needed;
    n = nbl__ruleset_omdannelse_years(rs, year);
    cat->omdannelse_years = n;

    mask = possible(rs, res);
    cat->parallel = mask == C_PAR ? 1 : (mask & C_PAR) ? -1 : 0;
    if (cat->parallel == 1) {
        /* consecutive parallelsamfund years ending now; the table bounds
         * the search (years before it are unknown, not parallelsamfund) */
        int y = year - 1;
        cat->parallel_years = 1;
        while (y >= t->first_year && parallel_in(rs, t, y) == 1) {
            cat->parallel_years++;
            y--;
        }
    }

    final = mask & ~C_PAR;
    if (mask & C_PAR) {
        if (n <= 0) {
            final |= C_PAR;
        } else {
            /* history: parallelsamfund in each of the n - 1 earlier years */
            int hist = 1;
            for (int k = 1; k < n && hist != 0; k++) {
                int p = parallel_in(rs, t, year - k);
                if (p == -1 && rs->unknown_history_not_met)
                    p = 0;
                if (p == 0)
                    hist = 0;
                else if (p == -1)
                    hist = -1;
            }
            final |= hist == 1 ? F_OMD : hist == 0 ? C_PAR : (C_PAR | F_OMD);
        }
    }
    for (int b = 1; b <= F_OMD; b <<= 1)
        nbits += (final & b) != 0;
    if (nbits != 1)
        cat->category = NBL_CAT_NOT_EVALUABLE;
    else if (final & F_OMD)
        cat->category = NBL_CAT_OMDANNELSE;
    else if (final & C_PAR)
        cat->category = NBL_CAT_PARALLEL;
    else if (final & C_UDSAT)
        cat->category = NBL_CAT_UDSAT;
    else if (final & C_FORE)
        cat->category = NBL_CAT_FOREBYGGELSE;
    else
        cat->category = NBL_CAT_NONE;
}
