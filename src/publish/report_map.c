/*
 * report_map.c - the report's map, one inline SVG in the working CRS
 * (north up, one SVG unit = one metre): the areas coloured by category,
 * each linked to its area card and labelled with its name (or id), an
 * optional context layer ([report] context: any GDAL vector, reprojected
 * to the working CRS and drawn as outlines, e.g. the municipality's
 * boundary from DAGI), a scale bar, a north arrow and the legend.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "model/categories.h"
#include "publish/report_internal.h"
#include "util/ctx.h"
#include "util/fault.h"
#include "util/i18n.h"

void
nbl__rep_path_init(nbl__rep_path *p, nbl__buf *b, const nbl__report_data *d)
{
    memset(p, 0, sizeof *p);
    p->b = b;
    p->minx = d->minx;
    p->maxy = d->maxy;
}

/* Writes point k (from 1) of the part: "M x y", " L x y", " x y". */
static void
path_write(nbl__rep_path *p, long k, double x, double y)
{
    char s[32], t[32];
    nbl__buf_printf(p->b,
                    k == 1   ? "%sM %s %s"
                    : k == 2 ? "%s L %s %s"
                             : "%s %s %s",
                    k == 1 && p->any ? " " : "",
                    nbl__fmt_double(s, sizeof s, x - p->minx, 1),
                    nbl__fmt_double(t, sizeof t, p->maxy - y, 1));
}

void
nbl__rep_path_point(nbl__rep_path *p, double x, double y)
{
    double fx = x - p->minx, fy = p->maxy - y;
    if (p->n == 0) {
        path_write(p, 1, x, y);
        p->fx = x, p->fy = y;
    } else if (p->n >= 2) {
        path_write(p, p->n, p->px, p->py);
    }
    p->px = x, p->py = y;
    p->n++;
    if (!p->any || fx < p->x0)
        p->x0 = fx;
    if (!p->any || fx > p->x1)
        p->x1 = fx;
    if (!p->any || fy < p->y0)
        p->y0 = fy;
    if (!p->any || fy > p->y1)
        p->y1 = fy;
    p->any = 1;
}

void
nbl__rep_path_end(nbl__rep_path *p, int closed)
{
    /* a ring's last point repeats its first: z draws that side */
    if (p->n >= 2 && !(closed && p->px == p->fx && p->py == p->fy))
        path_write(p, p->n, p->px, p->py);
    if (p->n > 0 && closed)
        nbl__buf_printf(p->b, " z");
    p->n = 0;
}

/* Appends every ring and line of g (recursively for collections); ring:
 * g is a polygon's ring (OGR calls it a line string). */
static void
ctx_geometry(nbl__rep_path *w, OGRGeometryH g, int ring)
{
    int n = OGR_G_GetGeometryCount(g);
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (n > 0) {
        for (int i = 0; i < n; i++)
            ctx_geometry(w, OGR_G_GetGeometryRef(g, i),
                         OGR_GT_IsSubClassOf(t, wkbCurvePolygon));
        return;
    }
    n = OGR_G_GetPointCount(g);
    for (int i = 0; i < n; i++)
        nbl__rep_path_point(w, OGR_G_GetX(g, i), OGR_G_GetY(g, i));
    nbl__rep_path_end(w, ring);
}

static OGRCoordinateTransformationH
ctx_transform(nbl_ws *ws, OGRLayerH l)
{
    OGRSpatialReferenceH src = OGR_L_GetSpatialRef(l), dst;
    OGRCoordinateTransformationH ct = NULL;
    OGRSpatialReferenceH s2;
    if (!src)
        return NULL;
    dst = OSRNewSpatialReference(NULL);
    s2 = OSRClone(src);
    if (dst && s2 && OSRImportFromEPSG(dst, nbl_ws_srid(ws)) == OGRERR_NONE) {
        OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
        ct = OCTNewCoordinateTransformation(s2, dst);
    }
    if (dst)
        OSRDestroySpatialReference(dst);
    if (s2)
        OSRDestroySpatialReference(s2);
    return ct;
}

int
nbl__rep_context_read(nbl_ws *ws, const nbl__report_data *d, const char *path,
                      nbl__rep_context *c)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    GDALDatasetH ds;
    OGRLayerH l;
    OGRCoordinateTransformationH ct;
    OGRFeatureH f;
    nbl__rep_path w;
    long n = 0;
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds)
        return nbl__error(ctx, NBL_EIO,
                          "%s: [report] context: cannot open as a vector "
                          "source",
                          path);
    if (!(l = GDALDatasetGetLayer(ds, 0))) {
        GDALClose(ds);
        return nbl__error(ctx, NBL_EFORMAT, "%s: [report] context: no layer",
                          path);
    }
    if (!(ct = ctx_transform(ws, l))) {
        GDALClose(ds);
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: [report] context: the layer has no CRS that "
                          "can be transformed to EPSG:%d",
                          path, nbl_ws_srid(ws));
    }
    nbl__rep_path_init(&w, &c->path, d);
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        n++;
        if (g && OGR_G_Transform(g, ct) != OGRERR_NONE) {
            OGR_F_Destroy(f);
            OCTDestroyCoordinateTransformation(ct);
            GDALClose(ds);
            return nbl__error(ctx, NBL_EFORMAT,
                              "%s: [report] context: feature %ld: cannot "
                              "transform to EPSG:%d",
                              path, n, nbl_ws_srid(ws));
        }
        if (g)
            ctx_geometry(&w, g, 0);
        OGR_F_Destroy(f);
    }
    OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
    c->x0 = w.x0, c->y0 = w.y0, c->x1 = w.x1, c->y1 = w.y1, c->any = w.any;
    /* a failed append dropped the outlines: never a map without them */
    return c->path.failed ? nbl__error(ctx, NBL_ENOMEM, "out of memory")
                          : NBL_OK;
}

void
nbl__rep_context_free(nbl__rep_context *c)
{
    nbl__buf_free(&c->path);
    memset(c, 0, sizeof *c);
}

/* The largest 1, 2 or 5 times a power of ten not above v. */
static double
nice_length(double v)
{
    double p = pow(10, floor(log10(v))), f = v / p;
    return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * p;
}

/* Scale bar at the bottom left and north arrow at the top right of the
 * view (x0, y0, w, h); fs is the label size. */
static void
furniture(nbl__buf *b, double x0, double y0, double w, double h, double fs)
{
    double len = nice_length(w / 4), bx = x0 + fs, by = y0 + h - fs;
    char s[6][32], lab[64];
    if (len >= 1000)
        snprintf(
            lab, sizeof lab, "%s km",
            nbl__fmt_num(s[5], sizeof s[5], len / 1000, len < 2000 ? 1 : 0));
    else
        snprintf(lab, sizeof lab, "%.0f m", len);
    nbl__buf_printf(
        b,
        "<g class=\"scalebar\" data-metres=\"%s\"><rect x=\"%s\" y=\"%s\" "
        "width=\"%s\" height=\"%s\"/><text x=\"%s\" y=\"%s\" "
        "font-size=\"%s\">%s</text></g>\n",
        nbl__fmt_double(s[0], 32, len, 0), nbl__fmt_double(s[1], 32, bx, 0),
        nbl__fmt_double(s[2], 32, by - fs * 0.4, 0),
        nbl__fmt_double(s[3], 32, len, 0),
        nbl__fmt_double(s[4], 32, fs * 0.4, 0),
        nbl__fmt_double(s[5], 32, bx, 0),
        nbl__fmt_double((char[32]){0}, 32, by - fs * 0.7, 0),
        nbl__fmt_double((char[32]){0}, 32, fs, 0), lab);
    bx = x0 + w - fs * 1.5;
    by = y0 + fs * 0.5;
    nbl__buf_printf(
        b, "<g class=\"north\"><path d=\"M%s %s L%s %s L%s %s Z\"/>",
        nbl__fmt_double(s[0], 32, bx, 0), nbl__fmt_double(s[1], 32, by, 0),
        nbl__fmt_double(s[2], 32, bx - fs * 0.6, 0),
        nbl__fmt_double(s[3], 32, by + fs * 1.8, 0),
        nbl__fmt_double(s[4], 32, bx + fs * 0.6, 0),
        nbl__fmt_double(s[5], 32, by + fs * 1.8, 0));
    nbl__buf_printf(b,
                    "<text x=\"%s\" y=\"%s\" font-size=\"%s\">N</text></g>\n",
                    nbl__fmt_double(s[0], 32, bx, 0),
                    nbl__fmt_double(s[1], 32, by + fs * 2.9, 0),
                    nbl__fmt_double(s[2], 32, fs, 0));
}

typedef struct paths_arg {
    nbl__rep_out *o;
    const nbl__report_data *d;
    const nbl__disclosure *disc;
} paths_arg;

/* One area's outline, linked to its card (nbl__store_report_paths). */
static int
area_path(void *arg, int i, const nbl__report_part *parts, int n)
{
    const paths_arg *pa = arg;
    nbl__buf *b = &pa->o->b;
    const nbl__report_area *a = &pa->d->areas[i];
    int wh = nbl__rep_withheld(pa->disc, a->pop);
    char hex[8];
    nbl__rep_path w;
    nbl__buf_printf(b, "<a href=\"#");
    nbl__rep_anchor(b, a->area_id);
    /* a withheld area gets the fill of no value */
    nbl__buf_printf(b, "\"><path fill=\"%s\" fill-rule=\"evenodd\" d=\"",
                    nbl__rep_cat_colour(wh ? NULL : a->category, hex));
    nbl__rep_path_init(&w, b, pa->d);
    for (int k = 0; k < n; k++) {
        const nbl__report_part *p = &parts[k];
        for (size_t j = 0; j < (size_t)p->n; j++)
            nbl__rep_path_point(&w, p->xy[j * (size_t)p->dims],
                                p->xy[j * (size_t)p->dims + 1]);
        nbl__rep_path_end(&w, p->closed);
    }
    nbl__buf_printf(b, "\"><title>");
    nbl__rep_esc(b, a->name ? a->name : a->area_id);
    nbl__buf_printf(b, " (");
    nbl__rep_esc(b, a->area_id);
    nbl__buf_printf(b, "): %s</title></path></a>\n",
                    wh ? "·" : nbl__rep_cat_label(a->category));
    return nbl__rep_flush(pa->o, 0);
}

/* A label's box: centred on (x, y), 0.6 fs a character, 1.2 fs high. */
typedef struct lbox {
    double x0, y0, x1, y1;
} lbox;

static lbox
label_box(const char *s, double x, double y, double fs)
{
    double n = (double)nbl__utf8_chars(s);
    return (lbox){x - n * fs * 0.3, y - fs * 0.6, x + n * fs * 0.3,
                  y + fs * 0.6};
}

/* Where label i goes: its point, or the nearest of a few steps above or
 * below it that clears the labels placed before it (placed[0..n-1]);
 * the point when none does. */
static lbox
place_label(const char *s, double x, double y, double fs, const lbox *placed,
            int n)
{
    static const double step[] = {0, 1.2, -1.2, 2.4, -2.4};
    for (size_t k = 0; k < sizeof step / sizeof step[0]; k++) {
        lbox c = label_box(s, x, y + step[k] * fs, fs);
        int clear = 1;
        for (int j = 0; j < n && clear; j++)
            clear = c.x1 <= placed[j].x0 || c.x0 >= placed[j].x1 ||
                    c.y1 <= placed[j].y0 || c.y0 >= placed[j].y1;
        if (clear)
            return c;
    }
    return label_box(s, x, y, fs);
}

/* Labels after every area, so that no outline covers a label; a label
 * that would overlap one placed before moves up or down. */
static void
area_labels(nbl__buf *b, const nbl__report_data *d, double fs)
{
    char x[32], y[32], f[32];
    lbox *placed = calloc((size_t)d->n_areas + 1, sizeof *placed);
    int n = 0;
    nbl__buf_printf(b,
                    "<g class=\"labels\" font-size=\"%s\" "
                    "stroke-width=\"%s\">\n",
                    nbl__fmt_double(f, sizeof f, fs, 0),
                    nbl__fmt_double(x, sizeof x, fs * 0.3, 0));
    for (int i = 0; i < d->n_areas; i++) {
        const nbl__report_area *a = &d->areas[i];
        const char *s = a->name ? a->name : a->area_id;
        lbox c;
        if (!a->has_path || isnan(a->label_x) || isnan(a->label_y))
            continue;
        c = placed ? place_label(s, a->label_x, a->label_y, fs, placed, n)
                   : label_box(s, a->label_x, a->label_y, fs);
        if (placed)
            placed[n++] = c;
        nbl__buf_printf(b, "<text class=\"label\" x=\"%s\" y=\"%s\">",
                        nbl__fmt_double(x, sizeof x, a->label_x, 0),
                        nbl__fmt_double(y, sizeof y, (c.y0 + c.y1) / 2, 0));
        nbl__rep_esc(b, s);
        nbl__buf_printf(b, "</text>\n");
    }
    nbl__buf_printf(b, "</g>\n");
    free(placed);
}

static void
legend(nbl__buf *b, int context)
{
    char hex[8];
    nbl__buf_printf(b, "<ul class=\"legend\">\n");
    for (size_t c = 0; c < NBL_N_CATEGORIES; c++)
        nbl__buf_printf(b,
                        "<li><span class=\"swatch\" style=\"background:%s\">"
                        "</span>%s</li>\n",
                        nbl__rep_cat_colour(nbl__categories[c].code, hex),
                        nbl__rep_cat_label(nbl__categories[c].code));
    nbl__buf_printf(b, "<li><span class=\"swatch\"></span>%s</li>\n",
                    T_("not shown (below the publication minimum)"));
    if (context)
        nbl__buf_printf(b,
                        "<li><span class=\"swatch context\"></span>%s</li>\n",
                        T_("context (outline)"));
    nbl__buf_printf(b, "</ul>\n");
}

int
nbl__rep_map(nbl_ws *ws, nbl__rep_out *o, nbl__report_data *d,
             const nbl__disclosure *disc, const nbl__rep_context *c)
{
    double x0 = 0, y0 = 0, x1 = d->width, y1 = d->height, pad, fs, fl;
    char s[4][32];
    nbl__buf *b = &o->b;
    paths_arg pa = {o, d, disc};
    int rc;
    if (c->any) {
        x0 = fmin(x0, c->x0), y0 = fmin(y0, c->y0);
        x1 = fmax(x1, c->x1), y1 = fmax(y1, c->y1);
    }
    pad = fmax(fmax(x1 - x0, y1 - y0) * 0.03, 10);
    /* labels sized to the areas, not to a wider context */
    fs = fmax(x1 - x0, y1 - y0) / 60;
    fl = fmax(fmax(d->width, d->height) / 70, fs * 0.75);
    x0 -= pad, y0 -= pad, x1 += pad, y1 += pad + 2 * fs; /* room: scale */
    nbl__buf_printf(b, T_("<h2 id=\"map\">Map %d</h2>\n"), d->year);
    nbl__buf_printf(
        b,
        "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" "
        "viewBox=\"%s %s %s %s\" preserveAspectRatio=\"xMidYMid meet\" "
        "role=\"img\" aria-label=\"%s\">\n",
        nbl__fmt_double(s[0], 32, x0, 0), nbl__fmt_double(s[1], 32, y0, 0),
        nbl__fmt_double(s[2], 32, x1 - x0, 0),
        nbl__fmt_double(s[3], 32, y1 - y0, 0), T_("Areas by category"));
    if (c->any) {
        nbl__buf_printf(b, "<path class=\"context\" d=\"");
        nbl__rep_esc(b, c->path.s);
        nbl__buf_printf(b, "\"/>\n");
    }
    if ((rc = nbl__rep_flush(o, 0)))
        return rc;
    NBL_FAULT_MARK("map", 1); /* the fault test tries each allocation */
    rc = nbl__store_report_paths(ws, d, area_path, &pa);
    NBL_FAULT_MARK("map", 0);
    if (rc)
        return rc;
    area_labels(b, d, fl);
    furniture(b, x0, y0, x1 - x0, y1 - y0, fs);
    nbl__buf_printf(b, "</svg>\n");
    legend(b, c->any);
    return nbl__rep_flush(o, 0);
}
