/*
 * plans.c - `nabolag plans compare`: loads plans and results from the
 * store, runs the comparison (plancmp.c) and writes it as a text table, CSV,
 * JSON (jansson) or an RFC 7946 GeoJSON `plans` layer (one feature per plan:
 * the union of its areas, comparison results as properties).
 *
 * Settings (config file): [plans] indicators, comparison; [disclosure]
 * min_residents_publish, read by nbl__disclosure_load (aggregates over fewer
 * residents are suppressed, and an area with fewer residents takes part in
 * no aggregate and its category is not shown).
 */
#include "nabolag/plans.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <jansson.h>

#include "util/ctx.h"
#include "model/disclosure.h"
#include "model/plancmp.h"
#include "compute/plans_internal.h"
#include "store/store_plans.h"
#include "model/alerts.h"
#include "util/i18n.h"
#include "util/jsondoc.h"
#include "util/util.h"

struct settings {
    char indicators[512];
    char comparison[32];
    double min_pop;
    nbl_ctx *ctx;
    const char *path;
    int rc;
};

static int
settings_cb(void *user, const char *section, const char *key, const char *value)
{
    struct settings *s = user;
    if (strcmp(section, "plans") == 0) {
        if (strcmp(key, "indicators") == 0) {
            snprintf(s->indicators, sizeof s->indicators, "%s", value);
        } else if (strcmp(key, "comparison") == 0) {
            snprintf(s->comparison, sizeof s->comparison, "%s", value);
        } else if (strcmp(key, "source") == 0 || strcmp(key, "sheet") == 0) {
            /* the project file's plans to import: not comparison keys */
        } else {
            s->rc = nbl__error(s->ctx, NBL_EFORMAT,
                               "%s: [plans] unknown key '%s'", s->path, key);
            return 0;
        }
    }
    return 1;
}

/* Indicators where a higher value is better. */
static int
higher_is_better(const char *ind)
{
    return strcmp(ind, "inc") == 0 || strcmp(ind, "safety_index") == 0 ||
           strcmp(ind, "perceived") == 0 || strcmp(ind, "income") == 0;
}

static int
decimals_for(const char *ind)
{
    return strcmp(ind, "cri_ratio") == 0 ? 3 : 2;
}

static json_t *
num(double v, int decimals)
{
    return isnan(v) ? json_null() : json_real(nbl__round(v, decimals));
}

static const char *
status_name(int st)
{
    return st == NBL_PC_OK        ? "ok"
           : st == NBL_PC_MISSING ? "missing"
                                  : "suppressed";
}

/* Status of a transition's category: suppressed (too few residents that
 * year), missing (no result) or ok. */
static const char *
cat_status(int suppressed, const char *category)
{
    return suppressed ? "suppressed" : category ? "ok" : "missing";
}

/* The other plans that cover one of plan p's areas in the same years:
 * [{"plan_id", "from_year", "to_year", "areas": [...]}]. */
static json_t *
overlaps_json(const nbl__plans_data *d, const nbl__pc_output *o, int p,
              int *bad)
{
    json_t *arr = nbl__jnew(bad, json_array());
    for (size_t k = 0; k < o->n_overlaps && !*bad; k++) {
        const nbl__pc_overlap *x = &o->overlaps[k];
        json_t *e, *areas;
        const char *a = x->areas;
        if (x->plan != p)
            continue;
        areas = nbl__jnew(bad, json_array());
        while (a && *a) {
            size_t n = strcspn(a, "|");
            nbl__jappend(bad, areas, json_stringn(a, n));
            a += n + (a[n] == '|');
        }
        e = nbl__jnew(bad, json_object());
        nbl__jset(bad, e, "plan_id", nbl__jstr(d->plan_id[x->other]));
        nbl__jset(bad, e, "from_year", json_integer(x->from_year));
        nbl__jset(bad, e, "to_year", json_integer(x->to_year));
        nbl__jset(bad, e, "areas", areas);
        nbl__jappend(bad, arr, e);
    }
    return arr;
}

/* The plan's areas left out of the result ('|'-separated r->missing). */
static json_t *
missing_json(const nbl__pc_result *r, int *bad)
{
    json_t *miss = nbl__jnew(bad, json_array());
    char *dup, *save = NULL;
    if (!r->missing)
        return miss;
    if (!(dup = nbl__strdup(r->missing)))
        *bad = 1;
    for (char *t = dup ? strtok_r(dup, "|", &save) : NULL; t;
         t = strtok_r(NULL, "|", &save))
        nbl__jappend(bad, miss, nbl__jstr(t));
    free(dup);
    return miss;
}

/* The category transitions of plan p's areas, baseline to latest. */
static json_t *
transitions_json(const nbl__plans_data *d, const nbl__pc_output *o, int p,
                 int *bad)
{
    json_t *tr = nbl__jnew(bad, json_array());
    for (size_t i = 0; i < o->n_transitions && !*bad; i++) {
        const nbl__pc_transition *t = &o->transitions[i];
        json_t *x;
        if (t->plan != p)
            continue;
        x = nbl__jnew(bad, json_object());
        nbl__jset(bad, x, "area_id", nbl__jstr(d->area_id[t->area]));
        nbl__jset(bad, x, "from", t->from ? nbl__jstr(t->from) : json_null());
        nbl__jset(bad, x, "to", t->to ? nbl__jstr(t->to) : json_null());
        nbl__jset(bad, x, "from_status",
                  nbl__jstr(cat_status(t->from_suppressed, t->from)));
        nbl__jset(bad, x, "to_status",
                  nbl__jstr(cat_status(t->to_suppressed, t->to)));
        nbl__jappend(bad, tr, x);
    }
    return tr;
}

/* One JSON object per plan and indicator (the array of `-f json`); every
 * addition checked (util/jsondoc.h). */
static json_t *
result_json(const nbl__plans_data *d, const nbl__pc_output *o,
            const nbl__pc_result *r, const char *const *ind, int *bad)
{
    json_t *obj = nbl__jnew(bad, json_object());
    int dec = decimals_for(ind[r->ind]), p = r->plan;
    nbl__jset(bad, obj, "plan_id", nbl__jstr(d->plan_id[p]));
    nbl__jset(bad, obj, "plan_name",
              d->plan_name[p] ? nbl__jstr(d->plan_name[p]) : json_null());
    nbl__jset(bad, obj, "start_year", json_integer(d->start_year[p]));
    nbl__jset(bad, obj, "end_year", json_integer(d->end_year[p]));
    nbl__jset(bad, obj, "indicator", nbl__jstr(ind[r->ind]));
    nbl__jset(bad, obj, "baseline_year", json_integer(r->baseline_year));
    nbl__jset(bad, obj, "latest_year", json_integer(r->latest_year));
    nbl__jset(bad, obj, "baseline", num(r->baseline, dec));
    nbl__jset(bad, obj, "latest", num(r->latest, dec));
    nbl__jset(bad, obj, "change", num(r->change, dec));
    nbl__jset(bad, obj, "status", nbl__jstr(status_name(r->status)));
    nbl__jset(bad, obj, "latest_status",
              nbl__jstr(status_name(r->latest_status)));
    nbl__jset(bad, obj, "comparison_baseline", num(r->cmp_baseline, dec));
    nbl__jset(bad, obj, "comparison_latest", num(r->cmp_latest, dec));
    nbl__jset(bad, obj, "comparison_change", num(r->cmp_change, dec));
    nbl__jset(bad, obj, "comparison_status",
              nbl__jstr(status_name(r->cmp_status)));
    nbl__jset(bad, obj, "did", num(r->did, dec));
    nbl__jset(bad, obj, "target", num(r->target, dec));
    nbl__jset(bad, obj, "target_met",
              r->target_met < 0 ? json_null() : json_boolean(r->target_met));
    nbl__jset(bad, obj, "areas", json_integer(d->plan_n_areas[p]));
    nbl__jset(bad, obj, "areas_used", json_integer(r->n_used));
    nbl__jset(bad, obj, "comparison_areas", json_integer(r->n_cmp));
    nbl__jset(bad, obj, "missing_areas", missing_json(r, bad));
    nbl__jset(bad, obj, "transitions", transitions_json(d, o, p, bad));
    nbl__jset(bad, obj, "overlapping_plans", overlaps_json(d, o, p, bad));
    return obj;
}

/* s right-aligned in `width` characters (UTF-8 letters count once). */
static void
pad_cell(nbl__buf *b, const char *s, int width)
{
    int chars = (int)nbl__utf8_chars(s);
    nbl__buf_printf(b, " %*s%s", width > chars ? width - chars : 0, "", s);
}

/* Right-aligned number cell in the output language's style ("-" when
 * missing), fixed decimals so the column lines up. */
static void
fmt_cell(nbl__buf *b, double v, int dec, int width)
{
    char s[64];
    double r = nbl__round(v, dec);
    if (r == 0)
        r = 0; /* no "-0.00" */
    pad_cell(b, isnan(v) ? "-" : nbl__fmt_num(s, sizeof s, r, dec), width);
}

static const char *
category_label(const char *c, int suppressed)
{
    if (suppressed)
        return T_("suppressed");
    if (!c)
        return T_("no result");
    return nbl__alert_category_label(c);
}

/* The title line and, without plans, the hint to import some. */
static void
text_heading(nbl__buf *b, const nbl__plans_data *d, const char *comparison)
{
    nbl__buf_printf(
        b,
        T_("Plan comparison (ruleset %s %s, comparison group: areas "
           "without a plan in %s)\n"),
        d->ruleset, d->ruleset_version ? d->ruleset_version : "",
        strcmp(comparison, "all") == 0 ? T_("the whole workspace")
                                       : T_("the plan's municipalities"));
    if (d->n_plans == 0)
        nbl__buf_printf(b, "\n%s",
                        T_("No plans in the workspace (nabolag import "
                           "plans).\n"));
}

/* Column widths of the table: indicator, then the numbers. */
static const int col_w[] = {14, 9, 9, 9, 13, 9, 8};

static void
text_columns(nbl__buf *b)
{
    const char *h[] = {T_("baseline"),   T_("latest"), T_("change"),
                       T_("comparison"), T_("did"),    T_("target")};
    nbl__buf_printf(b, "  %s", T_("indicator"));
    pad_cell(b, "", col_w[0] - 1 - (int)strlen(T_("indicator")));
    for (int i = 0; i < 6; i++)
        pad_cell(b, h[i], col_w[i + 1]);
    nbl__buf_printf(b, "  %s\n", T_("target met"));
}

/* One indicator's row; 1 when some plan area was left out of it. */
static int
text_row(nbl__buf *b, const nbl__pc_result *r, const char *ind)
{
    int dec = decimals_for(ind);
    const double v[] = {r->baseline,   r->latest, r->change,
                        r->cmp_change, r->did,    r->target};
    nbl__buf_printf(b, "  %-14s", ind);
    if (r->status == NBL_PC_SUPPRESSED) {
        nbl__buf_printf(b, " %s\n",
                        T_("(suppressed: too few residents to publish)"));
        return 0;
    }
    for (int i = 0; i < 6; i++)
        fmt_cell(b, v[i], dec, col_w[i + 1]);
    nbl__buf_printf(b, "  %s\n",
                    r->target_met < 0 ? "-"
                    : r->target_met   ? T_("yes")
                                      : T_("no"));
    return r->missing != NULL;
}

/* The plan's areas whose category changed from baseline to latest. */
static void
text_transitions(nbl__buf *b, const nbl__pc_output *o, const nbl__plans_data *d,
                 int p, const nbl__pc_result *r0)
{
    int changed = 0;
    nbl__buf_printf(b, T_("  category transitions %d -> %d:"),
                    r0->baseline_year, r0->latest_year);
    for (size_t t = 0; t < o->n_transitions; t++) {
        const nbl__pc_transition *x = &o->transitions[t];
        if (x->plan != p)
            continue;
        if (!x->from_suppressed && !x->to_suppressed &&
            (x->from == x->to ||
             (x->from && x->to && strcmp(x->from, x->to) == 0)))
            continue; /* unchanged, or no result in either year */
        nbl__buf_printf(b, "%s %s (%s -> %s)", changed ? "," : "",
                        d->area_id[x->area],
                        category_label(x->from, x->from_suppressed),
                        category_label(x->to, x->to_suppressed));
        changed++;
    }
    nbl__buf_printf(b, "%s\n", changed ? "" : T_(" none"));
}

/* The plan areas left out of each indicator, and why. */
static void
text_left_out(nbl__buf *b, const nbl__pc_result *r0, const char *const *ind,
              int n_ind, double min_pop)
{
    char mp[32];
    nbl__fmt_num(mp, sizeof mp, min_pop, 0);
    for (int i = 0; i < n_ind; i++) {
        if (r0[i].no_data)
            nbl__buf_printf(
                b,
                T_("  left out of the change in %s (no value in %d or "
                   "%d): %s\n"),
                ind[i], r0->baseline_year, r0->latest_year, r0[i].no_data);
        if (r0[i].suppressed)
            nbl__buf_printf(b,
                            T_("  left out of %s (suppressed: fewer than %s "
                               "residents in %d or %d): %s\n"),
                            ind[i], mp, r0->baseline_year, r0->latest_year,
                            r0[i].suppressed);
    }
}

/* The other plans covering one of plan p's areas in the same years. */
static void
text_overlaps(nbl__buf *b, const nbl__pc_output *o, const nbl__plans_data *d,
              int p)
{
    for (size_t k = 0; k < o->n_overlaps; k++) {
        const nbl__pc_overlap *x = &o->overlaps[k];
        if (x->plan == p)
            nbl__buf_printf(b,
                            T_("  overlaps plan %s in %d-%d (areas %s): the "
                               "changes there cannot be told apart\n"),
                            d->plan_id[x->other], x->from_year, x->to_year,
                            x->areas);
    }
}

static void
write_text(nbl__buf *b, const nbl__plans_data *d, const nbl__pc_output *o,
           const char *const *ind, int n_ind, const char *comparison,
           double min_pop)
{
    text_heading(b, d, comparison);
    for (int p = 0; p < d->n_plans; p++) {
        const nbl__pc_result *r0 = &o->results[(size_t)p * (size_t)n_ind];
        int any_missing = 0;
        nbl__buf_printf(
            b,
            Tn_("\n%s  %s  %d-%d, %d area; baseline %d, latest %d\n",
                "\n%s  %s  %d-%d, %d areas; baseline %d, latest %d\n",
                (unsigned long)d->plan_n_areas[p]),
            d->plan_id[p], d->plan_name[p] ? d->plan_name[p] : "",
            d->start_year[p], d->end_year[p], d->plan_n_areas[p],
            r0->baseline_year, r0->latest_year);
        text_overlaps(b, o, d, p);
        text_columns(b);
        for (int i = 0; i < n_ind; i++)
            any_missing |= text_row(b, &r0[i], ind[i]);
        text_transitions(b, o, d, p, r0);
        if (any_missing)
            text_left_out(b, r0, ind, n_ind, min_pop);
    }
    nbl__buf_printf(b, "\n%s",
                    T_("change = latest - baseline (population-weighted); "
                       "did = change - comparison change.\n"));
}

/* A transition's category in CSV: the code, "suppressed", or empty. */
static const char *
csv_category(json_t *tr, const char *key)
{
    char skey[32];
    json_t *v = json_object_get(tr, key);
    snprintf(skey, sizeof skey, "%s_status", key);
    if (json_is_string(v))
        return json_string_value(v);
    v = json_object_get(tr, skey);
    return json_is_string(v) && strcmp(json_string_value(v), "suppressed") == 0
               ? "suppressed"
               : "";
}

/* An array as one '|'-joined cell: area ids as they are, transitions as
 * "area:from>to", overlapping plans by their id. */
static void
csv_list(nbl__buf *b, json_t *v, char delim)
{
    size_t k;
    json_t *e;
    nbl__buf t = {0};
    json_array_foreach(v, k, e)
    {
        const char *pid = json_string_value(json_object_get(e, "plan_id"));
        if (k)
            nbl__buf_append(&t, "|", 1);
        if (json_is_string(e))
            nbl__buf_printf(&t, "%s", json_string_value(e));
        else if (pid)
            nbl__buf_printf(&t, "%s", pid);
        else
            nbl__buf_printf(&t, "%s:%s>%s",
                            json_string_value(json_object_get(e, "area_id")),
                            csv_category(e, "from"), csv_category(e, "to"));
    }
    if (t.failed) { /* the cell is lost: so is the output (b failed too) */
        nbl__buf_free(b);
        b->failed = 1;
    } else {
        nbl__buf_append_csv(b, t.s ? t.s : "", delim);
    }
    nbl__buf_free(&t);
}

/* One value of a result row in the style's CSV. */
static void
csv_value(nbl__buf *b, json_t *v, const nbl_csv_style *st, char delim)
{
    char s[64];
    if (!v || json_is_null(v))
        return;
    if (json_is_string(v)) {
        nbl__buf_append_csv(b, json_string_value(v), delim);
    } else if (json_is_integer(v)) {
        nbl__buf_printf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        nbl__fmt_double(s, sizeof s, json_real_value(v), 3);
        nbl__buf_append_csv(b, st->decimal_comma ? nbl__decimal_comma(s) : s,
                            delim);
    } else if (json_is_boolean(v)) {
        nbl__buf_printf(b, "%s", json_is_true(v) ? "true" : "false");
    } else if (json_is_array(v)) {
        csv_list(b, v, delim);
    }
}

/* The result rows as CSV in the style (delimiter, BOM, decimal comma);
 * keys, codes and booleans stay English. */
static void
write_csv(nbl__buf *b, json_t *arr, const nbl_csv_style *st)
{
    static const char *cols[] = {"plan_id",
                                 "plan_name",
                                 "start_year",
                                 "end_year",
                                 "indicator",
                                 "baseline_year",
                                 "latest_year",
                                 "baseline",
                                 "latest",
                                 "change",
                                 "status",
                                 "latest_status",
                                 "comparison_baseline",
                                 "comparison_latest",
                                 "comparison_change",
                                 "comparison_status",
                                 "did",
                                 "target",
                                 "target_met",
                                 "areas",
                                 "areas_used",
                                 "comparison_areas",
                                 "missing_areas",
                                 "transitions",
                                 "overlapping_plans"};
    char delim = st->delimiter ? st->delimiter : ',';
    size_t i;
    json_t *o;
    if (st->bom)
        nbl__buf_append(b, "\xEF\xBB\xBF", 3);
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        if (c)
            nbl__buf_append(b, &delim, 1);
        nbl__buf_printf(b, "%s", cols[c]);
    }
    nbl__buf_append(b, "\n", 1);
    json_array_foreach(arr, i, o)
    {
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            if (c)
                nbl__buf_append(b, &delim, 1);
            csv_value(b, json_object_get(o, cols[c]), st, delim);
        }
        nbl__buf_append(b, "\n", 1);
    }
}

static json_t *
provenance(const nbl__plans_data *d, const char *comparison, int *bad)
{
    json_t *p = nbl__jnew(bad, json_object());
    nbl__jset(bad, p, "tool", nbl__jstr("nabolag"));
    nbl__jset(bad, p, "tool_version", nbl__jstr(nbl_version()));
    nbl__jset(bad, p, "ruleset", nbl__jstr(d->ruleset));
    nbl__jset(bad, p, "ruleset_version",
              d->ruleset_version ? nbl__jstr(d->ruleset_version) : json_null());
    nbl__jset(bad, p, "comparison", nbl__jstr(comparison));
    nbl__jset(bad, p, "latest_year", json_integer(d->last_year));
    return p;
}

/* Plan p's properties: its id, name, years and areas, then per indicator
 * the results of the `-f json` rows in arr (the export's plans layer has
 * the same fixed schema, export.c: no latest_status there). */
static json_t *
plan_props(const nbl__plans_data *d, json_t *arr, int n_ind, int p, int *bad)
{
    static const char *keys[] = {"baseline",          "latest", "change",
                                 "comparison_change", "did",    "target",
                                 "target_met",        "status"};
    json_t *props = nbl__jnew(bad, json_object());
    nbl__buf list = {0};
    for (int k = 0; k < d->plan_n_areas[p]; k++)
        nbl__buf_printf(&list, "%s%s", k ? "|" : "",
                        d->area_id[d->plan_areas[p][k]]);
    nbl__jset(bad, props, "plan_id", nbl__jstr(d->plan_id[p]));
    nbl__jset(bad, props, "name",
              d->plan_name[p] ? nbl__jstr(d->plan_name[p]) : json_null());
    nbl__jset(bad, props, "start_year", json_integer(d->start_year[p]));
    nbl__jset(bad, props, "end_year", json_integer(d->end_year[p]));
    nbl__jset(bad, props, "areas",
              list.failed ? NULL : nbl__jstr(list.s ? list.s : ""));
    nbl__jset(bad, props, "n_areas", json_integer(d->plan_n_areas[p]));
    nbl__buf_free(&list);
    for (int i = 0; i < n_ind && !*bad; i++) {
        json_t *r = json_array_get(arr, (size_t)p * (size_t)n_ind + (size_t)i);
        const char *name = json_string_value(json_object_get(r, "indicator"));
        char key[128];
        if (i == 0) {
            nbl__jset(bad, props, "baseline_year",
                      json_incref(json_object_get(r, "baseline_year")));
            nbl__jset(bad, props, "latest_year",
                      json_incref(json_object_get(r, "latest_year")));
        }
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            snprintf(key, sizeof key, "%s_%s", name ? name : "", keys[k]);
            nbl__jset(bad, props, key,
                      json_incref(json_object_get(r, keys[k])));
        }
    }
    return props;
}

/* Plan p's feature: the union of its areas, its properties. */
static int
plan_feature(nbl_ws *ws, const nbl__plans_data *d, json_t *arr, int n_ind,
             int p, json_t *feats, int *bad)
{
    json_t *f, *geom = json_null();
    char *gj = NULL;
    char **ids = calloc((size_t)d->plan_n_areas[p] + 1, sizeof *ids);
    int rc;
    if (!ids)
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    for (int k = 0; k < d->plan_n_areas[p]; k++)
        ids[k] = d->area_id[d->plan_areas[p][k]];
    rc = nbl__store_plans_union_geojson(ws, ids, d->plan_n_areas[p], &gj);
    free(ids);
    if (rc)
        return rc;
    if (gj) /* the store wrote it: a NULL parse is out of memory */
        geom = nbl__jnew(bad, json_loads(gj, 0, NULL));
    free(gj);
    f = nbl__jnew(bad, json_object());
    nbl__jset(bad, f, "type", nbl__jstr("Feature"));
    nbl__jset(bad, f, "properties", plan_props(d, arr, n_ind, p, bad));
    nbl__jset(bad, f, "geometry", geom);
    nbl__jappend(bad, feats, f);
    return NBL_OK;
}

static int
write_geojson(nbl_ws *ws, nbl__buf *b, const nbl__plans_data *d, json_t *arr,
              int n_ind, const char *comparison)
{
    int bad = 0, rc = NBL_OK;
    json_t *fc = nbl__jnew(&bad, json_object()),
           *feats = nbl__jnew(&bad, json_array());
    char *s;
    nbl__jset(&bad, fc, "type", nbl__jstr("FeatureCollection"));
    nbl__jset(&bad, fc, "name", nbl__jstr("plans"));
    nbl__jset(&bad, fc, "nabolag", provenance(d, comparison, &bad));
    for (int p = 0; rc == NBL_OK && !bad && p < d->n_plans; p++)
        rc = plan_feature(ws, d, arr, n_ind, p, feats, &bad);
    nbl__jset(&bad, fc, "features", feats);
    if (rc) {
        json_decref(fc);
        return rc;
    }
    s = nbl__jdump(bad, fc,
                   JSON_INDENT(1) | JSON_PRESERVE_ORDER |
                       JSON_REAL_PRECISION(10));
    if (!s)
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    nbl__buf_printf(b, "%s\n", s);
    free(s);
    return NBL_OK;
}

/* Splits "a, b,c" into at most NBL_PC_MAX_IND names (copied into store). */
static int
split_indicators(nbl_ctx *ctx, const char *list, char store[][64],
                 const char **ind, int *n)
{
    const char *s = list;
    *n = 0;
    while (*s) {
        size_t len;
        while (*s == ' ' || *s == ',')
            s++;
        len = strcspn(s, ", ");
        if (!len)
            break;
        if (*n >= NBL_PC_MAX_IND || len >= 64)
            return nbl__error(ctx, NBL_EINVAL,
                              "too many or too long indicator names: '%s'",
                              list);
        memcpy(store[*n], s, len);
        store[*n][len] = '\0';
        ind[*n] = store[*n];
        (*n)++;
        s += len;
    }
    return NBL_OK;
}

/* A comparison's inputs and results, shared by `plans compare` and the
 * export's plans layer. */
struct comparison {
    struct settings set;
    char names[NBL_PC_MAX_IND][64];
    const char *ind[NBL_PC_MAX_IND];
    int n_ind, hib[NBL_PC_MAX_IND];
    nbl__plans_data d;
    nbl__pc_area *areas;
    nbl__pc_plan *plans;
    nbl__pc_output out;
};

static void
comparison_free(struct comparison *c)
{
    nbl__pc_output_free(&c->out);
    free(c->areas);
    free(c->plans);
    nbl__plans_data_free(&c->d);
}

/* The [disclosure] and [plans] settings of config, then the caller's:
 * indicators/comparison NULL, min_pop < 0: from the config. */
static int
load_settings(nbl_ctx *ctx, struct settings *set, const char *config,
              const char *indicators, const char *comparison, double min_pop)
{
    nbl__disclosure disc;
    int rc, r;
    nbl__disclosure_defaults(&disc);
    if ((rc = nbl__disclosure_load(ctx, config, &disc)))
        return rc;
    *set = (struct settings){"",  "municipality", disc.min_residents_publish,
                             ctx, config,         NBL_OK};
    if (config) {
        r = ini_parse(config, settings_cb, set);
        if (set->rc)
            return set->rc;
        if (r < 0)
            return nbl__error(ctx, NBL_EIO, "%s: cannot read", config);
        if (r > 0)
            return nbl__error(ctx, NBL_EFORMAT, "%s:%d: not a valid INI line",
                              config, r);
    }
    if (min_pop >= 0)
        set->min_pop = min_pop;
    if (comparison)
        snprintf(set->comparison, sizeof set->comparison, "%s", comparison);
    if (strcmp(set->comparison, "municipality") &&
        strcmp(set->comparison, "all"))
        return nbl__error(ctx, NBL_EINVAL,
                          "comparison: expected 'municipality' or 'all', got "
                          "'%s'",
                          set->comparison);
    if (indicators)
        snprintf(set->indicators, sizeof set->indicators, "%s", indicators);
    return NBL_OK;
}

/* The indicators asked for, or the defaults (safety_index only when the
 * workspace has safety results). */
static int
choose_indicators(nbl_ws *ws, struct comparison *c)
{
    if (c->set.indicators[0]) {
        int rc = split_indicators(nbl_ws_ctx(ws), c->set.indicators, c->names,
                                  c->ind, &c->n_ind);
        if (rc)
            return rc;
    } else {
        int safety, rc = nbl__store_plans_has_safety(ws, &safety);
        if (rc)
            return rc;
        for (int i = 0; i < NBL_PLANS_N_DEFAULT; i++)
            if (i < 5 || safety)
                c->ind[c->n_ind++] = nbl__plans_default_indicators[i];
    }
    for (int i = 0; i < c->n_ind; i++)
        c->hib[i] = higher_is_better(c->ind[i]);
    return NBL_OK;
}

/* The model's view of the loaded data (borrowing from c->d). 0, or -1 when
 * out of memory. */
static int
build_input(struct comparison *c)
{
    c->areas = calloc((size_t)c->d.n_areas + 1, sizeof *c->areas);
    c->plans = calloc((size_t)c->d.n_plans + 1, sizeof *c->plans);
    if (!c->areas || !c->plans)
        return -1;
    for (int a = 0; a < c->d.n_areas; a++) {
        size_t off = (size_t)a * (size_t)c->d.n_years;
        c->areas[a] = (nbl__pc_area){c->d.area_id[a],
                                     c->d.name[a],
                                     c->d.municipality[a],
                                     c->d.first_year,
                                     c->d.n_years,
                                     c->d.pop + off,
                                     c->d.values + off * (size_t)c->n_ind,
                                     (const char *const *)c->d.category + off};
    }
    for (int p = 0; p < c->d.n_plans; p++) {
        nbl__pc_plan *pl = &c->plans[p];
        pl->plan_id = c->d.plan_id[p];
        pl->name = c->d.plan_name[p];
        pl->start_year = c->d.start_year[p];
        pl->end_year = c->d.end_year[p];
        pl->areas = c->d.plan_areas[p];
        pl->n_areas = c->d.plan_n_areas[p];
        for (int i = 0; i < NBL_PC_MAX_IND; i++)
            pl->targets[i] =
                i < c->n_ind
                    ? c->d.targets[(size_t)p * (size_t)c->n_ind + (size_t)i]
                    : NAN;
    }
    return 0;
}

/* Reads the settings, loads the data and computes. indicators/comparison
 * NULL: from the config or the defaults. min_pop < 0: from the config. */
static int
comparison_run(nbl_ws *ws, struct comparison *c, const char *ruleset,
               const char *config, const char *indicators,
               const char *comparison, double min_pop)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    nbl__pc_input in;
    int rc;

    memset(c, 0, sizeof *c);
    if ((rc = load_settings(ctx, &c->set, config, indicators, comparison,
                            min_pop)) ||
        (rc = choose_indicators(ws, c)) ||
        (rc = nbl__store_plans_load(ws, ruleset, c->ind, c->n_ind, &c->d)))
        return rc;
    if (build_input(c)) {
        comparison_free(c);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    in = (nbl__pc_input){
        c->n_ind,      c->ind,         c->hib,
        c->areas,      c->d.n_areas,   c->plans,
        c->d.n_plans,  c->d.last_year, strcmp(c->set.comparison, "all") == 0,
        c->set.min_pop};
    if (nbl__pc_compute(&in, &c->out)) {
        comparison_free(c);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    return NBL_OK;
}

/* The result rows of `-f json` (also the input of csv and geojson), or
 * NULL when out of memory. */
static json_t *
results_json(const struct comparison *c)
{
    int bad = 0;
    json_t *arr = nbl__jnew(&bad, json_array());
    for (size_t i = 0; !bad && i < c->out.n_results; i++)
        nbl__jappend(
            &bad, arr,
            result_json(&c->d, &c->out, &c->out.results[i], c->ind, &bad));
    if (bad) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* The comparison in the asked format into b (b->failed: out of memory). */
static int
format_into(nbl_ws *ws, nbl__buf *b, const struct comparison *c, json_t *arr,
            const nbl_plans_opts *opts)
{
    char *s;
    switch (opts->format) {
    case NBL_PLANS_TEXT:
        write_text(b, &c->d, &c->out, c->ind, c->n_ind, c->set.comparison,
                   c->set.min_pop);
        break;
    case NBL_PLANS_CSV:
        write_csv(b, arr, &opts->csv);
        break;
    case NBL_PLANS_JSON:
        /* arr is complete (results_json); NULL: out of memory, not "[]" */
        s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                JSON_REAL_PRECISION(10));
        if (!s || nbl__buf_printf(b, "%s\n", s))
            b->failed = 1;
        free(s);
        break;
    case NBL_PLANS_GEOJSON:
        return write_geojson(ws, b, &c->d, arr, c->n_ind, c->set.comparison);
    }
    return NBL_OK;
}

int
nbl_plans_compare(nbl_ws *ws, const nbl_plans_opts *opts)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    struct comparison c;
    json_t *arr = NULL;
    nbl__buf b = {0};
    nbl__outfile of;
    int rc;

    if ((rc = comparison_run(ws, &c, opts->ruleset, opts->config,
                             opts->indicators, opts->comparison, -1)))
        return rc;
    if (!(arr = results_json(&c))) {
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = format_into(ws, &b, &c, arr, opts)))
        goto done;
    if (b.failed) {
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    rc = nbl__outfile_open(ctx, &of, opts->output ? opts->output : "-",
                           opts->overwrite);
    if (rc == NBL_OK) {
        if (b.len && fwrite(b.s, 1, b.len, of.fp) != b.len) {
            nbl__outfile_abort(&of);
            rc = nbl__error(ctx, NBL_EIO, "%s: cannot write",
                            opts->output ? opts->output : "stdout");
        } else {
            rc = nbl__outfile_commit(ctx, &of);
        }
    }
done:
    json_decref(arr);
    nbl__buf_free(&b);
    comparison_free(&c);
    return rc;
}

const char *const nbl__plans_default_indicators[NBL_PLANS_N_DEFAULT] = {
    "lab", "cri", "edu", "inc", "eth", "safety_index"};

int
nbl__plans_results(nbl_ws *ws, const char *ruleset, const char *config,
                   int unsuppressed, nbl__plan_result **out, size_t *n)
{
    struct comparison c;
    nbl__plan_result *r;
    int rc;
    const char *list = "lab,cri,edu,inc,eth,safety_index";

    *out = NULL;
    *n = 0;
    if ((rc = comparison_run(ws, &c, ruleset, config, list, NULL,
                             unsuppressed ? 0 : -1)))
        return rc;
    r = calloc((size_t)c.d.n_plans + 1, sizeof *r);
    if (!r) {
        comparison_free(&c);
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    }
    for (int p = 0; p < c.d.n_plans; p++) {
        snprintf(r[p].plan_id, sizeof r[p].plan_id, "%s", c.d.plan_id[p]);
        r[p].start_year = c.d.start_year[p];
        for (int i = 0; i < NBL_PLANS_N_DEFAULT; i++) {
            const nbl__pc_result *x =
                &c.out.results[(size_t)p * (size_t)c.n_ind + (size_t)i];
            double *v = r[p].v[i];
            int dec = decimals_for(c.ind[i]);
            v[0] = nbl__round(x->baseline, dec);
            v[1] = nbl__round(x->latest, dec);
            v[2] = nbl__round(x->change, dec);
            v[3] = nbl__round(x->cmp_change, dec);
            v[4] = nbl__round(x->did, dec);
            v[5] = x->target;
            r[p].target_met[i] = x->target_met;
            r[p].status[i] = x->status;
        }
        r[p].baseline_year =
            c.out.results[(size_t)p * (size_t)c.n_ind].baseline_year;
        r[p].latest_year =
            c.out.results[(size_t)p * (size_t)c.n_ind].latest_year;
    }
    *out = r;
    *n = (size_t)c.d.n_plans;
    comparison_free(&c);
    return NBL_OK;
}
