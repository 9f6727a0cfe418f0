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
