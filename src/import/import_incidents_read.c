/*
 * import_incidents_read.c - the sources of `import incidents`
 * (import_incidents_internal.h): a CSV file streamed through libcsv (the
 * fast path: fields parsed in place, no row copied; whole lines go through
 * the CSV reader's encoding decision first, so Windows-1252 is converted
 * and anything else that is not UTF-8 refused, as for statistics) or any
 * GDAL vector
 * source, the roles of their fields (coordinates, year or date, category),
 * and the hot-path parsers of numbers, years and dates. Every point read is
 * handed to nbl__inc_push() exactly once.
 */
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "import/csvread.h"
#include "import/import_incidents_internal.h"
#include "util/ctx.h"
#include "util/util.h"

/* ---- small parsers (hot path) ---------------------------------------- */

static const double pow10_tab[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Parses s[0..n) (NUL-terminated) as a number. Plain decimals with at most
 * 15 significant digits are exact by Clinger's fast path (one correctly
 * rounded division); anything else goes to nbl__parse_double. */
static int
fast_double(const char *s, size_t n, char dec, double *out)
{
    const char *p = s, *e = s + n;
    uint64_t m = 0;
    int digits = 0, frac = 0, neg = 0, seen_dec = 0;
    if (p < e && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    if (p == e)
        goto slow;
    for (; p < e; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            if (m == 0 && c == '0' && !seen_dec)
                continue;
            if (++digits > 15)
                goto slow;
            m = m * 10 + (uint64_t)(c - '0');
            frac += seen_dec;
        } else if (c == dec && !seen_dec) {
            seen_dec = 1;
        } else {
            goto slow;
        }
    }
    if (p - s == neg + seen_dec) /* no digit at all */
        goto slow;
    *out = (double)m / pow10_tab[frac];
    if (neg)
        *out = -*out;
    return 1;
slow:
    return nbl__parse_double(s, dec, out) && isfinite(*out);
}

/* A coordinate: the file's decimal mark, or else the other one. A ';' file
 * may well use '.' decimals, and coordinates never carry thousands
 * separators, so either mark can only be a decimal mark here. */
static int
coord_double(const char *s, size_t n, char dec, double *out)
{
    return fast_double(s, n, dec, out) ||
           fast_double(s, n, dec == ',' ? '.' : ',', out);
}

static int
dig(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int
ok_year(int y)
{
    return y >= 1800 && y <= 2200 ? y : 0;
}

static int
ok_md(int mo, int d)
{
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/* Year of a year value ("2021") or a date: YYYY-MM-DD, YYYY/MM/DD (with an
 * optional time after it), DD-MM-YYYY, DD.MM.YYYY, DD/MM/YYYY. 0 when
 * unusable. */
static int
year_of(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 4)
        return ok_year(dig(s, 4));
    if (n >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4]) {
        if (n > 10 && s[10] != 'T' && s[10] != ' ')
            return 0;
        if (!ok_md(dig(s + 5, 2), dig(s + 8, 2)))
            return 0;
        return ok_year(dig(s, 4));
    }
    if (n == 10 && (s[2] == '-' || s[2] == '.' || s[2] == '/') &&
        s[5] == s[2]) {
        if (!ok_md(dig(s + 3, 2), dig(s, 2)))
            return 0;
        return ok_year(dig(s + 6, 4));
    }
    return 0;
}

/* ---- field roles -------------------------------------------------------- */

static int
name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (nbl__strieq(name, *list))
            return 1;
    return 0;
}

static long
find_col(char **names, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (nbl__strieq(names[i], want))
            return (long)i;
    return -1;
}

static long
find_any(char **names, size_t n, const char *const *list)
{
    for (size_t i = 0; i < n; i++)
        if (name_in(names[i], list))
            return (long)i;
    return -1;
}

/* The column named field gets role; an error when there is none. */
static int
need(imp *m, char **names, size_t n, int *roles, const char *field, int role)
{
    long c = find_col(names, n, field);
    if (c < 0)
        return nbl__error(m->ctx, NBL_EFORMAT, "%s: no column '%s'", m->src,
                          field);
    roles[c] = role;
    return NBL_OK;
}

/* The coordinate columns of a CSV file: --x-field/--y-field, else the first
 * known pair. *geographic is set when they are lon/lat. */
static int
resolve_xy(imp *m, const nbl_incidents_opts *o, char **names, size_t n,
           int *roles, int *geographic)
{
    static const char *const pairs[][2] = {
        {"x", "y"},     {"easting", "northing"},   {"utm_x", "utm_y"},
        {"lon", "lat"}, {"longitude", "latitude"}, {"lng", "lat"},
        {"long", "lat"}};
    static const char *const lons[] = {"lon", "longitude", "lng", "long", NULL};
    int rc;
    *geographic = 0;
    if (o->x_field || o->y_field) {
        if (!o->x_field || !o->y_field)
            return nbl__error(m->ctx, NBL_EINVAL,
                              "--x-field and --y-field go together");
        if ((rc = need(m, names, n, roles, o->x_field, R_X)) ||
            (rc = need(m, names, n, roles, o->y_field, R_Y)))
            return rc;
        *geographic =
            find_any(names, n, lons) == find_col(names, n, o->x_field);
        return NBL_OK;
    }
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        long cx = find_col(names, n, pairs[k][0]);
        long cy = find_col(names, n, pairs[k][1]);
        if (cx >= 0 && cy >= 0) {
            roles[cx] = R_X;
            roles[cy] = R_Y;
            *geographic = k >= 3;
            return NBL_OK;
        }
    }
    return nbl__error(m->ctx, NBL_EFORMAT,
                      "%s: no coordinate columns (x/y, "
                      "easting/northing or lon/lat); use "
                      "--x-field and --y-field",
                      m->src);
}

/* The year or date column (required) and the category column (optional). */
static int
resolve_year_cat(imp *m, const nbl_incidents_opts *o, char **names, size_t n,
                 int *roles)
{
    static const char *const years[] = {"year", "aar", "\xc3\xa5r", NULL};
    static const char *const dates[] = {"date",      "dato", "datetime",
                                        "timestamp", "time", NULL};
    static const char *const cats[] = {"category", "kategori", "type", NULL};
    long c;
    int rc = NBL_OK;
    if (o->year_field)
        rc = need(m, names, n, roles, o->year_field, R_YEAR);
    else if (o->date_field)
        rc = need(m, names, n, roles, o->date_field, R_DATE);
    else if ((c = find_any(names, n, years)) >= 0)
        roles[c] = R_YEAR;
    else if ((c = find_any(names, n, dates)) >= 0)
        roles[c] = R_DATE;
    else
        return nbl__error(m->ctx, NBL_EFORMAT,
                          "%s: no year or date column; use --year-field or "
                          "--date-field",
                          m->src);
    if (rc)
        return rc;
    if (o->category_field)
        return need(m, names, n, roles, o->category_field, R_CAT);
    if ((c = find_any(names, n, cats)) >= 0)
        roles[c] = R_CAT;
    return NBL_OK;
}

/* Assigns roles to columns; xy: also x and y (CSV). *geographic is set
 * when the detected coordinate columns are lon/lat. */
static int
resolve_roles(imp *m, const nbl_incidents_opts *o, char **names, size_t n,
              int *roles, int xy, int *geographic)
{
    int rc;
    for (size_t i = 0; i < n; i++)
        roles[i] = R_NONE;
    if (xy && (rc = resolve_xy(m, o, names, n, roles, geographic)))
        return rc;
    if ((rc = resolve_year_cat(m, o, names, n, roles)))
        return rc;
    m->has_cat_col = 0;
    for (size_t i = 0; i < n; i++)
        m->has_cat_col |= roles[i] == R_CAT;
    if (!m->has_cat_col) {
        nbl__info(m->ctx,
                  "%s: no category column: every point counts as "
                  "category 'all'",
                  m->src);
        m->cat_default = nbl__inc_cat_intern(m, "all", 3, m->src);
        if (m->rc)
            return m->rc;
    }
    return NBL_OK;
}

/* ---- CSV ---------------------------------------------------------------- */

typedef struct {
    imp *m;
    const nbl_incidents_opts *o;
    char dec;
    int header_done;
    char **names;
    size_t nnames, capnames;
    int *roles;
    size_t col;
    long long rec; /* record number, header = 1 */
    double x, y;
    int has_x, has_y, year;
    uint32_t cat;
    int delim_done; /* the delimiter was taken from the header line */
    char delim;
    int quoted; /* a '"' was seen: libcsv parses the rest */
} csvst;

static void
csv_where(csvst *c, char *buf, size_t n)
{
    snprintf(buf, n, "%s:%lld", c->m->src, c->rec);
}

static void
on_field(void *s, size_t len, void *arg)
{
    csvst *c = arg;
    imp *m = c->m;
    const char *f = s ? s : "";
    if (m->rc)
        return;
    if (!c->header_done) {
        if (c->nnames == c->capnames) {
            size_t cap = c->capnames ? 2 * c->capnames : 16;
            char **nn = realloc(c->names, cap * sizeof *nn);
            if (!nn) {
                m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
                return;
            }
            c->names = nn;
            c->capnames = cap;
        }
        c->names[c->nnames] = nbl__strdup(f);
        if (!c->names[c->nnames]) {
            m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
            return;
        }
        c->nnames++;
        return;
    }
    if (c->col < c->nnames) {
        switch (c->roles[c->col]) {
        case R_X:
            c->has_x = coord_double(f, len, c->dec, &c->x);
            break;
        case R_Y:
            c->has_y = coord_double(f, len, c->dec, &c->y);
            break;
        case R_YEAR: {
            size_t n = len;
            const char *p = f;
            while (n && *p == ' ')
                p++, n--;
            while (n && p[n - 1] == ' ')
                n--;
            c->year = n == 4 ? ok_year(dig(p, 4)) : 0;
            break;
        }
        case R_DATE:
            c->year = year_of(f, len);
            break;
        case R_CAT:
            if (len == 0) {
                c->cat = m->cat_unspec;
                m->sum->no_category++;
            } else if (m->ncats && m->cat_len[m->last_cat] == len &&
                       memcmp(m->cats[m->last_cat], f, len) == 0) {
                c->cat = m->last_cat;
            } else if ((c->cat = nbl__inc_cat_find(m, f, len)) != UINT32_MAX) {
                m->last_cat = c->cat;
            } else {
                char where[512];
                csv_where(c, where, sizeof where);
                c->cat = m->last_cat = nbl__inc_cat_intern(m, f, len, where);
            }
            break;
        default:
            break;
        }
    }
    c->col++;
}

static void
on_row(int ch, void *arg)
{
    csvst *c = arg;
    imp *m = c->m;
    int geographic = 0;
    (void)ch;
    c->rec++;
    if (m->rc)
        return;
    if (!c->header_done) {
        c->header_done = 1;
        c->roles = calloc(c->nnames ? c->nnames : 1, sizeof *c->roles);
        if (!c->roles) {
            m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
            return;
        }
        m->rc = resolve_roles(m, c->o, c->names, c->nnames, c->roles, 1,
                              &geographic);
        if (!m->rc) {
            const char *crs = c->o->src_crs;
            if (!crs && geographic)
                crs = "EPSG:4326";
            if (!crs)
                nbl__info(m->ctx,
                          "%s: no --src-crs: coordinates taken as "
                          "the working CRS EPSG:%d",
                          m->src, nbl_ws_srid(m->ws));
            m->rc =
                nbl__inc_setup_crs(m, crs, c->o->src_crs ? "--src-crs" : crs);
        }
    } else {
        m->sum->read++;
        if (c->has_x && c->has_y) {
            if (nbl__inc_push(m, c->x, c->y, c->year, c->cat))
                return;
        } else {
            m->sum->no_coords++;
            if (m->warn_coords++ < MAX_WARN)
                nbl__warn(m->ctx, "%s:%lld: no usable coordinates", m->src,
                          c->rec);
        }
        if (c->year == 0 && m->warn_date++ < MAX_WARN)
            nbl__warn(m->ctx, "%s:%lld: no usable year or date", m->src,
                      c->rec);
    }
    c->col = 0;
    c->has_x = c->has_y = 0;
    c->year = 0;
    c->cat = m->cat_default;
}

/* The delimiter: the option's, else the one of ',', ';' and tab outside
 * quotes in the header line (the first line of the file's text), as for
 * statistics; a header with more than one is an error. With ';' the
 * decimal mark is ','. */
static void
set_delimiter(struct csv_parser *p, csvst *c, const char *b, size_t n)
{
    c->delim =
        c->o->delimiter ? c->o->delimiter : nbl__csv_detect_delimiter(b, n);
    if (!c->delim) {
        c->m->rc = nbl__error(c->m->ctx, NBL_EFORMAT, "%s:1: %s", c->m->src,
                              nbl__csv_delimiter_unclear());
        return;
    }
    if (c->delim == ';')
        c->dec = ',';
    csv_set_delim(p, (unsigned char)c->delim);
}

/* Decodes the whole lines of buf[0..*len) (all of it at the end of the
 * file), parses them and keeps the rest (a line still being read) at the
 * start of buf. Until the file shows a '"', lines are split in place
 * (nbl__csv_split_plain: libcsv's fields without its copying and per-byte
 * state machine, a third of the reading thread's time); from then on, and
 * for any line the splitter leaves, libcsv parses. */
static void
feed_lines(imp *m, csvst *c, struct csv_parser *p, nbl__text_decoder *d,
           char *buf, size_t *len, int eof)
{
    size_t span = *len, n, done = 0;
    const char *s = buf;
    while (!eof && span > 0 && buf[span - 1] != '\n')
        span--;
    n = span;
    if (!span)
        return;
    if ((m->rc = nbl__text_decode(d, &s, &n)))
        return;
    if (!c->delim_done && n) {
        set_delimiter(p, c, s, n);
        c->delim_done = 1;
        if (m->rc)
            return;
    }
    if (!c->quoted && !(c->quoted = memchr(s, '"', n) != NULL))
        /* s is buf or the decoder's buffer: ours to write */
        done =
            nbl__csv_split_plain((char *)s, n, c->delim, on_field, on_row, c);
    if (done < n &&
        csv_parse(p, s + done, n - done, on_field, on_row, c) != n - done &&
        !m->rc)
        m->rc = nbl__error(m->ctx, NBL_EFORMAT, "%s:%lld: %s", m->src,
                           c->rec + 1, csv_strerror(csv_error(p)));
    memmove(buf, buf + span, *len - span);
    *len -= span;
}
/* The end of the read: the last record, and the text's encoding noted
 * (Windows-1252 is converted, as for statistics). */
static void
finish_csv(imp *m, csvst *c, struct csv_parser *p, const nbl__text_decoder *d)
{
    if (!m->rc && csv_fini(p, on_field, on_row, c) != 0 && !m->rc)
        m->rc = nbl__error(m->ctx, NBL_EFORMAT, "%s:%lld: %s", m->src,
                           c->rec + 1, csv_strerror(csv_error(p)));
    if (!m->rc && !c->header_done)
        m->rc = nbl__error(m->ctx, NBL_EFORMAT, "%s: empty file (no header)",
                           m->src);
    if (!m->rc) {
        m->sum->encoding = nbl__text_decoder_encoding(d);
        if (d->enc == 'w')
            nbl__info(m->ctx,
                      "%s: read as Windows-1252 text (converted to UTF-8; "
                      "line %ld showed it)",
                      m->src, d->enc_line);
    }
}

int
nbl__inc_read_csv(imp *m, const nbl_incidents_opts *o)
{
    enum { CHUNK = 1 << 20 };
    struct csv_parser p;
    nbl__text_decoder d = {0};
    csvst c;
    char *buf;
    FILE *f;
    size_t n, len = 0, cap = 2 * CHUNK;
    struct stat stt;
    double size, done = 0;

    memset(&c, 0, sizeof c);
    c.m = m;
    c.o = o;
    c.dec = '.';
    c.delim = ',';
    c.cat = m->cat_default;
    d.ctx = m->ctx;
    d.path = m->src;
    f = fopen(m->src, "rb");
    if (!f)
        return nbl__error(m->ctx, NBL_EIO, "%s: cannot open: %s", m->src,
                          strerror(errno));
    size = fstat(fileno(f), &stt) == 0 && stt.st_size > 0 ? (double)stt.st_size
                                                          : 1.0;
    buf = malloc(cap);
    /* strict: a stray quote is an error naming the record, not a
     * category with a quote in it */
    if (!buf ||
        csv_init(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0) {
        free(buf);
        fclose(f);
        return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    }
    csv_set_blk_size(&p, NBL_CSV_BLOCK); /* see csvread.c */
    while (!m->rc) {
        if (len + CHUNK > cap) { /* a line longer than the buffer */
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
                break;
            }
            buf = nb;
            cap *= 2;
        }
        if ((n = fread(buf + len, 1, CHUNK, f)) == 0)
            break;
        len += n;
        feed_lines(m, &c, &p, &d, buf, &len, 0);
        done += (double)n;
        if (!m->rc && nbl__has_progress(m->ctx))
            m->rc = nbl__progress(m->ctx, done / size, "import incidents");
    }
    if (!m->rc && ferror(f))
        m->rc = nbl__error(m->ctx, NBL_EIO, "%s: read error: %s", m->src,
                           strerror(errno));
    if (!m->rc)
        feed_lines(m, &c, &p, &d, buf, &len, 1);
    finish_csv(m, &c, &p, &d);
    if (!m->rc)
        m->rc = nbl__inc_flush(m);
    csv_free(&p);
    nbl__text_decoder_clear(&d);
    free(buf);
    fclose(f);
    for (size_t i = 0; i < c.nnames; i++)
        free(c.names[i]);
    free(c.names);
    free(c.roles);
    return m->rc;
}

/* ---- GDAL vector sources ------------------------------------------------ */

/* The columns of a GDAL layer's fields that give the year and category. */
typedef struct {
    OGRFeatureDefnH defn;
    long year, cat; /* field indices, -1 if none */
    int year_is_date;
} ogrcols;

static int
open_layer(imp *m, const nbl_incidents_opts *o, GDALDatasetH *ds,
           OGRLayerH *lyr)
{
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    *ds =
        GDALOpenEx(m->src, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!*ds)
        return nbl__error(m->ctx, NBL_EIO, "%s: cannot open: %s", m->src,
                          CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg()
                                                  : "not a vector source");
    *lyr = o->layer ? GDALDatasetGetLayerByName(*ds, o->layer)
                    : GDALDatasetGetLayer(*ds, 0);
    if (!*lyr)
        return nbl__error(m->ctx, NBL_ENOTFOUND, "%s: no layer %s%s%s", m->src,
                          o->layer ? "'" : "", o->layer ? o->layer : "",
                          o->layer ? "'" : "");
    return NBL_OK;
}

static int
layer_roles(imp *m, const nbl_incidents_opts *o, OGRLayerH lyr, ogrcols *cols)
{
    int nf, geographic = 0, rc;
    char **names;
    int *roles;
    cols->defn = OGR_L_GetLayerDefn(lyr);
    cols->year = cols->cat = -1;
    cols->year_is_date = 0;
    nf = OGR_FD_GetFieldCount(cols->defn);
    names = calloc((size_t)nf + 1, sizeof *names);
    roles = calloc((size_t)nf + 1, sizeof *roles);
    if (!names || !roles) {
        free(names);
        free(roles);
        return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    }
    for (int i = 0; i < nf; i++)
        names[i] =
            (char *)OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(cols->defn, i));
    rc = resolve_roles(m, o, names, (size_t)nf, roles, 0, &geographic);
    for (int i = 0; rc == NBL_OK && i < nf; i++) {
        if (roles[i] == R_YEAR || roles[i] == R_DATE) {
            cols->year = i;
            cols->year_is_date = roles[i] == R_DATE;
        }
        if (roles[i] == R_CAT)
            cols->cat = i;
    }
    free(names);
    free(roles);
    return rc;
}

static int
layer_crs(imp *m, const nbl_incidents_opts *o, OGRLayerH lyr)
{
    OGRSpatialReferenceH srs;
    char *wkt = NULL;
    int rc;
    if (o->src_crs)
        return nbl__inc_setup_crs(m, o->src_crs, "--src-crs");
    if ((srs = OGR_L_GetSpatialRef(lyr)) == NULL)
        return nbl__error(m->ctx, NBL_ECRS,
                          "%s: the layer has no CRS; pass --src-crs", m->src);
    if (OSRExportToWkt(srs, &wkt) != OGRERR_NONE) {
        CPLFree(wkt);
        return nbl__error(m->ctx, NBL_ECRS, "%s: cannot read the layer's CRS",
                          m->src);
    }
    rc = nbl__inc_setup_crs(m, wkt, m->src);
    CPLFree(wkt);
    return rc;
}

static int
feature_year(const ogrcols *cols, OGRFeatureH feat)
{
    int f = (int)cols->year;
    OGRFieldType ft;
    if (f < 0 || !OGR_F_IsFieldSetAndNotNull(feat, f))
        return 0;
    ft = OGR_Fld_GetType(OGR_FD_GetFieldDefn(cols->defn, f));
    if (ft == OFTInteger || ft == OFTInteger64 || ft == OFTReal) {
        double v = OGR_F_GetFieldAsDouble(feat, f);
        return v == floor(v) && fabs(v) < 1e4 ? ok_year((int)v) : 0;
    }
    {
        const char *v = OGR_F_GetFieldAsString(feat, f);
        return cols->year_is_date ? year_of(v, strlen(v))
                                  : (strlen(v) == 4 ? ok_year(dig(v, 4)) : 0);
    }
}

/* The points of one feature (a point, the parts of a multipoint, or one
 * point without coordinates). */
static void
feature_points(imp *m, OGRFeatureH feat, int year, uint32_t cat,
               const char *where)
{
    OGRGeometryH g = OGR_F_GetGeometryRef(feat);
    OGRwkbGeometryType t =
        g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
    if (t == wkbPoint && !OGR_G_IsEmpty(g)) {
        m->sum->read++;
        nbl__inc_push(m, OGR_G_GetX(g, 0), OGR_G_GetY(g, 0), year, cat);
    } else if (t == wkbMultiPoint && !OGR_G_IsEmpty(g)) {
        int np = OGR_G_GetGeometryCount(g);
        for (int k = 0; k < np && !m->rc; k++) {
            OGRGeometryH pt = OGR_G_GetGeometryRef(g, k);
            m->sum->read++;
            nbl__inc_push(m, OGR_G_GetX(pt, 0), OGR_G_GetY(pt, 0), year, cat);
        }
    } else {
        m->sum->read++;
        m->sum->no_coords++;
        if (m->warn_coords++ < MAX_WARN)
            nbl__warn(m->ctx, "%s: no point geometry", where);
    }
}

static void
read_feature(imp *m, const ogrcols *cols, OGRFeatureH feat)
{
    int year = feature_year(cols, feat);
    uint32_t cat = m->cat_default;
    char where[512];
    snprintf(where, sizeof where, "%s: feature %lld", m->src,
             (long long)OGR_F_GetFID(feat));
    if (cols->cat >= 0) {
        int f = (int)cols->cat;
        const char *v = OGR_F_IsFieldSetAndNotNull(feat, f)
                            ? OGR_F_GetFieldAsString(feat, f)
                            : "";
        if (!*v) {
            cat = m->cat_unspec;
            m->sum->no_category++;
        } else {
            cat = nbl__inc_cat_intern(m, v, strlen(v), where);
        }
    }
    if (year == 0 && m->warn_date++ < MAX_WARN)
        nbl__warn(m->ctx, "%s: no usable year or date", where);
    if (!m->rc)
        feature_points(m, feat, year, cat, where);
}

int
nbl__inc_read_ogr(imp *m, const nbl_incidents_opts *o)
{
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = NULL;
    OGRFeatureH feat;
    ogrcols cols;
    long long fcount, done = 0;

    m->rc = open_layer(m, o, &ds, &lyr);
    if (!m->rc)
        m->rc = layer_roles(m, o, lyr, &cols);
    if (!m->rc)
        m->rc = layer_crs(m, o, lyr);
    if (m->rc) {
        if (ds)
            GDALClose(ds);
        return m->rc;
    }
    fcount = OGR_L_GetFeatureCount(lyr, 0);
    OGR_L_ResetReading(lyr);
    while (!m->rc && (feat = OGR_L_GetNextFeature(lyr)) != NULL) {
        read_feature(m, &cols, feat);
        OGR_F_Destroy(feat);
        if (!m->rc && ++done % 65536 == 0 && fcount > 0 &&
            nbl__has_progress(m->ctx))
            m->rc = nbl__progress(m->ctx, (double)done / (double)fcount,
                                  "import incidents");
    }
    if (!m->rc)
        m->rc = nbl__inc_flush(m);
    GDALClose(ds);
    return m->rc;
}
