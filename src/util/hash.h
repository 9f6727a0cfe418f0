/*
 * hash.h - the one string hash of the project (defined in util.c), in a
 * header of its own so that the lowest util files (i18n.c) can use it
 * without util.h, which includes them.
 */
#ifndef NBL_UTIL_HASH_H
#define NBL_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a 64-bit hash of n bytes, for the open-addressing tables of the
 * readers (ids, grid cells, incident categories) and the lookup cache. */
uint64_t nbl__hash_bytes(const char *s, size_t n);

#endif
