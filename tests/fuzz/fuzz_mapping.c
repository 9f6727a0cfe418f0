/*
 * fuzz_mapping.c - the column mapping of the statistics import (colmap.c:
 * mapped headings, ignore list, unplaced headings and their nearest known
 * names) through nbl_import_stats() with a mapping, into the in-memory
 * workspace, rolled back after each input. The first byte picks the
 * mapping (Danish headings for the long layout, for a wide one, or an
 * ignore list only); the rest is the CSV file.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const nbl_stats_pair long_map[] = {{"area_id", "Afdeling"},
                                              {"year", "År"},
                                              {"variable", "Variabel"},
                                              {"value", "Antal"}};
    static const nbl_stats_pair wide_map[] = {
        {"area_id", "Område"}, {"year", "Tid"}, {"pop", "Beboere"}};
    static const char *const ignore[] = {"Navn", "Bemærkning"};
    nbl_ws *ws = nbl_fuzz_ws();
    nbl_stats_opts o = {0};
    nbl_stats_summary s;
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0:
        o.columns = long_map;
        o.n_columns = 4;
        break;
    case 1:
        o.columns = wide_map;
        o.n_columns = 3;
        break;
    default:
        break;
    }
    o.ignore = ignore;
    o.n_ignore = 2;
    o.skip_invalid = (data[0] >> 2) & 1;
    if (nbl_ws_begin(ws) != NBL_OK)
        __builtin_trap();
    nbl_import_stats(ws, nbl_fuzz_file(data + 1, size - 1, ".csv"), &o, &s);
    nbl_ws_rollback(ws);
    nbl_ctx_clear_error(nbl_ws_ctx(ws));
    return 0;
}
