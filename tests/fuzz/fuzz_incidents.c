/*
 * fuzz_incidents.c - the incidents CSV reader (nbl_import_incidents on a
 * .csv file: column detection, coordinates, dates, categories) into the
 * in-memory workspace, rolled back after each input. The first byte picks
 * the source CRS (none, EPSG:25832, EPSG:4326).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *crs[] = {NULL, "EPSG:25832", "EPSG:4326"};
    nbl_ws *ws = nbl_fuzz_ws();
    nbl_incidents_opts o = {0};
    nbl_incidents_summary s = {0};
    if (size < 1)
        return 0;
    o.src_crs = crs[data[0] % 3];
    if (nbl_ws_begin(ws) != NBL_OK)
        __builtin_trap();
    nbl_import_incidents(ws, nbl_fuzz_file(data + 1, size - 1, ".csv"), &o, &s);
    nbl_incidents_summary_clear(&s);
    nbl_ws_rollback(ws);
    nbl_ctx_clear_error(nbl_ws_ctx(ws));
    return 0;
}
