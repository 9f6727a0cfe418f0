/*
 * rowsrc.c - the one entry point for tabular inputs (see rowsrc.h): picks
 * CSV or workbook from the file's first bytes, peeks at the header for a
 * StatBank download, and runs the StatBank filter (with its scan pass for
 * period = last) between the reader and the caller.
 */
#include "import/rowsrc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/ctx.h"
#include "util/util.h"

#define PEEK_STOP 1

int
nbl__rowsrc_check(nbl_ctx *ctx, const nbl__rowsrc *src)
{
    static const char *const formats[] = {"auto", "csv", "xlsx", "ods",
                                          "statbank"};
    if (!src->format)
        return NBL_OK;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(src->format, formats[i]) == 0)
            return NBL_OK;
    return nbl__error(ctx, NBL_EINVAL,
                      "format must be auto, csv, xlsx, ods or statbank, not "
                      "'%s'",
                      src->format);
}

/* 'w' when the file is a zip (a workbook) or the format says so. */
static int
pick_kind(nbl_ctx *ctx, const nbl__rowsrc *src, char *kind)
{
    unsigned char b[4] = {0};
    size_t got;
    FILE *f = fopen(src->path, "rb");
    if (!f)
        return nbl__error(ctx, NBL_EIO, "%s: cannot open: %s", src->path,
                          strerror(errno));
    got = fread(b, 1, sizeof b, f);
    fclose(f);
    *kind = (got == 4 && memcmp(b, "PK\x03\x04", 4) == 0) ||
                    (src->format && (strcmp(src->format, "xlsx") == 0 ||
                                     strcmp(src->format, "ods") == 0))
                ? 'w'
                : 'c';
    return NBL_OK;
}

static int
raw_read(nbl_ctx *ctx, const nbl__rowsrc *src, char kind, nbl__csv_row_fn fn,
         void *arg, nbl__rowsrc_info *info)
{
    nbl__csv_opts co = {0};
    if (kind == 'w')
        return nbl__workbook_read(ctx, src->path, src->sheet, fn, arg,
                                  &info->wb);
    co.delimiter = src->delimiter;
    co.progress = src->progress;
    co.progress_lo = src->progress_lo;
    co.progress_hi = src->progress_hi;
    return nbl__csv_read_info(ctx, src->path, &co, fn, arg, &info->csv);
}

static int
peek_header(const nbl__csv_row *row, void *arg)
{
    *(int *)arg = nbl__statbank_detect(row->n, row->fields);
    return PEEK_STOP;
}

static int
is_statbank(nbl_ctx *ctx, const nbl__rowsrc *src, char kind, int *yes)
{
    nbl__rowsrc_info scratch;
    int rc;
    *yes = 0;
    if (src->raw)
        return NBL_OK;
    if (src->format && strcmp(src->format, "auto") != 0) {
        *yes = strcmp(src->format, "statbank") == 0;
        return NBL_OK;
    }
    memset(&scratch, 0, sizeof scratch);
    rc = raw_read(ctx, src, kind, peek_header, yes, &scratch);
    return rc == PEEK_STOP ? NBL_OK : rc;
}

static int
read_statbank(nbl_ctx *ctx, const nbl__rowsrc *src, char kind,
              nbl__csv_row_fn fn, void *arg, nbl__rowsrc_info *info)
{
    static const nbl__statbank_opts none = {0};
    const nbl__statbank_opts *o = src->statbank ? src->statbank : &none;
    nbl__statbank *sb;
    long rows;
    int rc = nbl__statbank_new(&sb, ctx, src->path, o, fn, arg);
    if (rc)
        return rc;
    if (o->period_last) {
        rc = raw_read(ctx, src, kind, nbl__statbank_scan, sb, info);
        nbl__statbank_rewind(sb);
    }
    if (rc == NBL_OK)
        rc = raw_read(ctx, src, kind, nbl__statbank_row, sb, info);
    nbl__statbank_counts(sb, &rows, &info->left_out);
    nbl__statbank_free(sb);
    return rc;
}

int
nbl__rowsrc_read(nbl_ctx *ctx, const nbl__rowsrc *src, nbl__csv_row_fn fn,
                 void *arg, nbl__rowsrc_info *info)
{
    nbl__rowsrc_info local;
    char kind = 'c';
    int rc, sbank = 0;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    rc = nbl__rowsrc_check(ctx, src);
    if (rc == NBL_OK)
        rc = pick_kind(ctx, src, &kind);
    if (rc == NBL_OK)
        rc = is_statbank(ctx, src, kind, &sbank);
    if (rc)
        return rc;
    info->kind = kind;
    info->statbank = sbank;
    rc = sbank ? read_statbank(ctx, src, kind, fn, arg, info)
               : raw_read(ctx, src, kind, fn, arg, info);
    if (kind == 'w') {
        info->empty_rows = info->wb.empty_rows;
        info->encoding = NULL;
    } else {
        info->empty_rows = info->csv.empty_rows;
        info->encoding = info->csv.encoding;
    }
    return rc;
}

const char *
nbl__rowsrc_where(const nbl__rowsrc_info *info, const char *path, long line,
                  char *buf, size_t n)
{
    if (info && info->kind == 'w')
        snprintf(buf, n, "%s: sheet '%s' row %ld", path, info->wb.sheet, line);
    else
        snprintf(buf, n, "%s:%ld", path, line);
    return buf;
}
