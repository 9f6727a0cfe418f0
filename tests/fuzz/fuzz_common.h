/*
 * fuzz_common.h - helpers shared by the libFuzzer targets: the fuzzer's
 * bytes as a file the readers can open, and an in-memory workspace with two
 * areas that every iteration borrows inside a transaction it rolls back, so
 * one iteration never sees another's data.
 */
#ifndef NBL_FUZZ_COMMON_H
#define NBL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "nabolag/nabolag.h"

/** Writes data to a per-process temporary file ending in ext (".csv") and
 * returns its path (static storage; rewritten by the next call). Aborts
 * when the file cannot be written: that is the harness failing, not the
 * code under test. */
const char *nbl_fuzz_file(const uint8_t *data, size_t size, const char *ext);

/** Copies data into GDAL's /vsimem/ under name and returns the path. */
const char *nbl_fuzz_vsimem(const uint8_t *data, size_t size, const char *name);

/** Removes a /vsimem/ file made by nbl_fuzz_vsimem(). */
void nbl_fuzz_vsimem_unlink(const char *path);

/** The shared in-memory workspace (EPSG:25832) with areas A1 and A2 in
 * municipality 0101, region 1084; created on first use. */
nbl_ws *nbl_fuzz_ws(void);

/** A NUL-terminated copy of data (malloc'ed). */
char *nbl_fuzz_text(const uint8_t *data, size_t size);

/** The statistics or references import (refs 0/1) of one input into the
 * workspace of nbl_fuzz_ws(), rolled back: the first byte picks options
 * (skip_invalid, replace, decimal mark), the rest is the CSV file. */
void nbl_fuzz_stats_input(const uint8_t *data, size_t size, int refs);

#endif
