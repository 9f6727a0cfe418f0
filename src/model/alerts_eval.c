/*
 * alerts_eval.c - the states of the alerts of one year (pure C, no I/O).
 *
 * The conditions of every year are derived from the results alone
 * (alerts_rules.c), so the state of an alert does not depend on which
 * years were evaluated before:
 *   new       the condition holds in Y and did not in Y-1;
 *   ongoing   it holds in Y and in Y-1 (first_year = first year of the run);
 *   resolved  it held in Y-1 and does not in Y (a row in year Y);
 *   superseded  an early warning (approaching, trend, countdown) that ended
 *             because the area crossed what it warned of: not an
 *             improvement, the crossed alert of Y says what happened.
 * crossed, improved and status are events (a change from Y-1 to Y, or a
 * year's standing): always new.
 * "Y-1" is the last earlier year in which the condition can be evaluated
 * (cond_evaluable: its inputs are there): a condition is neither repeated
 * nor resolved in a year without data, and a gap is bridged.
 */
#include "model/alerts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/util.h"

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
static int
is_event(const char *kind)
{
    return strcmp(kind, "crossed") == 0 || strcmp(kind, "improved") == 0 ||
           strcmp(kind, "status") == 0;
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
    int lw;
    if (strcmp(a->kind, "countdown") == 0)
        return T_("the countdown to omdannelsesområde");
    if (strcmp(a->kind, "status_dynamics") == 0)
        return T_("the alert on a low status index with negative dynamics");
    if (strcmp(a->kind, "not_evaluable") == 0)
        return T_("the note that the criteria could not be evaluated");
    if (strcmp(a->rule, "safety_index") == 0)
        return T_("the alert on the safety index being under its band");
    if (strcmp(a->rule, "safety_drop") == 0)
        return T_("the alert on the drop in the safety index");
    if (strncmp(a->rule, "category:", 9) == 0) {
        snprintf(buf, n,
                 T_("the early warning of being one criterion short of %s"),
                 nbl__alert_category_label(a->rule + 9));
        return buf;
    }
    if (nbl__alert_criterion_words(a->rule))
        what = T_(nbl__alert_criterion_words(a->rule));
    lw = nbl__alert_criterion_lower_worse(a->rule);
    if (strcmp(a->kind, "trend") != 0)
        snprintf(buf, n, T_("the early warning (close to the threshold) on %s"),
                 what);
    else if (lw == 1)
        snprintf(buf, n,
                 T_("the trend warning (falling towards the threshold) on %s"),
                 what);
    else if (lw == 0)
        snprintf(buf, n,
                 T_("the trend warning (rising towards the threshold) on %s"),
                 what);
    else
        snprintf(buf, n,
                 T_("the trend warning (moving towards the threshold) on %s"),
                 what);
    return buf;
}

/* Did an early warning (approaching, trend, countdown) end in `year`
 * because the area crossed what it warned of? Then it is superseded by
 * the crossed alert, not resolved: the criterion is met, or the category
 * warned of (or a more serious one) is reached. */
static int
superseded(const nbl__aarea *a, const nbl_alert *al, int year)
{
    if (strcmp(al->kind, "approaching") != 0 &&
        strcmp(al->kind, "trend") != 0 && strcmp(al->kind, "countdown") != 0)
        return 0;
    if (strncmp(al->rule, "category:", 9) == 0) {
        const nbl__acat *c = nbl__aarea_cat(a, year);
        int want = nbl__alert_category_rank(al->rule + 9);
        return c && want >= 0 && nbl__alert_category_rank(c->category) >= want;
    }
    {
        const nbl__acrit *c = nbl__aarea_crit(a, al->rule, year);
        return c && c->ok && c->met == 1;
    }
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
        s = nbl__aarea_safety(a, y);
        if (!s || isnan(s->index))
            return 0;
        if (rule[7] == 'd') {
            s = nbl__aarea_safety(a, y - 1);
            return s && !isnan(s->index);
        }
        return 1;
    }
    if (strncmp(rule, "category:", 9) == 0) {
        const nbl__acat *c = nbl__aarea_cat(a, y);
        return c && nbl__alert_category_rank(c->category) >= 0;
    }
    {
        const nbl__acrit *c = nbl__aarea_crit(a, rule, y);
        return c && c->ok && c->met >= 0;
    }
}

/* The evaluation of one area (nbl__aeval_area): the conditions of every
 * year y0..year (per[k] = year y0 + k) and the area's status/dynamics in
 * those years (sd[k]). */
struct evalrun {
    const nbl__aarea *a;
    int y0, year, ny;
    const nbl__asd *sd;
    nbl_alert_list *per;
};

/* First year of the run of years in which (kind, rule) held, walking back
 * from per[from] (year y0 + from); years whose inputs are missing are
 * bridged. `fy` is returned when the condition did not hold in per[from]. */
static int
run_start(const struct evalrun *r, int from, int fy, const char *kind,
          const char *rule)
{
    for (int k = from; k >= 0; k--) {
        if (find_key(&r->per[k], kind, rule))
            fy = r->y0 + k;
        else if (cond_evaluable(r->a, kind, rule, r->y0 + k, &r->sd[k]))
            break;
    }
    return fy;
}

int
nbl__alerts_y0(int ymin, int year)
{
    int y0 = ymin < year ? ymin : year;
    return year - y0 > NBL_ALERTS_LOOKBACK ? year - NBL_ALERTS_LOOKBACK : y0;
}

/* First year with any result, at most NBL_ALERTS_LOOKBACK years back. */
static int
first_year(const nbl__aarea *areas, size_t n, int year)
{
    int y0 = year;
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
    return nbl__alerts_y0(y0, year);
}

/* The conditions of `year` with their states: events are new; a condition
 * is ongoing when its run started before `year`. */
static int
current_alerts(const struct evalrun *r, nbl_alert_list *out)
{
    const nbl_alert_list *cur = &r->per[r->ny - 1];
    int rc = NBL_OK;
    for (size_t j = 0; j < cur->n && !rc; j++) {
        nbl_alert al = cur->items[j];
        if (is_event(al.kind)) {
            snprintf(al.state, sizeof al.state, "new");
            al.first_year = r->year;
        } else {
            int fy = run_start(r, r->ny - 2, r->year, al.kind, al.rule);
            snprintf(al.state, sizeof al.state, "%s",
                     fy < r->year ? "ongoing" : "new");
            al.first_year = fy;
        }
        rc = nbl__alert_list_push(out, &al);
    }
    return rc;
}

/* "<name> (<id>): <topic> no longer applies in Y (alerted F-L; no data to
 * evaluate it in ...)." into msg. */
static int
resolved_message(nbl__buf *msg, const nbl__aarea *a, const nbl_alert *al,
                 int year, int fy, int last, int sup)
{
    char tb[256];
    int gap = last < year - 1;
    const char *head =
        sup ? T_("%s (%s): %s is superseded in %d: the threshold was crossed "
                 "(see the crossed alert; alerted %d")
            : T_("%s (%s): %s no longer applies in %d (alerted %d");
    if (nbl__buf_printf(msg, head, a->name && *a->name ? a->name : T_("Area"),
                        a->area_id, topic(al, tb, sizeof tb), year, fy) ||
        (fy < last && nbl__buf_printf(msg, "\xe2\x80\x93%d", last)) ||
        (gap && last + 1 == year - 1 &&
         nbl__buf_printf(msg, T_("; no data to evaluate it in %d"),
                         year - 1)) ||
        (gap && last + 1 < year - 1 &&
         nbl__buf_printf(msg, T_("; no data to evaluate it in %d–%d"), last + 1,
                         year - 1)) ||
        nbl__buf_printf(msg, ")."))
        return NBL_ENOMEM;
    return NBL_OK;
}

/* Is per[k]'s alert al resolved in `year`: it does not hold in `year`, can
 * be evaluated then, and no year between k and `year` had it or could
 * evaluate it? */
static int
is_resolved(const struct evalrun *r, int k, const nbl_alert *al)
{
    if (is_event(al->kind) ||
        find_key(&r->per[r->ny - 1], al->kind, al->rule) ||
        !cond_evaluable(r->a, al->kind, al->rule, r->year, &r->sd[r->ny - 1]))
        return 0;
    for (int m = k + 1; m < r->ny - 1; m++)
        if (find_key(&r->per[m], al->kind, al->rule) ||
            cond_evaluable(r->a, al->kind, al->rule, r->y0 + m, &r->sd[m]))
            return 0;
    return 1;
}

/* resolved: a condition that held in the last year it could be evaluated
 * before `year`, can be evaluated in `year` and does not hold. Walk back
 * from year-1; each key is taken at its latest year (k) and only when
 * every year between k and `year` had no data. */
static int
resolved_alerts(const struct evalrun *r, nbl_alert_list *out)
{
    int rc = NBL_OK;
    for (int k = r->ny - 2; k >= 0 && !rc; k--) {
        for (size_t j = 0; j < r->per[k].n && !rc; j++) {
            nbl_alert al = r->per[k].items[j];
            nbl__buf msg = {0};
            int last = r->y0 + k, fy, sup;
            if (!is_resolved(r, k, &al))
                continue;
            fy = run_start(r, k - 1, last, al.kind, al.rule);
            sup = superseded(r->a, &al, r->year);
            rc = resolved_message(&msg, r->a, &al, r->year, fy, last, sup);
            if (rc) {
                nbl__buf_free(&msg);
                break;
            }
            al.message = msg.s;
            al.year = r->year;
            al.value = NAN;
            /* a superseded warning keeps its severity: it is not good
             * news (the crossed alert says what happened) */
            if (!sup)
                al.severity = NBL_SEV_INFO;
            al.first_year = fy;
            snprintf(al.state, sizeof al.state, "%s",
                     sup ? "superseded" : "resolved");
            rc = nbl__alert_list_push(out, &al);
            nbl__buf_free(&msg);
        }
    }
    return rc;
}

void
nbl__asd_pack(const nbl__asd *s, nbl__asdc *c)
{
    c->status = s->status;
    c->dynamics = s->dynamics;
    c->sclass = (signed char)s->sclass;
    c->dclass = (signed char)s->dclass;
    c->st = (signed char)s->st;
    c->dst = (signed char)s->dst;
}

void
nbl__asd_unpack(const nbl__asdc *c, const nbl__sdconf *conf, nbl__asd *s)
{
    memset(s, 0, sizeof *s);
    s->status = c->status;
    s->dynamics = c->dynamics;
    s->sclass = c->sclass;
    s->dclass = c->dclass;
    s->st = (nbl__sd_status)c->st;
    s->dst = (nbl__sd_status)c->dst;
    if (conf && s->sclass >= 0)
        snprintf(s->status_class, sizeof s->status_class, "%s",
                 conf->status.name[s->sclass]);
    if (conf && s->dclass >= 0)
        snprintf(s->dynamics_class, sizeof s->dynamics_class, "%s",
                 conf->dynamics.name[s->dclass]);
}

void
nbl__aeval_end(nbl__aeval *e)
{
    if (e->per)
        for (int k = 0; k < e->ny; k++)
            list_release(&e->per[k]);
    free(e->per);
    free(e->sd);
    free(e->cur);
    memset(e, 0, sizeof *e);
}

int
nbl__aeval_begin(nbl__aeval *e, const nbl__aarea *areas, size_t n,
                 const nbl_alert_config *cfg, int y0, int year)
{
    nbl__asd *tmp;
    memset(e, 0, sizeof *e);
    e->cfg = cfg;
    e->n = n;
    e->y0 = y0;
    e->year = year;
    e->ny = year - y0 + 1;
    e->sd = malloc((size_t)e->ny * (n ? n : 1) * sizeof *e->sd);
    e->cur = calloc((size_t)e->ny, sizeof *e->cur);
    e->per = calloc((size_t)e->ny, sizeof *e->per);
    tmp = calloc(n ? n : 1, sizeof *tmp);
    if (!e->sd || !e->cur || !e->per || !tmp) {
        free(tmp);
        nbl__aeval_end(e);
        return NBL_ENOMEM;
    }
    /* the standardisation is over all areas: one year at a time */
    for (int k = 0; k < e->ny; k++) {
        nbl__alerts_status_dynamics(areas, n, cfg, y0 + k, tmp);
        for (size_t i = 0; i < n; i++)
            nbl__asd_pack(&tmp[i], &e->sd[(size_t)k * n + i]);
    }
    free(tmp);
    return NBL_OK;
}

void
nbl__aeval_sd(const nbl__aeval *e, size_t i, nbl__asd *out)
{
    nbl__asd_unpack(&e->sd[(size_t)(e->ny - 1) * e->n + i],
                    e->cfg->status_dynamics, out);
}

int
nbl__aeval_area(nbl__aeval *e, const nbl__aarea *a, size_t i,
                nbl_alert_list *out)
{
    struct evalrun r = {a, e->y0, e->year, e->ny, e->cur, e->per};
    int rc = NBL_OK;
    for (int k = 0; k < e->ny; k++)
        nbl__asd_unpack(&e->sd[(size_t)k * e->n + i], e->cfg->status_dynamics,
                        &e->cur[k]);
    for (int k = 0; k < e->ny && !rc; k++) {
        list_clear(&e->per[k]);
        /* only the last year's messages are kept: the earlier years'
         * conditions decide the states and are not worded */
        rc = nbl__alerts_area_conditions(a, e->cfg, e->y0 + k, &e->cur[k],
                                         k == e->ny - 1, &e->per[k]);
    }
    if (!rc)
        rc = current_alerts(&r, out);
    if (!rc)
        rc = resolved_alerts(&r, out);
    return rc;
}

int
nbl__alerts_evaluate(const nbl__aarea *areas, size_t n,
                     const nbl_alert_config *cfg, int year, nbl_alert_list *out,
                     nbl__asd *sd_out)
{
    nbl__aeval e;
    int rc =
        nbl__aeval_begin(&e, areas, n, cfg, first_year(areas, n, year), year);
    if (rc)
        return rc;
    for (size_t i = 0; sd_out && i < n; i++)
        nbl__aeval_sd(&e, i, &sd_out[i]);
    for (size_t i = 0; i < n && !rc; i++)
        rc = nbl__aeval_area(&e, &areas[i], i, out);
    nbl__aeval_end(&e);
    return rc;
}
