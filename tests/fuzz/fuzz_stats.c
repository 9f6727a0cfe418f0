/*
 * fuzz_stats.c - nbl_import_stats() into an in-memory workspace with two areas
 * (A1, A2), rolled back after each input. The first byte picks options
 * (skip_invalid, replace, decimal mark); the rest is the CSV file.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nbl_fuzz_stats_input(data, size, 0);
    return 0;
}
