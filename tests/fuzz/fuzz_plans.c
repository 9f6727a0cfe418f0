/*
 * fuzz_plans.c - the plans CSV reader (nbl_plans_import) into the
 * in-memory workspace with areas A1 and A2, rolled back after each input.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nbl_ws *ws = nbl_fuzz_ws();
    nbl_plans_summary s = {0};
    if (nbl_ws_begin(ws) != NBL_OK)
        __builtin_trap();
    nbl_plans_import(ws, nbl_fuzz_file(data, size, ".csv"), &s);
    nbl_ws_rollback(ws);
    nbl_ctx_clear_error(nbl_ws_ctx(ws));
    return 0;
}
