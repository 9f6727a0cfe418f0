/*
 * plancmp.c - plan comparison arithmetic (see plancmp.h).
 *
 * For plan P and indicator i:
 *   baseline year b = start_year - 1; latest year l = min(end_year,
 *   last_year). An area takes part when it has a value and a population in
 *   both b and l; the others are listed in `missing`, never silently left
 *   out. Value at year y = sum(pop_a,y * v_a,y) / sum(pop_a,y) over the
 *   participating areas (population-weighted mean). change = latest -
 *   baseline. The comparison group is every area in no plan whose period
 *   (its baseline year through its end year) overlaps [b, l], restricted to
 *   the municipalities of P's areas unless comparison_all; same arithmetic.
 *   did = change - cmp_change. A target is a level: met when the latest
 *   value is at or below it (higher is worse) or at or above it (higher is
 *   better). When no plan area has both years, the latest value alone is
 *   published (over the areas with a latest value) and the target judged on
 *   it; change and did stay null (status missing, latest_status ok).
 *   Disclosure control: an area with fewer than min_pop_publish residents
 *   in b or l takes part in no aggregate (plan, comparison, latest only),
 *   so that no aggregate can be differenced to recover its value; it is
 *   listed in `missing` and `suppressed`, and its category in that year is
 *   not shown in the transitions.
 */
#include "model/plancmp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static double
val_at(const nbl__pc_area *a, int n_ind, int ind, int year)
{
    int k = year - a->first_year;
    if (k < 0 || k >= a->n_years)
        return NAN;
    return a->values[(size_t)k * (size_t)n_ind + (size_t)ind];
}

static double
pop_at(const nbl__pc_area *a, int year)
{
    int k = year - a->first_year;
    if (k < 0 || k >= a->n_years)
        return NAN;
    return a->pop[k];
}

static const char *
cat_at(const nbl__pc_area *a, int year)
{
    int k = year - a->first_year;
    if (k < 0 || k >= a->n_years)
        return NULL;
    return a->category[k];
}

/* Too few residents to publish anything about the area that year (a
 * missing population never suppresses: it is missing). */
static int
small_at(const nbl__pc_input *in, const nbl__pc_area *a, int year)
{
    double p = pop_at(a, year);
    return in->min_pop_publish > 0 && !isnan(p) && p < in->min_pop_publish;
}

static int
small(const nbl__pc_input *in, int area, int b, int l)
{
    return small_at(in, &in->areas[area], b) ||
           small_at(in, &in->areas[area], l);
}

static int
in_plan(const nbl__pc_plan *p, int area)
{
    for (int i = 0; i < p->n_areas; i++)
        if (p->areas[i] == area)
            return 1;
    return 0;
}

/* True if area belongs to any plan whose period overlaps [b, l]. */
static int
in_any_plan(const nbl__pc_input *in, int area, int b, int l)
{
    for (int p = 0; p < in->n_plans; p++) {
        const nbl__pc_plan *q = &in->plans[p];
        if (q->start_year - 1 <= l && q->end_year >= b && in_plan(q, area))
            return 1;
    }
    return 0;
}

static int
same_municipality(const nbl__pc_input *in, const nbl__pc_plan *p, int area)
{
    const char *m = in->areas[area].municipality;
    for (int i = 0; i < p->n_areas; i++) {
        const char *pm = in->areas[p->areas[i]].municipality;
        if (m && pm && strcmp(m, pm) == 0)
            return 1;
    }
    return 0;
}

struct agg {
    double wsum_b, wsum_l, pop_b, pop_l;
    int n;
};

static void
agg_add(struct agg *g, const nbl__pc_input *in, int area, int ind, int b, int l)
{
    const nbl__pc_area *a = &in->areas[area];
    g->wsum_b += pop_at(a, b) * val_at(a, in->n_ind, ind, b);
    g->wsum_l += pop_at(a, l) * val_at(a, in->n_ind, ind, l);
    g->pop_b += pop_at(a, b);
    g->pop_l += pop_at(a, l);
    g->n++;
}

static int
usable(const nbl__pc_input *in, int area, int ind, int b, int l)
{
    const nbl__pc_area *a = &in->areas[area];
    double pb = pop_at(a, b), pl = pop_at(a, l);
    return !isnan(val_at(a, in->n_ind, ind, b)) &&
           !isnan(val_at(a, in->n_ind, ind, l)) && !isnan(pb) && !isnan(pl) &&
           pb > 0 && pl > 0;
}

static void
agg_finish(const struct agg *g, double min_pop, double *base, double *latest,
           double *change, int *status)
{
    *base = *latest = *change = NAN;
    if (g->n == 0) {
        *status = NBL_PC_MISSING;
        return;
    }
    if (g->pop_b < min_pop || g->pop_l < min_pop) {
        *status = NBL_PC_SUPPRESSED;
        return;
    }
    *base = g->wsum_b / g->pop_b;
    *latest = g->wsum_l / g->pop_l;
    *change = *latest - *base;
    *status = NBL_PC_OK;
}

/* No plan area has a value in both years (e.g. a survey that began after
 * the baseline): the latest value is still published, as the
 * population-weighted mean over the areas with a latest value, so the target
 * (a level in the latest year) can be judged; change and did stay null. */
static void
latest_only(const nbl__pc_input *in, const nbl__pc_plan *pl, int ind, int b,
            int l, nbl__pc_result *r)
{
    double wsum = 0, pop = 0;
    int n = 0;
    for (int k = 0; k < pl->n_areas; k++) {
        const nbl__pc_area *a = &in->areas[pl->areas[k]];
        double v = val_at(a, in->n_ind, ind, l), p = pop_at(a, l);
        if (isnan(v) || isnan(p) || p <= 0 || small(in, pl->areas[k], b, l))
            continue;
        wsum += p * v;
        pop += p;
        n++;
    }
    if (n > 0 && pop >= in->min_pop_publish) {
        r->latest = wsum / pop;
        r->latest_status = NBL_PC_OK;
    } else if (n > 0) {
        r->latest_status = NBL_PC_SUPPRESSED;
    }
}

static int
list_add(nbl__buf *b, const char *id)
{
    return (b->len && nbl__buf_append(b, "|", 1)) ||
           nbl__buf_append(b, id, strlen(id));
}

/* The latest year a plan is judged in: its end, or the last year with
 * results while it runs. */
static int
plan_latest(const nbl__pc_input *in, const nbl__pc_plan *pl)
{
    return pl->end_year < in->last_year ? pl->end_year : in->last_year;
}

/* The plan's own aggregate of indicator i: the usable areas in g, the
 * others listed as missing and as suppressed (too small) or without data.
 * -1 when out of memory (the lists are freed then). */
static int
plan_areas_agg(const nbl__pc_input *in, const nbl__pc_plan *pl, int i, int b,
               int l, struct agg *g, nbl__pc_result *r, int *n_supp)
{
    nbl__buf miss = {0}, supp = {0}, nodata = {0};
    *n_supp = 0;
    for (int k = 0; k < pl->n_areas; k++) {
        int a = pl->areas[k], sm = small(in, a, b, l);
        if (l > b && !sm && usable(in, a, i, b, l)) {
            agg_add(g, in, a, i, b, l);
            continue;
        }
        *n_supp += sm;
        if (list_add(&miss, in->areas[a].area_id) ||
            list_add(sm ? &supp : &nodata, in->areas[a].area_id)) {
            nbl__buf_free(&miss);
            nbl__buf_free(&supp);
            nbl__buf_free(&nodata);
            return -1;
        }
    }
    r->missing = miss.s;
    r->suppressed = supp.s;
    r->no_data = nodata.s;
    return 0;
}

/* The comparison group's aggregate: areas in no plan over b..l, in the
 * plan's municipalities unless comparison_all. */
static void
comparison_agg(const nbl__pc_input *in, const nbl__pc_plan *pl, int i, int b,
               int l, struct agg *c)
{
    for (int a = 0; a < in->n_areas && l > b; a++) {
        if (in_any_plan(in, a, b, l))
            continue;
        if (!in->comparison_all && !same_municipality(in, pl, a))
            continue;
        if (!small(in, a, b, l) && usable(in, a, i, b, l))
            agg_add(c, in, a, i, b, l);
    }
}

/* Plan p, indicator i: baseline, latest, change, comparison, did, target. */
static int
plan_result(const nbl__pc_input *in, int p, int i, nbl__pc_result *r)
{
    const nbl__pc_plan *pl = &in->plans[p];
    int b = pl->start_year - 1, l = plan_latest(in, pl), n_supp;
    struct agg g = {0}, c = {0};
    r->plan = p;
    r->ind = i;
    r->baseline_year = b;
    r->latest_year = l;
    if (plan_areas_agg(in, pl, i, b, l, &g, r, &n_supp))
        return -1;
    comparison_agg(in, pl, i, b, l, &c);
    agg_finish(&g, in->min_pop_publish, &r->baseline, &r->latest, &r->change,
               &r->status);
    agg_finish(&c, in->min_pop_publish, &r->cmp_baseline, &r->cmp_latest,
               &r->cmp_change, &r->cmp_status);
    if (g.n == 0 && n_supp > 0 && n_supp == pl->n_areas)
        r->status = NBL_PC_SUPPRESSED; /* every area too small */
    r->latest_status = r->status;
    r->n_used = g.n;
    r->n_cmp = c.n;
    r->did = (r->status == NBL_PC_OK && r->cmp_status == NBL_PC_OK)
                 ? r->change - r->cmp_change
                 : NAN;
    if (g.n == 0 && l >= b)
        latest_only(in, pl, i, b, l, r);
    r->target = pl->targets[i];
    r->target_met = -1;
    if (!isnan(r->target) && !isnan(r->latest))
        r->target_met = in->higher_is_better[i] ? r->latest >= r->target
                                                : r->latest <= r->target;
    return 0;
}

/* Category transitions of each plan's areas, baseline -> latest. */
static int
plan_transitions(const nbl__pc_input *in, nbl__pc_output *out)
{
    size_t n = 0;
    for (int p = 0; p < in->n_plans; p++)
        n += (size_t)in->plans[p].n_areas;
    if (n && !(out->transitions = calloc(n, sizeof *out->transitions)))
        return -1;
    for (int p = 0; p < in->n_plans; p++) {
        const nbl__pc_plan *pl = &in->plans[p];
        int b = pl->start_year - 1, l = plan_latest(in, pl);
        for (int k = 0; k < pl->n_areas; k++) {
            nbl__pc_transition *t = &out->transitions[out->n_transitions++];
            const nbl__pc_area *a = &in->areas[pl->areas[k]];
            t->plan = p;
            t->area = pl->areas[k];
            t->from_suppressed = small_at(in, a, b);
            t->to_suppressed = l > b && small_at(in, a, l);
            t->from = t->from_suppressed ? NULL : cat_at(a, b);
            t->to = l > b && !t->to_suppressed ? cat_at(a, l) : NULL;
        }
    }
    return 0;
}

/* The area ids plans p and q share ('|'-joined into b); 0 when none. */
static int
shared_areas(const nbl__pc_input *in, int p, int q, nbl__buf *b)
{
    const nbl__pc_plan *pp = &in->plans[p];
    int n = 0;
    for (int k = 0; k < pp->n_areas; k++)
        if (in_plan(&in->plans[q], pp->areas[k])) {
            if (list_add(b, in->areas[pp->areas[k]].area_id))
                return -1;
            n++;
        }
    return n;
}

/* Every ordered pair of plans whose periods share a year and whose areas
 * share an area. */
static int
plan_overlaps(const nbl__pc_input *in, nbl__pc_output *out)
{
    for (int p = 0; p < in->n_plans; p++)
        for (int q = 0; q < in->n_plans; q++) {
            const nbl__pc_plan *a = &in->plans[p], *c = &in->plans[q];
            int from =
                a->start_year > c->start_year ? a->start_year : c->start_year;
            int to = a->end_year < c->end_year ? a->end_year : c->end_year;
            nbl__buf b = {0};
            nbl__pc_overlap *w;
            int n;
            if (p == q || from > to)
                continue;
            if ((n = shared_areas(in, p, q, &b)) <= 0) {
                nbl__buf_free(&b);
                if (n < 0)
                    return -1;
                continue;
            }
            w = realloc(out->overlaps, (out->n_overlaps + 1) * sizeof *w);
            if (!w) {
                nbl__buf_free(&b);
                return -1;
            }
            out->overlaps = w;
            w[out->n_overlaps++] = (nbl__pc_overlap){p, q, from, to, b.s};
        }
    return 0;
}

int
nbl__pc_compute(const nbl__pc_input *in, nbl__pc_output *out)
{
    memset(out, 0, sizeof *out);
    out->n_results = (size_t)in->n_plans * (size_t)in->n_ind;
    if (out->n_results) {
        out->results = calloc(out->n_results, sizeof *out->results);
        if (!out->results)
            return -1;
    }
    for (int p = 0; p < in->n_plans; p++)
        for (int i = 0; i < in->n_ind; i++)
            if (plan_result(
                    in, p, i,
                    &out->results[(size_t)p * (size_t)in->n_ind + (size_t)i]))
                goto oom;
    if (plan_transitions(in, out) || plan_overlaps(in, out))
        goto oom;
    return 0;
oom:
    nbl__pc_output_free(out);
    return -1;
}

void
nbl__pc_output_free(nbl__pc_output *out)
{
    for (size_t i = 0; i < out->n_results; i++) {
        free(out->results[i].missing);
        free(out->results[i].suppressed);
        free(out->results[i].no_data);
    }
    free(out->results);
    free(out->transitions);
    for (size_t i = 0; i < out->n_overlaps; i++)
        free(out->overlaps[i].areas);
    free(out->overlaps);
    memset(out, 0, sizeof *out);
}
