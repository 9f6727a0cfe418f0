/*
 * fuzz_context.c - the report's context layer ([report] context): any
 * vector source read through GDAL (here GeoJSON in /vsimem/), reprojected
 * to the working CRS and written as SVG path data by the map
 * (report_map.c), against an empty frame in the in-memory workspace.
 */
#include <string.h>

#include "fuzz_common.h"
#include "publish/report_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nbl_ws *ws = nbl_fuzz_ws();
    nbl__report_data d;
    nbl__disclosure disc;
    nbl__rep_context c = {0};
    nbl__rep_out o = {0}; /* no file: the map stays in o.b */
    const char *src = nbl_fuzz_vsimem(data, size, "context.geojson");
    memset(&d, 0, sizeof d);
    d.year = 2024;
    d.minx = 570000;
    d.maxy = 6221000;
    d.width = d.height = 1000;
    nbl__disclosure_defaults(&disc);
    o.ctx = nbl_ws_ctx(ws);
    if (nbl__rep_context_read(ws, &d, src, &c) == NBL_OK)
        nbl__rep_map(ws, &o, &d, &disc, &c);
    nbl__rep_context_free(&c);
    nbl__buf_free(&o.b);
    nbl_fuzz_vsimem_unlink(src);
    nbl_ctx_clear_error(nbl_ws_ctx(ws));
    return 0;
}
