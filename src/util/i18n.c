/*
 * i18n.c - the output and message languages and gettext lookups (see
 * i18n.h). State: the two languages (process-wide), the catalogue folder
 * (found once) and a C.UTF-8 message locale used for Danish lookups.
 */
#include "util/i18n.h"
#include "util/hash.h"

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOMAIN "nabolag"

/* glibc: bumping it invalidates gettext's cache after LANGUAGE changes
 * (the documented way to switch languages at run time). */
extern int _nl_msg_cat_cntr;

static nbl_lang out_lang = NBL_LANG_DA;
static nbl_lang msg_lang = NBL_LANG_EN;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char localedir[PATH_MAX + 32];
static locale_t msg_locale = (locale_t)0;

int
nbl_lang_parse(const char *s)
{
    if (!s)
        return -1;
    if (strncmp(s, "da", 2) == 0 &&
        (s[2] == '\0' || s[2] == '_' || s[2] == '.' || s[2] == '@'))
        return NBL_LANG_DA;
    if (strncmp(s, "en", 2) == 0 &&
        (s[2] == '\0' || s[2] == '_' || s[2] == '.' || s[2] == '@'))
        return NBL_LANG_EN;
    return -1;
}

const char *
nbl_lang_code(nbl_lang lang)
{
    return lang == NBL_LANG_DA ? "da" : "en";
}

nbl_lang
nbl_lang_from_env(void)
{
    static const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    const char *v = NULL;
    for (size_t i = 0; i < 3 && !v; i++) {
        v = getenv(vars[i]);
        if (v && !*v)
            v = NULL;
    }
    /* gettext ignores LANGUAGE when the locale is C or POSIX */
    if (!v || strcmp(v, "C") == 0 || strcmp(v, "POSIX") == 0)
        return NBL_LANG_EN;
    {
        const char *l = getenv("LANGUAGE");
        if (l && *l)
            return nbl_lang_parse(l) == NBL_LANG_DA ? NBL_LANG_DA : NBL_LANG_EN;
    }
    return nbl_lang_parse(v) == NBL_LANG_DA ? NBL_LANG_DA : NBL_LANG_EN;
}

void
nbl_set_output_language(nbl_lang lang)
{
    out_lang = lang == NBL_LANG_EN ? NBL_LANG_EN : NBL_LANG_DA;
}

nbl_lang
nbl_output_language(void)
{
    return out_lang;
}

void
nbl_set_message_language(nbl_lang lang)
{
    msg_lang = lang == NBL_LANG_DA ? NBL_LANG_DA : NBL_LANG_EN;
}

nbl_lang
nbl_message_language(void)
{
    return msg_lang;
}

static int
has_catalogue(const char *dir)
{
    char p[PATH_MAX + 96];
    struct stat st;
    snprintf(p, sizeof p, "%s/da/LC_MESSAGES/" DOMAIN ".mo", dir);
    return stat(p, &st) == 0;
}

static void
find_localedir(void)
{
    const char *env = getenv("NBL_LOCALEDIR");
    char exe[PATH_MAX], cand[PATH_MAX + 32];
    ssize_t k;
    localedir[0] = '\0';
    if (env && *env && has_catalogue(env)) {
        snprintf(localedir, sizeof localedir, "%s", env);
        return;
    }
    k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        char *slash;
        exe[k] = '\0';
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(cand, sizeof cand, "%s/../share/locale", exe);
            if (has_catalogue(cand)) {
                snprintf(localedir, sizeof localedir, "%s", cand);
                return;
            }
        }
    }
#ifdef NBL_BUILD_LOCALEDIR
    if (has_catalogue(NBL_BUILD_LOCALEDIR)) {
        snprintf(localedir, sizeof localedir, "%s", NBL_BUILD_LOCALEDIR);
        return;
    }
#endif
#ifdef NBL_INSTALL_LOCALEDIR
    if (has_catalogue(NBL_INSTALL_LOCALEDIR))
        snprintf(localedir, sizeof localedir, "%s", NBL_INSTALL_LOCALEDIR);
#endif
}

static void
init_once(void)
{
    find_localedir();
    if (!localedir[0])
        return;
    bindtextdomain(DOMAIN, localedir);
    bind_textdomain_codeset(DOMAIN, "UTF-8");
    msg_locale = newlocale(LC_MESSAGES_MASK, "C.UTF-8", (locale_t)0);
}

const char *
nbl__localedir(void)
{
    pthread_once(&once, init_once);
    return localedir[0] ? localedir : NULL;
}

/* Runs a Danish lookup: thread-local C.UTF-8 messages, LANGUAGE=da for
 * the duration of the call (restored after). Called with the lock held. */
static const char *
lookup_catalogue(const char *msgid, const char *plural, unsigned long n)
{
    const char *r;
    char saved[64] = "";
    const char *old_env = getenv("LANGUAGE");
    int had = old_env != NULL;
    locale_t old;
    if (had)
        snprintf(saved, sizeof saved, "%s", old_env);
    setenv("LANGUAGE", "da", 1);
    ++_nl_msg_cat_cntr;
    old = uselocale(msg_locale);
    r = plural ? dngettext(DOMAIN, msgid, plural, n) : dgettext(DOMAIN, msgid);
    uselocale(old);
    if (had)
        setenv("LANGUAGE", saved, 1);
    else
        unsetenv("LANGUAGE");
    ++_nl_msg_cat_cntr;
    return r;
}

/*
 * The lookups already made, so that a message formatted for every area
 * (the alert list: several per area and condition) costs a hash look-up,
 * not a catalogue search with the environment switched twice and
 * gettext's own cache invalidated (6 % of a national `nabolag run`).
 * Keyed by the text of msgid, plural and the Danish plural form
 * (po/da.po: plural=(n != 1)); the value is the catalogue's string, which
 * lives as long as the process, or NULL where the catalogue has no
 * translation (the caller's own msgid is returned then, never a pointer
 * kept from an earlier caller). Full or out of memory: no caching.
 */
#define CACHE_SIZE 4096
typedef struct {
    char *msgid, *plural;
    int form;
    const char *tr;
} cache_entry;
static cache_entry cache[CACHE_SIZE];
static size_t cache_used;

static size_t
cache_slot(const char *msgid, const char *plural, int form)
{
    uint64_t h = nbl__hash_bytes(msgid, strlen(msgid));
    if (plural)
        h ^= nbl__hash_bytes(plural, strlen(plural)) * 31u + (uint64_t)form;
    size_t i = (size_t)h & (CACHE_SIZE - 1);
    while (cache[i].msgid &&
           !(cache[i].form == form && strcmp(cache[i].msgid, msgid) == 0 &&
             (plural ? cache[i].plural && strcmp(cache[i].plural, plural) == 0
                     : !cache[i].plural)))
        i = (i + 1) & (CACHE_SIZE - 1);
    return i;
}

static void
cache_put(size_t i, const char *msgid, const char *plural, int form,
          const char *tr)
{
    char *m, *p = NULL;
    if (cache_used >= CACHE_SIZE / 4 * 3)
        return;
    m = strdup(msgid);
    if (plural)
        p = strdup(plural);
    if (!m || (plural && !p)) {
        free(m);
        free(p);
        return;
    }
    cache[i] = (cache_entry){m, p, form, tr};
    cache_used++;
}

static const char *
lookup(const char *msgid, const char *plural, unsigned long n)
{
    const char *r;
    int form = plural ? n != 1 : 0;
    size_t slot;
    pthread_once(&once, init_once);
    if (!msg_locale)
        return plural && n != 1 ? plural : msgid;
    pthread_mutex_lock(&lock);
    slot = cache_slot(msgid, plural, form);
    if (cache[slot].msgid) {
        r = cache[slot].tr;
    } else {
        r = lookup_catalogue(msgid, plural, n);
        if (r == msgid || r == plural)
            r = NULL;
        cache_put(slot, msgid, plural, form, r);
    }
    pthread_mutex_unlock(&lock);
    if (!r)
        r = plural && n != 1 ? plural : msgid;
    return r;
}

const char *
nbl__tr(nbl_lang lang, const char *msgid)
{
    if (lang != NBL_LANG_DA || !msgid || !*msgid)
        return msgid;
    return lookup(msgid, NULL, 0);
}

const char *
nbl__trn(nbl_lang lang, const char *msgid, const char *plural, unsigned long n)
{
    if (lang != NBL_LANG_DA)
        return n == 1 ? msgid : plural;
    return lookup(msgid, plural, n);
}

char *
nbl__fmt_num_lang(nbl_lang lang, char *buf, size_t n, double v, int dec)
{
    long long scale = 1, t, ip, fp;
    char digits[32], grouped[48], frac[24] = "";
    size_t len, o = 0;
    int neg;
    if (isnan(v)) {
        snprintf(buf, n, "%s", lang == NBL_LANG_DA ? "–" : "n/a");
        return buf;
    }
    if (dec > 12)
        dec = 12;
    for (int i = 0; i < dec; i++)
        scale *= 10;
    t = llround(v * (double)scale);
    neg = t < 0;
    if (neg)
        t = -t;
    ip = t / scale;
    fp = t % scale;
    snprintf(digits, sizeof digits, "%lld", ip);
    len = strlen(digits);
    for (size_t i = 0; i < len; i++) {
        /* Danish: '.' between thousands (1.032, 12.500) */
        if (lang == NBL_LANG_DA && i > 0 && (len - i) % 3 == 0)
            grouped[o++] = '.';
        grouped[o++] = digits[i];
    }
    grouped[o] = '\0';
    if (dec > 0)
        snprintf(frac, sizeof frac, "%c%0*lld", lang == NBL_LANG_DA ? ',' : '.',
                 dec, fp);
    snprintf(buf, n, "%s%s%s", neg && t ? "-" : "", grouped, frac);
    return buf;
}

char *
nbl__fmt_num(char *buf, size_t n, double v, int dec)
{
    return nbl__fmt_num_lang(out_lang, buf, n, v, dec);
}
