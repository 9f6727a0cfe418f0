/*
 * rowsrc.h - one entry point for every tabular input: a CSV file (with the
 * dialect detection of csvread: delimiter, BOM, UTF-8 or Windows-1252,
 * empty rows), a workbook (.xlsx/.ods, through GDAL), and a StatBank
 * download (CSV or workbook) converted to the long layout. Importers read
 * rows through nbl__rowsrc_read() and name places with nbl__rowsrc_where(),
 * so "file:line" and "file.xlsx: sheet 'X' row N" come out alike.
 *
 * The kind is decided from the bytes, not the extension: a zip file is a
 * workbook (also when it is called .csv), and a CSV whose header ends in
 * TID;INDHOLD is a StatBank download unless the format says otherwise.
 */
#ifndef NBL_ROWSRC_H
#define NBL_ROWSRC_H

#include <stddef.h>

#include "import/csvread.h"
#include "import/statbank.h"
#include "import/workbook.h"

typedef struct nbl__rowsrc {
    const char *path;
    const char *format; /* NULL/"auto", "csv", "xlsx", "ods", "statbank" */
    const char *sheet;  /* workbooks: the sheet; NULL = the only one */
    char delimiter;     /* CSV: ',' or ';', 0 = detect */
    const nbl__statbank_opts *statbank; /* StatBank settings (may be NULL) */
    int raw;              /* the file's own rows: no StatBank conversion */
    const char *progress; /* progress message, NULL for none */
    double progress_lo, progress_hi;
} nbl__rowsrc;

typedef struct nbl__rowsrc_info {
    char kind;    /* 'c' CSV, 'w' workbook */
    int statbank; /* converted from a StatBank download */
    nbl__csv_info csv;
    nbl__workbook_info wb;
    long empty_rows;      /* rows with every field empty (skipped) */
    long left_out;        /* StatBank rows left out by where/period/label */
    const char *encoding; /* "utf-8", "windows-1252", or NULL (workbook) */
} nbl__rowsrc_info;

/** Checks the format name; NBL_OK or NBL_EINVAL with a message. */
int nbl__rowsrc_check(nbl_ctx *ctx, const nbl__rowsrc *src);

/**
 * Reads src and calls fn for the header and every row. *info (may be
 * NULL) says what was read. Errors as nbl__csv_read_info(),
 * nbl__workbook_read() and the StatBank filter.
 */
int nbl__rowsrc_read(nbl_ctx *ctx, const nbl__rowsrc *src, nbl__csv_row_fn fn,
                     void *arg, nbl__rowsrc_info *info);

/** Where line is, for messages: "path:line" (CSV) or "path: sheet 'X' row
 * line" (workbook), into buf. Returns buf. */
const char *nbl__rowsrc_where(const nbl__rowsrc_info *info, const char *path,
                              long line, char *buf, size_t n);

#endif
