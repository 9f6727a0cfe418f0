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

#endif
