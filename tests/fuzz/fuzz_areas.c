/*
 * fuzz_areas.c - nbl_import_areas() on GeoJSON through GDAL's /vsimem/,
 * into the in-memory workspace, rolled back after each input. The first
 * byte picks --dissolve.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nbl_ws *ws = nbl_fuzz_ws();
    nbl_areas_opts o = {0};
    const char *src;
    if (size < 1)
        return 0;
    o.id_field = "id";
    o.name_field = "name";
    o.municipality_field = "kommune";
    o.dissolve = data[0] & 1;
    src = nbl_fuzz_vsimem(data + 1, size - 1, "fuzz.geojson");
    if (nbl_ws_begin(ws) != NBL_OK)
        __builtin_trap();
    nbl_import_areas(ws, src, &o, NULL);
    nbl_ws_rollback(ws);
    nbl_fuzz_vsimem_unlink(src);
    nbl_ctx_clear_error(nbl_ws_ctx(ws));
    return 0;
}
