/*
 * alerts_format.c - alert lists as text (for a municipal officer, also the
 * e-mail body), CSV (RFC 4180), JSON and GeoJSON (RFC 7946; one point
 * feature per alert at the area's PointOnSurface in WGS 84).
 *
 * Text: a header (workspace, ruleset, years), a summary line, then one
 * block per area in the list's order (area name, id), each item on one
 * line with a mark: '!' critical, '*' warning, '+' positive change
 * (improved), '#' still in a category (status), '=' no longer applies
 * (resolved), '>' superseded by a crossed threshold, ' ' other
 * information. The text format is in the output language; CSV, JSON and
 * GeoJSON keep English keys and codes (the message is in the language the
 * alert was evaluated in). The CSV follows the list's nbl_csv_style: ','
 * and '.' by default, ';', a UTF-8 BOM and decimal commas for Excel.
 *
 * Every format is written as it is made, into a sink: a buffer that is
 * written to the output file after each alert (memory flat in the number
 * of alerts), or that keeps the whole text (nbl_alerts_format_string, and
 * standard output, which receives nothing unless the whole list was made).
 * JSON and GeoJSON go through nbl__jstream (util/jsondoc.h): the head, then
 * one element at a time, then the tail, byte for byte the document jansson
 * would dump whole.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/alerts.h"
#include "util/ctx.h"
#include "model/disclosure.h"
#include "nabolag/alerts.h"
#include "store/store_alerts.h"
#include "util/i18n.h"
#include "util/jsondoc.h"
#include "util/util.h"

/* The dump flags of the JSON and GeoJSON lists. */
#define JFLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))

/* Where a list goes: b holds what is made; with fp, flush() writes it out
 * and empties it after each alert, and name (the file) is for messages. */
typedef struct sink {
    nbl__buf b;
    FILE *fp;
    const char *name;
    int err; /* errno of a failed write */
} sink;

/* NBL_ENOMEM when b could not grow, NBL_EIO when the write failed. */
static int
flush(sink *k)
{
    if (k->b.failed)
        return NBL_ENOMEM;
    if (!k->fp || k->b.len == 0)
        return NBL_OK;
    if (fwrite(k->b.s, 1, k->b.len, k->fp) != k->b.len) {
        k->err = errno;
        return NBL_EIO;
    }
    k->b.len = 0;
    k->b.s[0] = '\0';
    return NBL_OK;
}

int
nbl_alerts_format_parse(const char *s)
{
    if (strcmp(s, "text") == 0)
        return NBL_ALERTS_TEXT;
    if (strcmp(s, "csv") == 0)
        return NBL_ALERTS_CSV;
    if (strcmp(s, "json") == 0)
        return NBL_ALERTS_JSON;
    if (strcmp(s, "geojson") == 0)
        return NBL_ALERTS_GEOJSON;
    return -1;
}

int
nbl_alerts_raised(const nbl_alert_list *list)
{
    for (size_t i = 0; list && i < list->n; i++) {
        const nbl_alert *a = &list->items[i];
        if (a->severity >= NBL_SEV_WARNING &&
            (strcmp(a->state, "new") == 0 || strcmp(a->state, "ongoing") == 0))
            return 1;
    }
    return 0;
}

int
nbl_alerts_raised_new(const nbl_alert_list *list)
{
    for (size_t i = 0; list && i < list->n; i++)
        if (list->items[i].severity >= NBL_SEV_WARNING &&
            strcmp(list->items[i].state, "new") == 0)
            return 1;
    return 0;
}

static char
mark(const nbl_alert *a)
{
    if (strcmp(a->state, "superseded") == 0)
        return '>';
    if (strcmp(a->state, "resolved") == 0)
        return '=';
    if (strcmp(a->kind, "improved") == 0)
        return '+';
    if (strcmp(a->kind, "status") == 0)
        return '#';
    if (a->severity == NBL_SEV_CRITICAL)
        return '!';
    if (a->severity == NBL_SEV_WARNING)
        return '*';
    return ' ';
}

/* The kind and severity as words of the output language. */
static const char *
kind_words(const char *kind)
{
    static const char *k[][2] = {
        {"crossed", N_("crossed")},
        {"approaching", N_("approaching")},
        {"trend", N_("trend")},
        {"countdown", N_("countdown")},
        {"status_dynamics", N_("status/dynamics")},
        {"safety", N_("safety")},
        {"improved", N_("improved")},
        {"not_evaluable", N_("not evaluable")},
        {"status", N_("status")},
        {"withheld", N_("withheld")},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (strcmp(kind, k[i][0]) == 0)
            return T_(k[i][1]);
    return kind;
}

static const char *
severity_words(nbl_alert_severity s)
{
    static const char *w[] = {N_("info"), N_("warning"), N_("critical")};
    return T_(w[(unsigned)s <= NBL_SEV_CRITICAL ? s : 0]);
}

/* The message without its leading "Name (id): " (the text format shows the
 * area as a heading). */
static const char *
short_message(const nbl_alert *a, char *buf, size_t n)
{
    const char *m = a->message;
    if (strcmp(a->value_status, "suppressed") == 0 &&
        strcmp(a->kind, "withheld") != 0) {
        snprintf(buf, n, T_("%s: value withheld under disclosure control"),
                 a->rule);
        return buf;
    }
    const char *p = strstr(m, "): ");
    if (p && a->area_id) {
        size_t k = strlen(a->area_id);
        if ((size_t)(p - m) >= k + 1 && strncmp(p - k, a->area_id, k) == 0 &&
            p[-(long)k - 1] == '(')
            return p + 3;
    }
    return m;
}

static int
same_area(const nbl_alert *a, const nbl_alert *b)
{
    return strcmp(a->area_id, b->area_id) == 0;
}

static void
years_text(nbl__buf *b, const nbl_alert_list *l)
{
    if (l->year_from && l->year_from != l->year_to)
        nbl__buf_printf(b, T_("years %d–%d"), l->year_from, l->year_to);
    else
        nbl__buf_printf(b, T_("year %d"), l->year_to);
}

struct text_counts {
    size_t nnew, nong, nres, nsup, ncrit, nwarn, npos, nstat;
};

static void
count_text(const nbl_alert_list *l, struct text_counts *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < l->n; i++) {
        const nbl_alert *a = &l->items[i];
        int closed = strcmp(a->state, "resolved") == 0 ||
                     strcmp(a->state, "superseded") == 0;
        if (strcmp(a->state, "new") == 0)
            t->nnew++;
        else if (strcmp(a->state, "ongoing") == 0)
            t->nong++;
        else if (strcmp(a->state, "superseded") == 0)
            t->nsup++;
        else
            t->nres++;
        if (!closed && a->severity == NBL_SEV_CRITICAL)
            t->ncrit++;
        else if (!closed && a->severity == NBL_SEV_WARNING)
            t->nwarn++;
        if (strcmp(a->kind, "improved") == 0)
            t->npos++;
        if (strcmp(a->kind, "status") == 0)
            t->nstat++;
    }
}

static void
text_header(const nbl_alert_list *l, nbl__buf *b)
{
    nbl__buf_printf(b, T_("nabolag alerts: %s%sruleset %s"),
                    l->workspace_name ? l->workspace_name : "",
                    l->workspace_name ? ", " : "",
                    l->ruleset ? l->ruleset : "?");
    if (l->ruleset_version)
        nbl__buf_printf(b, T_(" (version %s)"), l->ruleset_version);
    nbl__buf_printf(b, ", ");
    years_text(b, l);
    nbl__buf_printf(b, "\n");
    if (l->run_id) /* an identifier, the same in every language */
        nbl__buf_printf(b, "Run %s\n", l->run_id);
    if (l->unsuppressed)
        nbl__buf_printf(b, "%s\n", NBL__INTERNAL_USE_ONLY);
}

/* The summary's counts, each in its own plural form. */
static void
text_counts_line(const struct text_counts *t, nbl__buf *b)
{
    char p[8][128];
    /* TRANSLATORS: new, ongoing, resolved, superseded and critical count
     * alerts (Danish: et varsel; 1 nyt, 2 nye) */
    snprintf(p[0], sizeof p[0], Tn_("%zu new", "%zu new", t->nnew), t->nnew);
    snprintf(p[1], sizeof p[1], Tn_("%zu ongoing", "%zu ongoing", t->nong),
             t->nong);
    snprintf(p[2], sizeof p[2], Tn_("%zu resolved", "%zu resolved", t->nres),
             t->nres);
    snprintf(p[3], sizeof p[3],
             Tn_("%zu superseded", "%zu superseded", t->nsup), t->nsup);
    snprintf(p[4], sizeof p[4], Tn_("%zu critical", "%zu critical", t->ncrit),
             t->ncrit);
    snprintf(p[5], sizeof p[5], Tn_("%zu warning", "%zu warnings", t->nwarn),
             t->nwarn);
    snprintf(p[6], sizeof p[6],
             Tn_("%zu positive change", "%zu positive changes", t->npos),
             t->npos);
    snprintf(p[7], sizeof p[7],
             Tn_("%zu area still in a category",
                 "%zu areas still in a category", t->nstat),
             t->nstat);
    /* TRANSLATORS: the alert list's summary: new, ongoing, resolved,
     * superseded; critical, warnings; positive changes; areas still in a
     * category */
    nbl__buf_printf(b, T_("%s, %s, %s, %s; %s, %s; %s; %s\n"), p[0], p[1], p[2],
                    p[3], p[4], p[5], p[6], p[7]);
}

static void
text_summary(const nbl_alert_list *l, nbl__buf *b)
{
    struct text_counts t;
    count_text(l, &t);
    text_counts_line(&t, b);
    if (l->n_withheld)
        nbl__buf_printf(b,
                        Tn_("%zu alert withheld under disclosure control "
                            "(too few residents or too small a "
                            "denominator)\n",
                            "%zu alerts withheld under disclosure control "
                            "(too few residents or too small a "
                            "denominator)\n",
                            l->n_withheld),
                        l->n_withheld);
    nbl__buf_printf(b, "%s",
                    T_("Marks: ! critical  * warning  + positive change  # "
                       "still in a category  = no longer applies  > "
                       "superseded: the threshold was crossed\n"));
}

static void
text_item(const nbl_alert_list *l, const nbl_alert *a, nbl__buf *b)
{
    char state[64], sm[160];
    if (strcmp(a->state, "ongoing") == 0)
        snprintf(state, sizeof state, T_("ONGOING since %d"), a->first_year);
    else if (strcmp(a->state, "new") == 0)
        snprintf(state, sizeof state, "%s", T_("NEW"));
    else if (strcmp(a->state, "superseded") == 0)
        snprintf(state, sizeof state, "%s", T_("SUPERSEDED"));
    else
        snprintf(state, sizeof state, "%s", T_("RESOLVED"));
    nbl__buf_printf(b, "  %c ", mark(a));
    if (l->year_from && l->year_from != l->year_to)
        nbl__buf_printf(b, "%d ", a->year);
    nbl__buf_printf(b, "%s, %s (%s): %s\n", state, kind_words(a->kind),
                    severity_words(a->severity),
                    short_message(a, sm, sizeof sm));
}

static int
format_text(const nbl_alert_list *l, sink *k)
{
    nbl__buf *b = &k->b;
    int rc = NBL_OK;
    text_header(l, b);
    if (l->n == 0) {
        nbl__buf_printf(b, "%s", T_("No alerts.\n"));
        return flush(k);
    }
    text_summary(l, b);
    for (size_t i = 0; i < l->n && rc == NBL_OK; i++) {
        const nbl_alert *a = &l->items[i];
        if (i == 0 || !same_area(a, &l->items[i - 1]))
            nbl__buf_printf(b, "\n%s (%s)\n",
                            a->area_name && *a->area_name ? a->area_name
                                                          : T_("Area"),
                            a->area_id);
        text_item(l, a, b);
        rc = flush(k);
    }
    return rc == NBL_OK ? flush(k) : rc;
}

/* One CSV field in the list's style, then the delimiter or (last) CRLF. */
static void
csv_field(nbl__buf *b, const nbl_csv_style *st, const char *s, int last)
{
    char d = st->delimiter ? st->delimiter : ',';
    nbl__buf_append_csv(b, s, d);
    nbl__buf_append(b, last ? "\r\n" : &d, last ? 2 : 1);
}

static const char *
num(char *buf, size_t n, double v)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return buf;
    }
    return nbl__fmt_double(buf, n, v, 4);
}

/* ok|missing|suppressed (lists not from nbl_alerts_list: from the value) */
static const char *
vstatus(const nbl_alert *a)
{
    if (a->value_status[0])
        return a->value_status;
    return isnan(a->value) ? "missing" : "ok";
}

/* A number for the CSV: '.' decimals, or the decimal comma of --excel. */
static const char *
csv_num(char *buf, size_t n, double v, const nbl_csv_style *st)
{
    num(buf, n, v);
    return st->decimal_comma ? nbl__decimal_comma(buf) : buf;
}

static void
csv_header(const nbl_alert_list *l, nbl__buf *b)
{
    static const char *const cols[] = {
        "area_id",    "area_name",    "year",      "kind",     "rule",
        "value",      "value_status", "threshold", "severity", "state",
        "first_year", "ruleset",      "message"};
    size_t n = sizeof cols / sizeof cols[0];
    if (l->csv.bom)
        nbl__buf_append(b, "\xEF\xBB\xBF", 3);
    for (size_t i = 0; i < n; i++)
        csv_field(b, &l->csv, cols[i],
                  i + 1 == n && !l->unsuppressed && !l->run_id);
    if (l->unsuppressed)
        csv_field(b, &l->csv, "internal_use_only", !l->run_id);
    if (l->run_id)
        csv_field(b, &l->csv, "run_id", 1);
}

/* RFC 4180 with CRLF; in the list's style (nbl_csv_style: delimiter, BOM,
 * decimal comma). Keys and codes stay English. */
static int
format_csv(const nbl_alert_list *l, sink *k)
{
    const nbl_csv_style *st = &l->csv;
    nbl__buf *b = &k->b;
    char v[64], t[64], y[16], fy[16];
    int rc = NBL_OK;
    csv_header(l, b);
    for (size_t i = 0; i < l->n && rc == NBL_OK; i++) {
        const nbl_alert *a = &l->items[i];
        snprintf(y, sizeof y, "%d", a->year);
        snprintf(fy, sizeof fy, "%d", a->first_year);
        csv_field(b, st, a->area_id, 0);
        csv_field(b, st, a->area_name, 0);
        csv_field(b, st, y, 0);
        csv_field(b, st, a->kind, 0);
        csv_field(b, st, a->rule, 0);
        csv_field(b, st, csv_num(v, sizeof v, a->value, st), 0);
        csv_field(b, st, vstatus(a), 0);
        csv_field(b, st, csv_num(t, sizeof t, a->threshold, st), 0);
        csv_field(b, st, nbl_alert_severity_name(a->severity), 0);
        csv_field(b, st, a->state, 0);
        csv_field(b, st, fy, 0);
        csv_field(b, st, l->ruleset, 0);
        csv_field(b, st, a->message, !l->unsuppressed && !l->run_id);
        if (l->unsuppressed)
            csv_field(b, st, NBL__INTERNAL_USE_ONLY, !l->run_id);
        if (l->run_id)
            csv_field(b, st, l->run_id, 1);
        rc = flush(k);
    }
    return rc == NBL_OK ? flush(k) : rc;
}

static json_t *
jnum(double v)
{
    return isnan(v) ? json_null() : json_real(nbl__round(v, 4));
}

static json_t *
jstr(const char *s)
{
    return s ? nbl__jstr(s) : json_null();
}

/* One alert's members; every addition checked (util/jsondoc.h). */
static json_t *
alert_props(const nbl_alert_list *l, const nbl_alert *a, int *bad)
{
    json_t *o = nbl__jnew(bad, json_object());
    nbl__jset(bad, o, "area_id", jstr(a->area_id));
    nbl__jset(bad, o, "area_name", jstr(a->area_name));
    nbl__jset(bad, o, "year", json_integer(a->year));
    nbl__jset(bad, o, "kind", nbl__jstr(a->kind));
    nbl__jset(bad, o, "rule", nbl__jstr(a->rule));
    nbl__jset(bad, o, "value", jnum(a->value));
    nbl__jset(bad, o, "value_status", nbl__jstr(vstatus(a)));
    nbl__jset(bad, o, "threshold", jnum(a->threshold));
    nbl__jset(bad, o, "severity",
              nbl__jstr(nbl_alert_severity_name(a->severity)));
    nbl__jset(bad, o, "state", nbl__jstr(a->state));
    nbl__jset(bad, o, "first_year", json_integer(a->first_year));
    nbl__jset(bad, o, "ruleset", jstr(l->ruleset));
    nbl__jset(bad, o, "message", jstr(a->message));
    return o;
}

static json_t *
disclosure(const nbl_alert_list *l, int *bad)
{
    json_t *d = nbl__jnew(bad, json_object());
    nbl__jset(bad, d, "applied", json_boolean(!l->unsuppressed));
    nbl__jset(bad, d, "min_count", json_real(l->min_count));
    nbl__jset(bad, d, "min_denominator", json_real(l->min_denominator));
    nbl__jset(bad, d, "min_residents_publish",
              json_real(l->min_residents_publish));
    nbl__jset(bad, d, "withheld", json_integer((json_int_t)l->n_withheld));
    return d;
}

static json_t *
provenance(const nbl_alert_list *l, int *bad)
{
    json_t *o = nbl__jnew(bad, json_object());
    nbl__jset(bad, o, "tool", nbl__jstr("nabolag"));
    nbl__jset(bad, o, "tool_version", nbl__jstr(nbl_version()));
    nbl__jset(bad, o, "workspace", jstr(l->workspace_name));
    nbl__jset(bad, o, "ruleset", jstr(l->ruleset));
    nbl__jset(bad, o, "ruleset_version", jstr(l->ruleset_version));
    nbl__jset(bad, o, "year", json_integer(l->year_to));
    if (l->run_id)
        nbl__jset(bad, o, "run_id", nbl__jstr(l->run_id));
    nbl__jset(bad, o, "since",
              l->year_from && l->year_from != l->year_to
                  ? json_integer(l->year_from)
                  : json_null());
    nbl__jset(bad, o, "disclosure", disclosure(l, bad));
    if (l->unsuppressed)
        nbl__jset(bad, o, "internal_use_only",
                  nbl__jstr(NBL__INTERNAL_USE_ONLY));
    return o;
}

/* The document's end and final newline, after its elements (rc). */
static int
stream_end(nbl__jstream *js, sink *k, int rc)
{
    if (rc == NBL_OK)
        rc = nbl__jstream_close(js);
    nbl__jstream_free(js);
    if (rc == NBL_OK)
        nbl__buf_append(&k->b, "\n", 1);
    return rc == NBL_OK ? flush(k) : rc;
}

/* The provenance with "alerts" last, then each alert as it is made; an
 * addition that failed (bad) ends it with NBL_ENOMEM: never a document
 * with a part missing. */
static int
format_json(const nbl_alert_list *l, sink *k)
{
    nbl__jstream js;
    int bad = 0, rc;
    json_t *root = provenance(l, &bad);
    nbl__jset(&bad, root, "alerts", json_array());
    rc = nbl__jstream_open(&js, &k->b, bad, root, JFLAGS);
    for (size_t i = 0; i < l->n && rc == NBL_OK; i++) {
        json_t *a = alert_props(l, &l->items[i], &bad);
        if ((rc = nbl__jstream_add(&js, bad, a)) == NBL_OK)
            rc = flush(k);
    }
    return stream_end(&js, k, rc);
}

static int
cmp_id(const void *k, const void *e)
{
    return strcmp((const char *)k, *(char *const *)e);
}

/* One point feature per alert, at its area's point (null without one). */
static json_t *
alert_feature(const nbl_alert_list *l, const nbl_alert *a,
              const nbl__apoints *pts, int *bad)
{
    json_t *f = nbl__jnew(bad, json_object()), *geom;
    char **hit =
        bsearch(a->area_id, pts->ids, pts->n, sizeof *pts->ids, cmp_id);
    /* the store wrote the point: a NULL parse is out of memory */
    geom =
        hit ? nbl__jnew(bad, json_loads(pts->geojson[hit - pts->ids], 0, NULL))
            : json_null();
    nbl__jset(bad, f, "type", nbl__jstr("Feature"));
    nbl__jset(bad, f, "id", json_integer(a->alert_id));
    nbl__jset(bad, f, "geometry", geom);
    nbl__jset(bad, f, "properties", alert_props(l, a, bad));
    return f;
}

static int
format_geojson(nbl_ws *ws, nbl_ctx *ctx, const nbl_alert_list *l, sink *k)
{
    nbl__apoints pts = {0};
    nbl__jstream js;
    json_t *root;
    int rc, bad = 0;
    if (!ws)
        return nbl__error(ctx, NBL_EINVAL,
                          "internal: GeoJSON output needs the workspace");
    rc = nbl__store_alerts_points(ws, &pts);
    if (rc)
        return rc;
    root = nbl__jnew(&bad, json_object());
    nbl__jset(&bad, root, "type", nbl__jstr("FeatureCollection"));
    nbl__jset(&bad, root, "name", nbl__jstr("alerts"));
    nbl__jset(&bad, root, "nabolag", provenance(l, &bad));
    nbl__jset(&bad, root, "features", json_array());
    rc = nbl__jstream_open(&js, &k->b, bad, root, JFLAGS);
    for (size_t i = 0; i < l->n && rc == NBL_OK; i++) {
        json_t *f = alert_feature(l, &l->items[i], &pts, &bad);
        if ((rc = nbl__jstream_add(&js, bad, f)) == NBL_OK)
            rc = flush(k);
    }
    nbl__store_points_free(&pts);
    return stream_end(&js, k, rc);
}

/* rc with its message on ctx: out of memory, or the write that failed. */
static int
sink_error(nbl_ctx *ctx, const sink *k, int rc)
{
    if (rc == NBL_ENOMEM)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    if (rc == NBL_EIO && k->err)
        return nbl__error(ctx, NBL_EIO, "%s: write failed: %s", k->name,
                          nbl__io_reason(k->err));
    return rc;
}

/* The list in fmt into k (written out as it is made when k has a file). */
static int
format_into(nbl_ws *ws, nbl_ctx *ctx, const nbl_alert_list *list,
            nbl_alerts_format fmt, sink *k)
{
    int rc;
    switch (fmt) {
    case NBL_ALERTS_TEXT:
        rc = format_text(list, k);
        break;
    case NBL_ALERTS_CSV:
        rc = format_csv(list, k);
        break;
    case NBL_ALERTS_JSON:
        rc = format_json(list, k);
        break;
    case NBL_ALERTS_GEOJSON:
        rc = format_geojson(ws, ctx, list, k);
        break;
    default:
        rc = nbl__error(ctx, NBL_EINVAL, "unknown alerts format");
    }
    return sink_error(ctx, k, rc);
}

int
nbl_alerts_format_string(nbl_ws *ws, nbl_ctx *ctx, const nbl_alert_list *list,
                         nbl_alerts_format fmt, char **out)
{
    sink k = {0};
    int rc = format_into(ws, ctx, list, fmt, &k);
    *out = NULL;
    if (rc == NBL_OK && !k.b.s)
        rc = nbl__buf_append(&k.b, "", 0)
                 ? nbl__error(ctx, NBL_ENOMEM, "out of memory")
                 : NBL_OK;
    if (rc) {
        nbl__buf_free(&k.b);
        return rc;
    }
    *out = k.b.s;
    return NBL_OK;
}

int
nbl_alerts_write(nbl_ws *ws, nbl_ctx *ctx, const nbl_alert_list *list,
                 nbl_alerts_format fmt, FILE *fp)
{
    char *s;
    int rc = nbl_alerts_format_string(ws, ctx, list, fmt, &s);
    if (rc)
        return rc;
    if (fputs(s, fp) == EOF)
        rc = nbl__error(ctx, NBL_EIO, "cannot write the alerts");
    free(s);
    return rc;
}

int
nbl_alerts_write_file(nbl_ws *ws, nbl_ctx *ctx, const nbl_alert_list *list,
                      nbl_alerts_format fmt, const char *path, int overwrite)
{
    nbl__outfile of;
    sink k = {0};
    int whole = strcmp(path, "-") == 0, rc = NBL_OK;
    /* standard output receives nothing unless the whole list was made; a
     * file is written as the list is made, under its temporary name */
    if (whole)
        rc = format_into(ws, ctx, list, fmt, &k);
    /* unsuppressed values stay private (docs/data-protection.md) */
    if (rc == NBL_OK)
        rc = nbl__outfile_open_mode(ctx, &of, path, overwrite,
                                    list->unsuppressed ? 0600 : 0666);
    if (rc == NBL_OK) {
        k.fp = of.fp;
        k.name = whole ? "stdout" : path;
        rc = whole ? sink_error(ctx, &k, flush(&k))
                   : format_into(ws, ctx, list, fmt, &k);
        if (rc)
            nbl__outfile_abort(&of);
        else
            rc = nbl__outfile_commit(ctx, &of);
    }
    nbl__buf_free(&k.b);
    return rc;
}
