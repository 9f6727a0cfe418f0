/*
 * redact.c - the one place that decides what of a URL may be shown. Every
 * message (nbl__error, warnings, information), the run log and the
 * provenance of outputs pass text through nbl__redact(), which replaces
 *   - the password of a URL's user-info:  smtp://user:***@host:587
 *   - a URL's query string (tokens):      https://hooks.example/x?***
 *   - a `password=VALUE` pair (GDAL/libpq connection strings)
 *   - a query string after a file name shown without its URL
 *     (areas.geojson?***)
 * with "***". URLs are found anywhere in free text by their "scheme://".
 * The user name and the path stay: they say where things went, and are not
 * secrets.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/redact.h"

/* A growable string (util.h has one, but util depends on ctx, and ctx
 * redacts its messages: this file stands alone). */
typedef struct rbuf {
    char *s;
    size_t len, cap;
} rbuf;

static int
rb_append(rbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *t;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(t = realloc(b->s, cap)))
            return NBL_ENOMEM;
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return NBL_OK;
}

static int
is_scheme_char(char c)
{
    return isalnum((unsigned char)c) || c == '+' || c == '-' || c == '.';
}

/* Characters that end a URL written in free text. */
static int
ends_url(char c)
{
    return c == '\0' || isspace((unsigned char)c) || c == '"' || c == '\'' ||
           c == '<' || c == '>' || c == '`';
}

/* Start of the scheme of a "://" at text + i, or -1 if it is none. */
static long
scheme_start(const char *text, size_t i)
{
    size_t s = i;
    while (s > 0 && is_scheme_char(text[s - 1]))
        s--;
    while (s < i && !isalpha((unsigned char)text[s]))
        s++;
    return s < i ? (long)s : -1;
}

/* Appends the URL text[0..n) redacted. */
static int
append_url(rbuf *b, const char *u, size_t n)
{
    const char *sep = strstr(u, "://");
    size_t auth = (size_t)(sep - u) + 3, end = auth, at = 0, q;
    int rc;
    while (end < n && u[end] != '/' && u[end] != '?' && u[end] != '#')
        end++;
    for (size_t i = auth; i < end; i++)
        if (u[i] == '@')
            at = i;
    if (at) {
        const char *colon = memchr(u + auth, ':', at - auth);
        size_t keep = colon ? (size_t)(colon - u) : at;
        if ((rc = rb_append(b, u, keep)))
            return rc;
        if (colon && (rc = rb_append(b, ":***", 4)))
            return rc;
        u += at;
        n -= at;
        end -= at;
    }
    q = end;
    while (q < n && u[q] != '?')
        q++;
    if ((rc = rb_append(b, u, q)))
        return rc;
    return q < n ? rb_append(b, "?***", 4) : NBL_OK;
}

/* Length of a `password=` key at p (case-insensitive) when it starts a
 * word, else 0. */
static size_t
password_key(const char *text, const char *p)
{
    static const char key[] = "password=";
    if (strncasecmp(p, key, sizeof key - 1) != 0)
        return 0;
    if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
        return 0;
    return sizeof key - 1;
}

/* True at a '?' that starts a query string inside a word, as in
 * "areas.geojson?token=..." (a URL's last part, shown without its
 * scheme): '?' after a non-space, then key '='. */
static int
query_start(const char *text, size_t i)
{
    size_t k = i + 1;
    if (text[i] != '?' || i == 0 || ends_url(text[i - 1]))
        return 0;
    if (!isalpha((unsigned char)text[k]) && text[k] != '_')
        return 0;
    while (isalnum((unsigned char)text[k]) || strchr("_.-", text[k]))
        k++;
    return text[k] == '=';
}

/* End of a URL or query string starting at i: the word's end, less the
 * punctuation a sentence puts after it. */
static size_t
token_end(const char *text, size_t from, size_t i)
{
    size_t e = i;
    while (!ends_url(text[e]))
        e++;
    while (e > from && strchr(".,;:)]", text[e - 1]))
        e--;
    return e;
}

static int
redact_into(rbuf *b, const char *text)
{
    size_t i = 0, from = 0;
    int rc = rb_append(b, "", 0);
    while (rc == NBL_OK && text[i]) {
        size_t k = password_key(text, text + i);
        long s;
        if (k) {
            size_t e = i + k;
            while (!ends_url(text[e]) && text[e] != ';' && text[e] != ',')
                e++;
            if ((rc = rb_append(b, text + from, i + k - from)) ||
                (rc = rb_append(b, "***", 3)))
                break;
            i = from = e;
            continue;
        }
        if (query_start(text, i)) {
            size_t e = token_end(text, i + 1, i + 1);
            if ((rc = rb_append(b, text + from, i - from)) ||
                (rc = rb_append(b, "?***", 4)))
                break;
            i = from = e;
            continue;
        }
        if (strncmp(text + i, "://", 3) != 0 ||
            (s = scheme_start(text, i)) < 0) {
            i++;
            continue;
        }
        {
            size_t e = token_end(text, i + 3, i + 3);
            if ((rc = rb_append(b, text + from, (size_t)s - from)) ||
                (rc = append_url(b, text + s, e - (size_t)s)))
                break;
            i = from = e;
        }
    }
    if (rc == NBL_OK)
        rc = rb_append(b, text + from, strlen(text + from));
    return rc;
}

char *
nbl__redact_dup(const char *text)
{
    rbuf b = {0};
    if (!text)
        return NULL;
    if (redact_into(&b, text)) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

void
nbl__redact(char *text, size_t cap)
{
    char *r = nbl__redact_dup(text);
    if (!r) {
        /* out of memory: show nothing rather than a secret */
        if (text && cap > 0 && strstr(text, "://"))
            snprintf(text, cap, "(message withheld: out of memory)");
        return;
    }
    snprintf(text, cap, "%s", r);
    free(r);
}

int
nbl__url_has_password(const char *url)
{
    const char *sep = url ? strstr(url, "://") : NULL;
    const char *p, *at = NULL;
    if (!sep)
        return 0;
    for (p = sep + 3; *p && *p != '/' && *p != '?' && *p != '#'; p++)
        if (*p == '@')
            at = p;
    return at && memchr(sep + 3, ':', (size_t)(at - (sep + 3))) != NULL;
}
