/*
 * jsondoc.h - JSON documents (jansson) that are complete or an error.
 *
 * jansson's json_object_set_new() and json_array_append_new() return -1
 * and leave the key out when the value is NULL (a json_string(),
 * json_real(), json_object() ... that could not allocate) or when the
 * insert itself cannot allocate. A document is built with every addition
 * going through nbl__jset()/nbl__jappend(), which record such a failure in
 * an int flag the builder carries (0 at the start; builders of parts take
 * a pointer to the same flag), and is dumped by nbl__jdump(), which refuses
 * a document with a recorded failure: the caller reports "out of memory"
 * and writes nothing. json_set_alloc_funcs() is not used (it is process-
 * global, and the library may live in a program that uses jansson).
 *
 * In the fault-injection build each nbl__jset()/nbl__jappend() also counts
 * as one JSON addition, and NBL_FAULT_JSON=N fails the N-th (util/fault.c):
 * jansson allocates inside libjansson, which the build does not wrap.
 */
#ifndef NBL_JSONDOC_H
#define NBL_JSONDOC_H

#include <stddef.h>

#include <jansson.h>

#include "util/util.h"

/** v; records a failure in *bad when v is NULL (a value or container that
 * could not be made). */
json_t *nbl__jnew(int *bad, json_t *v);

/**
 * Sets o[key] to v, taking v (released when the insert fails). Records a
 * failure in *bad when o, key or v is NULL or the insert fails. Returns 0,
 * or -1 on failure.
 */
int nbl__jset(int *bad, json_t *o, const char *key, json_t *v);

/** Appends v to the array arr, taking v; failures as nbl__jset(). */
int nbl__jappend(int *bad, json_t *arr, json_t *v);

/**
 * A JSON string of s, for text from the user's data (file names, area
 * names): json_string() makes NULL of text that is not UTF-8, which the
 * checked additions would report as out of memory; here each byte that
 * begins no valid UTF-8 sequence becomes U+FFFD (a Latin-1 'å' in a file
 * name shows as '\uFFFD', and the rest of the name stays). NULL only when
 * s is NULL or out of memory.
 */
json_t *nbl__jstr(const char *s);

/**
 * json_dumps(root, flags), taking root (released in every case). NULL when
 * bad is set (a failure recorded while building root), root is NULL, or the
 * dump cannot allocate; the result is freed with free().
 */
char *nbl__jdump(int bad, json_t *root, size_t flags);

/**
 * A document written in parts, for a list too long to hold as one tree
 * (the alert list at national scale): nbl__jstream_open() dumps the root,
 * whose last member is an empty array (the list; or that member's last
 * member, and so on), up to the array's '['; nbl__jstream_add() dumps one
 * element; nbl__jstream_close() writes the array's end and the rest of the
 * root. The text is byte for byte json_dumps() of the whole document with
 * the elements in the array, for flags with JSON_INDENT(n), n > 0: each
 * element is dumped with the same flags and its lines are indented by the
 * depth the array sits at (a dump holds no raw newline inside a string, so
 * every newline starts a line). Each part is appended to out, which the
 * caller may empty (write out and set len to 0) between calls. Additions
 * are counted and checked as in a whole document (the bad flags).
 */
typedef struct nbl__jstream {
    nbl__buf *out;
    char *doc;     /* the root's dump; its rest follows the array's "[]" */
    size_t rest;   /* offset of that rest in doc */
    size_t indent; /* spaces before the array's line */
    size_t flags;
    size_t n; /* elements written */
} nbl__jstream;

/**
 * Dumps root (taken; released in every case) into out up to its list's
 * '['. NBL_ENOMEM when bad is set (a failure recorded while building
 * root), root is NULL, or the dump or out cannot allocate; NBL_EINVAL when
 * the root's last member is not an empty array or flags have no indent
 * (a programming error). On failure js holds nothing (nbl__jstream_free()
 * is still safe).
 */
int nbl__jstream_open(nbl__jstream *js, nbl__buf *out, int bad, json_t *root,
                      size_t flags);

/** Dumps item (taken; released in every case) as the list's next element
 * into out. NBL_ENOMEM when bad is set, item is NULL, or the dump or out
 * cannot allocate. */
int nbl__jstream_add(nbl__jstream *js, int bad, json_t *item);

/** Writes the list's end and the rest of the root into out (no final
 * newline: json_dumps() writes none), then releases js. NBL_ENOMEM when
 * out cannot allocate. */
int nbl__jstream_close(nbl__jstream *js);

/** Releases js without writing. NULL-safe and idempotent. */
void nbl__jstream_free(nbl__jstream *js);

#endif
