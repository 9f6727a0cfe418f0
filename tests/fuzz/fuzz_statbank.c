/*
 * fuzz_statbank.c - the StatBank reader (statbank.c: header detection,
 * label codes, TID periods, held dimensions, variables from labels) through
 * nbl_import_stats() or nbl_import_refs() with format = statbank, into the
 * in-memory workspace, rolled back after each input. The first byte picks
 * statistics or references, a fixed variable or variables from HERKOMST,
 * and period = last.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const nbl_stats_pair labels[] = {
        {"Indvandrere fra ikke-vestlige lande", "nonwestern"},
        {"Personer med dansk oprindelse", ""}};
    static const nbl_stats_pair where[] = {{"KØN", "I alt"}};
    nbl_ws *ws = nbl_fuzz_ws();
    nbl_stats_opts o = {0};
    nbl_stats_summary s;
    const char *path;
    if (size < 1)
        return 0;
    o.format = "statbank";
    if (data[0] & 2) {
        o.variable_from = "HERKOMST";
        o.labels = labels;
        o.n_labels = 2;
    } else {
        o.variable = "pop";
    }
    o.where = where;
    o.n_where = 1;
    o.period = (data[0] & 4) ? "last" : NULL;
    o.skip_invalid = (data[0] >> 3) & 1;
    path = nbl_fuzz_file(data + 1, size - 1, ".csv");
    if (nbl_ws_begin(ws) != NBL_OK)
        __builtin_trap();
    if (data[0] & 1)
        nbl_import_refs(ws, path, &o, &s);
    else
        nbl_import_stats(ws, path, &o, &s);
    nbl_ws_rollback(ws);
    nbl_ctx_clear_error(nbl_ws_ctx(ws));
    return 0;
}
