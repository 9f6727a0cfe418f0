/*
 * ruleset.c - reads statutory-criteria rulesets (INI, via inih) from the
 * embedded gis/rulesets/ or a user file, applies config-file overrides and
 * validates the result (see ruleset.h for the invariants). No other I/O
 * than reading the named files.
 */
#include "model/ruleset.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "util/ctx.h"
#include "util/util.h"

struct parse_state {
    nbl__ruleset *rs;
    const char *text; /* input, read line by line by reader() */
    size_t pos;
    int line;         /* line last read */
    int err_line;     /* line of err[] */
    int long_line;    /* first line too long for inih, 0 if none */
    const char *what; /* file name for messages */
    int config_mode;  /* 1: only [ruleset]/[criterion.*], others ignored */
    int changed;      /* a key was set */
    int oom;
    char err[512];             /* "[section] key: problem" */
    char project_ruleset[512]; /* [project] ruleset (config mode) */
};

static const char *const kind_names[] = {"", "share", "country", "region_mean",
                                         "count"};
static const char *const op_names[] = {"", ">", ">=", "<", "<="};

const char *
nbl__op_name(nbl__op op)
{
    return op_names[op];
}

static int
copy_str(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n)
        return 0;
    memcpy(dst, src, len + 1);
    return 1;
}

static void
criterion_init(nbl__criterion *c, const char *id)
{
    memset(c, 0, sizeof *c);
    copy_str(c->id, sizeof c->id, id);
    c->threshold = NAN;
    c->threshold_low = NAN;
    c->window = 0;
    c->num = c->den = c->mean_idx = c->share_idx = c->thr_idx = -1;
}

static nbl__ruleset *
ruleset_new(void)
{
    nbl__ruleset *rs = calloc(1, sizeof *rs);
    if (!rs)
        return NULL;
    rs->size_idx = rs->parallel_idx = -1;
    rs->needed = -1;
    rs->forebyggelse_needed = -1;
    return rs;
}

int
nbl__ruleset_find(const nbl__ruleset *rs, const char *id)
{
    for (int i = 0; i < rs->ncrit; i++)
        if (strcmp(rs->crit[i].id, id) == 0)
            return i;
    return -1;
}

static int
fail(struct parse_state *st, const char *section, const char *key,
     const char *problem, const char *value)
{
    if (st->err[0])
        return 0; /* keep the first */
    st->err_line = st->line;
    if (value)
        snprintf(st->err, sizeof st->err, "[%s] %s: %s: '%s'", section, key,
                 problem, value);
    else
        snprintf(st->err, sizeof st->err, "[%s] %s: %s", section, key, problem);
    return 0;
}

static int
parse_int_key(struct parse_state *st, const char *sec, const char *key,
              const char *v, int lo, int hi, int *out)
{
    long x;
    if (!nbl__parse_long(v, &x) || x < lo || x > hi) {
        char msg[96];
        snprintf(msg, sizeof msg, "not an integer from %d to %d", lo, hi);
        return fail(st, sec, key, msg, v);
    }
    *out = (int)x;
    return 1;
}

static int
parse_bool_key(struct parse_state *st, const char *sec, const char *key,
               const char *v, int *out)
{
    if (nbl__strieq(v, "yes") || nbl__strieq(v, "true") || strcmp(v, "1") == 0)
        *out = 1;
    else if (nbl__strieq(v, "no") || nbl__strieq(v, "false") ||
             strcmp(v, "0") == 0)
        *out = 0;
    else
        return fail(st, sec, key, "expected yes or no", v);
    return 1;
}

static int
parse_avg(struct parse_state *st, const char *sec, const char *key,
          const char *v, nbl__avg *out)
{
    if (strcmp(v, "shares") == 0)
        *out = NBL_AVG_SHARES;
    else if (strcmp(v, "pooled") == 0)
        *out = NBL_AVG_POOLED;
    else
        return fail(st, sec, key, "expected shares or pooled", v);
    return 1;
}

#define STR_KEY(field)                                                         \
    do {                                                                       \
        if (!copy_str(field, sizeof field, value))                             \
            return fail(st, section, name, "too long", NULL);                  \
        return 1;                                                              \
    } while (0)

static int
ruleset_key(struct parse_state *st, const char *section, const char *name,
            const char *value)
{
    nbl__ruleset *rs = st->rs;
    copy_str(rs->src, sizeof rs->src, st->what);
    if (strcmp(name, "name") == 0)
        STR_KEY(rs->name);
    if (strcmp(name, "version") == 0)
        STR_KEY(rs->version);
    if (strcmp(name, "title") == 0)
        STR_KEY(rs->title);
    if (strcmp(name, "law") == 0)
        STR_KEY(rs->law);
    if (strcmp(name, "counted") == 0)
        STR_KEY(rs->counted_text);
    if (strcmp(name, "size") == 0)
        STR_KEY(rs->size_text);
    if (strcmp(name, "parallel") == 0)
        STR_KEY(rs->parallel_text);
    if (strcmp(name, "average") == 0)
        return parse_avg(st, section, name, value, &rs->average);
    if (strcmp(name, "needed") == 0)
        return parse_int_key(st, section, name, value, 1, NBL_RS_MAX_CRIT,
                             &rs->needed);
    if (strcmp(name, "forebyggelse_needed") == 0)
        return parse_int_key(st, section, name, value, 1, NBL_RS_MAX_CRIT,
                             &rs->forebyggelse_needed);
    if (strcmp(name, "omdannelse_years") == 0)
        return parse_int_key(st, section, name, value, 0, NBL_RS_MAX_WINDOW * 3,
                             &rs->omdannelse_years);
    if (strcmp(name, "omdannelse_transition_years") == 0)
        return parse_int_key(st, section, name, value, 0, NBL_RS_MAX_WINDOW * 3,
                             &rs->omdannelse_transition_years);
    if (strcmp(name, "omdannelse_transition_first") == 0)
        return parse_int_key(st, section, name, value, 0, 9999,
                             &rs->omdannelse_transition_first);
    if (strcmp(name, "omdannelse_transition_last") == 0)
        return parse_int_key(st, section, name, value, 0, 9999,
                             &rs->omdannelse_transition_last);
    if (strcmp(name, "forebyggelse") == 0)
        return parse_bool_key(st, section, name, value, &rs->forebyggelse);
    if (strcmp(name, "unknown_history") == 0) {
        if (strcmp(value, "not_evaluable") == 0)
            rs->unknown_history_not_met = 0;
        else if (strcmp(value, "not_met") == 0)
            rs->unknown_history_not_met = 1;
        else
            return fail(st, section, name, "expected not_evaluable or not_met",
                        value);
        return 1;
    }
    return fail(st, section, name, "unknown key", NULL);
}

static int
criterion_key(struct parse_state *st, const char *section, const char *id,
              const char *name, const char *value)
{
    nbl__ruleset *rs = st->rs;
    int i = nbl__ruleset_find(rs, id);
    nbl__criterion *c;
    if (i < 0) {
        if (!*id)
            return fail(st, section, name, "criterion id missing", NULL);
        if (strlen(id) >= NBL_RS_NAME)
            return fail(st, section, name, "criterion id too long", NULL);
        if (rs->ncrit == NBL_RS_MAX_CRIT)
            return fail(st, section, name, "too many criteria", NULL);
        i = rs->ncrit++;
        criterion_init(&rs->crit[i], id);
    }
    c = &rs->crit[i];
    copy_str(c->src, sizeof c->src, st->what);
    if (strcmp(name, "label") == 0)
        STR_KEY(c->label);
    if (strcmp(name, "numerator") == 0)
        STR_KEY(c->numerator);
    if (strcmp(name, "denominator") == 0)
        STR_KEY(c->denominator);
    if (strcmp(name, "mean") == 0)
        STR_KEY(c->mean);
    if (strcmp(name, "share") == 0)
        STR_KEY(c->share);
    if (strcmp(name, "threshold_share") == 0)
        STR_KEY(c->threshold_share);
    if (strcmp(name, "kind") == 0) {
        for (int k = 1; k < 5; k++)
            if (strcmp(value, kind_names[k]) == 0) {
                c->kind = (nbl__crit_kind)k;
                return 1;
            }
        return fail(st, section, name,
                    "expected share, country, region_mean or count", value);
    }
    if (strcmp(name, "op") == 0) {
        for (int k = 1; k < 5; k++)
            if (strcmp(value, op_names[k]) == 0) {
                c->op = (nbl__op)k;
                return 1;
            }
        return fail(st, section, name, "expected >, >=, < or <=", value);
    }
    if (strcmp(name, "threshold") == 0 || strcmp(name, "threshold_low") == 0) {
        double v;
        int low = name[9] == '_';
        if (low && !*value) {
            c->threshold_low = NAN; /* removes the lower threshold */
            return 1;
        }
        if (!nbl__parse_double(value, '.', &v))
            return fail(st, section, name, "not a number", value);
        if (low)
            c->threshold_low = v;
        else
            c->threshold = v;
        return 1;
    }
    if (strcmp(name, "window") == 0)
        return parse_int_key(st, section, name, value, 1, NBL_RS_MAX_WINDOW,
                             &c->window);
    if (strcmp(name, "average") == 0) {
        if (!*value) {
            c->average = NBL_AVG_DEFAULT;
            return 1;
        }
        return parse_avg(st, section, name, value, &c->average);
    }
    return fail(st, section, name, "unknown key", NULL);
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse_state *st = user;
    if (strcmp(section, "ruleset") == 0) {
        st->changed = 1;
        return ruleset_key(st, section, name, value);
    }
    if (strncmp(section, "criterion.", 10) == 0) {
        st->changed = 1;
        return criterion_key(st, section, section + 10, name, value);
    }
    if (st->config_mode) {
        if (strcmp(section, "project") == 0 && strcmp(name, "ruleset") == 0)
            copy_str(st->project_ruleset, sizeof st->project_ruleset, value);
        return 1; /* other modules' sections */
    }
    if (!st->err[0]) {
        st->err_line = st->line;
        snprintf(st->err, sizeof st->err,
                 "[%s]: unknown section (expected [ruleset] or "
                 "[criterion.<id>])",
                 section);
    }
    return 0;
}

/* fgets over the text, counting lines (inih's handler gets no line). */
static char *
reader(char *str, int num, void *stream)
{
    struct parse_state *st = stream;
    int n = 0;
    if (!st->text[st->pos])
        return NULL;
    while (n < num - 1 && st->text[st->pos]) {
        char c = st->text[st->pos++];
        str[n++] = c;
        if (c == '\n')
            break;
    }
    str[n] = '\0';
    if (n == num - 1 && str[n - 1] != '\n' && st->text[st->pos]) {
        /* longer than inih's line buffer: report it rather than let the
         * rest of the line be read as a line of its own */
        while (st->text[st->pos] && st->text[st->pos] != '\n')
            st->pos++;
        if (st->text[st->pos])
            st->pos++;
        if (!st->long_line)
            st->long_line = st->line + 1;
        str[n - 1] = '\n';
    }
    if (n > 0 && str[n - 1] == '\n')
        st->line++;
    else if (!st->text[st->pos])
        st->line++; /* last line without newline */
    return str;
}

static int
run_parse(nbl_ctx *ctx, struct parse_state *st, const char *text)
{
    int line;
    st->text = text;
    st->pos = 0;
    st->line = 0;
    st->long_line = 0;
    line = ini_parse_stream(reader, st, handler, st);
    if (st->long_line && (line <= 0 || st->long_line <= line) &&
        (!st->err[0] || st->long_line <= st->err_line))
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s:%d: line longer than %d characters", st->what,
                          st->long_line, INI_MAX_LINE - 1);
    if (line == 0)
        return NBL_OK;
    if (line < 0)
        return nbl__error(ctx, NBL_ENOMEM, "%s: out of memory", st->what);
    if (st->err[0] && st->err_line <= line)
        return nbl__error(ctx, NBL_EFORMAT, "%s:%d: %s", st->what, st->err_line,
                          st->err);
    return nbl__error(ctx, NBL_EFORMAT,
                      "%s:%d: syntax error (expected [section] or key = "
                      "value)",
                      st->what, line);
}

/* Splits "a, b ,c" into criterion indices. */
static int
resolve_list(nbl_ctx *ctx, nbl__ruleset *rs, const char *text, int *out, int *n)
{
    char buf[256], *save = NULL, *tok;
    *n = 0;
    copy_str(buf, sizeof buf, text);
    for (tok = strtok_r(buf, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save)) {
        int i = nbl__ruleset_find(rs, tok);
        if (i < 0)
            return nbl__error(ctx, NBL_EFORMAT,
                              "%s: [ruleset] counted: no [criterion.%s] "
                              "section",
                              rs->src, tok);
        for (int k = 0; k < *n; k++)
            if (out[k] == i)
                return nbl__error(ctx, NBL_EFORMAT,
                                  "%s: [ruleset] counted: '%s' listed twice",
                                  rs->src, tok);
        out[(*n)++] = i;
    }
    return NBL_OK;
}

static int
resolve_one(nbl_ctx *ctx, nbl__ruleset *rs, const char *key, const char *text,
            int *out)
{
    char buf[NBL_RS_NAME];
    size_t a = 0, b;
    *out = -1;
    copy_str(buf, sizeof buf, text);
    while (buf[a] == ' ' || buf[a] == '\t')
        a++;
    b = strlen(buf);
    while (b > a && (buf[b - 1] == ' ' || buf[b - 1] == '\t'))
        buf[--b] = '\0';
    if (!buf[a])
        return NBL_OK;
    *out = nbl__ruleset_find(rs, buf + a);
    if (*out < 0)
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: [ruleset] %s: no [criterion.%s] section",
                          rs->src, key, buf + a);
    return NBL_OK;
}

static int
add_var(nbl_ctx *ctx, nbl__ruleset *rs, const char *v)
{
    for (int i = 0; i < rs->nvars; i++)
        if (strcmp(rs->vars[i], v) == 0)
            return i;
    if (rs->nvars == NBL_RS_MAX_VARS) {
        nbl__error(ctx, NBL_EFORMAT, "%s: too many variables", rs->src);
        return -1;
    }
    copy_str(rs->vars[rs->nvars], NBL_RS_NAME, v);
    return rs->nvars++;
}

static int
crit_err(nbl_ctx *ctx, const nbl__criterion *c, const char *key,
         const char *problem)
{
    return nbl__error(ctx, NBL_EFORMAT, "%s: [criterion.%s] %s: %s", c->src,
                      c->id, key, problem);
}

/* The keys of one criterion; its variables into rs->vars. */
static int
validate_criterion(nbl_ctx *ctx, nbl__ruleset *rs, nbl__criterion *c)
{
    if (c->kind == NBL_CK_NONE)
        return crit_err(ctx, c, "kind", "missing");
    if (!c->numerator[0])
        return crit_err(ctx, c, "numerator", "missing");
    if (c->kind != NBL_CK_COUNT && !c->denominator[0])
        return crit_err(ctx, c, "denominator", "missing");
    if (c->op == NBL_OP_NONE)
        return crit_err(ctx, c, "op", "missing");
    if (!isfinite(c->threshold))
        return crit_err(ctx, c, "threshold", "missing");
    if (c->kind == NBL_CK_COUNT && c->share[0])
        return crit_err(ctx, c, "share", "a count has no share");
    if (c->kind != NBL_CK_COUNTRY && c->threshold_share[0])
        return crit_err(ctx, c, "threshold_share", "only for kind = country");
    if (c->window == 0)
        c->window = 1;
    if ((c->num = add_var(ctx, rs, c->numerator)) < 0)
        return NBL_EFORMAT;
    c->den = c->mean_idx = c->share_idx = c->thr_idx = -1;
    if (c->kind != NBL_CK_COUNT &&
        (c->den = add_var(ctx, rs, c->denominator)) < 0)
        return NBL_EFORMAT;
    if (c->kind == NBL_CK_REGION_MEAN && c->mean[0] &&
        (c->mean_idx = add_var(ctx, rs, c->mean)) < 0)
        return NBL_EFORMAT;
    if (c->share[0] && (c->share_idx = add_var(ctx, rs, c->share)) < 0)
        return NBL_EFORMAT;
    if (c->threshold_share[0] &&
        (c->thr_idx = add_var(ctx, rs, c->threshold_share)) < 0)
        return NBL_EFORMAT;
    return NBL_OK;
}

static int
validate(nbl_ctx *ctx, nbl__ruleset *rs)
{
    int rc;
    if (!rs->name[0])
        return nbl__error(ctx, NBL_EFORMAT, "%s: [ruleset] name: missing",
                          rs->src);
    if (!rs->version[0])
        return nbl__error(ctx, NBL_EFORMAT, "%s: [ruleset] version: missing",
                          rs->src);
    if (rs->average == NBL_AVG_DEFAULT)
        rs->average = NBL_AVG_SHARES;
    if (rs->ncrit == 0)
        return nbl__error(ctx, NBL_EFORMAT, "%s: no [criterion.<id>] sections",
                          rs->src);
    rs->nvars = 0;
    for (int i = 0; i < rs->ncrit; i++)
        if ((rc = validate_criterion(ctx, rs, &rs->crit[i])))
            return rc;
    if ((rc = resolve_list(ctx, rs, rs->counted_text, rs->counted,
                           &rs->ncounted)))
        return rc;
    if (rs->ncounted == 0)
        return nbl__error(ctx, NBL_EFORMAT, "%s: [ruleset] counted: missing",
                          rs->src);
    if (rs->needed < 1 || rs->needed > rs->ncounted)
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: [ruleset] needed: %s (1 to %d, the number of "
                          "counted criteria)",
                          rs->src, rs->needed < 0 ? "missing" : "out of range",
                          rs->ncounted);
    if ((rc = resolve_one(ctx, rs, "size", rs->size_text, &rs->size_idx)) ||
        (rc = resolve_one(ctx, rs, "parallel", rs->parallel_text,
                          &rs->parallel_idx)))
        return rc;
    if (rs->omdannelse_years > 0 && rs->parallel_idx < 0)
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: [ruleset] omdannelse_years: needs a parallel "
                          "criterion",
                          rs->src);
    if (rs->omdannelse_transition_years > 0 &&
        rs->omdannelse_transition_first > rs->omdannelse_transition_last)
        return nbl__error(ctx, NBL_EFORMAT,
                          "%s: [ruleset] omdannelse_transition_first: after "
                          "omdannelse_transition_last",
                          rs->src);
    if (rs->forebyggelse) {
        if (rs->forebyggelse_needed < 0)
            rs->forebyggelse_needed = rs->needed;
        if (rs->forebyggelse_needed > rs->ncounted)
            return nbl__error(ctx, NBL_EFORMAT,
                              "%s: [ruleset] forebyggelse_needed: out of "
                              "range (1 to %d)",
                              rs->src, rs->ncounted);
        for (int k = 0; k < rs->ncounted; k++)
            if (!isfinite(rs->crit[rs->counted[k]].threshold_low))
                return crit_err(ctx, &rs->crit[rs->counted[k]], "threshold_low",
                                "missing (needed for forebyggelse)");
        if (rs->parallel_idx >= 0 &&
            !isfinite(rs->crit[rs->parallel_idx].threshold_low))
            return crit_err(ctx, &rs->crit[rs->parallel_idx], "threshold_low",
                            "missing (needed for forebyggelse)");
        if (rs->size_idx >= 0 &&
            !isfinite(rs->crit[rs->size_idx].threshold_low))
            rs->crit[rs->size_idx].threshold_low =
                rs->crit[rs->size_idx].threshold;
    }
    return NBL_OK;
}

int
nbl__ruleset_parse(nbl_ctx *ctx, const char *text, const char *what,
                   nbl__ruleset **out)
{
    struct parse_state st;
    nbl__ruleset *rs = ruleset_new();
    int rc;
    *out = NULL;
    if (!rs)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    memset(&st, 0, sizeof st);
    st.rs = rs;
    st.what = what;
    copy_str(rs->src, sizeof rs->src, what);
    rc = run_parse(ctx, &st, text);
    if (rc == NBL_OK)
        rc = validate(ctx, rs);
    if (rc) {
        free(rs);
        return rc;
    }
    *out = rs;
    return NBL_OK;
}

int
nbl__ruleset_override(nbl_ctx *ctx, nbl__ruleset *rs, const char *text,
                      const char *what)
{
    struct parse_state st;
    nbl__ruleset backup = *rs;
    int rc;
    memset(&st, 0, sizeof st);
    st.rs = rs;
    st.what = what;
    st.config_mode = 1;
    rc = run_parse(ctx, &st, text);
    if (rc == NBL_OK)
        rc = validate(ctx, rs);
    if (rc) {
        *rs = backup;
        return rc;
    }
    if (st.changed) {
        rs->overridden = 1;
        /* Results computed with changed keys must not pass for the
         * built-in version, unless the config names its own version. */
        if (strcmp(rs->version, backup.version) == 0 &&
            strlen(rs->version) + 8 < sizeof rs->version)
            memcpy(rs->version + strlen(rs->version), "+config", 8);
    }
    return NBL_OK;
}

void
nbl__ruleset_free(nbl__ruleset *rs)
{
    free(rs);
}

/* Reads a whole file into *out (malloc'ed, NUL-terminated). */
static int
read_file(nbl_ctx *ctx, const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    nbl__buf b = {0};
    char chunk[4096];
    size_t n;
    *out = NULL;
    if (!f)
        return nbl__error(ctx, NBL_EIO, "%s: cannot open: %s", path,
                          strerror(errno));
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (nbl__buf_append(&b, chunk, n)) {
            fclose(f);
            nbl__buf_free(&b);
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        }
    if (ferror(f)) {
        fclose(f);
        nbl__buf_free(&b);
        return nbl__error(ctx, NBL_EIO, "%s: read error", path);
    }
    fclose(f);
    if (!b.s && nbl__buf_append(&b, "", 0))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    *out = b.s;
    return NBL_OK;
}

static int
is_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') != NULL || (n > 4 && strcmp(s + n - 4, ".ini") == 0);
}

/* Path relative to the folder of `base` (malloc'ed). */
static char *
relative_to(const char *base, const char *path)
{
    const char *slash = strrchr(base, '/');
    nbl__buf b = {0};
    if (path[0] == '/' || !slash)
        return nbl__strdup(path);
    if (nbl__buf_append(&b, base, (size_t)(slash - base + 1)) ||
        nbl__buf_append(&b, path, strlen(path))) {
        nbl__buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* The [project] ruleset key of a config file ("" when absent). */
static int
project_ruleset(nbl_ctx *ctx, const char *config, const char *text, char *out,
                size_t n)
{
    struct parse_state st;
    nbl__ruleset *scratch = ruleset_new();
    int rc;
    if (!scratch)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    memset(&st, 0, sizeof st);
    st.rs = scratch;
    st.what = config;
    st.config_mode = 1;
    rc = run_parse(ctx, &st, text);
    free(scratch);
    if (rc == NBL_OK)
        copy_str(out, n, st.project_ruleset);
    return rc;
}

int
nbl__ruleset_load(nbl_ctx *ctx, const char *name_or_path, const char *config,
                  nbl__ruleset **out)
{
    char *cfg_text = NULL, *file_text = NULL, *path = NULL;
    char from_project[512] = "";
    const char *text;
    char what[300];
    int rc;

    *out = NULL;
    if (config) {
        rc = read_file(ctx, config, &cfg_text);
        if (rc)
            return rc;
        if (!name_or_path) {
            rc = project_ruleset(ctx, config, cfg_text, from_project,
                                 sizeof from_project);
            if (rc)
                goto done;
            if (from_project[0]) {
                if (is_path(from_project)) {
                    path = relative_to(config, from_project);
                    if (!path) {
                        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
                        goto done;
                    }
                    name_or_path = path;
                } else {
                    name_or_path = from_project;
                }
            }
        }
    }
    if (!name_or_path || !*name_or_path)
        name_or_path = "dk2021";
    if (is_path(name_or_path)) {
        rc = read_file(ctx, name_or_path, &file_text);
        if (rc)
            goto done;
        text = file_text;
        copy_str(what, sizeof what, name_or_path);
    } else {
        char asset[128];
        snprintf(asset, sizeof asset, "rulesets/%.63s.ini", name_or_path);
        text = strlen(name_or_path) < 64 ? nbl__asset(asset, NULL) : NULL;
        if (!text) {
            rc = nbl__error(ctx, NBL_ENOTFOUND,
                            "ruleset '%s': no such built-in ruleset (dk2010, "
                            "dk2013, dk2018, dk2021) and not a file name",
                            name_or_path);
            goto done;
        }
        snprintf(what, sizeof what, "%.63s.ini", name_or_path);
    }
    rc = nbl__ruleset_parse(ctx, text, what, out);
    if (rc == NBL_OK && cfg_text) {
        rc = nbl__ruleset_override(ctx, *out, cfg_text, config);
        if (rc) {
            nbl__ruleset_free(*out);
            *out = NULL;
        }
    }
done:
    free(cfg_text);
    free(file_text);
    free(path);
    return rc;
}

int
nbl__ruleset_omdannelse_years(const nbl__ruleset *rs, int year)
{
    if (rs->omdannelse_years <= 0)
        return 0;
    if (rs->omdannelse_transition_years > 0 &&
        year >= rs->omdannelse_transition_first &&
        year <= rs->omdannelse_transition_last)
        return rs->omdannelse_transition_years;
    return rs->omdannelse_years;
}

static void
put_num(nbl__buf *b, const char *key, double v)
{
    char num[64];
    if (isfinite(v))
        nbl__buf_printf(b, "%s = %s\n", key,
                        nbl__fmt_double(num, sizeof num, v, 10));
}

char *
nbl__ruleset_to_ini(const nbl__ruleset *rs)
{
    nbl__buf b = {0};
    static const char *const avg[] = {"shares", "shares", "pooled"};
    nbl__buf_printf(&b, "[ruleset]\nname = %s\nversion = %s\n", rs->name,
                    rs->version);
    if (rs->title[0])
        nbl__buf_printf(&b, "title = %s\n", rs->title);
    if (rs->law[0])
        nbl__buf_printf(&b, "law = %s\n", rs->law);
    nbl__buf_printf(&b, "average = %s\ncounted = ", avg[rs->average]);
    for (int k = 0; k < rs->ncounted; k++)
        nbl__buf_printf(&b, "%s%s", k ? ", " : "", rs->crit[rs->counted[k]].id);
    nbl__buf_printf(&b, "\nneeded = %d\nsize = %s\nparallel = %s\n", rs->needed,
                    rs->size_idx >= 0 ? rs->crit[rs->size_idx].id : "",
                    rs->parallel_idx >= 0 ? rs->crit[rs->parallel_idx].id : "");
    nbl__buf_printf(&b, "omdannelse_years = %d\n", rs->omdannelse_years);
    if (rs->omdannelse_transition_years > 0)
        nbl__buf_printf(&b,
                        "omdannelse_transition_years = %d\n"
                        "omdannelse_transition_first = %d\n"
                        "omdannelse_transition_last = %d\n",
                        rs->omdannelse_transition_years,
                        rs->omdannelse_transition_first,
                        rs->omdannelse_transition_last);
    nbl__buf_printf(&b, "unknown_history = %s\nforebyggelse = %s\n",
                    rs->unknown_history_not_met ? "not_met" : "not_evaluable",
                    rs->forebyggelse ? "yes" : "no");
    if (rs->forebyggelse)
        nbl__buf_printf(&b, "forebyggelse_needed = %d\n",
                        rs->forebyggelse_needed);
    for (int i = 0; i < rs->ncrit; i++) {
        const nbl__criterion *c = &rs->crit[i];
        nbl__buf_printf(&b, "\n[criterion.%s]\n", c->id);
        if (c->label[0])
            nbl__buf_printf(&b, "label = %s\n", c->label);
        nbl__buf_printf(&b, "kind = %s\nnumerator = %s\n", kind_names[c->kind],
                        c->numerator);
        if (c->denominator[0])
            nbl__buf_printf(&b, "denominator = %s\n", c->denominator);
        if (c->mean[0])
            nbl__buf_printf(&b, "mean = %s\n", c->mean);
        if (c->share[0])
            nbl__buf_printf(&b, "share = %s\n", c->share);
        if (c->threshold_share[0])
            nbl__buf_printf(&b, "threshold_share = %s\n", c->threshold_share);
        nbl__buf_printf(&b, "op = %s\n", op_names[c->op]);
        put_num(&b, "threshold", c->threshold);
        put_num(&b, "threshold_low", c->threshold_low);
        nbl__buf_printf(&b, "window = %d\n", c->window);
        if (c->average != NBL_AVG_DEFAULT)
            nbl__buf_printf(&b, "average = %s\n", avg[c->average]);
    }
    return b.s;
}
