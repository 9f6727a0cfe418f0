/*
 * alerts_config.c - the alert configuration: the [alerts] section of an INI
 * file (the embedded gis/alerts.ini, then a project or config file) into
 * nbl_alert_config, and the severity names. Every key is known here; an
 * unknown key or a bad value is an error naming file:line. The rules that
 * use the values are in alerts_rules.c, their states in alerts_eval.c.
 */
#include "model/alerts.h"

#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/disclosure.h"
#include "util/ctx.h"
#include "util/util.h"

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
    nbl__sdpair *sd; /* [status_dynamics] keys, applied after the parse */
    size_t nsd;
};

static int
stash_sd(struct cfg_parse *p, const char *name, const char *value)
{
    nbl__sdpair *w = realloc(p->sd, (p->nsd + 1) * sizeof *w);
    if (!w)
        return 0;
    p->sd = w;
    w[p->nsd].key = nbl__strdup(name);
    w[p->nsd].value = nbl__strdup(value);
    w[p->nsd].line = p->line;
    p->nsd++;
    return w[p->nsd - 1].key && w[p->nsd - 1].value;
}

/* Builds the status/dynamics method from the parsed keys; frees them. */
static int
finish_sd(struct cfg_parse *p, int rc)
{
    if (rc == NBL_OK)
        rc = nbl__alerts_sd_build(p->cfg, p->ctx, p->file, p->sd, p->nsd);
    for (size_t i = 0; i < p->nsd; i++) {
        free(p->sd[i].key);
        free(p->sd[i].value);
    }
    free(p->sd);
    p->sd = NULL;
    p->nsd = 0;
    return rc;
}

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

static const struct {
    const char *key;
    size_t off;
} dbl_keys[] = {
    {"margin", offsetof(nbl_alert_config, margin)},
    {"trend_min_r2", offsetof(nbl_alert_config, trend_min_r2)},
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
} int_keys[] = {
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
} sev_keys[] = {
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

/* The handlers below return 1 (key taken), 0 (error set in p) or -1 (not
 * their key). */
#define NOT_MINE (-1)

static int
bad(struct cfg_parse *p, const char *name, const char *value, const char *what)
{
    p->rc = nbl__error(p->ctx, NBL_EFORMAT, "%s:%d: [alerts] %s: %s: '%s'",
                       p->file, p->line, name, what, value);
    return 0;
}

static int
oom(struct cfg_parse *p)
{
    p->rc = nbl__error(p->ctx, NBL_ENOMEM, "out of memory");
    return 0;
}

static int
number_key(struct cfg_parse *p, const char *name, const char *value)
{
    char *c = (char *)p->cfg;
    double d;
    long l;
    for (size_t i = 0; i < sizeof dbl_keys / sizeof dbl_keys[0]; i++)
        if (strcmp(name, dbl_keys[i].key) == 0) {
            if (!nbl__parse_double(value, '.', &d))
                return bad(p, name, value, "not a number");
            if ((strcmp(name, "margin") == 0 && (d < 0 || d >= 1)) ||
                (strcmp(name, "trend_min_r2") == 0 && (d < 0 || d > 1)) ||
                (strcmp(name, "timeout") == 0 && d <= 0))
                return bad(p, name, value, "out of range");
            *(double *)(c + dbl_keys[i].off) = d;
            return 1;
        }
    for (size_t i = 0; i < sizeof int_keys / sizeof int_keys[0]; i++)
        if (strcmp(name, int_keys[i].key) == 0) {
            if (!nbl__parse_long(value, &l))
                return bad(p, name, value, "not an integer");
            if (l < int_keys[i].min || l > 100)
                return bad(p, name, value, "out of range");
            *(int *)(c + int_keys[i].off) = (int)l;
            return 1;
        }
    return NOT_MINE;
}

static int
severity_key(struct cfg_parse *p, const char *name, const char *value)
{
    for (size_t i = 0; i < sizeof sev_keys / sizeof sev_keys[0]; i++)
        if (strcmp(name, sev_keys[i].key) == 0) {
            int s = nbl__alert_severity_parse(value);
            if (s < 0)
                return bad(p, name, value,
                           "expected info, warning or critical");
            *(nbl_alert_severity *)((char *)p->cfg + sev_keys[i].off) =
                (nbl_alert_severity)s;
            return 1;
        }
    return NOT_MINE;
}

static int
backoff_key(struct cfg_parse *p, const char *name, const char *value)
{
    char buf[256], *save = NULL, *tok;
    int n = 0;
    double d;
    snprintf(buf, sizeof buf, "%s", value);
    for (tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (n >= 8 || !nbl__parse_double(tok, '.', &d) || d < 0 || d > 600)
            return bad(p, name, value,
                       "expected up to 8 comma-separated seconds");
        p->cfg->backoff[n++] = d;
    }
    p->cfg->n_backoff = n;
    return 1;
}

static int
other_key(struct cfg_parse *p, const char *name, const char *value)
{
    nbl_alert_config *c = p->cfg;
    char **dst = NULL;
    if (strcmp(name, "status_eth") == 0 || strcmp(name, "fail_on_alert") == 0) {
        int b;
        if (!parse_bool(value, &b))
            return bad(p, name, value, "expected true or false");
        *(name[0] == 's' ? &c->status_eth : &c->fail_on_alert) = b;
        return 1;
    }
    if (strcmp(name, "fail_on") == 0) {
        if (strcmp(value, "new") != 0 && strcmp(value, "any") != 0 &&
            strcmp(value, "none") != 0)
            return bad(p, name, value, "expected new, any or none");
        c->fail_on_alert = strcmp(value, "none") != 0;
        c->fail_on_new = strcmp(value, "new") == 0;
        return 1;
    }
    if (strcmp(name, "backoff") == 0)
        return backoff_key(p, name, value);
    if (strcmp(name, "criteria") == 0)
        dst = &c->criteria;
    if (dst)
        return set_str(dst, value) ? 1 : oom(p);
    {
        /* notify, mail_to, smtp_user, ca_file, ... (alerts_delivery.c) */
        int r =
            nbl__alerts_delivery_key(c, p->ctx, p->file, p->line, name, value);
        if (r == NBL_ENOMEM)
            return oom(p);
        if (r != NBL_ENOTFOUND) {
            p->rc = r;
            return r == NBL_OK;
        }
    }
    /* Where `nabolag run` writes the alert list: read by the project file
     * loader (project.c), known here so a project file is a valid config. */
    if (strcmp(name, "output") == 0 || strcmp(name, "format") == 0)
        return 1;
    return NOT_MINE;
}

/* How `-f csv` is written: csv_delimiter = comma | semicolon | tab (or
 * ',' - a bare ';' starts an INI comment), bom = true|false, excel = true
 * (';', BOM, decimal comma). */
static int
csv_key(struct cfg_parse *p, const char *name, const char *value)
{
    nbl_csv_style *st = &p->cfg->csv;
    int b;
    if (strcmp(name, "csv_delimiter") == 0) {
        if (strcmp(value, ",") == 0 || nbl__strieq(value, "comma"))
            st->delimiter = ',';
        else if (strcmp(value, ";") == 0 || nbl__strieq(value, "semicolon"))
            st->delimiter = ';';
        else if (nbl__strieq(value, "tab"))
            st->delimiter = '\t';
        else
            return bad(p, name, value, "expected ',', ';' or tab");
        return 1;
    }
    if (strcmp(name, "bom") != 0 && strcmp(name, "excel") != 0)
        return NOT_MINE;
    if (!parse_bool(value, &b))
        return bad(p, name, value, "expected true or false");
    if (name[0] == 'b') {
        st->bom = b;
    } else {
        st->delimiter = b ? ';' : ',';
        st->bom = st->decimal_comma = b;
    }
    return 1;
}

static int
cfg_handler(void *user, const char *section, const char *name,
            const char *value, int lineno)
{
    struct cfg_parse *p = user;
    int r;
    p->line = lineno;
    if (strcmp(section, "project") == 0 && strcmp(name, "name") == 0)
        return set_str(&p->cfg->project_name, value) ? 1 : oom(p);
    if (strcmp(section, "status_dynamics") == 0)
        return stash_sd(p, name, value) ? 1 : oom(p);
    if (strcmp(section, "alerts") != 0)
        return 1;
    if ((r = number_key(p, name, value)) != NOT_MINE ||
        (r = severity_key(p, name, value)) != NOT_MINE ||
        (r = other_key(p, name, value)) != NOT_MINE ||
        (r = csv_key(p, name, value)) != NOT_MINE)
        return r;
    return bad(p, name, value, "unknown key");
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
    struct cfg_parse p = {cfg,  ctx, "alerts.ini (built in)", NBL_OK, 0,
                          NULL, 0};
    int rc;
    memset(cfg, 0, sizeof *cfg);
    if (!ini)
        return nbl__error(ctx, NBL_EINVAL, "internal: alerts.ini missing");
    nbl__disclosure d;
    nbl__disclosure_defaults(&d);
    cfg->min_count = d.min_count;
    cfg->min_denominator = d.min_denominator;
    cfg->min_residents_publish = d.min_residents_publish;
    rc = finish_sd(&p, parse_text(&p, ini));
    if (rc)
        nbl_alert_config_clear(cfg);
    return rc;
}

int
nbl_alert_config_load(nbl_alert_config *cfg, nbl_ctx *ctx, const char *path)
{
    struct cfg_parse p = {cfg, ctx, path, NBL_OK, 0, NULL, 0};
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
    rc = finish_sd(&p, parse_text(&p, b.s ? b.s : ""));
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
    nbl__alerts_delivery_clear(cfg);
    free(cfg->project_name);
    cfg->project_name = NULL;
    if (cfg->status_dynamics) {
        nbl__sdconf_clear(cfg->status_dynamics);
        free(cfg->status_dynamics);
        cfg->status_dynamics = NULL;
    }
    cfg->criteria = NULL;
}
