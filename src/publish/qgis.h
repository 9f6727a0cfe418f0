/*
 * qgis.h (private) - QGIS styles (.qml) and the project (.qgs) for the
 * exported layers, generated from the layer model (layer.h).
 */
#ifndef NBL_PUBLISH_QGIS_H
#define NBL_PUBLISH_QGIS_H

#include <stddef.h>

#include "publish/layer.h"
#include "util/util.h"

/* The style of a layer as QML text into *out (malloc'ed; NULL if the layer
 * has no such style). style: NULL = the default style; else a named extra
 * style ("lab", ...). NBL_OK, or NBL_ENOMEM (no error set) when it could
 * not be made. */
int nbl__qgis_qml(const nbl__xjob *job, const char *layer, const char *style,
                  char **out);

/* Names of the extra (non-default) styles of a layer, NULL-terminated. */
const char *const *nbl__qgis_extra_styles(const char *layer);

/* The QGIS project text for the exported layers (malloc'ed). sources[i] is
 * the data source relative to the project ("areas.geojson" or
 * "nabolag.gpkg|layername=areas"). The project CRS is EPSG:srid (the
 * working CRS) and extent the layers' extent in it. */
char *nbl__qgis_project(const nbl__xjob *job, const nbl__xlayer *layers,
                        size_t nlayers, const char *const *sources,
                        const double extent[4], int srid);

/* The <aliases> element of a layer in the project: a label in the output
 * language for every field it knows (qgis_aliases.c). */
void nbl__qgis_aliases(nbl__buf *b, const nbl__xjob *job, const nbl__xlayer *l);

/* The <Layouts> element of the project: a print layout with title, map,
 * legend, scale bar, north arrow and provenance (qgis_layout.c). extent:
 * the project's view extent in EPSG:srid. */
void nbl__qgis_layout(nbl__buf *b, const nbl__xjob *job,
                      const nbl__xlayer *layers, size_t n,
                      const char *const *sources, const double extent[4],
                      int srid);

#endif
