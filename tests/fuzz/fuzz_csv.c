/*
 * fuzz_csv.c - the CSV dialect reader (csvread.c): BOM, UTF-8 check,
 * delimiter detection, strict quoting, line counting. The first byte picks
 * the delimiter option (detect, ',' or ';'); the rest is the file.
 */
#include <string.h>

#include "fuzz_common.h"
#include "import/csvread.h"

static int
row_fn(const nbl__csv_row *row, void *arg)
{
    size_t *sum = arg;
    for (size_t i = 0; i < row->n; i++)
        *sum += row->lens[i] + strlen(row->fields[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[] = {0, ',', ';'};
    nbl__csv_opts o = {0};
    nbl_ctx *ctx;
    size_t sum = 0;
    char used;
    long lines;
    if (size < 1)
        return 0;
    o.delimiter = delims[data[0] % 3];
    ctx = nbl_ctx_new();
    nbl__csv_read(ctx, nbl_fuzz_file(data + 1, size - 1, ".csv"), &o, row_fn,
                  &sum, &used, &lines);
    nbl_ctx_free(ctx);
    return 0;
}
