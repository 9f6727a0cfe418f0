/*
 * fieldnames.h (private) - field names for formats that limit their length
 * (the Shapefile's dBase table: 10 bytes). The mapping is a pure function
 * of the layer's field list, documented in docs/formats.md, so that the
 * same field always gets the same short name and the styles can follow it.
 */
#ifndef NBL_PUBLISH_FIELDNAMES_H
#define NBL_PUBLISH_FIELDNAMES_H

#include <stddef.h>

/* The short names of n field names (malloc'ed array of n malloc'ed
 * strings), at most max bytes each and unique without regard to case; NULL
 * when out of memory. Names that fit are kept. Free with
 * nbl__fieldnames_free(). */
char **nbl__fieldnames_short(const char *const *names, size_t n, size_t max);

void nbl__fieldnames_free(char **names, size_t n);

/* A QGIS style with its field references (attr="", field="",
 * fieldName="" and &quot;quoted&quot; names in expressions) renamed from
 * from[i] to to[i] (malloc'ed); NULL when out of memory. */
char *nbl__fieldnames_qml(const char *qml, const char *const *from,
                          char *const *to, size_t n);

#endif
