/*
 * fuzz_refs.c - nbl_import_refs() into an in-memory workspace with two areas
 * (A1, A2), rolled back after each input. The first byte picks options
 * (skip_invalid, replace, decimal mark); the rest is the CSV file.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char decimals[] = {0, '.', ','};
    nbl_ws *ws = nbl_fuzz_ws();
    nbl_stats_opts o = {0};
    nbl_stats_summary s;
    if (size < 1)
        return 0;
    o.skip_invalid = data[0] & 1;
    o.replace = (data[0] >> 1) & 1;
    o.decimal = decimals[(data[0] >> 2) % 3];
    if (nbl_ws_begin(ws) != NBL_OK)
        __builtin_trap();
    nbl_import_refs(ws, nbl_fuzz_file(data + 1, size - 1, ".csv"), &o, &s);
    nbl_ws_rollback(ws);
    nbl_ctx_clear_error(nbl_ws_ctx(ws));
    return 0;
}
