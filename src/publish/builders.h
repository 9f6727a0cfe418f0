/*
 * builders.h (private) - the export's layer builders (builders.c), in
 * project order (top of the legend first). A builder fills one layer of
 * the layer model (layer.h) from the store for the job's year.
 */
#ifndef NBL_PUBLISH_BUILDERS_H
#define NBL_PUBLISH_BUILDERS_H

#include <stddef.h>

#include "publish/layer.h"

typedef int (*nbl__xbuilder)(nbl_ws *ws, const nbl__xjob *job,
                             nbl__xlayer *out);

/* The builders in project order (the layers they build are named by
 * nbl_export_layer_names() in the same order); *n receives their number. */
const nbl__xbuilder *nbl__export_builders(size_t *n);

#endif
