/*
 * pip.c - point-in-polygon index (see pip.h for the boundary rule).
 *
 * Data model: each area keeps its non-horizontal edges oriented upwards
 * (y0 < y1) and bucketed into horizontal slabs of its bounding box, so a
 * test only looks at the edges whose y-range can contain the point. A
 * uniform grid over all bounding boxes lists, per cell, the areas whose box
 * touches the cell, in insertion order. Invariants: slab() and cell() are
 * monotone in their coordinate, so an edge registered from slab(y0) to
 * slab(y1) is found for every y in [y0, y1]; the orientation predicate is
 * exact (floating-point filter, expansion arithmetic when the filter cannot
 * decide), which makes the half-open rule hold exactly on shared edges.
 * Relies on IEEE double arithmetic without contraction (C11 mode).
 */
#include "model/pip.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double x0, y0, x1, y1; /* y0 <= y1; horizontal ones are not in slabs */
} edge;

typedef struct {
    double minx, miny, maxx, maxy;
    double inv_sh; /* slabs per unit of y */
    size_t e0, e1; /* raw edges [e0, e1) in p->edges */
    size_t slab0;  /* first entry of this area in p->slab_start */
    unsigned nslabs;
} area;

struct nbl__pip {
    area *areas;
    size_t na, cap_a;
    edge *edges;
    size_t ne, cap_e;
    size_t *slab_start; /* per area nslabs + 1 offsets into slab_edges */
    edge *slab_edges;
    double gx0, gy0, gx1, gy1, inv_cw, inv_ch;
    uint32_t gw, gh;
    uint32_t *cell_start; /* gw * gh + 1 offsets into cell_areas */
    uint32_t *cell_areas;
    int32_t *cell_state; /* per cell: -2 test, -1 outside, else the area */
    int built;
};

/* ---- exact orientation ------------------------------------------------ */

static void
two_sum(double a, double b, double *x, double *y)
{
    double bv, av;
    *x = a + b;
    bv = *x - a;
    av = *x - bv;
    *y = (a - av) + (b - bv);
}

static void
two_diff(double a, double b, double *x, double *y)
{
    double bv, av;
    *x = a - b;
    bv = a - *x;
    av = *x + bv;
    *y = (a - av) + (bv - b);
}

/* Adds b to the nonoverlapping expansion e (increasing magnitude). */
static size_t
grow(double *e, size_t n, double b)
{
    double q = b, h, qn;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        two_sum(q, e[i], &qn, &h);
        q = qn;
        if (h != 0.0)
            e[k++] = h;
    }
    if (q != 0.0 || k == 0)
        e[k++] = q;
    return k;
}

int
nbl__orient2d(double ax, double ay, double bx, double by, double cx, double cy)
{
    /* det = (bx-ax)(cy-ay) - (by-ay)(cx-ax), each difference split into
     * value + error, each product into value + error (fma), all summed
     * exactly; the sign is that of the largest component. */
    double a[2], b[2], c[2], d[2], e[40];
    size_t n = 0;
    two_diff(bx, ax, &a[0], &a[1]);
    two_diff(cy, ay, &b[0], &b[1]);
    two_diff(by, ay, &c[0], &c[1]);
    two_diff(cx, ax, &d[0], &d[1]);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double p = a[i] * b[j], pe = fma(a[i], b[j], -p);
            double q = c[i] * d[j], qe = fma(c[i], d[j], -q);
            n = grow(e, n, pe);
            n = grow(e, n, p);
            n = grow(e, n, -qe);
            n = grow(e, n, -q);
        }
    for (size_t i = n; i-- > 0;)
        if (e[i] != 0.0)
            return e[i] > 0 ? 1 : -1;
    return 0;
}

/* ---- building --------------------------------------------------------- */

nbl__pip *
nbl__pip_new(void)
{
    return calloc(1, sizeof(nbl__pip));
}

void
nbl__pip_free(nbl__pip *p)
{
    if (!p)
        return;
    free(p->areas);
    free(p->edges);
    free(p->slab_start);
    free(p->slab_edges);
    free(p->cell_start);
    free(p->cell_areas);
    free(p->cell_state);
    free(p);
}

size_t
nbl__pip_count(const nbl__pip *p)
{
    return p->na;
}

long
nbl__pip_begin_area(nbl__pip *p)
{
    area *a;
    if (p->na == p->cap_a) {
        size_t cap = p->cap_a ? 2 * p->cap_a : 64;
        area *n = realloc(p->areas, cap * sizeof *n);
        if (!n)
            return -1;
        p->areas = n;
        p->cap_a = cap;
    }
    a = &p->areas[p->na];
    memset(a, 0, sizeof *a);
    a->minx = a->miny = HUGE_VAL;
    a->maxx = a->maxy = -HUGE_VAL;
    a->e0 = a->e1 = p->ne;
    p->built = 0;
    return (long)p->na++;
}

int
nbl__pip_add_ring(nbl__pip *p, const double *xy, size_t n)
{
    area *a;
    if (p->na == 0 || n == 0)
        return p->na == 0 ? -1 : 0;
    a = &p->areas[p->na - 1];
    if (p->ne + n + 1 > p->cap_e) {
        size_t cap = p->cap_e ? p->cap_e : 1024;
        edge *ne;
        while (cap < p->ne + n + 1)
            cap *= 2;
        ne = realloc(p->edges, cap * sizeof *ne);
        if (!ne)
            return -1;
        p->edges = ne;
        p->cap_e = cap;
    }
    for (size_t i = 0; i < n; i++) {
        double x0 = xy[2 * i], y0 = xy[2 * i + 1];
        size_t j = i + 1 < n ? i + 1 : 0; /* closes an open ring */
        double x1 = xy[2 * j], y1 = xy[2 * j + 1];
        if (x0 < a->minx)
            a->minx = x0;
        if (x0 > a->maxx)
            a->maxx = x0;
        if (y0 < a->miny)
            a->miny = y0;
        if (y0 > a->maxy)
            a->maxy = y0;
        if (x0 == x1 && y0 == y1)
            continue; /* repeated point */
        /* horizontal edges are never crossed but kept: they are boundary
         * that the cell classification must see */
        edge *e = &p->edges[p->ne++];
        if (y0 < y1) {
            e->x0 = x0, e->y0 = y0, e->x1 = x1, e->y1 = y1;
        } else {
            e->x0 = x1, e->y0 = y1, e->x1 = x0, e->y1 = y0;
        }
    }
    a->e1 = p->ne;
    p->built = 0;
    return 0;
}

static unsigned
slab_of(const area *a, double y)
{
    double t = (y - a->miny) * a->inv_sh;
    if (!(t > 0))
        return 0;
    if (t >= a->nslabs)
        return a->nslabs - 1;
    return (unsigned)t;
}

static uint32_t
cell_x(const nbl__pip *p, double x)
{
    double t = (x - p->gx0) * p->inv_cw;
    if (!(t > 0))
        return 0;
    if (t >= p->gw)
        return p->gw - 1;
    return (uint32_t)t;
}

static uint32_t
cell_y(const nbl__pip *p, double y)
{
    double t = (y - p->gy0) * p->inv_ch;
    if (!(t > 0))
        return 0;
    if (t >= p->gh)
        return p->gh - 1;
    return (uint32_t)t;
}

static int
build_slabs(nbl__pip *p)
{
    size_t nss = 0, nse = 0;
    free(p->slab_start);
    free(p->slab_edges);
    p->slab_start = NULL;
    p->slab_edges = NULL;
    for (size_t i = 0; i < p->na; i++) {
        area *a = &p->areas[i];
        size_t ne = a->e1 - a->e0;
        unsigned ns = (unsigned)(ne / 4);
        if (ns < 1)
            ns = 1;
        if (ns > 4096)
            ns = 4096;
        if (!(a->maxy > a->miny))
            ns = 1;
        a->nslabs = ns;
        a->inv_sh = ns > 1 ? ns / (a->maxy - a->miny) : 0.0;
        a->slab0 = nss;
        nss += ns + 1;
    }
    p->slab_start = calloc(nss ? nss : 1, sizeof *p->slab_start);
    if (!p->slab_start)
        return -1;
    /* count, prefix-sum, fill */
    for (size_t i = 0; i < p->na; i++) {
        area *a = &p->areas[i];
        size_t *ss = p->slab_start + a->slab0;
        for (size_t k = a->e0; k < a->e1; k++) {
            if (p->edges[k].y0 == p->edges[k].y1)
                continue;
            unsigned s0 = slab_of(a, p->edges[k].y0);
            unsigned s1 = slab_of(a, p->edges[k].y1);
            for (unsigned s = s0; s <= s1; s++)
                ss[s + 1]++;
        }
        ss[0] = nse;
        for (unsigned s = 0; s < a->nslabs; s++)
            ss[s + 1] += ss[s];
        nse = ss[a->nslabs];
    }
    p->slab_edges = malloc((nse ? nse : 1) * sizeof *p->slab_edges);
    if (!p->slab_edges)
        return -1;
    for (size_t i = 0; i < p->na; i++) {
        area *a = &p->areas[i];
        size_t *ss = p->slab_start + a->slab0;
        size_t *fill = malloc(a->nslabs * sizeof *fill);
        if (!fill)
            return -1;
        memcpy(fill, ss, a->nslabs * sizeof *fill);
        for (size_t k = a->e0; k < a->e1; k++) {
            if (p->edges[k].y0 == p->edges[k].y1)
                continue;
            unsigned s0 = slab_of(a, p->edges[k].y0);
            unsigned s1 = slab_of(a, p->edges[k].y1);
            for (unsigned s = s0; s <= s1; s++)
                p->slab_edges[fill[s]++] = p->edges[k];
        }
        free(fill);
    }
    return 0;
}

static int
build_grid(nbl__pip *p)
{
    size_t nc, total = 0;
    double w, h, cs;
    free(p->cell_start);
    free(p->cell_areas);
    p->cell_start = NULL;
    p->cell_areas = NULL;
    p->gx0 = p->gy0 = HUGE_VAL;
    p->gx1 = p->gy1 = -HUGE_VAL;
    for (size_t i = 0; i < p->na; i++) {
        const area *a = &p->areas[i];
        if (a->e1 == a->e0)
            continue;
        if (a->minx < p->gx0)
            p->gx0 = a->minx;
        if (a->miny < p->gy0)
            p->gy0 = a->miny;
        if (a->maxx > p->gx1)
            p->gx1 = a->maxx;
        if (a->maxy > p->gy1)
            p->gy1 = a->maxy;
    }
    if (!(p->gx1 >= p->gx0)) { /* no area with edges */
        p->gx0 = p->gy0 = 1, p->gx1 = p->gy1 = 0;
        p->gw = p->gh = 1;
    } else {
        /* about sixteen square cells per area, at most 4 Mi cells */
        w = p->gx1 - p->gx0;
        h = p->gy1 - p->gy0;
        if (w <= 0)
            w = 1;
        if (h <= 0)
            h = 1;
        cs = sqrt(w * h / fmin(16.0 * (double)p->na, 4194304.0));
        p->gw = (uint32_t)fmin(8192, fmax(1, ceil(w / cs)));
        p->gh = (uint32_t)fmin(8192, fmax(1, ceil(h / cs)));
    }
    p->inv_cw = p->gw / (p->gx1 - p->gx0 > 0 ? p->gx1 - p->gx0 : 1);
    p->inv_ch = p->gh / (p->gy1 - p->gy0 > 0 ? p->gy1 - p->gy0 : 1);
    nc = (size_t)p->gw * p->gh;
    p->cell_start = calloc(nc + 1, sizeof *p->cell_start);
    if (!p->cell_start)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        uint32_t *fill = NULL;
        if (pass == 1) {
            for (size_t c = 0; c < nc; c++)
                p->cell_start[c + 1] += p->cell_start[c];
            total = p->cell_start[nc];
            p->cell_areas = malloc((total ? total : 1) * sizeof(uint32_t));
            fill = malloc(nc * sizeof *fill);
            if (!p->cell_areas || !fill) {
                free(fill);
                return -1;
            }
            memcpy(fill, p->cell_start, nc * sizeof *fill);
        }
        for (size_t i = 0; i < p->na; i++) {
            const area *a = &p->areas[i];
            if (a->e1 == a->e0)
                continue;
            uint32_t x0 = cell_x(p, a->minx), x1 = cell_x(p, a->maxx);
            uint32_t y0 = cell_y(p, a->miny), y1 = cell_y(p, a->maxy);
            for (uint32_t cy = y0; cy <= y1; cy++)
                for (uint32_t cx = x0; cx <= x1; cx++) {
                    size_t c = (size_t)cy * p->gw + cx;
                    if (pass == 0)
                        p->cell_start[c + 1]++;
                    else
                        p->cell_areas[fill[c]++] = (uint32_t)i;
                }
        }
        free(fill);
    }
    return 0;
}

static long locate_full(const nbl__pip *p, double x, double y);

/* A cell that no edge's bounding box reaches holds no boundary point (cell
 * and bounding-box ranges come from the same monotone functions), so every
 * point mapped to it has the answer of its centre: precompute it. */
static int
classify_cells(nbl__pip *p)
{
    size_t nc = (size_t)p->gw * p->gh;
    free(p->cell_state);
    p->cell_state = malloc(nc * sizeof *p->cell_state);
    if (!p->cell_state)
        return -1;
    for (size_t c = 0; c < nc; c++)
        p->cell_state[c] = p->cell_start[c] == p->cell_start[c + 1] ? -1 : 0;
    for (size_t k = 0; k < p->ne; k++) {
        const edge *e = &p->edges[k];
        uint32_t x0 = cell_x(p, fmin(e->x0, e->x1));
        uint32_t x1 = cell_x(p, fmax(e->x0, e->x1));
        uint32_t y0 = cell_y(p, e->y0), y1 = cell_y(p, e->y1);
        for (uint32_t cy = y0; cy <= y1; cy++)
            for (uint32_t cx = x0; cx <= x1; cx++)
                p->cell_state[(size_t)cy * p->gw + cx] = -2;
    }
    for (uint32_t cy = 0; cy < p->gh; cy++)
        for (uint32_t cx = 0; cx < p->gw; cx++) {
            size_t c = (size_t)cy * p->gw + cx;
            double x = p->gx0 + (cx + 0.5) / p->inv_cw;
            double y = p->gy0 + (cy + 0.5) / p->inv_ch;
            if (p->cell_state[c] != 0)
                continue;
            if (cell_x(p, x) != cx || cell_y(p, y) != cy)
                p->cell_state[c] = -2; /* no safe representative */
            else
                p->cell_state[c] = (int32_t)locate_full(p, x, y);
        }
    return 0;
}

int
nbl__pip_build(nbl__pip *p)
{
    if (p->na > INT32_MAX || build_slabs(p) || build_grid(p))
        return -1;
    p->built = 1;
    if (classify_cells(p)) {
        p->built = 0;
        return -1;
    }
    return 0;
}

/* ---- queries ---------------------------------------------------------- */

/* Shewchuk's bound for the floating-point orientation filter. */
#define ERRBOUND_A ((3.0 + 16.0 * 0x1p-53) * 0x1p-53)

static int
in_area(const nbl__pip *p, const area *a, double x, double y)
{
    const size_t *ss = p->slab_start + a->slab0;
    unsigned s = slab_of(a, y);
    const edge *e = p->slab_edges + ss[s], *end = p->slab_edges + ss[s + 1];
    int c = 0;
    for (; e < end; e++) {
        if (!(e->y0 <= y && y < e->y1))
            continue;
        if (x < e->x0 && x < e->x1) {
            c ^= 1; /* strictly left of the whole edge */
            continue;
        }
        if (x > e->x0 && x > e->x1)
            continue;
        double dl = (e->x1 - e->x0) * (y - e->y0);
        double dr = (e->y1 - e->y0) * (x - e->x0);
        double det = dl - dr, bound = ERRBOUND_A * (fabs(dl) + fabs(dr));
        if (det > bound)
            c ^= 1;
        else if (det >= -bound &&
                 nbl__orient2d(e->x0, e->y0, e->x1, e->y1, x, y) > 0)
            c ^= 1;
    }
    return c;
}

static long
locate_cell(const nbl__pip *p, size_t c, double x, double y)
{
    for (uint32_t k = p->cell_start[c]; k < p->cell_start[c + 1]; k++) {
        uint32_t i = p->cell_areas[k];
        const area *a = &p->areas[i];
        if (x < a->minx || x > a->maxx || y < a->miny || y > a->maxy)
            continue;
        if (in_area(p, a, x, y))
            return (long)i;
    }
    return -1;
}

static long
locate_full(const nbl__pip *p, double x, double y)
{
    if (!(x >= p->gx0 && x <= p->gx1 && y >= p->gy0 && y <= p->gy1))
        return -1;
    return locate_cell(p, (size_t)cell_y(p, y) * p->gw + cell_x(p, x), x, y);
}

long
nbl__pip_locate(const nbl__pip *p, double x, double y)
{
    size_t c;
    if (!p->built ||
        !(x >= p->gx0 && x <= p->gx1 && y >= p->gy0 && y <= p->gy1))
        return -1;
    c = (size_t)cell_y(p, y) * p->gw + cell_x(p, x);
    if (p->cell_state[c] != -2)
        return p->cell_state[c];
    return locate_cell(p, c, x, y);
}

/* ---- WKB -------------------------------------------------------------- */

typedef struct {
    const unsigned char *b;
    size_t len, pos;
    int swap;
    double *tmp;
    size_t tmpcap;
} wkb_reader;

static int
rd_u32(wkb_reader *r, uint32_t *v)
{
    unsigned char t[4];
    if (r->len - r->pos < 4)
        return -1;
    memcpy(t, r->b + r->pos, 4);
    r->pos += 4;
    if (r->swap) {
        unsigned char s;
        s = t[0], t[0] = t[3], t[3] = s;
        s = t[1], t[1] = t[2], t[2] = s;
    }
    memcpy(v, t, 4);
    return 0;
}

static int
rd_f64(wkb_reader *r, double *v)
{
    unsigned char t[8];
    if (r->len - r->pos < 8)
        return -1;
    memcpy(t, r->b + r->pos, 8);
    r->pos += 8;
    if (r->swap)
        for (int i = 0; i < 4; i++) {
            unsigned char s = t[i];
            t[i] = t[7 - i];
            t[7 - i] = s;
        }
    memcpy(v, t, 8);
    return 0;
}

/* Reads a geometry header; returns the base type and ordinate count. */
static int
rd_header(wkb_reader *r, uint32_t *type, int *dims)
{
    uint32_t t;
    int little = 1;
    if (r->pos >= r->len || r->b[r->pos] > 1)
        return -1;
    r->swap = (r->b[r->pos] == 1) != (*(const unsigned char *)&little == 1);
    r->pos++;
    if (rd_u32(r, &t))
        return -1;
    *dims = 2;
    if (t & 0x80000000u) /* EWKB Z */
        (*dims)++;
    if (t & 0x40000000u) /* EWKB M */
        (*dims)++;
    t &= 0x0fffffffu;
    if (t >= 1000 && t < 4000) { /* ISO Z / M / ZM */
        *dims = t < 3000 ? 3 : 4;
        t %= 1000;
    }
    *type = t;
    return 0;
}

/* 0, NBL__PIP_NOMEM, or NBL__PIP_BAD for a malformed ring */
static int
rd_polygon(nbl__pip *p, wkb_reader *r, int dims)
{
    uint32_t nr, np;
    if (rd_u32(r, &nr))
        return NBL__PIP_BAD;
    for (uint32_t i = 0; i < nr; i++) {
        if (rd_u32(r, &np) || np > (r->len - r->pos) / (8u * dims))
            return NBL__PIP_BAD;
        if (np * 2 > r->tmpcap) {
            double *t = realloc(r->tmp, np * 2 * sizeof *t);
            if (!t)
                return NBL__PIP_NOMEM;
            r->tmp = t;
            r->tmpcap = np * 2;
        }
        for (uint32_t k = 0; k < np; k++) {
            double skip;
            if (rd_f64(r, &r->tmp[2 * k]) || rd_f64(r, &r->tmp[2 * k + 1]))
                return NBL__PIP_BAD;
            for (int d = 2; d < dims; d++)
                if (rd_f64(r, &skip))
                    return NBL__PIP_BAD;
            if (!isfinite(r->tmp[2 * k]) || !isfinite(r->tmp[2 * k + 1]))
                return NBL__PIP_BAD;
        }
        if (nbl__pip_add_ring(p, r->tmp, np))
            return NBL__PIP_NOMEM; /* the area is begun */
    }
    return 0;
}

long
nbl__pip_add_wkb(nbl__pip *p, const unsigned char *wkb, size_t len)
{
    wkb_reader r = {wkb, len, 0, 0, NULL, 0};
    uint32_t type, n;
    int dims, rc = NBL__PIP_BAD;
    long idx = nbl__pip_begin_area(p);
    if (idx < 0)
        return NBL__PIP_NOMEM;
    if (!wkb || rd_header(&r, &type, &dims))
        goto done;
    if (type == 3) {
        rc = rd_polygon(p, &r, dims);
    } else if (type == 6) {
        if (rd_u32(&r, &n))
            goto done;
        rc = 0;
        for (uint32_t i = 0; i < n && rc == 0; i++) {
            uint32_t t2;
            int d2;
            if (rd_header(&r, &t2, &d2) || t2 != 3)
                rc = NBL__PIP_BAD;
            else
                rc = rd_polygon(p, &r, d2);
        }
    }
done:
    free(r.tmp);
    if (rc) {
        /* leave the area empty so indices stay aligned with the caller */
        p->ne = p->areas[idx].e0;
        p->areas[idx].e1 = p->ne;
        return rc;
    }
    return idx;
}

void
nbl__pip_locate_many(const nbl__pip *p, size_t n, const double *x,
                     const double *y, long *out)
{
    enum { CH = 256 };
    size_t cidx[CH];
    for (size_t b = 0; b < n; b += CH) {
        size_t m = n - b < CH ? n - b : CH;
        const double *xs = x + b, *ys = y + b;
        long *o = out + b;
        for (size_t i = 0; i < m; i++) {
            double px = xs[i], py = ys[i];
            if (!p->built || !(px >= p->gx0 && px <= p->gx1 && py >= p->gy0 &&
                               py <= p->gy1)) {
                cidx[i] = SIZE_MAX;
                continue;
            }
            cidx[i] = (size_t)cell_y(p, py) * p->gw + cell_x(p, px);
            __builtin_prefetch(&p->cell_state[cidx[i]]);
        }
        for (size_t i = 0; i < m; i++) {
            if (cidx[i] == SIZE_MAX) {
                o[i] = -1;
                continue;
            }
            o[i] = p->cell_state[cidx[i]];
            if (o[i] == -2)
                __builtin_prefetch(&p->cell_start[cidx[i]]);
        }
        for (size_t i = 0; i < m; i++)
            if (o[i] == -2) {
                uint32_t k = p->cell_start[cidx[i]];
                if (k < p->cell_start[cidx[i] + 1]) {
                    const area *a = &p->areas[p->cell_areas[k]];
                    __builtin_prefetch(a);
                }
            }
        for (size_t i = 0; i < m; i++)
            if (o[i] == -2) {
                uint32_t k = p->cell_start[cidx[i]];
                if (k < p->cell_start[cidx[i] + 1]) {
                    const area *a = &p->areas[p->cell_areas[k]];
                    const size_t *ss = p->slab_start + a->slab0;
                    __builtin_prefetch(ss + slab_of(a, ys[i]));
                }
            }
        for (size_t i = 0; i < m; i++)
            if (o[i] == -2) {
                uint32_t k = p->cell_start[cidx[i]];
                if (k < p->cell_start[cidx[i] + 1]) {
                    const area *a = &p->areas[p->cell_areas[k]];
                    const size_t *ss = p->slab_start + a->slab0;
                    __builtin_prefetch(p->slab_edges + ss[slab_of(a, ys[i])]);
                }
            }
        for (size_t i = 0; i < m; i++)
            if (o[i] == -2)
                o[i] = locate_cell(p, cidx[i], xs[i], ys[i]);
    }
}
