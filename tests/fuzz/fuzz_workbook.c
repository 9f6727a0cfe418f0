/*
 * fuzz_workbook.c - the workbook reader (workbook.c: .xlsx and .ods
 * through GDAL, sheets, cells as text) on a file in GDAL's /vsimem/. The
 * first byte picks .xlsx or .ods and whether a sheet is named.
 */
#include "fuzz_common.h"
#include "import/workbook.h"

static int
row_fn(const nbl__csv_row *row, void *arg)
{
    size_t *n = arg;
    *n += row->n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nbl_ctx *ctx;
    nbl__workbook_info info;
    const char *path;
    size_t n = 0;
    if (size < 1)
        return 0;
    path = nbl_fuzz_vsimem(data + 1, size - 1,
                           (data[0] & 1) ? "fuzz.ods" : "fuzz.xlsx");
    ctx = nbl_ctx_new();
    nbl__workbook_read(ctx, path, (data[0] & 2) ? "Ark1" : NULL, row_fn, &n,
                       &info);
    nbl_ctx_free(ctx);
    nbl_fuzz_vsimem_unlink(path);
    return 0;
}
