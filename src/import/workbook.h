/*
 * workbook.h - spreadsheet workbooks (.xlsx, .ods) read through GDAL's
 * XLSX and ODS drivers as the same row stream the CSV reader gives
 * (nbl__csv_row), so every importer that reads CSV reads workbooks too.
 *
 * One sheet is read: the one named, or the only one. The first row is the
 * header (GDAL is told so; it would otherwise guess). Each row carries its
 * row number in the sheet (the header is row 1) in `line`, and `typed`
 * marks the cells of columns GDAL read as numbers, whose text uses '.' as
 * the decimal mark whatever the file's other text uses. Rows whose cells
 * are all empty are skipped and counted.
 */
#ifndef NBL_WORKBOOK_H
#define NBL_WORKBOOK_H

#include "import/csvread.h"
#include "nabolag/common.h"

typedef struct nbl__workbook_info {
    char sheet[256];    /* the sheet read */
    long rows;          /* data rows delivered */
    long empty_rows;    /* rows with every cell empty (skipped) */
    const char *driver; /* "XLSX" or "ODS" (static) */
} nbl__workbook_info;

/**
 * Reads sheet (NULL: the only sheet) of the workbook at path and calls fn
 * for the header and every row. Errors (ctx message): NBL_EIO (cannot
 * open), NBL_EFORMAT ("file.xlsx: not a workbook GDAL can read", "the
 * workbook has 2 sheets ('A', 'B'); name one with sheet = NAME", "no
 * sheet 'X' (sheets: ...)", an empty sheet), NBL_ENOMEM, or fn's value.
 */
int nbl__workbook_read(nbl_ctx *ctx, const char *path, const char *sheet,
                       nbl__csv_row_fn fn, void *arg, nbl__workbook_info *info);

/** True when path names a workbook by its extension (.xlsx, .ods). */
int nbl__workbook_ext(const char *path);

#endif
