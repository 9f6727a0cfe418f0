/*
 * fuzz_project.c - the project-file reader (nbl_project_load): INI syntax,
 * strict keys, paths, numbers and lists.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_project *p = NULL;
    if (nbl_project_load(&p, ctx, nbl_fuzz_file(data, size, ".ini")) == NBL_OK)
        nbl_project_free(p);
    nbl_ctx_free(ctx);
    return 0;
}
