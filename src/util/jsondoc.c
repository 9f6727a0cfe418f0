/*
 * jsondoc.c - checked additions to a jansson document and a dump that
 * refuses an incomplete one (jsondoc.h). The failure flag belongs to the
 * caller's document, so two documents built at once do not mix.
 */
#include "util/jsondoc.h"

#include <stdlib.h>
#include <string.h>

#include "util/fault.h"
#include "util/util.h"

/* In the fault-injection build: true when this addition must fail. */
static int
injected(void)
{
#ifdef NBL_FAULT_INJECTION
    return nbl__fault_json_hit();
#else
    return 0;
#endif
}

json_t *
nbl__jnew(int *bad, json_t *v)
{
    if (!v)
        *bad = 1;
    return v;
}

int
nbl__jset(int *bad, json_t *o, const char *key, json_t *v)
{
    if (!o || !key || !v || injected()) {
        json_decref(v);
        *bad = 1;
        return -1;
    }
    if (json_object_set_new(o, key, v) != 0) { /* v released by jansson */
        *bad = 1;
        return -1;
    }
    return 0;
}

int
nbl__jappend(int *bad, json_t *arr, json_t *v)
{
    if (!arr || !v || injected()) {
        json_decref(v);
        *bad = 1;
        return -1;
    }
    if (json_array_append_new(arr, v) != 0) {
        *bad = 1;
        return -1;
    }
    return 0;
}

json_t *
nbl__jstr(const char *s)
{
    size_t n, i = 0, k;
    char *t, *o;
    json_t *v;
    if (!s)
        return NULL;
    n = strlen(s);
    if (nbl__utf8_valid(s, n))
        return json_stringn_nocheck(s, n); /* checked above */
    /* each byte that begins no valid sequence becomes U+FFFD (3 bytes) */
    if (!(t = malloc(3 * n + 1)))
        return NULL;
    for (o = t; i < n; i += k ? k : 1) {
        k = nbl__utf8_seq(s + i, n - i);
        if (k) {
            memcpy(o, s + i, k);
            o += k;
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
        }
    }
    v = json_stringn_nocheck(t, (size_t)(o - t)); /* valid by construction */
    free(t);
    return v;
}

char *
nbl__jdump(int bad, json_t *root, size_t flags)
{
    char *s = bad || !root ? NULL : json_dumps(root, flags);
    json_decref(root);
    return s;
}

/* n spaces into out. */
static int
spaces(nbl__buf *out, size_t n)
{
    static const char sp[] = "                                ";
    int rc = NBL_OK;
    for (size_t k; n && rc == NBL_OK; n -= k) {
        k = n < sizeof sp - 1 ? n : sizeof sp - 1;
        rc = nbl__buf_append(out, sp, k);
    }
    return rc;
}

int
nbl__jstream_open(nbl__jstream *js, nbl__buf *out, int bad, json_t *root,
                  size_t flags)
{
    size_t end, at, line;
    memset(js, 0, sizeof *js);
    if (!(flags & JSON_MAX_INDENT)) {
        json_decref(root);
        return NBL_EINVAL;
    }
    if (!(js->doc = nbl__jdump(bad, root, flags)))
        return NBL_ENOMEM;
    /* the list is the "[]" followed only by the closing of its parents */
    for (end = strlen(js->doc); end && strchr("\n }", js->doc[end - 1]); end--)
        ;
    if (end < 2 || js->doc[end - 2] != '[' || js->doc[end - 1] != ']') {
        nbl__jstream_free(js);
        return NBL_EINVAL;
    }
    at = end - 2;
    for (line = at; line && js->doc[line - 1] != '\n'; line--)
        ;
    while (js->doc[line + js->indent] == ' ')
        js->indent++;
    js->out = out;
    js->rest = end;
    js->flags = flags;
    if (nbl__buf_append(out, js->doc, at + 1)) {
        nbl__jstream_free(js);
        return NBL_ENOMEM;
    }
    return NBL_OK;
}

/* An element's dump into out, each line after the first indented by pad. */
struct reindent {
    nbl__buf *out;
    size_t pad;
};

static int
reindent(const char *s, size_t n, void *arg)
{
    struct reindent *r = arg;
    const char *nl;
    while ((nl = memchr(s, '\n', n))) {
        size_t k = (size_t)(nl - s) + 1;
        if (nbl__buf_append(r->out, s, k) || spaces(r->out, r->pad))
            return -1;
        s += k;
        n -= k;
    }
    return n && nbl__buf_append(r->out, s, n) ? -1 : 0;
}

int
nbl__jstream_add(nbl__jstream *js, int bad, json_t *item)
{
    struct reindent r;
    int rc;
    r.out = js->out;
    r.pad = js->indent + (js->flags & JSON_MAX_INDENT);
    if (bad || !item || !js->doc) {
        json_decref(item);
        return NBL_ENOMEM;
    }
    /* as jansson separates the elements of an indented array */
    if ((js->n && nbl__buf_append(r.out, ",", 1)) ||
        nbl__buf_append(r.out, "\n", 1) || spaces(r.out, r.pad)) {
        json_decref(item);
        return NBL_ENOMEM;
    }
    rc = json_dump_callback(item, reindent, &r, js->flags | JSON_ENCODE_ANY);
    json_decref(item);
    if (rc != 0)
        return NBL_ENOMEM;
    js->n++;
    return NBL_OK;
}

int
nbl__jstream_close(nbl__jstream *js)
{
    int rc = js->doc ? NBL_OK : NBL_ENOMEM;
    if (rc == NBL_OK && js->n &&
        (nbl__buf_append(js->out, "\n", 1) || spaces(js->out, js->indent)))
        rc = NBL_ENOMEM;
    if (rc == NBL_OK && (nbl__buf_append(js->out, "]", 1) ||
                         nbl__buf_append(js->out, js->doc + js->rest,
                                         strlen(js->doc + js->rest))))
        rc = NBL_ENOMEM;
    nbl__jstream_free(js);
    return rc;
}

void
nbl__jstream_free(nbl__jstream *js)
{
    if (!js)
        return;
    free(js->doc);
    js->doc = NULL;
}
