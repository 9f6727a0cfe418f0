/*
 * fuzz_grid.c - the grid reader of `import grid` (grid_read.c and the
 * kvadratnet cell ids of model/grid.c: 100m_61672_7205, 250m_616725_72050,
 * 1km_6167_720; long and wide layouts, suppressed cells, the column
 * mapping) through nbl_import_grid() into the in-memory workspace, whose
 * two areas lie where the seeds' cells are, rolled back after each input.
 * The first byte picks the options: bit 0 centroid, bits 1-2 the
 * delimiter (detect, ',', ';'), bit 3 a Danish mapping (Celle, År,
 * Beboere) with an ignored name column, bit 4 a 0.5 missing share, bit 5
 * the rest as polygon cells (GeoJSON through /vsimem/) instead of a CSV.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const nbl_stats_pair danish[] = {
        {"cell", "Celle"}, {"year", "År"}, {"pop", "Beboere"}};
    static const char delims[] = {0, ',', ';', 0};
    nbl_ws *ws = nbl_fuzz_ws();
    nbl_grid_opts o = {0};
    nbl_grid_summary s;
    const char *src;
    if (size < 1)
        return 0;
    o.centroid = data[0] & 1;
    o.delimiter = delims[(data[0] >> 1) & 3];
    if (data[0] & 8) {
        o.columns = danish;
        o.n_columns = 3;
        o.ignore = "Navn, Bemærkning";
    }
    o.max_missing_share = 0.5;
    o.max_missing_share_set = (data[0] >> 4) & 1;
    o.replace = 1;
    if (nbl_ws_begin(ws) != NBL_OK)
        __builtin_trap();
    if (data[0] & 32) {
        o.src_crs = "EPSG:25832";
        src = nbl_fuzz_vsimem(data + 1, size - 1, "fuzz-grid.geojson");
        nbl_import_grid(ws, src, &o, &s);
        nbl_fuzz_vsimem_unlink(src);
    } else {
        nbl_import_grid(ws, nbl_fuzz_file(data + 1, size - 1, ".csv"), &o, &s);
    }
    nbl_ws_rollback(ws);
    nbl_ctx_clear_error(nbl_ws_ctx(ws));
    return 0;
}
