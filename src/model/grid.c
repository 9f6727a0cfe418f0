/*
 * grid.c - cell ids, weights and sums of grid statistics (see grid.h).
 *
 * The accumulator holds, per (year, variable) pair, two arrays over the
 * areas: the weighted sum and the missing (suppressed) area in m². A pair's
 * arrays are allocated when its first value arrives, so memory is
 * pairs x areas x 16 bytes, independent of the number of cells.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/grid.h"

/* One network of the kvadratnet. */
typedef struct network {
    const char *prefix; /* including the '_' */
    double size;        /* side in metres */
    double unit;        /* metres per unit of the id's numbers */
    int ndig_n, ndig_e; /* digits of N and E */
    long step;          /* N and E must be multiples of this */
} network;

static const network networks[] = {
    {"100m_", 100, 100, 5, 4, 1},     {"250m_", 250, 10, 6, 5, 25},
    {"1km_", 1000, 1000, 4, 3, 1},    {"10km_", 10000, 10000, 3, 2, 1},
    {"50km_", 50000, 10000, 3, 2, 5}, {"100km_", 100000, 100000, 2, 1, 1},
};

/* Reads exactly ndig ASCII digits from *p; -1 when not. */
static long
digits(const char **p, int ndig)
{
    long v = 0;
    for (int i = 0; i < ndig; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += ndig;
    return v;
}

int
nbl__grid_parse_id(const char *s, nbl__grid_cell *out, const char **why)
{
    static const char *bad =
        "not a kvadratnet cell id (expected 100m_NNNNN_EEEE, "
        "250m_NNNNNN_EEEEE, 1km_NNNN_EEE, 10km_NNN_EE, 50km_NNN_EE or "
        "100km_NN_E)";
    for (size_t k = 0; k < sizeof networks / sizeof networks[0]; k++) {
        const network *nw = &networks[k];
        size_t lp = strlen(nw->prefix);
        const char *p = s;
        long n, e;
        if (strncmp(s, nw->prefix, lp) != 0)
            continue;
        p += lp;
        n = digits(&p, nw->ndig_n);
        if (n < 0 || *p != '_') {
            *why = bad;
            return -1;
        }
        p++;
        e = digits(&p, nw->ndig_e);
        if (e < 0 || *p != '\0') {
            *why = bad;
            return -1;
        }
        if (n % nw->step || e % nw->step) {
            *why = nw->step == 25 ? "250 m cell corner not on the 250 m grid "
                                    "(N and E must be multiples of 25)"
                                  : "50 km cell corner not on the 50 km grid "
                                    "(N and E must be multiples of 5)";
            return -1;
        }
        out->n = (double)n * nw->unit;
        out->e = (double)e * nw->unit;
        out->size = nw->size;
        return 0;
    }
    *why = bad;
    return -1;
}

double
nbl__grid_weight(double overlap_m2, double cell_m2)
{
    double w;
    if (!(cell_m2 > 0) || !(overlap_m2 > 0))
        return 0;
    w = overlap_m2 / cell_m2;
    return w > 1 ? 1 : w;
}

size_t
nbl__grid_centroid_pick(const int *where, size_t n, double *w)
{
    size_t got = 0, first_edge = n;
    for (size_t i = 0; i < n; i++) {
        w[i] = where[i] == 2 ? 1 : 0;
        got += where[i] == 2;
        if (where[i] == 1 && first_edge == n)
            first_edge = i;
    }
    if (got == 0 && first_edge < n) {
        w[first_edge] = 1;
        got = 1;
    }
    return got;
}

typedef struct block {
    double *sum, *miss; /* NULL until the pair's first value */
} block;

struct nbl__grid_acc {
    size_t nareas;
    unsigned char *touched;
    block *b;
    size_t nb, cap;
};

nbl__grid_acc *
nbl__grid_acc_new(size_t nareas)
{
    nbl__grid_acc *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->nareas = nareas;
    a->touched = calloc(nareas ? nareas : 1, 1);
    if (!a->touched) {
        free(a);
        return NULL;
    }
    return a;
}

void
nbl__grid_acc_free(nbl__grid_acc *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nb; i++) {
        free(a->b[i].sum);
        free(a->b[i].miss);
    }
    free(a->b);
    free(a->touched);
    free(a);
}

static block *
get_block(nbl__grid_acc *a, size_t pair)
{
    if (pair >= a->cap) {
        size_t nc = a->cap ? a->cap : 16;
        block *nb;
        while (nc <= pair)
            nc *= 2;
        nb = realloc(a->b, nc * sizeof *nb);
        if (!nb)
            return NULL;
        memset(nb + a->cap, 0, (nc - a->cap) * sizeof *nb);
        a->b = nb;
        a->cap = nc;
    }
    if (pair >= a->nb)
        a->nb = pair + 1;
    if (!a->b[pair].sum) {
        size_t n = a->nareas ? a->nareas : 1;
        a->b[pair].sum = calloc(n, sizeof(double));
        a->b[pair].miss = calloc(n, sizeof(double));
        if (!a->b[pair].sum || !a->b[pair].miss) {
            free(a->b[pair].sum);
            free(a->b[pair].miss);
            a->b[pair].sum = a->b[pair].miss = NULL;
            return NULL;
        }
    }
    return &a->b[pair];
}

void
nbl__grid_acc_touch(nbl__grid_acc *a, const nbl__grid_part *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (parts[i].area < a->nareas)
            a->touched[parts[i].area] = 1;
}

int
nbl__grid_acc_add(nbl__grid_acc *a, size_t pair, const nbl__grid_part *parts,
                  size_t n, double value)
{
    block *b = get_block(a, pair);
    if (!b)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t k = parts[i].area;
        if (k >= a->nareas)
            continue;
        a->touched[k] = 1;
        if (isnan(value))
            b->miss[k] += parts[i].overlap_m2;
        else
            b->sum[k] += value * parts[i].w;
    }
    return 0;
}

int
nbl__grid_acc_touched(const nbl__grid_acc *a, size_t area)
{
    return area < a->nareas && a->touched[area];
}

size_t
nbl__grid_acc_pairs(const nbl__grid_acc *a)
{
    return a->nb;
}

void
nbl__grid_acc_result(const nbl__grid_acc *a, size_t pair, size_t area,
                     double area_m2, double max_missing_share,
                     nbl__grid_result *out)
{
    double sum = 0, miss = 0;
    if (pair < a->nb && a->b[pair].sum && area < a->nareas) {
        sum = a->b[pair].sum[area];
        miss = a->b[pair].miss[area];
    }
    out->value = sum;
    out->status = NBL__GRID_OK;
    out->missing_share = 0;
    if (miss > 0)
        out->missing_share = area_m2 > 0 ? miss / area_m2 : INFINITY;
    if (out->missing_share > max_missing_share) {
        out->value = NAN;
        out->status = NBL__GRID_NOT_EVALUABLE;
    }
}
