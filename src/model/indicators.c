/*
 * indicators.c - loads the profile/safety configuration with inih: first the
 * embedded gis/indicators.ini and gis/safety.ini, then a user file whose
 * [profile], [safety] and [indicator.<name>] sections override keys or add
 * indicators (all other sections belong to other modules and are ignored).
 * Invariants after a successful load: every enabled indicator is complete
 * (stats indicators name a numerator and a denominator, every indicator has
 * a direction), steps and bands are strictly ordered, weights are >= 0 and
 * not all 0. Errors name the file, line, section and key.
 */
#include <ini.h>
#include <stdlib.h>
#include <string.h>

#include "util/ctx.h"
#include "model/indicators.h"
#include "util/util.h"

typedef struct loader {
    nbl_ctx *ctx;
    nbl__profile_cfg *cfg;
    const char *file;
    int rc;        /* first error */
    char msg[400]; /* its text, without the file:line prefix */
    size_t n_all;  /* indicators incl. disabled */
} loader;

static void
safety_defaults(nbl__safety_cfg *s)
{
    s->w_perceived = 0.5;
    s->w_problems = 0.2;
    s->w_registered = 0.3;
    s->bands[0] = 100;
    s->bands[1] = 90;
    s->bands[2] = 80;
    s->flag_safe = 85;
    s->flag_night = 75;
    s->min_respondents = 30;
    s->imported_ref = 0;
    s->category_weight = 1;
}

void
nbl__profile_cfg_init(nbl__profile_cfg *cfg)
{
    static const char *labels[4] = {"tryg", "under middel",
                                    "behov for tryghedsindsats",
                                    "behov for markant indsats"};
    int i;
    memset(cfg, 0, sizeof *cfg);
    cfg->min_residents = 500;
    cfg->steps[0] = 0.5;
    cfg->steps[1] = 1;
    cfg->steps[2] = 2;
    cfg->bands[0] = 5;
    cfg->bands[1] = 9;
    cfg->bands[2] = 14;
    cfg->max_missing = 0;
    safety_defaults(&cfg->safety);
    for (i = 0; i < 4; i++)
        cfg->safety.band_labels[i] = nbl__strdup(labels[i]);
}

static void
indicator_free(nbl__indicator *in)
{
    free(in->name);
    free(in->label_da);
    free(in->label_en);
    free(in->numerator);
    free(in->denominator);
    free(in->mean_variable);
}

void
nbl__profile_cfg_free(nbl__profile_cfg *cfg)
{
    size_t i;
    if (!cfg)
        return;
    for (i = 0; i < cfg->n_ind; i++)
        indicator_free(&cfg->ind[i]);
    free(cfg->ind);
    for (i = 0; i < 4; i++)
        free(cfg->safety.band_labels[i]);
    for (i = 0; i < cfg->safety.n_cat; i++)
        free(cfg->safety.cat[i]);
    free(cfg->safety.cat);
    free(cfg->safety.cat_w);
    memset(cfg, 0, sizeof *cfg);
}

int
nbl__profile_cfg_find(const nbl__profile_cfg *cfg, const char *name)
{
    size_t i;
    for (i = 0; i < cfg->n_ind; i++)
        if (strcmp(cfg->ind[i].name, name) == 0)
            return (int)i;
    return -1;
}

double
nbl__safety_category_weight(const nbl__safety_cfg *cfg, const char *category)
{
    size_t i;
    for (i = 0; i < cfg->n_cat; i++)
        if (strcmp(cfg->cat[i], category) == 0)
            return cfg->cat_w[i];
    return cfg->category_weight;
}

/* --- value parsers; each returns 1 on success ---------------------------- */

static int
parse_bool(const char *v, int *out)
{
    if (nbl__strieq(v, "true") || nbl__strieq(v, "yes") ||
        strcmp(v, "1") == 0) {
        *out = 1;
        return 1;
    }
    if (nbl__strieq(v, "false") || nbl__strieq(v, "no") ||
        strcmp(v, "0") == 0) {
        *out = 0;
        return 1;
    }
    return 0;
}

/* Exactly n comma-separated numbers. */
static int
parse_list(const char *v, double *out, int n)
{
    char buf[256];
    char *p, *tok, *save = NULL;
    int k = 0;
    if (strlen(v) >= sizeof buf)
        return 0;
    memcpy(buf, v, strlen(v) + 1);
    for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
        if (k >= n || !nbl__parse_double(tok, '.', &out[k]))
            return 0;
        k++;
    }
    return k == n;
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

static int
fail(loader *L, int code, const char *section, const char *key, const char *why,
     const char *value)
{
    if (L->rc == NBL_OK) {
        L->rc = code;
        if (key)
            snprintf(L->msg, sizeof L->msg, "[%s]: key '%s': %s%s%s%s", section,
                     key, why, value ? ": '" : "", value ? value : "",
                     value ? "'" : "");
        else
            snprintf(L->msg, sizeof L->msg, "[%s]: %s", section, why);
    }
    return 0;
}

static int
valid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

static nbl__indicator *
get_indicator(loader *L, const char *name)
{
    nbl__profile_cfg *c = L->cfg;
    nbl__indicator *grown, *in;
    size_t i;
    for (i = 0; i < L->n_all; i++)
        if (strcmp(c->ind[i].name, name) == 0)
            return &c->ind[i];
    grown = realloc(c->ind, (L->n_all + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    c->ind = grown;
    in = &c->ind[L->n_all];
    memset(in, 0, sizeof *in);
    in->name = nbl__strdup(name);
    if (!in->name)
        return NULL;
    in->window = 1;
    in->min_denominator = 20;
    in->reference_value = 100;
    in->scored = 1;
    in->enabled = 1;
    L->n_all++;
    c->n_ind = L->n_all;
    return in;
}

/* A key whose value is one of a few words. */
typedef struct choice_key {
    const char *key;
    const char *const *words; /* NULL-terminated; word i sets value i */
} choice_key;

/* Sets *out to the index of v among k->words, or fails with "expected a,
 * b or c". */
static int
choose(loader *L, const char *section, const choice_key *k, const char *v,
       int *out)
{
    char expected[160] = "expected ";
    size_t n = 0;
    for (; k->words[n]; n++)
        if (strcmp(k->words[n], v) == 0) {
            *out = (int)n;
            return 1;
        }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(expected);
        snprintf(expected + len, sizeof expected - len, "%s%s",
                 i == 0       ? ""
                 : i + 1 == n ? " or "
                              : ", ",
                 k->words[i]);
    }
    return fail(L, NBL_EINVAL, section, k->key, expected, v);
}

static const char *const w_source[] = {"stats", "safety", NULL};
static const char *const w_unit[] = {"percent", "per_1000", "index", NULL};
static const char *const w_rel[] = {"none", "region", "country", NULL};
static const char *const w_dir[] = {"higher_is_worse", "higher_is_better",
                                    NULL};
static const char *const w_ref[] = {"municipal", "imported", "fixed", NULL};
static const char *const w_scope[] = {"municipality", "region", NULL};
static const choice_key indicator_choices[] = {
    {"source", w_source}, {"unit", w_unit},     {"relative_to", w_rel},
    {"direction", w_dir}, {"reference", w_ref}, {"ref_scope", w_scope},
};

/* The indicator's text keys: 1 set, 0 out of memory, -1 not a text key. */
static int
indicator_text(nbl__indicator *in, const char *key, const char *v)
{
    if (strcmp(key, "label_da") == 0)
        return set_str(&in->label_da, v);
    if (strcmp(key, "label_en") == 0)
        return set_str(&in->label_en, v);
    if (strcmp(key, "numerator") == 0)
        return set_str(&in->numerator, v);
    if (strcmp(key, "denominator") == 0)
        return set_str(&in->denominator, v);
    if (strcmp(key, "mean_variable") == 0)
        return set_str(&in->mean_variable, v);
    return -1;
}

/* The indicator's keys with a word for a value: the result of choose(),
 * or -1 when key is not one of them. */
static int
indicator_choice(loader *L, const char *section, nbl__indicator *in,
                 const char *key, const char *v)
{
    size_t n = sizeof indicator_choices / sizeof indicator_choices[0];
    for (size_t i = 0; i < n; i++) {
        int w;
        if (strcmp(key, indicator_choices[i].key) != 0)
            continue;
        if (!choose(L, section, &indicator_choices[i], v, &w))
            return 0;
        switch (i) {
        case 0:
            in->source = (nbl__source)w;
            break;
        case 1:
            in->unit = (nbl__unit)w;
            break;
        case 2:
            in->relative_to = (nbl__relative)w;
            break;
        case 3:
            in->direction = w == 0 ? 1 : -1;
            break;
        case 4:
            in->reference = (nbl__reftype)w;
            break;
        default:
            in->ref_scope_region = w;
        }
        return 1;
    }
    return -1;
}

/* The indicator's numeric and true/false keys. */
static int
indicator_number(loader *L, const char *section, nbl__indicator *in,
                 const char *key, const char *v)
{
    double d;
    long l;
    int b;
    if (strcmp(key, "window") == 0) {
        if (!nbl__parse_long(v, &l) || l < 1 || l > 20)
            return fail(L, NBL_EINVAL, section, key,
                        "expected a whole number of years 1-20", v);
        in->window = (int)l;
    } else if (strcmp(key, "min_denominator") == 0) {
        if (!nbl__parse_double(v, '.', &d) || d < 0)
            return fail(L, NBL_EINVAL, section, key, "expected a number >= 0",
                        v);
        in->min_denominator = d;
    } else if (strcmp(key, "reference_value") == 0) {
        if (!nbl__parse_double(v, '.', &d))
            return fail(L, NBL_EINVAL, section, key, "not a number", v);
        in->reference_value = d;
    } else if (strcmp(key, "scored") == 0 || strcmp(key, "enabled") == 0) {
        if (!parse_bool(v, &b))
            return fail(L, NBL_EINVAL, section, key, "expected true or false",
                        v);
        if (key[0] == 's')
            in->scored = b;
        else
            in->enabled = b;
    } else {
        return fail(L, NBL_EINVAL, section, key, "unknown key", NULL);
    }
    return 1;
}

static int
indicator_key(loader *L, const char *section, const char *name, const char *key,
              const char *v)
{
    nbl__indicator *in;
    int r;
    if (!valid_name(name))
        return fail(L, NBL_EINVAL, section, NULL,
                    "indicator names use a-z, 0-9 and '_'", NULL);
    in = get_indicator(L, name);
    if (!in) {
        L->rc = NBL_ENOMEM;
        snprintf(L->msg, sizeof L->msg, "out of memory");
        return 0;
    }
    if ((r = indicator_text(in, key, v)) >= 0)
        return r;
    if ((r = indicator_choice(L, section, in, key, v)) >= 0)
        return r;
    return indicator_number(L, section, in, key, v);
}

static int
profile_key(loader *L, const char *section, const char *key, const char *v)
{
    nbl__profile_cfg *c = L->cfg;
    double d, t[3];
    long l;
    if (strcmp(key, "min_residents") == 0) {
        if (!nbl__parse_double(v, '.', &d) || d < 0)
            return fail(L, NBL_EINVAL, section, key, "expected a number >= 0",
                        v);
        c->min_residents = d;
        return 1;
    }
    if (strcmp(key, "steps") == 0 || strcmp(key, "bands") == 0) {
        if (!parse_list(v, t, 3) || !(t[0] < t[1] && t[1] < t[2]) || t[0] < 0)
            return fail(L, NBL_EINVAL, section, key,
                        "expected three ascending numbers >= 0, e.g. "
                        "'0.5, 1, 2'",
                        v);
        memcpy(key[0] == 's' ? c->steps : c->bands, t, sizeof t);
        return 1;
    }
    if (strcmp(key, "max_missing") == 0) {
        if (!nbl__parse_long(v, &l) || l < 0 || l > 1000)
            return fail(L, NBL_EINVAL, section, key,
                        "expected a whole number >= 0", v);
        c->max_missing = (int)l;
        return 1;
    }
    return fail(L, NBL_EINVAL, section, key, "unknown key", NULL);
}

static int
set_labels(nbl__safety_cfg *s, const char *v)
{
    char buf[512], *p, *tok, *save = NULL, *lab[4];
    int k = 0, i;
    if (strlen(v) >= sizeof buf)
        return 0;
    memcpy(buf, v, strlen(v) + 1);
    for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
        char *e;
        while (*tok == ' ' || *tok == '\t')
            tok++;
        e = tok + strlen(tok);
        while (e > tok && (e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        if (k >= 4 || !*tok)
            return 0;
        lab[k++] = tok;
    }
    if (k != 4)
        return 0;
    for (i = 0; i < 4; i++)
        if (!set_str(&s->band_labels[i], lab[i]))
            return 0;
    return 1;
}

/* [safety] category.<name> = weight. */
static int
safety_category(loader *L, const char *section, const char *key, const char *v)
{
    nbl__safety_cfg *s = &L->cfg->safety;
    const char *cat = key + 9;
    double d;
    char **nc;
    double *nw;
    if (!*cat)
        return fail(L, NBL_EINVAL, section, key, "empty category", NULL);
    if (!nbl__parse_double(v, '.', &d) || d < 0)
        return fail(L, NBL_EINVAL, section, key, "expected a weight >= 0", v);
    for (size_t i = 0; i < s->n_cat; i++)
        if (strcmp(s->cat[i], cat) == 0) {
            s->cat_w[i] = d;
            return 1;
        }
    nc = realloc(s->cat, (s->n_cat + 1) * sizeof *nc);
    if (nc)
        s->cat = nc;
    nw = realloc(s->cat_w, (s->n_cat + 1) * sizeof *nw);
    if (nw)
        s->cat_w = nw;
    if (!nc || !nw || !(s->cat[s->n_cat] = nbl__strdup(cat))) {
        L->rc = NBL_ENOMEM;
        snprintf(L->msg, sizeof L->msg, "out of memory");
        return 0;
    }
    s->cat_w[s->n_cat++] = d;
    return 1;
}

/* [safety]'s keys with a number >= 0 for a value: the result, or -1 when
 * key is not one of them. */
static int
safety_number(loader *L, const char *section, const char *key, const char *v)
{
    nbl__safety_cfg *s = &L->cfg->safety;
    static const char *nums[] = {
        "weight_perceived", "weight_problems", "weight_registered", "flag_safe",
        "flag_night",       "min_respondents", "category_weight"};
    double *dst[7], d;
    dst[0] = &s->w_perceived;
    dst[1] = &s->w_problems;
    dst[2] = &s->w_registered;
    dst[3] = &s->flag_safe;
    dst[4] = &s->flag_night;
    dst[5] = &s->min_respondents;
    dst[6] = &s->category_weight;
    for (size_t i = 0; i < 7; i++)
        if (strcmp(key, nums[i]) == 0) {
            if (!nbl__parse_double(v, '.', &d) || d < 0)
                return fail(L, NBL_EINVAL, section, key,
                            "expected a number >= 0", v);
            *dst[i] = d;
            return 1;
        }
    return -1;
}

static const char *const w_safety_ref[] = {"municipality", "imported", NULL};
static const choice_key safety_ref_key = {"reference", w_safety_ref};

static int
safety_key(loader *L, const char *section, const char *key, const char *v)
{
    nbl__safety_cfg *s = &L->cfg->safety;
    double t[3];
    int r;
    if (strncmp(key, "category.", 9) == 0)
        return safety_category(L, section, key, v);
    if (strcmp(key, "bands") == 0) {
        if (!parse_list(v, t, 3) || !(t[0] > t[1] && t[1] > t[2]))
            return fail(L, NBL_EINVAL, section, key,
                        "expected three descending numbers, e.g. "
                        "'100, 90, 80'",
                        v);
        memcpy(s->bands, t, sizeof t);
        return 1;
    }
    if (strcmp(key, "band_labels") == 0) {
        if (!set_labels(s, v))
            return fail(L, NBL_EINVAL, section, key,
                        "expected four non-empty labels separated by ','", v);
        return 1;
    }
    if (strcmp(key, "reference") == 0)
        return choose(L, section, &safety_ref_key, v, &s->imported_ref);
    if ((r = safety_number(L, section, key, v)) >= 0)
        return r;
    return fail(L, NBL_EINVAL, section, key, "unknown key", NULL);
}

static int
handler(void *user, const char *section, const char *key, const char *value)
{
    loader *L = user;
    if (L->rc != NBL_OK)
        return 1; /* report only the first error */
    if (!key)
        return 1;
    if (strcmp(section, "profile") == 0)
        return profile_key(L, section, key, value);
    if (strcmp(section, "safety") == 0)
        return safety_key(L, section, key, value);
    if (strncmp(section, "indicator.", 10) == 0)
        return indicator_key(L, section, section + 10, key, value);
    return 1; /* another module's section */
}

static int
parse(loader *L, const char *text, const char *file)
{
    int line;
    L->file = file;
    L->rc = NBL_OK;
    L->msg[0] = '\0';
    line = ini_parse_string(text, handler, L);
    if (L->rc != NBL_OK)
        return nbl__error(L->ctx, L->rc, "%s:%d: %s", file, line, L->msg);
    if (line > 0)
        return nbl__error(L->ctx, NBL_EFORMAT, "%s:%d: not a valid INI line",
                          file, line);
    if (line < 0)
        return nbl__error(L->ctx, NBL_ENOMEM, "%s: out of memory", file);
    return NBL_OK;
}

/* Checks the merged configuration, then drops disabled indicators. */
static int
validate(loader *L, const char *file)
{
    nbl__profile_cfg *c = L->cfg;
    nbl__safety_cfg *s = &c->safety;
    size_t i, k = 0;
    for (i = 0; i < L->n_all; i++) {
        nbl__indicator *in = &c->ind[i];
        const char *miss = NULL;
        if (!in->enabled)
            continue;
        if (in->source == NBL__SRC_STATS && !in->numerator)
            miss = "numerator";
        else if (in->source == NBL__SRC_STATS && !in->denominator)
            miss = "denominator";
        else if (in->direction == 0)
            miss = "direction";
        if (miss)
            return nbl__error(L->ctx, NBL_EINVAL,
                              "%s: [indicator.%s]: key '%s' is required", file,
                              in->name, miss);
        if (in->source == NBL__SRC_SAFETY && in->reference != NBL__REF_FIXED)
            return nbl__error(L->ctx, NBL_EINVAL,
                              "%s: [indicator.%s]: key 'reference': a "
                              "safety indicator needs reference = fixed "
                              "(the index is 100 at the municipality)",
                              file, in->name);
        if ((!in->label_da && !set_str(&in->label_da, in->name)) ||
            (!in->label_en && !set_str(&in->label_en, in->label_da)))
            return nbl__error(L->ctx, NBL_ENOMEM, "out of memory");
    }
    if (s->w_perceived + s->w_problems + s->w_registered <= 0)
        return nbl__error(L->ctx, NBL_EINVAL,
                          "%s: [safety]: the weights weight_perceived, "
                          "weight_problems and weight_registered are all 0",
                          file);
    for (i = 0; i < L->n_all; i++) {
        if (!c->ind[i].enabled) {
            indicator_free(&c->ind[i]);
            continue;
        }
        if (k != i)
            c->ind[k] = c->ind[i];
        k++;
    }
    c->n_ind = L->n_all = k;
    return NBL_OK;
}

static int
load_common(nbl_ctx *ctx, nbl__profile_cfg *cfg, const char *user_text,
            const char *name)
{
    static const char *assets[2] = {"indicators.ini", "safety.ini"};
    loader L;
    int rc = NBL_OK, i;
    nbl__profile_cfg_init(cfg);
    memset(&L, 0, sizeof L);
    L.ctx = ctx;
    L.cfg = cfg;
    for (i = 0; i < 2 && rc == NBL_OK; i++) {
        const char *text = nbl__asset(assets[i], NULL);
        if (!text)
            rc = nbl__error(ctx, NBL_ENOTFOUND, "embedded gis/%s is missing",
                            assets[i]);
        else
            rc = parse(&L, text, assets[i]);
    }
    if (rc == NBL_OK && user_text)
        rc = parse(&L, user_text, name);
    cfg->n_ind = L.n_all;
    if (rc == NBL_OK)
        rc = validate(&L, user_text ? name : "indicators.ini");
    if (rc != NBL_OK)
        nbl__profile_cfg_free(cfg);
    return rc;
}

int
nbl__profile_cfg_load_text(nbl_ctx *ctx, nbl__profile_cfg *cfg,
                           const char *user_text, const char *name)
{
    return load_common(ctx, cfg, user_text, name ? name : "config");
}

int
nbl__profile_cfg_load(nbl_ctx *ctx, nbl__profile_cfg *cfg,
                      const char *user_path)
{
    FILE *f;
    nbl__buf b = {0};
    char chunk[4096];
    size_t n;
    int rc;
    if (!user_path)
        return load_common(ctx, cfg, NULL, NULL);
    f = fopen(user_path, "rb");
    if (!f) {
        memset(cfg, 0, sizeof *cfg);
        return nbl__error(ctx, NBL_EIO,
                          "%s: cannot open the configuration "
                          "file",
                          user_path);
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (nbl__buf_append(&b, chunk, n)) {
            fclose(f);
            nbl__buf_free(&b);
            memset(cfg, 0, sizeof *cfg);
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        }
    fclose(f);
    rc = load_common(ctx, cfg, b.s ? b.s : "", user_path);
    nbl__buf_free(&b);
    return rc;
}
