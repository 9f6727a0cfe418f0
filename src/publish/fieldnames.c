/*
 * fieldnames.c - short field names for the Shapefile (fieldnames.h).
 *
 * A name that fits is kept. A longer one is shortened in steps until it
 * fits: (1) a known suffix is abbreviated (_comparison_change -> _cchg,
 * _target_met -> _tmet, _baseline -> _base, _latest -> _last, _change ->
 * _chg, _status -> _st, _points -> _pts, _target -> _tgt, _label -> _lbl,
 * _version -> _ver, _index -> _idx, _year -> _yr, _band -> _bnd; _ref,
 * _did, _met and _sd are kept whole); (2) known
 * words of the rest are abbreviated (municipality -> municip, category -> cat,
 * profile
 * -> prof, criteria -> crit, ruleset -> rs, baseline -> base, safety_index
 * -> saf_idx); (3) the rest is cut so that rest + suffix fit. A name that
 * is then taken by an earlier field (compared without case) gets its last
 * characters replaced by _2, _3, ... Fields are taken in layer order.
 */
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/fieldnames.h"
#include "util/util.h"

static const char *const suffixes[][2] = {
    {"_comparison_change", "_cchg"},
    {"_target_met", "_tmet"},
    {"_baseline", "_base"},
    {"_latest", "_last"},
    {"_change", "_chg"},
    {"_status", "_st"},
    {"_points", "_pts"},
    {"_target", "_tgt"},
    {"_label", "_lbl"},
    {"_version", "_ver"},
    {"_index", "_idx"},
    {"_year", "_yr"},
    {"_band", "_bnd"},
    {"_ref", "_ref"},
    {"_did", "_did"},
    {"_met", "_met"},
    {"_sd", "_sd"},
};

static const char *const words[][2] = {
    {"safety_index", "saf_idx"}, {"municipality", "municip"},
    {"category", "cat"},         {"profile", "prof"},
    {"criteria", "crit"},        {"ruleset", "rs"},
    {"baseline", "base"},
};

static int
ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n > k && memcmp(s + n - k, suf, k) == 0;
}

/* Abbreviates known words of base[0..n) into out (size cap). */
static void
abbreviate_words(const char *base, size_t n, char *out, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < n && o + 1 < cap) {
        size_t w;
        int done = 0;
        for (w = 0; w < sizeof words / sizeof words[0] && !done; w++) {
            size_t k = strlen(words[w][0]);
            if ((i == 0 || base[i - 1] == '_') && i + k <= n &&
                memcmp(base + i, words[w][0], k) == 0 &&
                (i + k == n || base[i + k] == '_')) {
                o += (size_t)snprintf(out + o, cap - o, "%s", words[w][1]);
                i += k;
                done = 1;
            }
        }
        if (!done)
            out[o++] = base[i++];
        if (o >= cap)
            o = cap - 1;
    }
    out[o] = '\0';
}

/* The shortened name (before making it unique) into out (size cap). */
static void
shorten(const char *name, size_t max, char *out, size_t cap)
{
    size_t n = strlen(name), bl;
    const char *suf = "";
    char base[256];
    if (n <= max) {
        snprintf(out, cap, "%s", name);
        return;
    }
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (ends_with(name, n, suffixes[i][0])) {
            suf = suffixes[i][1];
            n -= strlen(suffixes[i][0]);
            break;
        }
    abbreviate_words(name, n, base, sizeof base);
    bl = strlen(base);
    if (bl + strlen(suf) > max)
        bl = max > strlen(suf) ? max - strlen(suf) : 0;
    /* no trailing '_' where the cut falls on one */
    while (bl > 1 && base[bl - 1] == '_')
        bl--;
    snprintf(out, cap, "%.*s%s", (int)bl, base, suf);
    out[max < cap ? max : cap - 1] = '\0';
}

static int
taken(char **names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(names[i], s) == 0)
            return 1;
    return 0;
}

char **
nbl__fieldnames_short(const char *const *names, size_t n, size_t max)
{
    char **out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++) {
        char s[256], t[256];
        shorten(names[i], max, s, sizeof s);
        for (int k = 2; taken(out, i, s) && k < 1000; k++) {
            char num[8];
            size_t nl = (size_t)snprintf(num, sizeof num, "_%d", k);
            size_t keep = strlen(s);
            if (keep + nl > max)
                keep = max - nl;
            snprintf(t, sizeof t, "%.*s%s", (int)keep, s, num);
            if (!taken(out, i, t)) {
                snprintf(s, sizeof s, "%s", t);
                break;
            }
        }
        if (!(out[i] = nbl__strdup(s))) {
            nbl__fieldnames_free(out, i);
            return NULL;
        }
    }
    return out;
}

void
nbl__fieldnames_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

/* Replaces every "<pre>from<post>" by "<pre>to<post>" in *s. */
static int
replace_all(char **s, const char *pre, const char *from, const char *post,
            const char *to)
{
    nbl__buf pat = {0}, rep = {0}, out = {0};
    const char *p = *s, *q;
    size_t pl;
    nbl__buf_printf(&pat, "%s%s%s", pre, from, post);
    nbl__buf_printf(&rep, "%s%s%s", pre, to, post);
    if (!pat.s || !rep.s) {
        nbl__buf_free(&pat);
        nbl__buf_free(&rep);
        return 0;
    }
    pl = strlen(pat.s);
    nbl__buf_printf(&out, "%s", "");
    while ((q = strstr(p, pat.s)) != NULL) {
        nbl__buf_printf(&out, "%.*s%s", (int)(q - p), p, rep.s);
        p = q + pl;
    }
    nbl__buf_printf(&out, "%s", p);
    nbl__buf_free(&pat);
    nbl__buf_free(&rep);
    if (!out.s)
        return 0;
    free(*s);
    *s = out.s;
    return 1;
}

char *
nbl__fieldnames_qml(const char *qml, const char *const *from, char *const *to,
                    size_t n)
{
    static const char *const ctx[][2] = {{"attr=\"", "\""},
                                         {"field=\"", "\""},
                                         {"fieldName=\"", "\""},
                                         {"&quot;", "&quot;"}};
    char *s = nbl__strdup(qml);
    for (size_t i = 0; s && i < n; i++) {
        if (strcmp(from[i], to[i]) == 0)
            continue;
        for (size_t c = 0; s && c < sizeof ctx / sizeof ctx[0]; c++)
            if (!replace_all(&s, ctx[c][0], from[i], ctx[c][1], to[i])) {
                free(s);
                s = NULL;
            }
    }
    return s;
}
