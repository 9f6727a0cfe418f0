/*
 * alerts.c - the early-warning rules (pure C, no I/O) and the alert
 * configuration.
 *
 * Input: per area the stored criterion, category and safety results of all
 * years (nbl__aarea). Output: the alerts of one year with states. The
 * conditions of every year are derived from the results alone, so the state
 * of an alert does not depend on which years were evaluated before:
 *   new       the condition holds in Y and did not in Y-1;
 *   ongoing   it holds in Y and in Y-1 (first_year = first year of the run);
 *   resolved  it held in Y-1 and does not in Y (a row in year Y).
 * crossed and improved are events (a change from Y-1 to Y): always new.
 * "Y-1" is the last earlier year in which the condition can be evaluated
 * (cond_evaluable: its inputs are there): a condition is neither repeated
 * nor resolved in a year without data, and a gap is bridged. A year whose
 * category is not_evaluable gives a note of kind not_evaluable.
 *
 * Criterion measures: `ratio` when the criterion is cri and a ratio exists,
 * `value` otherwise. Direction: inc (and any criterion whose lower
 * threshold is above its main threshold) is "lower is worse"; all others
 * "higher is worse". Messages are one plain sentence; numbers are printed
 * locale-independently.
 */
#include "model/alerts.h"
#include "model/categories.h"

#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ctx.h"
#include "model/disclosure.h"
#include "util/util.h"

/* ------------------------------------------------------------------ */
/* configuration                                                       */

static const char *sev_names[] = {"info", "warning", "critical"};

const char *
nbl_alert_severity_name(nbl_alert_severity s)
{
    return (unsigned)s <= NBL_SEV_CRITICAL ? sev_names[s] : "info";
}

int
nbl__alert_severity_parse(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, sev_names[i]) == 0)
            return i;
    return -1;
}

struct cfg_parse {
    nbl_alert_config *cfg;
    nbl_ctx *ctx;
    const char *file;
    int rc;
    int line;
};

static int
parse_bool(const char *v, int *out)
{
    if (nbl__strieq(v, "true") || nbl__strieq(v, "yes") ||
        strcmp(v, "1") == 0 || nbl__strieq(v, "on"))
        *out = 1;
    else if (nbl__strieq(v, "false") || nbl__strieq(v, "no") ||
             strcmp(v, "0") == 0 || nbl__strieq(v, "off"))
        *out = 0;
    else
        return 0;
    return 1;
}

static int
set_str(char **dst, const char *v)
{
    char *s = nbl__strdup(v);
    if (!s)
        return 0;
    free(*dst);
    *dst = s;
    return 1;
}

#define BAD(what)                                                              \
    do {                                                                       \
        p->rc =                                                                \
            nbl__error(p->ctx, NBL_EFORMAT, "%s:%d: [alerts] %s: %s: '%s'",    \
                       p->file, p->line, name, what, value);                   \
        return 0;                                                              \
    } while (0)

static int
cfg_handler(void *user, const char *section, const char *name,
            const char *value, int lineno)
{
    struct cfg_parse *p = user;
    nbl_alert_config *c = p->cfg;
    double d;
    long l;
    p->line = lineno;
    if (strcmp(section, "project") == 0 && strcmp(name, "name") == 0) {
        if (!set_str(&c->project_name, value)) {
            p->rc = nbl__error(p->ctx, NBL_ENOMEM, "out of memory");
            return 0;
        }
        return 1;
    }
    if (strcmp(section, "alerts") != 0)
        return 1;
    static const struct {
        const char *key;
        size_t off;
    } dbl[] = {
        {"margin", offsetof(nbl_alert_config, margin)},
        {"safety_warning", offsetof(nbl_alert_config, safety_warning)},
        {"safety_critical", offsetof(nbl_alert_config, safety_critical)},
        {"safety_drop", offsetof(nbl_alert_config, safety_drop)},
        {"status_high", offsetof(nbl_alert_config, status_high)},
        {"status_low", offsetof(nbl_alert_config, status_low)},
        {"status_very_low", offsetof(nbl_alert_config, status_very_low)},
        {"dynamics_positive", offsetof(nbl_alert_config, dynamics_positive)},
        {"dynamics_negative", offsetof(nbl_alert_config, dynamics_negative)},
        {"timeout", offsetof(nbl_alert_config, timeout)},
    };
    static const struct {
        const char *key;
        size_t off;
        long min;
    } ints[] = {
        {"trend_years", offsetof(nbl_alert_config, trend_years), 3},
        {"trend_min_points", offsetof(nbl_alert_config, trend_min_points), 3},
        {"horizon", offsetof(nbl_alert_config, horizon), 1},
        {"countdown_critical_years",
         offsetof(nbl_alert_config, countdown_critical_years), 0},
        {"retries", offsetof(nbl_alert_config, retries), 1},
    };
    static const struct {
        const char *key;
        size_t off;
    } sevs[] = {
        {"severity.crossed_criterion",
         offsetof(nbl_alert_config, sev_crossed_criterion)},
        {"severity.crossed_category",
         offsetof(nbl_alert_config, sev_crossed_category)},
        {"severity.crossed_forebyggelse",
         offsetof(nbl_alert_config, sev_crossed_forebyggelse)},
        {"severity.approaching_criterion",
         offsetof(nbl_alert_config, sev_approaching_criterion)},
        {"severity.approaching_category",
         offsetof(nbl_alert_config, sev_approaching_category)},
        {"severity.trend", offsetof(nbl_alert_config, sev_trend)},
        {"severity.countdown", offsetof(nbl_alert_config, sev_countdown)},
        {"severity.countdown_critical",
         offsetof(nbl_alert_config, sev_countdown_critical)},
        {"severity.status_low", offsetof(nbl_alert_config, sev_status_low)},
        {"severity.status_very_low",
         offsetof(nbl_alert_config, sev_status_very_low)},
        {"severity.safety_band", offsetof(nbl_alert_config, sev_safety_band)},
        {"severity.safety_band_critical",
         offsetof(nbl_alert_config, sev_safety_band_critical)},
        {"severity.safety_drop", offsetof(nbl_alert_config, sev_safety_drop)},
        {"severity.improved", offsetof(nbl_alert_config, sev_improved)},
    };
    for (size_t i = 0; i < sizeof dbl / sizeof dbl[0]; i++)
        if (strcmp(name, dbl[i].key) == 0) {
            if (!nbl__parse_double(value, '.', &d))
                BAD("not a number");
            if ((strcmp(name, "margin") == 0 && (d < 0 || d >= 1)) ||
                (strcmp(name, "timeout") == 0 && d <= 0))
                BAD("out of range");
            *(double *)((char *)c + dbl[i].off) = d;
            return 1;
        }
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (strcmp(name, ints[i].key) == 0) {
            if (!nbl__parse_long(value, &l))
                BAD("not an integer");
            if (l < ints[i].min || l > 100)
                BAD("out of range");
            *(int *)((char *)c + ints[i].off) = (int)l;
            return 1;
        }
    for (size_t i = 0; i < sizeof sevs / sizeof sevs[0]; i++)
        if (strcmp(name, sevs[i].key) == 0) {
            int s = nbl__alert_severity_parse(value);
            if (s < 0)
                BAD("expected info, warning or critical");
            *(nbl_alert_severity *)((char *)c + sevs[i].off) =
                (nbl_alert_severity)s;
            return 1;
        }
    if (strcmp(name, "status_eth") == 0 || strcmp(name, "fail_on_alert") == 0) {
        int b;
        if (!parse_bool(value, &b))
            BAD("expected true or false");
        if (name[0] == 's')
            c->status_eth = b;
        else
            c->fail_on_alert = b;
        return 1;
    }
    if (strcmp(name, "backoff") == 0) {
        char buf[256], *save = NULL, *tok;
        int n = 0;
        snprintf(buf, sizeof buf, "%s", value);
        for (tok = strtok_r(buf, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            if (n >= 8 || !nbl__parse_double(tok, '.', &d) || d < 0 || d > 600)
                BAD("expected up to 8 comma-separated seconds");
            c->backoff[n++] = d;
        }
        c->n_backoff = n;
        return 1;
    }
    {
        char **dst = NULL;
        if (strcmp(name, "criteria") == 0)
            dst = &c->criteria;
        else if (strcmp(name, "notify") == 0)
            dst = &c->notify;
        else if (strcmp(name, "mail_to") == 0)
            dst = &c->mail_to;
        else if (strcmp(name, "mail_from") == 0)
            dst = &c->mail_from;
        if (dst) {
            if (!set_str(dst, value)) {
                p->rc = nbl__error(p->ctx, NBL_ENOMEM, "out of memory");
                return 0;
            }
            return 1;
        }
    }
    /* Where `nabolag run` writes the alert list: read by the project file
     * loader (project.c), known here so a project file is a valid config. */
    if (strcmp(name, "output") == 0 || strcmp(name, "format") == 0)
        return 1;
    BAD("unknown key");
}

/* inih reports no line numbers to the handler, so the text is fed to it
 * one line at a time (prefixed with the current section header); errors
 * then name file:line. Multi-line values are not used in our INI files. */
static int
inih_handler(void *user, const char *section, const char *name,
             const char *value)
{
    struct cfg_parse *p = user;
    return cfg_handler(user, section, name, value, p->line);
}

static int
parse_text(struct cfg_parse *p, const char *text)
{
    char section[128] = "";
    nbl__buf one = {0};
    int lineno = 0, rc = NBL_OK;
    for (const char *line = text; line && *line && !rc;) {
        const char *nl = strchr(line, '\n'), *t = line;
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        lineno++;
        one.len = 0;
        if ((section[0] && nbl__buf_printf(&one, "[%s]\n", section)) ||
            nbl__buf_append(&one, line, len)) {
            rc = nbl__error(p->ctx, NBL_ENOMEM, "out of memory");
            break;
        }
        while (*t == ' ' || *t == '\t')
            t++;
        if (*t == '[') {
            const char *e = memchr(t, ']', len - (size_t)(t - line));
            if (e) {
                size_t k = (size_t)(e - t - 1);
                if (k >= sizeof section)
                    k = sizeof section - 1;
                memcpy(section, t + 1, k);
                section[k] = '\0';
            }
        }
        p->line = lineno;
        if (ini_parse_string(one.s, inih_handler, p) != 0)
            rc = p->rc ? p->rc
                       : nbl__error(p->ctx, NBL_EFORMAT, "%s:%d: bad syntax",
                                    p->file, lineno);
        line = nl ? nl + 1 : NULL;
    }
    nbl__buf_free(&one);
    return rc;
}

int
nbl_alert_config_init(nbl_alert_config *cfg, nbl_ctx *ctx)
{
    const char *ini = nbl__asset("alerts.ini", NULL);
    struct cfg_parse p = {cfg, ctx, "alerts.ini (built in)", NBL_OK, 0};
    int rc;
    memset(cfg, 0, sizeof *cfg);
    if (!ini)
        return nbl__error(ctx, NBL_EINVAL, "internal: alerts.ini missing");
    nbl__disclosure d;
    nbl__disclosure_defaults(&d);
    cfg->min_count = d.min_count;
    cfg->min_denominator = d.min_denominator;
    cfg->min_residents_publish = d.min_residents_publish;
    rc = parse_text(&p, ini);
    if (rc)
        nbl_alert_config_clear(cfg);
    return rc;
}

int
nbl_alert_config_load(nbl_alert_config *cfg, nbl_ctx *ctx, const char *path)
{
    struct cfg_parse p = {cfg, ctx, path, NBL_OK, 0};
    nbl__buf b = {0};
    char chunk[4096];
    size_t len;
    int rc;
    FILE *f = fopen(path, "rb");
    if (!f)
        return nbl__error(ctx, NBL_EIO, "%s: cannot open", path);
    while ((len = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (nbl__buf_append(&b, chunk, len)) {
            fclose(f);
            nbl__buf_free(&b);
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        }
    fclose(f);
    rc = parse_text(&p, b.s ? b.s : "");
    nbl__buf_free(&b);
    if (rc == NBL_OK) {
        nbl__disclosure d = {cfg->min_count, cfg->min_denominator,
                             cfg->min_residents_publish};
        rc = nbl__disclosure_load(ctx, path, &d);
        cfg->min_count = d.min_count;
        cfg->min_denominator = d.min_denominator;
        cfg->min_residents_publish = d.min_residents_publish;
    }
    return rc;
}

void
nbl_alert_config_clear(nbl_alert_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->criteria);
    free(cfg->notify);
    free(cfg->mail_to);
    free(cfg->mail_from);
    free(cfg->project_name);
    cfg->project_name = NULL;
    cfg->criteria = cfg->notify = cfg->mail_to = cfg->mail_from = NULL;
}

/* ------------------------------------------------------------------ */
/* lists and areas                                                     */

int
nbl__alert_list_push(nbl_alert_list *l, const nbl_alert *a)
{
    nbl_alert *d;
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 16;
        nbl_alert *ni = realloc(l->items, nc * sizeof *ni);
        if (!ni)
            return NBL_ENOMEM;
        l->items = ni;
        l->cap = nc;
    }
    d = &l->items[l->n];
    *d = *a;
    d->area_id = nbl__strdup(a->area_id);
    d->area_name = a->area_name ? nbl__strdup(a->area_name) : NULL;
    d->message = nbl__strdup(a->message ? a->message : "");
    d->delivered_at = a->delivered_at ? nbl__strdup(a->delivered_at) : NULL;
    if (!d->area_id || !d->message || (a->area_name && !d->area_name) ||
        (a->delivered_at && !d->delivered_at)) {
        free(d->area_id);
        free(d->area_name);
        free(d->message);
        free(d->delivered_at);
        return NBL_ENOMEM;
    }
    l->n++;
    return NBL_OK;
}

void
nbl_alert_list_free(nbl_alert_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].area_id);
        free(list->items[i].area_name);
        free(list->items[i].message);
        free(list->items[i].delivered_at);
    }
    free(list->items);
    free(list->ruleset);
    free(list->ruleset_version);
    free(list->workspace_name);
    free(list->run_id);
    free(list);
}

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
    }
    free(areas);
}

static const nbl__acrit *
find_crit(const nbl__aarea *a, const char *crit, int year)
{
    for (size_t i = 0; i < a->n_crit; i++)
        if (a->crit[i].year == year && strcmp(a->crit[i].criterion, crit) == 0)
            return &a->crit[i];
    return NULL;
}

static const nbl__acat *
find_cat(const nbl__aarea *a, int year)
{
    for (size_t i = 0; i < a->n_cat; i++)
        if (a->cat[i].year == year)
            return &a->cat[i];
    return NULL;
}

static const nbl__asafety *
find_saf(const nbl__aarea *a, int year)
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
        if (c->year < year && c->ok && c->met >= 0 &&
            strcmp(c->criterion, crit) == 0 && (!best || c->year > best->year))
            best = c;
    }
    return best;
}

static int category_rank(const char *code);

static const nbl__acat *
prev_cat(const nbl__aarea *a, int year)
{
    const nbl__acat *best = NULL;
    for (size_t i = 0; i < a->n_cat; i++) {
        const nbl__acat *c = &a->cat[i];
        if (c->year < year && category_rank(c->category) >= 0 &&
            (!best || c->year > best->year))
            best = c;
    }
    return best;
}

/* ------------------------------------------------------------------ */
/* criteria in words                                                   */

enum unit { U_PCT, U_RATIO, U_REGION, U_COUNT };

typedef struct critdesc {
    const char *id;
    const char *short_name; /* "employment" */
    const char *words;      /* what the value measures */
    int lower_worse;
    int inclusive; /* threshold itself counts as met */
    enum unit unit;
} critdesc;

static const critdesc known[] = {
    {"lab", "employment",
     "the share of 18\xe2\x80\x93"
     "64-year-olds outside work and education",
     0, 0, U_PCT},
    {"cri", "convictions",
     "the share of residents aged 18 and over with a conviction", 0, 1,
     U_RATIO},
    {"edu", "education",
     "the share of 30\xe2\x80\x93"
     "59-year-olds with only basic schooling",
     0, 0, U_PCT},
    {"inc", "income",
     "the mean gross income of taxpayers aged 15\xe2\x80\x93"
     "64",
     1, 0, U_REGION},
    {"eth", "origin",
     "the share of residents who are immigrants or descendants from "
     "non-western countries",
     0, 0, U_PCT},
    {"size", "size", "the number of residents", 0, 1, U_COUNT},
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
        d.words = "the share of residents aged 18 and over with a conviction";
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

/* v formatted with `dec` decimals, locale-independent, no trimming. */
static const char *
fmtn(char *buf, size_t n, double v, int dec)
{
    long long scale = 1, t, ip, fp;
    int neg;
    for (int i = 0; i < dec; i++)
        scale *= 10;
    t = llround(v * (double)scale);
    neg = t < 0;
    if (neg)
        t = -t;
    ip = t / scale;
    fp = t % scale;
    if (dec > 0) {
        char f[24];
        snprintf(f, sizeof f, "%019lld", fp);
        snprintf(buf, n, "%s%lld.%s", neg ? "-" : "", ip,
                 f + 19 - (dec > 18 ? 18 : dec));
    } else
        snprintf(buf, n, "%s%lld", neg ? "-" : "", ip);
    return buf;
}

/* "41.0 %", "3.2 times the national share", "1032 residents" */
static void
fmt_value(char *buf, size_t n, const critdesc *d, double v)
{
    char b[64];
    switch (d->unit) {
    case U_RATIO:
        snprintf(buf, n, "%s times the national share", fmtn(b, 64, v, 2));
        break;
    case U_COUNT:
        snprintf(buf, n, "%s residents", fmtn(b, 64, v, 0));
        break;
    case U_REGION:
        snprintf(buf, n, "%s %% of the regional mean", fmtn(b, 64, v, 1));
        break;
    case U_PCT:
    default:
        snprintf(buf, n, "%s %%", fmtn(b, 64, v, 1));
        break;
    }
}

/* "over 40 %", "at least 3 times the national share", "under 55 %" */
static void
fmt_threshold(char *buf, size_t n, const critdesc *d, double thr)
{
    char v[96], t[64];
    const char *cmp = d->lower_worse ? (d->inclusive ? "at most" : "under")
                                     : (d->inclusive ? "at least" : "over");
    switch (d->unit) {
    case U_RATIO:
        snprintf(v, sizeof v, "%s times the national share",
                 nbl__fmt_double(t, sizeof t, thr, 2));
        break;
    case U_COUNT:
        snprintf(v, sizeof v, "%s residents",
                 nbl__fmt_double(t, sizeof t, thr, 0));
        break;
    case U_REGION:
        snprintf(v, sizeof v, "%s %% of the regional mean",
                 nbl__fmt_double(t, sizeof t, thr, 2));
        break;
    default:
        snprintf(v, sizeof v, "%s %%", nbl__fmt_double(t, sizeof t, thr, 2));
        break;
    }
    snprintf(buf, n, "%s %s", cmp, v);
}

/* Distance in words: "3.5 percentage points", "0.30" */
static void
fmt_distance(char *buf, size_t n, const critdesc *d, double dist)
{
    char b[64];
    switch (d->unit) {
    case U_RATIO:
        snprintf(buf, n, "%s times the national share", fmtn(b, 64, dist, 2));
        break;
    case U_COUNT:
        snprintf(buf, n, "%s residents", fmtn(b, 64, dist, 0));
        break;
    default:
        snprintf(buf, n, "%s percentage points", fmtn(b, 64, dist, 1));
        break;
    }
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

/* The category as a phrase inside an English sentence: the Danish label
 * from the shared table (categories.c) with a lower-case initial, and "not
 * listed" for none (as in the plan comparison). */
const char *
nbl__alert_category_label(const char *code)
{
    static const char *phrase[NBL_N_CATEGORIES] = {
        "omdannelsesområde",   "parallelsamfund", "udsat boligområde",
        "forebyggelsesområde", "not listed",      "not evaluable"};
    const nbl__category *c = nbl__category_find(code);
    return c ? phrase[c - nbl__categories] : code;
}

static int
category_rank(const char *code)
{
    const nbl__category *c = nbl__category_find(code);
    return c ? c->rank : -1; /* -1: not_evaluable or unknown */
}

/* ------------------------------------------------------------------ */
/* conditions of one area in one year                                  */

struct emit {
    const nbl__aarea *a;
    int year;
    nbl_alert_list *out;
    int rc;
};

static void emit(struct emit *e, const char *kind, const char *rule,
                 double value, double thr, nbl_alert_severity sev,
                 const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void
emit(struct emit *e, const char *kind, const char *rule, double value,
     double thr, nbl_alert_severity sev, const char *fmt, ...)
{
    nbl_alert al;
    nbl__buf msg = {0};
    va_list ap;
    char tmp[1024];
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
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (nbl__buf_printf(&msg, "%s (%s): %s",
                        e->a->name && *e->a->name ? e->a->name : "Area",
                        e->a->area_id, tmp)) {
        e->rc = NBL_ENOMEM;
        return;
    }
    al.message = msg.s;
    e->rc = nbl__alert_list_push(e->out, &al);
    nbl__buf_free(&msg);
}

/* Least squares over (t, v): slope and fitted value at t0 (mean-centred). */
static void
lsq(const double *t, const double *v, int n, double *slope, double *mt,
    double *mv)
{
    double st = 0, sv = 0, sxy = 0, sxx = 0;
    for (int i = 0; i < n; i++) {
        st += t[i];
        sv += v[i];
    }
    *mt = st / n;
    *mv = sv / n;
    for (int i = 0; i < n; i++) {
        sxy += (t[i] - *mt) * (v[i] - *mv);
        sxx += (t[i] - *mt) * (t[i] - *mt);
    }
    *slope = sxx > 0 ? sxy / sxx : 0;
}

static void
criterion_conditions(struct emit *e, const nbl_alert_config *cfg,
                     const nbl__acrit *c)
{
    const nbl__aarea *a = e->a;
    int y = e->year;
    critdesc d = describe(c);
    const nbl__acrit *p = prev_crit(a, c->criterion, y);
    double v = measure(&d, c), pv = measure(&d, p);
    int py = p ? p->year : y - 1;
    char vs[96], ts[128], ps[96], ds[96];
    if (!criterion_selected(cfg, c->criterion) || isnan(c->threshold))
        return;
    if (!isnan(v))
        fmt_value(vs, sizeof vs, &d, v);
    else
        snprintf(vs, sizeof vs, "not available");
    fmt_threshold(ts, sizeof ts, &d, c->threshold);
    if (!isnan(pv))
        fmt_value(ps, sizeof ps, &d, pv);
    else
        snprintf(ps, sizeof ps, "not available");

    /* crossed / improved: met changed from the previous evaluable year
     * (normally Y-1) to Y */
    if (p && c->met == 1 && p->met == 0)
        emit(e, "crossed", c->criterion, v, c->threshold,
             cfg->sev_crossed_criterion,
             "%s criterion newly met in %d: %s was %s (threshold %s), "
             "%s from %s in %d.",
             d.short_name, y, d.words, vs, ts,
             !isnan(v) && !isnan(pv) && v < pv ? "down" : "up", ps, py);
    if (p && c->met == 0 && p->met == 1)
        emit(e, "improved", c->criterion, v, c->threshold, cfg->sev_improved,
             "%s criterion no longer met in %d: %s was %s (threshold %s), "
             "%s from %s in %d.",
             d.short_name, y, d.words, vs, ts,
             !isnan(v) && !isnan(pv) && v > pv ? "up" : "down", ps, py);

    if (c->met != 0 || isnan(v))
        return;
    /* approaching: not met, within margin x threshold */
    {
        double dist = d.lower_worse ? v - c->threshold : c->threshold - v;
        double lim = cfg->margin * fabs(c->threshold);
        if (dist >= 0 && dist <= lim) {
            fmt_distance(ds, sizeof ds, &d, dist);
            emit(e, "approaching", c->criterion, v, c->threshold,
                 cfg->sev_approaching_criterion,
                 "%s was %s in %d, %s from the threshold (%s).", d.words, vs, y,
                 ds, ts);
        }
    }
    /* trend: least squares over the last N years reaches the threshold
     * within H years */
    {
        double t[64], vals[64], slope, mt, mv;
        int n = 0, nmax = cfg->trend_years < 64 ? cfg->trend_years : 64;
        int minp = cfg->trend_min_points < 3 ? 3 : cfg->trend_min_points;
        int first = 0;
        for (int yy = y - nmax + 1; yy <= y; yy++) {
            const nbl__acrit *q = yy == y ? c : find_crit(a, c->criterion, yy);
            double qv = measure(&d, q);
            if (!isnan(qv)) {
                if (!n)
                    first = yy;
                t[n] = yy;
                vals[n++] = qv;
            }
        }
        if (n >= minp) {
            lsq(t, vals, n, &slope, &mt, &mv);
            if ((d.lower_worse && slope < 0) || (!d.lower_worse && slope > 0))
                for (int h = 1; h <= cfg->horizon; h++) {
                    double f = mv + slope * (y + h - mt);
                    if (beyond(&d, f, c->threshold)) {
                        char fs[96], ss[64], s0[96];
                        fmt_value(s0, sizeof s0, &d, vals[0]);
                        fmt_value(fs, sizeof fs, &d, f);
                        fmtn(ss, sizeof ss, fabs(slope),
                             d.unit == U_RATIO   ? 2
                             : d.unit == U_COUNT ? 0
                                                 : 1);
                        emit(e, "trend", c->criterion, v, c->threshold,
                             cfg->sev_trend,
                             "%s went from %s in %d to %s in %d (%s %s%s a "
                             "year over %d years); on this trend it reaches "
                             "the threshold (%s) by %d (projected %s).",
                             d.words, s0, first, vs, y,
                             slope > 0 ? "up" : "down", ss,
                             d.unit == U_PCT || d.unit == U_REGION
                                 ? " percentage points"
                                 : "",
                             n, ts, y + h, fs);
                        break;
                    }
                }
        }
    }
}

static void
area_conditions(struct emit *e, const nbl_alert_config *cfg, const nbl__asd *sd)
{
    const nbl__aarea *a = e->a;
    int y = e->year;
    const nbl__acat *cat = find_cat(a, y), *pcat = prev_cat(a, y);
    char b1[64], b2[64], b3[64], b4[64];

    for (size_t i = 0; i < a->n_crit; i++)
        if (a->crit[i].year == y)
            criterion_conditions(e, cfg, &a->crit[i]);

    if (cat && strcmp(cat->category, "not_evaluable") == 0) {
        /* A note, not an alert: the officer learns why the area's alerts
         * are neither repeated nor resolved this year. */
        char ids[128] = "";
        size_t len = 0;
        for (size_t i = 0; i < a->n_crit; i++) {
            const nbl__acrit *c = &a->crit[i];
            if (c->year == y && (!c->ok || c->met < 0) && len < sizeof ids)
                len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%s",
                                        len ? ", " : "", c->criterion);
        }
        emit(e, "not_evaluable", "category", NAN, NAN, NBL_SEV_INFO,
             "the criteria for %d cannot be evaluated: data missing%s%s%s; "
             "earlier alerts are neither repeated nor resolved until the "
             "data return.",
             y, ids[0] ? " (" : "", ids, ids[0] ? ")" : "");
    }
    if (cat) {
        int r = category_rank(cat->category);
        int pr = pcat ? category_rank(pcat->category) : -1;
        char rule[64];
        double met = cat->criteria_met >= 0 ? cat->criteria_met : NAN;
        double need = cat->criteria_needed >= 0 ? cat->criteria_needed : NAN;
        /* what decided it besides the criteria count: too few residents,
         * or the non-western share that separates parallelsamfund */
        char why[200] = "";
        {
            const nbl__acrit *sz = find_crit(a, "size", y);
            const nbl__acrit *et = find_crit(a, "eth", y);
            char v1[64], v2[64];
            int par = strcmp(cat->category, "parallelsamfund") == 0 ||
                      (pcat && strcmp(pcat->category, "parallelsamfund") == 0);
            if (sz && sz->met == 0 && !isnan(sz->value))
                snprintf(why, sizeof why,
                         " The area has %s residents, fewer than the %s the "
                         "size criterion requires.",
                         fmtn(v1, 64, sz->value, 0),
                         fmtn(v2, 64, sz->threshold, 0));
            else if (par && et && !isnan(et->value))
                snprintf(why, sizeof why,
                         " Non-western share %s %% (parallelsamfund needs "
                         "over %s %%).",
                         fmtn(v1, 64, et->value, 1),
                         fmtn(v2, 64, et->threshold, 0));
        }
        if (r >= 0 && pr >= 0 && r > pr) {
            snprintf(rule, sizeof rule, "category:%s", cat->category);
            emit(e, "crossed", rule, met, need,
                 strcmp(cat->category, "forebyggelse") == 0
                     ? cfg->sev_crossed_forebyggelse
                     : cfg->sev_crossed_category,
                 "now %s (%s) in %d, up from %s in %d; %d criteri%s met "
                 "(udsat needs %d).%s",
                 nbl__alert_category_label(cat->category), cat->category, y,
                 nbl__alert_category_label(pcat->category), pcat->year,
                 cat->criteria_met, cat->criteria_met == 1 ? "on" : "a",
                 cat->criteria_needed, why);
        }
        if (r >= 0 && pr >= 0 && r < pr) {
            snprintf(rule, sizeof rule, "category:%s", pcat->category);
            emit(e, "improved", rule, met, need, cfg->sev_improved,
                 "no longer %s (%s) in %d, now %s; %d criteri%s met "
                 "(udsat needs %d).%s",
                 nbl__alert_category_label(pcat->category), pcat->category, y,
                 nbl__alert_category_label(cat->category), cat->criteria_met,
                 cat->criteria_met == 1 ? "on" : "a", cat->criteria_needed,
                 why);
        }
        /* approaching a category: one criterion short */
        if (cat->criteria_needed > 0) {
            const nbl__acrit *size = find_crit(a, "size", y);
            const nbl__acrit *eth = find_crit(a, "eth", y);
            int size_ok = !size || size->met != 0;
            if ((r == 0 || r == 1) && size_ok &&
                cat->criteria_met == cat->criteria_needed - 1)
                emit(e, "approaching", "category:udsat", met, need,
                     cfg->sev_approaching_category,
                     "%d of the %d criteria needed for udsat boligområde "
                     "met in %d, one criterion short of the category.",
                     cat->criteria_met, cat->criteria_needed, y);
            if (r == 0 && size_ok && eth && eth->met_low == 1 &&
                cat->criteria_met_low == cat->criteria_needed - 1)
                emit(e, "approaching", "category:forebyggelse",
                     (double)cat->criteria_met_low, need,
                     cfg->sev_approaching_category,
                     "%d of the %d criteria needed for forebyggelsesområde "
                     "met at the lower thresholds in %d, one criterion "
                     "short of the category.",
                     cat->criteria_met_low, cat->criteria_needed, y);
        }
        /* countdown to omdannelse */
        if (strcmp(cat->category, "parallelsamfund") == 0 &&
            cat->parallel_years > 0 && cat->omdannelse_years > 0 &&
            cat->parallel_years < cat->omdannelse_years) {
            int k = cat->omdannelse_years - cat->parallel_years;
            emit(
                e, "countdown", "category:omdannelse", k, cat->omdannelse_years,
                k <= cfg->countdown_critical_years ? cfg->sev_countdown_critical
                                                   : cfg->sev_countdown,
                "parallelsamfund for %d consecutive year%s up to %d; if it "
                "stays so it becomes omdannelsesområde in %d (%d year%s "
                "from now; %d consecutive years make omdannelse).",
                cat->parallel_years, cat->parallel_years == 1 ? "" : "s", y,
                y + k, k, k == 1 ? "" : "s", cat->omdannelse_years);
        }
    }

    if (sd &&
        (strcmp(sd->status_class, "low") == 0 ||
         strcmp(sd->status_class, "very_low") == 0) &&
        strcmp(sd->dynamics_class, "negative") == 0) {
        int vl = strcmp(sd->status_class, "very_low") == 0;
        emit(e, "status_dynamics", "status_dynamics", sd->status,
             vl ? cfg->status_very_low : cfg->status_low,
             vl ? cfg->sev_status_very_low : cfg->sev_status_low,
             "status index %s on the criterion indicators (class %s: %s "
             "and above, in standard deviations from the average of all "
             "areas) with dynamics index %s (class negative: %s and above) "
             "from %d to %d.",
             fmtn(b1, 64, sd->status, 2), vl ? "very low" : "low",
             fmtn(b3, 64, vl ? cfg->status_very_low : cfg->status_low, 2),
             fmtn(b2, 64, sd->dynamics, 2),
             fmtn(b4, 64, cfg->dynamics_negative, 2), y - 2, y);
    }

    {
        const nbl__asafety *s = find_saf(a, y), *ps = find_saf(a, y - 1);
        if (s && !isnan(s->index)) {
            int crit = s->index < cfg->safety_critical;
            if (crit || s->index < cfg->safety_warning) {
                double thr = crit ? cfg->safety_critical : cfg->safety_warning;
                char band[80] = "";
                if (s->band[0])
                    snprintf(band, sizeof band, " (band: %s)", s->band);
                emit(e, "safety", "safety_index", s->index, thr,
                     crit ? cfg->sev_safety_band_critical
                          : cfg->sev_safety_band,
                     "safety index %s in %d, under %s%s (100 = municipal "
                     "reference).",
                     fmtn(b1, 64, s->index, 1), y,
                     nbl__fmt_double(b2, 64, thr, 1), band);
            }
            if (ps && !isnan(ps->index) &&
                ps->index - s->index > cfg->safety_drop)
                emit(e, "safety", "safety_drop", ps->index - s->index,
                     cfg->safety_drop, cfg->sev_safety_drop,
                     "safety index down %s points from %s in %d to %s in %d "
                     "(alert at a drop of more than %s).",
                     fmtn(b1, 64, ps->index - s->index, 1),
                     fmtn(b2, 64, ps->index, 1), y - 1,
                     fmtn(b3, 64, s->index, 1), y,
                     nbl__fmt_double(b4, 64, cfg->safety_drop, 1));
        }
    }
}

int
nbl__alerts_conditions(const nbl__aarea *areas, size_t n,
                       const nbl_alert_config *cfg, int year,
                       const nbl__asd *sd, nbl_alert_list *out)
{
    for (size_t i = 0; i < n; i++) {
        struct emit e = {&areas[i], year, out, NBL_OK};
        area_conditions(&e, cfg, sd ? &sd[i] : NULL);
        if (e.rc)
            return e.rc;
    }
    return NBL_OK;
}

/* ------------------------------------------------------------------ */
/* status / dynamics                                                   */

enum { SD_K = 5 };

static void
indicator_values(const nbl__aarea *a, const nbl_alert_config *cfg, int year,
                 double x[SD_K])
{
    static const char *ids[SD_K] = {"lab", "cri", "edu", "inc", "eth"};
    for (int k = 0; k < SD_K; k++) {
        const nbl__acrit *c = find_crit(a, ids[k], year);
        x[k] = NAN;
        if (!c || !c->ok || (k == 4 && !cfg->status_eth))
            continue;
        if (k == 1 && !isnan(c->ratio))
            x[k] = c->ratio;
        else
            x[k] = c->value;
        if (k == 3 && !isnan(x[k]))
            x[k] = -x[k]; /* income: lower is worse */
    }
}

/* z-scores per column over rows with a value; then the mean per row over
 * at least 2 columns. x is n x SD_K, result into idx[n]. */
static void
zmean(double *x, size_t n, double *idx)
{
    for (int k = 0; k < SD_K; k++) {
        double s = 0, ss = 0, m, sdv;
        size_t c = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i * SD_K + k])) {
                s += x[i * SD_K + k];
                c++;
            }
        if (c < 3) {
            for (size_t i = 0; i < n; i++)
                x[i * SD_K + k] = NAN;
            continue;
        }
        m = s / (double)c;
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i * SD_K + k]))
                ss += (x[i * SD_K + k] - m) * (x[i * SD_K + k] - m);
        sdv = sqrt(ss / (double)c);
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i * SD_K + k]))
                x[i * SD_K + k] =
                    sdv > 1e-12 ? (x[i * SD_K + k] - m) / sdv : NAN;
    }
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        int c = 0;
        for (int k = 0; k < SD_K; k++)
            if (!isnan(x[i * SD_K + k])) {
                s += x[i * SD_K + k];
                c++;
            }
        idx[i] = c >= 2 ? s / c : NAN;
    }
}

void
nbl__alerts_status_dynamics(const nbl__aarea *areas, size_t n,
                            const nbl_alert_config *cfg, int year,
                            nbl__asd *out)
{
    double *x = calloc(n ? n * SD_K : 1, sizeof *x);
    double *d = calloc(n ? n * SD_K : 1, sizeof *d);
    double *si = calloc(n ? n : 1, sizeof *si);
    double *di = calloc(n ? n : 1, sizeof *di);
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].status = out[i].dynamics = NAN;
    }
    if (!x || !d || !si || !di)
        goto done;
    for (size_t i = 0; i < n; i++) {
        double prev[SD_K];
        indicator_values(&areas[i], cfg, year, &x[i * SD_K]);
        indicator_values(&areas[i], cfg, year - 2, prev);
        for (int k = 0; k < SD_K; k++)
            d[i * SD_K + k] = x[i * SD_K + k] - prev[k]; /* NAN stays */
    }
    zmean(x, n, si);
    zmean(d, n, di);
    for (size_t i = 0; i < n; i++) {
        out[i].status = si[i];
        out[i].dynamics = isnan(si[i]) ? NAN : di[i];
        if (!isnan(si[i]))
            snprintf(out[i].status_class, sizeof out[i].status_class, "%s",
                     si[i] >= cfg->status_very_low ? "very_low"
                     : si[i] >= cfg->status_low    ? "low"
                     : si[i] <= cfg->status_high   ? "high"
                                                   : "medium");
        if (!isnan(out[i].dynamics))
            snprintf(out[i].dynamics_class, sizeof out[i].dynamics_class, "%s",
                     di[i] >= cfg->dynamics_negative   ? "negative"
                     : di[i] <= cfg->dynamics_positive ? "positive"
                                                       : "stable");
    }
done:
    free(x);
    free(d);
    free(si);
    free(di);
}

/* ------------------------------------------------------------------ */
/* states                                                              */

static int
is_event(const char *kind)
{
    return strcmp(kind, "crossed") == 0 || strcmp(kind, "improved") == 0;
}

static const nbl_alert *
find_key(const nbl_alert_list *l, const char *kind, const char *rule)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].kind, kind) == 0 &&
            strcmp(l->items[i].rule, rule) == 0)
            return &l->items[i];
    return NULL;
}

static void
list_clear(nbl_alert_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].area_id);
        free(l->items[i].area_name);
        free(l->items[i].message);
        free(l->items[i].delivered_at);
    }
    l->n = 0;
}

static void
list_release(nbl_alert_list *l)
{
    list_clear(l);
    free(l->items);
    l->items = NULL;
    l->cap = 0;
}

/* What a resolved alert was about, as the subject of a sentence. */
static const char *
topic(const nbl_alert *a, char *buf, size_t n)
{
    const char *what = a->rule;
    if (strcmp(a->kind, "countdown") == 0)
        return "the countdown to omdannelsesområde";
    if (strcmp(a->kind, "status_dynamics") == 0)
        return "the alert on a low status index with negative dynamics";
    if (strcmp(a->kind, "not_evaluable") == 0)
        return "the note that the criteria could not be evaluated";
    if (strcmp(a->rule, "safety_index") == 0)
        return "the alert on the safety index being under its band";
    if (strcmp(a->rule, "safety_drop") == 0)
        return "the alert on the drop in the safety index";
    if (strncmp(a->rule, "category:", 9) == 0) {
        snprintf(buf, n,
                 "the early warning of being one criterion short of "
                 "%s",
                 nbl__alert_category_label(a->rule + 9));
        return buf;
    }
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].id, a->rule) == 0)
            what = known[i].words;
    snprintf(buf, n, "the %s on %s",
             strcmp(a->kind, "trend") == 0
                 ? "trend warning (rising towards the threshold)"
                 : "early warning (close to the threshold)",
             what);
    return buf;
}

/* Can the condition (kind, rule) of area a be evaluated in year y, i.e.
 * are its inputs there? A condition that cannot be evaluated is neither
 * repeated nor resolved in that year. sd: the area's status/dynamics of
 * year y. */
static int
cond_evaluable(const nbl__aarea *a, const char *kind, const char *rule, int y,
               const nbl__asd *sd)
{
    const nbl__asafety *s;
    if (strcmp(kind, "not_evaluable") == 0)
        return 1;
    if (strcmp(kind, "status_dynamics") == 0)
        return sd && sd->status_class[0] && sd->dynamics_class[0];
    if (strcmp(rule, "safety_index") == 0 || strcmp(rule, "safety_drop") == 0) {
        s = find_saf(a, y);
        if (!s || isnan(s->index))
            return 0;
        if (rule[7] == 'd') {
            s = find_saf(a, y - 1);
            return s && !isnan(s->index);
        }
        return 1;
    }
    if (strncmp(rule, "category:", 9) == 0) {
        const nbl__acat *c = find_cat(a, y);
        return c && category_rank(c->category) >= 0;
    }
    {
        const nbl__acrit *c = find_crit(a, rule, y);
        return c && c->ok && c->met >= 0;
    }
}

/* First year of the run of years in which (kind, rule) held, walking back
 * from per[from] (year y0 + from); years whose inputs are missing are
 * bridged. `fy` is returned when the condition did not hold in per[from]. */
static int
run_start(const nbl__aarea *a, const nbl_alert_list *per, const nbl__asd *sd,
          size_t n, size_t i, int y0, int from, int fy, const char *kind,
          const char *rule)
{
    for (int k = from; k >= 0; k--) {
        if (find_key(&per[k], kind, rule))
            fy = y0 + k;
        else if (cond_evaluable(a, kind, rule, y0 + k, &sd[(size_t)k * n + i]))
            break;
    }
    return fy;
}

#define MAX_LOOKBACK 40

int
nbl__alerts_evaluate(const nbl__aarea *areas, size_t n,
                     const nbl_alert_config *cfg, int year, nbl_alert_list *out,
                     nbl__asd *sd_out)
{
    int y0 = year, rc = NBL_OK;
    nbl__asd *sd = NULL;
    nbl_alert_list *per = NULL; /* conditions per year, one area */
    int ny;
    /* first year with any result */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < areas[i].n_crit; j++)
            if (areas[i].crit[j].year < y0)
                y0 = areas[i].crit[j].year;
        for (size_t j = 0; j < areas[i].n_cat; j++)
            if (areas[i].cat[j].year < y0)
                y0 = areas[i].cat[j].year;
        for (size_t j = 0; j < areas[i].n_saf; j++)
            if (areas[i].saf[j].year < y0)
                y0 = areas[i].saf[j].year;
    }
    if (year - y0 > MAX_LOOKBACK)
        y0 = year - MAX_LOOKBACK;
    ny = year - y0 + 1;
    sd = calloc((size_t)ny * (n ? n : 1), sizeof *sd);
    per = calloc((size_t)ny, sizeof *per);
    if (!sd || !per) {
        rc = NBL_ENOMEM;
        goto done;
    }
    for (int k = 0; k < ny; k++)
        nbl__alerts_status_dynamics(areas, n, cfg, y0 + k, &sd[(size_t)k * n]);
    if (sd_out)
        memcpy(sd_out, &sd[(size_t)(ny - 1) * n], n * sizeof *sd);

    for (size_t i = 0; i < n && !rc; i++) {
        const nbl_alert_list *cur;
        for (int k = 0; k < ny && !rc; k++) {
            struct emit e = {&areas[i], y0 + k, &per[k], NBL_OK};
            list_clear(&per[k]);
            area_conditions(&e, cfg, &sd[(size_t)k * n + i]);
            rc = e.rc;
        }
        if (rc)
            break;
        cur = &per[ny - 1];
        for (size_t j = 0; j < cur->n && !rc; j++) {
            nbl_alert al = cur->items[j];
            if (is_event(al.kind)) {
                snprintf(al.state, sizeof al.state, "new");
                al.first_year = year;
            } else {
                int fy = run_start(&areas[i], per, sd, n, i, y0, ny - 2, year,
                                   al.kind, al.rule);
                snprintf(al.state, sizeof al.state, "%s",
                         fy < year ? "ongoing" : "new");
                al.first_year = fy;
            }
            rc = nbl__alert_list_push(out, &al);
        }
        /* resolved: a condition that held in the last year it could be
         * evaluated before `year`, can be evaluated in `year` and does not
         * hold. Walk back from year-1; each key is taken at its latest year
         * (k) and only when every year between k and `year` had no data. */
        for (int k = ny - 2; k >= 0 && !rc; k--) {
            for (size_t j = 0; j < per[k].n && !rc; j++) {
                nbl_alert al = per[k].items[j];
                char tb[256];
                nbl__buf msg = {0};
                int last = y0 + k, fy, later = 0, gap;
                if (is_event(al.kind) || find_key(cur, al.kind, al.rule) ||
                    !cond_evaluable(&areas[i], al.kind, al.rule, year,
                                    &sd[(size_t)(ny - 1) * n + i]))
                    continue;
                for (int m = k + 1; m < ny - 1 && !later; m++)
                    later = find_key(&per[m], al.kind, al.rule) != NULL ||
                            cond_evaluable(&areas[i], al.kind, al.rule, y0 + m,
                                           &sd[(size_t)m * n + i]);
                if (later)
                    continue;
                gap = last < year - 1;
                fy = run_start(&areas[i], per, sd, n, i, y0, k - 1, last,
                               al.kind, al.rule);
                if (nbl__buf_printf(
                        &msg, "%s (%s): %s no longer applies in %d (alerted %d",
                        areas[i].name && *areas[i].name ? areas[i].name
                                                        : "Area",
                        areas[i].area_id, topic(&al, tb, sizeof tb), year,
                        fy) ||
                    (fy < last &&
                     nbl__buf_printf(&msg, "\xe2\x80\x93%d", last)) ||
                    (gap && last + 1 == year - 1 &&
                     nbl__buf_printf(&msg, "; no data to evaluate it in %d",
                                     year - 1)) ||
                    (gap && last + 1 < year - 1 &&
                     nbl__buf_printf(&msg,
                                     "; no data to evaluate it in "
                                     "%d\xe2\x80\x93%d",
                                     last + 1, year - 1)) ||
                    nbl__buf_printf(&msg, ").")) {
                    nbl__buf_free(&msg);
                    rc = NBL_ENOMEM;
                    break;
                }
                al.message = msg.s;
                al.year = year;
                al.value = NAN;
                al.severity = NBL_SEV_INFO;
                al.first_year = fy;
                snprintf(al.state, sizeof al.state, "resolved");
                rc = nbl__alert_list_push(out, &al);
                nbl__buf_free(&msg);
            }
        }
    }
done:
    if (per)
        for (int k = 0; k < ny; k++)
            list_release(&per[k]);
    free(per);
    free(sd);
    return rc;
}
